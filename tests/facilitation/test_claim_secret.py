"""A facilitator saw and printed the secret of what they filed: once the complainant claims
the report, that secret stops working — the facilitator cannot act on it through /lacak
either — and the complainant is shown a new one, once."""

from __future__ import annotations

import re

import pytest

from tests.conftest import csrf_token

pytestmark = pytest.mark.db


def claim(client, code: str, secret: str):
    token = csrf_token(client, "/akun/klaim")
    return client.post("/akun/klaim", data={"csrf_token": token, "code": code, "secret": secret})


def unlocks(client, code: str, secret: str) -> bool:
    token = csrf_token(client, "/lacak")
    response = client.post("/lacak", data={"csrf_token": token, "code": code, "secret": secret})
    return response.status_code == 303


def test_claiming_a_facilitated_report_replaces_its_secret(
    app, client, facilitator, facilitated, sign_in_citizen
):
    code, old_secret = facilitated(facilitator)
    complainant = app.test_client()
    complainant.set_cookie("lang", "en")
    sign_in_citizen(complainant)
    response = claim(complainant, code, old_secret)
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "old secret stopped working" in page
    new_secret = re.search(r'<strong class="code">([^<]+)</strong>', page).group(1)
    assert new_secret != old_secret

    stranger = app.test_client()  # e.g. the facilitator, with the printed slip
    assert not unlocks(stranger, code, old_secret)
    assert unlocks(app.test_client(), code, new_secret)
    # Claiming again (a refreshed page) shows no secret: it was shown once.
    again = claim(complainant, code, new_secret)
    assert again.status_code == 303
    assert new_secret not in again.get_data(as_text=True)


def test_claiming_ones_own_report_keeps_its_secret(app, client, make_complaint, sign_in_citizen):
    code, secret = make_complaint(privacy="confidential")
    sign_in_citizen(client)
    assert claim(client, code, secret).status_code == 303
    assert unlocks(app.test_client(), code, secret)
