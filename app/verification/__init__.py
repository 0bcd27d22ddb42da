"""The verification queue: every new complaint is read by a verifier, who sends it to the
one agency with authority, joins it to an earlier report, asks the reporter for more, or
archives or holds it — always with a reason the reporter can read.

Verifiers see a suggestion (app/routing) and possible duplicates (app/duplicates) beside
each complaint; the actions themselves are the life cycle's (app/complaints/lifecycle.py).
"""

from flask import Blueprint

bp = Blueprint("verification", __name__)

from app.verification import views  # noqa: E402, F401
