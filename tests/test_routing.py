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
    """The floor the current model meets on the tuning set (bench/routing.py prints the
    details). Its signals were written from this set's misses, so it flatters the model:
    the held-out floor below is the honest one."""
    from app.routing.evaluation import EVALUATION, evaluate

    with app.app_context():
        score = evaluate(EVALUATION)
    assert score.n >= 150
    assert score.top3_rate >= 0.98
    assert score.top1_rate >= 0.86


def test_accuracy_on_the_held_out_set_holds_its_floor(app, db):
    """heldout.csv was written before the last round of tuning and is never tuned on."""
    from app.routing.evaluation import HELDOUT, evaluate

    with app.app_context():
        score = evaluate(HELDOUT)
    assert score.n >= 80
    assert score.top3_rate >= 0.90
    assert score.top1_rate >= 0.77


def test_informal_spelling_is_written_out_before_stemming(app):
    from app.routing.engine import routing_words

    assert routing_words("jln udh berlubang2 bgt, tdk diperbaiki") == routing_words(
        "jalan sudah berlubang banget, tidak diperbaiki"
    )
    assert "sma" in routing_words("anak sy di SMAN 3")


@pytest.mark.parametrize(
    ("category", "region", "expected"),
    [
        # a regency/city service: the city, the ministry, then the province
        ("population_admin", "32.73.02", ["PEMKOT3273", "KEMENDAGRI", "PEMPROV32"]),
        ("health", "53.02", ["PEMKAB5302", "KEMENKES", "PEMPROV53"]),
        # a provincial service: the province, the ministry, then the regency
        ("employment", "35.15", ["PEMPROV35", "KEMNAKER", "PEMKAB3515"]),
        # a national service: the agency, then the local governments
        ("land", "91.71", ["ATRBPN", "PEMKOT9171", "PEMPROV91"]),
    ],
)
def test_place_and_topic_alone_give_the_three_usual_candidates(client, category, region, expected):
    _, body = suggest(client, text="Mohon ditindaklanjuti", region_code=region, category=category)
    assert codes(body) == expected


def test_jakarta_cities_are_administrative_so_the_province_serves(client):
    _, body = suggest(
        client,
        text="Akta kelahiran anak belum jadi",
        region_code="31.74",
        category="population_admin",
    )
    assert codes(body)[:2] == ["PEMPROV31", "KEMENDAGRI"]
    assert "is not autonomous, so the province" in body["suggestions"][0]["reason"]
    assert not any(code.startswith(("PEMKOT31", "PEMKAB31")) for code in codes(body))


@pytest.mark.parametrize(
    ("text", "region", "category"),
    [("halo", "31.74", None), ("halo", "32.73", None), ("tanah", "31.01.01", "land")],
)
def test_there_are_always_three_candidates(client, text, region, category):
    body = {"text": text, "region_code": region}
    if category:
        body["category"] = category
    _, answer = suggest(client, **body)
    assert len(set(codes(answer))) == 3


def test_a_provincial_hospital_goes_to_the_province(client):
    text = "Di RSUD Dr. Soetomo pasien menunggu kamar di IGD sampai 9 jam"
    _, body = suggest(client, text=text, region_code="35.78", category="health")
    assert codes(body)[0] == "PEMPROV35"
    assert "provincial hospital" in body["suggestions"][0]["reason"]
    # The same complaint about a city's own hospital stays with the city.
    _, body = suggest(
        client,
        text="Di RSUD kota pasien menunggu kamar di IGD",
        region_code="35.78",
        category="health",
    )
    assert codes(body)[0] == "PEMKOT3578"


@pytest.mark.parametrize(("region", "operator"), [("32.16", "JASAMARGA"), ("18.01", "HUTAMAKARYA")])
def test_a_toll_road_goes_to_its_usual_operator(client, region, operator):
    _, body = suggest(
        client, text="Jalan tol berlubang di lajur kiri", region_code=region, category="roads"
    )
    assert codes(body)[0] == operator
    assert "KEMENPU" in codes(body)


def test_a_suggestion_reads_the_directory_once_per_request(app, db):
    """Categories and central agencies come from a per-request memo, not a query each."""
    from sqlalchemy import event

    from app.routing.engine import suggest as rank

    with app.test_request_context():
        rank("KTP belum jadi, BPJS dan PLN juga", "32.73", "population_admin")
        statements: list[str] = []
        listen = lambda *args: statements.append(args[2])  # noqa: E731
        event.listen(db.engine, "before_cursor_execute", listen)
        try:
            rank("Jalan nasional berlubang, SMA pungutan, Jasa Marga", "32.73", "roads")
        finally:
            event.remove(db.engine, "before_cursor_execute", listen)
    assert not any("FROM categories" in sql for sql in statements)
    assert len(statements) <= 3, statements


def test_only_public_complaints_teach_their_words(app, db, make_complaint):
    from sqlalchemy import select

    from app.complaints.lifecycle import Action, Actor, act
    from app.complaints.models import Complaint
    from app.directory.models import Agency
    from app.routing.models import RoutingDecision

    text = "Jembatan gantung penghubung dua desa putus, warga menyeberang sungai"
    filed = {
        privacy: make_complaint(
            title="Jembatan gantung putus", description=text, region_code="32.04", privacy=privacy
        )[0]
        for privacy in ("public", "confidential", "anonymous")
    }
    with app.app_context():
        kemenpu = db.session.scalar(select(Agency).where(Agency.code == "KEMENPU"))
        for code in filed.values():
            complaint = db.session.scalar(select(Complaint).where(Complaint.tracking_code == code))
            act(complaint, Action.DISPATCH, Actor.VERIFIER, agency=kemenpu)
        db.session.commit()
        decisions = list(db.session.scalars(select(RoutingDecision).order_by(RoutingDecision.id)))
        assert [d.agency_id for d in decisions] == [kemenpu.id] * 3
        assert all(d.regency_code == "32.04" for d in decisions)
        public, confidential, anonymous = decisions
        assert "jembatan" in public.words.split()
        assert confidential.words == anonymous.words == ""
