"""Tracking codes and secrets: short, easy to read aloud, no look-alike characters."""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets

# No 0/O, 1/I/L or U/V confusion.
ALPHABET = "23456789ABCDEFGHJKMNPQRSTWXYZ"
_NOT_CODE_CHAR = re.compile(f"[^{ALPHABET}]")


def _groups(chars: str) -> str:
    return "-".join(chars[i : i + 4] for i in range(0, len(chars), 4))


def new_tracking_code() -> str:
    """Like K7M3-Q9XD: 29^8 ≈ 5 × 10^11 codes."""
    return _groups("".join(secrets.choice(ALPHABET) for _ in range(8)))


def new_secret() -> str:
    """Like 4HKD-9QZX-MT2P-R7WA: about 78 bits."""
    return _groups("".join(secrets.choice(ALPHABET) for _ in range(16)))


def derived_secret(key: bytes, idempotency_key: str) -> str:
    """The secret for an API submission, recomputable from its Idempotency-Key.

    A retry must get the identical response, secret included, yet the database keeps only the
    secret's hash: so the secret is derived from the key with the server's SECRET_KEY.
    """
    digest = hmac.new(key, f"tracking-secret:{idempotency_key}".encode(), hashlib.sha256)
    number = int.from_bytes(digest.digest(), "big")
    chars = []
    for _ in range(16):
        number, index = divmod(number, len(ALPHABET))
        chars.append(ALPHABET[index])
    return _groups("".join(chars))


def normalise(value: str) -> str:
    """What a person typed, in canonical form: upper case, without spaces or dashes."""
    return _NOT_CODE_CHAR.sub("", value.upper())


def normalise_code(value: str) -> str | None:
    chars = normalise(value)
    return _groups(chars) if len(chars) == 8 else None


def hash_secret(secret: str) -> str:
    return hashlib.sha256(normalise(secret).encode()).hexdigest()


def secret_matches(secret: str, secret_hash: str | None) -> bool:
    return secret_hash is not None and hmac.compare_digest(hash_secret(secret), secret_hash)
