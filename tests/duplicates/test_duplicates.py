"""Duplicate detection: the index written on filing, candidate search by place, time and text,
the public check API (published complaints only), and "me too" during web filing."""

from __future__ import annotations

import json
import re
from datetime import timedelta

import pytest
from sqlalchemy import func, select, text, update

from app.complaints.lifecycle import Action, Actor, act
from app.complaints.models import Complaint
from app.directory.models import Agency
from app.duplicates import find_candidates, similar_complaints
from app.duplicates.index import NUM_BANDS, band_keys, features
from app.duplicates.models import DuplicateBand, DuplicateSignature
from app.duplicates.queries import candidate_query
from app.extensions import db
from app.intake.models import Draft
from tests.conftest import csrf_token
from tests.helpers import png, post_multipart

pytestmark = pytest.mark.db

POTHOLE = {
    "title": "Jalan Cikutra berlubang di depan SD",
    "description": "Lubang besar di Jalan Cikutra depan sekolah dasar sudah dua bulan, "
    "motor sering jatuh kalau hujan.",
    "region_code": "32.73.02",
    "category": "roads",
}
POTHOLE_AGAIN = (
    "Jalan Cikutra depan SD berlubang besar dan dalam, sudah dua bulan tidak ditambal. "
    "Pengendara motor sering terjatuh waktu hujan."
)
STREET_LIGHT = {
    "title": "Lampu jalan mati di Taman Sari",
    "description": "Semua lampu penerangan jalan di Taman Sari padam sejak minggu lalu, gelap.",
    "region_code": "32.73.02",
    "category": "roads",
}


def complaint_id(app, code: str) -> int:
    with app.app_context():
        return db.session.scalar(select(Complaint.id).where(Complaint.tracking_code == code))


def publish(app, code: str) -> None:
    """Verified and dispatched to Kota Bandung: what makes a public complaint published."""
    with app.app_context():
        complaint = db.session.scalar(select(Complaint).where(Complaint.tracking_code == code))
        agency = db.session.scalar(select(Agency).where(Agency.region_code == "32.73"))
        act(complaint, Action.DISPATCH, Actor.VERIFIER, agency=agency)
        db.session.commit()


def backdate(app, code: str, days: int) -> None:
    """Move a complaint, and its index rows with it, `days` into the past."""
    with app.app_context():
        cid = db.session.scalar(select(Complaint.id).where(Complaint.tracking_code == code))
        when = db.session.scalar(select(Complaint.created_at).where(Complaint.id == cid))
        earlier = when - timedelta(days=days)
        for model, column in (
            (Complaint, Complaint.id),
            (DuplicateSignature, DuplicateSignature.complaint_id),
            (DuplicateBand, DuplicateBand.complaint_id),
        ):
            db.session.execute(update(model).where(column == cid).values(created_at=earlier))
        db.session.commit()


def codes_of(found) -> list[str]:
    return [complaint.tracking_code for complaint, _score in found]


def similar_to(app, code: str) -> list[str]:
    with app.app_context():
        complaint = db.session.scalar(select(Complaint).where(Complaint.tracking_code == code))
        found = similar_complaints(complaint)
        assert all(0 < score <= 1 for _c, score in found)
        return codes_of(found)


# --- the index -----------------------------------------------------------------------------


def test_filing_writes_the_index_in_the_same_transaction(app, make_complaint):
    code, _ = make_complaint(**POTHOLE)
    with app.app_context():
        complaint = db.session.scalar(select(Complaint).where(Complaint.tracking_code == code))
        signature = db.session.get(DuplicateSignature, complaint.id)
        assert signature.regency_code == "32.73"
        assert signature.region_code == "32.73.02"
        tokens = signature.tokens.split()
        assert "lubang" in tokens and "cikutra" in tokens  # stemmed: "berlubang" → "lubang"
        assert "di" not in tokens and "sudah" not in tokens  # no stop words
        bands = db.session.scalars(
            select(DuplicateBand).where(DuplicateBand.complaint_id == complaint.id)
        ).all()
        assert len(bands) == NUM_BANDS
        assert {b.regency_code for b in bands} == {"32.73"}
        assert {b.created_at for b in bands} == {complaint.created_at}
        assert sorted(b.band_key for b in bands) == sorted(band_keys(tokens))


def test_a_complaint_that_fails_to_file_leaves_no_index_rows(app, db):
    from app.complaints.models import Channel
    from app.complaints.operations import create_complaint
    from tests.helpers import API_COMPLAINT

    with app.app_context():
        create_complaint({**API_COMPLAINT, **POTHOLE}, channel=Channel.WEB, locale="id")
        db.session.rollback()
        assert db.session.scalar(select(func.count()).select_from(DuplicateBand)) == 0
        assert db.session.scalar(select(func.count()).select_from(DuplicateSignature)) == 0


def test_reindex_rebuilds_the_index(app, make_complaint):
    make_complaint(**POTHOLE)
    make_complaint(**STREET_LIGHT)
    with app.app_context():
        before = sorted(db.session.scalars(select(DuplicateBand.band_key)))
        db.session.execute(DuplicateBand.__table__.delete())
        db.session.execute(DuplicateSignature.__table__.delete())
        db.session.commit()
    result = app.test_cli_runner().invoke(args=["duplicates", "reindex"])
    assert result.exit_code == 0, result.output
    assert "2" in result.output
    with app.app_context():
        assert sorted(db.session.scalars(select(DuplicateBand.band_key))) == before
        assert db.session.scalar(select(func.count()).select_from(DuplicateSignature)) == 2


# --- candidate search ----------------------------------------------------------------------


def test_a_near_duplicate_in_the_same_regency_is_found_not_in_another(app, make_complaint):
    here, _ = make_complaint(**POTHOLE)
    elsewhere, _ = make_complaint(**{**POTHOLE, "region_code": "32.04"})  # Kabupaten Bandung
    make_complaint(**STREET_LIGHT)
    new, _ = make_complaint(title="Jalan Cikutra rusak", description=POTHOLE_AGAIN)
    assert similar_to(app, new) == [here]
    with app.app_context():
        found = find_candidates(POTHOLE_AGAIN, "32.73", published_only=False)
        assert codes_of(found) == [new, here]  # the new one is indexed too
        # The same words in Kabupaten Bandung find only the report there.
        found = find_candidates(POTHOLE_AGAIN, "32.04", published_only=False)
        assert codes_of(found) == [elsewhere]


def test_the_same_text_scores_one_and_ranks_first(app, make_complaint):
    near, _ = make_complaint(title="Jalan rusak", description=POTHOLE_AGAIN)
    same, _ = make_complaint(**POTHOLE)
    with app.app_context():
        found = find_candidates(
            f"{POTHOLE['title']}\n{POTHOLE['description']}", "32.73.02", published_only=False
        )
    assert codes_of(found)[:2] == [same, near]
    assert found[0][1] == 1.0 and found[1][1] < 1.0


def test_only_the_time_window_counts(app, make_complaint):
    old, _ = make_complaint(**POTHOLE)
    recent, _ = make_complaint(**POTHOLE)
    backdate(app, old, 120)  # outside the 90-day window
    backdate(app, recent, 60)
    new, _ = make_complaint(title="Jalan Cikutra rusak", description=POTHOLE_AGAIN)
    assert similar_to(app, new) == [recent]
    # Seen from the old complaint, the window reaches 90 days forward, not to today.
    assert similar_to(app, old) == [recent]


def test_merged_complaints_and_itself_are_excluded(app, make_complaint):
    first, _ = make_complaint(**POTHOLE)
    second, _ = make_complaint(**POTHOLE)
    with app.app_context():
        into = db.session.scalar(select(Complaint).where(Complaint.tracking_code == first))
        merged = db.session.scalar(select(Complaint).where(Complaint.tracking_code == second))
        act(merged, Action.MERGE, Actor.VERIFIER, into=into, reason="Laporan yang sama")
        db.session.commit()
    new, _ = make_complaint(title="Jalan Cikutra rusak", description=POTHOLE_AGAIN)
    assert similar_to(app, new) == [first]
    assert new not in similar_to(app, new)


def test_text_made_only_of_stop_words_finds_nothing(app, make_complaint):
    make_complaint(**POTHOLE)
    with app.app_context():
        assert features("yang sudah di dan ke 12 3") == []
        assert find_candidates("yang sudah di dan ke", "32.73", published_only=False) == []


def test_the_search_reads_the_lookup_index(app, db):
    """The query plan uses (band_key, regency_code, created_at, complaint_id), not a scan."""
    from app.db import utcnow

    with app.app_context():
        query = candidate_query(
            band_keys(features(POTHOLE_AGAIN)), "32.73", utcnow(), published_only=True
        )
        compiled = query.compile(db.engine, compile_kwargs={"literal_binds": True})
        if db.engine.dialect.name == "sqlite":
            plan = db.session.execute(text(f"EXPLAIN QUERY PLAN {compiled}")).all()
            details = " ".join(str(row[-1]) for row in plan)
            assert "USING COVERING INDEX ix_duplicate_bands_lookup" in details, details
            assert "SCAN duplicate_bands" not in details, details
        else:  # PostgreSQL: small test tables are cheaper to scan, so forbid that to ask
            db.session.execute(text("SET LOCAL enable_seqscan = off"))
            plan = db.session.execute(text(f"EXPLAIN {compiled}")).scalars().all()
            details = " ".join(plan)
            assert "ix_duplicate_bands_lookup" in details, details
        db.session.rollback()


# --- the public API ------------------------------------------------------------------------


def check(client, body, **headers):
    return client.post("/api/v1/duplicates/check", json=body, headers=headers)


def test_api_shows_only_published_complaints(app, client, make_complaint):
    visible, _ = make_complaint(**POTHOLE, name="SENTINELNAME", email="sentinel@example.org")
    publish(app, visible)
    hidden = {
        "confidential": make_complaint(
            **{**POTHOLE, "privacy": "confidential", "title": "SENTINELCONF Jalan Cikutra"}
        )[0],
        "received": make_complaint(**{**POTHOLE, "title": "SENTINELNEW Jalan Cikutra"})[0],
    }
    publish(app, hidden["confidential"])
    # Anonymous: published (app.publishing), masked, and never its reporter.
    anonymous, _ = make_complaint(
        **{**POTHOLE, "privacy": "anonymous", "title": "Jalan Cikutra, hubungi 0812-3456-7890"},
        name="SENTINELANONNAME",
        email="anon-sentinel@example.org",
    )
    publish(app, anonymous)
    flagged, _ = make_complaint(**{**POTHOLE, "title": "SENTINELFLAG Jalan Cikutra"})
    with app.app_context():
        complaint = db.session.scalar(select(Complaint).where(Complaint.tracking_code == flagged))
        act(complaint, Action.FLAG, Actor.VERIFIER, reason="Hoaks")
        db.session.commit()
    hidden["flagged"] = flagged

    # Staff see every one of them: the sentinels really are candidates.
    new, _ = make_complaint(title="Jalan Cikutra rusak", description=POTHOLE_AGAIN)
    assert set(similar_to(app, new)) == {visible, anonymous, *hidden.values()}

    response = check(client, {"text": POTHOLE_AGAIN, "region_code": "32.73"})
    assert response.status_code == 200
    body = response.get_data(as_text=True)
    candidates = response.get_json()["candidates"]
    assert sorted(c["tracking_code"] for c in candidates) == sorted([visible, anonymous])
    found = next(c for c in candidates if c["tracking_code"] == visible)
    masked = next(c for c in candidates if c["tracking_code"] == anonymous)
    assert masked["title"] == "Jalan Cikutra, hubungi [PHONE_1]"
    assert set(found) == {
        "tracking_code",
        "title",
        "status",
        "status_title",
        "support_count",
        "score",
        "url",
    }
    assert found["status"] == "verified" and found["support_count"] == 1
    assert 0 < found["score"] <= 1
    assert found["url"].endswith(f"/laporan/{visible}")
    for sentinel in ("SENTINEL", "sentinel@example.org", "0812-3456-7890", *hidden.values()):
        assert sentinel not in body


def test_api_finds_nothing_in_another_regency(app, client, make_complaint):
    code, _ = make_complaint(**POTHOLE)
    publish(app, code)
    response = check(client, {"text": POTHOLE_AGAIN, "region_code": "33.74"})
    assert response.status_code == 200
    assert response.get_json() == {"candidates": []}


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"region_code": "32.73"}, "text"),
        ({"text": "", "region_code": "32.73"}, "text"),
        ({"text": "   \n", "region_code": "32.73"}, "text"),
        ({"text": 42, "region_code": "32.73"}, "text"),
        ({"text": "a" * 5001, "region_code": "32.73"}, "text"),
        ({"text": POTHOLE_AGAIN}, "region_code"),
        ({"text": POTHOLE_AGAIN, "region_code": "99.99"}, "region_code"),
        ({"text": POTHOLE_AGAIN, "region_code": "32"}, "region_code"),  # a province
        ({"text": POTHOLE_AGAIN, "region_code": ["32.73"]}, "region_code"),
    ],
)
def test_api_bad_fields_get_a_translated_422(client, body, field):
    response = check(client, body, **{"Accept-Language": "en"})
    assert response.status_code == 422
    errors = response.get_json()["errors"]
    assert list(errors) == [field]
    assert errors[field][0] and "Traceback" not in errors[field][0]


def test_api_text_of_exactly_5000_characters_is_fine(client):
    response = check(client, {"text": ("jalan rusak " * 417)[:5000], "region_code": "32.73"})
    assert response.status_code == 200


@pytest.mark.parametrize(
    ("data", "content_type"),
    [("not json", "application/json"), ("[1, 2]", "application/json"), ("text=x", "text/plain")],
)
def test_api_body_that_is_not_a_json_object_gets_400(client, data, content_type):
    response = client.post("/api/v1/duplicates/check", data=data, content_type=content_type)
    assert response.status_code == 400
    assert response.mimetype == "application/json"
    assert response.get_json()["errors"]["_request"]


def test_api_refuses_other_websites(client):
    response = check(
        client, {"text": POTHOLE_AGAIN, "region_code": "32.73"}, Origin="https://evil.example"
    )
    assert response.status_code == 403


def test_api_messages_follow_accept_language(client):
    english = check(client, {"text": "", "region_code": "32.73"}, **{"Accept-Language": "en"})
    assert english.get_json()["errors"]["text"] == ["Describe what happened"]


# --- "me too" during web filing ------------------------------------------------------------

ANSWERS = {
    "type": "complaint",
    "title": "Air PDAM mati seminggu di Coblong",
    "description": "Sejak Senin air PDAM tidak mengalir di RT 04 Coblong, sudah seminggu mati.",
    "province": "32",
    "regency": "32.73",
    "district": "32.73.02",
    "occurred_on": "",
    "category": "water",
    "privacy": "public",
    "name": "",
    "email": "warga@example.org",
    "phone": "",
}
WATER = {
    "title": "Air PDAM tidak mengalir di Coblong",
    "description": "Air PDAM di RT 04 Coblong tidak mengalir sejak Senin, sudah seminggu mati.",
    "region_code": "32.73.02",
    "category": "water",
}


def start_filing(client, with_file: bool = False):
    token = csrf_token(client)
    fields = {**ANSWERS, "csrf_token": token}
    if with_file:
        response = post_multipart(client, "/lapor", fields, [(png(), "foto.png")])
    else:
        response = client.post("/lapor", data=fields)
    assert response.status_code == 303
    return token


def support_count(app, code: str) -> int:
    with app.app_context():
        return db.session.scalar(
            select(Complaint.support_count).where(Complaint.tracking_code == code)
        )


def drafts(app) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count(Draft.id)))


def complaints(app) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count(Complaint.id)))


def test_check_page_offers_published_reports_that_look_alike(app, client, make_complaint):
    published, _ = make_complaint(**WATER)
    publish(app, published)
    unpublished, _ = make_complaint(**WATER)  # received, not yet verified
    confidential, _ = make_complaint(**WATER, privacy="confidential")
    publish(app, confidential)
    start_filing(client)
    client.set_cookie("lang", "en")
    page = client.get("/lapor/periksa").get_data(as_text=True)
    assert "Reports that look like yours" in page
    assert f'href="/laporan/{published}"' in page
    assert f'action="/lapor/dukung/{published}"' in page
    assert "1 supporter" in page
    assert unpublished not in page and confidential not in page
    # Sending normally is still there, and is the primary button.
    assert 'action="/lapor/kirim"' in page
    assert page.index("Support this report instead") < page.index('action="/lapor/kirim"')


def test_check_page_without_look_alikes_shows_no_such_section(client):
    start_filing(client)
    client.set_cookie("lang", "en")
    page = client.get("/lapor/periksa").get_data(as_text=True)
    assert "Check your answers before sending" in page
    assert "Reports that look like yours" not in page
    assert "/lapor/dukung/" not in page


def test_support_instead_counts_once_and_discards_the_draft(app, client, uploads, make_complaint):
    target, _ = make_complaint(**WATER)
    publish(app, target)
    token = start_filing(client, with_file=True)
    assert drafts(app) == 1 and len(list(uploads.iterdir())) == 1
    response = client.post(f"/lapor/dukung/{target}", data={"csrf_token": token})
    assert response.status_code == 303
    assert response.headers["Location"].endswith(f"/lapor/dukung/{target}")
    assert support_count(app, target) == 2
    assert drafts(app) == 0 and list(uploads.iterdir()) == []
    assert complaints(app) == 1  # nothing new was filed
    client.set_cookie("lang", "en")
    page = client.get(f"/lapor/dukung/{target}")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "Thank you: your support was added" in html
    assert f'href="/lacak/{target}"' in html
    # The draft is gone: the check page goes back to the form.
    assert client.get("/lapor/periksa").status_code == 302

    # The same browser session again (a second report, or a double click): no double count.
    token = start_filing(client)
    client.post(f"/lapor/dukung/{target}", data={"csrf_token": token})
    client.post(f"/lapor/dukung/{target}", data={"csrf_token": token})
    assert support_count(app, target) == 2
    assert drafts(app) == 0

    # Someone else counts.
    other = app.test_client()
    token = start_filing(other)
    other.post(f"/lapor/dukung/{target}", data={"csrf_token": token})
    assert support_count(app, target) == 3


@pytest.mark.parametrize("kind", ["received", "confidential", "unknown"])
def test_support_of_an_unpublished_report_is_404_and_keeps_the_draft(
    app, client, make_complaint, kind
):
    if kind == "unknown":
        code = "ZZZZ-ZZZZ"
    else:
        code, _ = make_complaint(**WATER, privacy="public" if kind == "received" else kind)
        if kind != "received":
            publish(app, code)
    token = start_filing(client)
    response = client.post(f"/lapor/dukung/{code}", data={"csrf_token": token})
    assert response.status_code == 404
    assert drafts(app) == 1
    if kind != "unknown":
        assert support_count(app, code) == 1


def test_support_needs_the_csrf_token(app, client, make_complaint):
    target, _ = make_complaint(**WATER)
    publish(app, target)
    start_filing(client)
    response = client.post(f"/lapor/dukung/{target}", data={})
    assert response.status_code == 400
    assert support_count(app, target) == 1
    assert drafts(app) == 1


def test_confirmation_page_is_only_for_who_supported(app, client, make_complaint):
    target, _ = make_complaint(**WATER)
    publish(app, target)
    assert client.get(f"/lapor/dukung/{target}").status_code == 404


def test_the_offline_api_submission_is_unaffected(app, client, make_complaint):
    from tests.helpers import API_COMPLAINT, key

    target, _ = make_complaint(**WATER)
    publish(app, target)
    response = client.post(
        "/api/v1/complaints",
        data=json.dumps({**API_COMPLAINT, **WATER}),
        content_type="application/json",
        headers={"Idempotency-Key": key()},
    )
    assert response.status_code == 201
    code = response.get_json()["tracking_code"]
    assert re.fullmatch(r"[A-Z0-9]{4}-[A-Z0-9]{4}", code)
    assert similar_to(app, code) == [target]
    assert support_count(app, target) == 1


@pytest.mark.db
def test_a_nul_character_is_refused_not_a_server_error(client):
    """PostgreSQL refuses NUL in a query (Schemathesis found it): the check answers 422."""
    for path in ("/api/v1/duplicates/check", "/api/v1/routing/suggest"):
        response = client.post(path, json={"text": "jalan\u0000 rusak", "region_code": "\u0000"})
        assert response.status_code == 422, path
