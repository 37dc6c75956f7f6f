"""`credcat serve` in a real Chromium: an open page reloads after a rebuild and shows why a rebuild failed."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect

from tests.test_serve import fetch, replace_in, running_serve

pytestmark = pytest.mark.browser

WAIT_MS = 20_000
WCAG = {"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"]}}


def test_open_page_reloads_on_rebuild_and_shows_failed_rebuilds(page, make_content, tmp_path: Path) -> None:
    content = make_content()
    alpha = content / "credentials" / "alpha.md"
    with running_serve(content, tmp_path / "site", tmp_path) as served:
        url = f"http://localhost:{served.port}/credentials/alpha/"
        fetch(url, time.monotonic() + 10)
        page.goto(url, wait_until="load")
        heading = page.get_by_role("heading", level=1)
        expect(heading).to_have_text("Alpha Skill")

        replace_in(alpha, "title: Alpha Skill", "title: Alpha Skill Renamed")
        expect(heading).to_have_text("Alpha Skill Renamed", timeout=WAIT_MS)
        assert page.url == url

        page.evaluate("window.credcatTestMarker = 'before the failing build'")
        replace_in(alpha, "effort_hours: 4", "effort_hours: twelve")
        overlay = page.get_by_role("alert")
        expect(overlay).to_be_visible(timeout=WAIT_MS)
        expect(overlay).to_contain_text("V002")
        expect(overlay).to_contain_text("effort_hours")
        assert page.evaluate("window.credcatTestMarker") == "before the failing build"  # shown, not reloaded
        results = Axe().run(page, options=WCAG)
        assert results.violations_count == 0, results.generate_report()

        second = page.context.new_page()  # a page opened while the build fails shows the error at once
        second.goto(url, wait_until="load")
        expect(second.get_by_role("alert")).to_contain_text("V002", timeout=WAIT_MS)
        second.close()

        replace_in(alpha, "effort_hours: twelve", "effort_hours: 4")
        page.wait_for_function("window.credcatTestMarker === undefined", timeout=WAIT_MS)  # reloaded
        expect(overlay).to_have_count(0)
        expect(heading).to_have_text("Alpha Skill Renamed")
        assert page.problems == []
