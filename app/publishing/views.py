"""Public pages of published complaints (/laporan), and the verifier's correction of the
published version (/verifikasi/<code>/terbitan)."""

from __future__ import annotations

from flask import Response, abort, flash, g, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from sqlalchemy import select

from app.accounts.models import Role
from app.complaints.models import Complaint
from app.directory import queries as directory
from app.directory.models import Agency
from app.duplicates import supporters
from app.extensions import db
from app.intake.forms import clean_text
from app.publishing import bp
from app.publishing.forms import CorrectionForm, Filters
from app.publishing.masking import tokens_in
from app.publishing.operations import correct, refresh
from app.publishing.queries import (
    PUBLISHED_STATUSES,
    is_published,
    public_description,
    public_notes,
    public_timeline,
    public_title,
    published,
    published_complaint,
    published_complaints,
)
from app.tracking.queries import event_agencies
from app.web.access import complaint_or_404, public, staff
from app.web.errors import render_error
from app.web.htmx import htmx_redirect, is_htmx, render_page_or_fragment
from app.web.paging import pages_to_show, paginate

PAGE_SIZE = 20
SUPPORTED = "supported"  # the intake's session key: codes this browser supported (me too)
CORRECTORS = (Role.VERIFIER, Role.ADMIN)


def _agencies_published() -> list[Agency]:
    """Agencies with at least one published complaint: the agency filter's choices (a list
    of all ~640 would be unusable, and most would find nothing)."""
    with_published = select(Complaint.agency_id).where(is_published()).distinct()
    return list(
        db.session.scalars(
            select(Agency).where(Agency.id.in_(with_published)).order_by(Agency.name_id)
        )
    )


@bp.get("/laporan")
@public
def index() -> Response:
    """Published reports, newest first; a GET form filters them (htmx: the results only)."""
    provinces = directory.regions()
    agencies = _agencies_published()
    categories = directory.categories()
    province = request.args.get("province", "")
    regencies = directory.regions(province) if province in {p.code for p in provinces} else []
    filters = Filters.from_args(
        request.args,
        provinces={p.code for p in provinces},
        regencies={r.code for r in regencies},
        agencies={a.code for a in agencies},
        categories={c.code for c in categories},
    )
    statement = published_complaints(
        text=filters.text or None,
        region_code=filters.region_code,
        agency_code=filters.agency or None,
        category_code=filters.category or None,
        status=filters.status_value,
    )
    result = paginate(statement, filters.page, PAGE_SIZE)
    return render_page_or_fragment(
        "publishing/index.html",
        "publishing/_results.html",
        filters=filters,
        provinces=provinces,
        regencies=regencies,
        agencies=agencies,
        categories=categories,
        statuses=PUBLISHED_STATUSES,
        result=result,
        pages=pages_to_show(result.number, result.count),
    )


@bp.get("/laporan/<code>")
@public
def detail(code: str) -> str:
    """One published report, masked. Never its reporter: not for a public report (the filing
    form promises name and contact details are never shown) and not for an anonymous one."""
    complaint = published_complaint(code)
    if complaint is None:
        abort(404)
    timeline = public_timeline(complaint)
    title, description = public_title(complaint), public_description(complaint)
    return render_template(
        "publishing/detail.html",
        complaint=complaint,
        title=title,
        description=description,
        timeline=timeline,
        agencies=event_agencies([e for e in complaint.events if e.public]),
        tokens=tokens_in(title, description, *(e.note for e in timeline)),
        supported=complaint.tracking_code in session.get(SUPPORTED, [])
        or supporters.has_supported(complaint, supporters.current_supporter(create=False)),
    )


@bp.route("/verifikasi/<code>/terbitan", methods=["GET", "POST"])
@staff(*CORRECTORS)
def correction(code: str) -> Response | str | tuple[str, int]:
    """Correct the masked, published version: a missed name, or a token hiding something
    that is not personal (an agency's address). Audited, with the verifier and a reason."""
    complaint = complaint_or_404(code)
    if not published(complaint):
        return render_error(
            409, _("This report is not published, so there is no published version to correct.")
        )
    events = [e for e in complaint.events if e.public and e.note]
    form = CorrectionForm()
    if request.method == "GET":
        refresh(complaint)  # show what the public sees, stored
        db.session.commit()
        form.title.data = complaint.published_title
        form.description.data = complaint.published_description
        form.version.data = complaint.version
        return _correction_page(complaint, form, events, public_notes(complaint))
    notes = {e.id: str(clean_text(request.form.get(f"note-{e.id}") or "")) for e in events}
    note_errors = {k for k, v in notes.items() if not v or len(v) > 10000}
    valid = form.validate_on_submit()
    if not valid or note_errors:
        return _correction_page(complaint, form, events, notes, note_errors), 422
    if form.version.data != complaint.version:
        form.form_errors.append(
            _("Someone changed this report while you were correcting it. Reload the page.")
        )
        return _correction_page(complaint, form, events, notes), 409
    changed = correct(
        complaint,
        title=form.title.data,
        description=form.description.data,
        notes=notes,
        reason=form.reason.data,
        user_id=g.user.id,
    )
    db.session.commit()
    if changed:
        flash(_("The published version was corrected."), "success")
    else:
        flash(_("Nothing was changed: the published version is as it was."), "success")
    url = url_for("publishing.correction", code=complaint.tracking_code)
    return htmx_redirect(url) if is_htmx() else redirect(url, code=303)


def _correction_page(
    complaint: Complaint,
    form: CorrectionForm,
    events: list,
    notes: dict[int, str],
    note_errors: set[int] | frozenset[int] = frozenset(),
) -> str:
    return render_template(
        "publishing/correction.html",
        complaint=complaint,
        form=form,
        events=events,
        notes=notes,
        note_errors=note_errors,
    )
