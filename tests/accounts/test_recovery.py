"""Recovery codes: 10 shown once, stored only as keyed hashes, each signing in once; wrong
guesses get one message and are rate-limited per client and per account."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from app.accounts.models import RecoveryCode, Role, User
from app.accounts.recovery import claim, codes_left, create_codes, find_code, hash_code
from app.extensions import db as _db
from app.extensions import limiter
from tests.conftest import check_page, csrf_token

pytestmark = pytest.mark.db

CODE = re.compile(r'<strong class="code">([2-9A-Z]{5}-[2-9A-Z]{5})</strong>')
ADDRESS = "203.0.113.77"


def email_of(app, user_id: int) -> str:
    with app.app_context():
        return _db.session.get(User, user_id).email


def create_on_page(client) -> list[str]:
    """Press "Create new recovery codes" on the confirmation page; the codes shown."""
    token = csrf_token(client, "/staf/kode-pemulihan")
    response = client.post("/staf/kode-pemulihan", data={"csrf_token": token})
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"
    return CODE.findall(response.get_data(as_text=True))


def use(client, email: str, code: str, address: str = ADDRESS, lang: str = "id"):
    client.set_cookie("lang", lang)
    token = csrf_token(client, "/masuk/kode-pemulihan")
    return client.post(
        "/masuk/kode-pemulihan",
        data={"csrf_token": token, "email": email, "code": code},
        environ_base={"REMOTE_ADDR": address},
    )


@pytest.fixture
def staff_with_codes(app, client, sign_in_as):
    """A signed-in verifier who has just made codes, then signed out: (email, codes)."""
    user_id = sign_in_as(client, Role.VERIFIER)
    made = create_on_page(client)
    client.post("/keluar", data={"csrf_token": csrf_token(client, "/staf")})
    return email_of(app, user_id), made


def test_ten_codes_are_shown_once_and_stored_hashed(app, client, sign_in_as):
    user_id = sign_in_as(client, Role.OFFICER, agency="32.73")
    home = client.get("/staf").get_data(as_text=True)
    assert "Kode pemulihan" in home or "Recovery codes" in home
    confirm = client.get("/staf/kode-pemulihan").get_data(as_text=True)
    assert 'action="/staf/kode-pemulihan"' in confirm
    made = create_on_page(client)
    assert len(made) == len(set(made)) == 10
    with app.app_context():
        rows = _db.session.scalars(select(RecoveryCode)).all()
        assert {row.user_id for row in rows} == {user_id}
        assert {row.code_hash for row in rows} == {hash_code(code) for code in made}
        stored = repr([(row.code_hash, row.created_at, row.used_at) for row in rows])
        for code in made:
            assert code not in stored and code.replace("-", "") not in stored
        assert codes_left(_db.session.get(User, user_id)) == 10
    # Never shown again: not on the start page, not on the confirmation page.
    for url in ("/staf", "/staf/kode-pemulihan"):
        html = client.get(url).get_data(as_text=True)
        assert not any(code in html for code in made)


def test_the_hash_is_keyed_and_ignores_case_and_dashes(app):
    with app.test_request_context():
        plain = hash_code("K7M3Q-9XDHP")
        assert hash_code("k7m3q 9xdhp") == plain
        import hashlib

        assert plain != hashlib.sha256(b"K7M3Q9XDHP").hexdigest()


def test_a_code_signs_in_once(app, client, staff_with_codes):
    email, made = staff_with_codes
    assert client.get("/staf").status_code == 401
    response = use(client, email.upper(), made[3].lower())
    assert response.status_code == 303 and response.headers["Location"].endswith("/staf")
    home = client.get("/staf").get_data(as_text=True)
    assert "Kode pemulihan tersisa: 9" in home or "Recovery codes left: 9" in home
    with app.app_context():
        assert _db.session.scalar(select(RecoveryCode).where(RecoveryCode.used_at.is_not(None)))
    # Used: the same code no longer works, from a fresh browser.
    other = client.application.test_client()
    again = use(other, email, made[3])
    assert again.status_code == 422
    assert other.get("/staf").status_code == 401
    # Another unused code still does.
    assert use(other, email, made[4]).status_code == 303


def no_match_message(response) -> str:
    html = response.get_data(as_text=True)
    check_page(html)
    assert "error-summary" in html
    return re.search(r'<p class="error-message" id="code-error">(.*?)</p>', html, re.S).group(1)


def test_wrong_email_wrong_code_used_code_and_someone_elses_code_look_the_same(
    app, client, sign_in_as, staff_with_codes
):
    email, made = staff_with_codes
    other_id = sign_in_as(client, Role.SUPERVISOR)
    others = create_on_page(client)
    client.post("/keluar", data={"csrf_token": csrf_token(client, "/staf")})
    assert use(client, email, made[0]).status_code == 303
    client.post("/keluar", data={"csrf_token": csrf_token(client, "/staf")})

    answers = [
        use(client, "nobody@example.go.id", made[1]),  # wrong email
        use(client, email, "2222-3333-44"),  # wrong code
        use(client, email, made[0]),  # used code
        use(client, email, others[0]),  # another user's code
        use(client, email_of(app, other_id), made[1]),  # ... and the other way round
    ]
    assert {response.status_code for response in answers} == {422}
    messages = {no_match_message(response) for response in answers}
    assert len(messages) == 1
    message = messages.pop().lower()
    assert "kode pemulihan" in message or "recovery code" in message  # until translated
    assert client.get("/staf").status_code == 401


def test_empty_fields_get_translated_errors(client):
    response = use(client, "", "", lang="en")
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    check_page(html)
    assert "Enter your email address" in html and "Enter a recovery code" in html


def test_a_disabled_account_cannot_use_its_codes(app, client, staff_with_codes):
    email, made = staff_with_codes
    with app.app_context():
        _db.session.scalar(select(User).where(User.email == email)).active = False
        _db.session.commit()
    assert use(client, email, made[0]).status_code == 422


def test_new_codes_replace_the_old_ones(app, client, sign_in_as):
    user_id = sign_in_as(client, Role.ADMIN)
    first = create_on_page(client)
    confirm = client.get("/staf/kode-pemulihan").get_data(as_text=True)
    assert "10" in confirm  # "your 10 unused recovery codes will stop working"
    second = create_on_page(client)
    assert not set(first) & set(second)
    with app.app_context():
        assert _db.session.scalar(select(_db.func.count()).select_from(RecoveryCode)) == 10
    email = email_of(app, user_id)
    browser = client.application.test_client()
    assert use(browser, email, first[0]).status_code == 422
    assert use(browser, email, second[0]).status_code == 303


def test_creating_codes_needs_the_csrf_token_and_a_session(client, sign_in_as):
    token = csrf_token(client, "/masuk/kode-pemulihan")
    assert client.post("/staf/kode-pemulihan", data={"csrf_token": token}).status_code == 401
    sign_in_as(client, Role.VERIFIER)
    response = client.post("/staf/kode-pemulihan", data={})
    assert response.status_code in (400, 303)
    assert not CODE.findall(response.get_data(as_text=True))


def test_two_uses_of_one_code_at_once_only_one_succeeds(app, staff_with_codes):
    """Both requests find the code unused; the conditional UPDATE lets only one claim it.

    Two app contexts are two sessions on two connections. (On SQLite a real POST holds the
    write lock from its first statement, so there the requests queue; on PostgreSQL they can
    truly overlap, and the UPDATE's `used_at IS NULL` decides.)
    """
    email, made = staff_with_codes
    with app.app_context():
        first = find_code(email, made[0])
        assert first is not None
        first_id = first.id
        _db.session.commit()  # the read is over; the other request goes ahead
        with app.app_context():
            second = find_code(email, made[0])
            assert second is not None and second.id == first_id
            assert claim(second) is True
            _db.session.commit()
        assert claim(first) is False  # found unused a moment ago, claimed by the other
        _db.session.commit()
    with app.app_context():
        assert codes_left(_db.session.scalar(select(User).where(User.email == email))) == 9


def test_wrong_codes_are_rate_limited_per_client(app, client, staff_with_codes, monkeypatch):
    monkeypatch.setitem(app.config, "RATELIMIT_SIGN_IN_PER_CLIENT", "3 per hour")
    monkeypatch.setitem(app.config, "RATELIMIT_RECOVERY_PER_ACCOUNT", "100 per hour")
    limiter.reset()
    email, made = staff_with_codes
    for number in range(3):
        assert use(client, f"x{number}@example.go.id", "2222-3333-44").status_code == 422
    response = use(client, email, made[0], lang="en")
    assert response.status_code == 429
    html = response.get_data(as_text=True)
    check_page(html)
    assert "<h1>Too many requests</h1>" in html and "captcha" not in html.lower()
    assert 0 < int(response.headers["Retry-After"]) <= 3600
    # Another client is not affected.
    assert use(client, email, made[0], address="198.51.100.9").status_code == 303


def test_wrong_codes_for_one_account_are_limited_from_any_address(
    app, client, staff_with_codes, monkeypatch
):
    monkeypatch.setitem(app.config, "RATELIMIT_SIGN_IN_PER_CLIENT", "100 per hour")
    monkeypatch.setitem(app.config, "RATELIMIT_RECOVERY_PER_ACCOUNT", "3 per hour")
    limiter.reset()
    email, made = staff_with_codes
    for number in range(3):
        address = f"198.51.100.{number + 10}"
        assert use(client, email, "2222-3333-44", address=address).status_code == 422
    response = use(client, f" {email.upper()} ", made[0], address="198.51.100.99")
    assert response.status_code == 429
    assert "Terlalu banyak permintaan" in response.get_data(as_text=True)
    # Another account is unaffected from the same addresses; a good code never counts.
    assert use(client, "other@example.go.id", made[0]).status_code == 422


def test_a_right_code_does_not_count_against_the_limits(app, client, sign_in_as, monkeypatch):
    monkeypatch.setitem(app.config, "RATELIMIT_SIGN_IN_PER_CLIENT", "2 per hour")
    monkeypatch.setitem(app.config, "RATELIMIT_RECOVERY_PER_ACCOUNT", "2 per hour")
    limiter.reset()
    user_id = sign_in_as(client, Role.VERIFIER)
    made = create_on_page(client)
    email = email_of(app, user_id)
    for code in made[:4]:
        browser = client.application.test_client()
        assert use(browser, email, code).status_code == 303


def test_the_cli_prints_a_fresh_set(app, db, staff_with_codes):
    email, made = staff_with_codes
    result = app.test_cli_runner().invoke(args=["users", "recovery-codes", "--email", email])
    assert result.exit_code == 0, result.output
    printed = re.findall(r"\b[2-9A-Z]{5}-[2-9A-Z]{5}\b", result.output)
    assert len(set(printed)) == 10
    assert "stopped working" in result.output
    with app.app_context():
        user = db.session.scalar(select(User).where(User.email == email))
        assert codes_left(user) == 10
        assert find_code(email, made[0]) is None
        assert find_code(email, printed[0]) is not None
    unknown = app.test_cli_runner().invoke(args=["users", "recovery-codes", "--email", "x@y.id"])
    assert unknown.exit_code != 0


def test_create_codes_replaces_in_one_go(app, db, sign_in_as, client):
    user_id = sign_in_as(client, Role.VERIFIER)  # signed in with a code: 9 of its set left
    with app.app_context():
        user = db.session.get(User, user_id)
        before = set(db.session.scalars(select(RecoveryCode.code_hash)))
        assert codes_left(user) == 9
        create_codes(user)
        db.session.rollback()  # nothing half-made survives a failed request
        assert codes_left(user) == 9
        assert set(db.session.scalars(select(RecoveryCode.code_hash))) == before
