"""Search in a real Chromium: words, filters, counts and keyboard, on the real Pagefind index,
with the site under /repo/. Expected results are computed from the content, never typed in."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

import pytest
from axe_playwright_python.sync_playwright import Axe

from catalog.check import CheckOptions, check_catalog, resolve_today
from catalog.recognition import counts
from tests.conftest import REPO, SAMPLE_TODAY

pytestmark = [pytest.mark.browser, pytest.mark.sample]

SEARCH_JS = """async ([bundle, term, filters]) => {
  const pagefind = await import(bundle + "pagefind.js");
  await pagefind.options({baseUrl: bundle.replace(/pagefind\\/$/, "")});
  const search = await pagefind.search(term, {filters});
  const pages = await Promise.all(search.results.map(result => result.data()));
  return pages.map(page => page.url);
}"""


@pytest.fixture(scope="module")
def catalog():
    return check_catalog(REPO / "content", CheckOptions(resolve_today(SAMPLE_TODAY))).catalog.published()


def api_search(page, site_url: str, term: str | None, filters: dict | None = None) -> set[str]:
    urls = page.evaluate(SEARCH_JS, [site_url + "pagefind/", term, filters or {}])
    return {urlsplit(url).path for url in urls}


def open_search(page, site_url: str) -> None:
    page.goto(site_url)
    page.wait_for_load_state("networkidle")
    page.locator("pagefind-summary").filter(has_text=re.compile(r"\d+ results?")).wait_for()


def result_urls(page) -> set[str]:
    """The paths the visible result links point at."""
    return {urlsplit(link.get_attribute("href")).path for link in page.locator("pagefind-results a.result-title").all()}


def summary_count(page) -> int:
    """The number of results the summary line announces."""
    return int(re.match(r"(\d+) result", page.locator("pagefind-summary").inner_text()).group(1))


def load_all_results(page, count: int) -> None:
    """Results render as they scroll into view: scroll until `count` of them are there."""
    links = page.locator("pagefind-results a.result-title")
    for _ in range(50):
        if links.count() >= count:
            return
        page.evaluate("""() => { for (const item of document.querySelectorAll('pagefind-results li'))
                                   item.scrollIntoView({block: 'center'}); }""")
        page.wait_for_timeout(100)
    raise AssertionError(f"only {links.count()} of {count} results rendered")


def distinctive_word(catalog) -> tuple[str, str]:
    """A long word that appears in exactly one credential's competency, and that credential's id."""
    words = {c.id: set(re.findall(r"[a-z]{9,}", c.competency.lower())) for c in catalog.credentials}
    for credential_id, own in sorted(words.items()):
        others = set().union(*(w for other, w in words.items() if other != credential_id))
        unique = sorted(own - others)
        if unique:
            return unique[0], credential_id
    raise AssertionError("no competency has a word of its own")


def test_browsing_with_no_query_lists_every_credential_and_stack(page, site_url: str, catalog) -> None:
    open_search(page, site_url)
    total = len(catalog.credentials) + len(catalog.stacks)
    assert page.locator("pagefind-summary").inner_text().startswith(f"{total} results")
    assert len(api_search(page, site_url, None)) == total
    assert page.problems == []


def test_a_distinctive_word_from_a_competency_finds_its_credential(page, site_url: str, catalog) -> None:
    word, credential_id = distinctive_word(catalog)
    open_search(page, site_url)
    page.locator("pagefind-input input").fill(word)
    page.wait_for_function(f"document.querySelector('pagefind-summary').innerText.includes('{word}')")
    load_all_results(page, summary_count(page))
    assert f"/repo/credentials/{credential_id}/" in result_urls(page)
    assert api_search(page, site_url, "exit tickets") >= {"/repo/credentials/exit-tickets/"}


def test_a_filter_narrows_results_to_exactly_the_expected_pages(page, site_url: str, catalog) -> None:
    name = catalog.site.jurisdiction_name("SC")
    today = resolve_today(SAMPLE_TODAY)

    def counts_in_sc(rows) -> bool:  # approved and unexpired only: pending and refused rows never count
        return any(row.jurisdiction == "SC" and counts(row, today) for row in rows)

    expected = {f"/repo/credentials/{c.id}/" for c in catalog.credentials if counts_in_sc(c.recognition)}
    expected |= {f"/repo/stacks/{s.id}/" for s in catalog.stacks if counts_in_sc(s.licensure_fit)}
    assert expected, "the sample must have something that counts in SC"
    assert any(
        row.jurisdiction == "SC" and not counts(row, today) for c in catalog.credentials for row in c.recognition
    )
    open_search(page, site_url)
    assert api_search(page, site_url, None, {"Counts in": name}) == expected

    group = page.locator('details[data-filter-name="Counts in"]')
    group.locator("summary").click()
    option = group.locator(f'label:has(input[value="{name}"])')
    assert option.locator(".pf-filter-checkbox-count").inner_text() == str(len(expected))
    option.locator("input").check()
    page.wait_for_function(f"document.querySelector('pagefind-summary').innerText.startsWith('{len(expected)} result')")
    load_all_results(page, len(expected))
    assert result_urls(page) == expected


def test_filter_counts_match_the_content(page, site_url: str, catalog) -> None:
    paid = sum(not c.cost.is_free for c in catalog.credentials)
    open_search(page, site_url)
    paid_stacks = len(api_search(page, site_url, None, {"Cost": "Paid", "Type": "Stack"}))
    group = page.locator('details[data-filter-name="Cost"]')
    if not group.get_attribute("open"):
        group.locator("summary").click()
    count = group.locator('label:has(input[value="Paid"]) .pf-filter-checkbox-count').inner_text()
    assert int(count) == paid + paid_stacks
    assert len(api_search(page, site_url, None, {"Type": "Credential", "Cost": "Paid"})) == paid


def test_sorting_by_hours_uses_every_page(page, site_url: str, catalog) -> None:
    open_search(page, site_url)
    urls = page.evaluate(
        """async (bundle) => {
      const pagefind = await import(bundle + "pagefind.js");
      const search = await pagefind.search(null, {sort: {hours: "asc"}, filters: {Type: "Credential"}});
      return Promise.all(search.results.map(async r => (await r.data()).url));
    }""",
        site_url + "pagefind/",
    )
    by_hours = sorted(catalog.credentials, key=lambda c: c.effort_hours)
    assert len(urls) == len(catalog.credentials)
    hours = [next(c.effort_hours for c in catalog.credentials if u.endswith(f"/{c.id}/")) for u in urls]
    assert hours == [c.effort_hours for c in by_hours]


def test_a_draft_is_never_found(page, site_url: str) -> None:
    draft = check_catalog(REPO / "content", CheckOptions(resolve_today(SAMPLE_TODAY))).catalog
    drafts = [c for c in draft.credentials if c.is_draft]
    assert drafts, "the sample keeps one draft to prove this"
    open_search(page, site_url)
    for credential in drafts:
        found = api_search(page, site_url, credential.title)
        assert not any(credential.id in url for url in found)


def test_keyboard_alone_reaches_the_box_the_filters_and_the_results(page, site_url: str) -> None:
    open_search(page, site_url)
    reached = []
    for _ in range(60):
        page.keyboard.press("Tab")
        reached.append(
            page.evaluate("""() => { const e = document.activeElement;
            return e.closest('pagefind-input') ? 'input' : e.closest('pagefind-filter-pane') ? 'filter'
                 : e.closest('pagefind-results') ? 'result' : e.tagName }""")
        )
        if "result" in reached:
            break
    assert reached.index("input") < reached.index("filter") < reached.index("result")
    assert page.evaluate("document.activeElement.tagName") == "A"
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert "/repo/credentials/" in page.url or "/repo/stacks/" in page.url


def test_no_axe_violations_with_the_filter_pane_open(page, site_url: str) -> None:
    open_search(page, site_url)
    for group in page.locator("pagefind-filter-pane details").all():
        if not group.get_attribute("open"):
            group.locator("summary").click()
    page.locator("pagefind-input input").fill("lesson")
    page.locator("pagefind-results a.result-title").first.wait_for()
    results = Axe().run(
        page, options={"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]}}
    )
    assert results.violations_count == 0, results.generate_report()


def test_keyboard_users_can_skip_the_filters(page, site_url: str) -> None:
    open_search(page, site_url)
    page.locator("pagefind-input input").focus()
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent") == "Skip the filters, go to the results"
    page.keyboard.press("Enter")
    page.keyboard.press("Tab")
    assert page.evaluate("!!document.activeElement.closest('pagefind-results')")
