"""`credcat serve`: the local preview server, which owns watching, rebuilding and live reload.

It lives apart from the CLI because it owns long-running state (a file watcher, an HTTP server,
the connected browsers) that no other command has; the CLI only says what happened, through the
`on_build` and `on_error` callbacks. `watchfiles` watches the content and template folders and
debounces bursts of saves; each rebuild publishes atomically, so a failed one leaves the last good
site in place. Browsers learn about rebuilds over server-sent events: a script injected into the
HTML as it is served (never written to disk) reloads the page, or shows why the rebuild failed.

The server is for one person's machine: it binds 127.0.0.1 only, answers only requests addressed
to localhost (so a DNS-rebinding page cannot read the preview), and never serves dotfiles.
"""

from __future__ import annotations

import dataclasses
import functools
import http.server
import io
import json
import os
import re
import secrets
import threading
import urllib.parse
from importlib import resources
from pathlib import Path
from typing import Any, BinaryIO, Callable, Iterable, Iterator

import watchfiles

from catalog.errors import CredcatError, UsageError
from site_builder.build import BuildOptions, BuildOutcome, build

EVENTS_PATH = "/__credcat/events"
"""Where injected pages listen for rebuilds (outside any site prefix; a built site has no `__credcat`)."""

KEEPALIVE_SECONDS = 15.0
"""How often an idle event stream sends a comment, so a closed browser tab is noticed."""

WATCH_TIMEOUT_MS = 250
"""How long the watcher waits before yielding an empty set of changes (it then checks for Ctrl+C)."""

_LOCAL_HOST = re.compile(r"(?:localhost|127\.0\.0\.1|\[::1\])(?::\d{1,5})?")

_LIVE_SCRIPT = """<script>
/* credcat serve: live reload. Injected by the preview server only; the built files do not have it. */
(function () {
  var source = new EventSource(%(url)s), reloading = false;
  function reload() {
    if (source.readyState === EventSource.CLOSED) return;
    source.close();
    location.reload();
  }
  source.addEventListener("reload", function () {
    reloading = true; /* the server ends the stream next; reload then, so no request is cut off */
    setTimeout(reload, 2000);
  });
  source.addEventListener("error", function (event) {
    if (!(event instanceof MessageEvent)) { /* the stream ended or dropped: EventSource retries */
      if (reloading) reload();
      return;
    }
    var panel = document.getElementById("credcat-live-errors") || document.createElement("div");
    panel.id = "credcat-live-errors";
    panel.setAttribute("role", "alert");
    panel.tabIndex = 0;
    panel.style.cssText = "position:fixed;top:0;left:0;right:0;z-index:2147483647;margin:0;padding:1rem;" +
      "max-height:50vh;overflow:auto;background:#000;color:#fff;border-bottom:4px solid #ffd400;" +
      "font:1rem/1.4 monospace;white-space:pre-wrap;text-align:left";
    panel.textContent = "credcat serve: the last rebuild failed, so this is the last good site.\\n\\n" + event.data;
    document.body.appendChild(panel);
  });
})();
</script>
"""


class LiveReload:
    """The result of the last rebuild, broadcast to every connected browser; safe to use from any thread.

    Each browser's page carries the id of the build it was served from; on connecting, a page from
    an older build is told to reload, and any page is told about a failing rebuild straight away.
    """

    def __init__(self) -> None:
        self._changed = threading.Condition()
        self._server = secrets.token_hex(4)  # a restarted server's pages reload, too
        self._builds = 0
        self._version = 0
        self._error: str | None = None
        self._closed = False

    @property
    def build_id(self) -> str:
        """The id of the last successful build, as embedded in the pages served now."""
        with self._changed:
            return f"{self._server}-{self._builds}"

    def succeeded(self) -> None:
        """A rebuild was published: every open page reloads."""
        with self._changed:
            self._builds += 1
            self._error = None
            self._version += 1
            self._changed.notify_all()

    def failed(self, lines: Iterable[str]) -> None:
        """A rebuild wrote nothing: every open page (and every page opened until the next success) shows `lines`."""
        with self._changed:
            self._error = "\n".join(lines) or "The rebuild failed."
            self._version += 1
            self._changed.notify_all()

    def close(self) -> None:
        """End every event stream (the server is stopping)."""
        with self._changed:
            self._closed = True
            self._changed.notify_all()

    def events(self, page_build: str | None, keepalive: float = KEEPALIVE_SECONDS) -> Iterator[tuple[str, str] | None]:
        """The events for one browser: ("reload", "") or ("error", text), or None when idle for `keepalive` seconds.

        Ends after a reload (the page goes away) and when the server closes.
        """
        with self._changed:
            version = self._version
            if page_build is not None and page_build != f"{self._server}-{self._builds}":
                event: tuple[str, str] | None = ("reload", "")
            else:
                event = ("error", self._error) if self._error is not None else None
        while True:
            if event is not None:
                yield event
                if event[0] == "reload":
                    return
            with self._changed:
                self._changed.wait_for(lambda: self._closed or self._version != version, timeout=keepalive)
                if self._closed:
                    return
                changed, version = self._version != version, self._version
                event = ("error", self._error) if self._error is not None else ("reload", "")
            if not changed:
                event = None
                yield None


def _sse(name: str, text: str) -> bytes:
    lines = text.splitlines() or [""]
    return (f"event: {name}\n" + "".join(f"data: {line}\n" for line in lines) + "\n").encode("utf-8")


def inject_live_script(html: bytes, build_id: str) -> bytes:
    """`html` with the live-reload script before its last `</body>` (or at its end, if it has none)."""
    url = json.dumps(f"{EVENTS_PATH}?build={urllib.parse.quote(build_id)}")
    script = (_LIVE_SCRIPT % {"url": url}).encode("utf-8")
    at = html.lower().rfind(b"</body>")
    return html + script if at < 0 else html[:at] + script + html[at:]


class SiteHandler(http.server.SimpleHTTPRequestHandler):
    """Serves a built site at `prefix` (as GitHub Pages serves a project site), with its 404.html.

    Answers only requests whose Host is localhost, 127.0.0.1 or [::1] (403 otherwise) and never
    serves a path with a segment starting with "." (404). With `live`, HTML pages get the
    live-reload script and `/__credcat/events` streams rebuild events.
    """

    prefix = "/"
    live: LiveReload | None = None

    def log_message(self, format: str, *args: Any) -> None:
        pass

    def do_GET(self) -> None:
        if self._refuse_host():
            return
        if self.live is not None and urllib.parse.urlsplit(self.path).path == EVENTS_PATH:
            self._stream_events(self.live)
            return
        super().do_GET()

    def do_HEAD(self) -> None:
        if self._refuse_host():
            return
        super().do_HEAD()

    def send_head(self) -> BinaryIO | None:
        path = self.path.split("?", 1)[0].split("#", 1)[0]
        if not path.startswith(self.prefix) or _hidden(path) or not Path(self.translate_path(self.path)).exists():
            return self._not_found()
        if self.live is not None:
            page = self._html_file(path)
            if page is not None:
                build_id = self.live.build_id  # before reading: a page newer than its id only reloads once more
                return self._send_html(200, inject_live_script(page.read_bytes(), build_id))
        return super().send_head()

    def translate_path(self, path: str) -> str:
        path = path.split("?", 1)[0].split("#", 1)[0]
        if path.startswith(self.prefix):
            path = "/" + path[len(self.prefix) :]
        return super().translate_path(path)

    def list_directory(self, path: str | os.PathLike[str]) -> io.BytesIO | None:
        return self._not_found()  # a listing would show what the site does not link to, dotfiles included

    def _html_file(self, path: str) -> Path | None:
        target = Path(self.translate_path(self.path))
        if target.is_dir():
            target = target / "index.html" if path.endswith("/") else Path()  # the parent class redirects to "/"
        return target if target.suffix in (".html", ".htm") and target.is_file() else None

    def _not_found(self) -> io.BytesIO:
        page = Path(self.directory) / "404.html"
        body = page.read_bytes() if page.is_file() else b"not found"
        if self.live is not None:
            body = inject_live_script(body, self.live.build_id)
        return self._send_html(404, body)

    def _send_html(self, status: int, body: bytes) -> io.BytesIO:
        self.send_response(status)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        if self.live is not None:
            self.send_header("Cache-Control", "no-cache")
        self.end_headers()
        return io.BytesIO(body)

    def _refuse_host(self) -> bool:
        hosts = self.headers.get_all("Host") or []
        if len(hosts) == 1 and _LOCAL_HOST.fullmatch(hosts[0].strip().lower()):
            return False
        body = b"forbidden: this preview server answers only requests for localhost\n"
        self.send_response(403)
        self.send_header("Content-Type", "text/plain; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)
        return True

    def _stream_events(self, live: LiveReload) -> None:
        page_build = urllib.parse.parse_qs(urllib.parse.urlsplit(self.path).query).get("build", [None])[0]
        self.close_connection = True
        self.send_response(200)
        self.send_header("Content-Type", "text/event-stream; charset=utf-8")
        self.send_header("Cache-Control", "no-store")
        self.end_headers()
        try:
            self.wfile.write(b"retry: 1000\n\n")
            for event in live.events(page_build):
                self.wfile.write(b": idle\n\n" if event is None else _sse(*event))
                self.wfile.flush()
        except OSError:  # the browser went away
            pass


def _hidden(url_path: str) -> bool:
    return any(segment.startswith(".") for segment in urllib.parse.unquote(url_path).split("/"))


def site_handler(site: Path, prefix: str = "/", live: LiveReload | None = None) -> Callable[..., SiteHandler]:
    """A request handler class for `site` served at `prefix`; with `live`, pages reload after each rebuild."""
    handler = type("Handler", (SiteHandler,), {"prefix": prefix, "live": live})
    return functools.partial(handler, directory=str(site))


class _Server(http.server.ThreadingHTTPServer):
    daemon_threads = True  # an open event stream never keeps the process alive


class _SourceFilter(watchfiles.DefaultFilter):
    """watchfiles' defaults (editor temporary files, caches, VCS folders) and never the output folder."""

    def __init__(self, out: Path) -> None:
        super().__init__()
        self._out = out.resolve()
        self._staging = f".{out.name}.credcat-"

    def __call__(self, change: watchfiles.Change, path: str) -> bool:
        changed = Path(path)
        if changed == self._out or self._out in changed.parents:
            return False
        if any(part.startswith(self._staging) for part in changed.parts):
            return False
        return super().__call__(change, path)


def watched_folders(options: BuildOptions) -> list[Path]:
    """The folders whose changes trigger a rebuild: the content and the package's templates."""
    return [options.content.resolve(), Path(str(resources.files("site_builder.templates"))).resolve()]


def _listen(port: int, handler: Callable[..., http.server.BaseHTTPRequestHandler]) -> _Server:
    try:
        return _Server(("127.0.0.1", port), handler)
    except OSError as exc:
        raise UsageError(f"cannot listen on port {port}: {exc.strerror or exc}") from None


def _publish_result(live: LiveReload, outcome: BuildOutcome) -> None:
    if outcome.written:
        live.succeeded()
    else:
        live.failed(d.format() for d in outcome.diagnostics)


def serve(
    options: BuildOptions,
    port: int,
    on_build: Callable[[BuildOutcome], None],
    on_error: Callable[[CredcatError], None],
) -> None:
    """Build, then serve `options.out` at http://localhost:PORT/ until interrupted, rebuilding on change.

    The first build's CredcatError (an output folder credcat must not replace) propagates, and
    nothing is served; so does a port that cannot be listened on (UsageError). Later rebuilds
    report through `on_build`, or `on_error` for a CredcatError, and the server keeps serving the
    last good site. Returns on Ctrl+C (or SIGTERM turned into KeyboardInterrupt by the CLI).
    """
    live = LiveReload()
    changes = watchfiles.watch(
        *watched_folders(options),
        watch_filter=_SourceFilter(options.out),
        rust_timeout=WATCH_TIMEOUT_MS,
        yield_on_timeout=True,
    )
    server: _Server | None = None
    try:
        try:
            next(changes)  # the first yield (an empty set at the latest) means the watcher is running
        except FileNotFoundError:
            raise UsageError(
                f"cannot watch {options.content}: the folder does not exist", "pass --content DIR"
            ) from None
        outcome = build(options)  # changes made during it are delivered by the next `next`
        on_build(outcome)
        _publish_result(live, outcome)
        del outcome  # and what it made with it: a rebuild must not hold two catalogs
        server = _listen(port, site_handler(options.out, live=live))
        threading.Thread(target=server.serve_forever, name="credcat-serve", daemon=True).start()
        # Rebuilds stay in this process: forking workers beside the server's thread is not safe,
        # and the cache makes a rebuild after an edit quick anyway.
        options = dataclasses.replace(options, jobs=1)
        print(f"Serving {options.out}/ at http://localhost:{port}/ (Ctrl+C to stop)", flush=True)
        for changed in changes:
            if not changed:
                continue
            try:
                outcome = build(options)
            except CredcatError as exc:
                on_error(exc)
                live.failed([f"error: {exc.message}"] + ([f"  hint: {exc.hint}"] if exc.hint else []))
                continue
            on_build(outcome)
            _publish_result(live, outcome)
            del outcome
    except KeyboardInterrupt:
        return
    finally:
        changes.close()
        live.close()
        if server is not None:
            server.shutdown()
            server.server_close()
