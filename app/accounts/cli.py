"""`flask users create|link|disable|sessions`: staff accounts, their sign-in links and
sessions, from the shell."""

import click
from flask import current_app
from flask.cli import AppGroup

from app.accounts.models import Role, User
from app.accounts.operations import AccountError, create_user, issue_sign_in_link
from app.accounts.sessions import active_sessions, end_all_sessions
from app.extensions import db

users_cli = AppGroup("users", help="Staff accounts.")


def sign_in_path(token: str) -> str:
    return current_app.url_map.bind("").build("accounts.sign_in", {"token": token})


def _print_link(user: User) -> None:
    token = issue_sign_in_link(user)
    db.session.commit()
    click.echo(f"{user.email} ({user.role.value}): {sign_in_path(token)}")
    click.echo("The link works once, within 15 minutes. Prefix it with the site's address.")


@users_cli.command("create")
@click.option("--email", required=True)
@click.option("--name", default="")
@click.option("--role", type=click.Choice([r.value for r in Role]), required=True)
@click.option("--agency", help="Agency code (KEMENKES) or region code (32.73), for officers.")
@click.option("--region", help="For a regional verifier: province (32) or regency/city (32.73).")
def create(email: str, name: str, role: str, agency: str | None, region: str | None) -> None:
    """Create a staff account and print a sign-in link for it."""
    try:
        user = create_user(email, name, Role(role), agency, region)
    except AccountError as error:
        raise click.ClickException(str(error)) from error
    _print_link(user)


@users_cli.command("link")
@click.option("--email", required=True)
def link(email: str) -> None:
    """Print a new single-use sign-in link for an existing account."""
    user = db.session.scalar(db.select(User).where(User.email == email.strip().lower()))
    if user is None or not user.active:
        raise click.ClickException(f"no active account for {email}")
    _print_link(user)


def _user(email: str) -> User:
    user = db.session.scalar(db.select(User).where(User.email == email.strip().lower()))
    if user is None:
        raise click.ClickException(f"no account for {email}")
    return user


@users_cli.command("disable")
@click.option("--email", required=True)
def disable(email: str) -> None:
    """Disable an account: its sessions end at once and its links stop working."""
    user = _user(email)
    user.active = False
    ended = end_all_sessions(user)
    db.session.commit()
    click.echo(f"{user.email} is disabled; {ended} session(s) ended.")


@users_cli.command("sessions")
@click.option("--email", required=True)
def sessions(email: str) -> None:
    """List an account's active sessions (times in UTC)."""
    user = _user(email)
    found = active_sessions(user)
    for staff_session in found:
        click.echo(
            f"#{staff_session.id}  signed in {staff_session.created_at:%Y-%m-%d %H:%M}"
            f"  last seen {staff_session.last_seen_at:%Y-%m-%d %H:%M}"
        )
    click.echo(f"{user.email}: {len(found)} active session(s).")


@users_cli.command("recovery-codes")
@click.option("--email", required=True)
def recovery_codes(email: str) -> None:
    """Print a new set of recovery codes (for someone locked out); old ones stop working."""
    from app.accounts.recovery import create_codes  # it imports the views, which need the app

    user = _user(email)
    if not user.active:
        raise click.ClickException(f"{user.email} is disabled")
    made = create_codes(user)
    db.session.commit()
    click.echo(f"New recovery codes for {user.email}:")
    for code in made:
        click.echo(f"  {code}")
    click.echo("Each code works once. Every earlier recovery code of this account stopped working.")
