"""What every CSV download shares (the inbox export, open data, scorecards)."""

from __future__ import annotations

from collections.abc import Iterable

from flask import Response, stream_with_context

from app.complaints.deadlines import local_date
from app.db import utcnow

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def spreadsheet_safe(value: object) -> object:
    """A CSV cell that a spreadsheet will not run: text starting like a formula (something a
    reporter could have typed) gets a leading apostrophe (CSV injection); None is empty."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return "" if value is None else value


def download(body: str | Iterable[str], mimetype: str, name: str, extension: str) -> Response:
    """A file to save, not to show: `suara-warga-<name>-<today>.<extension>`, today in the
    site's time zone. `body` may be a generator (streamed within the request's context)."""
    if not isinstance(body, str):
        body = stream_with_context(body)
    response = Response(body, mimetype=mimetype)
    filename = f"suara-warga-{name}-{local_date(utcnow()).isoformat()}.{extension}"
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
