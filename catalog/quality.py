"""Quality: each credential assessed against a profile of standards (MPOS QAS by default).

Standards are data (catalog/profiles/*.yaml, or a catalog's own content/profiles/*.yaml); this
module is the small engine that interprets their checks. It works on the loaded sources, not
the validated model, so drafts and credentials with errors can be assessed too: that is when
authors need it most.
"""

from __future__ import annotations

import datetime
import functools
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any, Callable, Iterable, Iterator

from catalog.diagnostics import Diagnostic, did_you_mean, error, sort_diagnostics
from catalog.labels import check_label
from catalog.readability import sentences
from catalog.recognition import months_before
from catalog.sources import Kind, Source, load_yaml_source
from catalog.validate import check_public_components, check_schema, schema_validator

DEFAULT_PROFILE = "mpos-2024"
MET, NOT_MET, REVIEW = "met", "not_met", "review"
MISSING = object()


@dataclass(frozen=True, slots=True)
class Standard:
    id: str
    name: str
    summary: str
    checks: tuple[dict[str, Any], ...]


@dataclass(frozen=True, slots=True)
class Profile:
    id: str
    name: str
    standards: tuple[Standard, ...]


@dataclass(frozen=True, slots=True)
class Verdict:
    standard: str
    status: str
    reasons: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class CredentialQuality:
    id: str
    title: str
    status: str
    verdicts: tuple[Verdict, ...]

    @property
    def meets_all(self) -> bool:
        return all(v.status == MET for v in self.verdicts)


@dataclass(frozen=True)
class QualityReport:
    profile: Profile
    credentials: tuple[CredentialQuality, ...]

    def for_credential(self, credential_id: str) -> CredentialQuality | None:
        return self._by_id.get(credential_id)

    @functools.cached_property
    def _by_id(self) -> dict[str, CredentialQuality]:
        return {c.id: c for c in self.credentials}

    def counts(self, standard_id: str) -> dict[str, int]:
        """How many credentials (drafts aside) meet, miss, or need review on one standard."""
        totals = {MET: 0, NOT_MET: 0, REVIEW: 0}
        for credential in self.credentials:
            if credential.status != "draft":
                totals[next(v.status for v in credential.verdicts if v.standard == standard_id)] += 1
        return totals

    def as_json(self) -> dict[str, Any]:
        return {
            "profile": self.profile.id,
            "credentials": [
                {
                    "id": c.id,
                    "status": c.status,
                    "standards": [
                        {"id": v.standard, "status": v.status, "reasons": list(v.reasons)} for v in c.verdicts
                    ],
                }
                for c in self.credentials
            ],
        }


# --- the check vocabulary -------------------------------------------------------------------


def lookup(data: Any, path: str) -> Any:
    """The value at a dotted path such as 'review.last_reviewed', or MISSING."""
    for part in path.split("."):
        if not isinstance(data, dict) or part not in data:
            return MISSING
        data = data[part]
    return data


def _present(value: Any) -> bool:
    return value is not MISSING and value not in (None, "", [], {})


def _matches(item: Any, where: dict[str, Any]) -> bool:
    return isinstance(item, dict) and all(
        item.get(key) in (wanted if isinstance(wanted, list) else [wanted]) for key, wanted in where.items()
    )


@dataclass(frozen=True, slots=True)
class Context:
    source: Source
    today: datetime.date
    glossary: tuple[str, ...]


def _check_present(ctx: Context, path: str) -> list[str]:
    return [] if _present(lookup(ctx.source.data, path)) else [f"'{path}' is missing or empty"]


def _check_one_sentence(ctx: Context, path: str) -> list[str]:
    value = lookup(ctx.source.data, path)
    if not isinstance(value, str):
        return [f"'{path}' is missing"]
    count = len(sentences(value))
    return [] if count == 1 else [f"'{path}' is {count} sentences: it should state one skill in one statement"]


def _check_any_item(ctx: Context, spec: dict) -> list[str]:
    items = lookup(ctx.source.data, spec["field"])
    if isinstance(items, list) and any(_matches(item, spec.get("where", {})) for item in items):
        return []
    return [f"no item of '{spec['field']}' has {_describe_where(spec.get('where', {}))}"]


def _check_every_item(ctx: Context, spec: dict) -> list[str]:
    items = lookup(ctx.source.data, spec["field"])
    if not isinstance(items, list) or not items:
        return [f"'{spec['field']}' is missing or empty"]
    failing = [
        index
        for index, item in enumerate(items)
        if not _matches(item, spec.get("where", {}))
        or not all(_present(lookup(item, key)) for key in spec.get("has", []))
    ]
    return [
        f"'{spec['field']}[{i}]' does not have {_describe_where(spec.get('where', {}), spec.get('has', []))}"
        for i in failing
    ]


def _describe_where(where: dict, has: Iterable[str] = ()) -> str:
    parts = [f"{key}: {value}" for key, value in where.items()] + [f"a {key}" for key in has]
    return ", ".join(parts) or "any value"


def _check_equals(ctx: Context, spec: dict) -> list[str]:
    value = lookup(ctx.source.data, spec["field"])
    return [] if value == spec["value"] else [f"'{spec['field']}' is {_shown(value)}, not {spec['value']!r}"]


def _check_at_most(ctx: Context, spec: dict) -> list[str]:
    value = lookup(ctx.source.data, spec["field"])
    ok = isinstance(value, (int, float)) and not isinstance(value, bool) and value <= spec["value"]
    return [] if ok else [f"'{spec['field']}' is {_shown(value)}, more than {spec['value']}"]


def _check_includes(ctx: Context, spec: dict) -> list[str]:
    value = lookup(ctx.source.data, spec["field"])
    return (
        []
        if isinstance(value, list) and spec["value"] in value
        else [f"'{spec['field']}' does not include {spec['value']!r}"]
    )


def _check_reviewed_within_cycle(ctx: Context, spec: dict) -> list[str]:
    last, months = lookup(ctx.source.data, spec["date"]), lookup(ctx.source.data, spec["months"])
    if not isinstance(last, str) or not isinstance(months, int) or not 1 <= months <= 1200:
        return [f"'{spec['date']}' and '{spec['months']}' are needed to know when the next review is due"]
    try:
        last_date = datetime.date.fromisoformat(last)
    except ValueError:
        return [f"'{spec['date']}' is not a date"]
    if last_date < months_before(ctx.today, months):
        return [f"review overdue: last reviewed {last}, every {months} months (as of {ctx.today.isoformat()})"]
    return []


def _check_labels(ctx: Context, enabled: bool) -> list[str]:
    label = ctx.source.data.get("label")
    if not enabled or not isinstance(label, str):
        return []
    return [d.message for d in check_label(label, ctx.source.location, ctx.glossary)]


def _check_public_components(ctx: Context, enabled: bool) -> list[str]:
    return [d.message for d in check_public_components(ctx.source)] if enabled else []


CHECKS: dict[str, Callable[[Context, Any], list[str]]] = {
    "present": _check_present,
    "one_sentence": _check_one_sentence,
    "any_item": _check_any_item,
    "every_item": _check_every_item,
    "equals": _check_equals,
    "at_most": _check_at_most,
    "includes": _check_includes,
    "reviewed_within_cycle": _check_reviewed_within_cycle,
    "label_checks": _check_labels,
    "public_components": _check_public_components,
}
MODIFIERS = ("reason",)
REVIEW_CHECK = "review"
"""`review: text` marks what data cannot decide: the standard's verdict is 'review' unless a check fails."""


def _shown(value: Any) -> str:
    return "missing" if value is MISSING else repr(value)


def assess_standard(standard: Standard, ctx: Context) -> Verdict:
    """Met when every check passes; not met with reasons when any fails; review when a person must judge."""
    failures: list[str] = []
    reviews: list[str] = []
    for check in standard.checks:
        if REVIEW_CHECK in check:
            reviews.append(str(check[REVIEW_CHECK]))
            continue
        kind = next(key for key in check if key not in MODIFIERS)
        problems = CHECKS[kind](ctx, check[kind])
        if problems:
            failures.append(check["reason"] if "reason" in check else "; ".join(problems))
    if failures:
        return Verdict(standard.id, NOT_MET, tuple(failures))
    if reviews:
        return Verdict(standard.id, REVIEW, tuple(reviews))
    return Verdict(standard.id, MET)


def assess_quality(
    credentials: Iterable[Source], profile: Profile, today: datetime.date, glossary: Iterable[str] = ()
) -> QualityReport:
    """Every credential (drafts included) against every standard of the profile."""
    glossary = tuple(glossary)
    results = []
    for source in sorted(credentials, key=lambda s: s.stem):
        ctx = Context(source, today, glossary)
        results.append(
            CredentialQuality(
                id=str(source.data.get("id", source.stem)),
                title=str(source.data.get("title", source.stem)),
                status=str(source.data.get("status", "active")),
                verdicts=tuple(assess_standard(standard, ctx) for standard in profile.standards),
            )
        )
    return QualityReport(profile, tuple(results))


# --- loading profiles -----------------------------------------------------------------------


class UnknownProfile(Exception):
    pass


def available_profiles(content_dir: Path) -> list[str]:
    builtin = [
        p.name.removesuffix(".yaml") for p in resources.files("catalog.profiles").iterdir() if p.name.endswith(".yaml")
    ]
    local = [p.stem for p in (content_dir / "profiles").glob("*.yaml")] if (content_dir / "profiles").is_dir() else []
    return sorted(set(builtin) | set(local))


def _profile_path(name: str, content_dir: Path) -> Path | None:
    local = content_dir / "profiles" / f"{name}.yaml"
    if local.is_file():
        return local
    builtin = resources.files("catalog.profiles").joinpath(f"{name}.yaml")
    return Path(str(builtin)) if builtin.is_file() else None


def load_profile(name: str, content_dir: Path, _seen: tuple[str, ...] = ()) -> tuple[Profile | None, list[Diagnostic]]:
    """A profile by name: the catalog's own content/profiles/NAME.yaml first, then the built-in one.

    A profile may `extends:` another; its standards are appended (or replace one with the same id).
    """
    path = _profile_path(name, content_dir)
    if path is None:
        raise UnknownProfile(
            f"unknown quality profile {name!r}; available: {', '.join(available_profiles(content_dir))}"
        )
    source, diagnostics = load_yaml_source(path, Kind.PROFILE)
    if source is None:
        return None, diagnostics
    diagnostics += list(check_schema(source)) + list(check_profile_checks(source))
    if any(d.is_error for d in diagnostics):
        return None, list(sort_diagnostics(diagnostics))
    standards = [Standard(s["id"], s["name"], s["summary"], tuple(s["checks"])) for s in source.data["standards"]]
    parent = source.data.get("extends")
    if parent:
        if parent in _seen + (name,):
            return None, [
                error(
                    "Q003",
                    f"profile 'extends' forms a cycle: {' -> '.join(_seen + (name, parent))}",
                    source.positions.of_value(("extends",)),
                )
            ]
        try:
            base, problems = load_profile(parent, content_dir, _seen + (name,))
        except UnknownProfile as exc:
            return None, [error("Q003", str(exc), source.positions.of_value(("extends",)))]
        if base is None:
            return None, problems
        own = {s.id for s in standards}
        standards = [s for s in base.standards if s.id not in own] + standards
    return Profile(source.data["id"], source.data["name"], tuple(standards)), diagnostics


@functools.cache
def credential_fields() -> frozenset[str]:
    """Every dotted field path a credential can have, read from its schema (for Q002)."""
    paths: set[str] = set()

    def walk(node: dict, prefix: str) -> None:
        for key, child in node.get("properties", {}).items():
            paths.add(prefix + key)
            walk(child, f"{prefix}{key}.")
            if isinstance(child.get("items"), dict):
                walk(child["items"], f"{prefix}{key}.")

    walk(schema_validator("credential").schema, "")
    return frozenset(paths)


def check_profile_checks(source: Source) -> Iterator[Diagnostic]:
    """Every check names a known check type (Q001) and real credential fields (Q002)."""
    fields = credential_fields()
    standards = source.data.get("standards")
    for s_index, standard in enumerate(standards if isinstance(standards, list) else []):
        checks = standard.get("checks") if isinstance(standard, dict) else None
        for c_index, check in enumerate(checks if isinstance(checks, list) else []):
            if not isinstance(check, dict):
                continue
            path = ("standards", s_index, "checks", c_index)
            kinds = [key for key in check if key not in MODIFIERS]
            known = list(CHECKS) + [REVIEW_CHECK]
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
            named = (
                [spec]
                if kind in ("present", "one_sentence")
                else (
                    [spec.get("field")]
                    + ([spec.get("date"), spec.get("months")] if kind == "reviewed_within_cycle" else [])
                    if isinstance(spec, dict)
                    else []
                )
            )
            for field in [f for f in named if isinstance(f, str)]:
                if field not in fields:
                    yield error(
                        "Q002",
                        f"check refers to unknown credential field '{field}'",
                        source.positions.of_value(path + (kind,)),
                        did_you_mean(field, fields) or "see docs/content-format.md for field names",
                    )


def check_content_profiles(content_dir: Path) -> list[Diagnostic]:
    """Diagnostics for every profile in content/profiles/, so `credcat validate` catches them before a build."""
    folder = content_dir / "profiles"
    problems: list[Diagnostic] = []
    for path in sorted(folder.glob("*.yaml")) if folder.is_dir() else []:
        problems += load_profile(path.stem, content_dir)[1]
    return problems
