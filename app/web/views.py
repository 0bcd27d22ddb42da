"""The start page, the language switch and the health check."""

from __future__ import annotations

from datetime import date

from flask import Response, jsonify, redirect, render_template, request
from flask_babel import gettext as _
from flask_babel import ngettext
from sqlalchemy import text

from app.complaints import deadlines
from app.db import utcnow
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


@bp.app_template_global()
def deadline(due: date | None) -> dict | None:
    """A deadline as staff pages show it: the date, working days left (or late), a class."""
    if due is None:
        return None
    today = deadlines.local_date(utcnow())
    left = deadlines.working_days_left(due, today)
    if due < today:
        # Past the date is late, even before a working day has gone by (a Friday deadline
        # seen on Saturday), as the agency inbox shows it; escalation waits for a working
        # day (app/deadlines/rules.py).
        late = max(1, -left)
        text = ngettext("%(num)d working day late", "%(num)d working days late", late)
        state = "late"
    elif left == 0:
        text, state = _("Due today"), "due"
    else:
        text = ngettext("%(num)d working day left", "%(num)d working days left", left)
        state = "due" if left <= 1 else "ok"
    return {"date": due, "left": left, "text": text, "state": state}
