"""Values in the words a page shows them in: the named filters of the Jinja environment.

Templates hold loops and conditionals only; every number, date, amount and range is written by
one of these functions, so the same fact reads the same on every page.
"""

from __future__ import annotations

import datetime
import functools

from catalog.labels import Range, StackFacts
from catalog.model import Cost, Credential, Duration


def number(value: float) -> str:
    return f"{value:g}" if float(value) != int(value) else str(int(value))


def hours(value: float) -> str:
    return f"{number(value)} hour{'s' * (value != 1)}"


def money(amount: float, currency: str = "USD") -> str:
    if amount == 0:
        return "Free"
    shown = f"{amount:,.2f}".removesuffix(".00")
    return f"${shown}" if currency == "USD" else f"{shown} {currency}"


def cost(value: Cost) -> str:
    return money(value.amount, value.currency)


def plural(count: float, noun: str) -> str:
    """'1 day', '3 days'."""
    return f"{number(count)} {noun}{'s' * (count != 1)}"


def count_range(value: Range, noun: str) -> str:
    """'4 pieces' or '4 to 8 pieces'."""
    return value.words(lambda count: plural(count, noun), number)


def hours_range(facts: StackFacts) -> str:
    """'6 hours' or '4 to 8 hours'."""
    return facts.hours.words(hours, number)


def cost_range(facts: StackFacts) -> str:
    """'Free', '$50' or '$10 to $50'; never a total across currencies."""
    currency = facts.currency
    if currency is None:
        return "varies by credential (priced in different currencies)"
    return facts.cost.words(lambda amount: money(amount, currency))


def duration(value: Duration) -> str:
    """'6 weeks', '1 month'."""
    for unit in ("months", "weeks", "days"):
        amount = getattr(value, unit)
        if amount:
            return plural(amount, unit.removesuffix("s"))
    return ""


@functools.lru_cache(maxsize=1024)
def long_date(value: datetime.date) -> str:
    """'November 24, 2026'. Remembered: every page states the day it was built (strftime was a
    percent of rendering)."""
    return f"{value:%B} {value.day}, {value.year}"


def last_changed(credential: Credential) -> datetime.date:
    """The credential's last change as authored (never a file time, so builds are reproducible)."""
    dates = [credential.updated, credential.review.last_reviewed if credential.review else None]
    return max((d for d in dates if d), default=datetime.date(1970, 1, 1))
