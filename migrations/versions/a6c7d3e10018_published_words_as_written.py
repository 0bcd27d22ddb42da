"""Published words as written too, so that a prefix finds affixed words ("kelura")

Revision ID: a6c7d3e10018
Revises: f3b5a2c90017
Create Date: 2026-11-28 23:20:00

"""
from alembic import op


# revision identifiers, used by Alembic.
revision = 'a6c7d3e10018'
down_revision = 'f3b5a2c90017'
branch_labels = None
depends_on = None


def upgrade():
    # Rewrite every published report's words as the app now makes them.
    from app.publishing.search import reindex_batch

    connection = op.get_bind()
    last_id = 0
    while (done := reindex_batch(connection, last_id)) is not None:
        last_id = done[0]


def downgrade():
    # The extra words do no harm to the older search, which looks up stems only; `flask
    # publishing reindex` on the older code removes them.
    pass
