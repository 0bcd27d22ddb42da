"""The complaint itself: its states, its reporter, attachments and append-only timeline.

Other domains change complaints through operations and learn of changes through the signals
in app/complaints/signals.py.
"""

from flask import Blueprint

bp = Blueprint("complaints", __name__)
