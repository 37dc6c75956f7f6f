"""Search: what each page tells Pagefind (filters, sort keys, result meta), and the indexing itself.

Only credential and stack pages carry `data-pagefind-body`, so only they are indexed. Filter and
sort values are written as inline `key:value` attributes on empty hidden elements: one element per
value, because an inline value runs to the end of the attribute (commas included), and hidden
elements keep facet words out of result excerpts.

The search page (home.html, assets/search.js) is told by `search_settings` how to show the filters:
groups in a teacher's order, a short URL name per group, and values such as grade bands, hours and cost
in their natural order.
"""

from __future__ import annotations

import datetime
import json
import subprocess
from pathlib import Path
from typing import Iterable

from catalog.errors import EnvironmentFailure
from catalog.labels import GRADE_ORDER, ROLE_ORDER, StackFacts
from catalog.model import Credential, Duration, RecognitionRow, Site, Stack
from catalog.recognition import counts
from site_builder.formatting import money
from site_builder.wording import words

# Filter names are shown as the headings of the filter pane, so they are written for people.
TYPE, ROLE, GRADE, SUBJECT, LEVEL, COST, HOURS, DELIVERY, PACING, COUNTS_IN, COUNTS_FOR, STACK, FRAMEWORK, AREA = (
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
    "Area",
)
VIDEO, CALENDAR, STUDENTS, CONSENT, OBSERVATION = "Video", "Calendar time", "Students", "Consent", "Observation"

FILTER_ORDER = (
    ROLE,
    GRADE,
    SUBJECT,
    COUNTS_IN,
    COUNTS_FOR,
    HOURS,
    CALENDAR,
    COST,
    STUDENTS,
    VIDEO,
    CONSENT,
    OBSERVATION,
    DELIVERY,
    PACING,
    LEVEL,
    TYPE,
    AREA,
)
"""The order a teacher decides in: who it is for, their grades and subject, whether it counts where they
work, then time and money, then how it is taught. Groups left out (Stack, Standards framework) follow.
A catalog can set its own with `search_filter_order` in site.yaml."""

FILTER_PARAMS = {
    ROLE: "role",
    GRADE: "grade",
    SUBJECT: "subject",
    COUNTS_IN: "in",
    COUNTS_FOR: "for",
    HOURS: "time",
    COST: "cost",
    DELIVERY: "delivery",
    PACING: "pacing",
    LEVEL: "level",
    TYPE: "type",
    AREA: "area",
    VIDEO: "video",
    CALENDAR: "span",
    STUDENTS: "students",
    CONSENT: "consent",
    OBSERVATION: "observer",
    STACK: "stack",
    FRAMEWORK: "framework",
}
"""The URL parameter of each filter group (`?q=...&grade=K-2&grade=PK&sort=hours`). Bookmarks and shared
links carry these names: never rename one."""

LEVEL_ORDER = ("introductory", "intermediate", "advanced")

# Time and cost are offered as ranges, not as every number that occurs. Each band holds the values up to
# and including its limit, so a 5-hour credential is "Up to 5 hours" and a $50 one "Up to $50".
HOUR_BANDS = ((5, "Up to 5 hours", "up-to-5"), (10, "5 to 10 hours", "5-10"), (20, "10 to 20 hours", "10-20"))
OVER_HOURS = ("Over 20 hours", "over-20")
COST_LIMITS = (50, 100, 250)
COST_VARIES = ("Varies (priced in different currencies)", "varies")


VIDEO_VALUES = (("none", "No video needed"), ("needed", "Video needed"))
NEED_VALUES = {
    STUDENTS: (("none", "No class of students needed"), ("needed", "A class of students needed")),
    CONSENT: (("none", "No consent needed"), ("needed", "Parental or student consent needed")),
    OBSERVATION: (("none", "No observer needed"), ("needed", "A colleague or coach observes")),
}
"""What the evidence needs from the earner's setting, one filter group each: 'no video' and 'no
observer' are constraints a teacher combines, which values of one group (OR) could not express."""
CALENDAR_BANDS = ((14, "Up to 2 weeks", "up-to-2-weeks"), (61, "2 weeks to 2 months", "2-weeks-2-months"))
OVER_CALENDAR = ("Over 2 months", "over-2-months")
NO_CALENDAR = ("Any time (no calendar time stated)", "any")


def calendar_band(duration: Duration | None) -> str:
    """A credential's calendar time as a band, in days (a month counted as 30)."""
    if duration is None:
        return NO_CALENDAR[0]
    days = (duration.days or 0) + 7 * (duration.weeks or 0) + 30 * (duration.months or 0)
    return next((label for limit, label, _ in CALENDAR_BANDS if days <= limit), OVER_CALENDAR[0])


def hours_band(hours: float) -> str:
    return next((label for limit, label, _ in HOUR_BANDS if hours <= limit), OVER_HOURS[0])


def _cost_bands(currency: str) -> list[tuple[float, str, str]]:
    """(limit, label, URL value) from free up, in `currency`; the last band has no limit."""
    suffix = "" if currency == "USD" else f"-{currency.lower()}"
    bands = [(0.0, "Free", "free")]
    low = 0
    for limit in COST_LIMITS:
        label = f"Up to {money(limit, currency)}" if not low else f"{money(low, currency)} to {money(limit, currency)}"
        bands.append((float(limit), label, f"{low}-{limit}{suffix}" if low else f"up-to-{limit}{suffix}"))
        low = limit
    bands.append((float("inf"), f"Over {money(low, currency)}", f"over-{low}{suffix}"))
    return bands


def cost_band(amount: float, currency: str | None) -> str:
    """'Free', 'Up to $50', '$50 to $100', ...; a total across currencies is never banded (nor summed)."""
    if currency is None:
        return COST_VARIES[0]
    return next(label for limit, label, _ in _cost_bands(currency) if amount <= limit)


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
        (COST, cost_band(c.cost.amount, c.cost.currency)),
        (HOURS, hours_band(c.effort_hours)),
        (DELIVERY, _words(c.delivery.mode)),
        (PACING, _words(c.delivery.pacing)),
    ]
    pairs += recognition_facets(c.recognition, site, today)
    pairs += [(STACK, stack.title) for stack in stacks]
    pairs += [(FRAMEWORK, framework) for framework in dict.fromkeys(s.framework for s in c.standards)]
    pairs += [(AREA, c.area)] if c.area else []
    pairs += [(VIDEO, VIDEO_VALUES[1][1] if c.requirements.video else VIDEO_VALUES[0][1])]
    needed = {
        STUDENTS: c.requirements.students,
        CONSENT: c.requirements.consent,
        OBSERVATION: c.requirements.observation,
    }
    pairs += [(group, NEED_VALUES[group][1 if needed[group] else 0][1]) for group in NEED_VALUES]
    pairs += [(CALENDAR, calendar_band(c.duration))]
    return pairs


def stack_facets(
    stack: Stack, facts: StackFacts, members: tuple[Credential, ...], site: Site, today: datetime.date
) -> list[tuple[str, str]]:
    """(filter, value) pairs for a stack page: the union of what its members offer. Hours are banded by
    the shortest way through, cost by the most it can cost (never 'Free' when a choice costs money)."""
    pairs = [(TYPE, "Stack")]
    pairs += [(ROLE, _words(role)) for role in facts.roles]
    pairs += [(GRADE, words(grade)) for grade in facts.grade_bands]
    pairs += [(SUBJECT, s) for s in dict.fromkeys(s for m in members for s in m.audience.subjects)]
    pairs += [(LEVEL, _words(level)) for level in dict.fromkeys(m.level for m in members)]
    pairs += [(COST, cost_band(facts.cost.high, facts.currency)), (HOURS, hours_band(facts.hours.low))]
    pairs += [(DELIVERY, _words(mode)) for mode in facts.delivery_modes]
    pairs += [(PACING, _words(pacing)) for pacing in facts.pacing]
    pairs += recognition_facets(stack.licensure_fit, site, today)
    pairs += [(STACK, stack.title)]
    pairs += [(FRAMEWORK, f) for f in dict.fromkeys(s.framework for m in members for s in m.standards)]
    return pairs


def _reviewed(dates: list[datetime.date | None]) -> str:
    known = [d for d in dates if d]
    return min(known).isoformat() if known else "0000-00-00"


UNKNOWN_COST = 1e9
"""The cost sort key of a stack priced in several currencies: no total is honest, so it sorts last."""


def _number(value: float) -> str:
    """A sort key Pagefind sorts as a number: it does so only when every page's value parses as one,
    so always plain decimal digits (never '1e+06', which `:g` writes for a million)."""
    return f"{value:.2f}"


def credential_sort_keys(credential: Credential) -> dict[str, str]:
    """Every indexed page has every sort key, or Pagefind drops it from sorted results."""
    return {
        "title": credential.title.lower(),
        "hours": _number(credential.effort_hours),
        "cost": _number(credential.cost.amount),
        "reviewed": _reviewed([credential.review.last_reviewed if credential.review else None]),
    }


def stack_sort_keys(stack: Stack, facts: StackFacts, members: tuple[Credential, ...]) -> dict[str, str]:
    """As the facets: hours by the shortest way through, cost by the most it can cost; reviewed is the
    stalest member's review, since the stack is only as current as that member."""
    return {
        "title": stack.title.lower(),
        "hours": _number(facts.hours.low),
        "cost": _number(facts.cost.high if facts.currency else UNKNOWN_COST),
        "reviewed": _reviewed([m.review.last_reviewed if m.review else None for m in members]),
    }


def filter_order(site: Site) -> tuple[str, ...]:
    """The filter groups in the order the search page shows them: the catalog's own order when site.yaml
    has one (`search_filter_order`), else FILTER_ORDER; either way every
    other known group follows, so none is lost."""
    chosen = site.search_filter_order or FILTER_ORDER
    return tuple(dict.fromkeys(chosen + FILTER_ORDER + tuple(FILTER_PARAMS)))


def filter_values(currencies: Iterable[str] = ("USD",)) -> dict[str, list[tuple[str, str]]]:
    """(URL value, label) of each filter value that has a natural order, low to high. Groups not listed
    here are sorted by label in the page, and their URL value is the label itself."""
    costs = [(value, label) for currency in dict.fromkeys(currencies) for _, label, value in _cost_bands(currency)]
    return {
        ROLE: [(role, _words(role)) for role in ROLE_ORDER],
        GRADE: [(grade, words(grade)) for grade in GRADE_ORDER],
        HOURS: [(value, label) for _, label, value in HOUR_BANDS] + [(OVER_HOURS[1], OVER_HOURS[0])],
        COST: list(dict.fromkeys(costs)) + [(COST_VARIES[1], COST_VARIES[0])],
        LEVEL: [(level, _words(level)) for level in LEVEL_ORDER],
        VIDEO: list(VIDEO_VALUES),
        **{group: list(values) for group, values in NEED_VALUES.items()},
        CALENDAR: [(value, label) for _, label, value in CALENDAR_BANDS]
        + [(OVER_CALENDAR[1], OVER_CALENDAR[0]), (NO_CALENDAR[1], NO_CALENDAR[0])],
    }


def search_settings(site: Site, credentials: Iterable[Credential] = ()) -> dict[str, str]:
    """The search page's `data-*` attributes (as JSON text): filter order, URL names and value order.
    They are written into the page, not into search.js, so that the page and the index always agree."""
    currencies = ["USD", *sorted({c.cost.currency for c in credentials})]
    return {
        "filter-order": json.dumps(filter_order(site), separators=(",", ":")),
        "filter-params": json.dumps(FILTER_PARAMS, separators=(",", ":")),
        "filter-values": json.dumps(filter_values(currencies), separators=(",", ":")),
    }


class IndexingFailed(EnvironmentFailure):
    """Pagefind could not index the site (not installed, crashed): nothing was published."""


INDEXED_PAGES = ("credentials/*/index.html", "stacks/*/index.html")
"""The only pages that carry `data-pagefind-body`: Pagefind is told to read just these, not every
list, quality, recognition and version page as well (10,000 credentials: 55 s and 4.4 GB instead of
78 s and 5.2 GB, the same index). tests/test_search_index.py keeps the two in step."""
INDEXED_GLOB = "{" + ",".join(INDEXED_PAGES) + "}"


def index_site(site: Path) -> None:
    """Build the Pagefind bundle into `site/pagefind/` with the pinned binary (no download)."""
    from pagefind.service import get_executable  # the wheel's own lookup (honours PAGEFIND_BINARY_PATH)

    binary = get_executable()
    if binary is None or not binary.is_file():
        raise IndexingFailed(
            f"the pagefind binary was not found{f' at {binary}' if binary else ''}; nothing was changed",
            "reinstall credential-catalog (it brings the pagefind binary), or build with --no-search",
        )
    command = [str(binary), "--site", str(site), "--output-subdir", "pagefind", "--silent", "--glob", INDEXED_GLOB]
    try:
        completed = subprocess.run(command, capture_output=True, text=True, check=False)
    except OSError as exc:
        raise IndexingFailed(f"search indexing could not start: {exc.strerror or exc}") from None
    if completed.returncode != 0:
        detail = (completed.stderr or completed.stdout).strip() or f"pagefind exited {completed.returncode}"
        raise IndexingFailed(f"search indexing failed, nothing was changed: {detail[-2000:]}")
