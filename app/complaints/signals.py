"""Signals other domains subscribe to instead of importing each other."""

from blinker import Namespace

_signals = Namespace()

complaint_received = _signals.signal("complaint-received")
"""Sent with the new Complaint after it is flushed (not yet committed)."""

complaint_changed = _signals.signal("complaint-changed")
"""Sent with the Complaint and its new ComplaintEvent after every life-cycle action."""
