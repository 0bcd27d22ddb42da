"""Every route declares who may use it (app/web/access.py)."""

import pytest

from app.accounts.models import STAFF_ROLES, Role
from app.web.access import CITIZEN, PARTNER_API, PUBLIC, PUBLIC_API, STAFF, staff

KNOWN = {PUBLIC, PUBLIC_API, STAFF, CITIZEN, PARTNER_API}


def test_every_route_declares_who_may_use_it(app):
    undeclared = [
        rule.rule
        for rule in app.url_map.iter_rules()
        if getattr(app.view_functions[rule.endpoint], "access", None) not in KNOWN
    ]
    assert undeclared == []


def test_api_routes_are_api_and_pages_are_pages(app):
    for rule in app.url_map.iter_rules():
        access = app.view_functions[rule.endpoint].access
        if rule.rule.startswith("/api/"):
            assert access == PUBLIC_API, rule.rule
        if rule.rule.startswith("/open311/"):  # machine clients: no pages, no CSRF tokens
            assert access in (PUBLIC_API, PARTNER_API), rule.rule
        if access == PARTNER_API:
            assert rule.rule.startswith("/open311/"), rule.rule
            assert app.view_functions[rule.endpoint].scope, rule.rule


def test_a_view_without_a_declaration_is_caught(app):
    def naked():
        return ""

    assert getattr(naked, "access", None) not in KNOWN


def test_staff_routes_name_their_roles(app):
    for rule in app.url_map.iter_rules():
        view = app.view_functions[rule.endpoint]
        if view.access == STAFF:
            assert view.roles, rule.rule


def test_staff_routes_never_admit_citizens(app):
    for rule in app.url_map.iter_rules():
        view = app.view_functions[rule.endpoint]
        if view.access == STAFF:
            assert view.roles <= STAFF_ROLES, rule.rule
    with pytest.raises(ValueError):
        staff(Role.CITIZEN)
