"""Partner API keys: issuing, checking, revoking.

A key looks like `swk_K7M3Q9XD_<43 random characters>`. The part before the second
underscore is its prefix, stored and shown so an administrator can tell keys apart (and a
partner can tell which key a log line of theirs means) without the key itself. The whole key
is stored only as an HMAC-SHA256 keyed with SECRET_KEY, like recovery codes
(app/accounts/recovery.py says why a fast keyed hash suffices for a random secret: 256 random
bits leave nothing to guess, and a copy of the database alone cannot test a key). A key is
shown once, when it is issued; a lost key is revoked and a new one issued.

Checking a key is a lookup by its hash (a unique index): the stored hash is then compared
again with `hmac.compare_digest`, so no branch depends on how much of a wrong key matched.
Keys are never logged: the access log writes only the path (app/gunicorn_config.py), never
the query string that Open311 clients may put `api_key` in, and neither does the 500 handler
(app/web/errors.py).

Scopes — deliberately few; a key holds one or more:
- `open311:write`: file service requests through Open311 (POST /open311/v2/requests).
- `agency:read`: reserved for an agency's own case system reading that agency's reports;
  it needs `--agency`. No endpoint grants anything for it yet, so a key with only this scope
  is refused (403) by every endpoint that exists today.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
from collections.abc import Iterable
from dataclasses import dataclass

from flask import current_app
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from app.accounts.models import User
from app.accounts.operations import find_agency
from app.db import utcnow
from app.extensions import db
from app.partners.models import PartnerKey

OPEN311_WRITE = "open311:write"
AGENCY_READ = "agency:read"
SCOPES = {
    OPEN311_WRITE: _l("File service requests through Open311"),
    AGENCY_READ: _l("Read the agency's own reports (reserved for agency case systems)"),
}
PREFIX = "swk"
_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
_SHAPE = re.compile(r"^swk_[A-Z2-9]{8}_[A-Za-z0-9_-]{43}$")
NAME_MAX = 120


class IssueError(ValueError):
    """Why a key cannot be issued: translated problems as (field, message)."""

    def __init__(self, problems: list[tuple[str, str]]) -> None:
        super().__init__("; ".join(message for _field, message in problems))
        self.problems = problems


@dataclass(frozen=True)
class Refusal:
    """Why a request's key does not count: 401 (none, unknown or revoked) or 403 (scope)."""

    status: int
    message: str


def hash_key(key: str) -> str:
    secret = current_app.config["SECRET_KEY"].encode()
    return hmac.new(secret, f"partner-api-key:{key}".encode(), hashlib.sha256).hexdigest()


def _new_key() -> tuple[str, str]:
    """(key, prefix)."""
    prefix = f"{PREFIX}_" + "".join(secrets.choice(_ALPHABET) for _ in range(8))
    return f"{prefix}_{secrets.token_urlsafe(32)}", prefix


def issue(
    name: str,
    scopes: Iterable[str],
    agency_code: str | None = None,
    created_by: User | None = None,
) -> tuple[PartnerKey, str]:
    """A new key, in the caller's transaction; the plain key is returned to show once."""
    name = (name or "").strip()
    chosen = sorted(set(scopes))
    problems: list[tuple[str, str]] = []
    if not name:
        problems.append(("name", _("Enter the partner's name")))
    elif len(name) > NAME_MAX:
        problems.append(("name", _("The name must be %(max)d characters or fewer", max=NAME_MAX)))
    if not chosen:
        problems.append(("scopes", _("Choose at least one permission")))
    elif any(scope not in SCOPES for scope in chosen):
        problems.append(("scopes", _("Choose permissions from the list")))
    agency = None
    if agency_code and agency_code.strip():
        agency = find_agency(agency_code.strip())
        if agency is None:
            problems.append(("agency", _("No agency has this code")))
    elif AGENCY_READ in chosen:
        problems.append(("agency", _("Give the agency whose reports this key may read")))
    if problems:
        raise IssueError(problems)
    while True:
        key, prefix = _new_key()
        if db.session.scalar(select(PartnerKey.id).where(PartnerKey.prefix == prefix)) is None:
            break
    record = PartnerKey(
        name=name,
        prefix=prefix,
        key_hash=hash_key(key),
        scopes=" ".join(chosen),
        agency=agency,
        created_by=created_by,
    )
    db.session.add(record)
    db.session.flush()
    return record, key


def revoke(record: PartnerKey) -> bool:
    """Revoke at once; False if it was revoked already."""
    if record.revoked_at is not None:
        return False
    record.revoked_at = utcnow()
    db.session.flush()
    return True


def check(key: str | None, scope: str) -> PartnerKey | Refusal:
    """The active key allowed `scope`, or why not. Marks the key used (the caller commits)."""
    if not key:
        return Refusal(401, _("This request needs a partner API key (api_key)."))
    key = key.strip()
    unknown = Refusal(401, _("This API key is not valid. It may have been revoked."))
    if not _SHAPE.match(key):
        return unknown
    digest = hash_key(key)
    record = db.session.scalar(select(PartnerKey).where(PartnerKey.key_hash == digest))
    if record is None or not hmac.compare_digest(record.key_hash, digest):
        return unknown
    if record.revoked_at is not None:
        return unknown
    if scope not in record.scope_list:
        return Refusal(403, _("This API key is not allowed to do this."))
    record.last_used_at = utcnow()
    return record


def listed(limit: int = 200) -> list[PartnerKey]:
    return list(
        db.session.scalars(
            select(PartnerKey)
            .order_by(PartnerKey.revoked_at.is_not(None), PartnerKey.created_at.desc())
            .limit(limit)
        )
    )
