import pytest

from tests.conftest import csrf_token

pytestmark = pytest.mark.db

NOT_FOUND_ID = "Kami tidak menemukan laporan"


def track(client, code, secret=""):
    token = csrf_token(client, "/lacak")
    return client.post("/lacak", data={"csrf_token": token, "code": code, "secret": secret})


PHONE = "0812-3456-7890"
PERSONAL = f"Jalan berlubang di depan sekolah. Hubungi saya di {PHONE}."


def test_a_public_complaint_tracked_by_its_code_alone_shows_only_the_published_version(
    client, make_complaint, publish
):
    from app.complaints.lifecycle import Action, Actor

    code, secret = make_complaint(description=PERSONAL)
    assert secret, "every complaint has a secret: the proof of being its reporter"
    response = track(client, code.lower().replace("-", " "))  # forgiving about case and dashes
    assert response.status_code == 303
    html = client.get(response.headers["Location"]).get_data(as_text=True)
    # Not checked yet: its status and timeline, not its words.
    assert "Jalan berlubang" not in html and PHONE not in html
    assert 'class="timeline"' in html and "<time" in html
    assert "tidak diterbitkan" in html or "not published" in html

    publish(code, (Action.RESPOND, Actor.OFFICER, f"Kami akan telepon {PHONE}."))
    html = client.get(f"/lacak/{code}").get_data(as_text=True)
    assert "Jalan berlubang di depan sekolah" in html and "[PHONE_1]" in html
    assert PHONE not in html, "the tracking code alone shows what /laporan shows, masked"
    assert f'href="/laporan/{code}"' in html

    html = client.get(track(client, code, secret).headers["Location"]).get_data(as_text=True)
    assert html.count(PHONE) == 2, "with the secret: the report and the note as sent"
    assert f'href="/laporan/{code}"' not in html


def test_anonymous_complaint_needs_the_secret_for_its_content(client, make_complaint):
    code, secret = make_complaint(privacy="anonymous", email=None)
    html = client.get(track(client, code).headers["Location"]).get_data(as_text=True)
    assert "Jalan berlubang" not in html and 'class="timeline"' in html
    html = client.get(track(client, code, secret.lower()).headers["Location"]).get_data(
        as_text=True
    )
    assert "Jalan berlubang" in html


def test_the_secret_never_appears_in_a_url(client, make_complaint):
    code, secret = make_complaint(privacy="confidential")
    response = track(client, code, secret)
    assert secret not in response.headers["Location"]


def test_wrong_secret_and_unknown_code_get_the_same_answer(client, make_complaint):
    code, _secret = make_complaint(privacy="anonymous", email=None)
    wrong_secret = track(client, code, "AAAA-BBBB-CCCC-DDDD")
    unknown = track(client, "ZZZZ-ZZZZ", "AAAA-BBBB-CCCC-DDDD")
    assert wrong_secret.status_code == unknown.status_code == 422
    assert NOT_FOUND_ID in wrong_secret.get_data(as_text=True)
    strip = lambda r: r.get_data(as_text=True).split("<form")[0]  # noqa: E731
    assert strip(wrong_secret) == strip(unknown)


@pytest.mark.parametrize("code", ["", "   ", "K7M3", "<script>"])
def test_bad_codes_get_a_clear_error(client, code):
    response = track(client, code)
    assert response.status_code == 422
    assert 'class="error-summary"' in response.get_data(as_text=True)


def test_unknown_status_page_is_404(client):
    assert client.get("/lacak/ZZZZ-ZZZZ").status_code == 404


def test_api_status_hides_content_without_the_secret(client, make_complaint):
    code, secret = make_complaint(privacy="confidential")
    body = client.get(f"/api/v1/complaints/{code}").get_json()
    assert body["status"] == "received" and body["content"] is None
    assert [e["kind"] for e in body["timeline"]] == ["received"]
    body = client.get(
        f"/api/v1/complaints/{code}", headers={"X-Tracking-Secret": secret}
    ).get_json()
    assert body["content"]["title"] == "Jalan berlubang di depan sekolah"
    assert "email" not in str(body) and "warga@example.org" not in str(body)


def test_api_status_wrong_secret_is_like_an_unknown_code(client, make_complaint):
    code, _secret = make_complaint(privacy="anonymous", email=None)
    wrong = client.get(f"/api/v1/complaints/{code}", headers={"X-Tracking-Secret": "NOPE"})
    unknown = client.get("/api/v1/complaints/ZZZZ-ZZZZ", headers={"X-Tracking-Secret": "NOPE"})
    assert wrong.status_code == unknown.status_code == 404
    assert wrong.get_json() == unknown.get_json()


def test_public_api_status_shows_the_masked_version_without_the_secret(
    client, make_complaint, publish
):
    from app.complaints.lifecycle import Action, Actor

    code, secret = make_complaint(description=PERSONAL)
    body = client.get(f"/api/v1/complaints/{code}").get_json()
    assert body["content"] is None, "not published yet"
    publish(code, (Action.RESPOND, Actor.OFFICER, f"Kami akan telepon {PHONE}."))
    body = client.get(f"/api/v1/complaints/{code}").get_json()
    assert body["content"]["region_code"] == "32.73" and body["content"]["masked"] is True
    assert PHONE not in str(body) and "[PHONE_1]" in body["content"]["description"]
    assert "[PHONE_1]" in body["timeline"][-1]["note"]
    mine = client.get(f"/api/v1/complaints/{code}", headers={"X-Tracking-Secret": secret})
    body = mine.get_json()
    assert body["content"]["masked"] is False and body["content"]["description"] == PERSONAL
    assert PHONE in body["timeline"][-1]["note"]


def test_a_confidential_complaint_shows_no_content_even_once_dispatched(
    client, make_complaint, publish
):
    code, _secret = make_complaint(privacy="confidential", description=PERSONAL)
    publish(code)
    assert client.get(f"/api/v1/complaints/{code}").get_json()["content"] is None
    html = client.get(f"/lacak/{code}").get_data(as_text=True)
    assert "Jalan berlubang" not in html and "/laporan/" + code not in html


def test_a_merged_report_points_to_the_earlier_one_and_shows_its_support(
    app, client, make_complaint
):
    from app.complaints.lifecycle import Action, Actor, act
    from app.extensions import db as _db
    from app.tracking.queries import by_code

    earlier, _ = make_complaint(title="Lubang besar di Jalan Dago")
    later, _ = make_complaint(title="Jalan Dago berlubang lagi")
    with app.app_context():
        act(by_code(later), Action.MERGE, Actor.VERIFIER, reason="Sama.", into=by_code(earlier))
        _db.session.commit()
    page = client.get(f"/lacak/{later}").get_data(as_text=True)
    assert f'href="/lacak/{earlier}"' in page and "digabungkan" in page
    assert "2 orang telah melaporkan atau mendukung masalah ini." in client.get(
        f"/lacak/{earlier}"
    ).get_data(as_text=True)
    body = client.get(f"/api/v1/complaints/{later}").get_json()
    assert body["merged_into"] == earlier
    assert client.get(f"/api/v1/complaints/{earlier}").get_json()["support_count"] == 2
