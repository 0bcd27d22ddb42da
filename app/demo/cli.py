"""`flask demo load` and `flask demo links`: try every role on localhost.

`load` is what `make run` calls every time: it adds the demo accounts and complaints once
and prints fresh ways in on every run; `links` only prints fresh ones. Staff sign in with
passkeys or recovery codes (never links), so each staff account gets one fresh recovery code
for /masuk/kode-pemulihan (making a new set: earlier printed codes stop working); the citizen
gets a one-time sign-in link. Everything points at http://localhost: passkeys work on a
domain name (localhost counts) but never on an IP address such as 127.0.0.1.
"""

from __future__ import annotations

import os
import time

import click
from flask import current_app
from flask.cli import AppGroup

from app.accounts.cli import recovery_sign_in_path, sign_in_path
from app.accounts.models import User
from app.accounts.operations import issue_sign_in_link
from app.db import utcnow
from app.demo import seed
from app.extensions import db

demo_cli = AppGroup("demo", help="Demonstration data: staff for every role and complaints.")

LINK_MINUTES = 12 * 60


def _refuse_in_production() -> None:
    """The demo accounts and the printed secret are public knowledge: never on a real site."""
    if os.environ.get("SUARA_ENV", "development") == "production":
        raise click.ClickException("demo data is for development; SUARA_ENV is production")


def base_url() -> str:
    """Where `make run` serves (gunicorn on 127.0.0.1:$PORT, 5000 unless PORT is set), by the
    name `localhost`: browsers refuse passkeys on an IP address."""
    return f"http://localhost:{os.environ.get('PORT') or '5000'}"


@demo_cli.command("load")
def load() -> None:
    """Add demonstration accounts and ~200 complaints once; print fresh ways in every time."""
    _refuse_in_production()
    staff = seed.ensure_staff()
    plans = seed.plan(utcnow())
    if seed.is_seeded(plans):
        click.echo("demo complaints exist already; none added")
        count = 0
    else:
        started = time.monotonic()
        count = seed.seed(staff, plans)
        click.echo(f"added {count} demo complaints in {time.monotonic() - started:.1f} s")
    from app.facilitation.demo import seed_facilitated  # after the staff: the demo facilitator

    if facilitated := seed_facilitated():
        click.echo(f"added {facilitated} reports filed by demo facilitators")
    db.session.commit()
    if count:
        _sweep()
    _print_links(staff, plans)


@demo_cli.command("links")
def links() -> None:
    """Print fresh recovery codes (staff) and a sign-in link (the citizen); adds no data."""
    _refuse_in_production()
    staff = seed.existing_staff()
    if not staff:
        raise click.ClickException("no demo staff yet: run `flask --app app demo load` first")
    _print_links(staff, seed.plan(utcnow()))


def _sweep() -> None:
    """What cron would have done by now: escalate the missed deadlines (for the supervisor)."""
    from app.deadlines.sweep import sweep

    result = sweep()
    click.echo(f"deadline sweep: escalated {result.escalated}, closed {result.closed}")


def _print_links(staff: dict[str, User], plans: list[seed.Plan]) -> None:
    from app.accounts.recovery import create_codes  # it imports the views, which need the app

    base = base_url()
    click.echo(
        f"\nTry every role on {base} (localhost, not 127.0.0.1: passkeys need a domain name)."
    )
    click.echo(
        f"Staff sign in on {base}{recovery_sign_in_path()} with the email and the code shown"
        ' (each code works once); once in, add a passkey under "My account".'
    )
    for member in seed.STAFF:
        user = staff.get(member.key)
        if user is None:
            continue
        code = create_codes(user)[0]  # a fresh set: earlier printed codes stop working
        role = user.role.value.capitalize()
        if user.agency is not None:
            role += f" of {user.agency.name_en}"
        if user.organisation is not None:
            role += f" of {user.organisation.name}"
        click.echo(f"\n  {role}: {user.name}")
        click.echo(f"    {base}{recovery_sign_in_path()}  email {user.email}  code {code}")
        click.echo(f"    Try: {member.try_this}.")
    citizen = staff.get(seed.CITIZEN.key)
    if citizen is not None:
        token = issue_sign_in_link(citizen, minutes=LINK_MINUTES)
        click.echo(f"\n  Citizen with an account: {citizen.name} <{citizen.email}>")
        click.echo(f"    {base}{sign_in_path(token)}  (works once, within 12 hours)")
        click.echo(f"    Try: {seed.CITIZEN.try_this}.")
    db.session.commit()
    if seed.is_seeded(plans):
        examples = seed.reporter_examples(plans)
        track = current_app.url_map.bind("").build("tracking.track")
        click.echo(f"\n  Reporter (no account): {base}{track}")
        for what, p in (
            ("confirm or reopen", examples["resolved"]),
            ("answer", examples["needs_info"]),
        ):
            click.echo(f"    {what}: tracking code {p.code}, secret {p.secret}")
    click.echo("\nNew codes and link: .venv/bin/flask --app app demo links")
