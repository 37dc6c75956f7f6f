"""Diagnostics: problems in content, as data, in the format compilers and linters use.

Every stage returns diagnostics instead of raising, so a maintainer sees every problem in
one run, each pointing at the line and column that caused it.
"""

from __future__ import annotations

import difflib
import enum
from dataclasses import dataclass
from typing import Iterable

from catalog.pickling import dataclasses_of, pickle_by_fields


@dataclass(frozen=True, slots=True, order=True)
class Location:
    """A position in a content file; line and column count from 1."""

    path: str
    line: int = 1
    col: int = 1

    def __str__(self) -> str:
        return f"{self.path}:{self.line}:{self.col}"


class Severity(enum.Enum):
    ERROR = "error"
    WARNING = "warning"


@dataclass(frozen=True, slots=True)
class Diagnostic:
    """One problem in content: what, where, and how to fix it."""

    severity: Severity
    code: str
    message: str
    location: Location
    hint: str | None = None

    @property
    def is_error(self) -> bool:
        return self.severity is Severity.ERROR

    def sort_key(self) -> tuple[Location, str, str]:
        return (self.location, self.code, self.message)

    def format(self) -> str:
        text = f"{self.location}: {self.severity.value}[{self.code}]: {self.message}"
        if self.hint:
            text += f"\n  hint: {self.hint}"
        return text

    def as_json(self) -> dict[str, str | int | None]:
        return {
            "path": self.location.path,
            "line": self.location.line,
            "col": self.location.col,
            "severity": self.severity.value,
            "code": self.code,
            "message": self.message,
            "hint": self.hint,
        }


def error(code: str, message: str, location: Location, hint: str | None = None) -> Diagnostic:
    return Diagnostic(Severity.ERROR, code, message, location, hint)


def warning(code: str, message: str, location: Location, hint: str | None = None) -> Diagnostic:
    return Diagnostic(Severity.WARNING, code, message, location, hint)


def sort_diagnostics(diagnostics: Iterable[Diagnostic]) -> tuple[Diagnostic, ...]:
    """Sort by path, line, column and drop exact repeats, so output is stable."""
    return tuple(sorted(set(diagnostics), key=Diagnostic.sort_key))


def has_errors(diagnostics: Iterable[Diagnostic], *, strict: bool = False) -> bool:
    """True when the diagnostics must stop a build (warnings count under --strict)."""
    return any(d.is_error or strict for d in diagnostics)


def closest(word: str, choices: Iterable[str]) -> str | None:
    """The choice nearest to a misspelt word, if any is near enough."""
    return _closest_sorted(str(word), sorted(map(str, choices)))


def _closest_sorted(word: str, choices: list[str]) -> str | None:
    matches = difflib.get_close_matches(word, choices, n=1, cutoff=0.6)
    return matches[0] if matches else None


def did_you_mean(word: str, choices: Iterable[str]) -> str | None:
    """A hint naming the closest valid choice, as click does for a misspelt option."""
    match = closest(word, choices)
    return f"did you mean '{match}'?" if match else None


class Suggestions:
    """`did_you_mean` against one set of choices, for a check that may ask for many hints (a bulk
    rename can leave thousands of files naming ids that no longer exist).

    The choices are sorted once, and hints stop once they have cost `COMPARISONS` comparisons,
    which is about twenty against 10,000 ids: each compares the word with every choice, up to a
    tenth of a second, and thousands of them took minutes. The diagnostics after that keep their
    caller's plain hint."""

    COMPARISONS = 200_000

    def __init__(self, choices: Iterable[str]) -> None:
        self._choices = sorted(map(str, choices))
        self._left = self.COMPARISONS

    def __call__(self, word: str) -> str | None:
        if self._left < len(self._choices):
            return None
        self._left -= len(self._choices)
        match = _closest_sorted(str(word), self._choices)
        return f"did you mean '{match}'?" if match else None


def join_hints(*hints: str | None) -> str | None:
    """Several hints as one line, or None when there are none."""
    return "; ".join(h for h in hints if h) or None


def shorten(text: str, limit: int = 60) -> str:
    """Author text quoted in a message, cut to `limit` characters so a diagnostic stays one readable line."""
    return text if len(text) <= limit else text[: limit - 1] + "…"


pickle_by_fields(*dataclasses_of(globals()))
