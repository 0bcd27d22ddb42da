"""`flask intake purge-drafts`: run from cron with the SLA sweep."""

import click
from flask.cli import AppGroup

from app.extensions import db
from app.intake.operations import purge_drafts

intake_cli = AppGroup("intake", help="Filing housekeeping.")


@intake_cli.command("purge-drafts")
def purge() -> None:
    """Delete unsent drafts (and their files) older than DRAFT_MAX_AGE_HOURS."""
    count = purge_drafts()
    db.session.commit()
    click.echo(f"{count} drafts purged")
