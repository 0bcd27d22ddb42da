"""An officer of agency A asks every staff route for agency B's complaint, attachment and
fragments, and gets 404 each time: not even the existence of B's complaint leaks.

The test walks app.url_map, so a new staff route is covered the day it is added; a route
whose URL takes a parameter this test does not know fails it until the test learns it.
"""

from __future__ import annotations

from itertools import product

import pytest
from sqlalchemy import select
from werkzeug.routing import AnyConverter

from app.accounts.models import Role
from app.complaints.lifecycle import Action, Actor, act
from app.complaints.models import Attachment, AttachmentKind
from app.directory.queries import agency_by_code
from app.extensions import db as _db
from app.intake import storage
from app.tracking.queries import by_code
from app.web.access import STAFF
from tests.conftest import csrf_token
from tests.helpers import png

pytestmark = pytest.mark.db

AGENCY_A, AGENCY_B = "PEMKOT3273", "KEMENKES"
# Ids of a user's own things, not of complaints: each is scoped to its owner, which the test
# named here checks; this walk only tries one that belongs to nobody.
NOT_A_COMPLAINT = {
    "passkey_id": "tests/accounts/test_passkeys.py::test_another_users_passkey_is_not_found",
    "device_id": "tests/facilitation/test_devices.py::test_devices_are_listed_only_to_their_owner",
}


@pytest.fixture
def b_complaint(app, make_complaint):
    """A complaint of agency B, with an attachment, in a handling state."""
    code, _ = make_complaint(privacy="confidential", title="Rahasia instansi B")
    with app.app_context():
        complaint = by_code(code)
        attachment = Attachment(
            kind=AttachmentKind.PHOTO,
            media_type="image/png",
            storage_name=storage.save(png(), "png"),
            size=100,
            sha256="0" * 64,
        )
        complaint.attachments.append(attachment)
        act(complaint, Action.DISPATCH, Actor.VERIFIER, agency=agency_by_code(AGENCY_B))
        _db.session.commit()
        return code, attachment.id


def _all_values(rule, code: str, attachment_id: int) -> list[dict[str, object]]:
    """Every URL of the rule: one per choice of an <any(...)> part (each action's address)."""
    known = {"code": code, "attachment_id": attachment_id}
    combinations: list[dict[str, object]] = [{}]
    for argument in rule.arguments:
        converter = rule._converters[argument]
        if argument in known:
            choices = [known[argument]]
        elif argument == "action":
            choices = ["dispatch"]
        elif argument in NOT_A_COMPLAINT:
            choices = [0]  # nobody's: 404 for everyone
        elif isinstance(converter, AnyConverter):
            choices = sorted(converter.items)
        else:
            pytest.fail(f"{rule.rule}: teach tests/web/test_scoping.py about <{argument}>")
        combinations = [{**values, argument: c} for values in combinations for c in choices]
    return combinations


def _values(rule, code: str, attachment_id: int) -> dict[str, object]:
    [values] = _all_values(rule, code, attachment_id)
    return values


def _staff_rules(app):
    for rule in app.url_map.iter_rules():
        view = app.view_functions[rule.endpoint]
        if getattr(view, "access", None) == STAFF:
            yield rule, view.roles


def _ask_every_route(app, client, token: str, code: str, attachment_id: int):
    """Every request a staff route with URL parameters takes about B's complaint: each of its
    URLs, by each of its methods. Yields (rule, roles, method, url, response)."""
    for rule, roles in _staff_rules(app):
        if not rule.arguments:
            continue
        with app.test_request_context():
            from flask import url_for

            urls = [url_for(rule.endpoint, **v) for v in _all_values(rule, code, attachment_id)]
        for url, method in product(urls, sorted(rule.methods - {"HEAD", "OPTIONS"})):
            data = {"csrf_token": token, "version": 1, "reason": "x", "text": "x"}
            response = client.open(url, method=method, data=data if method != "GET" else None)
            yield rule, roles, method, url, response


def test_an_officer_gets_404_for_another_agencys_complaint_everywhere(
    app, client, sign_in_as, b_complaint
):
    code, attachment_id = b_complaint
    sign_in_as(client, Role.OFFICER, agency="32.73")
    token = csrf_token(client, "/staf")
    checked = []
    for rule, roles, method, url, response in _ask_every_route(
        app, client, token, code, attachment_id
    ):
        # 404 by scoping on their own routes, before the role check on others; a route of
        # another role that is about no complaint at all (a facilitator's filing device) has
        # nothing to hide from an officer: the role check's 403.
        expected = 404 if "code" in rule.arguments or Role.OFFICER in roles else 403
        assert response.status_code == expected, (method, url, response.status_code)
        assert "Rahasia instansi B" not in response.get_data(as_text=True)
        checked.append((method, rule.rule))
    # The walk really covered the officer's own routes (the inbox) and the others.
    assert any(rule.startswith("/verifikasi/") for _, rule in checked)
    assert any(rule.startswith("/instansi/laporan/") for _, rule in checked)
    assert len(checked) >= 5, checked


def test_a_facilitator_gets_404_for_a_complaint_they_did_not_file_everywhere(
    app, client, sign_in_as, b_complaint
):
    """Facilitators see only what they filed (app/facilitation): B's complaint is 404 on
    their own routes and on everyone else's."""
    code, attachment_id = b_complaint
    sign_in_as(client, Role.FACILITATOR, organisation="Yayasan Lain")
    token = csrf_token(client, "/fasilitator")
    checked = []
    for rule, _roles, method, url, response in _ask_every_route(
        app, client, token, code, attachment_id
    ):
        assert response.status_code == 404, (method, url, response.status_code)
        assert "Rahasia instansi B" not in response.get_data(as_text=True)
        checked.append(rule.rule)
    assert any(rule.startswith("/fasilitator/laporan/") for rule in checked)
    listed = client.get("/fasilitator").get_data(as_text=True)
    assert code not in listed and "Rahasia instansi B" not in listed


def test_lists_and_exports_never_show_another_agencys_complaint(
    app, client, sign_in_as, b_complaint
):
    """The routes without ids (the inbox, its export, ...) list only agency A's reports."""
    code, _ = b_complaint
    sign_in_as(client, Role.OFFICER, agency="32.73")
    listed = []
    for rule, roles in _staff_rules(app):
        if rule.arguments or Role.OFFICER not in roles or "GET" not in rule.methods:
            continue
        response = client.get(rule.rule)
        assert response.status_code == 200, rule.rule
        body = response.get_data(as_text=True)
        assert code not in body and "Rahasia instansi B" not in body, rule.rule
        listed.append(rule.rule)
    assert "/instansi" in listed and "/instansi/ekspor.csv" in listed


def test_the_same_requests_work_for_agency_bs_own_officer(app, client, sign_in_as, b_complaint):
    """The control: the 404s above come from scoping, not from broken URLs."""
    code, attachment_id = b_complaint
    sign_in_as(client, Role.OFFICER, agency=AGENCY_B)
    opened = 0
    for rule, roles in _staff_rules(app):
        if not rule.arguments or Role.OFFICER not in roles or "GET" not in rule.methods:
            continue
        if NOT_A_COMPLAINT.keys() & set(rule.arguments):
            continue
        with app.test_request_context():
            from flask import url_for

            url = url_for(rule.endpoint, **_values(rule, code, attachment_id))
        assert client.get(url).status_code == 200, url
        opened += 1
    with app.app_context():
        assert _db.session.scalar(select(Attachment.id).where(Attachment.id == attachment_id))
    assert opened >= 2  # at least the detail and the attachment


@pytest.mark.parametrize(
    ("role", "agency"),
    [
        (Role.VERIFIER, None),
        (Role.OFFICER, "KEMENKES"),
        (Role.SUPERVISOR, None),
        (Role.ADMIN, None),
    ],
)
def test_an_anonymous_reporters_identity_is_on_no_staff_page(
    app, client, sign_in_as, make_complaint, role, agency
):
    """Every staff GET route, for every role that may open it, with an anonymous complaint
    whose reporter did leave contact details: none of them appears anywhere."""
    code, _ = make_complaint(
        privacy="anonymous", name="Wiji Thukul", email="wiji@example.org", phone="081299990000"
    )
    received, _ = make_complaint(privacy="anonymous", name="Wiji Thukul", title="Masih baru")
    with app.app_context():
        act(by_code(code), Action.DISPATCH, Actor.VERIFIER, agency=agency_by_code("KEMENKES"))
        _db.session.commit()
    facilitated = _facilitated_anonymous(app)
    sign_in_as(client, role, agency=agency)
    opened = 0
    organisation_shown = 0
    for rule, roles in _staff_rules(app):
        if role not in roles or "GET" not in rule.methods or "attachment_id" in rule.arguments:
            continue
        for target in (code, received, *facilitated):
            with app.test_request_context():
                from flask import url_for

                url = url_for(rule.endpoint, **_values(rule, target, 0))
            response = client.get(url)
            body = response.get_data(as_text=True)
            for secret in ("Wiji", "wiji@example.org", "081299990000", "99990000", *HIDDEN):
                assert secret not in body, (url, secret)
            opened += response.status_code == 200
            organisation_shown += "Yayasan Dengan Izin" in body
    assert opened >= 2
    assert organisation_shown  # with the complainant's consent, the agency sees it


# A facilitator's name and email never reach an agency; the organisation only with consent.
HIDDEN = ("Fasilitator Rahasia", "fasilitator-", "Yayasan Tanpa Izin")


def _facilitated_anonymous(app) -> list[str]:
    """Anonymous complaints filed by facilitators (app/facilitation), whose complainants left
    contact details: with the organisation shown and not, dispatched to KEMENKES (one
    answered by the facilitator) and still received."""
    from datetime import date

    from app.accounts.models import Organisation
    from app.accounts.operations import create_user
    from app.complaints.models import Channel, ConsentMethod
    from app.complaints.operations import Facilitation, create_complaint
    from tests.helpers import API_COMPLAINT

    codes = []
    with app.app_context():
        for shown, organisation_name in (
            (True, "Yayasan Dengan Izin"),
            (False, "Yayasan Tanpa Izin"),
        ):
            organisation = Organisation(name=organisation_name)
            _db.session.add(organisation)
            _db.session.flush()
            facilitator = create_user(
                f"fasilitator-{int(shown)}@example.org",
                f"Fasilitator Rahasia {int(shown)}",
                Role.FACILITATOR,
                organisation=organisation,
            )
            for dispatch in (True, False):
                complaint, _ = create_complaint(
                    {
                        **API_COMPLAINT,
                        "privacy": "anonymous",
                        "name": "Wiji Thukul",
                        "email": "wiji@example.org",
                        "phone": "081299990000",
                    },
                    channel=Channel.WEB,
                    locale="id",
                    facilitation=Facilitation(
                        facilitator, ConsentMethod.SPOKEN, date(2026, 11, 2), shown
                    ),
                )
                if dispatch:
                    act(
                        complaint,
                        Action.DISPATCH,
                        Actor.VERIFIER,
                        agency=agency_by_code("KEMENKES"),
                    )
                    act(
                        complaint,
                        Action.REPLY,
                        Actor.REPORTER,
                        reason="Tambahan.",
                        user_id=facilitator.id,
                    )
                codes.append(complaint.tracking_code)
        _db.session.commit()
    return codes


def test_a_route_of_another_role_is_403_for_a_complaint_the_officer_may_see(
    app, client, sign_in_as, make_complaint
):
    """The 404 above is about the complaint, not the route: for their own agency's
    complaint a verifier-only route says 403."""
    code, _ = make_complaint()
    with app.app_context():
        act(by_code(code), Action.DISPATCH, Actor.VERIFIER, agency=agency_by_code(AGENCY_A))
        _db.session.commit()
    sign_in_as(client, Role.OFFICER, agency="32.73")
    assert client.get(f"/verifikasi/{code}").status_code == 403
    assert client.get(f"/instansi/laporan/{code}").status_code == 200
