"""Filing on someone's behalf through the web form: the facilitator's first questions, their
validation, check your answers, and the complaint with its consent record."""

from __future__ import annotations

import gzip
import re
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select

from app.accounts.models import Role, User
from app.complaints.models import Complaint, ConsentMethod
from app.extensions import db as _db
from app.facilitation.forms import latest_today
from app.intake.models import Draft
from tests.conftest import csrf_token
from tests.facilitation.conftest import (
    ANSWERS,
    ORGANISATION,
    local_today,
    on_behalf,
    organisation_id,
)

pytestmark = pytest.mark.db

ROOT = Path(__file__).resolve().parents[2]


def counts(app) -> tuple[int, int]:
    with app.app_context():
        return (
            _db.session.scalar(select(func.count(Complaint.id))),
            _db.session.scalar(select(func.count(Draft.id))),
        )


def post_form(client, **changes):
    return client.post("/lapor", data={**ANSWERS, "csrf_token": csrf_token(client), **changes})


def send(client):
    return client.post("/lapor/kirim", data={"csrf_token": csrf_token(client, "/lapor/periksa")})


def only_complaint(app) -> Complaint:
    with app.app_context():
        complaint = _db.session.scalar(select(Complaint))
        assert complaint is not None
        _db.session.expunge(complaint)
        return complaint


def test_a_citizen_sees_the_form_as_it_was(client):
    page = client.get("/lapor").get_data(as_text=True)
    assert 'name="filing_for"' not in page and "consent_method" not in page


def test_the_citizens_filing_page_stays_within_its_budget(client):
    """HTML + CSS ≤ 14 KB gzip for a citizen: the on-behalf questions are not in it."""
    html = client.get("/lapor").get_data()
    css = (ROOT / "static" / "css" / "main.css").read_bytes()
    assert len(gzip.compress(html, 9)) + len(gzip.compress(css, 9)) <= 14 * 1024


def test_a_facilitator_is_asked_who_the_report_is_for_first(client, facilitator):
    response = client.get("/lapor")
    page = response.get_data(as_text=True)
    assert response.headers["Cache-Control"] == "no-store"  # an account's page: not kept
    first = page.index('name="filing_for"')
    assert first < page.index('name="type"')
    assert f'value="{local_today().isoformat()}"' in page  # the consent date defaults to today
    assert ORGANISATION in page  # named in the question about showing it to the agency
    for method in ConsentMethod:
        assert f'name="consent_method" type="radio" value="{method.value}"' in page


def test_filing_for_someone_else_without_contact(app, client, facilitator):
    response = post_form(client, **on_behalf(consent_method="thumbprint"))
    assert response.status_code == 303, response.get_data(as_text=True)[:3000]
    check = client.get("/lapor/periksa").get_data(as_text=True)
    assert "Someone else, with their consent" in check or "Orang lain" in check
    assert 'href="/lapor#consent_method-0"' in check
    assert counts(app) == (0, 1)  # nothing filed before "send"
    assert send(client).status_code == 303
    complaint = only_complaint(app)
    assert complaint.facilitator_id == facilitator
    assert complaint.organisation_id == organisation_id(app)
    assert complaint.consent_method is ConsentMethod.THUMBPRINT
    assert complaint.consent_on == local_today()
    assert complaint.organisation_shown is True
    assert complaint.reporter_id is None  # no contact was needed
    assert counts(app) == (1, 0)


def test_the_answers_survive_change_your_answers(client, facilitator):
    post_form(client, **on_behalf(consent_method="written", organisation_shown="no"))
    page = client.get("/lapor").get_data(as_text=True)
    assert re.search(r'value="written"[^>]*checked|checked[^>]*value="written"', page)
    assert re.search(r'value="no"[^>]*checked|checked[^>]*value="no"', page)


def test_organisation_not_shown_is_recorded(app, client, facilitator):
    post_form(client, **on_behalf(organisation_shown="no"), privacy="anonymous")
    send(client)
    complaint = only_complaint(app)
    assert complaint.organisation_shown is False
    assert complaint.organisation_id == organisation_id(app)  # kept, just not shown


def test_a_facilitator_filing_for_themselves_gives_no_consent(app, client, facilitator):
    """ "Myself": the consent questions are not used, and a contact is needed as usual."""
    refused = post_form(client, **on_behalf(filing_for="myself"))
    assert refused.status_code == 422
    assert "email address or a phone number" in refused.get_data(as_text=True) or (
        "nomor telepon" in refused.get_data(as_text=True)
    )
    kept = post_form(client, **on_behalf(filing_for="myself"), email="a@example.org")
    assert kept.status_code == 303
    send(client)
    complaint = only_complaint(app)
    assert complaint.facilitator_id is None and complaint.consent_method is None


BAD = [
    ({"filing_for": ""}, "filing_for"),
    ({"filing_for": "everyone"}, "filing_for"),
    ({"consent_method": ""}, "consent_method"),
    ({"consent_method": "telepathy"}, "consent_method"),
    ({"consent_on": ""}, "consent_on"),
    ({"consent_on": "2026-02-31"}, "consent_on"),
    ({"consent_on": "kemarin"}, "consent_on"),
    ({"consent_on": (latest_today() + timedelta(days=1)).isoformat()}, "consent_on"),
    ({"consent_on": "1990-01-01"}, "consent_on"),
    ({"organisation_shown": ""}, "organisation_shown"),
    ({"organisation_shown": "maybe"}, "organisation_shown"),
]


@pytest.mark.parametrize(("change", "field"), BAD)
def test_bad_on_behalf_answers_show_the_error_summary_and_save_nothing(
    app, client, facilitator, change, field
):
    client.set_cookie("lang", "en")
    response = post_form(client, **on_behalf(**change))
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    summary = page[page.index('class="error-summary"') :]
    anchor = f"{field}-0" if field != "consent_on" else field
    assert f'href="#{anchor}"' in summary
    assert f'id="{field}-error"' in page
    assert counts(app) == (0, 0)


def test_the_latest_date_in_indonesia_is_not_the_future(client, facilitator):
    """Papua (WIT) is two hours ahead of Jakarta: its "today" is accepted."""
    assert post_form(client, **on_behalf(consent_on=latest_today().isoformat())).status_code == 303


def test_a_signed_out_reporter_cannot_file_on_behalf(app, client):
    client.set_cookie("lang", "en")
    response = post_form(client, **on_behalf())
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "Only a signed-in facilitator can file a report on behalf of someone else" in page
    assert 'value="Air PDAM mati seminggu"' in page  # the answers are kept
    assert counts(app) == (0, 0)


@pytest.mark.parametrize("field", ["filing_for", "consent_method", "consent_on"])
def test_any_single_on_behalf_answer_from_others_is_refused(app, client, sign_in_as, field):
    sign_in_as(client, Role.OFFICER, agency="32.73")  # staff, but no facilitator
    response = post_form(client, email="a@example.org", **{field: on_behalf()[field]})
    assert response.status_code == 422
    assert counts(app) == (0, 0)


def test_a_facilitator_whose_session_ended_cannot_send_on_behalf(app, client, facilitator):
    assert post_form(client, **on_behalf()).status_code == 303
    with app.app_context():
        _db.session.get(User, facilitator).active = False  # disabled: the session stops at once
        _db.session.commit()
    client.set_cookie("lang", "en")
    response = send(client)
    assert response.status_code == 403
    assert "no longer signed in as the facilitator" in response.get_data(as_text=True)
    assert counts(app) == (0, 1)  # nothing filed, nothing filed without its consent


def test_the_refresh_button_keeps_the_on_behalf_questions(client, facilitator):
    response = post_form(client, **on_behalf(), refresh="1", regency="")
    page = response.get_data(as_text=True)
    assert re.search(r'checked[^>]*value="someone_else"|value="someone_else"[^>]*checked', page)
