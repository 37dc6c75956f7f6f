"""The preview server (site_builder/serve.py) is for one person's machine: it listens on 127.0.0.1
only, answers one localhost Host header only, and never serves what lies outside the site.

tests/test_serve.py covers the running command (Host allowlist, dotfiles, listings, refused folders).
"""

from __future__ import annotations

import contextlib
import http.client
import threading
from pathlib import Path
from typing import Iterator

import pytest

from site_builder.serve import _listen, site_handler

SECRET = b"OUTSIDE-THE-SITE"


@contextlib.contextmanager
def serving(site: Path) -> Iterator[int]:
    server = _listen(0, site_handler(site))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield server.server_address[1]
    finally:
        server.shutdown()
        server.server_close()


def get(port: int, path: str, hosts: tuple[str, ...] = ("localhost",)) -> tuple[int, bytes]:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
    try:
        connection.putrequest("GET", path, skip_host=True, skip_accept_encoding=True)
        for host in hosts:
            connection.putheader("Host", host)
        connection.endheaders()
        response = connection.getresponse()
        return response.status, response.read()
    finally:
        connection.close()


@pytest.fixture
def site(tmp_path: Path) -> Path:
    site = tmp_path / "site"
    site.mkdir()
    (site / "index.html").write_text("<!DOCTYPE html><title>Home</title><p>Home</p>")
    (site / "404.html").write_text("<!DOCTYPE html><title>Missing</title><p>Missing</p>")
    (tmp_path / "secret.txt").write_bytes(SECRET)
    return site


def test_the_server_listens_on_the_loopback_address_only(site: Path) -> None:
    server = _listen(0, site_handler(site))
    try:
        assert server.server_address[0] == "127.0.0.1"
    finally:
        server.server_close()


@pytest.mark.parametrize(
    "hosts", [("localhost", "evil.example"), ("evil.example", "localhost"), ("localhost", "localhost"), ()]
)
def test_a_request_without_exactly_one_localhost_host_header_is_refused(site: Path, hosts: tuple[str, ...]) -> None:
    with serving(site) as port:
        status, body = get(port, "/", hosts)
    assert status == 403 and b"Home" not in body


@pytest.mark.parametrize(
    "path", ["/../secret.txt", "/%2e%2e/secret.txt", "/%2E%2E%2Fsecret.txt", "/..%2fsecret.txt", "//../secret.txt"]
)
def test_a_path_that_climbs_out_of_the_site_is_never_served(site: Path, path: str) -> None:
    with serving(site) as port:
        status, body = get(port, path)
    assert status == 404 and SECRET not in body
