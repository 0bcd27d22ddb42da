"""What agencies and verifiers learn about a facilitated complaint: "filed via <organisation>"
only with the complainant's consent, never the facilitator's name, and an anonymous
complaint stays anonymous (the anonymous-identity walk in tests/web/test_scoping.py covers
every staff page)."""

from __future__ import annotations

import csv
import io

import pytest

from app.accounts.models import Role
from app.complaints.lifecycle import Action, Actor, act
from app.directory.queries import agency_by_code
from app.extensions import db as _db
from app.tracking.queries import by_code
from tests.facilitation.conftest import FACILITATOR_NAME, ORGANISATION, user_named

pytestmark = pytest.mark.db

FILED_VIA = f"Filed via {ORGANISATION} on behalf of the complainant"


@pytest.fixture
def facilitator_id(app, db) -> int:
    """A facilitator of ORGANISATION, not signed in (the client is the agency's)."""
    from app.accounts.models import Organisation
    from app.accounts.operations import create_user

    with app.app_context():
        organisation = Organisation(name=ORGANISATION)
        _db.session.add(organisation)
        _db.session.flush()
        user = create_user(
            "wening@example.org", FACILITATOR_NAME, Role.FACILITATOR, organisation=organisation
        )
        _db.session.commit()
        return user.id


def dispatched(app, code: str) -> str:
    with app.app_context():
        act(by_code(code), Action.DISPATCH, Actor.VERIFIER, agency=agency_by_code("PEMKOT3273"))
        _db.session.commit()
    return code


def answered_by_facilitator(app, code: str, user_id: int) -> None:
    """The facilitator answered a question for the complainant (a reporter's reply)."""
    with app.app_context():
        complaint = by_code(code)
        act(
            complaint,
            Action.REPLY,
            Actor.REPORTER,
            reason="Ditambahkan oleh fasilitator.",
            user_id=user_named(user_id).id,
        )
        _db.session.commit()


@pytest.mark.parametrize("privacy", ["public", "anonymous"])
def test_the_officer_sees_the_organisation_only_with_consent(
    app, client, sign_in_as, facilitator_id, facilitated, privacy
):
    shown = dispatched(app, facilitated(facilitator_id, True, privacy=privacy)[0])
    hidden = dispatched(app, facilitated(facilitator_id, False, privacy=privacy)[0])
    answered_by_facilitator(app, shown, facilitator_id)
    sign_in_as(client, Role.OFFICER, agency="32.73")
    client.set_cookie("lang", "en")
    shown_page = client.get(f"/instansi/laporan/{shown}").get_data(as_text=True)
    hidden_page = client.get(f"/instansi/laporan/{hidden}").get_data(as_text=True)
    assert FILED_VIA in shown_page
    assert ORGANISATION not in hidden_page and "Filed via" not in hidden_page
    for page in (shown_page, hidden_page):
        assert FACILITATOR_NAME not in page  # not even on the reply they gave
        assert "wening@example.org" not in page


def test_the_verifier_review_follows_the_same_rule(
    app, client, sign_in_as, facilitator_id, facilitated
):
    shown, _ = facilitated(facilitator_id, True)
    hidden, _ = facilitated(facilitator_id, False)
    sign_in_as(client, Role.VERIFIER)
    client.set_cookie("lang", "en")
    assert FILED_VIA in client.get(f"/verifikasi/{shown}").get_data(as_text=True)
    hidden_page = client.get(f"/verifikasi/{hidden}").get_data(as_text=True)
    assert ORGANISATION not in hidden_page and FACILITATOR_NAME not in hidden_page


def test_the_export_names_the_organisation_only_with_consent(
    app, client, sign_in_as, facilitator_id, facilitated
):
    shown = dispatched(app, facilitated(facilitator_id, True, privacy="anonymous")[0])
    hidden = dispatched(app, facilitated(facilitator_id, False)[0])
    sign_in_as(client, Role.OFFICER, agency="32.73")
    text = client.get("/instansi/ekspor.csv").get_data(as_text=True).lstrip("\ufeff")
    rows = {row["tracking_code"]: row for row in csv.DictReader(io.StringIO(text))}
    assert rows[shown]["filed_via"] == ORGANISATION
    assert rows[shown]["reporter_name"] == ""  # anonymous stays anonymous
    assert rows[hidden]["filed_via"] == ""
    assert FACILITATOR_NAME not in text


def test_staff_timelines_still_name_staff(app, client, sign_in_as, make_complaint):
    """The control: only the reporter's steps go unnamed."""
    code, _ = make_complaint()
    with app.app_context():
        from app.accounts.operations import create_user

        verifier = create_user("v@example.go.id", "Verifikator Bernama", Role.VERIFIER)
        act(
            by_code(code),
            Action.DISPATCH,
            Actor.VERIFIER,
            agency=agency_by_code("PEMKOT3273"),
            user_id=verifier.id,
        )
        _db.session.commit()
    sign_in_as(client, Role.OFFICER, agency="32.73")
    assert "Verifikator Bernama" in client.get(f"/instansi/laporan/{code}").get_data(as_text=True)
