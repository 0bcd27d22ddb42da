from flask import Response, jsonify

from app.api import bp
from app.api.openapi import document
from app.web.access import public_api


@bp.get("/api/v1/openapi.json")
@public_api
def openapi() -> Response:
    return jsonify(document())
