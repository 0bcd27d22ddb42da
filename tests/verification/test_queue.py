"""The verification queue: oldest first, suggestions, every action with and without htmx,
bad input, and two verifiers at once."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import func, select

from app.accounts.models import Role
from app.complaints.lifecycle import Action, Actor, act
from app.complaints.models import Complaint, ComplaintEvent, EventKind, Status
from app.extensions import db as _db
from app.tracking.queries import by_code
from tests.conftest import csrf_token

pytestmark = pytest.mark.db

HX = {"HX-Request": "true"}


def complaint(app, code: str) -> Complaint:
    return by_code(code)


def version(app, code: str) -> int:
    with app.app_context():
        return by_code(code).version


def events(app, code: str) -> list[EventKind]:
    with app.app_context():
        return [e.kind for e in by_code(code).events]


def status(app, code: str) -> Status:
    with app.app_context():
        return by_code(code).status


@pytest.fixture
def verifier(client, sign_in_as):
    sign_in_as(client, Role.VERIFIER)
    return client


def post(client, code: str, action: str, data: dict, **headers):
    token = csrf_token(client, f"/verifikasi/{code}")
    return client.post(
        f"/verifikasi/{code}/{action}", data={"csrf_token": token, **data}, headers=headers
    )


def test_the_queue_lists_received_reports_oldest_first(app, verifier, make_complaint):
    first, _ = make_complaint(title="Lampu jalan mati pertama")
    second, _ = make_complaint(title="Lampu jalan mati kedua")
    page = verifier.get("/verifikasi").get_data(as_text=True)
    assert page.index(first) < page.index(second)
    assert "2 laporan menunggu verifikasi" in page
    # The oldest is the one under review, with its deadline and suggestions.
    review = page[page.index('id="review-title"') :]
    assert first in review[:300]
    assert 'name="agency" value="PEMKOT3273"' in page


def test_officers_and_supervisors_cannot_use_the_queue(app, client, sign_in_as):
    assert client.get("/verifikasi").status_code == 401
    sign_in_as(client, Role.OFFICER, agency="32.73")
    assert client.get("/verifikasi").status_code == 403


def test_dispatch_with_one_click_on_a_suggestion(app, verifier, make_complaint):
    code, _ = make_complaint()
    later, _ = make_complaint(title="Laporan berikutnya")
    response = post(verifier, code, "dispatch", {"version": 1, "agency": "PEMKOT3273"})
    assert response.status_code == 303
    assert response.headers["Location"].endswith("/verifikasi")
    page = verifier.get("/verifikasi").get_data(as_text=True)
    assert f"{code} telah dikirim ke Pemerintah Kota Bandung" in page
    with app.app_context():
        sent = by_code(code)
        assert sent.status is Status.VERIFIED
        assert sent.agency.code == "PEMKOT3273"
        assert sent.events[-1].actor_user_id is not None
    # The next one is now under review.
    assert later in page[page.index('id="review-title"') :][:300]


def test_dispatch_with_htmx_moves_focus_to_the_next_and_announces(app, verifier, make_complaint):
    code, _ = make_complaint()
    later, _ = make_complaint(title="Laporan berikutnya")
    response = post(verifier, code, "dispatch", {"version": 1, "agency": "KEMENKES"}, **HX)
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert html.lstrip().startswith('<div id="workspace"')
    announce = re.search(r'data-announce="([^"]+)"', html).group(1)
    assert code in announce and later in announce
    focused = re.search(r"<h2[^>]*data-focus[^>]*>(.*?)</h2>", html, re.S).group(1)
    assert later in focused
    assert response.headers["HX-Replace-Url"] == f"/verifikasi/{later}"
    assert status(app, code) is Status.VERIFIED


def test_search_any_agency(app, verifier, make_complaint):
    code, _ = make_complaint()
    page = verifier.get(f"/verifikasi/{code}?instansi=kesehatan").get_data(as_text=True)
    assert 'value="KEMENKES"' in page
    fragment = verifier.get(f"/verifikasi/{code}/instansi?instansi=bandung", headers=HX)
    html = fragment.get_data(as_text=True)
    assert 'value="PEMKOT3273"' in html and 'form="dispatch-form"' in html
    nothing = verifier.get(f"/verifikasi/{code}/instansi?instansi=zzzzqq").get_data(as_text=True)
    assert "zzzzqq" in nothing and "<button" not in nothing


@pytest.mark.parametrize(
    ("action", "kind", "target"),
    [
        ("request_info", EventKind.INFO_REQUESTED, Status.NEEDS_INFO),
        ("archive", EventKind.ARCHIVED, Status.ARCHIVED),
        ("flag", EventKind.FLAGGED, Status.FLAGGED),
    ],
)
def test_actions_with_a_reason(app, verifier, make_complaint, action, kind, target):
    code, _ = make_complaint()
    response = post(verifier, code, action, {"version": 1, "reason": "Alasan yang jelas."})
    assert response.status_code == 303
    assert status(app, code) is target
    with app.app_context():
        event = by_code(code).events[-1]
        assert (event.kind, event.note, event.actor_role) == (
            kind,
            "Alasan yang jelas.",
            "verifier",
        )


@pytest.mark.parametrize("action", ["request_info", "archive", "flag", "merge"])
def test_an_empty_reason_is_refused_and_nothing_changes(app, verifier, make_complaint, action):
    earlier, _ = make_complaint()
    code, _ = make_complaint()
    data = {"version": 1, "reason": "   ", "other": earlier}
    response = post(verifier, code, action, data)
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert "error-summary" in html and '<details class="action" open>' in html
    assert status(app, code) is Status.RECEIVED
    assert events(app, code) == [EventKind.RECEIVED]
    hx = post(verifier, code, action, data, **HX).get_data(as_text=True)
    assert "data-focus" in hx and "error-summary" in hx


def test_merge_into_an_earlier_report(app, verifier, make_complaint):
    earlier, _ = make_complaint()
    code, _ = make_complaint()
    data = {"version": 1, "other": earlier.lower(), "reason": "Masalah yang sama."}
    assert post(verifier, code, "merge", data).status_code == 303
    with app.app_context():
        merged, into = by_code(code), by_code(earlier)
        assert merged.status is Status.MERGED and merged.merged_into_id == into.id
        assert into.support_count == 2


def test_merge_refuses_unknown_later_and_itself(app, verifier, make_complaint):
    code, _ = make_complaint()
    later, _ = make_complaint()
    for other in ("ZZZZ-ZZZZ", later, code):
        response = post(verifier, code, "merge", {"version": 1, "other": other, "reason": "x"})
        assert response.status_code == 409, other
        assert "error-summary" in response.get_data(as_text=True)
    assert events(app, code) == [EventKind.RECEIVED]


def test_dispatch_to_an_unknown_agency_is_refused(app, verifier, make_complaint):
    code, _ = make_complaint()
    response = post(verifier, code, "dispatch", {"version": 1, "agency": "NOPE"})
    assert response.status_code == 409
    assert "tidak ada di direktori" in response.get_data(as_text=True)
    assert status(app, code) is Status.RECEIVED


def test_an_unknown_action_is_a_404(app, verifier, make_complaint):
    code, _ = make_complaint()
    assert post(verifier, code, "delete", {"version": 1}).status_code == 404


def test_a_transition_the_life_cycle_forbids_is_refused(app, verifier, make_complaint):
    code, _ = make_complaint()
    with app.app_context():
        c = by_code(code)
        act(c, Action.REQUEST_INFO, Actor.VERIFIER, reason="Foto?")
        _db.session.commit()
    # needs_info cannot be flagged or dispatched; the page offers only what is possible.
    page = verifier.get(f"/verifikasi/{code}").get_data(as_text=True)
    assert "/flag" not in page and "dispatch-form" not in page
    response = post(verifier, code, "flag", {"version": version(app, code), "reason": "x"})
    assert response.status_code == 409
    assert status(app, code) is Status.NEEDS_INFO


def test_two_verifiers_at_once_one_wins_with_no_double_events(
    app, client, sign_in_as, make_complaint
):
    code, _ = make_complaint()
    other = app.test_client()
    sign_in_as(client, Role.VERIFIER)
    sign_in_as(other, Role.VERIFIER)
    token_a = csrf_token(client, f"/verifikasi/{code}")
    token_b = csrf_token(other, f"/verifikasi/{code}")
    first = client.post(
        f"/verifikasi/{code}/dispatch",
        data={"csrf_token": token_a, "version": 1, "agency": "PEMKOT3273"},
    )
    second = other.post(
        f"/verifikasi/{code}/archive",
        data={"csrf_token": token_b, "version": 1, "reason": "Bukan layanan publik."},
    )
    assert first.status_code == 303
    assert second.status_code == 409
    assert "Muat ulang" in second.get_data(as_text=True)
    assert events(app, code) == [EventKind.RECEIVED, EventKind.DISPATCHED]
    with app.app_context():
        assert _db.session.scalar(select(func.count()).select_from(ComplaintEvent)) == 2


def test_actions_need_the_csrf_token(app, verifier, make_complaint):
    code, _ = make_complaint()
    response = verifier.post(f"/verifikasi/{code}/dispatch", data={"version": 1, "agency": "X"})
    assert response.status_code == 400
    assert status(app, code) is Status.RECEIVED


def test_forwarded_reports_are_shown_and_can_be_dispatched_again(app, verifier, make_complaint):
    code, _ = make_complaint()
    with app.app_context():
        from app.directory.queries import agency_by_code

        c = by_code(code)
        act(c, Action.DISPATCH, Actor.VERIFIER, agency=agency_by_code("PEMKOT3273"))
        act(
            c,
            Action.FORWARD,
            Actor.OFFICER,
            reason="Jalan provinsi.",
            agency=agency_by_code("PEMPROV32"),
        )
        _db.session.commit()
    page = verifier.get("/verifikasi").get_data(as_text=True)
    assert code in page[page.index("forwarded-title") :]
    review = verifier.get(f"/verifikasi/{code}").get_data(as_text=True)
    assert "Jalan provinsi." in review and "dispatch-form" in review


def test_possible_duplicates_are_shown_with_their_similarity_and_can_be_merged(
    app, verifier, make_complaint
):
    text = (
        "Jalan Dago dekat simpang Dipatiukur berlubang besar dan dalam, sudah tiga motor "
        "jatuh minggu ini, mohon segera ditambal."
    )
    earlier, _ = make_complaint(title="Jalan Dago berlubang", description=text)
    code, _ = make_complaint(title="Lubang di Jalan Dago", description=text + " Terima kasih.")
    unrelated, _ = make_complaint(
        title="Puskesmas tutup", description="Puskesmas Cibeunying tutup pada jam layanan."
    )
    page = verifier.get(f"/verifikasi/{code}").get_data(as_text=True)
    merge = page[page.index("Kemungkinan duplikat") :]
    assert f'value="{earlier}"' in merge
    assert f'value="{unrelated}"' not in merge
    assert re.search(r"kemiripan \d+\s?%", merge)
    data = {"version": 1, "into": earlier, "reason": "Lubang yang sama."}
    assert post(verifier, code, "merge", data).status_code == 303
    assert status(app, code) is Status.MERGED


def test_a_regional_verifier_sees_and_acts_only_within_their_region(
    app, client, sign_in_as, make_complaint
):
    bandung, _ = make_complaint(region_code="32.73.01", title="Laporan di Bandung")
    surabaya, _ = make_complaint(region_code="35.78.01", title="Laporan di Surabaya")
    sign_in_as(client, Role.VERIFIER, region="32")
    page = client.get("/verifikasi").get_data(as_text=True)
    assert bandung in page and surabaya not in page
    assert client.get(f"/verifikasi/{surabaya}").status_code == 404
    assert client.get(f"/instansi/laporan/{surabaya}").status_code == 404
    token = csrf_token(client, f"/verifikasi/{bandung}")
    refused = client.post(
        f"/verifikasi/{surabaya}/dispatch",
        data={"csrf_token": token, "version": 1, "agency": "PEMKOT3578"},
    )
    assert refused.status_code == 404
    assert status(app, surabaya) is Status.RECEIVED
    # Nor can a report of their region be joined to one outside it.
    merge = client.post(
        f"/verifikasi/{bandung}/merge",
        data={"csrf_token": token, "version": 1, "other": surabaya, "reason": "Sama."},
    )
    assert merge.status_code == 409
    assert status(app, bandung) is Status.RECEIVED


def test_only_verifiers_work_for_a_region(app, db):
    from app.accounts.operations import AccountError, create_user

    with app.app_context():
        with pytest.raises(AccountError, match="only verifiers"):
            create_user("o@example.go.id", "O", Role.OFFICER, "32.73", "32")
        with pytest.raises(AccountError, match="no region"):
            create_user("v@example.go.id", "V", Role.VERIFIER, None, "99.99")
        assert create_user("v@example.go.id", "V", Role.VERIFIER, None, "32.73").covers(
            "32.73.01.1001"
        )


def test_the_audit_trail_names_who_acted_to_staff_only(app, client, sign_in_as, make_complaint):
    code, secret = make_complaint()
    sign_in_as(client, Role.VERIFIER, name="Rina Verifikator")
    post(client, code, "request_info", {"version": 1, "reason": "Di RT berapa?"})
    staff_page = client.get(f"/instansi/laporan/{code}").get_data(as_text=True)
    assert "Verifikator (Rina Verifikator)" in staff_page and "Di RT berapa?" in staff_page
    reporter = app.test_client()  # the reporter's page: the question, never who asked it
    reporter.post(
        "/lacak",
        data={"csrf_token": csrf_token(reporter, "/lacak"), "code": code, "secret": secret},
    )
    page = reporter.get(f"/lacak/{code}").get_data(as_text=True)
    assert "Di RT berapa?" in page and "Rina" not in page
