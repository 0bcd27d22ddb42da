"""Filing: the web form with its check-your-answers step, the JSON submission API with
idempotency keys, and safe handling of uploaded files."""

from flask import Blueprint

bp = Blueprint("intake", __name__)

from app.intake import views  # noqa: E402, F401
