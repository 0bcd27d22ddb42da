"""Scorecard tables: one row of facts per complaint, and aggregates kept up to date from them.

`scorecard_facts` holds what the scorecards need to know about each complaint (its agency,
place, topic, status, deadline, how long the first response and the resolution took, whether
the first response came in time, its rating). The two aggregate tables are sums over those
facts, kept in step with them in the same transaction (app/scorecards/facts.py):

- `scorecard_stats`: counters per scope (an agency, or a province or regency/city), topic
  ("*" for all) and month ("*" for all time, or "YYYY-MM" for the monthly trend; ratings
  per month have a row per topic too, for the published average's monthly batches);
- `scorecard_days`: how many complaints took exactly `days` working days, per scope, topic and
  measure (first response, resolution). A median is read off this small histogram exactly,
  instead of sorting a million rows.

Confidential complaints are counted like every other: only numbers leave these tables.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from app.extensions import db

ALL = "*"  # the "every topic" / "all time" key in the aggregate tables


class ScorecardFact(db.Model):
    __tablename__ = "scorecard_facts"
    __table_args__ = (
        # "Overdue now" for every agency, a region, or a province: index range scans.
        Index("ix_scorecard_facts_due_agency", "due_on", "status", "agency_id", "category_code"),
        Index("ix_scorecard_facts_regency_due", "regency_code", "due_on", "status"),
        Index("ix_scorecard_facts_province_due", "province_code", "due_on", "status"),
    )

    complaint_id: Mapped[int] = mapped_column(ForeignKey("complaints.id"), primary_key=True)
    agency_id: Mapped[int | None] = mapped_column(index=True)
    regency_code: Mapped[str] = mapped_column(String(5))
    province_code: Mapped[str] = mapped_column(String(2))
    category_code: Mapped[str] = mapped_column(String(40))
    status: Mapped[str] = mapped_column(String(20))
    received_month: Mapped[str] = mapped_column(String(7))
    due_on: Mapped[date | None]
    first_response_days: Mapped[int | None]
    responded_month: Mapped[str | None] = mapped_column(String(7))
    in_time: Mapped[bool | None]
    resolution_days: Mapped[int | None]
    resolved_month: Mapped[str | None] = mapped_column(String(7))
    rating: Mapped[int | None]
    rated_month: Mapped[str | None] = mapped_column(String(7))


class ScorecardStat(db.Model):
    __tablename__ = "scorecard_stats"
    __table_args__ = (
        Index("ix_scorecard_stats_ranking", "scope", "category", "month"),
        # The monthly ratings of every agency or region, in order, without reading the table
        # (queries.released_ratings, on every ranking page).
        Index(
            "ix_scorecard_stats_ratings",
            "scope",
            "category",
            "key",
            "month",
            "rating_count",
            "rating_sum",
        ),
    )

    scope: Mapped[str] = mapped_column(String(6), primary_key=True)  # "agency" or "region"
    key: Mapped[str] = mapped_column(String(20), primary_key=True)  # agency id or region code
    category: Mapped[str] = mapped_column(String(40), primary_key=True)
    month: Mapped[str] = mapped_column(String(7), primary_key=True)
    received: Mapped[int] = mapped_column(default=0)
    in_progress: Mapped[int] = mapped_column(default=0)
    resolved: Mapped[int] = mapped_column(default=0)
    stopped: Mapped[int] = mapped_column(default=0)
    responded: Mapped[int] = mapped_column(default=0)
    in_time: Mapped[int] = mapped_column(default=0)
    rating_sum: Mapped[int] = mapped_column(default=0)
    rating_count: Mapped[int] = mapped_column(default=0)


class ScorecardDays(db.Model):
    __tablename__ = "scorecard_days"

    scope: Mapped[str] = mapped_column(String(6), primary_key=True)
    category: Mapped[str] = mapped_column(String(40), primary_key=True)
    key: Mapped[str] = mapped_column(String(20), primary_key=True)
    measure: Mapped[str] = mapped_column(String(10), primary_key=True)  # "first" | "resolution"
    days: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    n: Mapped[int] = mapped_column(default=0)
