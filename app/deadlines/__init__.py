"""Deadlines and escalation: the `sla sweep` command and the supervisors' oversight view.

The blueprint is named `oversight` (its pages are /pengawasan); the rule for when a deadline
is missed lives in app/deadlines/rules.py.
"""

from flask import Blueprint

bp = Blueprint("oversight", __name__)

from app.deadlines import views  # noqa: E402, F401
