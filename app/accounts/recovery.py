"""One-time recovery codes: the sign-in that needs no passkey-capable device (staff, and
citizens' accounts).

A set is 10 codes like K7M3Q-9XDHP (10 characters from the tracking codes' unambiguous
alphabet, read aloud or typed from paper without mixing up 0/O or 1/I/L). A code is shown
once, when its set is made, and works once. Making a new set deletes the old one in the
same transaction, so exactly one set is ever valid.

Why a fast keyed hash and not bcrypt/argon2: a code is random, not chosen by a person, so
there is no dictionary to try; 29^10 ≈ 4 × 10^14 (48 bits) per code puts online guessing,
which is rate-limited per client and per account, out of reach. Offline, the hash is an
HMAC with the server's SECRET_KEY (a pepper): a copy of the database alone lets nobody test
a single guess. Someone holding both the database and the key could grind through 2^48 per
code with enough GPUs; a slow hash would only multiply that, while making every sign-in
attempt (and every guess an attacker sends us) cost real CPU. Someone with both already has
the keys to the service; the remedy then is a new SECRET_KEY and new codes for everyone.

A code is used with its account's email address. A citizen's account may have none: then
the code alone (/masuk/kode-pemulihan?tanpa-email=1) finds its account, among citizens'
accounts without an address only. That loses the per-account limit (there is no address to
count by); the limit per client stays, and 48 bits per code keep guessing out of reach.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from functools import partial

from flask import Response, current_app, flash, g, redirect, render_template, request
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from sqlalchemy import delete, func, select, update
from wtforms import EmailField, StringField, SubmitField
from wtforms.validators import InputRequired

from app.accounts import bp
from app.accounts.models import STAFF_ROLES, RecoveryCode, Role, User
from app.accounts.pages import account_url
from app.accounts.views import begin_staff_session, home_for
from app.complaints import codes
from app.db import utcnow
from app.extensions import db
from app.ratelimit import failed, recovery_guesses
from app.web.access import public, staff

CODES_PER_SET = 10
CODE_LENGTH = 10
FLASH = "recovery"


# --- the codes -------------------------------------------------------------------------------


def new_code() -> str:
    """Like K7M3Q-9XDHP: two groups of five, easy to copy by hand."""
    chars = "".join(secrets.choice(codes.ALPHABET) for _ in range(CODE_LENGTH))
    return f"{chars[:5]}-{chars[5:]}"


def hash_code(code: str) -> str:
    """HMAC-SHA256 of the normalised code (upper case, no spaces or dashes), keyed with the
    SECRET_KEY; the module docstring says why this is enough."""
    key = current_app.config["SECRET_KEY"].encode()
    message = f"recovery-code:{codes.normalise(code)}".encode()
    return hmac.new(key, message, hashlib.sha256).hexdigest()


def create_codes(user: User) -> list[str]:
    """A fresh set for `user`, replacing every earlier code (used or not) in the caller's
    transaction; the plain codes are returned to be shown once and never stored."""
    db.session.execute(
        delete(RecoveryCode)
        .where(RecoveryCode.user_id == user.id)
        .execution_options(synchronize_session=False)
    )
    made: list[str] = []
    while len(made) < CODES_PER_SET:
        code = new_code()
        if code not in made:
            made.append(code)
    now = utcnow()
    db.session.add_all(
        RecoveryCode(user_id=user.id, code_hash=hash_code(code), created_at=now) for code in made
    )
    db.session.flush()
    return made


def codes_left(user: User) -> int:
    """How many of `user`'s codes still work."""
    return db.session.scalar(
        select(func.count())
        .select_from(RecoveryCode)
        .where(RecoveryCode.user_id == user.id, RecoveryCode.used_at.is_(None))
    )


def find_code(email: str, code: str) -> RecoveryCode | None:
    """The unused code `code` of the active account `email` (with no email: of a citizen's
    account without one), or None (for any reason)."""
    if len(codes.normalise(code)) != CODE_LENGTH:
        return None
    email = email.strip().lower()
    account = User.email == email if email else (User.email.is_(None) & (User.role == Role.CITIZEN))
    return db.session.scalar(
        select(RecoveryCode)
        .join(User, RecoveryCode.user_id == User.id)
        .where(
            RecoveryCode.code_hash == hash_code(code),
            RecoveryCode.used_at.is_(None),
            account,
            User.active.is_(True),
        )
    )


def claim(recovery_code: RecoveryCode) -> bool:
    """Mark the code used, if nobody did meanwhile: the conditional UPDATE lets only one of
    two requests racing with the same code succeed (on SQLite and PostgreSQL alike)."""
    return (
        db.session.execute(
            update(RecoveryCode)
            .where(RecoveryCode.id == recovery_code.id, RecoveryCode.used_at.is_(None))
            .values(used_at=utcnow())
            .execution_options(synchronize_session=False)
        ).rowcount
        == 1
    )


def redeem_code(email: str, code: str) -> User | None:
    """Use a recovery code once: the user it signs in, or None."""
    recovery_code = find_code(email, code)
    if recovery_code is None or not claim(recovery_code):
        return None
    return recovery_code.user


# --- forms -----------------------------------------------------------------------------------


class CreateCodesForm(FlaskForm):
    submit = SubmitField(_l("Create new recovery codes"))


class RecoverySignInForm(FlaskForm):
    email = EmailField(
        _l("Email address"), validators=[InputRequired(_l("Enter your email address"))]
    )
    code = StringField(
        _l("Recovery code"),
        description=_l("One of the 10 codes you saved, for example K7M3Q-9XDHP."),
        validators=[InputRequired(_l("Enter a recovery code"))],
    )
    submit = SubmitField(_l("Sign in"))


class CodeOnlySignInForm(RecoverySignInForm):
    """For a citizen's account without an email address: the code alone."""

    email = None


NO_MATCH = _l(
    "That email address and recovery code do not match, or the code has been used already. "
    "Check both and try again."
)

NO_MATCH_CODE = _l(
    "That recovery code does not work: it is mistyped, used already, or belongs to an "
    "account with an email address. Check it and try again."
)


# --- pages -----------------------------------------------------------------------------------


@bp.app_template_global()
def recovery_codes_left(user: User) -> int:
    """For the staff start page's recovery codes section."""
    return codes_left(user)


# The signed-in user's own codes: these bodies serve staff (the /staf routes here) and citizens
# (the /akun routes in app/accounts/citizens.py) alike.


def confirm_new_codes(welcome: bool = False) -> str:
    """Confirm before making a new set: the old codes stop working. `welcome`: the first
    page of a new citizen's account, which offers its first set."""
    return render_template(
        "accounts/recovery_confirm.html",
        left=codes_left(g.user),
        form=CreateCodesForm(),
        welcome=welcome,
    )


def show_new_codes() -> Response | tuple[str, int, dict[str, str]]:
    """Show the new codes in this response only: no redirect-after-post, because showing
    them again later would mean keeping them somewhere."""
    if not CreateCodesForm().validate_on_submit():
        return redirect(account_url("recovery_codes"), code=303)
    user: User = g.user
    made = create_codes(user)
    db.session.commit()
    heading = (
        _("Suara Warga recovery codes for %(email)s", email=user.email)
        if user.email
        else _("Suara Warga recovery codes")
    )
    text = "\n".join([heading, "", *made, ""])
    return (
        render_template("accounts/recovery_codes.html", codes=made, text=text),
        200,
        {"Cache-Control": "no-store"},
    )


@bp.get("/staf/kode-pemulihan")
@staff(*STAFF_ROLES)
def recovery_codes() -> str:
    return confirm_new_codes()


@bp.post("/staf/kode-pemulihan")
@staff(*STAFF_ROLES)
def create_recovery_codes() -> Response | tuple[str, int, dict[str, str]]:
    return show_new_codes()


@bp.route("/masuk/kode-pemulihan", methods=["GET", "POST"])
@recovery_guesses
@public
def recovery_sign_in() -> Response | str | tuple[str, int]:
    """With the account's email and a code; `?tanpa-email=1`: a code alone, for a citizen's
    account that has no email address."""
    without_email = bool(request.args.get("tanpa-email"))
    form = CodeOnlySignInForm() if without_email else RecoverySignInForm()
    page = partial(render_template, "accounts/recovery_sign_in.html", form=form)
    if not form.validate_on_submit():
        return page(), 422 if form.is_submitted() else 200
    email = "" if without_email else (form.email.data or "")
    user = redeem_code(email, form.code.data or "")
    if user is None:
        failed()  # wrong email, wrong or used code: one message, one limit
        form.code.errors.append(NO_MATCH_CODE if without_email else NO_MATCH)
        return page(), 422
    begin_staff_session(user)  # commits the code's used_at with the new session
    flash(
        _(
            "You signed in with a recovery code. Recovery codes left: %(num)d. Add a passkey, "
            "or create new codes when only a few are left.",
            num=codes_left(user),
        ),
        FLASH,
    )
    return redirect(home_for(user), code=303)
