"""`credcat serve`: build, serve on localhost, and rebuild when content or templates change.

Polls modification times once a second (no extra dependency); a failed rebuild prints its
diagnostics and keeps serving the last good site, thanks to the atomic publish.
"""

from __future__ import annotations

import functools
import http.server
import threading
import time
from importlib import resources
from pathlib import Path
from typing import Callable

from catalog.errors import UsageError
from site_builder.build import BuildOptions, BuildOutcome, build


def _snapshot(folders: list[Path]) -> dict[Path, float]:
    times = {}
    for folder in folders:
        for path in folder.rglob("*") if folder.is_dir() else ():
            try:
                times[path] = path.stat().st_mtime
            except OSError:  # an editor's temporary file, gone between listing and stat
                continue
    return times


class SiteHandler(http.server.SimpleHTTPRequestHandler):
    """Serves a built site at `prefix` (as GitHub Pages serves a project site), with its 404.html."""

    prefix = "/"

    def log_message(self, format: str, *args) -> None:
        pass

    def send_head(self):
        path = self.path.split("?", 1)[0].split("#", 1)[0]
        if not path.startswith(self.prefix) or not Path(self.translate_path(self.path)).exists():
            return self._not_found()
        return super().send_head()

    def translate_path(self, path: str) -> str:
        path = path.split("?", 1)[0].split("#", 1)[0]
        if path.startswith(self.prefix):
            path = "/" + path[len(self.prefix) :]
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


def site_handler(site: Path, prefix: str = "/"):
    """A request handler class for `site` served at `prefix`."""
    return functools.partial(type("Handler", (SiteHandler,), {"prefix": prefix}), directory=str(site))


def serve(options: BuildOptions, port: int, on_build: Callable[[BuildOutcome], None]) -> None:
    """Build, then serve `options.out` at http://localhost:PORT/ until interrupted, rebuilding on change.

    The first build's refusals (an output folder credcat must not replace) end the command: a
    folder that build will not write is never served either.
    """
    on_build(build(options))
    watched = [options.content, Path(str(resources.files("site_builder.templates")))]
    handler = site_handler(options.out)
    try:
        server = http.server.ThreadingHTTPServer(("127.0.0.1", port), handler)
    except OSError as exc:
        raise UsageError(f"cannot listen on port {port}: {exc.strerror or exc}") from None
    threading.Thread(target=server.serve_forever, daemon=True).start()
    print(f"Serving {options.out}/ at http://localhost:{port}/ (Ctrl+C to stop)", flush=True)
    seen = _snapshot(watched)
    try:
        while True:
            time.sleep(1)
            now = _snapshot(watched)
            if now != seen:
                seen = now
                on_build(build(options))
    except KeyboardInterrupt:
        return
    finally:
        server.shutdown()
