"""`credcat serve`: builds, serves on localhost, and rebuilds when content changes."""

from __future__ import annotations

import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path


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


def test_serve_rebuilds_when_content_changes(make_content, tmp_path: Path) -> None:
    content, port = make_content(), free_port()
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "site_builder.cli",
            "serve",
            "--content",
            str(content),
            "--out",
            str(tmp_path / "site"),
            "--port",
            str(port),
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        url = f"http://127.0.0.1:{port}/credentials/alpha/"
        assert "Alpha Skill" in fetch(url, time.monotonic() + 30)
        alpha = content / "credentials" / "alpha.md"
        alpha.write_text(alpha.read_text().replace("title: Alpha Skill", "title: Alpha Skill Renamed"))
        deadline = time.monotonic() + 30
        while "Alpha Skill Renamed" not in fetch(url, deadline):
            assert time.monotonic() < deadline, "no rebuild within 30 s"
            time.sleep(0.3)
    finally:
        server.terminate()
        server.wait(timeout=10)
