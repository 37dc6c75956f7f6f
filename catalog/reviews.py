"""Reviews: a person's recorded judgement of a credential against a quality profile.

MPOS presents its standards with a self-assessment rubric: for most of them only a person can
say whether a credential meets them. A review file (content/reviews/*.yaml) records who judged,
of which kind (the issuer's self-assessment or an independent, external review), when, for which
version of the credential, and a verdict with a note per standard. This module reads them,
checks them against the catalog (Q004-Q009), and picks the judgement that applies to each
standard; catalog.quality combines it with the data checks.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Iterable, Iterator, Mapping

from catalog.diagnostics import Diagnostic, Location, Suggestions, did_you_mean, error, join_hints, warning
from catalog.quality_profiles import Profile
from catalog.sources import Source

SELF_ASSESSMENT, EXTERNAL = "self_assessment", "external"
KIND_WORDS = {SELF_ASSESSMENT: "self-assessment", EXTERNAL: "external review"}


@dataclass(frozen=True, slots=True)
class Judgement:
    """One reviewer's verdict on one standard."""

    status: str
    """'met' or 'not_met'."""
    note: str
    kind: str
    reviewer: str
    date: datetime.date
    version: str
    at: Location
    """Where the verdict's status is written, for diagnostics."""

    def words(self) -> str:
        """'External review by J. Chen (Sample Collaborative), October 1, 2026: note'."""
        return f"{KIND_WORDS[self.kind].capitalize()} by {self.reviewer}, {self.date.isoformat()}: {self.note}"


@dataclass(frozen=True, slots=True)
class QualityReview:
    credential: str
    version: str
    kind: str
    reviewer: str
    date: datetime.date
    profile: str
    judgements: Mapping[str, Judgement]
    """Standard id -> the verdict."""
    path: str


@dataclass(frozen=True, slots=True)
class Judgements:
    """What the reviews say about one credential under one profile."""

    current: Mapping[str, Judgement]
    """Standard id -> the judgement that applies: of the credential's current version, not in the
    future; an external review before a self-assessment, then the latest."""
    stale: Mapping[str, Judgement]
    """Standard id -> a judgement of another version (it no longer applies)."""


def read_reviews(
    sources: Iterable[Source],
    versions: Mapping[str, str | None],
    profiles: Mapping[str, Profile | None],
    available_profiles: Iterable[str],
    today: datetime.date,
    unreadable: Iterable[str] = (),
) -> tuple[tuple[QualityReview, ...], list[Diagnostic]]:
    """The reviews that name a known credential and profile, with every problem in them.

    `versions` maps each credential id to its current version; `profiles` holds the profiles
    the reviews name (None for one with errors, whose own diagnostics are reported elsewhere).
    A review of a credential whose file could not be read (`unreadable`, by file name) is left
    out without a word: that file's own errors say what is wrong. Only schema-valid review files
    should be passed.
    """
    reviews: list[QualityReview] = []
    problems: list[Diagnostic] = []
    seen: dict[tuple[str, str, str], str] = {}
    broken = frozenset(unreadable)
    suggest = Suggestions(versions)
    for source in sources:
        data, at = source.data, source.positions.of_value
        credential, profile_name = str(data["credential"]), str(data["profile"])
        if credential in broken:
            continue
        if credential not in versions:
            problems.append(
                error(
                    "Q004",
                    f"review of unknown credential '{credential}'",
                    at(("credential",)),
                    suggest(credential) or "give the id of a credential in content/credentials/",
                )
            )
            continue
        if profile_name not in profiles:
            problems.append(
                error(
                    "Q009",
                    f"review against unknown quality profile '{profile_name}'",
                    at(("profile",)),
                    join_hints(
                        did_you_mean(profile_name, available_profiles), "available: " + ", ".join(available_profiles)
                    ),
                )
            )
            continue
        key = (credential, profile_name, str(data["kind"]))
        if key in seen:
            problems.append(
                error(
                    "Q006",
                    f"a second {KIND_WORDS[key[2]]} of '{credential}' against {profile_name}: also {seen[key]}",
                    at(("credential",)),
                    "keep one review of each kind per credential; update it when you review again",
                )
            )
            continue
        seen[key] = source.path
        profile = profiles[profile_name]
        problems += _unknown_standards(source, profile)
        date = datetime.date.fromisoformat(str(data["date"]))
        if date > today:
            problems.append(
                warning(
                    "R008",
                    f"'date' is in the future: {date.isoformat()}",
                    at(("date",)),
                    f"dates record what has happened (today is {today.isoformat()}); check the year",
                )
            )
        current = versions[credential]
        if current != str(data["version"]):
            problems.append(
                warning(
                    "Q008",
                    f"this review judged version {data['version']} of '{credential}', which is now at "
                    f"{current or 'no stated version'}: its verdicts no longer apply",
                    at(("version",)),
                    "review the current version, then update 'version' and 'date'",
                )
            )
        reviewer = data["reviewer"]
        who = str(reviewer["name"]) + (f" ({reviewer['organization']})" if reviewer.get("organization") else "")
        judgements = {
            str(standard): Judgement(
                str(verdict["status"]),
                str(verdict["note"]),
                str(data["kind"]),
                who,
                date,
                str(data["version"]),
                at(("verdicts", standard, "status")),
            )
            for standard, verdict in data["verdicts"].items()
        }
        reviews.append(
            QualityReview(
                credential, str(data["version"]), str(data["kind"]), who, date, profile_name, judgements, source.path
            )
        )
    return tuple(reviews), problems


def _unknown_standards(source: Source, profile: Profile | None) -> Iterator[Diagnostic]:
    if profile is None:
        return
    known = [s.id for s in profile.standards]
    for standard in source.data["verdicts"]:
        if standard not in known:
            yield error(
                "Q005",
                f"'{standard}' is not a standard of {profile.id}",
                source.positions.of_key(("verdicts", standard)),
                join_hints(did_you_mean(str(standard), known), "standards: " + ", ".join(known)),
            )


def judgements_for(
    reviews: Iterable[QualityReview], credential: str, version: str | None, profile: str, today: datetime.date
) -> Judgements:
    """The judgements that apply to one credential's current version, and those that went stale."""
    current: dict[str, Judgement] = {}
    stale: dict[str, Judgement] = {}
    for review in reviews:
        if review.credential != credential or review.profile != profile or review.date > today:
            continue
        target = current if review.version == version else stale
        for standard, judgement in review.judgements.items():
            if standard not in target or _rank(judgement) > _rank(target[standard]):
                target[standard] = judgement
    return Judgements(current, stale)


def _rank(judgement: Judgement) -> tuple[bool, datetime.date]:
    """An external review outranks a self-assessment; then the latest wins."""
    return judgement.kind == EXTERNAL, judgement.date
