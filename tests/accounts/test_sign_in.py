"""Emailed sign-in links: single use, expiring, and for citizens only — staff sign in with
passkeys or recovery codes, and a link made for a staff account is refused. Roles decide
what staff may open."""

import re
from datetime import timedelta

import pytest
from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError

from app.accounts.models import STAFF_ROLES, Role, SignInLink, User
from app.accounts.operations import AccountError, create_user, issue_sign_in_link
from app.db import utcnow
from tests.helpers import without_tokens

pytestmark = pytest.mark.db

AGENCIES = {Role.OFFICER: "32.73"}


@pytest.fixture
def make_user(app, db):
    """make_user(role) → (user id, a sign-in link's token): a citizen unless told otherwise."""

    def make(role=Role.CITIZEN, agency=None, email="warga@example.org"):
        with app.app_context():
            user = create_user(email, "Warga Contoh", role, agency)
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


def signed_in_as(client) -> int | None:
    with client.session_transaction() as session:
        return session.get("user_id")


def test_a_link_signs_a_citizen_in_once(client, make_user):
    user_id, token = make_user()
    page = client.get(f"/masuk/{token}")
    assert page.status_code == 200  # looking at the link does not use it
    response = client.post(f"/masuk/{token}", data={"csrf_token": token_of(page)})
    assert response.status_code == 303
    assert signed_in_as(client) == user_id
    other = client.application.test_client()
    assert other.get(f"/masuk/{token}").status_code == 410  # used up


@pytest.mark.parametrize(
    "role", sorted(STAFF_ROLES - {Role.FACILITATOR}, key=lambda role: role.value)
)
def test_a_link_never_signs_staff_in(app, db, client, make_user, role):
    """Staff sign in with a passkey or a recovery code only: a link made for a staff account
    (by old code, or by anyone who could write one) looks like any unusable link. (A
    facilitator needs an organisation: the next test.)"""
    _, token = make_user(role, agency=AGENCIES.get(role), email="staf@example.go.id")
    assert client.get(f"/masuk/{token}").status_code == 410
    csrf = token_of(client.get("/masuk/kode-pemulihan"))
    assert client.post(f"/masuk/{token}", data={"csrf_token": csrf}).status_code == 410
    assert signed_in_as(client) is None
    assert client.get("/staf").status_code == 401
    with app.app_context():
        assert db.session.scalar(select(SignInLink.used_at)) is None


def test_a_link_never_signs_a_facilitator_in(app, db, client):
    from app.accounts.models import Organisation

    with app.app_context():
        organisation = Organisation(name="Kader Posyandu Contoh")
        db.session.add(organisation)
        user = create_user(
            "fasilitator@example.org", "F", Role.FACILITATOR, organisation=organisation
        )
        token = issue_sign_in_link(user)
        db.session.commit()
    assert client.get(f"/masuk/{token}").status_code == 410
    csrf = token_of(client.get("/masuk/kode-pemulihan"))
    assert client.post(f"/masuk/{token}", data={"csrf_token": csrf}).status_code == 410
    assert signed_in_as(client) is None


def test_an_expired_link_cannot_be_used(app, db, client, make_user):
    _, token = make_user()
    with app.app_context():
        db.session.execute(update(SignInLink).values(expires_at=utcnow() - timedelta(seconds=1)))
        db.session.commit()
    assert client.get(f"/masuk/{token}").status_code == 410


def test_unknown_used_and_staff_links_look_the_same(client, make_user):
    _, token = make_user()
    sign_in(client, token)
    _, staff_token = make_user(Role.SUPERVISOR, email="pengawas@example.go.id")
    fresh = client.application.test_client()
    used = fresh.get(f"/masuk/{token}")
    staff = fresh.get(f"/masuk/{staff_token}")
    unknown = fresh.get("/masuk/not-a-real-token")
    assert used.status_code == staff.status_code == unknown.status_code == 410

    def normalised(response, path_token):
        return without_tokens(response.get_data(as_text=True).replace(path_token, "TOKEN"))

    assert (
        normalised(used, token)
        == normalised(staff, staff_token)
        == normalised(unknown, "not-a-real-token")
    )


def test_signing_in_starts_a_fresh_session(client, make_user):
    _, token = make_user()
    with client.session_transaction() as session:
        session["receipt"] = {"code": "ABCD-EFGH", "secret": None}
    sign_in(client, token)
    with client.session_transaction() as session:
        assert "receipt" not in session and "user_id" in session


def test_a_disabled_accounts_link_cannot_be_used(app, db, client, make_user):
    user_id, token = make_user()
    with app.app_context():
        db.session.execute(update(User).where(User.id == user_id).values(active=False))
        db.session.commit()
    assert client.get(f"/masuk/{token}").status_code == 410


def test_a_disabled_account_is_signed_out_at_once(app, db, client, sign_in_as):
    user_id = sign_in_as(client, Role.VERIFIER)
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


def test_sign_out(client, sign_in_as):
    sign_in_as(client, Role.VERIFIER)
    page = client.get("/staf")
    response = client.post("/keluar", data={"csrf_token": token_of(page)})
    assert response.status_code == 303
    assert client.get("/staf").status_code == 401


def test_sign_out_needs_the_csrf_token(client, sign_in_as):
    sign_in_as(client, Role.VERIFIER)
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


def test_the_cli_creates_staff_with_recovery_codes_and_refuses_them_links(app, db, client):
    runner = app.test_cli_runner()
    result = runner.invoke(
        args=["users", "create", "--email", "Verifikator@Example.go.id", "--role", "verifier"]
    )
    assert result.exit_code == 0, result.output
    assert "/masuk/kode-pemulihan" in result.output
    assert not re.search(r"/masuk/[\w-]{40,}", result.output)  # no link
    made = re.findall(r"\b[2-9A-Z]{5}-[2-9A-Z]{5}\b", result.output)
    assert len(set(made)) == 10
    again = runner.invoke(
        args=["users", "create", "--email", "verifikator@example.go.id", "--role", "verifier"]
    )
    assert again.exit_code != 0 and "exists already" in again.output
    citizen = runner.invoke(
        args=["users", "create", "--email", "w@example.org", "--role", "citizen"]
    )
    assert citizen.exit_code != 0  # citizens make their own accounts
    link = runner.invoke(args=["users", "link", "--email", "verifikator@example.go.id"])
    assert link.exit_code != 0 and "recovery-codes" in link.output
    assert "/masuk/" not in link.output
    with app.app_context():
        assert db.session.scalar(select(User.email)) == "verifikator@example.go.id"
        assert db.session.scalar(select(SignInLink.id)) is None
    # A printed code signs in.
    page = client.get("/masuk/kode-pemulihan")
    response = client.post(
        "/masuk/kode-pemulihan",
        data={"csrf_token": token_of(page), "email": "verifikator@example.go.id", "code": made[0]},
    )
    assert response.status_code == 303
    assert client.get("/staf").status_code == 200


def test_the_cli_prints_a_link_for_a_citizen(app, db, client):
    with app.app_context():
        create_user("warga@example.org", "Warga", Role.CITIZEN)
        db.session.commit()
    result = app.test_cli_runner().invoke(args=["users", "link", "--email", "warga@example.org"])
    assert result.exit_code == 0, result.output
    path = re.search(r"/masuk/[\w-]{40,}", result.output).group(0)
    assert sign_in(client, path.removeprefix("/masuk/")).status_code == 303
    assert signed_in_as(client) is not None


def test_the_cli_creates_a_facilitator_with_an_organisation(app, db):
    from app.accounts.models import Organisation

    runner = app.test_cli_runner()
    args = ["users", "create", "--email", "kader@example.org", "--role", "facilitator"]
    missing = runner.invoke(args=args)
    assert missing.exit_code != 0 and "organisation" in missing.output
    result = runner.invoke(args=[*args, "--organisation", "Kader Posyandu Sukamaju"])
    assert result.exit_code == 0, result.output
    with app.app_context():
        user = db.session.scalar(select(User).where(User.email == "kader@example.org"))
        assert user.organisation.name == "Kader Posyandu Sukamaju"
        assert db.session.scalar(select(db.func.count()).select_from(Organisation)) == 1


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
