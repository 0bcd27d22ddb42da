"""The installable, offline-first app: manifest, service worker, the "waiting to send" page
and the offline fallback. The queue itself lives on the device (static/js/queue.js) and is
delivered through POST /api/v1/complaints with each entry's Idempotency-Key."""

from flask import Blueprint

bp = Blueprint("offline", __name__)

from app.offline import views  # noqa: E402, F401
