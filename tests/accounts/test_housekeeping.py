"""`flask users purge`: spent sign-in links (which may hold an unproved address) go at once;
sessions go SESSION_KEEP_DAYS after they ended or timed out; live ones stay."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select, update

from app.accounts.models import Role, SignInLink, StaffSession, User
from app.accounts.operations import issue_sign_in_link
from app.db import utcnow
from app.extensions import db as _db
from tests.helpers import without_tokens

pytestmark = pytest.mark.db

DAY = timedelta(days=1)


def _rows(app) -> tuple[list[str], list[str]]:
    with app.app_context():
        links = _db.session.scalars(select(SignInLink.token_hash).order_by(SignInLink.id))
        sessions = _db.session.scalars(select(StaffSession.token_hash).order_by(StaffSession.id))
        return list(links), list(sessions)


def test_purge_deletes_what_signs_no_one_in_any_more(app, db):
    now = utcnow()
    keep = timedelta(days=app.config["SESSION_KEEP_DAYS"])
    with app.app_context():
        staff = User(email="staf@example.go.id", name="Staf", role=Role.VERIFIER)
        citizen = User(email="ada@example.org", name="", role=Role.CITIZEN)
        _db.session.add_all([staff, citizen])
        _db.session.flush()
        links = {
            "live": dict(user_id=citizen.id, expires_at=now + timedelta(minutes=10)),
            "live-new-address": dict(email="baru@example.org", expires_at=now + DAY),
            "used": dict(user_id=citizen.id, expires_at=now + DAY, used_at=now),
            "expired-new-address": dict(email="lupa@example.org", expires_at=now - DAY),
        }
        for name, values in links.items():
            _db.session.add(SignInLink(token_hash=name, **values))
        sessions = {
            "live": dict(user=staff, created_at=now - timedelta(hours=1), last_seen_at=now),
            "ended-recently": dict(
                user=staff,
                created_at=now - 3 * DAY,
                last_seen_at=now - 3 * DAY,
                ended_at=now - 3 * DAY,
            ),
            "ended-long-ago": dict(
                user=staff,
                created_at=now - keep - 2 * DAY,
                last_seen_at=now - keep - 2 * DAY,
                ended_at=now - keep - DAY,
            ),
            "idle-long-ago": dict(
                user=citizen,
                created_at=now - keep - 3 * DAY,
                last_seen_at=now - keep - 2 * DAY,
            ),
            "idle-recently": dict(
                user=citizen,
                created_at=now - 2 * DAY,
                last_seen_at=now - 2 * DAY,
            ),
        }
        for name, values in sessions.items():
            _db.session.add(StaffSession(token_hash=name, **values))
        _db.session.commit()

    result = app.test_cli_runner().invoke(args=["users", "purge"])

    assert result.exit_code == 0, result.output
    assert "2 link(s) and 2 session(s) deleted." in result.output
    assert _rows(app) == (
        ["live", "live-new-address"],
        ["live", "ended-recently", "idle-recently"],
    )
    again = app.test_cli_runner().invoke(args=["users", "purge"])
    assert "0 link(s) and 0 session(s) deleted." in again.output


def test_a_long_absolute_limit_keeps_a_session_that_may_still_be_live(app, db, monkeypatch):
    """The limits are configuration: a session is only "over" by the longest of them."""
    monkeypatch.setitem(app.config, "CITIZEN_ABSOLUTE_HOURS", 24 * 60)
    monkeypatch.setitem(app.config, "CITIZEN_IDLE_MINUTES", 60 * 24 * 40)
    now = utcnow()
    with app.app_context():
        citizen = User(email="ada@example.org", name="", role=Role.CITIZEN)
        _db.session.add(citizen)
        _db.session.flush()
        _db.session.add(
            StaffSession(
                token_hash="quiet",
                user=citizen,
                created_at=now - 35 * DAY,
                last_seen_at=now - 35 * DAY,
            )
        )
        _db.session.commit()
    result = app.test_cli_runner().invoke(args=["users", "purge"])
    assert "0 session(s) deleted" in result.output
    assert _rows(app)[1] == ["quiet"]


def test_a_purged_link_gets_the_answer_an_expired_one_got(app, client, db):
    with app.app_context():
        citizen = User(email="ada@example.org", name="", role=Role.CITIZEN)
        _db.session.add(citizen)
        _db.session.flush()
        token = issue_sign_in_link(citizen)
        _db.session.execute(update(SignInLink).values(expires_at=utcnow() - DAY))
        _db.session.commit()
    before = client.get(f"/masuk/{token}")
    assert "1 link(s)" in app.test_cli_runner().invoke(args=["users", "purge"]).output
    after = client.get(f"/masuk/{token}")
    assert before.status_code == after.status_code == 410
    assert without_tokens(before.get_data(as_text=True)) == without_tokens(
        after.get_data(as_text=True)
    )
