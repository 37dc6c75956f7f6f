"""The build orchestrator: check everything first, write last, and only all at once.

Reads like a table of contents: read and validate the catalog, keep what is published, render
descriptions and pages in memory, then publish atomically (indexing search inside the swap).
"""

from __future__ import annotations

import argparse
import datetime
import time
from dataclasses import dataclass
from pathlib import Path

from catalog.content import read_catalog, resolve_today
from catalog.diagnostics import Diagnostic, has_errors, sort_diagnostics
from catalog.quality import DEFAULT_PROFILE, assess_quality, load_profile
from site_builder.markdown import render_descriptions
from site_builder.publish import OutputRefused, check_output_folder, publish_site
from site_builder.render import SiteInputs, asset_files, render_site
from site_builder.search import IndexingFailed, index_site
from site_builder.urls import BaseUrlError, SiteUrls


class UsageError(Exception):
    """A problem with how credcat was called, not with the content (exit 2)."""


@dataclass(frozen=True, slots=True)
class BuildOptions:
    content: Path
    out: Path
    urls: SiteUrls
    today: datetime.date
    drafts: bool = False
    strict: bool = False
    force: bool = False
    search: bool = True

    @classmethod
    def from_args(cls, args: argparse.Namespace) -> BuildOptions:
        try:
            urls = SiteUrls.parse(args.base_url)
        except BaseUrlError as exc:
            raise UsageError(str(exc)) from None
        return cls(
            args.content,
            args.out,
            urls,
            today_or_usage_error(args.today),
            drafts=args.drafts,
            strict=args.strict,
            force=args.force,
            search=not args.no_search,
        )


@dataclass(frozen=True, slots=True)
class BuildOutcome:
    written: bool
    diagnostics: tuple[Diagnostic, ...]
    summary: str = ""


def today_or_usage_error(value: str | None) -> datetime.date:
    try:
        return resolve_today(value)
    except ValueError as exc:
        raise UsageError(str(exc)) from None


def build(options: BuildOptions) -> BuildOutcome:
    """Validate, render and publish the site; on any error write nothing."""
    started = time.perf_counter()
    try:
        check_output_folder(options.out, options.content, force=options.force)
    except OutputRefused as exc:
        raise UsageError(str(exc)) from None

    result = read_catalog(options.content, options.today)
    if result.catalog is None or has_errors(result.diagnostics, strict=options.strict):
        return BuildOutcome(False, result.diagnostics)
    catalog = result.catalog.published(include_drafts=options.drafts)

    descriptions = render_descriptions(catalog)
    diagnostics = sort_diagnostics(
        result.diagnostics + tuple(d for rendered in descriptions.values() for d in rendered.diagnostics)
    )
    if has_errors(diagnostics, strict=options.strict):
        return BuildOutcome(False, diagnostics)

    profile, problems = load_profile(DEFAULT_PROFILE, options.content)
    if profile is None:
        return BuildOutcome(False, diagnostics + tuple(problems))
    published_ids = {c.id for c in catalog.credentials}
    quality = assess_quality(
        [s for s in result.loaded.credentials if s.data.get("id") in published_ids],
        profile,
        options.today,
        [term for term, _ in catalog.site.glossary],
    )

    inputs = SiteInputs(
        catalog, descriptions, options.urls, options.today, quality, drafts=options.drafts, search=options.search
    )
    files = {path: text.encode("utf-8") for path, text in render_site(inputs).items()}
    files.update(asset_files())
    files.update(badge_files(options.content, catalog))
    try:
        publish_site(files, options.out, index_site if options.search else None)
    except IndexingFailed as exc:
        raise UsageError(f"search indexing failed, nothing was changed: {exc}") from None
    except OSError as exc:
        raise UsageError(f"cannot write the site to {options.out}: {exc.strerror or exc}") from None

    pages = sum(path.endswith(".html") for path in files)
    seconds = time.perf_counter() - started
    summary = (
        f"Built {pages} pages ({len(catalog.credentials)} credentials, {len(catalog.stacks)} stacks) "
        f"into {options.out}/ in {seconds:.2f}s"
    )
    if not options.urls.origin:
        summary += "\n(sitemap.xml and feed.xml need absolute URLs: pass a full --base-url to write them)"
    return BuildOutcome(True, diagnostics, summary)


def badge_files(content: Path, catalog) -> dict[str, bytes]:
    """The badge images the published credentials use, copied from the content folder."""
    images = sorted({c.badge.image for c in catalog.credentials if c.badge})
    return {image: (content / image).read_bytes() for image in images}
