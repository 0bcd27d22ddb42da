"""Published words: the search index of masked published texts; complaints by date

Revision ID: c1d0e6f70015
Revises: b5c0e5f60014
Create Date: 2026-11-28 18:45:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'c1d0e6f70015'
down_revision = 'b5c0e5f60014'
branch_labels = None
depends_on = None

BATCH = 500


def upgrade():
    words = op.create_table('published_words',
    sa.Column('word', sa.String(length=40), nullable=False),
    sa.Column('complaint_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['complaint_id'], ['complaints.id'], name=op.f('fk_published_words_complaint_id_complaints')),
    sa.PrimaryKeyConstraint('word', 'complaint_id', name=op.f('pk_published_words'))
    )
    with op.batch_alter_table('published_words', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_published_words_complaint_id'), ['complaint_id'], unique=False)

    with op.batch_alter_table('complaints', schema=None) as batch_op:
        batch_op.create_index('ix_complaints_created_at_id', ['created_at', 'id'], unique=False)

    # Fill it from what is already published, with the same words the app writes.
    from app.publishing.search import words_of

    complaints = sa.table(
        'complaints',
        sa.column('id', sa.Integer),
        sa.column('published_title', sa.String),
        sa.column('published_description', sa.Text),
    )
    connection = op.get_bind()
    last_id = 0
    while True:
        rows = connection.execute(
            sa.select(complaints.c.id, complaints.c.published_title, complaints.c.published_description)
            .where(complaints.c.id > last_id, complaints.c.published_title.is_not(None))
            .order_by(complaints.c.id)
            .limit(BATCH)
        ).all()
        if not rows:
            break
        found = [
            {'word': word, 'complaint_id': row.id}
            for row in rows
            for word in sorted(words_of(row.published_title, row.published_description))
        ]
        if found:
            connection.execute(words.insert(), found)
        last_id = rows[-1].id


def downgrade():
    with op.batch_alter_table('complaints', schema=None) as batch_op:
        batch_op.drop_index('ix_complaints_created_at_id')

    with op.batch_alter_table('published_words', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_published_words_complaint_id'))

    op.drop_table('published_words')
