"""Offline-first Suara Warga: what the service worker costs, and how fast it delivers a queue.

    .venv/bin/python bench/offline.py              # this section on its own
    .venv/bin/python bench/run.py --offline        # after page weight and throughput

What it does (see bench/README.md, "Offline-first"):

1. Budgets. GET /sw.js as served, plus every script it `importScripts` (static/js/queue.js),
   gzip -9, against 15 KB. Then every URL in the worker's PRECACHE lists, fetched as the worker
   fetches it (pages and assets with `cache: "reload"`, the htmx fragments with
   `HX-Request: true`), gzip -9, against 150 KB, with a breakdown per kind.
2. Delivery. Debian Chromium (Playwright, a persistent profile in a temporary directory) opens
   the app as http://localhost:PORT, waits until the service worker controls the page, goes
   offline, puts 50 complaints in the on-device queue (every 5th with a small PNG), goes
   online and announces it, and times until all 50 queue entries are "sent". The deliveries'
   bytes are read from the POST /api/v1/complaints requests Playwright sees on the context
   (the worker's requests included), and the database must hold each complaint exactly once.
3. Merges an "offline" section into bench/results/latest.json (other sections are kept).
"""

from __future__ import annotations

import argparse
import base64
import contextlib
import json
import os
import re
import shutil
import signal
import sqlite3
import struct
import sys
import tempfile
import time
import uuid
import zlib
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from run import (
    DEFAULT_OUTPUT,
    HOST,
    Server,
    fetch,
    gzipped,
    kib,
    prepare_instance,
    write_results,
)

WORKER_BUDGET = 15 * 1024  # the service worker and the queue code it imports
PRECACHE_BUDGET = 150 * 1024  # everything the worker downloads when it installs
KINDS = ("pages", "assets", "fragments")
API = "/api/v1/complaints"

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]

COMPLAINT = {
    "type": "complaint",
    "description": "Lubang besar sudah dua bulan, motor sering jatuh kalau hujan.",
    "province": "32",
    "regency": "32.73",
    "category": "roads",
    "privacy": "anonymous",
    "locale": "id",
}

# --- 1. budgets ------------------------------------------------------------------------------

PRECACHE_LINE = re.compile(r"^var PRECACHE = (.*);\s*$", re.MULTILINE)
IMPORT_SCRIPTS = re.compile(r"""importScripts\(([^)]*)\)""")
STRING = re.compile(r"""["']([^"']+)["']""")


def worker_lists(source: str) -> tuple[dict[str, list[str]], list[str]]:
    """The PRECACHE lists and the importScripts URLs of the served worker."""
    found = PRECACHE_LINE.search(source)
    if not found:
        raise RuntimeError("no `var PRECACHE = {...};` line in the served /sw.js")
    precache = json.loads(found.group(1))
    missing = [kind for kind in KINDS if not isinstance(precache.get(kind), list)]
    if missing or set(precache) - set(KINDS):
        raise RuntimeError(f"PRECACHE has lists {sorted(precache)}; expected {list(KINDS)}")
    imports = [url for call in IMPORT_SCRIPTS.findall(source) for url in STRING.findall(call)]
    return precache, imports


def _entry(kind: str, url: str, status: int, body: bytes, headers: dict[str, str]) -> dict:
    cache_control = headers.get("cache-control", "")
    return {
        "kind": kind,
        "url": url,
        "status": status,
        "raw": len(body),
        "gzip": gzipped(body),
        # What the worker's keep() stores: ok responses that are not no-store.
        "kept": 200 <= status < 300 and "no-store" not in cache_control,
        "cache_control": cache_control,
    }


def budgets(port: int) -> dict[str, Any]:
    base = f"http://{HOST}:{port}"
    status, source, headers = fetch(f"{base}/sw.js")
    if status != 200:
        raise RuntimeError(f"GET /sw.js answered {status}")
    precache, imports = worker_lists(source.decode("utf-8"))
    worker = [_entry("worker", "/sw.js", status, source, headers)]
    for url in imports:
        if urlsplit(url).netloc:
            raise RuntimeError(f"the worker imports {url} from another origin")
        worker.append(_entry("import", url, *fetch(base + url)))
    worker_gzip = sum(r["gzip"] for r in worker)
    worker_ok = all(r["status"] == 200 for r in worker)

    precached: list[dict] = []
    for kind in KINDS:
        for url in precache[kind]:
            if urlsplit(url).netloc:
                raise RuntimeError(f"PRECACHE lists {url} on another origin")
            # fetch(url, {cache: "reload"}) sends no-cache; the fragments go with HX-Request.
            extra = {"HX-Request": "true"} if kind == "fragments" else {"Cache-Control": "no-cache"}
            precached.append(_entry(kind, url, *fetch(base + url, headers=extra)))
    by_kind = {
        kind: {
            "count": sum(1 for r in precached if r["kind"] == kind),
            "raw": sum(r["raw"] for r in precached if r["kind"] == kind),
            "gzip": sum(r["gzip"] for r in precached if r["kind"] == kind),
        }
        for kind in KINDS
    }
    precache_gzip = sum(part["gzip"] for part in by_kind.values())
    precache_ok = all(r["status"] == 200 for r in precached)
    return {
        "worker": {
            "resources": worker,
            "raw": sum(r["raw"] for r in worker),
            "gzip": worker_gzip,
            "budget": WORKER_BUDGET,
            "pass": worker_ok and worker_gzip <= WORKER_BUDGET,
        },
        "precache": {
            "resources": precached,
            "by_kind": by_kind,
            "raw": sum(r["raw"] for r in precached),
            "gzip": precache_gzip,
            "budget": PRECACHE_BUDGET,
            "complete": precache_ok,
            "not_kept": [r["url"] for r in precached if not r["kept"]],
            "pass": precache_ok and precache_gzip <= PRECACHE_BUDGET,
        },
    }


def _verdict(label: str, part: dict) -> str:
    room = part["budget"] - part["gzip"]
    return (
        f"  {label:<22} {part['gzip']:>8,} B gzip ({kib(part['gzip'])}) vs budget "
        f"{part['budget']:,} B ({kib(part['budget'])}): {'PASS' if part['pass'] else 'FAIL'}  "
        f"[{abs(room):,} B {'under' if room >= 0 else 'OVER'}; raw {part['raw']:,} B]"
    )


def print_budgets(result: dict[str, Any]) -> None:
    worker, precache = result["worker"], result["precache"]
    print("  Service worker, as served, and what it imports:\n")
    print(f"  {'resource':<34} {'status':>6} {'raw bytes':>10} {'gzip -9':>9}")
    for r in worker["resources"]:
        print(f"  {r['url']:<34} {r['status']:>6} {r['raw']:>10,} {r['gzip']:>9,}")
    print()
    print(_verdict("worker + queue code", worker))
    print("\n  Everything the worker precaches when it installs, fetched as it fetches it:\n")
    print(f"  {'kind':<10} {'count':>5} {'raw bytes':>10} {'gzip -9':>9}   largest (gzip)")
    for kind, part in precache["by_kind"].items():
        mine = [r for r in precache["resources"] if r["kind"] == kind]
        top = max(mine, key=lambda r: r["gzip"], default=None)
        largest = f"{top['url']} {top['gzip']:,} B" if top else "-"
        print(f"  {kind:<10} {part['count']:>5} {part['raw']:>10,} {part['gzip']:>9,}   {largest}")
    print(
        f"  {'total':<10} {len(precache['resources']):>5} {precache['raw']:>10,} "
        f"{precache['gzip']:>9,}"
    )
    print()
    print(_verdict("everything precached", precache))
    bad = [r for r in precache["resources"] + worker["resources"] if r["status"] != 200]
    for r in bad:
        print(f"  ! {r['url']} answered {r['status']}: the budget counts as FAIL.")
    for url in precache["not_kept"]:
        print(f"  ! {url} is not stored by the worker (not ok, or Cache-Control no-store).")
    print("  Sizes: response bodies compressed here with gzip level 9, each file on its own")
    print("  (no brotli, no HTTP headers); pages in the default language (no cookies sent).")


# --- 2. delivery -----------------------------------------------------------------------------


def png_bytes(size: int = 8) -> bytes:
    """A valid size×size red RGB PNG, made without an imaging library."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data))
            + kind
            + data
            + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
        )

    rows = b"".join(b"\x00" + b"\xc8\x1e\x1e" * size for _ in range(size))
    header = struct.pack(">IIBBBBB", size, size, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(rows, 9))
        + chunk(b"IEND", b"")
    )


# In the page, with the context offline: complaints into the on-device queue, as the filing
# form's submit handler would put them. Each one's multipart size is measured here too, by
# building the body exactly as the worker's deliver() does (its fields and its files).
QUEUE_JS = """async ({count, every, png, prefix, fields}) => {
  const bytes = Uint8Array.from(atob(png), c => c.charCodeAt(0));
  const queued = [];
  for (let i = 1; i <= count; i++) {
    const fd = new FormData();
    for (const [name, value] of Object.entries(fields)) fd.set(name, value);
    fd.set("title", `${prefix} ${String(i).padStart(3, "0")}`);
    fd.set("client_id", crypto.randomUUID());
    const attached = i % every === 0;
    if (attached) fd.append("attachments", new Blob([bytes], {type: "image/png"}), "foto.png");
    const entry = SuaraQueue.fromForm(fd);
    const body = new FormData();
    Object.keys(entry.fields).forEach(name => body.append(name, entry.fields[name]));
    entry.files.forEach((file, k) =>
      body.append("attachments", file, file.name || "file-" + (k + 1)));
    const size = (await new Response(body).arrayBuffer()).byteLength;
    await SuaraQueue.put(entry);
    queued.push({title: entry.title, id: fd.get("client_id"), attached, body: size});
  }
  return {queued, online: navigator.onLine};
}"""

HOLD_ONLINE_JS = """() => {
  window.__benchHeldOnline = 0;
  window.addEventListener("online", event => {
    if (!event.isTrusted) return;
    window.__benchHeldOnline += 1;
    event.stopImmediatePropagation();
  }, true);
}"""

# Back online: what offline.js does on the "online" event (ask the worker to replay the
# queue), then watch the queue until every entry is "sent".
DELIVER_JS = """async ({count, timeoutMs}) => {
  const started = performance.now();
  window.dispatchEvent(new Event("online"));
  for (;;) {
    const entries = await SuaraQueue.all();
    const states = {};
    entries.forEach(e => { states[e.state] = (states[e.state] || 0) + 1; });
    const elapsed = performance.now() - started;
    if ((states.sent || 0) >= count || elapsed > timeoutMs) return {states, ms: elapsed};
    await new Promise(resolve => setTimeout(resolve, 20));
  }
}"""


def delivery(
    port: int, database: Path, profile: Path, count: int, every: int, timeout: float
) -> dict[str, Any]:
    from playwright.sync_api import sync_playwright

    origin = f"http://localhost:{port}"  # a secure context, unlike http://127.0.0.1
    prefix = f"bench-offline {uuid.uuid4().hex[:8]}"
    posts: list[Any] = []
    finished: list[Any] = []
    failed: list[Any] = []

    def is_delivery(request: Any) -> bool:
        return request.method == "POST" and urlsplit(request.url).path == API

    with sync_playwright() as playwright:
        context = playwright.chromium.launch_persistent_context(
            str(profile),
            executable_path=CHROMIUM,
            args=CHROMIUM_ARGS,
            headless=True,
            base_url=origin,
            locale="id-ID",
        )
        try:
            context.set_default_timeout(30_000)
            page = context.pages[0] if context.pages else context.new_page()
            installed = time.perf_counter()
            page.goto("/lapor")
            page.wait_for_function("() => navigator.serviceWorker.controller !== null")
            page.evaluate("() => navigator.serviceWorker.ready.then(() => true)")
            page.wait_for_function("() => window.SuaraQueue !== undefined")
            install_seconds = time.perf_counter() - installed
            worker_script = page.evaluate("() => navigator.serviceWorker.controller.scriptURL")

            context.on("request", lambda r: posts.append(r) if is_delivery(r) else None)
            context.on("requestfinished", lambda r: finished.append(r) if is_delivery(r) else None)
            context.on("requestfailed", lambda r: failed.append(r) if is_delivery(r) else None)

            context.set_offline(True)
            png = base64.b64encode(png_bytes()).decode()
            fields = {**COMPLAINT}
            queued = page.evaluate(
                QUEUE_JS,
                {"count": count, "every": every, "png": png, "prefix": prefix, "fields": fields},
            )
            if queued["online"]:
                raise RuntimeError("the page still says navigator.onLine after set_offline(True)")
            if posts:
                raise RuntimeError(f"{len(posts)} deliveries were attempted while offline")
            items = queued["queued"]

            # Chromium's network comes back for the page a moment before it does for the
            # worker: the "online" event Chromium fires in the page (offline.js then asks the
            # worker to deliver), or an event dispatched straight after set_offline(False),
            # sometimes made the first delivery fail with ERR_INTERNET_DISCONNECTED and be
            # retried. So the page's own "online" event is held back (and counted), the
            # worker's network is probed (GET /healthz from inside it), and then the event is
            # dispatched. The clock runs from set_offline(False), probe included.
            page.evaluate(HOLD_ONLINE_JS)
            began = time.perf_counter()
            context.set_offline(False)
            probes = _wait_until_worker_online(context)
            watched = page.evaluate(DELIVER_JS, {"count": count, "timeoutMs": timeout * 1000})
            seconds = time.perf_counter() - began
            # Let the driver hand over the last requestfinished events.
            settle = time.monotonic() + 10
            while len(finished) + len(failed) < len(posts) and time.monotonic() < settle:
                page.wait_for_timeout(50)
            page.wait_for_timeout(200)
            traffic = _traffic(posts, finished, failed, items)
            held_back = page.evaluate("() => window.__benchHeldOnline")
        finally:
            context.close()

    sent = watched["states"].get("sent", 0)
    rows = _rows(database, prefix)
    titles = {item["title"] for item in items}
    attached = sum(1 for item in items if item["attached"])
    checks = {
        "all_sent": sent == count,
        "rows_once_each": rows["by_title"] == dict.fromkeys(titles, 1),
        "rows_total": rows["total"] == count,
        "attachments": rows["attachments"] == attached,
        # Network failures (never reached the server) are retried; they are reported apart.
        "responses_201": {k: v for k, v in traffic["statuses"].items() if k != "failed"}
        == {"201": count},
    }
    return {
        "complaints": count,
        "with_attachment": attached,
        "png_bytes": len(png_bytes()),
        "worker_script": worker_script,
        "install_seconds": install_seconds,
        "seconds": seconds,
        "seconds_in_page": watched["ms"] / 1000,
        "complaints_per_second": sent / seconds if seconds else 0.0,
        "queue_states": watched["states"],
        "worker_online_probes": probes,
        "browser_online_events_held_back": held_back,
        "traffic": traffic,
        "database": rows,
        "checks": checks,
        "ok": all(checks.values()),
    }


def _wait_until_worker_online(context: Any, timeout: float = 10) -> int:
    """Fetch /healthz from inside the service worker until it gets through; how many tries."""
    workers = context.service_workers
    if not workers:
        raise RuntimeError("no service worker is running")
    deadline = time.monotonic() + timeout
    tries = 0
    while True:
        tries += 1
        if workers[0].evaluate(PROBE_JS):
            return tries
        if time.monotonic() > deadline:
            raise RuntimeError(f"the service worker is still offline after {timeout} s")


PROBE_JS = """() => fetch("/healthz", {cache: "no-store"}).then(r => r.ok, () => false)"""


def _traffic(posts: list, finished: list, failed: list, items: list[dict]) -> dict[str, Any]:
    """Bytes of the deliveries as Chromium reports them, checked against the page's own count.

    Request bodies: the Content-Length each request went out with (Playwright's
    requestBodySize is 0 for a multipart body with a file part, as Chromium hands over no
    post data for it). Responses: Playwright's responseBodySize. Headers: Playwright's
    requestHeadersSize / responseHeadersSize (the request and status lines included)."""
    statuses: dict[str, int] = {}
    up = up_headers = down = down_headers = 0
    lengths_known = sizes_known = True
    from_worker = 0
    for request in finished:
        sizes = request.sizes()
        response = request.response()
        status = str(response.status) if response else "none"
        statuses[status] = statuses.get(status, 0) + 1
        from_worker += 1 if request.service_worker is not None else 0
        length = request.all_headers().get("content-length")
        if length is None:
            lengths_known = False
        else:
            up += int(length)
        up_headers += sizes.get("requestHeadersSize") or 0
        body = sizes.get("responseBodySize") or 0
        if not body and response is not None:
            body = int(response.all_headers().get("content-length") or 0)
        sizes_known = sizes_known and body > 0
        down += body
        down_headers += sizes.get("responseHeadersSize") or 0
    if failed:
        statuses["failed"] = len(failed)
    computed_up = sum(item["body"] for item in items)
    lengths_known = lengths_known and bool(finished)
    return {
        "requests": len(posts),
        "finished": len(finished),
        "failed": len(failed),
        "from_service_worker": from_worker,
        "statuses": statuses,
        "up_source": "request Content-Length seen by Playwright"
        if lengths_known
        else "multipart sizes computed in the page",
        "up_body": up if lengths_known else computed_up,
        "up_headers": up_headers,
        "down_source": "Playwright responseBodySize" if sizes_known else "incomplete",
        "down_body": down,
        "down_headers": down_headers,
        "computed_up_body": computed_up,
        # Only a retried delivery (none expected here) makes these differ.
        "up_matches_computed": lengths_known and up == computed_up,
    }


def _rows(database: Path, prefix: str) -> dict[str, Any]:
    with contextlib.closing(sqlite3.connect(f"file:{database}?mode=ro", uri=True)) as db:
        by_title = dict(
            db.execute(
                "SELECT title, COUNT(*) FROM complaints WHERE title LIKE ? GROUP BY title",
                (prefix + "%",),
            ).fetchall()
        )
        (attachments,) = db.execute(
            "SELECT COUNT(*) FROM attachments JOIN complaints ON complaints.id = complaint_id "
            "WHERE complaints.title LIKE ?",
            (prefix + "%",),
        ).fetchone()
    return {
        "prefix": prefix,
        "total": sum(by_title.values()),
        "distinct": len(by_title),
        "attachments": attachments,
        "by_title": by_title,
    }


def print_delivery(result: dict[str, Any]) -> None:
    t = result["traffic"]
    n = result["complaints"]
    print(
        f"  {n} complaints queued offline ({result['with_attachment']} with a "
        f"{result['png_bytes']} B PNG), then delivered by the service worker:\n"
    )
    print(
        f"  seconds to deliver {n:<4}    {result['seconds']:>9.2f} s   (set_offline(False) to "
        'all entries "sent")'
    )
    print(f"  complaints/s             {result['complaints_per_second']:>9.1f}")
    print(f"  bytes up (POST bodies)   {t['up_body']:>9,} B  + {t['up_headers']:,} B headers")
    print(f"  bytes down (responses)   {t['down_body']:>9,} B  + {t['down_headers']:,} B headers")
    total = t["up_body"] + t["up_headers"] + t["down_body"] + t["down_headers"]
    print(
        f"  bytes, all together      {total:>9,} B  ({total / result['complaints']:,.0f} B "
        "per complaint)"
    )
    print(
        f"  requests                 {t['requests']:>9}   ({t['from_service_worker']} from the "
        f"service worker; statuses {t['statuses']})"
    )
    same = "equal to" if t["up_matches_computed"] else f"vs {t['computed_up_body']:,} B for"
    print(f"  sources: up = {t['up_source']},")
    print(f"    {same} the multipart bodies measured in the page before queueing;")
    print(f"    down = {t['down_source']}; headers as Playwright counts them.")
    db = result["database"]
    print(
        f"  database: {db['total']} rows titled '{db['prefix']} …', {db['distinct']} distinct, "
        f"{db['attachments']} attachments"
    )
    print(
        f"  worker install (first visit until it controls the page): "
        f"{result['install_seconds']:.2f} s"
    )
    print(
        f'  harness: Chromium\'s own page "online" event held back '
        f"({result['browser_online_events_held_back']}x); worker network up after "
        f"{result['worker_online_probes']} probe(s)"
    )
    if t["failed"]:
        print(
            f"  ! {t['failed']} delivery attempt(s) failed at the network and were retried; "
            "the time includes the retry."
        )
    for name, ok in result["checks"].items():
        if not ok:
            print(f"  ! check failed: {name} (queue states {result['queue_states']})")
    print(f"  delivery: {'OK' if result['ok'] else 'FAILED'}")


# --- the section, and the script ------------------------------------------------------------


def measure_offline(
    server: Server,
    instance: Path,
    heading: str = "== Offline-first ==",
    count: int = 50,
    every: int = 5,
    timeout: float = 120,
) -> dict[str, Any]:
    """Both parts against a running Suara Warga server whose SQLite database is in `instance`."""
    started = datetime.now(UTC)
    print(f"\n{heading}\n")
    print("  -- Budgets --\n")
    weights = budgets(server.port)
    print_budgets(weights)
    print(f"\n  -- Delivery: Chromium against http://localhost:{server.port} --\n", flush=True)
    profile = Path(tempfile.mkdtemp(prefix="chromium-profile-", dir=instance))
    try:
        delivered = delivery(server.port, instance / "suara.db", profile, count, every, timeout)
    finally:
        shutil.rmtree(profile, ignore_errors=True)
    print_delivery(delivered)
    return {
        "generated_at": started.isoformat(timespec="seconds"),
        "chromium": CHROMIUM,
        "playwright": metadata.version("playwright"),
        "settings": {
            "workers": int(server.env.get("WEB_CONCURRENCY", 0)),
            "threads": int(server.env.get("GUNICORN_THREADS", 0)),
            "complaints": count,
            "attach_every": every,
        },
        "budgets": weights,
        "delivery": delivered,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--complaints", type=int, default=50, help="queued (default 50)")
    parser.add_argument(
        "--attach-every", type=int, default=5, help="every Nth gets a PNG (default 5)"
    )
    parser.add_argument("--timeout", type=float, default=120, help="seconds (default 120)")
    parser.add_argument("--workers", type=int, default=2, help="WEB_CONCURRENCY (default 2)")
    parser.add_argument("--threads", type=int, default=4, help="GUNICORN_THREADS (default 4)")
    parser.add_argument(
        "--output",
        type=Path,
        default=DEFAULT_OUTPUT,
        help="JSON report to merge the 'offline' section into (default bench/results/latest.json)",
    )
    args = parser.parse_args(argv)
    if min(args.complaints, args.attach_every, args.workers, args.threads) < 1:
        parser.error("--complaints, --attach-every, --workers, --threads must be >= 1")
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))

    instance = Path(tempfile.mkdtemp(prefix="suara-bench-offline-"))
    env = {
        **os.environ,
        "SUARA_ENV": "testing",
        "SUARA_INSTANCE": str(instance),
        "FLASK_APP": "app",
        "WEB_CONCURRENCY": str(args.workers),
        "GUNICORN_THREADS": str(args.threads),
    }
    for name in ("DATABASE_URL", "UPLOAD_DIR"):
        env.pop(name, None)
    suara = Server("suara", "app.wsgi:app", env, instance / "suara.log", "/healthz")
    try:
        print(
            "Suara Warga offline-first benchmark",
            datetime.now(UTC).strftime("%Y-%m-%d %H:%M:%S UTC"),
        )
        print(f"Preparing a database in {instance} ...", flush=True)
        prepare_instance(env)
        suara.start()
        print(
            f"Server up: suara on {HOST}:{suara.port} "
            f"(WEB_CONCURRENCY={args.workers}, GUNICORN_THREADS={args.threads})",
            flush=True,
        )
        result = measure_offline(
            suara,
            instance,
            "== Offline-first ==",
            args.complaints,
            args.attach_every,
            args.timeout,
        )
        write_results(args.output, {"offline": result})
        print(f"\n== 'offline' section merged into {args.output} ==")
        return 0 if result["delivery"]["ok"] else 1
    except Exception:
        if suara.proc is not None:
            print(f"\n--- last lines of the server log ---\n{suara.log_tail()}", file=sys.stderr)
        raise
    finally:
        suara.stop()
        shutil.rmtree(instance, ignore_errors=True)


if __name__ == "__main__":
    try:
        sys.exit(main())
    except KeyboardInterrupt:
        print(
            "\nInterrupted; server and browser stopped, temporary files removed.", file=sys.stderr
        )
        sys.exit(130)
