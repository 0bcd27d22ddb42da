"""`flask partners issue|list|revoke`: partner API keys from the shell."""

from __future__ import annotations

import click
from flask.cli import AppGroup
from sqlalchemy import select

from app.extensions import db
from app.partners.keys import SCOPES, IssueError, issue, listed, revoke
from app.partners.models import PartnerKey

partners_cli = AppGroup("partners", help="Partner API keys (Open311).")


@partners_cli.command("issue")
@click.option("--name", required=True, help="Who uses the key.")
@click.option("--scope", "scopes", multiple=True, required=True, type=click.Choice(sorted(SCOPES)))
@click.option("--agency", default=None, help="Agency code, if the key is an agency's.")
def issue_command(name: str, scopes: tuple[str, ...], agency: str | None) -> None:
    """Print a new key once: only its hash is kept."""
    try:
        record, key = issue(name, scopes, agency)
    except IssueError as error:
        raise click.UsageError(str(error)) from error
    db.session.commit()
    click.echo(f"{record.prefix}  {record.name}  ({record.scopes})")
    click.echo(key)
    click.echo("Shown once: give it to the partner now. Revoke it with `flask partners revoke`.")


@partners_cli.command("list")
def list_command() -> None:
    for record in listed():
        state = "revoked" if record.revoked_at else "active"
        click.echo(f"{record.prefix}  {state}  {record.scopes}  {record.name}")


@partners_cli.command("revoke")
@click.option("--prefix", required=True, help="The key's prefix, like swk_K7M3Q9XD.")
def revoke_command(prefix: str) -> None:
    record = db.session.scalar(select(PartnerKey).where(PartnerKey.prefix == prefix.strip()))
    if record is None:
        raise click.UsageError(f"no key with the prefix {prefix!r}")
    if revoke(record):
        db.session.commit()
        click.echo(f"revoked {record.prefix}")
    else:
        click.echo(f"{record.prefix} was revoked already")
