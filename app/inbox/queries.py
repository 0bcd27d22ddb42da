"""What the inbox lists: one agency's complaints, overdue first, filtered and paged."""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import date

from sqlalchemy import ColumnElement, Select, and_, case, func, select

from app.complaints import deadlines
from app.complaints.lifecycle import HANDLING
from app.complaints.models import Complaint, Status
from app.db import utcnow
from app.directory.models import Category, Region
from app.extensions import db
from app.web.paging import Page, page_arg, paginate

PAGE_SIZE = 20
EXPORT_LIMIT = 10_000
# What an agency has had: still to handle, or done with. Other states never carry it.
INBOX_STATUSES = (
    Status.VERIFIED,
    Status.IN_PROGRESS,
    Status.FORWARDED,
    Status.REOPENED,
    Status.RESOLVED,
    Status.CLOSED,
)
ALL = "all"
REGION_CODE = re.compile(r"^\d{2}(\.\d{2})?$")


def today() -> date:
    return deadlines.local_date(utcnow())


@dataclass(frozen=True)
class Filters:
    """The inbox's query string, made safe: anything unknown is ignored, not an error."""

    status: str = ""  # "" = still to handle, "all", or one of INBOX_STATUSES
    category: str = ""
    region: str = ""
    text: str = ""
    page: int = 1

    @classmethod
    def from_args(
        cls, args: Mapping[str, str], categories: list[Category], regions: list[Region]
    ) -> Filters:
        status = args.get("status", "")
        if status not in {ALL, *(s.value for s in INBOX_STATUSES)}:
            status = ""
        category = args.get("category", "")
        if category not in {c.code for c in categories}:
            category = ""
        region = args.get("region", "")
        if not REGION_CODE.match(region) or region not in {r.code for r in regions}:
            region = ""
        page = page_arg(args)
        text = " ".join(args.get("q", "").split())[:100]
        return cls(status, category, region, text, page)

    @property
    def active(self) -> bool:
        return bool(self.status or self.category or self.region or self.text)

    def args(self, **changes: object) -> dict[str, object]:
        """Query-string arguments for a link (pagination), leaving out the empty ones."""
        values = {
            "status": self.status,
            "category": self.category,
            "region": self.region,
            "q": self.text,
            "page": self.page,
            **changes,
        }
        return {k: v for k, v in values.items() if v and not (k == "page" and v == 1)}


def _statuses(status: str) -> list[Status]:
    if status == ALL:
        return list(INBOX_STATUSES)
    if status:
        return [Status(status)]
    return sorted(HANDLING, key=INBOX_STATUSES.index)


def _scope(agency_id: int) -> list[ColumnElement[bool]]:
    return [Complaint.agency_id == agency_id, Complaint.status.in_(INBOX_STATUSES)]


def _conditions(agency_id: int, filters: Filters) -> list[ColumnElement[bool]]:
    conditions = [
        Complaint.agency_id == agency_id,
        Complaint.status.in_(_statuses(filters.status)),
    ]
    if filters.category:
        conditions.append(Complaint.category_code == filters.category)
    if filters.region:
        conditions.append(
            (Complaint.region_code == filters.region)
            | Complaint.region_code.startswith(f"{filters.region}.", autoescape=True)
        )
    for word in filters.text.lower().split()[:8]:
        conditions.append(
            func.lower(Complaint.title).contains(word, autoescape=True)
            | func.lower(Complaint.description).contains(word, autoescape=True)
        )
    return conditions


def _ordered(conditions: list[ColumnElement[bool]], on: date) -> Select[tuple[Complaint]]:
    overdue = and_(Complaint.status.in_(HANDLING), Complaint.due_on < on)
    return (
        select(Complaint)
        .where(*conditions)
        .order_by(
            case((overdue, 0), else_=1),
            case((Complaint.due_on.is_(None), 1), else_=0),
            Complaint.due_on,
            Complaint.created_at,
            Complaint.id,
        )
    )


def inbox(agency_id: int, filters: Filters, on: date | None = None) -> Page:
    """One page of the agency's complaints: overdue first, then by deadline, then oldest.

    A complaint is overdue while its agency still has to act (a handling state) and its
    deadline is before today (local time). Text search is a portable LIKE on title and
    description, every word required.
    """
    on = on or today()
    return paginate(_ordered(_conditions(agency_id, filters), on), filters.page, PAGE_SIZE)


def export(agency_id: int, filters: Filters, limit: int = EXPORT_LIMIT) -> Iterator[Complaint]:
    """Every complaint the inbox shows for these filters, in the inbox's order (capped)."""
    statement = _ordered(_conditions(agency_id, filters), today()).limit(limit)
    yield from db.session.scalars(statement.execution_options(yield_per=500))


def categories_present(agency_id: int) -> list[Category]:
    """The categories the agency has complaints in: the only useful filter choices."""
    codes = select(Complaint.category_code).where(*_scope(agency_id)).distinct()
    return list(
        db.session.scalars(
            select(Category).where(Category.code.in_(codes)).order_by(Category.position)
        )
    )


def regions_present(agency_id: int) -> list[Region]:
    """The regencies and cities (or provinces, for province-wide complaints) it has
    complaints from: a national agency's list is long, a city's has one entry."""
    codes = db.session.scalars(select(Complaint.region_code).where(*_scope(agency_id)).distinct())
    wanted = {".".join(code.split(".")[:2]) for code in codes}
    if not wanted:
        return []
    regions = db.session.scalars(select(Region).where(Region.code.in_(wanted)))
    return sorted(regions, key=lambda r: (r.name, r.code))


def agency_due(complaint: Complaint) -> date | None:
    """The agency's running deadline; None once the agency no longer has to act (a resolved
    complaint's due date is the reporter's reopen window, not the agency's)."""
    return complaint.due_on if complaint.status in HANDLING else None
