import pytest

pytestmark = pytest.mark.db


@pytest.mark.parametrize(
    "url", ["/", "/lapor", "/healthz", "/api/v1/categories", "/nope", "/static/css/main.css"]
)
def test_security_headers_on_every_response(client, url):
    response = client.get(url)
    csp = response.headers["Content-Security-Policy"]
    directives = dict(d.strip().split(" ", 1) for d in csp.split(";"))
    assert directives["script-src"] == "'self'"  # no inline script, no eval
    assert "unsafe" not in csp
    assert directives["frame-ancestors"] == "'none'"
    assert directives["object-src"] == "'none'"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "no-referrer"


def test_pages_have_no_inline_script_or_style(client):
    for url in ("/", "/lapor", "/lacak"):
        html = client.get(url).get_data(as_text=True)
        assert "<script>" not in html and "<script " not in html.replace("<script src=", "")
        assert "<style" not in html and " style=" not in html
        assert " onclick=" not in html and "javascript:" not in html


def test_web_form_requires_csrf_token(client):
    response = client.post("/lapor", data={"title": "x"})
    assert response.status_code == 400
    assert response.headers["X-Form-Expired"] == "1"  # the service worker keeps the answers
    assert "kedaluwarsa" in response.get_data(as_text=True) or "expired" in response.get_data(
        as_text=True
    )


def test_healthz_touches_the_database(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.get_json() == {"status": "ok"}


def test_healthz_fails_when_the_database_is_gone(tmp_path):
    from app import create_app

    broken = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path}/missing/dir/x.db"})
    response = broken.test_client().get("/healthz")
    assert response.status_code == 500
    assert "errors" in response.get_json()
