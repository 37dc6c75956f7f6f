"""`credcat serve`: builds, serves on localhost, rebuilds when content changes, and refuses what it must."""

from __future__ import annotations

import contextlib
import http.client
import http.server
import os
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator

from site_builder.serve import LiveReload, inject_live_script, site_handler

STARTUP_SECONDS = 30


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def fetch(url: str, deadline: float) -> str:
    while True:
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                return response.read().decode("utf-8")
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.2)


def request(port: int, path: str, host: str | None = None) -> tuple[int, dict[str, str], bytes]:
    """GET `path` from 127.0.0.1:`port` with the given Host header (default: the real one)."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
    try:
        connection.putrequest("GET", path, skip_host=host is not None)
        if host is not None:
            connection.putheader("Host", host)
        connection.endheaders()
        response = connection.getresponse()
        return response.status, dict(response.getheaders()), response.read()
    finally:
        connection.close()


@dataclass
class Served:
    process: subprocess.Popen
    port: int
    stdout: Path
    stderr: Path

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/"

    def output(self) -> str:
        return self.stdout.read_text(encoding="utf-8")

    def errors(self) -> str:
        return self.stderr.read_text(encoding="utf-8")

    def wait_for_output(self, text: str, seconds: float = STARTUP_SECONDS) -> None:
        """Wait until stdout holds `text`; fail at once if the server exits."""
        deadline = time.monotonic() + seconds
        while text not in self.output():
            code = self.process.poll()
            assert code is None, f"serve exited with {code}:\n{self.output()}\n{self.errors()}"
            assert time.monotonic() < deadline, f"no {text!r} within {seconds} s:\n{self.output()}\n{self.errors()}"
            time.sleep(0.05)


def serve_command(content: Path, out: Path, port: int | str) -> list[str]:
    return [
        sys.executable,
        "-m",
        "site_builder.cli",
        "serve",
        "--content",
        str(content),
        "--out",
        str(out),
        "--port",
        str(port),
    ]


@contextlib.contextmanager
def running_serve(content: Path, out: Path, logs: Path) -> Iterator[Served]:
    """`credcat serve` in a subprocess on a free port, ready (it printed "Serving"); terminated afterwards."""
    port = free_port()
    stdout, stderr = logs / "serve.out", logs / "serve.err"
    with stdout.open("w") as out_file, stderr.open("w") as err_file:
        process = subprocess.Popen(serve_command(content, out, port), stdout=out_file, stderr=err_file)
    served = Served(process, port, stdout, stderr)
    try:
        served.wait_for_output("Serving ")
        yield served
    finally:
        process.terminate()
        process.wait(timeout=10)


def run_serve(arguments: list[str], env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    """Run `credcat serve` that is expected to stop by itself."""
    return subprocess.run(arguments, capture_output=True, text=True, timeout=STARTUP_SECONDS, env=env)


def replace_in(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == 1, f"{old!r} occurs {text.count(old)} times in {path}"
    path.write_text(text.replace(old, new), encoding="utf-8")


def test_serve_rebuilds_when_content_changes(make_content, tmp_path: Path) -> None:
    content = make_content()
    with running_serve(content, tmp_path / "site", tmp_path) as served:
        url = served.url + "credentials/alpha/"
        assert "Alpha Skill" in fetch(url, time.monotonic() + 5)
        replace_in(content / "credentials" / "alpha.md", "title: Alpha Skill", "title: Alpha Skill Renamed")
        deadline = time.monotonic() + 30
        while "Alpha Skill Renamed" not in fetch(url, deadline):
            assert time.monotonic() < deadline, "no rebuild within 30 s"
            time.sleep(0.2)
        assert "__credcat" not in (tmp_path / "site" / "credentials" / "alpha" / "index.html").read_text()
    assert served.process.returncode == 0, served.errors()  # SIGTERM stops it cleanly
    assert "Traceback" not in served.errors()


def test_serve_keeps_serving_after_content_errors_and_refused_rebuilds(make_content, tmp_path: Path) -> None:
    content, site = make_content(), tmp_path / "site"
    alpha = content / "credentials" / "alpha.md"
    with running_serve(content, site, tmp_path) as served:
        replace_in(alpha, "effort_hours: 4", "effort_hours: twelve")
        served.wait_for_output("still serving the last good site")
        assert "error[V002]" in served.errors()
        assert "Alpha Skill" in fetch(served.url + "credentials/alpha/", time.monotonic() + 5)

        (site / ".credcat-site").unlink()  # the next rebuild finds a folder credcat did not write
        replace_in(alpha, "effort_hours: twelve", "effort_hours: 4")
        served.wait_for_output("Rebuild failed; still serving the last good site")
        assert "credcat: error: --out" in served.errors()
        assert served.process.poll() is None
        assert "Alpha Skill" in fetch(served.url + "credentials/alpha/", time.monotonic() + 5)
    assert "Traceback" not in served.errors()


def test_serve_refuses_an_output_folder_holding_foreign_files_without_serving(make_content, tmp_path: Path) -> None:
    content, out, port = make_content(), tmp_path / "site", free_port()
    out.mkdir()
    (out / "notes.txt").write_text("mine", encoding="utf-8")
    result = run_serve(serve_command(content, out, port))
    assert result.returncode == 2
    assert "credcat: error: --out" in result.stderr and "did not write" in result.stderr
    assert "Traceback" not in result.stderr
    assert "Serving" not in result.stdout
    assert sorted(p.name for p in out.iterdir()) == ["notes.txt"]


def test_serve_with_a_malformed_source_date_epoch_exits_2(make_content, tmp_path: Path) -> None:
    env = {**os.environ, "SOURCE_DATE_EPOCH": "abc"}
    result = run_serve(serve_command(make_content(), tmp_path / "site", free_port()), env=env)
    assert result.returncode == 2
    assert "credcat: error: SOURCE_DATE_EPOCH" in result.stderr
    assert "Traceback" not in result.stderr


def test_serve_with_an_out_of_range_port_exits_2(make_content, tmp_path: Path) -> None:
    result = run_serve(serve_command(make_content(), tmp_path / "site", 99999))
    assert result.returncode == 2
    assert "credcat: error:" in result.stderr and "out of range" in result.stderr
    assert "Traceback" not in result.stderr


def test_serve_on_a_port_in_use_exits_2(make_content, tmp_path: Path) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = run_serve(serve_command(make_content(), tmp_path / "site", port))
    assert result.returncode == 2
    assert f"credcat: error: cannot listen on port {port}:" in result.stderr
    assert "Traceback" not in result.stderr


def test_serve_answers_only_requests_for_localhost(make_content, tmp_path: Path) -> None:
    with running_serve(make_content(), tmp_path / "site", tmp_path) as served:
        port = served.port
        for host in ("evil.example", f"evil.example:{port}", "localhost.evil.example", "127.0.0.1.evil.example"):
            status, _, body = request(port, "/", host)
            assert status == 403, host
            assert b"Alpha" not in body
        assert request(port, "/", "")[0] == 403
        for host in ("localhost", f"localhost:{port}", f"127.0.0.1:{port}", f"[::1]:{port}", "LOCALHOST"):
            assert request(port, "/", host)[0] == 200, host


def test_serve_never_serves_dotfiles(make_content, tmp_path: Path) -> None:
    site = tmp_path / "site"
    with running_serve(make_content(), site, tmp_path) as served:
        assert (site / ".credcat-site").is_file()
        for path in ("/.credcat-site", "/%2Ecredcat-site", "/.hidden/page.html", "/credentials/.x/"):
            status, _, body = request(served.port, path)
            assert status == 404, path
            assert b"This folder is generated by credential-catalog" not in body  # the marker file's text
        assert request(served.port, "/badges/")[0] == 404  # no directory listings either


@contextlib.contextmanager
def handler_server(site: Path, live: LiveReload | None) -> Iterator[int]:
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), site_handler(site, "/", live))
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield server.server_address[1]
    finally:
        if live is not None:
            live.close()
        server.shutdown()
        server.server_close()


def small_site(root: Path) -> Path:
    site = root / "built"
    (site / "page").mkdir(parents=True)
    (site / "page" / "index.html").write_text("<!DOCTYPE html><html><body><p>Page</p></body></html>", encoding="utf-8")
    (site / "404.html").write_text("<!DOCTYPE html><html><body><p>Missing</p></body></html>", encoding="utf-8")
    return site


def test_live_script_is_injected_only_when_live_and_never_on_disk(tmp_path: Path) -> None:
    site = small_site(tmp_path)
    on_disk = (site / "page" / "index.html").read_bytes()
    live = LiveReload()
    with handler_server(site, live) as port:
        status, headers, body = request(port, "/page/")
        assert status == 200
        assert int(headers["Content-Length"]) == len(body)
        assert body == inject_live_script(on_disk, live.build_id)
        assert body.index(b"new EventSource") < body.rindex(b"</body>")
        assert b"textContent" in body and b"innerHTML" not in body
        status, headers, body = request(port, "/nowhere/")
        assert status == 404 and b"Missing" in body and b"EventSource" in body
        assert int(headers["Content-Length"]) == len(body)
    assert (site / "page" / "index.html").read_bytes() == on_disk
    with handler_server(site, None) as port:
        status, headers, body = request(port, "/page/")
        assert (status, body) == (200, on_disk)
        assert request(port, "/__credcat/events")[0] == 404


def read_event(stream) -> tuple[str, str]:
    """The next named event from a server-sent event stream (comments and `retry` skipped)."""
    name, data = None, []
    for raw in stream:
        line = raw.decode("utf-8").rstrip("\n")
        if line.startswith("event: "):
            name = line[len("event: ") :]
        elif line.startswith("data: "):
            data.append(line[len("data: ") :])
        elif line == "" and name is not None:
            return name, "\n".join(data)
    raise AssertionError("the event stream ended")


def open_events(port: int, build_id: str):
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    connection.request("GET", f"/__credcat/events?build={build_id}")
    response = connection.getresponse()
    assert response.status == 200
    assert response.getheader("Content-Type").startswith("text/event-stream")
    return connection, response


def test_event_streams_broadcast_errors_then_reload_to_every_client(tmp_path: Path) -> None:
    live = LiveReload()
    with handler_server(small_site(tmp_path), live) as port:
        clients = [open_events(port, live.build_id) for _ in range(3)]
        try:
            live.failed(["content/credentials/alpha.md:22:15: error[V002]: 'effort_hours' must be a number", "x"])
            for _, response in clients:
                assert read_event(response) == (
                    "error",
                    "content/credentials/alpha.md:22:15: error[V002]: 'effort_hours' must be a number\nx",
                )
            live.succeeded()
            for _, response in clients:
                assert read_event(response) == ("reload", "")
                assert response.read() == b""  # a reload ends the stream
        finally:
            for connection, _ in clients:
                connection.close()


def test_a_page_opened_while_the_build_fails_gets_the_error_at_once_and_old_pages_reload(tmp_path: Path) -> None:
    live = LiveReload()
    old = live.build_id
    live.succeeded()
    live.failed(["error[V002]: broken"])
    with handler_server(small_site(tmp_path), live) as port:
        connection, response = open_events(port, live.build_id)
        try:
            assert read_event(response) == ("error", "error[V002]: broken")
        finally:
            connection.close()
        connection, response = open_events(port, old)  # served before the last good build
        try:
            assert read_event(response) == ("reload", "")
        finally:
            connection.close()


def test_closing_the_broadcaster_ends_open_streams(tmp_path: Path) -> None:
    live = LiveReload()
    with handler_server(small_site(tmp_path), live) as port:
        connection, response = open_events(port, live.build_id)
        try:
            live.close()
            assert b"event:" not in response.read()
        finally:
            connection.close()
