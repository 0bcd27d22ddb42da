"""Finding complaints that look alike: index lookup, then exact rescoring.

`similar_complaints` serves the verification queue (staff may see every privacy);
`find_candidates(..., published_only=True)` serves citizens and the public API, which must
only ever see published complaints.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import ColumnElement, Select, func, select

from app.complaints.models import Complaint, Status
from app.db import utcnow
from app.duplicates.index import band_keys, features, regency_of, score
from app.duplicates.models import DuplicateBand, DuplicateSignature
from app.extensions import db
from app.publishing.queries import (
    UNPUBLISHED_STATUSES,
    is_published,
    public_description,
    public_title,
)

# How many complaints, ranked by shared bands, are rescored exactly. Bounds the work of one
# search whatever the number of complaints in a busy city's window.
POOL = 50

# Not (yet, or any more) visible to the public, whatever the privacy.
UNPUBLISHED = UNPUBLISHED_STATUSES


def published() -> ColumnElement[bool]:
    """A complaint anyone may see: the one definition, app.publishing.queries.is_published
    (verified, not archived, flagged or merged; public or anonymous, never confidential)."""
    return is_published()


def window() -> timedelta:
    return timedelta(days=current_app.config["DUPLICATE_WINDOW_DAYS"])


def min_score() -> float:
    return float(current_app.config["DUPLICATE_MIN_SCORE"])


def candidate_query(
    keys: Sequence[int],
    regency_code: str,
    since: datetime,
    until: datetime | None = None,
    *,
    published_only: bool,
    exclude_id: int | None = None,
    pool: int = POOL,
) -> Select:
    """Complaint ids sharing at least one band key in the regency and window, with how many
    they share, most first. Reads the (band_key, regency_code, created_at, complaint_id)
    index; the complaints table is only joined, by primary key, to filter what was found."""
    shared = func.count().label("shared")
    query = select(DuplicateBand.complaint_id, shared).where(
        DuplicateBand.band_key.in_(keys),
        DuplicateBand.regency_code == regency_code,
        DuplicateBand.created_at >= since,
    )
    if until is not None:
        query = query.where(DuplicateBand.created_at <= until)
    if exclude_id is not None:
        query = query.where(DuplicateBand.complaint_id != exclude_id)
    query = query.join(Complaint, Complaint.id == DuplicateBand.complaint_id)
    query = query.where(published() if published_only else Complaint.status != Status.MERGED)
    return (
        query.group_by(DuplicateBand.complaint_id)
        .order_by(shared.desc(), DuplicateBand.complaint_id.desc())
        .limit(pool)
    )


def _ranked(
    tokens: list[str],
    region_code: str,
    since: datetime,
    until: datetime | None,
    *,
    published_only: bool,
    exclude_id: int | None,
    limit: int,
) -> list[tuple[Complaint, float]]:
    keys = band_keys(tokens)
    if not keys or limit < 1:
        return []
    query = candidate_query(
        keys,
        regency_of(region_code),
        since,
        until,
        published_only=published_only,
        exclude_id=exclude_id,
    )
    ids = [row.complaint_id for row in db.session.execute(query)]
    if not ids:
        return []
    threshold = min_score()
    scored: list[tuple[float, int]] = []
    candidates: Iterable[tuple[int, list[str], str]]
    if published_only:
        # Anyone may ask: score against the published, masked text, never the stored words of
        # the original, or a guess in a token's place scores higher when it is the hidden
        # name or street, and the check un-masks it.
        candidates = (
            (c.id, features(f"{public_title(c)}\n{public_description(c)}"), c.region_code)
            for c in db.session.scalars(select(Complaint).where(Complaint.id.in_(ids)))
        )
    else:
        candidates = (
            (row.complaint_id, row.tokens.split(), row.region_code)
            for row in db.session.scalars(
                select(DuplicateSignature).where(DuplicateSignature.complaint_id.in_(ids))
            )
        )
    for complaint_id, words, place in candidates:
        value = score(tokens, region_code, words, place)
        if value >= threshold:
            scored.append((value, complaint_id))
    scored.sort(key=lambda pair: (-pair[0], -pair[1]))  # best first, then the newest
    scored = scored[:limit]
    complaints = {
        c.id: c
        for c in db.session.scalars(
            select(Complaint).where(Complaint.id.in_([cid for _, cid in scored]))
        )
    }
    return [(complaints[cid], value) for value, cid in scored]


def find_candidates(
    text: str, region_code: str, *, published_only: bool, limit: int = 5
) -> list[tuple[Complaint, float]]:
    """Complaints filed in the last DUPLICATE_WINDOW_DAYS in the same regency that look like
    `text`, best first, each with its score (0 to 1, at least DUPLICATE_MIN_SCORE).

    With `published_only` (citizens, the public API) only published complaints are even
    considered; otherwise everything but merged complaints (staff).
    """
    return _ranked(
        features(text),
        region_code,
        utcnow() - window(),
        None,
        published_only=published_only,
        exclude_id=None,
        limit=limit,
    )


def similar_complaints(complaint: Complaint, limit: int = 5) -> list[tuple[Complaint, float]]:
    """For the verification queue: complaints in the same regency filed within
    DUPLICATE_WINDOW_DAYS before or after this one that look like it, best first, with their
    score. Every privacy (staff see all); never itself, never one merged elsewhere."""
    stored = db.session.get(DuplicateSignature, complaint.id)
    tokens = (
        stored.tokens.split()
        if stored is not None
        else features(f"{complaint.title}\n{complaint.description}")
    )
    return _ranked(
        tokens,
        complaint.region_code,
        complaint.created_at - window(),
        complaint.created_at + window(),
        published_only=False,
        exclude_id=complaint.id,
        limit=limit,
    )
