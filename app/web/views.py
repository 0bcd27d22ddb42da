"""The start page, the language switch and the health check."""

from __future__ import annotations

from flask import Response, jsonify, redirect, render_template, request
from sqlalchemy import text

from app.extensions import db
from app.web import bp
from app.web.access import public, public_api
from app.web.caching import offline_ready
from app.web.forms import LanguageForm
from app.web.i18n import LANG_COOKIE

ONE_YEAR = 365 * 24 * 3600


@bp.get("/")
@public
@offline_ready
def home() -> str:
    return render_template("web/home.html")


@bp.get("/aksesibilitas")
@public
@offline_ready
def accessibility() -> str:
    return render_template("web/accessibility.html")


@bp.post("/bahasa")
@public
def switch_language() -> Response:
    form = LanguageForm()
    chosen = "en" if form.en.data else "id"
    target = form.next.data or "/"
    # Only a path on this site: never an absolute or scheme-relative URL (open redirect).
    if not target.startswith("/") or target.startswith("//") or "\\" in target:
        target = "/"
    response = redirect(target, code=303)
    if form.validate_on_submit():
        response.set_cookie(LANG_COOKIE, chosen, max_age=ONE_YEAR, samesite="Lax", httponly=True)
    return response


@bp.get("/healthz")
@public_api
def healthz() -> Response:
    db.session.execute(text("SELECT 1"))
    return jsonify({"status": "ok"})


@bp.app_context_processor
def language_form() -> dict:
    def make() -> LanguageForm:
        return LanguageForm(next=request.full_path.rstrip("?"), formdata=None)

    return {"language_form": make}
