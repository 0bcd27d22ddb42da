"""Signing in with a single-use link, the staff start page, signing out."""

from __future__ import annotations

from flask import Response, g, redirect, render_template, session, url_for

from app.accounts import bp
from app.accounts.forms import SignInForm, SignOutForm
from app.accounts.models import Role
from app.accounts.operations import redeem, usable_link
from app.extensions import db
from app.web.access import USER_ID, public, staff


@bp.route("/masuk/<token>", methods=["GET", "POST"])
@public
def sign_in(token: str) -> Response | str | tuple[str, int]:
    """GET only shows a button: link scanners in mail clients must not use up the link."""
    form = SignInForm()
    if form.validate_on_submit():
        user = redeem(token)
        if user is not None:
            db.session.commit()
            session.clear()  # a fresh session at sign-in: nothing carried over
            session[USER_ID] = user.id
            return redirect(url_for("accounts.home"), code=303)
    elif usable_link(token) is not None:
        return render_template("accounts/sign_in.html", form=form)
    return render_template("accounts/link_invalid.html"), 410


@bp.get("/staf")
@staff(*Role)
def home() -> str:
    return render_template("accounts/home.html", user=g.user, form=SignOutForm())


@bp.post("/keluar")
@staff(*Role)
def sign_out() -> Response:
    if SignOutForm().validate_on_submit():
        session.clear()
    return redirect(url_for("web.home"), code=303)
