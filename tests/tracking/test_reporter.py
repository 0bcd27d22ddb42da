"""The reporter's side: reply, appeal, confirm with a rating, reopen — on the tracking page
(plain forms and htmx) and through the JSON API — and who may do it: only the holder of the
secret, for public complaints too."""

from __future__ import annotations

import re
from datetime import UTC, datetime

import pytest
import time_machine
from sqlalchemy import func, select

from app.accounts.models import Role
from app.accounts.operations import create_user
from app.complaints import deadlines
from app.complaints.lifecycle import Action, Actor, act
from app.complaints.models import Complaint, ComplaintEvent, EventKind, Status
from app.db import utcnow
from app.directory.models import Agency
from app.extensions import db as _db
from app.tracking.models import ComplaintRating
from app.tracking.queries import by_code
from tests.conftest import csrf_token

pytestmark = pytest.mark.db

QUESTION = "Di jalan mana tepatnya lubangnya?"
RESPONSE = "Tim kami meninjau lokasi besok pagi."
RESOLUTION = "Lubang sudah ditambal dengan aspal."
STAFF_NAME = "Rahmat Petugas Rahasia"
REPORTER = {"name": "Budi Pelapor Santoso", "email": "budi.pelapor@example.org"}

STEPS = {"reply": "balas", "appeal": "banding", "confirm": "selesai", "reopen": "buka-lagi"}


# --- helpers -------------------------------------------------------------------------------


def move(app, code: str, state: str) -> None:
    """Take the complaint to `state` through the life cycle, as staff would."""
    with app.app_context():
        complaint = by_code(code)
        agency = _db.session.scalar(select(Agency).where(Agency.code == "PEMKOT3273"))
        officer = create_user(f"petugas-{code}@example.go.id", STAFF_NAME, Role.OFFICER, "32.73")
        steps = {
            "needs_info": [(Action.REQUEST_INFO, Actor.VERIFIER, {"reason": QUESTION})],
            "archived": [(Action.ARCHIVE, Actor.VERIFIER, {"reason": "Bukan layanan publik."})],
            "flagged": [(Action.FLAG, Actor.VERIFIER, {"reason": "Diduga hoaks."})],
            "in_progress": [
                (Action.DISPATCH, Actor.VERIFIER, {"agency": agency}),
                (Action.START, Actor.OFFICER, {"user_id": officer.id}),
                (Action.RESPOND, Actor.OFFICER, {"reason": RESPONSE, "user_id": officer.id}),
            ],
        }
        steps["resolved"] = [
            *steps["in_progress"],
            (Action.RESOLVE, Actor.OFFICER, {"reason": RESOLUTION, "user_id": officer.id}),
        ]
        for action, actor, options in steps[state]:
            act(complaint, action, actor, **options)
        _db.session.commit()


def english(client):
    client.set_cookie("lang", "en")
    return client


def unlock(client, code: str, secret: str) -> None:
    token = csrf_token(client, "/lacak")
    response = client.post("/lacak", data={"csrf_token": token, "code": code, "secret": secret})
    assert response.status_code == 303


def complaint(app, code: str) -> dict:
    with app.app_context():
        c = by_code(code)
        return {
            "status": c.status,
            "due_on": c.due_on,
            "version": c.version,
            "events": [(e.kind, e.note) for e in c.events],
            "rating": _db.session.scalar(
                select(ComplaintRating).where(ComplaintRating.complaint_id == c.id)
            ),
        }


def post(client, app, code: str, action: str, htmx: bool = False, version=None, **fields):
    token = csrf_token(client, f"/lacak/{code}")
    if version is None:
        version = complaint(app, code)["version"]
    data = {f"{action}-csrf_token": token, f"{action}-version": version}
    data.update({f"{action}-{name}": value for name, value in fields.items()})
    headers = {"HX-Request": "true"} if htmx else {}
    return client.post(f"/lacak/{code}/{STEPS[action]}", data=data, headers=headers)


def html(response) -> str:
    return response.get_data(as_text=True)


@pytest.fixture
def reporter(app, client, make_complaint):
    """Factory: reporter(state, privacy=...) → tracking code of a complaint in `state`,
    unlocked in `client` (in English) with its secret."""

    def make(state: str | None = None, **overrides) -> str:
        code, secret = make_complaint(**overrides)
        if state:
            move(app, code, state)
        unlock(english(client), code, secret)
        return code

    return make


# --- the secret: every complaint has one ---------------------------------------------------


def test_a_public_complaints_receipt_shows_its_secret_and_what_it_is_for(client):
    from tests.intake.test_web_filing import ANSWERS

    english(client)
    token = csrf_token(client)
    answers = {**ANSWERS, "privacy": "public", "email": "warga@example.org"}
    assert client.post("/lapor", data={**answers, "csrf_token": token}).status_code == 303
    assert client.post("/lapor/kirim", data={"csrf_token": token}).status_code == 303
    receipt = html(client.get("/lapor/tanda-terima"))
    assert re.search(r'class="code">([A-Z0-9]{4}(?:-[A-Z0-9]{4}){3})<', receipt)
    assert "published with personal data such as names and phone numbers hidden" in receipt
    assert "Only with this secret can you read it as you sent it, reply, confirm" in receipt
    again = html(client.get("/lapor/tanda-terima"))  # shown once
    assert 'class="secret-box"' not in again and "but not reply to them" in again


def test_the_api_gives_a_public_complaint_a_secret_that_unlocks_it(app, client):
    from tests.helpers import API_COMPLAINT, key

    idem = key()
    body = client.post("/api/v1/complaints", json=API_COMPLAINT, headers={"Idempotency-Key": idem})
    secret = body.get_json()["secret"]
    replay = client.post(
        "/api/v1/complaints", json=API_COMPLAINT, headers={"Idempotency-Key": idem}
    )
    assert replay.get_json()["secret"] == secret  # derived from the key: retries get it too
    code = body.get_json()["tracking_code"]
    status = client.get(f"/api/v1/complaints/{code}", headers={"X-Tracking-Secret": secret})
    assert status.get_json()["reporter"]["actions"] == []  # received: nothing to do yet


# --- every action on the web, with and without htmx ----------------------------------------


@pytest.mark.parametrize("htmx", [False, True])
def test_answering_a_question_restarts_the_clock(app, client, reporter, htmx):
    code = reporter("needs_info")
    assert complaint(app, code)["due_on"] is None  # the clock waits for the reporter
    page = html(client.get(f"/lacak/{code}"))
    assert "Answer the question" in page and QUESTION in page
    response = post(client, app, code, "reply", htmx=htmx, text="Jalan Dago nomor 12, depan SD.")
    after = complaint(app, code)
    assert after["status"] is Status.RECEIVED
    with app.app_context():
        assert after["due_on"] == deadlines.add_working_days(
            deadlines.local_date(utcnow()), app.config["SLA_VERIFY_DAYS"]
        )
    assert after["events"][-1] == (EventKind.REPLIED, "Jalan Dago nomor 12, depan SD.")
    if htmx:
        assert response.status_code == 200
        fragment = html(response)
        assert "<html" not in fragment and fragment.lstrip().startswith('<div id="report"')
        assert 'data-announce="Your reply was sent"' in fragment
        assert re.search(
            r'<h2 id="report-status" tabindex="-1" data-focus>Status: Received', fragment
        )
        assert "Answer the question" not in fragment  # no more question to answer
    else:
        assert response.status_code == 303
        assert response.headers["Location"].endswith(f"/lacak/{code}")
        page = html(client.get(response.headers["Location"]))
        assert 'class="notice success" role="alert"' in page and "Your reply was sent" in page
        assert "Status: Received" in page
        assert "Your reply was sent" not in html(client.get(f"/lacak/{code}"))  # said once


@pytest.mark.parametrize("htmx", [False, True])
def test_an_archived_report_can_be_answered_back(app, client, reporter, htmx):
    code = reporter("archived")
    page = html(client.get(f"/lacak/{code}"))
    assert "Answer back" in page and "Bukan layanan publik." in page
    post(client, app, code, "reply", htmx=htmx, text="Ini layanan PDAM milik pemkot.")
    assert complaint(app, code)["status"] is Status.RECEIVED


@pytest.mark.parametrize("htmx", [False, True])
def test_a_flagged_report_can_be_appealed(app, client, reporter, htmx):
    code = reporter("flagged")
    page = html(client.get(f"/lacak/{code}"))
    assert "Appeal" in page and "Diduga hoaks." in page
    response = post(client, app, code, "appeal", htmx=htmx, text="Ini nyata, ada fotonya.")
    assert response.status_code == (200 if htmx else 303)
    after = complaint(app, code)
    assert after["status"] is Status.RECEIVED
    assert after["events"][-1] == (EventKind.APPEALED, "Ini nyata, ada fotonya.")


@pytest.mark.parametrize("htmx", [False, True])
def test_information_added_while_in_hand_moves_no_deadline(app, client, reporter, htmx):
    code = reporter("in_progress")
    before = complaint(app, code)
    page = html(client.get(f"/lacak/{code}"))
    assert "Add information" in page and RESPONSE in page
    assert "Agency: Government of Kota Bandung" in page  # who answered: the agency, not a person
    post(client, app, code, "reply", htmx=htmx, text="Lubangnya makin besar.")
    after = complaint(app, code)
    assert after["status"] is Status.IN_PROGRESS and after["due_on"] == before["due_on"]
    assert after["events"][-1] == (EventKind.REPLIED, "Lubangnya makin besar.")


@pytest.mark.parametrize("htmx", [False, True])
def test_confirming_closes_with_a_rating(app, client, reporter, htmx):
    code = reporter("resolved")
    page = html(client.get(f"/lacak/{code}"))
    assert RESOLUTION in page and "You can reopen it until" in page
    assert '<legend class="legend">How well was your report handled?</legend>' in page
    response = post(
        client, app, code, "confirm", htmx=htmx, rating="4", comment="Cepat, terima kasih."
    )
    after = complaint(app, code)
    assert after["status"] is Status.CLOSED
    assert after["events"][-1] == (EventKind.CONFIRMED, None)  # the comment is not public
    assert (after["rating"].score, after["rating"].comment) == (4, "Cepat, terima kasih.")
    shown = html(response) if htmx else html(client.get(f"/lacak/{code}"))
    assert "You rated this 4 of 5." in shown and "Cepat, terima kasih." in shown
    assert "<form" not in shown.split('id="report"')[1]  # nothing left to do


@pytest.mark.parametrize("htmx", [False, True])
def test_reopening_within_the_window(app, client, reporter, htmx):
    code = reporter("resolved")
    response = post(client, app, code, "reopen", htmx=htmx, text="Lubangnya muncul lagi.")
    assert response.status_code == (200 if htmx else 303)
    after = complaint(app, code)
    assert after["status"] is Status.REOPENED
    assert after["events"][-1] == (EventKind.REOPENED, "Lubangnya muncul lagi.")
    assert after["rating"] is None


# --- the reopening window: 10 working days, local time, across weekends ---------------------


def test_reopen_is_allowed_on_the_last_day_and_refused_the_day_after(app, client, make_complaint):
    codes, secrets = [], {}
    # Resolved on Friday 23 October 2026 (Jakarta): the window ends Friday 6 November,
    # two weekends later.
    with time_machine.travel(datetime(2026, 10, 23, 3, 0, tzinfo=UTC), tick=False):
        for _ in range(3):
            code, secret = make_complaint()
            move(app, code, "resolved")
            unlock(english(client), code, secret)
            codes.append(code)
            secrets[code] = secret
    with app.app_context():
        assert by_code(codes[0]).due_on.isoformat() == "2026-11-06"

    # 23:00 on Friday 6 November in Jakarta (16:00 UTC): still the last day.
    with time_machine.travel(datetime(2026, 11, 6, 16, 0, tzinfo=UTC), tick=False):
        assert "You can reopen it until" in html(client.get(f"/lacak/{codes[0]}"))
        response = post(client, app, codes[0], "reopen", text="Masih berlubang.")
        assert response.status_code == 303
    assert complaint(app, codes[0])["status"] is Status.REOPENED

    # 00:30 on Saturday 7 November in Jakarta, still Friday in UTC: too late.
    with time_machine.travel(datetime(2026, 11, 6, 17, 30, tzinfo=UTC), tick=False):
        page = html(client.get(f"/lacak/{codes[1]}"))
        assert "The time to reopen it ended on" in page and "buka-lagi" not in page
        assert "selesai" in page  # confirming is still possible until it closes
        response = post(client, app, codes[1], "reopen", text="Masih berlubang.")
        assert response.status_code == 409
        assert "The time to reopen this report has ended" in html(response)
        answer = api(client, codes[1], secrets[codes[1]], {"action": "reopen", "text": "Lagi."})
        assert answer.status_code == 409
        assert "time to reopen" in answer.get_json()["errors"]["action"][0]
    assert complaint(app, codes[1])["status"] is Status.RESOLVED

    # Monday 9 November: still too late, and the life cycle itself refuses it.
    with time_machine.travel(datetime(2026, 11, 9, 3, 0, tzinfo=UTC), tick=False):
        from app.complaints.lifecycle import TransitionError

        with app.app_context():
            c = by_code(codes[2])
            with pytest.raises(TransitionError, match="Batas waktu untuk membuka kembali"):
                act(c, Action.REOPEN, Actor.REPORTER, reason="x")
            _db.session.rollback()
    assert complaint(app, codes[2])["status"] is Status.RESOLVED


# --- bad input -----------------------------------------------------------------------------

BAD = [
    ("needs_info", "reply", {"text": ""}, "reply-text", "Write your reply"),
    ("needs_info", "reply", {"text": "  \n "}, "reply-text", "Write your reply"),
    ("needs_info", "reply", {"text": "x" * 5001}, "reply-text", "Use 5000 characters or fewer"),
    ("flagged", "appeal", {"text": ""}, "appeal-text", "Write why your report should"),
    ("resolved", "reopen", {"text": ""}, "reopen-text", "Write what is still wrong"),
    ("resolved", "confirm", {}, "confirm-rating-0", "Choose a rating from 1 to 5"),
    ("resolved", "confirm", {"rating": "0"}, "confirm-rating-0", "Choose a rating from 1 to 5"),
    ("resolved", "confirm", {"rating": "6"}, "confirm-rating-0", "Choose a rating from 1 to 5"),
    ("resolved", "confirm", {"rating": "abc"}, "confirm-rating-0", "Choose a rating"),
    (
        "resolved",
        "confirm",
        {"rating": "5", "comment": "x" * 1001},
        "confirm-comment",
        "Use 1000 characters or fewer",
    ),
]


@pytest.mark.parametrize("htmx", [False, True])
@pytest.mark.parametrize(("state", "action", "fields", "field_id", "message"), BAD)
def test_bad_input_gets_a_clear_error_and_saves_nothing(
    app, client, reporter, state, action, fields, field_id, message, htmx
):
    code = reporter(state)
    before = complaint(app, code)
    response = post(client, app, code, action, htmx=htmx, **fields)
    assert response.status_code == 422
    page = html(response)
    assert 'class="error-summary"' in page and "data-focus" in page
    assert f'href="#{field_id}"' in page and message in page
    if "rating" not in field_id:  # a radio group shows its error on the fieldset
        assert 'aria-invalid="true"' in page
    assert 'class="field field-error"' in page
    if not htmx:
        assert "<title>Error: " in page
    if "text" in fields and fields["text"].strip():
        assert fields["text"] in page  # what the reporter wrote is kept
    after = complaint(app, code)
    assert after["events"] == before["events"] and after["version"] == before["version"]
    assert after["rating"] is None


@pytest.mark.parametrize(
    ("state", "action", "fields"),
    [
        ("needs_info", "confirm", {"rating": "5"}),
        ("needs_info", "reopen", {"text": "Belum beres."}),
        ("needs_info", "appeal", {"text": "Banding."}),
        ("in_progress", "confirm", {"rating": "5"}),
        ("flagged", "reply", {"text": "Halo."}),
    ],
)
def test_an_action_not_possible_now_is_refused_with_the_reason(
    app, client, reporter, state, action, fields
):
    code = reporter(state)
    before = complaint(app, code)
    response = post(client, app, code, action, **fields)
    assert response.status_code == 409
    assert "that action is not possible now" in html(response)
    assert complaint(app, code)["events"] == before["events"]


@pytest.mark.parametrize("htmx", [False, True])
def test_a_stale_form_is_refused_with_the_life_cycles_message(app, client, reporter, htmx):
    code = reporter("in_progress")
    seen = complaint(app, code)["version"]
    with app.app_context():  # the agency resolves it while the reporter writes
        act(by_code(code), Action.RESOLVE, Actor.OFFICER, reason="Sudah dijadwalkan.")
        _db.session.commit()
    before = complaint(app, code)
    response = post(client, app, code, "reply", htmx=htmx, version=seen, text="Tambahan saya.")
    assert response.status_code == 409
    page = html(response)
    assert "Someone else changed this report a moment ago" in page
    assert "Tambahan saya." in page  # not lost: the reporter can send it again
    assert "Sudah dijadwalkan." in page  # and now sees what changed
    assert complaint(app, code)["events"] == before["events"]
    # Sent again from the refreshed form, it goes through.
    assert post(client, app, code, "reply", text="Tambahan saya.").status_code == 303


# --- who may act: only the holder of the secret ---------------------------------------------


def test_a_public_complaint_with_only_its_code_shows_no_forms(app, client, make_complaint):
    code, _secret = make_complaint()
    move(app, code, "needs_info")
    english(client)
    track = client.post(
        "/lacak", data={"csrf_token": csrf_token(client, "/lacak"), "code": code, "secret": ""}
    )
    page = html(client.get(track.headers["Location"]))
    # Not published while it waits for information: neither the report nor the question
    # (which is for the reporter) is readable with the code alone.
    assert "Jalan berlubang di depan sekolah" not in page and QUESTION not in page
    assert "This report is not published" in page
    assert "<textarea" not in page and "/balas" not in page
    assert "Are you the reporter?" in page and "Enter your secret to reply" in page
    before = complaint(app, code)
    for htmx in (False, True):
        response = post(client, app, code, "reply", htmx=htmx, text="Saya bukan pelapornya.")
        assert response.status_code == 403
    assert complaint(app, code)["events"] == before["events"]


def test_a_wrong_secret_does_not_unlock_the_actions(app, client, make_complaint):
    code, _secret = make_complaint()
    move(app, code, "needs_info")
    token = csrf_token(english(client), "/lacak")
    wrong = client.post(
        "/lacak", data={"csrf_token": token, "code": code, "secret": "AAAA-BBBB-CCCC-DDDD"}
    )
    assert wrong.status_code == 422
    assert post(client, app, code, "reply", text="Coba-coba.").status_code == 403
    assert complaint(app, code)["status"] is Status.NEEDS_INFO


def test_no_reporter_identity_or_staff_name_on_the_page(app, client, reporter):
    code = reporter("resolved", **REPORTER, phone="081234567890")
    pages = [html(client.get(f"/lacak/{code}"))]
    post(client, app, code, "confirm", rating="5")
    pages.append(html(client.get(f"/lacak/{code}")))
    pages.append(html(english(app.test_client()).get(f"/lacak/{code}")))  # a stranger's view
    for page in pages:
        assert RESPONSE in page and "Agency: Government of Kota Bandung" in page
        for private in (*REPORTER.values(), "081234567890", STAFF_NAME, "example.go.id"):
            assert private not in page


def test_a_confidential_reports_notes_stay_hidden_without_the_secret(app, make_complaint):
    code, secret = make_complaint(privacy="confidential")
    move(app, code, "needs_info")
    stranger = english(app.test_client())
    page = html(stranger.get(f"/lacak/{code}"))
    assert "More information was requested" in page and QUESTION not in page
    body = stranger.get(f"/api/v1/complaints/{code}").get_json()
    assert [e["note"] for e in body["timeline"]] == [None, None]
    assert "reporter" not in body
    body = stranger.get(
        f"/api/v1/complaints/{code}", headers={"X-Tracking-Secret": secret}
    ).get_json()
    assert body["timeline"][-1]["note"] == QUESTION and body["reporter"]["actions"] == ["reply"]


# --- the JSON API ------------------------------------------------------------------------------


@pytest.fixture
def api_complaint(app, make_complaint):
    def make(state: str, **overrides) -> tuple[str, str]:
        code, secret = make_complaint(**overrides)
        move(app, code, state)
        return code, secret

    return make


def api(client, code, secret, body, **headers):
    headers = {"X-Tracking-Secret": secret, "Accept-Language": "en", **headers}
    return client.post(f"/api/v1/complaints/{code}/actions", json=body, headers=headers)


@pytest.mark.parametrize(
    ("state", "body", "status", "kind"),
    [
        ("needs_info", {"action": "reply", "text": "Jalan Dago 12."}, "received", "replied"),
        ("archived", {"action": "reply", "text": "Ini PDAM."}, "received", "replied"),
        ("flagged", {"action": "appeal", "text": "Ada fotonya."}, "received", "appealed"),
        ("resolved", {"action": "confirm", "rating": 5}, "closed", "confirmed"),
        ("resolved", {"action": "reopen", "text": "Muncul lagi."}, "reopened", "reopened"),
    ],
)
def test_api_actions(app, client, api_complaint, state, body, status, kind):
    code, secret = api_complaint(state, privacy="anonymous", email=None)
    response = api(client, code, secret, body)
    assert response.status_code == 200, response.get_json()
    answer = response.get_json()
    get = client.get(
        f"/api/v1/complaints/{code}",
        headers={"X-Tracking-Secret": secret, "Accept-Language": "en"},
    )
    assert answer == get.get_json()  # the same body as GET
    assert answer["status"] == status and answer["timeline"][-1]["kind"] == kind
    if body["action"] == "confirm":
        assert answer["reporter"]["rating"] == {"score": 5, "comment": None}


def test_api_confirm_with_a_comment_and_the_version(app, client, api_complaint):
    code, secret = api_complaint("resolved")
    version = client.get(
        f"/api/v1/complaints/{code}", headers={"X-Tracking-Secret": secret}
    ).get_json()["reporter"]["version"]
    response = api(
        client,
        code,
        secret,
        {"action": "confirm", "rating": 3, "text": "Lama.", "version": version},
    )
    assert response.status_code == 200
    assert response.get_json()["reporter"]["rating"] == {"score": 3, "comment": "Lama."}


def test_api_wrong_secret_missing_secret_and_unknown_code_answer_alike(app, client, api_complaint):
    code, _secret = api_complaint("needs_info")
    body = {"action": "reply", "text": "Halo."}
    wrong = api(client, code, "AAAA-BBBB-CCCC-DDDD", body)
    unknown = api(client, "ZZZZ-ZZZZ", "AAAA-BBBB-CCCC-DDDD", body)
    missing = client.post(
        f"/api/v1/complaints/{code}/actions", json=body, headers={"Accept-Language": "en"}
    )
    assert wrong.status_code == unknown.status_code == missing.status_code == 404
    assert wrong.get_json() == unknown.get_json() == missing.get_json()
    assert complaint(app, code)["status"] is Status.NEEDS_INFO


def test_api_refuses_what_is_not_possible_now_with_409(app, client, api_complaint):
    code, secret = api_complaint("needs_info")
    response = api(client, code, secret, {"action": "confirm", "rating": 5})
    assert response.status_code == 409
    assert "not possible now" in response.get_json()["errors"]["action"][0]
    stale = api(client, code, secret, {"action": "reply", "text": "Halo.", "version": 1})
    assert stale.status_code == 409
    assert "Someone else changed this report" in stale.get_json()["errors"]["action"][0]
    assert complaint(app, code)["status"] is Status.NEEDS_INFO


API_BAD = [
    ("needs_info", {}, "action"),
    ("needs_info", {"action": "delete"}, "action"),
    ("needs_info", {"action": 3}, "action"),
    ("needs_info", {"action": "reply"}, "text"),
    ("needs_info", {"action": "reply", "text": "   "}, "text"),
    ("needs_info", {"action": "reply", "text": "x" * 5001}, "text"),
    ("needs_info", {"action": "reply", "text": ["a"]}, "text"),
    ("needs_info", {"action": "reply", "text": "ok", "extra": 1}, "_request"),
    ("needs_info", {"action": "reply", "text": "ok", "version": "1"}, "version"),
    ("flagged", {"action": "appeal", "text": ""}, "text"),
    ("resolved", {"action": "reopen"}, "text"),
    ("resolved", {"action": "confirm"}, "rating"),
    ("resolved", {"action": "confirm", "rating": 0}, "rating"),
    ("resolved", {"action": "confirm", "rating": 6}, "rating"),
    ("resolved", {"action": "confirm", "rating": "abc"}, "rating"),
    ("resolved", {"action": "confirm", "rating": True}, "rating"),
    ("resolved", {"action": "confirm", "rating": 4.5}, "rating"),
    ("resolved", {"action": "confirm", "rating": 4, "text": "x" * 1001}, "text"),
]


@pytest.mark.parametrize(("state", "body", "field"), API_BAD)
def test_api_bad_fields_get_a_translated_422_and_save_nothing(
    app, client, api_complaint, state, body, field
):
    code, secret = api_complaint(state)
    before = complaint(app, code)
    english_answer = api(client, code, secret, body)
    indonesian = api(client, code, secret, body, **{"Accept-Language": "id"})
    assert english_answer.status_code == indonesian.status_code == 422
    errors = english_answer.get_json()["errors"]
    assert field in errors and all(isinstance(m, str) and m for m in errors[field])
    after = complaint(app, code)
    assert after["events"] == before["events"] and after["rating"] is None


def test_api_refuses_non_json_and_cross_site_requests(app, client, api_complaint):
    code, secret = api_complaint("needs_info")
    headers = {"X-Tracking-Secret": secret}
    url = f"/api/v1/complaints/{code}/actions"
    assert client.post(url, data="action=reply", headers=headers).status_code == 415
    assert (
        client.post(url, data="[1]", headers=headers, content_type="application/json").status_code
        == 400
    )
    foreign = client.post(
        url,
        json={"action": "reply", "text": "Halo."},
        headers={**headers, "Origin": "https://evil.example"},
    )
    assert foreign.status_code == 403
    assert complaint(app, code)["status"] is Status.NEEDS_INFO


def test_one_rating_per_complaint_is_enforced_by_the_database(app, db, make_complaint):
    code, _ = make_complaint()
    with app.app_context():
        c = by_code(code)
        _db.session.add(ComplaintRating(complaint_id=c.id, score=4))
        _db.session.flush()
        _db.session.add(ComplaintRating(complaint_id=c.id, score=5))
        from sqlalchemy.exc import IntegrityError

        with pytest.raises(IntegrityError):
            _db.session.flush()
        _db.session.rollback()
        _db.session.add(ComplaintRating(complaint_id=c.id, score=6))
        with pytest.raises(IntegrityError):
            _db.session.flush()
        _db.session.rollback()
        assert _db.session.scalar(select(func.count(ComplaintRating.id))) == 0
        assert _db.session.scalar(select(func.count(ComplaintEvent.id))) == 1
        assert _db.session.scalar(select(func.count(Complaint.id))) == 1
