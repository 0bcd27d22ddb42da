"""Users with a role, and their single-use sign-in links."""

from __future__ import annotations

import secrets
from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import CheckConstraint, ForeignKey, LargeBinary, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.complaints.models import TitledEnum
from app.db import TimestampMixin, str_enum
from app.directory.models import Agency, Region
from app.extensions import db


class Role(TitledEnum):
    VERIFIER = "verifier"
    OFFICER = "officer"
    SUPERVISOR = "supervisor"
    ADMIN = "admin"
    FACILITATOR = "facilitator"  # files complaints on behalf of others, for an organisation
    CITIZEN = "citizen"  # an optional account of someone who reports; never staff


Role.TITLES = {
    Role.VERIFIER: _l("Verifier"),
    Role.OFFICER: _l("Agency officer"),
    Role.SUPERVISOR: _l("Supervisor"),
    Role.ADMIN: _l("Administrator"),
    Role.FACILITATOR: _l("Facilitator"),
    Role.CITIZEN: _l("Citizen"),
}

# Everyone invited by an administrator; they sign in with passkeys (recovery codes as the
# backup), never with an emailed link. Citizens make their own accounts.
STAFF_ROLES = frozenset(role for role in Role if role is not Role.CITIZEN)


def new_passkey_handle() -> bytes:
    """A WebAuthn user handle: random, so it says nothing about the person (not even an id)."""
    return secrets.token_bytes(32)


class Organisation(TimestampMixin, db.Model):
    """A community organisation whose facilitators file for people who cannot file
    themselves: a village cadre group, a disability organisation, an NGO."""

    __tablename__ = "organisations"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(150), unique=True)
    region_code: Mapped[str | None] = mapped_column(ForeignKey("regions.code"))

    region: Mapped[Region | None] = relationship(lazy="joined")


class User(TimestampMixin, db.Model):
    __tablename__ = "users"
    __table_args__ = (
        # An officer belongs to exactly one agency; nobody else belongs to one.
        CheckConstraint("(role = 'officer') = (agency_id IS NOT NULL)", name="agency_by_role"),
        # A verifier may work for one region (a provincial or regency/city administrator);
        # one without a region is a national verifier. Nobody else has a region.
        CheckConstraint("region_code IS NULL OR role = 'verifier'", name="region_by_role"),
        # A facilitator files for exactly one organisation; nobody else belongs to one.
        CheckConstraint(
            "(role = 'facilitator') = (organisation_id IS NOT NULL)", name="organisation_by_role"
        ),
        # Staff are reached by email; a citizen may have an account with passkeys only.
        CheckConstraint("email IS NOT NULL OR role = 'citizen'", name="email_unless_citizen"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str | None] = mapped_column(String(254), unique=True)
    name: Mapped[str] = mapped_column(String(120))
    role: Mapped[Role] = mapped_column(str_enum(Role))
    agency_id: Mapped[int | None] = mapped_column(ForeignKey("agencies.id"), index=True)
    region_code: Mapped[str | None] = mapped_column(ForeignKey("regions.code"), default=None)
    organisation_id: Mapped[int | None] = mapped_column(
        ForeignKey("organisations.id"), index=True, default=None
    )
    active: Mapped[bool] = mapped_column(default=True)
    # The WebAuthn user handle of this account's passkeys (see new_passkey_handle).
    passkey_handle: Mapped[bytes] = mapped_column(
        LargeBinary(64), unique=True, default=new_passkey_handle
    )

    agency: Mapped[Agency | None] = relationship(lazy="joined")
    region: Mapped[Region | None] = relationship(lazy="joined")
    organisation: Mapped[Organisation | None] = relationship(lazy="joined")

    @property
    def is_staff(self) -> bool:
        return self.role in STAFF_ROLES

    def covers(self, region_code: str) -> bool:
        """Whether a complaint in `region_code` is within this user's region (if any)."""
        return self.region_code is None or (
            region_code == self.region_code or region_code.startswith(f"{self.region_code}.")
        )


class SignInLink(TimestampMixin, db.Model):
    """A link that signs one citizen in once, before it expires. Only its hash is stored.

    Sent to an email address: either an account's (user_id), or one with no account yet
    (email only), whose account is made when the link is used — so an address is proven
    before any account carries it.
    """

    __tablename__ = "sign_in_links"
    __table_args__ = (
        CheckConstraint("user_id IS NOT NULL OR email IS NOT NULL", name="user_or_email"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    email: Mapped[str | None] = mapped_column(String(254), default=None)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    expires_at: Mapped[datetime]
    used_at: Mapped[datetime | None]

    user: Mapped[User | None] = relationship()


class Invitation(TimestampMixin, db.Model):
    """An administrator's invitation to join as staff: a single-use, expiring link (only its
    hash is stored) with which the invitee registers a passkey; the account is made then."""

    __tablename__ = "invitations"
    __table_args__ = (
        CheckConstraint("role <> 'citizen'", name="staff_only"),
        CheckConstraint("(role = 'officer') = (agency_id IS NOT NULL)", name="agency_by_role"),
        CheckConstraint("region_code IS NULL OR role = 'verifier'", name="region_by_role"),
        CheckConstraint(
            "(role = 'facilitator') = (organisation_id IS NOT NULL)", name="organisation_by_role"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    email: Mapped[str] = mapped_column(String(254), index=True)
    name: Mapped[str] = mapped_column(String(120), default="")
    role: Mapped[Role] = mapped_column(str_enum(Role))
    agency_id: Mapped[int | None] = mapped_column(ForeignKey("agencies.id"), default=None)
    region_code: Mapped[str | None] = mapped_column(ForeignKey("regions.code"), default=None)
    organisation_id: Mapped[int | None] = mapped_column(
        ForeignKey("organisations.id"), default=None
    )
    invited_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), default=None)
    expires_at: Mapped[datetime]
    used_at: Mapped[datetime | None] = mapped_column(default=None)
    revoked_at: Mapped[datetime | None] = mapped_column(default=None)
    # The account the invitation became, once used.
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), default=None)

    agency: Mapped[Agency | None] = relationship(lazy="joined")
    region: Mapped[Region | None] = relationship(lazy="joined")
    organisation: Mapped[Organisation | None] = relationship(lazy="joined")
    invited_by: Mapped[User | None] = relationship(foreign_keys=[invited_by_id])
    user: Mapped[User | None] = relationship(foreign_keys=[user_id])


class FilingDevice(TimestampMixin, db.Model):
    """A facilitator's device allowed to send complaints queued offline in their name.

    The device holds a non-extractable private key (WebCrypto); the server keeps its public
    key. A complaint queued while the facilitator was signed in is signed on the device, so it
    keeps its attribution when it is sent later, even after the session has ended.
    """

    __tablename__ = "filing_devices"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    name: Mapped[str] = mapped_column(String(60))
    public_key: Mapped[bytes] = mapped_column(LargeBinary)  # SubjectPublicKeyInfo, DER
    expires_at: Mapped[datetime]
    last_used_at: Mapped[datetime | None] = mapped_column(default=None)
    revoked_at: Mapped[datetime | None] = mapped_column(default=None)

    user: Mapped[User] = relationship()


class StaffSession(TimestampMixin, db.Model):
    """One sign-in (staff or citizen: the table keeps its first name), held on the server so
    it can time out and be ended there.

    Flask's signed cookie cannot be taken back once issued; so the cookie carries only a
    random token, and this row (found by the token's SHA-256) decides whether it still
    signs anyone in: not ended, not idle too long, not too old, its user still active.
    """

    __tablename__ = "staff_sessions"

    id: Mapped[int] = mapped_column(primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    last_seen_at: Mapped[datetime]
    ended_at: Mapped[datetime | None]

    user: Mapped[User] = relationship(lazy="joined")


class PasskeyCredential(TimestampMixin, db.Model):
    """A WebAuthn public key a user registered (a "passkey"); the private key never leaves
    their authenticator. Found at sign-in by its credential id (discoverable credentials)."""

    __tablename__ = "passkey_credentials"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    # At most 1023 bytes, says WebAuthn Level 3.
    credential_id: Mapped[bytes] = mapped_column(LargeBinary(1023), unique=True)
    public_key: Mapped[bytes] = mapped_column(LargeBinary)  # COSE-encoded
    # The authenticator's signature counter; one that goes backwards means a cloned key.
    sign_count: Mapped[int] = mapped_column(default=0)
    transports: Mapped[str] = mapped_column(String(200), default="")  # space-separated hints
    name: Mapped[str] = mapped_column(String(60))  # the user's own label, e.g. "Passkey 1"
    last_used_at: Mapped[datetime | None]

    user: Mapped[User] = relationship()


class PasskeyChallenge(TimestampMixin, db.Model):
    """A WebAuthn challenge not yet answered, by its SHA-256. Flask's session is a signed
    cookie, which a replay can send again; this row is what makes a challenge single-use:
    verifying deletes it, and a second answer to it finds nothing."""

    __tablename__ = "passkey_challenges"

    id: Mapped[int] = mapped_column(primary_key=True)
    challenge_hash: Mapped[str] = mapped_column(String(64), unique=True)
    expires_at: Mapped[datetime] = mapped_column(index=True)


class RecoveryCode(TimestampMixin, db.Model):
    """One of an account's one-time recovery codes; only a keyed hash of it is stored
    (app/accounts/recovery.py says why a fast hash suffices). Used codes are kept, marked."""

    __tablename__ = "recovery_codes"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    code_hash: Mapped[str] = mapped_column(String(64), unique=True)
    used_at: Mapped[datetime | None]

    user: Mapped[User] = relationship()
