"""A partner's API key: what we keep of it is a name, a short prefix to recognise it by, and
an HMAC of the whole key — never the key itself (app/partners/keys.py says why)."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.db import TimestampMixin
from app.extensions import db

if TYPE_CHECKING:
    from app.accounts.models import User
    from app.directory.models import Agency


class PartnerKey(TimestampMixin, db.Model):
    __tablename__ = "partner_api_keys"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120))
    prefix: Mapped[str] = mapped_column(String(16), unique=True)
    key_hash: Mapped[str] = mapped_column(String(64), unique=True)
    scopes: Mapped[str] = mapped_column(String(200))  # space-separated, sorted (keys.SCOPES)
    agency_id: Mapped[int | None] = mapped_column(ForeignKey("agencies.id"), default=None)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), default=None)
    last_used_at: Mapped[datetime | None] = mapped_column(default=None)
    revoked_at: Mapped[datetime | None] = mapped_column(default=None)

    agency: Mapped[Agency | None] = relationship(lazy="joined")
    created_by: Mapped[User | None] = relationship(lazy="joined")

    @property
    def scope_list(self) -> list[str]:
        return self.scopes.split()

    @property
    def active(self) -> bool:
        return self.revoked_at is None
