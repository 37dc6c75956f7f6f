"""Quality profiles: the standards a catalog is assessed against, loaded and checked as content.

A profile is data (catalog/profiles/*.yaml built in, or a catalog's own content/profiles/*.yaml);
this module reads one by name, follows `extends`, and checks that every check names a known check
type (Q001) and a real credential field (Q002). The checks themselves run in catalog.quality.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any, Iterable, Iterator, Mapping

from catalog.contract import field_paths, schema_validator
from catalog.diagnostics import Diagnostic, did_you_mean, error, warning
from catalog.errors import UsageError
from catalog.pickling import dataclasses_of, pickle_by_fields
from catalog.schema_errors import check_schema
from catalog.sources import PRIVATE, Kind, Source, read_source

DEFAULT_PROFILE = "mpos-2024"
MODIFIERS = ("reason",)
REVIEW_CHECK = "review"
"""`review: text` marks what data cannot decide: the standard's verdict is 'review' unless a check fails."""
CHECK_TYPES = (
    "present",
    "one_sentence",
    "any_item",
    "every_item",
    "equals",
    "at_most",
    "includes",
    "reviewed_within_cycle",
    "label_checks",
    "public_components",
)
"""The check vocabulary (docs/quality.md); catalog.quality implements each one."""


DATA, PERSON = "data", "person"


@dataclass(frozen=True, slots=True)
class Standard:
    id: str
    name: str
    summary: str
    checks: tuple[Mapping[str, Any], ...]
    decided_by: str = DATA
    """'data': the checks alone decide; 'person': after the checks, a reviewer's judgement decides."""
    question: str | None = None
    """What the reviewer judges, for a standard a person decides."""

    @property
    def judged(self) -> bool:
        """Whether a person must judge it (also when a check says `review:`)."""
        return self.decided_by == PERSON or any(REVIEW_CHECK in check for check in self.checks)


@dataclass(frozen=True, slots=True)
class Profile:
    id: str
    name: str
    standards: tuple[Standard, ...]


@dataclass(frozen=True, slots=True)
class Profiles:
    """The profiles a check needs: the selected one, and every one a review names."""

    selected: Profile | None
    """None when it has errors."""
    by_name: Mapping[str, Profile | None]
    """Every profile read, by name (None for one with errors)."""
    available: tuple[str, ...]


def load_profiles(
    local: Iterable[Source], selected: str, also: Iterable[str] = ()
) -> tuple[Profiles, list[Diagnostic]]:
    """The selected profile (and those in `also` that exist), with the diagnostics of every
    profile the catalog defines (each reported once).

    Raises UsageError when no profile has the selected name.
    """
    resolver = _Resolver({source.stem: source for source in local})
    for name in resolver.local:
        resolver.profile(name)
    if selected not in resolver.local and _builtin_path(selected) is None:
        raise UsageError(f"unknown quality profile {selected!r}; available: {', '.join(resolver.available())}")
    chosen = resolver.profile(selected)
    for name in also:
        if name in resolver.local or _builtin_path(name) is not None:
            resolver.profile(name)
    return Profiles(chosen, dict(resolver.done), tuple(resolver.available())), resolver.diagnostics


def _builtin_path(name: str) -> Path | None:
    builtin = resources.files("catalog.profiles").joinpath(f"{name}.yaml")
    return Path(str(builtin)) if builtin.is_file() else None


class _Resolver:
    """Profiles by name, each read and checked once: the catalog's own first, then the built-in ones."""

    def __init__(self, local: Mapping[str, Source]) -> None:
        self.local = local
        self.diagnostics: list[Diagnostic] = []
        self.done: dict[str, Profile | None] = {}

    def available(self) -> list[str]:
        builtin = [p.name.removesuffix(".yaml") for p in resources.files("catalog.profiles").iterdir()]
        return sorted({name for name in builtin if not name.startswith("_")} | set(self.local))

    def profile(self, name: str, seen: tuple[str, ...] = ()) -> Profile | None:
        if name not in self.done:
            self.done[name] = None  # guards a cycle while this one is being read
            self.done[name] = self._read(name, seen)
        return self.done[name]

    def _read(self, name: str, seen: tuple[str, ...]) -> Profile | None:
        source = self.local.get(name)
        if source is None:
            path = _builtin_path(name)
            assert path is not None, name
            source, problems = read_source(path, Kind.PROFILE)
            self.diagnostics += problems
            if source is None:
                return None
        problems = [*check_schema(source), *check_profile_checks(source)]
        self.diagnostics += problems
        if any(d.is_error for d in problems):
            return None
        data = source.data
        standards = [
            Standard(s["id"], s["name"], s["summary"], tuple(s["checks"]), s.get("decided_by", DATA), s.get("question"))
            for s in data["standards"]
        ]
        parent = data.get("extends")
        if parent:
            at = source.positions.of_value(("extends",))
            if parent in seen + (name,):
                self.diagnostics.append(
                    error("Q003", f"profile 'extends' forms a cycle: {' -> '.join(seen + (name, parent))}", at)
                )
                return None
            if parent not in self.local and _builtin_path(parent) is None:
                self.diagnostics.append(
                    error("Q003", f"unknown quality profile {parent!r}; available: {', '.join(self.available())}", at)
                )
                return None
            base = self.profile(parent, seen + (name,))
            if base is None:
                return None
            own = {s.id for s in standards}
            standards = [s for s in base.standards if s.id not in own] + standards
        return Profile(data["id"], data["name"], tuple(standards))


@functools.cache
def credential_fields() -> frozenset[str]:
    """Every dotted field path a credential can have, read from its schema (for Q002)."""
    return frozenset(path for path, _ in field_paths(Kind.CREDENTIAL) if path.split(".")[0] != PRIVATE)


@functools.cache
def guaranteed_fields() -> frozenset[str]:
    """Dotted paths that every valid credential has, not empty: a `present` check on one can never fail.

    Required by the schema at every level (and non-empty where the schema says so), or one of
    the public components validation requires (P002-P004).
    """
    schema = schema_validator("credential").schema
    paths: set[str] = set()

    def walk(node: Mapping[str, Any], prefix: str, required: Iterable[str]) -> None:
        for key, child in node.get("properties", {}).items():
            if key not in required or not isinstance(child, dict):
                continue
            if child.get("type") == "array" and child.get("minItems", 0) < 1 and key not in REQUIRED_COMPONENTS:
                continue
            paths.add(prefix + key)
            walk(child, f"{prefix}{key}.", child.get("required", ()))

    assert isinstance(schema, dict)
    walk(schema, "", [*schema.get("required", ()), *REQUIRED_COMPONENTS])
    return frozenset(paths)


REQUIRED_COMPONENTS = ("research", "resources", "evaluation")
"""Not required by the schema, but validation refuses a credential without them (P002-P004)."""


def check_profile_checks(source: Source) -> Iterator[Diagnostic]:
    """Every check names a known check type (Q001) and real, public credential fields (Q002); no check
    can never fail (Q010); a standard decided by data has a check (Q011)."""
    fields = credential_fields()
    known = [*CHECK_TYPES, REVIEW_CHECK]
    standards = source.data.get("standards")
    for s_index, standard in enumerate(standards if isinstance(standards, list) else []):
        checks = standard.get("checks") if isinstance(standard, dict) else None
        if isinstance(checks, list) and not checks and standard.get("decided_by", DATA) == DATA:
            yield error(
                "Q011",
                f"standard {standard.get('id')} is decided by data but has no checks",
                source.positions.of_value(("standards", s_index, "checks")),
                "add checks, or say 'decided_by: person' so a reviewer judges it",
            )
        for c_index, check in enumerate(checks if isinstance(checks, list) else []):
            if not isinstance(check, dict):
                continue
            path = ("standards", s_index, "checks", c_index)
            kinds = [key for key in check if key not in MODIFIERS]
            if len(kinds) != 1 or kinds[0] not in known:
                bad = next((k for k in kinds if k not in known), kinds[0] if kinds else "")
                yield error(
                    "Q001",
                    f"a check needs exactly one known check type, found: {', '.join(kinds) or 'none'}",
                    source.positions.of_key(path + (bad,)) if bad else source.positions.of_value(path),
                    did_you_mean(bad, known) or "known checks: " + ", ".join(known),
                )
                continue
            kind, spec = kinds[0], check[kinds[0]]
            if kind == "present" and spec in guaranteed_fields():
                yield warning(
                    "Q010",
                    f"the check 'present: {spec}' can never fail: every valid credential has '{spec}'",
                    source.positions.of_value(path + (kind,)),
                    "remove it: a check that cannot fail proves nothing",
                )
            for name in _named_fields(kind, spec):
                at = source.positions.of_value(path + (kind,))
                if name.split(".")[0] == PRIVATE:
                    yield error(
                        "Q002",
                        f"check refers to '{name}': private notes are never published, so never assessed",
                        at,
                        "assess a public field instead",
                    )
                elif name not in fields:
                    yield error(
                        "Q002",
                        f"check refers to unknown credential field '{name}'",
                        at,
                        did_you_mean(name, fields) or "see docs/content-format.md for field names",
                    )


def _named_fields(kind: str, spec: Any) -> list[str]:
    if kind in ("present", "one_sentence"):
        named = [spec]
    elif isinstance(spec, dict):
        named = [spec.get("field")] + (
            [spec.get("date"), spec.get("months")] if kind == "reviewed_within_cycle" else []
        )
    else:
        named = []
    return [name for name in named if isinstance(name, str)]


pickle_by_fields(*dataclasses_of(globals()))
