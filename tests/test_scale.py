"""Catalogs of any size: every list page is bounded, every credential reachable from exactly one list
page, and what the site writes stays within its size budget."""

from __future__ import annotations

import re
from pathlib import Path

from site_builder.cli import main
from tests.conftest import FIXTURES
from tests.linkcheck import broken_links

COUNT, PAGE_SIZE = 240, 25
HTML_BUDGET = 500_000
"""No page over 500 KB at 10,000 credentials: with pages of 25 rows every page is far below it."""


def generated_catalog(root: Path, count: int) -> Path:
    """The small fixture catalog with `count` copies of its alpha credential, and a stack per four."""
    content = root / "content"
    (content / "credentials").mkdir(parents=True)
    (content / "stacks").mkdir()
    (content / "badges").mkdir()
    (content / "badges" / "alpha.svg").write_bytes((FIXTURES / "base" / "badges" / "alpha.svg").read_bytes())
    site = (FIXTURES / "base" / "site.yaml").read_text(encoding="utf-8")
    (content / "site.yaml").write_text(site + f"page_size: {PAGE_SIZE}\n", encoding="utf-8")
    alpha = (FIXTURES / "base" / "credentials" / "alpha.md").read_text(encoding="utf-8")
    alpha = re.sub(r"^ctid: .*\n", "", alpha, flags=re.M)
    for n in range(count):
        text = alpha.replace("id: alpha", f"id: c{n:04d}\nctid: ce-00000000-0000-4000-8000-{n:012d}")
        text = text.replace("title: Alpha Skill", f"title: Skill {n:04d}").replace("area:", "area:")
        (content / "credentials" / f"c{n:04d}.md").write_text(text, encoding="utf-8")
    for n in range(0, count, 4):
        members = ", ".join(f"c{m:04d}" for m in range(n, n + 2))
        (content / "stacks" / f"s{n:04d}.yaml").write_text(
            f"id: s{n:04d}\nctid: ce-00000000-0000-4000-9000-{n:012d}\ntitle: Stack {n:04d}\n"
            f"label: Two short credentials on how to check what students know.\ncredentials: [{members}]\n",
            encoding="utf-8",
        )
    return content


def links_in(page: Path, pattern: str) -> list[str]:
    return re.findall(pattern, page.read_text(encoding="utf-8"))


def test_a_large_catalog_is_paginated_within_its_budget(tmp_path: Path, capsys) -> None:
    content, out = generated_catalog(tmp_path, COUNT), tmp_path / "site"
    assert main(["validate", "--content", str(content), "--strict"]) == 0, capsys.readouterr().err
    assert main(["build", "--content", str(content), "--out", str(out), "--no-search"]) == 0

    list_pages = [out / "credentials" / "index.html", *sorted((out / "credentials" / "page").glob("*/index.html"))]
    assert len(list_pages) == -(-COUNT // PAGE_SIZE)
    listed = [link for page in list_pages for link in links_in(page, r'href="/credentials/(c\d{4})/"')]
    assert sorted(listed) == [f"c{n:04d}" for n in range(COUNT)]  # each exactly once
    assert 'rel="next"' in list_pages[0].read_text() and 'rel="prev"' in list_pages[-1].read_text()

    quality_pages = [out / "quality" / "index.html", *sorted((out / "quality" / "page").glob("*/index.html"))]
    rows = [
        link
        for page in quality_pages
        for link in links_in(page, r'<th scope="row"><a href="/credentials/(c\d{4})/#quality"')
    ]
    assert sorted(rows) == [f"c{n:04d}" for n in range(COUNT)]
    assert (out / "stacks" / "page" / "2" / "index.html").is_file()
    assert (out / "recognition" / "page" / "2" / "index.html").is_file()
    state_pages = [
        out / "recognition" / "nc" / "index.html",
        *sorted((out / "recognition/nc/page").glob("*/index.html")),
    ]
    stated = [link for page in state_pages for link in links_in(page, r'href="/credentials/(c\d{4})/"')]
    assert sorted(stated) == [f"c{n:04d}" for n in range(COUNT)]  # every statement in NC, each once

    assert broken_links(out, "/") == []
    largest = max((p for p in out.rglob("*.html")), key=lambda p: p.stat().st_size)
    assert largest.stat().st_size < HTML_BUDGET * PAGE_SIZE / 100, largest  # pages of 25 rows: a quarter of the budget
