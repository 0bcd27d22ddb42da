"""Public scorecards (/rapor): every agency ranked, one agency, one region, downloads.

Filters are a plain GET form (works without JavaScript, keyboard only); an unknown filter
value is ignored with a clear message (200), an unknown agency or region is a 404.
Downloads (columns.py defines their columns and the dictionary /rapor/kamus at once):
/rapor.csv and .json, the ranking with the page's filters; /rapor/wilayah.csv and .json,
one row per province (or per regency/city with ?province=32); /rapor/instansi/<code>.csv
and /rapor/wilayah/<code>.csv, the monthly trend of one page (.json adds its figures).
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any, NoReturn

from babel.numbers import get_decimal_symbol, get_group_symbol
from flask import Response, abort, make_response, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from sqlalchemy import select

from app.directory.models import Agency, Category, Region
from app.extensions import db
from app.scorecards import bp, charts, queries
from app.scorecards.columns import AGENCIES, MONTHS, REGIONS, TABLES, RegionRow, Table
from app.scorecards.models import ALL
from app.scorecards.queries import MIN_RATINGS
from app.web.access import public
from app.web.errors import json_error, render_error
from app.web.exports import csv_chunks, download
from app.web.htmx import wants_fragment

NAMES = AGENCIES.names  # the columns of /rapor.csv and /rapor.json (columns.py)


REGION_CODE = re.compile(r"\d{2}(\.\d{2})?")  # a province or a regency/city


def _known_region(code: str, level: int) -> Region | None:
    """The region of that code and level; None for anything else (a code that cannot be one
    is never looked up)."""
    if not REGION_CODE.fullmatch(code):
        return None
    found = db.session.get(Region, code)
    return found if found is not None and found.level == level else None


def _known_category(code: str) -> Category | None:
    return db.session.get(Category, code) if code else None


@dataclass
class Filters:
    """The filters of /rapor and its downloads. The place is chosen province → regency/city
    (`province`, `regency`); `region` (either level) is the short form of links and files."""

    category: Category | None = None
    province: Region | None = None
    regency: Region | None = None
    level: str | None = None
    sort: str = "rank"
    descending: bool = False
    errors: list[tuple[str, str]] = field(default_factory=list)  # (field id, message)

    @property
    def region(self) -> Region | None:
        return self.regency or self.province

    @classmethod
    def from_args(cls, args: Any) -> Filters:
        found = cls()
        category = args.get("category", "").strip()
        if category:
            found.category = _known_category(category)
            if found.category is None:
                found.errors.append(
                    ("category", _("We do not know that topic: all topics are shown."))
                )
        found._place(args)
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

    def _place(self, args: Any) -> None:
        province = args.get("province", "").strip()
        regency = args.get("regency", "").strip()
        region = args.get("region", "").strip()
        if region and not (province or regency):  # a link or a file: one code, either level
            province, regency = region.split(".")[0], region if "." in region else ""
            if _known_region(region, 2 if "." in region else 1) is None:
                province, regency = "", ""
                self.errors.append(
                    (
                        "province",
                        _("We do not know that province or regency/city: all places are shown."),
                    )
                )
        if province:
            self.province = _known_region(province, 1)
            if self.province is None:
                self.errors.append(
                    ("province", _("We do not know that province: all provinces are shown."))
                )
        if regency:
            self.regency = _known_region(regency, 2)
            if self.regency is None:
                self.errors.append(
                    (
                        "regency",
                        _("We do not know that regency or city: the whole province is shown.")
                        if self.province is not None
                        else _("We do not know that regency or city: all places are shown."),
                    )
                )
            elif self.province is None and not province:
                self.province = self.regency.parent
            elif self.province is None or self.regency.parent_code != self.province.code:
                # The province was changed without JavaScript while the old regency stayed
                # chosen: the new province wins, and its regencies are listed now.
                self.regency = None

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


def _regencies(province: Region | None) -> list[Region]:
    if province is None:
        return []
    return list(
        db.session.scalars(
            select(Region).where(Region.parent_code == province.code).order_by(Region.name)
        )
    )


def _categories() -> list[Category]:
    return list(db.session.scalars(select(Category).order_by(Category.position, Category.name_en)))


@bp.get("/rapor")
@public
def index() -> Response:
    """Every agency ranked, with the filters; htmx asking for a fragment (the province
    changed) gets only that province's regency list."""
    filters = Filters.from_args(request.args)
    regencies = _regencies(filters.province)
    if wants_fragment():  # htmx: the province changed, only the regency list is wanted
        body = render_template("scorecards/_regency.html", filters=filters, regencies=regencies)
    else:
        body = render_template(
            "scorecards/index.html",
            filters=filters,
            rows=_ranking(filters),
            provinces=_provinces(),
            regencies=regencies,
            categories=_categories(),
            levels=queries.LEVELS,
            today=queries.today(),
        )
    response = make_response(body)
    response.vary.add("HX-Request")
    return response


def _csv(table: Table, rows: Iterable[Any], name: str) -> Response:
    """A download for spreadsheets: UTF-8 with a BOM, formulas neutralised, as an attachment
    (built whole: a scorecard is at most a few hundred rows)."""
    body = "".join(csv_chunks(table.names, [map(table.record, rows)]))
    return download(body, "text/csv", name, "csv")


def _json(body: dict[str, Any], name: str) -> Response:
    body = {
        "generated_on": queries.today().isoformat(),
        "dictionary": url_for("scorecards.dictionary", _external=True),
        **body,
    }
    return download(
        json.dumps(body, ensure_ascii=False, indent=1), "application/json", name, "json"
    )


@bp.get("/rapor.csv")
@public
def download_csv() -> Response:
    return _csv(AGENCIES, _ranking(Filters.from_args(request.args)), "rapor")


@bp.get("/rapor.json")
@public
def download_json() -> Response:
    filters = Filters.from_args(request.args)
    body = {
        "filters": filters.args(),
        "errors": [message for _field, message in filters.errors],
        "agencies": [AGENCIES.record(row) for row in _ranking(filters)],
    }
    return _json(body, "rapor")


def _region_rows(args: Any) -> tuple[list[RegionRow], dict[str, str], list[str]]:
    """Every province, or every regency/city of `province`, with its figures."""
    errors: list[str] = []
    chosen: dict[str, str] = {}
    province = _known_region(args.get("province", "").strip(), 1)
    if args.get("province", "").strip() and province is None:
        errors.append(_("We do not know that province: all provinces are shown."))
    category = args.get("category", "").strip()
    topic = _known_category(category)
    if category and topic is None:
        errors.append(_("We do not know that topic: all topics are shown."))
    regions = _regencies(province) if province else _provinces()
    figures = queries.regions_figures(regions, topic.code if topic else ALL)
    if province:
        chosen["province"] = province.code
    if topic:
        chosen["category"] = topic.code
    rows = [RegionRow(r, figures.get(r.code, queries.Figures())) for r in regions]
    return rows, chosen, errors


def _regions_file(chosen: dict[str, str]) -> str:
    """The name of a regions download: rapor-wilayah, or rapor-wilayah-32 for one province's."""
    return "rapor-wilayah" + (f"-{chosen['province']}" if "province" in chosen else "")


@bp.get("/rapor/wilayah.csv")
@public
def regions_csv() -> Response:
    rows, chosen, _errors = _region_rows(request.args)
    return _csv(REGIONS, rows, _regions_file(chosen))


@bp.get("/rapor/wilayah.json")
@public
def regions_json() -> Response:
    rows, chosen, errors = _region_rows(request.args)
    body = {
        "filters": chosen,
        "errors": errors,
        "regions": [REGIONS.record(row) for row in rows],
    }
    return _json(body, _regions_file(chosen))


@bp.get("/rapor/kamus")
@public
def dictionary() -> str:
    return render_template("scorecards/dictionary.html", tables=TABLES)


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


def _not_found(message: str) -> NoReturn:
    """A 404 that says which code was not found: a page, or JSON for a .json address."""
    if request.path.endswith(".json"):
        abort(json_error(404, message, "code"))
    body, status = render_error(404, message)
    abort(make_response(body, status))


def _agency(code: str) -> Agency:
    found = db.session.scalar(select(Agency).where(Agency.code == code))
    if found is None:
        _not_found(_("We do not know an agency with the code %(code)s.", code=code))
    return found


def _region(code: str) -> Region:
    found = db.session.get(Region, code) if REGION_CODE.fullmatch(code) else None
    if found is None:
        _not_found(
            _(
                "We do not know a province or regency/city with the code %(code)s.",
                code=code,
            )
        )
    return found


@bp.get("/rapor/instansi/<code>")
@public
def agency(code: str) -> str:
    found = _agency(code)
    return _page(
        "scorecards/agency.html",
        found.name,
        "agency",
        str(found.id),
        agency=found,
        figures=queries.agency_figures(found),
    )


@bp.get("/rapor/instansi/<code>.csv")
@public
def agency_csv(code: str) -> Response:
    found = _agency(code)
    return _csv(MONTHS, queries.trend("agency", str(found.id)), f"rapor-{found.code}")


@bp.get("/rapor/instansi/<code>.json")
@public
def agency_json(code: str) -> Response:
    found = _agency(code)
    ranked = next((r for r in queries.ranking() if r.agency.id == found.id), None)
    row = ranked or queries.Ranked(None, found, queries.agency_figures(found))
    body = {
        "agency": AGENCIES.record(row),
        "months": [MONTHS.record(m) for m in queries.trend("agency", str(found.id))],
    }
    return _json(body, f"rapor-{found.code}")


@bp.get("/rapor/wilayah/<code>")
@public
def region(code: str) -> str:
    found = _region(code)
    parts: list[tuple[Region, queries.Figures]] = []
    if found.level == 1:
        children = _regencies(found)
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


@bp.get("/rapor/wilayah/<code>.csv")
@public
def region_csv(code: str) -> Response:
    found = _region(code)
    return _csv(MONTHS, queries.trend("region", found.code), f"rapor-wilayah-{found.code}")


@bp.get("/rapor/wilayah/<code>.json")
@public
def region_json(code: str) -> Response:
    found = _region(code)
    body = {
        "region": REGIONS.record(RegionRow(found, queries.region_figures(found))),
        "months": [MONTHS.record(m) for m in queries.trend("region", found.code)],
    }
    return _json(body, f"rapor-wilayah-{found.code}")


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
bp.add_app_template_global(MIN_RATINGS, "SCORECARD_MIN_RATINGS")
