"""Telling reporters what happened to their complaint, by email (and SMS where configured).

Life-cycle events queue rows in the outbox table inside the request's transaction
(queueing.py); `flask notifications send` delivers them later with retries (delivery.py).
Text-message providers plug in through providers.py.
"""

from app.complaints.signals import complaint_changed
from app.notifications.queueing import queue_for_event


def init_notifications() -> None:
    """Subscribe to life-cycle changes (blinker keeps one subscription however often called)."""
    complaint_changed.connect(queue_for_event)
