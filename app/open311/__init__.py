"""Open311 GeoReport v2 under /open311/v2/ (app/open311/views.py describes the mapping)."""

from flask import Blueprint

bp = Blueprint("open311", __name__, url_prefix="/open311/v2")

from app.open311 import views  # noqa: E402, F401
