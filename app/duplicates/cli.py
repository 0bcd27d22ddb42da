"""`flask duplicates reindex`: build the duplicate index for complaints filed before it."""

from __future__ import annotations

import click
from flask.cli import AppGroup

from app.duplicates.index import reindex_all
from app.extensions import db

duplicates_cli = AppGroup("duplicates", help="The duplicate-detection index.")


@duplicates_cli.command("reindex")
def reindex() -> None:
    """Rebuild the index of every complaint (safe to run again at any time)."""
    count = reindex_all()
    db.session.commit()
    click.echo(f"Indexed {count} complaints.")
