"""The quality report: for every standard, a credential that meets it and one that does not."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
import yaml

from site_builder.cli import main
from tests.conftest import REPO

CASES = yaml.safe_load((Path(__file__).parent / "fixtures" / "quality.yaml").read_text(encoding="utf-8"))
STANDARDS = [f"QAS-{n:02d}" for n in range(1, 15)]


@pytest.fixture
def content(make_content) -> Path:
    """The small fixture catalog plus the complete sample credential exit-tickets."""
    root = make_content()
    shutil.copy(REPO / "content" / "credentials" / "exit-tickets.md", root / "credentials" / "exit-tickets.md")
    shutil.copy(REPO / "content" / "badges" / "formative-assessment.svg", root / "badges" / "formative-assessment.svg")
    return root


def quality(content: Path, capsys, *extra: str) -> tuple[int, dict]:
    code = main(["quality", "--content", str(content), "--format", "json", "--today", "2026-11-24", *extra])
    return code, json.loads(capsys.readouterr().out)


def verdicts(report: dict, credential_id: str) -> dict[str, dict]:
    credential = next(c for c in report["credentials"] if c["id"] == credential_id)
    return {s["id"]: s for s in credential["standards"]}


def test_the_complete_credential_meets_every_standard(content: Path, capsys) -> None:
    code, report = quality(content, capsys)
    assert code == 0 and report["profile"] == "mpos-2024"
    found = verdicts(report, "exit-tickets")
    assert list(found) == STANDARDS
    assert {sid: v["status"] for sid, v in found.items()} == dict.fromkeys(STANDARDS, "met")


def test_every_standard_has_a_case() -> None:
    assert [case["standard"] for case in CASES] == STANDARDS


@pytest.mark.parametrize("case", CASES, ids=[case["standard"] for case in CASES])
def test_a_credential_that_misses_a_standard_is_told_why(content: Path, capsys, case: dict) -> None:
    path = content / "credentials" / "exit-tickets.md"
    text = path.read_text(encoding="utf-8")
    for old, new in case.get("edit", []):
        assert text.count(old) == 1, old
        text = text.replace(old, new)
    if "body" in case:
        text = text[: text.rindex("\n---\n") + 5] + case["body"]
    path.write_text(text, encoding="utf-8")

    _, report = quality(content, capsys)
    found = verdicts(report, "exit-tickets")
    assert found[case["standard"]]["status"] == "not_met"
    assert any(case["reason"] in reason for reason in found[case["standard"]]["reasons"])
    others = {sid: v["status"] for sid, v in found.items() if sid != case["standard"]}
    assert set(others.values()) == {"met"}, others


def test_qas10_agrees_with_the_validator(content: Path, capsys) -> None:
    path = content / "credentials" / "exit-tickets.md"
    path.write_text(path.read_text().replace("\nresources:\n", "\nresources_later:\n"))
    _, report = quality(content, capsys)
    assert verdicts(report, "exit-tickets")["QAS-10"]["reasons"] == [
        "required public component 'resources' (learning resources) is missing"
    ]
    assert main(["validate", "--content", str(content)]) == 1
    assert (
        "error[P002]: required public component 'resources' (learning resources) is missing" in capsys.readouterr().err
    )


def test_drafts_are_assessed_and_marked(content: Path, capsys) -> None:
    _, report = quality(content, capsys)
    assert next(c for c in report["credentials"] if c["id"] == "gamma")["status"] == "draft"


def test_require_all_gates_on_active_credentials_only(content: Path, capsys) -> None:
    code, report = quality(content, capsys, "--require-all")
    failing = [
        c["id"]
        for c in report["credentials"]
        if c["status"] == "active" and any(s["status"] != "met" for s in c["standards"])
    ]
    assert failing == ["alpha", "beta"]  # the small fixtures leave out development, exemplars...
    assert code == 1
    for name in ("alpha.md", "beta.md", "gamma.md"):
        (content / "credentials" / name).unlink()
    (content / "stacks" / "pair.yaml").unlink()
    code, _ = quality(content, capsys, "--require-all")
    assert code == 0


def test_the_sample_catalog_is_honest_about_its_gaps(capsys) -> None:
    code, report = quality(REPO / "content", capsys, "--require-all")
    assert code == 1
    gaps = {c["id"]: [s["id"] for s in c["standards"] if s["status"] != "met"] for c in report["credentials"]}
    assert gaps.pop("decodable-text-small-groups") == ["QAS-03", "QAS-07", "QAS-12"]
    assert set(map(tuple, gaps.values())) == {()}


def test_text_output_is_a_table_readable_without_colour(capsys) -> None:
    assert main(["quality", "--content", str(REPO / "content"), "--today", "2026-11-24"]) == 0
    out = capsys.readouterr().out
    assert "decodable-text-small-groups" in out and " NO " in out and "QAS-07 not met: no exemplar" in out
    assert "13 of 14 active credentials meet every standard." in out


PROFILE_CASES = {
    "an unknown check type": ("      - presnt: competency\n", "Q001", "did you mean 'present'?"),
    "an unknown credential field": ("      - present: competncy\n", "Q002", "did you mean 'competency'?"),
    "a profile that extends itself": ("      - present: competency\n", "Q003", None),
}


@pytest.mark.parametrize("name", PROFILE_CASES)
def test_a_malformed_profile_gets_diagnostics(content: Path, capsys, name: str) -> None:
    check, code, hint = PROFILE_CASES[name]
    extends = "extends: state\n" if code == "Q003" else ""
    (content / "profiles").mkdir()
    (content / "profiles" / "state.yaml").write_text(
        f"id: state\nname: A state's rule\n{extends}standards:\n  - id: ST-1\n    name: Rule\n    summary: Why.\n"
        f"    checks:\n{check}"
    )
    assert main(["quality", "--content", str(content), "--profile", "state"]) == 1
    err = capsys.readouterr().err
    assert f"state.yaml:{3 if code == 'Q003' else 8}:" in err and f"error[{code}]" in err
    if hint:
        assert hint in err


def test_a_catalog_profile_can_extend_mpos_and_ask_for_review(content: Path, capsys) -> None:
    (content / "profiles").mkdir()
    (content / "profiles" / "state.yaml").write_text(
        "id: state\nname: MPOS plus a state rule\nextends: mpos-2024\nstandards:\n"
        "  - id: ST-1\n    name: Licensure alignment\n    summary: Fits the state's renewal rules.\n"
        "    checks:\n      - present: recognition\n      - review: a licensure officer confirms the alignment\n"
    )
    code, report = quality(content, capsys, "--profile", "state")
    found = verdicts(report, "exit-tickets")
    assert list(found) == STANDARDS + ["ST-1"]
    assert found["ST-1"] == {
        "id": "ST-1",
        "status": "review",
        "reasons": ["a licensure officer confirms the alignment"],
    }


def test_an_unknown_profile_is_a_usage_error(content: Path, capsys) -> None:
    assert main(["quality", "--content", str(content), "--profile", "nope"]) == 2
    assert "available: mpos-2024" in capsys.readouterr().err


def test_check_shapes_are_validated_and_validate_reports_them(content: Path, capsys) -> None:
    (content / "profiles").mkdir()
    (content / "profiles" / "state.yaml").write_text(
        "id: state\nname: Rule\nstandards:\n  - id: ST-1\n    name: Rule\n    summary: Why.\n    checks:\n"
        "      - present: 5\n      - equals: {field: status}\n"
    )
    assert main(["quality", "--content", str(content), "--profile", "state"]) == 1
    err = capsys.readouterr().err
    assert "state.yaml:8:18: error[V002]" in err and "state.yaml:9:17: error[V001]" in err
    assert main(["validate", "--content", str(content)]) == 1
    assert "state.yaml:8:18: error[V002]" in capsys.readouterr().err


def test_nonsense_review_cycles_are_not_met_rather_than_a_crash(content: Path, capsys) -> None:
    path = content / "credentials" / "exit-tickets.md"
    path.write_text(path.read_text().replace("cycle_months: 24", "cycle_months: -999999999999"))
    _, report = quality(content, capsys)
    assert verdicts(report, "exit-tickets")["QAS-12"]["status"] == "not_met"
