"""Scorecard pages at 10,000, 100,000 and 1,000,000 complaints (SQLite in a temp directory).

    .venv/bin/python bench/scorecards.py            # 10k, 100k, 1M (a few minutes)
    .venv/bin/python bench/scorecards.py --sizes 10000 100000

For each size the per-complaint facts (`scorecard_facts`) are bulk-inserted straight into the
table — a plausible spread over agencies, regions, topics, 24 months and states, ~5 % overdue
— and the aggregates are rebuilt from them with `rebuild_aggregates()` (the same GROUP BY
`flask scorecards rebuild` uses; not timed as a page). Then the Flask test client renders the
all-agencies page (/rapor), one filtered by topic, the busiest agency's page, a province's
page, the ranking of one regency/city, and the region downloads (every province; a
province's regencies); each is rendered once to warm up, then ROUNDS times, and the median
is printed with its ratio to the 10,000-complaint time of the same run. The pages read only
the aggregate tables and an index range of the facts (overdue now), so the time should
barely grow.
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
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("SUARA_ENV", "testing")

ROUNDS = 5
OPEN = ("received", "needs_info", "verified", "in_progress", "forwarded", "reopened")


def _months(today: date, count: int = 24) -> list[str]:
    months, year, month = [], today.year, today.month
    for _ in range(count):
        months.append(f"{year:04d}-{month:02d}")
        year, month = (year, month - 1) if month > 1 else (year - 1, 12)
    return months


def _rows(start_id: int, count: int, directory: dict, today: date, rng: random.Random):
    regencies, central, by_region, categories = (
        directory["regencies"],
        directory["central"],
        directory["by_region"],
        directory["categories"],
    )
    months = _months(today)
    for complaint_id in range(start_id, start_id + count):
        regency = rng.choice(regencies)
        province = regency.split(".")[0]
        roll = rng.random()
        if roll < 0.08:
            agency_id = None
        elif roll < 0.70:
            agency_id = by_region.get(regency)
        elif roll < 0.80:
            agency_id = by_region.get(province)
        else:
            agency_id = rng.choice(central)
        state = rng.random()
        if agency_id is None:
            status = rng.choice(("received", "needs_info", "merged", "archived", "flagged"))
        elif state < 0.62:
            status = rng.choice(("resolved", "closed", "closed", "closed"))
        elif state < 0.95:
            status = rng.choice(("verified", "in_progress", "in_progress", "forwarded", "reopened"))
        else:
            status = "in_progress"
        received = rng.randrange(len(months))
        responded = agency_id is not None and (status not in ("verified", "forwarded"))
        first = int(rng.expovariate(1 / 4)) if responded else None
        resolution = (
            (first or 0) + int(rng.expovariate(1 / 10))
            if status in ("resolved", "closed")
            else None
        )
        resolved_month = (
            months[max(received - rng.randint(0, 2), 0)] if resolution is not None else None
        )
        rating = rng.randint(1, 5) if status == "closed" and rng.random() < 0.6 else None
        due = None
        if status in OPEN:
            due = today + timedelta(
                days=rng.randint(-4, 60) if rng.random() > 0.15 else rng.randint(-90, -5)
            )
        elif status == "resolved":
            due = today + timedelta(days=rng.randint(0, 14))
        yield (
            complaint_id,
            agency_id,
            regency,
            province,
            rng.choice(categories),
            status,
            months[received],
            due.isoformat() if due else None,
            first,
            months[max(received - rng.randint(0, 1), 0)] if responded else None,
            (first <= 5) if first is not None else None,
            resolution,
            resolved_month,
            rating,
            resolved_month if rating is not None else None,  # rated when confirmed
        )


def _time(client, url: str) -> float:
    assert client.get(url).status_code == 200, url  # warm-up (and a check)
    times = []
    for _ in range(ROUNDS):
        started = time.perf_counter()
        response = client.get(url)
        times.append(time.perf_counter() - started)
        assert response.status_code == 200, url
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000, 1_000_000])
    args = parser.parse_args()

    from sqlalchemy import func, select

    from app.directory.models import Agency, Category, Region
    from app.extensions import db
    from app.scorecards.facts import rebuild_aggregates
    from app.scorecards.models import ScorecardFact
    from app.scorecards.queries import today
    from bench.common import directory_app

    with tempfile.TemporaryDirectory(prefix="scorecards-bench-") as tmp:
        app, path = directory_app(Path(tmp))
        with app.app_context():
            directory = {
                "regencies": list(db.session.scalars(select(Region.code).where(Region.level == 2))),
                "provinces": list(db.session.scalars(select(Region.code).where(Region.level == 1))),
                "central": list(
                    db.session.scalars(select(Agency.id).where(Agency.region_code.is_(None)))
                ),
                "by_region": dict(
                    db.session.execute(
                        select(Agency.region_code, Agency.id).where(Agency.region_code.is_not(None))
                    ).all()
                ),
                "categories": list(db.session.scalars(select(Category.code))),
            }
            now = today()
        rng = random.Random(6)
        client = app.test_client()
        results: list[tuple[int, dict[str, float]]] = []
        done = 0
        for size in sorted(args.sizes):
            started = time.perf_counter()
            raw = sqlite3.connect(path)
            raw.execute("PRAGMA foreign_keys=OFF")  # facts without complaint rows: bench only
            raw.execute("PRAGMA synchronous=OFF")
            columns = ", ".join(c.name for c in ScorecardFact.__table__.columns)
            marks = ", ".join("?" * len(ScorecardFact.__table__.columns))
            raw.executemany(
                f"INSERT INTO scorecard_facts ({columns}) VALUES ({marks})",
                _rows(done + 1, size - done, directory, now, rng),
            )
            raw.commit()
            raw.close()
            done = size
            with app.app_context():
                rebuild_aggregates(db.session.connection())
                db.session.commit()
                db.session.execute(db.text("ANALYZE"))
                db.session.commit()
                count = db.session.scalar(select(func.count()).select_from(ScorecardFact))
                busiest = db.session.execute(
                    select(Agency.code)
                    .join(ScorecardFact, ScorecardFact.agency_id == Agency.id)
                    .group_by(Agency.code)
                    .order_by(func.count().desc())
                    .limit(1)
                ).scalar_one()
            built = time.perf_counter() - started
            timings = {
                "/rapor": _time(client, "/rapor"),
                "/rapor?category=roads": _time(client, "/rapor?category=roads"),
                f"/rapor/instansi/{busiest}": _time(client, f"/rapor/instansi/{busiest}"),
                "/rapor/wilayah/32": _time(client, "/rapor/wilayah/32"),
                "/rapor?region=32.73": _time(client, "/rapor?region=32.73"),
                "/rapor/wilayah.json": _time(client, "/rapor/wilayah.json"),
                "/rapor/wilayah.csv?province=32": _time(client, "/rapor/wilayah.csv?province=32"),
            }
            print(f"\n{count:>9,} complaints (facts + aggregates built in {built:.1f} s)")
            results.append((count, timings))
            base = results[0][1]
            for (url, seconds), base_seconds in zip(timings.items(), base.values(), strict=True):
                label = (
                    url if not url.startswith("/rapor/instansi/") else "/rapor/instansi/<busiest>"
                )
                ratio = seconds / base_seconds
                print(f"  {label:<32} {seconds * 1000:8.1f} ms   × {ratio:5.2f} of the first size")


if __name__ == "__main__":
    main()
