"""Writing the duplicate index, and the pure functions behind it.

A complaint becomes a set of stemmed Indonesian words (app/routing/engine.py `words()`,
without stop words or numbers). Its MinHash signature has one value per hash function;
each LSH band of the signature becomes one row in `duplicate_bands`. Two complaints share
a band with a probability that grows with the Jaccard similarity of their word sets, so a
search reads the rows of its own band keys in one regency and time window — an index range
scan, not a scan of all complaints — and then rescores the few candidates exactly.

The near duplicates people write are far apart in wording ("PDAM mati" / "air tidak
mengalir", Sundanese next to Indonesian, "udh" for "sudah"): word-set Jaccard of real
duplicate pairs in app/routing/data/duplicates.csv starts at 0.12. So bands are one row
wide (ROWS = 1): a complaint is a candidate as soon as one of its 16 sampled words matches,
and candidates are ranked by how many bands they share (an estimate of the Jaccard
similarity) before the exact rescoring. On that set two-row bands (16 × 2, 32 × 2) missed
25 % and 12 % of the true pairs before any rescoring (bench/duplicates.py prints this).

Changing NUM_BANDS, ROWS or the hashing changes every key: run `flask duplicates reindex`.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from functools import cache, lru_cache

from flask import Flask
from sqlalchemy import delete, insert, select

from app.complaints.models import Complaint
from app.complaints.signals import complaint_received
from app.duplicates.models import DuplicateBand, DuplicateSignature
from app.extensions import db
from app.routing.engine import words

NUM_BANDS = 16
ROWS = 1
_PRIME = (1 << 61) - 1  # a Mersenne prime: hash values are permuted modulo it
_KEY_BITS = (1 << 63) - 1  # band keys fit a signed 64-bit column (PostgreSQL BIGINT)

# Words that say nothing about which problem a report is about: Sastrawi's stop words and
# the informal spellings and courtesies of complaints ("udh", "tolong", "warga").
_INFORMAL = (
    "yg gak ga nggak ngga enggak udah udh dah sdh blm bgt banget aja saja kalo klo pake pakai "
    "dgn sy tdk tak gk jg juga sampe sampai tolong mohon kami saya kita warga tiap setiap "
    "sejak minggu kali sekarang lagi pak bu bapak ibu min admin punten nih sih dong deh kok "
    "ya yang ke di dari dan atau segera harap"
)

# Two reports whose places are different districts of the same regency are rarely about
# the same thing; their score is multiplied by this.
OTHER_DISTRICT = 0.75


@cache
def stop_words() -> frozenset[str]:
    from Sastrawi.StopWordRemover.StopWordRemoverFactory import StopWordRemoverFactory

    listed = set(StopWordRemoverFactory().get_stop_words()) | set(_INFORMAL.split())
    return frozenset(listed | {stem for word in listed for stem in words(word)})


def features(text: str) -> list[str]:
    """The words that identify a problem: stemmed, without stop words or numbers, sorted."""
    stop = stop_words()
    return sorted({w for w in words(text) if len(w) > 1 and w not in stop and not w.isdigit()})


def regency_of(region_code: str) -> str:
    """ "32.73.02" → "32.73": the regency or city whose reports are compared."""
    return ".".join(region_code.split(".")[:2])


def _district_of(region_code: str) -> str | None:
    parts = region_code.split(".")
    return ".".join(parts[:3]) if len(parts) >= 3 else None


def _hash64(text: str) -> int:
    return int.from_bytes(hashlib.blake2b(text.encode(), digest_size=8).digest(), "big")


@cache
def _permutations() -> tuple[tuple[int, int], ...]:
    """NUM_BANDS × ROWS fixed (a, b) pairs: x → (a·x + b) mod p, the same in every process."""
    return tuple(
        (_hash64(f"minhash-a-{i}") % (_PRIME - 1) + 1, _hash64(f"minhash-b-{i}") % _PRIME)
        for i in range(NUM_BANDS * ROWS)
    )


@lru_cache(maxsize=65536)
def _permuted(token: str) -> tuple[int, ...]:
    x = _hash64(token) % _PRIME
    return tuple((a * x + b) % _PRIME for a, b in _permutations())


def signature(tokens: Iterable[str]) -> list[int]:
    """The MinHash signature: for each hash function, the smallest value over the words."""
    columns = [_permuted(t) for t in tokens]
    return [min(values) for values in zip(*columns, strict=True)] if columns else []


@lru_cache(maxsize=1 << 17)
def _band_key(band: int, values: tuple[int, ...]) -> int:
    return _hash64(f"{band}:" + ",".join(map(str, values))) & _KEY_BITS


def band_keys(tokens: Iterable[str]) -> list[int]:
    """One key per band; the band's number is part of the key so bands never collide."""
    values = signature(tokens)
    if not values:
        return []
    return [
        _band_key(band, tuple(values[band * ROWS : (band + 1) * ROWS])) for band in range(NUM_BANDS)
    ]


def _grams(tokens: Iterable[str]) -> set[str]:
    """Character 4-grams of the padded words: "nyebrang" still meets "nyeberang"."""
    found: set[str] = set()
    for token in tokens:
        padded = f" {token} "
        found.update(padded[i : i + 4] for i in range(max(1, len(padded) - 3)))
    return found


def score(tokens_a: Iterable[str], region_a: str, tokens_b: Iterable[str], region_b: str) -> float:
    """How alike two reports are, 0 to 1: the mean of the Jaccard and overlap coefficients
    of their character 4-grams, lowered when they name different districts.

    The overlap coefficient lets a short report match the longer one it is part of; the
    Jaccard half keeps a two-word report from matching everything that contains its words.
    """
    a, b = _grams(tokens_a), _grams(tokens_b)
    if not a or not b:
        return 0.0
    shared = len(a & b)
    value = (shared / len(a | b) + shared / min(len(a), len(b))) / 2
    district_a, district_b = _district_of(region_a), _district_of(region_b)
    if district_a and district_b and district_a != district_b:
        value *= OTHER_DISTRICT
    return round(value, 3)


def index_complaint(complaint: Complaint) -> None:
    """Write a complaint's signature row and band rows in the current transaction."""
    tokens = features(f"{complaint.title}\n{complaint.description}")
    regency = regency_of(complaint.region_code)
    db.session.add(
        DuplicateSignature(
            complaint_id=complaint.id,
            regency_code=regency,
            region_code=complaint.region_code,
            created_at=complaint.created_at,
            tokens=" ".join(tokens),
        )
    )
    keys = band_keys(tokens)
    if keys:
        db.session.execute(
            insert(DuplicateBand),
            [
                {
                    "band_key": key,
                    "regency_code": regency,
                    "created_at": complaint.created_at,
                    "complaint_id": complaint.id,
                }
                for key in keys
            ],
        )


def reindex_all(batch: int = 500) -> int:
    """Rebuild the whole index from the complaints (after changing the hashing, or for data
    that existed before the index). The caller commits."""
    db.session.execute(delete(DuplicateBand))
    db.session.execute(delete(DuplicateSignature))
    count, last = 0, 0
    while True:
        complaints = db.session.scalars(
            select(Complaint).where(Complaint.id > last).order_by(Complaint.id).limit(batch)
        ).all()
        if not complaints:
            return count
        for complaint in complaints:
            index_complaint(complaint)
        db.session.flush()
        db.session.expunge_all()  # keep memory flat on a large database
        count += len(complaints)
        last = complaints[-1].id


def _on_received(_sender: Flask, complaint: Complaint) -> None:
    index_complaint(complaint)


def init_index() -> None:
    """Index every new complaint in the transaction that files it."""
    complaint_received.connect(_on_received)
