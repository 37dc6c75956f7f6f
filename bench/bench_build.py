"""Benchmark: validate, build and index a generated catalog of N credentials (not a test).

    make bench, or: .venv/bin/python bench/bench_build.py [N ...]   # default sizes: 1000 and 10000

Each generated credential is the sample's exit-tickets with a new id, title and competency
words, so pages differ and the search index grows realistically. Stacks group them in fours.
Prints one line per size: seconds per stage, pages, and the Pagefind bundle size.
"""

from __future__ import annotations

import random
import shutil
import sys
import tempfile
import time
from pathlib import Path

from catalog.check import CheckOptions, check_catalog, resolve_today
from site_builder.build import BuildOptions, build
from site_builder.urls import SiteUrls

REPO = Path(__file__).resolve().parent.parent

WORDS = (
    "fractions reading phonics feedback routines coaching inquiry argument discourse vocabulary "
    "geometry algebra writing fluency science history music wellness attendance planning"
).split()


def generate(root: Path, count: int) -> Path:
    content = root / "content"
    shutil.copytree(REPO / "content", content)
    template = (content / "credentials" / "exit-tickets.md").read_text(encoding="utf-8")
    rng = random.Random(count)
    ids = []
    for n in range(count):
        topic = " ".join(rng.sample(WORDS, 3))
        new_id = f"generated-{n:05d}"
        ids.append(new_id)
        text = (
            template.replace("id: exit-tickets", f"id: {new_id}")
            .replace(
                "title: Using Exit Tickets to Adjust Instruction", f"title: Generated Credential {n} on {topic.title()}"
            )
            .replace("exit tickets to gather evidence", f"exit tickets about {topic} to gather evidence")
            .replace("effort_hours: 8", f"effort_hours: {rng.randint(2, 30)}")
        )
        (content / "credentials" / f"{new_id}.md").write_text(text, encoding="utf-8")
    for n in range(0, count - 3, 4):
        members = "\n".join(f"  - {member}" for member in ids[n : n + 4])
        (content / "stacks" / f"generated-stack-{n:05d}.yaml").write_text(
            f"id: generated-stack-{n:05d}\ntitle: Generated Stack {n}\nlabel: Finish these credentials in order.\n"
            f"credentials:\n{members}\ncompletion: {{rule: all}}\n",
            encoding="utf-8",
        )
    return content


def folder_size(folder: Path) -> int:
    return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file())


def measure(content: Path, label: str, out: Path) -> None:
    today = resolve_today("2026-11-24")
    started = time.perf_counter()
    result = check_catalog(content, CheckOptions(today))
    validated = time.perf_counter() - started
    assert result.catalog is not None, [d.format() for d in result.diagnostics[:5]]
    timings = {}
    for search in (False, True):
        started = time.perf_counter()
        outcome = build(BuildOptions(content, out, SiteUrls.parse("/repo/"), today, search=search))
        timings[search] = time.perf_counter() - started
        assert outcome.written, [d.format() for d in outcome.diagnostics[:5]]
    pages = sum(1 for _ in out.rglob("*.html"))
    bundle = folder_size(out / "pagefind")
    site = folder_size(out)
    count = len(result.catalog.credentials)
    largest_html = max(out.rglob("*.html"), key=lambda p: p.stat().st_size)
    largest_json = max((*out.rglob("*.json"), *out.rglob("*.jsonl")), key=lambda p: p.stat().st_size)
    print(
        f"{label:>10}: {count:>6} credentials | validate {validated:6.2f}s | "
        f"build without search {timings[False]:6.2f}s | build with search {timings[True]:6.2f}s "
        f"(indexing ~{timings[True] - timings[False]:5.2f}s) | {pages} pages | "
        f"pagefind bundle {bundle / 1e6:6.1f} MB | site {site / 1e6:6.1f} MB "
        f"({(site - bundle) / 1e6:6.1f} MB without search, {(site - bundle) / count / 1e3:5.1f} KB per credential) | "
        f"largest page {largest_html.relative_to(out)} {largest_html.stat().st_size / 1e3:,.0f} KB | "
        f"largest JSON {largest_json.relative_to(out)} {largest_json.stat().st_size / 1e6:,.1f} MB",
        flush=True,
    )


def main(sizes: list[int]) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        measure(REPO / "content", "sample", Path(tmp) / "site")
    for size in sizes:
        with tempfile.TemporaryDirectory() as tmp:
            measure(generate(Path(tmp), size), str(size), Path(tmp) / "site")


if __name__ == "__main__":
    main([int(arg) for arg in sys.argv[1:]] or [1000, 10000])
