"""Search in a real Chromium: words, filters, counts, sort, the address and the keyboard, on the real
Pagefind index, with the site under /repo/. Expected results are computed from the catalog model with the
same facet words the pages give Pagefind (site_builder.search), never typed in."""

from __future__ import annotations

import contextlib
import re
from typing import Iterator
from urllib.parse import parse_qsl, urlsplit

import pytest
from axe_playwright_python.sync_playwright import Axe

from catalog.check import CheckOptions, check_catalog, resolve_today
from catalog.labels import GRADE_ORDER
from catalog.recognition import counts
from site_builder import search
from site_builder.formatting import cost, hours
from site_builder.wording import words
from tests.conftest import REPO, SAMPLE_TODAY

pytestmark = [pytest.mark.browser, pytest.mark.sample]

WCAG = {"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"]}}

SEARCH_JS = """async ([bundle, term, filters]) => {
  const pagefind = await import(bundle + "pagefind.js");
  await pagefind.options({baseUrl: bundle.replace(/pagefind\\/$/, "")});
  const search = await pagefind.search(term, {filters});
  const pages = await Promise.all(search.results.map(result => result.data()));
  return pages.map(page => page.url);
}"""

FILTER_STATE_JS = """() => Object.fromEntries([...document.querySelectorAll('.filter-group')].map(group => [
  group.dataset.group,
  Object.fromEntries([...group.querySelectorAll('.filter-option')].map(row => [
    row.querySelector('.filter-label').textContent,
    {count: Number(row.querySelector('.filter-count').textContent),
     checked: row.querySelector('input').checked, disabled: row.querySelector('input').disabled}]))]))"""


@pytest.fixture(scope="module")
def catalog():
    return check_catalog(REPO / "content", CheckOptions(resolve_today(SAMPLE_TODAY))).catalog.published()


@pytest.fixture(scope="module")
def facets(catalog) -> dict[str, dict[str, set[str]]]:
    """Each indexed page's path -> filter group -> values, from the same functions the pages use."""
    today = resolve_today(SAMPLE_TODAY)
    pairs = {
        f"/repo/credentials/{c.id}/": search.credential_facets(c, list(catalog.stacks_with(c)), catalog.site, today)
        for c in catalog.credentials
    }
    pairs |= {
        f"/repo/stacks/{s.id}/": search.stack_facets(s, catalog.facts[s.id], catalog.members(s), catalog.site, today)
        for s in catalog.stacks
    }
    pages: dict[str, dict[str, set[str]]] = {}
    for path, page_pairs in pairs.items():
        groups: dict[str, set[str]] = {}
        for group, value in page_pairs:
            groups.setdefault(group, set()).add(value)
        pages[path] = groups
    return pages


def matching(facets, picked: dict[str, set[str]]) -> set[str]:
    """The pages a teacher expects: any ticked value within a group (OR), every group with ticks (AND)."""
    return {path for path, groups in facets.items() if all(groups.get(g, set()) & v for g, v in picked.items())}


def expected_counts(facets, picked: dict[str, set[str]]) -> dict[str, dict[str, int]]:
    """Beside each option: the number of results ticking it would give (for a ticked one, the current number)."""
    every: dict[str, set[str]] = {}
    for groups in facets.values():
        for group, values in groups.items():
            every.setdefault(group, set()).update(values)
    return {
        group: {value: len(matching(facets, {**picked, group: picked.get(group, set()) | {value}})) for value in values}
        for group, values in every.items()
    }


@contextlib.contextmanager
def phone(browser, width: int = 390, height: int = 844) -> Iterator:
    """A page at a phone's size that records problems as the `page` fixture does."""
    context = browser.new_context(viewport={"width": width, "height": height})
    page = context.new_page()
    page.problems = []
    page.on("console", lambda message: message.type == "error" and page.problems.append(message.text))
    page.on("pageerror", lambda exc: page.problems.append(str(exc)))
    page.on("requestfailed", lambda request: page.problems.append(f"request failed: {request.url}"))
    try:
        yield page
    finally:
        context.close()


def api_search(page, site_url: str, term: str | None, filters: dict | None = None) -> set[str]:
    urls = page.evaluate(SEARCH_JS, [site_url + "pagefind/", term, filters or {}])
    return {urlsplit(url).path for url in urls}


def status_count(page) -> int:
    text = page.locator("#search-status").inner_text()
    match = re.match(r"(\d+) results?|No results", text)
    assert match, text
    return int(match.group(1) or 0)


def settled(page) -> None:
    """Wait until the status states a count and every search and card fetch has finished."""
    page.locator("#search-status").filter(has_text=re.compile(r"^(\d+ results?|No results)")).wait_for()
    page.wait_for_function("() => !document.querySelector('#search-results').hasAttribute('aria-busy')")
    page.wait_for_load_state("networkidle")
    page.wait_for_function(
        """() => { const n = Number((document.querySelector('#search-status').textContent.match(/^\\d+/) || [0])[0]);
                   return document.querySelectorAll('.results > li').length === Math.min(n, 20); }"""
    )


def open_search(page, site_url: str, query: str = "") -> None:
    """Open the home page (with an address query, if any) and start the search the way a visitor does."""
    page.goto(site_url + query)
    if not query:
        page.locator("#search-q").focus()
    settled(page)


def open_filters(page) -> None:
    toggle = page.locator(".search-toggle")
    if toggle.get_attribute("aria-expanded") != "true":
        toggle.click()
    closed = page.locator(".filter-group:not([open]) > summary")
    while closed.count():
        closed.first.click()


def tick(page, group: str, value: str) -> None:
    before = page.url
    page.locator(f'.filter-group[data-group="{group}"] label.filter-option').filter(
        has=page.locator(".filter-label", has_text=re.compile(f"^{re.escape(value)}$"))
    ).locator("input").check()
    page.wait_for_function("before => location.href !== before", arg=before)
    settled(page)


def result_paths(page) -> list[str]:
    """The paths the visible result links point at, in order."""
    return [urlsplit(a.get_attribute("href")).path for a in page.locator(".results a.result-title").all()]


def distinctive_word(catalog) -> tuple[str, str]:
    """A long word that appears in exactly one credential's competency, and that credential's id."""
    found = {c.id: set(re.findall(r"[a-z]{9,}", c.competency.lower())) for c in catalog.credentials}
    for credential_id, own in sorted(found.items()):
        others = set().union(*(w for other, w in found.items() if other != credential_id))
        unique = sorted(own - others)
        if unique:
            return unique[0], credential_id
    raise AssertionError("no competency has a word of its own")


def widening_pair(facets, group: str) -> tuple[str, str]:
    """Two values of `group` whose union is larger than either alone (so OR visibly widens)."""
    values = sorted({v for groups in facets.values() for v in groups.get(group, set())})
    best = max(
        ((a, b) for a in values for b in values if a < b),
        key=lambda pair: (
            len(matching(facets, {group: set(pair)})) - max(len(matching(facets, {group: {v}})) for v in pair)
        ),
    )
    assert len(matching(facets, {group: set(best)})) > max(len(matching(facets, {group: {v}})) for v in best)
    return best


def test_browsing_with_no_query_lists_every_credential_and_stack(page, site_url: str, catalog) -> None:
    open_search(page, site_url)
    total = len(catalog.credentials) + len(catalog.stacks)
    assert status_count(page) == total
    titles = [a.inner_text() for a in page.locator(".results a.result-title").all()]
    assert len(titles) == total
    assert titles == sorted(titles, key=str.lower), "without words, results are listed by title"
    assert len(api_search(page, site_url, None)) == total
    assert page.problems == []


def test_a_distinctive_word_from_a_competency_finds_its_credential(page, site_url: str, catalog) -> None:
    word, credential_id = distinctive_word(catalog)
    open_search(page, site_url)
    page.locator("#search-q").fill(word)
    page.locator("#search-status").filter(has_text=word).wait_for()
    settled(page)
    assert f"/repo/credentials/{credential_id}/" in result_paths(page)
    assert page.title().startswith(f"{status_count(page)} result")
    assert api_search(page, site_url, "exit tickets") >= {"/repo/credentials/exit-tickets/"}
    assert page.problems == []


def test_options_in_a_group_widen_groups_narrow_and_counts_say_what_a_tick_gives(page, site_url: str, facets) -> None:
    first, second = widening_pair(facets, search.GRADE)
    open_search(page, site_url)
    open_filters(page)
    steps = [(search.GRADE, first), (search.GRADE, second), (search.ROLE, "Teacher")]
    picked: dict[str, set[str]] = {}
    shown = page.evaluate(FILTER_STATE_JS)
    for group, value in steps:
        expected = matching(facets, {**picked, group: picked.get(group, set()) | {value}})
        assert shown[group][value]["count"] == len(expected), (group, value)
        tick(page, group, value)
        picked.setdefault(group, set()).add(value)
        assert set(result_paths(page)) == expected == matching(facets, picked)
        assert status_count(page) == len(expected)
        shown = page.evaluate(FILTER_STATE_JS)
        want = expected_counts(facets, picked)
        assert {g: {v: o["count"] for v, o in options.items()} for g, options in shown.items()} == want
        for options in shown.values():
            for option in options.values():
                assert option["disabled"] == (option["count"] == 0 and not option["checked"])
    one, both = len(matching(facets, {search.GRADE: {first}})), len(matching(facets, {search.GRADE: {first, second}}))
    assert both > one, "a second grade band widens the results"
    assert page.locator(".search-toggle").inner_text() == "Filters (3)"
    assert page.problems == []


def test_a_filter_counts_only_approved_unexpired_recognition(page, site_url: str, catalog, facets) -> None:
    name = catalog.site.jurisdiction_name("SC")
    today = resolve_today(SAMPLE_TODAY)

    def counts_in_sc(rows) -> bool:  # approved and unexpired only: pending and refused rows never count
        return any(row.jurisdiction == "SC" and counts(row, today) for row in rows)

    expected = {f"/repo/credentials/{c.id}/" for c in catalog.credentials if counts_in_sc(c.recognition)}
    expected |= {f"/repo/stacks/{s.id}/" for s in catalog.stacks if counts_in_sc(s.licensure_fit)}
    assert expected and expected == matching(facets, {search.COUNTS_IN: {name}})
    assert any(
        row.jurisdiction == "SC" and not counts(row, today) for c in catalog.credentials for row in c.recognition
    )
    open_search(page, site_url)
    assert api_search(page, site_url, None, {search.COUNTS_IN: name}) == expected
    open_filters(page)
    tick(page, search.COUNTS_IN, name)
    assert set(result_paths(page)) == expected
    assert page.problems == []


def test_a_filtered_search_survives_opening_a_result_and_going_back(page, site_url: str, facets) -> None:
    open_search(page, site_url)
    page.locator("#search-q").fill("lesson")
    page.locator("#search-status").filter(has_text="lesson").wait_for()
    settled(page)
    open_filters(page)
    tick(page, search.ROLE, "Teacher")
    page.locator("#search-sort").select_option("hours")
    settled(page)
    query = dict(parse_qsl(urlsplit(page.url).query))
    assert query == {"q": "lesson", "role": "teacher", "sort": "hours"}
    before, status = result_paths(page), page.locator("#search-status").inner_text()
    assert before
    page.locator(".results a.result-title").first.click()
    page.wait_for_url(re.compile(r"/repo/(credentials|stacks)/[^/]+/$"))
    page.wait_for_load_state("networkidle")
    page.go_back()
    settled(page)
    assert page.locator("#search-q").input_value() == "lesson"
    assert page.locator("#search-sort").input_value() == "hours"
    assert page.locator('.filter-group[data-group="Role"] input[value="teacher"]').is_checked()
    assert result_paths(page) == before
    assert page.locator("#search-status").inner_text() == status
    assert page.problems == []


def test_an_address_with_filters_opens_with_them_applied(page, site_url: str, catalog, facets) -> None:
    grade = dict(search.filter_values()[search.GRADE])
    query = "?grade=PK&grade=9-12&role=teacher&sort=hours&grade=no-such-band"
    page.goto(site_url + query)  # no click, no typing: the address alone starts the search
    settled(page)
    picked = {search.GRADE: {grade["PK"], grade["9-12"]}, search.ROLE: {"Teacher"}}
    expected = matching(facets, picked)
    paths = result_paths(page)
    assert set(paths) == expected and status_count(page) == len(expected)
    hours = {f"/repo/credentials/{c.id}/": c.effort_hours for c in catalog.credentials}
    hours |= {f"/repo/stacks/{s.id}/": catalog.facts[s.id].hours.low for s in catalog.stacks}
    assert [hours[p] for p in paths] == sorted(hours[p] for p in paths)
    shown = page.evaluate(FILTER_STATE_JS)
    ticked = {g: {v for v, o in options.items() if o["checked"]} for g, options in shown.items()}
    assert {g: v for g, v in ticked.items() if v} == picked
    assert page.locator(".search-toggle").get_attribute("aria-expanded") == "true"  # wide screen: shown beside
    assert page.title().startswith(f"{len(expected)} results – ")
    # The unknown band of an old bookmark is dropped from the address, the others are kept in page order.
    assert urlsplit(page.url).query == "role=teacher&grade=PK&grade=9-12&sort=hours"
    assert page.problems == []


def test_back_and_forward_step_through_ticks_and_typing_replaces(page, site_url: str, facets) -> None:
    open_search(page, site_url)
    open_filters(page)
    start = page.evaluate("history.length")
    tick(page, search.GRADE, words("PK"))
    tick(page, search.GRADE, "9-12")
    assert page.evaluate("history.length") == start + 2
    page.locator("#search-q").fill("lesso")
    page.locator("#search-q").fill("lesson")
    page.wait_for_function("() => new URLSearchParams(location.search).get('q') === 'lesson'")
    settled(page)
    assert page.evaluate("history.length") == start + 2  # typing replaced the entry, it added none
    page.go_back()
    page.wait_for_function("() => !location.search.includes('9-12')")
    settled(page)
    assert page.locator("#search-q").input_value() == ""
    assert set(result_paths(page)) == matching(facets, {search.GRADE: {words("PK")}})
    page.go_forward()
    page.wait_for_function("() => new URLSearchParams(location.search).get('q') === 'lesson'")
    settled(page)
    assert page.locator("#search-q").input_value() == "lesson"
    assert page.locator('input[name="grade"][value="9-12"]').is_checked()
    assert page.problems == []


def test_clear_all_resets_the_search_the_address_and_the_title(page, site_url: str, catalog) -> None:
    open_search(page, site_url, "?q=lesson&role=teacher&sort=cost")
    title = catalog.site.title
    assert page.title() != title
    page.get_by_role("link", name="Clear all").click()
    page.wait_for_function("() => location.search === ''")
    settled(page)
    assert page.locator("#search-q").input_value() == "" and page.locator("#search-sort").input_value() == ""
    assert page.locator(".search-toggle").inner_text() == "Filters (0)"
    assert page.title() == title
    assert page.evaluate("document.activeElement.id") == "search-q"
    assert page.locator(".search-clear").is_hidden()
    assert page.problems == []


def test_filter_groups_and_values_come_in_a_teachers_order(page, site_url: str, catalog) -> None:
    open_search(page, site_url)
    open_filters(page)
    shown = page.evaluate(FILTER_STATE_JS)
    order = search.filter_order(catalog.site)
    assert list(shown) == [group for group in order if group in shown]
    assert list(shown)[:3] == [search.ROLE, search.GRADE, search.SUBJECT]
    assert list(shown).index(search.AREA) > list(shown).index(search.COST)
    assert list(shown[search.GRADE]) == [words(g) for g in GRADE_ORDER if words(g) in shown[search.GRADE]]
    assert list(shown[search.GRADE])[:2] == ["pre-K", "K-2"]
    for group in (search.HOURS, search.COST):  # ranges, low to high, never a list of numbers
        known = [label for _, label in search.filter_values()[group]]
        assert list(shown[group]) == [label for label in known if label in shown[group]], group
    assert set(shown[search.AREA]) == {c.area for c in catalog.credentials if c.area}
    assert page.problems == []


def test_sorting_by_time_cost_and_review_date(page, site_url: str, catalog) -> None:
    open_search(page, site_url)
    facts = catalog.facts
    value = {
        "hours": {f"/repo/credentials/{c.id}/": c.effort_hours for c in catalog.credentials}
        | {f"/repo/stacks/{s.id}/": facts[s.id].hours.low for s in catalog.stacks},
        "cost": {f"/repo/credentials/{c.id}/": c.cost.amount for c in catalog.credentials}
        | {f"/repo/stacks/{s.id}/": facts[s.id].cost.high for s in catalog.stacks},
        "reviewed": {
            f"/repo/credentials/{c.id}/": search.credential_sort_keys(c)["reviewed"] for c in catalog.credentials
        }
        | {
            f"/repo/stacks/{s.id}/": search.stack_sort_keys(s, facts[s.id], catalog.members(s))["reviewed"]
            for s in catalog.stacks
        },
    }
    for key, descending in (("hours", False), ("cost", False), ("reviewed", True)):
        page.locator("#search-sort").select_option(key)
        page.wait_for_function(f"() => location.search === '?sort={key}'")
        settled(page)
        shown = [value[key][path] for path in result_paths(page)]
        assert len(shown) == len(catalog.credentials) + len(catalog.stacks), key
        assert shown == sorted(shown, reverse=descending), key
    assert page.problems == []


def test_a_draft_is_never_found(page, site_url: str) -> None:
    draft = check_catalog(REPO / "content", CheckOptions(resolve_today(SAMPLE_TODAY))).catalog
    drafts = [c for c in draft.credentials if c.is_draft]
    assert drafts, "the sample keeps one draft to prove this"
    open_search(page, site_url)
    for credential in drafts:
        found = api_search(page, site_url, credential.title)
        assert not any(credential.id in url for url in found)


def focused(page) -> dict:
    return page.evaluate("""() => { const e = document.activeElement, style = getComputedStyle(e);
      return {id: e.id, tag: e.tagName, cls: e.className, text: e.textContent.trim(),
              visible: e.matches(':focus-visible') && style.outlineStyle !== 'none'
                       && parseFloat(style.outlineWidth) > 0,
              where: e.closest('.filter-group') ? 'filter' : e.closest('.results') ? 'result' : ''} }""")


def tab_to(page, predicate, key: str = "Tab", limit: int = 80) -> dict:
    for _ in range(limit):
        page.keyboard.press(key)
        now = focused(page)
        assert now["visible"], f"no visible focus on {now}"
        if predicate(now):
            return now
    raise AssertionError("never reached")


def test_keyboard_alone_operates_the_query_filters_sort_and_results(page, site_url: str, facets) -> None:
    page.goto(site_url)
    page.wait_for_load_state("networkidle")
    tab_to(page, lambda f: f["id"] == "search-q")
    page.keyboard.type("lesson")
    page.locator("#search-status").filter(has_text="lesson").wait_for()
    settled(page)
    tab_to(page, lambda f: "search-toggle" in f["cls"])
    page.keyboard.press("Enter")
    assert page.locator(".search-toggle").get_attribute("aria-expanded") == "true"
    tab_to(page, lambda f: f["id"] == "search-sort")
    page.keyboard.press("ArrowDown")  # a closed select changes with the arrow keys
    page.wait_for_function("() => location.search.includes('sort=hours')")
    settled(page)
    role = tab_to(page, lambda f: f["where"] == "filter")
    assert role["tag"] == "SUMMARY"
    teacher = tab_to(page, lambda f: f["tag"] == "INPUT")
    assert teacher["where"] == "filter"
    page.keyboard.press("Space")
    page.wait_for_function("() => location.search.includes('role=teacher')")
    settled(page)
    teachers = matching(facets, {search.ROLE: {"Teacher"}})
    assert set(result_paths(page)) == api_search(page, site_url, "lesson") & teachers
    tab_to(page, lambda f: f["id"] == "search-sort", key="Shift+Tab")  # and back again
    tab_to(page, lambda f: f["where"] == "result")
    assert page.evaluate("document.activeElement.tagName") == "A"
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert "/repo/credentials/" in page.url or "/repo/stacks/" in page.url
    assert page.problems == []


def test_keyboard_users_can_skip_the_filters(page, site_url: str) -> None:
    open_search(page, site_url)
    page.locator(".search-toggle").click()
    page.locator("#search-sort").focus()
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent") == "Skip the filters, go to the results"
    page.keyboard.press("Enter")
    page.keyboard.press("Tab")
    assert page.evaluate("!!document.activeElement.closest('.results')")
    assert page.problems == []


def test_on_a_phone_the_first_result_is_right_under_the_box(browser, site_url: str) -> None:
    with phone(browser) as page:
        page.goto(site_url)
        page.wait_for_load_state("networkidle")
        page.locator("#search-q").click()
        page.keyboard.type("lesson")
        page.locator("#search-status").filter(has_text="lesson").wait_for()
        settled(page)
        assert page.locator("#search-filters").is_hidden()
        assert page.locator(".search-toggle").get_attribute("aria-expanded") == "false"
        box = page.locator("#search-q").bounding_box()
        first = page.locator(".results > li").first.bounding_box()
        height = page.viewport_size["height"]
        assert first["y"] + 40 < height, f"the first result starts at {first['y']:.0f}px of {height}px"
        assert first["y"] - (box["y"] + box["height"]) < 150, "only the controls and the count lie between"
        assert page.problems == []


def test_the_index_loads_only_when_search_is_used_and_never_from_elsewhere(page, site_url: str) -> None:
    requests: list[str] = []
    page.on("request", lambda request: requests.append(request.url))
    page.goto(site_url)
    page.wait_for_load_state("networkidle")
    assert not [url for url in requests if "/pagefind/" in url], "the index loaded before anyone searched"
    page.locator("#search-q").focus()
    settled(page)
    assert site_url + "pagefind/pagefind.js" in requests
    assert all(url.startswith(site_url) or url.startswith("data:") for url in requests), requests
    assert not [url for url in requests if "pagefind-component-ui" in url or "pagefind-ui" in url]
    assert page.problems == []


def test_result_cards_show_what_a_teacher_decides_on_in_the_site_type(page, site_url: str, catalog, facets) -> None:
    credential = next(c for c in catalog.credentials if c.id == "exit-tickets")
    open_search(page, site_url)
    page.locator("#search-q").fill("exit tickets")
    page.locator("#search-status").filter(has_text="exit tickets").wait_for()
    settled(page)
    card = page.locator(".results > li").filter(has=page.locator(f'a[href="/repo/credentials/{credential.id}/"]'))
    text = card.inner_text()
    own = facets[f"/repo/credentials/{credential.id}/"]
    for part in (credential.title, credential.label, *own[search.ROLE], *own[search.GRADE]):
        assert part in text, part
    for state in own.get(search.COUNTS_IN, ()):
        assert state in text
    assert hours(credential.effort_hours) in text and cost(credential.cost) in text
    fonts = page.evaluate("""() => [document.body, ...document.querySelectorAll(
        '.result-title, .result-label, .filter-label, #search-q, #search-sort, .search-toggle')]
        .map(e => getComputedStyle(e).fontFamily)""")
    assert len(set(fonts)) == 1, fonts
    assert page.problems == []


@pytest.mark.parametrize("width", [1280, 320])
def test_no_axe_violations_with_the_filters_closed_and_open(browser, site_url: str, width: int) -> None:
    with phone(browser, width, 900) as page:
        open_search(page, site_url)
        page.locator("#search-q").fill("lesson")
        page.locator("#search-status").filter(has_text="lesson").wait_for()
        settled(page)
        for state in ("closed", "open"):
            if state == "open":
                open_filters(page)
            results = Axe().run(page, options=WCAG)
            assert results.violations_count == 0, f"filters {state} at {width}px: {results.generate_report()}"
            overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
            assert overflow <= 0, f"scrolls sideways by {overflow}px at {width}px with the filters {state}"
        assert page.problems == []


def test_without_javascript_the_page_offers_the_lists_instead(browser, site_url: str) -> None:
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(site_url)
    assert page.get_by_text("Search needs JavaScript").is_visible()
    assert page.locator("form.search-ui").is_hidden()  # no box that would do nothing
    assert page.get_by_role("link", name="all credentials").first.is_visible()
    assert page.get_by_role("link", name="all stacks").first.is_visible()
    context.close()


def test_an_earner_filters_by_no_video_and_calendar_time_then_starts_a_credential(page, site_url: str, facets) -> None:
    """What the earner needs (issue: what an earner needs to decide and to start)."""
    page.goto(site_url + "?video=none&span=up-to-2-weeks")
    settled(page)
    picked = {search.VIDEO: {"No video needed"}, search.CALENDAR: {"Up to 2 weeks"}}
    expected = matching(facets, picked)
    assert "/repo/credentials/exit-tickets/" in expected  # two weeks, with students, no video
    assert "/repo/credentials/instructional-coaching-cycles/" not in expected  # three months, with video
    assert set(result_paths(page)) == expected and status_count(page) == len(expected)

    enrol = "https://example.org/educator-learning/enroll/exit-tickets"
    # The machine has no network: the issuer's enrol page is answered here, to see the link is followed.
    page.route(enrol, lambda route: route.fulfill(status=200, content_type="text/html", body="<title>Enrol</title>"))
    page.goto(site_url + "credentials/exit-tickets/")
    page.get_by_role("link", name="Start this credential").click()
    page.wait_for_url(enrol)
    assert page.title() == "Enrol"
    assert page.problems == []
