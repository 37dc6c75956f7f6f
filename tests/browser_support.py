"""Test helpers for browser tests: the real `credcat serve` handler serving a built site under a
sub-path, the way GitHub Pages serves a project site, and a real Chromium driven by Playwright."""

from __future__ import annotations

import contextlib
import http.server
import os
import shutil
import threading
from pathlib import Path
from typing import Iterator

import pytest

from site_builder.serve import site_handler

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@contextlib.contextmanager
def serve_site(site: Path, prefix: str = "/repo/") -> Iterator[str]:
    """Serve `site` on 127.0.0.1 at `prefix`; yields the site's root URL."""
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), site_handler(site, prefix))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}{prefix}"
    finally:
        server.shutdown()
        server.server_close()


def require_chromium() -> None:
    """Skip without Debian's chromium, except in CI, where a missing browser is a failure."""
    if Path(CHROMIUM).exists():
        return
    message = "Debian's chromium is not installed (run scripts/ensure-chromium.sh as root)"
    if os.environ.get("CI") == "true":
        pytest.fail(message)
    pytest.skip(message)
