"""The on-behalf form kept for offline use on a registered device (app/facilitation/offline.py):
/fasilitator/lapor is the facilitator's empty filing form, never stored by browsers
(no-store), and marked X-Offline-Ready — which the service worker needs before it keeps a
copy — only when the request names a registered, live device of the signed-in facilitator."""

from __future__ import annotations

from datetime import timedelta

import pytest

from app.accounts.models import Role
from app.db import utcnow
from tests.conftest import csrf_token
from tests.facilitation.conftest import ANSWERS, on_behalf
from tests.facilitation.test_devices import change_device, new_key, register

pytestmark = pytest.mark.db

FORM = "/fasilitator/lapor"
READY = "X-Offline-Ready"


@pytest.fixture
def device(client, sign_in_as) -> tuple[int, int]:
    """`client` is a facilitator who registered this device: (user id, device id)."""
    user_id = sign_in_as(client, Role.FACILITATOR, name="Fasilitator Wening")
    response = register(client, new_key())
    assert response.status_code == 200, response.get_data(as_text=True)
    return user_id, response.get_json()["id"]


def kept(client, device_id: object) -> object:
    """GET the form as the service worker asks for it, naming this device."""
    return client.get(FORM, headers={"X-Filing-Device": str(device_id)})


def test_the_form_has_the_on_behalf_questions_and_posts_to_the_normal_filing_path(client, device):
    user_id, _ = device
    response = client.get(FORM)
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"
    assert READY not in response.headers  # a plain visit: nothing for the worker to keep
    page = response.get_data(as_text=True)
    assert 'action="/lapor"' in page
    assert 'name="filing_for"' in page and 'name="consent_method"' in page
    assert f'name="filing_user" value="{user_id}"' in page
    assert "data-today" in page and "js/device.js" in page


def test_a_registered_device_of_the_facilitator_may_keep_it(client, device):
    _, device_id = device
    response = kept(client, device_id)
    assert response.status_code == 200
    assert response.headers[READY] == "device"
    assert response.headers["Cache-Control"] == "no-store"  # browsers still keep nothing


@pytest.mark.parametrize(
    "change",
    [
        {"revoked_at": utcnow()},
        {"expires_at": utcnow() - timedelta(minutes=1)},
    ],
    ids=["revoked", "expired"],
)
def test_a_revoked_or_expired_device_may_not(app, client, device, change):
    _, device_id = device
    change_device(app, device_id, **change)
    response = kept(client, device_id)
    assert response.status_code == 200 and READY not in response.headers


@pytest.mark.parametrize("header", ["", "0", "abc", "١", "9" * 30, "-1", " 999999 "])
def test_no_device_or_an_unknown_one_may_not(client, device, header):
    response = client.get(FORM, headers={"X-Filing-Device": header})
    assert response.status_code == 200 and READY not in response.headers


def test_another_facilitators_device_may_not(app, client, sign_in_as, device):
    _, device_id = device
    other = app.test_client()
    sign_in_as(other, Role.FACILITATOR, name="Fasilitator Lain")
    response = kept(other, device_id)
    assert response.status_code == 200 and READY not in response.headers
    assert f'name="filing_user" value="{device[0]}"' not in response.get_data(as_text=True)


def test_the_form_is_always_empty_even_with_a_draft_in_the_session(client, device):
    """A copy kept on the phone must never hold a complainant's answers."""
    title = "Draf pengaduan yang tidak boleh tersimpan"
    data = {**ANSWERS, **on_behalf(), "title": title, "csrf_token": csrf_token(client, "/lapor")}
    assert client.post("/lapor", data=data).status_code == 303
    assert title in client.get("/lapor").get_data(as_text=True)  # the draft, on /lapor
    page = kept(client, device[1]).get_data(as_text=True)
    assert title not in page


def test_the_public_form_gets_no_date_override(client, device):
    assert "data-today" not in client.get("/lapor").get_data(as_text=True)


def test_the_dashboard_links_to_it(client, device):
    assert f'href="{FORM}"' in client.get("/fasilitator").get_data(as_text=True)


@pytest.mark.parametrize("role", [Role.OFFICER, Role.VERIFIER, Role.SUPERVISOR, Role.ADMIN])
def test_other_staff_get_403(client, sign_in_as, role):
    sign_in_as(client, role, agency="32.73" if role is Role.OFFICER else None)
    response = client.get(FORM, headers={"X-Filing-Device": "1"})
    assert response.status_code == 403
    assert READY not in response.headers


def test_signed_out_gets_401_and_a_citizen_is_refused(client, sign_in_citizen):
    assert client.get(FORM).status_code == 401
    sign_in_citizen(client)
    assert client.get(FORM).status_code == 403


def test_the_service_worker_keeps_it_apart_and_drops_it_on_sign_out(client):
    worker = client.get("/sw.js").get_data(as_text=True)
    assert f'var DEVICE_FORM = "{FORM}"' in worker
    assert 'var SIGN_OUT = "/keluar"' in worker
    [precache] = [line for line in worker.splitlines() if line.startswith("var PRECACHE =")]
    assert FORM not in precache  # never precached for everyone
