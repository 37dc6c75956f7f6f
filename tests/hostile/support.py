"""Helpers for the hostile suite: run credcat, read its diagnostics exactly, fingerprint folders."""

from __future__ import annotations

import datetime
import functools
import hashlib
import os
import re
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

from catalog.cache import CACHE_FOLDER
from catalog.check import CheckOptions, check_catalog
from site_builder.cli import main
from tests.conftest import FIXTURES, TODAY

REPO = Path(__file__).parent.parent.parent
ALPHA = "credentials/alpha.md"
PAIR = "stacks/pair.yaml"


def at(relative: str, needle: str, offset: int = 0) -> str:
    """'relative:line:col' of `needle` (plus `offset` characters) in the fixture file; it occurs once there."""
    text = (FIXTURES / "base" / relative).read_text(encoding="utf-8")
    assert text.count(needle) == 1, f"{needle!r} occurs {text.count(needle)} times in {relative}"
    before = text[: text.index(needle) + offset]
    return f"{relative}:{before.count(chr(10)) + 1}:{len(before) - before.rfind(chr(10))}"


def line_of(relative: str, needle: str) -> int:
    """The line of the fixture file that holds `needle` (once)."""
    return int(at(relative, needle).split(":")[1])


ALPHA_BADGE_LINE = "badge: {image: badges/alpha.svg, alt: Alpha badge}"
ALPHA_BADGE = at(ALPHA, "badges/alpha.svg")
"""Where alpha's `badge.image` value starts in the fixture (and still starts after `set_badge`)."""

_DIAGNOSTIC = re.compile(r"^(?P<where>.+?:\d+:\d+): (?P<severity>error|warning)\[(?P<code>[A-Z]\d{3})\]: ", re.M)


@dataclass(frozen=True)
class Run:
    code: int
    out: str
    err: str

    def diagnostics(self, root: Path) -> list[tuple[str, str]]:
        """Every printed diagnostic as ('relative/path:line:col', 'error[CODE]'), in printed order,
        but for the warnings the untouched fixture catalog prints itself (see `fixture_warnings`)."""
        prefix = f"{root}{os.sep}"
        return [
            (m["where"].removeprefix(prefix), f"{m['severity']}[{m['code']}]")
            for m in _DIAGNOSTIC.finditer(self.err)
            if m["code"] not in fixture_warnings()
        ]


@functools.cache
def fixture_warnings() -> frozenset[str]:
    """The codes of the warnings `tests/fixtures/base` prints as it is (ideally none).

    A case here asserts what its change adds; a warning every copy of the fixture prints (a new
    rule the fixture does not meet yet) is not part of any case. Errors are never left out.
    """
    checked = check_catalog(FIXTURES / "base", CheckOptions(datetime.date.fromisoformat(TODAY)))
    return frozenset(d.code for d in checked.diagnostics if not d.is_error)


def credcat(capsys, *args: object) -> Run:
    """Run `credcat ARGS` in this process; the output never holds a traceback."""
    try:
        code = main([str(a) for a in args])
    except SystemExit as exc:  # argparse's own usage errors
        code = int(exc.code or 0)
    captured = capsys.readouterr()
    assert "Traceback" not in captured.out + captured.err, captured.err
    return Run(code, captured.out, captured.err)


def credcat_process(*args: object, timeout: float = 120) -> Run:
    """Run `python -m site_builder.cli ARGS` as its own process (the environment is inherited)."""
    command = [sys.executable, "-m", "site_builder.cli", *map(str, args)]
    try:
        completed = subprocess.run(command, cwd=REPO, capture_output=True, text=True, timeout=timeout)
    except subprocess.TimeoutExpired:  # run() has killed it
        completed = None
    if completed is None:
        pytest.fail(f"credcat {' '.join(command[3:])} did not finish within {timeout:g} s", pytrace=False)
    assert "Traceback" not in completed.stdout + completed.stderr, completed.stderr
    return Run(completed.returncode, completed.stdout, completed.stderr)


def tree(folder: Path) -> dict[str, str]:
    """Every file and link under `folder` (dotfiles too) -> a digest of its bytes or its link target."""
    found = {}
    for path in sorted(folder.rglob("*")):
        relative = str(path.relative_to(folder))
        if path.is_symlink():
            found[relative] = "link -> " + os.readlink(path)
        elif path.is_file():
            found[relative] = hashlib.sha256(path.read_bytes()).hexdigest()
        else:
            found[relative] = "folder"
    return found


def leftovers(folder: Path) -> list[str]:
    """Staging and retired folders beside an output folder (the lock file and the cache stay, by design)."""
    return sorted(
        p.name
        for p in folder.iterdir()
        if ".credcat-" in p.name and not p.name.endswith("credcat-lock") and p.name != CACHE_FOLDER
    )


def files_containing(folder: Path, needle: bytes) -> list[str]:
    """The files under `folder` whose bytes contain `needle`."""
    return sorted(str(p.relative_to(folder)) for p in folder.rglob("*") if p.is_file() and needle in p.read_bytes())


def set_badge(content: Path, image: str) -> None:
    """Point alpha's badge at `image` (written as a YAML double-quoted string), keeping its position."""
    path = content / ALPHA
    text = path.read_text(encoding="utf-8")
    assert text.count(ALPHA_BADGE_LINE) == 1
    quoted = image.replace("\\", "\\\\").replace('"', '\\"')
    path.write_text(text.replace(ALPHA_BADGE_LINE, f'badge: {{image: "{quoted}", alt: Alpha badge}}'), encoding="utf-8")
