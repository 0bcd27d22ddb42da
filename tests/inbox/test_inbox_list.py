"""The inbox list: scoping, order, filters, search and pages."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest

from app.accounts.models import Role
from app.complaints.lifecycle import Action
from app.inbox.queries import today
from tests.inbox.conftest import BANDUNG, BOGOR

pytestmark = pytest.mark.db


def codes_in(html: str) -> list[str]:
    return re.findall(r'class="code-link" href="/instansi/laporan/([A-Z0-9-]+)"', html)


def local_today(app):
    with app.app_context():
        return today()


def test_an_officer_sees_only_their_agencys_complaints(officer, dispatched, make_complaint):
    ours = dispatched(BANDUNG)
    theirs = dispatched(BOGOR, region_code="32.01")
    waiting, _ = make_complaint()  # received, not dispatched to anyone
    html = officer.get("/instansi").get_data(as_text=True)
    assert codes_in(html) == [ours]
    assert theirs not in html and waiting not in html


def test_signed_out_is_401_and_other_roles_are_403(client, sign_in_as):
    assert client.get("/instansi").status_code == 401
    sign_in_as(client, Role.SUPERVISOR)
    assert client.get("/instansi").status_code == 403


def test_overdue_first_then_by_deadline_then_oldest(app, officer, dispatched):
    now = local_today(app)
    later = dispatched(due=now + timedelta(days=20), title="Nanti saja")
    soon = dispatched(due=now + timedelta(days=2), title="Segera")
    late = dispatched(due=now - timedelta(days=10), title="Sangat terlambat")
    a_bit_late = dispatched(due=now - timedelta(days=1), title="Sedikit terlambat")
    same_as_soon = dispatched(due=now + timedelta(days=2), title="Segera juga")
    officer.set_cookie("lang", "en")
    html = officer.get("/instansi").get_data(as_text=True)
    assert codes_in(html) == [late, a_bit_late, soon, same_as_soon, later]
    assert "working days late" in html
    assert html.count('class="overdue"') == 2


def test_countdown_in_working_days(app, officer, dispatched):
    with app.app_context():
        from app.complaints.deadlines import add_working_days

        now = today()
        due = add_working_days(now, 2)
    dispatched(due=due)
    officer.set_cookie("lang", "en")
    html = officer.get("/instansi").get_data(as_text=True)
    assert "2 working days left" in html


def test_default_shows_handling_states_and_the_status_filter_shows_the_rest(officer, dispatched):
    open_one = dispatched()
    started = dispatched(then=(Action.START,))
    resolved = dispatched(then=(Action.RESOLVE,))
    assert sorted(codes_in(officer.get("/instansi").get_data(as_text=True))) == sorted(
        [open_one, started]
    )
    assert codes_in(officer.get("/instansi?status=resolved").get_data(as_text=True)) == [resolved]
    assert codes_in(officer.get("/instansi?status=in_progress").get_data(as_text=True)) == [started]
    everything = codes_in(officer.get("/instansi?status=all").get_data(as_text=True))
    assert sorted(everything) == sorted([open_one, started, resolved])


def test_category_and_region_filters(officer, dispatched):
    roads = dispatched(category="roads", region_code="32.73.02")
    health = dispatched(category="health", region_code="32.73")
    elsewhere = dispatched(category="roads", region_code="32.04.05")  # Kab. Bandung
    page = officer.get("/instansi").get_data(as_text=True)
    assert 'value="roads"' in page and 'value="health"' in page  # categories present
    assert 'value="32.73"' in page and 'value="32.04"' in page  # regencies present
    assert codes_in(officer.get("/instansi?category=health").get_data(as_text=True)) == [health]
    assert sorted(codes_in(officer.get("/instansi?region=32.73").get_data(as_text=True))) == (
        sorted([roads, health])
    )
    assert codes_in(
        officer.get("/instansi?region=32.04&category=roads").get_data(as_text=True)
    ) == [elsewhere]


def test_text_search_over_title_and_description(officer, dispatched):
    lamp = dispatched(title="Lampu jalan mati", description="Sudah seminggu gelap total.")
    water = dispatched(title="Air PDAM keruh", description="Airnya berwarna coklat dan bau.")
    assert codes_in(officer.get("/instansi?q=lampu").get_data(as_text=True)) == [lamp]
    assert codes_in(officer.get("/instansi?q=COKLAT").get_data(as_text=True)) == [water]
    assert codes_in(officer.get("/instansi?q=air+bau").get_data(as_text=True)) == [water]
    assert codes_in(officer.get("/instansi?q=100%25").get_data(as_text=True)) == []
    html = officer.get("/instansi?q=tidak+ada").get_data(as_text=True)
    assert codes_in(html) == [] and "0" in html


@pytest.mark.parametrize(
    "query",
    [
        "status=nonsense",
        "page=abc",
        "page=-4",
        "page=9999",
        "category=<script>",
        "region=99.99",
        "region=abc",
        "q=" + "x" * 500,
    ],
)
def test_bad_filter_values_are_ignored_not_errors(officer, dispatched, query):
    code = dispatched()
    response = officer.get(f"/instansi?{query}")
    assert response.status_code == 200
    if not query.startswith("q="):
        assert codes_in(response.get_data(as_text=True)) == [code]


def test_pagination_twenty_a_page(app, officer, dispatched):
    now = local_today(app)
    codes = [dispatched(due=now + timedelta(days=i + 1)) for i in range(23)]
    first = officer.get("/instansi").get_data(as_text=True)
    assert codes_in(first) == codes[:20]
    assert 'aria-current="page"' in first and 'rel="next"' in first
    second = officer.get("/instansi?page=2").get_data(as_text=True)
    assert codes_in(second) == codes[20:]
    assert 'rel="prev"' in second and 'rel="next"' not in second
    # Past the end: the last page, not an error.
    assert codes_in(officer.get("/instansi?page=9999").get_data(as_text=True)) == codes[20:]


def test_pagination_keeps_the_filters(officer, dispatched):
    for _ in range(21):
        dispatched(category="health")
    html = officer.get("/instansi?category=health").get_data(as_text=True)
    assert "/instansi?category=health&amp;page=2" in html


def test_htmx_gets_the_results_fragment(officer, dispatched):
    code = dispatched(title="Lampu jalan mati")
    response = officer.get("/instansi?q=lampu", headers={"HX-Request": "true"})
    html = response.get_data(as_text=True)
    assert "<html" not in html and codes_in(html) == [code]
    assert 'id="results"' in html and "data-announce=" in html
    assert re.search(r'<h2 id="results-heading" tabindex="-1" data-focus', html)
    assert "HX-Request" in response.headers["Vary"]
    # Going back to a pushed URL asks for the whole page.
    restore = officer.get(
        "/instansi?q=lampu",
        headers={"HX-Request": "true", "HX-History-Restore-Request": "true"},
    )
    assert "<html" in restore.get_data(as_text=True)


def test_the_filter_form_works_without_javascript(officer):
    html = officer.get("/instansi").get_data(as_text=True)
    assert re.search(r'<form class="inbox-filters" method="get" action="/instansi"', html)
    assert 'hx-push-url="true"' in html and 'hx-target="#results"' in html
