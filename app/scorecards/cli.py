"""`flask scorecards rebuild`: facts and aggregates from scratch (after an upgrade)."""

from __future__ import annotations

import click
from flask.cli import AppGroup

scorecards_cli = AppGroup("scorecards", help="Agency and region scorecards.")


@scorecards_cli.command("rebuild")
def rebuild_command() -> None:
    """Recompute every complaint's scorecard facts and the aggregates from them."""
    from app.scorecards.facts import rebuild

    count = rebuild()
    click.echo(f"Scorecards rebuilt from {count} complaints.")
