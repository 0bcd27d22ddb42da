"""Helpers for published complaints (the `publish` fixture lives in tests/conftest.py)."""

import pytest
from sqlalchemy import select

from app.complaints.models import Complaint
from app.extensions import db


def db_complaint(code: str) -> Complaint:
    return db.session.scalar(select(Complaint).where(Complaint.tracking_code == code))


@pytest.fixture
def publish_numbered(make_complaint, publish):
    """publish_numbered(count, title) → the tracking codes of `count` published reports
    titled "<title> nomor 0", "… nomor 1", …, oldest first."""

    def run(count: int, title: str) -> list[str]:
        codes = []
        for n in range(count):
            code, _ = make_complaint(title=f"{title} nomor {n}")
            publish(code)
            codes.append(code)
        return codes

    return run
