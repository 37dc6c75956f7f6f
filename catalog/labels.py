"""Labels: the computed facts of a stack, never typed by hand, so they cannot drift from the data.

MPOS asks that credentials and stacks be labelled plainly and accurately. The author writes one
plain sentence (`label`); everything else on a label card is computed here from the members.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from typing import Iterable

from catalog.model import Credential, Evidence, RecognitionRow, Stack

ROLE_ORDER = ("teacher", "paraprofessional", "instructional_support", "operational_support", "school_leader",
              "district_leader")
GRADE_ORDER = ("PK", "K-2", "3-5", "6-8", "9-12")


@dataclass(frozen=True, slots=True)
class Range:
    """A total that depends on which members an earner chooses (low == high when it does not)."""

    low: float
    high: float

    @property
    def is_exact(self) -> bool:
        return self.low == self.high


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
    grade_bands: tuple[str, ...]
    competencies: tuple[tuple[str, str], ...]
    """(credential id, competency), in stack order."""
    evidence: tuple[tuple[str, Evidence], ...]
    """(credential id, evidence item): every artifact the earner must produce across the stack."""
    licensure_fit: tuple[RecognitionRow, ...]
    member_recognition: tuple[tuple[str, RecognitionRow], ...]
    """(credential id, row) from the members' own recognition, shown apart from the stack's fit."""


NUMBER_WORDS = ("zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten",
                "eleven", "twelve")


def count_words(n: int) -> str:
    return NUMBER_WORDS[n] if n < len(NUMBER_WORDS) else str(n)


def choice_range(values: Iterable[float], choose: int) -> Range:
    """Total of the cheapest and of the dearest choice of `choose` values."""
    ordered = sorted(values)
    return Range(sum(ordered[:choose]), sum(ordered[len(ordered) - choose:]) if choose else 0)


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
        roles=_union((m.audience.roles for m in members), ROLE_ORDER),
        grade_bands=_union((m.audience.grade_bands for m in members), GRADE_ORDER),
        competencies=tuple((m.id, m.competency) for m in members),
        evidence=tuple((m.id, item) for m in members for item in m.evidence),
        licensure_fit=stack.licensure_fit,
        member_recognition=tuple((m.id, row) for m in members for row in m.recognition),
    )


def credit_by_unit(rows: Iterable[RecognitionRow]) -> dict[tuple[str, str, str], float]:
    """Credit summed per (jurisdiction, use, unit): amounts in different units are never added."""
    totals: dict[tuple[str, str, str], float] = defaultdict(float)
    for row in rows:
        if row.credit is not None:
            totals[(row.jurisdiction, row.use, row.credit.unit)] += row.credit.amount
    return dict(totals)
