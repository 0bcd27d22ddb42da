"""Supporters: "me too" counts once per person or device

Revision ID: b5c0e5f60014
Revises: b3c0e3f40012
Create Date: 2026-11-28 10:30:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'b5c0e5f60014'
down_revision = 'b3c0e3f40012'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('supporters',
    sa.Column('complaint_id', sa.Integer(), nullable=False),
    sa.Column('key', sa.String(length=80), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['complaint_id'], ['complaints.id'], name=op.f('fk_supporters_complaint_id_complaints')),
    sa.PrimaryKeyConstraint('complaint_id', 'key', name=op.f('pk_supporters'))
    )


def downgrade():
    op.drop_table('supporters')
