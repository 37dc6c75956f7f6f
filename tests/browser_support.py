"""Test helpers for browser tests: a real HTTP server that serves a built site under a sub-path,
the way GitHub Pages serves a project site, and a real Chromium driven by Playwright."""

from __future__ import annotations

import contextlib
import functools
import http.server
import os
import shutil
import threading
from pathlib import Path
from typing import Iterator

import pytest

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]


class _SubPathHandler(http.server.SimpleHTTPRequestHandler):
    """Serves `directory` at `prefix`; anything else, or a missing file, gets the site's 404.html."""

    prefix = "/"

    def log_message(self, format: str, *args) -> None:  # keep test output quiet
        pass

    def send_head(self):
        path = self.path.split("?", 1)[0].split("#", 1)[0]
        if not path.startswith(self.prefix) or not Path(self.translate_path(self.path)).exists():
            return self._not_found()
        return super().send_head()

    def translate_path(self, path: str) -> str:
        path = path.split("?", 1)[0].split("#", 1)[0]
        if path.startswith(self.prefix):
            path = "/" + path[len(self.prefix):]
        return super().translate_path(path)

    def _not_found(self):
        page = Path(self.directory) / "404.html"
        body = page.read_bytes() if page.is_file() else b"not found"
        self.send_response(404)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)
        return None


@contextlib.contextmanager
def serve_site(site: Path, prefix: str = "/repo/") -> Iterator[str]:
    """Serve `site` on 127.0.0.1 at `prefix`; yields the site's root URL."""
    handler = functools.partial(type("Handler", (_SubPathHandler,), {"prefix": prefix}), directory=str(site))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
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
