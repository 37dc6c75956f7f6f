"""Linear time on any input: the YAML reader, the whole loader and the label checks return
diagnostics (never an exception, never a hang) for random and adversarial text.

Every example, the explicit adversarial ones included, must finish within the Hypothesis deadline.
"""

from __future__ import annotations

import datetime
import json
import shutil
import time
from pathlib import Path

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from catalog.check import CheckOptions, check_catalog
from catalog.diagnostics import Diagnostic, Location
from catalog.labels import check_label
from catalog.yaml_positions import parse_yaml
from tests.conftest import FIXTURES

TODAY = datetime.date(2026, 11, 24)
CAPITALS = "A" * 50_000 + "1"
BANGS = "!" * 50_000
NESTED_FLOW = "[" * 10_000 + "]" * 10_000
NESTED_MAPPINGS = "{a: " * 10_000 + "}" * 10_000
NESTED_BLOCKS = "".join(" " * depth + "a:\n" for depth in range(1_000))
ALIAS_BOMB = "a: &a [x, x, x, x, x, x, x, x, x, x]\n" + "".join(
    f"{name}: &{name} [{', '.join([f'*{previous}'] * 10)}]\n" for previous, name in zip("abcdefgh", "bcdefghi")
)
"""Each level repeats the one before ten times: 10^9 values, were aliases expanded."""
FIVE_MB = "word " * 1_000_000
DEADLINE_MS = 2_000
"""Generous for a busy 2-core CI machine, yet far below what super-linear work takes (tens of seconds)."""

FAST = settings(
    deadline=DEADLINE_MS,
    max_examples=100,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.large_base_example],
)

YAML_PIECES = st.sampled_from(
    ["[", "]", "{", "}", ":", ": ", ", ", "-", "- ", "? ", "&a ", "*a", "!!str ", "!x ", "'", '"', "\\", "#", "|", ">"]
    + ["---", "...", "\n", "  ", "\t", "a", "1", "2026-13-45", ".nan", "<<: ", "%YAML 1.1\n", "\ufeff", "\x00", "é"]
)
YAML_LIKE = st.lists(YAML_PIECES, max_size=300).map("".join)
LABEL_PIECES = st.sampled_from(
    ["A", "AB", "a", "1", "12", ".", "!", "?", " ", "  ", "\n", "-", "'", "for ", "teachers", "paraprofessional"]
    + ["K-2", "3-5", "PK", "credentials", "hours", "two ", "twelve ", "InTASC", "é", "\u00a0", "..."]
)
LABEL_LIKE = st.lists(LABEL_PIECES, max_size=400).map("".join)


def only_diagnostics(found: object) -> None:
    assert isinstance(found, (list, tuple)), type(found)
    assert all(isinstance(d, Diagnostic) for d in found), found


# --- catalog.yaml_positions.parse_yaml ------------------------------------------------------


@FAST
@given(st.one_of(st.text(), YAML_LIKE))
@example(CAPITALS)
@example(BANGS)
@example(NESTED_FLOW)
@example(NESTED_MAPPINGS)
@example(NESTED_BLOCKS)
@example(ALIAS_BOMB)
@example("a: " + FIVE_MB)
@example("- " * 10_000 + "x")
@example("a: \x00\x07")
def test_parse_yaml_returns_diagnostics_for_any_text(text: str) -> None:
    data, positions, diagnostics = parse_yaml(text, "f.yaml")
    only_diagnostics(diagnostics)
    assert all(d.location.path == "f.yaml" for d in diagnostics)


@pytest.mark.parametrize(
    ("text", "code"),
    [(NESTED_FLOW, "L004"), (NESTED_MAPPINGS, "L004"), (NESTED_BLOCKS, "L004"), (ALIAS_BOMB, "L004")],
    ids=["flow 10,000 deep", "mappings 10,000 deep", "blocks 1,000 deep", "alias bomb"],
)
def test_nesting_and_alias_bombs_are_refused_with_one_error(text: str, code: str) -> None:
    data, _, diagnostics = parse_yaml(text, "f.yaml")
    assert data is None
    assert [(d.code, d.is_error) for d in diagnostics] == [(code, True)]


# --- the whole loader: catalog.check.check_catalog on one rewritten file ---------------------


@pytest.fixture(scope="module")
def catalog_copy(tmp_path_factory) -> Path:
    """One copy of the fixture catalog for the module; each example rewrites one file, then restores it."""
    content = tmp_path_factory.mktemp("properties") / "content"
    shutil.copytree(FIXTURES / "base", content)
    check_catalog(content, CheckOptions(TODAY))  # loads the dictionaries once, outside any deadline
    return content


def check_with(content: Path, relative: str, data: bytes) -> list[Diagnostic]:
    path = content / relative
    original = path.read_bytes()
    try:
        path.write_bytes(data)
        checked = check_catalog(content, CheckOptions(TODAY))
    finally:
        path.write_bytes(original)
    only_diagnostics(checked.diagnostics)
    return list(checked.diagnostics)


ALPHA = (FIXTURES / "base/credentials/alpha.md").read_text(encoding="utf-8")
ALPHA_LABEL = "label: Plan the next lesson from a quick check."
FILE_DEADLINE = settings(FAST, deadline=3 * DEADLINE_MS)


def front_matter(text: str) -> bytes:
    return f"---\n{text}\n---\n".encode()


@FILE_DEADLINE
@given(
    st.one_of(
        st.binary(max_size=2000),
        YAML_LIKE.map(front_matter),
        st.text().map(lambda body: (ALPHA + body).encode("utf-8", "surrogatepass")),
        st.tuples(st.integers(0, len(ALPHA)), st.text(max_size=200)).map(
            lambda cut: (ALPHA[: cut[0]] + cut[1] + ALPHA[cut[0] :]).encode("utf-8", "surrogatepass")
        ),
    )
)
@example(front_matter(CAPITALS))
@example(front_matter(BANGS))
@example(front_matter(NESTED_FLOW))
@example(front_matter(ALIAS_BOMB))
@example(ALPHA.replace(ALPHA_LABEL, "label: " + CAPITALS).encode())
@example(ALPHA.replace(ALPHA_LABEL, "label: " + FIVE_MB).encode())
@example((ALPHA + CAPITALS).encode())
@example((ALPHA + BANGS).encode())
@example((ALPHA + "[" * 50_000).encode())
@example((ALPHA + "[x](javascript:a) " * 2_000).encode())
@example(b"\xff\xfe\x00\x00")
@example(b"")
@example(b"---\n")
def test_the_loader_returns_diagnostics_for_any_credential_file(catalog_copy: Path, data: bytes) -> None:
    check_with(catalog_copy, "credentials/alpha.md", data)


PAIR = (FIXTURES / "base/stacks/pair.yaml").read_text(encoding="utf-8")
PAIR_LABEL = "label: Two short credentials on how to check what students know."


@FILE_DEADLINE
@given(LABEL_LIKE)
@example(CAPITALS)
@example("A" * 999 + "1")
@example(BANGS)
@example("for " * 250)
@example("for teachers " * 76)
@example("1 " * 499)
@example("3-5 " * 249)
def test_stack_label_checks_return_diagnostics_for_any_label(catalog_copy: Path, label: str) -> None:
    """The stack label is also checked against the stack's facts (B005, B007) when the catalog is valid."""
    text = PAIR.replace(PAIR_LABEL, "label: " + json.dumps(label))
    check_with(catalog_copy, "stacks/pair.yaml", text.encode("utf-8", "surrogatepass"))


# --- catalog.labels.check_label --------------------------------------------------------------


@FAST
@given(st.one_of(st.text(max_size=1200), LABEL_LIKE))
@example(CAPITALS)
@example("A" * 999 + "1")
@example(BANGS)
@example("!" * 999)
@example(FIVE_MB)
@example("é" * 1000)
@example("Ab1-" * 250)
def test_check_label_returns_diagnostics_for_any_text(label: str) -> None:
    found = check_label(label, Location("f"), ())
    only_diagnostics(found)
    assert all(d.location == Location("f") for d in found)


@pytest.mark.parametrize("label", [CAPITALS, BANGS, FIVE_MB, "x" * 1001], ids=["capitals", "bangs", "5 MB", "1,001"])
def test_a_label_over_the_cap_is_refused_at_once_with_b006(label: str) -> None:
    started = time.perf_counter()
    found = check_label(label, Location("f"), ())
    assert time.perf_counter() - started < 0.05
    assert [(d.code, d.is_error) for d in found] == [("B006", True)]
    assert f"the label is {len(label):,} characters long" in found[0].message
