"""Scorecards: the month of each rating, so the published average takes them in monthly batches

Revision ID: f3b5a2c90017
Revises: e2a4f1b80016
Create Date: 2026-11-28 23:00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'f3b5a2c90017'
down_revision = 'e2a4f1b80016'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('scorecard_facts', schema=None) as batch_op:
        batch_op.add_column(sa.Column('rated_month', sa.String(length=7), nullable=True))
    with op.batch_alter_table('scorecard_stats', schema=None) as batch_op:
        batch_op.create_index('ix_scorecard_stats_ratings', ['scope', 'category', 'key', 'month', 'rating_count', 'rating_sum'], unique=False)

    # The months come from the CONFIRMED events: recompute the facts and the aggregates as
    # `flask scorecards rebuild` does (nothing to do on an empty database).
    connection = op.get_bind()
    if connection.scalar(sa.text('select count(*) from scorecard_facts')):
        from app.scorecards.facts import rebuild_aggregates, rebuild_facts

        rebuild_facts(connection)
        rebuild_aggregates(connection)


def downgrade():
    # The per-topic monthly rating rows go with the column; counters per month stay.
    op.execute("delete from scorecard_stats where category <> '*' and month <> '*'")
    with op.batch_alter_table('scorecard_stats', schema=None) as batch_op:
        batch_op.drop_index('ix_scorecard_stats_ratings')
    with op.batch_alter_table('scorecard_facts', schema=None) as batch_op:
        batch_op.drop_column('rated_month')
