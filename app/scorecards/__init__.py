"""Scorecards: how well each agency and region serves people, in numbers anyone can check.

Per-complaint facts and small aggregate tables are kept up to date in the same transaction
as every change (facts.py); the pages (/rapor), downloads (/rapor.csv, /rapor.json) and the
data dictionary (/rapor/kamus) only read those (queries.py). bench/scorecards.py times the
pages at 10,000 to 1,000,000 complaints.
"""

from flask import Blueprint
from sqlalchemy import event
from sqlalchemy.orm import Session

bp = Blueprint("scorecards", __name__)

from app.complaints.signals import complaint_changed, complaint_received  # noqa: E402
from app.scorecards import facts, models, views  # noqa: E402, F401


def init_scorecards() -> None:
    """Subscribe once: every complaint change and every rating updates the scorecards."""
    complaint_received.connect(facts.on_complaint)
    complaint_changed.connect(facts.on_complaint)
    if not event.contains(Session, "after_flush", facts.on_flush):
        event.listen(Session, "after_flush", facts.on_flush)


init_scorecards()

__all__ = ["bp"]
