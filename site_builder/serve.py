"""`credcat serve`: build, serve on localhost, and rebuild when content or templates change.

Polls modification times once a second (no extra dependency); a failed rebuild prints its
diagnostics and keeps serving the last good site, thanks to the atomic publish.
"""

from __future__ import annotations

import functools
import http.server
import sys
import threading
import time
from importlib import resources
from pathlib import Path

from catalog.content import resolve_today
from site_builder.build import BuildOptions, UsageError, build
from site_builder.urls import SiteUrls


def _snapshot(folders: list[Path]) -> dict[Path, float]:
    return {path: path.stat().st_mtime for folder in folders if folder.is_dir()
            for path in folder.rglob("*") if path.is_file()}


def _build_once(options: BuildOptions) -> None:
    try:
        outcome = build(options)
    except UsageError as exc:
        print(f"credcat: error: {exc}", file=sys.stderr)
        return
    for diagnostic in outcome.diagnostics:
        print(diagnostic.format(), file=sys.stderr)
    print(outcome.summary if outcome.written else "Build failed; still serving the last good site.", flush=True)


def serve(content: Path, out: Path, port: int, *, drafts: bool = False, strict: bool = False) -> int:
    """Serve `out` at http://localhost:PORT/ until interrupted."""
    options = BuildOptions(content, out, SiteUrls.parse("/"), resolve_today(None), drafts=drafts, strict=strict)
    _build_once(options)
    watched = [content, Path(str(resources.files("site_builder.templates")))]
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(out))
    try:
        server = http.server.ThreadingHTTPServer(("127.0.0.1", port), handler)
    except OSError as exc:
        print(f"credcat: error: cannot listen on port {port}: {exc}", file=sys.stderr)
        return 2
    threading.Thread(target=server.serve_forever, daemon=True).start()
    print(f"Serving {out}/ at http://localhost:{port}/ (Ctrl+C to stop)", flush=True)
    seen = _snapshot(watched)
    try:
        while True:
            time.sleep(1)
            now = _snapshot(watched)
            if now != seen:
                seen = now
                _build_once(options)
    except KeyboardInterrupt:
        return 0
    finally:
        server.shutdown()
