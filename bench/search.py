"""Searching published reports at 10,000, 100,000 and 1,000,000 complaints (SQLite in a temp
directory): the word index (`published_words`, app/publishing/search.py) against the
`LIKE '%word%'` scan it replaced, in the same run.

    .venv/bin/python bench/search.py                 # 10k, 100k, 1M (about 15 minutes)
    .venv/bin/python bench/search.py --sizes 10000 100000

The agency directory is loaded as `make run` does; complaints are bulk-inserted as
published, spread over every regency/city and topic, with texts drawn from a vocabulary of everyday
complaint words and a long tail of rarer ones (Zipf-like), and their index rows are written
straight into `published_words` from each word's `search.words_of` (what the app stores for
that word). For each query — a common word, two common words, a rare word, the start of a
common word, a word no report has — the list page's two queries are timed: the count and the
first page of 20, newest first. Three ways: the scan with an exact count (before), the index
with an exact count, and the index with the count stopped at LISTED_AT_MOST (what /laporan
does). Each is run once to warm up, then ROUNDS times; the median is printed, with the scan's
time over the page's.
Then /laporan?q=… is rendered in full.
No timed assertions: this prints, it does not judge.
"""

from __future__ import annotations

import argparse
import os
import random
import sqlite3
import statistics
import sys
import tempfile
import time
from datetime import datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("SUARA_ENV", "testing")

ROUNDS = 5
CHUNK = 50_000
COMMON = [
    "jalan",
    "lubang",
    "rusak",
    "air",
    "mati",
    "listrik",
    "padam",
    "sampah",
    "banjir",
    "sekolah",
    "guru",
    "pungutan",
    "petugas",
    "bantuan",
    "sosial",
    "kartu",
    "desa",
    "warga",
    "pelayanan",
    "lambat",
    "antre",
    "jembatan",
    "lampu",
    "obat",
    "bidan",
    "puskesmas",
    "sudah",
    "bulan",
    "minta",
    "tolong",
    "segera",
]
QUERIES = {
    "common word": "jalan",
    "two common words": "sampah banjir",
    "rare word": None,  # chosen from the tail once the vocabulary is made
    "start of a common word": "puskes",  # matches "puskesmas" and any tail word so begun
    "no report has it": "zzqxv",
}


def _vocabulary(rng: random.Random) -> list[str]:
    letters = "abcdefghijklmnoprstuw"
    tail = {"".join(rng.choices(letters, k=rng.randint(5, 9))) for _ in range(20_000)}
    return COMMON + sorted(tail)


def _text(rng: random.Random, words: list[str], weights: list[float], count: int) -> str:
    return " ".join(rng.choices(words, weights, k=count))


def _time(run) -> float:
    run()
    samples = []
    for _ in range(ROUNDS):
        started = time.perf_counter()
        run()
        samples.append(time.perf_counter() - started)
    return statistics.median(samples)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000, 1_000_000])
    parser.add_argument(
        "--keep", type=Path, help="build the database in this directory and keep it"
    )
    args = parser.parse_args()

    from sqlalchemy import func, select

    from app.complaints.models import Complaint
    from app.directory.models import Category, Region
    from app.extensions import db
    from app.publishing.queries import is_published, published_complaints
    from app.publishing.search import words_of
    from app.publishing.views import LISTED_AT_MOST
    from app.web.paging import paginate
    from bench.common import directory_app

    rng = random.Random(11)
    words = _vocabulary(rng)
    weights = [1 / (rank + 1) for rank in range(len(words))]
    stems = {word: words_of(word) for word in words}  # its stem and itself as written
    QUERIES["rare word"] = words[-7]

    def scan(text: str):
        """The search as it was: every word LIKE '%word%' over the masked texts."""
        haystack = func.lower(
            func.coalesce(Complaint.published_title, "")
            + " "
            + func.coalesce(Complaint.published_description, "")
        )
        query = select(Complaint).where(is_published())
        for word in text.split():
            query = query.where(haystack.like(f"%{word}%"))
        return query.order_by(Complaint.created_at.desc(), Complaint.id.desc())

    def page(statement, most: int | None = None):
        """The list page's queries; `statement` is built inside the timing (an index search
        counts its words and finds the words a prefix begins before it queries)."""
        return lambda: paginate(statement(), 1, 20, most=most)

    with tempfile.TemporaryDirectory(prefix="search-bench-") as temporary:
        app, path = directory_app(args.keep or Path(temporary))
        with app.app_context():
            regencies = list(db.session.scalars(select(Region.code).where(Region.level == 2)))
            categories = list(db.session.scalars(select(Category.code)))
        client = app.test_client()
        start = datetime(2024, 1, 1)
        done = 0
        for size in sorted(args.sizes):
            started = time.perf_counter()
            raw = sqlite3.connect(path)
            raw.execute("PRAGMA synchronous=OFF")
            for first in range(done + 1, size + 1, CHUNK):  # a chunk at a time: bounded memory
                complaints, index = [], []
                for complaint_id in range(first, min(first + CHUNK, size + 1)):
                    title = _text(rng, words, weights, 8)
                    description = _text(rng, words, weights, 40)
                    at = start + timedelta(seconds=complaint_id * 60)
                    complaints.append(
                        (
                            complaint_id,
                            f"B{complaint_id:08d}",
                            title,
                            description,
                            title,
                            description,
                            at.isoformat(" "),
                            rng.choice(regencies),
                            rng.choice(categories),
                        )
                    )
                    text = f"{title} {description}"
                    found = {stem for word in text.split() for stem in stems[word]}
                    index.extend((stem, complaint_id) for stem in found)
                raw.executemany(
                    "insert into complaints (id, tracking_code, type, status, privacy, title, "
                    "description, published_title, published_description, created_at, "
                    "region_code, category_code, locale, channel, support_count, "
                    "organisation_shown, version) values (?, ?, 'complaint', 'verified', "
                    "'public', ?, ?, ?, ?, ?, ?, ?, 'id', 'web', 1, 0, 1)",
                    complaints,
                )
                raw.executemany(
                    "insert into published_words (word, complaint_id) values (?, ?)", index
                )
            raw.execute("ANALYZE")
            raw.commit()
            raw.close()
            done = size
            print(
                f"\n{size:>9,} published complaints ({time.perf_counter() - started:.0f} s to load)"
            )
            print(
                f"  {'query':<24} {'scan, exact':>12} {'index, exact':>13}"
                f" {'index, capped':>14} {'scan / capped':>14}"
            )
            with app.app_context():
                for label, text in QUERIES.items():
                    scanned = _time(page(lambda text=text: scan(text)))
                    indexed = lambda text=text: published_complaints(text=text)  # noqa: E731
                    exact = _time(page(indexed))
                    capped = _time(page(indexed, LISTED_AT_MOST))
                    print(
                        f"  {label:<24} {scanned * 1000:9.1f} ms {exact * 1000:10.1f} ms"
                        f" {capped * 1000:11.1f} ms {scanned / capped:13.0f}×"
                    )
            for label, text in QUERIES.items():
                whole = _time(lambda text=text: client.get(f"/laporan?q={text}"))
                print(f"  /laporan, {label:<24} {whole * 1000:8.1f} ms (whole page)")


if __name__ == "__main__":
    main()
