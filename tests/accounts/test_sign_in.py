"""Staff sign in with single-use links that expire; roles decide what they may open."""

import re
from datetime import timedelta

import pytest
from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError

from app.accounts.models import Role, SignInLink, User
from app.accounts.operations import AccountError, create_user, issue_sign_in_link
from app.db import utcnow

pytestmark = pytest.mark.db


@pytest.fixture
def make_user(app, db):
    def make(role=Role.VERIFIER, agency=None, email="staf@example.go.id"):
        with app.app_context():
            user = create_user(email, "Staf Contoh", role, agency)
            token = issue_sign_in_link(user)
            db.session.commit()
            return user.id, token

    return make


def token_of(response) -> str:
    return re.search(
        r'name="csrf_token" type="hidden" value="([^"]+)"', response.get_data(as_text=True)
    ).group(1)


def sign_in(client, token):
    page = client.get(f"/masuk/{token}")
    return client.post(f"/masuk/{token}", data={"csrf_token": token_of(page)})


def test_a_link_signs_in_once(client, make_user):
    _, token = make_user(Role.OFFICER, agency="32.73")
    page = client.get(f"/masuk/{token}")
    assert page.status_code == 200  # looking at the link does not use it
    response = client.post(f"/masuk/{token}", data={"csrf_token": token_of(page)})
    assert response.status_code == 303 and response.headers["Location"].endswith("/staf")
    home = client.get("/staf").get_data(as_text=True)
    assert "Pemerintah Kota Bandung" in home
    other = client.application.test_client()
    assert other.get(f"/masuk/{token}").status_code == 410  # used up


def test_an_expired_link_cannot_be_used(app, db, client, make_user):
    _, token = make_user()
    with app.app_context():
        db.session.execute(update(SignInLink).values(expires_at=utcnow() - timedelta(seconds=1)))
        db.session.commit()
    assert client.get(f"/masuk/{token}").status_code == 410


def test_unknown_and_used_links_look_the_same(client, make_user):
    _, token = make_user()
    sign_in(client, token)
    used = client.application.test_client().get(f"/masuk/{token}")
    unknown = client.get("/masuk/not-a-real-token")
    assert used.status_code == unknown.status_code == 410

    def normalised(response, path_token):
        html = response.get_data(as_text=True).replace(path_token, "TOKEN")
        return re.sub(r'csrf_token" type="hidden" value="[^"]+"', "", html)

    assert normalised(used, token) == normalised(unknown, "not-a-real-token")


def test_signing_in_starts_a_fresh_session(client, make_user):
    _, token = make_user()
    with client.session_transaction() as session:
        session["receipt"] = {"code": "ABCD-EFGH", "secret": None}
    sign_in(client, token)
    with client.session_transaction() as session:
        assert "receipt" not in session and "user_id" in session


def test_a_disabled_account_is_signed_out_at_once(app, db, client, make_user):
    user_id, token = make_user()
    sign_in(client, token)
    assert client.get("/staf").status_code == 200
    with app.app_context():
        db.session.execute(update(User).where(User.id == user_id).values(active=False))
        db.session.commit()
    assert client.get("/staf").status_code == 401


def test_staff_pages_need_a_signed_in_user(client):
    response = client.get("/staf")
    assert response.status_code == 401
    assert "Masuk" in response.get_data(as_text=True) or "Sign in" in response.get_data(
        as_text=True
    )


def test_sign_out(client, make_user):
    _, token = make_user()
    sign_in(client, token)
    page = client.get("/staf")
    response = client.post("/keluar", data={"csrf_token": token_of(page)})
    assert response.status_code == 303
    assert client.get("/staf").status_code == 401


def test_sign_out_needs_the_csrf_token(client, make_user):
    _, token = make_user()
    sign_in(client, token)
    assert client.post("/keluar").status_code == 400
    assert client.get("/staf").status_code == 200


@pytest.mark.parametrize(
    ("role", "agency", "message"),
    [
        (Role.OFFICER, None, "needs an existing agency"),
        (Role.OFFICER, "99.99", "needs an existing agency"),
        (Role.VERIFIER, "32.73", "only officers"),
    ],
)
def test_officers_and_only_officers_belong_to_an_agency(app, db, role, agency, message):
    with app.app_context(), pytest.raises(AccountError, match=message):
        create_user("a@example.go.id", "A", role, agency)


def test_an_agency_by_code_or_region(app, db):
    with app.app_context():
        assert create_user("a@x.id", "A", Role.OFFICER, "KEMENKES").agency.code == "KEMENKES"
        assert create_user("b@x.id", "B", Role.OFFICER, "32.73").agency.code == "PEMKOT3273"
        db.session.rollback()


def test_the_cli_creates_staff_and_prints_a_link(app, db):
    runner = app.test_cli_runner()
    result = runner.invoke(
        args=["users", "create", "--email", "Verifikator@Example.go.id", "--role", "verifier"]
    )
    assert result.exit_code == 0, result.output
    assert re.search(r"/masuk/[\w-]{40,}", result.output)
    again = runner.invoke(
        args=["users", "create", "--email", "verifikator@example.go.id", "--role", "verifier"]
    )
    assert again.exit_code != 0 and "exists already" in again.output
    link = runner.invoke(args=["users", "link", "--email", "verifikator@example.go.id"])
    assert link.exit_code == 0 and "/masuk/" in link.output
    with app.app_context():
        assert db.session.scalar(select(User.email)) == "verifikator@example.go.id"
        assert len(list(db.session.scalars(select(SignInLink)))) == 2


def test_the_cli_creates_a_regional_verifier(app, db):
    runner = app.test_cli_runner()
    args = ["users", "create", "--email", "jabar@example.go.id", "--role", "verifier"]
    result = runner.invoke(args=[*args, "--region", "32"])
    assert result.exit_code == 0, result.output
    wrong = runner.invoke(args=[*args[:3], "x@example.go.id", *args[4:], "--region", "99"])
    assert wrong.exit_code != 0 and "no region" in wrong.output
    with app.app_context():
        assert db.session.scalar(select(User.region_code)) == "32"
        # The database itself refuses a region for anyone but a verifier.
        db.session.add(
            User(email="s@example.go.id", name="S", role=Role.SUPERVISOR, region_code="32")
        )
        with pytest.raises(IntegrityError):
            db.session.flush()
        db.session.rollback()
