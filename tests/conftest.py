"""Shared fixtures: a project factory that writes small content folders into tmp_path."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Callable, Mapping

import pytest

import catalog.check as check_module

FIXTURES = Path(__file__).parent / "fixtures"
REPO = Path(__file__).parent.parent


def write_files(root: Path, files: Mapping[str, str | bytes]) -> None:
    for relative, data in files.items():
        target = root / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(data, bytes):
            target.write_bytes(data)
        else:
            target.write_text(data, encoding="utf-8")


SAMPLE = REPO / "content"
"""The bundled sample catalog: only tests marked `sample` (or using its built site) may read it."""


def pytest_collection_modifyitems(config, items) -> None:
    """Skip the sample's tests, with the reason, where the sample is absent (a catalog's own clone)."""
    if (SAMPLE / "site.yaml").is_file():
        return
    skip = pytest.mark.skip(reason="the bundled sample catalog (content/) is absent")
    for item in items:
        if item.get_closest_marker("sample") or {"sample_site", "site_url"} & set(item.fixturenames):
            item.add_marker(skip)


TODAY = "2026-11-24"
"""Tests run on a fixed date, so that checks which age (R006, QAS-12) give the same answer every year."""


@pytest.fixture(autouse=True)
def fixed_today(monkeypatch) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1795478400")  # 2026-11-24T00:00:00Z


@pytest.fixture(autouse=True)
def settled_at_once(monkeypatch) -> None:
    """A file a test writes is known by its status at once, as it would be two seconds later
    (catalog.check.SETTLED_NS), so every cached rebuild of the suite recognises unchanged files
    without reading them; tests/test_cache.py checks the wait itself."""
    monkeypatch.setattr(check_module, "SETTLED_NS", 0)


@pytest.fixture
def make_content(tmp_path: Path) -> Callable[..., Path]:
    """Copy the small valid fixture catalog into tmp_path, then write `files`, then apply `edits`.

    `edits` maps a file to (old, new) replacements; each `old` must occur exactly once, so a
    case can never silently stop testing what it claims to.
    """

    def make(
        files: Mapping[str, str | bytes] | None = None,
        *,
        edits: Mapping[str, list] | None = None,
        delete: tuple[str, ...] = (),
        base: str = "base",
    ) -> Path:
        root = tmp_path / "content"
        shutil.copytree(FIXTURES / base, root)
        write_files(root, files or {})
        for relative, replacements in (edits or {}).items():
            path = root / relative
            text = path.read_text(encoding="utf-8")
            for old, new in replacements:
                assert text.count(old) == 1, f"{old!r} occurs {text.count(old)} times in {relative}"
                text = text.replace(old, new)
            path.write_text(text, encoding="utf-8")
        for relative in delete:
            (root / relative).unlink()
        return root

    return make


SAMPLE_TODAY = "2026-11-24"


@pytest.fixture(scope="session")
def sample_site(tmp_path_factory) -> Path:
    """The bundled sample catalog, built once (with its Pagefind index) for /repo/."""
    from site_builder.cli import main

    out = tmp_path_factory.mktemp("sample") / "site"
    code = main(
        [
            "build",
            "--content",
            str(SAMPLE),
            "--out",
            str(out),
            "--base-url",
            "https://owner.github.io/repo/",
            "--today",
            SAMPLE_TODAY,
        ]
    )
    assert code == 0
    return out


@pytest.fixture(scope="session")
def site_url(sample_site: Path):
    from tests.browser_support import serve_site

    with serve_site(sample_site, "/repo/") as url:
        yield url


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    from tests.browser_support import CHROMIUM, CHROMIUM_ARGS, require_chromium

    require_chromium()
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


def _unexpected(request) -> bool:
    """Any failed request is a problem, except `credcat serve`'s reload stream cut by the reload it asked for."""
    return not ("/__credcat/events" in request.url and request.failure == "net::ERR_ABORTED")


@pytest.fixture
def page(browser):
    """A fresh page that records console errors and failed requests; the test fails on any."""
    context = browser.new_context()
    page = context.new_page()
    page.problems = []
    page.on("console", lambda message: message.type == "error" and page.problems.append(f"console: {message.text}"))
    page.on("pageerror", lambda exc: page.problems.append(f"page error: {exc}"))
    page.on(
        "requestfailed", lambda request: _unexpected(request) and page.problems.append(f"request failed: {request.url}")
    )
    page.on(
        "response",
        lambda response: (
            response.status >= 400
            and not page.expect_404
            and page.problems.append(f"HTTP {response.status}: {response.url}")
        ),
    )
    page.expect_404 = False
    yield page
    context.close()
