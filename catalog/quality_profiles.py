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

from catalog.contract import field_paths
from catalog.diagnostics import Diagnostic, did_you_mean, error
from catalog.errors import UsageError
from catalog.schema_errors import check_schema
from catalog.sources import PRIVATE, Kind, Source, load_yaml_source

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


@dataclass(frozen=True, slots=True)
class Standard:
    id: str
    name: str
    summary: str
    checks: tuple[Mapping[str, Any], ...]


@dataclass(frozen=True, slots=True)
class Profile:
    id: str
    name: str
    standards: tuple[Standard, ...]


def load_profiles(local: Iterable[Source], selected: str) -> tuple[Profile | None, list[Diagnostic]]:
    """The selected profile, and the diagnostics of every profile the catalog defines (each reported once).

    Raises UsageError when no profile has the selected name.
    """
    resolver = _Resolver({source.stem: source for source in local})
    for name in resolver.local:
        resolver.profile(name)
    if selected not in resolver.local and _builtin_path(selected) is None:
        raise UsageError(f"unknown quality profile {selected!r}; available: {', '.join(resolver.available())}")
    return resolver.profile(selected), resolver.diagnostics


def _builtin_path(name: str) -> Path | None:
    builtin = resources.files("catalog.profiles").joinpath(f"{name}.yaml")
    return Path(str(builtin)) if builtin.is_file() else None


class _Resolver:
    """Profiles by name, each read and checked once: the catalog's own first, then the built-in ones."""

    def __init__(self, local: Mapping[str, Source]) -> None:
        self.local = local
        self.diagnostics: list[Diagnostic] = []
        self._done: dict[str, Profile | None] = {}

    def available(self) -> list[str]:
        builtin = [p.name.removesuffix(".yaml") for p in resources.files("catalog.profiles").iterdir()]
        return sorted({name for name in builtin if not name.startswith("_")} | set(self.local))

    def profile(self, name: str, seen: tuple[str, ...] = ()) -> Profile | None:
        if name not in self._done:
            self._done[name] = None  # guards a cycle while this one is being read
            self._done[name] = self._read(name, seen)
        return self._done[name]

    def _read(self, name: str, seen: tuple[str, ...]) -> Profile | None:
        source = self.local.get(name)
        if source is None:
            path = _builtin_path(name)
            assert path is not None, name
            source, problems = load_yaml_source(path, Kind.PROFILE)
            self.diagnostics += problems
            if source is None:
                return None
        problems = [*check_schema(source), *check_profile_checks(source)]
        self.diagnostics += problems
        if any(d.is_error for d in problems):
            return None
        data = source.data
        standards = [Standard(s["id"], s["name"], s["summary"], tuple(s["checks"])) for s in data["standards"]]
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


def check_profile_checks(source: Source) -> Iterator[Diagnostic]:
    """Every check names a known check type (Q001) and real, public credential fields (Q002)."""
    fields = credential_fields()
    known = [*CHECK_TYPES, REVIEW_CHECK]
    standards = source.data.get("standards")
    for s_index, standard in enumerate(standards if isinstance(standards, list) else []):
        checks = standard.get("checks") if isinstance(standard, dict) else None
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
