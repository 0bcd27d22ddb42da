"""Error pages and JSON errors: always translated, never a traceback."""

from __future__ import annotations

import logging
import math
import time

from flask import Flask, Response, jsonify, make_response, render_template, request
from flask_babel import gettext as _
from flask_limiter import RateLimitExceeded
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import BadRequest, HTTPException, InternalServerError

from app.web.redact import redact_path

log = logging.getLogger(__name__)


def wants_json() -> bool:
    return request.path.startswith("/api/") or request.path == "/healthz"


def json_error(status: int, message: str, field: str = "_request") -> Response:
    response = jsonify({"errors": {field: [message]}})
    response.status_code = status
    return response


def _message(code: int) -> tuple[str, str]:
    messages = {
        400: (_("The request could not be read"), _("Something in what was sent is not valid.")),
        401: (
            _("Sign in to continue"),
            _(
                "This page is for staff. Sign in with your passkey, a recovery code, or the "
                "link your administrator gave you."
            ),
        ),
        403: (_("Not allowed"), _("You are not allowed to do that.")),
        404: (_("Page not found"), _("Check the address, or start again from the home page.")),
        405: (_("Not allowed"), _("That action is not possible here.")),
        413: (
            _("Files too large"),
            _("Each file must be 10 MB or smaller, and at most 3 files can be sent."),
        ),
        422: (_("The request could not be processed"), _("Check what was sent and try again.")),
        429: (_("Too many requests"), _("Please wait a moment and try again.")),
    }
    return messages.get(
        code,
        (
            _("Sorry, something went wrong"),
            _("Nothing was lost. Please try again in a few minutes."),
        ),
    )


def render_error(code: int, detail: str | None = None) -> tuple[Response | str, int]:
    title, message = _message(code)
    if wants_json():
        return json_error(code, detail or message), code
    return render_template(
        "errors/error.html", title=title, message=detail or message, code=code
    ), code


class NulCharacter(BadRequest):
    """A NUL character in the address (path or query): never part of a real link, and
    PostgreSQL refuses it in a query. Refused before any view runs (`refuse_nul`)."""


def nul_message() -> str:
    return _("The address contains a character that is not allowed. Check the link and try again.")


def refuse_nul() -> None:
    """before_request: a NUL anywhere in the path or the query string is bad input."""
    if "\x00" in request.path or any(
        "\x00" in key or "\x00" in value for key, value in request.args.items(multi=True)
    ):
        raise NulCharacter()


def retry_after_seconds() -> int:
    """Seconds until the breached limit's window ends (at least 1)."""
    from app.extensions import limiter

    breached = limiter.current_limit
    if breached is None:
        return 60
    return max(1, int(breached.reset_at - time.time()))


def register_error_handlers(app: Flask) -> None:
    @app.errorhandler(CSRFError)
    def csrf_error(_error: CSRFError) -> tuple[Response, int]:
        body, status = render_error(
            400, _("This form has expired. Go back, reload the page and send it again.")
        )
        response = make_response(body, status)
        # The service worker keeps the answers instead (through the API, which needs no
        # token) when a form saved on the phone comes back after its session is gone.
        response.headers["X-Form-Expired"] = "1"
        return response, status

    @app.errorhandler(RateLimitExceeded)
    def too_many_attempts(_error: RateLimitExceeded) -> tuple[Response, int]:
        """429 with how long to wait, in words and in Retry-After; never a CAPTCHA."""
        wait = retry_after_seconds()
        minutes = max(1, math.ceil(wait / 60))
        if minutes == 1:
            message = _(
                "There were too many attempts. To keep reports safe, wait a minute, then try again."
            )
        else:
            message = _(
                "There were too many attempts. To keep reports safe, wait %(minutes)s minutes, "
                "then try again.",
                minutes=minutes,
            )
        body, status = render_error(429, message)
        response = make_response(body, status)
        response.headers["Retry-After"] = str(wait)
        return response, status

    @app.errorhandler(NulCharacter)
    def nul_character(_error: NulCharacter) -> tuple[Response | str, int]:
        return render_error(400, nul_message())

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException) -> tuple[Response | str, int]:
        return render_error(error.code or 500)

    @app.errorhandler(Exception)
    def unexpected(error: Exception) -> tuple[Response | str, int]:
        if isinstance(error, HTTPException):
            return http_error(error)
        log.exception("Unhandled error on %s %s", request.method, redact_path(request.path))
        return render_error(InternalServerError.code)
