"""Security headers on every response, and the upload size guard."""

from __future__ import annotations

from typing import IO, Any

from flask import Flask, Request, Response, current_app
from htmx_flask.requests import HtmxAwareRequest
from werkzeug.exceptions import RequestEntityTooLarge

from app.web.errors import refuse_nul

CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "font-src 'none'",
        "object-src 'none'",
        "base-uri 'none'",
        "form-action 'self'",
        "frame-ancestors 'none'",
        "manifest-src 'self'",
        "worker-src 'self'",
        "connect-src 'self'",
    ]
)


def add_security_headers(response: Response) -> Response:
    response.headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Referrer-Policy"] = "no-referrer"
    response.headers["X-Frame-Options"] = "DENY"
    response.headers["Cross-Origin-Opener-Policy"] = "same-origin"
    response.headers["Permissions-Policy"] = "camera=(), microphone=(), geolocation=()"
    return response


class _CappedFile:
    """A spooled upload that refuses to grow past the per-file limit.

    Werkzeug asks the request for one stream per file part; raising here stops the upload
    while it streams, so an oversized file is answered 413 before it is ever stored.
    """

    def __init__(self, inner: IO[bytes], limit: int) -> None:
        self._inner = inner
        self._limit = limit
        self._written = 0

    def write(self, data: bytes) -> int:
        self._written += len(data)
        if self._written > self._limit:
            self._inner.close()
            raise RequestEntityTooLarge()
        return self._inner.write(data)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._inner, name)


class SuaraRequest(HtmxAwareRequest):
    def _get_file_stream(
        self,
        total_content_length: int | None,
        content_type: str | None,
        filename: str | None = None,
        content_length: int | None = None,
    ) -> IO[bytes]:
        inner = super()._get_file_stream(
            total_content_length, content_type, filename, content_length
        )
        return _CappedFile(inner, current_app.config["MAX_FILE_BYTES"])  # type: ignore[return-value]


def init_security(app: Flask) -> None:
    app.request_class = SuaraRequest
    app.before_request(refuse_nul)
    app.after_request(add_security_headers)


__all__ = ["Request", "SuaraRequest", "init_security"]
