"""Public pages of published complaints (/laporan), their open data (/laporan.csv,
/laporan.json, the dictionary /laporan/kamus, the /data landing page), and the verifier's
correction of the published version (/verifikasi/<code>/terbitan)."""

from __future__ import annotations

from flask import (
    Response,
    abort,
    flash,
    g,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from sqlalchemy import Select, select

from app.accounts.models import Role
from app.complaints.models import Complaint, ComplaintEvent
from app.db import utcnow
from app.directory import queries as directory
from app.directory.models import Agency, Category, Region
from app.duplicates import supporters
from app.extensions import db
from app.intake.forms import clean_text
from app.publishing import bp, feed, opendata
from app.publishing.forms import CorrectionForm, Filters
from app.publishing.masking import tokens_in
from app.publishing.operations import correct, refresh
from app.publishing.queries import (
    PUBLISHED_STATUSES,
    is_published,
    noted_events,
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
from app.web.exports import download
from app.web.htmx import htmx_redirect, is_htmx, render_page_or_fragment
from app.web.paging import pages_to_show, paginate

PAGE_SIZE = 20
# The list counts and pages through at most this many reports (the newest); more words or
# filters find the others, and the downloads and Open311 have them all.
LISTED_AT_MOST = 10_000
CORRECTORS = (Role.VERIFIER, Role.ADMIN)
NOTE_MAX = 10000  # characters of a corrected public note


def _agencies_published() -> list[Agency]:
    """Agencies with at least one published complaint: the agency filter's choices (a list
    of all ~640 would be unusable, and most would find nothing)."""
    with_published = select(Complaint.agency_id).where(is_published()).distinct()
    return list(
        db.session.scalars(
            select(Agency).where(Agency.id.in_(with_published)).order_by(Agency.name_id)
        )
    )


def _choices() -> tuple[list[Region], list[Region], list[Agency], list[Category]]:
    """The filters' choices: provinces, the chosen province's regencies, agencies, topics."""
    provinces = directory.regions()
    province = request.args.get("province", "")
    regencies = directory.regions(province) if province in {p.code for p in provinces} else []
    return provinces, regencies, _agencies_published(), directory.categories()


def _filters(
    provinces: list[Region],
    regencies: list[Region],
    agencies: list[Agency],
    categories: list[Category],
) -> Filters:
    """The query string's filters, for the list and its downloads alike."""
    return Filters.from_args(
        request.args,
        provinces={p.code for p in provinces},
        regencies={r.code for r in regencies},
        agencies={a.code for a in agencies},
        categories={c.code for c in categories},
    )


def _statement(filters: Filters) -> Select:
    return published_complaints(
        text=filters.text or None,
        region_code=filters.region_code,
        agency_code=filters.agency or None,
        category_code=filters.category or None,
        status=filters.status_value,
    )


@bp.get("/laporan")
@public
def index() -> Response:
    """Published reports, newest first; a GET form filters them (htmx: the results only)."""
    provinces, regencies, agencies, categories = _choices()
    filters = _filters(provinces, regencies, agencies, categories)
    result = paginate(_statement(filters), filters.page, PAGE_SIZE, most=LISTED_AT_MOST)
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
        supported=supporters.has_supported(complaint, supporters.current_supporter(create=False)),
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
    events = noted_events(complaint)
    form = CorrectionForm()
    if request.method == "GET":
        refresh(complaint)  # show what the public sees, stored
        db.session.commit()
        form.title.data = complaint.published_title
        form.description.data = complaint.published_description
        form.version.data = complaint.version
        return _correction_page(complaint, form, events, public_notes(complaint))
    notes, note_errors = _submitted_notes(events)
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


def _submitted_notes(events: list[ComplaintEvent]) -> tuple[dict[int, str], set[int]]:
    """The corrected public notes as posted (`note-<event id>`, control characters dropped),
    and the ids of those left empty or longer than `NOTE_MAX` characters."""
    notes = {e.id: str(clean_text(request.form.get(f"note-{e.id}") or "")) for e in events}
    return notes, {k for k, v in notes.items() if not v or len(v) > NOTE_MAX}


def _correction_page(
    complaint: Complaint,
    form: CorrectionForm,
    events: list[ComplaintEvent],
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


# --- open data -----------------------------------------------------------------------------


@bp.get("/laporan.csv")
@public
def download_csv() -> Response:
    """Published reports as CSV, with /laporan's filters; columns on /laporan/kamus."""
    filters = _filters(*_choices())
    return download(opendata.csv_chunks(_statement(filters)), "text/csv", "laporan", "csv")


@bp.get("/laporan.json")
@public
def download_json() -> Response:
    """Published reports as JSON; `include=timeline` adds each one's masked timeline."""
    filters = _filters(*_choices())
    timeline = "timeline" in request.args.get("include", "").split(",")
    head = {
        "generated_at": utcnow().isoformat(timespec="seconds"),
        "filters": filters.args(page=1),
        "include": ["timeline"] if timeline else [],
        "dictionary": url_for("publishing.dictionary", _external=True),
        "licence": opendata.LICENCE,
    }
    chunks = opendata.json_chunks(_statement(filters), head, timeline)
    return download(chunks, "application/json", "laporan", "json")


@bp.get("/laporan.atom")
@public
def atom_feed() -> Response:
    """The newest published reports as an Atom feed, with /laporan's filters."""
    filters = _filters(*_choices())
    body = feed.atom(
        _statement(filters),
        title=_("Published reports") + " – Suara Warga",
        feed_url=url_for("publishing.atom_feed", _external=True, **filters.args(page=1)),
        page_url=url_for("publishing.index", _external=True, **filters.args(page=1)),
        entry_url=lambda code: url_for("publishing.detail", code=code, _external=True),
    )
    return Response(body, content_type="application/atom+xml; charset=utf-8")


@bp.get("/laporan/kamus")
@public
def dictionary() -> str:
    return render_template(
        "publishing/dictionary.html",
        columns=opendata.COLUMNS,
        timeline_columns=opendata.TIMELINE_COLUMNS,
    )


@bp.get("/data")
@public
def open_data() -> str:
    """Every download and API on one page, with their dictionaries and the licence."""
    return render_template("publishing/data.html", licence=opendata.LICENCE)
