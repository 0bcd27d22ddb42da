""" "Me too" counts once per person or device: a new browser session, a second click at the
same moment or a signed-in citizen on a second device does not count again, and what is
stored says nothing about who supported."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from app.duplicates import supporters
from app.duplicates.models import Supporter
from app.extensions import db
from app.tracking.queries import by_code
from tests.conftest import csrf_token

pytestmark = pytest.mark.db

COOKIE = "device"


def support(client, code: str):
    """Press "Me too" on the published report's page, as a visitor does."""
    return client.post(f"/lapor/dukung/{code}", data={"csrf_token": csrf_token(client)})


def count(app, code: str) -> int:
    with app.app_context():
        return by_code(code).support_count


def rows(app) -> list[Supporter]:
    with app.app_context():
        return list(db.session.scalars(select(Supporter)))


def forget_session(client) -> None:
    """The browser was closed: the session cookie is gone, the long-lived ones stay."""
    client.delete_cookie("session")


def test_a_new_browser_session_on_the_same_device_does_not_count_again(
    app, client, make_complaint, publish
):
    code, _ = make_complaint()
    publish(code)
    response = support(client, code)
    assert response.status_code == 303 and count(app, code) == 2
    cookie = client.get_cookie(COOKIE)
    assert cookie is not None and cookie.http_only and cookie.same_site == "Lax"
    assert cookie.expires is not None, "kept when the browser closes"

    forget_session(client)
    client.set_cookie("lang", "en")
    assert support(client, code).status_code == 303
    assert count(app, code) == 2
    page = client.get(f"/lapor/dukung/{code}").get_data(as_text=True)
    assert "You support this report already" in page and "not counted again" in page
    assert "answers and files have been deleted" not in page, "there was no draft"
    # The report's page knows too, without the session.
    forget_session(client)
    assert "You support this report" in client.get(f"/laporan/{code}").get_data(as_text=True)


def test_another_device_counts(app, client, make_complaint, publish):
    code, _ = make_complaint()
    publish(code)
    support(client, code)
    support(app.test_client(), code)
    assert count(app, code) == 3


def test_a_citizen_counts_once_whatever_the_device(
    app, client, make_complaint, publish, sign_in_citizen
):
    code, _ = make_complaint()
    publish(code)
    user_id = sign_in_citizen(client)
    assert support(client, code).status_code == 303
    assert client.get_cookie(COOKIE) is None, "an account needs no device cookie"
    assert count(app, code) == 2

    phone = app.test_client()  # the same citizen, signed in on a second device
    with app.test_request_context():
        assert supporters.has_supported(by_code(code), f"account:{user_id}")
    from app.accounts.models import User
    from app.accounts.operations import LINK_MINUTES, issue_sign_in_link

    with app.app_context():
        token = issue_sign_in_link(db.session.get(User, user_id), LINK_MINUTES)
        db.session.commit()
    page = phone.get(f"/masuk/{token}").get_data(as_text=True)
    signed = phone.post(
        f"/masuk/{token}", data={"csrf_token": csrf_token(phone, f"/masuk/{token}")}
    )
    assert signed.status_code == 303, page[:200]
    assert support(phone, code).status_code == 303
    assert count(app, code) == 2


def test_what_is_stored_cannot_name_or_link_the_supporter(app, client, make_complaint, publish):
    first, _ = make_complaint()
    second, _ = make_complaint(title="Lampu jalan padam di Taman Sari")
    publish(first)
    publish(second)
    support(client, first)
    support(client, second)
    token = client.get_cookie(COOKIE).value
    stored = rows(app)
    assert len(stored) == 2
    keys = [row.key for row in stored]
    assert all(token not in key for key in keys)
    assert keys[0] != keys[1], "one device's supports of two reports are not linkable"
    with app.app_context():
        columns = set(Supporter.__table__.columns.keys())
    assert columns == {"complaint_id", "key", "created_at"}, "no address, no user agent"


def test_two_clicks_at_the_same_moment_count_once(app, make_complaint, publish, monkeypatch):
    """Both requests passed the "already?" check before either wrote: the primary key
    refuses the second row and its count is rolled back with it."""
    code, _ = make_complaint()
    publish(code)
    with app.test_request_context():
        complaint = by_code(code)
        assert supporters.support_once(complaint, "device:x") is supporters.Support.COUNTED
        db.session.commit()
        monkeypatch.setattr(supporters, "has_supported", lambda *_: False)
        assert supporters.support_once(complaint, "device:x") is supporters.Support.ALREADY
        db.session.commit()
        assert db.session.scalar(select(func.count()).select_from(Supporter)) == 1
    assert count(app, code) == 2


def test_a_forged_device_cookie_is_replaced(app, client, make_complaint, publish):
    code, _ = make_complaint()
    publish(code)
    client.set_cookie(COOKIE, "not-a-token")
    assert support(client, code).status_code == 303
    assert client.get_cookie(COOKIE).value != "not-a-token"
    assert count(app, code) == 2


def test_production_names_the_cookie_for_https_only(app):
    from app.config import Production

    assert Production.SUPPORT_COOKIE_NAME.startswith("__Host-")
    assert Production.SESSION_COOKIE_SECURE is True


def test_reloading_the_confirmation_says_the_same(app, client, make_complaint, publish):
    code, _ = make_complaint()
    publish(code)
    client.set_cookie("lang", "en")
    support(client, code)
    for _ in range(2):  # the redirect's GET, then a reload
        page = client.get(f"/lapor/dukung/{code}").get_data(as_text=True)
        assert "Thank you: your support was added" in page
    support(client, code)
    for _ in range(2):
        page = client.get(f"/lapor/dukung/{code}").get_data(as_text=True)
        assert "You support this report already" in page
    assert count(app, code) == 2
