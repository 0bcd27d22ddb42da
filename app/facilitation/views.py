"""The facilitator's pages: the dashboard of every complaint they filed, and a case page
where they answer for the complainant until the complainant claims the report.

Each page works as plain GET/POST with redirect-after-post; with htmx the dashboard's
results and the case region are swapped in place (a message for the live region, focus on
the results heading, the banner or the error summary). A complaint the facilitator did not
file is 404 everywhere (app.web.access.complaint_or_404). Once claimed, the complaint is the
complainant's: the case page is read-only and every change is refused with 409.
"""

from __future__ import annotations

from flask import Response, flash, g, redirect, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from app.accounts.models import Role
from app.complaints.lifecycle import Action, Actor, TransitionError, act, allowed_actions
from app.complaints.models import Complaint, EventKind, Status
from app.extensions import db
from app.facilitation import bp, queries
from app.facilitation.forms import CaseReplyForm
from app.tracking.queries import event_agencies, public_timeline
from app.web.access import complaint_or_404, staff
from app.web.htmx import render_page_or_fragment, wants_fragment
from app.web.paging import pages_to_show

CLAIMED = _l(
    "The complainant now follows this report themselves, so you can no longer change it. "
    "You can still read it here."
)
STALE = _l("Someone else changed this report a moment ago. Reload it to see what they did.")


@bp.get("/fasilitator")
@staff(Role.FACILITATOR)
def index() -> Response:
    """Every complaint this facilitator filed; a GET form filters them (htmx: the results)."""
    filters = queries.Filters.from_args(request.args)
    result = queries.filed_by(g.user, filters)
    return render_page_or_fragment(
        "facilitation/index.html",
        "facilitation/_results.html",
        filters=filters,
        result=result,
        pages=pages_to_show(result.number, result.count),
        statuses=list(Status),
        needs_action=queries.NEEDS_ACTION,
        waiting=queries.needs_action_count(g.user),
        organisation=g.user.organisation,
    )


@bp.get("/fasilitator/laporan/<code>")
@staff(Role.FACILITATOR)
def case(code: str) -> Response:
    return _case(complaint_or_404(code))


@bp.post("/fasilitator/laporan/<code>/balas")
@staff(Role.FACILITATOR)
def reply(code: str) -> Response:
    """Answer a request for information (or add information) for the complainant, as their
    reporter's reply in the life cycle, recording which facilitator gave it."""
    complaint = complaint_or_404(code)
    form = CaseReplyForm()
    if complaint.claimed_at is not None:
        return _case(complaint, status=409, error=str(CLAIMED))
    if Action.REPLY not in allowed_actions(complaint, Actor.REPORTER):
        return _case(
            complaint,
            status=409,
            error=_(
                "This report is “%(status)s”; that action is not possible now.",
                status=complaint.status.title,
            ),
        )
    if not form.validate_on_submit():
        return _case(complaint, status=422, form=form)
    if form.version.data != complaint.version:
        return _case(complaint, status=409, form=form, error=str(STALE))
    answered_question = complaint.status is Status.NEEDS_INFO
    try:
        act(complaint, Action.REPLY, Actor.REPORTER, reason=form.text.data, user_id=g.user.id)
    except TransitionError as refused:
        db.session.rollback()
        return _case(complaint_or_404(code), status=409, form=form, error=str(refused.message))
    db.session.commit()
    if answered_question:
        message = _("Your answer was sent. The report is checked again.")
    else:
        message = _("The information was added to the report.")
    if wants_fragment():
        return _case(complaint, done=message)
    flash(message, "success")
    return redirect(url_for("facilitation.case", code=complaint.tracking_code), code=303)


def _latest_question(complaint: Complaint) -> str | None:
    notes = [e.note for e in public_timeline(complaint) if e.kind is EventKind.INFO_REQUESTED]
    return notes[-1] if notes else None


def _case(
    complaint: Complaint,
    *,
    status: int = 200,
    form: CaseReplyForm | None = None,
    error: str | None = None,
    done: str | None = None,
) -> Response:
    """The case page (or, for htmx, its region), read-only once the complaint is claimed."""
    claimed = complaint.claimed_at is not None
    may_reply = not claimed and Action.REPLY in allowed_actions(complaint, Actor.REPORTER)
    if may_reply and form is None:
        form = CaseReplyForm(formdata=None)
    if form is not None and complaint.status is not Status.NEEDS_INFO:
        form.text.label.text = _("Information to add")
    errors: list[tuple[str, str]] = [(error, "case-status")] if error else []
    if form is not None:
        for message in form.text.errors:
            errors.append((str(message), "text"))
        for message in form.version.errors:
            errors.append((str(message), "case-status"))
    timeline = public_timeline(complaint)
    response = render_page_or_fragment(
        "facilitation/case.html",
        "facilitation/_case.html",
        complaint=complaint,
        claimed=claimed,
        reply_form=form if may_reply else None,  # not `form`: base.html reads that one
        errors=errors,
        done=done,
        question=_latest_question(complaint),
        timeline=timeline,
        agencies=event_agencies(timeline),
    )
    response.status_code = status
    return response
