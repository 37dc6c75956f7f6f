"""Benchmark: how long a teacher waits for search results on a big catalog (not a test).

    .venv/bin/python bench/search_latency.py [N]   # default: 2000 credentials

Generates N credentials with bench/run.py's generator, builds the site with its Pagefind index, serves
it under /repo/ on 127.0.0.1 (no network), and measures in Debian's Chromium, from the keystroke to
the first result cards on screen:

- cold: the first search of a visit, so it includes loading the index (lazily, on first use);
- warm: later searches (median of several words);
- filter: ticking a filter option on top of a query (a search per group in use, for the counts).

Every time includes the search box's 150 ms typing pause (TYPING_DELAY in assets/search.js), since a
visitor waits for it too.
"""

from __future__ import annotations

import statistics
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))  # this checkout's code (and tests.browser_support), wherever it is run from

from playwright.sync_api import Page, sync_playwright  # noqa: E402
from run import generate  # noqa: E402

from catalog.check import resolve_today  # noqa: E402
from site_builder.build import BuildOptions, build  # noqa: E402
from site_builder.urls import SiteUrls  # noqa: E402
from tests.browser_support import CHROMIUM, CHROMIUM_ARGS, serve_site  # noqa: E402

WORDS = ("fractions", "coaching", "phonics", "feedback", "geometry", "writing", "inquiry")

# Types `word` into the box as a visitor would (one input event) and resolves with the milliseconds
# until the cards for it are on screen: the status names the word and the results are no longer busy.
TYPE_AND_WAIT = """word => new Promise(resolve => {
  const box = document.querySelector('#search-q'), results = document.querySelector('#search-results');
  const status = document.querySelector('#search-status'), started = performance.now();
  const done = () => !results.hasAttribute('aria-busy') && status.textContent.includes(word)
                     && document.querySelector('.results > li');
  const watch = new MutationObserver(() => done() && (watch.disconnect(), resolve(performance.now() - started)));
  watch.observe(document.querySelector('.search-ui'), {attributes: true, childList: true, subtree: true});
  box.focus();
  box.value = word;
  box.dispatchEvent(new Event('input', {bubbles: true}));
})"""

TICK_AND_WAIT = """() => new Promise(resolve => {
  const results = document.querySelector('#search-results');
  const option = [...document.querySelectorAll('.filter-group input')].find(input => !input.disabled);
  const started = performance.now();
  const watch = new MutationObserver(() => !results.hasAttribute('aria-busy')
                                           && (watch.disconnect(), resolve(performance.now() - started)));
  watch.observe(results, {attributes: true});
  option.click();
})"""


def measure(page: Page, url: str) -> tuple[dict[str, float], str]:
    page.goto(url)
    page.wait_for_load_state("networkidle")
    cold = page.evaluate(TYPE_AND_WAIT, WORDS[0])
    warm = [page.evaluate(TYPE_AND_WAIT, word) for word in WORDS[1:]]
    page.locator(".search-toggle").click()
    page.wait_for_load_state("networkidle")
    tick = page.evaluate(TICK_AND_WAIT)
    return {"cold": cold, "warm": statistics.median(warm), "filter": tick}, page.locator("#search-status").inner_text()


def main(count: int) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        content = generate(Path(tmp), count)
        out = Path(tmp) / "site"
        started = time.perf_counter()
        outcome = build(BuildOptions(content, out, SiteUrls.parse("/repo/"), resolve_today("2026-11-24")))
        assert outcome.written, [d.format() for d in outcome.diagnostics[:5]]
        built = time.perf_counter() - started
        with serve_site(out, "/repo/") as url, sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            for width in (1280, 390):
                context = browser.new_context(viewport={"width": width, "height": 844})
                times, status = measure(context.new_page(), url)
                context.close()
                print(
                    f"{count} credentials, {width:>4}px: typing to first results: cold {times['cold']:6.0f} ms "
                    f"(index loaded on first use) | warm {times['warm']:5.0f} ms (median) | "
                    f"ticking a filter {times['filter']:5.0f} ms | last status: {status}",
                    flush=True,
                )
            browser.close()
        print(f"(build with search: {built:.1f}s)")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 2000)
