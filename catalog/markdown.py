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
    lines = text.split("\n")
    diagnostics: list[Diagnostic] = []
    for block in tokens:
        if block.type in ("heading_open", "heading_close"):
            block.tag = f"h{min(6, max(int(block.tag[1]) + 1, _TOP_HEADING_LEVEL))}"
        if block.children:
            line = block.map[0] if block.map else 0
            block.children = _drop_unsafe(block.children, lines, line, path, first_line, diagnostics)
    html = _md.renderer.render(tokens, _md.options, {})
    return RenderedMarkdown(html, tuple(diagnostics))


def _drop_unsafe(
    children: list[Token], lines: list[str], block_line: int, path: str, first_line: int, diagnostics: list[Diagnostic]
) -> list[Token]:
    kept: list[Token] = []
    skipping_close = 0
    for token in children:
        if token.type == "link_open" and not is_safe_url(href := str(token.attrGet("href") or "")):
            diagnostics.append(_unsafe(href, "link", lines, block_line, path, first_line))
            skipping_close += 1
            continue
        if token.type == "link_close" and skipping_close:
            skipping_close -= 1
            continue
        if token.type == "image" and not is_safe_url(src := str(token.attrGet("src") or "")):
            diagnostics.append(_unsafe(src, "image", lines, block_line, path, first_line))
            kept.append(Token("text", "", 0, content=token.content))
            continue
        kept.append(token)
    return kept


def _unsafe(url: str, what: str, lines: list[str], block_line: int, path: str, first_line: int) -> Diagnostic:
    scheme = _SCHEME.match(url).group(1)  # type: ignore[union-attr]
    line, col = block_line, 0
    for offset, text in enumerate(lines[block_line:], start=block_line):
        if (found := text.find(scheme + ":")) >= 0:
            line, col = offset, found
            break
    return warning(
        "M001",
        f"{what} with unsafe scheme '{scheme}:' dropped from the description",
        Location(path, first_line + line, col + 1),
        "only http, https, mailto and relative links are published",
    )
