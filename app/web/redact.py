"""Paths as logs may show them: the single-use tokens of sign-in and invitation links
(/masuk/<token>, /undangan/<token>/…) replaced, so a log reader cannot use a link that is
still valid. Used by the gunicorn access log and the 500 handler."""

from __future__ import annotations

import re

# secrets.token_urlsafe(32) makes 43 characters; the fixed routes beside them (/masuk/tautan,
# /masuk/passkey, /masuk/kode-pemulihan) are short words.
_TOKEN = re.compile(r"^/(masuk|undangan)/[A-Za-z0-9_-]{20,}")


def redact_path(path: str) -> str:
    return _TOKEN.sub(r"/\1/[token]", path)
