"""Device-bound filing keys: a complaint a facilitator queued offline keeps its facilitator
when it is sent later, even if their session has ended by then.

Why a key on the device and not the session: a facilitator files in a village without signal;
the phone sends the queue hours or days later, when the 30-minute staff session is long gone.
The queue must not hold a bearer token either (anyone copying the phone's storage could file
in the facilitator's name from anywhere, for as long as the token lives). So the device holds
a private key it cannot even export, and signs each complaint at the moment it is queued.

Registering (/fasilitator/perangkat, static/js/device.js). The browser makes an ECDSA P-256
key pair with WebCrypto (extractable=false) and keeps the CryptoKey pair in IndexedDB
(static/js/queue.js, store "devices", one record per facilitator account on that browser).
It posts the public key (SubjectPublicKeyInfo, DER, base64url) and a name with the CSRF
header; a FilingDevice row keeps them for FILING_DEVICE_DAYS days, and its id goes back to
the device, next to the key. Signing out does not revoke a device (queued complaints must
still count); revoking it does (a lost or stolen phone).

Signing, at queue time (SuaraQueue.sign, run by the service worker when it queues the filing
form, and by the page when a queued complaint is edited). Only a form that carries the hidden
`filing_user` field (rendered for a signed-in facilitator filing on someone's behalf) is
signed, and only with the key this browser holds for that same account, so a colleague
borrowing the phone never files in the owner's name. The signed message is

    suara-warga-filing-v1 \\n <Idempotency-Key> \\n <signed at, ISO 8601 UTC>
    \\n <device id> \\n <content digest>

where the content digest is the SHA-256 (hex) of the JSON array of [name, value] pairs of
every field sent, sorted by name, line breaks as "\\n" (`content_digest`): the signature
covers the whole complaint, consent included, and binds it to its Idempotency-Key, so it can
be neither moved to other content nor replayed as a second complaint (the API answers a
repeated key with the first receipt). The replay sends it as X-Filing-Device,
X-Filing-Signed-At and X-Filing-Signature (base64url of WebCrypto's raw r||s).

Checking (`device_facilitator`, which the API's `filing_facilitator()` asks when a request
has no facilitator session): the device exists and is not revoked; the signature verifies
against its key (`cryptography`, r||s turned into DER); the signing time lies within the
device's life (not before it was registered, not after it expired, not more than CLOCK_SKEW
ahead of the server: phones' clocks drift, so CLOCK_SKEW is allowed on either side of its
registration too); and its owner is still an active facilitator. A revoked device never
counts, whatever time it signed: a stolen phone's clock can be set back.

When it does not check out, the complaint is filed all the same, without a facilitator (and
so without the consent record, which belongs to the facilitator), and the receipt says
"attributed": false. Why not hold it as "needs attention" on the device: the complaint is
the complainant's, not the facilitator's; holding it back helps nobody when the device was
revoked because it was lost (no one would ever release it), and a facilitator whose account
ended cannot fix it either. Filed unattributed, it reaches the agency on time, the receipt on
the device (tracking code and secret) lets the complainant follow and claim it, and nothing
is granted that the public API does not grant to anyone.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
import re
import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.utils import encode_dss_signature
from flask import (
    Response,
    abort,
    current_app,
    g,
    jsonify,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from sqlalchemy import select
from werkzeug.datastructures import MultiDict
from wtforms import StringField, SubmitField
from wtforms.validators import DataRequired

from app.accounts.models import FilingDevice, Role, User
from app.db import aware, utcnow
from app.extensions import db
from app.facilitation import bp
from app.web.access import current_user, staff
from app.web.errors import json_error
from app.web.forms import too_long

VERSION = "suara-warga-filing-v1"
DEVICE_HEADER = "X-Filing-Device"
SIGNED_AT_HEADER = "X-Filing-Signed-At"
SIGNATURE_HEADER = "X-Filing-Signature"
CLOCK_SKEW = timedelta(minutes=5)
MAX_NAME = 60
MAX_KEY_TEXT = 256  # a P-256 SubjectPublicKeyInfo is 91 bytes: 122 base64url characters
MAX_BODY = 4096
SIGNATURE_BYTES = 64  # r || s, 32 bytes each
_B64URL = re.compile(r"[A-Za-z0-9_-]+")
_CHECKED = "filing_device_checked"


# --- encoding and the signed message ---------------------------------------------------------


def b64url_decode(text: str) -> bytes | None:
    """Bytes from unpadded base64url (as the browser sends them), or None if it is not."""
    if not text or not _B64URL.fullmatch(text) or len(text) % 4 == 1:
        return None
    try:
        return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
    except (binascii.Error, ValueError):
        return None


def content_digest(fields: Mapping[str, str]) -> str:
    """SHA-256 (hex) of every field sent, as static/js/queue.js computes it: a JSON array of
    [name, value] pairs sorted by name, line breaks normalised to "\\n" (a browser may send
    a textarea's as "\\r\\n"), no spaces between the JSON tokens."""
    pairs = [
        [name, str(fields[name]).replace("\r\n", "\n").replace("\r", "\n")]
        for name in sorted(fields)
    ]
    canonical = json.dumps(pairs, ensure_ascii=False, separators=(",", ":"))
    # surrogatepass: JSON may carry a lone surrogate ("\ud800"); it cannot match, but must
    # not fail either.
    return hashlib.sha256(canonical.encode("utf-8", "surrogatepass")).hexdigest()


def signed_message(key: str, signed_at: str, device_id: int, digest: str) -> bytes:
    return "\n".join([VERSION, key, signed_at, str(device_id), digest]).encode()


# --- registering and revoking ----------------------------------------------------------------


class DeviceNameForm(FlaskForm):
    """The name of a device being registered (sent as JSON with the CSRF header, which the
    app's CSRFProtect checks before the view runs; so no token field here)."""

    class Meta:
        csrf = False

    name = StringField(
        _l("Name of this device"),
        description=_l("So you can tell your devices apart, e.g. “Posyandu Melati phone”."),
        filters=[lambda value: value.strip() if isinstance(value, str) else value],
        validators=[DataRequired(_l("Enter a name for this device")), too_long(MAX_NAME)],
    )


class RevokeDeviceForm(FlaskForm):
    submit = SubmitField(_l("Revoke this device"))


def public_key_der(text: object) -> bytes | None:
    """The SubjectPublicKeyInfo (DER) of an ECDSA P-256 public key sent as base64url, in its
    canonical encoding; None for anything else (another curve or algorithm, garbage)."""
    if not isinstance(text, str) or len(text) > MAX_KEY_TEXT:
        return None
    raw = b64url_decode(text)
    if raw is None:
        return None
    try:
        key = serialization.load_der_public_key(raw)
    except (ValueError, TypeError, binascii.Error):
        return None
    if not isinstance(key, ec.EllipticCurvePublicKey) or not isinstance(key.curve, ec.SECP256R1):
        return None
    return key.public_bytes(
        serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
    )


def register_device(user: User, name: str, public_key: bytes) -> FilingDevice:
    """A new filing device of `user`, valid for FILING_DEVICE_DAYS (the caller commits)."""
    now = utcnow()
    device = FilingDevice(
        user_id=user.id,
        name=name[:MAX_NAME],
        public_key=public_key,
        created_at=now,
        expires_at=now + timedelta(days=current_app.config["FILING_DEVICE_DAYS"]),
    )
    db.session.add(device)
    db.session.flush()
    return device


def devices_of(user: User) -> list[FilingDevice]:
    """`user`'s devices that are not revoked, newest first (expired ones too: revoking one
    still matters, since what it signed before expiring counts)."""
    return list(
        db.session.scalars(
            select(FilingDevice)
            .where(FilingDevice.user_id == user.id, FilingDevice.revoked_at.is_(None))
            .order_by(FilingDevice.created_at.desc(), FilingDevice.id.desc())
        )
    )


def expired(device: FilingDevice) -> bool:
    return aware(device.expires_at) <= utcnow()


def filing_device_user() -> int | None:
    """The signed-in facilitator's id, for the filing form's hidden `filing_user`: the
    service worker signs a queued form only with the key this browser holds for that
    account, so a colleague borrowing the phone never files in its owner's name."""
    user = current_user()
    return user.id if user is not None and user.role is Role.FACILITATOR else None


@bp.app_context_processor
def device_helpers() -> dict:
    return {"filing_device_expired": expired, "filing_device_user": filing_device_user}


@bp.get("/fasilitator/perangkat")
@staff(Role.FACILITATOR)
def devices() -> str:
    return render_template(
        "facilitation/devices.html", devices=devices_of(g.user), form=DeviceNameForm()
    )


@bp.post("/fasilitator/perangkat")
@staff(Role.FACILITATOR)
def register() -> Response | tuple[Response, int]:
    """Register this device: JSON {name, public_key} → {id, redirect}; translated JSON
    errors per field otherwise, nothing stored."""
    if (request.content_length or 0) > MAX_BODY or request.mimetype != "application/json":
        return json_error(
            400, _("The device could not be registered. Reload the page and try again.")
        )
    body = request.get_json(silent=True)
    if not isinstance(body, dict):
        return json_error(
            400, _("The device could not be registered. Reload the page and try again.")
        )
    name = body.get("name")
    form = DeviceNameForm(formdata=MultiDict({"name": name if isinstance(name, str) else ""}))
    errors: dict[str, list[str]] = {}
    if not form.validate():
        errors["name"] = [str(message) for message in form.name.errors]
    public_key = public_key_der(body.get("public_key"))
    if public_key is None:
        errors["_request"] = [
            _("This device's key could not be read. Reload the page and try again.")
        ]
    if errors:
        response = jsonify({"errors": errors})
        response.status_code = 422
        return response
    device = register_device(g.user, form.name.data, public_key)
    db.session.commit()
    return jsonify(
        {
            "id": device.id,
            "expires_at": aware(device.expires_at).isoformat(),
            "redirect": url_for("facilitation.devices", added=device.id),
        }
    )


def _own_device(device_id: int) -> FilingDevice:
    """The signed-in facilitator's device, or 404 (another's does not exist for them)."""
    device = db.session.get(FilingDevice, device_id)
    if device is None or device.user_id != g.user.id or device.revoked_at is not None:
        abort(404)
    return device


@bp.route("/fasilitator/perangkat/<int:device_id>/cabut", methods=["GET", "POST"])
@staff(Role.FACILITATOR)
def revoke(device_id: int) -> Response | str:
    """GET asks for confirmation (a stray click revokes nothing); POST revokes."""
    device = _own_device(device_id)
    form = RevokeDeviceForm()
    if form.validate_on_submit():
        device.revoked_at = utcnow()
        db.session.commit()
        return redirect(url_for("facilitation.devices", revoked=1), code=303)
    return render_template("facilitation/device_revoke.html", device=device, form=form)


# --- checking a signed complaint -------------------------------------------------------------


@dataclass(frozen=True)
class Signed:
    """What a request's filing headers claim, parsed (nothing checked yet)."""

    device_id: int
    signed_at: datetime
    signed_at_text: str
    signature: bytes


def _parse_headers() -> Signed | None:
    device_text = request.headers.get(DEVICE_HEADER, "").strip()
    signed_at_text = request.headers.get(SIGNED_AT_HEADER, "").strip()
    signature = b64url_decode(request.headers.get(SIGNATURE_HEADER, "").strip())
    if not device_text.isascii() or not device_text.isdigit() or len(device_text) > 18:
        return None
    if signature is None or len(signature) != SIGNATURE_BYTES or len(signed_at_text) > 40:
        return None
    try:
        signed_at = datetime.fromisoformat(signed_at_text)
    except ValueError:
        return None
    if signed_at.tzinfo is None:
        return None
    return Signed(int(device_text), signed_at, signed_at_text, signature)


def _sent_fields() -> dict[str, str] | None:
    """The complaint's fields exactly as received (multipart or JSON), for the digest."""
    if request.mimetype == "multipart/form-data":
        return {name: request.form.get(name, "") for name in request.form}
    if request.mimetype == "application/json":
        payload = request.get_json(silent=True)
        if isinstance(payload, dict) and all(isinstance(v, str) for v in payload.values()):
            return payload
    return None


def _idempotency_key() -> str:
    key = request.headers.get("Idempotency-Key", "").strip()
    try:
        return str(uuid.UUID(key))
    except ValueError:
        return key


def verify_signature(public_key: bytes, message: bytes, signature: bytes) -> bool:
    """Whether `signature` (WebCrypto's raw r||s) signs `message` with this P-256 key."""
    try:
        key = serialization.load_der_public_key(public_key)
        if not isinstance(key, ec.EllipticCurvePublicKey):
            return False
        half = len(signature) // 2
        der = encode_dss_signature(
            int.from_bytes(signature[:half], "big"), int.from_bytes(signature[half:], "big")
        )
        key.verify(der, message, ec.ECDSA(hashes.SHA256()))
    except (InvalidSignature, ValueError, TypeError):
        return False
    return True


def _refusal(signed: Signed | None) -> tuple[str, FilingDevice | None]:
    """Why this request's signature does not attribute it ("" when it does), and its device."""
    if signed is None:
        return "malformed headers", None
    device = db.session.get(FilingDevice, signed.device_id)
    if device is None:
        return "unknown device", None
    if device.revoked_at is not None:
        return "revoked device", device
    fields = _sent_fields()
    if fields is None:
        return "unreadable content", device
    message = signed_message(
        _idempotency_key(), signed.signed_at_text, device.id, content_digest(fields)
    )
    if not verify_signature(device.public_key, message, signed.signature):
        return "signature does not verify", device
    now = utcnow()
    if signed.signed_at > now + CLOCK_SKEW:
        return "signed in the future", device
    if signed.signed_at < aware(device.created_at) - CLOCK_SKEW:
        return "signed before the device was registered", device
    if signed.signed_at > aware(device.expires_at):
        return "signed after the device expired", device
    user = device.user
    if not user.active or user.role is not Role.FACILITATOR or user.organisation_id is None:
        return "not an active facilitator", device
    return "", device


def signature_sent() -> bool:
    """Whether this request carries any filing-device header."""
    return any(
        request.headers.get(name) for name in (DEVICE_HEADER, SIGNED_AT_HEADER, SIGNATURE_HEADER)
    )


def device_facilitator() -> User | None:
    """The facilitator a complaint in the current API request was signed for on their
    registered device, or None (no signature, or one that does not check out: the module
    docstring says why the complaint is then filed without them rather than held back).

    Marks the device as used. `device_checked()` tells afterwards whether a signature was
    sent and whether it counted, for the receipt's "attributed"."""
    if not signature_sent():
        setattr(g, _CHECKED, None)
        return None
    reason, device = _refusal(_parse_headers())
    if reason:
        setattr(g, _CHECKED, False)
        # The device id and why, for whoever runs the service: never the client's address.
        current_app.logger.info(
            "filing signature not accepted (%s), device %s",
            reason,
            device.id if device is not None else "-",
        )
        return None
    assert device is not None
    device.last_used_at = utcnow()
    setattr(g, _CHECKED, True)
    return device.user


def device_checked() -> bool | None:
    """After device_facilitator(): None if no signature was sent, else whether it counted."""
    return g.get(_CHECKED)


def receipt_attribution(attributed: bool) -> dict[str, bool]:
    """What an API receipt adds when a filing device signed the request: whether the
    complaint was filed with its facilitator (`attributed`), so the device can tell the
    facilitator when it was not. Nothing for requests without a signature."""
    return {} if device_checked() is None else {"attributed": attributed}
