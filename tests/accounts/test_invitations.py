"""Staff invitations: made by `flask users invite` or on /admin/undangan, accepted by creating
a passkey (checked by py_webauthn against tests/accounts' software Authenticator), which
makes the account, uses up the invitation and signs in — all at once, or nothing. Links are
single-use, expire, can be revoked, and guessing them is rate-limited."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from sqlalchemy import func, select, update

from app.accounts.invitations import claim, find_pending, invite
from app.accounts.models import (
    STAFF_ROLES,
    Invitation,
    Organisation,
    PasskeyCredential,
    Role,
    StaffSession,
    User,
)
from app.accounts.operations import create_user
from app.db import utcnow
from app.extensions import db as _db
from app.extensions import limiter
from app.notifications.models import OutboxMessage
from tests.accounts.test_passkeys import Authenticator, post_json
from tests.conftest import check_page, csrf_token
from tests.helpers import without_tokens

pytestmark = pytest.mark.db

PATH = re.compile(r"/undangan/([\w-]{40,})")
DATA_CSRF = re.compile(r'data-csrf="([^"]+)"')


# --- helpers ---------------------------------------------------------------------------------


def cli_invite(app, *args: str):
    return app.test_cli_runner().invoke(args=["users", "invite", *args])


def make_invitation(app, email="petugas@example.go.id", role=Role.OFFICER, **fields) -> str:
    """A new invitation (no administrator: as from the CLI); its token."""
    if role is Role.OFFICER:
        fields.setdefault("agency", "32.73")
    with app.app_context():
        _invitation, token = invite(email=email, name="Petugas Baru", role=role, **fields)
        _db.session.commit()
    return token


def count(app, model) -> int:
    with app.app_context():
        return _db.session.scalar(select(func.count()).select_from(model))


def invitation_row(app, email: str) -> Invitation:
    with app.app_context():
        found = _db.session.scalars(
            select(Invitation).where(Invitation.email == email).order_by(Invitation.id.desc())
        ).first()
        _db.session.expunge_all()
        return found


def accept(client, token: str, device: Authenticator | None = None, origin: str | None = None):
    """Open the invitation, ask for options, answer them with `device`; the last response."""
    page = client.get(f"/undangan/{token}")
    assert page.status_code == 200, page.status_code
    csrf = DATA_CSRF.search(page.get_data(as_text=True)).group(1)
    options = post_json(client, f"/undangan/{token}/opsi", csrf)
    assert options.status_code == 200, options.get_json()
    device = device or Authenticator()
    answer = device.create(options.get_json(), **({"origin": origin} if origin else {}))
    return post_json(client, f"/undangan/{token}/daftar", csrf, answer)


def admin_post(client, lang: str = "id", **fields):
    client.set_cookie("lang", lang)
    data = {"csrf_token": csrf_token(client, "/admin/undangan"), **fields}
    return client.post("/admin/undangan", data=data)


# --- the CLI -----------------------------------------------------------------------------------


def test_the_cli_invites_an_officer(app, db):
    result = cli_invite(
        app, "--role", "officer", "--agency", "32.73", "--email", "Petugas@Example.go.id",
        "--name", "Petugas Baru",
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    token = PATH.search(result.output).group(1)
    assert "UTC" in result.output and "once" in result.output
    with app.app_context():
        invitation = _db.session.scalar(select(Invitation))
        assert invitation.email == "petugas@example.go.id"
        assert invitation.role is Role.OFFICER and invitation.agency.code == "PEMKOT3273"
        assert invitation.invited_by is None and invitation.used_at is None
        assert token not in repr(
            [invitation.token_hash, invitation.email, invitation.name]
        )  # only its hash is stored
        days = (invitation.expires_at - invitation.created_at).days
        assert days == app.config["INVITATION_DAYS"] == 7
        assert find_pending(token).id == invitation.id
    assert count(app, User) == 0  # the account is made when the invitation is accepted


def test_the_cli_invites_a_regional_verifier_and_a_facilitator(app, db):
    verifier = cli_invite(app, "--role", "verifier", "--region", "32", "--email", "v@example.id")
    assert verifier.exit_code == 0, verifier.output
    facilitator = cli_invite(
        app, "--role", "facilitator", "--email", "kader@example.org",
        "--organisation", "Kader Posyandu Sukamaju", "--organisation-region", "32.73",
    )  # fmt: skip
    assert facilitator.exit_code == 0, facilitator.output
    second = cli_invite(
        app, "--role", "facilitator", "--email", "kader2@example.org",
        "--organisation", "kader posyandu  SUKAMAJU",
    )  # fmt: skip
    assert second.exit_code == 0, second.output
    with app.app_context():
        (organisation,) = _db.session.scalars(select(Organisation))
        assert organisation.name == "Kader Posyandu Sukamaju"
        assert organisation.region_code == "32.73"
        rows = {i.email: i for i in _db.session.scalars(select(Invitation))}
        assert rows["v@example.id"].region_code == "32"
        assert rows["kader@example.org"].organisation_id == organisation.id
        assert rows["kader2@example.org"].organisation_id == organisation.id  # the same one


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--role", "officer", "--agency", "NOPE-AGENCY"], "No agency matches"),
        (["--role", "officer"], "Enter the officer's agency"),
        (["--role", "verifier", "--agency", "32.73"], "Only officers belong to an agency"),
        (["--role", "supervisor", "--region", "32"], "Only verifiers work for one region"),
        (["--role", "verifier", "--region", "99.99"], "No province or regency/city"),
        (["--role", "facilitator"], "Enter the organisation"),
        (["--role", "admin", "--organisation", "Yayasan"], "Only facilitators belong"),
        (["--role", "citizen"], "Citizens make their own accounts"),
        (["--role", "officer", "--agency", "32.73", "--email", "not-an-email"], "like name@"),
        (["--role", "officer", "--agency", "32.73", "--email", "x@y"], "like name@"),
        (["--role", "officer", "--agency", "32.73", "--email", "ada@example.go.id"], "already"),
        (["--role", "officer", "--agency", "Pemerintah"], "Several agencies match"),
    ],
)
def test_the_cli_refuses_bad_invitations_clearly(app, db, args, message):
    with app.app_context():
        create_user("ada@example.go.id", "Sudah Ada", Role.SUPERVISOR)
        _db.session.commit()
    if "--email" not in args:
        args = [*args, "--email", "baru@example.go.id"]
    result = cli_invite(app, *args)
    assert result.exit_code != 0
    assert message in result.output, result.output
    assert "Traceback" not in result.output
    assert count(app, Invitation) == count(app, Organisation) == 0  # nothing half-saved


def test_an_agency_by_its_name(app, db):
    result = cli_invite(
        app, "--role", "officer", "--agency", "pemerintah kota bandung", "--email", "a@b.id"
    )
    assert result.exit_code == 0, result.output
    assert invitation_row(app, "a@b.id").agency_id is not None


def test_a_new_invitation_replaces_the_pending_one(app, db, client):
    first = make_invitation(app)
    second = make_invitation(app)
    assert client.get(f"/undangan/{first}").status_code == 410
    assert client.get(f"/undangan/{second}").status_code == 200
    with app.app_context():
        rows = list(_db.session.scalars(select(Invitation).order_by(Invitation.id)))
        assert rows[0].revoked_at is not None and rows[1].revoked_at is None


# --- accepting ---------------------------------------------------------------------------------


def test_accepting_makes_the_account_its_passkey_and_a_session(app, db, client):
    token = make_invitation(app)
    page = client.get(f"/undangan/{token}").get_data(as_text=True)
    assert "Pemerintah Kota Bandung" in page and "petugas@example.go.id" in page
    assert 'data-passkey="create"' in page and "passkey.js" in page
    assert client.get(f"/undangan/{token}").status_code == 200  # looking uses nothing up
    device = Authenticator()
    response = accept(client, token, device)
    assert response.status_code == 200, response.get_json()
    assert response.get_json()["redirect"] == "/staf"
    with app.app_context():
        user = _db.session.scalar(select(User).where(User.email == "petugas@example.go.id"))
        assert user.role is Role.OFFICER and user.agency.code == "PEMKOT3273"
        assert user.name == "Petugas Baru"
        assert user.passkey_handle == device.user_handle and len(user.passkey_handle) == 32
        passkey = _db.session.scalar(select(PasskeyCredential))
        assert passkey.user_id == user.id
        invitation = _db.session.scalar(select(Invitation))
        assert invitation.used_at is not None and invitation.user_id == user.id
        assert _db.session.scalar(select(StaffSession.user_id)) == user.id
    home = client.get("/staf")
    assert home.status_code == 200
    html = home.get_data(as_text=True)
    assert 'id="welcome"' in html and "/staf/kode-pemulihan" in html  # make recovery codes
    assert 'id="no-passkey"' not in html  # they have one
    assert client.get("/instansi").status_code == 200  # the agency inbox

    # Single use: the link is gone, for this browser and any other.
    other = app.test_client()
    assert other.get(f"/undangan/{token}").status_code == 410
    csrf = csrf_token(other, "/masuk/kode-pemulihan")
    assert post_json(other, f"/undangan/{token}/opsi", csrf).status_code == 410
    assert post_json(other, f"/undangan/{token}/daftar", csrf, {}).status_code == 410

    # The passkey signs them in again later.
    client.post("/keluar", data={"csrf_token": csrf_token(client, "/staf")})
    assert client.get("/staf").status_code == 401
    csrf = DATA_CSRF.search(client.get("/masuk").get_data(as_text=True)).group(1)
    options = post_json(client, "/masuk/passkey/opsi", csrf).get_json()
    assert post_json(client, "/masuk/passkey", csrf, device.get(options)).status_code == 200
    assert client.get("/staf").status_code == 200


@pytest.mark.parametrize(
    ("role", "fields", "check"),
    [
        (Role.VERIFIER, {"region": "32"}, lambda u: u.region_code == "32"),
        (
            Role.FACILITATOR,
            {"organisation": "Kader Posyandu Sukamaju"},
            lambda u: u.organisation.name == "Kader Posyandu Sukamaju",
        ),
        (Role.SUPERVISOR, {}, lambda u: u.agency_id is None and u.region_code is None),
        (Role.ADMIN, {}, lambda u: u.organisation_id is None),
    ],
)
def test_each_role_gets_what_its_invitation_says(app, db, client, role, fields, check):
    token = make_invitation(app, email="baru@example.org", role=role, **fields)
    assert accept(client, token).status_code == 200
    with app.app_context():
        user = _db.session.scalar(select(User).where(User.email == "baru@example.org"))
        assert user.role is role and check(user)
    assert client.get("/staf").status_code == 200


def test_an_expired_invitation_is_gone(app, db, client):
    token = make_invitation(app)
    with app.app_context():
        _db.session.execute(update(Invitation).values(expires_at=utcnow() - timedelta(seconds=1)))
        _db.session.commit()
    response = client.get(f"/undangan/{token}")
    assert response.status_code == 410
    assert "tidak dapat dipakai" in response.get_data(as_text=True) or (
        "cannot be used" in response.get_data(as_text=True)
    )


def test_an_invitation_expiring_while_the_passkey_is_made_makes_no_account(app, db, client):
    token = make_invitation(app)
    page = client.get(f"/undangan/{token}").get_data(as_text=True)
    csrf = DATA_CSRF.search(page).group(1)
    options = post_json(client, f"/undangan/{token}/opsi", csrf).get_json()
    with app.app_context():
        _db.session.execute(update(Invitation).values(expires_at=utcnow() - timedelta(seconds=1)))
        _db.session.commit()
    answer = Authenticator().create(options)
    assert post_json(client, f"/undangan/{token}/daftar", csrf, answer).status_code == 410
    assert count(app, User) == count(app, PasskeyCredential) == 0


def test_unknown_and_used_and_revoked_and_expired_look_the_same(app, db, client):
    used = make_invitation(app, email="a@example.go.id")
    assert accept(app.test_client(), used).status_code == 200
    revoked = make_invitation(app, email="b@example.go.id")
    with app.app_context():
        invitation = _db.session.scalar(
            select(Invitation).where(Invitation.email == "b@example.go.id")
        )
        invitation.revoked_at = utcnow()
        _db.session.commit()
    expired = make_invitation(app, email="c@example.go.id")
    with app.app_context():
        _db.session.execute(
            update(Invitation)
            .where(Invitation.email == "c@example.go.id")
            .values(expires_at=utcnow() - timedelta(days=1))
        )
        _db.session.commit()

    def normalised(token: str) -> str:
        response = client.get(f"/undangan/{token}")
        assert response.status_code == 410
        return without_tokens(response.get_data(as_text=True).replace(token, "TOKEN"))

    pages = {normalised(t) for t in (used, revoked, expired, "not-a-real-invitation")}
    assert len(pages) == 1


def test_guessing_invitations_is_rate_limited(app, db, client, monkeypatch):
    monkeypatch.setitem(app.config, "RATELIMIT_SIGN_IN_PER_CLIENT", "3 per hour")
    limiter.reset()
    token = make_invitation(app)
    address = {"REMOTE_ADDR": "203.0.113.5"}
    assert client.get(f"/undangan/{token}", environ_base=address).status_code == 200  # free
    for number in range(3):
        assert client.get(f"/undangan/guess{number}", environ_base=address).status_code == 410
    blocked = client.get(f"/undangan/{token}", environ_base=address)  # even a real one
    assert blocked.status_code == 429
    client.set_cookie("lang", "en")
    blocked = client.get("/undangan/guess-again", environ_base=address)
    assert blocked.status_code == 429
    html = blocked.get_data(as_text=True)
    check_page(html)
    assert "Too many requests" in html and "captcha" not in html.lower()
    assert 0 < int(blocked.headers["Retry-After"]) <= 3600
    other = {"REMOTE_ADDR": "198.51.100.7"}  # another client is not affected
    assert client.get(f"/undangan/{token}", environ_base=other).status_code == 200


def test_the_handle_belongs_to_one_invitation_and_the_options_are_needed(app, db, client):
    first = make_invitation(app, email="a@example.go.id")
    second = make_invitation(app, email="b@example.go.id")
    csrf = DATA_CSRF.search(client.get(f"/undangan/{first}").get_data(as_text=True)).group(1)
    # Without asking for options first: no challenge, no handle.
    fake = {"challenge": "eA", "rp": {"id": "localhost"}, "user": {"id": "eA"}}
    response = post_json(client, f"/undangan/{first}/daftar", csrf, Authenticator().create(fake))
    assert response.status_code == 400
    # Options for the first invitation, the answer sent to the second one.
    options = post_json(client, f"/undangan/{first}/opsi", csrf).get_json()
    answer = Authenticator().create(options)
    response = post_json(client, f"/undangan/{second}/daftar", csrf, answer)
    assert response.status_code == 400
    assert count(app, User) == 0
    assert find_pending_in(app, first) and find_pending_in(app, second)


def find_pending_in(app, token: str) -> bool:
    with app.test_request_context():
        return find_pending(token) is not None


def test_a_passkey_from_another_origin_makes_no_account(app, db, client):
    token = make_invitation(app)
    response = accept(client, token, origin="https://evil.example")
    assert response.status_code == 400
    assert response.get_json()["errors"]["_request"][0]
    assert count(app, User) == count(app, PasskeyCredential) == 0
    assert find_pending_in(app, token)  # still usable
    assert client.get("/staf").status_code == 401


def test_an_account_made_meanwhile_stops_the_invitation(app, db, client):
    token = make_invitation(app)
    page = client.get(f"/undangan/{token}").get_data(as_text=True)
    csrf = DATA_CSRF.search(page).group(1)
    options = post_json(client, f"/undangan/{token}/opsi", csrf).get_json()
    with app.app_context():
        create_user("petugas@example.go.id", "Sudah", Role.SUPERVISOR)
        _db.session.commit()
    response = post_json(client, f"/undangan/{token}/daftar", csrf, Authenticator().create(options))
    assert response.status_code == 409
    assert count(app, User) == 1 and count(app, PasskeyCredential) == 0
    assert client.get("/staf").status_code == 401


def test_two_acceptances_at_once_only_one_claims(app, db):
    token = make_invitation(app)
    with app.app_context():
        first_user = create_user("x1@example.go.id", "X", Role.SUPERVISOR)
        second_user = create_user("x2@example.go.id", "Y", Role.SUPERVISOR)
        _db.session.commit()
        invitation = find_pending(token)
        assert claim(invitation, first_user) is True
        assert claim(invitation, second_user) is False
        _db.session.commit()
        assert _db.session.scalar(select(Invitation.user_id)) == first_user.id


def test_a_disabled_invited_account_stops_at_once(app, db, client):
    assert accept(client, make_invitation(app)).status_code == 200
    assert client.get("/staf").status_code == 200
    with app.app_context():
        _db.session.execute(update(User).values(active=False))
        _db.session.commit()
    assert client.get("/staf").status_code == 401


# --- the administrator's page --------------------------------------------------------------


@pytest.mark.parametrize("role", sorted(STAFF_ROLES - {Role.ADMIN}, key=lambda r: r.value))
def test_only_admins_manage_invitations(app, db, client, sign_in_as, role):
    token = make_invitation(app, email="baru@example.go.id")
    with app.app_context():
        invitation_id = _db.session.scalar(select(Invitation.id))
    assert client.get("/admin/undangan").status_code == 401
    sign_in_as(client, role, agency="32.73" if role is Role.OFFICER else None)
    csrf = csrf_token(client, "/staf")
    assert client.get("/admin/undangan").status_code == 403
    made = client.post(
        "/admin/undangan", data={"csrf_token": csrf, "email": "z@example.go.id", "role": "admin"}
    )
    assert made.status_code == 403
    assert client.get(f"/admin/undangan/cabut?undangan={invitation_id}").status_code == 403
    data = {"csrf_token": csrf, "invitation": invitation_id}
    assert client.post("/admin/undangan/cabut", data=data).status_code == 403
    assert count(app, Invitation) == 1 and find_pending_in(app, token)
    assert "/admin/undangan" not in client.get("/staf").get_data(as_text=True)


@pytest.fixture
def admin(client, sign_in_as):
    sign_in_as(client, Role.ADMIN, name="Admin Utama")
    return client


def test_an_admin_invites_and_sees_the_link_once(app, admin):
    assert 'href="/admin/undangan"' in admin.get("/staf").get_data(as_text=True)  # in the nav
    page = admin.get("/admin/undangan")
    assert page.status_code == 200
    response = admin_post(
        admin, email="Petugas@Example.go.id", name="Petugas Baru", role="officer",
        agency="KEMENKES", send_email="y",
    )  # fmt: skip
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"
    html = response.get_data(as_text=True)
    token = PATH.search(html).group(1)
    assert f"http://localhost/undangan/{token}" in html  # the whole link, to copy
    with app.app_context():
        invitation = _db.session.scalar(select(Invitation))
        assert invitation.invited_by.name == "Admin Utama"
        assert invitation.agency.code == "KEMENKES" and invitation.email == "petugas@example.go.id"
        (mail,) = _db.session.scalars(select(OutboxMessage))
        assert mail.recipient == "petugas@example.go.id" and mail.complaint_id is None
        base = app.config["PUBLIC_BASE_URL"].rstrip("/")
        assert f"{base}/undangan/{token}" in mail.body and "Admin Utama" in mail.body
    listed = admin.get("/admin/undangan").get_data(as_text=True)
    assert "petugas@example.go.id" in listed and token not in listed  # shown only once
    # The invitation the admin made works.
    invitee = app.test_client()
    assert accept(invitee, token).status_code == 200
    listed = admin.get("/admin/undangan").get_data(as_text=True)
    assert "Diterima" in listed or "Accepted" in listed


def test_no_email_unless_asked(app, admin):
    response = admin_post(admin, email="a@example.go.id", role="supervisor")
    assert response.status_code == 200 and PATH.search(response.get_data(as_text=True))
    assert count(app, OutboxMessage) == 0


@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        ({}, "email", "Enter the email address of the person you are inviting"),
        ({"email": "nope", "role": "supervisor"}, "email", "Enter an email address like"),
        ({"email": "a@example.go.id"}, "role", "Choose the role"),
        ({"email": "a@example.go.id", "role": "citizen"}, "role", "Citizens make their own"),
        ({"email": "a@example.go.id", "role": "officer"}, "agency", "Enter the officer's agency"),
        (
            {"email": "a@example.go.id", "role": "officer", "agency": "zzzz"},
            "agency",
            "No agency matches “zzzz”",
        ),
        (
            {"email": "a@example.go.id", "role": "supervisor", "agency": "KEMENKES"},
            "agency",
            "Only officers belong to an agency",
        ),
        (
            {"email": "a@example.go.id", "role": "verifier", "region": "77.77"},
            "region",
            "No province or regency/city has the code 77.77",
        ),
        ({"email": "a@example.go.id", "role": "facilitator"}, "organisation", "Enter the organ"),
        (
            {"email": "a@example.go.id", "role": "admin", "organisation_region": "32"},
            "organisation_region",
            "Only facilitators belong to an organisation",
        ),
    ],
)
def test_bad_input_gets_a_translated_error_and_saves_nothing(app, admin, fields, field, message):
    response = admin_post(admin, lang="en", **fields)
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert "error-summary" in html
    first = f"{field}-0" if field == "role" else field
    assert f'href="#{first}"' in html  # the summary links to the field
    error = re.search(rf'<p class="error-message" id="{field}-error">(.*?)</p>', html, re.S)
    assert error and message in error.group(1)
    assert 'aria-invalid="true"' in html or field == "role"
    assert count(app, Invitation) == count(app, Organisation) == 0
    assert not PATH.search(html)


def test_several_problems_are_listed_together(app, admin):
    response = admin_post(admin, email="", role="supervisor", agency="KEMENKES", region="32")
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    summary = re.search(r'<div class="error-summary".*?</div>', html, re.S).group(0)
    assert summary.count("<li>") == 3  # email, agency, region


def test_an_ambiguous_agency_lists_the_candidates(app, admin):
    response = admin_post(admin, lang="en", email="a@b.id", role="officer", agency="Bandung")
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert "Several agencies match" in html and "PEMKOT3273" in html


def test_an_existing_account_is_refused(app, admin):
    with app.app_context():
        create_user("ada@example.go.id", "Ada", Role.VERIFIER)
        _db.session.commit()
    response = admin_post(admin, lang="en", email="ADA@example.go.id", role="verifier")
    assert response.status_code == 422
    assert "There is already an account" in response.get_data(as_text=True)
    assert count(app, Invitation) == 0


def test_a_form_without_its_csrf_token_is_refused(app, admin):
    response = admin.post("/admin/undangan", data={"email": "a@b.id", "role": "admin"})
    assert response.status_code == 400
    assert count(app, Invitation) == 0


def test_an_admin_revokes_an_invitation_after_confirming(app, admin):
    token = make_invitation(app)
    with app.app_context():
        invitation_id = _db.session.scalar(select(Invitation.id))
    listed = admin.get("/admin/undangan").get_data(as_text=True)
    assert f"/admin/undangan/cabut?undangan={invitation_id}" in listed
    confirm = admin.get(f"/admin/undangan/cabut?undangan={invitation_id}")
    assert confirm.status_code == 200
    assert f'name="invitation" type="hidden" value="{invitation_id}"' in confirm.get_data(
        as_text=True
    )
    assert find_pending_in(app, token)  # looking revokes nothing
    csrf = re.search(
        r'name="csrf_token" type="hidden" value="([^"]+)"', confirm.get_data(as_text=True)
    ).group(1)
    data = {"csrf_token": csrf, "invitation": invitation_id}
    response = admin.post("/admin/undangan/cabut", data=data)
    assert response.status_code == 303 and response.headers["Location"] == "/admin/undangan"
    after = admin.get("/admin/undangan").get_data(as_text=True)
    assert "petugas@example.go.id" in after and 'id="invitation-revoked"' in after
    assert app.test_client().get(f"/undangan/{token}").status_code == 410
    # Nothing left to revoke: the page says so, and a second POST changes nothing.
    again = admin.get(f"/admin/undangan/cabut?undangan={invitation_id}").get_data(as_text=True)
    assert 'action="/admin/undangan/cabut"' not in again
    assert admin.post("/admin/undangan/cabut", data=data).status_code == 303
    for bad in ("999999", "x", "", "-1", "99999999999999999999999"):
        assert admin.get(f"/admin/undangan/cabut?undangan={bad}").status_code == 404
        assert (
            admin.post("/admin/undangan/cabut", data={**data, "invitation": bad}).status_code == 404
        )


def test_revoking_needs_the_csrf_token(app, admin):
    token = make_invitation(app)
    with app.app_context():
        invitation_id = _db.session.scalar(select(Invitation.id))
    response = admin.post("/admin/undangan/cabut", data={"invitation": invitation_id})
    assert response.status_code == 400
    assert find_pending_in(app, token)


def test_staff_without_a_passkey_are_told_to_add_one(app, client, sign_in_as):
    sign_in_as(client, Role.VERIFIER)
    html = client.get("/staf").get_data(as_text=True)
    assert 'id="no-passkey"' in html and 'href="#passkeys-title"' in html
    from tests.accounts.test_passkeys import register

    assert register(client, Authenticator()).status_code == 200
    assert 'id="no-passkey"' not in client.get("/staf").get_data(as_text=True)
