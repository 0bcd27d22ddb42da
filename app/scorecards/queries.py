"""Reading the scorecards: a few indexed reads of the small aggregate tables, never a scan of
the complaints. "Overdue now" depends on today, so it is counted from `scorecard_facts` with
an index range scan on `due_on` (only the complaints whose deadline has passed)."""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from app.complaints import deadlines
from app.db import utcnow
from app.deadlines import rules
from app.directory.models import Agency, AgencyKind, Category, Region
from app.extensions import db
from app.scorecards.facts import COUNTERS, month_of
from app.scorecards.models import ALL, ScorecardDays, ScorecardFact, ScorecardStat

LEVELS = {
    "central": (
        _l("Central (ministries, national agencies, state-owned enterprises)"),
        (AgencyKind.MINISTRY, AgencyKind.AGENCY, AgencyKind.SOE),
    ),
    "province": (_l("Provincial governments"), (AgencyKind.PROVINCE,)),
    "regency": (_l("Regency and city governments"), (AgencyKind.REGENCY,)),
}
TREND_MONTHS = 12
# Reporters must be free to rate honestly, and an agency knows who confirmed its reports and
# when. So the published average takes ratings only in batches of whole past months holding
# at least this many (`released_ratings`): neither an average of one or two ratings nor the
# change a single new rating makes to it ever shows how one person rated.
MIN_RATINGS = 5
ACTIVE_VALUES = [s.value for s in rules.ACTIVE]


def today() -> date:
    return deadlines.local_date(utcnow())


def median(histogram: dict[int, int]) -> float | None:
    """The exact median of the values a histogram {value: count} describes."""
    total = sum(histogram.values())
    if total == 0:
        return None
    wanted = [(total - 1) // 2, total // 2]  # the middle one, or the middle two
    found: list[int] = []
    seen = 0
    for value in sorted(histogram):
        count = histogram[value]
        while wanted and wanted[0] < seen + count:
            found.append(value)
            wanted.pop(0)
        seen += count
        if not wanted:
            break
    return (found[0] + found[1]) / 2


@dataclass
class Figures:
    received: int = 0
    in_progress: int = 0
    resolved: int = 0
    stopped: int = 0
    responded: int = 0
    in_time: int = 0
    rating_sum: int = 0
    rating_count: int = 0
    released_sum: int = 0  # the ratings in the published average (released_ratings)
    released_count: int = 0
    overdue: int = 0
    first: dict[int, int] = field(default_factory=dict)
    resolution: dict[int, int] = field(default_factory=dict)

    @property
    def median_first(self) -> float | None:
        return median(self.first)

    @property
    def median_resolution(self) -> float | None:
        return median(self.resolution)

    @property
    def in_time_share(self) -> float | None:
        """Share of first responses given within the deadline (None before any)."""
        return self.in_time / self.responded if self.responded else None

    @property
    def satisfaction(self) -> float | None:
        """The published average rating: of the released ratings only (None before any)."""
        if self.released_count == 0:
            return None
        return self.released_sum / self.released_count

    @property
    def satisfaction_withheld(self) -> bool:
        """Some ratings exist, none released into an average yet."""
        return self.rating_count > 0 and self.released_count == 0


def _figures(
    scope: str, category: str, keys: list[str] | None, *, ratings: bool = True
) -> dict[str, Figures]:
    """All-time figures per key of `scope` (every key when `keys` is None); without the
    published ratings (`_release`) when `ratings` is False."""
    stat, days = ScorecardStat, ScorecardDays
    query = select(stat.key, *(getattr(stat, c) for c in COUNTERS)).where(
        stat.scope == scope, stat.category == category, stat.month == ALL, stat.received > 0
    )
    hist = select(days.key, days.measure, days.days, days.n).where(
        days.scope == scope, days.category == category, days.n > 0
    )
    if keys is not None:
        query = query.where(stat.key.in_(keys))
        hist = hist.where(days.key.in_(keys))
    result: dict[str, Figures] = {}
    for key, *values in db.session.execute(query):
        result[key] = Figures(**dict(zip(COUNTERS, values, strict=True)))
    for key, measure, day, n in db.session.execute(hist):
        if key in result:
            getattr(result[key], measure)[day] = n
    if ratings:
        _release(result, scope, category, keys)
    return result


def _release(
    figures: dict[str, Figures], scope: str, category: str, keys: list[str] | None
) -> None:
    """Fill in the published ratings of `figures` (keyed like `released_ratings`)."""
    released = released_ratings(scope, [category], keys)
    for key, found in figures.items():
        found.released_sum, found.released_count = released.get((key, category), (0, 0))


def released_ratings(
    scope: str, categories: list[str], keys: list[str] | None, on: date | None = None
) -> dict[tuple[str, str], tuple[int, int]]:
    """(key, category) → (sum, count) of the ratings the published average holds on `on`.

    The ratings of each month are kept back until the month is over; then, oldest month
    first, they join the average together with those kept back before them once there are
    at least MIN_RATINGS. So the published average changes only at the start of a month and
    only by a batch of MIN_RATINGS or more ratings: an agency that knows who confirmed a
    report this week cannot read that person's rating off the difference. The batches
    depend on past months only, so they are the same whenever they are computed.
    """
    stat = ScorecardStat
    query = (
        select(stat.key, stat.category, stat.month, stat.rating_sum, stat.rating_count)
        .where(
            stat.scope == scope,
            stat.category.in_(categories),
            stat.month != ALL,
            stat.month < month_of(on or today()),
            stat.rating_count > 0,
        )
        .order_by(stat.key, stat.category, stat.month)
    )
    if keys is not None:
        query = query.where(stat.key.in_(keys))
    released: dict[tuple[str, str], tuple[int, int]] = {}
    held: dict[tuple[str, str], tuple[int, int]] = {}
    for key, category, _month, rating_sum, rating_count in db.session.execute(query):
        held_sum, held_count = held.get((key, category), (0, 0))
        held_sum, held_count = held_sum + rating_sum, held_count + rating_count
        if held_count >= MIN_RATINGS:
            done_sum, done_count = released.get((key, category), (0, 0))
            released[(key, category)] = (done_sum + held_sum, done_count + held_count)
            held_sum, held_count = 0, 0
        held[(key, category)] = (held_sum, held_count)
    return released


def _overdue(column: object, on: date, category: str, where: object = None) -> dict:
    """Complaints overdue now, counted per value of `column`.

    The rows are read with a range scan of `due_on` and counted here rather than with GROUP
    BY: SQLite would otherwise walk the whole `agency_id` index to avoid a sort, reading
    every complaint instead of only the few past their deadline.
    """
    fact = ScorecardFact
    query = select(column).where(fact.due_on < rules.cutoff(on), fact.status.in_(ACTIVE_VALUES))
    if where is not None:
        query = query.where(where)
    if category != ALL:
        query = query.where(fact.category_code == category)
    return dict(Counter(db.session.scalars(query)))


def region_figures(region: Region, category: str = ALL) -> Figures:
    found = _figures("region", category, [region.code]).get(region.code, Figures())
    column = ScorecardFact.province_code if region.level == 1 else ScorecardFact.regency_code
    found.overdue = _overdue(column, today(), category, column == region.code).get(region.code, 0)
    return found


def regions_figures(regions: list[Region], category: str = ALL) -> dict[str, Figures]:
    """Figures of several regions of one level (the provinces, or a province's regencies)."""
    found = _figures("region", category, [r.code for r in regions])
    if regions:
        level = regions[0].level
        column = ScorecardFact.province_code if level == 1 else ScorecardFact.regency_code
        overdue = _overdue(column, today(), category, column.in_([r.code for r in regions]))
        for code, figures in found.items():
            figures.overdue = overdue.get(code, 0)
    return found


def agency_figures(agency: Agency, category: str = ALL) -> Figures:
    found = _figures("agency", category, [str(agency.id)]).get(str(agency.id), Figures())
    fact = ScorecardFact
    found.overdue = _overdue(fact.agency_id, today(), category, fact.agency_id == agency.id).get(
        agency.id, 0
    )
    return found


@dataclass
class Ranked:
    rank: int | None  # None: an agency without reports, outside the ranking
    agency: Agency
    figures: Figures


def _rank_key(row: tuple[Agency, Figures]) -> tuple:
    agency, f = row
    share = f.in_time_share
    first = f.median_first
    return (
        share is None,
        -(share or 0),
        f.overdue,
        first is None,
        first or 0,
        -f.received,
        agency.code,
    )


SORTS = {
    "rank": lambda r: r.rank,
    "name": lambda r: r.agency.name.casefold(),
    "received": lambda r: r.figures.received,
    "in_progress": lambda r: r.figures.in_progress,
    "resolved": lambda r: r.figures.resolved,
    "overdue": lambda r: r.figures.overdue,
    "first": lambda r: (r.figures.median_first is None, r.figures.median_first or 0),
    "resolution": lambda r: (
        r.figures.median_resolution is None,
        r.figures.median_resolution or 0,
    ),
    "in_time": lambda r: (r.figures.in_time_share is None, r.figures.in_time_share or 0),
    "satisfaction": lambda r: (r.figures.satisfaction is None, r.figures.satisfaction or 0),
}


def ranking(
    *,
    category: Category | None = None,
    region: Region | None = None,
    level: str | None = None,
    sort: str = "rank",
    descending: bool = False,
) -> list[Ranked]:
    """Agencies with at least one complaint, ranked: the highest share of first responses in
    time first, then the fewest overdue now, the shortest median first response, the most
    complaints. `region` keeps the local governments of that province or regency/city."""
    code = category.code if category else ALL
    figures = _figures("agency", code, None, ratings=False)
    overdue = _overdue(ScorecardFact.agency_id, today(), code)
    query = select(Agency).where(Agency.id.in_([int(k) for k in figures]))
    if level in LEVELS:
        query = query.where(Agency.kind.in_(LEVELS[level][1]))
    if region is not None:
        query = query.where(
            (Agency.region_code == region.code) | Agency.region_code.like(f"{region.code}.%")
        )
    rows = []
    for agency in db.session.scalars(query):
        found = figures[str(agency.id)]
        found.overdue = overdue.get(agency.id, 0)
        rows.append((agency, found))
    # The published ratings of the agencies listed: all of them, or a region's few.
    filtered = level in LEVELS or region is not None
    _release(figures, "agency", code, [str(a.id) for a, _f in rows] if filtered else None)
    rows.sort(key=_rank_key)
    ranked = [Ranked(i, agency, f) for i, (agency, f) in enumerate(rows, start=1)]
    if (sort in SORTS and sort != "rank") or descending:
        ranked.sort(key=SORTS.get(sort, SORTS["rank"]), reverse=descending)
    return ranked


@dataclass
class Month:
    month: str  # "YYYY-MM"
    first_day: date
    received: int
    resolved: int
    responded: int
    in_time: int

    @property
    def in_time_share(self) -> float | None:
        return self.in_time / self.responded if self.responded else None


def last_months(end: date, count: int = TREND_MONTHS) -> list[date]:
    months, year, month = [], end.year, end.month
    for _ in range(count):
        months.append(date(year, month, 1))
        year, month = (year, month - 1) if month > 1 else (year - 1, 12)
    return months[::-1]


def trend(scope: str, key: str, end: date | None = None) -> list[Month]:
    """Received, resolved and first responses (in time) per month, the last 12 months."""
    months = last_months(end or today())
    labels = [month_of(m) for m in months]
    stat = ScorecardStat
    rows = {
        m: (received, resolved, responded, in_time)
        for m, received, resolved, responded, in_time in db.session.execute(
            select(stat.month, stat.received, stat.resolved, stat.responded, stat.in_time).where(
                stat.scope == scope,
                stat.key == key,
                stat.category == ALL,
                stat.month.in_(labels),
            )
        )
    }
    return [
        Month(label, first, *rows.get(label, (0, 0, 0, 0)))
        for label, first in zip(labels, months, strict=True)
    ]


def by_category(scope: str, key: str) -> list[tuple[Category, Figures]]:
    """All-time figures per topic (without medians' histograms: counts and shares only)."""
    stat = ScorecardStat
    query = select(stat.category, *(getattr(stat, c) for c in COUNTERS)).where(
        stat.scope == scope, stat.key == key, stat.month == ALL, stat.category != ALL
    )
    counted = {
        c: Figures(**dict(zip(COUNTERS, v, strict=True))) for c, *v in db.session.execute(query)
    }
    if not counted:
        return []
    histograms: dict[str, dict[str, dict[int, int]]] = defaultdict(lambda: defaultdict(dict))
    days = ScorecardDays
    for category, measure, day, n in db.session.execute(
        select(days.category, days.measure, days.days, days.n).where(
            days.scope == scope, days.key == key, days.category.in_(list(counted)), days.n > 0
        )
    ):
        histograms[category][measure][day] = n
    released = released_ratings(scope, list(counted), [key])
    for category, figures in counted.items():
        figures.first = dict(histograms[category]["first"])
        figures.resolution = dict(histograms[category]["resolution"])
        figures.released_sum, figures.released_count = released.get((key, category), (0, 0))
    categories = db.session.scalars(select(Category).where(Category.code.in_(list(counted))))
    return sorted(
        ((c, counted[c.code]) for c in categories if counted[c.code].received),
        key=lambda row: (-row[1].received, row[0].name),
    )
