"""POST /api/v1/duplicates/check: published complaints that look like a text, before filing."""

from __future__ import annotations

from flask import Response, jsonify, request, url_for
from flask_babel import gettext as _

from app.directory import queries as directory
from app.directory.models import RegionLevel
from app.duplicates import bp
from app.duplicates.queries import find_candidates
from app.publishing.queries import public_title
from app.web.access import public_api
from app.web.errors import json_error

TEXT_MAX = 5000


@bp.post("/api/v1/duplicates/check")
@public_api
def api_check() -> Response | tuple[Response, int]:
    """Anyone may ask, so only published complaints are searched (app.publishing): never a
    confidential one, never one not yet verified, never anything about a reporter, and only
    their masked titles."""
    payload = request.get_json(silent=True)
    if not isinstance(payload, dict):
        return json_error(400, _("The request body must be a JSON object."))
    errors: dict[str, list[str]] = {}
    # A NUL can never be part of a code or a search, and PostgreSQL refuses it in a query.
    payload = {k: v.replace("\x00", "") if isinstance(v, str) else v for k, v in payload.items()}
    text, region_code = payload.get("text"), payload.get("region_code")
    if not isinstance(text, str) or not text.strip():
        errors["text"] = [_("Describe what happened")]
    elif len(text) > TEXT_MAX:
        errors["text"] = [_("The text must be %(max)s characters or fewer", max=TEXT_MAX)]
    region = directory.region(region_code) if isinstance(region_code, str) else None
    if region is None or region.level == RegionLevel.PROVINCE:
        errors["region_code"] = [
            _("Give the Kemendagri code of a regency/city or district, like 32.73")
        ]
    if errors:
        return jsonify({"errors": errors}), 422
    found = find_candidates(text, region.code, published_only=True, limit=5)
    return jsonify(
        {
            "candidates": [
                {
                    "tracking_code": complaint.tracking_code,
                    "title": public_title(complaint),
                    "status": complaint.status.value,
                    "status_title": complaint.status.title,
                    "support_count": complaint.support_count,
                    "score": value,
                    "url": url_for(
                        "publishing.detail", code=complaint.tracking_code, _external=True
                    ),
                }
                for complaint, value in found
            ]
        }
    )
