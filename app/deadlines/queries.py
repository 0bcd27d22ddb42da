"""Read-side selects for the oversight view: overdue complaints and per-agency counts.

No query here touches the reporters table: supervisors never see who reported.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import ColumnElement, case, func, or_, select

from app.complaints.models import Complaint, Status
from app.deadlines import rules
from app.directory.models import Agency
from app.extensions import db

PAGE_SIZE = 25
NO_AGENCY = "none"  # the agency filter's value for complaints still waiting for verification


@dataclass(frozen=True)
class Filters:
    agency: Agency | None = None
    no_agency: bool = False
    province: str | None = None
    status: Status | None = None
    # Who is looking (app.web.access.visible_to): a regional verifier sees their region only.
    scope: tuple[ColumnElement[bool], ...] = ()

    def clauses(self) -> list[ColumnElement[bool]]:
        found: list[ColumnElement[bool]] = list(self.scope)
        if self.no_agency:
            found.append(Complaint.agency_id.is_(None))
        elif self.agency is not None:
            found.append(Complaint.agency_id == self.agency.id)
        if self.province:
            found.append(
                or_(
                    Complaint.region_code == self.province,
                    Complaint.region_code.like(f"{self.province}.%"),
                )
            )
        if self.status is not None:
            found.append(Complaint.status == self.status)
        return found


@dataclass(frozen=True)
class Row:
    complaint: Complaint
    days_late: int
    escalated_on: date | None  # None: not escalated yet (the next sweep will)


@dataclass(frozen=True)
class AgencyCount:
    agency: Agency | None  # None: not yet sent to an agency (verification is late)
    open: int
    overdue: int


def overdue_page(today: date, filters: Filters, page: int) -> tuple[list[Row], int, int]:
    """One page of overdue complaints, most working days late first; (rows, total, page).

    A page past the end shows the last page rather than nothing.
    """
    where = [rules.overdue_clause(today), *filters.clauses()]
    total = db.session.scalar(select(func.count()).select_from(Complaint).where(*where)) or 0
    pages = max(1, -(-total // PAGE_SIZE))
    page = min(max(1, page), pages)
    complaints = db.session.scalars(
        select(Complaint)
        .where(*where)
        .order_by(Complaint.due_on, Complaint.id)  # the earliest deadline is the most late
        .limit(PAGE_SIZE)
        .offset((page - 1) * PAGE_SIZE)
    )
    rows = [
        Row(
            c,
            rules.working_days_late(c.due_on, today),  # type: ignore[arg-type]
            c.escalated_on if c.escalated_on and c.due_on and c.escalated_on > c.due_on else None,
        )
        for c in complaints
    ]
    return rows, total, page


def per_agency(today: date, scope: tuple[ColumnElement[bool], ...] = ()) -> list[AgencyCount]:
    """Every agency with an overdue complaint: complaints in hand, and how many are late."""
    late = func.sum(case((Complaint.due_on < rules.cutoff(today), 1), else_=0))
    counts = db.session.execute(
        select(Complaint.agency_id, func.count(), late)
        .where(Complaint.status.in_(rules.ACTIVE), *scope)
        .group_by(Complaint.agency_id)
        .having(late > 0)
    ).all()
    agencies = {
        a.id: a
        for a in db.session.scalars(
            select(Agency).where(Agency.id.in_([c[0] for c in counts if c[0] is not None]))
        )
    }
    found = [AgencyCount(agencies.get(i) if i else None, int(n), int(o)) for i, n, o in counts]
    return sorted(found, key=lambda c: (-c.overdue, c.agency.name if c.agency else ""))
