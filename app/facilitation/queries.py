"""What a facilitator's dashboard lists: the complaints they filed, newest first, filtered
and paged. Scoped by app.web.access.visible_to, the same rule as every staff page."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from sqlalchemy import ColumnElement, and_, func, or_, select

from app.accounts.models import User
from app.complaints.models import Complaint, Status
from app.extensions import db
from app.web.access import visible_to
from app.web.paging import Page, page_arg, paginate

PAGE_SIZE = 20
NEEDS_ACTION = "needs_action"  # waiting for an answer only they can give (not claimed yet)
TEXT_MAX = 100


def needs_action() -> ColumnElement[bool]:
    """A request for information, while the facilitator still answers for the complainant."""
    return and_(Complaint.status == Status.NEEDS_INFO, Complaint.claimed_at.is_(None))


@dataclass(frozen=True)
class Filters:
    """The dashboard's query string, made safe: anything unknown is ignored, not an error."""

    status: str = ""  # "" = all, NEEDS_ACTION, or a Status value
    text: str = ""
    page: int = 1

    @classmethod
    def from_args(cls, args: Mapping[str, str]) -> Filters:
        status = args.get("status", "")
        if status not in {NEEDS_ACTION, *(s.value for s in Status)}:
            status = ""
        text = " ".join(args.get("q", "").split())[:TEXT_MAX]
        return cls(status, text, page_arg(args))

    @property
    def active(self) -> bool:
        return bool(self.status or self.text)

    def args(self, **changes: object) -> dict[str, object]:
        """Query-string arguments for a link (pagination), leaving out the empty ones."""
        values = {"status": self.status, "q": self.text, "page": self.page, **changes}
        return {k: v for k, v in values.items() if v and not (k == "page" and v == 1)}


def _conditions(user: User, filters: Filters) -> list[ColumnElement[bool]]:
    conditions = list(visible_to(user))
    if filters.status == NEEDS_ACTION:
        conditions.append(needs_action())
    elif filters.status:
        conditions.append(Complaint.status == Status(filters.status))
    for word in filters.text.lower().split()[:8]:
        conditions.append(
            or_(
                func.lower(Complaint.title).contains(word, autoescape=True),
                func.lower(Complaint.description).contains(word, autoescape=True),
                Complaint.tracking_code.contains(word.upper(), autoescape=True),
            )
        )
    return conditions


def filed_by(user: User, filters: Filters) -> Page:
    """One page of the complaints `user` filed, newest first. Text search is a portable LIKE
    on title, description and tracking code, every word required."""
    statement = (
        select(Complaint)
        .where(*_conditions(user, filters))
        .order_by(Complaint.created_at.desc(), Complaint.id.desc())
    )
    return paginate(statement, filters.page, PAGE_SIZE)


def needs_action_count(user: User) -> int:
    return (
        db.session.scalar(select(func.count(Complaint.id)).where(*visible_to(user), needs_action()))
        or 0
    )
