"""Staff accounts, roles and signing in.

Owns who someone is (a User with one role and, for officers, one agency) and how they sign
in. Until passkeys arrive, staff sign in with single-use links that expire, made by the
`flask users` command; there are no passwords anywhere.
"""

from flask import Blueprint

bp = Blueprint("accounts", __name__)

from app.accounts import passkeys, recovery, views  # noqa: E402, F401
