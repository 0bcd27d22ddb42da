"""Regional verifiers: a verifier may work for one province or regency/city

Revision ID: a5b0d4e50005
Revises: a4a0c3d40004
Create Date: 2026-11-28 01:10:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'a5b0d4e50005'
down_revision = 'a4a0c3d40004'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.add_column(sa.Column('region_code', sa.String(length=13), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f('fk_users_region_code_regions'), 'regions', ['region_code'], ['code']
        )
        batch_op.create_check_constraint(
            'region_by_role', "region_code IS NULL OR role = 'verifier'"
        )


def downgrade():
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('ck_users_region_by_role'), type_='check')
        batch_op.drop_constraint(batch_op.f('fk_users_region_code_regions'), type_='foreignkey')
        batch_op.drop_column('region_code')
