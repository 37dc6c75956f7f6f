"""Validation: every problem in the loaded sources, at its line and column, in one pass.

Each layer reports everything it finds: the field schema of each file (JSON Schema, in
catalog/schema/), the required public components of a credential (MPOS QAS-10), references
within and between files (evidence ids, jurisdictions, duplicate ids, badge files), and dated
facts (recognition to re-confirm, dates in the future, placeholders left in). Stack membership
is checked by catalog.stacks; labels by catalog.labels once the model is built.
"""

from __future__ import annotations

import datetime
import functools
import re
from collections import Counter
from importlib import resources
from pathlib import Path
from typing import Any, Iterable, Iterator
from urllib.parse import urlsplit

import jsonschema
import referencing
import yaml

from catalog.diagnostics import Diagnostic, Location, closest, did_you_mean, error, warning
from catalog.recognition import RECONFIRM_AFTER_MONTHS, needs_reconfirmation
from catalog.sources import Kind, LoadResult, Source
from catalog.stacks import check_stack_members

SLUG = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")
SCHEMA_BASE = "https://credential-catalog.example/schema/"
SCHEMA_FOR_KIND: dict[Kind, str] = {
    Kind.SITE: "site",
    Kind.CREDENTIAL: "credential",
    Kind.STACK: "stack",
    Kind.PROFILE: "profile",
}


def validate_sources(loaded: LoadResult, today: datetime.date) -> list[Diagnostic]:
    """All diagnostics for loaded content, unsorted; loading diagnostics are not repeated."""
    diagnostics: list[Diagnostic] = []
    sources = ([loaded.site] if loaded.site else []) + list(loaded.credentials) + list(loaded.stacks)
    for source in sources:
        diagnostics.extend(check_schema(source))
        if source.kind is not Kind.SITE:
            diagnostics.extend(_check_id_matches_file(source))
    for credential in loaded.credentials:
        diagnostics.extend(check_public_components(credential))
        diagnostics.extend(_check_evidence_references(credential))
        diagnostics.extend(_check_badge_image(credential, loaded.root))
    jurisdictions = _jurisdiction_codes(loaded.site)
    if jurisdictions is not None:
        for source in loaded.credentials + loaded.stacks:
            diagnostics.extend(_check_jurisdictions(source, jurisdictions))
    for source in loaded.credentials + loaded.stacks:
        diagnostics.extend(_check_recognition_age(source, today))
        diagnostics.extend(_check_placeholders(source))
        diagnostics.extend(_check_future_dates(source, today))
    diagnostics.extend(_check_duplicate_ids(loaded.credentials))
    diagnostics.extend(_check_duplicate_ids(loaded.stacks))
    diagnostics.extend(check_stack_members(loaded.stacks, loaded.credentials, loaded.unreadable_credentials))
    return diagnostics


# --- schema --------------------------------------------------------------------------------


@functools.cache
def schema_validator(name: str) -> jsonschema.protocols.Validator:
    """The JSON Schema validator for one kind of file (site, credential, stack, profile), built once."""
    registry = referencing.Registry()
    for schema_name in (*SCHEMA_FOR_KIND.values(), "common"):
        text = resources.files("catalog.schema").joinpath(f"{schema_name}.schema.yaml").read_text("utf-8")
        contents = yaml.safe_load(text)
        registry = registry.with_resource(contents["$id"], referencing.Resource.from_contents(contents))
    uri = f"{SCHEMA_BASE}{name}.schema.json"
    schema = _inline_refs(registry.contents(uri), registry.resolver(uri))
    checker = jsonschema.FormatChecker(formats=())
    checker.checks("date")(_is_date)
    checker.checks("url")(_is_url)
    checker.checks("email")(
        lambda value: not isinstance(value, str) or bool(re.fullmatch(r"[^@\s]+@[^@\s]+\.[^@\s]+", value))
    )
    return jsonschema.Draft202012Validator(schema, format_checker=checker)


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


def _is_date(value: object) -> bool:
    if not isinstance(value, str):
        return True
    try:
        datetime.date.fromisoformat(value)
    except ValueError:
        return False
    return bool(re.fullmatch(r"\d{4}-\d{2}-\d{2}", value))


def _is_url(value: object) -> bool:
    if not isinstance(value, str):
        return True
    parts = urlsplit(value)
    return parts.scheme in ("http", "https") and "." in parts.netloc and " " not in value


TYPE_WORDS = {
    "string": "text",
    "number": "a number",
    "integer": "a whole number",
    "boolean": "true or false",
    "array": "a list",
    "object": "a mapping of fields",
}


def _shorten(text: str, limit: int = 60) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


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
        f"{kind} {_shorten(repr(value))}"
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
    reported_required: set[tuple] = set()
    for problem in schema_validator(SCHEMA_FOR_KIND[source.kind]).iter_errors(source.data):
        path = tuple(problem.absolute_path)
        kind, value, schema = problem.validator, problem.instance, problem.schema
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
            for missing in [k for k in problem.validator_value if k not in value]:
                yield error(
                    "V001",
                    f"missing required field '{field_name(path + (missing,))}'",
                    at,
                    did_you_mean_unknown(value, missing),
                )
        elif kind == "additionalProperties":
            known = schema.get("properties", {})
            for key in [k for k in value if k not in known]:
                yield warning(
                    "V008",
                    f"unknown field '{field_name(path + (key,))}'",
                    source.positions.of_key(path + (key,)),
                    did_you_mean(key, known) or "remove it, or check docs/content-format.md",
                )
        elif kind == "type":
            expected = problem.validator_value
            expected_words = " or ".join(
                TYPE_WORDS.get(t, t) for t in ([expected] if isinstance(expected, str) else expected)
            )
            yield error("V002", f"'{name}' must be {expected_words}, not {_describe(value)}", at)
        elif kind == "enum":
            choices = [str(choice) for choice in problem.validator_value]
            yield error(
                "V003",
                f"'{name}' has unknown value {_shorten(repr(value))}",
                at,
                _join_hints(did_you_mean(value, choices), "expected one of: " + ", ".join(choices)),
            )
        elif kind == "format" and problem.validator_value == "date":
            yield error(
                "V004",
                f"'{name}' is not a date: {_shorten(repr(value))}",
                at,
                "write dates as YYYY-MM-DD, e.g. 2026-03-01",
            )
        elif kind == "format":
            what = "URL" if problem.validator_value == "url" else problem.validator_value
            yield error(
                "V005",
                f"'{name}' is not a valid {what}: {_shorten(repr(value))}",
                at,
                "use a full address starting with https://" if what == "URL" else None,
            )
        elif kind == "pattern" and problem.validator_value == SLUG.pattern:
            yield error(
                "V006",
                f"'{name}' is not a lowercase slug: {_shorten(repr(value))}",
                at,
                f"use lowercase letters, digits and single hyphens, e.g. '{_slugify(value)}'",
            )
        elif kind == "pattern":
            yield error(
                "V009",
                f"'{name}' does not have the expected form: {_shorten(repr(value))}",
                at,
                _PATTERN_HINTS.get(problem.validator_value),
            )
        elif kind in ("minItems", "minLength", "minProperties"):
            yield error("V010", f"'{name}' must not be empty", at)
        elif kind in ("minimum", "exclusiveMinimum", "maximum"):
            yield error(
                "V011", f"'{name}' is out of range: {_shorten(repr(value))}", at, f"{kind} is {problem.validator_value}"
            )
        else:  # a schema keyword without its own code: still precise, never silent
            yield error("V099", f"'{name}': {problem.message}", at)


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


def _join_hints(*hints: str | None) -> str | None:
    return "; ".join(h for h in hints if h) or None


def _slugify(value: Any) -> str:
    return re.sub(r"[^a-z0-9]+", "-", str(value).lower()).strip("-") or "my-credential"


# --- identity -----------------------------------------------------------------------------


def _check_id_matches_file(source: Source) -> Iterator[Diagnostic]:
    value = source.data.get("id")
    if isinstance(value, str) and SLUG.match(value) and value != source.stem:
        yield error(
            "V007",
            f"id '{value}' differs from the file name '{source.stem}'",
            source.positions.of_value(("id",)),
            f"rename the file to '{value}{source.path[source.path.rfind('.') :]}' or set id: {source.stem}",
        )


def _check_duplicate_ids(sources: Iterable[Source]) -> Iterator[Diagnostic]:
    first_seen: dict[str, Source] = {}
    for source in sources:
        value = source.data.get("id")
        if not isinstance(value, str):
            continue
        if value in first_seen:
            yield error(
                "R001",
                f"duplicate id '{value}': also used by {first_seen[value].path}",
                source.positions.of_value(("id",)),
                "every id must be unique",
            )
        else:
            first_seen[value] = source


# --- the required public components (MPOS QAS-10) -----------------------------------------

PUBLIC_COMPONENTS = (
    ("P002", "resources", "learning resources"),
    ("P003", "research", "research base"),
)


def check_public_components(source: Source) -> Iterator[Diagnostic]:
    """The four components MPOS requires to be public: description, resources, research, evaluation."""
    data = source.data
    if not source.body.strip():
        yield error(
            "P001",
            "the description (the Markdown body after the front matter) is empty",
            Location(source.path, source.body_line),
            "describe the skill and the method in prose below the closing '---' line",
        )
    for code, key, words in PUBLIC_COMPONENTS:
        if key not in data:
            yield error(
                code,
                f"required public component '{key}' ({words}) is missing",
                source.location,
                f"add a '{key}:' list; MPOS requires the {words} to be public",
            )
        elif data[key] == [] or data[key] is None:
            yield error(
                code,
                f"required public component '{key}' ({words}) is empty",
                source.positions.of_value((key,)),
                f"list at least one item under '{key}:'",
            )
    evaluation = data.get("evaluation")
    if "evaluation" not in data:
        yield error(
            "P004",
            "required public component 'evaluation' (evaluation criteria) is missing",
            source.location,
            "add 'evaluation:' with levels, passing and at least one criterion",
        )
    elif isinstance(evaluation, dict) and not evaluation.get("criteria") and "criteria" in evaluation:
        yield error(
            "P004",
            "required public component 'evaluation' has no criteria",
            source.positions.of_value(("evaluation", "criteria")),
            "add at least one criterion under 'evaluation.criteria'",
        )


# --- references within and between files --------------------------------------------------


def _items(data: Any, key: str) -> list[tuple[int, dict]]:
    value = data.get(key) if isinstance(data, dict) else None
    return [(i, item) for i, item in enumerate(value) if isinstance(item, dict)] if isinstance(value, list) else []


def _check_evidence_references(source: Source) -> Iterator[Diagnostic]:
    if not isinstance(source.data.get("evidence"), list):
        return  # the schema reports it; naming every criterion's evidence unknown would only add noise
    evidence_ids = [item.get("id") for _, item in _items(source.data, "evidence") if isinstance(item.get("id"), str)]
    for evidence_id, count in Counter(evidence_ids).items():
        if count > 1:
            index = len(evidence_ids) - 1 - evidence_ids[::-1].index(evidence_id)
            yield error(
                "R002", f"duplicate evidence id '{evidence_id}'", source.positions.of_value(("evidence", index, "id"))
            )
    evaluation = source.data.get("evaluation")
    for index, criterion in _items(evaluation, "criteria"):
        refs = criterion.get("evidence")
        for ref_index, ref in enumerate(refs if isinstance(refs, list) else []):
            if isinstance(ref, str) and ref not in evidence_ids:
                path = ("evaluation", "criteria", index, "evidence", ref_index)
                yield error(
                    "R003",
                    f"criterion '{criterion.get('id')}' refers to unknown evidence '{ref}'",
                    source.positions.of_value(path),
                    _join_hints(
                        did_you_mean(ref, [e for e in evidence_ids if isinstance(e, str)]),
                        "evidence ids: " + ", ".join(map(str, evidence_ids))
                        if evidence_ids
                        else "add it under 'evidence:'",
                    ),
                )


def _jurisdiction_codes(site: Source | None) -> list[str] | None:
    if site is None or not isinstance(site.data.get("jurisdictions"), dict):
        return None
    return [str(code) for code in site.data["jurisdictions"]]


def _check_jurisdictions(source: Source, codes: list[str]) -> Iterator[Diagnostic]:
    for key in ("recognition", "licensure_fit"):
        for index, row in _items(source.data, key):
            code = row.get("jurisdiction")
            if isinstance(code, str) and code not in codes:
                yield error(
                    "R004",
                    f"unknown jurisdiction '{code}'",
                    source.positions.of_value((key, index, "jurisdiction")),
                    _join_hints(
                        did_you_mean(code, codes),
                        "define it under 'jurisdictions' in site.yaml; known: " + ", ".join(codes),
                    ),
                )


BADGE_TYPES = (".svg", ".png", ".jpg", ".jpeg", ".webp", ".gif")
ACTIVE_SVG = re.compile(rb"<script|\bon[a-z]+\s*=|javascript:|<foreignObject", re.IGNORECASE)


def _check_badge_image(source: Source, root: Path) -> Iterator[Diagnostic]:
    """Badge images are copied into the site as they are, so they must be images and nothing more."""
    badge = source.data.get("badge")
    image = badge.get("image") if isinstance(badge, dict) else None
    if not isinstance(image, str):
        return
    at = source.positions.of_value(("badge", "image"))
    target = (root / image).resolve()
    if image.startswith(("/", "\\")) or ".." in Path(image).parts or not target.is_file():
        yield error(
            "R005",
            f"badge image '{image}' not found in the content folder",
            at,
            "give a path relative to the content folder, e.g. badges/my-badge.svg",
        )
    elif not image.lower().endswith(BADGE_TYPES):
        yield error("R007", f"badge image '{image}' is not an image file", at, "use one of: " + ", ".join(BADGE_TYPES))
    elif image.lower().endswith(".svg") and ACTIVE_SVG.search(target.read_bytes()):
        yield error(
            "R007",
            f"badge image '{image}' contains script or event handlers",
            at,
            "export the SVG without scripts, event handlers or javascript: links",
        )


def _check_recognition_age(source: Source, today: datetime.date) -> Iterator[Diagnostic]:
    """Recognition is stated on a date; after a year a recognizer should confirm it again."""
    for key in ("recognition", "licensure_fit"):
        for index, row in _items(source.data, key):
            as_of = row.get("as_of")
            if (
                isinstance(as_of, str)
                and _is_date(as_of)
                and needs_reconfirmation(datetime.date.fromisoformat(as_of), today)
            ):
                yield warning(
                    "R006",
                    f"recognition for {row.get('jurisdiction')} is as of {as_of}, "
                    f"more than {RECONFIRM_AFTER_MONTHS} months ago: it needs re-confirmation",
                    source.positions.of_value((key, index, "as_of")),
                    "confirm it with the recognizer, then update 'as_of' (the site flags it until then)",
                )


PLACEHOLDER = re.compile(r"\bTODO\b")


def _strings(value: Any, path: tuple = ()) -> Iterator[tuple[tuple, str]]:
    if isinstance(value, str):
        yield path, value
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from _strings(item, path + (key,))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _strings(item, path + (index,))


def _check_placeholders(source: Source) -> Iterator[Diagnostic]:
    """Skeleton placeholders must not be published: an error once the file is active, a reminder in a draft."""
    report = warning if source.data.get("status") == "draft" else error
    hint = "replace the placeholder" + (" before publishing" if report is warning else " (or set status: draft)")
    for path, text in _strings({k: v for k, v in source.data.items() if k != "private"}):
        if PLACEHOLDER.search(text):
            yield report(
                "V012", f"placeholder text left in '{field_name(path)}'", source.positions.of_value(path), hint
            )
    for offset, line in enumerate(source.body.split("\n")):
        if found := PLACEHOLDER.search(line):
            yield report(
                "V012",
                "placeholder text left in the description",
                Location(source.path, source.body_line + offset, found.start() + 1),
                hint,
            )


DATES_OF_RECORD = ("updated", "review.last_reviewed", "development.peer_review.date")


def _check_future_dates(source: Source, today: datetime.date) -> Iterator[Diagnostic]:
    """Dates that record something done (a review, a recognizer's statement) cannot be in the future."""
    paths: list[tuple] = [tuple(p.split(".")) for p in DATES_OF_RECORD]
    paths += [
        (key, index, "as_of") for key in ("recognition", "licensure_fit") for index, _ in _items(source.data, key)
    ]
    review = source.data.get("review")
    paths += [("review", "history", index, "date") for index, _ in _items(review, "history")]
    for path in paths:
        value: Any = source.data
        for part in path:
            if isinstance(value, dict) and isinstance(part, str):
                value = value.get(part)
            elif isinstance(value, list) and isinstance(part, int) and part < len(value):
                value = value[part]
            else:
                value = None
        if isinstance(value, str) and _is_date(value) and datetime.date.fromisoformat(value) > today:
            yield warning(
                "R008",
                f"'{field_name(path)}' is in the future: {value}",
                source.positions.of_value(path),
                f"dates record what has happened (today is {today.isoformat()}); check the year",
            )
