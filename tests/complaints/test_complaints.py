import re
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from sqlalchemy import delete, select, update
from sqlalchemy.exc import IntegrityError

from app.complaints import codes, deadlines
from app.complaints.models import AppendOnlyError, Complaint, ComplaintEvent, Status
from app.intake.storage import save


def test_tracking_codes_are_short_and_unambiguous():
    for _ in range(200):
        code = codes.new_tracking_code()
        assert len(code) == 9 and code[4] == "-"
        assert not set(code) & set("01ILOUV")


def test_secret_is_checked_forgivingly_but_exactly():
    secret = codes.new_secret()
    digest = codes.hash_secret(secret)
    assert codes.secret_matches(secret.lower().replace("-", " "), digest)
    assert not codes.secret_matches(secret[:-1] + ("2" if secret[-1] != "2" else "3"), digest)
    assert not codes.secret_matches(secret, None)


def test_derived_secret_is_stable_per_key_and_server():
    one = codes.derived_secret(b"server-a", "key-1")
    assert one == codes.derived_secret(b"server-a", "key-1")
    assert one != codes.derived_secret(b"server-b", "key-1")
    assert one != codes.derived_secret(b"server-a", "key-2")


@pytest.mark.db
def test_events_are_append_only(app, db, make_complaint):
    make_complaint()
    with app.app_context():
        event = db.session.scalar(select(ComplaintEvent))
        event.note = "rewritten history"
        with pytest.raises(AppendOnlyError):
            db.session.flush()
        db.session.rollback()
        event = db.session.scalar(select(ComplaintEvent))
        db.session.delete(event)
        with pytest.raises(AppendOnlyError):
            db.session.flush()
        db.session.rollback()
        # Bulk statements skip the mapper events; the session refuses them too.
        for statement in (
            update(ComplaintEvent).values(note="rewritten"),
            delete(ComplaintEvent),
            ComplaintEvent.__table__.update().values(note="rewritten"),
            ComplaintEvent.__table__.delete(),
        ):
            with pytest.raises(AppendOnlyError):
                db.session.execute(statement)
            db.session.rollback()
        assert db.session.scalar(select(ComplaintEvent.note)) is None


def test_no_code_writes_update_or_delete_statements_for_events():
    """The application's own source never updates or deletes a complaint event, not even in
    raw SQL (migrations may, when a downgrade removes a kind of event)."""
    offenders = []
    pattern = re.compile(
        r"(update|delete)\s*\(\s*ComplaintEvent|(UPDATE|DELETE\s+FROM)\s+complaint_events",
        re.IGNORECASE,
    )
    for path in Path("app").rglob("*.py"):
        if pattern.search(path.read_text()):
            offenders.append(str(path))
    assert offenders == []


@pytest.mark.db
def test_the_database_enforces_states(app, db, make_complaint):
    make_complaint()
    with app.app_context():
        complaint = db.session.scalar(select(Complaint))
        complaint.status = Status.MERGED  # merged without saying into what
        with pytest.raises(IntegrityError):
            db.session.flush()
        db.session.rollback()


@pytest.mark.db
def test_non_public_complaints_always_have_a_secret(app, db, make_complaint):
    make_complaint()
    with app.app_context():
        complaint = db.session.scalar(select(Complaint))
        assert complaint.secret_hash is not None  # every new complaint has a secret now
        # A public complaint filed before that rule has none; it cannot become anonymous.
        complaint.secret_hash = None
        db.session.flush()
        complaint.privacy = complaint.privacy.ANONYMOUS
        with pytest.raises(IntegrityError):
            db.session.flush()
        db.session.rollback()


def test_verification_deadline_skips_weekends_and_holidays(app):
    with app.app_context():
        # Wednesday 23 Dec 2026 (Jakarta): 24 Dec collective leave, 25 Dec Christmas, weekend.
        received = datetime(2026, 12, 23, 3, 0, tzinfo=UTC)
        assert deadlines.verification_due(received) == date(2026, 12, 30)
        # Friday evening in Jakarta is already Saturday in no time zone that matters here:
        friday = datetime(2026, 11, 27, 9, 0, tzinfo=UTC)
        assert deadlines.verification_due(friday) == date(2026, 12, 2)


def test_deadlines_are_configuration(app):
    app.config["SLA_VERIFY_DAYS"] = 1
    try:
        with app.app_context():
            assert deadlines.verification_due(datetime(2026, 11, 27, 3, tzinfo=UTC)) == date(
                2026, 11, 30
            )
    finally:
        app.config["SLA_VERIFY_DAYS"] = 3


@pytest.mark.db
def test_a_file_saved_in_a_transaction_that_rolls_back_is_removed(app, db, uploads):
    with app.test_request_context(method="POST"):
        db.session.scalar(select(Complaint.id))  # a transaction is open
        name = save(b"data", ".bin")
        assert (uploads / name).exists()
        db.session.rollback()
        assert not (uploads / name).exists()


@pytest.mark.db
def test_a_file_saved_in_a_request_that_never_commits_is_removed(app, db, uploads):
    with app.test_request_context(method="POST"):
        name = save(b"data", ".bin")
        assert (uploads / name).exists()
    assert not (uploads / name).exists()


@pytest.mark.db
def test_a_committed_file_stays(app, db, uploads, make_complaint):
    make_complaint()
    with app.test_request_context(method="POST"):
        db.session.scalar(select(Complaint.id))
        name = save(b"data", ".bin")
        db.session.commit()
    assert (uploads / name).exists()
