"""Citizen accounts, staff invitations, facilitators and their filing devices

Revision ID: a9f0b8c90009
Revises: a8e0a7b80008
Create Date: 2026-11-28 03:40:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'a9f0b8c90009'
down_revision = 'a8e0a7b80008'
branch_labels = None
depends_on = None

ROLES_BEFORE = ('verifier', 'officer', 'supervisor', 'admin')
ROLES_AFTER = ROLES_BEFORE + ('facilitator', 'citizen')
KINDS_BEFORE = (
    'received', 'dispatched', 'merged', 'info_requested', 'archived', 'flagged', 'replied',
    'appealed', 'started', 'responded', 'forwarded', 'resolved', 'confirmed', 'reopened', 'closed',
    'escalated',
)
KINDS_AFTER = KINDS_BEFORE + ('claimed',)


def _in(column, values):
    return f"{column} IN (" + ", ".join(f"'{value}'" for value in values) + ")"


def _handle_from_id():
    if op.get_bind().dialect.name == "postgresql":
        return "convert_to(CAST(id AS TEXT), 'UTF8')"
    return "CAST(CAST(id AS TEXT) AS BLOB)"


def upgrade():
    op.create_table('organisations',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=150), nullable=False),
    sa.Column('region_code', sa.String(length=13), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['region_code'], ['regions.code'], name=op.f('fk_organisations_region_code_regions')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_organisations')),
    sa.UniqueConstraint('name', name=op.f('uq_organisations_name'))
    )

    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.add_column(sa.Column('organisation_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('passkey_handle', sa.LargeBinary(length=64), nullable=True))
    # New accounts get a random handle. Existing ones keep the handle their passkeys were
    # registered with (the account's id), so those passkeys go on signing them in.
    op.execute("UPDATE users SET passkey_handle = " + _handle_from_id())
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.alter_column('passkey_handle', existing_type=sa.LargeBinary(length=64), nullable=False)
        batch_op.alter_column('email', existing_type=sa.String(length=254), nullable=True)
        batch_op.create_index(batch_op.f('ix_users_organisation_id'), ['organisation_id'], unique=False)
        batch_op.create_unique_constraint(batch_op.f('uq_users_passkey_handle'), ['passkey_handle'])
        batch_op.create_foreign_key(batch_op.f('fk_users_organisation_id_organisations'), 'organisations', ['organisation_id'], ['id'])
        batch_op.drop_constraint(op.f('ck_users_role'), type_='check')
        batch_op.create_check_constraint(op.f('ck_users_role'), _in('role', ROLES_AFTER))
        batch_op.create_check_constraint(op.f('ck_users_organisation_by_role'), "(role = 'facilitator') = (organisation_id IS NOT NULL)")
        batch_op.create_check_constraint(op.f('ck_users_email_unless_citizen'), "email IS NOT NULL OR role = 'citizen'")

    with op.batch_alter_table('sign_in_links', schema=None) as batch_op:
        batch_op.add_column(sa.Column('email', sa.String(length=254), nullable=True))
        batch_op.alter_column('user_id', existing_type=sa.Integer(), nullable=True)
        batch_op.create_check_constraint(op.f('ck_sign_in_links_user_or_email'), "user_id IS NOT NULL OR email IS NOT NULL")

    op.create_table('invitations',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('token_hash', sa.String(length=64), nullable=False),
    sa.Column('email', sa.String(length=254), nullable=False),
    sa.Column('name', sa.String(length=120), nullable=False),
    sa.Column('role', sa.Enum(*ROLES_AFTER, name='role', native_enum=False, create_constraint=True, length=20), nullable=False),
    sa.Column('agency_id', sa.Integer(), nullable=True),
    sa.Column('region_code', sa.String(length=13), nullable=True),
    sa.Column('organisation_id', sa.Integer(), nullable=True),
    sa.Column('invited_by_id', sa.Integer(), nullable=True),
    sa.Column('expires_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('used_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('revoked_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('user_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint("role <> 'citizen'", name=op.f('ck_invitations_staff_only')),
    sa.CheckConstraint("(role = 'officer') = (agency_id IS NOT NULL)", name=op.f('ck_invitations_agency_by_role')),
    sa.CheckConstraint("region_code IS NULL OR role = 'verifier'", name=op.f('ck_invitations_region_by_role')),
    sa.CheckConstraint("(role = 'facilitator') = (organisation_id IS NOT NULL)", name=op.f('ck_invitations_organisation_by_role')),
    sa.ForeignKeyConstraint(['agency_id'], ['agencies.id'], name=op.f('fk_invitations_agency_id_agencies')),
    sa.ForeignKeyConstraint(['region_code'], ['regions.code'], name=op.f('fk_invitations_region_code_regions')),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisations.id'], name=op.f('fk_invitations_organisation_id_organisations')),
    sa.ForeignKeyConstraint(['invited_by_id'], ['users.id'], name=op.f('fk_invitations_invited_by_id_users')),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_invitations_user_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_invitations')),
    sa.UniqueConstraint('token_hash', name=op.f('uq_invitations_token_hash'))
    )
    with op.batch_alter_table('invitations', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_invitations_email'), ['email'], unique=False)

    op.create_table('filing_devices',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=60), nullable=False),
    sa.Column('public_key', sa.LargeBinary(), nullable=False),
    sa.Column('expires_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('last_used_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('revoked_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_filing_devices_user_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_filing_devices'))
    )
    with op.batch_alter_table('filing_devices', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_filing_devices_user_id'), ['user_id'], unique=False)

    with op.batch_alter_table('complaints', schema=None) as batch_op:
        batch_op.add_column(sa.Column('owner_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('claimed_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('facilitator_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('organisation_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('consent_method', sa.Enum('spoken', 'written', 'thumbprint', name='consentmethod', native_enum=False, create_constraint=True, length=20), nullable=True))
        batch_op.add_column(sa.Column('consent_on', sa.Date(), nullable=True))
        batch_op.add_column(sa.Column('organisation_shown', sa.Boolean(), nullable=False, server_default=sa.false()))
        batch_op.create_index(batch_op.f('ix_complaints_owner_id'), ['owner_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_complaints_facilitator_id'), ['facilitator_id'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_complaints_owner_id_users'), 'users', ['owner_id'], ['id'])
        batch_op.create_foreign_key(batch_op.f('fk_complaints_facilitator_id_users'), 'users', ['facilitator_id'], ['id'])
        batch_op.create_foreign_key(batch_op.f('fk_complaints_organisation_id_organisations'), 'organisations', ['organisation_id'], ['id'])
        batch_op.create_check_constraint(op.f('ck_complaints_consent_when_facilitated'), "(facilitator_id IS NULL) = (consent_method IS NULL)")
        batch_op.create_check_constraint(op.f('ck_complaints_organisation_when_facilitated'), "(facilitator_id IS NULL) = (organisation_id IS NULL)")
    with op.batch_alter_table('complaints', schema=None) as batch_op:
        batch_op.alter_column('organisation_shown', existing_type=sa.Boolean(), server_default=None)

    with op.batch_alter_table('complaint_events', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_complaint_events_eventkind'), type_='check')
        batch_op.create_check_constraint(op.f('ck_complaint_events_eventkind'), _in('kind', KINDS_AFTER))

    with op.batch_alter_table('outbox', schema=None) as batch_op:
        batch_op.alter_column('complaint_id', existing_type=sa.Integer(), nullable=True)
        batch_op.alter_column('event_id', existing_type=sa.Integer(), nullable=True)


def downgrade():
    op.execute("DELETE FROM outbox WHERE complaint_id IS NULL OR event_id IS NULL")
    with op.batch_alter_table('outbox', schema=None) as batch_op:
        batch_op.alter_column('event_id', existing_type=sa.Integer(), nullable=False)
        batch_op.alter_column('complaint_id', existing_type=sa.Integer(), nullable=False)

    op.execute("DELETE FROM complaint_events WHERE kind = 'claimed'")
    with op.batch_alter_table('complaint_events', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_complaint_events_eventkind'), type_='check')
        batch_op.create_check_constraint(op.f('ck_complaint_events_eventkind'), _in('kind', KINDS_BEFORE))

    with op.batch_alter_table('complaints', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_complaints_organisation_when_facilitated'), type_='check')
        batch_op.drop_constraint(op.f('ck_complaints_consent_when_facilitated'), type_='check')
        batch_op.drop_constraint(op.f('ck_complaints_consentmethod'), type_='check')
        batch_op.drop_constraint(batch_op.f('fk_complaints_organisation_id_organisations'), type_='foreignkey')
        batch_op.drop_constraint(batch_op.f('fk_complaints_facilitator_id_users'), type_='foreignkey')
        batch_op.drop_constraint(batch_op.f('fk_complaints_owner_id_users'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_complaints_facilitator_id'))
        batch_op.drop_index(batch_op.f('ix_complaints_owner_id'))
        batch_op.drop_column('organisation_shown')
        batch_op.drop_column('consent_on')
        batch_op.drop_column('consent_method')
        batch_op.drop_column('organisation_id')
        batch_op.drop_column('facilitator_id')
        batch_op.drop_column('claimed_at')
        batch_op.drop_column('owner_id')

    with op.batch_alter_table('filing_devices', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_filing_devices_user_id'))
    op.drop_table('filing_devices')
    with op.batch_alter_table('invitations', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_invitations_email'))
    op.drop_table('invitations')

    # Links and accounts the old schema cannot hold go: email-only links, citizens and
    # facilitators (with what hangs on them).
    op.execute("DELETE FROM sign_in_links WHERE user_id IS NULL")
    for table in ('sign_in_links', 'staff_sessions', 'passkey_credentials', 'recovery_codes'):
        op.execute(f"DELETE FROM {table} WHERE user_id IN (SELECT id FROM users WHERE role IN ('citizen', 'facilitator'))")
    op.execute("UPDATE complaint_events SET actor_user_id = NULL WHERE actor_user_id IN (SELECT id FROM users WHERE role IN ('citizen', 'facilitator'))")
    op.execute("DELETE FROM users WHERE role IN ('citizen', 'facilitator')")
    with op.batch_alter_table('sign_in_links', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_sign_in_links_user_or_email'), type_='check')
        batch_op.alter_column('user_id', existing_type=sa.Integer(), nullable=False)
        batch_op.drop_column('email')

    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_users_email_unless_citizen'), type_='check')
        batch_op.drop_constraint(op.f('ck_users_organisation_by_role'), type_='check')
        batch_op.drop_constraint(op.f('ck_users_role'), type_='check')
        batch_op.create_check_constraint(op.f('ck_users_role'), _in('role', ROLES_BEFORE))
        batch_op.drop_constraint(batch_op.f('fk_users_organisation_id_organisations'), type_='foreignkey')
        batch_op.drop_constraint(batch_op.f('uq_users_passkey_handle'), type_='unique')
        batch_op.drop_index(batch_op.f('ix_users_organisation_id'))
        batch_op.alter_column('email', existing_type=sa.String(length=254), nullable=False)
        batch_op.drop_column('passkey_handle')
        batch_op.drop_column('organisation_id')
    op.drop_table('organisations')
