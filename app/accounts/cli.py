"""`flask users invite|create|link|disable|sessions|recovery-codes`: staff accounts, their
invitations, recovery codes and sessions, from the shell.

Staff join by invitation (`invite`) and sign in with passkeys, recovery codes as the backup;
`create` makes an account at once with recovery codes, for the first administrator (who has
nobody to invite them) and for tests. Emailed sign-in links are for citizens only.
"""

import click
from flask import current_app
from flask.cli import AppGroup
from flask_babel import force_locale

from app.accounts import housekeeping
from app.accounts.models import STAFF_ROLES, Organisation, Role, User
from app.accounts.operations import (
    AccountError,
    create_user,
    find_organisation,
    issue_sign_in_link,
)
from app.accounts.sessions import active_sessions, end_all_sessions
from app.extensions import db

users_cli = AppGroup("users", help="Staff accounts.")

STAFF_CHOICES = [role.value for role in Role if role in STAFF_ROLES]


def sign_in_path(token: str) -> str:
    return current_app.url_map.bind("").build("accounts.sign_in", {"token": token})


def recovery_sign_in_path() -> str:
    return current_app.url_map.bind("").build("accounts.recovery_sign_in")


@users_cli.command("invite")
@click.option("--email", required=True)
@click.option("--name", default="")
@click.option("--role", type=click.Choice([r.value for r in Role]), required=True)
@click.option("--agency", help="For officers: agency code (KEMENKES), region code (32.73) or name.")
@click.option("--region", help="For a regional verifier: province (32) or regency/city (32.73).")
@click.option("--organisation", help="For facilitators: the organisation's name (added if new).")
@click.option("--organisation-region", help="For a new organisation: its region's code.")
def invite(
    email: str,
    name: str,
    role: str,
    agency: str | None,
    region: str | None,
    organisation: str | None,
    organisation_region: str | None,
) -> None:
    """Invite a staff member: print the single-use invitation link (its path) and its expiry."""
    from app.accounts.invitations import InvitationError, invitation_path, placement
    from app.accounts.invitations import invite as make_invitation

    with force_locale("en"):
        try:
            invitation, token = make_invitation(
                email=email,
                name=name,
                role=role,
                agency=agency,
                region=region,
                organisation=organisation,
                organisation_region=organisation_region,
            )
        except InvitationError as error:
            db.session.rollback()
            raise click.ClickException(
                "; ".join(str(message) for _field, message in error.problems)
            ) from error
        where = placement(invitation)
    db.session.commit()
    click.echo(
        f"Invitation for {invitation.email} ({invitation.role.value}"
        + (f", {where}" if where else "")
        + f"): {invitation_path(token)}"
    )
    click.echo(
        f"It works once, until {invitation.expires_at:%Y-%m-%d %H:%M} UTC. Prefix it with the "
        "site's address and send it; the invitee creates a passkey there."
    )


def _organisation(name: str | None) -> Organisation | None:
    """The organisation with this name (any case), added the first time."""
    name = " ".join((name or "").split())
    if not name:
        return None
    found = find_organisation(name)
    if found is None:
        found = Organisation(name=name[:150])
        db.session.add(found)
        db.session.flush()
    return found


@users_cli.command("create")
@click.option("--email", required=True)
@click.option("--name", default="")
@click.option("--role", type=click.Choice(STAFF_CHOICES), required=True)
@click.option("--agency", help="Agency code (KEMENKES) or region code (32.73), for officers.")
@click.option("--region", help="For a regional verifier: province (32) or regency/city (32.73).")
@click.option("--organisation", help="For facilitators: the organisation's name (added if new).")
def create(
    email: str,
    name: str,
    role: str,
    agency: str | None,
    region: str | None,
    organisation: str | None,
) -> None:
    """Create a staff account at once and print its recovery codes (for the first
    administrator and for tests; invite everyone else with `users invite`)."""
    from app.accounts.recovery import create_codes  # it imports the views, which need the app

    try:
        user = create_user(email, name, Role(role), agency, region, _organisation(organisation))
    except AccountError as error:
        db.session.rollback()
        raise click.ClickException(str(error)) from error
    made = create_codes(user)
    db.session.commit()
    click.echo(f"{user.email} ({user.role.value}) is created. Recovery codes:")
    for code in made:
        click.echo(f"  {code}")
    click.echo(
        f"Each code signs in once on {recovery_sign_in_path()} with the email address. Once "
        "signed in, add a passkey: staff sign in with passkeys."
    )


def _user(email: str, *, active: bool = False) -> User:
    """The account with this email address; with `active`, only if it is not disabled."""
    user = db.session.scalar(db.select(User).where(User.email == email.strip().lower()))
    if user is None or (active and not user.active):
        raise click.ClickException(f"no {'active ' if active else ''}account for {email}")
    return user


@users_cli.command("link")
@click.option("--email", required=True)
def link(email: str) -> None:
    """Print a new single-use sign-in link for a citizen's account (staff cannot use links:
    `users recovery-codes` lets locked-out staff in)."""
    user = _user(email, active=True)
    if user.is_staff:
        raise click.ClickException(
            f"{user.email} is staff, and staff cannot sign in with links: they use a passkey "
            "or a recovery code. For someone locked out: "
            f"flask users recovery-codes --email {user.email}"
        )
    token = issue_sign_in_link(user)
    db.session.commit()
    click.echo(f"{user.email} ({user.role.value}): {sign_in_path(token)}")
    click.echo("The link works once, within 15 minutes. Prefix it with the site's address.")


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


@users_cli.command("purge")
def purge_command() -> None:
    """Delete spent sign-in links, and sessions over for SESSION_KEEP_DAYS (run daily)."""
    purged = housekeeping.purge()
    db.session.commit()
    click.echo(f"{purged.links} link(s) and {purged.sessions} session(s) deleted.")
