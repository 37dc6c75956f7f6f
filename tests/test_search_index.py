"""Pagefind reads only the pages that are indexed: exactly those that carry `data-pagefind-body`."""

from __future__ import annotations

import json
from pathlib import Path, PurePosixPath

from site_builder.search import INDEXED_PAGES


def _matches(relative: str) -> bool:
    path = PurePosixPath(relative)
    return any(len(path.parts) == len(PurePosixPath(p).parts) and path.match(p) for p in INDEXED_PAGES)


def test_the_pages_read_for_the_index_are_exactly_the_pages_marked_for_it(sample_site: Path) -> None:
    pages = {str(p.relative_to(sample_site)): p.read_text(encoding="utf-8") for p in sample_site.rglob("*.html")}
    marked = {path for path, html in pages.items() if "data-pagefind-body" in html}
    read = {path for path in pages if _matches(path)}
    assert marked and read == marked


def test_the_index_holds_every_marked_page(sample_site: Path) -> None:
    entry = json.loads((sample_site / "pagefind" / "pagefind-entry.json").read_text(encoding="utf-8"))
    indexed = sum(language["page_count"] for language in entry["languages"].values())
    marked = sum("data-pagefind-body" in p.read_text(encoding="utf-8") for p in sample_site.rglob("*.html"))
    assert indexed == marked > 0
