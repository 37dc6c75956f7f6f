"""Page views: the typed context of each kind of page, built by one small function per kind.

Everything a template shows is decided here (what to count, sort, group or look up), so
templates hold only loops, conditionals and named filters. Each view is a pure function of
the catalog and the quality report.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, fields
from typing import Any, Iterable, Mapping, Sequence, TypeVar

from catalog.content import Catalog
from catalog.labels import StackFacts
from catalog.model import Credential, Enroll, Jurisdiction, RecognitionRow, Site, Stack
from catalog.quality import MET, NOT_MET, REVIEW, CredentialQuality, QualityReport, StackQuality, Verdict
from catalog.quality_profiles import DATA, Profile, Standard
from catalog.recognition import MatrixRow, RecognitionEntry, approved_members, counts, is_pending
from catalog.reviews import KIND_WORDS
from site_builder import urls
from site_builder.formatting import last_changed, plural
from site_builder.search import (
    credential_facets,
    credential_sort_keys,
    search_settings,
    stack_facets,
    stack_sort_keys,
)
from site_builder.wording import words

RECOGNITION_CSV = "recognition.csv"

RecognitionItem = tuple[str | None, str | None, RecognitionRow]
"""(page target, title, row) of one recognition table row; no target or title without a subject column."""


@dataclass(frozen=True, slots=True)
class PageView:
    """What every page shows: the site, where the page is, and how the site was built."""

    site: Site
    page_path: str
    drafts: bool
    search: bool
    today: datetime.date
    """The date the site states its facts as of (what counts, what needs re-confirmation): the build date."""
    tool_version: str
    """The version of credential-catalog that built the site."""

    def context(self) -> dict[str, Any]:
        """The fields as template variables (one level deep: values stay typed objects)."""
        return {f.name: getattr(self, f.name) for f in fields(self)}


@dataclass(frozen=True, slots=True)
class Pagination:
    """Where one page sits in a paginated list: its neighbours, and the pages it links to by number.

    Those are the first, the last and the pages near it, not every page: linking every page from
    every page grew with the square of a list's length (3,000 pages of ten rows at 30,000
    credentials: nine million links, 1.5 GB of HTML). Every page is still reachable by links alone."""

    number: int
    """From 1."""
    count: int
    links: tuple[tuple[int, str], ...]
    """(number, address) of each page this page links to by number, in order, itself among them."""
    previous: str | None
    next: str | None
    first_item: int
    last_item: int
    total: int


NEARBY_PAGES = 2
"""How many pages on each side of the current one the navigation links to by number."""

T = TypeVar("T")


def paginate(items: Sequence[T], size: int, target: str) -> list[tuple[tuple[T, ...], Pagination]]:
    """The items in pages of `size` (at least one page, even when empty), each with its place."""
    count = max(1, -(-len(items) // size))

    def address(number: int) -> str:
        return urls.page(target, number)

    pages = []
    for n in range(1, count + 1):
        shown = sorted({1, count, *range(max(1, n - NEARBY_PAGES), min(count, n + NEARBY_PAGES) + 1)})
        pagination = Pagination(
            n,
            count,
            tuple((number, address(number)) for number in shown),
            address(n - 1) if n > 1 else None,
            address(n + 1) if n < count else None,
            min(len(items), (n - 1) * size + 1),
            min(len(items), n * size),
            len(items),
        )
        pages.append((tuple(items[(n - 1) * size : n * size]), pagination))
    return pages


@dataclass(frozen=True, slots=True)
class HomePage(PageView):
    featured: tuple[tuple[Stack, StackFacts], ...]
    search_settings: Mapping[str, str]
    """The search page's data attributes: filter order, address names and value order."""


@dataclass(frozen=True, slots=True)
class CredentialListPage(PageView):
    count: int
    areas: tuple[tuple[str, tuple[Credential, ...]], ...]
    """This page's credentials, by area."""
    pagination: Pagination


@dataclass(frozen=True, slots=True)
class StackListPage(PageView):
    stacks: tuple[tuple[Stack, StackFacts], ...]
    """This page's stacks, by title."""
    pagination: Pagination


@dataclass(frozen=True, slots=True)
class CredentialPage(PageView):
    credential: Credential
    description: str
    """Safe HTML, rendered by the check."""
    stacks: tuple[Stack, ...]
    counts_in: tuple[str, ...]
    """Where it counts: jurisdictions with an approved, unexpired row."""
    pending_in: tuple[str, ...]
    recognition_rows: tuple[RecognitionItem, ...]
    profile: Profile
    quality: CredentialQuality
    verdicts: tuple[tuple[Standard, Verdict], ...]
    met_count: int
    decided_by: tuple[str, ...]
    """Who decided each verdict, in words, in the order of `verdicts`."""
    why: tuple[str, ...]
    """Each verdict's reasons, or a short phrase where they would only repeat the standard's own text
    (kept on /quality/: every credential page repeating it would multiply the site's size)."""
    contact_email: str | None
    needs: tuple[str, ...]
    """What the evidence needs from the earner's setting, in words."""
    prerequisites: tuple[Credential, ...]
    enroll: Enroll | None
    """Where to start: the credential's own, else the site's."""
    achievement: str | None
    """The target of the credential's Open Badges Achievement (its version's own, when it has a version),
    or None without one (a path-only --base-url)."""
    indexed: bool
    facets: tuple[tuple[str, str], ...]
    sort_keys: Mapping[str, str]
    earlier_versions: tuple[tuple[str, str], ...] = ()
    """(version, page target) of each earlier version, oldest first."""


@dataclass(frozen=True, slots=True)
class VersionPage(PageView):
    """One version's own page, for a badge verifier: what the badge was earned against (competency,
    description, evidence, criteria and rubric, standards, resources, research) and that version's files.
    Everything else of the version is in its credential.json; what changes over time (where it counts,
    stacks, quality, later versions) is on the current page only."""

    credential: Credential
    description: str
    """Safe HTML, rendered by the check."""
    has_achievement: bool
    folder: str
    """The version's folder: its page, credential.json and achievement.json."""


@dataclass(frozen=True, slots=True)
class StackPage(PageView):
    stack: Stack
    facts: StackFacts
    members: tuple[Credential, ...]
    counts_in: tuple[str, ...]
    pending_in: tuple[str, ...]
    in_order: bool
    """The members are all required and must be earned in order."""
    fit_rows: tuple[RecognitionItem, ...]
    coverage: tuple[tuple[RecognitionRow, str], ...]
    """Each fit row counted from the members, with its evidence: 'approved for 2 of 3 member credentials'."""
    member_rows: tuple[RecognitionItem, ...]
    quality: StackQuality | None
    short_of: tuple[tuple[Credential, str], ...]
    """The members that keep the stack from meeting every standard, with their status."""
    profile: Profile
    indexed: bool
    facets: tuple[tuple[str, str], ...]
    sort_keys: Mapping[str, str]


@dataclass(frozen=True, slots=True)
class QualityPage(PageView):
    profile: Profile
    active_count: int
    overall: Mapping[str, int]
    """How many published credentials meet every standard ('met'), await a reviewer on at least one
    ('review'), or miss at least one ('not_met')."""
    by_standard: tuple[tuple[Standard, Mapping[str, int], str], ...]
    """(standard, counts of met / not met / review, who decided the verdicts in words)."""
    stacks: tuple[tuple[StackQuality, tuple[tuple[Credential, str], ...]], ...]
    """Each published stack's verdict, with the members that keep it from meeting every standard."""
    credentials: tuple[CredentialQuality, ...]
    """This page's credentials, by title."""
    pagination: Pagination
    misses: tuple[tuple[CredentialQuality, tuple[Verdict, ...]], ...]
    """Credentials that miss something, by title, with the verdicts that are not met."""


@dataclass(frozen=True, slots=True)
class RecognitionPage(PageView):
    jurisdictions: tuple[tuple[str, str, int], ...]
    """(code, name, number of statements) in site.yaml order."""
    groups: tuple[tuple[str, str, tuple[MatrixRow, ...]], ...]
    """(heading, subject, rows) of this page: stacks, then credentials."""
    pagination: Pagination


@dataclass(frozen=True, slots=True)
class JurisdictionPage(PageView):
    code: str
    name: str
    count: int
    groups: tuple[tuple[str, tuple[RecognitionItem, ...]], ...]
    """(use, rows) in order of first appearance; stacks before credentials within each."""
    csv: str
    """The jurisdiction's recognition.csv."""
    pagination: Pagination


@dataclass(frozen=True, slots=True)
class SitemapPage(PageView):
    paths: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class FeedPage(PageView):
    entries: tuple[Credential, ...]
    """The most recently changed, first."""
    updated: datetime.date | None


def home_page(base: PageView, catalog: Catalog) -> HomePage:
    featured = tuple((s, catalog.facts[s.id]) for s in catalog.stacks if s.featured)
    return HomePage(
        *_base(base, urls.HOME), featured=featured, search_settings=search_settings(catalog.site, catalog.credentials)
    )


def credential_list_pages(base: PageView, catalog: Catalog) -> list[CredentialListPage]:
    """Every credential, by area then title, in pages: without JavaScript each is reachable from one."""
    ordered = [c for _, group in group_by_area(catalog.credentials) for c in group]
    return [
        CredentialListPage(
            *_base(base, urls.page(urls.CREDENTIALS, pagination.number)),
            count=len(ordered),
            areas=group_by_area(page),
            pagination=pagination,
        )
        for page, pagination in paginate(ordered, catalog.site.page_size, urls.CREDENTIALS)
    ]


def stack_list_pages(base: PageView, catalog: Catalog) -> list[StackListPage]:
    ordered = sorted(catalog.stacks, key=lambda s: s.title)
    return [
        StackListPage(
            *_base(base, urls.page(urls.STACKS, pagination.number)),
            stacks=tuple((s, catalog.facts[s.id]) for s in page),
            pagination=pagination,
        )
        for page, pagination in paginate(ordered, catalog.site.page_size, urls.STACKS)
    ]


def not_found_page(base: PageView) -> PageView:
    return PageView(*_base(base, "404.html"))


def credential_page(
    base: PageView,
    site: Site,
    credential: Credential,
    description: str,
    stacks: tuple[Stack, ...],
    prerequisites: tuple[Credential, ...],
    profile: Profile,
    assessed: CredentialQuality,
    has_achievement: bool,
    earlier: tuple[Credential, ...] = (),
) -> CredentialPage:
    """A credential's page, from exactly what it shows (its stacks, its prerequisites that are
    published, its quality verdicts), so the page's key can hash these and nothing more."""
    verdicts = tuple(zip(profile.standards, assessed.verdicts))
    return CredentialPage(
        *_base(base, urls.credential(credential.id)),
        credential=credential,
        description=description,
        stacks=stacks,
        counts_in=counts_in(site, credential.recognition, base.today),
        pending_in=pending_in(site, credential.recognition, base.today),
        recognition_rows=tuple((None, None, row) for row in credential.recognition),
        profile=profile,
        quality=assessed,
        verdicts=verdicts,
        met_count=sum(verdict.status == MET for verdict in assessed.verdicts),
        decided_by=tuple(_decided_by(verdict) for verdict in assessed.verdicts),
        why=tuple(_why(standard, verdict) for standard, verdict in verdicts),
        contact_email=credential.issuer.email or site.contact,
        needs=needs(credential),
        prerequisites=prerequisites,
        enroll=credential.enroll or site.enroll,
        achievement=achievement_file(credential) if has_achievement else None,
        indexed=not credential.is_draft,
        facets=tuple(credential_facets(credential, list(stacks), site, base.today)),
        sort_keys=credential_sort_keys(credential),
        earlier_versions=tuple(
            (old.version, urls.credential_version(old.id, old.version)) for old in earlier if old.version
        ),
    )


def version_page(base: PageView, credential: Credential, description: str, has_achievement: bool) -> VersionPage:
    """One version's own page: it shows nothing that a later version, another credential, a stack or a review
    could change, so it reads the same whether the version is current or archived."""
    assert credential.version is not None
    folder = urls.credential_version(credential.id, credential.version)
    return VersionPage(
        *_base(base, folder),
        credential=credential,
        description=description,
        has_achievement=has_achievement,
        folder=folder,
    )


def achievement_file(credential: Credential) -> str:
    """Where a credential's Achievement is published: its version's folder, or its own without a version."""
    if credential.version:
        return urls.credential_version(credential.id, credential.version, "achievement.json")
    return urls.credential(credential.id, "achievement.json")


def evidence_names(credential: Credential) -> dict[str, str]:
    """Each piece of evidence's name by its id, for the rubric's references to it."""
    return {item.id: item.name for item in credential.evidence}


def all_from_practice(credential: Credential) -> bool:
    return all(item.from_practice for item in credential.evidence)


def rubric_levels(credential: Credential) -> bool:
    """Whether the rubric describes its levels (then its table has a column per level)."""
    return any(level.description for level in credential.evaluation.levels) or any(
        criterion.levels for criterion in credential.evaluation.criteria
    )


def stack_page(
    base: PageView,
    site: Site,
    stack: Stack,
    facts: StackFacts,
    members: tuple[Credential, ...],
    profile: Profile,
    stack_quality: StackQuality | None,
) -> StackPage:
    """A stack's page, from exactly what it shows (see `credential_page`)."""
    by_id = {member.id: member for member in members}
    return StackPage(
        *_base(base, urls.stack(stack.id)),
        stack=stack,
        facts=facts,
        members=members,
        counts_in=counts_in(site, stack.licensure_fit, base.today),
        pending_in=pending_in(site, stack.licensure_fit, base.today),
        in_order=stack.sequence == "ordered" and facts.required_count == facts.credential_count,
        fit_rows=tuple((None, None, row) for row in stack.licensure_fit),
        coverage=tuple(
            (row, _coverage_words(len(approved_members(row, members, base.today)), len(members), stack.required_count))
            for row in stack.licensure_fit
            if row.basis == "members"
        ),
        member_rows=tuple((urls.credential(cid), by_id[cid].title, row) for cid, row in facts.member_recognition),
        quality=stack_quality,
        short_of=tuple((by_id[m], status) for m, status in stack_quality.short_of) if stack_quality else (),
        profile=profile,
        indexed=not stack.is_draft,
        facets=tuple(stack_facets(stack, facts, members, site, base.today)),
        sort_keys=stack_sort_keys(stack, facts, members),
    )


def quality_pages(base: PageView, report: QualityReport, catalog: Catalog) -> list[QualityPage]:
    """The dashboard: every page leads with the counts per standard, then pages through the
    credentials and stacks (and what each of them misses), so no page grows with the catalog."""
    active = [c for c in report.credentials if c.status != "draft"]
    by_title = sorted(report.credentials, key=lambda c: c.title)
    published_stacks = {s.id for s in catalog.stacks}
    stacks = [s for s in sorted(report.stacks, key=lambda s: s.title) if s.id in published_stacks]
    overall = {status: sum(c.overall == status for c in active) for status in (MET, REVIEW, NOT_MET)}
    by_standard = tuple((s, report.counts(s.id), _deciders(s, report)) for s in report.profile.standards)
    size = catalog.site.page_size
    credential_pages = paginate(by_title, size, urls.QUALITY)
    stack_pages = paginate(stacks, size, urls.QUALITY)
    pages = []
    for index, (credentials, pagination) in enumerate(credential_pages):
        own_stacks = stack_pages[index][0] if index < len(stack_pages) else ()
        if index == len(credential_pages) - 1:  # more stacks than credential pages: the last page takes them
            own_stacks += tuple(s for page, _ in stack_pages[index + 1 :] for s in page)
        pages.append(
            QualityPage(
                *_base(base, urls.page(urls.QUALITY, pagination.number)),
                profile=report.profile,
                active_count=len(active),
                overall=overall,
                by_standard=by_standard,
                stacks=tuple((s, tuple((catalog.by_id[m], status) for m, status in s.short_of)) for s in own_stacks),
                credentials=credentials,
                pagination=pagination,
                misses=tuple(
                    (c, unmet) for c in credentials if (unmet := tuple(v for v in c.verdicts if v.status == NOT_MET))
                ),
            )
        )
    return pages


def recognition_pages(
    base: PageView, catalog: Catalog, entries: Mapping[str, tuple[RecognitionEntry, ...]], matrix: tuple[MatrixRow, ...]
) -> list[RecognitionPage]:
    """The matrix of every stack and credential by state, in pages (each state's own page lists all)."""
    jurisdictions = tuple((j.code, j.name, len(entries[j.code])) for j in catalog.site.jurisdictions)
    return [
        _recognition_page(base, jurisdictions, rows, pagination)
        for rows, pagination in paginate(matrix, catalog.site.page_size, urls.RECOGNITION)
    ]


def _recognition_page(
    base: PageView,
    jurisdictions: tuple[tuple[str, str, int], ...],
    matrix: tuple[MatrixRow, ...],
    pagination: Pagination,
) -> RecognitionPage:
    return RecognitionPage(
        *_base(base, urls.page(urls.RECOGNITION, pagination.number)),
        jurisdictions=jurisdictions,
        pagination=pagination,
        groups=tuple(
            (heading, subject, rows)
            for heading, subject, kind in (("Stacks", "Stack", "stack"), ("Credentials", "Credential", "credential"))
            if (rows := tuple(row for row in matrix if row.kind == kind))
        ),
    )


def jurisdiction_pages(
    base: PageView, jurisdiction: Jurisdiction, entries: tuple[RecognitionEntry, ...]
) -> list[JurisdictionPage]:
    """Every statement in one jurisdiction, grouped by what it counts for (stacks first in each group),
    in pages; the CSV holds them all."""
    order = {use: index for index, use in enumerate(dict.fromkeys(e.row.use for e in entries))}
    ordered = sorted(entries, key=lambda e: order[e.row.use])  # stable: stacks stay before credentials
    target = urls.jurisdiction(jurisdiction.code)
    pages = []
    for page, pagination in paginate(ordered, base.site.page_size, target):
        groups = tuple(
            (
                base.site.use_name(use),
                tuple(
                    (urls.item(e.kind, e.id), e.title + (" (stack)" if e.kind == "stack" else ""), e.row)
                    for e in page
                    if e.row.use == use
                ),
            )
            for use in dict.fromkeys(e.row.use for e in page)
        )
        pages.append(
            JurisdictionPage(
                *_base(base, urls.page(target, pagination.number)),
                code=jurisdiction.code,
                name=jurisdiction.name,
                count=len(entries),
                groups=groups,
                csv=target + RECOGNITION_CSV,
                pagination=pagination,
            )
        )
    return pages


NEED_WORDS = {
    "students": "a class or group of students",
    "video": "a video of your teaching",
    "consent": "consent from parents or students",
    "observation": "a colleague or coach to observe you",
}


def needs(credential: Credential) -> tuple[str, ...]:
    """What you will need, in the order an earner plans for it."""
    return tuple(words for field, words in NEED_WORDS.items() if getattr(credential.requirements, field))


def _why(standard: Standard, verdict: Verdict) -> str:
    if verdict.status == MET and verdict.decided_by == DATA:
        return "Every data check passes."
    if verdict.status == REVIEW and not any("judged version" in reason for reason in verdict.reasons):
        return "Awaits a reviewer's judgement (see the standard)."
    return "; ".join(verdict.reasons)


def _decided_by(verdict: Verdict) -> str:
    if verdict.decided_by is None:
        return "Awaits a reviewer"
    if verdict.decided_by == DATA:
        return "Data checks"
    date = verdict.reviewed_on.isoformat() if verdict.reviewed_on else ""
    return f"{KIND_WORDS[verdict.decided_by].capitalize()} by {verdict.reviewer}, {date}"


def _deciders(standard: Standard, report: QualityReport) -> str:
    """Who decided one standard's verdicts (drafts aside): 'data', or 'a person: 1 self-assessment,
    1 external review'."""
    if not standard.judged:
        return "data"
    by_kind = {kind: report.decided_by(standard.id, kind) for kind in KIND_WORDS}
    reviewed = ", ".join(plural(n, KIND_WORDS[kind]) for kind, n in by_kind.items() if n)
    return f"data checks, then a person ({reviewed or 'no review yet'})"


def _coverage_words(approved: int, total: int, required: int) -> str:
    """The evidence behind a stack's claim, in words."""
    need = "every one is required" if required == total else f"any {required} complete the stack"
    return f"approved for {approved} of {total} member credentials ({need})"


def sitemap_page(base: PageView, paths: tuple[str, ...]) -> SitemapPage:
    return SitemapPage(*_base(base, "sitemap.xml"), paths=paths)


FEED_ENTRIES = 100
"""A feed says what changed lately; the complete lists are the sitemap and catalog.json."""


def feed_page(base: PageView, credentials: tuple[Credential, ...]) -> FeedPage:
    """The most recently changed credentials (at most FEED_ENTRIES), so the feed does not grow with the catalog."""
    entries = tuple(sorted(credentials, key=lambda c: (last_changed(c), c.id), reverse=True))[:FEED_ENTRIES]
    return FeedPage(*_base(base, "feed.xml"), entries=entries, updated=last_changed(entries[0]) if entries else None)


def group_by_area(credentials: tuple[Credential, ...]) -> tuple[tuple[str, tuple[Credential, ...]], ...]:
    """Credentials by area (alphabetical, 'Other' last), each group sorted by title."""
    groups: dict[str, list[Credential]] = {}
    for credential in credentials:
        groups.setdefault(credential.area or "Other", []).append(credential)
    order = sorted(groups, key=lambda area: (area == "Other", area))
    return tuple((area, tuple(sorted(groups[area], key=lambda c: (c.title, c.id)))) for area in order)


def _base(base: PageView, page_path: str) -> tuple[Site, str, bool, bool, datetime.date, str]:
    return base.site, page_path, base.drafts, base.search, base.today, base.tool_version


def counts_in(site: Site, rows: Iterable[RecognitionRow], today: datetime.date) -> tuple[str, ...]:
    """The jurisdictions where an item counts: approved, unexpired rows only."""
    return site.jurisdiction_names(row.jurisdiction for row in rows if counts(row, today))


def pending_in(site: Site, rows: Iterable[RecognitionRow], today: datetime.date) -> tuple[str, ...]:
    """'North Carolina (pending)': asked for or in a pilot, where the item does not count yet."""
    counting = set(counts_in(site, rows, today))
    shown = (
        f"{site.jurisdiction_name(row.jurisdiction)} ({words(row.status)})"
        for row in rows
        if is_pending(row) and site.jurisdiction_name(row.jurisdiction) not in counting
    )
    return tuple(dict.fromkeys(shown))
