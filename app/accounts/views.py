"""Signing in with a single-use link, the staff start page, signing out."""

from __future__ import annotations

from flask import Response, current_app, flash, g, redirect, render_template, session, url_for
from flask_babel import lazy_gettext as _l

from app.accounts import bp
from app.accounts.forms import SignInForm, SignOutForm
from app.accounts.links import link_purpose, redeem_link, redeemed_notice
from app.accounts.models import STAFF_ROLES, Role, User
from app.accounts.operations import LINK_MINUTES, usable_link
from app.accounts.sessions import end_session, start_session
from app.extensions import db
from app.ratelimit import failed, sign_in_guesses
from app.web.access import STAFF_SESSION, USER_ID, public, staff

# The staff navigation: (endpoint, label, roles that see it). A blueprint that is not
# registered (yet) simply has no link.
STAFF_LINKS = [
    ("verification.queue", _l("Verification queue"), {Role.VERIFIER, Role.ADMIN}),
    ("inbox.index", _l("Agency inbox"), {Role.OFFICER}),
    ("oversight.index", _l("Oversight"), {Role.SUPERVISOR, Role.ADMIN, Role.VERIFIER}),
    ("facilitation.index", _l("Reports you filed"), {Role.FACILITATOR}),
    ("facilitation.devices", _l("Filing devices"), {Role.FACILITATOR}),
    ("accounts.invitations", _l("Staff invitations"), {Role.ADMIN}),
    ("partners.keys", _l("API keys"), {Role.ADMIN}),
    ("accounts.home", _l("My account"), STAFF_ROLES),
]


@bp.app_context_processor
def staff_navigation() -> dict:
    def staff_links() -> list[tuple[str, str]]:
        user = g.get("user")
        if user is None:
            return []
        return [
            (endpoint, str(label))
            for endpoint, label, roles in STAFF_LINKS
            if user.role in roles and endpoint in current_app.view_functions
        ]

    return {"staff_links": staff_links}


def begin_staff_session(user: User) -> None:
    """Sign `user` in: every way of signing in (link, recovery code, passkey) ends here.

    Commits the session row together with whatever the caller changed (a link or code
    marked used), so a sign-in is never half-done.
    """
    staff_token = start_session(user)
    db.session.commit()
    # A fresh session at sign-in: nothing carried over, and a new random id that no one
    # could have planted beforehand (session fixation).
    session.clear()
    session[USER_ID] = user.id
    session[STAFF_SESSION] = staff_token


def home_for(user: User) -> str:
    """Where every sign-in lands (passkey, recovery code, link): a citizen's own account
    page, or the staff start page."""
    return url_for("accounts.citizen_home" if user.role is Role.CITIZEN else "accounts.home")


def end_current_session() -> None:
    """Sign-out: the server-side session ends, so no copy of the cookie works either."""
    end_session(session.get(STAFF_SESSION))
    db.session.commit()
    session.clear()


@bp.route("/masuk/<token>", methods=["GET", "POST"])
@sign_in_guesses
@public
def sign_in(token: str) -> Response | str | tuple[str, int]:
    """GET only shows a button: link scanners in mail clients must not use up the link."""
    form = SignInForm()
    if form.validate_on_submit():
        redeemed = redeem_link(token)  # a citizen's sign-in, new account or new address
        if redeemed is not None:
            user, purpose = redeemed
            begin_staff_session(user)
            notice = redeemed_notice(purpose, user)
            if notice:
                flash(notice, "account")
            return redirect(home_for(user), code=303)
    elif (link := usable_link(token)) is not None:
        return render_template("accounts/sign_in.html", form=form, purpose=link_purpose(link))
    failed()  # unknown, used or expired: counts towards the guessing limit
    return render_template("accounts/link_invalid.html", link_minutes=LINK_MINUTES), 410


@bp.get("/staf")
@staff(*STAFF_ROLES)
def home() -> str:
    return render_template("accounts/home.html", user=g.user, form=SignOutForm())


@bp.post("/keluar")
@staff(*STAFF_ROLES)
def sign_out() -> Response:
    if SignOutForm().validate_on_submit():
        end_current_session()
    return redirect(url_for("web.home"), code=303)
