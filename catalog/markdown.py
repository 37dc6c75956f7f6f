"""Markdown descriptions to safe HTML, with a warning for every link we refuse to publish.

A description is content, so it is rendered once, while the catalog is checked (its warnings are
content diagnostics); the site builder only places the result.

One MarkdownIt instance, raw HTML off, so author text can never become markup. Links and images
are kept only with http, https or mailto schemes, or relative addresses; anything else (such as
`javascript:` or `data:`) is reduced to its text and reported as M001.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from markdown_it import MarkdownIt
from markdown_it.token import Token

from catalog.diagnostics import Diagnostic, Location, warning

SAFE_SCHEMES = frozenset({"http", "https", "mailto"})
_SCHEME = re.compile(r"^\s*([a-zA-Z][a-zA-Z0-9+.\-]*):")
# Credential pages use h1 for the title and h2 for components, so description headings start at h3.
_TOP_HEADING_LEVEL = 3

_md = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False}).enable("table")
# Let every link through the parser so that we can see, report and then drop the unsafe ones.
_md.validateLink = lambda url: True  # type: ignore[method-assign]  # markdown-it-py documents this override


@dataclass(frozen=True, slots=True)
class RenderedMarkdown:
    html: str
    diagnostics: tuple[Diagnostic, ...]


def is_safe_url(url: str) -> bool:
    """True for http(s), mailto and relative URLs."""
    match = _SCHEME.match(url)
    return match is None or match.group(1).lower() in SAFE_SCHEMES


def render_markdown(text: str, path: str, first_line: int) -> RenderedMarkdown:
    """Render a description; `first_line` is where its text starts in the file, for diagnostics."""
    tokens = _md.parse(text)
    finder = _SourceFinder(text.split("\n"), path, first_line)
    for block in tokens:
        if block.type in ("heading_open", "heading_close"):
            block.tag = f"h{min(6, max(int(block.tag[1]) + 1, _TOP_HEADING_LEVEL))}"
        if block.children:
            block.children = _drop_unsafe(block.children, finder, block.map[0] if block.map else 0)
    html = _md.renderer.render(tokens, _md.options, {})
    return RenderedMarkdown(html, tuple(finder.diagnostics))


def _drop_unsafe(children: list[Token], finder: _SourceFinder, block_line: int) -> list[Token]:
    kept: list[Token] = []
    skipping_close = 0
    for token in children:
        if token.type == "link_open" and not is_safe_url(href := str(token.attrGet("href") or "")):
            finder.report(href, "link", block_line)
            skipping_close += 1
            continue
        if token.type == "link_close" and skipping_close:
            skipping_close -= 1
            continue
        if token.type == "image" and not is_safe_url(src := str(token.attrGet("src") or "")):
            finder.report(src, "image", block_line)
            kept.append(Token("text", "", 0, content=token.content))
            continue
        kept.append(token)
    return kept


class _SourceFinder:
    """Finds where each dropped address is written, one after another, so that every dropped link
    gets its own warning at its own line (a reference definition may sit anywhere in the text)."""

    def __init__(self, lines: list[str], path: str, first_line: int) -> None:
        self.lines, self.path, self.first_line = lines, path, first_line
        self.diagnostics: list[Diagnostic] = []
        self._cursor = (0, 0)
        self._used: set[tuple[int, int]] = set()

    def report(self, url: str, what: str, block_line: int) -> None:
        match = _SCHEME.match(url)
        scheme = match.group(1) if match else url
        start = max(self._cursor, (block_line, 0))
        line, col = self._find(scheme + ":", start) or self._find(scheme + ":", (0, 0)) or (block_line, 0)
        self._cursor = (line, col + 1)
        self._used.add((line, col))
        self.diagnostics.append(
            warning(
                "M001",
                f"{what} with unsafe scheme '{scheme}:' dropped from the description",
                Location(self.path, self.first_line + line, col + 1),
                "only http, https, mailto and relative links are published",
            )
        )

    def _find(self, needle: str, start: tuple[int, int]) -> tuple[int, int] | None:
        needle = needle.lower()
        line, col = start
        for offset in range(line, len(self.lines)):
            text = self.lines[offset].lower()
            found = text.find(needle, col if offset == line else 0)
            while found >= 0 and (offset, found) in self._used:
                found = text.find(needle, found + 1)
            if found >= 0:
                return offset, found
        return None
