"""Track a complaint on the web, or through GET /api/v1/complaints/<code>; and the
reporter's side: reply, appeal, confirm with a rating, reopen (web forms and JSON API).

Proof of being the reporter is the secret from the receipt. On the web, /lacak remembers a
code whose secret matched in this browser's session (never in the URL); the API takes the
secret in the X-Tracking-Secret header with every request.
"""

from __future__ import annotations

import json
from typing import Any

from flask import (
    Response,
    abort,
    flash,
    jsonify,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from werkzeug.datastructures import MultiDict

from app.complaints.lifecycle import Action, TransitionError
from app.complaints.models import Complaint, EventKind, Status
from app.db import aware
from app.extensions import db
from app.intake.forms import TrackForm
from app.publishing import queries as publishing
from app.ratelimit import failed, secret_guesses
from app.tracking import bp
from app.tracking.forms import FORMS, STEPS, ConfirmForm
from app.tracking.operations import rating_of, refusal, reporter_actions, take
from app.tracking.queries import by_code, event_agencies, public_timeline, reading, unlock
from app.web.access import current_user, public, public_api
from app.web.caching import offline_ready
from app.web.errors import json_error, render_error
from app.web.htmx import is_htmx, render_page_or_fragment

UNLOCKED = "unlocked"
FLASH = "reporter"  # our own flash category: other pages' messages stay theirs

DONE = {
    Action.REPLY: _l("Your reply was sent"),
    Action.APPEAL: _l("Your appeal was sent. Your report will be looked at again."),
    Action.CONFIRM: _l("Thank you. Your report is closed and your rating was saved."),
    Action.REOPEN: _l("Your report was reopened. The agency has to answer again."),
}


@bp.route("/lacak", methods=["GET", "POST"])
@secret_guesses(methods=["POST"])
@public
@offline_ready
def track() -> Response | str | tuple[str, int]:
    form = TrackForm()
    if not form.validate_on_submit():
        status = 422 if form.is_submitted() else 200
        return render_template("tracking/track.html", form=form), status
    complaint, may_read = unlock(form.code.data, form.secret.data)
    if complaint is None:
        failed()
        form.code.errors.append(
            _(
                "We could not find a report with that tracking code and secret. Check both and "
                "try again."
            )
        )
        return render_template("tracking/track.html", form=form), 422
    if form.secret.data and may_read:
        # The secret matched: this browser may read the report and act as its reporter.
        # Remembered in the session, never in the URL (history, logs, referrers).
        session[UNLOCKED] = [*session.get(UNLOCKED, [])[-9:], complaint.tracking_code]
    return redirect(url_for("tracking.status", code=complaint.tracking_code), code=303)


def _unlocked(complaint: Complaint) -> bool:
    """Whether this browser proved, with the secret, that it is the reporter's; or it is
    signed in to the citizen account the complaint belongs to (filed from it, or claimed
    with the secret)."""
    if complaint.owner_id is not None:
        user = current_user()
        if user is not None and user.id == complaint.owner_id:
            return True
    return complaint.secret_hash is not None and complaint.tracking_code in session.get(
        UNLOCKED, []
    )


@bp.get("/lacak/<code>")
@secret_guesses(methods=["GET"])
@public
def status(code: str) -> Response:
    """The tracking page. An unknown code counts as a guess, as on the API: nobody walks
    through codes to learn which reports exist and what happened to them."""
    complaint = by_code(code)
    if complaint is None:
        failed()
        abort(404)
    return _status_page(complaint)


def _latest_note(complaint: Complaint, kind: EventKind) -> str | None:
    notes = [e.note for e in public_timeline(complaint) if e.kind is kind and e.note]
    return notes[-1] if notes else None


def _fresh_forms(complaint: Complaint, actions: list[Action]) -> dict[Action, object]:
    # formdata=None: after a success the new forms must not show what was just sent.
    forms = {action: FORMS[action](formdata=None, prefix=action.value) for action in actions}
    if Action.REPLY in forms:
        _word_reply(forms[Action.REPLY], complaint.status)
    return forms


def _word_reply(form: object, status: Status) -> None:
    """One reply form, three purposes: answer a question, answer back, add information."""
    label = {
        Status.NEEDS_INFO: _("Your answer"),
        Status.ARCHIVED: _("Your answer"),
    }.get(status, _("Information to add"))
    form.text.label.text = label  # type: ignore[attr-defined]


def _status_page(
    complaint: Complaint,
    *,
    failed: Action | None = None,
    form: object | None = None,
    done: str | None = None,
    status: int = 200,
) -> Response:
    """The tracking page, or for htmx only its report region (everything under the h1)."""
    unlocked = _unlocked(complaint)
    actions = reporter_actions(complaint)
    forms = _fresh_forms(complaint, actions) if unlocked else {}
    if failed in forms and form is not None:
        forms[failed] = form
    timeline = public_timeline(complaint)
    read = reading(complaint, reporter=unlocked)
    response = render_page_or_fragment(
        "tracking/status.html",
        "tracking/_report.html",
        complaint=complaint,
        read=read,
        published=publishing.published(complaint),
        may_act=unlocked,
        actions=actions if unlocked else [],
        ask_for_secret=bool(actions) and not unlocked and complaint.secret_hash is not None,
        forms=forms,
        form=form,
        done=done,
        timeline=timeline,
        agencies=event_agencies(timeline) if read.content else {},
        rating=rating_of(complaint) if unlocked else None,
        question=_latest_note(complaint, EventKind.INFO_REQUESTED),
        archived_because=_latest_note(complaint, EventKind.ARCHIVED),
        flagged_because=_latest_note(complaint, EventKind.FLAGGED),
        resolution=_latest_note(complaint, EventKind.RESOLVED),
    )
    response.status_code = status
    return response


def _version(raw: object) -> int:
    """The version a form was made for; a missing or odd one counts as out of date."""
    return int(raw) if isinstance(raw, str) and raw.isdigit() else -1


@bp.post("/lacak/<code>/<any(balas, banding, selesai, 'buka-lagi'):step>")
@public
def reporter_step(code: str, step: str) -> Response | tuple[Response | str, int]:
    """Reply, appeal, confirm (with a rating) or reopen, as the reporter who unlocked it."""
    complaint = by_code(code)
    if complaint is None:
        abort(404)
    if not _unlocked(complaint):
        return render_error(403, _("Enter your report's secret on the tracking page first."))
    action = STEPS[step]
    form = FORMS[action](prefix=action.value)
    if action is Action.REPLY:
        _word_reply(form, complaint.status)
    if action not in reporter_actions(complaint):
        form.form_errors.append(str(refusal(complaint, action)))
        return _status_page(complaint, failed=action, form=form, status=409)
    if not form.validate_on_submit():
        return _status_page(complaint, failed=action, form=form, status=422)
    try:
        _take(complaint, action, form, seen_version=_version(form.version.data))
    except TransitionError as error:
        db.session.rollback()
        complaint = by_code(code)
        form.form_errors.append(str(error.message))
        return _status_page(complaint, failed=action, form=form, status=409)
    db.session.commit()
    if not is_htmx():
        flash(str(DONE[action]), FLASH)
        return redirect(url_for("tracking.status", code=complaint.tracking_code), code=303)
    return _status_page(complaint, done=str(DONE[action]))


def _take(complaint: Complaint, action: Action, form: Any, seen_version: int | None) -> None:
    """The reporter's action with what the validated form holds (the page's or the API's):
    a confirmation's rating and comment, or any other action's text. Raises TransitionError."""
    confirm = isinstance(form, ConfirmForm)
    take(
        complaint,
        action,
        text=(form.comment.data if confirm else form.text.data) or None,
        rating=int(form.rating.data) if confirm else None,
        seen_version=seen_version,
    )


# --- JSON API -----------------------------------------------------------------------------


@bp.get("/api/v1/complaints/<code>")
@secret_guesses()
@public_api
def api_status(code: str) -> Response | tuple[Response, int]:
    secret = request.headers.get("X-Tracking-Secret")
    complaint, _may_read = unlock(code, secret)
    if complaint is None:
        failed()
        return json_error(404, _("No report matches that tracking code and secret."), "code")
    return jsonify(_status_json(complaint, reporter=bool(secret)))


API_ACTIONS = {action.value: action for action in FORMS}
API_FIELDS = ("action", "text", "rating", "version")


@bp.post("/api/v1/complaints/<code>/actions")
@secret_guesses()
@public_api
def api_action(code: str) -> Response | tuple[Response, int]:
    """The reporter's actions for offline clients and partners; the secret in a header."""
    secret = request.headers.get("X-Tracking-Secret")
    complaint, _may_read = unlock(code, secret) if secret else (None, False)
    if complaint is None:
        failed()
        return json_error(404, _("No report matches that tracking code and secret."), "code")
    payload = _json_object()
    if isinstance(payload, Response):
        return payload
    errors: dict[str, list[str]] = {}
    unknown = sorted(set(payload) - set(API_FIELDS))
    if unknown:
        errors["_request"] = [_("Unknown fields: %(names)s", names=", ".join(unknown))]
    action = (
        API_ACTIONS.get(payload.get("action")) if isinstance(payload.get("action"), str) else None
    )
    if action is None:
        errors["action"] = [_("Choose one of: reply, appeal, confirm, reopen")]
    version = payload.get("version")
    if version is not None and (isinstance(version, bool) or not isinstance(version, int)):
        errors["version"] = [_("Give the version as a whole number, or leave it out")]
    if errors:
        return jsonify({"errors": errors}), 422
    if action not in reporter_actions(complaint):
        return json_error(409, str(refusal(complaint, action)), "action")
    form, field_errors = _api_form(action, payload)
    if field_errors:
        return jsonify({"errors": field_errors}), 422
    try:
        _take(complaint, action, form, seen_version=version)
    except TransitionError as error:
        db.session.rollback()
        return json_error(409, str(error.message), "action")
    db.session.commit()
    return jsonify(_status_json(complaint, reporter=True))


def _json_object() -> dict | Response:
    if request.mimetype != "application/json":
        return json_error(415, _("Send the request as JSON."))
    try:
        payload = json.loads(request.get_data().decode("utf-8"))
    except UnicodeDecodeError:
        return json_error(400, _("The request is not valid UTF-8 text."))
    except ValueError:
        return json_error(400, _("The request body is not valid JSON."))
    if not isinstance(payload, dict):
        return json_error(400, _("The request body must be a JSON object."))
    return payload


def _api_form(action: Action, payload: dict) -> tuple[object, dict[str, list[str]]]:
    """Validate through the web form, so the API and the page say the same things.

    The API's `text` is the reply, the appeal's or reopening's reason, or the rating's
    comment; errors are reported under the API's names (`text`, `rating`).
    """
    text, rating = payload.get("text"), payload.get("rating")
    errors: dict[str, list[str]] = {}
    if text is not None and not isinstance(text, str):
        errors["text"] = [_("Give the text as a string")]
    if rating is not None and (isinstance(rating, bool) or not isinstance(rating, int)):
        errors["rating"] = [_("Choose a rating from 1 to 5")]
    if errors:
        return None, errors
    if action is Action.CONFIRM:
        data = {"comment": text or ""}
        if rating is not None:
            data["rating"] = str(rating)
        names = {"comment": "text", "rating": "rating"}
    else:
        data = {"text": text or ""}
        names = {"text": "text"}
    form = FORMS[action](formdata=MultiDict(data), meta={"csrf": False})
    form.validate()
    field_errors = {
        names[name]: [str(m) for m in messages]
        for name, messages in form.errors.items()
        if name in names
    }
    return form, field_errors


def _status_json(complaint: Complaint, *, reporter: bool = False) -> dict:
    """The status as the API shows it. The content and the timeline's notes as sent only to
    the reporter (with the secret); to anyone else the published, masked version of a
    published report (`content.masked`), else none. What the reporter may do now (and
    their rating) only with the secret."""
    read = reading(complaint, reporter=reporter)
    body = {
        "tracking_code": complaint.tracking_code,
        "type": complaint.type.value,
        "privacy": complaint.privacy.value,
        "status": complaint.status.value,
        "status_title": complaint.status.title,
        "received_at": aware(complaint.created_at).isoformat(),
        "support_count": complaint.support_count,
        "merged_into": complaint.merged_into.tracking_code if complaint.merged_into else None,
        "timeline": [
            {
                "kind": e.kind.value,
                "title": e.kind.title,
                "status": e.status.value,
                "at": aware(e.created_at).isoformat(),
                "note": read.notes.get(e.id),
            }
            for e in public_timeline(complaint)
        ],
        "content": None,
    }
    if read.content:
        body["content"] = {
            "title": read.title,
            "description": read.description,
            "masked": read.masked,
            "region_code": complaint.region_code,
            "region": complaint.region.path,
            "category": complaint.category_code,
            "occurred_on": complaint.occurred_on.isoformat() if complaint.occurred_on else None,
            "attachments": len(complaint.attachments),
        }
    if reporter:
        rating = rating_of(complaint)
        body["reporter"] = {
            "actions": [action.value for action in reporter_actions(complaint)],
            "reopen_until": (
                complaint.due_on.isoformat()
                if complaint.status is Status.RESOLVED and complaint.due_on
                else None
            ),
            "rating": {"score": rating.score, "comment": rating.comment} if rating else None,
            "version": complaint.version,
        }
    return body
