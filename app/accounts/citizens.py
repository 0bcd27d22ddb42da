"""Citizens' own accounts, all optional: filing never needs one (the tracking code and secret
are always enough).

An account is made with a passkey (/akun/daftar) or with a link mailed to an address that has
no account yet (app/accounts/links.py); it signs in on /masuk like everyone, with a passkey, a
mailed link or a recovery code. Its page (/akun) lists the reports filed while signed in or
claimed with their code and secret, and holds the passkeys, recovery codes and email address —
the staff pages' own code and templates, reached through /akun routes (app/accounts/pages.py).
No passwords and no CAPTCHA anywhere; what can be guessed or sends mail is rate-limited.
"""

from __future__ import annotations

import base64
import binascii
import json

from flask import (
    Response,
    flash,
    g,
    jsonify,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from sqlalchemy.exc import SQLAlchemyError
from werkzeug.datastructures import MultiDict
from wtforms import EmailField, StringField, SubmitField
from wtforms.validators import InputRequired, Length, Optional

from app.accounts import bp, passkeys, recovery
from app.accounts.claims import Claimed, claim, my_complaints
from app.accounts.forms import SignOutForm
from app.accounts.links import (
    MAX_EMAIL,
    LinkRequestForm,
    check_email,
    normalise_email,
    request_email_change,
    request_sign_in_link,
)
from app.accounts.models import Role, User, new_passkey_handle
from app.accounts.operations import LINK_MINUTES
from app.accounts.views import begin_staff_session, end_current_session, home_for
from app.extensions import db
from app.intake.forms import clean_text
from app.ratelimit import (
    account_creations,
    challenge_requests,
    failed,
    link_requests,
    secret_guesses,
)
from app.web.access import STAFF_SESSION, citizen, current_user, public
from app.web.errors import json_error
from app.web.forms import too_long
from app.web.paging import page_arg

NEW_ACCOUNT = "new_account"  # session key: the handle (and answers) of an account being made
FLASH = "account"
MAX_NAME = 120


# --- forms -----------------------------------------------------------------------------------


class NewAccountForm(FlaskForm):
    """The answers sent with a new account's passkey options (as JSON, by static/js/passkey.js)."""

    name = StringField(
        _l("Your name (optional)"),
        description=_l("Only you see it, on your account page."),
        filters=[clean_text],
        validators=[Optional(), too_long(MAX_NAME)],
    )
    email = EmailField(
        _l("Email address (optional)"),
        description=_l(
            "We email you a link to confirm it. With it you can also sign in by email when "
            "you do not have your passkey."
        ),
        filters=[clean_text],
        validators=[
            Optional(),
            Length(max=MAX_EMAIL, message=_l("The email address is too long")),
            check_email,
        ],
    )


class ClaimForm(FlaskForm):
    code = StringField(
        _l("Tracking code"),
        description=_l("8 letters and numbers, for example K7M3-Q9XD."),
        filters=[clean_text],
        validators=[InputRequired(_l("Enter the tracking code"))],
    )
    secret = StringField(
        _l("Secret"),
        description=_l("The secret on the report's receipt, for example 4HKD-9QZX-MT2P-R7WA."),
        filters=[clean_text],
        validators=[InputRequired(_l("Enter the secret from your receipt"))],
    )
    submit = SubmitField(_l("Add to my account"))


class EmailChangeForm(FlaskForm):
    email = EmailField(
        _l("Email address"),
        description=_l(
            "We email a link to this address. It becomes your account's address when you open "
            "the link, within %(minutes)s minutes.",
            minutes=LINK_MINUTES,
        ),
        filters=[clean_text],
        validators=[
            InputRequired(_l("Enter your email address")),
            Length(max=MAX_EMAIL, message=_l("The email address is too long")),
            check_email,
        ],
    )
    submit = SubmitField(_l("Send a confirmation link"))


NO_MATCH = _l(
    "We could not find a report with that tracking code and secret. Check both and try again."
)


# --- signing in with an emailed link --------------------------------------------------------


def _send_link(template: str, **context: object) -> Response | tuple[str, int]:
    """Queue a sign-in link (or none: see request_sign_in_link) and answer the same way
    whatever the address; or show the form's errors on `template`."""
    form = LinkRequestForm()
    if not form.validate_on_submit():
        return render_template(template, form=form, **context), 422
    request_sign_in_link(form.email.data or "", str(get_locale()))
    db.session.commit()
    return redirect(url_for("accounts.link_sent"), code=303)


@bp.post("/masuk/tautan")
@link_requests
@public
def request_link() -> Response | tuple[str, int]:
    return _send_link("accounts/passkey_sign_in.html")


@bp.get("/masuk/tautan")
@public
def link_sent() -> str:
    """The one answer to every request for a link, whatever the address."""
    return render_template("accounts/link_sent.html", minutes=LINK_MINUTES)


# --- making an account -----------------------------------------------------------------------


@bp.get("/akun/daftar")
@public
def register_page() -> Response | str:
    user = current_user()
    if user is not None:
        return redirect(home_for(user), code=303)
    return render_template(
        "accounts/register.html", new=NewAccountForm(prefix="new"), form=LinkRequestForm()
    )


@bp.post("/akun/daftar/tautan")
@link_requests
@public
def register_by_link() -> Response | tuple[str, int]:
    return _send_link("accounts/register.html", new=NewAccountForm(prefix="new"))


def _json_answers() -> MultiDict | None:
    if (request.content_length or 0) > 4096:
        return None
    try:
        body = json.loads(request.get_data(cache=False) or b"{}")
    except ValueError:
        return None
    if not isinstance(body, dict) or not all(isinstance(v, str) for v in body.values()):
        return None
    return MultiDict(body)


@bp.post("/akun/daftar/opsi")
@public
@challenge_requests
def new_account_options() -> Response:
    """Options for a new account's first passkey. The account does not exist yet: its
    random handle (and the answers) wait in this session until the passkey verifies."""
    answers = _json_answers()
    if answers is None:
        return passkeys.not_checked()
    form = NewAccountForm(formdata=answers, prefix="new", meta={"csrf": False})
    if not form.validate():
        message = next(iter(m for messages in form.errors.values() for m in messages))
        return json_error(422, str(message))
    handle = new_passkey_handle()
    name, email = form.name.data or "", normalise_email(form.email.data)
    session[NEW_ACCOUNT] = {
        "handle": base64.urlsafe_b64encode(handle).decode(),
        "name": name,
        "email": email,
    }
    label = email or name or _("Suara Warga account")
    return passkeys.registration_options(handle, label, name or label, [])


def _pending_account() -> tuple[bytes, str, str] | None:
    pending = session.pop(NEW_ACCOUNT, None)
    if not isinstance(pending, dict):
        return None
    try:
        handle = base64.urlsafe_b64decode(str(pending["handle"]))
    except (KeyError, ValueError, binascii.Error):
        return None
    return handle, str(pending.get("name", ""))[:MAX_NAME], str(pending.get("email", ""))


@bp.post("/akun/daftar/passkey")
@public
@account_creations
def create_account() -> Response | tuple[Response, int]:
    """Make the account once its first passkey verifies (never before: no half-made
    accounts), sign it in, and offer its first recovery codes."""
    pending = _pending_account()
    new = passkeys.verified_registration()  # uses up the challenge whatever happens next
    if isinstance(new, Response):
        return new
    if pending is None:
        return passkeys.expired()
    handle, name, email = pending
    user = User(role=Role.CITIZEN, name=name, email=None, passkey_handle=handle)
    db.session.add(user)
    db.session.flush()
    passkeys.store_passkey(user, new)
    if email:  # becomes the account's address when the link to it is opened
        request_email_change(user, email, str(get_locale()))
    begin_staff_session(user)  # commits the account, its passkey and any link together
    if email:
        flash(_confirmation_sent(email), FLASH)
    return jsonify({"redirect": url_for("accounts.citizen_recovery_codes", new=1)})


def _confirmation_sent(email: str) -> str:
    return _(
        "We sent a link to %(email)s. It becomes your account's email address when you open "
        "the link, within %(minutes)s minutes.",
        email=email,
        minutes=LINK_MINUTES,
    )


# --- the account page ------------------------------------------------------------------------


@bp.get("/akun")
@citizen
def citizen_home() -> str:
    rows, pages = my_complaints(g.user, page_arg())
    return render_template(
        "accounts/citizen_home.html",
        user=g.user,
        rows=rows,
        page_number=min(page_arg(), pages),
        pages=pages,
        form=SignOutForm(),
    )


@bp.route("/akun/klaim", methods=["GET", "POST"])
@secret_guesses(methods=["POST"])
@citizen
def claim_complaint() -> Response | str | tuple[str, int]:
    """Add an earlier report with its tracking code and secret. A wrong pair counts against
    the same limits as guessing on /lacak; a report in another account is said to be taken,
    never by whom (and only to someone who knows its secret)."""
    form = ClaimForm()
    if not form.validate_on_submit():
        status = 422 if form.is_submitted() else 200
        return render_template("accounts/claim.html", form=form), status
    claimed = claim(g.user, form.code.data or "", form.secret.data or "")
    result, complaint = claimed.outcome, claimed.complaint
    if result is Claimed.NO_MATCH:
        failed()
        form.code.errors.append(NO_MATCH)
        return render_template("accounts/claim.html", form=form), 422
    if result is Claimed.TAKEN:
        form.code.errors.append(
            _(
                "This report is already in another account. One report can be in one account "
                "only. If that is not your account, keep your secret safe: anyone who has it "
                "can act as the reporter."
            )
        )
        return render_template("accounts/claim.html", form=form), 409
    db.session.commit()
    assert complaint is not None
    if claimed.new_secret is not None:
        # Shown once, on this page: never in a redirect's flash (the session is a cookie).
        return render_template(
            "accounts/claimed_new_secret.html", complaint=complaint, secret=claimed.new_secret
        )
    if result is Claimed.ALREADY_MINE:
        flash(_("Report %(code)s is already in your account.", code=complaint.tracking_code), FLASH)
    else:
        flash(_("Report %(code)s is now in your account.", code=complaint.tracking_code), FLASH)
    return redirect(url_for("accounts.citizen_home"), code=303)


@bp.route("/akun/email", methods=["GET", "POST"])
@link_requests
@citizen
def change_email() -> Response | str | tuple[str, int]:
    """Add or change the address: it changes only when the link sent to it is opened."""
    form = EmailChangeForm()
    if not form.validate_on_submit():
        status = 422 if form.is_submitted() else 200
        return render_template("accounts/email_change.html", form=form), status
    email = normalise_email(form.email.data)
    if email == g.user.email:
        form.email.errors.append(_("This is already your email address."))
        return render_template("accounts/email_change.html", form=form), 422
    request_email_change(g.user, email, str(get_locale()))
    db.session.commit()
    flash(_confirmation_sent(email), FLASH)
    return redirect(url_for("accounts.citizen_home"), code=303)


@bp.post("/akun/keluar")
@citizen
def citizen_sign_out() -> Response:
    if SignOutForm().validate_on_submit():
        end_current_session()
    return redirect(url_for("web.home"), code=303)


# --- passkeys and recovery codes: the staff pages' own code (app/accounts/pages.py) ------------


@bp.post("/akun/passkey/opsi")
@citizen
def citizen_registration_options() -> Response:
    return passkeys.own_registration_options()


@bp.post("/akun/passkey/daftar")
@citizen
def citizen_register() -> Response | tuple[Response, int]:
    return passkeys.add_passkey()


@bp.route("/akun/passkey/<int:passkey_id>/nama", methods=["GET", "POST"])
@citizen
def citizen_rename_passkey(passkey_id: int) -> Response | str:
    return passkeys.rename(passkey_id)


@bp.route("/akun/passkey/<int:passkey_id>/hapus", methods=["GET", "POST"])
@citizen
def citizen_remove_passkey(passkey_id: int) -> Response | str:
    return passkeys.remove(passkey_id)


@bp.get("/akun/kode-pemulihan")
@citizen
def citizen_recovery_codes() -> str:
    return recovery.confirm_new_codes(welcome=bool(request.args.get("new")))


@bp.post("/akun/kode-pemulihan")
@citizen
def citizen_create_recovery_codes() -> Response | tuple[str, int, dict[str, str]]:
    return recovery.show_new_codes()


# --- the public header -----------------------------------------------------------------------


@bp.app_context_processor
def account_navigation() -> dict:
    """`account_link()` for the public header: "My account" for anyone signed in (their
    own start page), else "Sign in"."""

    def account_link() -> tuple[str, str]:
        user = g.get("user")
        if user is None and STAFF_SESSION in session:
            try:
                user = current_user()
            except SQLAlchemyError:  # an error page about the database itself
                user = None
        if user is None:
            return url_for("accounts.passkey_sign_in"), _("Sign in")
        return home_for(user), _("My account")

    return {"account_link": account_link}
