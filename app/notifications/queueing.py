"""Turning life-cycle events into outbox rows, in the reporter's language.

Subscribed to `complaint_changed`, which `act()` sends inside the request's transaction
right after the event is flushed: the rows commit (or roll back) with the change itself.

No message is queued on `complaint_received`: the reporter is on the receipt page at that
moment, which shows the tracking code, the secret and what happens next, and can be
printed. A mail saying the same thing would add nothing — and it would be the one message
sent before anyone has checked the report, so anyone could make the system mail any
address they type into the form.
"""

from __future__ import annotations

from collections.abc import Callable

from flask import Flask, current_app
from flask_babel import force_locale

from app.complaints.models import Complaint, ComplaintEvent, EventKind
from app.extensions import db
from app.notifications.models import OutboxChannel, OutboxMessage

NOTIFIED = frozenset(
    {
        EventKind.DISPATCHED,
        EventKind.RESPONDED,
        EventKind.INFO_REQUESTED,
        EventKind.RESOLVED,
        # These change what the reporter should expect next (where it is handled, whether it
        # is handled at all), and each tells them what they can do about it.
        EventKind.FORWARDED,
        EventKind.MERGED,
        EventKind.ARCHIVED,
        EventKind.FLAGGED,
    }
)
"""Events the reporter is told about. Their own actions (reply, confirm…) are not echoed."""


def tracking_link(code: str) -> str:
    """The absolute address of a complaint's public page, from PUBLIC_BASE_URL.

    Never from the request's Host header: a forged header must not put someone else's
    address into mail.
    """
    path = current_app.url_map.bind("localhost").build("tracking.status", {"code": code})
    return current_app.config["PUBLIC_BASE_URL"].rstrip("/") + path


def render(complaint: Complaint, event: ComplaintEvent, channel: OutboxChannel) -> tuple[str, str]:
    """(subject, body) of the message about `event`, in the complaint's language.

    The templates get the tracking code but never the secret (only its hash is stored, and a
    mailbox is not a safe place for it), and never the reporter's name.
    """
    env = current_app.jinja_env
    with force_locale(complaint.locale):
        context = {
            "complaint": complaint,
            "event": event,
            "kinds": EventKind,
            "agency": complaint.agency.name if complaint.agency else None,
            "link": tracking_link(complaint.tracking_code),
        }
        if channel is OutboxChannel.SMS:
            return "", env.get_template("notifications/sms.txt").render(context).strip()
        subject = env.get_template("notifications/subject.txt").render(context)
        body = env.get_template("notifications/email.txt").render(context)
    return " ".join(subject.split()), body.strip() + "\n"


def queue_to_reporter(
    complaint: Complaint,
    render_for: Callable[[OutboxChannel], tuple[str | None, str]],
    *,
    event_id: int | None,
    what: str,
) -> None:
    """Add one outbox row per contact the complaint's reporter gave (email; SMS where a
    provider is configured) to the current transaction, rendered by `render_for(channel)`.

    A broken template must not cost the reporter the change or the report it comes with: the
    message is logged as `what` ("… not queued") and skipped — except under test, which sees
    the error.
    """
    reporter = complaint.reporter
    if reporter is None:
        return
    recipients = {OutboxChannel.EMAIL: reporter.email}
    if current_app.config["SMS_PROVIDER"] not in ("", "none"):
        recipients[OutboxChannel.SMS] = reporter.phone
    for channel, recipient in recipients.items():
        if not recipient:
            continue
        try:
            subject, body = render_for(channel)
        except Exception:
            if current_app.testing:
                raise
            current_app.logger.exception("%s not queued", what)
            continue
        db.session.add(
            OutboxMessage(
                channel=channel,
                recipient=recipient,
                subject=subject or None,
                body=body,
                locale=complaint.locale,
                complaint_id=complaint.id,
                event_id=event_id,
            )
        )


def queue_for_event(_sender: Flask, complaint: Complaint, event: ComplaintEvent) -> None:
    """Add the outbox rows an event calls for to the current transaction."""
    if event.kind not in NOTIFIED or not event.public:
        return
    queue_to_reporter(
        complaint,
        lambda channel: render(complaint, event, channel),
        event_id=event.id,
        what=f"notification for event {event.id}",
    )
