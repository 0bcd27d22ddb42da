"""Helpers the browser tests share: the keyboard (Tab until somewhere, with focus visible at
every stop), the live region, layout checks (reflow and target size), staff sign-in with
a real recovery code, and complaints filed through the public JSON API."""

from __future__ import annotations

import re
import time
import uuid

import pytest
import requests
from playwright.sync_api import Page

from tests.browser.conftest import axe_check, set_language
from tests.helpers import API_COMPLAINT

# --- the keyboard ----------------------------------------------------------------------------

# What has focus, as the id, or else a short description: "a[href=#main]", "button".
FOCUSED = """() => {
  const el = document.activeElement;
  if (!el || el === document.body) return "body";
  if (el.id) return el.id;
  const href = el.getAttribute("href");
  return el.tagName.toLowerCase() + (href ? `[href=${href}]` : "");
}"""

# Keyboard focus must be visible (WCAG 2.4.7): the app draws an outline or a box shadow on
# every element Tab reaches (a date field's focus is on a part inside it: the field counts).
FOCUS_SHOWN = """() => {
  const style = getComputedStyle(document.activeElement);
  return style.outlineStyle !== "none" || style.boxShadow !== "none";
}"""


def focused(page: Page) -> str:
    return page.evaluate(FOCUSED)


def tab(page: Page, key: str = "Tab") -> str:
    """Press Tab (or `key`, e.g. "Shift+Tab"); return what has focus, which must show it."""
    page.keyboard.press(key)
    now = focused(page)
    assert page.evaluate(FOCUS_SHOWN), f"focus on {now} is not visible"
    return now


def tab_to(page: Page, target: str, most: int = 40, key: str = "Tab") -> list[str]:
    """Press Tab until the element with id `target` has focus; return the stops passed."""
    passed = []
    for _ in range(most):
        now = tab(page, key)
        if now == target:
            return passed
        passed.append(now)
    pytest.fail(f"#{target} never got focus; {key} went through {passed}")


def tab_until(page: Page, predicate: str, most: int = 60) -> None:
    """Press Tab until `predicate` (JS, given the focused element `el`) holds; every stop
    on the way must show where focus is (WCAG 2.4.7)."""
    passed = []
    for _ in range(most):
        page.keyboard.press("Tab")
        here = page.evaluate("document.activeElement.outerHTML.slice(0, 80)")
        assert page.evaluate(FOCUS_SHOWN), f"focus on {here} is not visible"
        if page.evaluate(f"(el => Boolean({predicate}))(document.activeElement)"):
            return
        passed.append(here)
    pytest.fail(f"no element matching {predicate!r} got focus; Tab went through {passed}")


# --- the live region -------------------------------------------------------------------------

# Records every message the polite live region says, so a test can tell which ones were
# said even when a later one replaces it (page.add_init_script(RECORD_ANNOUNCEMENTS)).
RECORD_ANNOUNCEMENTS = """
window.__announced = [];
document.addEventListener("DOMContentLoaded", () => {
  const region = document.getElementById("announcer");
  if (!region) return;
  new MutationObserver(() => {
    const text = region.textContent.trim();
    if (text) window.__announced.push(text);
  }).observe(region, {childList: true, characterData: true, subtree: true});
});
"""


def announced(page: Page, container: str) -> None:
    """Wait until the live region has said the data-announce text of `container`."""
    page.wait_for_function(
        """id => {
          const wanted = document.getElementById(id).getAttribute("data-announce");
          return wanted && window.__announced.includes(wanted);
        }""",
        arg=container,
    )


def announcer(page: Page) -> str:
    """What the polite live region says now."""
    return (page.text_content("#announcer") or "").strip()


def wait_announced(page: Page) -> None:
    """Wait until the live region says something."""
    page.wait_for_function("() => document.getElementById('announcer').textContent.trim() !== ''")


# --- layout ----------------------------------------------------------------------------------

# Every rendered interactive element smaller than 24 × 24 CSS px, except links that sit in
# running text (an inline link whose paragraph or list item has other words: WCAG's
# "inline" exception).
SMALL_TARGETS = """() => {
  const small = [];
  for (const el of document.querySelectorAll("a[href], button, input, select, textarea")) {
    if (el.type === "hidden" || !el.checkVisibility()) continue;
    if (el.closest(".visually-hidden")) continue;
    if (el.matches(".skip-link") && document.activeElement !== el) continue;  // off screen
    const box = el.getBoundingClientRect();
    if (box.width >= 24 && box.height >= 24) continue;
    if (el.tagName === "A" && getComputedStyle(el).display === "inline") {
      const block = el.closest("p, li, dd, td, figcaption");
      const own = el.textContent.trim().length;
      if (block && block.textContent.trim().length > own) continue;  // a link in a sentence
    }
    const name = el.id ? "#" + el.id : el.tagName.toLowerCase()
      + (el.getAttribute("href") ? `[href="${el.getAttribute("href")}"]` : "")
      + (el.name ? `[name=${el.name}]` : "");
    small.push(`${name} ${box.width.toFixed(1)}×${box.height.toFixed(1)}`);
  }
  return small;
}"""
# Tables in a scrolling wrapper that still scroll: at 320 px the rows must become cards.
WIDE_TABLES = """() => [...document.querySelectorAll(".table-scroll")]
  .filter(el => el.scrollWidth > el.clientWidth)
  .map(el => el.getAttribute("aria-labelledby") + " " + el.scrollWidth + "px")"""


def check_layout(page: Page, where: str) -> None:
    """Reflow (WCAG 1.4.10: nothing scrolls sideways, tables included) and target size
    (WCAG 2.5.8: 24 × 24 px) at the page's current viewport."""
    width = page.viewport_size["width"]
    scroll_width = page.evaluate("document.documentElement.scrollWidth")
    assert scroll_width <= width, (
        f"{where}: scrolls sideways at {width} px wide (content is {scroll_width} px)"
    )
    wide = page.evaluate(WIDE_TABLES)
    assert not wide, f"{where}: tables do not reflow at {width} px: {wide}"
    small = page.evaluate(SMALL_TARGETS)
    assert not small, f"{where} at {width} px: targets smaller than 24×24 px: {small}"


# --- staff and complaints on the live server ---------------------------------------------------


def new_staff(
    live_server, role: str = "officer", agency: str | None = "32.73", name: str = "Staf Uji"
) -> tuple[str, str]:
    """A new staff user's email and one of its recovery codes, made by the real
    `flask users create` (staff cannot sign in with emailed links)."""
    email = f"staf-{uuid.uuid4().hex[:8]}@example.go.id"
    args = ["users", "create", "--email", email, "--name", name, "--role", role]
    if agency:
        args += ["--agency", agency]
    output = live_server.flask(*args)
    return email, re.search(r"\b[2-9A-Z]{5}-[2-9A-Z]{5}\b", output).group(0)


def type_recovery_code(page: Page, email: str, code: str) -> None:
    """Sign in on /masuk/kode-pemulihan with the keyboard alone; lands on the staff page."""
    page.goto("/masuk/kode-pemulihan")
    tab_to(page, "email")
    page.keyboard.type(email)
    tab_to(page, "code", most=5)
    page.keyboard.type(code)
    tab_to(page, "submit", most=5)
    page.keyboard.press("Enter")
    page.wait_for_url("**/staf")


def sign_in(page: Page, live_server, role: str = "officer", agency: str | None = "32.73") -> None:
    """Sign in a new staff user with a recovery code, with the mouse (not the subject of a
    test)."""
    email, code = new_staff(live_server, role=role, agency=agency)
    page.goto("/masuk/kode-pemulihan")
    page.fill("#email", email)
    page.fill("#code", code)
    page.locator("#submit").click()
    page.wait_for_url("**/staf")


def file_by_api(live_server, **fields: object) -> str:
    """A new complaint filed through the public JSON API (API_COMPLAINT with `fields`
    changed), with its own Idempotency-Key; returns its tracking code."""
    response = requests.post(
        f"{live_server.url}/api/v1/complaints",
        json={**API_COMPLAINT, **fields},
        headers={"Idempotency-Key": str(uuid.uuid4())},
        timeout=10,
    )
    assert response.status_code == 201, response.text
    return response.json()["tracking_code"]


# --- both languages ------------------------------------------------------------------------


def both_languages(page: Page, live_server, label: str, lang: str = "id") -> None:
    """axe on the page as it is (in `lang`), then reloaded in the other language, then back
    in `lang` (GET pages only: a reload repeats the request)."""
    axe_check(page, f"{label} ({lang})")
    other = "en" if lang == "id" else "id"
    set_language(page.context, live_server, other)
    page.reload()
    axe_check(page, f"{label} ({other})")
    set_language(page.context, live_server, lang)
    page.reload()


def wait_for_js(page: Page, script: str, arg: object = None, timeout: float = 20) -> None:
    """Poll until the script's (awaited) result is truthy. page.wait_for_function does not
    wait for a promise's value (a pending promise counts as true), and SuaraQueue answers
    with promises."""
    deadline = time.monotonic() + timeout
    while not page.evaluate(script, arg):
        assert time.monotonic() < deadline, f"timed out waiting for {script} ({arg})"
        page.wait_for_timeout(100)
