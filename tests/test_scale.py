"""Catalogs of any size: every list page is bounded, every credential reachable from exactly one list
page, and what the site writes stays within its size budget."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from site_builder.cli import main
from tests.conftest import FIXTURES, SAMPLE
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


def test_every_list_page_is_reachable_by_links_while_each_links_to_a_few(tmp_path: Path, capsys) -> None:
    """Linking every page from every page grew with the square of a list's pages; a page links to
    the first, the last, and the two on each side of it, and every page can still be reached."""
    content, out = generated_catalog(tmp_path, COUNT), tmp_path / "site"
    assert main(["build", "--content", str(content), "--out", str(out), "--no-search"]) == 0
    pages = {"/credentials/", *(f"/credentials/page/{n}/" for n in range(2, -(-COUNT // PAGE_SIZE) + 1))}

    def numbered_links(address: str) -> set[str]:
        nav = (out / address.strip("/") / "index.html").read_text(encoding="utf-8").split('class="pagination"')[1]
        return set(re.findall(r'<li><a href="(/credentials/(?:page/\d+/)?)"', nav.split("</nav>")[0]))

    fifth = numbered_links("/credentials/page/5/")
    assert fifth == {
        "/credentials/",
        "/credentials/page/3/",
        "/credentials/page/4/",
        "/credentials/page/5/",
        "/credentials/page/6/",
        "/credentials/page/7/",
        "/credentials/page/10/",
    }
    reached, waiting = set(), ["/credentials/"]
    while waiting:
        page = waiting.pop()
        if page not in reached:
            reached.add(page)
            waiting += numbered_links(page)
    assert reached == pages


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


# --- The size budget: what the site weighs per credential of the sample's size -------------------------------

SIZED_COUNT = 200
"""Generated credentials of the sample's size (its exit-tickets, about 6.7 KB of front matter and body)."""
BUDGET_TARGET = 25_000
"""Issue 18's budget: bytes of the site, search index excluded, per credential on average."""
BUDGET_NOW = {"/repo/": 57_000, "https://example.org/repo/": 70_500}
"""What the site weighs today per credential (55.6 KB path-only, 68.8 KB with a full --base-url, at 200
generated credentials), with about 2 % to spare: a change that grows the output fails here; lower these
when it shrinks. The 25 KB target is not met (the xfail below): every credential is written as two pages
(its page with every component, and its version's own page, kept unchanged for badge verifiers) and two
complete records (its credential.json, and its version's), four copies of about 6.5 KB of text for a
credential of the sample's size before any markup."""
KIND_BUDGETS = {
    "credentials/<id>/index.html": 22_000,
    "credentials/<id>/v<version>/index.html": 9_400,
    "credentials/<id>/credential.json": 7_100,
    "credentials/<id>/v<version>/credential.json": 7_100,
    "credentials/<id>/v<version>/achievement.json": 4_500,
    "credentials/<id>/ctdl.json": 6_950,
}
"""Average bytes of each file written for every credential, with a full --base-url (21.6, 9.2, 7.0, 6.9, 4.4
and 6.8 KB today), so the test says which file grew."""
JSON_BUDGET, SITE_CREDENTIALS = 10_000_000, 10_000


def sized_catalog(root: Path, count: int) -> Path:
    """The sample catalog plus `count` copies of its exit-tickets, each with its own id and title, in stacks of four."""
    content = root / "content"
    shutil.copytree(SAMPLE, content)
    template = (content / "credentials" / "exit-tickets.md").read_text(encoding="utf-8")
    template = re.sub(r"^ctid: .*\n", "", template, flags=re.M)
    for n in range(count):
        text = template.replace("id: exit-tickets", f"id: sized-{n:04d}\nctid: ce-00000000-0000-4000-a000-{n:012d}")
        text = text.replace("title: Using Exit Tickets to Adjust Instruction", f"title: Exit Tickets, Variant {n:04d}")
        (content / "credentials" / f"sized-{n:04d}.md").write_text(text, encoding="utf-8")
    for n in range(0, count - 3, 4):
        members = ", ".join(f"sized-{m:04d}" for m in range(n, n + 4))
        (content / "stacks" / f"sized-stack-{n:04d}.yaml").write_text(
            f"id: sized-stack-{n:04d}\nctid: ce-00000000-0000-4000-b000-{n:012d}\ntitle: Sized Stack {n:04d}\n"
            f"label: Finish these credentials in order.\ncredentials: [{members}]\ncompletion: {{rule: all}}\n",
            encoding="utf-8",
        )
    return content


def kind_of(path: str) -> str:
    """'credentials/x/v1.0.0/credential.json' -> 'credentials/<id>/v<version>/credential.json'."""
    path = re.sub(r"^credentials/(?!page/)[^/]+/v[^/]+/", "credentials/<id>/v<version>/", path)
    return re.sub(r"^credentials/(?!page/|<id>)[^/]+/", "credentials/<id>/", path)


def count_credentials(files: dict[str, int]) -> int:
    return sum(1 for path in files if kind_of(path) == "credentials/<id>/credential.json")


@pytest.fixture(scope="module")
def sized_sites(tmp_path_factory) -> dict[str, dict[str, int]]:
    """The sized catalog built once per base URL: base URL -> bytes of every file, by path."""
    root = tmp_path_factory.mktemp("sized")
    content = sized_catalog(root, SIZED_COUNT)
    return {base_url: built_sizes(content, root / f"site-{n}", base_url) for n, base_url in enumerate(BUDGET_NOW)}


def built_sizes(content: Path, out: Path, base_url: str) -> dict[str, int]:
    """Bytes of every file of the built site (no search index), by path."""
    assert main(["build", "--content", str(content), "--out", str(out), "--no-search", "--base-url", base_url]) == 0
    return {str(p.relative_to(out)): p.stat().st_size for p in out.rglob("*") if p.is_file()}


@pytest.mark.sample
@pytest.mark.parametrize("base_url", list(BUDGET_NOW))
def test_the_site_stays_within_its_size_budget(sized_sites, base_url: str) -> None:
    files = sized_sites[base_url]
    assert not any(path.startswith("pagefind/") for path in files)
    credentials = count_credentials(files)
    assert credentials > SIZED_COUNT  # and the sample's own
    by_kind: dict[str, list[int]] = {}
    for path, size in files.items():
        by_kind.setdefault(kind_of(path), []).append(size)
    breakdown = {kind: round(sum(sizes) / credentials) for kind, sizes in by_kind.items()}
    per_credential = sum(files.values()) / credentials
    assert per_credential <= BUDGET_NOW[base_url], sorted(breakdown.items(), key=lambda kv: -kv[1])[:12]
    if base_url.startswith("https"):
        for kind, budget in KIND_BUDGETS.items():
            average = sum(by_kind[kind]) / len(by_kind[kind])
            assert average <= budget, f"{kind}: {average:.0f} bytes on average, over {budget}"
    # No JSON file grows past 10 MB at 10,000 credentials (catalog.json, /ctdl.json: indexes, linear in size).
    for path, size in files.items():
        if path.endswith(".json") and kind_of(path) == path and not path.startswith("schemas/"):
            assert size / credentials * SITE_CREDENTIALS < JSON_BUDGET, (path, size)
    assert max(size for path, size in files.items() if path.endswith(".html")) < HTML_BUDGET


@pytest.mark.sample
@pytest.mark.xfail(strict=True, reason="two pages and two records per credential pass 25 KB (see BUDGET_NOW)")
def test_the_site_weighs_at_most_25_kb_per_credential(sized_sites) -> None:
    files = sized_sites["/repo/"]
    assert sum(files.values()) / count_credentials(files) <= BUDGET_TARGET
