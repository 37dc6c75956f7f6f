"""`private:` has one gate: the loader drops it, profiles cannot name it, and quality reasons never
echo more than a short piece of any value."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.hostile.support import ALPHA, at, credcat, files_containing, fixture_warnings

MARKERS = (b"PRIVATE-MARKER-ALPHA", b"PRIVATE-MARKER-BETA", b"PRIVATE-MARKER-STACK", b"secret_note")
"""The fixture's private values (alpha, beta, the stack; gamma, a draft, repeats alpha's) and a private key."""


def profile(check: str) -> str:
    return f"""id: local
name: A local profile
standards:
  - id: L-1
    name: One check
    summary: A check written by a catalog.
    checks:
      - {check}
"""


@pytest.mark.parametrize(
    "check",
    [
        "equals: {field: private.note, value: x}",
        "present: private",
        "one_sentence: private.secret_note",
        "any_item: {field: private.notes, where: {kind: x}}",
        "every_item: {field: private, has: [note]}",
    ],
)
def test_a_profile_cannot_name_a_private_field(make_content, capsys, check: str) -> None:
    content = make_content({"profiles/leak.yaml": profile(check).replace("id: local", "id: leak")})
    at = f"profiles/leak.yaml:8:{9 + check.index(':') + 2}"  # the value of the check, after "      - kind: "

    validate = credcat(capsys, "validate", "--content", content)
    assert validate.code == 1
    assert validate.diagnostics(content) == [(at, "error[Q002]")]
    assert "check refers to 'private" in validate.err
    assert "private notes are never published, so never assessed" in validate.err

    quality = credcat(capsys, "quality", "--content", content, "--profile", "leak", "--format", "json")
    assert quality.code == 1
    assert quality.diagnostics(content) == [(at, "error[Q002]")]
    assert quality.out == "FAILED: the quality profile has errors\n"


@pytest.mark.parametrize("drafts", [False, True], ids=["published", "with drafts"])
def test_no_private_value_reaches_any_output_file(make_content, tmp_path: Path, capsys, drafts: bool) -> None:
    content, out = make_content(), tmp_path / "site"
    args = ["build", "--content", content, "--out", out, "--no-search", "--base-url", "https://o.github.io/r/"]
    run = credcat(capsys, *args, *(["--drafts"] if drafts else []))
    assert run.code == 0 and run.diagnostics(content) == []
    written = {p.suffix for p in out.rglob("*") if p.is_file()}
    assert {".html", ".json", ".xml"} <= written
    assert (out / "credentials/alpha/achievement.json").is_file() and (out / "feed.xml").is_file()
    assert (out / "credentials/gamma/index.html").is_file() == drafts
    for marker in MARKERS:
        assert files_containing(out, marker) == [], marker


@pytest.mark.parametrize("broken", [False, True], ids=["valid", "alpha has an error"])
def test_no_private_value_reaches_validate_or_quality_output(make_content, capsys, broken: bool) -> None:
    """A credential with errors is assessed from its loaded data (catalog.check.quality_subject): still no private."""
    edits = {"credentials/alpha.md": [["effort_hours: 4", "effort_hours: lots"]]} if broken else {}
    content = make_content(edits=edits)
    expected = [(at(ALPHA, "effort_hours: 4", len("effort_hours: ")), "error[V002]")] if broken else []
    for args in (["validate"], ["validate", "--format", "json"], ["quality", "--format", "json"], ["quality"]):
        run = credcat(capsys, *args, "--content", content)
        assert run.code == (1 if broken else 0), run.err
        if args == ["validate", "--format", "json"]:
            printed = [
                (f"{d['path']}:{d['line']}:{d['col']}", f"{d['severity']}[{d['code']}]")
                for d in json.loads(run.out)
                if d["code"] not in fixture_warnings()
            ]
            assert printed == [(f"{content}/{where}", code) for where, code in expected]
        else:
            assert run.diagnostics(content) == expected
        assert not any(marker.decode() in run.out + run.err for marker in MARKERS)
    report = json.loads(credcat(capsys, "quality", "--format", "json", "--content", content).out)
    assert [c["id"] for c in report["credentials"]] == ["alpha", "beta", "gamma"]


def test_a_quality_reason_echoes_only_a_short_piece_of_a_long_value(make_content, capsys) -> None:
    long_title = "T" * 5000
    content = make_content(
        {"profiles/local.yaml": profile('equals: {field: title, value: "x"}')},
        edits={"credentials/alpha.md": [["title: Alpha Skill", f"title: {long_title}"]]},
    )
    run = credcat(capsys, "quality", "--content", content, "--profile", "local", "--format", "json")
    assert run.code == 0 and run.diagnostics(content) == []
    report = json.loads(run.out)
    reasons = {c["id"]: [r for s in c["standards"] for r in s["reasons"]] for c in report["credentials"]}
    assert len(reasons["alpha"]) == 1
    assert all(len(reason) < 200 for found in reasons.values() for reason in found)
    assert reasons["alpha"][0].startswith("'title' is 'TTTT") and reasons["alpha"][0].endswith("…, not 'x'")
    assert "T" * 60 not in run.out
