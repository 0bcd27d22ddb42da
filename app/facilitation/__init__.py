"""Facilitators: community workers (village cadres, disability organisations, NGOs) who file
complaints on behalf of people who cannot file themselves, with their consent on record.

A facilitator belongs to one organisation, sees only the complaints they filed (their
dashboard), and loses the right to change one once its complainant claims it. Complaints
queued offline on a facilitator's device keep their attribution through a device-bound
filing key (devices.py), even when the session has ended by the time they are sent.
"""

from flask import Blueprint

bp = Blueprint("facilitation", __name__)

from app import intake  # noqa: E402, F401  (first: its views import filing.py, which needs it)
from app.complaints.signals import complaint_received  # noqa: E402
from app.facilitation import devices, offline, receipts, views  # noqa: E402, F401

complaint_received.connect(receipts.queue_receipt)
