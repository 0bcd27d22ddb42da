"""Following a complaint: the tracking page and the status API, with the public timeline."""

from flask import Blueprint

bp = Blueprint("tracking", __name__)

from app.tracking import views  # noqa: E402, F401
