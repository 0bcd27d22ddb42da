"""Citizens' own accounts: made with a passkey or an emailed link, signed in and out, emailed
links (no account enumeration, single use, rate-limited), claiming earlier reports, "my
reports", filing while signed in, and the walls between citizens and staff.

The passkey security tests shared with staff (replay, origin, rp id, challenge bound to its
session, counter) run for citizens in tests/accounts/test_passkeys.py (`kind`); this file adds
the new account's own ceremony, which has no signed-in user yet.
"""

from __future__ import annotations

import json
import logging
import re
import uuid
from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from sqlalchemy import func, select, update

from app.accounts import claims
from app.accounts.models import PasskeyCredential, Role, SignInLink, StaffSession, User
from app.complaints.lifecycle import Action, Actor, act
from app.complaints.models import Complaint, ComplaintEvent, EventKind, Status
from app.db import utcnow
from app.extensions import db
from app.notifications.delivery import send_due
from app.notifications.models import OutboxStatus
from tests.accounts.test_passkeys import (
    Authenticator,
    csrf,
    message,
    post_json,
    sign_in_options,
)
from tests.conftest import check_page, csrf_token
from tests.helpers import API_COMPLAINT, WEB_ANSWERS, outbox, without_tokens

pytestmark = pytest.mark.db

TOKEN = re.compile(r"/masuk/([\w-]{20,})")
START = datetime(2026, 12, 1, 1, 0, tzinfo=UTC)


@pytest.fixture
def english(client):
    client.set_cookie("lang", "en")
    return client


def count(app, model, *where) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(model).where(*where))


def user_by_email(app, email: str) -> User | None:
    with app.app_context():
        user = db.session.scalar(select(User).where(User.email == email))
        if user is not None:
            db.session.expunge(user)
        return user


def token_mailed_to(app, email: str) -> str:
    """The link of the last mail to `email`, read from the outbox as the sender would."""
    mails = [m for m in outbox(app) if m.recipient == email]
    assert mails, f"no mail to {email}"
    return TOKEN.search(mails[-1].body).group(1)


def ask_for_link(client, email: str, address: str = "192.0.2.10", url: str = "/masuk/tautan"):
    token = csrf_token(client, "/masuk")
    return client.post(
        url, data={"csrf_token": token, "email": email}, environ_base={"REMOTE_ADDR": address}
    )


def use_link(client, token: str):
    page = client.get(f"/masuk/{token}")
    assert page.status_code == 200, page.status_code
    form_token = re.search(
        r'name="csrf_token" type="hidden" value="([^"]+)"', page.get_data(as_text=True)
    ).group(1)
    return client.post(f"/masuk/{token}", data={"csrf_token": form_token})


def new_account_options(client, name: str = "", email: str = ""):
    token = csrf(client, "/akun/daftar")
    response = post_json(client, "/akun/daftar/opsi", token, {"new-name": name, "new-email": email})
    return token, response


def create_account(client, device: Authenticator, name: str = "", email: str = "", **kwargs):
    token, response = new_account_options(client, name, email)
    assert response.status_code == 200, response.get_data(as_text=True)
    return post_json(
        client, "/akun/daftar/passkey", token, device.create(response.get_json(), **kwargs)
    )


# --- making an account with a passkey ------------------------------------------------------


def test_register_with_a_passkey_then_sign_out_and_in(app, english):
    client = english
    device = Authenticator()
    token, options = new_account_options(client, "Sari", "sari@example.org")
    options = options.get_json()
    assert options["authenticatorSelection"]["residentKey"] == "required"
    assert options["authenticatorSelection"]["userVerification"] == "required"
    assert options["excludeCredentials"] == []
    assert count(app, User) == 0  # nothing is made before the passkey verifies
    response = post_json(client, "/akun/daftar/passkey", token, device.create(options))
    assert response.status_code == 200, response.get_json()
    assert response.get_json()["redirect"] == "/akun/kode-pemulihan?new=1"

    with app.app_context():
        user = db.session.scalar(select(User))
        assert user.role is Role.CITIZEN and user.name == "Sari"
        assert user.email is None  # only once the link to it is opened
        assert user.passkey_handle == device.user_handle and len(user.passkey_handle) == 32
        assert db.session.scalar(select(PasskeyCredential.user_id)) == user.id
    [mail] = outbox(app)
    assert mail.recipient == "sari@example.org" and mail.complaint_id is None
    assert "confirm" in mail.body

    welcome = client.get("/akun/kode-pemulihan?new=1").get_data(as_text=True)
    assert 'id="account-ready"' in welcome
    codes_page = client.post(
        "/akun/kode-pemulihan", data={"csrf_token": csrf_token(client, "/akun/kode-pemulihan")}
    )
    assert codes_page.status_code == 200
    assert (
        len(re.findall(r'class="code">[A-Z0-9]{5}-[A-Z0-9]{5}<', codes_page.get_data(True))) == 10
    )
    home = client.get("/akun").get_data(as_text=True)
    assert "We sent a link to sari@example.org" in home
    assert "There are no reports in your account yet" in home

    assert (
        client.post("/akun/keluar", data={"csrf_token": csrf_token(client, "/akun")}).status_code
        == 303
    )
    assert client.get("/akun").status_code == 401

    token, options = sign_in_options(client)
    response = post_json(client, "/masuk/passkey", token, device.get(options))
    assert response.status_code == 200
    assert response.get_json()["redirect"] == "/akun"
    assert client.get("/akun").status_code == 200

    # The confirmation link makes the address the account's.
    assert use_link(client, token_mailed_to(app, "sari@example.org")).status_code == 303
    assert user_by_email(app, "sari@example.org").name == "Sari"
    assert "Your email address is now sari@example.org." in client.get("/akun").get_data(True)


@pytest.mark.parametrize(
    ("name", "email", "error"),
    [
        ("", "not an address", "Enter an email address like name@example.com"),
        ("x" * 121, "", "Use 120 characters or fewer"),
    ],
)
def test_new_account_answers_are_checked_first(app, english, name, email, error):
    _token, response = new_account_options(english, name, email)
    assert response.status_code == 422
    assert message(response) == error
    assert count(app, User) == 0


def test_a_new_accounts_passkey_from_another_origin_makes_nothing(app, client):
    response = create_account(client, Authenticator(), origin="https://evil.example")
    assert response.status_code == 400
    assert count(app, User) == 0 and count(app, PasskeyCredential) == 0
    assert client.get("/akun").status_code == 401


def test_a_new_accounts_challenge_is_single_use(app, client):
    device = Authenticator()
    token, response = new_account_options(client)
    answer = device.create(response.get_json())
    cookie = client.get_cookie("session").value
    assert post_json(client, "/akun/daftar/passkey", token, answer).status_code == 200
    other = app.test_client()
    other.set_cookie("session", cookie)  # the session as it was, challenge and handle included
    replayed = post_json(other, "/akun/daftar/passkey", token, answer)
    assert replayed.status_code == 400
    assert count(app, User) == 1


def test_a_new_accounts_challenge_is_bound_to_its_session(app, client):
    _token, response = new_account_options(client)
    answer = Authenticator().create(response.get_json())
    other = app.test_client()
    other_token, _ = new_account_options(other)  # a session with a challenge of its own
    assert post_json(other, "/akun/daftar/passkey", other_token, answer).status_code == 400
    assert count(app, User) == 0


def test_accounts_made_are_rate_limited_per_client(app, client, monkeypatch):
    monkeypatch.setitem(app.config, "RATELIMIT_ACCOUNTS_PER_CLIENT", "2 per hour")
    for _ in range(2):
        fresh = app.test_client()
        assert create_account(fresh, Authenticator()).status_code == 200
    refused = create_account(app.test_client(), Authenticator())
    assert refused.status_code == 429
    assert count(app, User) == 2


def test_the_register_page_works_without_javascript(client):
    html = client.get("/akun/daftar").get_data(as_text=True)
    assert "js-hidden" in html and "data-passkey-part hidden" in html
    assert 'action="/akun/daftar/tautan"' in html  # the link by email needs no script
    assert 'type="password"' not in html and "captcha" not in html.lower()


# --- emailed links ---------------------------------------------------------------------------


def test_asking_for_a_link_answers_the_same_for_every_address(app, english, sign_in_as):
    client = english
    with app.app_context():
        citizen = User(email="ada@example.org", name="", role=Role.CITIZEN)
        disabled = User(email="pergi@example.org", name="", role=Role.CITIZEN, active=False)
        db.session.add_all([citizen, disabled])
        db.session.commit()
    sign_in_as(app.test_client(), Role.OFFICER, agency="32.73")  # staf1@example.go.id
    answers = []
    for email in (
        "ada@example.org",
        "baru@example.org",
        "staf1@example.go.id",
        "pergi@example.org",
    ):
        response = ask_for_link(client, f"  {email.upper()} ")
        assert response.status_code == 303
        assert response.headers["Location"].endswith("/masuk/tautan")
        page = client.get(response.headers["Location"])
        answers.append(without_tokens(page.get_data(as_text=True)).replace(email, ""))
    assert len(set(answers)) == 1
    assert "If this address can get a sign-in link, we have sent one." in answers[0]
    mails = outbox(app)
    assert [m.recipient for m in mails] == ["ada@example.org", "baru@example.org"]
    assert all(m.complaint_id is None and m.event_id is None for m in mails)
    assert all(m.locale == "en" and TOKEN.search(m.body) for m in mails)
    assert "within 15 minutes" in mails[0].body
    with app.app_context():
        links = list(db.session.scalars(select(SignInLink).order_by(SignInLink.id)))
        assert links[0].user_id is not None and links[0].email is None
        assert links[1].user_id is None and links[1].email == "baru@example.org"
        # Only hashes are stored.
        assert all(
            TOKEN.search(m.body).group(1) not in (links[0].token_hash, links[1].token_hash)
            for m in mails
        )


def test_a_bad_address_gets_a_clear_error(english):
    response = ask_for_link(english, "not-an-address")
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert "Enter an email address like name@example.com" in html
    assert 'autocomplete="username webauthn"' in html
    empty = ask_for_link(english, "")
    assert empty.status_code == 422 and "Enter your email address" in empty.get_data(True)


def test_a_link_makes_the_account_on_first_use(app, client):
    ask_for_link(client, "baru@example.org")
    token = token_mailed_to(app, "baru@example.org")
    assert client.get(f"/masuk/{token}").status_code == 200  # looking at it makes nothing
    assert user_by_email(app, "baru@example.org") is None
    response = use_link(client, token)
    assert response.status_code == 303 and response.headers["Location"].endswith("/akun")
    user = user_by_email(app, "baru@example.org")
    assert user.role is Role.CITIZEN and user.active
    assert client.get("/akun").status_code == 200
    # A second account-making link for the same address signs into the same account.
    other = app.test_client()
    ask_for_link(other, "baru@example.org")
    assert use_link(other, token_mailed_to(app, "baru@example.org")).status_code == 303
    assert count(app, User, User.email == "baru@example.org") == 1


def test_a_link_works_once(app, client):
    ask_for_link(client, "baru@example.org")
    token = token_mailed_to(app, "baru@example.org")
    assert use_link(client, token).status_code == 303
    other = app.test_client()
    assert other.get(f"/masuk/{token}").status_code == 410
    assert (
        other.post(f"/masuk/{token}", data={"csrf_token": csrf_token(other, "/masuk")}).status_code
        == 410
    )
    assert other.get("/akun").status_code == 401


def test_an_expired_link_cannot_be_used(app, client):
    ask_for_link(client, "baru@example.org")
    token = token_mailed_to(app, "baru@example.org")
    with app.app_context():
        db.session.execute(update(SignInLink).values(expires_at=utcnow() - timedelta(seconds=1)))
        db.session.commit()
    response = client.get(f"/masuk/{token}")
    assert response.status_code == 410
    assert 'href="/masuk"' in response.get_data(as_text=True)  # where to ask for a new one
    assert user_by_email(app, "baru@example.org") is None


def test_a_staff_link_signs_nobody_in(app, client):
    """Staff never sign in by email, even with a link made for them some other way."""
    from app.accounts.operations import create_user, issue_sign_in_link

    with app.app_context():
        token = issue_sign_in_link(create_user("staf@example.go.id", "Staf", Role.VERIFIER))
        db.session.commit()
    assert client.get(f"/masuk/{token}").status_code == 410


def test_link_requests_are_rate_limited_per_address(app, english, monkeypatch):
    monkeypatch.setitem(app.config, "RATELIMIT_LINKS_PER_EMAIL", "2 per hour")
    for address in ("192.0.2.1", "192.0.2.2"):  # from anywhere: the address is the key
        assert ask_for_link(english, "ada@example.org", address).status_code == 303
    refused = ask_for_link(english, "ada@example.org", "192.0.2.3")
    assert refused.status_code == 429
    assert 0 < int(refused.headers["Retry-After"]) <= 3600
    html = refused.get_data(as_text=True)
    check_page(html)
    assert "<h1>Too many requests</h1>" in html and "captcha" not in html.lower()
    assert len(outbox(app)) == 2
    assert ask_for_link(english, "lain@example.org", "192.0.2.3").status_code == 303


def test_link_requests_are_rate_limited_per_client(app, client, monkeypatch):
    monkeypatch.setitem(app.config, "RATELIMIT_LINKS_PER_CLIENT", "3 per hour")
    for n in range(3):
        assert ask_for_link(client, f"warga{n}@example.org").status_code == 303
    refused = ask_for_link(client, "warga9@example.org")
    assert refused.status_code == 429
    assert "<h1>Terlalu banyak permintaan</h1>" in refused.get_data(as_text=True)
    assert ask_for_link(client, "warga9@example.org", "198.51.100.7").status_code == 303


def test_the_link_is_sent_by_the_outbox_and_never_logged(app, client, caplog, monkeypatch):
    monkeypatch.setitem(app.config, "MAIL_BACKEND", "locmem")
    caplog.set_level(logging.DEBUG)
    ask_for_link(client, "baru@example.org")
    token = token_mailed_to(app, "baru@example.org")
    with app.app_context():
        counts = send_due()
    assert counts.sent == 1
    [mail] = outbox(app)
    assert mail.status is OutboxStatus.SENT
    assert token not in caplog.text


def test_changing_the_email_address_waits_for_its_link(app, english, sign_in_citizen):
    client = english
    user_id = sign_in_citizen(client, email="lama@example.org")
    page = client.get("/akun/email")
    assert page.status_code == 200
    same = client.post(
        "/akun/email",
        data={"csrf_token": csrf_token(client, "/akun/email"), "email": "LAMA@example.org"},
    )
    assert same.status_code == 422 and "already your email address" in same.get_data(True)
    response = client.post(
        "/akun/email",
        data={"csrf_token": csrf_token(client, "/akun/email"), "email": "baru@example.org"},
    )
    assert response.status_code == 303
    assert user_by_email(app, "lama@example.org").id == user_id  # unchanged until confirmed
    token = token_mailed_to(app, "baru@example.org")
    assert "confirms your new email address" in client.get(f"/masuk/{token}").get_data(True)
    assert use_link(client, token).status_code == 303
    assert user_by_email(app, "baru@example.org").id == user_id
    assert user_by_email(app, "lama@example.org") is None


def test_an_address_of_another_account_gets_no_link(app, client, sign_in_citizen, sign_in_as):
    sign_in_as(app.test_client(), Role.VERIFIER)  # staf1@example.go.id
    sign_in_citizen(app.test_client(), email="lain@example.org")
    sign_in_citizen(client)
    for email in ("lain@example.org", "staf1@example.go.id"):
        response = client.post(
            "/akun/email", data={"csrf_token": csrf_token(client, "/akun/email"), "email": email}
        )
        assert response.status_code == 303  # the same answer: nothing says it is taken
    assert outbox(app) == []


# --- recovery codes --------------------------------------------------------------------------


def make_codes(client) -> list[str]:
    page = client.post(
        "/akun/kode-pemulihan", data={"csrf_token": csrf_token(client, "/akun/kode-pemulihan")}
    )
    return re.findall(r'class="code">([A-Z0-9]{5}-[A-Z0-9]{5})<', page.get_data(as_text=True))


def sign_out(client) -> None:
    client.post("/akun/keluar", data={"csrf_token": csrf_token(client, "/akun")})
    assert client.get("/akun").status_code == 401


def test_a_citizen_signs_in_with_email_and_recovery_code(app, english, sign_in_citizen):
    client = english
    sign_in_citizen(client, email="sari@example.org")
    codes = make_codes(client)
    assert len(codes) == 10
    sign_out(client)
    token = csrf_token(client, "/masuk/kode-pemulihan")
    response = client.post(
        "/masuk/kode-pemulihan",
        data={"csrf_token": token, "email": "sari@example.org", "code": codes[0]},
    )
    assert response.status_code == 303 and response.headers["Location"].endswith("/akun")
    assert "You signed in with a recovery code." in client.get("/akun").get_data(as_text=True)


def test_an_account_without_email_signs_in_with_the_code_alone(
    app, client, sign_in_citizen, sign_in_as
):
    sign_in_citizen(client, email=False)
    codes = make_codes(client)
    text = client.get("/akun").get_data(as_text=True)
    assert "no email address" in text or "belum memiliki alamat email" in text
    sign_out(client)
    url = "/masuk/kode-pemulihan?tanpa-email=1"
    page = client.get(url)
    assert 'name="email"' not in page.get_data(as_text=True)
    response = client.post(url, data={"csrf_token": csrf_token(client, url), "code": codes[0]})
    assert response.status_code == 303 and response.headers["Location"].endswith("/akun")
    sign_out(client)
    used = client.post(url, data={"csrf_token": csrf_token(client, url), "code": codes[0]})
    assert used.status_code == 422  # used once already


def test_a_code_alone_never_signs_in_an_account_with_an_email(app, client, sign_in_citizen):
    sign_in_citizen(client, email="sari@example.org")
    codes = make_codes(client)
    sign_out(client)
    url = "/masuk/kode-pemulihan?tanpa-email=1"
    response = client.post(url, data={"csrf_token": csrf_token(client, url), "code": codes[0]})
    assert response.status_code == 422
    assert client.get("/akun").status_code == 401


def test_removing_the_last_way_in_warns_first(app, english, sign_in_citizen):
    from tests.accounts.test_passkeys import CITIZEN, register

    client = english
    sign_in_citizen(client, email=False)
    assert register(client, Authenticator(), kind=CITIZEN).status_code == 200
    with app.app_context():
        passkey_id = db.session.scalar(select(PasskeyCredential.id))
    page = client.get(f"/akun/passkey/{passkey_id}/hapus").get_data(as_text=True)
    assert 'id="last-way-in"' in page and "never sign in to this account again" in page
    make_codes(client)
    page = client.get(f"/akun/passkey/{passkey_id}/hapus").get_data(as_text=True)
    assert 'id="last-way-in"' not in page and "recovery codes" in page


# --- my reports and claiming ------------------------------------------------------------------


def claim(client, code: str, secret: str, address: str = "192.0.2.20"):
    token = csrf_token(client, "/akun/klaim")
    return client.post(
        "/akun/klaim",
        data={"csrf_token": token, "code": code, "secret": secret},
        environ_base={"REMOTE_ADDR": address},
    )


def test_claim_an_earlier_report(app, english, sign_in_citizen, make_complaint):
    client = english
    user_id = sign_in_citizen(client, name="Sari Warga")
    code, secret = make_complaint(privacy="anonymous", title="Sampah menumpuk")
    response = claim(client, code.lower().replace("-", " "), secret.lower())
    assert response.status_code == 303 and response.headers["Location"].endswith("/akun")
    home = client.get("/akun").get_data(as_text=True)
    assert f"Report {code} is now in your account." in home
    assert "Sampah menumpuk" in home and f'href="/lacak/{code}"' in home
    with app.app_context():
        complaint = db.session.scalar(select(Complaint).where(Complaint.tracking_code == code))
        assert complaint.owner_id == user_id and complaint.claimed_at is not None
        assert complaint.version == 2  # a page opened before the claim is now out of date
        [event] = [e for e in complaint.events if e.kind is EventKind.CLAIMED]
        assert not event.public and event.actor_user_id is None
        assert event.actor_role == "reporter" and event.status is Status.RECEIVED
    again = claim(client, code, secret)
    assert again.status_code == 303
    assert f"Report {code} is already in your account." in client.get("/akun").get_data(True)
    assert count(app, ComplaintEvent, ComplaintEvent.kind == EventKind.CLAIMED) == 1


def test_a_wrong_secret_is_one_error_and_counts_as_a_guess(
    app, english, sign_in_citizen, make_complaint, monkeypatch
):
    monkeypatch.setitem(app.config, "RATELIMIT_SECRET_PER_CODE", "2 per hour")
    client = english
    sign_in_citizen(client)
    code, secret = make_complaint()
    for wrong in ("2222-3333-4444-5555", "6666-7777-8888-9999"):
        response = claim(client, code, wrong)
        assert response.status_code == 422
        assert (
            "We could not find a report with that tracking code and secret."
            in response.get_data(True)
        )
    unknown = claim(client, "ZZZZ-ZZZZ", secret, address="192.0.2.99")
    assert unknown.status_code == 422
    assert claim(client, code, secret).status_code == 429  # closed for a while, even so
    with app.app_context():
        assert db.session.scalar(select(Complaint.owner_id)) is None


def test_a_report_in_another_account_is_taken_without_saying_whose(
    app, english, sign_in_citizen, make_complaint
):
    code, secret = make_complaint()
    first = app.test_client()
    sign_in_citizen(first, email="pemilik@example.org", name="Pemilik Pertama")
    assert claim(first, code, secret).status_code == 303
    client = english
    sign_in_citizen(client)
    response = claim(client, code, secret)
    assert response.status_code == 409
    html = response.get_data(as_text=True)
    assert "already in another account" in html
    assert "pemilik@example.org" not in html and "Pemilik Pertama" not in html


def test_a_merged_report_can_be_claimed(app, client, sign_in_citizen, make_complaint):
    earlier, _ = make_complaint()
    code, secret = make_complaint()
    with app.app_context():
        into = db.session.scalar(select(Complaint).where(Complaint.tracking_code == earlier))
        merged = db.session.scalar(select(Complaint).where(Complaint.tracking_code == code))
        act(merged, Action.MERGE, Actor.VERIFIER, reason="Sama", into=into)
        db.session.commit()
    sign_in_citizen(client)
    assert claim(client, code, secret).status_code == 303
    with app.app_context():
        merged = db.session.scalar(select(Complaint).where(Complaint.tracking_code == code))
        assert merged.status is Status.MERGED and merged.owner_id is not None


def test_my_reports_list_only_mine_page_by_page(
    app, client, sign_in_citizen, make_complaint, monkeypatch
):
    monkeypatch.setattr(claims, "PER_PAGE", 2)
    others = make_complaint(title="Laporan orang lain")
    sign_in_citizen(app.test_client())
    user_id = sign_in_citizen(client)
    mine = [make_complaint(title=f"Laporan saya {n}") for n in range(3)]
    for code, secret in mine:
        assert claim(client, code, secret).status_code == 303
    first = client.get("/akun").get_data(as_text=True)
    second = client.get("/akun?page=2").get_data(as_text=True)
    listed = re.findall(r"Laporan saya \d", first + second)
    assert sorted(listed) == ["Laporan saya 0", "Laporan saya 1", "Laporan saya 2"]
    assert "Laporan orang lain" not in first + second and others[0] not in first + second
    assert 'rel="next"' in first and 'rel="prev"' in second
    assert "Laporan saya" in client.get("/akun?page=99").get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(select(func.count()).where(Complaint.owner_id == user_id)) == 3


def test_my_own_report_opens_without_the_secret(app, client, sign_in_citizen, make_complaint):
    code, secret = make_complaint(privacy="anonymous", title="Pungutan liar di kelurahan")
    assert "Pungutan liar" not in client.get(f"/lacak/{code}").get_data(as_text=True)
    sign_in_citizen(client)
    assert "Pungutan liar" not in client.get(f"/lacak/{code}").get_data(as_text=True)
    claim(client, code, secret)
    assert "Pungutan liar" in client.get(f"/lacak/{code}").get_data(as_text=True)
    stranger = app.test_client()
    sign_in_citizen(stranger)
    assert "Pungutan liar" not in stranger.get(f"/lacak/{code}").get_data(as_text=True)


# --- filing while signed in ---------------------------------------------------------------------


SIGNED_IN_ANSWERS = {**WEB_ANSWERS, "privacy": "confidential", "email": "warga@example.org"}


def file_on_the_web(client) -> str:
    token = csrf_token(client)
    assert client.post("/lapor", data={**SIGNED_IN_ANSWERS, "csrf_token": token}).status_code == 303
    assert client.post("/lapor/kirim", data={"csrf_token": token}).status_code == 303
    return client.get("/lapor/tanda-terima").get_data(as_text=True)


def test_a_report_filed_while_signed_in_is_mine(app, english, sign_in_citizen):
    client = english
    user_id = sign_in_citizen(client)
    receipt = file_on_the_web(client)
    assert 'id="in-account"' in receipt and "saved to your account" in receipt
    with app.app_context():
        complaint = db.session.scalar(select(Complaint))
        assert complaint.owner_id == user_id and complaint.claimed_at is not None
        code = complaint.tracking_code
    assert "Air PDAM mati seminggu" in client.get("/akun").get_data(as_text=True)
    assert "Air PDAM mati seminggu" in client.get(f"/lacak/{code}").get_data(as_text=True)


def test_a_report_filed_signed_out_belongs_to_nobody(app, english):
    receipt = file_on_the_web(english)
    assert 'id="in-account"' not in receipt
    with app.app_context():
        assert db.session.scalar(select(Complaint.owner_id)) is None


def test_a_report_filed_through_the_api_while_signed_in_is_mine(app, client, sign_in_citizen):
    user_id = sign_in_citizen(client)
    response = client.post(
        "/api/v1/complaints",
        data=json.dumps(API_COMPLAINT),
        headers={"Content-Type": "application/json", "Idempotency-Key": str(uuid.uuid4())},
    )
    assert response.status_code == 201
    with app.app_context():
        assert db.session.scalar(select(Complaint.owner_id)) == user_id


def test_staff_filing_makes_no_owner(app, client, sign_in_as):
    sign_in_as(client, Role.VERIFIER)
    file_on_the_web(client)
    with app.app_context():
        assert db.session.scalar(select(Complaint.owner_id)) is None


def test_the_owner_never_reaches_agency_views(
    app, client, sign_in_citizen, sign_in_as, make_complaint
):
    code, secret = make_complaint(privacy="public", title="Lampu jalan mati")
    citizen = app.test_client()
    sign_in_citizen(citizen, email="sari.rahasia@example.org", name="Sari Rahasia")
    assert claim(citizen, code, secret).status_code == 303
    sign_in_as(client, Role.VERIFIER)
    page = client.get(f"/verifikasi/{code}").get_data(as_text=True)
    assert "Lampu jalan mati" in page
    assert "Sari Rahasia" not in page and "sari.rahasia@example.org" not in page


# --- citizens and staff stay apart ----------------------------------------------------------


def test_a_citizen_cannot_open_staff_pages(app, client, sign_in_citizen):
    from app.web.access import STAFF

    sign_in_citizen(client)
    opened = 0
    for rule in app.url_map.iter_rules():
        view = app.view_functions[rule.endpoint]
        if getattr(view, "access", None) != STAFF or rule.arguments or "GET" not in rule.methods:
            continue
        assert client.get(rule.rule).status_code == 403, rule.rule
        opened += 1
    assert opened >= 3


def test_staff_cannot_open_citizen_pages(app, client, sign_in_as):
    from app.web.access import CITIZEN

    sign_in_as(client, Role.SUPERVISOR)
    opened = 0
    for rule in app.url_map.iter_rules():
        view = app.view_functions[rule.endpoint]
        if getattr(view, "access", None) != CITIZEN or "GET" not in rule.methods:
            continue
        url = rule.rule.replace("<int:passkey_id>", "1")
        assert client.get(url).status_code == 403, url
        opened += 1
    assert opened >= 4


def test_citizen_pages_ask_to_sign_in(english):
    response = english.get("/akun")
    assert response.status_code == 401
    assert "This page is for your own account." in response.get_data(as_text=True)


def test_the_header_offers_sign_in_or_my_account(app, english, sign_in_citizen):
    client = english
    assert re.search(
        r'<a href="/masuk" id="account-link">Sign in</a>', client.get("/").get_data(True)
    )
    sign_in_citizen(client)
    assert re.search(
        r'<a href="/akun" id="account-link">My account</a>', client.get("/").get_data(True)
    )


def test_a_citizens_idle_timeout_follows_citizen_idle_minutes(
    app, english, sign_in_citizen, monkeypatch
):
    monkeypatch.setitem(app.config, "CITIZEN_IDLE_MINUTES", 45)
    client = english
    with time_machine.travel(START, tick=False) as traveller:
        sign_in_citizen(client)
        traveller.shift(timedelta(minutes=40))  # longer than staff may idle (30)
        assert client.get("/akun").status_code == 200
        traveller.shift(timedelta(minutes=46))
        response = client.get("/akun")
        assert response.status_code == 401
        assert "Your session ended after 45 minutes without activity." in response.get_data(True)
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(StaffSession)) == 1


def test_the_sign_in_page_has_every_way_in(client):
    html = client.get("/masuk").get_data(as_text=True)
    assert 'id="passkey-sign-in"' in html
    assert 'autocomplete="username webauthn"' in html
    assert 'action="/masuk/tautan"' in html
    assert 'href="/masuk/kode-pemulihan"' in html and 'href="/akun/daftar"' in html
