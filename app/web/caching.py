"""What browsers (and the service worker) may keep.

Every dynamic response is `no-store` unless its view says otherwise: pages can carry a
reporter's answers, a tracking secret or a draft, and phones are shared. Views marked
`offline_ready` hold nothing personal; they are `no-cache` (kept, revalidated) and the
service worker precaches them so they open with no signal.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar

from flask import Flask, Response, make_response, request

F = TypeVar("F", bound=Callable[..., Any])


def offline_ready(view: F) -> F:
    @wraps(view)
    def marked(*args: Any, **kwargs: Any) -> Response:
        response = make_response(view(*args, **kwargs))
        if request.method == "GET":
            response.headers.setdefault("Cache-Control", "no-cache")
        return response

    marked.offline_ready = True  # type: ignore[attr-defined]
    return marked  # type: ignore[return-value]


def offline_urls(app: Flask) -> list[str]:
    """Paths of the offline-ready pages without parameters, for the service worker."""
    return sorted(
        rule.rule
        for rule in app.url_map.iter_rules()
        if getattr(app.view_functions[rule.endpoint], "offline_ready", False)
        and not rule.arguments
        and "GET" in rule.methods
    )


def default_no_store(response: Response) -> Response:
    if request.endpoint != "static" and "Cache-Control" not in response.headers:
        response.headers["Cache-Control"] = "no-store"
    return response


def init_caching(app: Flask) -> None:
    app.after_request(default_no_store)
