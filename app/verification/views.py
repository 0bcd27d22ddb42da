"""The verification queue: oldest first, one complaint under review at a time.

A verifier's action (POST) answers a plain form with redirect-after-post to the queue,
which then shows the next complaint; an htmx request gets the workspace fragment back,
with the next complaint, a message for the live region and focus on the next heading.
"""

from __future__ import annotations

from flask import Response, flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_wtf import FlaskForm

from app.accounts.models import Role
from app.complaints.lifecycle import Action, Actor, TransitionError, act
from app.complaints.models import Complaint
from app.directory import queries as directory
from app.extensions import db
from app.tracking.queries import by_code
from app.verification import bp
from app.verification.forms import ACTION_FORMS, MergeForm
from app.verification.queue import PAGE_SIZE, forwarded, review_context, waiting
from app.web.access import complaint_or_404, may_see, staff
from app.web.htmx import is_htmx, render_page_or_fragment
from app.web.paging import page_arg

VERIFIERS = (Role.VERIFIER, Role.ADMIN)


def _workspace(
    current: Complaint | None,
    *,
    status: int = 200,
    follow_url: bool = False,
    **context: object,
) -> Response:
    """The queue page (or its htmx fragment) with `current` under review; None reviews the
    oldest waiting complaint, if there is one.

    `follow_url`: after an htmx action, the address bar follows the complaint now under
    review, so a reload shows that one.
    """
    page = page_arg()
    items, total = waiting(page)
    if current is None:
        first = items if page == 1 else waiting(1)[0]
        current = first[0] if first else None
    response = render_page_or_fragment(
        "verification/queue.html",
        "verification/_workspace.html",
        current=current,
        items=items,
        total=total,
        page_number=page,
        pages=max(1, -(-total // PAGE_SIZE)),
        forwarded=forwarded(),
        # With the queue empty there is nothing to review, but `done` must still be said.
        **(review_context(current, **context) if current is not None else context),
    )
    response.status_code = status
    if follow_url:
        response.headers["HX-Replace-Url"] = (
            url_for("verification.review", code=current.tracking_code)
            if current is not None
            else url_for("verification.queue")
        )
    return response


@bp.get("/verifikasi")
@staff(*VERIFIERS)
def queue() -> Response:
    """The queue, with its oldest complaint open for review."""
    return _workspace(None)


@bp.get("/verifikasi/<code>")
@staff(*VERIFIERS)
def review(code: str) -> Response:
    return _workspace(complaint_or_404(code), agency_query=request.args.get("instansi", ""))


@bp.get("/verifikasi/<code>/instansi")
@staff(*VERIFIERS)
def agency_search(code: str) -> str:
    """The agency search results for the dispatch form (an htmx fragment)."""
    complaint = complaint_or_404(code)
    query = request.args.get("instansi", "").strip()[:100]
    return render_template(
        "verification/_agency_results.html",
        complaint=complaint,
        agency_query=query,
        agency_results=directory.search_agencies(query) if query else [],
    )


@bp.post("/verifikasi/<code>/<action>")
@staff(*VERIFIERS)
def take(code: str, action: str) -> Response:
    complaint = complaint_or_404(code)
    form_class = ACTION_FORMS.get(action)
    if form_class is None:
        return _workspace(complaint, status=404)
    form = form_class()
    if isinstance(form, MergeForm):
        form.into.choices = [(c, c) for c in request.form.getlist("into")]
    if not form.validate_on_submit():
        return _workspace(complaint, status=422, failed=action, forms={action: form})
    try:
        message = _apply(complaint, Action(action), form)
    except TransitionError as error:
        db.session.rollback()
        complaint = complaint_or_404(code)
        return _workspace(complaint, status=409, failed=action, error=str(error.message))
    db.session.commit()
    if not is_htmx():
        flash(message, "success")
        return redirect(url_for("verification.queue"), code=303)
    return _workspace(None, done=message, follow_url=True)


def _apply(complaint: Complaint, action: Action, form: FlaskForm) -> str:
    """Take the action; returns what to tell the verifier. Raises TransitionError."""
    if form.version.data != complaint.version:
        raise TransitionError(
            _("Someone else changed this report a moment ago. Reload it to see what they did.")
        )
    code = complaint.tracking_code
    user_id = g.user.id
    if action is Action.DISPATCH:
        agency = directory.agency_by_code(form.agency.data)
        if agency is None:
            raise TransitionError(_("That agency is not in the directory. Search again."))
        act(complaint, action, Actor.VERIFIER, agency=agency, user_id=user_id)
        return _("%(code)s was sent to %(agency)s.", code=code, agency=agency.name)
    reason = form.reason.data
    if action is Action.MERGE:
        typed = (form.other.data or "").strip()
        into = by_code(typed or form.into.data or "")
        if into is None or not may_see(g.user, into):
            raise TransitionError(_("No report has that tracking code. Check it and try again."))
        if into.created_at > complaint.created_at:
            raise TransitionError(_("Join a report to an earlier one, not to a later one."))
        act(complaint, action, Actor.VERIFIER, reason=reason, into=into, user_id=user_id)
        return _("%(code)s was joined to %(into)s.", code=code, into=into.tracking_code)
    act(complaint, action, Actor.VERIFIER, reason=reason, user_id=user_id)
    return {
        Action.REQUEST_INFO: _("The reporter of %(code)s was asked for more information."),
        Action.ARCHIVE: _("%(code)s was archived."),
        Action.FLAG: _("%(code)s is held for review."),
    }[action] % {"code": code}
