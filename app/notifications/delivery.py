"""Delivering the outbox: claim a due row, send it, record what happened.

Runs outside any web request (`flask notifications send`, from cron or as a small
service). Each row is claimed with one conditional UPDATE (pending → sending, only if it is
due), so two senders running at once never both send it. Each step is its own short
transaction and no transaction is open while talking to the mail server, so a slow server
never holds SQLite's write lock.

Failures back off exponentially (NOTIFY_RETRY_BASE_SECONDS doubling, capped at
NOTIFY_RETRY_MAX_SECONDS) and a row gives up after NOTIFY_MAX_ATTEMPTS. A claimed row whose
sender died goes back to pending when its claim expires (NOTIFY_SENDING_TIMEOUT_SECONDS).
Delivery is at least once: if the process dies after the server accepted a message but
before the row says "sent", the message goes again after the claim expires.
"""

from __future__ import annotations

import contextlib
import smtplib
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from flask import current_app
from flask_mailman import EmailMessage
from sqlalchemy import delete, select, update

from app.db import utcnow
from app.extensions import db, mail
from app.notifications.models import OutboxChannel, OutboxMessage, OutboxStatus
from app.notifications.providers import Provider, sms_provider

P = OutboxStatus


@dataclass
class Counts:
    """What one pass did; printed and logged (counts only, never addresses)."""

    sent: int = 0
    retrying: int = 0
    failed: int = 0
    requeued: int = 0

    def __str__(self) -> str:
        return (
            f"sent {self.sent}, to retry {self.retrying}, failed {self.failed}, "
            f"stale claims released {self.requeued}"
        )

    @property
    def busy(self) -> bool:
        return bool(self.sent or self.retrying or self.failed or self.requeued)


class ChannelDown(Exception):
    """The channel itself failed (server unreachable, connection lost): stop this pass."""


def retry_delay(attempts: int) -> timedelta:
    """How long to wait after the `attempts`-th failed attempt: 1, 2, 4 … minutes, capped."""
    config = current_app.config
    seconds = config["NOTIFY_RETRY_BASE_SECONDS"] * 2 ** max(attempts - 1, 0)
    return timedelta(seconds=min(seconds, config["NOTIFY_RETRY_MAX_SECONDS"]))


def describe(error: BaseException) -> str:
    """A short description of a failure that never contains an address.

    smtplib's messages quote the recipient (SMTPRecipientsRefused holds a dict keyed by
    address), so only the class and the SMTP code or OS error text are kept.
    """
    name = type(error).__name__
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        codes = sorted({code for code, _message in error.recipients.values()})
        detail = ",".join(str(code) for code in codes)
    elif isinstance(error, smtplib.SMTPResponseException):
        detail = str(error.smtp_code)
    elif isinstance(error, OSError) and not isinstance(error, smtplib.SMTPException):
        detail = error.strerror or ""
    else:
        detail = ""
    return f"{name}: {detail}"[:200] if detail else name[:200]


def permanent(error: BaseException) -> bool:
    """The server refused the address for good (5xx): retrying would only repeat that."""
    return isinstance(error, smtplib.SMTPRecipientsRefused) and all(
        code >= 500 for code, _message in error.recipients.values()
    )


def release_stale(now: datetime) -> int:
    """Rows whose sender died mid-send go back to pending (or fail when out of attempts)."""
    stale = (OutboxMessage.status == P.SENDING) & (OutboxMessage.next_attempt_at <= now)
    limit = current_app.config["NOTIFY_MAX_ATTEMPTS"]
    failed = db.session.execute(
        update(OutboxMessage)
        .where(stale, OutboxMessage.attempts >= limit)
        .values(status=P.FAILED, last_error="claim expired")
        .execution_options(synchronize_session=False)
    ).rowcount
    released = db.session.execute(
        update(OutboxMessage)
        .where(stale)
        .values(status=P.PENDING, next_attempt_at=now, last_error="claim expired")
        .execution_options(synchronize_session=False)
    ).rowcount
    db.session.commit()
    return failed + released


def claim(row_id: int, now: datetime) -> bool:
    """Take one due row for this sender; False if another sender took it first.

    The attempt is counted here, so a message that crashes its sender every time still
    reaches NOTIFY_MAX_ATTEMPTS instead of looping for ever.
    """
    lease = timedelta(seconds=current_app.config["NOTIFY_SENDING_TIMEOUT_SECONDS"])
    claimed = db.session.execute(
        update(OutboxMessage)
        .where(
            OutboxMessage.id == row_id,
            OutboxMessage.status == P.PENDING,
            OutboxMessage.next_attempt_at <= now,
        )
        .values(
            status=P.SENDING,
            attempts=OutboxMessage.attempts + 1,
            next_attempt_at=now + lease,
        )
        .execution_options(synchronize_session=False)
    ).rowcount
    db.session.commit()
    return claimed == 1


def _finish(row_id: int, **values: Any) -> None:
    db.session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.id == row_id, OutboxMessage.status == P.SENDING)
        .values(**values)
        .execution_options(synchronize_session=False)
    )
    db.session.commit()


class Mailer:
    """One SMTP connection for a pass, opened at the first mail (Flask-Mailman)."""

    def __init__(self) -> None:
        config = current_app.config
        options: dict[str, Any] = {}
        if config["MAIL_BACKEND"] == "smtp":
            # Read now rather than at init_app, so a changed setting takes effect.
            options = {
                "host": config["MAIL_SERVER"],
                "port": config["MAIL_PORT"],
                "username": config["MAIL_USERNAME"],
                "password": config["MAIL_PASSWORD"],
                "use_tls": config["MAIL_USE_TLS"],
                "use_ssl": config["MAIL_USE_SSL"],
                "timeout": config["MAIL_TIMEOUT"],
            }
        self.connection = mail.get_connection(backend=config["MAIL_BACKEND"], **options)
        self.opened = False

    def send(self, row: OutboxMessage) -> None:
        if not self.opened:
            try:
                self.connection.open()
            except OSError as error:
                raise ChannelDown(describe(error)) from error
            self.opened = True
        message = EmailMessage(
            subject=row.subject or "",
            body=row.body,
            from_email=current_app.config["MAIL_DEFAULT_SENDER"],
            to=[row.recipient],
            connection=self.connection,
            headers={
                "Auto-Submitted": "auto-generated",  # RFC 3834: no auto-replies, please
                "Content-Language": row.locale,
            },
        )
        try:
            message.send()
        except (smtplib.SMTPServerDisconnected, TimeoutError, ConnectionError) as error:
            raise ChannelDown(describe(error)) from error

    def close(self) -> None:
        if self.opened:
            # The server may have gone away; the messages it accepted are already recorded.
            with contextlib.suppress(OSError):
                self.connection.close()


def send_due(limit: int | None = None) -> Counts:
    """One pass over the due rows; returns what it did."""
    config = current_app.config
    now = utcnow()
    counts = Counts(requeued=release_stale(now))
    channels = [OutboxChannel.EMAIL]
    provider: Provider | None = sms_provider()
    if provider is not None:
        channels.append(OutboxChannel.SMS)
    due = db.session.execute(
        select(OutboxMessage.id, OutboxMessage.channel)
        .where(
            OutboxMessage.status == P.PENDING,
            OutboxMessage.next_attempt_at <= now,
            OutboxMessage.channel.in_(channels),
        )
        .order_by(OutboxMessage.next_attempt_at, OutboxMessage.id)
        .limit(limit or config["NOTIFY_BATCH"])
    ).all()
    db.session.commit()  # end the read transaction before writing (SQLite WAL)

    mailer: Mailer | None = None
    down: set[OutboxChannel] = set()
    try:
        for row_id, channel in due:
            if channel in down or not claim(row_id, now):
                continue
            row = db.session.get(OutboxMessage, row_id)
            assert row is not None
            db.session.expunge(row)  # keep its loaded values past the commit
            db.session.commit()  # no transaction stays open while the server is slow
            try:
                if channel is OutboxChannel.EMAIL:
                    mailer = mailer or Mailer()
                    mailer.send(row)
                else:
                    assert provider is not None
                    provider.send(row.recipient, row.body)
            except Exception as error:  # any failure: record it and go on with the rest
                if isinstance(error, ChannelDown):
                    down.add(channel)
                    cause = error.__cause__ or error
                else:
                    cause = error
                _record_failure(row, cause, counts)
            else:
                _finish(row_id, status=P.SENT, sent_at=utcnow(), last_error=None, **_spent(row))
                counts.sent += 1
    finally:
        if mailer is not None:
            mailer.close()
    if counts.busy:
        current_app.logger.info("notifications: %s", counts)
    return counts


def _spent(row: OutboxMessage) -> dict[str, str]:
    """A message about no complaint carries a sign-in or invitation link that still works for
    a while: once sent (or given up), its body is emptied rather than kept until the purge."""
    return {"body": ""} if row.complaint_id is None else {}


def _record_failure(row: OutboxMessage, error: BaseException, counts: Counts) -> None:
    limit = current_app.config["NOTIFY_MAX_ATTEMPTS"]
    if permanent(error) or row.attempts >= limit:
        _finish(row.id, status=P.FAILED, last_error=describe(error), **_spent(row))
        counts.failed += 1
    else:
        _finish(
            row.id,
            status=P.PENDING,
            next_attempt_at=utcnow() + retry_delay(row.attempts),
            last_error=describe(error),
        )
        counts.retrying += 1


def purge_finished(now: datetime | None = None) -> int:
    """Delete sent and failed rows older than NOTIFY_KEEP_DAYS: they hold contact details.

    The complaint's own timeline remains the record of what happened; the outbox is only
    the means of telling the reporter.
    """
    cutoff = (now or utcnow()) - timedelta(days=current_app.config["NOTIFY_KEEP_DAYS"])
    deleted = db.session.execute(
        delete(OutboxMessage)
        .where(
            OutboxMessage.status.in_((P.SENT, P.FAILED)),
            OutboxMessage.created_at < cutoff,
        )
        .execution_options(synchronize_session=False)
    ).rowcount
    db.session.commit()
    return deleted
