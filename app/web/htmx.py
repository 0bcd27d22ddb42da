"""All handling of HX-* headers lives here.

A page template includes its fragment; an htmx request gets the fragment file alone.
"""

from __future__ import annotations

from typing import Any

from flask import Response, make_response, render_template
from htmx_flask import request


def is_htmx() -> bool:
    return bool(getattr(request, "htmx", False))


def render_page_or_fragment(page: str, fragment: str, **context: Any) -> Response:
    """Render the whole page, or only the fragment for htmx; caches must tell them apart."""
    response = make_response(render_template(fragment if is_htmx() else page, **context))
    response.vary.add("HX-Request")
    return response
