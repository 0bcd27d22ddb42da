"""The one definition of every scorecard download: CSV header, JSON keys, and the data
dictionary (/rapor/kamus) are all read from these tables, so page and file cannot drift.

Each column (`app.web.exports.Column`, as open data's) knows its name, its meaning and unit
(lazy strings, translated when shown), and how to read its value from a row: a
`queries.Ranked` (agencies), a `RegionRow` (regions) or a `queries.Month` (a monthly trend).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from flask_babel import lazy_gettext as _l

from app.directory.models import Region
from app.scorecards.queries import MIN_RATINGS, Figures
from app.web.exports import Column


@dataclass
class RegionRow:
    region: Region
    figures: Figures


@dataclass(frozen=True)
class Table:
    key: str  # the id of its section on /rapor/kamus
    title: Any
    rows: Any  # what one row is
    files: tuple[str, ...]  # the download addresses, as shown on the dictionary page
    columns: tuple[Column, ...]

    @property
    def names(self) -> list[str]:
        return [c.name for c in self.columns]

    def record(self, row: Any) -> dict[str, Any]:
        return {c.name: c.value(row) for c in self.columns}


def _rounded(value: float | None, digits: int) -> float | None:
    return round(value, digits) if value is not None else None


REPORTS, DAYS = _l("reports"), _l("working days")


def _figure_columns(held: Any, in_progress: Any, overdue: Any) -> tuple[Column, ...]:
    """The figures every agency and region row carries, in the same order and units."""
    return (
        Column("received", held, REPORTS, lambda r: r.figures.received),
        Column("in_progress", in_progress, REPORTS, lambda r: r.figures.in_progress),
        Column(
            "resolved",
            _l("Of those, reports resolved (closed ones included)."),
            REPORTS,
            lambda r: r.figures.resolved,
        ),
        Column("overdue_now", overdue, REPORTS, lambda r: r.figures.overdue),
        Column(
            "median_first_response_working_days",
            _l(
                "Median time from the day the agency received "
                "a report to its first response or resolution."
            ),
            DAYS,
            lambda r: r.figures.median_first,
        ),
        Column(
            "median_resolution_working_days",
            _l("Median time from the day the agency received a report to the day it resolved it."),
            DAYS,
            lambda r: r.figures.median_resolution,
        ),
        Column(
            "first_responses",
            _l("Reports an agency has responded to."),
            REPORTS,
            lambda r: r.figures.responded,
        ),
        Column(
            "answered_in_time_share",
            _l(
                "Share of first responses given within the deadline set "
                "when the agency received the report; reports still waiting "
                "after their deadline count in overdue_now instead."
            ),
            _l("fraction from 0 to 1"),
            lambda r: _rounded(r.figures.in_time_share, 4),
        ),
        Column(
            "average_satisfaction",
            _l(
                "Average rating reporters gave when confirming a resolution. Ratings join it "
                "after their month is over, at least %(min)s at a time, so that no one's "
                "rating can be worked out from a change in it; empty until the first do.",
                min=MIN_RATINGS,
            ),
            _l("1 to 5"),
            lambda r: _rounded(r.figures.satisfaction, 2),
        ),
        Column(
            "ratings",
            _l("Number of ratings behind the average."),
            _l("ratings"),
            lambda r: r.figures.released_count,
        ),
    )


AGENCIES = Table(
    "agencies",
    _l("Agencies"),
    _l("Each row is one agency with reports, in the order of the page."),
    ("/rapor.csv", "/rapor.json"),
    (
        Column(
            "rank",
            _l("Place in the ranking with the filters chosen (1 = best)."),
            _l("position"),
            lambda r: r.rank,
        ),
        Column(
            "agency_code",
            _l("The agency's code in the directory."),
            _l("text"),
            lambda r: r.agency.code,
        ),
        Column("agency_name", _l("The agency's name."), _l("text"), lambda r: r.agency.name),
        Column(
            "agency_kind",
            _l(
                "Ministry, national agency, state-owned enterprise, provincial or "
                "regency/city government."
            ),
            _l("text"),
            lambda r: r.agency.kind.value,
        ),
        Column(
            "agency_region_code",
            _l(
                "For a local government: the province or regency/city it "
                "governs; empty for central agencies."
            ),
            _l("region code"),
            lambda r: r.agency.region_code or "",
        ),
        *_figure_columns(
            _l(
                "Reports this agency holds now (sent to it by a verifier or forwarded "
                "to it), since the start, confidential ones included."
            ),
            _l("Of those, reports not resolved yet."),
            _l(
                "Reports whose running deadline has been missed today: a working day "
                "has passed since the due date (the same rule as the deadline sweep)."
            ),
        ),
    ),
)

REGIONS = Table(
    "regions",
    _l("Provinces and regencies/cities"),
    _l(
        "Each row is one province; with province=<code> (for example province=32), one "
        "regency or city of that province. The page of one region has the same row."
    ),
    ("/rapor/wilayah.csv", "/rapor/wilayah.json", "/rapor/wilayah/<code>.json"),
    (
        Column(
            "region_code",
            _l("The Kemendagri code of the province or regency/city."),
            _l("region code"),
            lambda r: r.region.code,
        ),
        Column("region_name", _l("The region's name."), _l("text"), lambda r: r.region.name),
        Column(
            "region_level",
            _l("province, or regency (a regency or city)."),
            _l("text"),
            lambda r: "province" if r.region.level == 1 else "regency",
        ),
        Column(
            "province_code",
            _l("For a regency or city: its province; for a province: its own code."),
            _l("region code"),
            lambda r: r.region.parent_code or r.region.code,
        ),
        *_figure_columns(
            _l(
                "Reports filed about a place in this region, whichever agency holds "
                "them, those waiting for verification and confidential ones included."
            ),
            _l("Of those, reports not resolved yet (waiting for verification included)."),
            _l(
                "Reports about this region whose running deadline (the agency's, or the "
                "verifier's) has been missed today."
            ),
        ),
    ),
)

MONTHS = Table(
    "months",
    _l("Monthly trend of one agency or region"),
    _l(
        "Each row is one of the last 12 months, as in the charts of the agency's or "
        "region's page; the JSON file also holds the agency's or region's row."
    ),
    (
        "/rapor/instansi/<code>.csv",
        "/rapor/instansi/<code>.json",
        "/rapor/wilayah/<code>.csv",
        "/rapor/wilayah/<code>.json",
    ),
    (
        Column("month", _l("The calendar month."), _l("YYYY-MM"), lambda m: m.month),
        Column(
            "received",
            _l("Reports received in that month."),
            REPORTS,
            lambda m: m.received,
        ),
        Column(
            "resolved",
            _l("Reports resolved in that month."),
            REPORTS,
            lambda m: m.resolved,
        ),
        Column(
            "first_responses",
            _l("First responses given in that month."),
            REPORTS,
            lambda m: m.responded,
        ),
        Column(
            "answered_in_time",
            _l("Of those, first responses given within the deadline."),
            REPORTS,
            lambda m: m.in_time,
        ),
        Column(
            "answered_in_time_share",
            _l("answered_in_time divided by first_responses; empty when there were none."),
            _l("fraction from 0 to 1"),
            lambda m: _rounded(m.in_time_share, 4),
        ),
    ),
)

TABLES: tuple[Table, ...] = (AGENCIES, REGIONS, MONTHS)
