"""POST /api/v1/routing/suggest: the ranking, for the verification queue and partners."""

from __future__ import annotations

from flask import Response, jsonify, request
from flask_babel import gettext as _

from app.directory import queries as directory
from app.directory.models import RegionLevel
from app.routing import bp
from app.routing.engine import suggest
from app.web.access import public_api
from app.web.errors import json_error


@bp.post("/api/v1/routing/suggest")
@public_api
def api_suggest() -> Response | tuple[Response, int]:
    payload = request.get_json(silent=True)
    if not isinstance(payload, dict):
        return json_error(400, _("The request body must be a JSON object."))
    errors: dict[str, list[str]] = {}
    # A NUL can never be part of a code or a search, and PostgreSQL refuses it in a query.
    payload = {k: v.replace("\x00", "") if isinstance(v, str) else v for k, v in payload.items()}
    text, region_code, category = (payload.get(k) for k in ("text", "region_code", "category"))
    if not isinstance(text, str) or not text.strip():
        errors["text"] = [_("Describe what happened")]
    region = directory.region(region_code) if isinstance(region_code, str) else None
    if region is None or region.level == RegionLevel.PROVINCE:
        errors["region_code"] = [
            _("Give the Kemendagri code of a regency/city or district, like 32.73")
        ]
    if category is not None and (not isinstance(category, str) or not directory.category(category)):
        errors["category"] = [_("Choose a topic from the list")]
    if errors:
        return jsonify({"errors": errors}), 422
    ranked = suggest(text, region_code, category)
    return jsonify(
        {
            "suggestions": [
                {
                    "agency_code": s.agency.code,
                    "agency": s.agency.name,
                    "score": s.score,
                    "reason": s.reason,
                }
                for s in ranked
            ]
        }
    )
