"""The JSON API's own description: the OpenAPI 3.1 document at /api/v1/openapi.json."""

from flask import Blueprint

bp = Blueprint("api", __name__)

from app.api import views  # noqa: E402, F401
