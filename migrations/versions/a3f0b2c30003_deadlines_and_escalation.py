"""Deadlines, overdue marks and escalation

Revision ID: a3f0b2c30003
Revises: a2e0f1a20002
Create Date: 2026-11-28 00:00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'a3f0b2c30003'
down_revision = 'a2e0f1a20002'
branch_labels = None
depends_on = None

KINDS_BEFORE = (
    'received', 'dispatched', 'merged', 'info_requested', 'archived', 'flagged', 'replied',
    'appealed', 'started', 'responded', 'forwarded', 'resolved', 'confirmed', 'reopened', 'closed',
)
KINDS_AFTER = KINDS_BEFORE + ('escalated',)


def _kind_check(kinds):
    return "kind IN (" + ", ".join(f"'{kind}'" for kind in kinds) + ")"


def upgrade():
    with op.batch_alter_table('complaints', schema=None) as batch_op:
        batch_op.add_column(sa.Column('escalated_on', sa.Date(), nullable=True))

    # A new event kind: the enum's CHECK constraint is not compared by autogenerate.
    with op.batch_alter_table('complaint_events', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_complaint_events_eventkind'), type_='check')
        batch_op.create_check_constraint(op.f('ck_complaint_events_eventkind'), _kind_check(KINDS_AFTER))


def downgrade():
    # The escalation events go first: the old CHECK would refuse them. They are system notes
    # (the deadline passed), not anyone's decision, so nothing a person did is lost.
    op.execute("DELETE FROM complaint_events WHERE kind = 'escalated'")
    with op.batch_alter_table('complaint_events', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_complaint_events_eventkind'), type_='check')
        batch_op.create_check_constraint(op.f('ck_complaint_events_eventkind'), _kind_check(KINDS_BEFORE))

    with op.batch_alter_table('complaints', schema=None) as batch_op:
        batch_op.drop_column('escalated_on')
