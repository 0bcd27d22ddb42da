"""Published complaints: masked texts and corrections

Revision ID: b1a0c1d20010
Revises: a9f0b8c90009
Create Date: 2026-11-28 05:00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'b1a0c1d20010'
down_revision = 'a9f0b8c90009'
branch_labels = None
depends_on = None

KINDS_BEFORE = (
    'received', 'dispatched', 'merged', 'info_requested', 'archived', 'flagged', 'replied',
    'appealed', 'started', 'responded', 'forwarded', 'resolved', 'confirmed', 'reopened', 'closed',
    'escalated', 'claimed',
)
KINDS_AFTER = KINDS_BEFORE + ('published_corrected',)


def _in(column, values):
    return f"{column} IN (" + ", ".join(f"'{value}'" for value in values) + ")"


def upgrade():
    # Masked texts are filled by `flask publishing refresh` (masking needs the application's
    # lokal-id settings), and from then on whenever a complaint is published or changes.
    with op.batch_alter_table('complaints', schema=None) as batch_op:
        batch_op.add_column(sa.Column('published_title', sa.String(length=300), nullable=True))
        batch_op.add_column(sa.Column('published_description', sa.Text(), nullable=True))

    op.create_table('published_notes',
    sa.Column('event_id', sa.Integer(), nullable=False),
    sa.Column('complaint_id', sa.Integer(), nullable=False),
    sa.Column('note', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('corrected_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['complaint_id'], ['complaints.id'], name=op.f('fk_published_notes_complaint_id_complaints')),
    sa.ForeignKeyConstraint(['event_id'], ['complaint_events.id'], name=op.f('fk_published_notes_event_id_complaint_events')),
    sa.PrimaryKeyConstraint('event_id', name=op.f('pk_published_notes'))
    )
    with op.batch_alter_table('published_notes', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_published_notes_complaint_id'), ['complaint_id'], unique=False)

    with op.batch_alter_table('complaint_events', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_complaint_events_eventkind'), type_='check')
        batch_op.create_check_constraint(op.f('ck_complaint_events_eventkind'), _in('kind', KINDS_AFTER))


def downgrade():
    # complaint_events is append-only for the application, not for a downgrade: the old
    # schema cannot hold the correction events.
    op.execute("DELETE FROM complaint_events WHERE kind = 'published_corrected'")
    with op.batch_alter_table('complaint_events', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_complaint_events_eventkind'), type_='check')
        batch_op.create_check_constraint(op.f('ck_complaint_events_eventkind'), _in('kind', KINDS_BEFORE))

    with op.batch_alter_table('published_notes', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_published_notes_complaint_id'))
    op.drop_table('published_notes')

    with op.batch_alter_table('complaints', schema=None) as batch_op:
        batch_op.drop_column('published_description')
        batch_op.drop_column('published_title')
