"""Routing suggestions: place, topic, words and level-changing phrases."""

import pytest

pytestmark = pytest.mark.db


def suggest(client, **body):
    response = client.post("/api/v1/routing/suggest", json=body, headers={"Accept-Language": "en"})
    return response.status_code, response.get_json()


def codes(body):
    return [s["agency_code"] for s in body["suggestions"]]


def test_a_regency_service_goes_to_the_regency_first(client):
    status, body = suggest(
        client,
        text="KTP saya belum jadi sudah 3 bulan",
        region_code="32.73.02",
        category="population_admin",
    )
    assert status == 200
    assert codes(body)[:2] == ["PEMKOT3273", "KEMENDAGRI"]
    assert len(body["suggestions"]) >= 3
    assert "regency or city government" in body["suggestions"][0]["reason"]
    assert abs(sum(s["score"] for s in body["suggestions"]) - 1) < 0.01


def test_words_find_the_topic_when_none_was_chosen(client):
    _, body = suggest(client, text="listrik padam terus, token meteran habis", region_code="51.71")
    assert codes(body)[0] == "PLN"


@pytest.mark.parametrize(
    ("text", "region", "category", "expected"),
    [
        ("Jalan nasional pantura berlubang parah", "33.74", "roads", "KEMENPU"),
        ("Anak saya di SMA negeri dimintai pungutan", "35.78", "education", "PEMPROV35"),
        ("Kartu BPJS saya tidak aktif padahal iuran lancar", "32.04", "health", "BPJSKES"),
        ("Paspor saya belum jadi sebulan", "31.74", None, "KEMENIMIPAS"),
    ],
)
def test_phrases_that_move_a_service_to_another_level(client, text, region, category, expected):
    body = {"text": text, "region_code": region}
    if category:
        body["category"] = category
    _, answer = suggest(client, **body)
    assert codes(answer)[0] == expected


def test_reasons_follow_the_language(client):
    body = {"text": "jalan nasional rusak", "region_code": "33.74", "category": "roads"}
    english = client.post(
        "/api/v1/routing/suggest", json=body, headers={"Accept-Language": "en"}
    ).get_json()
    indonesian = client.post(
        "/api/v1/routing/suggest", json=body, headers={"Accept-Language": "id"}
    ).get_json()
    assert english["suggestions"][0]["reason"] != indonesian["suggestions"][0]["reason"]


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"region_code": "32.73"}, "text"),
        ({"text": "  ", "region_code": "32.73"}, "text"),
        ({"text": "x", "region_code": "32"}, "region_code"),
        ({"text": "x", "region_code": "99.99"}, "region_code"),
        ({"text": "x", "region_code": 32.73}, "region_code"),
        ({"text": 5, "region_code": "32.73"}, "text"),
        ({"text": "x", "region_code": "32.73", "category": "unicorns"}, "category"),
    ],
)
def test_bad_input_is_a_clear_422(client, body, field):
    status, answer = suggest(client, **body)
    assert status == 422 and answer["errors"][field]


def test_not_an_object_is_a_400(client):
    response = client.post("/api/v1/routing/suggest", data="[1]", content_type="application/json")
    assert response.status_code == 400


def test_suggestions_learn_from_what_verifiers_decided(app, db, client, make_complaint):
    from sqlalchemy import select

    from app.complaints.lifecycle import Action, Actor, act
    from app.complaints.models import Complaint
    from app.directory.models import Agency

    text = "Jembatan gantung penghubung dua desa putus, warga menyeberang sungai"
    body = {"text": text, "region_code": "32.04", "category": "roads"}
    _, before = suggest(client, **body)
    assert codes(before)[0] == "PEMKAB3204"
    filed = [
        make_complaint(title="Jembatan gantung putus", description=text, region_code="32.04")[0]
        for _ in range(2)
    ]
    with app.app_context():
        kemenpu = db.session.scalar(select(Agency).where(Agency.code == "KEMENPU"))
        for code in filed:
            complaint = db.session.scalar(select(Complaint).where(Complaint.tracking_code == code))
            act(complaint, Action.DISPATCH, Actor.VERIFIER, agency=kemenpu)
        db.session.commit()
    _, after = suggest(client, **body)
    assert codes(after)[0] == "KEMENPU"
    assert "chosen before" in after["suggestions"][0]["reason"]


def test_accuracy_on_the_hand_labelled_set_holds_its_floor(app, db):
    """The floor the current model meets (bench/routing.py prints the details).

    0.88, under the 0.9 the complaint-handling issue asks for: see README, Routing.
    """
    from app.routing.evaluation import evaluate

    with app.app_context():
        score = evaluate()
    assert score.n >= 150
    assert score.top3_rate >= 0.88
    assert score.top1_rate >= 0.72
