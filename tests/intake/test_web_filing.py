import re

import pytest
from sqlalchemy import func, select

from app.complaints.models import Complaint
from tests.conftest import csrf_token
from tests.helpers import WEB_ANSWERS

pytestmark = pytest.mark.db

ANSWERS = WEB_ANSWERS


def count(app) -> int:
    with app.app_context():
        from app.extensions import db

        return db.session.scalar(select(func.count(Complaint.id)))


def test_file_check_and_send_gives_a_receipt_with_secret(app, client):
    token = csrf_token(client)
    response = client.post("/lapor", data={**ANSWERS, "csrf_token": token})
    assert response.status_code == 303
    assert response.headers["Location"].endswith("/lapor/periksa")
    check = client.get("/lapor/periksa").get_data(as_text=True)
    assert "Air PDAM mati seminggu" in check
    assert "Coblong, Kota Bandung, Jawa Barat" in check
    assert count(app) == 0  # nothing is filed before the reporter confirms
    response = client.post("/lapor/kirim", data={"csrf_token": token})
    assert response.status_code == 303
    receipt = client.get("/lapor/tanda-terima").get_data(as_text=True)
    code = re.search(r'class="code">([A-Z0-9]{4}-[A-Z0-9]{4})<', receipt).group(1)
    secret = re.search(r'class="code">([A-Z0-9]{4}(?:-[A-Z0-9]{4}){3})<', receipt).group(1)
    assert count(app) == 1
    # Shown once: a reload keeps the code but not the secret.
    again = client.get("/lapor/tanda-terima").get_data(as_text=True)
    assert code in again and secret not in again
    # A double click on "send" does not file twice.
    client.post("/lapor/kirim", data={"csrf_token": token})
    assert count(app) == 1


def post_form(client, **changes):
    token = csrf_token(client)
    return client.post("/lapor", data={**ANSWERS, "csrf_token": token, **changes})


def drafts_and_files(app, uploads):
    from app.extensions import db
    from app.intake.models import Draft

    with app.app_context():
        return db.session.scalar(select(func.count(Draft.id))), list(uploads.iterdir())


BAD = [
    ({"title": ""}, "title"),
    ({"title": "    "}, "title"),
    ({"description": "\n\n  \t"}, "description"),
    ({"description": "a" * 5001}, "description"),
    ({"type": ""}, "type"),
    ({"type": "rant"}, "type"),
    ({"province": ""}, "province"),
    ({"province": "99"}, "province"),
    ({"regency": ""}, "regency"),
    ({"regency": "33.74"}, "regency"),  # Semarang is not in Jawa Barat
    ({"district": "32.04.01"}, "district"),  # a district of another regency
    ({"district": "32.73.99"}, "district"),
    ({"category": ""}, "category"),
    ({"category": "unicorns"}, "category"),
    ({"privacy": ""}, "privacy"),
    ({"privacy": "public"}, "privacy"),  # public without a way to reach the reporter
    ({"occurred_on": "2999-12-31"}, "occurred_on"),
    ({"occurred_on": "31/02/2026"}, "occurred_on"),
    ({"email": "budi@"}, "email"),
    ({"phone": "abc"}, "phone"),
]


@pytest.mark.parametrize(("change", "field"), BAD)
def test_bad_answers_show_the_error_summary_and_save_nothing(app, client, uploads, change, field):
    response = post_form(client, **change)
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert "<title>Galat: " in html
    assert 'class="error-summary"' in html
    target = f"{field}-0" if field in ("type", "privacy") else field
    assert f'href="#{target}"' in html  # the summary links to the field
    assert f'id="{field}-error"' in html  # the inline error exists ...
    assert re.search(f'aria-describedby="[^"]*{field}-error', html)  # ... and is referenced
    assert count(app) == 0
    assert drafts_and_files(app, uploads) == (0, [])


def test_answers_are_kept_after_an_error(client):
    html = post_form(client, title="").get_data(as_text=True)
    assert "Sejak Senin air tidak mengalir" in html
    assert '<option selected value="32.73">' in html


def test_english_error_page_title(client):
    client.set_cookie("lang", "en")
    html = post_form(client, title="").get_data(as_text=True)
    assert "<title>Error: " in html and "Enter a title" in html


def test_more_than_three_files_are_refused(app, client, uploads):
    from tests.helpers import png, post_multipart

    token = csrf_token(client)
    response = post_multipart(
        client, "/lapor", {**ANSWERS, "csrf_token": token}, [(png(), f"{i}.png") for i in range(4)]
    )
    assert response.status_code == 422
    assert 'id="attachments-error"' in response.get_data(as_text=True)
    assert drafts_and_files(app, uploads) == (0, [])


def test_an_executable_renamed_jpg_is_refused_by_the_form(app, client, uploads):
    from tests.helpers import ELF_EXECUTABLE, post_multipart

    token = csrf_token(client)
    response = post_multipart(
        client, "/lapor", {**ANSWERS, "csrf_token": token}, [(ELF_EXECUTABLE, "holiday.jpg")]
    )
    assert response.status_code == 422
    assert drafts_and_files(app, uploads) == (0, [])


def test_files_travel_with_the_draft_into_the_complaint(app, client, uploads):
    from app.complaints.models import Attachment
    from app.extensions import db
    from tests.helpers import jpeg_with_gps, post_multipart

    token = csrf_token(client)
    response = post_multipart(
        client, "/lapor", {**ANSWERS, "csrf_token": token}, [(jpeg_with_gps(), "IMG_1.jpg")]
    )
    assert response.status_code == 303
    assert len(list(uploads.iterdir())) == 1
    client.post("/lapor/kirim", data={"csrf_token": token})
    with app.app_context():
        attachment = db.session.scalar(select(Attachment))
        assert attachment.complaint_id is not None and attachment.draft_id is None
    assert b"GPS" not in next(uploads.iterdir()).read_bytes()


def test_change_answers_from_the_check_page(app, client):
    token = csrf_token(client)
    post_form(client)
    form = client.get("/lapor").get_data(as_text=True)
    assert 'value="Air PDAM mati seminggu"' in form  # prefilled from the draft
    assert '<option selected value="32.73.02">' in form
    response = client.post("/lapor", data={**ANSWERS, "csrf_token": token, "title": "Air mati"})
    assert response.status_code == 303
    assert "Air mati" in client.get("/lapor/periksa").get_data(as_text=True)
    client.post("/lapor/kirim", data={"csrf_token": token})
    assert count(app) == 1


def test_without_javascript_the_refresh_button_fills_the_place_lists(client):
    token = csrf_token(client)
    response = client.post(
        "/lapor", data={"csrf_token": token, "province": "32", "title": "Kept", "refresh": "1"}
    )
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert '<option value="32.73">Kota Bandung</option>' in html
    assert 'value="Kept"' in html
    assert 'class="error-summary"' not in html  # not an attempt to send


def test_htmx_gets_only_the_place_fragment(client):
    response = client.get(
        "/lapor/wilayah?province=32&regency=32.73", headers={"HX-Request": "true"}
    )
    html = response.get_data(as_text=True)
    assert html.lstrip().startswith('<div id="places"')
    assert "<html" not in html and "data-announce" in html
    assert '<option value="32.73.02">Coblong</option>' in html
    assert "HX-Request" in response.headers["Vary"]


def test_the_check_page_without_a_draft_goes_back_to_the_form(client):
    response = client.get("/lapor/periksa")
    assert response.status_code == 302 and response.headers["Location"].endswith("/lapor")


def test_invalid_utf8_in_the_form_is_a_clear_error(app, client):
    token = csrf_token(client)
    fields = {**ANSWERS, "csrf_token": token, "title": "TITLE"}
    parts = [
        f'--b\r\nContent-Disposition: form-data; name="{k}"\r\n\r\n{v}\r\n'.encode()
        for k, v in fields.items()
    ]
    body = b"".join(parts).replace(b"TITLE", b"Air \xff\xfe mati") + b"--b--\r\n"
    response = client.post("/lapor", data=body, content_type="multipart/form-data; boundary=b")
    assert response.status_code == 422
    assert 'id="title-error"' in response.get_data(as_text=True)
    assert count(app) == 0
