"""Duplicate detection: precision and recall on labelled pairs, and search time as data grows.

(a) Quality, on app/routing/data/duplicates.csv (80 hand-written pairs: duplicates and near
    misses). Every distinct text_a is filed as a complaint; each text_b is then searched
    (`find_candidates`, staff view: every complaint) and the pair counts as "same" when
    text_a's complaint is among the results. Also prints the candidate stage alone (shares
    at least one LSH band) for other band shapes, and precision/recall at other thresholds.
    The default threshold (DUPLICATE_MIN_SCORE) was chosen on this same set, so these numbers
    flatter it.

(b) Speed: complaints are generated (topic words, place names and everyday words combined at
    random, stemmed as the app does) and bulk-loaded with their index rows into a temporary
    SQLite database with the app's own schema; then the real `find_candidates` (stemming,
    index lookup, join to complaints, rescoring) runs for new texts. Complaints arrive at a
    constant national rate (1,000 a day by default), so 1,000,000 complaints span 1,000 days
    and the search window (90 days) holds about the same number at every size: that the
    search time stays flat shows it reads only its window, not the whole table.

    .venv/bin/python bench/duplicates.py                      # both, 100k and 1M
    .venv/bin/python bench/duplicates.py --sizes 100000 --queries 100
    .venv/bin/python bench/duplicates.py --quality-only
"""

from __future__ import annotations

import argparse
import csv
import itertools
import os
import random
import sqlite3
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PAIRS = ROOT / "app" / "routing" / "data" / "duplicates.csv"


# --- (a) precision and recall ------------------------------------------------------------


def quality(app) -> None:
    from sqlalchemy import select

    from app.complaints.models import Channel, Complaint
    from app.complaints.operations import create_complaint
    from app.duplicates import find_candidates, index
    from app.extensions import db

    rows = list(csv.DictReader(PAIRS.open(encoding="utf-8")))
    threshold = app.config["DUPLICATE_MIN_SCORE"]
    with app.app_context():
        filed: dict[tuple[str, str], int] = {}
        for row in rows:
            key = (row["text_a"], row["region_a"])
            if key in filed:
                continue
            complaint, _ = create_complaint(
                {
                    "type": "complaint",
                    "title": " ".join(row["text_a"].split()[:8])[:150],
                    "description": row["text_a"],
                    "region_code": row["region_a"],
                    "category": "roads",
                    "privacy": "public",
                    "email": "bench@example.org",
                },
                channel=Channel.API,
                locale="id",
            )
            filed[key] = complaint.id
        db.session.commit()

        # Every score of every pair, so other thresholds can be shown too.
        app.config["DUPLICATE_MIN_SCORE"] = 0.0
        scored: list[tuple[float, bool]] = []
        started = time.perf_counter()
        for row in rows:
            found = find_candidates(row["text_b"], row["region_b"], published_only=False, limit=5)
            target = filed[(row["text_a"], row["region_a"])]
            value = next((s for c, s in found if c.id == target), 0.0)
            scored.append((value, row["same"] == "1"))
        per_query = (time.perf_counter() - started) / len(rows)
        app.config["DUPLICATE_MIN_SCORE"] = threshold
        assert db.session.scalar(select(Complaint.id).limit(1)) is not None

    positives = sum(same for _, same in scored)
    print(f"Duplicates, quality: {len(rows)} labelled pairs ({PAIRS.relative_to(ROOT)}), ")
    print(f"  {positives} duplicates, {len(rows) - positives} near misses; text_a filed, text_b")
    print("  searched in the same regency and window; threshold chosen on this same set")
    print("  threshold  precision  recall  F1")
    for value in sorted({0.25, 0.30, threshold, 0.35, 0.40, 0.45}):
        tp = sum(1 for s, same in scored if same and s >= value)
        fp = sum(1 for s, same in scored if not same and s >= value)
        precision = tp / (tp + fp) if tp + fp else 0.0
        recall = tp / positives
        f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
        mark = "  <- DUPLICATE_MIN_SCORE" if value == threshold else ""
        print(f"  {value:9.2f}  {precision:9.3f}  {recall:6.3f}  {f1:.3f}{mark}")
    print(f"  {1000 * per_query:.1f} ms per search (stemming included)")

    print("  candidate stage alone (positives sharing >= 1 band; near misses too):")
    saved = index.NUM_BANDS, index.ROWS
    for bands, rows_per_band in ((16, 1), (16, 2), (32, 2), (20, 3)):
        index.NUM_BANDS, index.ROWS = bands, rows_per_band
        index._permutations.cache_clear()
        index._permuted.cache_clear()
        index._band_key.cache_clear()
        hits = {True: 0, False: 0}
        for row in rows:
            a = set(index.band_keys(index.features(row["text_a"])))
            b = set(index.band_keys(index.features(row["text_b"])))
            hits[row["same"] == "1"] += bool(a & b)
        index.NUM_BANDS, index.ROWS = saved
        index._permutations.cache_clear()
        index._permuted.cache_clear()
        index._band_key.cache_clear()
        chosen = "  <- in use" if (bands, rows_per_band) == saved else ""
        print(
            f"    {bands:2} bands x {rows_per_band} rows: duplicates {hits[True] / positives:.3f}"
            f", near misses {hits[False] / (len(rows) - positives):.3f}{chosen}"
        )


# --- (b) search time ---------------------------------------------------------------------

TOPICS = [
    "jalan berlubang aspal rusak tambal retak ambles lubang kendaraan",
    "lampu penerangan jalan mati padam gelap tiang kabel malam",
    "sampah tumpuk angkut bau truk pembuangan liar tps",
    "air pdam mati keruh mengalir pipa bocor tangki meteran",
    "listrik pln padam pemadaman trafo tegangan meteran token",
    "banjir genang drainase selokan tersumbat got luap hujan",
    "sekolah guru murid pungutan seragam buku zonasi ppdb",
    "puskesmas dokter antre obat pasien rujukan bpjs perawat",
    "ktp elektronik blangko disdukcapil kartu keluarga akta cetak",
    "pungli petugas uang kuitansi calo bayar administrasi biaya",
    "jembatan putus kayu lapuk penyeberangan sungai rangka ambruk",
    "bansos bantuan sosial pkh beras penerima data salur",
    "sinyal internet bts menara jaringan telepon operator lemot",
    "angkot trayek halte bus terminal ongkos sopir penumpang",
    "pasar kios pedagang retribusi kumuh becek los parkir",
    "pohon tumbang dahan patah rawan tebang ranting kabel",
    "izin usaha bangunan imb pbg perizinan berkas proses",
    "parkir liar trotoar pejalan kaki juru pedagang kaki lima",
    "rumah sakit igd ranap kamar penuh tolak pasien biaya",
    "gas elpiji langka tabung pangkalan harga eceran subsidi",
    "pupuk subsidi petani kios langka kartu tani sawah",
    "tanggul rob abrasi laut pantai pasang jebol warga",
    "kebisingan karaoke tempat hiburan malam ganggu tetangga",
    "anjing liar gigit rabies kucing hewan berkeliaran",
    "gedung sekolah atap bocor roboh kelas rusak plafon",
]
EVERYDAY = [
    "warga",
    "kampung",
    "rt",
    "rw",
    "gang",
    "dekat",
    "depan",
    "belakang",
    "samping",
    "ujung",
    "tengah",
    "sebelah",
    "pagi",
    "siang",
    "sore",
    "malam",
    "kemarin",
    "senin",
    "selasa",
    "rabu",
    "kamis",
    "jumat",
    "sabtu",
    "minggu",
    "bulan",
    "tahun",
    "anak",
    "ibu",
    "bapak",
    "lansia",
    "motor",
    "mobil",
    "sepeda",
    "jatuh",
    "bahaya",
    "parah",
    "lama",
    "cepat",
    "tolong",
    "mohon",
    "segera",
    "perbaiki",
    "cek",
    "lapor",
    "keluh",
    "protes",
    "kecewa",
    "susah",
    "repot",
    "takut",
    "khawatir",
    "rugi",
    "hilang",
    "rusak",
    "baru",
    "lama",
    "musim",
    "hujan",
    "kemarau",
    "panas",
    "dingin",
    "ramai",
    "sepi",
    "macet",
    "antre",
    "tunggu",
    "jam",
    "hari",
    "pekan",
]
SYLLABLES = [
    "ka",
    "ki",
    "ku",
    "ke",
    "ko",
    "ma",
    "mi",
    "mu",
    "me",
    "mo",
    "sa",
    "si",
    "su",
    "se",
    "so",
    "ta",
    "ti",
    "tu",
    "te",
    "to",
    "ra",
    "ri",
    "ru",
    "re",
    "ro",
    "ja",
    "ci",
    "bu",
]
RATE_PER_DAY = 1000


def _vocabulary(rng: random.Random) -> tuple[list[list[str]], list[str]]:
    places = sorted(
        {"".join(rng.choice(SYLLABLES) for _ in range(rng.randint(2, 4))) for _ in range(6000)}
    )
    return [t.split() for t in TOPICS], places


def _regencies(rng: random.Random) -> tuple[list[str], list[float]]:
    """514 regency codes, a few of them busy cities: weights fall as 1/rank^0.8 (the busiest
    gets 7 % of all complaints). Returns the codes and cumulative weights for choices()."""
    codes = [f"{11 + p}.{r:02d}" for p in range(38) for r in range(1, 15)][:514]
    rng.shuffle(codes)
    return codes, list(itertools.accumulate(1 / (rank + 1) ** 0.8 for rank in range(len(codes))))


def _text(rng: random.Random, topics: list[list[str]], places: list[str]) -> list[str]:
    topic = rng.choice(topics)
    words = rng.sample(topic, rng.randint(3, 6))
    words += rng.sample(places, rng.randint(1, 2))
    words += rng.sample(EVERYDAY, rng.randint(3, 8))
    rng.shuffle(words)
    return words


def _generate(path: Path, size: int, seed: int) -> tuple[datetime, float]:
    """Bulk-load `size` complaints and their index rows; returns "now" and seconds taken."""
    from app.duplicates.index import band_keys, features, regency_of

    rng = random.Random(seed)
    topics, places = _vocabulary(rng)
    regencies, weights = _regencies(rng)
    stems: dict[str, list[str]] = {}

    def tokens_of(words: list[str]) -> list[str]:
        found: set[str] = set()
        for word in words:
            if word not in stems:
                stems[word] = features(word)
            found.update(stems[word])
        return sorted(found)

    span = timedelta(days=size / RATE_PER_DAY)
    now = datetime.now(UTC)  # the app searches back from the real clock
    start = now - span
    step = span / size
    statuses = ["received"] * 2 + ["verified", "in_progress", "resolved", "closed"] * 2
    statuses += ["needs_info", "archived", "flagged"]
    started = time.perf_counter()
    connection = sqlite3.connect(path)
    connection.execute("PRAGMA journal_mode=OFF")
    connection.execute("PRAGMA synchronous=OFF")
    # Secondary indexes are built once after loading, which is much faster than row by row.
    indexes = connection.execute(
        "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL "
        "AND tbl_name IN ('complaints', 'duplicate_bands')"
    ).fetchall()
    for name, _sql in indexes:
        connection.execute(f'DROP INDEX "{name}"')
    chunk = 50_000
    for first in range(0, size, chunk):
        complaints, signatures, bands = [], [], []
        for i in range(first, min(size, first + chunk)):
            cid = i + 1
            regency = rng.choices(regencies, cum_weights=weights)[0]
            region = f"{regency}.{rng.randint(1, 20):02d}"
            words = _text(rng, topics, places)
            tokens = tokens_of(words)
            at = (start + step * i).strftime("%Y-%m-%d %H:%M:%S.%f")
            privacy = "public" if rng.random() < 0.7 else rng.choice(("confidential", "anonymous"))
            complaints.append(
                (
                    cid,
                    f"{cid >> 16:04X}-{cid & 0xFFFF:04X}",
                    None if privacy == "public" else "0" * 64,
                    "complaint",
                    rng.choice(statuses),
                    privacy,
                    " ".join(words[:6]),
                    " ".join(words),
                    region,
                    "roads",
                    "id",
                    "api",
                    1,
                    1,
                    at,
                )
            )
            signatures.append((cid, regency_of(region), region, at, " ".join(tokens)))
            bands.extend((key, regency, at, cid) for key in band_keys(tokens))
        connection.executemany(
            "INSERT INTO complaints (id, tracking_code, secret_hash, type, status, privacy, "
            "title, description, region_code, category_code, locale, channel, support_count, "
            "version, created_at) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
            complaints,
        )
        connection.executemany(
            "INSERT INTO duplicate_signatures (complaint_id, regency_code, region_code, "
            "created_at, tokens) VALUES (?,?,?,?,?)",
            signatures,
        )
        connection.executemany(
            "INSERT INTO duplicate_bands (band_key, regency_code, created_at, complaint_id) "
            "VALUES (?,?,?,?)",
            bands,
        )
        connection.commit()
    for _name, sql in indexes:
        connection.execute(sql)
    connection.execute("ANALYZE")
    connection.commit()
    connection.close()
    return now, time.perf_counter() - started


def speed(size: int, queries: int, seed: int, workdir: Path) -> dict:
    from sqlalchemy import func, select

    from app import create_app
    from app.duplicates.index import band_keys, features, regency_of
    from app.duplicates.models import DuplicateBand
    from app.duplicates.queries import candidate_query, find_candidates
    from app.extensions import db

    path = workdir / f"duplicates-{size}.db"
    path.unlink(missing_ok=True)
    app = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{path}"})
    with app.app_context():
        db.create_all()  # the models' schema, as the migrations build it
        db.engine.dispose()
    now, load_seconds = _generate(path, size, seed)
    rng = random.Random(seed + 1)
    topics, places = _vocabulary(random.Random(seed))
    regencies, weights = _regencies(random.Random(seed))
    searches = []
    recent = max(1, size - 90 * RATE_PER_DAY)
    with sqlite3.connect(path) as connection:
        for n in range(queries + 20):
            if n % 5 == 0:  # one in five retells a complaint of the last 90 days
                description, region = connection.execute(
                    "SELECT description, region_code FROM complaints WHERE id = ?",
                    (rng.randint(recent, size),),
                ).fetchone()
                words = description.split()
                words = rng.sample(words, max(3, len(words) - 2)) + rng.sample(EVERYDAY, 2)
                searches.append((" ".join(words), region))
            else:
                regency = rng.choices(regencies, cum_weights=weights)[0]
                searches.append(
                    (" ".join(_text(rng, topics, places)), f"{regency}.{rng.randint(1, 20):02d}")
                )
    full, lookup, rows_read, found = [], [], [], []
    with app.app_context():
        for n, (text, region) in enumerate(searches):
            started = time.perf_counter()
            result = find_candidates(text, region, published_only=True, limit=5)
            elapsed = time.perf_counter() - started
            tokens = features(text)
            keys = band_keys(tokens)
            since = now - timedelta(days=app.config["DUPLICATE_WINDOW_DAYS"])
            started = time.perf_counter()
            db.session.execute(
                candidate_query(keys, regency_of(region), since, published_only=True)
            ).all()
            elapsed_lookup = time.perf_counter() - started
            if n < 20:
                continue  # warm-up
            full.append(elapsed)
            lookup.append(elapsed_lookup)
            found.append(len(result))
            rows_read.append(
                db.session.scalar(
                    select(func.count()).where(
                        DuplicateBand.band_key.in_(keys),
                        DuplicateBand.regency_code == regency_of(region),
                        DuplicateBand.created_at >= since,
                    )
                )
            )
        db.session.remove()
        db.engine.dispose()
    megabytes = path.stat().st_size / 1e6
    path.unlink()
    for suffix in ("-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)

    def p95(values: list[float]) -> float:
        return statistics.quantiles(values, n=20)[-1]

    return {
        "size": size,
        "load": load_seconds,
        "mb": megabytes,
        "median": statistics.median(full) * 1000,
        "p95": p95(full) * 1000,
        "lookup_median": statistics.median(lookup) * 1000,
        "lookup_p95": p95(lookup) * 1000,
        "rows": statistics.median(rows_read),
        "found": statistics.mean(found),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="100000,1000000", help="comma-separated sizes")
    parser.add_argument("--queries", type=int, default=200, help="timed searches per size")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--quality-only", action="store_true")
    parser.add_argument("--speed-only", action="store_true")
    args = parser.parse_args()
    sys.path.insert(0, str(ROOT))
    with tempfile.TemporaryDirectory(prefix="suara-duplicates-") as instance:
        os.environ.update(SUARA_ENV="testing", SUARA_INSTANCE=instance)
        from app import create_app
        from app.directory.operations import load_directory
        from app.extensions import db

        if not args.speed_only:
            app = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{instance}/quality.db"})
            with app.app_context():
                db.create_all()
                load_directory()
                db.session.commit()
            quality(app)
            with app.app_context():
                db.engine.dispose()
        if args.quality_only:
            return 0
        results = []
        for size in (int(s) for s in args.sizes.split(",")):
            print(f"Generating and loading {size:,} complaints …", flush=True)
            results.append(speed(size, args.queries, args.seed, Path(instance)))
        print(
            f"Duplicates, search time ({args.queries} searches per size, published only, "
            f"{RATE_PER_DAY:,} complaints a day nationally, 90-day window, SQLite):"
        )
        print(
            "  complaints  load s    DB MB  median ms  p95 ms  lookup median  lookup p95"
            "  index rows read  found"
        )
        for r in results:
            print(
                f"  {r['size']:10,}  {r['load']:6.0f}  {r['mb']:7.0f}  {r['median']:9.2f}"
                f"  {r['p95']:6.2f}  {r['lookup_median']:13.2f}  {r['lookup_p95']:10.2f}"
                f"  {r['rows']:15.0f}  {r['found']:5.2f}"
            )
        if len(results) > 1:
            first, last = results[0], results[-1]
            print(
                f"  ratio {last['size'] // first['size']}x data: median "
                f"{last['median'] / first['median']:.2f}x, p95 {last['p95'] / first['p95']:.2f}x,"
                f" lookup median {last['lookup_median'] / first['lookup_median']:.2f}x"
            )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
