"""The build orchestrator: check, render, publish; nothing is written unless everything is right.

Reads like a table of contents: refuse a wrong output folder, check the catalog (the same check
`credcat validate` runs), plan every file, write what changed into a staging folder (indexing
search there), then publish it atomically.
"""

from __future__ import annotations

import datetime
import hashlib
import importlib.metadata
import os
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from catalog.cache import NO_CACHE, Cache
from catalog.check import Checked, CheckOptions, check_catalog
from catalog.content import Catalog
from catalog.diagnostics import Diagnostic
from catalog.errors import EnvironmentFailure
from catalog.parallel import in_background
from site_builder.output import Listing, known_objects, list_folder, still_listed, write_pages
from site_builder.publish import (
    check_output_folder,
    git_repository_in,
    publish_site,
    refuse_git_repository,
)
from site_builder.render import SiteInputs, asset_files, make_environment, plan_site
from site_builder.schemas import published_schemas
from site_builder.search import index_site
from site_builder.urls import SiteUrls

Progress = Callable[[str], None]
"""Told the name of each stage as it starts (the CLI shows it on a terminal)."""


def no_progress(stage: str) -> None:
    """Say nothing."""


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
    jobs: int = 1
    """Processes to check and render on (the output is the same whatever the number)."""
    cache: Cache = NO_CACHE
    """Results of earlier builds to reuse (the output is the same with or without)."""
    progress: Progress = no_progress


@dataclass(frozen=True, slots=True)
class BuildOutcome:
    """What a build did, as data; the CLI decides how to say it."""

    written: bool
    diagnostics: tuple[Diagnostic, ...]
    pages: int = 0
    credentials: int = 0
    stacks: int = 0
    seconds: float = 0.0
    absolute_urls: bool = False
    """Whether sitemap.xml, feed.xml and achievement.json were written (they need a full --base-url)."""
    made: object = field(default=None, repr=False, compare=False)
    """The checked catalog and the plan, freed with the outcome rather than as the build returns
    (the command line ends without freeing them: site_builder.cli.run)."""


def build(options: BuildOptions) -> BuildOutcome:
    """Check, render and publish the site; on any error (or warning under --strict) write nothing.

    Raises UsageError for an output folder credcat must not replace, EnvironmentFailure when the
    site cannot be written or indexed.
    """
    started = time.perf_counter()
    check_output_folder(options.out, options.content, force=options.force)
    spare = spare_site(options.cache, options.out)
    # The walks of the published and the spare site take a core of their own while this one checks
    # (a first build has neither: nothing to fork for).
    anything = options.out.is_dir() or (spare is not None and spare.is_dir())
    with in_background(_walk_sites, options.out, spare, jobs=options.jobs if anything else 1) as walks:
        options.progress("checking")
        checked = check_catalog(options.content, CheckOptions(options.today), cache=options.cache, jobs=options.jobs)
        if checked.failed(strict=options.strict) or checked.catalog is None or checked.quality is None:
            return BuildOutcome(False, checked.diagnostics, made=checked)
        catalog = checked.catalog.published(include_drafts=options.drafts)

        options.progress("planning")
        pages = plan_site(site_inputs(checked, catalog, options))
        files = fixed_files(checked, catalog)
        environment = make_environment(options.urls, options.today)
        repository, listed = walks.result()
    refuse_git_repository(options.out, repository)

    written: list[str] = []

    def write(staging: Path, started_from: os.stat_result | None) -> None:
        options.progress("writing the site")
        given = repr((options.urls, options.today))
        known = known_objects(checked, catalog)
        written[:] = write_pages(
            pages,
            files,
            environment,
            given,
            staging,
            options.out,
            options.cache,
            options.jobs,
            known,
            still_listed(listed, started_from),
        )
        if options.search:
            options.progress("indexing for search")
            index_site(staging)

    try:
        publish_site(write, options.out, spare)
    except OSError as exc:
        raise EnvironmentFailure(f"cannot write the site to {options.out}: {exc.strerror or exc}") from None

    return BuildOutcome(
        True,
        checked.diagnostics,
        pages=sum(path.endswith(".html") for path in written),
        credentials=len(catalog.credentials),
        stacks=len(catalog.stacks),
        seconds=time.perf_counter() - started,
        absolute_urls=options.urls.origin is not None,
        made=(checked, catalog, pages),
    )


def _walk_sites(out: Path, spare: Path | None) -> tuple[Path | None, Listing | None]:
    """A git repository anywhere in the published site, and what the spare site holds (None
    when it cannot be listed: the build lists it again as it writes, and says what failed)."""
    try:
        listed = list_folder(spare)
    except OSError:
        listed = None
    return (git_repository_in(out) if out.is_dir() else None), listed


def spare_site(cache: Cache, out: Path) -> Path | None:
    """Where the site a build retires is kept for the next build to start from: in the cache,
    which is only ever read back through signed manifests (site_builder.output)."""
    if cache.folder is None or not cache.enabled:
        return None
    return cache.folder / "sites" / hashlib.blake2b(str(out.resolve()).encode(), digest_size=10).hexdigest()


def tool_version() -> str:
    """The installed version of credential-catalog."""
    try:
        return importlib.metadata.version("credential-catalog")
    except importlib.metadata.PackageNotFoundError:  # run from a source tree without installing
        return "unknown"


def published_badges(catalog: Catalog) -> set[str]:
    """The badge images of what is published: credentials' badges and stacks' award badges."""
    images = {c.badge.image for c in catalog.credentials if c.badge}
    return images | {s.awards.badge.image for s in catalog.stacks if s.awards and s.awards.badge}


def site_inputs(checked: Checked, catalog: Catalog, options: BuildOptions) -> SiteInputs:
    """Everything rendering depends on."""
    assert checked.quality is not None
    return SiteInputs(
        catalog,
        checked.descriptions,
        options.urls,
        options.today,
        checked.quality.only(c.id for c in catalog.credentials),
        drafts=options.drafts,
        search=options.search,
        tool_version=tool_version(),
        archived={cid: versions for cid, versions in checked.archived.items() if cid in catalog.by_id},
    )


def fixed_files(checked: Checked, catalog: Catalog) -> dict[str, bytes]:
    """The files copied as they are: the stylesheets and scripts, the schemas, the badge images."""
    files = asset_files()
    files.update({f"schemas/{name}": data for name, data in published_schemas().items()})
    files.update({image: checked.badges[image] for image in sorted(published_badges(catalog))})
    return files
