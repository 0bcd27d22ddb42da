"""Settings, all read from environment variables; SUARA_ENV picks the class."""

from __future__ import annotations

import os
import secrets
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _int(name: str, default: int) -> int:
    return int(os.environ.get(name, default))


def _bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    return default if value is None else value.strip().lower() in ("1", "true", "yes", "on")


class Config:
    INSTANCE_PATH = Path(os.environ.get("SUARA_INSTANCE", ROOT / "instance"))
    SQLALCHEMY_DATABASE_URI = os.environ.get("DATABASE_URL", "")
    SQLALCHEMY_ENGINE_OPTIONS: dict = {"pool_pre_ping": True}
    SECRET_KEY = os.environ.get("SECRET_KEY", "")
    UPLOAD_DIR = os.environ.get("UPLOAD_DIR", "")

    BABEL_DEFAULT_LOCALE = "id"
    BABEL_DEFAULT_TIMEZONE = os.environ.get("SUARA_TIMEZONE", "Asia/Jakarta")
    BABEL_TRANSLATION_DIRECTORIES = str(ROOT / "translations")
    LANGUAGES = ("id", "en")

    # Uploads: at most 3 files of 10 MB each. A request larger than all of that together is
    # refused from its Content-Length; a single oversized file is refused while it streams.
    MAX_FILES = 3
    MAX_FILE_BYTES = _int("MAX_FILE_BYTES", 10 * 1024 * 1024)
    MAX_CONTENT_LENGTH = MAX_FILES * MAX_FILE_BYTES + 512 * 1024
    MAX_FORM_MEMORY_SIZE = 64 * 1024
    MAX_IMAGE_PIXELS = _int("MAX_IMAGE_PIXELS", 40_000_000)

    # Deadlines in working days (PRODUCT.md); a deployment may set its own.
    SLA_VERIFY_DAYS = _int("SLA_VERIFY_DAYS", 3)
    SLA_FIRST_RESPONSE_DAYS = _int("SLA_FIRST_RESPONSE_DAYS", 5)
    SLA_AUTOCLOSE_DAYS = _int("SLA_AUTOCLOSE_DAYS", 10)
    SLA_RESOLUTION_DAYS = _int("SLA_RESOLUTION_DAYS", 60)

    DRAFT_MAX_AGE_HOURS = _int("DRAFT_MAX_AGE_HOURS", 24)
    # Duplicates: complaints in the same regency filed this many days apart are compared;
    # a score (0-1) at or above DUPLICATE_MIN_SCORE counts as "looks alike" (bench/duplicates.py).
    DUPLICATE_WINDOW_DAYS = _int("DUPLICATE_WINDOW_DAYS", 90)
    DUPLICATE_MIN_SCORE = float(os.environ.get("DUPLICATE_MIN_SCORE", "0.33"))
    # Origins, besides the app's own, allowed to call the JSON API from a browser.
    API_ALLOWED_ORIGINS = tuple(filter(None, os.environ.get("API_ALLOWED_ORIGINS", "").split()))

    # Notifications (app/notifications): links in messages point here, never at the Host
    # header of whatever request caused them.
    # localhost, not 127.0.0.1: passkeys work on a domain or localhost, never on an IP address.
    PUBLIC_BASE_URL = os.environ.get("PUBLIC_BASE_URL", "http://localhost:5000")
    MAIL_BACKEND = os.environ.get("MAIL_BACKEND", "smtp")  # "console" prints mail instead
    MAIL_SERVER = os.environ.get("MAIL_SERVER", "localhost")
    MAIL_PORT = _int("MAIL_PORT", 25)
    MAIL_USE_TLS = _bool("MAIL_USE_TLS", False)  # STARTTLS, usually port 587
    MAIL_USE_SSL = _bool("MAIL_USE_SSL", False)  # TLS from the start, usually port 465
    MAIL_USERNAME = os.environ.get("MAIL_USERNAME") or None
    MAIL_PASSWORD = os.environ.get("MAIL_PASSWORD") or None
    MAIL_DEFAULT_SENDER = os.environ.get("MAIL_DEFAULT_SENDER", "Suara Warga <noreply@localhost>")
    MAIL_TIMEOUT = _int("MAIL_TIMEOUT", 20)  # seconds; a hung server must not stall the outbox
    NOTIFY_MAX_ATTEMPTS = _int("NOTIFY_MAX_ATTEMPTS", 8)
    NOTIFY_RETRY_BASE_SECONDS = _int("NOTIFY_RETRY_BASE_SECONDS", 60)  # doubles per failure
    NOTIFY_RETRY_MAX_SECONDS = _int("NOTIFY_RETRY_MAX_SECONDS", 6 * 3600)
    NOTIFY_SENDING_TIMEOUT_SECONDS = _int("NOTIFY_SENDING_TIMEOUT_SECONDS", 15 * 60)
    NOTIFY_BATCH = _int("NOTIFY_BATCH", 200)  # messages per pass at most
    NOTIFY_KEEP_DAYS = _int("NOTIFY_KEEP_DAYS", 30)  # then `notifications purge` deletes them
    SMS_PROVIDER = os.environ.get("SMS_PROVIDER", "console")  # "none", or package.module:Class

    # Rate limits on guessing (app/ratelimit.py), in the `limits` notation ("10 per hour",
    # several joined with ";"); only failed attempts count. memory:// keeps the counters in
    # each process: with several gunicorn workers each worker counts on its own (a client
    # gets up to workers x the limit) and a restart forgets them. A multi-process production
    # deployment should share them: RATELIMIT_STORAGE_URI=redis://host:6379/0 (or
    # memcached://host:11211).
    RATELIMIT_STORAGE_URI = os.environ.get("RATELIMIT_STORAGE_URI", "memory://")
    RATELIMIT_STRATEGY = os.environ.get("RATELIMIT_STRATEGY", "fixed-window")
    RATELIMIT_HEADERS_ENABLED = False  # the 429 page sets Retry-After itself
    # Wrong tracking secrets (or unknown codes) on /lacak and the API, per client and per
    # tracking code from anywhere; failed sign-in links per client; "me too" per client.
    RATELIMIT_SECRET_PER_CLIENT = os.environ.get(
        "RATELIMIT_SECRET_PER_CLIENT", "10 per minute;30 per hour"
    )
    RATELIMIT_SECRET_PER_CODE = os.environ.get("RATELIMIT_SECRET_PER_CODE", "10 per hour")
    RATELIMIT_SIGN_IN_PER_CLIENT = os.environ.get("RATELIMIT_SIGN_IN_PER_CLIENT", "10 per hour")
    # Wrong recovery codes for one account's email, from anywhere (distributed guessing).
    RATELIMIT_RECOVERY_PER_ACCOUNT = os.environ.get("RATELIMIT_RECOVERY_PER_ACCOUNT", "10 per hour")
    RATELIMIT_SUPPORT_PER_CLIENT = os.environ.get("RATELIMIT_SUPPORT_PER_CLIENT", "20 per hour")
    # Passkey sign-in challenges: each one is a database row for 5 minutes.
    RATELIMIT_CHALLENGES_PER_CLIENT = os.environ.get(
        "RATELIMIT_CHALLENGES_PER_CLIENT", "30 per minute"
    )
    # Emailed sign-in (and address confirmation) links: every request sends a mail, so each
    # one counts, per client and per email address (app/accounts/links.py).
    RATELIMIT_LINKS_PER_CLIENT = os.environ.get("RATELIMIT_LINKS_PER_CLIENT", "10 per hour")
    RATELIMIT_LINKS_PER_EMAIL = os.environ.get("RATELIMIT_LINKS_PER_EMAIL", "5 per hour")
    # Citizens' accounts made with a passkey, per client (each one that succeeds counts).
    RATELIMIT_ACCOUNTS_PER_CLIENT = os.environ.get("RATELIMIT_ACCOUNTS_PER_CLIENT", "10 per hour")
    # Partner API keys that fail (missing, unknown, revoked), per client; valid keys never count.
    RATELIMIT_API_KEY_PER_CLIENT = os.environ.get(
        "RATELIMIT_API_KEY_PER_CLIENT", "10 per minute;50 per hour"
    )
    # Proxies in front that append the client's address to X-Forwarded-For (0: none, the
    # peer is the client). Without it, behind a proxy every client shares one limit.
    RATELIMIT_PROXY_COUNT = _int("RATELIMIT_PROXY_COUNT", 0)

    WTF_CSRF_TIME_LIMIT = None  # the token lives as long as the session
    SESSION_COOKIE_HTTPONLY = True
    SUPPORT_COOKIE_NAME = "device"  # "me too" once per device (app/duplicates/supporters.py)
    SESSION_COOKIE_SAMESITE = "Lax"
    # A staff sign-in (app/accounts StaffSession) ends after this long without a request,
    # and this long after signing in whatever the activity.
    STAFF_IDLE_MINUTES = _int("STAFF_IDLE_MINUTES", 30)
    STAFF_ABSOLUTE_HOURS = _int("STAFF_ABSOLUTE_HOURS", 12)
    # A citizen's own account: often a shared or borrowed phone, so not much longer than
    # staff when idle; a week at most.
    CITIZEN_IDLE_MINUTES = _int("CITIZEN_IDLE_MINUTES", 60)
    CITIZEN_ABSOLUTE_HOURS = _int("CITIZEN_ABSOLUTE_HOURS", 24 * 7)
    # `flask users purge` deletes a session this long after it ended or timed out (kept a while
    # so someone can ask "was my account used last week?"), and every spent sign-in link.
    SESSION_KEEP_DAYS = _int("SESSION_KEEP_DAYS", 30)
    # Passkeys (WebAuthn). The relying party id is the site's domain (no scheme or port);
    # browsers accept only a domain or "localhost", never an IP address such as 127.0.0.1.
    # Empty: taken from the request's host, and the origin from its URL — fine for the demo,
    # but a deployment should set both, so no Host header decides them.
    WEBAUTHN_RP_ID = os.environ.get("WEBAUTHN_RP_ID", "")
    WEBAUTHN_RP_NAME = os.environ.get("WEBAUTHN_RP_NAME", "Suara Warga")
    # Space-separated origins (scheme://host[:port]) passkey answers may come from.
    WEBAUTHN_ORIGINS = tuple(filter(None, os.environ.get("WEBAUTHN_ORIGINS", "").split()))
    WEBAUTHN_CHALLENGE_SECONDS = _int("WEBAUTHN_CHALLENGE_SECONDS", 300)
    # A facilitator's registered filing device (app/facilitation/devices.py) signs complaints
    # queued offline for this many days after it is registered; then it is registered again.
    FILING_DEVICE_DAYS = _int("FILING_DEVICE_DAYS", 30)
    # A facilitator records when the complainant agreed that they file for them: not in the
    # future, and at most this many days ago (an older "consent" is most likely a typo).
    CONSENT_MAX_AGE_DAYS = _int("CONSENT_MAX_AGE_DAYS", 365)
    # A staff invitation (app/accounts/invitations.py) works once, for this many days.
    INVITATION_DAYS = _int("INVITATION_DAYS", 7)
    TESTING = False
    DEBUG = False


class Development(Config):
    DEBUG = False  # the debugger would expose tracebacks; use logs instead
    MAIL_BACKEND = os.environ.get("MAIL_BACKEND", "console")  # print mail, send none


class Testing(Config):
    TESTING = True
    SECRET_KEY = "test-secret-key"  # noqa: S105 - a fixed key keeps test runs reproducible


class Production(Config):
    # `__Host-`: browsers accept the cookie only over HTTPS, for this exact host (no Domain)
    # and the whole site (Path=/), so neither a sibling subdomain nor plain HTTP can set it.
    SESSION_COOKIE_NAME = "__Host-session"
    SUPPORT_COOKIE_NAME = "__Host-device"
    SESSION_COOKIE_SECURE = True
    SESSION_COOKIE_DOMAIN = None
    SESSION_COOKIE_PATH = "/"


CONFIGS = {"development": Development, "testing": Testing, "production": Production}


def load_secret_key(config: dict, instance: Path, env: str) -> None:
    """Fill SECRET_KEY: from the environment; generated once into instance/ in development."""
    if config.get("SECRET_KEY"):
        return
    if env == "production":
        raise RuntimeError(
            "SECRET_KEY is not set. Production needs a long random SECRET_KEY in the environment, "
            "e.g. SECRET_KEY=\"$(python -c 'import secrets; print(secrets.token_hex(32))')\"."
        )
    key_file = instance / "secret_key"
    if not key_file.exists():
        instance.mkdir(parents=True, exist_ok=True)
        key_file.write_text(secrets.token_hex(32))
        key_file.chmod(0o600)
    config["SECRET_KEY"] = key_file.read_text().strip()
