"""The facilitator's dashboard (/fasilitator): only their own complaints, filters, "needs
your action", search, pages, htmx fragments, and the empty device-queue container."""

from __future__ import annotations

import re

import pytest

from app.accounts.models import Role
from app.complaints.lifecycle import Action, Actor, act
from app.db import utcnow
from app.extensions import db as _db
from app.tracking.queries import by_code

pytestmark = pytest.mark.db


def codes_on(html: str) -> list[str]:
    return re.findall(r'class="code-link" href="/fasilitator/laporan/([A-Z0-9-]+)"', html)


def ask_for_information(app, code: str, *, claimed: bool = False) -> None:
    with app.app_context():
        complaint = by_code(code)
        act(complaint, Action.REQUEST_INFO, Actor.VERIFIER, reason="Di RT berapa tepatnya?")
        if claimed:
            complaint.claimed_at = utcnow()
        _db.session.commit()


def test_only_facilitators_may_open_it(client, sign_in_as):
    assert client.get("/fasilitator").status_code == 401
    sign_in_as(client, Role.OFFICER, agency="32.73")
    assert client.get("/fasilitator").status_code == 403


def test_the_dashboard_lists_only_the_facilitators_own_complaints(
    client, facilitator, other_facilitator, facilitated, make_complaint
):
    mine, _ = facilitated(facilitator, title="Sumur warga tercemar")
    theirs, _ = facilitated(other_facilitator, title="Laporan fasilitator lain")
    citizens, _ = make_complaint(title="Laporan warga sendiri")
    page = client.get("/fasilitator").get_data(as_text=True)
    assert codes_on(page) == [mine]
    assert "Laporan fasilitator lain" not in page and "Laporan warga sendiri" not in page
    for other in (theirs, citizens):
        assert client.get(f"/fasilitator/laporan/{other}").status_code == 404
    assert client.get(f"/fasilitator/laporan/{mine}").status_code == 200


def test_each_row_says_status_filed_date_and_who_follows_it(app, client, facilitator, facilitated):
    client.set_cookie("lang", "en")
    waiting, _ = facilitated(facilitator, title="Perlu jawaban")
    claimed, _ = facilitated(facilitator, title="Sudah diklaim")
    ask_for_information(app, waiting)
    ask_for_information(app, claimed, claimed=True)
    page = client.get("/fasilitator").get_data(as_text=True)
    rows = {code: page[page.index(f">{code}<") :].split("</tr>", 1)[0] for code in codes_on(page)}
    assert "Needs your action" in rows[waiting] and "You" in rows[waiting]
    assert "Needs your action" not in rows[claimed]
    assert "The complainant (claimed)" in rows[claimed]
    assert "<time datetime=" in rows[waiting]
    assert 'id="needs-action-notice"' in page and "1 report needs your action" in page


def test_needs_action_and_status_filters(app, client, facilitator, facilitated):
    waiting, _ = facilitated(facilitator, title="Perlu jawaban")
    claimed, _ = facilitated(facilitator, title="Sudah diklaim")
    received, _ = facilitated(facilitator, title="Baru masuk")
    ask_for_information(app, waiting)
    ask_for_information(app, claimed, claimed=True)
    assert codes_on(client.get("/fasilitator?status=needs_action").get_data(as_text=True)) == [
        waiting
    ]
    needs_info = codes_on(client.get("/fasilitator?status=needs_info").get_data(as_text=True))
    assert sorted(needs_info) == sorted([waiting, claimed])
    assert codes_on(client.get("/fasilitator?status=received").get_data(as_text=True)) == [received]
    # An unknown status is ignored, not an error.
    assert len(codes_on(client.get("/fasilitator?status=bogus").get_data(as_text=True))) == 3


def test_text_search_matches_words_and_tracking_codes(client, facilitator, facilitated):
    water, _ = facilitated(facilitator, title="Sumur warga tercemar")
    road, _ = facilitated(facilitator, title="Jalan desa rusak", description="Aspal hilang.")
    assert codes_on(client.get("/fasilitator?q=SUMUR").get_data(as_text=True)) == [water]
    assert codes_on(client.get("/fasilitator?q=aspal+desa").get_data(as_text=True)) == [road]
    assert codes_on(client.get(f"/fasilitator?q={road[:4].lower()}").get_data(as_text=True)) == [
        road
    ]
    page = client.get("/fasilitator?q=tidak+ada").get_data(as_text=True)
    assert codes_on(page) == [] and 'href="/fasilitator"' in page


def test_pages_of_twenty_newest_first(client, facilitator, facilitated):
    made = [facilitated(facilitator, title=f"Laporan {n}")[0] for n in range(21)]
    first = codes_on(client.get("/fasilitator").get_data(as_text=True))
    second = client.get("/fasilitator?page=2").get_data(as_text=True)
    assert len(first) == 20 and codes_on(second) == [made[0]]
    assert first[0] == made[-1]
    assert 'rel="prev"' in second and 'aria-current="page"' in second


def test_htmx_gets_the_results_only_with_focus_and_announcement(client, facilitator, facilitated):
    facilitated(facilitator)
    response = client.get("/fasilitator?status=received", headers={"HX-Request": "true"})
    body = response.get_data(as_text=True)
    assert "<html" not in body and body.lstrip().startswith('<div id="results"')
    assert 'data-announce="' in body and "data-focus" in body
    assert "autofocus" not in body
    assert "HX-Request" in response.headers["Vary"]


def test_the_page_has_an_empty_device_queue_for_the_device_work(client, facilitator):
    page = client.get("/fasilitator").get_data(as_text=True)
    section = re.search(r'<section id="device-queue" hidden aria-labelledby="([^"]+)">', page)
    assert section and f'id="{section.group(1)}"' in page
    assert '<ul id="device-queue-list"></ul>' in page
    # Outside the results, so a filter's swap never empties what the device filled in.
    assert page.index('id="device-queue"') < page.index('id="results"')


def test_the_filter_form_works_without_javascript(client, facilitator):
    page = client.get("/fasilitator").get_data(as_text=True)
    form = re.search(r'<form class="inbox-filters" method="get" action="/fasilitator"', page)
    assert form and 'type="submit" id="apply-filters"' in page


def test_the_staff_navigation_links_the_dashboard(client, facilitator):
    page = client.get("/fasilitator").get_data(as_text=True)
    nav = page[page.index('class="staff-nav"') :].split("</nav>", 1)[0]
    assert 'href="/fasilitator" aria-current="page"' in nav
