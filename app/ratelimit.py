"""Rate limits on guessing: tracking secrets, sign-in links, partner API keys, and "me too"
support.

No CAPTCHA (it shuts out the people this service is for): a client that fails too often gets
429 with a translated "wait N minutes" instead. Three rules keep it private and fair:

- Keys never hold an IP address. A client is an HMAC of its address with SECRET_KEY,
  truncated; a tracking code is hashed the same way, so the storage (memory, Redis,
  Memcached) holds nothing that names a person or a report.
- Only failed attempts count (`failed()` marks them; `deduct_when` reads the mark), so a
  reporter who types the right secret never uses up anything.
- Guessing is limited per client and per target: too many wrong secrets for one tracking
  code, from anywhere, close that code for a while (slowing distributed guessing) without
  touching any other code.

The numbers are settings (RATELIMIT_* in app/config.py), so tests run with low ones.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Callable
from typing import Any, TypeVar

from flask import current_app, g, request
from flask.wrappers import Response

from app.complaints import codes

F = TypeVar("F", bound=Callable[..., Any])

_FAILED = "_ratelimit_failed"
KEY_CHARS = 24  # 96 bits of the HMAC: no collisions in practice, nothing to reverse


def keyed_hash(kind: str, value: str) -> str:
    """An opaque, stable key for `value`: HMAC-SHA256 with the app's SECRET_KEY, truncated.

    Without the key nobody can test guesses (an address space is small enough to try every
    plain hash of it), and the kind keeps a client's key apart from a code's.
    """
    secret = current_app.config["SECRET_KEY"].encode()
    digest = hmac.new(secret, f"{kind}:{value}".encode(), hashlib.sha256).hexdigest()
    return f"{kind}:{digest[:KEY_CHARS]}"


def _client_address() -> str:
    """The client's address, only ever used to compute its hash here.

    Behind RATELIMIT_PROXY_COUNT trusted proxies the address is the one the outermost of them
    appended to X-Forwarded-For (entries before it are whatever the client sent).
    """
    proxies = current_app.config["RATELIMIT_PROXY_COUNT"]
    if proxies:
        forwarded = [
            part.strip()
            for part in request.headers.get("X-Forwarded-For", "").split(",")
            if part.strip()
        ]
        if len(forwarded) >= proxies:
            return forwarded[-proxies]
    return request.remote_addr or "unknown"


def client_key() -> str:
    """The limiter's key for this client: never the raw address."""
    return keyed_hash("client", _client_address())


def code_key() -> str:
    """The limiter's key for the tracking code being tried (URL or form), whoever tries it."""
    raw = (request.view_args or {}).get("code") or request.form.get("code") or ""
    return keyed_hash("code", codes.normalise(str(raw)))


def failed() -> None:
    """Mark this request as a failed guess: only marked requests count against the limits."""
    setattr(g, _FAILED, True)


def count_failures(_response: Response) -> bool:
    """deduct_when for the guessing limits: the view called failed()."""
    return bool(g.get(_FAILED))


def setting(name: str) -> Callable[[], str]:
    """A limit read from the config at request time (tests and deployments set their own)."""
    return lambda: current_app.config[name]


def no_secret_sent() -> bool:
    """exempt_when for the per-code limit: without a secret (form field or X-Tracking-Secret)
    nobody is guessing this code's secret, and a public report stays readable."""
    return not (request.headers.get("X-Tracking-Secret") or request.form.get("secret", "").strip())


def secret_guesses(methods: list[str] | None = None) -> Callable[[F], F]:
    """Limit failed tracking-secret checks: per client, and per tracking code from anywhere.

    Shared scopes, so /lacak and the API draw on the same allowance.
    """
    from app.extensions import limiter  # the extension imports this module

    per_client = limiter.shared_limit(
        setting("RATELIMIT_SECRET_PER_CLIENT"),
        "secret-client",
        methods=methods,
        deduct_when=count_failures,
    )
    per_code = limiter.shared_limit(
        setting("RATELIMIT_SECRET_PER_CODE"),
        "secret-code",
        key_func=code_key,
        methods=methods,
        exempt_when=no_secret_sent,
        deduct_when=count_failures,
    )
    return lambda view: per_client(per_code(view))


def sign_in_guesses(view: F) -> F:
    """Limit failed sign-in links (unknown, used or expired) per client."""
    from app.extensions import limiter

    return limiter.shared_limit(
        setting("RATELIMIT_SIGN_IN_PER_CLIENT"), "sign-in-client", deduct_when=count_failures
    )(view)


def api_key_guesses(view: F) -> F:
    """Limit failed partner API keys (none, unknown or revoked: app/web/access.partner_api
    marks them) per client. A valid key never counts, and only this client's failures can
    slow it: another client's never do."""
    from app.extensions import limiter

    return limiter.shared_limit(
        setting("RATELIMIT_API_KEY_PER_CLIENT"), "api-key-client", deduct_when=count_failures
    )(view)


def account_key() -> str:
    """The limiter's key for the account whose recovery code is tried: its email, hashed."""
    return keyed_hash("account", request.form.get("email", "").strip().lower())


def no_email_sent() -> bool:
    """exempt_when for the per-account limit: a GET (or a form without an email) guesses
    nothing about any account."""
    return not request.form.get("email", "").strip()


def recovery_guesses(view: F) -> F:
    """Limit wrong recovery codes per client (drawing on the sign-in links' allowance) and per
    account email from anywhere, so many addresses cannot share out one account's guesses."""
    from app.extensions import limiter

    per_account = limiter.shared_limit(
        setting("RATELIMIT_RECOVERY_PER_ACCOUNT"),
        "recovery-account",
        key_func=account_key,
        exempt_when=no_email_sent,
        deduct_when=count_failures,
    )
    return sign_in_guesses(per_account(view))


def support_clicks(view: F) -> F:
    """Limit "me too" POSTs per client: each one counts, a sweep cannot inflate support."""
    from app.extensions import limiter

    return limiter.limit(setting("RATELIMIT_SUPPORT_PER_CLIENT"), methods=["POST"])(view)


def challenge_requests(view: F) -> F:
    """Limit passkey sign-in challenges per client: each is stored until it expires."""
    from app.extensions import limiter

    return limiter.limit(setting("RATELIMIT_CHALLENGES_PER_CLIENT"), methods=["POST"])(view)


def email_key() -> str:
    """The limiter's key for the address a link is sent to: normalised, then hashed."""
    return keyed_hash("email", request.form.get("email", "").strip().lower())


def link_requests(view: F) -> F:
    """Limit emailed links (sign-in, address confirmation) per client and per address.

    Every POST counts, not only failures: each one may send a mail, and the limit per address
    keeps anyone from filling someone's inbox through us.
    """
    from app.extensions import limiter

    per_client = limiter.shared_limit(
        setting("RATELIMIT_LINKS_PER_CLIENT"), "links-client", methods=["POST"]
    )
    per_email = limiter.shared_limit(
        setting("RATELIMIT_LINKS_PER_EMAIL"),
        "links-email",
        key_func=email_key,
        methods=["POST"],
        exempt_when=no_email_sent,
    )
    return per_client(per_email(view))


def succeeded(response: Response) -> bool:
    """deduct_when for limits on things made: only a request that made one counts."""
    return response.status_code < 400


def account_creations(view: F) -> F:
    """Limit citizens' accounts made with a passkey per client (no CAPTCHA, ever)."""
    from app.extensions import limiter

    return limiter.limit(
        setting("RATELIMIT_ACCOUNTS_PER_CLIENT"), methods=["POST"], deduct_when=succeeded
    )(view)
