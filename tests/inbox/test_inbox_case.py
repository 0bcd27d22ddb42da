"""A case in the inbox: what it shows, who may see it, its files, and the actions."""

from __future__ import annotations

import hashlib
import re

import pytest
from sqlalchemy import select

from app.accounts.models import Role
from app.complaints.lifecycle import Action, Actor, act
from app.complaints.models import Attachment, AttachmentKind, ComplaintEvent, EventKind, Status
from app.extensions import db as _db
from app.intake.storage import path_of
from tests.helpers import PDF, png
from tests.inbox.conftest import (
    BANDUNG,
    BOGOR,
    complaint,
    english,
    event_count,
    token_of,
    version_of,
)

pytestmark = pytest.mark.db

TOO_LONG = "x" * 5001


def attach(app, code: str, data: bytes, kind: AttachmentKind, media_type: str, ext: str) -> int:
    """Store a file for a complaint the way intake does (random name, bytes on disk)."""
    with app.app_context():
        name = f"{hashlib.sha256(data + code.encode()).hexdigest()[:32]}{ext}"
        path_of(name).write_bytes(data)
        stored = Attachment(
            complaint_id=complaint(code).id,
            kind=kind,
            media_type=media_type,
            storage_name=name,
            size=len(data),
            sha256=hashlib.sha256(data).hexdigest(),
        )
        _db.session.add(stored)
        _db.session.commit()
        return stored.id


def post(client, app, code: str, action: str, htmx: bool = False, **fields):
    page = client.get(f"/instansi/laporan/{code}").get_data(as_text=True)
    data = {"csrf_token": token_of(page), "version": version_of(app, code), **fields}
    headers = {"HX-Request": "true"} if htmx else {}
    return client.post(f"/instansi/laporan/{code}/{action}", data=data, headers=headers)


def events(app, code: str) -> list[ComplaintEvent]:
    with app.app_context():
        c = complaint(code)
        return [(e.kind, e.note, e.actor_role, e.actor_user_id, e.agency_id) for e in c.events]


# --- what the case shows ---------------------------------------------------------------------


def test_the_case_shows_content_timeline_and_contact(app, officer, dispatched):
    code = dispatched(name="Budi Santoso", email="budi@example.org", phone="081234567890")
    html = officer.get(f"/instansi/laporan/{code}").get_data(as_text=True)
    assert "Jalan berlubang di depan sekolah" in html
    assert "Lubang besar sudah dua bulan" in html
    assert "Coblong" in html or "Kota Bandung" in html
    assert "budi@example.org" in html and "Budi Santoso" in html and "081234567890" in html
    assert "Verifikator" in html  # the dispatch event, with its role
    assert "Pemerintah Kota Bandung" in html  # the agency it was sent to


def test_confidential_is_marked_do_not_publish(officer, dispatched):
    code = dispatched(privacy="confidential")
    text = english(officer).get(f"/instansi/laporan/{code}").get_data(as_text=True)
    assert "Lubang besar sudah dua bulan" in text  # the agency reads it
    assert "Confidential: do not publish" in text


def test_an_anonymous_reporter_is_never_in_any_inbox_html(app, officer, dispatched):
    code = dispatched(
        privacy="anonymous",
        name="Siti Rahasia",
        email="siti.rahasia@example.org",
        phone="089876543210",
        title="Pungutan liar di kelurahan",
    )
    pages = [
        officer.get("/instansi"),
        officer.get("/instansi?status=all&q=pungutan"),
        officer.get("/instansi", headers={"HX-Request": "true"}),
        officer.get(f"/instansi/laporan/{code}"),
        officer.get(f"/instansi/laporan/{code}", headers={"HX-Request": "true"}),
        officer.get(f"/instansi/laporan/{code}/instansi?q=kesehatan"),
        post(officer, app, code, "tanggapi", response=""),
        post(officer, app, code, "tanggapi", htmx=True, response="Kami cek."),
    ]
    for response in pages:
        html = response.get_data(as_text=True)
        for secret in ("Siti", "Rahasia", "siti.rahasia", "089876543210"):
            assert secret not in html, (secret, response.request.path)
    assert "Pungutan liar" in pages[1].get_data(as_text=True)
    detail = english(officer).get(f"/instansi/laporan/{code}").get_data(as_text=True)
    assert "Anonymous reporter: identity is never shown" in detail


# --- who may see what --------------------------------------------------------------------------


def test_every_inbox_route_is_404_for_another_agencys_complaint(app, officer, dispatched):
    mine = dispatched(BANDUNG)
    theirs = dispatched(BOGOR, region_code="32.01")
    file_id = attach(app, theirs, PDF, AttachmentKind.DOCUMENT, "application/pdf", ".pdf")
    my_file = attach(app, mine, PDF, AttachmentKind.DOCUMENT, "application/pdf", ".pdf")
    token = token_of(officer.get(f"/instansi/laporan/{mine}").get_data(as_text=True))
    before = event_count(app, theirs)
    gets = [
        f"/instansi/laporan/{theirs}",
        f"/instansi/laporan/{theirs.lower()}",
        f"/instansi/laporan/{theirs}/instansi?q=bandung",
        f"/instansi/laporan/{theirs}/lampiran/{file_id}",
        f"/instansi/laporan/{mine}/lampiran/{file_id}",  # their file under my code
        f"/instansi/laporan/{theirs}/lampiran/{my_file}",
        "/instansi/laporan/ZZZZ-ZZZZ",
    ]
    for url in gets:
        assert officer.get(url).status_code == 404, url
        assert officer.get(url, headers={"HX-Request": "true"}).status_code == 404, url
    for action in ("mulai", "tanggapi", "teruskan", "selesai"):
        data = {
            "csrf_token": token,
            "version": version_of(app, theirs),
            "response": "x",
            "reason": "x",
            "outcome": "x",
            "agency": "KEMENKES",
        }
        assert officer.post(f"/instansi/laporan/{theirs}/{action}", data=data).status_code == 404
    assert event_count(app, theirs) == before
    # The filtered list never shows it either.
    assert theirs not in officer.get("/instansi?status=all&q=jalan").get_data(as_text=True)


@pytest.mark.parametrize("role", [Role.SUPERVISOR, Role.VERIFIER, Role.ADMIN])
def test_other_staff_read_the_case_but_cannot_act(app, client, sign_in_as, dispatched, role):
    code = dispatched()
    sign_in_as(client, role)
    page = client.get(f"/instansi/laporan/{code}")
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and "Jalan berlubang" in html
    assert "/tanggapi" not in html and "/teruskan" not in html
    token = token_of(html)
    for action in ("mulai", "tanggapi", "teruskan", "selesai"):
        data = {"csrf_token": token, "version": version_of(app, code), "response": "x"}
        assert client.post(f"/instansi/laporan/{code}/{action}", data=data).status_code == 403
    assert client.get(f"/instansi/laporan/{code}/instansi?q=x").status_code == 403
    assert event_count(app, code) == 2


def test_signed_out_gets_401_everywhere(app, client, dispatched):
    code = dispatched()
    file_id = attach(app, code, PDF, AttachmentKind.DOCUMENT, "application/pdf", ".pdf")
    for url in (
        f"/instansi/laporan/{code}",
        f"/instansi/laporan/{code}/instansi?q=x",
        f"/instansi/laporan/{code}/lampiran/{file_id}",
    ):
        assert client.get(url).status_code == 401
    for action in ("mulai", "tanggapi", "teruskan", "selesai"):
        response = client.post(f"/instansi/laporan/{code}/{action}", data={"version": 1})
        assert response.status_code in (400, 401)  # no CSRF token, and not signed in
    assert event_count(app, code) == 2


# --- attachments -------------------------------------------------------------------------------


def test_a_pdf_downloads_with_safe_headers(app, officer, dispatched):
    code = dispatched()
    file_id = attach(app, code, PDF, AttachmentKind.DOCUMENT, "application/pdf", ".pdf")
    html = officer.get(f"/instansi/laporan/{code}").get_data(as_text=True)
    assert f"/instansi/laporan/{code}/lampiran/{file_id}" in html
    response = officer.get(f"/instansi/laporan/{code}/lampiran/{file_id}")
    assert response.status_code == 200
    assert response.data == PDF
    assert response.mimetype == "application/pdf"
    assert response.headers["Content-Disposition"].startswith("attachment")
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Cache-Control"] == "no-store"
    assert response.headers["Content-Security-Policy"] == "sandbox"


def test_a_photo_opens_inline_but_sandboxed(app, officer, dispatched):
    code = dispatched()
    image = png()
    file_id = attach(app, code, image, AttachmentKind.PHOTO, "image/png", ".png")
    response = officer.get(f"/instansi/laporan/{code}/lampiran/{file_id}")
    assert response.status_code == 200 and response.data == image
    assert response.mimetype == "image/png"
    assert not response.headers.get("Content-Disposition", "").startswith("attachment")
    assert response.headers["Content-Security-Policy"] == "sandbox"
    assert response.headers["Cache-Control"] == "no-store"


def test_a_verifier_may_open_an_attachment(app, client, sign_in_as, dispatched):
    code = dispatched()
    file_id = attach(app, code, PDF, AttachmentKind.DOCUMENT, "application/pdf", ".pdf")
    sign_in_as(client, Role.VERIFIER)
    assert client.get(f"/instansi/laporan/{code}/lampiran/{file_id}").data == PDF


# --- actions: the happy paths --------------------------------------------------------------------


@pytest.mark.parametrize("htmx", [False, True])
def test_respond(app, officer, dispatched, htmx):
    code = dispatched()
    response = post(officer, app, code, "tanggapi", htmx=htmx, response="Tim kami ke lokasi besok.")
    if htmx:
        html = response.get_data(as_text=True)
        assert response.status_code == 200 and "<html" not in html
        assert 'id="case"' in html and "data-announce=" in html and "data-focus" in html
        assert "Tim kami ke lokasi besok." in html  # in the timeline already
    else:
        assert response.status_code == 303
        assert response.headers["Location"].endswith(f"/instansi/laporan/{code}")
        page = officer.get(f"/instansi/laporan/{code}").get_data(as_text=True)
        assert "banner-success" in page and "Tim kami ke lokasi besok." in page
        again = officer.get(f"/instansi/laporan/{code}").get_data(as_text=True)
        assert "banner-success" not in again  # shown once
    kinds = events(app, code)
    assert kinds[-1][0] is EventKind.RESPONDED and kinds[-1][1] == "Tim kami ke lokasi besok."
    assert kinds[-1][2] == "officer" and kinds[-1][3] is not None
    with app.app_context():
        assert complaint(code).status is Status.IN_PROGRESS


@pytest.mark.parametrize("htmx", [False, True])
def test_start(app, officer, dispatched, htmx):
    code = dispatched()
    response = post(officer, app, code, "mulai", htmx=htmx)
    assert response.status_code == (200 if htmx else 303)
    assert events(app, code)[-1][0] is EventKind.STARTED
    with app.app_context():
        assert complaint(code).status is Status.IN_PROGRESS


@pytest.mark.parametrize("htmx", [False, True])
def test_resolve(app, officer, dispatched, htmx):
    code = dispatched(then=(Action.START,))
    response = post(officer, app, code, "selesai", htmx=htmx, outcome="Lubang sudah ditambal.")
    assert response.status_code == (200 if htmx else 303)
    assert events(app, code)[-1][:2] == (EventKind.RESOLVED, "Lubang sudah ditambal.")
    with app.app_context():
        assert complaint(code).status is Status.RESOLVED


@pytest.mark.parametrize("htmx", [False, True])
def test_forward(app, officer, dispatched, htmx):
    code = dispatched()
    response = post(
        officer, app, code, "teruskan", htmx=htmx, agency="kemenkes", reason="Urusan rumah sakit."
    )
    if htmx:
        assert response.status_code == 200 and response.headers["HX-Redirect"] == "/instansi"
    else:
        assert response.status_code == 303 and response.headers["Location"].endswith("/instansi")
    inbox = officer.get("/instansi").get_data(as_text=True)
    assert "banner-success" in inbox and code in inbox  # named in the banner only
    assert f"/instansi/laporan/{code}" not in inbox
    assert officer.get(f"/instansi/laporan/{code}").status_code == 404
    kind, note, _role, _user, agency_id = events(app, code)[-1]
    with app.app_context():
        c = complaint(code)
        assert (kind, note) == (EventKind.FORWARDED, "Urusan rumah sakit.")
        assert c.status is Status.FORWARDED and c.agency.code == "KEMENKES"
        assert agency_id == c.agency_id and c.due_on is not None


def test_the_agency_chooser(app, officer, dispatched):
    code = dispatched()
    fragment = officer.get(
        f"/instansi/laporan/{code}/instansi?q=kesehatan", headers={"HX-Request": "true"}
    ).get_data(as_text=True)
    assert "<html" not in fragment
    assert 'type="radio"' in fragment and 'value="KEMENKES"' in fragment
    assert fragment.count('type="radio"') <= 20
    # Without JavaScript: the whole case page, with the results inside the forward form.
    page = officer.get(f"/instansi/laporan/{code}/instansi?q=kesehatan").get_data(as_text=True)
    assert "<html" in page and 'value="KEMENKES"' in page
    # Never the agency handling it now: it cannot forward to itself.
    own = officer.get(
        f"/instansi/laporan/{code}/instansi?q=PEMKOT3273", headers={"HX-Request": "true"}
    ).get_data(as_text=True)
    assert 'value="PEMKOT3273"' not in own
    nothing = officer.get(
        f"/instansi/laporan/{code}/instansi?q=zzzqqq", headers={"HX-Request": "true"}
    ).get_data(as_text=True)
    assert "zzzqqq" in nothing and 'type="radio"' not in nothing
    page = officer.get(f"/instansi/laporan/{code}").get_data(as_text=True)
    assert 'hx-trigger="input changed delay:300ms, search"' in page
    assert re.search(r'id="agency-results"[^>]*aria-live="polite"', page)


# --- actions: bad input ---------------------------------------------------------------------------


@pytest.mark.parametrize("htmx", [False, True])
@pytest.mark.parametrize(
    ("action", "fields", "message"),
    [
        ("tanggapi", {"response": "   "}, "response"),
        ("tanggapi", {"response": TOO_LONG}, "5"),
        ("selesai", {"outcome": ""}, "outcome"),
        ("selesai", {"outcome": TOO_LONG}, "5"),
        ("teruskan", {"agency": "KEMENKES", "reason": ""}, "reason"),
        ("teruskan", {"agency": "", "reason": "Bukan wewenang kami."}, "agency-query"),
        ("teruskan", {"agency": "NOPE-AGENCY", "reason": "Bukan wewenang kami."}, "agency"),
        ("teruskan", {"agency": "PEMKOT3273", "reason": "Ke diri sendiri."}, "action-forward"),
        ("teruskan", {"agency": "KEMENKES", "reason": TOO_LONG}, "reason"),
    ],
)
def test_bad_input_is_a_clear_error_with_the_values_kept(
    app, officer, dispatched, action, fields, message, htmx
):
    code = dispatched()
    before = event_count(app, code)
    response = post(officer, app, code, action, htmx=htmx, **fields)
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert 'class="error-summary"' in html and message in html
    assert "data-focus" in html
    for value in fields.values():
        if value.strip() and value != TOO_LONG and value != "NOPE-AGENCY":
            assert value in html  # kept, to correct and send again
    if fields.get("agency") == "KEMENKES":
        assert re.search(r'value="KEMENKES" checked', html)
    assert event_count(app, code) == before
    with app.app_context():
        assert complaint(code).status is Status.VERIFIED


def test_an_unknown_agency_says_so(app, officer, dispatched):
    code = dispatched()
    english(officer)
    html = post(
        officer, app, code, "teruskan", agency="NOPE", reason="Bukan wewenang kami."
    ).get_data(as_text=True)
    assert "That agency is not in the directory" in html


def test_resolving_a_complaint_not_being_handled_is_refused(app, officer, dispatched):
    code = dispatched(then=(Action.RESOLVE,))  # resolved already: no longer handling
    before = event_count(app, code)
    english(officer)
    response = post(officer, app, code, "selesai", outcome="Sekali lagi.")
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert 'class="error-summary"' in html and 'href="#case-status"' in html
    assert "This report is “Resolved”; that action is not possible now." in html
    assert event_count(app, code) == before


def test_a_received_complaint_moved_back_to_this_agency_cannot_be_resolved(
    app, officer, make_complaint
):
    """Dispatched here, then forwarded back to the verifier's desk? No: a complaint that
    is RECEIVED but carries this agency (after a forward it is FORWARDED, never RECEIVED);
    act() refuses whatever the form says."""
    code, _ = make_complaint()
    with app.app_context():
        from app.accounts.operations import find_agency

        c = complaint(code)
        act(c, Action.DISPATCH, Actor.VERIFIER, agency=find_agency(BANDUNG))
        _db.session.commit()
        c.status = Status.RECEIVED  # as if a verifier took it back: not a handling state
        _db.session.commit()
    before = event_count(app, code)
    english(officer)
    response = post(officer, app, code, "selesai", outcome="Sudah beres.")
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert "This report is “Received”; that action is not possible now." in html
    assert event_count(app, code) == before


@pytest.mark.parametrize("htmx", [False, True])
def test_a_stale_version_is_refused_with_no_second_event(app, client, sign_in_as, dispatched, htmx):
    """Two officers of one agency answer at once: the first wins, the second is told."""
    code = dispatched()
    sign_in_as(client, Role.OFFICER, agency=BANDUNG)
    other = client.application.test_client()
    sign_in_as(other, Role.OFFICER, agency=BANDUNG)
    page = client.get(f"/instansi/laporan/{code}").get_data(as_text=True)
    other_page = other.get(f"/instansi/laporan/{code}").get_data(as_text=True)
    seen = version_of(app, code)
    first = client.post(
        f"/instansi/laporan/{code}/selesai",
        data={"csrf_token": token_of(page), "version": seen, "outcome": "Sudah ditambal."},
    )
    assert first.status_code == 303
    count = event_count(app, code)
    second = other.post(
        f"/instansi/laporan/{code}/tanggapi",
        data={"csrf_token": token_of(other_page), "version": seen, "response": "Kami cek."},
        headers={"HX-Request": "true"} if htmx else {},
    )
    assert second.status_code == 409
    html = second.get_data(as_text=True)
    assert "Orang lain baru saja mengubah laporan ini" in html  # the life cycle's message
    assert event_count(app, code) == count
    with app.app_context():
        assert complaint(code).status is Status.RESOLVED


def test_a_missing_version_is_refused(app, officer, dispatched):
    code = dispatched()
    page = officer.get(f"/instansi/laporan/{code}").get_data(as_text=True)
    response = officer.post(
        f"/instansi/laporan/{code}/tanggapi",
        data={"csrf_token": token_of(page), "version": "abc", "response": "Kami cek."},
    )
    assert response.status_code == 422
    assert event_count(app, code) == 2


def test_a_missing_csrf_token_is_refused(app, officer, dispatched):
    code = dispatched()
    response = officer.post(
        f"/instansi/laporan/{code}/tanggapi",
        data={"version": version_of(app, code), "response": "Kami cek."},
    )
    assert response.status_code == 400
    assert event_count(app, code) == 2


def test_the_whole_journey_keeps_one_event_per_step(app, officer, dispatched):
    code = dispatched()
    assert post(officer, app, code, "mulai").status_code == 303
    assert post(officer, app, code, "tanggapi", response="Kami cek besok.").status_code == 303
    assert post(officer, app, code, "selesai", outcome="Sudah ditambal.").status_code == 303
    with app.app_context():
        kinds = [
            e.kind
            for e in _db.session.scalars(
                select(ComplaintEvent)
                .where(ComplaintEvent.complaint_id == complaint(code).id)
                .order_by(ComplaintEvent.id)
            )
        ]
    assert kinds == [
        EventKind.RECEIVED,
        EventKind.DISPATCHED,
        EventKind.STARTED,
        EventKind.RESPONDED,
        EventKind.RESOLVED,
    ]


def test_a_verifier_reads_a_complaint_not_yet_dispatched(client, sign_in_as, make_complaint):
    code, _ = make_complaint(privacy="anonymous", name="Tersembunyi Sekali")
    sign_in_as(client, Role.VERIFIER)
    english(client)
    html = client.get(f"/instansi/laporan/{code}").get_data(as_text=True)
    assert "Not yet sent to an agency" in html and "Tersembunyi" not in html
    assert "warga@example.org" not in html  # the anonymous reporter's email
    assert "Only officers of the agency handling it can act on it." in html


def test_an_htmx_error_summary_takes_focus_once(app, officer, dispatched):
    """After a swap app.js focuses [data-focus]; an autofocus attribute in swapped content
    would make htmx take focus back to the summary after settling, away from the field the
    officer just reached through the summary's link. A whole page keeps autofocus."""
    code = dispatched(then=(Action.START,))
    swapped = post(officer, app, code, "selesai", htmx=True, outcome="")
    assert swapped.status_code == 422
    html = swapped.get_data(as_text=True)
    assert "data-focus" in html and "autofocus" not in html
    page = post(officer, app, code, "selesai", outcome="").get_data(as_text=True)
    assert re.search(r'class="error-summary"[^>]*autofocus', page)
