"""API keys for partners (an agency's own case system, a city's Open311 client): issued by an
administrator, stored only as a keyed hash, scoped and revocable (app/partners/keys.py)."""

from flask import Blueprint

bp = Blueprint("partners", __name__)

from app.partners import models, views  # noqa: E402, F401
