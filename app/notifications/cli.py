"""`flask notifications send`: deliver the outbox, once (cron) or continuously (--loop)."""

from __future__ import annotations

import signal
import time
from types import FrameType

import click
from flask.cli import AppGroup

from app.extensions import db
from app.notifications.delivery import purge_finished, send_due

notifications_cli = AppGroup("notifications", help="Mail and text messages to reporters.")


@notifications_cli.command("send")
@click.option("--loop", is_flag=True, help="Keep running, checking the outbox every few seconds.")
@click.option(
    "--interval", default=5.0, show_default=True, help="Seconds between passes with --loop."
)
@click.option("--limit", type=int, default=None, help="At most this many messages per pass.")
def send_command(loop: bool, interval: float, limit: int | None) -> None:
    """Deliver the messages that are due. Prints counts only, never addresses."""
    if not loop:
        click.echo(str(send_due(limit)))
        return
    stopping = False

    def stop(_signum: int, _frame: FrameType | None) -> None:
        nonlocal stopping
        stopping = True  # finish the message in hand, then leave

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    while not stopping:
        counts = send_due(limit)
        if counts.busy:
            click.echo(str(counts))
        db.session.remove()
        slept = 0.0
        while slept < interval and not stopping:
            time.sleep(0.2)
            slept += 0.2


@notifications_cli.command("purge")
def purge_command() -> None:
    """Delete delivered and failed messages older than NOTIFY_KEEP_DAYS (run daily)."""
    click.echo(f"deleted {purge_finished()}")
