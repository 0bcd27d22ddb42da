"""What the service worker precaches, and the version that names its cache."""

from __future__ import annotations

import hashlib
from pathlib import Path

from flask import current_app, url_for

from app.config import ROOT
from app.directory import queries as directory
from app.web.caching import offline_urls

ASSETS = (
    "css/main.css",
    "js/app.js",
    "js/queue.js",
    "js/offline.js",
    "js/waiting.js",
    "vendor/htmx.min.js",
    "icons/icon-192.png",
)


def precache() -> dict[str, list[str]]:
    places = url_for("intake.places")
    return {
        "pages": [path for path in offline_urls(current_app) if path != places],
        "assets": [url_for("static", filename=name) for name in ASSETS]
        + [url_for("offline.manifest")],
        # The regency lists of every province; district lists are cached once visited.
        "fragments": [f"{places}?province={r.code}" for r in directory.regions()],
    }


def version() -> str:
    """Changes whenever a precached file or page template changes, so the worker updates."""
    cached = current_app.extensions.get("offline_version")
    if cached is None:
        digest = hashlib.sha256()
        for folder in (ROOT / "static", ROOT / "templates"):
            for path in sorted(Path(folder).rglob("*")):
                if path.is_file() and path.suffix in {".css", ".js", ".png", ".html"}:
                    digest.update(path.relative_to(ROOT).as_posix().encode())
                    digest.update(path.read_bytes())
        cached = current_app.extensions["offline_version"] = digest.hexdigest()[:16]
    return cached
