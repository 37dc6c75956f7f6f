"""Labels: the computed facts of a stack, never typed by hand, so they cannot drift from the data.

MPOS asks that credentials and stacks be labelled plainly and accurately. The author writes one
plain sentence (`label`); everything else on a label card is computed here from the members.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass
from typing import Callable, Iterable

from catalog.diagnostics import Diagnostic, Location, error, warning
from catalog.model import Credential, Evidence, RecognitionRow, Stack
from catalog.pickling import dataclasses_of, pickle_by_fields
from catalog.readability import flesch_kincaid_grade, sentences

ROLE_ORDER = (
    "teacher",
    "pre_service_teacher",
    "paraprofessional",
    "instructional_support",
    "operational_support",
    "school_leader",
    "district_leader",
)
GRADE_ORDER = ("PK", "K-2", "3-5", "6-8", "9-12")


@dataclass(frozen=True, slots=True)
class Range:
    """A total that depends on which members an earner chooses (low == high when it does not)."""

    low: float
    high: float

    @property
    def is_exact(self) -> bool:
        return self.low == self.high

    def words(self, show: Callable[[float], str], show_low: Callable[[float], str] | None = None) -> str:
        """'4 hours' or '4 to 8 hours': `show` writes the high end (with its unit), `show_low` the low one."""
        if self.is_exact:
            return show(self.low)
        return f"{(show_low or show)(self.low)} to {show(self.high)}"


@dataclass(frozen=True, slots=True)
class StackFacts:
    credential_count: int
    required_count: int
    rule: str
    """The completion rule in words, e.g. 'all 3, in order' or 'any 2 of 3'."""
    hours: Range
    cost: Range
    currency: str | None
    """None when members are priced in different currencies, so no total is honest."""
    delivery_modes: tuple[str, ...]
    pacing: tuple[str, ...]
    roles: tuple[str, ...]
    """Who can complete the stack: roles open to at least the required number of members."""
    grade_bands: tuple[str, ...]
    """Grade bands open to at least the required number of members."""
    competencies: tuple[tuple[str, str], ...]
    """(credential id, competency), in stack order."""
    evidence: tuple[tuple[str, Evidence], ...]
    """(credential id, evidence item): every artifact the members ask for, to plan across the stack."""
    evidence_count: Range
    """How many artifacts the earner produces: a range when they choose N of M."""
    licensure_fit: tuple[RecognitionRow, ...]
    member_recognition: tuple[tuple[str, RecognitionRow], ...]
    """(credential id, row) from the members' own recognition, shown apart from the stack's fit."""
    member_credit: tuple[tuple[str, str, str, float], ...]
    """(jurisdiction, use, unit, total) of approved member credit when every member is required;
    empty for 'any N of M', where the total depends on the choice."""


NUMBER_WORDS = (
    "zero",
    "one",
    "two",
    "three",
    "four",
    "five",
    "six",
    "seven",
    "eight",
    "nine",
    "ten",
    "eleven",
    "twelve",
)


def choice_range(values: Iterable[float], choose: int) -> Range:
    """Total of the cheapest and of the dearest choice of `choose` values."""
    ordered = sorted(values)
    return Range(sum(ordered[:choose]), sum(ordered[len(ordered) - choose :]) if choose else 0)


def rule_in_words(stack: Stack) -> str:
    total = len(stack.credentials)
    order = "in order" if stack.sequence == "ordered" else "in any order"
    if stack.completion.rule == "n_of" and stack.required_count < total:
        return f"any {stack.required_count} of {total}"
    return f"all {total}, {order}"


def _union(groups: Iterable[Iterable[str]], order: tuple[str, ...] = ()) -> tuple[str, ...]:
    seen = dict.fromkeys(value for group in groups for value in group)
    rank = {value: i for i, value in enumerate(order)}
    return tuple(sorted(seen, key=lambda v: rank.get(v, len(rank)))) if order else tuple(seen)


def served(groups: Iterable[Iterable[str]], required: int, order: tuple[str, ...]) -> tuple[str, ...]:
    """The audience who can complete the stack: those open to at least `required` members.

    With every member required that is the intersection of the members' audiences (a
    paraprofessional cannot earn a stack with a teachers-only member); for 'any N of M' it is
    everyone for whom N of the members are open.
    """
    counts: dict[str, int] = defaultdict(int)
    for group in groups:
        for value in dict.fromkeys(group):
            counts[value] += 1
    rank = {value: i for i, value in enumerate(order)}
    return tuple(sorted((v for v, n in counts.items() if n >= required), key=lambda v: rank.get(v, len(rank))))


def label_stack(stack: Stack, members: tuple[Credential, ...]) -> StackFacts:
    """Compute every fact on a stack's label from its members."""
    required = stack.required_count
    currencies = {m.cost.currency for m in members if not m.cost.is_free}
    return StackFacts(
        credential_count=len(members),
        required_count=required,
        rule=rule_in_words(stack),
        hours=choice_range((m.effort_hours for m in members), required),
        cost=choice_range((m.cost.amount for m in members), required),
        currency=(currencies.pop() if len(currencies) == 1 else None) if currencies else "USD",
        delivery_modes=_union([m.delivery.mode] for m in members),
        pacing=_union([m.delivery.pacing] for m in members),
        roles=served((m.audience.roles for m in members), required, ROLE_ORDER),
        grade_bands=served((m.audience.grade_bands for m in members), required, GRADE_ORDER),
        competencies=tuple((m.id, m.competency) for m in members),
        evidence=tuple((m.id, item) for m in members for item in m.evidence),
        evidence_count=choice_range((len(m.evidence) for m in members), required),
        licensure_fit=stack.licensure_fit,
        member_recognition=tuple((m.id, row) for m in members for row in m.recognition),
        member_credit=tuple(
            (*key, total)
            for key, total in credit_by_unit(
                row for m in members for row in m.recognition if row.status == "approved"
            ).items()
        )
        if required == len(members)
        else (),
    )


def credit_by_unit(rows: Iterable[RecognitionRow]) -> dict[tuple[str, str, str], float]:
    """Credit summed per (jurisdiction, use, unit): amounts in different units are never added."""
    totals: dict[tuple[str, str, str], float] = defaultdict(float)
    for row in rows:
        if row.credit is not None:
            totals[(row.jurisdiction, row.use, row.credit.unit)] += row.credit.amount
    return dict(totals)


# --- label checks (MPOS QAS-06: plain and accurate) ------------------------------------------

MAX_LABEL_LENGTH = 160
MAX_GRADE = 9.0
MAX_CHECKED_LABEL = 1000
"""Longer labels are refused before any other check: no label needs it, and the checks stay linear."""
WORD_TOKEN = re.compile(r"\w+")
GRADE_BAND = re.compile(r"\b(?:P?K|\d{1,2})-\d{1,2}\b")
COUNTED_NOUNS = ("credential", "micro-credential", "microcredential", "hour")
NUMBER = re.compile(r"\b(\d+(?:\.\d+)?|" + "|".join(NUMBER_WORDS[1:]) + r")\b((?:\s+[\w-]+){0,3})", re.IGNORECASE)


def acronyms(text: str) -> list[str]:
    """Words of ASCII letters with two or more capitals (PTSB, InTASC), each once, in order.

    Found by splitting into words and testing each, which is linear; the pattern this replaces
    backtracked cubically on a long run of capitals.
    """
    found = (w for w in WORD_TOKEN.findall(text) if w.isascii() and w.isalpha() and sum(map(str.isupper, w)) >= 2)
    return list(dict.fromkeys(found))


def check_label(label: str, at: Location, glossary: Iterable[str]) -> list[Diagnostic]:
    """One plain sentence, short, readable, every acronym defined (credential and stack labels)."""
    if len(label) > MAX_CHECKED_LABEL:
        return [
            error(
                "B006",
                f"the label is {len(label):,} characters long, far over the {MAX_LABEL_LENGTH} a label may be",
                at,
                "write one plain sentence; put detail in the description",
            )
        ]
    problems = []
    if len(sentences(label)) > 1:
        problems.append(
            warning(
                "B001",
                "the label is more than one sentence",
                at,
                "keep the label to one sentence; put detail in the description",
            )
        )
    if len(label) > MAX_LABEL_LENGTH:
        problems.append(
            warning(
                "B002",
                f"the label is {len(label)} characters long (at most {MAX_LABEL_LENGTH})",
                at,
                "say what the earner will be able to do, in fewer words",
            )
        )
    grade = flesch_kincaid_grade(label)
    if grade > MAX_GRADE:
        problems.append(
            warning(
                "B003",
                f"the label reads at grade {grade:g} (Flesch-Kincaid; at most {MAX_GRADE:g})",
                at,
                "use shorter words and a shorter sentence",
            )
        )
    defined = set(glossary)
    for acronym in acronyms(label):
        if acronym not in defined and acronym.removesuffix("s") not in defined and acronym != "TODO":
            problems.append(
                warning(
                    "B004",
                    f"acronym '{acronym}' in the label is not defined",
                    at,
                    f"define it under 'glossary' in site.yaml, e.g. {acronym}: what it stands for",
                )
            )
    return problems


def _number_value(token: str) -> float:
    word = token.lower()
    return float(NUMBER_WORDS.index(word)) if word in NUMBER_WORDS else float(token)


def check_stack_label_numbers(stack: Stack, facts: StackFacts, at: Location) -> list[Diagnostic]:
    """Every number the label states must match the computed facts (an error: labels must be accurate)."""
    counts = {float(facts.credential_count), float(facts.required_count)}
    hour_values = {facts.hours.low, facts.hours.high}
    hours_text = facts.hours.words(lambda value: f"{value:g}")
    problems = []
    for match in NUMBER.finditer(GRADE_BAND.sub(" ", stack.label)):
        # What is counted: the first counted noun within the next three words ("four short credentials").
        following = match.group(2).lower().split()
        unit = next((word for word in following if word.startswith(COUNTED_NOUNS)), "")
        value = _number_value(match.group(1))
        if match.group(1).isdigit() and len(match.group(1)) == 4 and not unit:
            continue  # a year, such as 2026
        if not match.group(1)[0].isdigit() and not unit:
            continue  # "one" in "one plain step" is not a count; "three credentials" is
        if unit.startswith("hour"):
            allowed, what = hour_values, f"total hours are {hours_text}"
        elif "credential" in unit:
            allowed, what = counts, f"the stack has {facts.credential_count} credentials ({facts.rule})"
        else:
            allowed = counts | hour_values
            what = f"the stack has {facts.credential_count} credentials ({facts.rule}), {hours_text} hours"
        if value not in allowed:
            stated = " ".join([match.group(1)] + following[: following.index(unit) + 1] if unit else [match.group(1)])
            problems.append(
                error(
                    "B005",
                    f"the label says '{stated}', but {what}",
                    at,
                    "fix the number, or leave numbers out: the label card shows the computed facts",
                )
            )
    return problems


ROLE_WORDS = {role: role.replace("_", " ") for role in ROLE_ORDER}
GRADE_WORDS = {"PK": ("pre-k", "pk"), "K-2": ("k-2",), "3-5": ("3-5",), "6-8": ("6-8",), "9-12": ("9-12",)}
AUDIENCE_CLAIM = re.compile(
    r"\bfor\s+((?:[\w-]+\s+){0,3}?)(" + "|".join(w.replace(" ", r"\s+") for w in ROLE_WORDS.values()) + r")s?\b",
    re.IGNORECASE,
)
GRADE_CLAIM = re.compile(r"(?<![\w-])(pre-k|pk|k-2|3-5|6-8|9-12)(?![\w-])", re.IGNORECASE)


def check_stack_label_audience(stack: Stack, facts: StackFacts, at: Location) -> list[Diagnostic]:
    """A stack label that names an audience ('for paraprofessionals', 'K-2') must name one the stack serves.

    Roles count as a claim after 'for' ('coach teachers' names whom the earner works with, not
    who can earn it); a grade band counts wherever it appears.
    """
    problems = []
    served_roles = {ROLE_WORDS[role] for role in facts.roles if role in ROLE_WORDS}
    for match in AUDIENCE_CLAIM.finditer(stack.label):
        role = " ".join(match.group(2).lower().split())
        if role not in served_roles:
            problems.append(_audience_error(f"{role}s", ", ".join(sorted(served_roles)) or "no role", at))
    served_grades = {word for band in facts.grade_bands for word in GRADE_WORDS.get(band, ())}
    for match in GRADE_CLAIM.finditer(stack.label):
        if match.group(1).lower() not in served_grades:
            shown = ", ".join(facts.grade_bands) or "no grade band"
            problems.append(_audience_error(match.group(1), shown, at))
    return problems


def _audience_error(claim: str, served: str, at: Location) -> Diagnostic:
    return error(
        "B007",
        f"the label names '{claim}', but not enough of the stack's credentials are open to them (it serves: {served})",
        at,
        "name only an audience every required credential is for, or leave the audience to the label card",
    )


pickle_by_fields(*dataclasses_of(globals()))
