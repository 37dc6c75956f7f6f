// Search on the home page, on Pagefind's JS API, without dependencies or a build step.
//
// Our own UI rather than Pagefind's components, because teachers expect what those cannot do:
// options in one filter group combine with OR and groups with AND; each option shows how many
// results ticking it would give; the query, filters and sort live in the address (Back, bookmarks,
// sharing); groups and values come in a teacher's order. Without JavaScript the page keeps its links
// to every credential and stack (home.html), so this file only adds to a page that works without it.

const PAGE_SIZE = 20; // result cards rendered at once: only their data is fetched, so a big catalog stays fast
const TYPING_DELAY = 150; // ms of quiet before a search while typing: fast enough to feel live

const form = document.querySelector("form.search-ui");
if (form) setUp(form);

function setUp(form) {
  const $ = (selector) => form.querySelector(selector);
  const box = $("#search-q");
  const sortSelect = $("#search-sort");
  const toggle = $(".search-toggle");
  const panel = $("#search-filters");
  const groupsBox = $(".search-groups");
  const status = $("#search-status");
  const list = $(".results");
  const more = $(".search-more");
  const clear = $(".search-clear");
  const resultsBox = $("#search-results");
  const pageTitle = document.title;
  const collate = new Intl.Collator(document.documentElement.lang || undefined, { numeric: true }).compare;

  // Written into the page by site_builder/search.py; each falls back to Pagefind's own names.
  const settings = {
    order: json(form.dataset.filterOrder, []), // group names, in the order a teacher decides
    params: json(form.dataset.filterParams, {}), // group name -> short URL parameter
    values: json(form.dataset.filterValues, {}), // group name -> [[URL value, label], ...] low to high
  };

  let pagefind = null; // the JS API, once loaded
  let loading = null; // the promise of loading it, so it happens once
  let groups = []; // [{name, param, options: [{slug, label, input, count, row}]}], in page order
  let pending = readUrl(); // the address's state, applied once the filters exist
  let ticket = 0; // the latest search: answers to older ones are dropped
  let results = []; // the latest search's results (each one's data is fetched when shown)
  let shownFor = null; // the address the results on screen were searched for
  let timer = 0;

  applyText(pending);
  // The index loads only when search is first used, or at once when the address already asks for one.
  const asked = Boolean(pending.q || pending.sort || pending.picked.size);
  if (asked) start();
  form.addEventListener("focusin", start, { once: true });

  box.addEventListener("input", () => {
    clearTimeout(timer);
    timer = setTimeout(() => run("replace"), TYPING_DELAY); // typing replaces the history entry
  });
  form.addEventListener("submit", (event) => {
    event.preventDefault(); // Enter searches at once, without reloading the page
    clearTimeout(timer);
    run("replace");
  });
  sortSelect.addEventListener("change", () => run("push"));
  groupsBox.addEventListener("change", () => run("push")); // each tick is a step Back can undo
  toggle.addEventListener("click", () => setOpen(toggle.getAttribute("aria-expanded") !== "true"));
  $(".search-done").addEventListener("click", () => {
    setOpen(false);
    resultsBox.focus();
  });
  more.addEventListener("click", () => showMore(ticket, "focus"));
  clear.addEventListener("click", (event) => {
    event.preventDefault();
    box.value = "";
    sortSelect.value = "";
    for (const group of groups) for (const option of group.options) option.input.checked = false;
    run("push");
    box.focus();
  });
  // Back and Forward: show the state the address holds. (Following a #fragment link fires this too,
  // with the same query, so an unchanged query is left alone.)
  window.addEventListener("popstate", () => {
    if (location.search === shownFor) return;
    pending = readUrl();
    applyText(pending);
    if (pagefind) applyPicked(false);
    run(null);
  });

  function start() {
    loading ??= load().then(
      () => run("replace"),
      (error) => {
        console.warn("Search could not be loaded:", error);
        $(".search-error").hidden = false;
        status.textContent = "Search is not available.";
      },
    );
    return loading;
  }

  async function load() {
    // The bundle URL carries the base path (/repo/pagefind/), and baseUrl makes result URLs carry it too.
    const api = await import(form.dataset.bundle + "pagefind.js");
    await api.options({ baseUrl: form.dataset.base });
    // Loading every filter up front is what makes each search return its counts (Pagefind's rule).
    buildFilters(await api.filters());
    pagefind = api;
    applyPicked(asked);
  }

  // Runs a search for what the form shows; `step` is "push", "replace" or null (leave the history alone).
  async function run(step) {
    if (!pagefind) return start();
    if (step) remember(step);
    shownFor = location.search;
    resultsBox.setAttribute("aria-busy", "true"); // until the new cards are in (tests wait on it too)
    const mine = ++ticket;
    const term = box.value.trim() || null;
    const picked = groups.map((group) => [group, chosen(group)]).filter(([, labels]) => labels.length);
    const filters = (except) => {
      const result = {};
      for (const [group, labels] of picked) if (group !== except) result[group.name] = { any: labels };
      return result;
    };
    // Counts: one search for the results, plus one per group that has ticked options, so the work grows
    // with the groups in use, never with options x groups. For a group with nothing ticked, the main
    // search's counts already say what ticking an option gives (current results that have it). For a
    // group with ticked options, the option would widen the results (OR), so we search again with the
    // other groups' filters and `none` of this group's ticks: its counts are the results an option adds.
    const searches = [pagefind.search(term, { filters: filters(), sort: selectedSort(term) })];
    for (const [group, labels] of picked) {
      searches.push(pagefind.search(term, { filters: { ...filters(group), [group.name]: { none: labels } } }));
    }
    const [found, ...widened] = await Promise.all(searches);
    if (mine !== ticket) return; // a newer search has started
    const added = new Map(picked.map(([group], n) => [group, widened[n].filters[group.name] || {}]));
    showCounts(found, added);
    showSummary(found.results.length, term, picked);
    results = found.results;
    await showMore(mine, "replace");
  }

  // Relevance needs words; with none, Pagefind's order means nothing to a reader, so use the title.
  function selectedSort(term) {
    const chosenOption = sortSelect.selectedOptions[0];
    if (chosenOption && chosenOption.value) return { [chosenOption.value]: chosenOption.dataset.order || "asc" };
    return term ? {} : { title: "asc" };
  }

  function showCounts(found, added) {
    const total = found.results.length;
    for (const group of groups) {
      const extra = added.get(group);
      for (const option of group.options) {
        let count;
        if (!extra) count = found.filters[group.name]?.[option.label] ?? 0;
        else count = option.input.checked ? total : total + (extra[option.label] ?? 0);
        option.count.textContent = count;
        // Shown but disabled, so the list does not jump. A ticked option stays untickable, and the one
        // in focus stays enabled (disabling it would drop keyboard focus to the top of the page).
        const input = option.input;
        input.disabled = count === 0 && !input.checked && input !== document.activeElement;
        option.row.classList.toggle("is-empty", option.input.disabled);
      }
      const ticked = chosen(group).length;
      group.picked.textContent = ticked ? ` (${ticked} chosen)` : "";
    }
  }

  function showSummary(count, term, picked) {
    const ticks = picked.reduce((sum, [, labels]) => sum + labels.length, 0);
    const words = count === 1 ? "1 result" : `${count} results`;
    const about = term ? ` for “${term}”` : "";
    const narrowed = ticks ? ` with ${ticks === 1 ? "1 filter" : `${ticks} filters`}` : "";
    status.textContent = count
      ? `${words}${about}${narrowed}.`
      : `No results${about}${narrowed}. Try other words, or clear a filter.`;
    document.title = term || ticks ? `${words}${about} – ${pageTitle}` : pageTitle;
    toggle.querySelector(".search-toggle-count").textContent = `(${ticks})`;
    clear.hidden = !(term || ticks || sortSelect.value);
  }

  // Renders the next PAGE_SIZE cards: "replace" starts the list again (a new search; the old cards
  // stay until the new ones are ready, so nothing flickers), "focus" moves focus to the first new one.
  async function showMore(mine, how) {
    const start = how === "replace" ? 0 : list.children.length;
    const batch = await Promise.all(results.slice(start, start + PAGE_SIZE).map((result) => result.data()));
    if (mine !== ticket) return;
    if (how === "replace") list.replaceChildren();
    list.append(...batch.map(card));
    more.hidden = list.children.length >= results.length;
    more.textContent = `Show more results (${list.children.length} of ${results.length} shown)`;
    if (how === "focus" && batch.length) list.children[start].querySelector("a").focus();
    resultsBox.removeAttribute("aria-busy");
  }

  // A result card: what a teacher decides on, in the site's own type. Text only, never HTML.
  function card(page) {
    const facts = page.filters || {};
    const meta = page.meta || {};
    const ordered = (group) => sortValues(group, facts[group] || []).join(", ");
    const fit = [
      ["For", ordered("Role")],
      ["Grades", ordered("Grade band")],
      ["Counts in", ordered("Counts in")], // approved, unexpired statements only (site_builder/search.py)
    ].filter(([, text]) => text);
    return el(
      "li",
      { className: "result-card" },
      el("h3", { className: "result-heading" },
        el("a", { className: "result-title", href: page.url }, meta.title || page.url)),
      meta.label ? el("p", { className: "result-label" }, meta.label) : "",
      el("p", { className: "facts-inline" },
        ...[meta.type, meta.hours, meta.cost].filter(Boolean).map((fact) => el("span", {}, fact))),
      ...fit.map(([name, text]) => el("p", { className: "result-fit" }, el("strong", {}, `${name}: `), text)),
    );
  }

  function buildFilters(all) {
    const names = Object.keys(all).filter((name) => Object.keys(all[name]).length);
    const rank = (name) => (settings.order.includes(name) ? settings.order.indexOf(name) : settings.order.length);
    names.sort((a, b) => rank(a) - rank(b) || collate(a, b));
    groups = names.map((name, n) => {
      const param = settings.params[name] || name;
      const known = new Map((settings.values[name] || []).map(([slug, label]) => [label, slug]));
      const picked = el("span", { className: "filter-picked" });
      const options = sortValues(name, Object.keys(all[name])).map((label) => {
        const input = el("input", { type: "checkbox", name: param, value: known.get(label) || label });
        const count = el("span", { className: "filter-count" });
        const row = el(
          "label",
          { className: "filter-option" },
          input,
          el("span", { className: "filter-label" }, label),
          el("span", {}, count, el("span", { className: "visually-hidden" }, " results")),
        );
        return { slug: input.value, label, input, count, row };
      });
      const legend = el("legend", { className: "visually-hidden" }, name);
      // The first groups start open: they are the ones most searches use.
      const details = el("details", { className: "filter-group", open: n < 3 },
        el("summary", {}, name, picked),
        el("fieldset", {}, legend, ...options.map((option) => option.row)));
      details.dataset.group = name;
      groupsBox.append(details);
      return { name, param, options, picked, details };
    });
  }

  // Values in their natural order where one exists (grade bands, hours, cost), else alphabetical.
  function sortValues(group, labels) {
    const known = (settings.values[group] || []).map(([, label]) => label);
    const rank = (label) => (known.includes(label) ? known.indexOf(label) : known.length);
    return [...labels].sort((a, b) => rank(a) - rank(b) || collate(a, b));
  }

  function chosen(group) {
    return group.options.filter((option) => option.input.checked).map((option) => option.label);
  }

  function setOpen(open) {
    toggle.setAttribute("aria-expanded", String(open));
    panel.hidden = !open;
    form.classList.toggle("filters-open", open);
    if (open) start();
  }

  // The address: ?q=words&grade=PK&grade=K-2&sort=hours, in page order so equal states read the same.
  function readUrl() {
    const params = new URLSearchParams(location.search);
    const picked = new Map();
    for (const [name, value] of params) {
      if (name !== "q" && name !== "sort") picked.set(name, [...(picked.get(name) || []), value]);
    }
    const known = [...sortSelect.options].some((option) => option.value === params.get("sort"));
    const sort = known ? params.get("sort") : "";
    return { q: params.get("q") || "", sort, picked };
  }

  function applyText(state) {
    box.value = state.q;
    sortSelect.value = state.sort;
  }

  // Ticks what the address asks for; unknown values (an old bookmark) are dropped, from the address too.
  // `open`: on a wide screen, a page opened with filters shows them beside the results.
  function applyPicked(open) {
    for (const group of groups) {
      const wanted = pending.picked.get(group.param) || [];
      for (const option of group.options) {
        option.input.checked = wanted.includes(option.slug);
        if (option.input.checked) group.details.open = true;
      }
    }
    const anyPicked = groups.some((group) => chosen(group).length);
    if (open && anyPicked && matchMedia("(min-width: 48rem)").matches) setOpen(true);
    remember("replace");
  }

  function remember(how) {
    const params = new URLSearchParams();
    if (box.value.trim()) params.set("q", box.value.trim());
    for (const group of groups) {
      for (const option of group.options) if (option.input.checked) params.append(group.param, option.slug);
    }
    if (sortSelect.value) params.set("sort", sortSelect.value);
    const query = params.toString();
    const address = location.pathname + (query ? `?${query}` : "");
    if (address === location.pathname + location.search) return;
    history[how === "push" ? "pushState" : "replaceState"](null, "", address);
  }
}

function el(tag, properties, ...children) {
  const element = Object.assign(document.createElement(tag), properties);
  element.append(...children);
  return element;
}

function json(text, fallback) {
  try {
    return text ? JSON.parse(text) : fallback;
  } catch {
    return fallback;
  }
}
