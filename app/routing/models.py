"""What verifiers decided: the examples the routing suggestion learns from."""

from __future__ import annotations

from sqlalchemy import ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from app.db import TimestampMixin
from app.extensions import db


class RoutingDecision(TimestampMixin, db.Model):
    """One dispatch or forward: the complaint's stemmed words, its place and topic, and the
    agency a person chose. Kept without the complaint's text or reporter."""

    __tablename__ = "routing_decisions"
    __table_args__ = (Index("ix_routing_decisions_place_topic", "regency_code", "category_code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    words: Mapped[str] = mapped_column(Text)
    regency_code: Mapped[str] = mapped_column(String(13))
    category_code: Mapped[str] = mapped_column(String(40))
    agency_id: Mapped[int] = mapped_column(ForeignKey("agencies.id"))
