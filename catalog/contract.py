"""The content contract as data: the JSON Schemas in catalog/schema/, compiled once per kind of file.

The schemas are the one source of truth for field names: the model is tested against them
(tests/test_records.py), the quality profiles' field references are checked against them (Q002),
and editors can use them as they are.
"""

from __future__ import annotations

import datetime
import functools
import re
from importlib import resources
from typing import Any, Iterator
from urllib.parse import urlsplit

import jsonschema
import jsonschema_rs
import referencing
import yaml

from catalog.sources import Kind

SLUG_PATTERN = "^[a-z0-9]+(-[a-z0-9]+)*$"
SLUG = re.compile(r"[a-z0-9]+(-[a-z0-9]+)*")
"""Ids are matched whole (`SLUG.fullmatch`): `$` would let a trailing newline through."""
SCHEMA_BASE = "https://credential-catalog.example/schema/"
SCHEMA_FOR_KIND: dict[Kind, str] = {
    Kind.SITE: "site",
    Kind.CREDENTIAL: "credential",
    Kind.STACK: "stack",
    Kind.PROFILE: "profile",
    Kind.REVIEW: "review",
    Kind.ARCHIVED: "credential",
}
DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


@functools.cache
def schema_document(name: str) -> Any:
    """One schema file of the package (`catalog/schema/<name>.schema.yaml`), parsed once; not to be changed."""
    text = resources.files("catalog.schema").joinpath(f"{name}.schema.yaml").read_text("utf-8")
    return yaml.load(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))  # libyaml: 15x faster


@functools.cache
def schema_validator(name: str) -> jsonschema.protocols.Validator:
    """The JSON Schema validator for one kind of file (site, credential, stack, profile), built once."""
    registry: referencing.Registry[Any] = referencing.Registry()
    for schema_name in (*SCHEMA_FOR_KIND.values(), "common"):
        contents = schema_document(schema_name)
        registry = registry.with_resource(contents["$id"], referencing.Resource.from_contents(contents))
    uri = f"{SCHEMA_BASE}{name}.schema.json"
    schema = _inline_refs(registry.contents(uri), registry.resolver(uri))
    checker = jsonschema.FormatChecker(formats=())
    for format_name, check in FORMATS.items():
        checker.checks(format_name)(check)
    validator: jsonschema.protocols.Validator = _ContentValidator(schema, format_checker=checker)
    return validator


def passes_schema(name: str, data: Any) -> bool:
    """True when `data` certainly meets the schema: asked of a compiled validator first.

    Nearly every file of a catalog is valid, and jsonschema-rs says so about seventy times faster
    than jsonschema; only a file it does not pass (or cannot read) goes through `schema_validator`,
    whose errors carry what a diagnostic needs. tests/test_schema_agreement.py holds the two to
    the same verdicts.
    """
    try:
        return bool(_compiled_validator(name).is_valid(data))
    except Exception:  # noqa: BLE001 - a value it cannot convert (bytes, a huge number): let jsonschema judge
        return False


@functools.cache
def _compiled_validator(name: str) -> Any:
    schema = schema_validator(name).schema
    assert isinstance(schema, dict)
    return jsonschema_rs.validator_for(schema, formats=FORMATS, validate_formats=True)


def _pattern(validator: Any, pattern: str, instance: Any, schema: Any) -> Iterator[jsonschema.ValidationError]:
    """JSON Schema's `pattern` with ECMA-262's `$`, which, unlike Python's, never matches before a
    final newline: otherwise `id: "exit-tickets\\n"` would pass as a slug."""
    if not isinstance(instance, str):
        return
    if re.search(pattern, instance) is None or (pattern.endswith("$") and instance.endswith("\n")):
        yield jsonschema.ValidationError(f"{instance!r} does not match {pattern!r}")


_ContentValidator = jsonschema.validators.extend(  # type: ignore[no-untyped-call]
    jsonschema.Draft202012Validator, {"pattern": _pattern}
)


def _inline_refs(node: Any, resolver: Any) -> Any:
    """Replace each `$ref` with the schema it names (ours never recurse).

    Resolving references while validating cost two thirds of validation time on a large
    catalog; resolving them once here makes validation linear with a small constant.
    """
    if isinstance(node, list):
        return [_inline_refs(item, resolver) for item in node]
    if not isinstance(node, dict):
        return node
    if "$ref" in node:
        resolved = resolver.lookup(node["$ref"])
        merged = {
            **_inline_refs(resolved.contents, resolved.resolver),
            **{k: v for k, v in node.items() if k != "$ref"},
        }
        return {key: _inline_refs(value, resolved.resolver) for key, value in merged.items()}
    return {key: _inline_refs(value, resolver) for key, value in node.items()}


def is_date(value: object) -> bool:
    """True for a real calendar date written YYYY-MM-DD (anything not text is the type check's business)."""
    if not isinstance(value, str):
        return True
    if not DATE.fullmatch(value):
        return False
    try:
        datetime.date.fromisoformat(value)
    except ValueError:
        return False
    return True


def is_url(value: object) -> bool:
    if not isinstance(value, str):
        return True
    parts = urlsplit(value)
    return parts.scheme in ("http", "https") and "." in parts.netloc and " " not in value


def is_email(value: object) -> bool:
    return not isinstance(value, str) or bool(re.fullmatch(r"[^@\s]+@[^@\s]+\.[^@\s]+", value))


FORMATS = {"date": is_date, "url": is_url, "email": is_email}
"""The formats the schemas use, checked the same way by both validators."""


def field_paths(kind: Kind) -> Iterator[tuple[str, dict[str, Any]]]:
    """Every dotted field path a file of `kind` can have (lists looked through), with its schema."""

    def walk(node: dict[str, Any], prefix: str) -> Iterator[tuple[str, dict[str, Any]]]:
        for key, child in node.get("properties", {}).items():
            yield prefix + key, child
            yield from walk(child, f"{prefix}{key}.")
            if isinstance(child.get("items"), dict):
                yield from walk(child["items"], f"{prefix}{key}.")

    schema = schema_validator(SCHEMA_FOR_KIND[kind]).schema
    assert isinstance(schema, dict)
    yield from walk(schema, "")
