"""Rendering: the catalog into the full set of output files, as a pure function of its inputs.

`plan_site` decides which files exist and what each one is given; `render_site` turns that plan
into text. Nothing here reads the clock or the disk (templates aside), so the same inputs always
give the same bytes, and pages could be rendered on several cores or cached.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from importlib import resources
from typing import Any, Mapping

import jinja2

from catalog.content import Catalog
from catalog.labels import Range, StackFacts
from catalog.model import Cost, Credential, public_data
from catalog.quality import QualityReport
from catalog.recognition import by_jurisdiction, needs_reconfirmation, recognition_matrix
from site_builder.exports import achievement, credential_record, json_document, stack_record, to_json
from site_builder.search import credential_facets, credential_sort_keys, stack_facets, stack_sort_keys
from site_builder.urls import SiteUrls
from site_builder.wording import VERDICT_WORDS, words

ASSETS = ("site.css", "print.css")


@dataclass(frozen=True, slots=True)
class Page:
    """One output file: a template and its context, or ready text."""

    path: str
    template: str | None = None
    context: Mapping[str, Any] = field(default_factory=dict)
    text: str | None = None


@dataclass(frozen=True, slots=True)
class SiteInputs:
    """Everything rendering depends on; nothing else is read."""

    catalog: Catalog
    descriptions: Mapping[str, str]
    """Credential id -> its description as safe HTML (rendered once, by the check)."""
    urls: SiteUrls
    today: datetime.date
    quality: QualityReport
    drafts: bool = False
    search: bool = True


def plan_site(inputs: SiteInputs) -> list[Page]:
    """Every file of the site, in a stable order."""
    catalog, urls = inputs.catalog, inputs.urls
    credentials = catalog.credentials
    stacks = catalog.stacks
    facts = catalog.facts
    # Each public record is built once and used both for its own file and for catalog.json.
    records = {c.id: to_json(credential_record(c, catalog.stacks_of.get(c.id, ()), urls)) for c in credentials}
    stack_records = {s.id: to_json(stack_record(s, public_data(facts[s.id]), urls)) for s in stacks}
    quality = inputs.quality
    common = {"site": catalog.site, "drafts": inputs.drafts, "search": inputs.search, "profile": quality.profile}
    stacks_by_id = {s.id: s for s in stacks}

    pages: list[Page] = [
        Page("index.html", "home.html", {**common, "page_path": "", "stacks": stacks, "facts": facts}),
        Page(
            "credentials/index.html",
            "credentials.html",
            {**common, "page_path": "credentials/", "credentials": credentials, "areas": group_by_area(credentials)},
        ),
        Page("stacks/index.html", "stacks.html", {**common, "page_path": "stacks/", "stacks": stacks, "facts": facts}),
        Page("404.html", "404.html", {**common, "page_path": "404.html"}),
    ]
    for credential in credentials:
        its_stacks = [stacks_by_id[stack_id] for stack_id in catalog.stacks_of.get(credential.id, ())]
        pages.append(
            Page(
                f"credentials/{credential.id}/index.html",
                "credential.html",
                {
                    **common,
                    "page_path": f"credentials/{credential.id}/",
                    "credential": credential,
                    "description": inputs.descriptions[credential.id],
                    "stacks": its_stacks,
                    "quality": quality.for_credential(credential.id),
                    "indexed": not credential.is_draft,
                    "facets": credential_facets(credential, its_stacks, catalog.site),
                    "sort_keys": credential_sort_keys(credential),
                },
            )
        )
        pages.append(Page(f"credentials/{credential.id}/credential.json", text=records[credential.id] + "\n"))
        if (badge_class := achievement(credential, urls)) is not None:
            pages.append(Page(f"credentials/{credential.id}/achievement.json", text=to_json(badge_class) + "\n"))
    for stack in stacks:
        members = catalog.members(stack)
        pages.append(
            Page(
                f"stacks/{stack.id}/index.html",
                "stack.html",
                {
                    **common,
                    "page_path": f"stacks/{stack.id}/",
                    "stack": stack,
                    "facts": facts[stack.id],
                    "members": members,
                    "indexed": not stack.is_draft,
                    "member_rows": [
                        (f"credentials/{cid}/", catalog.by_id[cid].title, row)
                        for cid, row in facts[stack.id].member_recognition
                    ],
                    "facets": stack_facets(stack, facts[stack.id], members, catalog.site),
                    "sort_keys": stack_sort_keys(stack, facts[stack.id], members),
                },
            )
        )
        pages.append(Page(f"stacks/{stack.id}/stack.json", text=stack_records[stack.id] + "\n"))
    pages.append(Page("quality/index.html", "quality.html", {**common, "page_path": "quality/", "report": quality}))
    entries = by_jurisdiction(catalog)
    pages.append(
        Page(
            "recognition/index.html",
            "recognition.html",
            {**common, "page_path": "recognition/", "entries": entries, "matrix": recognition_matrix(catalog)},
        )
    )
    for code, name in catalog.site.jurisdictions:
        pages.append(
            Page(
                f"recognition/{code.lower()}/index.html",
                "jurisdiction.html",
                {
                    **common,
                    "page_path": f"recognition/{code.lower()}/",
                    "code": code,
                    "name": name,
                    "entries": entries[code],
                },
            )
        )
    pages.append(
        Page(
            "catalog.json",
            text=json_document(
                {"title": catalog.site.title},
                {"credentials": [records[c.id] for c in credentials], "stacks": [stack_records[s.id] for s in stacks]},
            ),
        )
    )
    if urls.origin:
        pages.append(
            Page(
                "sitemap.xml",
                "sitemap.xml",
                {
                    **common,
                    "page_path": "sitemap.xml",
                    "paths": [
                        page.context["page_path"]
                        for page in pages
                        if page.template and page.path.endswith("index.html")
                    ],
                },
            )
        )
        pages.append(
            Page(
                "feed.xml",
                "feed.xml",
                {
                    **common,
                    "page_path": "feed.xml",
                    "entries": sorted(credentials, key=lambda c: (last_changed(c), c.id), reverse=True),
                },
            )
        )
    pages.append(Page("robots.txt", text=_robots(urls)))
    pages.append(Page(".nojekyll", text=""))
    return pages


def group_by_area(credentials: tuple[Credential, ...]) -> list[tuple[str, list[Credential]]]:
    """Credentials by area (alphabetical, 'Other' last), each group sorted by title."""
    groups: dict[str, list[Credential]] = {}
    for credential in credentials:
        groups.setdefault(credential.area or "Other", []).append(credential)
    order = sorted(groups, key=lambda area: (area == "Other", area))
    return [(area, sorted(groups[area], key=lambda c: (c.title, c.id))) for area in order]


def render_site(inputs: SiteInputs) -> dict[str, str]:
    """Render every planned page: output path -> text."""
    environment = make_environment(inputs.urls, inputs.today)
    return {
        page.path: page.text if page.text is not None else environment.get_template(page.template).render(page.context)
        for page in plan_site(inputs)
    }


def asset_files() -> dict[str, bytes]:
    """The stylesheets shipped with the package, copied as they are."""
    folder = resources.files("site_builder.templates").joinpath("assets")
    return {f"assets/{name}": folder.joinpath(name).read_bytes() for name in ASSETS}


def _robots(urls: SiteUrls) -> str:
    text = "User-agent: *\nAllow: /\n"
    if urls.origin:
        text += f"Sitemap: {urls.absolute('sitemap.xml')}\n"
    return text


def last_changed(credential: Credential) -> datetime.date:
    """The credential's last change as authored (never a file time, so builds are reproducible)."""
    dates = [credential.updated, credential.review.last_reviewed if credential.review else None]
    return max((d for d in dates if d), default=datetime.date(1970, 1, 1))


# --- the Jinja environment and its named filters ----------------------------------------------


def number(value: float) -> str:
    return f"{value:g}" if float(value) != int(value) else str(int(value))


def hours(value: float) -> str:
    return f"{number(value)} hour{'s' * (value != 1)}"


def money(amount: float, currency: str = "USD") -> str:
    if amount == 0:
        return "Free"
    shown = f"{amount:,.2f}".removesuffix(".00")
    return f"${shown}" if currency == "USD" else f"{shown} {currency}"


def cost(value: Cost) -> str:
    return money(value.amount, value.currency)


def plural(count: float, noun: str) -> str:
    """'1 day', '3 days'."""
    return f"{number(count)} {noun}{'s' * (count != 1)}"


def count_range(value: Range, noun: str) -> str:
    """'4 pieces' or '4 to 8 pieces'."""
    return plural(value.low, noun) if value.is_exact else f"{number(value.low)} to {plural(value.high, noun)}"


def hours_range(facts: StackFacts) -> str:
    low, high = facts.hours.low, facts.hours.high
    return hours(low) if low == high else f"{number(low)} to {hours(high)}"


def cost_range(facts: StackFacts) -> str:
    if facts.currency is None:
        return "varies by credential (priced in different currencies)"
    low, high = facts.cost.low, facts.cost.high
    return (
        money(low, facts.currency) if low == high else f"{money(low, facts.currency)} to {money(high, facts.currency)}"
    )


def long_date(value: datetime.date) -> str:
    return f"{value:%B} {value.day}, {value.year}"


def make_environment(urls: SiteUrls, today: datetime.date) -> jinja2.Environment:
    """The one Jinja environment: autoescaped, and strict about undefined names."""
    folder = resources.files("site_builder.templates")
    environment = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(folder)),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    environment.filters.update(
        zip_verdicts=lambda standards, quality: list(zip(standards, quality.verdicts)),
        verdict_words=VERDICT_WORDS.__getitem__,
        words=words,
        hours=hours,
        money=money,
        cost=cost,
        number=number,
        hours_range=hours_range,
        cost_range=cost_range,
        long_date=long_date,
        last_changed=last_changed,
        plural=plural,
        count_range=count_range,
        unlabelled=lambda rows: [(None, None, row) for row in rows],
        entry_item=lambda e: (f"{e.kind}s/{e.id}/", e.title, e.row),
    )
    environment.globals.update(url=urls.path, absolute_url=urls.absolute, today=today)
    environment.tests["stale"] = lambda row: needs_reconfirmation(row.as_of, today)
    return environment
