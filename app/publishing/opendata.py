"""Open data: published complaints as CSV and JSON (/laporan.csv, /laporan.json).

`COLUMNS` is the one definition of what a download holds: the CSV header, the JSON keys and
the data dictionary (/laporan/kamus) and each record's values are all read from it, so they
cannot drift apart.
Everything comes from `published_complaints()` and the masked texts of
app/publishing/queries.py; never a reporter, never a raw text or note.

A download streams in batches (keyset on the list's own order), so a big one never holds
every complaint in memory, and each batch loads its response figures (and timelines) in a
few queries, not a few per complaint.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from flask import url_for
from flask_babel import lazy_gettext as _l
from sqlalchemy import Select, and_, func, or_, select
from sqlalchemy.orm import selectinload

from app.complaints.models import Complaint, ComplaintEvent, EventKind, Status
from app.db import aware
from app.directory.models import Agency
from app.extensions import db
from app.publishing.queries import (
    PublicEvent,
    public_description,
    public_timelines,
    public_title,
)
from app.web import exports
from app.web.exports import Column

BATCH = 500
RESPONSES = (EventKind.RESPONDED, EventKind.RESOLVED)
DONE = (Status.RESOLVED, Status.CLOSED)
# The agency still has to act by its due date in these states (not once it has resolved).
DUE_STATUSES = (Status.VERIFIED, Status.IN_PROGRESS, Status.FORWARDED, Status.REOPENED)
MOMENT = _l("date and time, ISO 8601, UTC")
# The data licence of every download (/data says so in words).
LICENCE = {"name": "CC BY 4.0", "url": "https://creativecommons.org/licenses/by/4.0/"}


@dataclass(frozen=True)
class Responses:
    count: int = 0
    first_at: datetime | None = None
    resolved_at: datetime | None = None


@dataclass(frozen=True)
class Row:
    """What one record is read from: the complaint and its response figures."""

    complaint: Complaint
    responses: Responses


def _moment(value: datetime | None) -> str | None:
    return None if value is None else aware(value).isoformat(timespec="seconds")


def _due_on(row: Row) -> str | None:
    complaint = row.complaint
    if complaint.due_on is None or complaint.status not in DUE_STATUSES:
        return None
    return complaint.due_on.isoformat()


def _resolved_at(row: Row) -> str | None:
    return _moment(row.responses.resolved_at) if row.complaint.status in DONE else None


# The CSV column order, the JSON keys, the data dictionary, and how each value is read.
COLUMNS: tuple[Column, ...] = (
    Column(
        "tracking_code",
        _l("The report's tracking code."),
        _l("text"),
        lambda r: r.complaint.tracking_code,
    ),
    Column(
        "url",
        _l("The report's public page."),
        _l("web address"),
        lambda r: url_for("publishing.detail", code=r.complaint.tracking_code, _external=True),
    ),
    Column(
        "received_at",
        _l("When the report was filed."),
        MOMENT,
        lambda r: _moment(r.complaint.created_at),
    ),
    Column(
        "type",
        _l("complaint, aspiration or information: what the reporter chose."),
        _l("code"),
        lambda r: r.complaint.type.value,
    ),
    Column(
        "category_code", _l("The topic's code."), _l("code"), lambda r: r.complaint.category_code
    ),
    Column(
        "category_name",
        _l("The topic, in the language of the download."),
        _l("text"),
        lambda r: r.complaint.category.name,
    ),
    Column(
        "region_code",
        _l("The place's code (Kemendagri): province, regency/city or district."),
        _l("region code"),
        lambda r: r.complaint.region_code,
    ),
    Column(
        "region_path",
        _l("The place with its parents, nearest first."),
        _l("text"),
        lambda r: r.complaint.region.path,
    ),
    Column(
        "agency_code",
        _l("The code of the agency that holds the report now."),
        _l("code"),
        lambda r: r.complaint.agency.code if r.complaint.agency else None,
    ),
    Column(
        "agency_name",
        _l("The name of the agency that holds the report now."),
        _l("text"),
        lambda r: r.complaint.agency.name if r.complaint.agency else None,
    ),
    Column(
        "status",
        _l(
            "verified, in_progress, forwarded, resolved, reopened or closed: where the "
            "report stands."
        ),
        _l("code"),
        lambda r: r.complaint.status.value,
    ),
    Column(
        "status_title",
        _l("The status, in the language of the download."),
        _l("text"),
        lambda r: str(r.complaint.status.title),
    ),
    Column(
        "support_count",
        _l(
            "People with this problem: the reporter, those who said “me too”, and the "
            "reporters of duplicates merged into it."
        ),
        _l("people"),
        lambda r: r.complaint.support_count,
    ),
    Column(
        "due_on",
        _l(
            "The day by which the agency should next act (respond or resolve), Western "
            "Indonesia time; empty once the report is resolved or closed."
        ),
        _l("date, ISO 8601"),
        _due_on,
    ),
    Column(
        "responses",
        _l("Public responses and resolutions the agency gave on the report."),
        _l("responses"),
        lambda r: r.responses.count,
    ),
    Column(
        "first_response_at",
        _l("When an agency first responded or resolved it; empty if none has yet."),
        MOMENT,
        lambda r: _moment(r.responses.first_at),
    ),
    Column(
        "resolved_at",
        _l("When it was last marked resolved; empty unless it is resolved or closed now."),
        MOMENT,
        _resolved_at,
    ),
    Column(
        "title",
        _l("The published title, with personal data replaced by tokens such as [PHONE_1]."),
        _l("text"),
        lambda r: public_title(r.complaint),
    ),
    Column(
        "description",
        _l("The published description, with personal data replaced by tokens."),
        _l("text"),
        lambda r: public_description(r.complaint),
    ),
)
NAMES: tuple[str, ...] = tuple(c.name for c in COLUMNS)


@dataclass(frozen=True)
class Step:
    """What one timeline entry is read from: a masked public event and its agency's code."""

    event: PublicEvent
    agency_code: str | None


# include=timeline (JSON only): each complaint gets "timeline", a list of these.
TIMELINE_COLUMNS: tuple[Column, ...] = (
    Column(
        "kind",
        _l("What happened, e.g. dispatched, responded, resolved."),
        _l("code"),
        lambda step: step.event.kind.value,
    ),
    Column(
        "status",
        _l("The report's status after it."),
        _l("code"),
        lambda step: step.event.status.value,
    ),
    Column("at", _l("When it happened."), MOMENT, lambda step: _moment(step.event.created_at)),
    Column(
        "note",
        _l("The public note, with personal data replaced by tokens; null when none."),
        _l("text"),
        lambda step: step.event.note,
    ),
    Column(
        "agency_code",
        _l("The agency it concerned, if any."),
        _l("code"),
        lambda step: step.agency_code,
    ),
)


def batches(statement: Select, size: int = BATCH) -> Iterator[list[Complaint]]:
    """The complaints of `published_complaints(...)` (newest first), `size` at a time.

    Keyset on (created_at, id), the list's own order: each batch is one indexed query, and
    nothing stays open or in memory between batches.
    """
    last: tuple[datetime, int] | None = None
    while True:
        query = statement
        if last is not None:
            query = query.where(
                or_(
                    Complaint.created_at < last[0],
                    and_(Complaint.created_at == last[0], Complaint.id < last[1]),
                )
            )
        rows = list(db.session.scalars(query.limit(size)).unique())
        if not rows:
            return
        yield rows
        if len(rows) < size:
            return
        last = (rows[-1].created_at, rows[-1].id)


def _responses(ids: Sequence[int]) -> dict[int, Responses]:
    """Per complaint: its public responses and resolutions, the first, the last resolution.
    One grouped query over the events' kind and time (never their notes)."""
    rows = db.session.execute(
        select(
            ComplaintEvent.complaint_id,
            ComplaintEvent.kind,
            func.count(),
            func.min(ComplaintEvent.created_at),
            func.max(ComplaintEvent.created_at),
        )
        .where(
            ComplaintEvent.complaint_id.in_(ids),
            ComplaintEvent.public,
            ComplaintEvent.kind.in_(RESPONSES),
        )
        .group_by(ComplaintEvent.complaint_id, ComplaintEvent.kind)
    )
    found: dict[int, Responses] = {}
    for complaint_id, kind, count, first, latest in rows:
        was = found.get(complaint_id, Responses())
        firsts = [m for m in (was.first_at, first) if m is not None]
        found[complaint_id] = Responses(
            count=was.count + count,
            first_at=min(firsts) if firsts else None,
            resolved_at=latest if kind is EventKind.RESOLVED else was.resolved_at,
        )
    return found


def _record(complaint: Complaint, responses: Responses) -> dict[str, Any]:
    row = Row(complaint, responses)
    return {column.name: column.value(row) for column in COLUMNS}


def _timeline_entry(event: PublicEvent, codes: dict[int, str]) -> dict[str, Any]:
    """One entry of a record's "timeline": `event` is already masked (`public_timelines`)."""
    step = Step(event, codes.get(event.agency_id) if event.agency_id else None)
    return {column.name: column.value(step) for column in TIMELINE_COLUMNS}


def records(statement: Select, timeline: bool = False) -> Iterator[list[dict[str, Any]]]:
    """The download's records, a batch at a time; with `timeline`, each has its masked
    public timeline too."""
    if timeline:
        statement = statement.options(selectinload(Complaint.events))
    for complaints in batches(statement):
        responses = _responses([c.id for c in complaints])
        timelines = public_timelines(complaints) if timeline else {}
        codes = _agency_codes(timelines)
        batch = []
        for complaint in complaints:
            record = _record(complaint, responses.get(complaint.id, Responses()))
            if timeline:
                record["timeline"] = [
                    _timeline_entry(e, codes) for e in timelines.get(complaint.id, [])
                ]
            batch.append(record)
        yield batch


def _agency_codes(timelines: dict[int, list[PublicEvent]]) -> dict[int, str]:
    """The codes of the agencies the timelines' events concern, in one query."""
    ids = {e.agency_id for events in timelines.values() for e in events if e.agency_id}
    if not ids:
        return {}
    return dict(db.session.execute(select(Agency.id, Agency.code).where(Agency.id.in_(ids))).all())


def csv_chunks(statement: Select) -> Iterator[str]:
    """The CSV, a batch at a time: a BOM (Excel then reads UTF-8), the header, the rows."""
    return exports.csv_chunks(NAMES, records(statement))


def json_chunks(statement: Select, head: dict[str, Any], timeline: bool = False) -> Iterator[str]:
    """One JSON object, streamed: `head`'s keys, then "complaints" (an array), then "count"
    (known once the array is written)."""
    opening = json.dumps(head, ensure_ascii=False, indent=1)  # ends with "\n}": reopened here
    yield opening[:-2] + ',\n "complaints": ['
    count = 0
    for batch in records(statement, timeline):
        for record in batch:
            yield ("\n  " if count == 0 else ",\n  ") + json.dumps(record, ensure_ascii=False)
            count += 1
    yield f'\n ],\n "count": {count}\n}}\n'
