"""Passkeys (WebAuthn, py_webauthn 3): staff register them on /staf and sign in with them
on /masuk.

Each ceremony is two POSTs from static/js/passkey.js: one returns the options (with a fresh
challenge), the other sends the authenticator's answer, which py_webauthn verifies against
that challenge, our origin and relying party id. The challenge is kept in the Flask session
(binding it to this browser) and, by its hash, in a PasskeyChallenge row (making it single-use:
the session is a signed cookie that a replay could send again). Every failure is a translated
JSON error the page shows; nothing here can raise a 500 on bad input.
"""

from __future__ import annotations

import base64
import hashlib
import json
import secrets
from dataclasses import dataclass
from datetime import timedelta
from urllib.parse import urlsplit

from flask import (
    Response,
    abort,
    current_app,
    g,
    jsonify,
    redirect,
    render_template,
    request,
    session,
)
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from sqlalchemy import delete, func, select
from webauthn import (
    generate_authentication_options,
    generate_registration_options,
    options_to_json,
    verify_authentication_response,
    verify_registration_response,
)
from webauthn.helpers import (
    parse_authentication_credential_json,
    parse_registration_credential_json,
)
from webauthn.helpers.exceptions import WebAuthnException
from webauthn.helpers.structs import (
    AuthenticatorSelectionCriteria,
    AuthenticatorTransport,
    PublicKeyCredentialDescriptor,
    ResidentKeyRequirement,
    UserVerificationRequirement,
)
from wtforms import StringField, SubmitField
from wtforms.validators import DataRequired

from app.accounts import bp
from app.accounts.links import LinkRequestForm
from app.accounts.models import STAFF_ROLES, PasskeyChallenge, PasskeyCredential, User
from app.accounts.pages import account_url
from app.accounts.views import begin_staff_session, home_for
from app.db import utcnow
from app.extensions import db
from app.ratelimit import challenge_requests
from app.web.access import public, staff
from app.web.errors import json_error
from app.web.forms import too_long

REGISTERING = "passkey_registration"  # session keys holding the pending challenge
SIGNING_IN = "passkey_sign_in"
MAX_NAME = 60
MAX_BODY = 64 * 1024  # a credential is a few KB at most


class PasskeyNameForm(FlaskForm):
    name = StringField(
        _l("Name"),
        description=_l("So you can tell your passkeys apart, e.g. the device it is on."),
        validators=[DataRequired(_l("Enter a name for the passkey")), too_long(MAX_NAME)],
    )
    submit = SubmitField(_l("Save name"))


class RemovePasskeyForm(FlaskForm):
    submit = SubmitField(_l("Remove passkey"))


# --- settings --------------------------------------------------------------------------------


def rp_id() -> str:
    """WEBAUTHN_RP_ID, or the host of this request (without its port)."""
    return current_app.config["WEBAUTHN_RP_ID"] or (urlsplit(request.host_url).hostname or "")


def origins() -> list[str]:
    """WEBAUTHN_ORIGINS, or the origin of this request."""
    configured = current_app.config["WEBAUTHN_ORIGINS"]
    return list(configured) if configured else [request.host_url.rstrip("/")]


# --- challenges ------------------------------------------------------------------------------


def _digest(challenge: bytes) -> str:
    return hashlib.sha256(challenge).hexdigest()


def new_challenge(key: str) -> bytes:
    """A fresh challenge, remembered in the session under `key` and in the database; expired
    ones are cleared out on the way, so unanswered challenges do not pile up."""
    challenge = secrets.token_bytes(32)
    now = utcnow()
    db.session.execute(delete(PasskeyChallenge).where(PasskeyChallenge.expires_at < now))
    seconds = current_app.config["WEBAUTHN_CHALLENGE_SECONDS"]
    db.session.add(
        PasskeyChallenge(
            challenge_hash=_digest(challenge),
            created_at=now,
            expires_at=now + timedelta(seconds=seconds),
        )
    )
    db.session.commit()
    session[key] = base64.urlsafe_b64encode(challenge).decode()
    return challenge


def take_challenge(key: str) -> bytes | None:
    """The challenge this session was given under `key`, used up now (whatever the answer);
    None when there is none, it expired, or it was already answered."""
    stored = session.pop(key, None)
    if not isinstance(stored, str):
        return None
    try:
        challenge = base64.urlsafe_b64decode(stored)
    except ValueError:
        return None
    taken = db.session.execute(
        delete(PasskeyChallenge).where(
            PasskeyChallenge.challenge_hash == _digest(challenge),
            PasskeyChallenge.expires_at >= utcnow(),
        )
    ).rowcount
    db.session.commit()
    return challenge if taken == 1 else None


def _options_response(options: object) -> Response:
    response = current_app.response_class(options_to_json(options), mimetype="application/json")
    response.headers["Cache-Control"] = "no-store"
    return response


def _credential_json() -> dict | None:
    """The credential the browser sent (its toJSON()), or None when it is not a JSON object."""
    if (request.content_length or 0) > MAX_BODY:
        return None
    try:
        body = json.loads(request.get_data(cache=False) or b"null")
    except ValueError:
        return None
    return body if isinstance(body, dict) else None


def expired() -> Response:
    return json_error(400, _("The passkey request has expired or was already used. Try again."))


def not_checked() -> Response:
    return json_error(400, _("Your passkey could not be checked. Try again."))


# --- registering (signed-in staff) -------------------------------------------------------------


def user_handle(user: User) -> bytes:
    """The WebAuthn user handle: random bytes of the account, never a name or an email."""
    return user.passkey_handle


def passkeys_of(user: User) -> list[PasskeyCredential]:
    return list(
        db.session.scalars(
            select(PasskeyCredential)
            .where(PasskeyCredential.user_id == user.id)
            .order_by(PasskeyCredential.created_at, PasskeyCredential.id)
        )
    )


@bp.app_context_processor
def passkey_helpers() -> dict:
    """For templates/accounts/home.html: the signed-in user's passkeys and the forms."""
    return {"passkeys_of": passkeys_of, "remove_passkey_form": RemovePasskeyForm}


def _transports(names: str) -> list[AuthenticatorTransport]:
    known = {transport.value: transport for transport in AuthenticatorTransport}
    return [known[name] for name in names.split() if name in known]


def registration_options(
    handle: bytes, user_name: str, display_name: str, existing: list[PasskeyCredential]
) -> Response:
    """Options for creating a passkey for the account with `handle` (which may not exist
    yet: an invitee or a new citizen), with a fresh challenge kept under REGISTERING."""
    options = generate_registration_options(
        rp_id=rp_id(),
        rp_name=current_app.config["WEBAUTHN_RP_NAME"],
        user_name=user_name,
        user_id=handle,
        user_display_name=display_name,
        challenge=new_challenge(REGISTERING),
        timeout=current_app.config["WEBAUTHN_CHALLENGE_SECONDS"] * 1000,
        authenticator_selection=AuthenticatorSelectionCriteria(
            resident_key=ResidentKeyRequirement.REQUIRED,
            user_verification=UserVerificationRequirement.REQUIRED,
        ),
        exclude_credentials=[
            PublicKeyCredentialDescriptor(
                id=passkey.credential_id, transports=_transports(passkey.transports)
            )
            for passkey in existing
        ],
    )
    return _options_response(options)


@dataclass(frozen=True)
class NewPasskey:
    """A verified registration, not stored yet (see store_passkey)."""

    credential_id: bytes
    public_key: bytes
    sign_count: int
    transports: str


def verified_registration() -> NewPasskey | Response:
    """The passkey this request registers, checked against this session's challenge, our
    origin and rp id; or the translated JSON error to answer with. Stores nothing."""
    challenge = take_challenge(REGISTERING)
    if challenge is None:
        return expired()
    body = _credential_json()
    if body is None:
        return not_checked()
    try:
        credential = parse_registration_credential_json(body)
        verified = verify_registration_response(
            credential=credential,
            expected_challenge=challenge,
            expected_rp_id=rp_id(),
            expected_origin=origins(),
            require_user_verification=True,
        )
    except (WebAuthnException, ValueError, TypeError, KeyError):
        return not_checked()
    taken = db.session.scalar(
        select(PasskeyCredential.id).where(
            PasskeyCredential.credential_id == verified.credential_id
        )
    )
    if taken is not None:
        return json_error(400, _("This passkey is already registered."))
    transports = " ".join(t.value for t in credential.response.transports or [])
    return NewPasskey(
        verified.credential_id, verified.credential_public_key, verified.sign_count, transports
    )


def store_passkey(user: User, new: NewPasskey) -> PasskeyCredential:
    """Keep `new` as one of `user`'s passkeys, named "Passkey N" (the caller commits)."""
    count = db.session.scalar(select(func.count()).where(PasskeyCredential.user_id == user.id))
    passkey = PasskeyCredential(
        user_id=user.id,
        credential_id=new.credential_id,
        public_key=new.public_key,
        sign_count=new.sign_count,
        transports=new.transports[:200],
        name=_("Passkey %(number)s", number=(count or 0) + 1)[:MAX_NAME],
    )
    db.session.add(passkey)
    db.session.flush()
    return passkey


# The signed-in user's own passkeys: the bodies below serve staff (the /staf routes here) and
# citizens (the /akun routes in app/accounts/citizens.py) alike; app/accounts/pages.py says
# where each kind of account finds them.


def own_registration_options() -> Response:
    """Options for adding a passkey to the signed-in account."""
    user: User = g.user
    name = user.email or user.name or _("Suara Warga account")
    return registration_options(user_handle(user), name, user.name or name, passkeys_of(user))


def add_passkey() -> Response | tuple[Response, int]:
    """Store the verified passkey for the signed-in account."""
    new = verified_registration()
    if isinstance(new, Response):
        return new
    store_passkey(g.user, new)
    db.session.commit()
    return jsonify({"redirect": account_url("home", added=1)})


def rename(passkey_id: int) -> Response | str:
    passkey = _own_passkey(passkey_id)
    form = PasskeyNameForm(data={"name": passkey.name} if request.method == "GET" else None)
    if form.validate_on_submit():
        passkey.name = form.name.data.strip()
        db.session.commit()
        return redirect(account_url("home"), code=303)
    return render_template("accounts/passkey_rename.html", form=form, passkey=passkey)


def remove(passkey_id: int) -> Response | str:
    """GET asks for confirmation (so a stray click removes nothing); POST removes. The page
    warns when it is the last passkey, and says what else still signs the account in."""
    passkey = _own_passkey(passkey_id)
    form = RemovePasskeyForm()
    if form.validate_on_submit():
        db.session.delete(passkey)
        db.session.commit()
        return redirect(account_url("home", removed=1), code=303)
    last = len(passkeys_of(g.user)) == 1
    return render_template("accounts/passkey_remove.html", form=form, passkey=passkey, last=last)


@bp.post("/staf/passkey/opsi")
@staff(*STAFF_ROLES)
def staff_registration_options() -> Response:
    return own_registration_options()


@bp.post("/staf/passkey/daftar")
@staff(*STAFF_ROLES)
def register() -> Response | tuple[Response, int]:
    return add_passkey()


def _own_passkey(passkey_id: int) -> PasskeyCredential:
    """The signed-in user's passkey, or 404 (another user's passkey does not exist for them)."""
    passkey = db.session.get(PasskeyCredential, passkey_id)
    if passkey is None or passkey.user_id != g.user.id:
        abort(404)
    return passkey


@bp.route("/staf/passkey/<int:passkey_id>/nama", methods=["GET", "POST"])
@staff(*STAFF_ROLES)
def rename_passkey(passkey_id: int) -> Response | str:
    return rename(passkey_id)


@bp.route("/staf/passkey/<int:passkey_id>/hapus", methods=["GET", "POST"])
@staff(*STAFF_ROLES)
def remove_passkey(passkey_id: int) -> Response | str:
    return remove(passkey_id)


# --- signing in ------------------------------------------------------------------------------


@bp.get("/masuk")
@public
def passkey_sign_in() -> str:
    """One sign-in page for everyone: a passkey (also offered in the email field's autofill,
    where the browser can), an emailed link for citizens, or a recovery code."""
    return render_template("accounts/passkey_sign_in.html", form=LinkRequestForm())


@bp.post("/masuk/passkey/opsi")
@public
@challenge_requests
def authentication_options() -> Response:
    options = generate_authentication_options(
        rp_id=rp_id(),
        challenge=new_challenge(SIGNING_IN),
        timeout=current_app.config["WEBAUTHN_CHALLENGE_SECONDS"] * 1000,
        allow_credentials=[],  # discoverable: the authenticator offers its passkeys for us
        user_verification=UserVerificationRequirement.REQUIRED,
    )
    return _options_response(options)


@bp.post("/masuk/passkey")
@public
def authenticate() -> Response | tuple[Response, int]:
    challenge = take_challenge(SIGNING_IN)
    if challenge is None:
        return expired()
    body = _credential_json()
    if body is None:
        return not_checked()
    try:
        credential = parse_authentication_credential_json(body)
    except (WebAuthnException, ValueError, TypeError, KeyError):
        return not_checked()
    passkey = db.session.scalar(
        select(PasskeyCredential).where(PasskeyCredential.credential_id == credential.raw_id)
    )
    handle = credential.response.user_handle
    if (
        passkey is None
        or not passkey.user.active
        or (handle is not None and handle != user_handle(passkey.user))
    ):
        return json_error(
            401,
            _("This passkey is not registered here. Use another passkey or another way in."),
        )
    try:
        verified = verify_authentication_response(
            credential=credential,
            expected_challenge=challenge,
            expected_rp_id=rp_id(),
            expected_origin=origins(),
            credential_public_key=passkey.public_key,
            # Rejects a counter that did not go up (unless the authenticator keeps none: 0).
            credential_current_sign_count=passkey.sign_count,
            require_user_verification=True,
        )
    except (WebAuthnException, ValueError, TypeError, KeyError):
        return not_checked()
    passkey.sign_count = verified.new_sign_count
    passkey.last_used_at = utcnow()
    begin_staff_session(passkey.user)  # commits the passkey's new counter with the session
    return jsonify({"redirect": home_for(passkey.user)})
