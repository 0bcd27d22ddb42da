"""The directory as JSON: agencies, categories and regions."""

from __future__ import annotations

from flask import Response, jsonify, request
from flask_babel import gettext as _

from app.directory import bp, queries
from app.web.access import public_api
from app.web.errors import json_error


@bp.get("/api/v1/agencies")
@public_api
def api_agencies() -> Response:
    return jsonify(
        {
            "agencies": [
                {
                    "code": a.code,
                    "kind": a.kind.value,
                    "name_id": a.name_id,
                    "name_en": a.name_en,
                    "region_code": a.region_code,
                }
                for a in queries.agencies()
            ]
        }
    )


@bp.get("/api/v1/categories")
@public_api
def api_categories() -> Response:
    return jsonify(
        {
            "categories": [
                {
                    "code": c.code,
                    "name_id": c.name_id,
                    "name_en": c.name_en,
                    "central_agency": c.central_agency.code,
                    "service_level": c.service_level.value,
                }
                for c in queries.categories()
            ]
        }
    )


@bp.get("/api/v1/regions")
@public_api
def api_regions() -> Response | tuple[Response, int]:
    parent = request.args.get("parent", "").strip() or None
    if parent and queries.region(parent) is None:
        return json_error(404, _("There is no region with that code."), "parent")
    return jsonify(
        {
            "regions": [
                {"code": r.code, "name": r.name, "level": r.level, "parent_code": r.parent_code}
                for r in queries.regions(parent)
            ]
        }
    )
