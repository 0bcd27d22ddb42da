"""Public scorecards (/rapor): every agency ranked, one agency, one region, downloads.

Filters are a plain GET form (works without JavaScript, keyboard only); an unknown filter
value is ignored with a clear message (200), an unknown agency or region is a 404.
Downloads: /rapor.csv and /rapor.json carry the ranking table with the same filters; the
columns are described on /rapor/kamus.
"""

from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from babel.numbers import get_decimal_symbol, get_group_symbol
from flask import Response, abort, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from app.directory.models import Agency, Category, Region
from app.extensions import db
from app.scorecards import bp, charts, queries
from app.scorecards.models import ALL
from app.web.access import public

# name, meaning, unit: the data dictionary (/rapor/kamus), and the CSV/JSON column order.
COLUMNS: tuple[tuple[str, Any, Any], ...] = (
    ("rank", _l("Place in the ranking with the filters chosen (1 = best)."), _l("position")),
    ("agency_code", _l("The agency's code in the directory."), _l("text")),
    ("agency_name", _l("The agency's name."), _l("text")),
    (
        "agency_kind",
        _l(
            "Ministry, national agency, state-owned enterprise, provincial or "
            "regency/city government."
        ),
        _l("text"),
    ),
    (
        "agency_region_code",
        _l(
            "For a local government: the province or regency/city it "
            "governs; empty for central agencies."
        ),
        _l("region code"),
    ),
    (
        "received",
        _l(
            "Reports this agency holds now (sent to it by a verifier or forwarded "
            "to it), since the start, confidential ones included."
        ),
        _l("reports"),
    ),
    ("in_progress", _l("Of those, reports not resolved yet."), _l("reports")),
    (
        "resolved",
        _l("Of those, reports the agency resolved (closed ones included)."),
        _l("reports"),
    ),
    (
        "overdue_now",
        _l(
            "Reports whose running deadline has been missed today: a working day "
            "has passed since the due date (the same rule as the deadline sweep)."
        ),
        _l("reports"),
    ),
    (
        "median_first_response_working_days",
        _l(
            "Median time from the day the agency received "
            "a report to its first response or resolution."
        ),
        _l("working days"),
    ),
    (
        "median_resolution_working_days",
        _l("Median time from the day the agency received a report to the day it resolved it."),
        _l("working days"),
    ),
    ("first_responses", _l("Reports the agency has responded to."), _l("reports")),
    (
        "answered_in_time_share",
        _l(
            "Share of first responses given within the deadline set "
            "when the agency received the report; reports still waiting "
            "after their deadline count in overdue_now instead."
        ),
        _l("fraction from 0 to 1"),
    ),
    (
        "average_satisfaction",
        _l("Average rating reporters gave when confirming a resolution."),
        _l("1 to 5"),
    ),
    ("ratings", _l("Number of ratings behind the average."), _l("ratings")),
)
NAMES = [name for name, _meaning, _unit in COLUMNS]


@dataclass
class Filters:
    category: Category | None = None
    region: Region | None = None
    level: str | None = None
    sort: str = "rank"
    descending: bool = False
    errors: list[tuple[str, str]] = field(default_factory=list)  # (field id, message)

    @classmethod
    def from_args(cls, args: Any) -> Filters:
        found = cls()
        category = args.get("category", "").strip()
        if category:
            found.category = db.session.get(Category, category)
            if found.category is None:
                found.errors.append(
                    ("category", _("We do not know that topic: all topics are shown."))
                )
        region = args.get("region", "").strip()
        if region:
            found.region = db.session.get(Region, region)
            if found.region is None or found.region.level not in (1, 2):
                found.region = None
                found.errors.append(
                    (
                        "region",
                        _("We do not know that province or regency/city: all places are shown."),
                    )
                )
        level = args.get("level", "").strip()
        if level:
            if level in queries.LEVELS:
                found.level = level
            else:
                found.errors.append(
                    ("level", _("We do not know that level: all levels are shown."))
                )
        sort = args.get("sort", "rank")
        found.sort = sort if sort in queries.SORTS else "rank"
        found.descending = args.get("dir") == "desc"
        return found

    def args(self, **changes: Any) -> dict[str, str]:
        """The query string of these filters, with `changes` (for sort links, downloads)."""
        values = {
            "category": self.category.code if self.category else "",
            "region": self.region.code if self.region else "",
            "level": self.level or "",
            "sort": self.sort if self.sort != "rank" else "",
            "dir": "desc" if self.descending else "",
        }
        values.update(changes)
        return {k: v for k, v in values.items() if v}


def _ranking(filters: Filters) -> list[queries.Ranked]:
    return queries.ranking(
        category=filters.category,
        region=filters.region,
        level=filters.level,
        sort=filters.sort,
        descending=filters.descending,
    )


def _provinces() -> list[Region]:
    return list(db.session.scalars(select(Region).where(Region.level == 1).order_by(Region.name)))


def _categories() -> list[Category]:
    return list(db.session.scalars(select(Category).order_by(Category.position, Category.name_en)))


@bp.get("/rapor")
@public
def index() -> str:
    filters = Filters.from_args(request.args)
    return render_template(
        "scorecards/index.html",
        filters=filters,
        rows=_ranking(filters),
        provinces=_provinces(),
        categories=_categories(),
        levels=queries.LEVELS,
        today=queries.today(),
    )


def _record(row: queries.Ranked) -> dict[str, Any]:
    f = row.figures
    first, resolution = f.median_first, f.median_resolution
    share, satisfaction = f.in_time_share, f.satisfaction
    return {
        "rank": row.rank,
        "agency_code": row.agency.code,
        "agency_name": row.agency.name,
        "agency_kind": row.agency.kind.value,
        "agency_region_code": row.agency.region_code or "",
        "received": f.received,
        "in_progress": f.in_progress,
        "resolved": f.resolved,
        "overdue_now": f.overdue,
        "median_first_response_working_days": first,
        "median_resolution_working_days": resolution,
        "first_responses": f.responded,
        "answered_in_time_share": round(share, 4) if share is not None else None,
        "average_satisfaction": round(satisfaction, 2) if satisfaction is not None else None,
        "ratings": f.rating_count,
    }


def _cell(value: object) -> object:
    """Neutralise spreadsheet formulas (CSV injection), as the inbox export does."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return "" if value is None else value


@bp.get("/rapor.csv")
@public
def download_csv() -> Response:
    filters = Filters.from_args(request.args)
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(NAMES)
    for row in _ranking(filters):
        record = _record(row)
        writer.writerow(_cell(record[name]) for name in NAMES)
    response = Response("\ufeff" + out.getvalue(), mimetype="text/csv")
    name = f"suara-warga-rapor-{queries.today().isoformat()}.csv"
    response.headers["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@bp.get("/rapor.json")
@public
def download_json() -> Response:
    filters = Filters.from_args(request.args)
    body = {
        "generated_on": queries.today().isoformat(),
        "filters": filters.args(),
        "errors": [message for _field, message in filters.errors],
        "dictionary": url_for("scorecards.dictionary", _external=True),
        "agencies": [_record(row) for row in _ranking(filters)],
    }
    return Response(json.dumps(body, ensure_ascii=False, indent=1), mimetype="application/json")


@bp.get("/rapor/kamus")
@public
def dictionary() -> str:
    return render_template("scorecards/dictionary.html", columns=COLUMNS)


def _page(template: str, place: str, scope: str, key: str, **context: Any) -> str:
    months = queries.trend(scope, key)
    return render_template(
        template,
        months=months,
        trend=charts.trend_chart(months, place),
        in_time=charts.in_time_chart(months, place),
        by_category=queries.by_category(scope, key),
        **context,
    )


@bp.get("/rapor/instansi/<code>")
@public
def agency(code: str) -> str:
    found = db.session.scalar(select(Agency).where(Agency.code == code))
    if found is None:
        abort(404)
    return _page(
        "scorecards/agency.html",
        found.name,
        "agency",
        str(found.id),
        agency=found,
        figures=queries.agency_figures(found),
    )


@bp.get("/rapor/wilayah/<code>")
@public
def region(code: str) -> str:
    found = db.session.get(Region, code)
    if found is None or found.level not in (1, 2):
        abort(404)
    parts: list[tuple[Region, queries.Figures]] = []
    if found.level == 1:
        children = list(
            db.session.scalars(
                select(Region).where(Region.parent_code == found.code).order_by(Region.name)
            )
        )
        figures = queries.regions_figures(children)
        parts = [(r, figures.get(r.code, queries.Figures())) for r in children]
    return _page(
        "scorecards/region.html",
        found.name,
        "region",
        found.code,
        region=found,
        figures=queries.region_figures(found),
        children=parts,
        agencies=queries.ranking(region=found),
    )


@lru_cache(maxsize=8)
def _symbols(locale: str) -> tuple[str, str]:
    return get_decimal_symbol(locale), get_group_symbol(locale)


def whole(value: int) -> str:
    """A count with the locale's digit grouping ("1.234" in id, "1,234" in en).

    Babel's format_decimal costs ~50 µs a call; a ranking of 500 agencies has thousands of
    cells, so the symbols are looked up once and the rest is plain string work.
    """
    _decimal, group = _symbols(str(get_locale()))
    return f"{value:,}".replace(",", group)


def number(value: float | None, digits: int = 1) -> str:
    """A median or average for people: "–" when there is none."""
    if value is None:
        return "–"
    decimal, group = _symbols(str(get_locale()))
    text = f"{value:,.{digits}f}".rstrip("0").rstrip(".")
    return text.replace(",", "\0").replace(".", decimal).replace("\0", group)


def share(value: float | None) -> str:
    return "–" if value is None else f"{round(value * 100)}%"


bp.add_app_template_filter(whole, "sc_int")
bp.add_app_template_filter(number, "scorecard_number")
bp.add_app_template_filter(share, "scorecard_share")
bp.add_app_template_global(ALL, "SCORECARD_ALL")
