"""Accounts, roles and signing in: staff, and citizens' optional accounts (citizens.py).

Owns who someone is (a User with one role and, for officers, one agency) and how they sign
in: passkeys (passkeys.py), recovery codes (recovery.py) and, for citizens only, links sent by
email (links.py); there are no passwords anywhere.
"""

from flask import Blueprint

bp = Blueprint("accounts", __name__)

from app.accounts import citizens, invitations, pages, passkeys, recovery, views  # noqa: E402, F401
