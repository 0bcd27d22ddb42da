"""The supervisors' oversight view: who may see it, what it shows, filters, order, pages."""

from __future__ import annotations

import re
from datetime import date

import pytest

from app.accounts.models import Role
from app.complaints.lifecycle import Action, Actor, act
from app.deadlines.queries import PAGE_SIZE
from app.deadlines.sweep import sweep
from app.extensions import db as _db
from tests.deadlines.helpers import agency, complaint

pytestmark = pytest.mark.db

TODAY = date(2026, 12, 29)  # Tuesday, after the Christmas holidays


def rows(html: str) -> list[str]:
    """The tracking codes in the overdue table, in order."""
    body = html.split('id="results-title"', 1)[1]
    return re.findall(r'<th scope="row">(?:<a [^>]*>)?([A-Z0-9-]+)', body.split("</table>")[0])


def _dispatch(app, code: str, to: str) -> None:
    with app.app_context():
        act(complaint(code), Action.DISPATCH, Actor.VERIFIER, agency=agency(to))
        _db.session.commit()


@pytest.fixture
def overdue(app, make_complaint, travel):
    """Four overdue reports, from most to least late, and one that is not late."""
    made = {}
    travel(date(2026, 12, 1))
    made["bandung"] = make_complaint(
        name="Siti Rahayu", email="siti.rahayu@example.org", phone="081234567890"
    )[0]
    _dispatch(app, made["bandung"], "PEMKOT3273")  # due 8 December
    travel(date(2026, 12, 7))
    made["anonymous"] = make_complaint(
        privacy="anonymous", name="Budi Santoso", email="budi.rahasia@example.org"
    )[0]  # verification due 10 December
    travel(date(2026, 12, 10))
    made["semarang"] = make_complaint(region_code="33.74", category="water")[0]
    _dispatch(app, made["semarang"], "KEMENKES")  # due 17 December
    travel(date(2026, 12, 17))
    made["received"] = make_complaint()[0]  # due 22 December
    travel(TODAY)
    made["fresh"] = make_complaint()[0]  # due 5 January 2027: not late
    with app.app_context():
        sweep()
    return made


def test_signed_out_gets_401_and_an_officer_403(client, sign_in_as):
    assert client.get("/pengawasan").status_code == 401
    sign_in_as(client, Role.OFFICER, agency="32.73")
    assert client.get("/pengawasan").status_code == 403


@pytest.mark.parametrize("role", [Role.SUPERVISOR, Role.ADMIN, Role.VERIFIER])
def test_supervisors_admins_and_verifiers_may_look(client, sign_in_as, role):
    sign_in_as(client, role)
    page = client.get("/pengawasan")
    assert page.status_code == 200
    assert 'id="oversight-body"' in page.get_data(as_text=True)


def test_most_late_first_with_days_late_and_no_reporter_data(client, sign_in_as, overdue):
    sign_in_as(client, Role.SUPERVISOR)
    client.set_cookie("lang", "en")
    html = client.get("/pengawasan").get_data(as_text=True)
    order = [overdue[k] for k in ("bandung", "anonymous", "semarang", "received")]
    assert rows(html) == order
    assert overdue["fresh"] not in html
    # Bandung: due 8 December; 9–11, 14–18, 21–23, 28, 29 December are working days → 13.
    first_row = html.split(overdue["bandung"], 1)[1].split("</tr>")[0]
    assert '<td class="numeric" data-label="Working days late">13</td>' in first_row
    for secret in ("Siti", "Rahayu", "siti.rahayu", "0812", "Budi", "budi.rahasia"):
        assert secret not in html


def test_the_summary_counts_per_agency(client, sign_in_as, overdue, app, make_complaint, travel):
    travel(TODAY)
    not_late = make_complaint()[0]
    _dispatch(app, not_late, "PEMKOT3273")  # in hand at Bandung, not late
    sign_in_as(client, Role.SUPERVISOR)
    html = client.get("/pengawasan").get_data(as_text=True)
    summary = html.split('id="per-agency-title"', 1)[1]
    with app.app_context():
        bandung = agency("PEMKOT3273").name_id
    bandung_row = summary.split(bandung, 1)[1].split("</tr>")[0]
    assert re.findall(r'<td class="numeric" data-label="[^"]+">(\d+)</td>', bandung_row) == [
        "2",
        "1",
    ]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("agency=PEMKOT3273", ["bandung"]),
        ("agency=kemenkes", ["semarang"]),
        ("agency=none", ["anonymous", "received"]),
        ("province=33", ["semarang"]),
        ("province=32&status=received", ["anonymous", "received"]),
        ("status=verified", ["bandung", "semarang"]),
    ],
)
def test_filters(client, sign_in_as, overdue, query, expected):
    sign_in_as(client, Role.SUPERVISOR)
    html = client.get(f"/pengawasan?{query}").get_data(as_text=True)
    assert rows(html) == [overdue[k] for k in expected]
    assert "error-summary" not in html


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("agency=NOPE", "There is no agency with that code"),
        ("province=99", "Choose a province from the list"),
        ("province=32.73", "Choose a province from the list"),
        ("status=closed", "Choose a state from the list"),
        ("status=%3Cscript%3E", "Choose a state from the list"),
    ],
)
def test_unknown_filter_values_are_explained_and_left_out(
    client, sign_in_as, overdue, query, message
):
    sign_in_as(client, Role.SUPERVISOR)
    client.set_cookie("lang", "en")
    response = client.get(f"/pengawasan?{query}")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert message in html and "error-summary" in html
    assert "<title>Error:" in html or "<title>Galat:" in html
    assert len(rows(html)) == 4  # the list without that filter
    assert "<script>" not in html


@pytest.mark.parametrize("page", ["-1", "0", "abc", "99999999999999999999", "2"])
def test_bad_page_numbers_show_a_page(client, sign_in_as, overdue, page):
    sign_in_as(client, Role.SUPERVISOR)
    response = client.get(f"/pengawasan?page={page}")
    assert response.status_code == 200
    assert len(rows(response.get_data(as_text=True))) == 4


def test_pagination_keeps_the_filters(client, sign_in_as, app, make_complaint, travel):
    travel(date(2026, 12, 1))
    codes = [make_complaint()[0] for _ in range(PAGE_SIZE + 3)]
    travel(TODAY)
    sign_in_as(client, Role.SUPERVISOR)
    first = client.get("/pengawasan?status=received").get_data(as_text=True)
    assert len(rows(first)) == PAGE_SIZE
    assert 'rel="next"' in first and "status=received" in first.split('rel="next"')[0][-300:]
    second = client.get("/pengawasan?status=received&page=2").get_data(as_text=True)
    assert len(rows(second)) == 3 and 'rel="prev"' in second
    assert sorted(rows(first) + rows(second)) == sorted(codes)


def test_htmx_gets_the_results_fragment(client, sign_in_as, overdue):
    sign_in_as(client, Role.SUPERVISOR)
    client.set_cookie("lang", "en")
    response = client.get("/pengawasan?agency=KEMENKES", headers={"HX-Request": "true"})
    html = response.get_data(as_text=True)
    assert "<html" not in html
    assert 'id="oversight-body"' in html
    assert 'data-announce="1 overdue report found."' in html
    assert re.search(r'<h2 id="results-title" tabindex="-1" data-focus>', html)
    assert rows(html) == [overdue["semarang"]]
    assert "HX-Request" in response.headers.get("Vary", "")


def test_rows_link_to_the_detail_when_there_is_one(client, sign_in_as, overdue, app):
    sign_in_as(client, Role.SUPERVISOR)
    html = client.get("/pengawasan").get_data(as_text=True)
    linked = f'href="/instansi/laporan/{overdue["bandung"]}"' in html
    assert linked == ("inbox.detail" in app.view_functions)


def test_the_page_works_without_javascript(client, sign_in_as, overdue):
    sign_in_as(client, Role.SUPERVISOR)
    html = client.get("/pengawasan").get_data(as_text=True)
    form = re.search(r'<form class="filters" method="get" action="/pengawasan"', html)
    assert form and 'type="submit"' in html
    assert "style=" not in html and "hx-on" not in html


def test_a_regional_verifier_sees_only_their_regions_overdue_reports(client, sign_in_as, overdue):
    sign_in_as(client, Role.VERIFIER, region="33")  # Jawa Tengah: only the Semarang report
    html = client.get("/pengawasan").get_data(as_text=True)
    assert rows(html) == [overdue["semarang"]]
    assert overdue["bandung"] not in html
    assert "Kota Bandung" not in html  # nor its agency in the counts or the choices
