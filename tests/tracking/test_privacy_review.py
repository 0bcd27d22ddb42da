"""Privacy review of the reporter's side of a published report: what they write after
publication is published too (masked), and they are told so whatever the privacy."""

from __future__ import annotations

import pytest

from tests.conftest import csrf_token

pytestmark = pytest.mark.db

PUBLISHED_TOO = "what you write here is published"


def unlock(client, code: str, secret: str) -> None:
    token = csrf_token(client, "/lacak")
    response = client.post("/lacak", data={"csrf_token": token, "code": code, "secret": secret})
    assert response.status_code == 303


@pytest.mark.parametrize("privacy", ["public", "anonymous"])
def test_a_published_reporter_is_told_their_replies_are_published(
    client, make_complaint, publish, privacy
):
    """An anonymous report is published (masked) like a public one, and so are the
    reporter's replies on it: an anonymous reporter must be warned most of all, since a reply
    that says who they are undoes the anonymity."""
    code, secret = make_complaint(privacy=privacy)
    publish(code)
    client.set_cookie("lang", "en")
    unlock(client, code, secret)
    page = client.get(f"/lacak/{code}").get_data(as_text=True)
    assert "Add information" in page  # the reply form is there: the hint belongs with it
    assert PUBLISHED_TOO in page


def test_a_confidential_reporter_is_not_told_their_replies_are_published(
    client, make_complaint, publish
):
    code, secret = make_complaint(privacy="confidential")
    publish(code)
    client.set_cookie("lang", "en")
    unlock(client, code, secret)
    page = client.get(f"/lacak/{code}").get_data(as_text=True)
    assert "Add information" in page
    assert PUBLISHED_TOO not in page
