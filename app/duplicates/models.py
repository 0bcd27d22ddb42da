"""The duplicate index: each complaint's stemmed words, and its MinHash bands for lookup."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from app.extensions import db


class DuplicateSignature(db.Model):
    """One row per indexed complaint: what rescoring needs, so it never stems again.

    `tokens` are the complaint's stemmed, stop-word-free words (sorted, space-separated);
    `region_code` is the full code, so two reports in different districts can be told apart.
    """

    __tablename__ = "duplicate_signatures"

    complaint_id: Mapped[int] = mapped_column(ForeignKey("complaints.id"), primary_key=True)
    regency_code: Mapped[str] = mapped_column(String(13))
    region_code: Mapped[str] = mapped_column(String(13))
    created_at: Mapped[datetime]
    tokens: Mapped[str] = mapped_column(Text)


class DuplicateBand(db.Model):
    """One LSH band of one complaint's MinHash signature.

    Two complaints that share a band key are candidates. The lookup index starts with the
    key, then the regency and the filing time, so a search reads only the rows of its own
    keys, place and time window, however many complaints there are; `complaint_id` at the end
    makes the index covering (the table itself is never read during a search).
    """

    __tablename__ = "duplicate_bands"
    __table_args__ = (
        Index(
            "ix_duplicate_bands_lookup", "band_key", "regency_code", "created_at", "complaint_id"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    band_key: Mapped[int] = mapped_column(BigInteger)
    regency_code: Mapped[str] = mapped_column(String(13))
    created_at: Mapped[datetime]
    complaint_id: Mapped[int] = mapped_column(ForeignKey("complaints.id"))


class Supporter(db.Model):
    """One "me too": who supported which complaint, so that each person or device counts once.

    `key` is an HMAC (with the app's secret) of the complaint id and the supporter — a citizen
    account, else a random device cookie — so a row says nothing about the person, and the
    rows of one device for two complaints cannot be linked to each other. No address, no
    user agent.
    """

    __tablename__ = "supporters"

    complaint_id: Mapped[int] = mapped_column(ForeignKey("complaints.id"), primary_key=True)
    key: Mapped[str] = mapped_column(String(80), primary_key=True)
    created_at: Mapped[datetime]
