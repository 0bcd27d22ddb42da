"""Partner API keys (Open311 and the JSON API)

Revision ID: b2b0d2e30011
Revises: b1a0c1d20010
Create Date: 2026-11-28 05:00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'b2b0d2e30011'
down_revision = 'b1a0c1d20010'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('partner_api_keys',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=120), nullable=False),
    sa.Column('prefix', sa.String(length=16), nullable=False),
    sa.Column('key_hash', sa.String(length=64), nullable=False),
    sa.Column('scopes', sa.String(length=200), nullable=False),
    sa.Column('agency_id', sa.Integer(), nullable=True),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('last_used_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('revoked_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['agency_id'], ['agencies.id'], name=op.f('fk_partner_api_keys_agency_id_agencies')),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_partner_api_keys_created_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_partner_api_keys')),
    sa.UniqueConstraint('key_hash', name=op.f('uq_partner_api_keys_key_hash')),
    sa.UniqueConstraint('prefix', name=op.f('uq_partner_api_keys_prefix'))
    )


def downgrade():
    op.drop_table('partner_api_keys')
