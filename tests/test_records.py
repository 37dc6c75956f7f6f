"""Nothing is lost between content and output: the model knows every field the schema defines,
and every public value of every sample file reaches its JSON record at the same path."""

from __future__ import annotations

import dataclasses
import json
import types
import typing
from pathlib import Path
from typing import Any, Iterator

import pytest

from catalog.contract import schema_validator
from catalog.model import Credential, Site, Stack
from catalog.sources import PRIVATE, Kind, load_sources
from tests.conftest import REPO


def _unwrap(hint: Any) -> Any:
    """The dataclass inside `X | None` or `tuple[X, ...]`, else the hint itself."""
    origin = typing.get_origin(hint)
    if origin in (typing.Union, types.UnionType):
        return _unwrap(next(arg for arg in typing.get_args(hint) if arg is not type(None)))
    if origin is tuple:
        return _unwrap(typing.get_args(hint)[0])
    return hint


def mismatches(schema: dict[str, Any], cls: type, path: str = "") -> Iterator[str]:
    """Fields named in the schema but not in the model, and the reverse, at every depth."""
    hints = typing.get_type_hints(cls)
    model = {
        f.name: hints[f.name]
        for f in dataclasses.fields(cls)
        if not any(f.metadata.get(kind) for kind in ("internal", "from_body", "key"))
    }
    properties = {key: value for key, value in schema.get("properties", {}).items() if key != PRIVATE}
    for name in sorted(set(properties) ^ set(model)):
        where = "schema" if name in properties else "model"
        yield f"{path}{name}: only in the {where}"
    for name in sorted(set(properties) & set(model)):
        inner = _unwrap(model[name])
        node = object_schema(properties[name])
        if dataclasses.is_dataclass(inner) and isinstance(inner, type):
            yield from mismatches(node, inner, f"{path}{name}.")


def object_schema(node: dict[str, Any]) -> dict[str, Any]:
    """The object a property holds: itself, its list items, or the values of a mapping (the object form)."""
    if "items" in node:
        node = node["items"]
        return next((option for option in node.get("oneOf", [node]) if "properties" in option), node)
    values = node.get("additionalProperties")
    if "properties" not in node and isinstance(values, dict):
        return next((option for option in values.get("oneOf", [values]) if "properties" in option), values)
    return node


@pytest.mark.parametrize("kind, cls", [("credential", Credential), ("stack", Stack), ("site", Site)])
def test_the_model_has_exactly_the_fields_of_the_schema(kind: str, cls: type) -> None:
    assert list(mismatches(schema_validator(kind).schema, cls)) == []


def leaves(value: Any, path: tuple[Any, ...] = ()) -> Iterator[tuple[tuple[Any, ...], Any]]:
    if isinstance(value, dict):
        for key, item in value.items():
            yield from leaves(item, path + (key,))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from leaves(item, path + (index,))
    else:
        yield path, value


def at(record: Any, path: tuple[Any, ...]) -> Any:
    for part in path:
        record = record[part]
    return record


def same(source_value: Any, output_value: Any) -> bool:
    """Equal, allowing for what JSON does to values: a number as a number, a path as its URL."""
    if isinstance(source_value, bool) or isinstance(output_value, bool):
        return source_value == output_value
    if isinstance(source_value, (int, float)) and isinstance(output_value, (int, float)):
        return float(source_value) == float(output_value)
    if isinstance(source_value, str) and isinstance(output_value, str) and output_value != source_value:
        return output_value.endswith("/" + source_value)  # a file path published as its URL
    return str(source_value) == str(output_value)


@pytest.fixture(scope="module")
def loaded():
    return load_sources(REPO / "content")


@pytest.mark.sample
def test_every_public_value_of_every_file_is_in_its_record(sample_site: Path, loaded) -> None:
    files = [(s, f"credentials/{s.stem}/credential.json") for s in loaded.credentials]
    files += [(s, f"stacks/{s.stem}/stack.json") for s in loaded.stacks]
    checked = 0
    for source, record_path in files:
        if source.data.get("status") == "draft":
            assert not (sample_site / record_path).exists(), f"a draft was published: {record_path}"
            continue
        record = json.loads((sample_site / record_path).read_text(encoding="utf-8"))
        for path, value in leaves(source.data):
            try:
                published = at(record, path)
                if isinstance(published, dict) and set(published) == {"name"}:
                    published = published["name"]  # a rubric level written in its short form, a name
            except (KeyError, IndexError, TypeError):
                pytest.fail(f"{source.path}: {'.'.join(map(str, path))} = {value!r} is missing from {record_path}")
            assert same(value, published), f"{source.path}: {path}: {value!r} became {published!r}"
            checked += 1
        if source.kind is Kind.CREDENTIAL:
            assert record["description"] == source.body
    assert checked > 1000  # the whole sample, not a few fields


@pytest.mark.sample
def test_no_private_value_appears_anywhere_in_the_site(sample_site: Path) -> None:
    import yaml

    private_texts = []
    for path in sorted((REPO / "content").rglob("*")):
        if path.suffix not in (".md", ".yaml"):
            continue
        text = path.read_text(encoding="utf-8")
        front = text.split("---\n")[1] if path.suffix == ".md" else text
        data = yaml.safe_load(front)
        if isinstance(data, dict) and PRIVATE in data:
            private_texts += [str(value) for _, value in leaves(data[PRIVATE]) if len(str(value)) >= 12]
    assert private_texts, "the sample should carry private notes, or this test proves nothing"
    for output in sample_site.rglob("*"):
        if output.is_file() and output.suffix in (".html", ".json", ".xml", ".txt"):
            text = output.read_text(encoding="utf-8")
            for secret in private_texts:
                assert secret not in text, f"private value {secret[:30]!r} published in {output}"
