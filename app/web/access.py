"""Who may use each route: the one policy module.

Every view carries exactly one of these declarations; tests/web/test_access.py walks the URL
map and fails on a view without one. Staff roles arrive with the complaint-handling work.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar
from urllib.parse import urlsplit

from flask import current_app, request
from flask_babel import gettext as _

from app.db import WRITE_METHODS
from app.extensions import csrf
from app.web.errors import json_error

F = TypeVar("F", bound=Callable[..., Any])

PUBLIC = "public"
PUBLIC_API = "public-api"


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


def same_origin_or_allowed() -> bool:
    origin = request.headers.get("Origin")
    if origin is None:
        return True  # not a browser, or a same-origin GET-like navigation
    own = urlsplit(request.host_url)
    theirs = urlsplit(origin)
    if (theirs.scheme, theirs.netloc) == (own.scheme, own.netloc):
        return True
    return origin in current_app.config["API_ALLOWED_ORIGINS"]
