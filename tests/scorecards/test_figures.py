"""Scorecard figures on a small dataset checked by hand, through the real life cycle.

3 to 14 August 2026 hold no public holiday in Indonesia: working days are Monday to Friday.
All reports are about Kota Bandung (32.73), topic roads, filed on Monday 3 August:

    A  dispatched Mon 3, responded Wed 5 (2 wd, in time), resolved Fri 7 (4 wd), rated 4
    B  confidential; dispatched Mon 3, responded Tue 11 (6 wd: late, due Mon 10),
       resolved Thu 13 (8 wd), rated 2
    C  dispatched Mon 3, resolved Tue 4 (1 wd first response and resolution), not rated
    D  dispatched Mon 3, started only: overdue from Tue 11
    F  dispatched Mon 3, responded Mon 10 (5 wd, on the due day: in time)
    E  never dispatched: counts for the region only; its verification was due Thu 6

Checked on Fri 14 August.
"""

from __future__ import annotations

import csv
import io
import json
import re
from datetime import UTC, date, datetime

import pytest
import time_machine
from sqlalchemy import select

from app.complaints.lifecycle import Action, Actor, act
from app.complaints.models import Channel, Complaint
from app.complaints.operations import create_complaint
from app.extensions import db as _db
from app.scorecards import facts, queries
from app.scorecards.models import ScorecardDays, ScorecardFact, ScorecardStat
from app.tracking.operations import take
from tests.helpers import API_COMPLAINT, agency

pytestmark = pytest.mark.db

CHECK_DAY = date(2026, 8, 14)


def at(day: int, month: int = 8):
    """Noon in Jakarta on that day of August (or `month`) 2026."""
    return time_machine.travel(datetime(2026, month, day, 5, 0, tzinfo=UTC), tick=False)


def _file(app, *, on: tuple[int, int] = (8, 3), **overrides) -> int:
    """A report filed on (month, day) of 2026."""
    with at(on[1], on[0]), app.app_context():
        complaint, _secret = create_complaint(
            {**API_COMPLAINT, **overrides}, channel=Channel.WEB, locale="id"
        )
        _db.session.commit()
        return complaint.id


def _step(app, complaint_id: int, day: int, action: Action, month: int = 8, **options) -> None:
    with at(day, month), app.app_context():
        complaint = _db.session.get(Complaint, complaint_id)
        if action is Action.CONFIRM:
            take(complaint, action, rating=options["rating"])
        else:
            actor = Actor.VERIFIER if action is Action.DISPATCH else Actor.OFFICER
            if action is Action.DISPATCH:
                options["agency"] = agency("PEMKOT3273")
            act(complaint, action, actor, **options)
        _db.session.commit()


@pytest.fixture
def dataset(app, db):
    ids = {}
    for name in "ABCDFE":
        privacy = {"privacy": "confidential"} if name == "B" else {}
        ids[name] = _file(app, **privacy)
        if name != "E":
            _step(app, ids[name], 3, Action.DISPATCH)
    steps = [
        ("A", 5, Action.RESPOND, {"reason": "Sedang dicek."}),
        ("A", 7, Action.RESOLVE, {"reason": "Sudah ditambal."}),
        ("A", 10, Action.CONFIRM, {"rating": 4}),
        ("B", 11, Action.RESPOND, {"reason": "Sedang dicek."}),
        ("B", 13, Action.RESOLVE, {"reason": "Sudah ditambal."}),
        ("B", 13, Action.CONFIRM, {"rating": 2}),
        ("C", 4, Action.RESOLVE, {"reason": "Sudah ditambal."}),
        ("D", 4, Action.START, {}),
        ("F", 10, Action.RESPOND, {"reason": "Dijadwalkan."}),
    ]
    for name, day, action, options in steps:
        _step(app, ids[name], day, action, **options)
    return ids


def test_median_odd_even_and_empty():
    assert queries.median({}) is None
    assert queries.median({7: 1}) == 7
    assert queries.median({1: 1, 2: 1, 6: 1}) == 2
    assert queries.median({1: 1, 2: 1, 5: 1, 6: 1}) == 3.5
    assert queries.median({3: 2, 9: 2}) == 6
    assert queries.median({0: 5, 10: 1}) == 0


def test_agency_figures(app, dataset):
    with at(14), app.app_context():
        figures = queries.agency_figures(agency("PEMKOT3273"))
    assert figures.received == 5  # A B C D F; E was never dispatched
    assert figures.in_progress == 2  # D, F
    assert figures.resolved == 3  # A, B closed; C resolved
    assert figures.overdue == 1  # D (due Mon 10); C's deadline is the reporter's
    assert figures.first == {1: 1, 2: 1, 5: 1, 6: 1}
    assert figures.median_first == 3.5  # even count: (2 + 5) / 2
    assert figures.resolution == {1: 1, 4: 1, 8: 1}
    assert figures.median_resolution == 4  # odd count
    assert (figures.in_time, figures.responded) == (3, 4)  # B was late
    assert figures.in_time_share == 0.75
    assert (figures.rating_sum, figures.rating_count) == (6, 2)  # the confidential B's counts
    assert figures.satisfaction is None and figures.satisfaction_withheld  # fewer than 5


def test_region_roll_up(app, dataset):
    with at(14), app.app_context():
        regency = queries.region_figures(_db.session.get(queries.Region, "32.73"))
        province = queries.region_figures(_db.session.get(queries.Region, "32"))
        other = queries.region_figures(_db.session.get(queries.Region, "31"))
    for figures in (regency, province):
        assert figures.received == 6  # E too
        assert figures.in_progress == 3  # D, F, E
        assert figures.overdue == 2  # D, and E waiting for verification since Thu 6
        assert figures.median_first == 3.5
        assert (figures.rating_sum, figures.rating_count) == (6, 2)
        assert figures.satisfaction is None
    assert other.received == 0 and other.overdue == 0


def test_overdue_follows_the_deadline_rule(app, dataset):
    """D was due Monday 10: not overdue on that day, overdue from Tuesday 11."""
    with at(10), app.app_context():
        assert queries.agency_figures(agency("PEMKOT3273")).overdue == 0
    with at(11), app.app_context():
        assert queries.agency_figures(agency("PEMKOT3273")).overdue >= 1


def test_monthly_trend(app, dataset):
    with at(14), app.app_context():
        months = queries.trend("agency", str(agency("PEMKOT3273").id))
    assert [m.month for m in months][-2:] == ["2026-07", "2026-08"]
    august = months[-1]
    assert (august.received, august.resolved) == (5, 3)
    assert (august.responded, august.in_time) == (4, 3)
    assert all(m.received == 0 for m in months[:-1])


def _aggregates() -> tuple[set, set, set]:
    stats = {
        tuple(row)
        for row in _db.session.execute(select(ScorecardStat)).scalars().all()
        for row in [
            (
                row.scope,
                row.key,
                row.category,
                row.month,
                *(getattr(row, c) for c in facts.COUNTERS),
            )
        ]
        if any(row[4:])
    }
    days = {
        (r.scope, r.category, r.key, r.measure, r.days, r.n)
        for r in _db.session.scalars(select(ScorecardDays))
        if r.n
    }
    fact_rows = {
        tuple(getattr(f, c) for c in facts.FACT_COLUMNS)
        for f in _db.session.scalars(select(ScorecardFact))
    }
    return stats, days, fact_rows


def test_incremental_updates_equal_a_full_rebuild(app, dataset):
    with at(14), app.app_context():
        incremental = _aggregates()
        assert incremental[0] and incremental[1] and len(incremental[2]) == 6
        facts.rebuild()
        assert _aggregates() == incremental


def test_a_reopened_report_is_no_longer_resolved(app, dataset):
    _step_reopen = dict(reason="Lubangnya muncul lagi.")
    with at(6), app.app_context():
        complaint = _db.session.get(Complaint, dataset["C"])
        take(complaint, Action.REOPEN, text=_step_reopen["reason"])
        _db.session.commit()
    with at(14), app.app_context():
        figures = queries.agency_figures(agency("PEMKOT3273"))
        assert (figures.resolved, figures.in_progress) == (2, 3)
        assert figures.resolution == {4: 1, 8: 1}
        incremental = _aggregates()
        facts.rebuild()
        assert _aggregates() == incremental


def test_ranking_page_and_downloads(app, dataset, client):
    with at(14):
        page = client.get("/rapor")
        assert page.status_code == 200
        html = page.get_data(as_text=True)
        assert "Kota Bandung" in html and "75" in html
        assert "Jalan berlubang" not in html  # numbers only, no complaint text

        response = client.get("/rapor.csv")
        assert response.mimetype == "text/csv"
        rows = list(csv.DictReader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff"))))
        bandung = next(r for r in rows if r["agency_code"] == "PEMKOT3273")
        assert bandung["received"] == "5" and bandung["overdue_now"] == "1"
        assert bandung["median_first_response_working_days"] == "3.5"
        assert bandung["median_resolution_working_days"] == "4.0"
        assert bandung["answered_in_time_share"] == "0.75"
        assert bandung["average_satisfaction"] == "" and bandung["ratings"] == "0"
        assert bandung["rank"] == "1"

        body = json.loads(client.get("/rapor.json?category=roads").get_data(as_text=True))
        record = next(a for a in body["agencies"] if a["agency_code"] == "PEMKOT3273")
        assert record["received"] == 5 and record["ratings"] == 0
        assert record["median_first_response_working_days"] == 3.5
        assert body["filters"] == {"category": "roads"} and body["errors"] == []


def _rated(app, rating: int, month: int, day: int) -> None:
    """A new Bandung report filed, dispatched, resolved and rated on one day of 2026."""
    complaint_id = _file(app, on=(month, day))
    for action, options in (
        (Action.DISPATCH, {}),
        (Action.RESOLVE, {"reason": "Sudah ditambal."}),
        (Action.CONFIRM, {"rating": rating}),
    ):
        _step(app, complaint_id, day, action, month, **options)


def _satisfaction(app, client, month: int, day: int) -> tuple:
    """On that day: the agency's (average, ratings in it, ratings given), its topic's and
    its city's averages, the page's text and the ranking download's row."""
    with at(day, month), app.app_context():
        figures = queries.agency_figures(agency("PEMKOT3273"))
        [(_roads, topic)] = queries.by_category("agency", str(agency("PEMKOT3273").id))
        city = queries.region_figures(_db.session.get(queries.Region, "32.73"))
    with at(day, month):
        client.set_cookie("lang", "en")
        html = client.get("/rapor/instansi/PEMKOT3273").get_data(as_text=True)
        rows = list(csv.DictReader(io.StringIO(client.get("/rapor.csv").text.lstrip("\ufeff"))))
    row = next(r for r in rows if r["agency_code"] == "PEMKOT3273")
    assert topic.satisfaction == city.satisfaction == figures.satisfaction
    assert row["ratings"] == str(figures.released_count)
    downloaded = float(row["average_satisfaction"]) if row["average_satisfaction"] else None
    assert downloaded == (None if figures.satisfaction is None else round(figures.satisfaction, 2))
    return figures.satisfaction, figures.released_count, figures.rating_count, html


def test_ratings_join_the_average_after_their_month_at_least_five_at_a_time(app, dataset, client):
    """August: 4 and 2 (the dataset). September: 5, 5 and 1. The agency knows who confirmed
    each report and when, so no published change may come from one rating alone."""
    average, released, given, html = _satisfaction(app, client, 8, 14)
    assert (average, released, given) == (None, 0, 2)
    assert "Not shown yet: ratings join the average after their month is over" in html
    assert "(2 ratings)" in html

    for rating in (5, 5, 1):
        _rated(app, rating, 9, 8)
    # Five ratings now, but September is not over: its three are kept back.
    assert _satisfaction(app, client, 9, 30)[:3] == (None, 0, 5)
    # 1 October: August's two and September's three join together, (4+2+5+5+1) / 5.
    average, released, given, html = _satisfaction(app, client, 10, 1)
    assert (average, released, given) == (3.4, 5, 5)
    assert "Not shown yet" not in html and "3.4" in html and "(5 ratings)" in html

    _rated(app, 1, 10, 6)  # one rating in October: never published on its own
    assert _satisfaction(app, client, 11, 2)[:3] == (3.4, 5, 6)
    assert _satisfaction(app, client, 12, 1)[:3] == (3.4, 5, 6)
    for _ in range(4):
        _rated(app, 5, 11, 10)
    # 1 December: October's one and November's four are five: (17 + 1 + 20) / 10.
    assert _satisfaction(app, client, 12, 1)[:3] == (3.8, 10, 10)
    with app.app_context():
        incremental = _aggregates()
        facts.rebuild()
        assert _aggregates() == incremental


def test_agency_and_region_pages(app, dataset, client):
    with at(14):
        html = client.get("/rapor/instansi/PEMKOT3273").get_data(as_text=True)
        assert 'role="img"' in html and "<title id=" in html and "<desc id=" in html
        assert "<caption" in html and 'scope="row"' in html
        desc = re.search(r'<desc id="trend-desc">([^<]*)</desc>', html).group(1)
        assert re.search(r"2026: 5 \w+, 3 \w+\.$", desc)  # "August 2026: 5 received, 3 resolved."
        assert re.search(r"2026: 75\s?% \(3 \w+ 4\)", html)  # the in-time chart's desc
        for code in ("32", "32.73"):
            assert client.get(f"/rapor/wilayah/{code}").status_code == 200


def test_unknown_agency_or_region_is_404(client):
    assert client.get("/rapor/instansi/NOPE").status_code == 404
    assert client.get("/rapor/wilayah/99").status_code == 404
    assert client.get("/rapor/wilayah/32.73.02").status_code == 404  # districts have none


@pytest.mark.parametrize(
    "query",
    ["category=nope", "region=99", "region=32.73.02", "level=galaxy", "sort=evil&dir=up"],
)
def test_bad_filters_answer_200_with_a_message(client, query):
    response = client.get(f"/rapor?{query}")
    assert response.status_code == 200
    if "sort" not in query:
        assert 'class="error-summary"' in response.get_data(as_text=True)
    assert client.get(f"/rapor.csv?{query}").status_code == 200
    assert client.get(f"/rapor.json?{query}").status_code == 200


def test_csv_neutralises_formulas(app, db, client):
    from app.web.exports import spreadsheet_safe

    assert spreadsheet_safe("=HYPERLINK(1)") == "'=HYPERLINK(1)"
    assert spreadsheet_safe("@x") == "'@x"
    assert spreadsheet_safe(None) == "" and spreadsheet_safe(3) == 3


def test_dictionary_lists_every_column(client):
    from app.scorecards.views import NAMES

    for lang in ("id", "en"):
        html = client.get("/rapor/kamus", headers={"Accept-Language": lang}).get_data(as_text=True)
        for name in NAMES:
            assert f"<code>{name}</code>" in html
