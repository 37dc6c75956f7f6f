"""The fast schema check (jsonschema-rs) and the explaining one (jsonschema) give the same verdicts.

A file the fast check passes is never shown to jsonschema, so if the two disagreed on a file
with a mistake, that mistake would go unreported. Every diagnostic case runs through both
already (tests/test_diagnostics.py); here random changes to valid files do too.
"""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from catalog.contract import SCHEMA_FOR_KIND, passes_schema, schema_validator
from catalog.sources import Kind, read_source
from tests.conftest import FIXTURES

VALID = [
    (FIXTURES / "base" / "credentials" / "alpha.md", Kind.CREDENTIAL),
    (FIXTURES / "base" / "stacks" / "pair.yaml", Kind.STACK),
    (FIXTURES / "base" / "site.yaml", Kind.SITE),
]

ODD_VALUES = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(2**70), max_value=2**70),
    # Files never hold an infinite or not-a-number value: YAML's .inf and .nan reach the checks as
    # text (catalog.yaml_positions), and jsonschema-rs cannot be handed one.
    st.floats(allow_nan=False, allow_infinity=False),
    st.sampled_from(
        [
            "",
            "x",
            "exit-tickets\n",
            "Exit-Tickets",
            "2026-02-30",
            "2026-02-03",
            "https://example.org/",
            "ftp://x",
            "a@b.co",
            "not an email",
            "1.0.0",
            "NC",
            "US-NC",
            "PK",
            "K-13",
            "draft",
            "active",
            "USD",
            "en-US",
        ]
    ),
    st.lists(st.text(max_size=5), max_size=3),
    st.dictionaries(st.sampled_from(["name", "url", "id", "x"]), st.text(max_size=5), max_size=2),
)


def _paths(data: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    """Every path to a value inside `data`."""
    found = [prefix] if prefix else []
    if isinstance(data, dict):
        for key, value in data.items():
            found += _paths(value, prefix + (key,))
    elif isinstance(data, list):
        for index, value in enumerate(data):
            found += _paths(value, prefix + (index,))
    return found


def _replaced(data: Any, path: tuple[Any, ...], value: Any) -> Any:
    changed = copy.deepcopy(data)
    target = changed
    for part in path[:-1]:
        target = target[part]
    target[path[-1]] = value
    return changed


def _verdicts(kind: Kind, data: Any) -> tuple[bool, bool]:
    name = SCHEMA_FOR_KIND[kind]
    return passes_schema(name, data), not any(True for _ in schema_validator(name).iter_errors(data))


@pytest.mark.parametrize("path, kind", VALID, ids=lambda value: getattr(value, "name", str(value)))
def test_the_valid_fixtures_pass_both(path: Path, kind: Kind) -> None:
    source, problems = read_source(path, kind)
    assert source is not None and not problems
    assert _verdicts(kind, source.data) == (True, True)


@pytest.mark.parametrize("path, kind", VALID, ids=lambda value: getattr(value, "name", str(value)))
@settings(max_examples=150, deadline=None)
@given(data=st.data(), value=ODD_VALUES)
def test_any_one_changed_value_gets_the_same_verdict_from_both(path: Path, kind: Kind, data, value) -> None:
    source, _ = read_source(path, kind)
    assert source is not None
    where = data.draw(st.sampled_from(_paths(source.data)))
    fast, explained = _verdicts(kind, _replaced(source.data, where, value))
    assert fast == explained, f"{where} = {value!r}"
