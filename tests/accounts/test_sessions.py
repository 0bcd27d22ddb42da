"""Staff sessions live on the server: a new one at each sign-in, idle and absolute timeouts,
sign-out and disabling end them at once — whatever copy of the cookie someone kept."""

import hashlib
import re
from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from sqlalchemy import select

from app import create_app
from app.accounts.models import Role, StaffSession, User
from app.extensions import db as _db
from app.web.access import STAFF_SESSION, USER_ID
from tests.conftest import _token_in

pytestmark = pytest.mark.db

START = datetime(2026, 12, 1, 1, 0, tzinfo=UTC)  # a Tuesday morning in Jakarta


@pytest.fixture
def english(client):
    client.set_cookie("lang", "en")
    return client


def staff_sessions(app) -> list[StaffSession]:
    with app.app_context():
        return list(_db.session.scalars(select(StaffSession).order_by(StaffSession.id)))


def session_values(client) -> dict:
    with client.session_transaction() as session:
        return dict(session)


def test_signing_in_makes_a_new_session_id(app, client, sign_in_as):
    """Session fixation: nothing planted before sign-in survives it or becomes the session."""
    client.get("/lapor")  # an ordinary visitor's session, with its CSRF token
    with client.session_transaction() as session:
        session["planted"] = "value an attacker chose"
        session[STAFF_SESSION] = "token-an-attacker-chose"
    before = session_values(client)
    cookie_before = client.get_cookie("session").value

    user_id = sign_in_as(client, Role.VERIFIER)

    after = session_values(client)
    assert "planted" not in after
    token = after[STAFF_SESSION]
    assert token not in before.values() and token not in cookie_before
    assert client.get_cookie("session").value != cookie_before
    (row,) = staff_sessions(app)
    assert row.user_id == user_id == after[USER_ID]
    assert row.token_hash == hashlib.sha256(token.encode()).hexdigest() != token
    assert row.ended_at is None
    assert client.get("/staf").status_code == 200


def test_each_sign_in_is_a_session_of_its_own(app, client, sign_in_as):
    sign_in_as(client, Role.VERIFIER)
    first = session_values(client)[STAFF_SESSION]
    sign_in_as(client, Role.SUPERVISOR)
    assert session_values(client)[STAFF_SESSION] != first
    assert len(staff_sessions(app)) == 2


def test_a_token_not_on_the_server_signs_nobody_in(app, client, sign_in_as):
    user_id = sign_in_as(client, Role.VERIFIER)
    with client.session_transaction() as session:
        session[STAFF_SESSION] = "a-token-the-server-never-issued"
    assert client.get("/staf").status_code == 401
    assert STAFF_SESSION not in session_values(client)
    # A real token with someone else's user id in the cookie does not sign in either.
    sign_in_as(client, Role.VERIFIER)
    with client.session_transaction() as session:
        session[USER_ID] = user_id
    assert client.get("/staf").status_code == 401


def test_idle_timeout(app, english, sign_in_as):
    client = english
    with time_machine.travel(START, tick=False) as traveller:
        sign_in_as(client, Role.VERIFIER)
        traveller.shift(timedelta(minutes=29))
        assert client.get("/staf").status_code == 200  # 29 minutes idle: still signed in
        traveller.shift(timedelta(minutes=29))
        assert client.get("/staf").status_code == 200  # that visit counted as activity
        traveller.shift(timedelta(minutes=31))
        response = client.get("/staf")
        assert response.status_code == 401
        assert "Your session ended after 30 minutes without activity. Sign in again." in (
            response.get_data(as_text=True)
        )
        assert response.headers["Cache-Control"] == "no-store"
        again = client.get("/staf")  # the notice is said once; then it is a plain 401
        assert again.status_code == 401 and "without activity" not in again.get_data(True)
        traveller.shift(timedelta(minutes=-31))  # not even going back in time revives it
        assert client.get("/staf").status_code == 401


def test_the_idle_timeout_follows_the_config(app, english, sign_in_as, monkeypatch):
    monkeypatch.setitem(app.config, "STAFF_IDLE_MINUTES", 5)
    with time_machine.travel(START, tick=False) as traveller:
        sign_in_as(english, Role.VERIFIER)
        traveller.shift(timedelta(minutes=6))
        response = english.get("/staf")
        assert response.status_code == 401
        assert "after 5 minutes without activity" in response.get_data(as_text=True)


def test_activity_is_written_at_most_once_a_minute(app, client, sign_in_as):
    with time_machine.travel(START, tick=False) as traveller:
        sign_in_as(client, Role.VERIFIER)
        traveller.shift(timedelta(seconds=50))
        assert client.get("/staf").status_code == 200
        assert staff_sessions(app)[0].last_seen_at.replace(tzinfo=UTC) == START
        traveller.shift(timedelta(seconds=20))
        assert client.get("/staf").status_code == 200
        seen = staff_sessions(app)[0].last_seen_at.replace(tzinfo=UTC)
        assert seen == START + timedelta(seconds=70)


def test_absolute_timeout_whatever_the_activity(app, english, sign_in_as):
    client = english
    with time_machine.travel(START, tick=False) as traveller:
        sign_in_as(client, Role.VERIFIER)
        for _ in range(35):  # a request every 20 minutes for 11 hours 40 minutes
            traveller.shift(timedelta(minutes=20))
            assert client.get("/staf").status_code == 200
        traveller.shift(timedelta(minutes=20))  # 12 hours after signing in
        response = client.get("/staf")
        assert response.status_code == 401
        assert "Your session ended 12 hours after you signed in. Sign in again." in (
            response.get_data(as_text=True)
        )


def test_sign_out_ends_the_session_on_the_server(app, client, sign_in_as):
    with time_machine.travel(START, tick=False) as traveller:
        sign_in_as(client, Role.VERIFIER)
        saved = client.get_cookie("session").value  # a copy of the cookie jar
        traveller.shift(timedelta(minutes=2))  # so sign-out also records activity (a POST)
        page = client.get("/staf")
        traveller.shift(timedelta(minutes=2))
        response = client.post("/keluar", data={"csrf_token": _token_in(page)})
        assert response.status_code == 303
        assert client.get("/staf").status_code == 401
        (row,) = staff_sessions(app)
        assert row.ended_at.replace(tzinfo=UTC) == START + timedelta(minutes=4)
        assert row.last_seen_at.replace(tzinfo=UTC) == START + timedelta(minutes=4)

        client.set_cookie("session", saved)  # replaying the cookie from before signing out
        assert session_values(client)[STAFF_SESSION]  # the token is there…
        assert client.get("/staf").status_code == 401  # …but signs nobody in


def test_a_disabled_account_stops_at_once(app, db, client, sign_in_as):
    user_id = sign_in_as(client, Role.OFFICER, agency="32.73")
    assert client.get("/staf").status_code == 200
    with app.app_context():
        db.session.get(User, user_id).active = False
        db.session.commit()
    assert client.get("/staf").status_code == 401
    with app.app_context():  # enabling the account again does not revive the cookie
        db.session.get(User, user_id).active = True
        db.session.commit()
    assert client.get("/staf").status_code == 401


def test_the_cli_disables_an_account_and_ends_its_sessions(app, db, sign_in_as):
    phone, laptop = app.test_client(), app.test_client()
    user_id = sign_in_as(phone, Role.VERIFIER)
    with app.app_context():
        email = db.session.get(User, user_id).email
    # A second sign-in on another device, with a recovery code from the CLI.
    codes = app.test_cli_runner().invoke(args=["users", "recovery-codes", "--email", email])
    code = re.search(r"\b[2-9A-Z]{5}-[2-9A-Z]{5}\b", codes.output).group(0)
    page = laptop.get("/masuk/kode-pemulihan")
    signed_in = laptop.post(
        "/masuk/kode-pemulihan",
        data={"csrf_token": _token_in(page), "email": email, "code": code},
    )
    assert signed_in.status_code == 303
    other = app.test_client()
    sign_in_as(other, Role.VERIFIER)

    listed = app.test_cli_runner().invoke(args=["users", "sessions", "--email", email])
    assert listed.exit_code == 0 and "2 active session(s)" in listed.output

    result = app.test_cli_runner().invoke(args=["users", "disable", "--email", email])
    assert result.exit_code == 0, result.output
    assert "2 session(s) ended" in result.output
    assert phone.get("/staf").status_code == laptop.get("/staf").status_code == 401
    assert other.get("/staf").status_code == 200  # someone else's session goes on
    with app.app_context():
        rows = db.session.scalars(select(StaffSession).where(StaffSession.user_id == user_id))
        assert all(row.ended_at is not None for row in rows)
    listed = app.test_cli_runner().invoke(args=["users", "sessions", "--email", email])
    assert "0 active session(s)" in listed.output
    unknown = app.test_cli_runner().invoke(args=["users", "disable", "--email", "x@y.id"])
    assert unknown.exit_code != 0 and "no account" in unknown.output


def test_development_and_testing_keep_a_plain_session_cookie(app, client):
    assert app.config["SESSION_COOKIE_NAME"] == "session"
    assert not app.config["SESSION_COOKIE_SECURE"]
    cookie = client.get("/lapor").headers["Set-Cookie"]
    assert cookie.startswith("session=") and "HttpOnly" in cookie and "SameSite=Lax" in cookie


def test_production_cookie_is_host_only_secure_and_http_only(app, db, monkeypatch):
    monkeypatch.setenv("SUARA_ENV", "production")
    monkeypatch.setenv("SECRET_KEY", "production-test-key")
    production = create_app(
        {
            # The class read SECRET_KEY when it was imported; hand the same value over.
            "SECRET_KEY": "production-test-key",
            "SQLALCHEMY_DATABASE_URI": app.config["SQLALCHEMY_DATABASE_URI"],
        }
    )
    try:
        config = production.config
        assert config["SESSION_COOKIE_NAME"] == "__Host-session"
        assert config["SESSION_COOKIE_SECURE"] and config["SESSION_COOKIE_HTTPONLY"]
        assert config["SESSION_COOKIE_SAMESITE"] == "Lax"
        assert config["SESSION_COOKIE_DOMAIN"] is None and config["SESSION_COOKIE_PATH"] == "/"
        response = production.test_client().get("/lapor", base_url="https://localhost")
        assert response.status_code == 200
        (cookie,) = [
            header
            for header in response.headers.getlist("Set-Cookie")
            if header.startswith("__Host-session=")
        ]
        attributes = [part.strip() for part in cookie.split(";")[1:]]
        assert {"Secure", "HttpOnly", "Path=/", "SameSite=Lax"} <= set(attributes)
        assert not any(part.lower().startswith("domain=") for part in attributes)
    finally:
        with production.app_context():
            _db.engine.dispose()
