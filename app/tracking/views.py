"""Track a complaint on the web, or through GET /api/v1/complaints/<code>."""

from __future__ import annotations

from flask import Response, abort, jsonify, redirect, render_template, request, session, url_for
from flask_babel import gettext as _

from app.complaints.models import Complaint
from app.intake.forms import TrackForm
from app.tracking import bp
from app.tracking.queries import by_code, public_timeline, unlock
from app.web.access import public, public_api
from app.web.caching import offline_ready
from app.web.errors import json_error

UNLOCKED = "unlocked"


@bp.route("/lacak", methods=["GET", "POST"])
@public
@offline_ready
def track() -> Response | str | tuple[str, int]:
    form = TrackForm()
    if not form.validate_on_submit():
        status = 422 if form.is_submitted() else 200
        return render_template("tracking/track.html", form=form), status
    complaint, may_read = unlock(form.code.data, form.secret.data)
    if complaint is None:
        form.code.errors.append(
            _(
                "We could not find a report with that tracking code and secret. Check both and "
                "try again."
            )
        )
        return render_template("tracking/track.html", form=form), 422
    if may_read and complaint.privacy.needs_secret:
        # Remember in this browser's session, never in the URL (history, logs, referrers).
        session[UNLOCKED] = [*session.get(UNLOCKED, [])[-9:], complaint.tracking_code]
    return redirect(url_for("tracking.status", code=complaint.tracking_code), code=303)


@bp.get("/lacak/<code>")
@public
def status(code: str) -> str:
    complaint = by_code(code)
    if complaint is None:
        abort(404)
    may_read = not complaint.privacy.needs_secret or complaint.tracking_code in session.get(
        UNLOCKED, []
    )
    return render_template(
        "tracking/status.html",
        complaint=complaint,
        may_read=may_read,
        timeline=public_timeline(complaint),
    )


@bp.get("/api/v1/complaints/<code>")
@public_api
def api_status(code: str) -> Response | tuple[Response, int]:
    complaint, may_read = unlock(code, request.headers.get("X-Tracking-Secret"))
    if complaint is None:
        return json_error(404, _("No report matches that tracking code and secret."), "code")
    return jsonify(_status_json(complaint, may_read))


def _status_json(complaint: Complaint, may_read: bool) -> dict:
    body = {
        "tracking_code": complaint.tracking_code,
        "type": complaint.type.value,
        "privacy": complaint.privacy.value,
        "status": complaint.status.value,
        "status_title": complaint.status.title,
        "received_at": complaint.created_at.isoformat(),
        "timeline": [
            {
                "kind": e.kind.value,
                "title": e.kind.title,
                "status": e.status.value,
                "at": e.created_at.isoformat(),
                "note": e.note,
            }
            for e in public_timeline(complaint)
        ],
        "content": None,
    }
    if may_read:
        body["content"] = {
            "title": complaint.title,
            "description": complaint.description,
            "region_code": complaint.region_code,
            "region": complaint.region.path,
            "category": complaint.category_code,
            "occurred_on": complaint.occurred_on.isoformat() if complaint.occurred_on else None,
            "attachments": len(complaint.attachments),
        }
    return body
