"""Guessing is rate-limited (429, translated, Retry-After, no CAPTCHA), privately and fairly.

Limits stay on in tests, with low numbers set per test. Only failed attempts count; a wrong
secret for one code never blocks the right secret for another; keys hold no IP address.
"""

from __future__ import annotations

import logging

import pytest
from sqlalchemy import select

from app.complaints.lifecycle import Action, Actor, act
from app.complaints.models import Complaint
from app.directory.models import Agency
from app.extensions import db, limiter
from app.ratelimit import client_key, keyed_hash
from tests.conftest import check_page, csrf_token

pytestmark = pytest.mark.db

WRONG = "2222-3333-4444-5555"
ADDRESS = "203.0.113.77"  # TEST-NET-3: easy to search for in logs and storage
OTHER_ADDRESS = "198.51.100.9"


@pytest.fixture
def limits(app, monkeypatch):
    """Set low limits for one test; the defaults come back afterwards."""

    def set_limits(**values: str) -> None:
        for name, value in values.items():
            monkeypatch.setitem(app.config, f"RATELIMIT_{name}", value)

    set_limits(SECRET_PER_CLIENT="100 per hour", SECRET_PER_CODE="100 per hour")
    return set_limits


def track(client, code: str, secret: str, address: str = ADDRESS):
    token = csrf_token(client, "/lacak")
    return client.post(
        "/lacak",
        data={"csrf_token": token, "code": code, "secret": secret},
        environ_base={"REMOTE_ADDR": address},
    )


def api_status(client, code: str, secret: str | None, address: str = ADDRESS, lang: str = "id"):
    headers = {"Accept-Language": lang}
    if secret is not None:
        headers["X-Tracking-Secret"] = secret
    return client.get(
        f"/api/v1/complaints/{code}", headers=headers, environ_base={"REMOTE_ADDR": address}
    )


def assert_retry_after(response, most: int = 3600) -> None:
    assert 0 < int(response.headers["Retry-After"]) <= most


def test_wrong_secrets_for_one_code_close_that_code_only(client, make_complaint, limits):
    limits(SECRET_PER_CODE="3 per hour")
    code, secret = make_complaint()
    other, other_secret = make_complaint()
    for _ in range(3):
        assert track(client, code, WRONG).status_code == 422
    response = track(client, code, WRONG)
    assert response.status_code == 429
    assert_retry_after(response)
    html = response.get_data(as_text=True)
    check_page(html)
    assert '<html lang="id"' in html
    assert "<h1>Terlalu banyak permintaan</h1>" in html
    assert "captcha" not in html.lower()
    # Closed for everyone for a while, even with the right secret: a 429 for the right
    # secret only would tell the guesser which secret is right.
    assert track(client, code, secret).status_code == 429
    # The right secret for another code works, from the same client, and unlocks it.
    response = track(client, other, other_secret)
    assert response.status_code == 303
    assert response.headers["Location"].endswith(f"/lacak/{other}")


def test_the_page_says_how_long_to_wait_in_english(client, make_complaint, limits):
    limits(SECRET_PER_CODE="1 per hour")
    code, _secret = make_complaint()
    client.set_cookie("lang", "en")
    track(client, code, WRONG)
    response = track(client, code, WRONG)
    assert response.status_code == 429
    html = response.get_data(as_text=True)
    check_page(html)
    assert "<h1>Too many requests</h1>" in html
    assert "There were too many attempts. To keep reports safe, wait" in html
    minutes = -(-int(response.headers["Retry-After"]) // 60)
    if minutes > 1:
        assert f"wait {minutes} minutes, then try again." in html
    else:
        assert "wait a minute, then try again." in html


def test_successful_unlocks_do_not_count(client, make_complaint, limits):
    limits(SECRET_PER_CODE="2 per hour", SECRET_PER_CLIENT="2 per hour")
    code, secret = make_complaint()
    for _ in range(6):
        assert track(client, code, secret).status_code == 303
    assert track(client, code, WRONG).status_code == 422  # one failure: still allowed
    assert track(client, code, secret).status_code == 303


def test_guessing_from_many_addresses_still_closes_the_code(client, make_complaint, limits):
    limits(SECRET_PER_CODE="4 per hour")
    code, _secret = make_complaint()
    for number in range(4):
        assert track(client, code, WRONG, address=f"192.0.2.{number + 1}").status_code == 422
    assert track(client, code, WRONG, address="192.0.2.200").status_code == 429


def test_one_client_guessing_many_codes_is_stopped(client, make_complaint, limits):
    limits(SECRET_PER_CLIENT="3 per hour")
    codes = [make_complaint()[0] for _ in range(4)]
    for code in codes[:3]:
        assert track(client, code, WRONG).status_code == 422
    assert track(client, codes[3], WRONG).status_code == 429
    # Another client is not affected.
    assert track(client, codes[3], WRONG, address=OTHER_ADDRESS).status_code == 422


def test_the_api_shares_the_allowance_and_answers_json(client, make_complaint, limits):
    limits(SECRET_PER_CODE="3 per hour")
    code, secret = make_complaint()
    assert track(client, code, WRONG).status_code == 422  # the page and the API count together
    for _ in range(2):
        assert api_status(client, code, WRONG).status_code == 404
    response = api_status(client, code, WRONG)
    assert response.status_code == 429
    assert response.mimetype == "application/json"
    assert_retry_after(response)
    assert list(response.json["errors"]) == ["_request"]
    english = api_status(client, code, secret, lang="en")
    assert english.status_code == 429
    assert english.json["errors"]["_request"][0].startswith("There were too many attempts.")
    # Without a secret nothing is guessed: the public status stays readable.
    assert api_status(client, code, None).status_code == 200


def test_api_actions_with_wrong_secrets_are_limited(client, make_complaint, limits):
    limits(SECRET_PER_CODE="2 per hour")
    code, secret = make_complaint()

    def post(secret_sent: str):
        return client.post(
            f"/api/v1/complaints/{code}/actions",
            json={"action": "reply", "text": "Tambahan informasi"},
            headers={"X-Tracking-Secret": secret_sent, "Accept-Language": "en"},
            environ_base={"REMOTE_ADDR": ADDRESS},
        )

    assert post(WRONG).status_code == 404
    assert post(WRONG).status_code == 404
    response = post(secret)
    assert response.status_code == 429
    assert response.json["errors"]["_request"][0].startswith("There were too many attempts.")
    assert_retry_after(response)


def test_sign_in_link_guessing_is_limited(app, client, sign_in_as, limits):
    limits(SIGN_IN_PER_CLIENT="3 per hour")
    for number in range(3):
        response = client.get(f"/masuk/guess{number}", environ_base={"REMOTE_ADDR": ADDRESS})
        assert response.status_code == 410
    response = client.get("/masuk/guess-again", environ_base={"REMOTE_ADDR": ADDRESS})
    assert response.status_code == 429
    assert_retry_after(response)
    check_page(response.get_data(as_text=True))
    token = csrf_token(client, "/lacak")
    blocked = client.post(
        "/masuk/guess-post", data={"csrf_token": token}, environ_base={"REMOTE_ADDR": ADDRESS}
    )
    assert blocked.status_code == 429
    # Signing in with a real link (another client) counts nothing and still works.
    limits(SIGN_IN_PER_CLIENT="1 per hour")
    sign_in_as(app.test_client())
    sign_in_as(app.test_client())


def publish(app, code: str) -> None:
    with app.app_context():
        complaint = db.session.scalar(select(Complaint).where(Complaint.tracking_code == code))
        agency = db.session.scalar(select(Agency).where(Agency.region_code == "32.73"))
        act(complaint, Action.DISPATCH, Actor.VERIFIER, agency=agency)
        db.session.commit()


def support_count(app, code: str) -> int:
    with app.app_context():
        return db.session.scalar(
            select(Complaint.support_count).where(Complaint.tracking_code == code)
        )


def test_me_too_is_limited_per_client(app, client, make_complaint, limits):
    limits(SUPPORT_PER_CLIENT="3 per hour")
    code, _secret = make_complaint()
    publish(app, code)
    before = support_count(app, code)

    def support(address: str):
        browser = app.test_client()  # a fresh session each time, as a sweep would use
        token = csrf_token(browser, "/lapor")
        return browser.post(
            f"/lapor/dukung/{code}",
            data={"csrf_token": token},
            environ_base={"REMOTE_ADDR": address},
        )

    for _ in range(3):
        assert support(ADDRESS).status_code == 303
    response = support(ADDRESS)
    assert response.status_code == 429
    assert_retry_after(response)
    assert support_count(app, code) == before + 3
    assert support(OTHER_ADDRESS).status_code == 303
    assert support_count(app, code) == before + 4


def test_no_address_in_logs_or_limiter_keys(app, client, make_complaint, limits, caplog):
    limits(SECRET_PER_CODE="2 per hour", SIGN_IN_PER_CLIENT="1 per hour")
    caplog.set_level(logging.DEBUG)
    code, _secret = make_complaint()
    for _ in range(3):
        track(client, code, WRONG)
        api_status(client, code, WRONG)
    for _ in range(2):
        client.get("/masuk/guess", environ_base={"REMOTE_ADDR": ADDRESS})
    assert "exceeded" in caplog.text  # the limiter logged its breaches (with hashed keys)
    assert ADDRESS not in caplog.text
    keys = " ".join(limiter.storage.storage) + " ".join(limiter.storage.expirations)
    assert keys, "the limiter stored nothing"
    assert ADDRESS not in keys
    assert code not in keys and code.replace("-", "") not in keys
    with app.test_request_context(environ_base={"REMOTE_ADDR": ADDRESS}):
        hashed = client_key()
        assert hashed == keyed_hash("client", ADDRESS)
        assert ADDRESS not in hashed
    assert hashed in keys  # the keys are the hashes, not something else


def test_proxy_count_takes_the_address_the_proxy_saw(app, monkeypatch):
    monkeypatch.setitem(app.config, "RATELIMIT_PROXY_COUNT", 1)
    headers = {"X-Forwarded-For": f"10.9.9.9, {ADDRESS}"}
    with app.test_request_context(headers=headers, environ_base={"REMOTE_ADDR": "127.0.0.1"}):
        assert client_key() == keyed_hash("client", ADDRESS)


def test_walking_tracking_pages_by_code_is_limited(client, make_complaint, limits):
    """GET /lacak/<code> for codes that do not exist counts like a wrong secret: nobody
    scans codes to learn which reports exist. Known codes never count."""
    limits(SECRET_PER_CLIENT="3 per hour")
    code, _secret = make_complaint()
    for _ in range(5):
        assert (
            client.get(f"/lacak/{code}", environ_base={"REMOTE_ADDR": ADDRESS}).status_code == 200
        )
    for guess in ("AAAA-AAAA", "AAAA-AAAB", "AAAA-AAAC"):
        missing = client.get(f"/lacak/{guess}", environ_base={"REMOTE_ADDR": ADDRESS})
        assert missing.status_code == 404
    blocked = client.get("/lacak/AAAA-AAAD", environ_base={"REMOTE_ADDR": ADDRESS})
    assert blocked.status_code == 429
    assert_retry_after(blocked)
    # The allowance is shared with the API; another client is not affected.
    assert api_status(client, "AAAA-AAAE", None).status_code == 429
    assert (
        client.get(f"/lacak/{code}", environ_base={"REMOTE_ADDR": "192.0.2.99"}).status_code == 200
    )
