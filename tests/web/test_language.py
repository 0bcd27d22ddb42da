import re

import pytest

from tests.conftest import csrf_token

pytestmark = pytest.mark.db


def test_indonesian_is_the_default(client):
    html = client.get("/", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert '<html lang="id">' in html
    assert "Laporkan masalah" in html


def test_switch_to_english_is_remembered_in_a_cookie(client):
    token = csrf_token(client, "/")
    response = client.post("/bahasa", data={"csrf_token": token, "en": "1", "next": "/lacak"})
    assert response.status_code == 303
    assert response.headers["Location"] == "/lacak"
    cookie = response.headers["Set-Cookie"]
    assert cookie.startswith("lang=en") and "Max-Age=" in cookie
    html = client.get("/lacak").get_data(as_text=True)
    assert '<html lang="en">' in html and "Track a report" in html
    client.post("/bahasa", data={"csrf_token": token, "id": "1", "next": "/"})
    assert '<html lang="id">' in client.get("/").get_data(as_text=True)


@pytest.mark.parametrize("target", ["https://evil.example/", "//evil.example/", "/\\evil"])
def test_language_switch_never_redirects_off_site(client, target):
    token = csrf_token(client, "/")
    response = client.post("/bahasa", data={"csrf_token": token, "en": "1", "next": target})
    assert response.headers["Location"] == "/"


def test_dates_follow_the_language(client, make_complaint):
    code, _ = make_complaint()
    client.set_cookie("lang", "en")
    english = client.get(f"/lacak/{code}").get_data(as_text=True)
    client.set_cookie("lang", "id")
    indonesian = client.get(f"/lacak/{code}").get_data(as_text=True)
    month_en = re.search(r"<time[^>]*>([^<]+)</time>", english).group(1)
    month_id = re.search(r"<time[^>]*>([^<]+)</time>", indonesian).group(1)
    assert month_en != month_id
