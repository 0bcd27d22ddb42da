"""The supervisors' view of missed deadlines, across every agency (read-only).

GET only: the filter form works without JavaScript and each filtered list has an address; with
htmx the form and its results are swapped in place, the live region says how many were found
and focus moves to the results heading (or the error summary).
"""

from __future__ import annotations

from datetime import date

from flask import Response, current_app, g, request
from flask_babel import gettext as _
from sqlalchemy import select

from app.accounts.models import Role
from app.complaints import deadlines
from app.complaints.models import Complaint, Status
from app.db import utcnow
from app.deadlines import bp, rules
from app.deadlines.forms import FilterForm
from app.deadlines.queries import NO_AGENCY, PAGE_SIZE, Filters, overdue_page, per_agency
from app.directory import queries as directory
from app.directory.models import Agency, Region, RegionLevel
from app.extensions import db
from app.web.access import staff, visible_to
from app.web.htmx import render_page_or_fragment
from app.web.paging import page_arg


def _fill_choices(form: FilterForm, today: date) -> None:
    overdue = select(Complaint.agency_id).where(rules.overdue_clause(today), *visible_to(g.user))
    with_overdue = db.session.scalars(
        select(Agency).where(Agency.id.in_(overdue)).order_by(Agency.name_id)
    ).all()
    chosen = directory.agency_by_code(form.agency.data)
    if chosen is not None and chosen not in with_overdue:
        with_overdue.append(chosen)  # a saved link to an agency that is no longer late
    form.agency.choices = [
        ("", _("All agencies")),
        (NO_AGENCY, _("Not yet sent to an agency (verification)")),
        *[(a.code, a.name) for a in with_overdue],
    ]
    form.province.choices = [("", _("All provinces"))] + [
        (r.code, r.name) for r in directory.regions()
    ]
    form.status.choices = [("", _("All states"))] + [(s.value, s.title) for s in rules.ACTIVE]


def _filters(form: FilterForm) -> Filters:
    """The filters asked for; a value we do not know gets a message and is left out."""
    agency, no_agency, province, status = None, False, None, None
    code = (form.agency.data or "").strip()
    if code == NO_AGENCY:
        no_agency = True
    elif code:
        agency = directory.agency_by_code(code)
        if agency is None:
            form.agency.errors = [_("There is no agency with that code. Choose one from the list.")]
    region_code = (form.province.data or "").strip()
    if region_code:
        region = db.session.get(Region, region_code)
        if region is None or region.level != RegionLevel.PROVINCE:
            form.province.errors = [_("Choose a province from the list.")]
        else:
            province = region.code
    value = (form.status.data or "").strip()
    if value:
        if value in {s.value for s in rules.ACTIVE}:
            status = Status(value)
        else:
            form.status.errors = [
                _("Choose a state from the list: only reports in hand can be overdue.")
            ]
    return Filters(
        agency=agency,
        no_agency=no_agency,
        province=province,
        status=status,
        scope=tuple(visible_to(g.user)),
    )


@bp.get("/pengawasan")
@staff(Role.SUPERVISOR, Role.ADMIN, Role.VERIFIER)
def index() -> Response:
    """Overdue reports in every agency, most working days late first, with counts per agency."""
    today = deadlines.local_date(utcnow())
    form = FilterForm(formdata=request.args)
    filters = _filters(form)
    _fill_choices(form, today)
    rows, total, page = overdue_page(today, filters, page_arg())
    args = {k: v for k, v in request.args.items() if k in ("agency", "province", "status") and v}
    return render_page_or_fragment(
        "oversight/index.html",
        "oversight/_body.html",
        form=form,
        rows=rows,
        total=total,
        page_number=page,
        pages=max(1, -(-total // PAGE_SIZE)),
        page_args=args,
        counts=per_agency(today, tuple(visible_to(g.user))),
        today=today,
        links_to_detail="inbox.detail" in current_app.view_functions,
    )
