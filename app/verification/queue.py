"""What the verification workspace shows: the waiting complaints and, for the one under
review, its deadline, the routing suggestion, possible duplicates and the action forms."""

from __future__ import annotations

from datetime import date
from typing import Any

from flask import g
from flask_wtf import FlaskForm
from sqlalchemy import func, select

from app.complaints import deadlines
from app.complaints.lifecycle import Actor, allowed_actions
from app.complaints.models import Complaint, ComplaintEvent, EventKind, Status
from app.db import utcnow
from app.directory import queries as directory
from app.duplicates import similar_complaints
from app.extensions import db
from app.routing.engine import suggest
from app.verification.forms import ACTION_FORMS
from app.web.access import may_see_identity, visible_to

PAGE_SIZE = 25


def waiting(page: int) -> tuple[list[Complaint], int]:
    """Received complaints the verifier covers, oldest first (as the deadline asks)."""
    conditions = [Complaint.status == Status.RECEIVED, *visible_to(g.user)]
    total = db.session.scalar(select(func.count()).select_from(Complaint).where(*conditions))
    items = db.session.scalars(
        select(Complaint)
        .where(*conditions)
        .order_by(Complaint.created_at, Complaint.id)
        .limit(PAGE_SIZE)
        .offset((page - 1) * PAGE_SIZE)
    )
    return list(items), total or 0


def forwarded(limit: int = 20) -> list[Complaint]:
    """Complaints an agency forwarded to another: the verifier sees them and may correct."""
    return list(
        db.session.scalars(
            select(Complaint)
            .where(Complaint.status == Status.FORWARDED, *visible_to(g.user))
            .order_by(Complaint.id.desc())
            .limit(limit)
        )
    )


def today() -> date:
    return deadlines.local_date(utcnow())


def review_context(
    complaint: Complaint,
    *,
    agency_query: str = "",
    failed: str | None = None,
    forms: dict[str, FlaskForm] | None = None,
    error: str | None = None,
    done: str | None = None,
) -> dict[str, Any]:
    actions = [a.value for a in allowed_actions(complaint, Actor.VERIFIER)]
    forms = dict(forms or {})
    for action in actions:
        if action not in forms:
            forms[action] = ACTION_FORMS[action](formdata=None, version=complaint.version)
    for action, form in forms.items():
        # Up to five forms share the page: "reason" and the rest need an id per form, or
        # labels, hints and error links point at the first form's field.
        for field in form:
            field.id = f"{action}-{field.name}"
    text = f"{complaint.title}\n{complaint.description}"
    query = agency_query.strip()[:100]
    return {
        "actions": actions,
        "forms": forms,
        "failed": failed,
        "error": error,
        "done": done,
        "suggestions": suggest(text, complaint.region_code, complaint.category_code)
        if "dispatch" in actions
        else [],
        "duplicates": similar_complaints(complaint, limit=5) if "merge" in actions else [],
        "agency_query": query,
        "agency_results": directory.search_agencies(query) if query else [],
        "last_forward": _last_forward(complaint),
        "show_identity": may_see_identity(complaint),
    }


def _last_forward(complaint: Complaint) -> ComplaintEvent | None:
    if complaint.status is not Status.FORWARDED:
        return None
    return next((e for e in reversed(complaint.events) if e.kind is EventKind.FORWARDED), None)
