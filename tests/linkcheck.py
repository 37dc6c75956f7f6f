"""Test helper: every internal href/src and #fragment in a built site must resolve."""

from __future__ import annotations

from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit


class _Collector(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.links: list[str] = []
        self.ids: set[str] = set()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        for name, value in attrs:
            if name == "id" and value:
                self.ids.add(value)
            if name in ("href", "src") and value is not None:
                self.links.append(value)


def _parse(path: Path) -> _Collector:
    collector = _Collector()
    collector.feed(path.read_text(encoding="utf-8"))
    return collector


def _target_file(site: Path, base_path: str, page: Path, link_path: str) -> Path | None:
    if link_path.startswith("/"):
        if not link_path.startswith(base_path):
            return None
        target = site / unquote(link_path[len(base_path) :])
    else:
        target = page.parent / unquote(link_path)
    if link_path.endswith("/") or target.is_dir():
        target = target / "index.html"
    return target


def broken_links(site: Path, base_path: str = "/") -> list[str]:
    """Internal links whose file or fragment does not exist, as 'page -> link' strings."""
    pages = {path: _parse(path) for path in sorted(site.rglob("*.html")) if "pagefind" not in path.parts}
    problems = []
    for page, parsed in pages.items():
        for link in parsed.links:
            parts = urlsplit(link)
            if parts.scheme or parts.netloc:
                continue  # external: http(s), mailto
            if not parts.path:
                target = page
            else:
                target = _target_file(site, base_path, page, parts.path)
                if target is None or not target.is_file():
                    problems.append(f"{page.relative_to(site)} -> {link}")
                    continue
            if parts.fragment:
                ids = pages[target].ids if target in pages else _parse(target).ids
                if parts.fragment not in ids:
                    problems.append(f"{page.relative_to(site)} -> {link} (no such id)")
    return problems
