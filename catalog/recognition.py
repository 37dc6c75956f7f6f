"""Recognition: where each credential and stack counts, grouped the way a recognizer reads it.

Rows are never merged or summed across items: recognition differs by state in use and unit, so
each row stays a dated, sourced statement by one recognizer.
"""

from __future__ import annotations

import calendar
import datetime
from dataclasses import dataclass
from typing import TYPE_CHECKING, Iterable

from catalog.model import Credential, RecognitionRow
from catalog.pickling import dataclasses_of, pickle_by_fields

if TYPE_CHECKING:  # content imports validation, which imports this module's date rule
    from catalog.content import Catalog

RECONFIRM_AFTER_MONTHS = 12
APPROVED = "approved"
PENDING = ("pending", "pilot")
REFUSED = "not_accepted"


def is_expired(row: RecognitionRow, today: datetime.date) -> bool:
    """Past its `expires` date (it still counts on that day itself)."""
    return row.expires is not None and today > row.expires


def counts(row: RecognitionRow, today: datetime.date) -> bool:
    """Whether a row lets the item count: approved, and not expired. Only these are 'Counts in'."""
    return row.status == APPROVED and not is_expired(row, today)


def is_pending(row: RecognitionRow) -> bool:
    """Asked for, or tried out, but not decided: shown apart, never as counting."""
    return row.status in PENDING


@dataclass(frozen=True, slots=True)
class RecognitionEntry:
    """One row, with the stack or credential it belongs to."""

    kind: str
    """'stack' or 'credential'."""
    id: str
    title: str
    row: RecognitionRow


def months_before(day: datetime.date, months: int) -> datetime.date:
    """The same day `months` earlier, or the month's last day when it is shorter (never before year 1)."""
    year, month = divmod(day.year * 12 + day.month - 1 - months, 12)
    if year < datetime.MINYEAR:
        return datetime.date.min
    return datetime.date(year, month + 1, min(day.day, calendar.monthrange(year, month + 1)[1]))


def needs_reconfirmation(as_of: datetime.date, today: datetime.date) -> bool:
    """A statement older than 12 months should be confirmed again with the recognizer."""
    return as_of < months_before(today, RECONFIRM_AFTER_MONTHS)


def recognition_entries(catalog: Catalog) -> tuple[RecognitionEntry, ...]:
    """Every row, stacks first (by title), then credentials (by title)."""
    entries = [
        RecognitionEntry("stack", s.id, s.title, row)
        for s in sorted(catalog.stacks, key=lambda s: s.title)
        for row in s.licensure_fit
    ]
    entries += [
        RecognitionEntry("credential", c.id, c.title, row)
        for c in sorted(catalog.credentials, key=lambda c: c.title)
        for row in c.recognition
    ]
    return tuple(entries)


def by_jurisdiction(catalog: Catalog) -> dict[str, tuple[RecognitionEntry, ...]]:
    """For each jurisdiction of the site (in site.yaml order), every entry that counts there."""
    grouped: dict[str, list[RecognitionEntry]] = {j.code: [] for j in catalog.site.jurisdictions}
    for entry in recognition_entries(catalog):  # one pass, not one per jurisdiction
        if (entries := grouped.get(entry.row.jurisdiction)) is not None:
            entries.append(entry)
    return {code: tuple(entries) for code, entries in grouped.items()}


@dataclass(frozen=True, slots=True)
class MatrixRow:
    kind: str
    id: str
    title: str
    cells: tuple[tuple[RecognitionRow, ...], ...]
    """One cell per jurisdiction of the site, in site.yaml order."""


def recognition_matrix(catalog: Catalog) -> tuple[MatrixRow, ...]:
    """Stacks, then credentials (each by title), with their rows per jurisdiction, in one pass."""
    codes = [j.code for j in catalog.site.jurisdictions]
    items: list[tuple[str, str, str, tuple[RecognitionRow, ...]]] = [
        ("stack", s.id, s.title, s.licensure_fit) for s in sorted(catalog.stacks, key=lambda s: s.title)
    ]
    items += [("credential", c.id, c.title, c.recognition) for c in sorted(catalog.credentials, key=lambda c: c.title)]
    matrix = []
    for kind, item_id, title, rows in items:
        cells: dict[str, list[RecognitionRow]] = {}
        for row in rows:  # each row once, not once per jurisdiction
            cells.setdefault(row.jurisdiction, []).append(row)
        matrix.append(MatrixRow(kind, item_id, title, tuple(tuple(cells.get(code, ())) for code in codes)))
    return tuple(matrix)


def approved_members(
    row: RecognitionRow, members: Iterable[Credential], today: datetime.date
) -> tuple[Credential, ...]:
    """The members that count, on their own, in the row's jurisdiction for the row's use."""
    return tuple(
        member
        for member in members
        if any(
            counts(own, today) and own.jurisdiction == row.jurisdiction and own.use == row.use
            for own in member.recognition
        )
    )


def member_credits(row: RecognitionRow, members: Iterable[Credential], today: datetime.date) -> list[float]:
    """Each member's own counting credit in the row's jurisdiction, use and unit (members without one left out)."""
    if row.credit is None:
        return []
    unit = row.credit.unit
    credits = []
    for member in members:
        amounts = [
            own.credit.amount
            for own in member.recognition
            if counts(own, today)
            and own.credit is not None
            and (own.jurisdiction, own.use, own.credit.unit) == (row.jurisdiction, row.use, unit)
        ]
        if amounts:
            credits.append(max(amounts))
    return credits


pickle_by_fields(*dataclasses_of(globals()))
