"""The account pages staff and citizens share (passkeys, recovery codes), and where each
kind of account finds them.

The pages are the same code and the same templates for everyone; only the routes differ,
because a route admits either staff (`staff`) or citizens (`citizen`), never both. Shared
views and templates name a page by its role here ("home", "rename_passkey" …) and
`account_url` picks the signed-in user's route for it: /staf/… for staff, /akun/… for
citizens. The layout follows the same rule: the staff pages' navigation for staff, the
public header for citizens.
"""

from __future__ import annotations

from typing import Any

from flask import g, url_for

from app.accounts import bp

# role of the page → (staff endpoint, citizen endpoint)
ENDPOINTS = {
    "home": ("accounts.home", "accounts.citizen_home"),
    "registration_options": (
        "accounts.staff_registration_options",
        "accounts.citizen_registration_options",
    ),
    "register": ("accounts.register", "accounts.citizen_register"),
    "rename_passkey": ("accounts.rename_passkey", "accounts.citizen_rename_passkey"),
    "remove_passkey": ("accounts.remove_passkey", "accounts.citizen_remove_passkey"),
    "recovery_codes": ("accounts.recovery_codes", "accounts.citizen_recovery_codes"),
    "create_recovery_codes": (
        "accounts.create_recovery_codes",
        "accounts.citizen_create_recovery_codes",
    ),
}

LAYOUTS = ("accounts/layout_staff.html", "accounts/layout_citizen.html")


def _for_citizen() -> bool:
    user = g.get("user")
    return user is not None and not user.is_staff


def account_url(page: str, **values: Any) -> str:
    """The signed-in user's URL for a shared account page (see ENDPOINTS)."""
    return url_for(ENDPOINTS[page][_for_citizen()], **values)


@bp.app_context_processor
def account_pages() -> dict:
    """`account_url(page)` and `account_layout` for the shared account templates."""
    return {"account_url": account_url, "account_layout": LAYOUTS[_for_citizen()]}
