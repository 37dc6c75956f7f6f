"""Machine-readable exports: the complete public record of each credential and stack.

Records are built from the model, which never holds `private`, so nothing private can leak here.
Keys are sorted when serialised, so the output is byte-stable.
"""

from __future__ import annotations

import csv
import datetime
import json
import re
from typing import Any, Iterable

from catalog.content import Catalog
from catalog.model import Credential, Criterion, Stack, public_data
from catalog.recognition import RecognitionEntry
from site_builder import urls
from site_builder.urls import SiteUrls


def credential_record(
    credential: Credential, stack_ids: tuple[str, ...], site_urls: SiteUrls, page: str | None = None
) -> dict[str, Any]:
    """Every public component of a credential, as published in credential.json (at `page`, for a version)."""
    record: dict[str, Any] = public_data(credential)
    record["type"] = "credential"
    record["stacks"] = list(stack_ids)
    record["url"] = site_urls.public(page or urls.credential(credential.id))
    if credential.badge:
        record["badge"]["image"] = site_urls.public(credential.badge.image)
    return record


def stack_record(stack: Stack, facts: dict[str, Any] | None, site_urls: SiteUrls) -> dict[str, Any]:
    record: dict[str, Any] = public_data(stack)
    record["type"] = "stack"
    record["url"] = site_urls.public(urls.stack(stack.id))
    if stack.awards and stack.awards.badge:
        record["awards"]["badge"]["image"] = site_urls.public(stack.awards.badge.image)
    if facts is not None:
        record["facts"] = facts
    return record


STACK_ACHIEVEMENT_TYPE = "LearningProgram"
"""Open Badges 3.0's word for a program of learning: what a stack of micro-credentials is."""


def stack_achievement(
    stack: Stack, members: tuple[Credential, ...], rule: str, site_urls: SiteUrls, language: str = "en"
) -> dict[str, Any] | None:
    """A stack with its own badge as an Open Badges 3.0 Achievement: the criteria name the members and the rule."""
    page = site_urls.absolute(urls.stack(stack.id))
    badge = stack.awards.badge if stack.awards else None
    if page is None or badge is None:
        return None
    narrative = "\n".join(
        [f"Complete {rule} of these micro-credentials:", ""]
        + [f"- {m.title}: {site_urls.absolute(urls.credential(m.id))}" for m in members]
    )
    issuer = members[0].issuer if members else None
    creator: dict[str, Any] = {
        "id": (issuer.url if issuer else None) or site_urls.absolute(urls.HOME),
        "type": ["Profile"],
    }
    if issuer:
        creator["name"] = issuer.name
    return {
        "@context": OB3_CONTEXT,
        "id": site_urls.absolute(urls.stack(stack.id, "achievement.json")),
        "type": ["Achievement"],
        "achievementType": STACK_ACHIEVEMENT_TYPE,
        "name": stack.title,
        "description": stack.outcome or stack.label,
        "criteria": {"id": page + "#members", "narrative": narrative},
        "creator": creator,
        "humanCode": stack.id,
        "inLanguage": language,
        "image": {"id": site_urls.absolute(badge.image), "type": "Image", "caption": badge.alt},
    }


def to_json(data: Any) -> str:
    """Compact, key-sorted JSON (byte-stable, and encoded by the fast C encoder)."""
    return json.dumps(data, sort_keys=True, ensure_ascii=False, separators=(",", ":"))


CATALOG_INDEX = "catalog.json"
CATALOG_FORMAT = 2
"""The version of catalog.json's shape (schemas/catalog.schema.json); raised when a field changes meaning."""


def catalog_index(catalog: Catalog, site_urls: SiteUrls, today: datetime.date, tool_version: str) -> dict[str, Any]:
    """The machine index of the catalog: what there is and where each complete record lives.

    Kept small at any size (a few hundred bytes per item): the complete records are each item's own
    credential.json or stack.json. A full dump in one file would pass 10 MB near 1,500 credentials
    (about 7 KB a record) and double the site's size, so there is none.
    """

    def entry(kind: str, item: Credential | Stack, record_file: str) -> dict[str, Any]:
        page = urls.item(kind, item.id)
        data: dict[str, Any] = {
            "id": item.id,
            "title": item.title,
            "label": item.label,
            "status": item.status,
            "url": site_urls.public(page),
            "record": site_urls.public(page + record_file),
        }
        if isinstance(item, Credential):
            data["version"] = item.version
            data["updated"] = item.updated.isoformat() if item.updated else None
        return data

    return {
        "version": CATALOG_FORMAT,
        "title": catalog.site.title,
        "built": today.isoformat(),
        "generator": {"name": "credential-catalog", "version": tool_version},
        "credentials": [entry("credential", c, "credential.json") for c in catalog.credentials],
        "stacks": [entry("stack", s, "stack.json") for s in catalog.stacks],
    }


OB3_CONTEXT = ["https://www.w3.org/ns/credentials/v2", "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"]


def result_description(item: Criterion, credential: Credential, page: str) -> dict[str, Any]:
    """One criterion of the rubric: every level with what it looks like, and the level that passes."""
    anchor = page + f"#criterion-{item.id}"
    levels = [
        {
            "id": f"{anchor}-{_level_id(level.name)}",
            "type": ["RubricCriterionLevel"],
            "name": level.name,
            **({"description": text} if (text := item.at_level(level.name) or level.description) else {}),
        }
        for level in credential.evaluation.levels
    ]
    data: dict[str, Any] = {
        "id": anchor,
        "type": ["ResultDescription"],
        "name": item.criterion,
        "resultType": "RubricCriterionLevel",
        "allowedValue": list(credential.evaluation.level_names),
        "rubricCriterionLevel": levels,
    }
    if (passing := credential.evaluation.passing_level) is not None:
        data["requiredLevel"] = f"{anchor}-{_level_id(passing)}"
    return data


def _level_id(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")


def achievement(
    credential: Credential, site_urls: SiteUrls, language: str = "en", earlier: tuple[Credential, ...] = ()
) -> dict[str, Any] | None:
    """The credential as an Open Badges 3.0 Achievement, so a recognizer can verify badges against it.

    Achievement ids must be absolute URLs, so this needs a full --base-url (None otherwise). Its criteria
    point at the version's own page (which never changes), else at the credential's page.
    """
    c = credential
    page = site_urls.absolute(urls.credential_version(c.id, c.version) if c.version else urls.credential(c.id))
    if page is None:
        return None
    criteria = "\n".join(
        [f"Passing: {c.evaluation.passing}", ""] + [f"- {item.criterion}" for item in c.evaluation.criteria]
    )
    issuer = {"id": c.issuer.url or site_urls.absolute(urls.HOME), "type": ["Profile"], "name": c.issuer.name}
    if c.issuer.url:
        issuer["url"] = c.issuer.url
    if c.issuer.email:
        issuer["email"] = c.issuer.email
    data: dict[str, Any] = {
        "@context": OB3_CONTEXT,
        "id": achievement_id(c, site_urls),
        "type": ["Achievement"],
        "achievementType": "MicroCredential",
        "name": c.title,
        "description": c.competency,
        "criteria": {"id": page + "#evaluation", "narrative": criteria},
        "creator": issuer,
        "humanCode": c.id,
        "inLanguage": language,
        "tag": sorted({*c.audience.roles, *c.audience.grade_bands, *c.audience.subjects}),
        "resultDescription": [result_description(item, c, page) for item in c.evaluation.criteria],
    }
    alignments = [
        {
            "type": ["Alignment"],
            "targetName": f"{s.framework} {s.code}" + (f": {s.name}" if s.name else ""),
            "targetUrl": s.url,
            "targetFramework": s.framework,
            "targetCode": str(s.code),
        }
        for s in c.standards
        if s.url
    ]
    if alignments:
        data["alignment"] = alignments
    if c.badge:
        data["image"] = {"id": site_urls.absolute(c.badge.image), "type": "Image", "caption": c.badge.alt}
    if c.version:
        data["version"] = c.version
    related = [
        {"id": achievement_id(old, site_urls), "type": ["Related"], "version": old.version}
        for old in earlier
        if old.version
    ]
    if related:  # OB 3.0: 'related' names earlier versions of the same achievement
        data["related"] = related
    return data


def achievement_id(credential: Credential, site_urls: SiteUrls) -> str | None:
    """A version's own Achievement address, so a badge keeps pointing at the criteria it was earned under."""
    if credential.version:
        return site_urls.absolute(urls.credential_version(credential.id, credential.version, "achievement.json"))
    return site_urls.absolute(urls.credential(credential.id, "achievement.json"))


RECOGNITION_COLUMNS = (
    "kind,id,title,jurisdiction,use,license,requirement_area,credit_amount,credit_unit,"
    "status,as_of,expires,authority,source,basis,url"
).split(",")
_FORMULA_START = ("=", "+", "-", "@")


def recognition_csv(lines: Iterable[str]) -> str:
    """The recognition spreadsheet a licensure office can filter (UTF-8, a header row), of
    `recognition_lines`."""
    return _HEADER + "".join(lines)


def recognition_lines(entries: Iterable[RecognitionEntry], site_urls: SiteUrls) -> list[str]:
    """Each recognition statement as a line of the spreadsheet.

    A cell that a spreadsheet would run as a formula (starting with =, +, - or @) is prefixed
    with an apostrophe, so author text can never become a formula (CSV injection).
    """
    lines = _Lines()
    writer = csv.writer(lines, lineterminator="\n")
    for entry in entries:
        row = entry.row
        values = [
            entry.kind,
            entry.id,
            entry.title,
            row.jurisdiction,
            row.use,
            row.license,
            row.requirement_area,
            _number(row.credit.amount) if row.credit else None,
            row.credit.unit if row.credit else None,
            row.status,
            row.as_of.isoformat(),
            row.expires.isoformat() if row.expires else None,
            row.authority,
            row.source,
            getattr(row, "basis", None),
            site_urls.public(urls.item(entry.kind, entry.id)),
        ]
        writer.writerow([_spreadsheet_safe("" if value is None else str(value)) for value in values])
    return lines


class _Lines(list[str]):
    """What a CSV writer writes, a line at a time."""

    write = list.append


_HEADER = ",".join(RECOGNITION_COLUMNS) + "\n"


def _spreadsheet_safe(cell: str) -> str:
    return "'" + cell if cell.startswith(_FORMULA_START) else cell


def _number(value: float) -> str:
    return f"{value:g}"
