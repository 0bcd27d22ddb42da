"""Cross-cutting web glue: access declarations, security headers, languages, errors, htmx.

Also owns the few pages that belong to no domain: the start page, the language switch and
the health check.
"""

from flask import Blueprint

bp = Blueprint("web", __name__)

from app.web import views  # noqa: E402, F401
