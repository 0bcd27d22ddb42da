"""Published words in byte order on PostgreSQL, so a prefix is a range of the index

Revision ID: e2a4f1b80016
Revises: c1d0e6f70015
Create Date: 2026-11-28 22:30:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'e2a4f1b80016'
down_revision = 'c1d0e6f70015'
branch_labels = None
depends_on = None


def upgrade():
    # SQLite compares bytes already (BINARY); PostgreSQL rebuilds the primary key's index.
    if op.get_bind().dialect.name == 'postgresql':
        op.alter_column(
            'published_words', 'word',
            type_=sa.String(length=40, collation='C'), existing_nullable=False,
        )


def downgrade():
    if op.get_bind().dialect.name == 'postgresql':
        op.alter_column(
            'published_words', 'word',
            type_=sa.String(length=40), existing_nullable=False,
        )
