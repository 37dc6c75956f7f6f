"""Page views: the typed context of each kind of page, built by one small function per kind.

Everything a template shows is decided here (what to count, sort, group or look up), so
templates hold only loops, conditionals and named filters. Each view is a pure function of
the catalog and the quality report.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, fields
from typing import Any, Iterable, Mapping

from catalog.content import Catalog
from catalog.labels import StackFacts
from catalog.model import Credential, Jurisdiction, RecognitionRow, Site, Stack
from catalog.quality import MET, NOT_MET, REVIEW, CredentialQuality, QualityReport, StackQuality, Verdict
from catalog.quality_profiles import DATA, Profile, Standard
from catalog.recognition import MatrixRow, RecognitionEntry, approved_members, counts, is_pending
from catalog.reviews import KIND_WORDS
from site_builder import urls
from site_builder.formatting import last_changed, plural
from site_builder.search import credential_facets, credential_sort_keys, stack_facets, stack_sort_keys
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
class HomePage(PageView):
    featured: tuple[tuple[Stack, StackFacts], ...]


@dataclass(frozen=True, slots=True)
class CredentialListPage(PageView):
    count: int
    areas: tuple[tuple[str, tuple[Credential, ...]], ...]


@dataclass(frozen=True, slots=True)
class StackListPage(PageView):
    stacks: tuple[tuple[Stack, StackFacts], ...]
    """By title."""


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
    evidence_names: Mapping[str, str]
    all_from_practice: bool
    profile: Profile
    quality: CredentialQuality
    verdicts: tuple[tuple[Standard, Verdict], ...]
    met_count: int
    decided_by: tuple[str, ...]
    """Who decided each verdict, in words, in the order of `verdicts`."""
    contact_email: str | None
    has_achievement: bool
    indexed: bool
    facets: tuple[tuple[str, str], ...]
    sort_keys: Mapping[str, str]


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
    """By title."""
    misses: tuple[tuple[CredentialQuality, tuple[Verdict, ...]], ...]
    """Credentials that miss something, by title, with the verdicts that are not met."""


@dataclass(frozen=True, slots=True)
class RecognitionPage(PageView):
    jurisdictions: tuple[tuple[str, str, int], ...]
    """(code, name, number of statements) in site.yaml order."""
    groups: tuple[tuple[str, str, tuple[MatrixRow, ...]], ...]
    """(heading, subject, rows): stacks, then credentials."""


@dataclass(frozen=True, slots=True)
class JurisdictionPage(PageView):
    code: str
    name: str
    count: int
    groups: tuple[tuple[str, tuple[RecognitionItem, ...]], ...]
    """(use, rows) in order of first appearance; stacks before credentials within each."""
    csv: str
    """The jurisdiction's recognition.csv."""


@dataclass(frozen=True, slots=True)
class SitemapPage(PageView):
    paths: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class FeedPage(PageView):
    entries: tuple[Credential, ...]
    """Most recently changed first."""
    updated: datetime.date | None


def home_page(base: PageView, catalog: Catalog) -> HomePage:
    featured = tuple((s, catalog.facts[s.id]) for s in catalog.stacks if s.featured)
    return HomePage(*_base(base, urls.HOME), featured=featured)


def credential_list_page(base: PageView, catalog: Catalog) -> CredentialListPage:
    return CredentialListPage(
        *_base(base, urls.CREDENTIALS), count=len(catalog.credentials), areas=group_by_area(catalog.credentials)
    )


def stack_list_page(base: PageView, catalog: Catalog) -> StackListPage:
    ordered = sorted(catalog.stacks, key=lambda s: s.title)
    return StackListPage(*_base(base, urls.STACKS), stacks=tuple((s, catalog.facts[s.id]) for s in ordered))


def not_found_page(base: PageView) -> PageView:
    return PageView(*_base(base, "404.html"))


def credential_page(
    base: PageView,
    catalog: Catalog,
    credential: Credential,
    description: str,
    quality: QualityReport,
    has_achievement: bool,
) -> CredentialPage:
    stacks = catalog.stacks_with(credential)
    assessed = quality.for_credential(credential.id)
    assert assessed is not None, credential.id
    verdicts = tuple(zip(quality.profile.standards, assessed.verdicts))
    return CredentialPage(
        *_base(base, urls.credential(credential.id)),
        credential=credential,
        description=description,
        stacks=stacks,
        counts_in=counts_in(catalog.site, credential.recognition, base.today),
        pending_in=pending_in(catalog.site, credential.recognition, base.today),
        recognition_rows=tuple((None, None, row) for row in credential.recognition),
        evidence_names={item.id: item.name for item in credential.evidence},
        all_from_practice=all(item.from_practice for item in credential.evidence),
        profile=quality.profile,
        quality=assessed,
        verdicts=verdicts,
        met_count=sum(verdict.status == MET for verdict in assessed.verdicts),
        decided_by=tuple(_decided_by(verdict) for verdict in assessed.verdicts),
        contact_email=credential.issuer.email or catalog.site.contact,
        has_achievement=has_achievement,
        indexed=not credential.is_draft,
        facets=tuple(credential_facets(credential, list(stacks), catalog.site, base.today)),
        sort_keys=credential_sort_keys(credential),
    )


def stack_page(base: PageView, catalog: Catalog, stack: Stack, quality: QualityReport) -> StackPage:
    facts = catalog.facts[stack.id]
    members = catalog.members(stack)
    return StackPage(
        *_base(base, urls.stack(stack.id)),
        stack=stack,
        facts=facts,
        members=members,
        counts_in=counts_in(catalog.site, stack.licensure_fit, base.today),
        pending_in=pending_in(catalog.site, stack.licensure_fit, base.today),
        in_order=stack.sequence == "ordered" and facts.required_count == facts.credential_count,
        fit_rows=tuple((None, None, row) for row in stack.licensure_fit),
        coverage=tuple(
            (row, _coverage_words(len(approved_members(row, members, base.today)), len(members), stack.required_count))
            for row in stack.licensure_fit
            if row.basis == "members"
        ),
        member_rows=tuple(
            (urls.credential(cid), catalog.by_id[cid].title, row) for cid, row in facts.member_recognition
        ),
        quality=(stack_quality := quality.for_stack(stack.id)),
        short_of=tuple((catalog.by_id[m], status) for m, status in stack_quality.short_of) if stack_quality else (),
        profile=quality.profile,
        indexed=not stack.is_draft,
        facets=tuple(stack_facets(stack, facts, members, catalog.site, base.today)),
        sort_keys=stack_sort_keys(stack, facts, members),
    )


def quality_page(base: PageView, report: QualityReport, catalog: Catalog) -> QualityPage:
    active = [c for c in report.credentials if c.status != "draft"]
    by_title = tuple(sorted(report.credentials, key=lambda c: c.title))
    published_stacks = {s.id for s in catalog.stacks}
    return QualityPage(
        *_base(base, urls.QUALITY),
        profile=report.profile,
        active_count=len(active),
        overall={status: sum(c.overall == status for c in active) for status in (MET, REVIEW, NOT_MET)},
        by_standard=tuple((s, report.counts(s.id), _deciders(s, active)) for s in report.profile.standards),
        stacks=tuple(
            (s, tuple((catalog.by_id[m], status) for m, status in s.short_of))
            for s in sorted(report.stacks, key=lambda s: s.title)
            if s.id in published_stacks
        ),
        credentials=by_title,
        misses=tuple((c, tuple(v for v in c.verdicts if v.status != MET)) for c in by_title if not c.meets_all),
    )


def recognition_page(
    base: PageView, catalog: Catalog, entries: Mapping[str, tuple[RecognitionEntry, ...]], matrix: tuple[MatrixRow, ...]
) -> RecognitionPage:
    return RecognitionPage(
        *_base(base, urls.RECOGNITION),
        jurisdictions=tuple((j.code, j.name, len(entries[j.code])) for j in catalog.site.jurisdictions),
        groups=tuple(
            (heading, subject, tuple(row for row in matrix if row.kind == kind))
            for heading, subject, kind in (("Stacks", "Stack", "stack"), ("Credentials", "Credential", "credential"))
        ),
    )


def jurisdiction_page(
    base: PageView, jurisdiction: Jurisdiction, entries: tuple[RecognitionEntry, ...]
) -> JurisdictionPage:
    """Every statement in one jurisdiction, grouped by what it counts for (stacks first in each group)."""
    uses = list(dict.fromkeys(e.row.use for e in entries))
    groups = tuple(
        (
            base.site.use_name(use),
            tuple(
                (urls.item(e.kind, e.id), e.title + (" (stack)" if e.kind == "stack" else ""), e.row)
                for e in entries
                if e.row.use == use
            ),
        )
        for use in uses
    )
    return JurisdictionPage(
        *_base(base, urls.jurisdiction(jurisdiction.code)),
        code=jurisdiction.code,
        name=jurisdiction.name,
        count=len(entries),
        groups=groups,
        csv=urls.jurisdiction(jurisdiction.code) + RECOGNITION_CSV,
    )


def _decided_by(verdict: Verdict) -> str:
    if verdict.decided_by is None:
        return "Awaits a reviewer"
    if verdict.decided_by == DATA:
        return "Data checks"
    date = verdict.reviewed_on.isoformat() if verdict.reviewed_on else ""
    return f"{KIND_WORDS[verdict.decided_by].capitalize()} by {verdict.reviewer}, {date}"


def _deciders(standard: Standard, credentials: Iterable[CredentialQuality]) -> str:
    """Who decided one standard's verdicts: 'data', or 'a person: 1 self-assessment, 1 external review'."""
    if not standard.judged:
        return "data"
    verdicts = [v for c in credentials for v in c.verdicts if v.standard == standard.id]
    by_kind = {kind: sum(v.decided_by == kind for v in verdicts) for kind in KIND_WORDS}
    reviewed = ", ".join(plural(n, KIND_WORDS[kind]) for kind, n in by_kind.items() if n)
    return f"data checks, then a person ({reviewed or 'no review yet'})"


def _coverage_words(approved: int, total: int, required: int) -> str:
    """The evidence behind a stack's claim, in words."""
    need = "every one is required" if required == total else f"any {required} complete the stack"
    return f"approved for {approved} of {total} member credentials ({need})"


def sitemap_page(base: PageView, paths: tuple[str, ...]) -> SitemapPage:
    return SitemapPage(*_base(base, "sitemap.xml"), paths=paths)


def feed_page(base: PageView, credentials: tuple[Credential, ...]) -> FeedPage:
    entries = tuple(sorted(credentials, key=lambda c: (last_changed(c), c.id), reverse=True))
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
