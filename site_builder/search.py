"""Search: what each page tells Pagefind (filters, sort keys, result meta), and the indexing itself.

Only credential and stack pages carry `data-pagefind-body`, so only they are indexed. Filter and
sort values are written as inline `key:value` attributes on empty hidden elements: one element per
value, because an inline value runs to the end of the attribute (commas included), and hidden
elements keep facet words out of result excerpts.
"""

from __future__ import annotations

import datetime
import subprocess
from pathlib import Path
from typing import Iterable

from catalog.errors import EnvironmentFailure
from catalog.labels import StackFacts
from catalog.model import Credential, RecognitionRow, Site, Stack
from catalog.recognition import counts
from site_builder.wording import words

# Filter names are shown as the headings of the filter pane, so they are written for people.
TYPE, ROLE, GRADE, SUBJECT, LEVEL, COST, HOURS, DELIVERY, PACING, COUNTS_IN, COUNTS_FOR, STACK, FRAMEWORK = (
    "Type",
    "Role",
    "Grade band",
    "Subject",
    "Level",
    "Cost",
    "Hours",
    "Delivery",
    "Pacing",
    "Counts in",
    "Counts for",
    "Stack",
    "Standards framework",
)

HOUR_BANDS = ((5, "Up to 5 hours"), (10, "5 to 10 hours"), (20, "10 to 20 hours"))


def hours_band(hours: float) -> str:
    return next((label for limit, label in HOUR_BANDS if hours <= limit), "Over 20 hours")


def _words(value: str) -> str:
    return words(value).capitalize()


def recognition_facets(rows: Iterable[RecognitionRow], site: Site, today: datetime.date) -> list[tuple[str, str]]:
    """'Counts in' a state and 'Counts for' a use there ('North Carolina: license renewal'), from
    approved, unexpired rows only: a pending or refused row never says an item counts."""
    counting = [row for row in rows if counts(row, today)]
    pairs = [(COUNTS_IN, name) for name in site.jurisdiction_names(row.jurisdiction for row in counting)]
    uses = dict.fromkeys(f"{site.jurisdiction_name(row.jurisdiction)}: {site.use_name(row.use)}" for row in counting)
    return pairs + [(COUNTS_FOR, use) for use in uses]


def credential_facets(
    credential: Credential, stacks: list[Stack], site: Site, today: datetime.date
) -> list[tuple[str, str]]:
    """(filter, value) pairs for a credential page, one pair per value."""
    c = credential
    pairs = [(TYPE, "Credential")]
    pairs += [(ROLE, _words(role)) for role in c.audience.roles]
    pairs += [(GRADE, words(grade)) for grade in c.audience.grade_bands]
    pairs += [(SUBJECT, subject) for subject in c.audience.subjects]
    pairs += [
        (LEVEL, _words(c.level)),
        (COST, "Free" if c.cost.is_free else "Paid"),
        (HOURS, hours_band(c.effort_hours)),
        (DELIVERY, _words(c.delivery.mode)),
        (PACING, _words(c.delivery.pacing)),
    ]
    pairs += recognition_facets(c.recognition, site, today)
    pairs += [(STACK, stack.title) for stack in stacks]
    pairs += [(FRAMEWORK, framework) for framework in dict.fromkeys(s.framework for s in c.standards)]
    return pairs


def stack_facets(
    stack: Stack, facts: StackFacts, members: tuple[Credential, ...], site: Site, today: datetime.date
) -> list[tuple[str, str]]:
    """(filter, value) pairs for a stack page: the union of what its members offer."""
    pairs = [(TYPE, "Stack")]
    pairs += [(ROLE, _words(role)) for role in facts.roles]
    pairs += [(GRADE, words(grade)) for grade in facts.grade_bands]
    pairs += [(SUBJECT, s) for s in dict.fromkeys(s for m in members for s in m.audience.subjects)]
    pairs += [(LEVEL, _words(level)) for level in dict.fromkeys(m.level for m in members)]
    pairs += [(COST, "Free" if facts.cost.high == 0 else "Paid"), (HOURS, hours_band(facts.hours.low))]
    pairs += [(DELIVERY, _words(mode)) for mode in facts.delivery_modes]
    pairs += [(PACING, _words(pacing)) for pacing in facts.pacing]
    pairs += recognition_facets(stack.licensure_fit, site, today)
    pairs += [(STACK, stack.title)]
    pairs += [(FRAMEWORK, f) for f in dict.fromkeys(s.framework for m in members for s in m.standards)]
    return pairs


def _reviewed(dates: list[datetime.date | None]) -> str:
    known = [d for d in dates if d]
    return min(known).isoformat() if known else "0000-00-00"


def credential_sort_keys(credential: Credential) -> dict[str, str]:
    """Every indexed page has every sort key, or Pagefind drops it from sorted results."""
    return {
        "title": credential.title.lower(),
        "hours": f"{credential.effort_hours:g}",
        "reviewed": _reviewed([credential.review.last_reviewed if credential.review else None]),
    }


def stack_sort_keys(stack: Stack, facts: StackFacts, members: tuple[Credential, ...]) -> dict[str, str]:
    return {
        "title": stack.title.lower(),
        "hours": f"{facts.hours.low:g}",
        "reviewed": _reviewed([m.review.last_reviewed if m.review else None for m in members]),
    }


class IndexingFailed(EnvironmentFailure):
    """Pagefind could not index the site (not installed, crashed): nothing was published."""


def index_site(site: Path) -> None:
    """Build the Pagefind bundle into `site/pagefind/` with the pinned binary (no download)."""
    from pagefind.service import get_executable  # the wheel's own lookup (honours PAGEFIND_BINARY_PATH)

    binary = get_executable()
    if binary is None or not binary.is_file():
        raise IndexingFailed(
            f"the pagefind binary was not found{f' at {binary}' if binary else ''}; nothing was changed",
            "reinstall credential-catalog (it brings the pagefind binary), or build with --no-search",
        )
    command = [str(binary), "--site", str(site), "--output-subdir", "pagefind", "--silent"]
    try:
        completed = subprocess.run(command, capture_output=True, text=True, check=False)
    except OSError as exc:
        raise IndexingFailed(f"search indexing could not start: {exc.strerror or exc}") from None
    if completed.returncode != 0:
        detail = (completed.stderr or completed.stdout).strip() or f"pagefind exited {completed.returncode}"
        raise IndexingFailed(f"search indexing failed, nothing was changed: {detail[-2000:]}")
