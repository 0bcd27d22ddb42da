"""Shared fixtures: one app and schema per session, a clean database per test, page checks,
factories, and a real gunicorn server for the tests that need one.

Set TEST_DATABASE_URL (and TEST_LIVE_DATABASE_URL for the live server) to run on PostgreSQL;
.ci/run does this for the tests marked `db`.
"""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import tempfile
import time
from html.parser import HTMLParser
from pathlib import Path

import pytest
import requests
from flask.testing import FlaskClient

os.environ["SUARA_ENV"] = "testing"
os.environ.setdefault("SUARA_INSTANCE", tempfile.mkdtemp(prefix="suara-test-"))

from app import create_app
from app.complaints.models import Channel
from app.complaints.operations import create_complaint
from app.directory.operations import load_directory
from app.extensions import db as _db
from app.extensions import limiter
from tests.helpers import API_COMPLAINT

ROOT = Path(__file__).resolve().parent.parent
REFERENCE_TABLES = {"regions", "agencies", "categories"}


# --- page checks ---------------------------------------------------------------------------


class _PageParser(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.lang: str | None = None
        self.title = ""
        self.h1: list[str] = []
        self.forms_without_action = 0
        self._in: str | None = None

    def handle_starttag(self, tag: str, attrs: list) -> None:
        attributes = dict(attrs)
        if tag == "html":
            self.lang = attributes.get("lang")
        elif tag == "form" and not attributes.get("action"):
            self.forms_without_action += 1
        elif tag in ("title", "h1"):
            self._in = tag
            if tag == "h1":
                self.h1.append("")

    def handle_endtag(self, tag: str) -> None:
        if tag == self._in:
            self._in = None

    def handle_data(self, data: str) -> None:
        if self._in == "title":
            self.title += data
        elif self._in == "h1":
            self.h1[-1] += data


def check_page(html: str) -> None:
    """Every full page: one h1, a title that begins with it, lang set, forms with an action."""
    page = _PageParser()
    page.feed(html)
    assert page.lang in ("id", "en"), "the <html> element needs a lang"
    assert len(page.h1) == 1, f"expected exactly one h1, found {len(page.h1)}"
    heading = " ".join(page.h1[0].split())
    title = re.sub(r"^(Galat|Error): ", "", " ".join(page.title.split()))
    assert title.startswith(heading), f"title {title!r} does not begin with h1 {heading!r}"
    assert page.forms_without_action == 0, "every form needs an action"


class CheckedClient(FlaskClient):
    """A test client that checks every HTML page it receives, and that nothing is a 500."""

    def open(self, *args, **kwargs):
        response = super().open(*args, **kwargs)
        assert response.status_code < 500, response.get_data(as_text=True)[:2000]
        body = response.get_data()  # buffered, so the file behind it can close
        response.close()
        if response.mimetype == "text/html" and b"<html" in body:
            check_page(body.decode())
        return response


def csrf_token(client: FlaskClient, url: str = "/lapor") -> str:
    html = client.get(url).get_data(as_text=True)
    match = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', html)
    assert match, "no CSRF token on the page"
    return match.group(1)


# --- app and database ----------------------------------------------------------------------


@pytest.fixture(scope="session")
def app(tmp_path_factory):
    instance = tmp_path_factory.mktemp("instance")
    url = os.environ.get("TEST_DATABASE_URL") or f"sqlite:///{instance / 'test.db'}"
    app = create_app(
        {
            "SQLALCHEMY_DATABASE_URI": url,
            "UPLOAD_DIR": str(instance / "uploads"),
            "SERVER_NAME": "localhost",
        }
    )
    app.test_client_class = CheckedClient
    with app.app_context():
        _db.drop_all()
        _db.create_all()
        load_directory()
        _db.session.commit()
    yield app
    with app.app_context():
        _db.session.remove()
        _db.engine.dispose()


@pytest.fixture
def db(app):
    """The database, emptied of everything but the directory after the test.

    No app context stays pushed during the test: each request must get its own, as in
    production (a shared one would share `g`). Use `with app.app_context():` to query.
    """
    yield _db
    with app.app_context():
        _db.session.rollback()
        for table in reversed(_db.metadata.sorted_tables):
            if table.name not in REFERENCE_TABLES:
                _db.session.connection().execute(table.delete())
        _db.session.commit()
        for stored in Path(app.config["UPLOAD_DIR"]).iterdir():
            stored.unlink()


@pytest.fixture
def client(app, db):
    limiter.reset()  # rate-limit counters start empty in every test
    return app.test_client()


@pytest.fixture
def uploads(app) -> Path:
    return Path(app.config["UPLOAD_DIR"])


@pytest.fixture
def make_complaint(app, db):
    """Factory: make_complaint(privacy="anonymous", title=...) → (tracking_code, secret)."""

    def make(**overrides):
        data = {**API_COMPLAINT, **overrides}
        with app.app_context():
            complaint, secret = create_complaint(data, channel=Channel.WEB, locale="id")
            db.session.commit()
            return complaint.tracking_code, secret

    return make


@pytest.fixture
def sign_in_as(app, db):
    """Factory: sign_in_as(client, Role.OFFICER, agency="32.73") → the new user's id.

    Creates a staff user (a fresh email each call) and signs `client` in with one of its
    recovery codes on /masuk/kode-pemulihan, so tests use the same path as people do (staff
    cannot use emailed links; a passkey needs a browser or tests/accounts' Authenticator).
    """
    from app.accounts.models import Role
    from app.accounts.operations import create_user
    from app.accounts.recovery import create_codes

    made = iter(range(1, 10_000))

    def sign_in(
        client, role=Role.VERIFIER, agency=None, name="Staf Contoh", region=None, organisation=None
    ) -> int:
        """`organisation`: a facilitator's organisation, by name (made the first time)."""
        with app.app_context():
            if role is Role.FACILITATOR and organisation is None:
                organisation = "Organisasi Contoh"
            found = _organisation(organisation) if organisation else None
            user = create_user(f"staf{next(made)}@example.go.id", name, role, agency, region, found)
            code = create_codes(user)[0]
            db.session.commit()
            user_id, email = user.id, user.email
        page = client.get("/masuk/kode-pemulihan")
        response = client.post(
            "/masuk/kode-pemulihan",
            data={"csrf_token": _token_in(page), "email": email, "code": code},
        )
        assert response.status_code in (302, 303), response.status_code
        with client.session_transaction() as session:
            session.pop("_flashes", None)  # "you signed in with a recovery code": not news here
        return user_id

    return sign_in


@pytest.fixture
def publish(app, db):
    """publish(code, *then, agency="PEMKOT3273"): a verifier dispatches the report to the
    agency (Kota Bandung unless another code is given; then it is published unless
    confidential), then each (Action, Actor, reason) step is taken."""
    from sqlalchemy import select

    from app.complaints.lifecycle import Action as _Action
    from app.complaints.lifecycle import Actor as _Actor
    from app.complaints.lifecycle import act
    from app.directory.models import Agency
    from app.tracking.queries import by_code

    def run(code: str, *steps: tuple, agency: str = "PEMKOT3273") -> None:
        with app.app_context():
            complaint = by_code(code)
            to = _db.session.scalar(select(Agency).where(Agency.code == agency))
            act(complaint, _Action.DISPATCH, _Actor.VERIFIER, agency=to)
            for action, actor, reason in steps:
                act(complaint, action, actor, reason=reason)
            _db.session.commit()

    return run


@pytest.fixture
def sign_in_citizen(app, db):
    """Factory: sign_in_citizen(client, email=None, name="Warga Contoh") → the new citizen
    account's id, signed in through a real emailed link (/masuk/<token>), as people do. With
    no `email`, a fresh one; email=False: an account without an address (the link is issued
    straight to the account, as one could be for an address since removed)."""
    from app.accounts.models import Role, User
    from app.accounts.operations import LINK_MINUTES, issue_sign_in_link

    made = iter(range(1, 10_000))

    def sign_in(client, email=None, name="Warga Contoh") -> int:
        with app.app_context():
            address = None if email is False else (email or f"warga{next(made)}@example.org")
            user = User(email=address, name=name, role=Role.CITIZEN)
            _db.session.add(user)
            _db.session.flush()
            token = issue_sign_in_link(user, LINK_MINUTES)
            _db.session.commit()
            user_id = user.id
        page = client.get(f"/masuk/{token}")
        response = client.post(f"/masuk/{token}", data={"csrf_token": _token_in(page)})
        assert response.status_code == 303, response.status_code
        assert response.headers["Location"].endswith("/akun")
        return user_id

    return sign_in


def _organisation(name: str):
    """The organisation with this name, made (and flushed) the first time it is asked for."""
    from app.accounts.models import Organisation

    found = _db.session.scalar(_db.select(Organisation).where(Organisation.name == name))
    if found is None:
        found = Organisation(name=name)
        _db.session.add(found)
        _db.session.flush()
    return found


def _token_in(response) -> str:
    match = re.search(
        r'name="csrf_token" type="hidden" value="([^"]+)"', response.get_data(as_text=True)
    )
    assert match, "no CSRF token on the page"
    return match.group(1)


# --- a real server -------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _venv_bin(name: str) -> str:
    return str(Path(sys.executable).parent / name)


@pytest.fixture(scope="session")
def live_server(tmp_path_factory):
    """gunicorn (4 workers × 4 threads) on a fresh database built by the real migrations."""
    instance = tmp_path_factory.mktemp("live")
    env = {
        **os.environ,
        "SUARA_ENV": "testing",
        "SUARA_INSTANCE": str(instance),
        "FLASK_APP": "app",
        "WEB_CONCURRENCY": "4",
        "GUNICORN_THREADS": "4",
    }
    env.pop("DATABASE_URL", None)
    if os.environ.get("TEST_LIVE_DATABASE_URL"):
        env["DATABASE_URL"] = os.environ["TEST_LIVE_DATABASE_URL"]
    for command in (["db", "downgrade", "base"], ["db", "upgrade"], ["directory", "load"]):
        subprocess.run(
            [_venv_bin("flask"), *command], env=env, cwd=ROOT, check=True, capture_output=True
        )
    port = free_port()
    log = (instance / "server.log").open("w")
    server = subprocess.Popen(
        [
            _venv_bin("gunicorn"),
            "-c",
            "python:app.gunicorn_config",
            "--bind",
            f"127.0.0.1:{port}",
            "app.wsgi:app",
        ],
        env=env,
        cwd=ROOT,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    base = f"http://localhost:{port}"
    deadline = time.monotonic() + 30
    while True:
        try:
            if requests.get(f"{base}/healthz", timeout=5).status_code == 200:
                break
        except requests.RequestException:
            pass
        if time.monotonic() > deadline or server.poll() is not None:
            server.kill()
            raise RuntimeError((instance / "server.log").read_text())
        time.sleep(0.2)

    class Live:
        url = base
        env_vars = env
        instance_path = instance
        database_url = env.get("DATABASE_URL") or f"sqlite:///{instance / 'suara.db'}"

        def flask(self, *args: str) -> str:
            """Run a `flask` CLI command against the server's database."""
            done = subprocess.run(
                [_venv_bin("flask"), *args],
                env=env,
                cwd=ROOT,
                check=True,
                capture_output=True,
                text=True,
            )
            return done.stdout

    yield Live()
    server.terminate()
    server.wait(timeout=10)
    log.close()
