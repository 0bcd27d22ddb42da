"""The issue's sentinel test: confidential content (and anything not published) never appears
on any public surface, and anonymous reporters never do.

Public surfaces are discovered from the URL map (every GET route declared `public` or
`public_api`), so routes other work adds — /open311, /data, feeds — are walked too. A route
argument gets every seeded tracking code (or a sample value); /laporan is also searched.
"""

import re

import pytest
from sqlalchemy import select

from app.complaints.lifecycle import Action, Actor, act
from app.complaints.models import Complaint
from app.extensions import db
from app.web.access import PUBLIC, PUBLIC_API
from tests.publishing.conftest import db_complaint

pytestmark = pytest.mark.db

# Sample values for route arguments that are not a tracking code.
SAMPLES = {
    "lang": ["id", "en"],
    "locale": ["id", "en"],
    "format": ["json", "xml", "csv"],
    "fmt": ["json", "xml"],  # Open311's /open311/v2/<…>.<fmt>
    "token": ["abc"],
    "service_code": ["roads"],
    "category": ["roads"],
    "region": ["32", "32.73"],
    "region_code": ["32", "32.73"],
    "agency": ["PEMKOT3273"],
    "agency_code": ["PEMKOT3273"],
    "jurisdiction_id": ["PEMKOT3273"],
    "filename": ["css/main.css"],
}
SKIP_ENDPOINTS = {"static"}


def seed(app, make_complaint, publish):
    """Sentinel complaints that must never show, one published control, and an anonymous one
    whose reporter must never show. Returns (sentinels, codes)."""
    sentinels: list[str] = []
    codes: list[str] = []

    def hidden(tag, privacy="public", then=()):
        word = f"SENTINEL{tag}X"
        sentinels.extend([word, f"{word.lower()}@example.org", f"{word}NAME"])
        code, _ = make_complaint(
            title=f"{word} judul",
            description=f"{word} isi laporan",
            privacy=privacy,
            name=f"{word}NAME",
            email=f"{word.lower()}@example.org",
        )
        codes.append(code)
        return code, word

    # Confidential, in every state (even dispatched and answered: still never published).
    code, word = hidden("CONFIDENTIAL", "confidential")
    publish(code, (Action.RESPOND, Actor.OFFICER, f"{word} jawaban instansi"))
    hidden("CONFNEW", "confidential")
    hidden("RECEIVED")  # not verified yet
    code, word = hidden("NEEDSINFO")
    with app.app_context():
        act(db_complaint(code), Action.REQUEST_INFO, Actor.VERIFIER, reason=f"{word} tanya")
        db.session.commit()
    code, word = hidden("ARCHIVED")
    with app.app_context():
        act(db_complaint(code), Action.ARCHIVE, Actor.VERIFIER, reason=f"{word} alasan")
        db.session.commit()
    code, word = hidden("FLAGGED")
    with app.app_context():
        act(db_complaint(code), Action.FLAG, Actor.VERIFIER, reason=f"{word} alasan")
        db.session.commit()

    # Published controls: public, and anonymous (content yes, reporter never).
    # Its personal data (masked when published) never shows either, not even on its own
    # tracking page without the secret.
    visible, _ = make_complaint(
        title="Jalan berlubang di depan sekolah",
        description="Lubang dalam di depan sekolah. NIK saya 3201011508950001.",
    )
    publish(visible, (Action.RESPOND, Actor.OFFICER, "Kami telepon 0812-3456-7890 besok."))
    sentinels += ["3201011508950001", "0812-3456-7890"]
    anonymous, _ = make_complaint(
        title="Pungutan liar di kantor kelurahan",
        description="Diminta uang untuk surat pengantar.",
        privacy="anonymous",
        name="SENTINELANONREPORTERX",
        email="sentinelanon@example.org",
        phone="081398765432",
    )
    publish(anonymous)
    sentinels += ["SENTINELANONREPORTERX", "sentinelanon@example.org", "081398765432"]
    # The reporter of the public one is never shown either.
    sentinels.append("warga@example.org")
    return sentinels, [*codes, visible, anonymous], visible, anonymous


def public_urls(app, codes):
    """Every public GET URL with sample arguments."""
    urls = set()
    with app.test_request_context():
        for rule in app.url_map.iter_rules():
            view = app.view_functions[rule.endpoint]
            if rule.endpoint in SKIP_ENDPOINTS or "GET" not in (rule.methods or ()):
                continue
            if getattr(view, "access", None) not in (PUBLIC, PUBLIC_API):
                continue
            choices = [{}]
            for arg in rule.arguments:
                values = codes if "code" in arg or arg in ("id", "service_request_id") else None
                values = values or SAMPLES.get(arg)
                if values is None:
                    choices = []
                    break
                choices = [{**c, arg: v} for c in choices for v in values]
            for args in choices:
                try:
                    urls.add(rule.build(args, append_unknown=False)[1])
                except Exception:
                    continue
    return sorted(urls)


def test_no_sentinel_on_any_public_surface(app, client, make_complaint, publish):
    sentinels, codes, visible, anonymous = seed(app, make_complaint, publish)
    urls = public_urls(app, codes)
    assert "/laporan" in urls and f"/laporan/{visible}" in urls
    assert {"/laporan.csv", "/laporan.json", "/laporan.atom", "/laporan/kamus", "/data"} <= set(
        urls
    )
    assert "/open311/v2/requests.xml" in urls and f"/open311/v2/requests/{visible}.json" in urls
    searches = [
        "/laporan?q=SENTINEL",
        "/laporan?q=judul",
        "/laporan?status=verified&province=32&regency=32.73",
        "/laporan?category=roads&page=2",
        *(f"/laporan?q={code}" for code in codes),
        "/laporan.json?include=timeline",  # open data, with the masked timelines
        "/laporan.csv?q=SENTINEL",
        "/laporan.json?q=judul&include=timeline",
    ]
    walked = 0
    for url in [*urls, *searches]:
        response = client.get(url)
        assert response.status_code < 500, url
        body = response.get_data(as_text=True).lower()
        for sentinel in sentinels:
            assert sentinel.lower() not in body, (url, sentinel)
        walked += 1
    # The duplicate check (a public POST) with a sentinel's own words.
    for text in ("SENTINELCONFIDENTIALX judul isi laporan", "judul isi laporan jawaban"):
        body = client.post(
            "/api/v1/duplicates/check", json={"text": text, "region_code": "32.73"}
        ).get_data(as_text=True)
        assert "SENTINEL" not in body
    assert walked > len(codes)
    # The controls really are published: the test could fail.
    listing = client.get("/laporan").get_data(as_text=True)
    assert visible in listing and anonymous in listing
    for download in ("/laporan.csv", "/laporan.json?include=timeline", "/laporan.atom"):
        text = client.get(download).get_data(as_text=True)
        assert visible in text and anonymous in text, download
    open311 = client.get("/open311/v2/requests.json").get_data(as_text=True)
    assert visible in open311 and anonymous in open311
    page = client.get(f"/laporan/{anonymous}").get_data(as_text=True)
    assert "Pungutan liar di kantor kelurahan" in page
    assert "Lubang dalam di depan sekolah" in client.get(f"/lacak/{visible}").get_data(
        as_text=True
    ), "the tracking page of a published report shows its masked version"
    for code in codes[:-2]:
        assert client.get(f"/laporan/{code}").status_code == 404


def test_a_complaint_archived_after_publication_disappears(app, client, make_complaint, publish):
    code, _ = make_complaint(title="Jalan rusak dekat pasar")
    publish(code)
    assert code in client.get("/laporan").get_data(as_text=True)
    with app.app_context():
        complaint = db.session.scalar(select(Complaint).where(Complaint.tracking_code == code))
        act(complaint, Action.START, Actor.OFFICER)
        db.session.commit()
    assert client.get(f"/laporan/{code}").status_code == 200
    assert re.search(r"1 (report|laporan)", client.get("/laporan").get_data(as_text=True))
