"""The code keeps one style: ruff's lint rules and formatter, as configured in pyproject.toml."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from tests.conftest import REPO

FOLDERS = ["catalog", "site_builder", "tests", "bench"]


def ruff(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [str(Path(sys.executable).with_name("ruff")), *args, *FOLDERS],
        cwd=REPO,
        capture_output=True,
        text=True,
        check=False,
    )


def test_lint_rules_pass() -> None:
    completed = ruff("check")
    assert completed.returncode == 0, completed.stdout


def test_code_is_formatted() -> None:
    completed = ruff("format", "--check")
    assert completed.returncode == 0, completed.stdout + "\nrun: .venv/bin/ruff format " + " ".join(FOLDERS)


def test_types_check_strictly() -> None:
    """mypy --strict over catalog/ and site_builder/ (configured in pyproject.toml)."""
    completed = subprocess.run(
        [sys.executable, "-m", "mypy", "--no-error-summary"], cwd=REPO, capture_output=True, text=True, check=False
    )
    assert completed.returncode == 0, completed.stdout + completed.stderr
