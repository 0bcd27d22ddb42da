"""`flask --app app sla sweep`: run from cron every few minutes (see README, "Deadlines")."""

from __future__ import annotations

import click
from flask.cli import AppGroup

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
