"""`flask --app app sla sweep`: run from cron every few minutes; `sla calendar`: daily, as a
check that lokal-id knows next year's public holidays (see README, "Deadlines")."""

from __future__ import annotations

import click
import lokal
from flask.cli import AppGroup

from app import workdays
from app.complaints import deadlines
from app.db import utcnow
from app.deadlines.sweep import sweep

sla_cli = AppGroup("sla", help="Working-day deadlines: escalation and auto-close.")


@sla_cli.command("sweep")
def sweep_command() -> None:
    """Escalate missed deadlines and close resolved reports nobody answered (idempotent)."""
    result = sweep()
    click.echo(
        f"{result.today.isoformat()}: escalated {result.escalated}, closed {result.closed}, "
        f"skipped {result.skipped} (changed meanwhile; next run), failed {len(result.failed)}; "
        f"overdue now {result.overdue}"
    )
    if result.failed:
        ids = ", ".join(map(str, result.failed))
        raise click.ClickException(f"failed for complaint ids {ids}; see the log")


@sla_cli.command("calendar")
def calendar_command() -> None:
    """Which years' public holidays lokal-id has; fails from 1 September when next year's are
    missing (its SKB 3 Menteri is usually out by then), or when this year's are."""
    today = deadlines.local_date(utcnow())
    years = sorted(lokal.HOLIDAY_YEARS)
    click.echo(f"public holidays known for {', '.join(map(str, years))}")
    if not workdays.covered(today.year):
        raise click.ClickException(
            f"no public holidays for {today.year}: deadlines count Monday to Friday only; "
            "update lokal-id (pip install -U lokal-id)"
        )
    if today.month >= 9 and not workdays.covered(today.year + 1):
        raise click.ClickException(
            f"no public holidays for {today.year + 1} yet: deadlines that reach into it count "
            "Monday to Friday only; update lokal-id once the SKB 3 Menteri is published"
        )
