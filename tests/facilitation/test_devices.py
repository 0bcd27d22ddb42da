"""Device-bound filing keys (app/facilitation/devices.py): registering and revoking a
facilitator's device, and what a complaint signed on it becomes when the phone sends it later
through the API without a session — attributed when the signature checks out, filed without
the facilitator (never refused, never lost) when it does not.

The "phone" here is Python: `cryptography` makes the P-256 key and signs the message exactly
as static/js/queue.js does with WebCrypto (raw r||s, base64url)."""

from __future__ import annotations

import base64
import json
import uuid
from datetime import UTC, datetime, timedelta

import pytest
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.hazmat.primitives.asymmetric.utils import decode_dss_signature
from sqlalchemy import func, select

from app.accounts.models import FilingDevice, Role, User
from app.complaints.models import Complaint
from app.db import aware
from app.extensions import db as _db
from app.facilitation import devices
from tests.conftest import csrf_token
from tests.facilitation.conftest import on_behalf

pytestmark = pytest.mark.db

PAGE = "/fasilitator/perangkat"
# What the service worker sends: the filing form's answers as multipart, on behalf.
FIELDS = {
    "type": "complaint",
    "title": "Air PDAM mati seminggu",
    "description": "Sejak Senin air tidak mengalir\r\ndi RT 04.",
    "region_code": "32.73.02",
    "category": "water",
    "privacy": "anonymous",
    "phone": "081234567890",
}


@pytest.fixture(autouse=True)
def english(client):
    """Pages in English (the lang cookie), the API too (Accept-Language, in each request)."""
    client.set_cookie("lang", "en")


# --- the phone -------------------------------------------------------------------------------


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def spki(key: ec.EllipticCurvePrivateKey | rsa.RSAPrivateKey) -> str:
    return b64url(
        key.public_key().public_bytes(
            serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
        )
    )


def new_key() -> ec.EllipticCurvePrivateKey:
    return ec.generate_private_key(ec.SECP256R1())


def iso(moment: datetime) -> str:
    """As JavaScript's Date.toISOString(): milliseconds and a Z."""
    return (
        moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"
    )


def sign(
    key: ec.EllipticCurvePrivateKey,
    device_id: int,
    idempotency_key: str,
    fields: dict[str, str],
    signed_at: datetime | None = None,
) -> dict[str, str]:
    """The headers the service worker sends for an entry signed when it was queued."""
    at = iso(signed_at or datetime.now(UTC))
    message = devices.signed_message(idempotency_key, at, device_id, devices.content_digest(fields))
    r, s = decode_dss_signature(key.sign(message, ec.ECDSA(hashes.SHA256())))
    return {
        "X-Filing-Device": str(device_id),
        "X-Filing-Signed-At": at,
        "X-Filing-Signature": b64url(r.to_bytes(32, "big") + s.to_bytes(32, "big")),
    }


def register(client, key=None, name: str = "HP Kader Anggrek", csrf: bool = True):
    headers = {"X-CSRFToken": csrf_token(client, PAGE)} if csrf else {}
    body = {"name": name, "public_key": spki(key or new_key())}
    return client.post(PAGE, json=body, headers=headers)


def send(client, fields: dict[str, str], idempotency_key: str, headers: dict[str, str]):
    """POST /api/v1/complaints as the service worker replays a queued entry: multipart."""
    return client.post(
        "/api/v1/complaints",
        data=fields,
        content_type="multipart/form-data",
        headers={"Idempotency-Key": idempotency_key, "Accept-Language": "en", **headers},
    )


def queued(fields: dict[str, str] | None = None) -> tuple[dict[str, str], str]:
    return {**FIELDS, **on_behalf(), **(fields or {})}, str(uuid.uuid4())


def complaint_of(app, response) -> Complaint:
    assert response.status_code == 201, response.get_data(as_text=True)
    with app.app_context():
        found = _db.session.scalar(
            select(Complaint).where(Complaint.tracking_code == response.get_json()["tracking_code"])
        )
        _db.session.expunge(found)
        return found


def complaints(app) -> int:
    with app.app_context():
        return _db.session.scalar(select(func.count(Complaint.id)))


def stored(app) -> list[FilingDevice]:
    with app.app_context():
        found = list(_db.session.scalars(select(FilingDevice)))
        for device in found:
            _db.session.expunge(device)
        return found


def change_device(app, device_id: int, **values: object) -> None:
    with app.app_context():
        device = _db.session.get(FilingDevice, device_id)
        for name, value in values.items():
            setattr(device, name, value)
        _db.session.commit()


@pytest.fixture
def phone(app, client, sign_in_as):
    """A facilitator who registered this phone; `client` is signed in as them, and
    `phone.offline` is a client without any session (the session ended meanwhile)."""

    class Phone:
        key = new_key()
        user_id = sign_in_as(client, Role.FACILITATOR, name="Fasilitator Wening")
        response = register(client, key)
        assert response.status_code == 200, response.get_data(as_text=True)
        device_id = response.get_json()["id"]
        offline = app.test_client()

    return Phone


# --- registering -----------------------------------------------------------------------------


def test_registering_keeps_the_public_key_for_the_configured_days(app, client, sign_in_as):
    user_id = sign_in_as(client, Role.FACILITATOR)
    key = new_key()
    response = register(client, key, name="  HP Kader  ")
    assert response.status_code == 200
    body = response.get_json()
    assert body["redirect"].endswith(f"{PAGE}?added={body['id']}")
    [device] = stored(app)
    assert device.id == body["id"] and device.user_id == user_id and device.name == "HP Kader"
    assert device.public_key == base64.urlsafe_b64decode(spki(key) + "==")
    life = aware(device.expires_at) - aware(device.created_at)
    assert life == timedelta(days=app.config["FILING_DEVICE_DAYS"]) == timedelta(days=30)
    assert device.revoked_at is None and device.last_used_at is None
    page = client.get(f"{PAGE}?added={device.id}").get_data(as_text=True)
    assert "HP Kader" in page


@pytest.mark.parametrize(
    "public_key",
    [
        "",
        "not base64url!",
        b64url(b"\x30\x03\x02\x01\x00"),  # DER, but no key
        spki(ec.generate_private_key(ec.SECP384R1())),  # another curve
        spki(rsa.generate_private_key(public_exponent=65537, key_size=2048)),  # RSA
        "A" * 300,
        12345,
        None,
    ],
)
def test_a_bad_key_is_refused_with_a_message_and_nothing_stored(
    app, client, sign_in_as, public_key
):
    sign_in_as(client, Role.FACILITATOR)
    response = client.post(
        PAGE,
        json={"name": "HP", "public_key": public_key},
        headers={"X-CSRFToken": csrf_token(client, PAGE)},
    )
    assert response.status_code == 422
    assert set(response.get_json()["errors"]) == {"_request"}
    assert "key could not be read" in response.get_json()["errors"]["_request"][0]
    assert stored(app) == []


@pytest.mark.parametrize(
    ("name", "message"),
    [("", "Enter a name"), ("   ", "Enter a name"), ("x" * 61, "60 characters or fewer")],
)
def test_a_bad_name_is_refused_with_a_message(app, client, sign_in_as, name, message):
    sign_in_as(client, Role.FACILITATOR)
    response = register(client, name=name)
    assert response.status_code == 422
    [error] = response.get_json()["errors"]["name"]
    assert message in error
    assert stored(app) == []


def test_a_name_that_is_not_text_or_a_body_that_is_not_an_object_is_refused(
    app, client, sign_in_as
):
    sign_in_as(client, Role.FACILITATOR)
    headers = {"X-CSRFToken": csrf_token(client, PAGE)}
    odd = client.post(PAGE, json={"name": ["HP"], "public_key": spki(new_key())}, headers=headers)
    assert odd.status_code == 422 and "name" in odd.get_json()["errors"]
    for body in ([1, 2], "text"):
        assert client.post(PAGE, json=body, headers=headers).status_code == 400
    form = client.post(PAGE, data={"name": "HP"}, headers=headers)
    assert form.status_code == 400
    assert stored(app) == []


def test_registering_needs_the_csrf_header(app, client, sign_in_as):
    sign_in_as(client, Role.FACILITATOR)
    response = register(client, csrf=False)
    assert response.status_code == 400
    assert stored(app) == []


@pytest.mark.parametrize("role", [Role.OFFICER, Role.VERIFIER, Role.ADMIN])
def test_other_staff_may_not_register_a_filing_device(app, client, sign_in_as, role):
    sign_in_as(client, role, agency="32.73" if role is Role.OFFICER else None)
    assert client.get(PAGE).status_code == 403
    assert register(client).status_code == 403
    assert stored(app) == []


def test_signed_out_the_device_pages_ask_to_sign_in(app, client):
    assert client.get(PAGE).status_code == 401
    assert client.post(PAGE, json={}).status_code in (400, 401)  # no CSRF token either
    assert client.get(f"{PAGE}/1/cabut").status_code == 401


def test_the_page_explains_registering_needs_javascript(client, sign_in_as):
    sign_in_as(client, Role.FACILITATOR)
    page = client.get(PAGE).get_data(as_text=True)
    assert 'class="js-hidden"' in page and "needs JavaScript" in page
    assert (
        '<form id="device-form"' in page and " hidden " in page.split('id="device-form"')[1][:200]
    )
    assert "You have not registered a device yet." in page


# --- listing and revoking --------------------------------------------------------------------


def test_devices_are_listed_only_to_their_owner(app, client, phone, sign_in_as):
    own = client.get(PAGE).get_data(as_text=True)
    assert "HP Kader Anggrek" in own
    assert f"/fasilitator/perangkat/{phone.device_id}/cabut" in own
    other = app.test_client()
    sign_in_as(other, Role.FACILITATOR, organisation="Yayasan Lain")
    theirs = other.get(PAGE).get_data(as_text=True)
    assert "HP Kader Anggrek" not in theirs
    assert other.get(f"{PAGE}/{phone.device_id}/cabut").status_code == 404
    token = csrf_token(other, PAGE)
    assert (
        other.post(f"{PAGE}/{phone.device_id}/cabut", data={"csrf_token": token}).status_code == 404
    )
    assert stored(app)[0].revoked_at is None


def test_revoking_asks_first_then_revokes_without_javascript(app, client, phone):
    url = f"{PAGE}/{phone.device_id}/cabut"
    question = client.get(url)
    assert question.status_code == 200
    text = question.get_data(as_text=True)
    assert "HP Kader Anggrek" in text and "sent without your name" in text
    assert stored(app)[0].revoked_at is None  # a GET revokes nothing
    done = client.post(url, data={"csrf_token": csrf_token(client, url)})
    assert done.status_code == 303 and done.headers["Location"].endswith(f"{PAGE}?revoked=1")
    assert stored(app)[0].revoked_at is not None
    page = client.get(f"{PAGE}?revoked=1").get_data(as_text=True)
    assert "The device was revoked" in page and "HP Kader Anggrek" not in page
    assert client.get(url).status_code == 404  # revoked: nothing left to revoke


def test_revoking_needs_the_csrf_token(app, client, phone):
    response = client.post(f"{PAGE}/{phone.device_id}/cabut", data={})
    assert response.status_code == 400
    assert stored(app)[0].revoked_at is None


def test_signing_out_does_not_revoke_the_device(app, client, phone):
    client.post("/keluar", data={"csrf_token": csrf_token(client, "/staf")})
    assert client.get(PAGE).status_code == 401
    assert stored(app)[0].revoked_at is None


# --- a complaint signed on the device, sent without a session --------------------------------


def test_a_good_signature_attributes_the_complaint_to_the_facilitator(app, phone):
    fields, key = queued()
    response = send(phone.offline, fields, key, sign(phone.key, phone.device_id, key, fields))
    complaint = complaint_of(app, response)
    assert response.get_json()["attributed"] is True
    assert complaint.facilitator_id == phone.user_id
    assert complaint.consent_method is not None and complaint.organisation_id is not None
    assert stored(app)[0].last_used_at is not None


def test_the_same_key_replayed_is_the_same_complaint(app, phone):
    fields, key = queued()
    headers = sign(phone.key, phone.device_id, key, fields)
    first = send(phone.offline, fields, key, headers)
    again = send(phone.offline, fields, key, headers)
    assert first.status_code == again.status_code == 201
    assert first.get_json() == again.get_json()
    assert complaints(app) == 1


def test_a_json_request_is_signed_over_the_same_digest(app, phone):
    fields, key = queued()
    response = phone.offline.post(
        "/api/v1/complaints",
        data=json.dumps(fields),
        content_type="application/json",
        headers={"Idempotency-Key": key, **sign(phone.key, phone.device_id, key, fields)},
    )
    assert complaint_of(app, response).facilitator_id == phone.user_id


def test_a_lone_surrogate_with_a_real_device_header_is_a_400(app, phone):
    """A lone surrogate in the JSON (valid JSON, but no text) with a real device's headers:
    a 400 like any request that is not UTF-8 text, never a 500."""
    fields, key = queued({"description": "pecah \\ud800 di sini"})
    headers = sign(phone.key, phone.device_id, key, fields)
    body = json.dumps(fields).replace("\\\\ud800", "\\ud800")
    assert "\ud800" in json.loads(body)["description"]
    response = phone.offline.post(
        "/api/v1/complaints",
        data=body,
        content_type="application/json",
        headers={"Idempotency-Key": key, "Accept-Language": "en", **headers},
    )
    assert response.status_code == 400  # not text: refused before anything is checked
    assert complaints(app) == 0


def test_the_digest_ignores_how_line_breaks_were_sent():
    assert devices.content_digest({"d": "a\r\nb\rc"}) == devices.content_digest({"d": "a\nb\nc"})
    assert devices.content_digest({"a": "1", "b": "2"}) == devices.content_digest(
        {"b": "2", "a": "1"}
    )
    assert devices.content_digest({"a": "1"}) != devices.content_digest({"a": "2"})


def assert_filed_without_facilitator(app, response) -> None:
    """The complaint is filed all the same, only without the facilitator (and consent)."""
    complaint = complaint_of(app, response)
    assert response.get_json()["attributed"] is False
    assert response.get_json()["secret"]  # the complainant can still follow and claim it
    assert complaint.facilitator_id is None and complaint.organisation_id is None
    assert complaint.consent_method is None
    assert complaint.title == FIELDS["title"]
    assert complaints(app) == 1


def test_a_signature_by_another_key_is_not_attributed(app, phone):
    fields, key = queued()
    send_with = sign(new_key(), phone.device_id, key, fields)
    assert_filed_without_facilitator(app, send(phone.offline, fields, key, send_with))
    assert stored(app)[0].last_used_at is None


def test_tampered_content_is_not_attributed(app, phone):
    fields, key = queued()
    headers = sign(phone.key, phone.device_id, key, fields)
    changed = {**fields, "title": "Judul yang diganti di jalan"}
    response = send(phone.offline, changed, key, headers)
    assert complaint_of(app, response).title == "Judul yang diganti di jalan"
    assert response.get_json()["attributed"] is False


def test_a_signature_for_another_idempotency_key_is_not_attributed(app, phone):
    fields, key = queued()
    headers = sign(phone.key, phone.device_id, str(uuid.uuid4()), fields)
    assert_filed_without_facilitator(app, send(phone.offline, fields, key, headers))


def test_consent_answers_changed_after_signing_are_not_attributed(app, phone):
    fields, key = queued()
    headers = sign(phone.key, phone.device_id, key, fields)
    changed = {**fields, "consent_method": "written"}
    assert_filed_without_facilitator(app, send(phone.offline, changed, key, headers))


def test_a_revoked_device_is_not_attributed_even_for_what_it_signed_before(app, client, phone):
    fields, key = queued()
    headers = sign(phone.key, phone.device_id, key, fields)  # queued while valid ...
    url = f"{PAGE}/{phone.device_id}/cabut"
    client.post(url, data={"csrf_token": csrf_token(client, url)})  # ... then revoked
    assert_filed_without_facilitator(app, send(phone.offline, fields, key, headers))


def test_signed_after_the_device_expired_is_not_attributed(app, phone):
    change_device(app, phone.device_id, expires_at=datetime.now(UTC) - timedelta(hours=1))
    fields, key = queued()
    headers = sign(phone.key, phone.device_id, key, fields)
    assert_filed_without_facilitator(app, send(phone.offline, fields, key, headers))


def test_signed_while_valid_and_sent_after_expiry_is_attributed(app, phone):
    """The point of the key: a report queued in time counts whenever the signal comes."""
    fields, key = queued()
    headers = sign(phone.key, phone.device_id, key, fields, datetime.now(UTC) - timedelta(hours=2))
    change_device(
        app,
        phone.device_id,
        created_at=datetime.now(UTC) - timedelta(days=31),
        expires_at=datetime.now(UTC) - timedelta(hours=1),
    )
    complaint = complaint_of(app, send(phone.offline, fields, key, headers))
    assert complaint.facilitator_id == phone.user_id


@pytest.mark.parametrize(
    "moment",
    [
        pytest.param(timedelta(hours=1), id="an hour in the future"),
        pytest.param(timedelta(minutes=6), id="beyond the clock skew"),
        pytest.param(-timedelta(hours=1), id="before the device was registered"),
    ],
)
def test_a_signing_time_outside_the_devices_life_is_not_attributed(app, phone, moment):
    fields, key = queued()
    headers = sign(phone.key, phone.device_id, key, fields, datetime.now(UTC) + moment)
    assert_filed_without_facilitator(app, send(phone.offline, fields, key, headers))


def test_a_clock_a_little_behind_is_still_attributed(app, phone):
    fields, key = queued()
    headers = sign(
        phone.key, phone.device_id, key, fields, datetime.now(UTC) - timedelta(minutes=2)
    )
    assert (
        complaint_of(app, send(phone.offline, fields, key, headers)).facilitator_id == phone.user_id
    )


def test_another_facilitators_device_id_is_not_attributed(app, phone, sign_in_as):
    other = app.test_client()
    sign_in_as(other, Role.FACILITATOR, organisation="Yayasan Lain")
    their_device = register(other).get_json()["id"]
    fields, key = queued()
    # This phone's key, claiming to be the other facilitator's device.
    headers = sign(phone.key, their_device, key, fields)
    assert_filed_without_facilitator(app, send(phone.offline, fields, key, headers))


def test_an_unknown_device_is_not_attributed(app, phone):
    fields, key = queued()
    headers = sign(phone.key, phone.device_id + 1000, key, fields)
    assert_filed_without_facilitator(app, send(phone.offline, fields, key, headers))


def test_a_disabled_facilitator_is_not_attributed(app, phone):
    with app.app_context():
        _db.session.get(User, phone.user_id).active = False
        _db.session.commit()
    fields, key = queued()
    headers = sign(phone.key, phone.device_id, key, fields)
    assert_filed_without_facilitator(app, send(phone.offline, fields, key, headers))


@pytest.mark.parametrize(
    "headers",
    [
        {"X-Filing-Device": "abc"},
        {"X-Filing-Device": "1", "X-Filing-Signed-At": "yesterday", "X-Filing-Signature": "AA"},
        {"X-Filing-Device": "9" * 40, "X-Filing-Signed-At": "2026-01-01T00:00:00Z"},
        {
            "X-Filing-Device": "1",
            "X-Filing-Signed-At": "2026-01-01T00:00:00",
            "X-Filing-Signature": "A" * 86,
        },
        {
            "X-Filing-Device": "١",
            "X-Filing-Signed-At": "2026-01-01T00:00:00Z",
            "X-Filing-Signature": "A" * 86,
        },
        {"X-Filing-Signature": "!!!"},
    ],
)
def test_malformed_signature_headers_file_the_complaint_without_facilitator(app, phone, headers):
    fields, key = queued()
    assert_filed_without_facilitator(app, send(phone.offline, fields, key, headers))


def test_without_a_signature_on_behalf_answers_are_still_refused(app, phone):
    """Nothing signed, no session: the facilitators' rule (a 422 the device shows as
    "needs attention"; signed in again, "Send now" files it in their name)."""
    fields, key = queued()
    response = send(phone.offline, fields, key, {})
    assert response.status_code == 422
    assert "attributed" not in response.get_data(as_text=True)
    assert complaints(app) == 0


def test_a_signed_in_facilitators_own_request_needs_no_signature(app, client, phone):
    fields, key = queued()
    response = send(client, fields, key, {})
    assert complaint_of(app, response).facilitator_id == phone.user_id
    assert "attributed" not in response.get_json()


def test_a_plain_citizen_request_is_unchanged(app, client):
    fields = {k: v for k, v in FIELDS.items()}
    response = send(client, fields, str(uuid.uuid4()), {})
    assert response.status_code == 201
    assert "attributed" not in response.get_json()


def test_the_filing_form_names_the_facilitator_for_the_device_key(client, phone):
    form = client.get("/lapor").get_data(as_text=True)
    assert f'name="filing_user" value="{phone.user_id}"' in form
    assert 'name="filing_user"' not in phone.offline.get("/lapor").get_data(as_text=True)
