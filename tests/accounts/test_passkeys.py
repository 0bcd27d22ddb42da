"""Passkeys: registration and sign-in checked by py_webauthn, against a software authenticator
that builds real attestations and signatures (P-256, "none" attestation), so every path —
including the ones a browser would never produce, like a wrong origin — can be tried here.

The security tests run for both kinds of account (`kind`): staff (/staf) and citizens (/akun)
share the code, and each must hold for both."""

from __future__ import annotations

import base64
import hashlib
import json
import re
import secrets
from dataclasses import dataclass, field

import cbor2
import pytest
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec
from sqlalchemy import func, select

from app.accounts.models import PasskeyChallenge, PasskeyCredential, Role, User
from app.extensions import db
from app.web.access import STAFF_SESSION

pytestmark = pytest.mark.db

ORIGIN = "http://localhost"  # Flask's test client talks to http://localhost/


def b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


@dataclass
class Authenticator:
    """One discoverable credential on a pretend device that always verifies its user."""

    key: ec.EllipticCurvePrivateKey = field(
        default_factory=lambda: ec.generate_private_key(ec.SECP256R1())
    )
    credential_id: bytes = field(default_factory=lambda: secrets.token_bytes(16))
    counter: int = 0
    user_handle: bytes = b""

    def _auth_data(self, rp_id: str, flags: int, extra: bytes = b"") -> bytes:
        return (
            hashlib.sha256(rp_id.encode()).digest()
            + bytes([flags])
            + self.counter.to_bytes(4, "big")
            + extra
        )

    def _client_data(self, kind: str, challenge: str, origin: str) -> bytes:
        return json.dumps({"type": kind, "challenge": challenge, "origin": origin}).encode()

    def create(self, options: dict, origin: str = ORIGIN) -> dict:
        self.user_handle = unb64(options["user"]["id"])
        numbers = self.key.public_key().public_numbers()
        cose = cbor2.dumps(
            {
                1: 2,
                3: -7,
                -1: 1,
                -2: numbers.x.to_bytes(32, "big"),
                -3: numbers.y.to_bytes(32, "big"),
            }
        )
        attested = (
            bytes(16) + len(self.credential_id).to_bytes(2, "big") + self.credential_id + cose
        )
        auth_data = self._auth_data(options["rp"]["id"], 0x01 | 0x04 | 0x40, attested)
        return {
            "id": b64(self.credential_id),
            "rawId": b64(self.credential_id),
            "type": "public-key",
            "response": {
                "clientDataJSON": b64(
                    self._client_data("webauthn.create", options["challenge"], origin)
                ),
                "attestationObject": b64(
                    cbor2.dumps({"fmt": "none", "attStmt": {}, "authData": auth_data})
                ),
                "transports": ["internal"],
            },
            "clientExtensionResults": {},
        }

    def get(self, options: dict, origin: str = ORIGIN, count: bool = True) -> dict:
        if count:
            self.counter += 1
        auth_data = self._auth_data(options["rpId"], 0x01 | 0x04)
        client_data = self._client_data("webauthn.get", options["challenge"], origin)
        signature = self.key.sign(
            auth_data + hashlib.sha256(client_data).digest(), ec.ECDSA(hashes.SHA256())
        )
        return {
            "id": b64(self.credential_id),
            "rawId": b64(self.credential_id),
            "type": "public-key",
            "response": {
                "clientDataJSON": b64(client_data),
                "authenticatorData": b64(auth_data),
                "signature": b64(signature),
                "userHandle": b64(self.user_handle),
            },
            "clientExtensionResults": {},
        }


def csrf(client, url: str) -> str:
    html = client.get(url).get_data(as_text=True)
    return re.search(r'data-csrf="([^"]+)"', html).group(1)


def post_json(client, url: str, token: str, body: object = None):
    return client.post(
        url,
        data=json.dumps(body if body is not None else {}),
        headers={"Content-Type": "application/json", "X-CSRFToken": token},
    )


def message(response) -> str:
    return response.get_json()["errors"]["_request"][0]


@dataclass(frozen=True)
class Kind:
    """Where one kind of account has its passkey pages."""

    name: str
    home: str
    options: str
    verify: str
    sign_out: str


STAFF = Kind("staff", "/staf", "/staf/passkey/opsi", "/staf/passkey/daftar", "/keluar")
CITIZEN = Kind("citizen", "/akun", "/akun/passkey/opsi", "/akun/passkey/daftar", "/akun/keluar")


@pytest.fixture(params=[STAFF, CITIZEN], ids=lambda kind: kind.name)
def kind(request) -> Kind:
    return request.param


@pytest.fixture
def signed_in(client, sign_in_as, sign_in_citizen, kind) -> Kind:
    """`client` signed in as a verifier or as a citizen (see `kind`)."""
    if kind is STAFF:
        sign_in_as(client, Role.VERIFIER)
    else:
        sign_in_citizen(client)
    return kind


def register(client, device: Authenticator, origin: str = ORIGIN, kind: Kind = STAFF):
    token = csrf(client, kind.home)
    options = post_json(client, kind.options, token).get_json()
    return post_json(client, kind.verify, token, device.create(options, origin))


def sign_in_options(client) -> tuple[str, dict]:
    token = csrf(client, "/masuk")
    return token, post_json(client, "/masuk/passkey/opsi", token).get_json()


@pytest.fixture
def staff_client(client, sign_in_as):
    sign_in_as(client, Role.VERIFIER)
    return client


def test_register_then_sign_in(app, client, sign_in_as):
    user_id = sign_in_as(client, Role.OFFICER, agency="32.73")
    device = Authenticator()
    response = register(client, device)
    assert response.status_code == 200, response.get_json()
    assert response.get_json()["redirect"].startswith("/staf")
    with app.app_context():
        handle = db.session.get(User, user_id).passkey_handle
    assert device.user_handle == handle
    assert len(handle) == 32 and str(user_id).encode() != handle  # random: says nothing
    page = client.get("/staf?added=1").get_data(as_text=True)
    assert "Passkey 1" in page or "Kunci sandi 1" in page

    client.post("/keluar", data={"csrf_token": csrf(client, "/staf")})
    assert client.get("/staf").status_code == 401

    token, options = sign_in_options(client)
    assert options["allowCredentials"] == []  # discoverable credentials
    assert options["userVerification"] == "required"
    response = post_json(client, "/masuk/passkey", token, device.get(options))
    assert response.status_code == 200, response.get_json()
    assert client.get("/staf").status_code == 200
    with app.app_context():
        passkey = app.extensions["sqlalchemy"].session.scalar(select(PasskeyCredential))
        assert passkey.user_id == user_id
        assert passkey.sign_count == 1
        assert passkey.last_used_at is not None
        assert passkey.transports == "internal"


def test_registration_options_exclude_existing_passkeys(client, signed_in):
    device = Authenticator()
    assert register(client, device, kind=signed_in).status_code == 200
    options = post_json(client, signed_in.options, csrf(client, signed_in.home)).get_json()
    assert [c["id"] for c in options["excludeCredentials"]] == [b64(device.credential_id)]
    assert options["authenticatorSelection"]["userVerification"] == "required"
    assert options["authenticatorSelection"]["residentKey"] == "required"


def test_the_same_passkey_cannot_be_registered_twice(client, signed_in):
    device = Authenticator()
    assert register(client, device, kind=signed_in).status_code == 200
    response = register(client, device, kind=signed_in)
    assert response.status_code == 400
    assert message(response)


def test_registering_needs_a_signed_in_user(client):
    token = csrf(client, "/masuk")
    assert post_json(client, "/staf/passkey/opsi", token).status_code == 401


def test_registration_from_another_origin_is_rejected(app, client, signed_in):
    response = register(client, Authenticator(), origin="https://evil.example", kind=signed_in)
    assert response.status_code == 400
    assert message(response)
    with app.app_context():
        assert (
            app.extensions["sqlalchemy"].session.scalar(
                select(func.count()).select_from(PasskeyCredential)
            )
            == 0
        )


def test_registration_without_options_is_rejected(client, signed_in):
    token = csrf(client, signed_in.home)
    fake = {"challenge": b64(b"x" * 32), "rp": {"id": "localhost"}, "user": {"id": b64(b"1")}}
    response = post_json(client, signed_in.verify, token, Authenticator().create(fake))
    assert response.status_code == 400
    assert "expired" in message(response) or "kedaluwarsa" in message(response)


@pytest.fixture
def registered(client, signed_in):
    """A signed-out client whose user (staff or citizen: `kind`) has one passkey on `device`."""
    device = Authenticator()
    assert register(client, device, kind=signed_in).status_code == 200
    client.post(signed_in.sign_out, data={"csrf_token": csrf(client, signed_in.home)})
    assert client.get(signed_in.home).status_code == 401
    return device


def test_sign_in_without_a_challenge_is_rejected(client, registered, kind):
    token = csrf(client, "/masuk")
    options = {"challenge": b64(secrets.token_bytes(32)), "rpId": "localhost"}
    response = post_json(client, "/masuk/passkey", token, registered.get(options))
    assert response.status_code == 400
    assert client.get(kind.home).status_code == 401


def test_a_replayed_assertion_is_rejected(client, registered, kind):
    token, options = sign_in_options(client)
    # An authenticator without a counter (many synced passkeys send 0): only the
    # single-use challenge stands between a captured assertion and a second sign-in.
    assertion = registered.get(options, count=False)
    cookie = client.get_cookie("session").value  # the session still holding the challenge
    signed_in = post_json(client, "/masuk/passkey", token, assertion)
    assert signed_in.status_code == 200
    assert signed_in.get_json()["redirect"] == kind.home  # each account lands on its own page
    # Replayed with the same body and even the old cookie: the challenge was used up.
    client.set_cookie("session", cookie)
    response = post_json(client, "/masuk/passkey", token, assertion)
    assert response.status_code == 400
    assert message(response)


def test_a_challenge_is_bound_to_its_session(app, client, registered, kind):
    _token, options = sign_in_options(client)
    other = app.test_client()
    other_token = csrf(other, "/masuk")
    response = post_json(other, "/masuk/passkey", other_token, registered.get(options))
    assert response.status_code == 400
    assert other.get(kind.home).status_code == 401


def test_an_unknown_passkey_is_rejected(client, registered):
    token, options = sign_in_options(client)
    response = post_json(client, "/masuk/passkey", token, Authenticator().get(options))
    assert response.status_code == 401
    assert message(response)


def test_a_wrong_origin_is_rejected(client, registered, kind):
    token, options = sign_in_options(client)
    response = post_json(
        client, "/masuk/passkey", token, registered.get(options, origin="https://evil.example")
    )
    assert response.status_code == 400
    assert client.get(kind.home).status_code == 401


def test_a_wrong_rp_id_is_rejected(client, registered, kind):
    token, options = sign_in_options(client)
    response = post_json(
        client, "/masuk/passkey", token, registered.get({**options, "rpId": "evil.example"})
    )
    assert response.status_code == 400
    assert client.get(kind.home).status_code == 401


def test_a_counter_that_does_not_go_up_is_rejected(client, registered, kind):
    token, options = sign_in_options(client)
    assert post_json(client, "/masuk/passkey", token, registered.get(options)).status_code == 200
    client.post(kind.sign_out, data={"csrf_token": csrf(client, kind.home)})
    token, options = sign_in_options(client)
    response = post_json(client, "/masuk/passkey", token, registered.get(options, count=False))
    assert response.status_code == 400  # a cloned authenticator, or a replay


def test_a_disabled_account_cannot_sign_in_with_its_passkey(app, client, registered):
    with app.app_context():
        session = app.extensions["sqlalchemy"].session
        for user in session.scalars(select(User)):
            user.active = False
        session.commit()
    token, options = sign_in_options(client)
    assert post_json(client, "/masuk/passkey", token, registered.get(options)).status_code == 401


@pytest.mark.parametrize("body", ["not json", "[]", '{"id": 1}', '{"id": "a", "rawId": "a"}'])
def test_malformed_answers_are_a_clear_400(client, registered, body):
    token, _options = sign_in_options(client)
    response = client.post(
        "/masuk/passkey",
        data=body,
        headers={"Content-Type": "application/json", "X-CSRFToken": token},
    )
    assert response.status_code == 400
    assert message(response)


def test_used_and_expired_challenges_leave_no_rows(app, client, registered):
    token, options = sign_in_options(client)
    post_json(client, "/masuk/passkey", token, registered.get(options))
    with app.app_context():
        assert (
            app.extensions["sqlalchemy"].session.scalar(
                select(func.count()).select_from(PasskeyChallenge)
            )
            == 0
        )


def test_sign_in_page_works_without_javascript(client):
    html = client.get("/masuk").get_data(as_text=True)
    assert 'id="passkey-sign-in"' in html
    assert "js-hidden" in html  # the explanation shown when scripts do not run


def test_rename_and_remove(app, client, signed_in):
    assert register(client, Authenticator(), kind=signed_in).status_code == 200
    with app.app_context():
        passkey_id = app.extensions["sqlalchemy"].session.scalar(select(PasskeyCredential.id))
    url = f"{signed_in.options.removesuffix('/opsi')}/{passkey_id}/nama"
    token = re.search(
        r'name="csrf_token" type="hidden" value="([^"]+)"',
        client.get(url).get_data(as_text=True),
    ).group(1)
    empty = client.post(url, data={"csrf_token": token, "name": "  "})
    assert empty.status_code == 200 and "error-summary" in empty.get_data(as_text=True)
    assert client.post(url, data={"csrf_token": token, "name": "Ponsel kantor"}).status_code == 303
    assert "Ponsel kantor" in client.get(signed_in.home).get_data(as_text=True)

    remove = f"{signed_in.options.removesuffix('/opsi')}/{passkey_id}/hapus"
    assert client.get(remove).status_code == 200  # asks first
    assert client.post(remove, data={"csrf_token": token}).status_code == 303
    with app.app_context():
        assert app.extensions["sqlalchemy"].session.get(PasskeyCredential, passkey_id) is None


def test_another_users_passkey_is_not_found(app, client, sign_in_as):
    sign_in_as(client, Role.VERIFIER)
    assert register(client, Authenticator()).status_code == 200
    with app.app_context():
        passkey_id = app.extensions["sqlalchemy"].session.scalar(select(PasskeyCredential.id))
    other = app.test_client()
    sign_in_as(other, Role.OFFICER, agency="32.73")
    assert other.get(f"/staf/passkey/{passkey_id}/hapus").status_code == 404
    assert other.get(f"/staf/passkey/{passkey_id}/nama").status_code == 404


def test_signing_in_starts_a_fresh_server_session(client, registered):
    with client.session_transaction() as session:
        session["planted"] = "x"
    token, options = sign_in_options(client)
    assert post_json(client, "/masuk/passkey", token, registered.get(options)).status_code == 200
    with client.session_transaction() as session:
        assert "planted" not in session
        assert session[STAFF_SESSION]


def test_sign_in_challenges_are_rate_limited_per_client(app, client, monkeypatch):
    """Each challenge is stored until it expires, so a client cannot ask for endless ones."""
    monkeypatch.setitem(app.config, "RATELIMIT_CHALLENGES_PER_CLIENT", "3 per minute")
    token = csrf(client, "/masuk")
    for _ in range(3):
        assert post_json(client, "/masuk/passkey/opsi", token).status_code == 200
    refused = post_json(client, "/masuk/passkey/opsi", token)
    assert refused.status_code == 429
    assert refused.headers["Retry-After"]
