"""Reporter secrets for every complaint, ratings

Every new complaint now gets a secret (the proof of being its reporter); the CHECK
"secret_unless_public" stays as it is, because public complaints filed before have none.
The only schema change is the ratings table.

Revision ID: a4a0c3d40004
Revises: a3f0b2c30003
Create Date: 2026-11-28 00:00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'a4a0c3d40004'
down_revision = 'a3f0b2c30003'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('complaint_ratings',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('complaint_id', sa.Integer(), nullable=False),
    sa.Column('score', sa.Integer(), nullable=False),
    sa.Column('comment', sa.Text(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint('score >= 1 AND score <= 5', name=op.f('ck_complaint_ratings_score')),
    sa.ForeignKeyConstraint(['complaint_id'], ['complaints.id'], name=op.f('fk_complaint_ratings_complaint_id_complaints')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_complaint_ratings')),
    sa.UniqueConstraint('complaint_id', name=op.f('uq_complaint_ratings_complaint_id'))
    )


def downgrade():
    op.drop_table('complaint_ratings')
