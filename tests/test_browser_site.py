"""The built sample site in a real Chromium, served under /repo/ like a GitHub Pages project site."""

from __future__ import annotations

import pytest
from axe_playwright_python.sync_playwright import Axe

from site_builder.cli import main
from tests.browser_support import serve_site
from tests.test_scale import generated_catalog

pytestmark = [pytest.mark.browser, pytest.mark.sample]

PAGES = [
    "",
    "credentials/",
    "credentials/exit-tickets/",
    "credentials/exit-tickets/v1.1.0/",
    "stacks/",
    "stacks/digital-learning/",
    "recognition/",
    "recognition/nc/",
    "quality/",
    "credentials/decodable-text-small-groups/",
    "stacks/formative-assessment-foundations/",
]
WCAG = {"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"]}}


def open_page(page, url: str) -> None:
    page.goto(url)
    page.wait_for_load_state("networkidle")


@pytest.mark.parametrize("path", PAGES)
def test_page_loads_cleanly_and_has_no_axe_violations(page, site_url: str, path: str) -> None:
    open_page(page, site_url + path)
    results = Axe().run(page, options=WCAG)
    assert results.violations_count == 0, results.generate_report()
    assert page.problems == []


def test_404_page_is_served_for_unknown_paths_with_working_links(page, site_url: str) -> None:
    page.expect_404 = True
    response = page.goto(site_url + "credentials/no-such-credential/")
    assert response.status == 404
    page.wait_for_load_state("networkidle")
    results = Axe().run(page, options=WCAG)
    assert results.violations_count == 0, results.generate_report()
    page.get_by_role("link", name="Browse all credentials").click()
    assert page.url == site_url + "credentials/"
    expected = "console: Failed to load resource: the server responded with a status of 404 (Not Found)"
    assert page.problems == [expected]  # the missing page itself, and nothing else


def test_keyboard_reaches_the_skip_link_first_and_it_moves_focus_to_main(page, site_url: str) -> None:
    open_page(page, site_url + "credentials/exit-tickets/")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent") == "Skip to main content"
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"


def test_component_anchors_can_be_linked_to(page, site_url: str) -> None:
    for anchor in ("research", "resources", "evaluation", "evidence", "recognition", "review", "request"):
        open_page(page, f"{site_url}credentials/exit-tickets/#{anchor}")
        assert page.locator(f"#{anchor}").is_visible()


def test_usable_at_320_pixels_without_sideways_scrolling(browser, site_url: str) -> None:
    context = browser.new_context(viewport={"width": 320, "height": 800})
    page = context.new_page()
    for path in PAGES:
        page.goto(site_url + path)
        page.wait_for_load_state("networkidle")
        overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
        assert overflow <= 0, f"{path} scrolls sideways by {overflow}px at 320px"
        results = Axe().run(page, options=WCAG)
        assert results.violations_count == 0, f"{path} at 320px: {results.generate_report()}"
    context.close()


def test_pages_work_without_javascript(browser, site_url: str) -> None:
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(site_url)
    assert page.get_by_text("Search needs JavaScript").is_visible()
    page.get_by_role("link", name="all credentials").first.click()
    assert page.url == site_url + "credentials/"
    page.get_by_role("link", name="Using Exit Tickets to Adjust Instruction", exact=True).click()
    assert page.locator("#evaluation").is_visible()
    context.close()


def test_a_long_lists_page_navigation_is_accessible_and_leads_to_every_page(page, tmp_path) -> None:
    """The sample's lists fit on one page; a catalog of 240 in pages of 25 shows the navigation, gaps included."""
    site = tmp_path / "site"
    content = generated_catalog(tmp_path, 240)
    assert main(["build", "--content", str(content), "--out", str(site), "--no-search", "--base-url", "/repo/"]) == 0
    with serve_site(site) as url:
        open_page(page, url + "credentials/page/5/")
        results = Axe().run(page, options=WCAG)
        assert results.violations_count == 0, results.generate_report()
        nav = page.get_by_role("navigation", name="Pages of credentials")
        assert nav.get_by_role("link").all_inner_texts() == [
            "Previous page",
            "1",
            "3",
            "4",
            "5",
            "6",
            "7",
            "10",
            "Next page",
        ]
        nav.get_by_role("link", name="10", exact=True).click()
        page.wait_for_load_state("networkidle")
        assert page.url == url + "credentials/page/10/"
        assert page.problems == []
