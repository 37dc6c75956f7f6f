"""Shared fixtures: a project factory that writes small content folders into tmp_path."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Callable, Mapping

import pytest

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


TODAY = "2026-11-24"
"""Tests run on a fixed date, so that checks which age (R006, QAS-12) give the same answer every year."""


@pytest.fixture(autouse=True)
def fixed_today(monkeypatch) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1795478400")  # 2026-11-24T00:00:00Z


@pytest.fixture
def make_content(tmp_path: Path) -> Callable[..., Path]:
    """Copy the small valid fixture catalog into tmp_path, then apply changes.

    `edits` maps a file to (old, new) replacements; each `old` must occur exactly once, so a
    case can never silently stop testing what it claims to.
    """

    def make(files: Mapping[str, str | bytes] | None = None, *, edits: Mapping[str, list] | None = None,
             delete: tuple[str, ...] = (), base: str = "base") -> Path:
        root = tmp_path / "content"
        shutil.copytree(FIXTURES / base, root)
        for relative, replacements in (edits or {}).items():
            path = root / relative
            text = path.read_text(encoding="utf-8")
            for old, new in replacements:
                assert text.count(old) == 1, f"{old!r} occurs {text.count(old)} times in {relative}"
                text = text.replace(old, new)
            path.write_text(text, encoding="utf-8")
        for relative in delete:
            (root / relative).unlink()
        write_files(root, files or {})
        return root

    return make
