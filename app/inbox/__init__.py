"""The agency inbox: what an officer's agency must handle, overdue first, and the three
things an officer does with a complaint — respond to the reporter, forward it to the agency
with authority, mark it resolved (and "start handling" before any of those).

Officers see only their own agency's complaints (app/web/access.py decides); verifiers,
supervisors and administrators may read a case here but never act on it. The actions
themselves are the life cycle's (app/complaints/lifecycle.py).
"""

from flask import Blueprint

bp = Blueprint("inbox", __name__)

from app.inbox import views  # noqa: E402, F401
