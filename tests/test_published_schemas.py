"""The JSON Schemas published for editors (site_builder.schemas, committed in schemas/) say what
`credcat validate` says: they are current, the sample content passes them, a broken file fails
them for the same reason credcat gives, and every field has hover text."""

from __future__ import annotations

import datetime
import json
import re
from pathlib import Path
from typing import Any, Callable, Iterator

import jsonschema
import pytest
import yaml

from catalog.contract import schema_validator
from site_builder.cli import main
from site_builder.schemas import OUTPUTS, PUBLISHED, file_name, published_schemas
from tests.conftest import REPO

SCHEMAS = REPO / "schemas"
FRONT_MATTER = re.compile(r"\A---\r?\n(.*?\r?\n)?(?:---|\.\.\.)[ \t]*(?:\r?\n|\Z)", re.DOTALL)


def published(kind: str) -> dict[str, Any]:
    schema: dict[str, Any] = json.loads(published_schemas()[file_name(kind)])
    return schema


def validator(kind: str) -> jsonschema.Draft202012Validator:
    """What an editor runs: the published file alone, standard formats checked."""
    return jsonschema.Draft202012Validator(published(kind), format_checker=jsonschema.FormatChecker())


def as_json(value: Any) -> Any:
    """YAML 1.1 reads `2026-03-01` as a date; JSON Schema (and yaml-language-server) sees text."""
    if isinstance(value, dict):
        return {key: as_json(item) for key, item in value.items()}
    if isinstance(value, list):
        return [as_json(item) for item in value]
    if isinstance(value, datetime.date):
        return value.isoformat()
    return value


def read_data(path: Path) -> Any:
    """A content file's fields: a credential's front matter, or a whole YAML file."""
    text = path.read_text(encoding="utf-8-sig")
    if path.suffix == ".md":
        match = FRONT_MATTER.match(text)
        assert match, f"{path}: no front matter between --- fences"
        text = match.group(1) or ""
    return as_json(yaml.safe_load(text))


# --- (a) the committed files are what the YAML gives -------------------------------------------


def test_published_set_is_one_file_per_kind_an_author_edits_and_the_catalog_index() -> None:
    assert sorted(published_schemas()) == sorted(f"{kind}.schema.json" for kind in (*PUBLISHED, *OUTPUTS))
    assert set(PUBLISHED) == {"credential", "stack", "site", "profile", "review"}
    assert OUTPUTS == ("catalog",)


def test_a_built_catalog_index_follows_its_published_schema(make_content, tmp_path: Path, capsys) -> None:
    out = tmp_path / "site"
    assert main(["build", "--content", str(make_content()), "--out", str(out), "--no-search"]) == 0
    index = json.loads((out / "catalog.json").read_text(encoding="utf-8"))
    schema = json.loads(published_schemas()["catalog.schema.json"])
    jsonschema.Draft202012Validator(schema, format_checker=jsonschema.FormatChecker()).validate(index)
    assert [c["id"] for c in index["credentials"]] == ["alpha", "beta"] and [s["id"] for s in index["stacks"]] == [
        "pair"
    ]
    for entry in index["credentials"] + index["stacks"]:
        own = json.loads((out / entry["record"].removeprefix("/")).read_text(encoding="utf-8"))
        assert own["id"] == entry["id"] and own["title"] == entry["title"] and own["url"] == entry["url"]
    broken = dict(index, version=1)
    assert list(jsonschema.Draft202012Validator(schema).iter_errors(broken))


def test_committed_schemas_are_current() -> None:
    expected = published_schemas()
    committed = {path.name: path.read_bytes() for path in SCHEMAS.glob("*.json")}
    stale = sorted(name for name in set(expected) | set(committed) if committed.get(name) != expected.get(name))
    assert not stale, f"schemas/ is out of date ({', '.join(stale)}): run `python scripts/export-schemas.py`"


def test_output_is_deterministic_json() -> None:
    first, second = published_schemas(), published_schemas()
    assert first == second
    for name, data in first.items():
        parsed = json.loads(data)
        assert data == (json.dumps(parsed, indent=2, sort_keys=True, ensure_ascii=False) + "\n").encode(), name


@pytest.mark.parametrize("kind", PUBLISHED)
def test_each_schema_is_valid_2020_12_and_self_contained(kind: str) -> None:
    schema = published(kind)
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    jsonschema.Draft202012Validator.check_schema(schema)
    assert "$ref" not in json.dumps(schema), "every $ref is inlined, so an editor needs this one file"


@pytest.mark.parametrize("kind", PUBLISHED)
def test_published_schema_is_the_tree_credcat_validates_with(kind: str) -> None:
    """Same keywords at every depth as catalog.contract's validator: editor and credcat cannot drift."""
    used = schema_validator(kind).schema
    assert isinstance(used, dict)
    assert published(kind) == {key: value for key, value in used.items() if key not in ("$id", "$defs")}


# --- (b) every sample file passes ---------------------------------------------------------------

SAMPLES = [
    *[("credential", path) for path in sorted((REPO / "content" / "credentials").glob("*.md"))],
    *[("stack", path) for path in sorted((REPO / "content" / "stacks").glob("*.yaml"))],
    ("site", REPO / "content" / "site.yaml"),
    *[("review", path) for path in sorted((REPO / "content" / "reviews").glob("*.yaml"))],
    *[("profile", path) for path in sorted((REPO / "catalog" / "profiles").glob("*.yaml"))],
]


@pytest.mark.sample
def test_samples_cover_every_kind() -> None:
    assert {kind for kind, _ in SAMPLES} == set(PUBLISHED)


@pytest.mark.sample
@pytest.mark.parametrize("kind, path", SAMPLES, ids=[path.relative_to(REPO).as_posix() for _, path in SAMPLES])
def test_sample_content_validates_against_the_published_schema(kind: str, path: Path) -> None:
    errors = [
        f"{'/'.join(map(str, error.absolute_path)) or '(file)'}: {error.message}"
        for error in validator(kind).iter_errors(read_data(path))
    ]
    assert errors == []


# --- (c) a broken file fails for the reason credcat gives ---------------------------------------

ALPHA, PAIR, SITE = "credentials/alpha.md", "stacks/pair.yaml", "site.yaml"
KIND = {ALPHA: "credential", PAIR: "stack", SITE: "site"}
BROKEN = [
    # (file in the base fixture, (old, new), credcat code, jsonschema keyword)
    pytest.param(ALPHA, ("grade_bands: [3-5]", "grade_bands: [3-13]"), "V003", "enum", id="unknown grade band"),
    pytest.param(ALPHA, ("level: introductory\n", ""), "V001", "required", id="missing required field"),
    pytest.param(ALPHA, ("{id: fit,", "{id: Fit_1,"), "V006", "pattern", id="malformed slug id"),
    pytest.param(ALPHA, ("effort_hours: 4", "effort_hours: four hours"), "V002", "type", id="wrong type"),
    pytest.param(
        PAIR, ("completion: {rule: all}", "completion: {rule: all}\ncolour: blue"), "V008", "additionalProperties",
        id="unknown field in a stack",
    ),
    pytest.param(ALPHA, ("as_of: 2026-06-01", 'as_of: "2026-13-01"'), "V004", "format", id="impossible date"),
    pytest.param(ALPHA, ("roles: [teacher]", "roles: []"), "V010", "minItems", id="empty list"),
    pytest.param(SITE, ("email: help@issuer.example.org", "email: nobody"), "V005", "format", id="malformed email"),
]  # fmt: skip


def credcat_codes(content: Path, relative: str, capsys: pytest.CaptureFixture[str]) -> list[str]:
    """The codes `credcat validate --format json` reports for one file."""
    capsys.readouterr()
    main(["validate", "--content", str(content), "--format", "json"])
    diagnostics = json.loads(capsys.readouterr().out)
    return sorted(d["code"] for d in diagnostics if Path(d["path"]).as_posix().endswith(relative))


def test_the_base_fixture_is_clean(make_content: Callable[..., Path], capsys: pytest.CaptureFixture[str]) -> None:
    """So that each case below fails only because of its own edit."""
    content = make_content()
    for relative, kind in KIND.items():
        assert credcat_codes(content, relative, capsys) == []
        assert list(validator(kind).iter_errors(read_data(content / relative))) == []


@pytest.mark.parametrize("relative, edit, code, keyword", BROKEN)
def test_a_broken_file_fails_for_the_same_reason(
    make_content: Callable[..., Path],
    capsys: pytest.CaptureFixture[str],
    relative: str,
    edit: tuple[str, str],
    code: str,
    keyword: str,
) -> None:
    content = make_content(edits={relative: [edit]})
    codes = credcat_codes(content, relative, capsys)
    assert code in codes, codes
    assert {c for c in codes if c.startswith("V")} == {code}, f"credcat reports more than the one edit: {codes}"
    errors = list(validator(KIND[relative]).iter_errors(read_data(content / relative)))
    assert [error.validator for error in errors] == [keyword], [error.message for error in errors]


# --- (d) every field has hover text -------------------------------------------------------------


def undocumented(node: Any, path: str = "") -> Iterator[str]:
    """Every field (and map value and definition) without its own non-empty `description`."""
    if not isinstance(node, dict):
        return
    named: list[tuple[str, Any]] = [(f"{path}.{key}", child) for key, child in node.get("properties", {}).items()]
    named += [(f"{path}.$defs.{key}", child) for key, child in node.get("$defs", {}).items()]
    if isinstance(node.get("additionalProperties"), dict):
        named.append((f"{path}.*", node["additionalProperties"]))
    for where, child in named:
        description = child.get("description") if isinstance(child, dict) else None
        if not (isinstance(description, str) and description.strip()):
            yield where.lstrip(".")
        yield from undocumented(child, where)
    if isinstance(node.get("items"), dict):
        yield from undocumented(node["items"], f"{path}[]")
    for index, option in enumerate(node.get("oneOf", [])):
        yield from undocumented(option, f"{path}|{index}")


@pytest.mark.parametrize("kind", PUBLISHED)
def test_every_published_field_has_a_description(kind: str) -> None:
    assert list(undocumented(published(kind))) == []


@pytest.mark.parametrize("kind", [*PUBLISHED, "common"])
def test_every_field_in_the_yaml_source_describes_itself(kind: str) -> None:
    """Not only through a shared definition: `title` would otherwise hover as 'Plain text that is not empty.'"""
    source = yaml.safe_load((REPO / "catalog" / "schema" / f"{kind}.schema.yaml").read_text(encoding="utf-8"))
    assert list(undocumented(source)) == []


def test_undocumented_finds_what_it_should() -> None:
    schema = {
        "properties": {"a": {"type": "string"}, "b": {"description": "B.", "items": {"properties": {"c": {}}}}},
        "$defs": {"d": {"description": " "}},
        "additionalProperties": {"oneOf": [{"properties": {"e": {}}}]},
    }
    assert sorted(undocumented(schema)) == sorted(["a", "b[].c", "$defs.d", "*", "*|0.e"])


def test_every_built_site_publishes_the_schemas(make_content, tmp_path: Path, capsys) -> None:
    out = tmp_path / "site"
    assert main(["build", "--content", str(make_content()), "--out", str(out), "--no-search"]) == 0
    assert {f"schemas/{name}": data for name, data in published_schemas().items()} == {
        p.relative_to(out).as_posix(): p.read_bytes() for p in (out / "schemas").iterdir()
    }
