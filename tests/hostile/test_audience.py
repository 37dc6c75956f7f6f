"""A stack's audience is who can complete it: with every member required, only those every member
is open to. The label card says so, and a label that names anyone else is an error (B007)."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from tests.hostile.support import PAIR, at, credcat

BETA_FOR_TWO = {"credentials/beta.md": [["roles: [teacher]", "roles: [teacher, paraprofessional]"]]}
PAIR_LABEL = "label: Two short credentials on how to check what students know."
LABEL_AT = at(PAIR, PAIR_LABEL, len("label: "))


def label_card_for(page: str) -> list[str]:
    """What the label card's "For" row says."""
    return re.findall(r"<dt>For</dt>\s*<dd>(.*?)</dd>", page, re.S)


def test_a_stack_with_every_member_required_is_for_those_every_member_is_for(
    make_content, tmp_path: Path, capsys
) -> None:
    content, out = make_content(edits=BETA_FOR_TWO), tmp_path / "site"
    run = credcat(capsys, "build", "--content", content, "--out", out, "--no-search")
    assert run.code == 0 and run.diagnostics(content) == []
    page = (out / "stacks/pair/index.html").read_text(encoding="utf-8")
    assert label_card_for(page) == ["Teacher"]
    assert 'data-pagefind-filter="Role:Teacher"' in page and "Role:Paraprofessional" not in page
    record = json.loads((out / "stacks/pair/stack.json").read_text(encoding="utf-8"))
    assert record["facts"]["roles"] == ["teacher"]
    beta = (out / "credentials/beta/index.html").read_text(encoding="utf-8")
    assert "Paraprofessional" in beta  # the member itself still says whom it serves


def test_a_stack_label_naming_an_audience_a_required_member_excludes_is_an_error(
    make_content, tmp_path: Path, capsys
) -> None:
    content = make_content(
        edits={
            **BETA_FOR_TWO,
            "stacks/pair.yaml": [[PAIR_LABEL, "label: How to check what students know, for paraprofessionals."]],
        }
    )
    validate = credcat(capsys, "validate", "--content", content)
    assert validate.code == 1
    assert validate.diagnostics(content) == [(LABEL_AT, "error[B007]")]
    assert (
        "the label names 'paraprofessionals', but not enough of the stack's credentials are open to them "
        "(it serves: teacher)"
    ) in validate.err
    build = credcat(capsys, "build", "--content", content, "--out", tmp_path / "site", "--no-search")
    assert build.code == 1 and build.diagnostics(content) == [(LABEL_AT, "error[B007]")]
    assert not (tmp_path / "site").exists()


@pytest.mark.parametrize(
    "label",
    ["Two short credentials for teachers.", "Two short credentials for new teachers.", "Coach teachers in two steps."],
)
def test_a_stack_label_naming_the_served_audience_is_fine(make_content, capsys, label: str) -> None:
    content = make_content(edits={**BETA_FOR_TWO, "stacks/pair.yaml": [[PAIR_LABEL, f"label: {label}"]]})
    run = credcat(capsys, "validate", "--content", content)
    assert run.code == 0 and run.diagnostics(content) == []


def test_a_stack_label_naming_a_grade_band_no_member_serves_is_an_error(make_content, capsys) -> None:
    content = make_content(edits={"stacks/pair.yaml": [[PAIR_LABEL, "label: Two short credentials for K-2 rooms."]]})
    run = credcat(capsys, "validate", "--content", content)
    assert run.code == 1
    assert run.diagnostics(content) == [(LABEL_AT, "error[B007]")]
    assert "the label names 'K-2', but not enough of the stack's credentials are open to them (it serves: 3-5)" in (
        run.err
    )
