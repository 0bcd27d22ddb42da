"""Learning from people: every dispatch or forward becomes an example for the next ranking."""

from __future__ import annotations

from collections import defaultdict

from flask import Flask
from sqlalchemy import select

from app.complaints.models import Complaint, ComplaintEvent, EventKind, Privacy
from app.complaints.signals import complaint_changed
from app.directory.models import RegionLevel
from app.extensions import db
from app.routing.models import RoutingDecision

RECENT = 200  # the examples compared, newest first, for one place and topic
PLACE_AND_TOPIC = 0.1  # what one decision counts for by its place and topic alone, no words


def regency_of(complaint: Complaint) -> str:
    region = complaint.region
    return region.code if region.level == RegionLevel.REGENCY else region.parent_code  # type: ignore[return-value]


def remember(_sender: Flask, complaint: Complaint, event: ComplaintEvent) -> None:
    """Record a dispatch or forward as an example: place, topic, the agency chosen and, for a
    public complaint only, its stemmed words.

    A confidential or anonymous complaint's words are not kept. Stemmed words still carry
    the content (a rare place name, an illness, a school, a sequence of events), and the
    routing_decisions table outlives the complaint's privacy controls: it has no privacy
    column, is read for every suggestion in the same place and topic, and would survive an
    erasure of the complaint. The reporter of such a complaint asked that its content not be
    public, so the only safe copy is none. Its decision still counts, by place and topic
    (regency, category, agency), which is what a verifier's choice mostly teaches.
    """
    if event.kind not in (EventKind.DISPATCHED, EventKind.FORWARDED) or event.agency_id is None:
        return
    from app.routing.engine import routing_words

    text = f"{complaint.title} {complaint.description}"
    learnt = sorted(set(routing_words(text))) if complaint.privacy is Privacy.PUBLIC else []
    db.session.add(
        RoutingDecision(
            words=" ".join(learnt),
            regency_code=regency_of(complaint),
            category_code=complaint.category_code,
            agency_id=event.agency_id,
        )
    )


def votes(tokens: set[str], regency_code: str, category_code: str | None) -> dict[int, float]:
    """Agencies people chose for complaints here on this topic, 0 to 1: each decision counts
    a little for its place and topic alone, and more the more its words resemble these."""
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
        weights[example.agency_id] += PLACE_AND_TOPIC + overlap
    total = sum(weights.values())
    return {agency: weight / total for agency, weight in weights.items()} if total else {}


def init_learning() -> None:
    complaint_changed.connect(remember)
