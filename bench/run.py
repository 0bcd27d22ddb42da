"""Page weight and throughput of Suara Warga, measured against a same-run baseline.

    .venv/bin/python bench/run.py            # full run (2,000 requests per scenario)
    .venv/bin/python bench/run.py --quick    # a tiny run, to check that everything works
    make bench

What it does (see bench/README.md for what the numbers mean):

1. Builds a throw-away database in a temporary instance directory (`flask db upgrade` and
   `flask directory load`, SUARA_ENV=testing), exactly as tests/conftest.py does.
2. Starts Suara Warga and a bare Flask "hello" app (bench/hello_app.py) under gunicorn with
   the production config file, each on a free 127.0.0.1 port.
3. Page weight: fetches /lapor and every stylesheet and script a browser would load from it,
   and compares the gzip-compressed sizes with the budgets.
4. Throughput: drives GET /lapor, POST /api/v1/complaints and the hello app with a fixed
   number of keep-alive client threads, and reports req/s, p50 and p99 latency.
5. With --offline: the offline-first budgets and delivery of a queue of complaints by the
   service worker in Chromium (bench/offline.py, which also runs on its own).
6. Prints a report, merges it into bench/results/latest.json, and stops every server it
   started.
"""

from __future__ import annotations

import argparse
import contextlib
import ctypes
import gzip
import http.client
import json
import os
import platform
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime
from html.parser import HTMLParser
from importlib import metadata
from pathlib import Path
from typing import Any
from urllib.parse import urljoin, urlsplit

ROOT = Path(__file__).resolve().parent.parent
HOST = "127.0.0.1"
GUNICORN_CONFIG = "python:app.gunicorn_config"
HTML_CSS_BUDGET = 14 * 1024  # what fits in the first TCP round trip (initial window of 10)
JS_BUDGET = 30 * 1024
DEFAULT_OUTPUT = ROOT / "bench" / "results" / "latest.json"

COMPLAINT = {
    "type": "complaint",
    "title": "Jalan rusak",
    "description": "Lubang besar di jalan",
    "region_code": "32.73",
    "category": "roads",
    "privacy": "public",
    "email": "warga@example.org",
}


def _bin(name: str) -> str:
    """A console script of the venv this interpreter belongs to."""
    here = Path(sys.executable).parent / name
    return str(here if here.exists() else ROOT / ".venv" / "bin" / name)


# Ports browsers refuse to connect to (the Fetch standard's "bad ports"); the offline bench
# opens the app in Chromium. The kernel's ephemeral range is above them, but be sure.
# fmt: off
BAD_PORTS = frozenset({
    1, 7, 9, 11, 13, 15, 17, 19, 20, 21, 22, 23, 25, 37, 42, 43, 53, 69, 77, 79, 87, 95, 101, 102,
    103, 104, 109, 110, 111, 113, 115, 117, 119, 123, 135, 137, 139, 143, 161, 179, 389, 427, 465,
    512, 513, 514, 515, 526, 530, 531, 532, 540, 548, 554, 556, 563, 587, 601, 636, 989, 990, 993,
    995, 1719, 1720, 1723, 2049, 3659, 4045, 4190, 5060, 5061, 6000, 6566, 6665, 6666, 6667, 6668,
    6669, 6679, 6697, 10080,
})
# fmt: on


def free_port() -> int:
    while True:
        with socket.socket() as s:
            s.bind((HOST, 0))
            port = s.getsockname()[1]
        if port not in BAD_PORTS:
            return port


def _die_with_parent() -> None:
    """In the child, before exec: if this script is killed outright, SIGTERM the gunicorn
    master too (Linux only), so that not even `kill -9` leaves a server behind."""
    if not sys.platform.startswith("linux"):
        return
    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG


# --- servers -------------------------------------------------------------------------------


class Server:
    """One gunicorn master and its workers, in a process group of their own."""

    def __init__(
        self, name: str, app_spec: str, env: dict[str, str], log_path: Path, ready_path: str
    ) -> None:
        self.name = name
        self.app_spec = app_spec
        self.env = env
        self.log_path = log_path
        self.ready_path = ready_path
        self.port = 0
        self.proc: subprocess.Popen | None = None
        self._log = None

    def start(self, timeout: float = 30) -> None:
        self.port = free_port()
        self._log = self.log_path.open("w")
        # --no-control-socket: gunicorn's control socket defaults to one shared path in the
        # home directory; a second server (or someone's test run) would fight over it.
        self.proc = subprocess.Popen(
            [
                _bin("gunicorn"),
                "-c",
                GUNICORN_CONFIG,
                "--no-control-socket",
                "--bind",
                f"{HOST}:{self.port}",
                self.app_spec,
            ],
            env=self.env,
            cwd=ROOT,
            stdout=self._log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
            preexec_fn=_die_with_parent,
        )
        deadline = time.monotonic() + timeout
        while True:
            if self.proc.poll() is not None:
                raise RuntimeError(f"{self.name} server exited at start:\n{self.log_tail()}")
            with contextlib.suppress(OSError, http.client.HTTPException):
                conn = http.client.HTTPConnection(HOST, self.port, timeout=2)
                try:
                    conn.request("GET", self.ready_path)
                    response = conn.getresponse()
                    response.read()
                    if response.status == 200:
                        return
                finally:
                    conn.close()
            if time.monotonic() > deadline:
                raise RuntimeError(
                    f"{self.name} server not ready in {timeout}s:\n{self.log_tail()}"
                )
            time.sleep(0.2)

    def stop(self) -> None:
        """SIGTERM the master (it stops its workers), then SIGKILL whatever is left of the
        process group. Only ever signals the group this script created."""
        proc = self.proc
        if proc is not None:
            if proc.poll() is None:
                proc.terminate()
                try:
                    proc.wait(timeout=15)
                except subprocess.TimeoutExpired:
                    with contextlib.suppress(ProcessLookupError):
                        os.killpg(proc.pid, signal.SIGKILL)
                    proc.wait(timeout=5)
            # Workers normally exit with the master; make sure no orphan survives it.
            for _ in range(50):
                try:
                    os.killpg(proc.pid, 0)
                except ProcessLookupError:
                    break
                time.sleep(0.1)
            else:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(proc.pid, signal.SIGKILL)
            self.proc = None
        if self._log is not None:
            self._log.close()
            self._log = None

    def log_tail(self, lines: int = 30) -> str:
        if self._log is not None:
            self._log.flush()
        try:
            return "\n".join(self.log_path.read_text().splitlines()[-lines:])
        except OSError:
            return "(no log)"


def prepare_instance(env: dict[str, str]) -> None:
    """A fresh database by the real migrations, with the directory loaded."""
    for command in (["db", "upgrade"], ["directory", "load"]):
        done = subprocess.run(
            [_bin("flask"), *command], env=env, cwd=ROOT, capture_output=True, text=True
        )
        if done.returncode != 0:
            raise RuntimeError(f"flask {' '.join(command)} failed:\n{done.stdout}{done.stderr}")


# --- page weight ---------------------------------------------------------------------------


class AssetParser(HTMLParser):
    """The stylesheets and scripts a current browser with JavaScript on would download."""

    JS_TYPES = ("", "text/javascript", "application/javascript", "module")

    def __init__(self) -> None:
        super().__init__()
        self.assets: list[tuple[str, str]] = []  # (kind, url)
        self._noscript = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = {name: (value or "") for name, value in attrs}
        if tag == "noscript":
            self._noscript += 1
        if self._noscript:
            return  # not parsed as markup when scripting is on
        if tag == "link":
            rel = attributes.get("rel", "").lower().split()
            if (
                "stylesheet" in rel
                and "alternate" not in rel
                and "disabled" not in attributes
                and attributes.get("href")
            ):
                self.assets.append(("css", attributes["href"]))
        elif tag == "script" and attributes.get("src"):
            kind = attributes.get("type", "").strip().lower()
            if kind in self.JS_TYPES and "nomodule" not in attributes:
                self.assets.append(("js", attributes["src"]))

    def handle_endtag(self, tag: str) -> None:
        if tag == "noscript" and self._noscript:
            self._noscript -= 1


CSS_IMPORT = re.compile(r"""@import\s+(?:url\(\s*)?["']?([^"')\s;]+)""", re.IGNORECASE)


def gzipped(data: bytes) -> int:
    return len(gzip.compress(data, compresslevel=9, mtime=0))


def fetch(url: str, headers: dict[str, str] | None = None) -> tuple[int, bytes, dict[str, str]]:
    parts = urlsplit(url)
    if parts.hostname != HOST:
        raise ValueError(f"refusing to fetch {url}: only {HOST} is a benchmark target")
    conn = http.client.HTTPConnection(HOST, parts.port, timeout=10)
    try:
        path = parts.path + (f"?{parts.query}" if parts.query else "")
        conn.request("GET", path, headers={"Accept-Encoding": "gzip, br", **(headers or {})})
        response = conn.getresponse()
        return response.status, response.read(), {k.lower(): v for k, v in response.getheaders()}
    finally:
        conn.close()


def page_weight(port: int, path: str = "/lapor") -> dict[str, Any]:
    base = f"http://{HOST}:{port}"
    page_url = base + path
    status, html, headers = fetch(page_url)
    if status != 200:
        raise RuntimeError(f"GET {path} answered {status}")
    resources = [
        {
            "kind": "html",
            "url": path,
            "status": status,
            "raw": len(html),
            "gzip": gzipped(html),
            "served_encoding": headers.get("content-encoding", ""),
        }
    ]
    parser = AssetParser()
    parser.feed(html.decode("utf-8", "replace"))
    queue = [(kind, urljoin(page_url, ref)) for kind, ref in parser.assets]
    seen: set[str] = set()
    external: list[str] = []
    while queue:
        kind, url = queue.pop(0)
        if url in seen:
            continue
        seen.add(url)
        parts = urlsplit(url)
        if (parts.hostname, parts.port) != (HOST, port):
            external.append(url)  # another origin: not fetched, and it breaks the budget
            continue
        status, body, headers = fetch(url)
        shown = parts.path + (f"?{parts.query}" if parts.query else "")
        resources.append(
            {
                "kind": kind,
                "url": shown,
                "status": status,
                "raw": len(body),
                "gzip": gzipped(body),
                "served_encoding": headers.get("content-encoding", ""),
            }
        )
        if kind == "css" and status == 200:  # @import'ed sheets load too
            css = body.decode("utf-8", "replace")
            queue.extend(("css", urljoin(url, ref)) for ref in CSS_IMPORT.findall(css))

    def total(kinds: tuple[str, ...], key: str) -> int:
        return sum(r[key] for r in resources if r["kind"] in kinds)

    complete = not external and all(r["status"] == 200 for r in resources)
    html_css = total(("html", "css"), "gzip")
    js = total(("js",), "gzip")
    return {
        "page": path,
        "resources": resources,
        "external_not_fetched": external,
        "complete": complete,
        "html_css": {
            "raw": total(("html", "css"), "raw"),
            "gzip": html_css,
            "budget": HTML_CSS_BUDGET,
            "pass": complete and html_css <= HTML_CSS_BUDGET,
        },
        "js": {
            "raw": total(("js",), "raw"),
            "gzip": js,
            "budget": JS_BUDGET,
            "pass": complete and js <= JS_BUDGET,
        },
    }


# --- load generator ------------------------------------------------------------------------


@dataclass
class Scenario:
    name: str
    server: Server
    method: str
    path: str
    expect: int
    json_body: dict | None = None
    results: dict[str, Any] = field(default_factory=dict)

    def request(self) -> tuple[bytes | None, dict[str, str]]:
        if self.json_body is None:
            return None, {}
        body = json.dumps(self.json_body).encode()
        return body, {"Content-Type": "application/json", "Idempotency-Key": str(uuid.uuid4())}


def percentile(ordered: list[float], p: float) -> float:
    """Nearest-rank percentile of an already sorted list."""
    if not ordered:
        return float("nan")
    rank = max(1, -(-len(ordered) * p // 100))  # ceil(n * p / 100)
    return ordered[int(rank) - 1]


def drive(
    scenario: Scenario, total: int, concurrency: int
) -> tuple[list[tuple[float, int | None]], float]:
    """`total` requests from `concurrency` threads, each with its own keep-alive connection.
    Returns every (seconds, status) sample and the wall-clock time of the whole batch."""
    port = scenario.server.port
    lock = threading.Lock()
    issued = 0
    samples: list[list[tuple[float, int | None]]] = [[] for _ in range(concurrency)]
    start = threading.Barrier(concurrency + 1)

    def take() -> bool:
        nonlocal issued
        with lock:
            if issued >= total:
                return False
            issued += 1
            return True

    def client(out: list[tuple[float, int | None]]) -> None:
        conn = http.client.HTTPConnection(HOST, port, timeout=60)
        with contextlib.suppress(OSError):
            conn.connect()
        start.wait()
        while take():
            body, headers = scenario.request()
            began = time.perf_counter()
            status: int | None
            try:
                conn.request(scenario.method, scenario.path, body=body, headers=headers)
                response = conn.getresponse()
                response.read()
                status = response.status
                if response.will_close:
                    conn.close()  # reopened by the next request
            except (OSError, http.client.HTTPException):
                status = None
                conn.close()
            out.append((time.perf_counter() - began, status))
        conn.close()

    threads = [threading.Thread(target=client, args=(out,), daemon=True) for out in samples]
    for thread in threads:
        thread.start()
    start.wait()
    began = time.perf_counter()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - began

    return [sample for out in samples for sample in out], elapsed


def summarize(
    scenario: Scenario, flat: list[tuple[float, int | None]], elapsed: float, rounds: int
) -> dict[str, Any]:
    latencies = sorted(seconds for seconds, _ in flat)
    statuses: dict[str, int] = {}
    for _, status in flat:
        statuses[str(status)] = statuses.get(str(status), 0) + 1
    return {
        "requests": len(flat),
        "rounds": rounds,
        "errors": sum(1 for _, status in flat if status != scenario.expect),
        "statuses": statuses,
        "seconds": elapsed,
        "rps": len(flat) / elapsed if elapsed else 0.0,
        "p50_ms": percentile(latencies, 50) * 1000,
        "p99_ms": percentile(latencies, 99) * 1000,
        "max_ms": latencies[-1] * 1000 if latencies else float("nan"),
    }


def measure(
    scenarios: list[Scenario], requests: int, warmup: int, concurrency: int, rounds: int
) -> None:
    """Warm every scenario up, then run them interleaved: in each round every scenario gets
    its share of the requests, in turn. Anything else loading the machine for a while then
    slows all scenarios alike, instead of whichever one happened to be running."""
    for scenario in scenarios:
        if warmup:
            drive(scenario, warmup, concurrency)
    rounds = max(1, min(rounds, requests))
    samples: dict[str, list[tuple[float, int | None]]] = {s.name: [] for s in scenarios}
    seconds = dict.fromkeys(samples, 0.0)
    for number in range(rounds):
        share = requests // rounds + (1 if number < requests % rounds else 0)
        print(f"  round {number + 1}/{rounds}: {share:,} requests per scenario", flush=True)
        for scenario in scenarios:
            flat, elapsed = drive(scenario, share, concurrency)
            samples[scenario.name].extend(flat)
            seconds[scenario.name] += elapsed
    for scenario in scenarios:
        scenario.results = summarize(
            scenario, samples[scenario.name], seconds[scenario.name], rounds
        )


# --- report --------------------------------------------------------------------------------


def kib(n: int) -> str:
    return f"{n / 1024:.1f} KiB"


def print_page_weight(weight: dict[str, Any]) -> None:
    print(f"\n== 1. Page weight: GET {weight['page']} and everything it loads ==\n")
    print(f"  {'kind':<5} {'resource':<34} {'status':>6} {'raw bytes':>10} {'gzip -9':>9}")
    for r in weight["resources"]:
        print(f"  {r['kind']:<5} {r['url']:<34} {r['status']:>6} {r['raw']:>10,} {r['gzip']:>9,}")
    for url in weight["external_not_fetched"]:
        print(f"  ???   {url}  (other origin: not fetched)")
    print()
    for label, key in (("HTML + CSS", "html_css"), ("all JS", "js")):
        part = weight[key]
        verdict = "PASS" if part["pass"] else "FAIL"
        room = part["budget"] - part["gzip"]
        word = "under" if room >= 0 else "OVER"
        print(
            f"  {label:<11} {part['gzip']:>7,} B gzip ({kib(part['gzip'])}) vs budget "
            f"{part['budget']:,} B ({kib(part['budget'])}): {verdict}  "
            f"[{abs(room):,} B {word}; raw {part['raw']:,} B]"
        )
    if not weight["complete"]:
        print("  ! Some resources were not fetched or not 200: the budgets count as FAIL.")
    served = {r["served_encoding"] for r in weight["resources"]} - {""}
    print("  Sizes are response bodies compressed here with gzip level 9 (no brotli),")
    print("  without HTTP headers.", end=" ")
    if served:
        print(f"The app serves Content-Encoding {', '.join(sorted(served))} itself.")
    else:
        print("The app serves them uncompressed;")
        print("  the budgets assume a compressing proxy in front of it.")


def print_throughput(scenarios: list[Scenario], baseline: Scenario, settings: dict) -> None:
    print("\n== 2. Throughput under gunicorn ==\n")
    print(
        f"  gunicorn -c {GUNICORN_CONFIG}: WEB_CONCURRENCY={settings['workers']}, "
        f"GUNICORN_THREADS={settings['threads']}"
    )
    print(
        f"  load: {settings['concurrency']} client threads, keep-alive connections, "
        f"{settings['requests']:,} requests per scenario after {settings['warmup']:,} "
        f"warm-up requests,\n  scenarios interleaved in {settings['rounds']} round(s)\n"
    )
    header = (
        f"  {'scenario':<34} {'requests':>8} {'errors':>6} {'req/s':>8} {'p50 ms':>8} "
        f"{'p99 ms':>8} {'vs hello':>8}"
    )
    print(header)
    print("  " + "-" * (len(header) - 2))
    ceiling = baseline.results["rps"]
    for s in scenarios:
        r = s.results
        ratio = r["rps"] / ceiling if ceiling else float("nan")
        print(
            f"  {s.name:<34} {r['requests']:>8,} {r['errors']:>6} {r['rps']:>8.1f} "
            f"{r['p50_ms']:>8.2f} {r['p99_ms']:>8.2f} {ratio:>7.0%}"
        )
    for s in scenarios:
        if s.results["errors"]:
            print(
                f"  ! {s.name}: {s.results['errors']} responses were not {s.expect} "
                f"(statuses {s.results['statuses']}); see the server log."
            )
    cpus = os.cpu_count() or 0
    print(f"\n  This machine has {cpus} CPU core(s). The Python load generator runs on the same")
    print("  cores as the servers and competes with them for CPU, so absolute req/s are lower")
    print("  than on a dedicated server and the hello ceiling is partly the client's own limit.")
    print("  Compare the 'vs hello' ratios (same run, same machine), not the absolute numbers.")
    before, after = settings["load_average_before"], settings["load_average_after"]
    print(f"  1-minute load average: {before:.2f} before, {after:.2f} after the measurement.")
    if before > cpus / 2:
        print("  ! Other processes were already busy on this machine: expect noisier numbers.")


def write_results(path: Path, sections: dict[str, Any]) -> None:
    """Merge `sections` into the JSON report at `path`: the top-level keys given replace
    their old values, every other key (another script's section) is kept."""
    merged: dict[str, Any] = {}
    with contextlib.suppress(OSError, ValueError):
        old = json.loads(path.read_text())
        if isinstance(old, dict):
            merged = old
    merged.update(sections)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(merged, indent=2) + "\n")


# --- main ----------------------------------------------------------------------------------


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--requests", type=int, default=2000, help="measured requests per scenario (default 2000)"
    )
    parser.add_argument(
        "--warmup",
        type=int,
        default=100,
        help="unmeasured warm-up requests per scenario (default 100)",
    )
    parser.add_argument(
        "--concurrency",
        type=int,
        default=8,
        help="client threads, one keep-alive connection each (default 8)",
    )
    parser.add_argument("--workers", type=int, default=2, help="WEB_CONCURRENCY (default 2)")
    parser.add_argument("--threads", type=int, default=4, help="GUNICORN_THREADS (default 4)")
    parser.add_argument(
        "--rounds",
        type=int,
        default=4,
        help="interleave the scenarios in this many rounds, splitting the requests (default 4)",
    )
    parser.add_argument(
        "--quick",
        action="store_true",
        help="a tiny run to check the harness: 100 requests, 10 warm-up, 2 rounds",
    )
    parser.add_argument(
        "--offline",
        action="store_true",
        help="also run the offline-first section (bench/offline.py: service worker and "
        "precache budgets, queue delivery in Chromium)",
    )
    parser.add_argument(
        "--output",
        type=Path,
        default=DEFAULT_OUTPUT,
        help="where to write the JSON results (default bench/results/latest.json)",
    )
    args = parser.parse_args(argv)
    if args.quick:
        args.requests, args.warmup, args.rounds = 100, 10, 2
    if min(args.requests, args.concurrency, args.rounds, args.workers, args.threads) < 1:
        parser.error("--requests, --concurrency, --rounds, --workers, --threads must be >= 1")
    if args.warmup < 0:
        parser.error("--warmup must be at least 0")
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    # A plain `kill` must also reach the finally below that stops the servers.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))

    instance = Path(tempfile.mkdtemp(prefix="suara-bench-"))
    env = {
        **os.environ,
        "SUARA_ENV": "testing",
        "SUARA_INSTANCE": str(instance),
        "FLASK_APP": "app",
        "WEB_CONCURRENCY": str(args.workers),
        "GUNICORN_THREADS": str(args.threads),
    }
    for name in ("DATABASE_URL", "UPLOAD_DIR"):  # everything lives in the temporary instance
        env.pop(name, None)
    suara = Server("suara", "app.wsgi:app", env, instance / "suara.log", "/healthz")
    hello = Server("hello", "bench.hello_app:app", env, instance / "hello.log", "/")
    servers = [suara, hello]
    started = datetime.now(UTC)
    try:
        print("Suara Warga benchmark", started.strftime("%Y-%m-%d %H:%M:%S UTC"))
        print(f"Preparing a database in {instance} ...", flush=True)
        prepare_instance(env)
        for server in servers:
            server.start()
        print(f"Servers up: suara on {HOST}:{suara.port}, hello on {HOST}:{hello.port}", flush=True)

        weight = page_weight(suara.port)
        print_page_weight(weight)

        scenarios = [
            Scenario("(a) GET /lapor", suara, "GET", "/lapor", 200),
            Scenario(
                "(b) POST /api/v1/complaints",
                suara,
                "POST",
                "/api/v1/complaints",
                201,
                json_body=COMPLAINT,
            ),
            Scenario("(c) hello (bare Flask, ceiling)", hello, "GET", "/", 200),
        ]
        load_before = os.getloadavg()[0]
        print(f"\n  Measuring throughput (load average before: {load_before:.2f}) ...", flush=True)
        measure(scenarios, args.requests, args.warmup, args.concurrency, args.rounds)
        load_after = os.getloadavg()[0]
        settings = {
            "workers": args.workers,
            "threads": args.threads,
            "concurrency": args.concurrency,
            "requests": args.requests,
            "warmup": args.warmup,
            "rounds": min(args.rounds, args.requests),
            "load_average_before": load_before,
            "load_average_after": load_after,
        }
        print_throughput(scenarios, scenarios[-1], settings)

        offline_results = None
        if args.offline:
            import offline  # bench/offline.py, next to this file; needs Playwright

            offline_results = offline.measure_offline(
                suara, instance, heading="== 3. Offline-first (bench/offline.py) =="
            )

        ceiling = scenarios[-1].results["rps"]
        results = {
            "generated_at": started.isoformat(timespec="seconds"),
            "machine": {
                "cpus": os.cpu_count(),
                "platform": platform.platform(),
                "python": platform.python_version(),
                "gunicorn": metadata.version("gunicorn"),
                "flask": metadata.version("flask"),
            },
            "settings": {**settings, "gunicorn_config": GUNICORN_CONFIG, "quick": args.quick},
            "page_weight": weight,
            "throughput": {
                s.name: {
                    **s.results,
                    "method": s.method,
                    "path": s.path,
                    "expected_status": s.expect,
                    "ratio_to_hello": s.results["rps"] / ceiling if ceiling else None,
                }
                for s in scenarios
            },
            "notes": [
                "Client and servers share the machine's CPU cores; compare ratios "
                "against the same-run hello baseline, not absolute numbers."
            ],
        }
        if offline_results is not None:
            results["offline"] = offline_results
        write_results(args.output, results)
        print(f"\n== {4 if args.offline else 3}. Results merged into {args.output} ==")
        failed = sum(s.results["errors"] for s in scenarios)
        if offline_results is not None and not offline_results["delivery"]["ok"]:
            failed += 1
        return 1 if failed else 0
    except Exception:
        for server in servers:
            if server.proc is not None:
                print(
                    f"\n--- last lines of the {server.name} server log ---\n{server.log_tail()}",
                    file=sys.stderr,
                )
        raise
    finally:
        for server in servers:
            server.stop()
        shutil.rmtree(instance, ignore_errors=True)


if __name__ == "__main__":
    try:
        sys.exit(main())
    except KeyboardInterrupt:  # the servers were already stopped by main()'s finally
        print("\nInterrupted; servers stopped, temporary instance removed.", file=sys.stderr)
        sys.exit(130)
