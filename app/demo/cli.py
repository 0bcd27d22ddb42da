"""`flask demo load` and `flask demo links`: try every role on localhost.

`load` is what `make run` calls every time: it adds the demo staff and complaints once and
prints fresh sign-in links on every run; `links` only prints fresh links.
"""

from __future__ import annotations

import os
import time

import click
from flask import current_app
from flask.cli import AppGroup

from app.accounts.cli import sign_in_path
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
    """Where `make run` serves: gunicorn binds 127.0.0.1:$PORT (5000 unless PORT is set)."""
    return f"http://127.0.0.1:{os.environ.get('PORT') or '5000'}"


@demo_cli.command("load")
def load() -> None:
    """Add demonstration staff and ~200 complaints once; print fresh sign-in links every time."""
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
    db.session.commit()
    if count:
        _sweep()
    _print_links(staff, plans)


@demo_cli.command("links")
def links() -> None:
    """Print fresh single-use sign-in links for the demo staff (adds no data)."""
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
    base = base_url()
    click.echo(f"\nSign in on {base} (each link works once, within 12 hours):")
    for member in seed.STAFF:
        user = staff.get(member.key)
        if user is None:
            continue
        token = issue_sign_in_link(user, minutes=LINK_MINUTES)
        role = user.role.value.capitalize()
        if user.agency is not None:
            role += f" of {user.agency.name_en}"
        click.echo(f"\n  {role}: {user.name} <{user.email}>")
        click.echo(f"    {base}{sign_in_path(token)}")
        click.echo(f"    Try: {member.try_this}.")
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
    click.echo("\nNew links: .venv/bin/flask --app app demo links")
