"""Text-message providers (SMS, WhatsApp): one small interface, chosen by SMS_PROVIDER.

A real provider is a class built with the Flask app (read your gateway's key from its config)
whose `send(to, text)` raises on failure, so the outbox retries with back-off. A deployment
selects it with SMS_PROVIDER="package.module:Class" (or a short name added to PROVIDERS).
See README, "Notifications".
"""

from __future__ import annotations

from importlib import import_module
from typing import Protocol

import click
from flask import Flask, current_app


class Provider(Protocol):
    """Delivers one short text to one phone number.

    `to` is the number as the reporter gave it (Indonesian numbers, e.g. 0812… or +62812…);
    normalise it for your gateway. Raise any exception when the message was not accepted:
    the outbox records the exception's class (never the number) and tries again later.
    Return only when the gateway has accepted the message.
    """

    def send(self, to: str, text: str) -> None: ...


def mask(phone: str) -> str:
    """A phone number with all but its last 3 digits hidden, for logs."""
    digits = "".join(ch for ch in phone if ch.isdigit())
    return "•" * max(len(digits) - 3, 0) + digits[-3:]


class ConsoleProvider:
    """Development: prints the message (number masked) instead of sending it."""

    def __init__(self, app: Flask) -> None:
        self.app = app

    def send(self, to: str, text: str) -> None:
        click.echo(f"SMS to {mask(to)}: {text}")


PROVIDERS: dict[str, str] = {"console": "app.notifications.providers:ConsoleProvider"}
"""Short names SMS_PROVIDER may use; it may also be any "package.module:Class" path."""


def sms_provider(app: Flask | None = None) -> Provider | None:
    """The configured provider, built with the app; None when SMS_PROVIDER is "none"."""
    app = app or current_app._get_current_object()  # type: ignore[attr-defined]
    name = app.config["SMS_PROVIDER"]
    if not name or name == "none":
        return None
    path = PROVIDERS.get(name, name)
    module, _, attribute = path.partition(":")
    if not attribute:
        raise RuntimeError(
            f"SMS_PROVIDER must be none, {', '.join(PROVIDERS)} or package.module:Class"
        )
    return getattr(import_module(module), attribute)(app)
