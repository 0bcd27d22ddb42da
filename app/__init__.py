"""Suara Warga: an accessible, offline-first public-service complaint system."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from flask import Flask
from flask_babel import format_date, format_datetime, format_decimal, format_percent, get_locale

from app.config import CONFIGS, ROOT, load_secret_key
from app.extensions import babel, csrf, db, htmx, limiter, mail, migrate


def create_app(config: dict[str, Any] | None = None) -> Flask:
    """The one application factory; `config` overrides settings (tests use it)."""
    env = os.environ.get("SUARA_ENV", "development")
    app = Flask(
        __name__,
        template_folder=str(ROOT / "templates"),
        static_folder=str(ROOT / "static"),
        instance_path=str(CONFIGS[env].INSTANCE_PATH),
    )
    app.config.from_object(CONFIGS[env])
    app.config.update(config or {})
    instance = Path(app.instance_path)
    instance.mkdir(parents=True, exist_ok=True)
    load_secret_key(app.config, instance, env)
    if not app.config["SQLALCHEMY_DATABASE_URI"]:
        app.config["SQLALCHEMY_DATABASE_URI"] = f"sqlite:///{instance / 'suara.db'}"
    if not app.config["UPLOAD_DIR"]:
        app.config["UPLOAD_DIR"] = str(instance / "uploads")
    Path(app.config["UPLOAD_DIR"]).mkdir(parents=True, exist_ok=True)

    _init_extensions(app)
    _register_blueprints(app)
    _register_template_helpers(app)
    return app


def _init_extensions(app: Flask) -> None:
    from app.intake.storage import init_storage
    from app.web.caching import init_caching
    from app.web.errors import register_error_handlers
    from app.web.i18n import select_locale
    from app.web.security import init_security

    db.init_app(app)
    migrate.init_app(app, db, directory=str(ROOT / "migrations"), render_as_batch=True)
    babel.init_app(app, locale_selector=select_locale)
    csrf.init_app(app)
    htmx.init_app(app)
    mail.init_app(app)
    limiter.init_app(app)
    init_security(app)  # after htmx: it extends htmx's request class
    init_caching(app)
    init_storage(app)
    register_error_handlers(app)
    if app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite"):
        from app.db import configure_sqlite

        with app.app_context():
            configure_sqlite(db.engine)


def _register_blueprints(app: Flask) -> None:
    from app import accounts, api, complaints, directory, intake, offline, routing, tracking, web
    from app.web.access import public

    for module in (web, directory, complaints, intake, tracking, offline, accounts, routing, api):
        app.register_blueprint(module.bp)
    from app import verification

    app.register_blueprint(verification.bp)
    from app import deadlines

    app.register_blueprint(deadlines.bp)
    from app import inbox

    app.register_blueprint(inbox.bp)
    from app import duplicates

    app.register_blueprint(duplicates.bp)
    from app import facilitation

    app.register_blueprint(facilitation.bp)
    from app import publishing

    app.register_blueprint(publishing.blueprint())
    from app import open311, partners

    app.register_blueprint(partners.bp)
    app.register_blueprint(open311.bp)
    from app import scorecards

    app.register_blueprint(scorecards.bp)
    app.view_functions["static"] = public(app.view_functions["static"])

    from app.accounts.cli import users_cli
    from app.demo.cli import demo_cli
    from app.directory.cli import directory_cli
    from app.intake.cli import intake_cli
    from app.notifications import init_notifications
    from app.notifications.cli import notifications_cli

    app.cli.add_command(directory_cli)
    app.cli.add_command(intake_cli)
    app.cli.add_command(demo_cli)
    app.cli.add_command(users_cli)
    from app.duplicates.cli import duplicates_cli

    app.cli.add_command(duplicates_cli)
    from app.deadlines.cli import sla_cli

    app.cli.add_command(sla_cli)
    app.cli.add_command(notifications_cli)
    from app.partners.cli import partners_cli

    app.cli.add_command(partners_cli)
    from app.publishing.cli import publishing_cli

    app.cli.add_command(publishing_cli)
    from app.scorecards.cli import scorecards_cli

    app.cli.add_command(scorecards_cli)
    init_notifications()


def _register_template_helpers(app: Flask) -> None:
    from app.web.forms import describedby, field_attrs

    app.jinja_env.filters["date"] = format_date
    app.jinja_env.filters["datetime"] = format_datetime
    app.jinja_env.filters["number"] = format_decimal
    app.jinja_env.filters["percent"] = format_percent
    app.jinja_env.globals["get_locale"] = lambda: str(get_locale())
    app.jinja_env.globals["field_attrs"] = field_attrs
    app.jinja_env.globals["describedby"] = describedby
