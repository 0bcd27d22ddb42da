"""Scorecards: aggregates

Revision ID: b3c0e3f40012
Revises: b2b0d2e30011
Create Date: 2026-11-28 05:00:00

Creates the per-complaint scorecard facts and the two aggregate tables. Existing complaints
are counted by `flask --app app scorecards rebuild` (it needs the app: working days from
lokal-id, the local time zone and the deadline settings), run once after this upgrade.
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'b3c0e3f40012'
down_revision = 'b2b0d2e30011'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('scorecard_facts',
    sa.Column('complaint_id', sa.Integer(), nullable=False),
    sa.Column('agency_id', sa.Integer(), nullable=True),
    sa.Column('regency_code', sa.String(length=5), nullable=False),
    sa.Column('province_code', sa.String(length=2), nullable=False),
    sa.Column('category_code', sa.String(length=40), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('received_month', sa.String(length=7), nullable=False),
    sa.Column('due_on', sa.Date(), nullable=True),
    sa.Column('first_response_days', sa.Integer(), nullable=True),
    sa.Column('responded_month', sa.String(length=7), nullable=True),
    sa.Column('in_time', sa.Boolean(), nullable=True),
    sa.Column('resolution_days', sa.Integer(), nullable=True),
    sa.Column('resolved_month', sa.String(length=7), nullable=True),
    sa.Column('rating', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['complaint_id'], ['complaints.id'], name=op.f('fk_scorecard_facts_complaint_id_complaints')),
    sa.PrimaryKeyConstraint('complaint_id', name=op.f('pk_scorecard_facts'))
    )
    with op.batch_alter_table('scorecard_facts', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_scorecard_facts_agency_id'), ['agency_id'], unique=False)
        batch_op.create_index('ix_scorecard_facts_due_agency', ['due_on', 'status', 'agency_id', 'category_code'], unique=False)
        batch_op.create_index('ix_scorecard_facts_regency_due', ['regency_code', 'due_on', 'status'], unique=False)
        batch_op.create_index('ix_scorecard_facts_province_due', ['province_code', 'due_on', 'status'], unique=False)

    op.create_table('scorecard_stats',
    sa.Column('scope', sa.String(length=6), nullable=False),
    sa.Column('key', sa.String(length=20), nullable=False),
    sa.Column('category', sa.String(length=40), nullable=False),
    sa.Column('month', sa.String(length=7), nullable=False),
    sa.Column('received', sa.Integer(), nullable=False),
    sa.Column('in_progress', sa.Integer(), nullable=False),
    sa.Column('resolved', sa.Integer(), nullable=False),
    sa.Column('stopped', sa.Integer(), nullable=False),
    sa.Column('responded', sa.Integer(), nullable=False),
    sa.Column('in_time', sa.Integer(), nullable=False),
    sa.Column('rating_sum', sa.Integer(), nullable=False),
    sa.Column('rating_count', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('scope', 'key', 'category', 'month', name=op.f('pk_scorecard_stats'))
    )
    with op.batch_alter_table('scorecard_stats', schema=None) as batch_op:
        batch_op.create_index('ix_scorecard_stats_ranking', ['scope', 'category', 'month'], unique=False)

    op.create_table('scorecard_days',
    sa.Column('scope', sa.String(length=6), nullable=False),
    sa.Column('category', sa.String(length=40), nullable=False),
    sa.Column('key', sa.String(length=20), nullable=False),
    sa.Column('measure', sa.String(length=10), nullable=False),
    sa.Column('days', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('n', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('scope', 'category', 'key', 'measure', 'days', name=op.f('pk_scorecard_days'))
    )


def downgrade():
    op.drop_table('scorecard_days')
    with op.batch_alter_table('scorecard_stats', schema=None) as batch_op:
        batch_op.drop_index('ix_scorecard_stats_ranking')
    op.drop_table('scorecard_stats')
    with op.batch_alter_table('scorecard_facts', schema=None) as batch_op:
        batch_op.drop_index('ix_scorecard_facts_province_due')
        batch_op.drop_index('ix_scorecard_facts_regency_due')
        batch_op.drop_index('ix_scorecard_facts_due_agency')
        batch_op.drop_index(batch_op.f('ix_scorecard_facts_agency_id'))
    op.drop_table('scorecard_facts')
