"""The cascading place lists with htmx: each choice fills the next list, says so in the
polite live region, and never replaces the select the person is using."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

pytestmark = pytest.mark.browser

WILAYAH = "/lapor/wilayah"


def options(page: Page, select: str) -> list[str]:
    return page.eval_on_selector_all(f"{select} option", "os => os.map(o => o.value)")


def announcement(page: Page) -> str:
    return (page.text_content("#announcer") or "").strip()


def wait_for_announcement(page: Page, container: str) -> None:
    """Wait until #announcer says the data-announce text of the swapped-in container."""
    page.wait_for_function(
        """id => {
          const wanted = document.getElementById(id).getAttribute("data-announce");
          return wanted && document.getElementById("announcer").textContent.trim() === wanted;
        }""",
        arg=container,
    )


@pytest.mark.parametrize("lang", ["id", "en"])
def test_cascade_fills_the_lists_and_announces(page: Page, lang: str):
    page.goto("/lapor")
    assert options(page, "#regency") == [""]
    assert options(page, "#district") == [""]
    # A marker on each select shows whether the swap replaced it.
    page.evaluate(
        "['province', 'regency'].forEach(id => document.getElementById(id).dataset.mark = id)"
    )

    with page.expect_response(lambda r: WILAYAH in r.url) as response:
        page.select_option("#province", "32")
    assert response.value.status == 200
    assert response.value.request.headers.get("hx-request") == "true"
    wait_for_announcement(page, "regency-and-district")
    assert announcement(page)
    regencies = options(page, "#regency")
    assert regencies[0] == "" and "32.73" in regencies and len(regencies) > 20
    assert all(code.startswith("32.") for code in regencies[1:])
    assert options(page, "#district") == [""]
    assert page.get_attribute("#province", "data-mark") == "province"  # not replaced
    assert page.get_attribute("#regency", "data-mark") is None  # the new list

    page.evaluate("document.getElementById('regency').dataset.mark = 'regency'")
    page.evaluate("document.getElementById('announcer').textContent = ''")
    with page.expect_response(lambda r: WILAYAH in r.url):
        page.select_option("#regency", "32.73")
    wait_for_announcement(page, "district-field")
    districts = options(page, "#district")
    assert "32.73.02" in districts
    assert all(code.startswith("32.73.") for code in districts[1:])
    assert page.get_attribute("#regency", "data-mark") == "regency"  # not replaced
    assert page.input_value("#province") == "32"
    page.select_option("#district", "32.73.02")

    # A different province empties the regency's districts.
    page.evaluate("document.getElementById('announcer').textContent = ''")
    with page.expect_response(lambda r: WILAYAH in r.url):
        page.select_option("#province", "31")
    wait_for_announcement(page, "regency-and-district")
    assert all(code.startswith("31.") for code in options(page, "#regency")[1:])
    assert page.input_value("#regency") == ""
    assert options(page, "#district") == [""]


def test_arrowing_through_provinces_ends_with_the_right_regencies(page: Page):
    """Each ArrowDown on a closed select is a change: quick presses send requests that
    overtake each other; the lists must end up matching the province finally chosen."""
    page.goto("/lapor")
    page.focus("#province")
    for _ in range(9):
        page.keyboard.press("ArrowDown")
    chosen = page.input_value("#province")
    assert chosen
    page.wait_for_function(
        """code => {
          const values = [...document.querySelectorAll('#regency option')].map(o => o.value);
          return values.length > 1 && values.slice(1).every(v => v.startsWith(code + '.'));
        }""",
        arg=chosen,
    )
    page.wait_for_load_state("networkidle")
    assert page.input_value("#province") == chosen
    assert all(v.startswith(chosen + ".") for v in options(page, "#regency")[1:])
    expect(page.locator("#province")).to_be_focused()
