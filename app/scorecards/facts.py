"""Keeping the scorecard facts and aggregates in step with the complaints.

Every life-cycle change (`complaint_received`, `complaint_changed`) and every new rating
recomputes that one complaint's facts from the database, in the same transaction as the
change, and applies the *difference* between its old and new contribution to the aggregate
rows (`scorecard_stats`, `scorecard_days`). So the aggregates always equal what a full
rebuild (`rebuild()`, `flask scorecards rebuild`) computes from scratch with GROUP BY; the
tests check exactly that.

Definitions (also on the data dictionary page, /rapor/kamus):

- A complaint counts for the agency that holds it now (`complaints.agency_id`: the last
  dispatch or forward); before dispatch it counts for its region only.
- Working days are lokal-id's (weekends and Indonesian public holidays excluded). "Working
  days to first response" runs from the day the complaint reached its current agency to the
  day of that agency's first response or resolution (0 = the same day); "to resolution" from
  that same handover day to the day it was (last) resolved.
- The first response is in time when it came no later than the first-response deadline the
  dispatch or forward set (SLA_FIRST_RESPONSE_DAYS working days), with app/deadlines/rules.py's
  notion of missing a deadline: only from the next working day after `due_on`.
- Months are the local (Asia/Jakarta) month of the receipt, the first response, the
  resolution, or the rating (the reporter's confirmation), whichever the counter is about.
  Ratings are also counted per month and topic, so that the published average can take them
  in whole past months at a time (app/scorecards/queries.py, `released_ratings`).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator
from datetime import date, datetime, timedelta
from functools import lru_cache
from typing import Any

from flask import current_app
from sqlalchemy import Connection, String, case, cast, delete, func, insert, literal, select
from sqlalchemy.orm import Session

from app import workdays
from app.complaints import deadlines
from app.complaints.models import Complaint, ComplaintEvent, EventKind, Status
from app.db import aware
from app.deadlines import rules
from app.extensions import db
from app.scorecards.models import ALL, ScorecardDays, ScorecardFact, ScorecardStat
from app.tracking.models import ComplaintRating

OPEN = frozenset(
    {
        Status.RECEIVED,
        Status.NEEDS_INFO,
        Status.VERIFIED,
        Status.IN_PROGRESS,
        Status.FORWARDED,
        Status.REOPENED,
    }
)
DONE = frozenset({Status.RESOLVED, Status.CLOSED})
STOPPED = frozenset({Status.MERGED, Status.ARCHIVED, Status.FLAGGED})
HANDOVER = (EventKind.DISPATCHED, EventKind.FORWARDED)
RESPONSE = (EventKind.RESPONDED, EventKind.RESOLVED)
COUNTERS = (
    "received",
    "in_progress",
    "resolved",
    "stopped",
    "responded",
    "in_time",
    "rating_sum",
    "rating_count",
)
FACT_COLUMNS = tuple(c.name for c in ScorecardFact.__table__.columns)

StatKey = tuple[str, str, str, str]  # scope, key, category, month
DayKey = tuple[str, str, str, str, int]  # scope, category, key, measure, days


def month_of(day: date) -> str:
    return f"{day.year:04d}-{day.month:02d}"


@lru_cache(maxsize=65536)
def elapsed_working_days(start: date, end: date) -> int:
    """Working days after `start` up to and including `end` (0 when on the same day)."""
    if end <= start:
        return 0
    return workdays.count_working_days(start + timedelta(days=1), end)


def region_keys(region_code: str) -> tuple[str, str]:
    """ "32.73.02" → ("32.73", "32"): the regency/city and the province a place lies in."""
    parts = region_code.split(".")
    return ".".join(parts[:2]), parts[0]


def _local(moment: datetime) -> date:
    return deadlines.local_date(aware(moment))


def fact_from(
    complaint: Any, events: Iterable[tuple[str, datetime]], rating: int | None
) -> dict[str, Any]:
    """One complaint's facts, from its row, its events (kind, created_at) in order, and its
    rating. Pure apart from the configuration (time zone, first-response days)."""
    status = Status(complaint.status)
    regency, province = region_keys(complaint.region_code)
    handed_over: date | None = None
    first_response: date | None = None
    resolved_on: date | None = None
    confirmed_on: date | None = None
    for kind, created_at in events:
        kind = EventKind(kind)
        if kind is EventKind.CONFIRMED:
            confirmed_on = _local(created_at)
        if kind in HANDOVER:
            handed_over, first_response = _local(created_at), None
        elif kind in RESPONSE and handed_over is not None:
            if first_response is None:
                first_response = _local(created_at)
            if kind is EventKind.RESOLVED:
                resolved_on = _local(created_at)
    fact: dict[str, Any] = {
        "complaint_id": complaint.id,
        "agency_id": complaint.agency_id,
        "regency_code": regency,
        "province_code": province,
        "category_code": complaint.category_code,
        "status": status.value,
        "received_month": month_of(_local(complaint.created_at)),
        "due_on": complaint.due_on,
        "first_response_days": None,
        "responded_month": None,
        "in_time": None,
        "resolution_days": None,
        "resolved_month": None,
        "rating": rating,
        # The rating is stored with the CONFIRMED event (app/tracking/operations.py).
        "rated_month": month_of(confirmed_on) if rating is not None and confirmed_on else None,
    }
    if handed_over is not None and first_response is not None:
        due = deadlines.add_working_days(handed_over, current_app.config["SLA_FIRST_RESPONSE_DAYS"])
        fact["first_response_days"] = elapsed_working_days(handed_over, first_response)
        fact["responded_month"] = month_of(first_response)
        fact["in_time"] = not rules.is_missed(due, first_response)
    if status in DONE and handed_over is not None and resolved_on is not None:
        fact["resolution_days"] = elapsed_working_days(handed_over, resolved_on)
        fact["resolved_month"] = month_of(resolved_on)
    return fact


def _scopes(fact: dict[str, Any]) -> list[tuple[str, str]]:
    scopes = [("region", fact["regency_code"])]
    if fact["province_code"] != fact["regency_code"]:
        scopes.append(("region", fact["province_code"]))
    if fact["agency_id"] is not None:
        scopes.append(("agency", str(fact["agency_id"])))
    return scopes


def contributions(
    fact: dict[str, Any] | None,
) -> tuple[dict[StatKey, list[int]], dict[DayKey, int]]:
    """What one complaint adds to the aggregate rows (nothing for None)."""
    stats: dict[StatKey, list[int]] = defaultdict(lambda: [0] * len(COUNTERS))
    days: dict[DayKey, int] = defaultdict(int)
    if fact is None:
        return stats, days
    status = Status(fact["status"])
    responded = fact["first_response_days"] is not None
    rated = fact["rating"] is not None
    whole = [
        1,
        int(status in OPEN),
        int(status in DONE),
        int(status in STOPPED),
        int(responded),
        int(bool(fact["in_time"])),
        fact["rating"] or 0,
        int(rated),
    ]
    for scope, key in _scopes(fact):
        for category in {fact["category_code"], ALL}:
            stats[(scope, key, category, ALL)] = list(whole)
            for measure, column in (
                ("first", "first_response_days"),
                ("resolution", "resolution_days"),
            ):
                if fact[column] is not None:
                    days[(scope, category, key, measure, fact[column])] += 1
        stats[(scope, key, ALL, fact["received_month"])][0] += 1
        if status in DONE and fact["resolved_month"]:
            stats[(scope, key, ALL, fact["resolved_month"])][2] += 1
        if responded:
            row = stats[(scope, key, ALL, fact["responded_month"])]
            row[4] += 1
            row[5] += int(bool(fact["in_time"]))
        if rated and fact["rated_month"]:
            for category in {fact["category_code"], ALL}:
                row = stats[(scope, key, category, fact["rated_month"])]
                row[6] += fact["rating"]
                row[7] += 1
    return stats, days


def _upsert(connection: Connection, table: Any, keys: tuple[str, ...], values: dict) -> None:
    """INSERT, or add to the existing row's counters (SQLite and PostgreSQL alike)."""
    if connection.dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert as dialect_insert
    else:
        from sqlalchemy.dialects.sqlite import insert as dialect_insert
    statement = dialect_insert(table).values(**values)
    counters = {
        name: table.c[name] + statement.excluded[name] for name in values if name not in keys
    }
    connection.execute(statement.on_conflict_do_update(index_elements=list(keys), set_=counters))


STAT_KEYS = ("scope", "key", "category", "month")
DAY_KEYS = ("scope", "category", "key", "measure", "days")


def apply_change(
    connection: Connection, old: dict[str, Any] | None, new: dict[str, Any] | None
) -> None:
    """Move the aggregates from `old`'s contribution to `new`'s (both facts, or None)."""
    old_stats, old_days = contributions(old)
    new_stats, new_days = contributions(new)
    for key in sorted(old_stats.keys() | new_stats.keys()):
        before = old_stats.get(key, [0] * len(COUNTERS))
        after = new_stats.get(key, [0] * len(COUNTERS))
        delta = [b - a for a, b in zip(before, after, strict=True)]
        if any(delta):
            _upsert(
                connection,
                ScorecardStat.__table__,
                STAT_KEYS,
                {
                    **dict(zip(STAT_KEYS, key, strict=True)),
                    **dict(zip(COUNTERS, delta, strict=True)),
                },
            )
    for key in sorted(old_days.keys() | new_days.keys()):
        delta = new_days.get(key, 0) - old_days.get(key, 0)
        if delta:
            _upsert(
                connection,
                ScorecardDays.__table__,
                DAY_KEYS,
                {**dict(zip(DAY_KEYS, key, strict=True)), "n": delta},
            )


def _load(connection: Connection, complaint_id: int) -> dict[str, Any] | None:
    complaint = connection.execute(
        select(
            Complaint.id,
            Complaint.created_at,
            Complaint.status,
            Complaint.agency_id,
            Complaint.region_code,
            Complaint.category_code,
            Complaint.due_on,
        ).where(Complaint.id == complaint_id)
    ).first()
    if complaint is None:
        return None
    events = connection.execute(
        select(ComplaintEvent.kind, ComplaintEvent.created_at)
        .where(ComplaintEvent.complaint_id == complaint_id)
        .order_by(ComplaintEvent.id)
    ).all()
    rating = connection.scalar(
        select(ComplaintRating.score).where(ComplaintRating.complaint_id == complaint_id)
    )
    return fact_from(complaint, events, rating)


def refresh(connection: Connection, complaint_id: int) -> None:
    """Recompute one complaint's facts and move the aggregates by the difference."""
    table = ScorecardFact.__table__
    row = connection.execute(select(table).where(table.c.complaint_id == complaint_id)).first()
    old = dict(row._mapping) if row is not None else None
    new = _load(connection, complaint_id)
    if old == new:
        return
    if old is None:
        connection.execute(insert(table).values(**new))
    elif new is None:
        connection.execute(delete(table).where(table.c.complaint_id == complaint_id))
    else:
        connection.execute(table.update().where(table.c.complaint_id == complaint_id).values(**new))
    apply_change(connection, old, new)


# --- subscribers ---------------------------------------------------------------------------


def on_complaint(_sender: object, complaint: Complaint, **_extra: object) -> None:
    """`complaint_received` / `complaint_changed`: in the same transaction as the change."""
    refresh(db.session.connection(), complaint.id)


def on_flush(session: Session, _context: object) -> None:
    """A rating is stored after the CONFIRMED event (app/tracking/operations.py): count it."""
    for rated in [o for o in session.new if isinstance(o, ComplaintRating)]:
        refresh(session.connection(), rated.complaint_id)


# --- full rebuild --------------------------------------------------------------------------


def _chunks(ids: list[int], size: int) -> Iterator[list[int]]:
    for start in range(0, len(ids), size):
        yield ids[start : start + size]


def rebuild_facts(connection: Connection, batch: int = 2000) -> int:
    """Recompute every complaint's facts from the complaints, events and ratings."""
    connection.execute(delete(ScorecardFact.__table__))
    ids = list(connection.scalars(select(Complaint.id).order_by(Complaint.id)))
    for chunk in _chunks(ids, batch):
        complaints = connection.execute(
            select(
                Complaint.id,
                Complaint.created_at,
                Complaint.status,
                Complaint.agency_id,
                Complaint.region_code,
                Complaint.category_code,
                Complaint.due_on,
            ).where(Complaint.id.in_(chunk))
        ).all()
        events: dict[int, list[tuple[str, datetime]]] = defaultdict(list)
        for complaint_id, kind, created_at in connection.execute(
            select(ComplaintEvent.complaint_id, ComplaintEvent.kind, ComplaintEvent.created_at)
            .where(ComplaintEvent.complaint_id.in_(chunk))
            .order_by(ComplaintEvent.complaint_id, ComplaintEvent.id)
        ):
            events[complaint_id].append((kind, created_at))
        ratings = dict(
            connection.execute(
                select(ComplaintRating.complaint_id, ComplaintRating.score).where(
                    ComplaintRating.complaint_id.in_(chunk)
                )
            ).all()
        )
        rows = [fact_from(c, events[c.id], ratings.get(c.id)) for c in complaints]
        if rows:
            connection.execute(insert(ScorecardFact.__table__), rows)
    return len(ids)


def _scope_queries() -> list[tuple[str, Any, Any]]:
    """(scope, key expression, condition) for each way a fact is counted."""
    f = ScorecardFact
    return [
        ("agency", cast(f.agency_id, String(20)), f.agency_id.is_not(None)),
        ("region", f.regency_code, f.regency_code != f.province_code),
        ("region", f.province_code, literal(True)),
    ]


def _flag(condition: Any) -> Any:
    return func.sum(case((condition, 1), else_=0))


def rebuild_aggregates(connection: Connection) -> None:
    """Recompute both aggregate tables from `scorecard_facts` with GROUP BY (no Python loop
    over complaints): the reference the incremental updates must equal."""
    f = ScorecardFact
    connection.execute(delete(ScorecardStat.__table__))
    connection.execute(delete(ScorecardDays.__table__))
    stats: dict[StatKey, list[int]] = defaultdict(lambda: [0] * len(COUNTERS))
    days: dict[DayKey, int] = defaultdict(int)
    open_, done, stopped = ([s.value for s in group] for group in (OPEN, DONE, STOPPED))
    whole = (
        func.count(),
        _flag(f.status.in_(open_)),
        _flag(f.status.in_(done)),
        _flag(f.status.in_(stopped)),
        _flag(f.first_response_days.is_not(None)),
        _flag(f.in_time.is_(True)),
        func.coalesce(func.sum(f.rating), 0),
        func.count(f.rating),
    )
    for scope, key, condition in _scope_queries():
        for category in (f.category_code, literal(ALL)):
            query = select(key, category, *whole).where(condition).group_by(key, category)
            for k, c, *values in connection.execute(query):
                row = stats[(scope, k, c, ALL)]
                row[:] = [a + int(b) for a, b in zip(row, values, strict=True)]
            for measure, column in (
                ("first", f.first_response_days),
                ("resolution", f.resolution_days),
            ):
                query = (
                    select(key, category, column, func.count())
                    .where(condition, column.is_not(None))
                    .group_by(key, category, column)
                )
                for k, c, d, n in connection.execute(query):
                    days[(scope, c, k, measure, d)] += n
            query = (
                select(key, category, f.rated_month, func.sum(f.rating), func.count(f.rating))
                .where(condition, f.rated_month.is_not(None), f.rating.is_not(None))
                .group_by(key, category, f.rated_month)
            )
            for k, c, m, rating_sum, rating_count in connection.execute(query):
                row = stats[(scope, k, c, m)]
                row[6] += int(rating_sum)
                row[7] += rating_count
        monthly = (
            (f.received_month, literal(True), 0, func.count(), None),
            (f.resolved_month, f.status.in_(done), 2, func.count(), None),
            (f.responded_month, f.first_response_days.is_not(None), 4, func.count(), 5),
        )
        for month, where, index, counted, in_time_index in monthly:
            query = (
                select(key, month, counted, _flag(f.in_time.is_(True)))
                .where(condition, where, month.is_not(None))
                .group_by(key, month)
            )
            for k, m, n, on_time in connection.execute(query):
                row = stats[(scope, k, ALL, m)]
                row[index] += n
                if in_time_index is not None:
                    row[in_time_index] += int(on_time)
    if stats:
        connection.execute(
            insert(ScorecardStat.__table__),
            [
                {**dict(zip(STAT_KEYS, k, strict=True)), **dict(zip(COUNTERS, v, strict=True))}
                for k, v in stats.items()
            ],
        )
    if days:
        connection.execute(
            insert(ScorecardDays.__table__),
            [{**dict(zip(DAY_KEYS, k, strict=True)), "n": n} for k, n in days.items()],
        )


def rebuild() -> int:
    """Facts and aggregates from scratch (after an upgrade with existing data); commits."""
    connection = db.session.connection()
    count = rebuild_facts(connection)
    rebuild_aggregates(connection)
    db.session.commit()
    return count
