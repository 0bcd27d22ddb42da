"""The installable app's server side: manifest, service worker, offline pages, caching rules."""

import re

import pytest

from tests.conftest import csrf_token
from tests.intake.test_web_filing import ANSWERS

pytestmark = pytest.mark.db


def test_manifest_makes_the_app_installable(client):
    response = client.get("/manifest.webmanifest")
    assert response.mimetype == "application/manifest+json"
    manifest = response.get_json()
    assert manifest["name"] == "Suara Warga" and manifest["short_name"]
    assert manifest["display"] == "standalone" and manifest["start_url"] == "/"
    assert manifest["lang"] == "id" and manifest["theme_color"].startswith("#")
    purposes = {icon["purpose"] for icon in manifest["icons"]}
    assert purposes == {"any", "maskable"}
    assert {icon["sizes"] for icon in manifest["icons"]} >= {"192x192", "512x512"}
    for icon in manifest["icons"]:
        assert client.get(icon["src"]).status_code == 200


def test_every_page_links_the_manifest_and_registers_the_worker(client):
    html = client.get("/").get_data(as_text=True)
    assert 'rel="manifest" href="/manifest.webmanifest"' in html
    assert "/static/js/offline.js" in html and "/static/js/queue.js" in html


def test_service_worker_is_served_from_the_root_and_revalidated(client):
    response = client.get("/sw.js")
    assert response.mimetype == "text/javascript"
    assert response.headers["Cache-Control"] == "no-cache"
    assert response.headers["Service-Worker-Allowed"] == "/"
    body = response.get_data(as_text=True)
    assert re.search(r'var VERSION = "[0-9a-f]{16}"', body)
    fragments = re.findall(r"/lapor/wilayah\?province=\d\d", body)
    assert len(set(fragments)) == 38  # every province's regency list works offline
    for page in ("/", "/lapor", "/lacak", "/antrian", "/offline"):
        assert f'"{page}"' in body


def test_precached_pages_hold_nothing_personal(client):
    for url in (
        "/",
        "/lapor",
        "/lacak",
        "/antrian",
        "/offline",
        "/aksesibilitas",
        "/lapor/wilayah?province=32",
    ):
        assert client.get(url).headers["Cache-Control"] == "no-cache", url


def test_personal_pages_are_never_stored(client, make_complaint):
    token = csrf_token(client)
    filed = client.post("/lapor", data={**ANSWERS, "csrf_token": token})
    assert filed.headers["Cache-Control"] == "no-store"
    assert client.get("/lapor").headers["Cache-Control"] == "no-store"  # prefilled from a draft
    assert client.get("/lapor/periksa").headers["Cache-Control"] == "no-store"
    client.post("/lapor/kirim", data={"csrf_token": token})
    assert client.get("/lapor/tanda-terima").headers["Cache-Control"] == "no-store"
    code, _ = make_complaint()
    assert client.get(f"/lacak/{code}").headers["Cache-Control"] == "no-store"
    assert client.get(f"/api/v1/complaints/{code}").headers["Cache-Control"] == "no-store"
    errors = client.post("/lapor", data={"csrf_token": token, "title": "Rahasia saya"})
    assert errors.headers["Cache-Control"] == "no-store"


def test_the_filing_form_carries_a_key_slot_and_its_language(client):
    html = client.get("/lapor").get_data(as_text=True)
    assert '<input type="hidden" name="client_id" value="">' in html
    assert '<input type="hidden" name="locale" value="id">' in html


def test_waiting_and_offline_pages_render_in_both_languages(client):
    for lang in ("id", "en"):
        client.set_cookie("lang", lang)
        for url in ("/antrian", "/offline"):
            response = client.get(url)
            assert response.status_code == 200
            assert f'<html lang="{lang}">' in response.get_data(as_text=True)
