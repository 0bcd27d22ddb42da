"""Duplicate candidate index

Revision ID: a1d0c5e70001
Revises: 6b986c832aab
Create Date: 2026-11-28 00:00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'a1d0c5e70001'
down_revision = '6b986c832aab'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('duplicate_signatures',
    sa.Column('complaint_id', sa.Integer(), nullable=False),
    sa.Column('regency_code', sa.String(length=13), nullable=False),
    sa.Column('region_code', sa.String(length=13), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('tokens', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['complaint_id'], ['complaints.id'], name=op.f('fk_duplicate_signatures_complaint_id_complaints')),
    sa.PrimaryKeyConstraint('complaint_id', name=op.f('pk_duplicate_signatures'))
    )
    op.create_table('duplicate_bands',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('band_key', sa.BigInteger(), nullable=False),
    sa.Column('regency_code', sa.String(length=13), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('complaint_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['complaint_id'], ['complaints.id'], name=op.f('fk_duplicate_bands_complaint_id_complaints')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_duplicate_bands'))
    )
    with op.batch_alter_table('duplicate_bands', schema=None) as batch_op:
        batch_op.create_index('ix_duplicate_bands_lookup', ['band_key', 'regency_code', 'created_at', 'complaint_id'], unique=False)


def downgrade():
    with op.batch_alter_table('duplicate_bands', schema=None) as batch_op:
        batch_op.drop_index('ix_duplicate_bands_lookup')

    op.drop_table('duplicate_bands')
    op.drop_table('duplicate_signatures')
