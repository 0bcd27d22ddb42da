"""All handling of HX-* headers lives here.

A page template includes its fragment; an htmx request gets the fragment file alone.
"""

from __future__ import annotations

from typing import Any

from flask import Response, make_response, render_template
from htmx_flask import request


def is_htmx() -> bool:
    return bool(getattr(request, "htmx", False))


def wants_fragment() -> bool:
    """An htmx swap of part of a page. Going back to a pushed URL is an htmx request too
    (HX-History-Restore-Request), but it replaces the whole body, so it needs the page."""
    return is_htmx() and request.headers.get("HX-History-Restore-Request") != "true"


def htmx_redirect(url: str) -> Response:
    """For htmx: load `url` as a whole new page (a 303 would be followed inside the swap)."""
    response = make_response("", 200)
    response.headers["HX-Redirect"] = url
    return response


def render_page_or_fragment(page: str, fragment: str, **context: Any) -> Response:
    """Render the whole page, or only the fragment for htmx; caches must tell them apart."""
    response = make_response(render_template(fragment if wants_fragment() else page, **context))
    response.vary.add("HX-Request")
    return response
