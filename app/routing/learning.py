"""Learning from people: every dispatch or forward becomes an example for the next ranking."""

from __future__ import annotations

from collections import defaultdict

from flask import Flask
from sqlalchemy import select

from app.complaints.models import Complaint, ComplaintEvent, EventKind
from app.complaints.signals import complaint_changed
from app.directory.models import RegionLevel
from app.extensions import db
from app.routing.models import RoutingDecision

RECENT = 200  # the examples compared, newest first, for one place and topic


def regency_of(complaint: Complaint) -> str:
    region = complaint.region
    return region.code if region.level == RegionLevel.REGENCY else region.parent_code  # type: ignore[return-value]


def remember(_sender: Flask, complaint: Complaint, event: ComplaintEvent) -> None:
    if event.kind not in (EventKind.DISPATCHED, EventKind.FORWARDED) or event.agency_id is None:
        return
    from app.routing.engine import words

    db.session.add(
        RoutingDecision(
            words=" ".join(sorted(set(words(f"{complaint.title} {complaint.description}")))),
            regency_code=regency_of(complaint),
            category_code=complaint.category_code,
            agency_id=event.agency_id,
        )
    )


def votes(tokens: set[str], regency_code: str, category_code: str | None) -> dict[int, float]:
    """Agencies people chose for similar complaints here: similarity-weighted, 0 to 1."""
    if not category_code:
        return {}
    examples = db.session.scalars(
        select(RoutingDecision)
        .where(
            RoutingDecision.regency_code == regency_code,
            RoutingDecision.category_code == category_code,
        )
        .order_by(RoutingDecision.id.desc())
        .limit(RECENT)
    )
    weights: dict[int, float] = defaultdict(float)
    for example in examples:
        seen = set(example.words.split())
        overlap = len(tokens & seen) / (len(tokens | seen) or 1)
        weights[example.agency_id] += overlap
    total = sum(weights.values())
    return {agency: weight / total for agency, weight in weights.items()} if total else {}


def init_learning() -> None:
    complaint_changed.connect(remember)
