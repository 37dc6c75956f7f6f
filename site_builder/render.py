"""Rendering: the catalog into the full set of output files, as a pure function of its inputs.

`plan_site` decides which files exist and what each one is given; site_builder.output turns that
plan into files. Nothing here reads the clock or the disk (templates aside), so the same inputs always
give the same bytes, and pages could be rendered on several cores or cached.
"""

from __future__ import annotations

import datetime
import functools
import operator
from dataclasses import dataclass, field
from importlib import resources
from typing import Any, Callable, Mapping

import jinja2
from markupsafe import Markup

from catalog.content import Catalog
from catalog.labels import StackFacts
from catalog.model import Credential, Stack, public_data
from catalog.quality import CredentialQuality, QualityReport, StackQuality
from catalog.quality_profiles import Profile
from catalog.recognition import (
    RECONFIRM_AFTER_MONTHS,
    by_jurisdiction,
    is_expired,
    needs_reconfirmation,
    recognition_entries,
    recognition_matrix,
)
from site_builder import formatting, urls, views
from site_builder.ctdl import catalog_index as ctdl_index
from site_builder.ctdl import credential_document, is_described, stack_document
from site_builder.exports import (
    CATALOG_INDEX,
    achievement,
    catalog_index,
    credential_record,
    recognition_csv,
    recognition_lines,
    stack_achievement,
    stack_record,
    to_json,
)
from site_builder.urls import SiteUrls
from site_builder.views import PageView
from site_builder.wording import STATUS_WORDS, VERDICT_WORDS, status_mark, words

ASSETS = ("site.css", "print.css", "search.js")


@dataclass(frozen=True, slots=True)
class Page:
    """One output file: a template and its typed view (or the recipe for the view), ready text,
    or the recipe for a text."""

    path: str
    template: str | None = None
    view: PageView | None = None
    text: str | None = None
    make: functools.partial[str] | None = None
    """A text made from its arguments only when the file must be written (see `json_page`)."""
    view_of: functools.partial[PageView] | None = None
    """A view made from its arguments only when the page must be rendered (see `view_page`)."""


def json_page(path: str, record: Callable[..., Any], *args: Any) -> Page:
    """A JSON file of `record(*args)`. The record is made when the page is written (on a worker,
    and only when its key, which hashes the function and its arguments, has changed), not when
    the site is planned."""
    return Page(path, make=functools.partial(_json_text, record, *args))


def view_page(page_path: str, template: str, view: Callable[..., PageView], *args: Any) -> Page:
    """The page at `page_path`, rendered from `view(*args)`. Like `json_page`, the view is made on a
    worker, only when the page's key (which hashes the function and its arguments) has changed:
    one per credential and per stack, these are most of a site."""
    return Page(urls.output_file(page_path), template, view_of=functools.partial(view, *args))


def _json_text(record: Callable[..., Any], *args: Any) -> str:
    return to_json(record(*args)) + "\n"


@dataclass(frozen=True, slots=True)
class PageGroup:
    """A credential's or a stack's own files, made together by one recipe only when they must be.

    These are most of a site. Their files are a pure function of the recipe's arguments (and of
    the templates they use), so a build in which neither changed carries the group's files over
    without planning, keying or rendering any of them (site_builder.output)."""

    path: str
    """Its main page (listed in the sitemap); it also names the group from one build to the next."""
    make: functools.partial[list[Page]]


@dataclass(frozen=True, slots=True)
class SiteInputs:
    """Everything rendering depends on; nothing else is read."""

    catalog: Catalog
    descriptions: Mapping[str, str]
    """Credential id -> its description as safe HTML (rendered once, by the check)."""
    urls: SiteUrls
    today: datetime.date
    quality: QualityReport
    drafts: bool = False
    search: bool = True
    tool_version: str = "unknown"
    """The version of credential-catalog building the site (stated on every page and in catalog.json)."""
    archived: Mapping[str, tuple[tuple[Credential, str], ...]] = field(default_factory=dict)
    """Credential id -> its earlier versions (oldest first), each with its description as safe HTML."""


def plan_site(inputs: SiteInputs) -> list[Page | PageGroup]:
    """Every file of the site, in a stable order: each credential's and each stack's own files as
    a group, and the pages about the whole catalog."""
    catalog, site_urls, quality = inputs.catalog, inputs.urls, inputs.quality
    base = PageView(catalog.site, urls.HOME, inputs.drafts, inputs.search, inputs.today, inputs.tool_version)
    pages: list[Page | PageGroup] = [
        _page(views.home_page(base, catalog), "home.html"),
        *(_page(view, "credentials.html") for view in views.credential_list_pages(base, catalog)),
        *(_page(view, "stacks.html") for view in views.stack_list_pages(base, catalog)),
        Page("404.html", "404.html", views.not_found_page(base)),
    ]
    for credential in catalog.credentials:
        recipe = functools.partial(
            credential_files,
            base,
            site_urls,
            credential,
            inputs.descriptions[credential.id],
            catalog.stacks_with(credential),
            tuple(catalog.by_id[p] for p in credential.prerequisites if p in catalog.by_id),
            catalog.stacks_of.get(credential.id, ()),
            quality.profile,
            quality.for_credential(credential.id),
            inputs.archived.get(credential.id, ()),
        )
        pages.append(PageGroup(urls.output_file(urls.credential(credential.id)), recipe))
    for stack in catalog.stacks:
        members = catalog.members(stack)
        recipe = functools.partial(
            stack_files,
            base,
            site_urls,
            stack,
            catalog.facts[stack.id],
            members,
            quality.profile,
            quality.for_stack(stack.id),
        )
        pages.append(PageGroup(urls.output_file(urls.stack(stack.id)), recipe))
    pages += [_page(view, "quality.html") for view in views.quality_pages(base, quality, catalog)]
    entries = by_jurisdiction(catalog)
    matrix = recognition_matrix(catalog)
    pages += [_page(view, "recognition.html") for view in views.recognition_pages(base, catalog, entries, matrix)]
    pages.append(Page(urls.RECOGNITION + views.RECOGNITION_CSV, make=functools.partial(_csv, catalog, None, site_urls)))
    for jurisdiction in catalog.site.jurisdictions:
        states = views.jurisdiction_pages(base, jurisdiction, entries[jurisdiction.code])
        pages += [_page(state, "jurisdiction.html") for state in states]
        pages.append(Page(states[0].csv, make=functools.partial(_csv, catalog, jurisdiction.code, site_urls)))
    pages.append(json_page(CATALOG_INDEX, catalog_index, catalog, site_urls, inputs.today, inputs.tool_version))
    if site_urls.origin:
        # Every page but the versions' own (archives, each linked from its credential's page): the sitemap
        # stays under the protocol's 50,000 addresses up to about 40,000 credentials.
        listed = tuple(
            page.path.removesuffix("index.html")
            for page in pages
            if isinstance(page, PageGroup) or (page.template is not None and page.path.endswith("index.html"))
        )
        pages.append(Page("sitemap.xml", "sitemap.xml", views.sitemap_page(base, listed)))
        pages.append(Page("feed.xml", "feed.xml", views.feed_page(base, catalog.credentials)))
    described: tuple[Credential | Stack, ...] = (*catalog.credentials, *catalog.stacks)
    if any(is_described(item, site_urls) for item in described):
        pages.append(json_page("ctdl.json", ctdl_index, catalog, site_urls))
    pages.append(Page("robots.txt", text=_robots(site_urls)))
    pages.append(Page(".nojekyll", text=""))
    return pages


def _stack_record(stack: Stack, facts: StackFacts, site_urls: SiteUrls) -> dict[str, Any]:
    return stack_record(stack, public_data(facts), site_urls)


def _csv(catalog: Catalog, jurisdiction: str | None, site_urls: SiteUrls) -> str:
    """The recognition spreadsheet of one jurisdiction, or of all of them."""
    lines, by_jurisdiction = _recognition_lines(catalog, site_urls)
    return recognition_csv(lines if jurisdiction is None else by_jurisdiction.get(jurisdiction, ()))


RecognitionLines = tuple[list[str], dict[str, list[str]]]
"""Every line of the recognition spreadsheet, and each jurisdiction's (one pass, not one per jurisdiction)."""

_LINES: list[tuple[Catalog, SiteUrls, RecognitionLines]] = []
"""The catalog's recognition lines until the site is written: the spreadsheets (one for all, one
per jurisdiction) are made one after the other (by the same worker) from the same lines, made once."""


def forget_memos() -> None:
    """Let go of what the memos of one build hold (the recognition lines, the last macro rendered)."""
    _LINES.clear()
    _RENDERED.clear()


_RENDERED: list[tuple[Callable[..., Markup], tuple[Any, ...], Markup]] = []
"""The last macro `rendered_once` rendered, with its arguments and its output."""


def rendered_once(macro: Callable[..., Markup], *args: Any) -> Markup:
    """The macro's output for these very arguments, rendered once: a credential's components are on
    its page and on its current version's page, which its group makes one after the other. A macro
    imported without context sees only its arguments and the environment's globals, so the same
    objects give the same output."""
    if _RENDERED:
        last_macro, last_args, output = _RENDERED[0]
        if last_macro is macro and len(last_args) == len(args) and all(map(operator.is_, last_args, args)):
            return output
    output = macro(*args)
    _RENDERED[:] = [(macro, args, output)]
    return output


def _recognition_lines(catalog: Catalog, site_urls: SiteUrls) -> RecognitionLines:
    if _LINES and _LINES[0][0] is catalog and _LINES[0][1] == site_urls:
        return _LINES[0][2]
    entries = recognition_entries(catalog)
    lines = recognition_lines(entries, site_urls)
    by_jurisdiction: dict[str, list[str]] = {}
    for entry, line in zip(entries, lines, strict=True):
        by_jurisdiction.setdefault(entry.row.jurisdiction, []).append(line)
    _LINES[:] = [(catalog, site_urls, (lines, by_jurisdiction))]
    return lines, by_jurisdiction


def credential_files(
    base: PageView,
    site_urls: SiteUrls,
    credential: Credential,
    description: str,
    stacks: tuple[Stack, ...],
    prerequisites: tuple[Credential, ...],
    stack_ids: tuple[str, ...],
    profile: Profile,
    verdicts: CredentialQuality | None,
    earlier: tuple[tuple[Credential, str], ...],
) -> list[Page]:
    """A credential's own files: its page, its records, and its versions' pages and records."""
    site = base.site
    has_achievements = site_urls.origin is not None  # an Achievement's id must be an absolute URL
    earlier_models = tuple(old for old, _ in earlier)
    pages = [
        view_page(
            urls.credential(credential.id),
            "credential.html",
            views.credential_page,
            base,
            site,
            credential,
            description,
            stacks,
            prerequisites,
            profile,
            verdicts,
            has_achievements,
            earlier_models,
        ),
        json_page(
            urls.credential(credential.id, "credential.json"), credential_record, credential, stack_ids, site_urls
        ),
    ]
    if has_achievements and not credential.version:  # a version's Achievement is in its own folder
        pages.append(
            json_page(
                urls.credential(credential.id, "achievement.json"),
                achievement,
                credential,
                site_urls,
                site.language,
                earlier_models,
            )
        )
    pages += version_pages(base, site_urls, [*earlier, (credential, description)])
    if is_described(credential, site_urls):
        pages.append(
            json_page(
                urls.credential(credential.id, "ctdl.json"),
                credential_document,
                credential,
                site,
                stacks,
                site_urls,
                base.today,
            )
        )
    return pages


def version_pages(base: PageView, site_urls: SiteUrls, versions: list[tuple[Credential, str]]) -> list[Page]:
    """The pages of every version of a credential (`versions` oldest first, each with its description
    as safe HTML; the pages newest first), each at its own, unchanging address: /credentials/<id>/v<version>/.

    A version's files depend only on that version and the ones before it, so publishing 1.1 leaves
    the 1.0 files byte for byte as they were (a badge earned under 1.0 keeps pointing at its criteria).
    """
    pages = []
    # Newest first: the current version's page follows its credential's, whose components it takes (`rendered_once`).
    for index, (credential, description) in reversed(list(enumerate(versions))):
        if credential.version is None:
            continue
        folder = urls.credential_version(credential.id, credential.version)
        previous = tuple(old for old, _ in versions[:index])
        has_achievement = site_urls.origin is not None
        pages.append(
            view_page(folder, "version.html", views.version_page, base, credential, description, has_achievement)
        )
        pages.append(json_page(folder + "credential.json", credential_record, credential, (), site_urls, folder))
        if has_achievement:
            pages.append(
                json_page(folder + "achievement.json", achievement, credential, site_urls, base.site.language, previous)
            )
    return pages


def stack_files(
    base: PageView,
    site_urls: SiteUrls,
    stack: Stack,
    facts: StackFacts,
    members: tuple[Credential, ...],
    profile: Profile,
    verdicts: StackQuality | None,
) -> list[Page]:
    """A stack's own files: its page, its record and, when it awards a badge, its Achievement, and
    when it is described in CTDL, its document."""
    pages = [
        view_page(
            urls.stack(stack.id),
            "stack.html",
            views.stack_page,
            base,
            base.site,
            stack,
            facts,
            members,
            profile,
            verdicts,
        ),
        json_page(urls.stack(stack.id, "stack.json"), _stack_record, stack, facts, site_urls),
    ]
    if (badge := stack_achievement(stack, members, facts.rule, site_urls, base.site.language)) is not None:
        pages.append(Page(urls.stack(stack.id, "achievement.json"), text=to_json(badge) + "\n"))
    if (ctdl := stack_document(stack, base.site, facts, members, site_urls, base.today)) is not None:
        pages.append(Page(urls.stack(stack.id, "ctdl.json"), text=to_json(ctdl) + "\n"))
    return pages


def _page(view: PageView, template: str) -> Page:
    return Page(urls.output_file(view.page_path), template, view)


def asset_files() -> dict[str, bytes]:
    """The stylesheets shipped with the package, copied as they are."""
    folder = resources.files("site_builder.templates").joinpath("assets")
    return {f"assets/{name}": folder.joinpath(name).read_bytes() for name in ASSETS}


def _robots(site_urls: SiteUrls) -> str:
    text = "User-agent: *\nAllow: /\n"
    if site_urls.origin:
        text += f"Sitemap: {site_urls.absolute('sitemap.xml')}\n"
    return text


def make_environment(site_urls: SiteUrls, today: datetime.date) -> jinja2.Environment:
    """The one Jinja environment: autoescaped, and strict about undefined names."""
    folder = resources.files("site_builder.templates")
    environment = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(folder)),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        auto_reload=False,  # a build's templates do not change under it: no stat of each one a page uses
    )
    environment.filters.update(
        verdict_words=VERDICT_WORDS.__getitem__,
        words=words,
        hours=formatting.hours,
        money=formatting.money,
        cost=formatting.cost,
        number=formatting.number,
        hours_range=formatting.hours_range,
        cost_range=formatting.cost_range,
        long_date=formatting.long_date,
        last_changed=formatting.last_changed,
        plural=formatting.plural,
        count_range=formatting.count_range,
        duration=formatting.duration,
        needs=views.needs,
    )
    environment.globals.update(
        url=site_urls.path,
        absolute_url=site_urls.absolute,
        urls=urls,
        today=today,
        reconfirm_after_months=RECONFIRM_AFTER_MONTHS,
        rendered_once=rendered_once,
        evidence_names=views.evidence_names,
        all_from_practice=views.all_from_practice,
        rubric_levels=views.rubric_levels,
    )
    environment.filters.update(
        status_words=STATUS_WORDS.__getitem__,
        status_mark=lambda row: status_mark(row, today),
        status_class=lambda row: status_mark(row, today).split()[0],
    )
    environment.tests["stale"] = lambda row: needs_reconfirmation(row.as_of, today)
    environment.tests["expired"] = lambda row: is_expired(row, today)
    environment.tests["has_license"] = lambda row: bool(row.license or row.requirement_area)
    return environment
