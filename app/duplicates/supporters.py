""" "Me too" once per person or device.

A supporter is the signed-in account, else this device: a random token in a long-lived,
HttpOnly cookie set the first time it supports something (a browser session alone would let
anyone count again after closing the browser). Only an HMAC of the complaint id and the
supporter is stored (`Supporter`), so the table never says who, and one device's supports of
two complaints cannot be linked. Limited per client as well (`ratelimit.support_clicks`).
"""

from __future__ import annotations

import re
import secrets
from enum import Enum

from flask import Response, current_app, request
from sqlalchemy.exc import IntegrityError

from app.complaints.models import Complaint
from app.db import utcnow
from app.duplicates.models import Supporter
from app.duplicates.operations import add_support
from app.extensions import db
from app.ratelimit import keyed_hash
from app.web.access import current_user

DEVICE_DAYS = 400  # the longest a browser keeps a cookie
_TOKEN = re.compile(r"[A-Za-z0-9_-]{43}")  # secrets.token_urlsafe(32)


class Support(Enum):
    COUNTED = "counted"
    ALREADY = "already"  # this person or device supported it before: not counted again
    UNPUBLISHED = "unpublished"  # no longer published since the page was shown


def _cookie_name() -> str:
    return current_app.config["SUPPORT_COOKIE_NAME"]


def current_supporter(*, create: bool) -> str | None:
    """This request's supporter: the account, else the device cookie's token (a new one when
    `create` and there is none yet — `remember_device` then sets it on the response)."""
    user = current_user()
    if user is not None:
        return f"account:{user.id}"
    token = request.cookies.get(_cookie_name(), "")
    if _TOKEN.fullmatch(token):
        return f"device:{token}"
    if not create:
        return None
    request.environ["suara.new_device"] = token = secrets.token_urlsafe(32)
    return f"device:{token}"


def remember_device(response: Response) -> Response:
    """Set the device cookie made by `current_supporter(create=True)`, if any."""
    token = request.environ.get("suara.new_device")
    if token:
        response.set_cookie(
            _cookie_name(),
            token,
            max_age=DEVICE_DAYS * 24 * 3600,
            path="/",
            secure=current_app.config["SESSION_COOKIE_SECURE"],
            httponly=True,
            samesite="Lax",
        )
    return response


def _key(complaint: Complaint, supporter: str) -> str:
    return keyed_hash("support", f"{complaint.id}:{supporter}")


def has_supported(complaint: Complaint, supporter: str | None) -> bool:
    """Whether `supporter` (`current_supporter`) has said "me too" to `complaint`; never for
    None (a device without the cookie yet)."""
    return (
        supporter is not None
        and db.session.get(Supporter, (complaint.id, _key(complaint, supporter))) is not None
    )


def support_once(complaint: Complaint, supporter: str) -> Support:
    """Count `supporter`'s "me too" once per complaint, enforced by the table's primary key
    (two clicks at the same moment: one counts). Does not commit."""
    if has_supported(complaint, supporter):
        return Support.ALREADY
    savepoint = db.session.begin_nested()
    try:
        db.session.add(
            Supporter(
                complaint_id=complaint.id, key=_key(complaint, supporter), created_at=utcnow()
            )
        )
        db.session.flush()
    except IntegrityError:
        savepoint.rollback()
        return Support.ALREADY
    if not add_support(complaint):
        savepoint.rollback()
        return Support.UNPUBLISHED
    savepoint.commit()
    return Support.COUNTED
