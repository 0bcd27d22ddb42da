"""Users with a role, and their single-use sign-in links."""

from __future__ import annotations

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


Role.TITLES = {
    Role.VERIFIER: _l("Verifier"),
    Role.OFFICER: _l("Agency officer"),
    Role.SUPERVISOR: _l("Supervisor"),
    Role.ADMIN: _l("Administrator"),
}


class User(TimestampMixin, db.Model):
    __tablename__ = "users"
    __table_args__ = (
        # An officer belongs to exactly one agency; nobody else belongs to one.
        CheckConstraint("(role = 'officer') = (agency_id IS NOT NULL)", name="agency_by_role"),
        # A verifier may work for one region (a provincial or regency/city administrator);
        # one without a region is a national verifier. Nobody else has a region.
        CheckConstraint("region_code IS NULL OR role = 'verifier'", name="region_by_role"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    name: Mapped[str] = mapped_column(String(120))
    role: Mapped[Role] = mapped_column(str_enum(Role))
    agency_id: Mapped[int | None] = mapped_column(ForeignKey("agencies.id"), index=True)
    region_code: Mapped[str | None] = mapped_column(ForeignKey("regions.code"), default=None)
    active: Mapped[bool] = mapped_column(default=True)

    agency: Mapped[Agency | None] = relationship(lazy="joined")
    region: Mapped[Region | None] = relationship(lazy="joined")

    def covers(self, region_code: str) -> bool:
        """Whether a complaint in `region_code` is within this user's region (if any)."""
        return self.region_code is None or (
            region_code == self.region_code or region_code.startswith(f"{self.region_code}.")
        )


class SignInLink(TimestampMixin, db.Model):
    """A link that signs one user in once, before it expires. Only its hash is stored."""

    __tablename__ = "sign_in_links"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    expires_at: Mapped[datetime]
    used_at: Mapped[datetime | None]

    user: Mapped[User] = relationship()


class StaffSession(TimestampMixin, db.Model):
    """One staff sign-in, held on the server so it can time out and be ended there.

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
    """One of a staff member's one-time recovery codes; only a keyed hash of it is stored
    (app/accounts/recovery.py says why a fast hash suffices). Used codes are kept, marked."""

    __tablename__ = "recovery_codes"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    code_hash: Mapped[str] = mapped_column(String(64), unique=True)
    used_at: Mapped[datetime | None]

    user: Mapped[User] = relationship()
