"""The agency inbox and a case's page, with the officer's actions.

An action (POST) answers a plain form with redirect-after-post to the case, which shows a
success banner; an htmx request gets the case fragment back, with a message for the live
region and focus on the banner. A refused action keeps what was typed and says why (422),
or that someone else acted first (409). Forwarding takes the case out of this agency's
reach, so the officer goes back to the inbox.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import Response, abort, flash, g, redirect, render_template, request, send_file, url_for
from flask_babel import gettext as _

from app.accounts.models import Role
from app.complaints.lifecycle import Action, Actor, TransitionError, act, allowed_actions
from app.complaints.models import Attachment, AttachmentKind, Complaint, Reporter
from app.directory import queries as directory
from app.directory.models import Agency
from app.extensions import db
from app.inbox import bp, queries
from app.inbox.forms import ACTION_FORMS, ForwardForm, ResolveForm, RespondForm
from app.intake.storage import path_of
from app.web.access import complaint_or_404, may_see_identity, staff
from app.web.exports import csv_chunks, download, in_batches
from app.web.htmx import htmx_redirect, render_page_or_fragment, wants_fragment
from app.web.paging import pages_to_show

READERS = (Role.OFFICER, Role.SUPERVISOR, Role.ADMIN, Role.VERIFIER)
AGENCY_RESULTS = 20
STALE = "stale"


@bp.get("/instansi")
@staff(Role.OFFICER)
def index() -> Response:
    """The officer's agency's complaints; a GET form filters them (htmx: the results only)."""
    agency_id = g.user.agency_id
    categories = queries.categories_present(agency_id)
    regions = queries.regions_present(agency_id)
    filters = queries.Filters.from_args(request.args, categories, regions)
    today = queries.today()
    result = queries.inbox(agency_id, filters, today)
    return render_page_or_fragment(
        "inbox/index.html",
        "inbox/_results.html",
        agency=g.user.agency,
        filters=filters,
        categories=categories,
        regions=regions,
        statuses=queries.INBOX_STATUSES,
        result=result,
        pages=pages_to_show(result.number, result.count),
        agency_due=queries.agency_due,
    )


@bp.get("/instansi/laporan/<code>")
@staff(*READERS)
def detail(code: str) -> Response:
    return _case(complaint_or_404(code))


@bp.get("/instansi/laporan/<code>/instansi")
@staff(Role.OFFICER)
def agencies(code: str) -> Response | str:
    """The forward form's agency chooser: matching agencies as radio buttons. htmx swaps
    the list in as the officer types; without JavaScript the case page shows them."""
    complaint = complaint_or_404(code)
    query = request.args.get("q", "").strip()[:100]
    if not wants_fragment():
        return _case(complaint, agency_query=query)
    return render_template(
        "inbox/_agency_results.html",
        complaint=complaint,
        agency_query=query,
        agency_results=_agency_results(complaint, query),
        chosen=None,
    )


@bp.get("/instansi/laporan/<code>/lampiran/<int:attachment_id>")
@staff(*READERS)
def attachment(code: str, attachment_id: int) -> Response:
    """A stored file, as a download unless it is a photo; sandboxed either way."""
    complaint = complaint_or_404(code)
    stored = db.session.get(Attachment, attachment_id)
    if stored is None or stored.complaint_id != complaint.id:
        abort(404)
    path = path_of(stored.storage_name)
    if not path.is_file():
        abort(404)
    is_photo = stored.kind is AttachmentKind.PHOTO and stored.media_type.startswith("image/")
    response = send_file(
        path,
        mimetype=stored.media_type,
        as_attachment=not is_photo,
        download_name=f"{complaint.tracking_code}-{stored.id}{path.suffix}",
        conditional=False,
        etag=False,
        max_age=None,
    )
    response.headers["Cache-Control"] = "no-store"
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Content-Security-Policy"] = "sandbox"
    return response


# The officer's actions, by the Indonesian word that ends their address.
STEPS = {"mulai": "start", "tanggapi": "respond", "teruskan": "forward", "selesai": "resolve"}


@bp.post(f"/instansi/laporan/<code>/<any({', '.join(STEPS)}):step>")
@staff(Role.OFFICER)
def take(code: str, step: str) -> Response:
    """Validate, check the version the officer saw, act once, commit once."""
    action = STEPS[step]
    complaint = complaint_or_404(code)
    form = ACTION_FORMS[action]()
    if not form.validate_on_submit():
        return _case(complaint, status=422, failed=action, forms={action: form})
    if form.version.data != complaint.version:
        return _case(
            complaint,
            status=409,
            failed=STALE,
            error=_(
                "Someone else changed this report a moment ago. Reload it to see what they did."
            ),
        )
    agency = None
    if isinstance(form, ForwardForm):
        agency = directory.agency_by_code(form.agency.data)
        if agency is None:
            form.agency.errors = [_("That agency is not in the directory. Search again.")]
            return _case(complaint, status=422, failed=action, forms={action: form})
    try:
        message = _apply(complaint, action, form, agency)
    except TransitionError as error:
        db.session.rollback()
        complaint = complaint_or_404(code)
        return _case(
            complaint, status=422, failed=action, forms={action: form}, error=str(error.message)
        )
    db.session.commit()
    if action == "forward":
        flash(message, "success")
        target = url_for("inbox.index")
        return htmx_redirect(target) if wants_fragment() else redirect(target, code=303)
    if wants_fragment():
        return _case(complaint, done=message)
    flash(message, "success")
    return redirect(url_for("inbox.detail", code=complaint.tracking_code), code=303)


def _apply(complaint: Complaint, action: str, form: Any, agency: Agency | None) -> str:
    """Take the action as an officer; returns what to tell them. Raises TransitionError."""
    code = complaint.tracking_code
    user_id = g.user.id
    if action == "start":
        act(complaint, Action.START, Actor.OFFICER, user_id=user_id)
        return _("You started handling %(code)s.", code=code)
    if isinstance(form, RespondForm):
        act(complaint, Action.RESPOND, Actor.OFFICER, reason=form.response.data, user_id=user_id)
        return _("Your response to %(code)s was sent to the reporter.", code=code)
    if isinstance(form, ForwardForm):
        act(
            complaint,
            Action.FORWARD,
            Actor.OFFICER,
            reason=form.reason.data,
            agency=agency,
            user_id=user_id,
        )
        return _(
            "%(code)s was forwarded to %(agency)s. It is no longer in your inbox.",
            code=code,
            agency=agency.name if agency else "",
        )
    assert isinstance(form, ResolveForm)
    act(complaint, Action.RESOLVE, Actor.OFFICER, reason=form.outcome.data, user_id=user_id)
    return _("%(code)s is marked resolved. The reporter can confirm or reopen it.", code=code)


def _agency_results(complaint: Complaint, query: str) -> list[Agency]:
    """Matching agencies, never the one handling it now (it cannot forward to itself)."""
    if not query:
        return []
    found = directory.search_agencies(query, limit=AGENCY_RESULTS + 1)
    return [a for a in found if a.id != complaint.agency_id][:AGENCY_RESULTS]


def _case(
    complaint: Complaint,
    *,
    status: int = 200,
    failed: str | None = None,
    forms: dict[str, Any] | None = None,
    error: str | None = None,
    done: str | None = None,
    agency_query: str = "",
) -> Response:
    """The case page (or, for htmx, its fragment) with the actions this user may take."""
    user = g.user
    acting = user.role is Role.OFFICER and complaint.agency_id == user.agency_id
    actions = [a.value for a in allowed_actions(complaint, Actor.OFFICER)] if acting else []
    forms = dict(forms or {})
    for action in actions:
        if action in ACTION_FORMS and action not in forms:
            forms[action] = ACTION_FORMS[action](formdata=None)
    forward_form = forms.get("forward")
    chosen = None
    if forward_form is not None and forward_form.agency.data:
        chosen = directory.agency_by_code(forward_form.agency.data)
    results = _agency_results(complaint, agency_query)
    if chosen is not None and chosen not in results:
        results.insert(0, chosen)
    context = {
        "complaint": complaint,
        "show_identity": may_see_identity(complaint),
        "acting": acting,
        "actions": [a for a in actions if a in ACTION_FORMS],
        "forms": forms,
        "failed": failed,
        "error": error,
        "done": done,
        "errors": _error_list(forms.get(failed) if failed else None, error, failed, actions),
        "agency_query": agency_query,
        "agency_results": results,
        "chosen": chosen,
        "agency_due": queries.agency_due,
    }
    response = render_page_or_fragment("inbox/detail.html", "inbox/_case.html", **context)
    response.status_code = status
    return response


def _error_list(
    form: Any, error: str | None, failed: str | None, actions: list[str]
) -> list[tuple[str, str]]:
    """(message, id of what the link moves focus to) for the error summary.

    A field's error links to the field; anything else to the action's heading, or to the
    status when that action is no longer on the page (the state moved on).
    """
    shown = failed in actions
    fallback = f"action-{failed}" if shown else "case-status"
    errors: list[tuple[str, str]] = []
    if error:
        errors.append((error, fallback))
    if form is None:
        return errors
    for name in ("agency", "reason", "response", "outcome", "version"):
        field = form._fields.get(name)
        if field is None:
            continue
        target = {"agency": "agency-query", "version": fallback}.get(name, field.id)
        errors.extend((str(m), target if shown else fallback) for m in field.errors)
    return errors


def _reporter(complaint: Complaint) -> Reporter | None:
    return complaint.reporter if may_see_identity(complaint) else None


def _contact(field: str) -> Callable[[Complaint], str]:
    def read(complaint: Complaint) -> str:
        reporter = _reporter(complaint)
        return (getattr(reporter, field) or "") if reporter else ""

    return read


# The CSV export's columns, in order, and how each is read. A reporter's contact is filled only
# when the complaint is not anonymous (app.web.access.may_see_identity); the export has no
# other personal data.
EXPORT: dict[str, Callable[[Complaint], object]] = {
    "tracking_code": lambda c: c.tracking_code,
    "received_at": lambda c: c.created_at.isoformat(),
    "status": lambda c: c.status.value,
    "type": lambda c: c.type.value,
    "privacy": lambda c: c.privacy.value,
    "category": lambda c: c.category_code,
    "region_code": lambda c: c.region_code,
    "region": lambda c: c.region.path,
    "due_on": lambda c: c.due_on.isoformat() if c.due_on else "",
    "support_count": lambda c: c.support_count,
    "title": lambda c: c.title,
    "description": lambda c: c.description,
    "reporter_name": _contact("name"),
    "reporter_email": _contact("email"),
    "reporter_phone": _contact("phone"),
    # a facilitator's organisation, only with the complainant's consent
    "filed_via": lambda c: c.organisation.name if c.organisation_shown and c.organisation else "",
}


@bp.get("/instansi/ekspor.csv")
@staff(Role.OFFICER)
def export() -> Response:
    """The inbox as CSV, with the same filters, for the agency's own records (streamed)."""
    agency_id = g.user.agency_id
    filters = queries.Filters.from_args(
        request.args, queries.categories_present(agency_id), queries.regions_present(agency_id)
    )
    records = (
        {name: read(complaint) for name, read in EXPORT.items()}
        for complaint in queries.export(agency_id, filters)
    )
    body = csv_chunks(tuple(EXPORT), in_batches(records))
    return download(body, "text/csv", g.user.agency.code.lower(), "csv")
