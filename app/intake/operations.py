"""Drafts, API submissions with idempotency keys, and purging stale drafts."""

from __future__ import annotations

import hashlib
import json
import secrets
from collections.abc import Callable
from datetime import timedelta
from typing import TYPE_CHECKING

from flask import current_app
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from app.complaints import codes
from app.complaints.models import Attachment, Channel, Complaint
from app.complaints.operations import Facilitation, create_complaint
from app.db import utcnow
from app.extensions import db
from app.intake import storage
from app.intake.models import Draft, IdempotencyRecord
from app.intake.uploads import CleanFile

if TYPE_CHECKING:
    from app.accounts.models import User


def store_files(files: list[CleanFile]) -> list[Attachment]:
    return [
        Attachment(
            kind=f.kind,
            media_type=f.media_type,
            size=len(f.data),
            sha256=f.sha256,
            storage_name=storage.save(f.data, f.extension),
        )
        for f in files
    ]


def save_draft(
    draft: Draft | None, data: dict, files: list[CleanFile], *, drop_old_files: bool
) -> Draft:
    """Keep valid answers and files until the reporter sends them."""
    if draft is None:
        draft = Draft(token=secrets.token_urlsafe(32), data=data)
        db.session.add(draft)
    else:
        draft.data = data
        if drop_old_files:
            discard_attachments(draft.attachments)
    draft.attachments.extend(store_files(files))
    db.session.flush()
    return draft


def discard_attachments(attachments: list[Attachment]) -> None:
    storage.delete_after_commit([a.storage_name for a in attachments])
    for attachment in list(attachments):
        db.session.delete(attachment)


def discard_draft(draft: Draft) -> None:
    """Forget a draft the reporter will not send, with its files (deleted after commit)."""
    discard_attachments(draft.attachments)
    db.session.delete(draft)
    db.session.flush()


def find_draft(token: str | None) -> Draft | None:
    if not token:
        return None
    return db.session.scalar(select(Draft).where(Draft.token == token))


def send_draft(
    draft: Draft,
    locale: str,
    *,
    facilitation: Facilitation | None = None,
    owner: User | None = None,
) -> tuple[Complaint, str | None]:
    complaint, secret = create_complaint(
        draft.data,
        channel=Channel.WEB,
        locale=locale,
        attachments=list(draft.attachments),
        facilitation=facilitation,
        owner=owner,
    )
    db.session.delete(draft)
    db.session.flush()
    return complaint, secret


def purge_drafts() -> int:
    """Delete drafts, and their files, older than DRAFT_MAX_AGE_HOURS."""
    cutoff = utcnow() - timedelta(hours=current_app.config["DRAFT_MAX_AGE_HOURS"])
    stale = list(db.session.scalars(select(Draft).where(Draft.created_at < cutoff)))
    for draft in stale:
        discard_attachments(draft.attachments)
        db.session.delete(draft)
    db.session.flush()
    return len(stale)


def request_fingerprint(fields: dict, files: list[CleanFile] | list[bytes]) -> str:
    """What makes two submissions "the same body": the fields and the files' bytes."""
    digests = [hashlib.sha256(f if isinstance(f, bytes) else f.data).hexdigest() for f in files]
    canonical = json.dumps({"fields": fields, "files": digests}, sort_keys=True)
    return hashlib.sha256(canonical.encode()).hexdigest()


class KeyReused(Exception):
    """The Idempotency-Key was already used with a different body."""


def replay(key: str, fingerprint: str) -> tuple[int, dict] | None:
    record = db.session.get(IdempotencyRecord, key)
    if record is None:
        return None
    if record.request_hash != fingerprint:
        raise KeyReused(key)
    body = dict(record.response)
    if record.complaint_id is not None:
        privacy_needs_secret = db.session.scalar(
            select(Complaint.secret_hash.is_not(None)).where(Complaint.id == record.complaint_id)
        )
        if privacy_needs_secret:
            body["secret"] = codes.derived_secret(current_app.secret_key.encode(), key)
    return record.status_code, body


def submit_via_api(
    key: str,
    fingerprint: str,
    data: dict,
    files: list[CleanFile],
    locale: str,
    status_url_for: Callable[[str], str],
    *,
    facilitation: Facilitation | None = None,
    owner: User | None = None,
    receipt: dict | None = None,
) -> tuple[int, dict]:
    """Create the complaint once per key; every retry gets the first answer again.

    The key's record is written first, so a concurrent request with the same key waits on
    it (PostgreSQL: the unique index; SQLite: the write lock) and then replays it. The caller
    commits. `receipt`: what the caller adds to the stored answer (a filing device's
    "attributed", app/facilitation/devices.py), so a replay repeats it too.
    """
    stored = replay(key, fingerprint)
    if stored is not None:
        return stored
    try:
        record = IdempotencyRecord(key=key, request_hash=fingerprint, status_code=201, response={})
        db.session.add(record)
        db.session.flush()
        secret = codes.derived_secret(current_app.secret_key.encode(), key)
        complaint, secret = create_complaint(
            data,
            channel=Channel.API,
            locale=locale,
            attachments=store_files(files),
            secret=secret,
            facilitation=facilitation,
            owner=owner,
        )
        body = {
            "tracking_code": complaint.tracking_code,
            "status": complaint.status.value,
            "status_url": status_url_for(complaint.tracking_code),
            **(receipt or {}),  # what the caller adds, kept for replays (e.g. "attributed")
        }
        record.complaint_id = complaint.id
        record.response = body
        db.session.flush()
    except IntegrityError:
        db.session.rollback()
        stored = replay(key, fingerprint)
        if stored is None:
            raise
        return stored
    return 201, body | ({"secret": secret} if secret else {})
