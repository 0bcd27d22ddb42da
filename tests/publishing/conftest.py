"""Helpers for published complaints (the `publish` fixture lives in tests/conftest.py)."""

from sqlalchemy import select

from app.complaints.models import Complaint
from app.extensions import db


def db_complaint(code: str) -> Complaint:
    return db.session.scalar(select(Complaint).where(Complaint.tracking_code == code))
