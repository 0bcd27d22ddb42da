"""Offline filing: the service worker keeps the form working with no signal, queues what is
sent on this phone (IndexedDB, keyed by the Idempotency-Key) and delivers each complaint
exactly once when the network comes back.

Every test runs a persistent Chromium profile of its own (a "phone" that can be switched off
and on again) against the live gunicorn server, and counts rows in the server's database by
the unique titles it files.
"""

from __future__ import annotations

import base64
import contextlib
import io
import socket
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
import requests
from playwright.sync_api import BrowserContext, Locator, Page, Route, expect
from sqlalchemy import create_engine, text

from tests.browser.conftest import ANSWERS, CHROMIUM, CHROMIUM_ARGS, LOCALES, axe_check
from tests.browser.helpers import wait_for_js

pytestmark = pytest.mark.browser

API = "**/api/v1/complaints"
# Background Sync removed, as in browsers without it (Safari, Firefox): in the pages by an
# init script, and in the service worker (where init scripts do not run) by a prelude to
# queue.js, which the worker imports.
NO_SYNC = (
    "delete window.SyncManager; "
    "Object.defineProperty(ServiceWorkerRegistration.prototype, 'sync', {get: () => undefined});"
)
WORKER_NO_SYNC = (
    "if (typeof ServiceWorkerGlobalScope !== 'undefined') { delete self.SyncManager; "
    "Object.defineProperty(ServiceWorkerRegistration.prototype, 'sync', "
    "{get: function () { return undefined; }}); }\n"
)


def without_background_sync(context: BrowserContext) -> None:
    def patch(route: Route) -> None:
        response = route.fetch()
        route.fulfill(response=response, body=WORKER_NO_SYNC + response.text())

    context.add_init_script(NO_SYNC)
    context.route("**/static/js/queue.js", patch)


# --- the phone: a persistent profile behind its own network -----------------------------------


class Signal:
    """The phone's network: a TCP relay in front of the live server, which the phone's
    Chromium uses as its proxy. Switched off, it drops every connection, so nothing the browser
    does reaches the server. Playwright's offline emulation alone is not enough: a service
    worker that starts with the browser (Chromium starts it at once to fire a pending
    Background Sync) is neither emulated offline nor routed before the launch returns."""

    def __init__(self, target: str) -> None:
        host, port = target.rsplit("//", 1)[1].split(":")
        self.target = ("127.0.0.1" if host == "localhost" else host, int(port))
        self.on = True
        self._server = socket.create_server(("127.0.0.1", 0))
        self.proxy = f"http://127.0.0.1:{self._server.getsockname()[1]}"
        self._lock = threading.Lock()
        self._open: set[socket.socket] = set()
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        while True:
            try:
                client, _ = self._server.accept()
            except OSError:
                return
            if not self.on:
                client.close()
                continue
            try:
                upstream = socket.create_connection(self.target)
            except OSError:
                client.close()
                continue
            with self._lock:
                self._open |= {client, upstream}
            for source, sink in ((client, upstream), (upstream, client)):
                threading.Thread(target=self._pipe, args=(source, sink), daemon=True).start()

    def _pipe(self, source: socket.socket, sink: socket.socket) -> None:
        try:
            while data := source.recv(65536):
                sink.sendall(data)
        except OSError:
            pass
        finally:
            self._hang_up(source, sink)

    def _hang_up(self, *ends: socket.socket) -> None:
        for end in ends:
            with contextlib.suppress(OSError):
                end.shutdown(socket.SHUT_RDWR)
            end.close()
        with self._lock:
            self._open.difference_update(ends)

    def switch(self, on: bool) -> None:
        self.on = on
        if not on:
            with self._lock:
                ends = list(self._open)
            self._hang_up(*ends)

    def close(self) -> None:
        self.switch(False)
        self._server.close()


class Phone:
    """phone(offline=False, lang="id", no_sync=False) → a persistent Chromium context on this
    test's own profile directory. Calling it again after closing the context is switching the
    same phone on again: IndexedDB, caches and the service worker are still there.
    no_sync: a browser without Background Sync (see without_background_sync).

    phone.go_offline(context) / phone.go_online(context): the signal goes and comes back."""

    def __init__(self, playwright, live_server, profile: Path) -> None:
        self.playwright = playwright
        self.url = live_server.url
        self.profile = profile
        self.signal = Signal(live_server.url)
        self.opened: list[BrowserContext] = []

    def __call__(self, offline: bool = False, lang: str = "id", no_sync: bool = False):
        self.signal.switch(not offline)
        context = self.playwright.chromium.launch_persistent_context(
            str(self.profile),
            executable_path=CHROMIUM,
            # Not Playwright's `proxy` option: route.fetch() would tunnel through it too.
            args=[
                *CHROMIUM_ARGS,
                f"--proxy-server={self.signal.proxy}",
                "--proxy-bypass-list=<-loopback>",
            ],
            headless=True,
            base_url=self.url,
            locale=LOCALES[lang],
            offline=offline,
        )
        context.set_default_timeout(10_000)
        context.set_default_navigation_timeout(15_000)
        context.add_cookies(
            [
                {
                    "name": "lang",
                    "value": lang,
                    "url": self.url,
                    "httpOnly": True,
                    "sameSite": "Lax",
                }
            ]
        )
        if no_sync:
            without_background_sync(context)
        if offline:
            context.route("**/*", no_network)
        self.opened.append(context)
        return context

    def go_offline(self, context: BrowserContext) -> None:
        """No signal: the relay drops everything; the pages are told they are offline; and
        routes fail every request, so the tests' own routes see nothing while offline."""
        self.signal.switch(False)
        context.route("**/*", no_network)
        context.set_offline(True)

    def go_online(self, context: BrowserContext) -> None:
        self.signal.switch(True)
        context.unroute("**/*", no_network)
        context.set_offline(False)

    def close(self) -> None:
        for context in self.opened:
            context.close()
        self.signal.close()


@pytest.fixture
def phone(playwright_session, live_server, tmp_path: Path) -> Iterator[Phone]:
    phone = Phone(playwright_session, live_server, tmp_path / "profile")
    yield phone
    phone.close()


def no_network(route: Route) -> None:
    route.abort("internetdisconnected")


def first_page(context: BrowserContext) -> Page:
    return context.pages[0] if context.pages else context.new_page()


def install(context: BrowserContext, path: str = "/") -> Page:
    """Visit online until the service worker (and everything it precaches) controls the page."""
    page = first_page(context)
    page.goto(path)
    page.wait_for_function("() => navigator.serviceWorker.controller !== null")
    page.reload()
    page.wait_for_function("() => navigator.serviceWorker.controller !== null")
    return page


# --- filing and seeding -----------------------------------------------------------------------


def unique_title(label: str) -> str:
    return f"{label} {uuid.uuid4().hex[:10]}"


def file_offline(page: Page, title: str) -> str:
    """Fill and send /lapor (already offline); return the queue id from /antrian?saved=."""
    if not page.url.endswith("/lapor"):
        page.goto("/lapor")
    expect(page.locator("#title")).to_be_visible()
    page.check("#type-0")
    page.fill("#title", title)
    page.fill("#description", ANSWERS["description"])
    with page.expect_response(lambda r: "/lapor/wilayah" in r.url):
        page.select_option("#province", ANSWERS["province"])
    page.wait_for_selector(f"#regency option[value='{ANSWERS['regency']}']", state="attached")
    with page.expect_response(lambda r: "/lapor/wilayah" in r.url):
        page.select_option("#regency", ANSWERS["regency"])
    expect(page.locator("#regency")).to_have_value(ANSWERS["regency"])
    page.select_option("#category", ANSWERS["category"])
    page.check("#privacy-2")
    client_id = page.input_value("input[name=client_id]")
    assert client_id
    page.click("#submit")
    page.wait_for_url("**/antrian?saved=*")
    assert page.url.endswith(f"?saved={client_id}")
    return client_id


def png_bytes() -> bytes:
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (8, 8), (200, 30, 30)).save(out, format="PNG")
    return out.getvalue()


SEED = """async ({items, png}) => {
  const bytes = Uint8Array.from(atob(png), c => c.charCodeAt(0));
  const ids = [];
  for (const item of items) {
    const data = new FormData();
    data.set("client_id", crypto.randomUUID());
    data.set("locale", document.documentElement.lang);
    for (const [name, value] of Object.entries(item.fields)) data.set(name, value);
    if (item.attach) {
      data.append("attachments", new File([bytes], "foto.png", {type: "image/png"}));
    }
    const entry = SuaraQueue.fromForm(data);
    await SuaraQueue.put(entry);
    ids.push(entry.id);
  }
  await SuaraOffline.count();
  return ids;
}"""


def complaint_fields(title: str, category: str = ANSWERS["category"]) -> dict[str, str]:
    return {
        "type": "complaint",
        "title": title,
        "description": ANSWERS["description"],
        "province": ANSWERS["province"],
        "regency": ANSWERS["regency"],
        "category": category,
        "privacy": "anonymous",
    }


def seed(page: Page, items: list[dict]) -> list[str]:
    """Queue entries straight into SuaraQueue from the page, as the form would; their ids."""
    png = base64.b64encode(png_bytes()).decode()
    return page.evaluate(SEED, {"items": items, "png": png})


# --- what the phone and the server hold -------------------------------------------------------


@pytest.fixture
def database(live_server):
    engine = create_engine(live_server.database_url)
    yield engine
    engine.dispose()


def codes_for(database, title: str) -> list[str]:
    with database.connect() as connection:
        return list(
            connection.execute(
                text("SELECT tracking_code FROM complaints WHERE title = :title"),
                {"title": title},
            ).scalars()
        )


def queue(page: Page) -> list[dict]:
    return page.evaluate(
        """() => SuaraQueue.all().then(entries => entries.map(e => ({
             id: e.id, title: e.title, state: e.state, attempts: e.attempts || 0,
             fields: e.fields, files: (e.files || []).length, errors: e.errors || [],
             code: e.receipt ? e.receipt.tracking_code : null,
             secret: e.receipt ? e.receipt.secret || null : null})))"""
    )


def entry(page: Page, entry_id: str) -> dict:
    return next(e for e in queue(page) if e["id"] == entry_id)


def item(page: Page, entry_id: str) -> Locator:
    """The entry's item on /antrian."""
    return page.locator(".queue-item").filter(has=page.locator(f"[id='queue-{entry_id}']"))


def wait_until(page: Page, condition: Callable[[], bool], timeout: float = 20) -> None:
    """Poll a condition on this side (e.g. what a route handler saw), letting events run."""
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        page.wait_for_timeout(50)


def wait_for_state(page: Page, entry_id: str, state: str, timeout: float = 20) -> None:
    wait_for_js(
        page,
        "([id, state]) => SuaraQueue.get(id).then(e => Boolean(e) && e.state === state)",
        [entry_id, state],
        timeout,
    )


def expect_sent(page: Page, entry_id: str, timeout: float = 20_000) -> str:
    """Wait until /antrian shows the entry as sent; return the tracking code it shows."""
    shown = item(page, entry_id)
    expect(shown.locator("[data-state='sent']")).to_be_visible(timeout=timeout)
    code = shown.locator(".queue-code").inner_text().strip()
    assert code
    return code


def expect_delivered_once(
    page: Page, database, entry_id: str, title: str, timeout: float = 20_000
) -> str:
    """Exactly one row with this title; the device shows the database's tracking code and
    keeps nothing of the report but its title, date and receipt."""
    code = expect_sent(page, entry_id, timeout)
    assert codes_for(database, title) == [code]
    stored = entry(page, entry_id)
    assert stored["code"] == code
    assert stored["fields"] == {} and stored["files"] == 0
    raw = page.evaluate("id => SuaraQueue.get(id)", entry_id)
    assert set(raw) == {"id", "title", "savedAt", "state", "sentAt", "receipt", "fields", "files"}
    return code


def expect_announced(page: Page, message: str) -> None:
    expect(page.locator("#announcer")).to_have_text(message)


def delivered_message(page: Page, title: str, code: str) -> str:
    template = page.get_attribute("#offline-strings", "data-delivered") or ""
    return template.replace("{title}", title).replace("{code}", code)


def expect_waiting_count(page: Page, waiting: int) -> None:
    if waiting:
        expect(page.locator("#queue-link")).to_be_visible()
        expect(page.locator("#queue-count")).to_have_text(str(waiting))
    else:
        expect(page.locator("#queue-link")).to_be_hidden()


# --- 1. offline, restart, online --------------------------------------------------------------


def test_filed_offline_survives_a_restart_and_is_delivered_once(phone: Phone, database):
    title = unique_title("Lampu jalan mati (luring)")
    context = phone()
    page = install(context)
    expect_waiting_count(page, 0)

    phone.go_offline(context)
    page.goto("/lapor")
    page.reload()  # no signal: the form opens all the same
    expect(page.locator("#title")).to_be_visible()
    entry_id = file_offline(page, title)
    expect_announced(page, page.get_attribute("#queue", "data-saved"))
    expect(item(page, entry_id).locator("[data-state='waiting']")).to_be_visible()
    expect_waiting_count(page, 1)
    assert codes_for(database, title) == []
    context.close()  # the phone is switched off ...

    context = phone(offline=True)  # ... and on again, still without signal
    page = first_page(context)
    page.goto("/antrian")
    shown = item(page, entry_id)
    expect(shown.locator(".queue-title")).to_have_text(title)
    expect(shown.locator("[data-state='waiting']")).to_be_visible()
    expect_waiting_count(page, 1)
    stored = entry(page, entry_id)
    assert stored["state"] == "waiting" and stored["fields"]["title"] == title
    assert codes_for(database, title) == []

    phone.go_online(context)
    code = expect_delivered_once(page, database, entry_id, title)
    expect_announced(page, delivered_message(page, title, code))
    expect_waiting_count(page, 0)
    # The receipt carries the secret this anonymous report needs to be tracked.
    assert entry(page, entry_id)["secret"]
    expect(shown.locator(".queue-secret")).to_have_text(entry(page, entry_id)["secret"])


# --- 2. the server commits, the answer is lost ------------------------------------------------


def test_lost_response_is_retried_under_the_same_key(phone: Phone, database):
    title = unique_title("Air PAM keruh (jawaban hilang)")
    attempts: list[str | None] = []
    answered: list[int] = []

    def lose_first_answer(route: Route) -> None:
        attempts.append(route.request.headers.get("idempotency-key"))
        if len(attempts) == 1:
            answered.append(route.fetch().status)  # the server commits ...
            route.abort()  # ... and the phone never hears back
        else:
            route.continue_()

    context = phone()
    context.route(API, lose_first_answer)  # go_offline's route takes precedence while offline
    page = install(context, "/antrian")
    phone.go_offline(context)
    page.reload()
    [entry_id] = seed(page, [{"fields": complaint_fields(title), "attach": True}])
    phone.go_online(context)

    # The first answer is lost: the server has the complaint, the phone does not know it.
    wait_until(page, lambda: len(answered) == 1)
    assert answered == [201]
    assert len(codes_for(database, title)) == 1
    stored = entry(page, entry_id)
    if stored["state"] != "sent":  # not retried yet: the whole report is still here
        assert stored["fields"]["title"] == title and stored["files"] == 1
        assert stored["code"] is None
    # Nobody presses anything: the phone tries again by itself and gets the first answer.
    code = expect_delivered_once(page, database, entry_id, title, timeout=30_000)
    assert codes_for(database, title) == [code]
    assert attempts == [entry_id, entry_id]
    with database.connect() as connection:
        photos = connection.execute(
            text(
                "SELECT COUNT(*) FROM attachments a JOIN complaints c ON a.complaint_id = c.id "
                "WHERE c.tracking_code = :code"
            ),
            {"code": code},
        ).scalar_one()
    assert photos == 1


# --- 3. the server fails a few times ----------------------------------------------------------


PRESS_SEND_NOW = """async id => {
  for (let i = 0; i < 100; i++) {
    const button = document.querySelector(`[data-action=send][data-id="${id}"]`);
    if (button) { button.click(); return true; }
    const entry = await SuaraQueue.get(id);
    if (entry.state === "sent") return false;
    await new Promise(resolve => setTimeout(resolve, 50));
  }
  throw new Error("no Send now button");
}"""


def test_server_errors_lose_nothing_and_deliver_once(phone: Phone, database):
    title = unique_title("Sampah menumpuk (galat server)")
    failures = 3
    attempts: list[str | None] = []
    bodies: list[bytes] = []
    answered: list[int] = []

    def fail_first(route: Route) -> None:
        attempts.append(route.request.headers.get("idempotency-key"))
        boundary = route.request.headers["content-type"].split("boundary=")[1].encode()
        bodies.append((route.request.post_data_buffer or b"").replace(boundary, b"BOUNDARY"))
        if len(attempts) <= failures:
            assert codes_for(database, title) == []
            route.fulfill(status=500, content_type="application/json", body="{}")
            answered.append(500)
        else:
            route.continue_()

    context = phone()
    context.route(API, fail_first)  # go_offline's route takes precedence while offline
    page = install(context, "/antrian")
    phone.go_offline(context)
    page.reload()
    [entry_id] = seed(page, [{"fields": complaint_fields(title), "attach": True}])
    phone.go_online(context)
    for failed in range(1, failures + 1):
        wait_until(page, lambda n=failed: len(answered) >= n)
        stored = entry(page, entry_id)
        if stored["state"] != "sent":  # still the whole report, waiting for the next try
            assert stored["fields"]["title"] == title and stored["files"] == 1
            assert stored["code"] is None
        if len(answered) == failed:
            # Rather than waiting for the back-off (5 s, 10 s, 20 s), the reporter presses it.
            page.evaluate(PRESS_SEND_NOW, entry_id)
    expect_delivered_once(page, database, entry_id, title)
    assert len(attempts) == failures + 1
    assert set(attempts) == {entry_id}
    # Every attempt carried the whole report, photo included, under the same key.
    assert len(set(bodies)) == 1 and title.encode() in bodies[0] and b"\x89PNG" in bodies[0]


# --- when the network comes and goes ---------------------------------------------------------


def test_network_back_during_a_replay_is_not_missed(phone: Phone, database):
    """The `online` event arrives while a replay that started offline is still running: the
    worker must replay again afterwards, not fold the request into the one that failed."""
    title = unique_title("Lampu merah mati (sinyal kembali)")
    context = phone()
    page = install(context, "/antrian")
    phone.go_offline(context)
    [entry_id] = seed(page, [{"fields": complaint_fields(title)}])  # nothing tries to send it
    # Long offline: the entry failed five times already, so its back-off is long (160 s).
    page.evaluate(
        "id => SuaraQueue.get(id).then(e => { e.attempts = 5; return SuaraQueue.put(e); })",
        entry_id,
    )
    held: list[Route] = []

    def hold_first(route: Route) -> None:
        if held:
            route.continue_()
        else:
            held.append(route)  # no answer yet, as on a weak signal ...

    context.route(API, hold_first)
    page.reload()  # opening a page replays the queue
    wait_until(page, lambda: len(held) == 1)
    phone.go_online(context)  # ... the signal comes back (the page asks for a replay) ...
    page.wait_for_function("() => navigator.onLine")
    page.wait_for_timeout(500)  # let that request reach the worker while the first one runs
    held[0].abort("internetdisconnected")  # ... and the attempt that started offline fails.
    expect_delivered_once(page, database, entry_id, title, timeout=10_000)


def test_a_network_error_does_not_stall_the_rest_of_the_queue(phone: Phone, database):
    titles = [unique_title("Pasar becek"), unique_title("Parit meluap")]
    dropped: list[str | None] = []

    def drop_first(route: Route) -> None:
        if dropped:
            route.continue_()
        else:
            dropped.append(route.request.headers.get("idempotency-key"))
            route.abort("connectionreset")  # nothing reached the server

    context = phone()
    context.route(API, drop_first)  # go_offline's route takes precedence while offline
    page = install(context, "/antrian")
    phone.go_offline(context)
    page.reload()
    ids = seed(page, [{"fields": complaint_fields(t)} for t in titles])
    phone.go_online(context)
    # Nobody presses anything: the other report goes at once, the failed one after its back-off.
    for entry_id, title in zip(ids, titles, strict=True):
        expect_delivered_once(page, database, entry_id, title)
    assert len(dropped) == 1 and dropped[0] in ids


# --- 4. fifty at once -------------------------------------------------------------------------


def test_fifty_queued_offline_are_each_delivered_once(phone: Phone, database):
    prefix = unique_title("Antrian massal")
    context = phone()
    page = install(context, "/antrian")
    phone.go_offline(context)
    page.reload()
    titles = [f"{prefix} #{n:02d}" for n in range(1, 51)]
    ids = seed(
        page,
        [{"fields": complaint_fields(t), "attach": n % 5 == 0} for n, t in enumerate(titles, 1)],
    )
    assert len(set(ids)) == 50
    expect(page.locator(".queue-item")).to_have_count(50)
    expect_waiting_count(page, 50)
    stored = queue(page)  # by savedAt: two entries saved in the same millisecond may swap
    assert {e["title"]: e["files"] for e in stored} == {
        title: 1 if n % 5 == 0 else 0 for n, title in enumerate(titles, 1)
    }

    phone.go_online(context)
    wait_for_js(
        page,
        "() => SuaraQueue.all().then(es => es.length === 50 && es.every(e => e.state === 'sent'))",
        timeout=60,
    )
    with database.connect() as connection:
        rows = connection.execute(
            text(
                "SELECT c.title, c.tracking_code, COUNT(a.id) FROM complaints c "
                "LEFT JOIN attachments a ON a.complaint_id = c.id "
                "WHERE c.title LIKE :prefix GROUP BY c.id, c.title, c.tracking_code"
            ),
            {"prefix": prefix + " #%"},
        ).all()
    assert len(rows) == 50
    assert sorted(r[0] for r in rows) == titles  # each title once: no duplicates, none lost
    assert {r[0]: r[2] for r in rows} == {t: int(n % 5 == 0) for n, t in enumerate(titles, 1)}
    on_device = {e["title"]: e for e in queue(page)}
    assert {title: e["code"] for title, e in on_device.items()} == {r[0]: r[1] for r in rows}
    assert all(e["fields"] == {} and e["files"] == 0 for e in on_device.values())
    expect(page.locator(".queue-item [data-state='sent']:visible")).to_have_count(50)
    expect_waiting_count(page, 0)


# --- 5. a browser without Background Sync -----------------------------------------------------


def test_delivers_without_background_sync(phone: Phone, database):
    title = unique_title("Jembatan retak (tanpa Background Sync)")
    context = phone(no_sync=True)
    page = install(context)
    assert page.evaluate("() => !('SyncManager' in window)")
    assert page.evaluate("() => navigator.serviceWorker.ready.then(r => r.sync === undefined)")
    [worker] = context.service_workers
    assert worker.evaluate("() => self.registration.sync === undefined")

    phone.go_offline(context)
    entry_id = file_offline(page, title)
    expect_announced(page, page.get_attribute("#queue", "data-saved"))
    expect_waiting_count(page, 1)
    context.close()

    context = phone(offline=True, no_sync=True)
    page = first_page(context)
    page.goto("/antrian")
    expect(item(page, entry_id).locator("[data-state='waiting']")).to_be_visible()
    assert codes_for(database, title) == []
    phone.go_online(context)
    code = expect_delivered_once(page, database, entry_id, title)
    expect_announced(page, delivered_message(page, title, code))
    expect_waiting_count(page, 0)
    assert page.evaluate("() => navigator.serviceWorker.ready.then(r => r.sync === undefined)")
    assert all(
        worker.evaluate("() => self.registration.sync === undefined")
        for worker in context.service_workers
    )


# --- 6. the server refuses the report ---------------------------------------------------------


def server_messages(live_server, fields: dict[str, str]) -> list[str]:
    """What the API answers this report with (no key reuse: a fresh Idempotency-Key)."""
    body = {k: v for k, v in fields.items() if k not in ("province", "regency")}
    body["region_code"] = fields["regency"]
    response = requests.post(
        f"{live_server.url}/api/v1/complaints",
        json=body,
        headers={"Idempotency-Key": str(uuid.uuid4()), "Accept-Language": "id"},
        timeout=10,
    )
    assert response.status_code == 422, response.text
    return [m for messages in response.json()["errors"].values() for m in messages]


def test_refused_report_needs_attention_and_is_sent_after_editing(
    phone: Phone, database, live_server
):
    title = unique_title("Trotoar rusak (kategori dihapus)")
    fields = complaint_fields(title, category="hapus_kategori")
    expected = server_messages(live_server, fields)
    assert expected
    context = phone()
    page = install(context, "/antrian")
    phone.go_offline(context)
    page.reload()
    [entry_id] = seed(page, [{"fields": fields}])
    expect_waiting_count(page, 1)

    phone.go_online(context)
    shown = item(page, entry_id)
    expect(shown.locator("[data-state='attention']")).to_be_visible(timeout=20_000)
    expect(shown.locator(".queue-errors li")).to_have_text(expected)
    template = page.get_attribute("#offline-strings", "data-attention") or ""
    expect_announced(page, template.replace("{title}", title))
    expect_waiting_count(page, 1)  # still on this phone, not sent
    expect(shown.locator("[data-action=send]")).to_have_count(0)
    assert codes_for(database, title) == []

    edit = shown.locator("[data-action=edit]")
    assert edit.get_attribute("href") == f"/lapor?ubah={entry_id}"
    edit.click()
    page.wait_for_url(f"**/lapor?ubah={entry_id}")
    expect(page.locator("#title")).to_have_value(title)
    expect(page.locator("input[name=client_id]")).to_have_value(entry_id)
    expect(page.locator("#description")).to_have_value(ANSWERS["description"])
    expect(page.locator("#privacy-2")).to_be_checked()
    expect(page.locator("#regency")).to_have_value(ANSWERS["regency"])
    page.select_option("#category", ANSWERS["category"])
    page.click("#submit")
    page.wait_for_url("**/antrian")
    code = expect_delivered_once(page, database, entry_id, title)
    with database.connect() as connection:
        category = connection.execute(
            text("SELECT category_code FROM complaints WHERE tracking_code = :code"),
            {"code": code},
        ).scalar_one()
    assert category == ANSWERS["category"]
    expect(item(page, entry_id).locator(".queue-errors")).to_be_hidden()
    expect_waiting_count(page, 0)


# --- 7. accessibility -------------------------------------------------------------------------


@pytest.mark.parametrize("lang", ["id", "en"])
def test_waiting_and_offline_pages_have_no_axe_violations(phone: Phone, lang: str):
    context = phone(lang=lang)
    page = install(context, "/antrian")
    assert page.evaluate("document.documentElement.lang") == lang
    expect(page.locator("#queue-empty")).to_be_visible()
    axe_check(page, f"/antrian, empty ({lang})")
    page.goto("/offline")
    offline_heading = page.locator("h1").inner_text()
    axe_check(page, f"/offline ({lang})")

    phone.go_offline(context)
    page.goto("/lacak/periksa-tanpa-sinyal")  # not kept on the phone: the offline page
    expect(page.locator("h1")).to_have_text(offline_heading)
    axe_check(page, f"/offline, without signal ({lang})")
    page.goto("/antrian")
    good, refused = seed(
        page,
        [
            {"fields": complaint_fields(unique_title("Saluran air tersumbat"))},
            {"fields": complaint_fields(unique_title("Halte rusak"), category="hapus_kategori")},
        ],
    )
    expect(page.locator(".queue-item [data-state='waiting']:visible")).to_have_count(2)
    expect_waiting_count(page, 2)
    axe_check(page, f"/antrian, waiting ({lang})")
    item(page, good).locator("[data-action=delete]").click()
    expect(item(page, good).locator(".confirm")).to_be_visible()
    axe_check(page, f"/antrian, confirming a deletion ({lang})")
    item(page, good).locator("[data-action=cancel-delete]").click()

    phone.go_online(context)
    expect(item(page, good).locator("[data-state='sent']")).to_be_visible(timeout=20_000)
    expect(item(page, refused).locator("[data-state='attention']")).to_be_visible(timeout=20_000)
    axe_check(page, f"/antrian, sent and needing attention ({lang})")
    page.click("#forget")
    expect(page.locator("#forget-confirm")).to_be_visible()
    axe_check(page, f"/antrian, confirming forgetting ({lang})")


def tab_to(page: Page, selector: str, limit: int = 80) -> None:
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate("s => document.activeElement.matches(s)", selector):
            return
    pytest.fail(f"Tab never reached {selector}")


def focused(page: Page, selector: str) -> bool:
    return page.evaluate("s => document.activeElement.matches(s)", selector)


def test_waiting_page_works_by_keyboard(phone: Phone):
    context = phone()
    page = install(context, "/antrian")
    phone.go_offline(context)
    page.reload()
    first, second = seed(
        page,
        [
            {"fields": complaint_fields(unique_title("Pohon tumbang"))},
            {"fields": complaint_fields(unique_title("Got mampet")), "attach": True},
        ],
    )
    expect(page.locator(".queue-item")).to_have_count(2)
    expect_waiting_count(page, 2)

    tab_to(page, "[data-action=delete]")
    doomed = page.evaluate("document.activeElement.getAttribute('data-id')")
    kept = second if doomed == first else first
    page.keyboard.press("Enter")
    in_confirmation = """id => document.activeElement.matches('.confirm-question')
        && document.activeElement.closest('.queue-item')
             .querySelector('.queue-title').id === 'queue-' + id"""
    page.wait_for_function(in_confirmation, arg=doomed)
    # A scheduled retry runs meanwhile (it fails: no signal) and the list is drawn again: the
    # question stays open and keeps the focus.
    page.evaluate("() => SuaraOffline.replay(true)")
    wait_for_js(page, "() => SuaraQueue.all().then(es => es.every(e => e.attempts > 0))")
    page.wait_for_timeout(300)  # the worker's last message about this replay
    expect(item(page, doomed).locator(".confirm")).to_be_visible()
    expect(item(page, doomed).locator(".queue-actions")).to_be_hidden()
    assert page.evaluate(in_confirmation, doomed), "focus lost when the list was redrawn"
    page.keyboard.press("Tab")
    assert focused(page, f"[data-action=confirm-delete][data-id='{doomed}']")
    page.keyboard.press("Enter")
    page.wait_for_function("() => document.activeElement.id === 'waiting-title'")
    expect(item(page, doomed)).to_have_count(0)
    expect(item(page, kept)).to_have_count(1)
    expect_announced(page, page.get_attribute("#queue", "data-deleted"))
    assert [e["id"] for e in queue(page)] == [kept]
    expect_waiting_count(page, 1)

    tab_to(page, "#forget")
    page.keyboard.press("Enter")
    page.wait_for_function("() => document.activeElement.id === 'forget-question'")
    page.keyboard.press("Tab")
    assert focused(page, "#forget-yes")
    page.keyboard.press("Enter")
    expect_announced(page, page.get_attribute("#queue", "data-forgotten"))
    page.wait_for_function("() => document.activeElement.id === 'waiting-title'")
    assert page.evaluate("() => caches.keys()") == []
    assert queue(page) == []
    assert (
        page.evaluate("() => navigator.serviceWorker.getRegistrations().then(r => r.length)") == 0
    )
    expect(page.locator(".queue-item")).to_have_count(0)
    expect(page.locator("#queue-empty")).to_be_visible()
    expect_waiting_count(page, 0)
