"""Schema errors in plain words: each jsonschema error becomes one diagnostic at the field it concerns.

jsonschema's own messages name schema keywords; an author needs the field, its line, what was
expected and, where a near miss is likely, the value they probably meant.
"""

from __future__ import annotations

import re
from typing import Any, Iterable, Iterator

from catalog.contract import SCHEMA_FOR_KIND, SLUG_PATTERN, passes_schema, schema_validator
from catalog.diagnostics import Diagnostic, closest, did_you_mean, error, join_hints, shorten, warning
from catalog.sources import Kind, Source

TYPE_WORDS = {
    "string": "text",
    "number": "a number",
    "integer": "a whole number",
    "boolean": "true or false",
    "array": "a list",
    "object": "a mapping of fields",
}


def _describe(value: Any) -> str:
    kind = {
        str: "text",
        bool: "true/false",
        int: "a number",
        float: "a number",
        list: "a list",
        dict: "a mapping",
        type(None): "nothing",
    }.get(type(value), type(value).__name__)
    return (
        f"{kind} {shorten(repr(value))}"
        if isinstance(value, (str, int, float)) and not isinstance(value, bool)
        else kind
    )


def field_name(path: Iterable[str | int]) -> str:
    """`("evaluation", "criteria", 0, "id")` -> `evaluation.criteria[0].id`."""
    text = ""
    for part in path:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text or "(file)"


def check_schema(source: Source) -> Iterator[Diagnostic]:
    """Report every field that breaks the file's schema, at the field's position."""
    if passes_schema(SCHEMA_FOR_KIND[source.kind], source.data):
        return
    reported_required: set[tuple[str | int, ...]] = set()
    for problem in schema_validator(SCHEMA_FOR_KIND[source.kind]).iter_errors(source.data):
        path: tuple[str | int, ...] = tuple(problem.absolute_path)
        kind, schema = problem.validator, problem.schema
        value: Any = problem.instance
        expected: Any = problem.validator_value
        if "propertyNames" in problem.schema_path:  # a key of the wrong form: point at the key itself
            path = path + (value,)
        name = field_name(path)
        at = (
            source.positions.of_key(path) if "propertyNames" in problem.schema_path else source.positions.of_value(path)
        )
        if kind == "required":
            if path in reported_required:
                continue
            reported_required.add(path)
            for missing in [k for k in expected if k not in value]:
                yield error(
                    "V001",
                    f"missing required field '{field_name(path + (missing,))}'",
                    at,
                    did_you_mean_unknown(value, missing),
                )
        elif kind == "additionalProperties":
            known = schema.get("properties", {}) if isinstance(schema, dict) else {}
            # A misspelt section of a credential or stack ('recogniton:') would vanish from the
            # site without a word, so an unknown top-level field there is an error.
            report = error if not path and source.kind in (Kind.CREDENTIAL, Kind.STACK) else warning
            for key in [k for k in value if k not in known]:
                yield report(
                    "V008",
                    f"unknown field '{field_name(path + (key,))}'",
                    source.positions.of_key(path + (key,)),
                    did_you_mean(key, known) or "remove it, or check docs/content-format.md",
                )
        elif kind == "type":
            expected_words = " or ".join(
                TYPE_WORDS.get(t, t) for t in ([expected] if isinstance(expected, str) else expected)
            )
            yield error(
                "V002",
                f"'{name}' must be {expected_words}, not {_describe(value)}",
                at,
                _type_hint(path, value, expected, schema),
            )
        elif kind == "enum":
            choices = [str(choice) for choice in expected]
            yield error(
                "V003",
                f"'{name}' has unknown value {shorten(repr(value))}",
                at,
                join_hints(did_you_mean(value, choices), "expected one of: " + ", ".join(choices)),
            )
        elif kind == "format" and expected == "date":
            yield error(
                "V004",
                f"'{name}' is not a date: {shorten(repr(value))}",
                at,
                "write dates as YYYY-MM-DD, e.g. 2026-03-01",
            )
        elif kind == "format":
            what = "URL" if expected == "url" else str(expected)
            yield error(
                "V005",
                f"'{name}' is not a valid {what}: {shorten(repr(value))}",
                at,
                "use a full address starting with https://" if what == "URL" else None,
            )
        elif kind == "pattern" and expected == SLUG_PATTERN:
            yield error(
                "V006",
                f"'{name}' is not a lowercase slug: {shorten(repr(value))}",
                at,
                f"use lowercase letters, digits and single hyphens, e.g. '{slugify(value)}'",
            )
        elif kind == "pattern":
            yield error(
                "V009",
                f"'{name}' does not have the expected form: {shorten(repr(value))}",
                at,
                _PATTERN_HINTS.get(str(expected)),
            )
        elif kind in ("minItems", "minLength", "minProperties"):
            yield error("V010", f"'{name}' must not be empty", at)
        elif kind in ("minimum", "exclusiveMinimum", "maximum"):
            yield error("V011", f"'{name}' is out of range: {shorten(repr(value))}", at, f"{kind} is {expected}")
        else:  # a schema keyword without its own code: still precise, never silent
            yield error("V099", f"'{name}': {problem.message}", at)


def _type_hint(path: tuple[str | int, ...], value: Any, expected: Any, schema: Any) -> str | None:
    """The fix for the commonest type mistakes: a number where text goes, text where a mapping goes."""
    expected_types = [expected] if isinstance(expected, str) else list(expected)
    key = path[-1] if path and isinstance(path[-1], str) else None
    if "string" in expected_types and isinstance(value, (int, float)) and not isinstance(value, bool):
        return f'quote it, so YAML reads it as text: {key}: "{value}"' if key else "quote it, so YAML reads it as text"
    if expected_types == ["object"] and isinstance(schema, dict) and schema.get("properties"):
        required = schema.get("required") or list(schema["properties"])[:2]
        shape = ", ".join(f"{field}: ..." for field in required)
        return f"write it as a mapping: {key}: {{{shape}}}" if key else f"write it as a mapping: {{{shape}}}"
    return None


_PATTERN_HINTS = {
    "^[A-Z]{2,3}(-[A-Z0-9]{1,3})?$": "use an upper-case code such as NC, or US-NC",
    "^[0-9]+\\.[0-9]+(\\.[0-9]+)?$": "write a version as MAJOR.MINOR or MAJOR.MINOR.PATCH, e.g. 1.0.0",
    "^[A-Z]{3}$": "use a three-letter ISO 4217 currency code, e.g. USD",
    "^[a-z]{2,3}(-[A-Z]{2})?$": "use a language tag such as en or en-US",
}


def did_you_mean_unknown(mapping: Any, missing: str) -> str | None:
    """When a required field is missing, a misspelt key in its place is the likely cause."""
    if not isinstance(mapping, dict):
        return None
    near = closest(missing, [key for key in mapping if key != missing])
    return f"found '{near}': is it misspelt?" if near else None


def slugify(value: Any) -> str:
    return re.sub(r"[^a-z0-9]+", "-", str(value).lower()).strip("-") or "my-credential"
