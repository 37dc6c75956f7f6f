"""validate, build and quality start from one checked catalog: same diagnostics, same verdict."""

from __future__ import annotations

from pathlib import Path

import pytest

from site_builder.cli import main

CASES = {
    "a bad extra profile": {
        "files": {"profiles/district.yaml": "id: district\nname: District\nextends: mpos-2024\nstandards: []\n"}
    },
    "a draft with a Markdown warning": {
        "edits": {"credentials/gamma.md": [["DRAFT-MARKER-GAMMA is", "See [this](javascript:alert(1)). It is"]]}
    },
    "an unknown field": {"edits": {"stacks/pair.yaml": [["completion:", "colour: blue\ncompletion:"]]}},
    "a stale recognition row": {"edits": {"credentials/alpha.md": [["as_of: 2026-06-01", "as_of: 2024-06-01"]]}},
}


def diagnostics_of(command: str, content: Path, tmp_path: Path, strict: bool, capsys) -> tuple[int, list[str]]:
    extra = {"build": ["--out", str(tmp_path / "site"), "--no-search"], "quality": ["--format", "json"]}
    code = main([command, "--content", str(content), *extra.get(command, []), *(["--strict"] if strict else [])])
    err = capsys.readouterr().err
    return code, sorted(line for line in err.splitlines() if "error[" in line or "warning[" in line)


@pytest.mark.parametrize("strict", [False, True], ids=["default", "strict"])
@pytest.mark.parametrize("case", CASES, ids=list(CASES))
def test_validate_build_and_quality_agree(case: str, strict: bool, make_content, tmp_path: Path, capsys) -> None:
    content = make_content(CASES[case].get("files"), edits=CASES[case].get("edits"))
    results = {command: diagnostics_of(command, content, tmp_path, strict, capsys) for command in ("validate", "build")}
    quality_code, quality_diagnostics = diagnostics_of("quality", content, tmp_path, strict, capsys)
    (validate_code, validate_diagnostics), (build_code, build_diagnostics) = results["validate"], results["build"]
    assert validate_diagnostics, "each case has at least one diagnostic"
    assert validate_diagnostics == build_diagnostics == quality_diagnostics
    assert (validate_code != 0) == (build_code != 0) == (quality_code != 0)


def test_the_cases_differ_in_outcome(make_content, tmp_path: Path, capsys) -> None:
    """The table holds both a failing case (an error) and cases that only --strict fails."""
    outcomes = set()
    for case in CASES.values():
        content = make_content(case.get("files"), edits=case.get("edits"))
        outcomes.add(diagnostics_of("validate", content, tmp_path, False, capsys)[0])
        (content.parent / "content").rename(tmp_path / f"done-{len(outcomes)}-{id(case)}")
    assert outcomes == {0, 1}
