"""The web app manifest, the service worker, the waiting page and the offline page."""

from __future__ import annotations

from flask import Response, jsonify, render_template, url_for
from flask_babel import get_locale
from flask_babel import gettext as _

from app.offline import bp
from app.offline.queries import precache, version
from app.web.access import public
from app.web.caching import offline_ready

THEME = "#0b3d2e"


@bp.get("/sw.js")
@public
def service_worker() -> Response:
    body = render_template("offline/sw.js", version=version(), precache=precache())
    return Response(
        body,
        mimetype="text/javascript",
        headers={"Cache-Control": "no-cache", "Service-Worker-Allowed": "/"},
    )


def _icon(kind: str, size: int) -> dict:
    return {
        "src": url_for("static", filename=f"icons/{kind}-{size}.png"),
        "sizes": f"{size}x{size}",
        "type": "image/png",
        "purpose": "maskable" if kind == "maskable" else "any",
    }


@bp.get("/manifest.webmanifest")
@public
def manifest() -> Response:
    response = jsonify(
        {
            "name": "Suara Warga",
            "short_name": "Suara Warga",
            "description": _("Report a problem with a public service, even without a signal."),
            "lang": str(get_locale()),
            "start_url": url_for("web.home"),
            "scope": "/",
            "display": "standalone",
            "theme_color": THEME,
            "background_color": "#ffffff",
            "icons": [_icon(kind, size) for kind in ("icon", "maskable") for size in (192, 512)],
        }
    )
    response.mimetype = "application/manifest+json"
    response.headers["Cache-Control"] = "no-cache"
    return response


@bp.get("/antrian")
@public
@offline_ready
def waiting() -> str:
    return render_template("offline/waiting.html")


@bp.get("/offline")
@public
@offline_ready
def offline() -> str:
    return render_template("offline/offline.html")
