"""`flask publishing refresh`: store masked texts for published complaints that lack them;
`flask publishing reindex`: rebuild the search index of published texts."""

from __future__ import annotations

import click
from flask.cli import AppGroup

from app.publishing import search
from app.publishing.operations import refresh_all

publishing_cli = AppGroup("publishing", help="Published complaints.")


@publishing_cli.command("refresh")
def refresh_command() -> None:
    """Mask and store what is published but not stored yet (after deploying issue 6, or after
    clearing a column to mask again). Never touches a verifier's correction."""
    changed = refresh_all()
    click.echo(f"{changed} complaint(s) updated")


@publishing_cli.command("reindex")
def reindex_command() -> None:
    """Rebuild the search index from the stored published texts (after changing how words are
    normalised or stemmed)."""
    click.echo(f"{search.reindex_all()} complaint(s) indexed")
