"""Who may use each route: the one policy module.

Every view carries exactly one of these declarations; tests/web/test_access.py walks the URL
map and fails on a view without one. Staff roles arrive with the complaint-handling work.
"""

from __future__ import annotations

from collections.abc import Callable
from enum import Enum
from functools import wraps
from typing import TYPE_CHECKING, Any, TypeVar
from urllib.parse import urlsplit

from flask import abort, current_app, g, make_response, request, session
from flask_babel import gettext as _

from app.db import WRITE_METHODS

if TYPE_CHECKING:
    from sqlalchemy import ColumnElement

    from app.accounts.models import User
    from app.complaints.models import Complaint
from app.extensions import csrf
from app.ratelimit import api_key_guesses, failed
from app.web.errors import json_error, render_error

F = TypeVar("F", bound=Callable[..., Any])

PUBLIC = "public"
PUBLIC_API = "public-api"
STAFF = "staff"
CITIZEN = "citizen"
PARTNER_API = "partner-api"
USER_ID = "user_id"
STAFF_SESSION = "staff_session"  # the random token of the server-side StaffSession


def public(view: F) -> F:
    """Anyone, signed in or not: citizen pages. State changes carry a CSRF token."""
    view.access = PUBLIC  # type: ignore[attr-defined]
    return view


def public_api(view: F) -> F:
    """Anyone, through the JSON API.

    Instead of a CSRF token (an offline client cannot hold a fresh one), a state change must
    carry a custom header, which a cross-site form cannot send and a cross-site script cannot
    send without a CORS preflight we never grant, and a browser's Origin, when sent, must be ours.
    """

    @wraps(view)
    def checked(*args: Any, **kwargs: Any) -> Any:
        if request.method in WRITE_METHODS and not same_origin_or_allowed():
            return json_error(403, _("Requests from other websites are not accepted."))
        return view(*args, **kwargs)

    checked.access = PUBLIC_API  # type: ignore[attr-defined]
    return csrf.exempt(checked)  # type: ignore[return-value]


def partner_api(scope: str, refuse: Callable[[int, str], Any] | None = None) -> Callable[[F], F]:
    """A partner's system with an API key holding `scope` (app/partners/keys.py), sent as the
    `api_key` form field or query parameter (Open311's way) or an `X-API-Key` header: 401
    without a valid key, 403 for a key without the scope. `refuse(status, message)` makes the
    error response (Open311 has its own error format); JSON API errors by default. Sets
    `g.partner_key`. No CSRF token: nothing ambient (no cookie) authorises these requests.
    A missing, unknown or revoked key counts against the client's allowance of failed keys
    (app/ratelimit.api_key_guesses: then 429); a valid one never does."""

    def decorate(view: F) -> F:
        @wraps(view)
        def checked(*args: Any, **kwargs: Any) -> Any:
            from app.partners.keys import Refusal, check

            key = (
                request.headers.get("X-API-Key")
                or request.form.get("api_key")
                or request.args.get("api_key")
            )
            found = check(key, scope)
            if isinstance(found, Refusal):
                if found.status == 401:  # no valid key: a guess (a 403 key is valid)
                    failed()
                return (refuse or json_error)(found.status, found.message)
            g.partner_key = found
            return view(*args, **kwargs)

        checked.access = PARTNER_API  # type: ignore[attr-defined]
        checked.scope = scope  # type: ignore[attr-defined]
        return api_key_guesses(csrf.exempt(checked))  # type: ignore[return-value]

    return decorate


def same_origin_or_allowed() -> bool:
    origin = request.headers.get("Origin")
    if origin is None:
        return True  # not a browser, or a same-origin GET-like navigation
    own = urlsplit(request.host_url)
    theirs = urlsplit(origin)
    if (theirs.scheme, theirs.netloc) == (own.scheme, own.netloc):
        return True
    return origin in current_app.config["API_ALLOWED_ORIGINS"]


def staff(*roles: Enum) -> Callable[[F], F]:
    """Signed-in staff with one of `roles`: 401 when signed out, 403 for another role —
    except for a complaint the user may not see at all, which is 404 whatever the route,
    so no route tells anyone that another agency's complaint exists."""
    allowed = frozenset(roles)
    if any(getattr(role, "value", None) == "citizen" for role in allowed):
        raise ValueError("citizens are not staff: use @citizen")

    def decorate(view: F) -> F:
        @wraps(view)
        def checked(*args: Any, **kwargs: Any) -> Any:
            user = current_user()
            if user is None:
                notice = g.pop("session_notice", None)
                if notice is not None:  # the 401 page, saying why they must sign in again
                    abort(make_response(*render_error(401, notice)))
                abort(401)
            if user.role not in allowed:
                code = kwargs.get("code")
                if code is not None:
                    complaint = _by_code(code)
                    if complaint is None or not may_see(user, complaint):
                        abort(404)
                abort(403)
            g.user = user
            return view(*args, **kwargs)

        checked.access = STAFF  # type: ignore[attr-defined]
        checked.roles = allowed  # type: ignore[attr-defined]
        return checked  # type: ignore[return-value]

    return decorate


def citizen(view: F) -> F:
    """A signed-in citizen with their own account (app/accounts/citizens.py): 401 otherwise.
    Staff have no citizen pages: their accounts are for work."""

    @wraps(view)
    def checked(*args: Any, **kwargs: Any) -> Any:
        from app.accounts.models import Role

        user = current_user()
        if user is None:
            notice = g.pop("session_notice", None) or _(
                "This page is for your own account. Sign in with a passkey, a recovery code "
                "or a link we email you."
            )
            abort(make_response(*render_error(401, notice)))
        if user.role is not Role.CITIZEN:
            abort(403)
        g.user = user
        return view(*args, **kwargs)

    checked.access = CITIZEN  # type: ignore[attr-defined]
    return checked  # type: ignore[return-value]


def current_user() -> User | None:
    """The signed-in, still active user, or None.

    Only a live server-side StaffSession signs anyone in (app/accounts/sessions.py): one that
    was ended, timed out or belongs to a disabled account does not, whatever the cookie says.
    A timed-out one leaves `g.session_notice` for the 401 page.
    """
    token = session.get(STAFF_SESSION)
    if token is None:
        return None
    # the accounts package imports this module
    from app.accounts.sessions import IDLE, absolute_hours, idle_minutes, resolve

    found = resolve(token)
    if found.user is not None and found.user.id == session.get(USER_ID):
        return found.user
    session.pop(STAFF_SESSION, None)
    session.pop(USER_ID, None)
    timed_out = found.timed_out_user
    if found.timed_out == IDLE and timed_out is not None:
        g.session_notice = _(
            "Your session ended after %(minutes)s minutes without activity. Sign in again.",
            minutes=idle_minutes(timed_out),
        )
    elif found.timed_out is not None and timed_out is not None:
        g.session_notice = _(
            "Your session ended %(hours)s hours after you signed in. Sign in again.",
            hours=absolute_hours(timed_out),
        )
    return None


def may_see(user: User, complaint: Complaint) -> bool:
    """Staff scoping: officers see only complaints their agency handles now; facilitators,
    only those they filed; a regional verifier, only complaints in their region; national
    verifiers, supervisors and administrators see all. Never shows a reporter's identity:
    that is the templates' rule (`show_identity`), decided by `may_see_identity`."""
    from app.accounts.models import Role

    if user.role is Role.OFFICER:
        return complaint.agency_id is not None and complaint.agency_id == user.agency_id
    if user.role is Role.FACILITATOR:  # only what they filed themselves
        return complaint.facilitator_id is not None and complaint.facilitator_id == user.id
    if user.role is Role.CITIZEN:  # citizens see their own on /akun and /lacak, not here
        return False
    return user.covers(complaint.region_code)


def may_see_identity(complaint: Complaint) -> bool:
    """Anonymous reporters' names, emails and phones never reach any staff view."""
    from app.complaints.models import Privacy

    return complaint.privacy is not Privacy.ANONYMOUS


def complaint_or_404(code: str) -> Complaint:
    """The complaint with this tracking code if the signed-in staff member may see it.

    Anything else — unknown, or another agency's — is the same 404, so an officer cannot
    even learn that another agency's complaint exists.
    """
    complaint = _by_code(code)
    if complaint is None or not may_see(g.user, complaint):
        abort(404)
    return complaint


def _by_code(code: str) -> Complaint | None:
    from sqlalchemy import select

    from app.complaints.models import Complaint
    from app.extensions import db

    return db.session.scalar(select(Complaint).where(Complaint.tracking_code == code.upper()))


def visible_to(user: User) -> list[ColumnElement[bool]]:
    """The same scoping as `may_see`, as SQL conditions for lists of complaints."""
    from sqlalchemy import false

    from app.accounts.models import Role
    from app.complaints.models import Complaint

    if user.role is Role.OFFICER:
        return [Complaint.agency_id == user.agency_id]
    if user.role is Role.FACILITATOR:
        return [Complaint.facilitator_id == user.id]
    if user.role is Role.CITIZEN:
        return [false()]
    if user.region_code is not None:
        return [
            (Complaint.region_code == user.region_code)
            | Complaint.region_code.startswith(f"{user.region_code}.", autoescape=True)
        ]
    return []
