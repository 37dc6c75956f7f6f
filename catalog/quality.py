"""Quality: each credential assessed against a profile of standards (MPOS QAS by default).

Standards are data (see catalog.profiles); this module is the small engine that interprets their
checks. A check reads a credential's public record, the same values its page and credential.json
show (see catalog.check.quality_subject), and the file's own diagnostics, so label and
public-component rules are decided once, by validation, and never run again here.
"""

from __future__ import annotations

import datetime
import functools
from dataclasses import dataclass
from typing import Any, Callable, Iterable, Mapping

from catalog.diagnostics import Diagnostic, shorten
from catalog.quality_profiles import CHECK_TYPES, MODIFIERS, REVIEW_CHECK, Profile, Standard
from catalog.readability import sentences
from catalog.recognition import months_before

MET, NOT_MET, REVIEW = "met", "not_met", "review"
MISSING = object()


@dataclass(frozen=True, slots=True)
class QualitySubject:
    """What a credential is assessed on: its public record and the diagnostics of its file."""

    id: str
    title: str
    status: str
    record: Mapping[str, Any]
    diagnostics: tuple[Diagnostic, ...] = ()


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

    def only(self, credential_ids: Iterable[str]) -> QualityReport:
        """The report for these credentials alone (e.g. the published ones)."""
        wanted = set(credential_ids)
        return QualityReport(self.profile, tuple(c for c in self.credentials if c.id in wanted))

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


def _matches(item: Any, where: Mapping[str, Any]) -> bool:
    return isinstance(item, dict) and all(
        item.get(key) in (wanted if isinstance(wanted, list) else [wanted]) for key, wanted in where.items()
    )


@dataclass(frozen=True, slots=True)
class Context:
    subject: QualitySubject
    today: datetime.date

    @property
    def data(self) -> Mapping[str, Any]:
        return self.subject.record

    def messages(self, code_prefix: str) -> list[str]:
        """What validation found in this file under one family of codes (B labels, P components)."""
        return [d.message for d in self.subject.diagnostics if d.code.startswith(code_prefix)]


def _check_present(ctx: Context, path: str) -> list[str]:
    return [] if _present(lookup(ctx.data, path)) else [f"'{path}' is missing or empty"]


def _check_one_sentence(ctx: Context, path: str) -> list[str]:
    value = lookup(ctx.data, path)
    if not isinstance(value, str):
        return [f"'{path}' is missing"]
    count = len(sentences(value))
    return [] if count == 1 else [f"'{path}' is {count} sentences: it should state one skill in one statement"]


def _check_any_item(ctx: Context, spec: dict[str, Any]) -> list[str]:
    items = lookup(ctx.data, spec["field"])
    if isinstance(items, list) and any(_matches(item, spec.get("where", {})) for item in items):
        return []
    return [f"no item of '{spec['field']}' has {_describe_where(spec.get('where', {}))}"]


def _check_every_item(ctx: Context, spec: dict[str, Any]) -> list[str]:
    items = lookup(ctx.data, spec["field"])
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


def _describe_where(where: Mapping[str, Any], has: Iterable[str] = ()) -> str:
    parts = [f"{key}: {value}" for key, value in where.items()] + [f"a {key}" for key in has]
    return ", ".join(parts) or "any value"


def _check_equals(ctx: Context, spec: dict[str, Any]) -> list[str]:
    value = lookup(ctx.data, spec["field"])
    return [] if value == spec["value"] else [f"'{spec['field']}' is {_shown(value)}, not {spec['value']!r}"]


def _check_at_most(ctx: Context, spec: dict[str, Any]) -> list[str]:
    value = lookup(ctx.data, spec["field"])
    ok = isinstance(value, (int, float)) and not isinstance(value, bool) and value <= spec["value"]
    return [] if ok else [f"'{spec['field']}' is {_shown(value)}, more than {spec['value']}"]


def _check_includes(ctx: Context, spec: dict[str, Any]) -> list[str]:
    value = lookup(ctx.data, spec["field"])
    return (
        []
        if isinstance(value, list) and spec["value"] in value
        else [f"'{spec['field']}' does not include {spec['value']!r}"]
    )


def _check_reviewed_within_cycle(ctx: Context, spec: dict[str, Any]) -> list[str]:
    last, months = lookup(ctx.data, spec["date"]), lookup(ctx.data, spec["months"])
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
    return ctx.messages("B") if enabled else []


def _check_public_components(ctx: Context, enabled: bool) -> list[str]:
    return ctx.messages("P") if enabled else []


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
assert set(CHECKS) == set(CHECK_TYPES), "every check type in the vocabulary is implemented"


def _shown(value: Any) -> str:
    """A field's value in a reason: never more than a short quote of it."""
    return "missing" if value is MISSING else shorten(repr(value), 40)


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


def assess_quality(subjects: Iterable[QualitySubject], profile: Profile, today: datetime.date) -> QualityReport:
    """Every credential (drafts included) against every standard of the profile."""
    results = []
    for subject in subjects:
        ctx = Context(subject, today)
        results.append(
            CredentialQuality(
                id=subject.id,
                title=subject.title,
                status=subject.status,
                verdicts=tuple(assess_standard(standard, ctx) for standard in profile.standards),
            )
        )
    return QualityReport(profile, tuple(results))
