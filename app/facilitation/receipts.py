"""The complainant's own receipt message, when a facilitator filed for them.

Why a message here, when a citizen filing for themselves gets none (app/notifications/
queueing.py): that citizen is looking at the receipt page, and mailing whatever address a
stranger types would let anyone make us send mail. Here the complainant is not the one at
the screen, and the address was typed by an invited facilitator who is accountable for it.
So a report filed on someone's behalf queues one receipt message per contact given (email;
SMS where a provider is configured), in the same transaction as the complaint, in the
complaint's language, with the tracking code and where to follow it.

The secret is never in it, by email or SMS. It is the one proof of being the complainant: it
reads a confidential or anonymous report, answers for them, and claims the report into an
account — after which the facilitator can no longer act. A text message shows on a locked
screen, stays in the phone's history and the operator's logs, and follows the number when
a SIM is recycled or swapped; the people facilitators help often share or borrow a phone
(the reason they needed help). The printed slip, handed over in person, carries the
secret; the message says so.
"""

from __future__ import annotations

from flask import Flask, current_app
from flask_babel import force_locale
from flask_babel import gettext as _

from app.complaints.models import Complaint
from app.extensions import db
from app.notifications.models import OutboxChannel
from app.notifications.queueing import queue_to_reporter, tracking_link


def render_receipt(complaint: Complaint, channel: OutboxChannel) -> tuple[str | None, str]:
    """(subject, body) of the receipt message, in the complaint's language."""
    env = current_app.jinja_env
    with force_locale(complaint.locale):
        context = {
            "complaint": complaint,
            "organisation": complaint.organisation.name if complaint.organisation else "",
            "link": tracking_link(complaint.tracking_code),
            "verify_days": current_app.config["SLA_VERIFY_DAYS"],
        }
        if channel is OutboxChannel.SMS:
            body = env.get_template("facilitation/receipt_sms.txt").render(context)
            return None, " ".join(body.split())
        subject = _("Your report %(code)s was received", code=complaint.tracking_code)
        body = env.get_template("facilitation/receipt_email.txt").render(context)
    return subject, body.strip() + "\n"


def queue_receipt(_sender: Flask, complaint: Complaint) -> None:
    """Subscribed to `complaint_received`: for a report filed on someone's behalf with their
    email or phone, add the receipt messages to the filing's own transaction."""
    if complaint.facilitator_id is None or complaint.reporter is None:
        return
    queue_to_reporter(
        complaint,
        lambda channel: render_receipt(complaint, channel),
        event_id=None,  # a receipt, not news about an event
        what=f"receipt for complaint {complaint.id}",
    )
    db.session.flush()
