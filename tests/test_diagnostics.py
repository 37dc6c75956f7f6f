"""Every diagnostic code, as a table of small cases (tests/fixtures/diagnostics.yaml)."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from catalog.diagnostics import Suggestions
from catalog.yaml_positions import parse_yaml
from site_builder.cli import main
from tests.conftest import FIXTURES

CASES_FILE = Path(__file__).parent / "fixtures" / "diagnostics.yaml"


def _cases() -> list:
    data, positions, problems = parse_yaml(CASES_FILE.read_text(encoding="utf-8"), str(CASES_FILE))
    assert not problems
    return [pytest.param(case, id=f"line{positions.of_value((i,)).line}-{case['name']}") for i, case in enumerate(data)]


def run_validate(content: Path, capsys, *extra: str) -> tuple[int, list[dict]]:
    code = main(["validate", "--content", str(content), "--format", "json", *extra])
    return code, json.loads(capsys.readouterr().out)


@pytest.mark.parametrize("case", _cases())
def test_diagnostic(case: dict, make_content, capsys) -> None:
    files = dict(case.get("write", {}))
    files.update({path: text.encode("latin-1") for path, text in case.get("bytes", {}).items()})
    files.update({target: (FIXTURES / "base" / source).read_bytes() for source, target in case.get("copy", {}).items()})
    edits = {
        path: [[old, new * (times[0] if times else 1)] for old, new, *times in changes]
        for path, changes in case.get("edit", {}).items()
    }
    content = make_content(files, edits=edits, delete=tuple(case.get("delete", ())))
    for link, target in case.get("link", {}).items():
        (content / link).symlink_to(target)

    code, diagnostics = run_validate(content, capsys)

    found = [
        f"{Path(d['path']).relative_to(content).as_posix()}:{d['line']}:{d['col']}: {d['severity']}[{d['code']}]"
        for d in diagnostics
    ]
    assert found == case["expect"]
    if "hint" in case:
        assert [d["hint"] for d in diagnostics if case["hint"] in (d["hint"] or "")], diagnostics
    assert code == (1 if any(d["severity"] == "error" for d in diagnostics) else 0)


def test_every_documented_code_has_a_case_and_every_tested_code_is_documented() -> None:
    from tests.test_quality import PROFILE_CASES

    docs = (Path(__file__).parent.parent / "docs" / "content-format.md").read_text(encoding="utf-8")
    documented = set(re.findall(r"^### ([A-Z]\d{3})\b", docs, re.M))
    tested = {line.split("[")[1].rstrip("]") for case in _cases() for line in case.values[0]["expect"]}
    tested |= {code for _, code, _ in PROFILE_CASES.values()}
    assert documented == tested


def test_hints_stop_before_they_cost_minutes(monkeypatch) -> None:
    """A bulk rename can leave thousands of files naming ids that are gone, and each hint compares
    the word with every id: hints stop after a budget of comparisons (about twenty against 10,000
    ids), and the diagnostics after that keep their plain hint."""
    monkeypatch.setattr(Suggestions, "COMPARISONS", 1_000)
    many = Suggestions(f"skill-{n:03d}" for n in range(100))
    hints = [many(f"skil-{n:03d}") for n in range(15)]
    assert hints[:10] == [f"did you mean 'skill-{n:03d}'?" for n in range(10)] and hints[10:] == [None] * 5
    few = Suggestions(["alpha", "beta", "gamma"])
    assert {few("alpah") for _ in range(300)} == {"did you mean 'alpha'?"}
