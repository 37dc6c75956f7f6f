"""CTDL JSON-LD: each published credential and stack in Credential Engine's Credential Transparency
Description Language, for the Credential Registry (see docs/interop.md, "CTDL (Credential Engine)").

`credential_document` and `stack_document` give the file of one item (`ctdl.json` beside its page);
`catalog_index` gives `/ctdl.json`: the issuing organizations and the address of every item's own file,
for an upload one resource at a time (not one `@graph` of every node: that would be a second copy of
every item's file, and pass 10 MB near 1,500 credentials). Every identifier and page address must be
absolute, so nothing is produced without a full --base-url; nor for a draft, nor for an item without a
`ctid` (the registry cannot take it; validation warns, V015).

Like the other exports, this reads only the model, which never holds `private`.
"""

from __future__ import annotations

import datetime
import uuid
from typing import Any, Iterable

from catalog.content import Catalog
from catalog.labels import StackFacts
from catalog.model import Cost, Credential, Issuer, LicensureFitRow, RecognitionRow, Site, Stack
from catalog.recognition import counts
from site_builder import formatting, urls
from site_builder.urls import SiteUrls

CONTEXT = "https://credreg.net/ctdl/schema/context/json"
REGISTRY_RESOURCES = "https://credentialengineregistry.org/resources/"
"""A CTID names a resource in the Credential Registry; this is the address the registry gives it."""
TERMS = "https://credreg.net/ctdl/terms/"
FILE = "ctdl.json"
"""Each item's document, beside its page; and the catalog's index, at the site's root."""

CREDENTIAL_TYPE = "ceterms:MicroCredential"
STACK_TYPE = "ceterms:MicroCredential"
"""CTDL has no class for a stack: it is described as a micro-credential made of its members (hasPart)."""
ISSUER_TYPE = "ceterms:CredentialOrganization"
RECOGNIZER_TYPE = "ceterms:QACredentialOrganization"

STATUS = {"active": ("credentialStat:Active", "Active"), "retired": ("credentialStat:Deprecated", "Deprecated")}
"""Concepts of the CredentialStatus scheme, by the content's `status` (drafts are never described)."""
LEVELS = {
    "introductory": ("audLevel:BeginnerLevel", "Beginner Level"),
    "intermediate": ("audLevel:IntermediateLevel", "Intermediate Level"),
    "advanced": ("audLevel:AdvancedLevel", "Advanced Level"),
}
"""Concepts of the AudienceLevel scheme, by the content's `level`."""
CREDIT_UNITS = {"CEU": ("creditUnit:ContinuingEducationUnit", "Continuing Education Unit")}
"""Credit units with an exact concept in the CreditUnit scheme; others are named in words only."""

NEWER_THAN_2018: dict[str, str] = {
    "ceterms:timeRequired": "DurationProfile: time on task, as opposed to calendar time (CTDL, 2024)",
    "ceterms:creditValue": "ConditionProfile: the credit a recognizer grants (CTDL, 2019)",
    "ceterms:ValueProfile": "the class of a creditValue (CTDL, December 2020; before: schema:QuantitativeValue)",
    "schema:value": "ValueProfile: the amount of credit",
    "schema:description": "ValueProfile: the amount and unit in words",
}
"""Terms we emit that Credential Engine's 2018 validation schema does not define (docs/interop.md)."""
LANGUAGE_MAPS = (
    "ceterms:name",
    "ceterms:description",
    "ceterms:condition",
    "ceterms:targetNodeName",
    "ceterms:frameworkName",
    "ceterms:addressRegion",
    "schema:description",
)
"""Text terms written as language maps ({"en": ...}), as the registry has published them since 2019;
the 2018 schema still expects a plain string (or a list of strings for ceterms:condition)."""


def resource_id(ctid: str) -> str:
    return REGISTRY_RESOURCES + ctid


def organization_ctid(issuer: Issuer) -> str:
    """A stable CTID for an issuer, which the content does not give: `ce-` and the UUID 5 of its URL
    (as written), or of its name when it has none, so it never changes between builds or hosts."""
    key = issuer.url or f"urn:credential-catalog:issuer:{issuer.name}"
    return f"ce-{uuid.uuid5(uuid.NAMESPACE_URL, key)}"


def credential_document(
    credential: Credential, site: Site, stacks: tuple[Stack, ...], site_urls: SiteUrls, today: datetime.date
) -> dict[str, Any] | None:
    """The credential's /credentials/<id>/ctdl.json (its node, with the context), or None when not published.

    It is given only what it shows (the site, the stacks the credential is part of), so it can be
    made on a worker and its file kept while those do not change."""
    node = credential_node(credential, site, stacks, site_urls, today)
    return None if node is None else {"@context": CONTEXT, **node}


def stack_document(
    stack: Stack,
    site: Site,
    facts: StackFacts,
    members: tuple[Credential, ...],
    site_urls: SiteUrls,
    today: datetime.date,
) -> dict[str, Any] | None:
    """The stack's /stacks/<id>/ctdl.json, or None when not published (given, like a credential's,
    only what it shows)."""
    s = stack
    page = site_urls.absolute(urls.stack(s.id))
    if page is None or s.ctid is None or not is_described(s, site_urls):
        return None
    language = site.language
    description = s.label + (f" {s.outcome}" if s.outcome else "")
    node = _common(s.ctid, STACK_TYPE, s.title, description, page, site.issuer, s.status, language)
    parts = [resource_id(m.ctid) for m in members if m.ctid and not m.is_draft]
    if parts:
        node["ceterms:hasPart"] = parts
    rule = f"Complete {facts.rule}."  # 'Complete all 3, in order.' or 'Complete any 2 of 3.'
    requirement: dict[str, Any] = {
        "@type": "ceterms:ConditionProfile",
        "ceterms:name": {language: "Credentials to complete"},
        "ceterms:description": {language: rule},
        "ceterms:subjectWebpage": page,
    }
    if parts:
        requirement["ceterms:targetCredential"] = parts
    node["ceterms:requires"] = [requirement]
    if facts.hours.is_exact:
        node["ceterms:estimatedDuration"] = [_duration(facts.hours.low, language)]
    if facts.cost.is_exact and facts.currency is not None:
        cost = Cost(facts.cost.low, facts.currency)
        node["ceterms:estimatedCost"] = [_cost(cost, page, "the credentials of this stack", language)]
    node.update(_recognition(s.licensure_fit, site, today))
    return {"@context": CONTEXT, **node}


def catalog_index(catalog: Catalog, site_urls: SiteUrls) -> dict[str, Any] | None:
    """/ctdl.json: the issuing organizations (each a document with its context, like an item's file), then
    the CTID, name and file address of every published credential and stack that has CTDL."""
    credentials = [c for c in catalog.credentials if is_described(c, site_urls)]
    stacks = [s for s in catalog.stacks if is_described(s, site_urls)]
    if not credentials and not stacks:
        return None
    issuers: dict[str, Issuer] = {}
    for credential in credentials:
        issuers.setdefault(organization_ctid(credential.issuer), credential.issuer)
    if stacks:
        issuers.setdefault(organization_ctid(catalog.site.issuer), catalog.site.issuer)
    language = catalog.site.language

    def entry(kind: str, item: Credential | Stack) -> dict[str, Any]:
        return {"ctid": item.ctid, "name": item.title, "document": site_urls.absolute(urls.item(kind, item.id) + FILE)}

    return {
        "organizations": [{"@context": CONTEXT, **organization_node(i, language)} for i in issuers.values()],
        "credentials": [entry("credential", c) for c in credentials],
        "stacks": [entry("stack", s) for s in stacks],
    }


def is_described(item: Credential | Stack, site_urls: SiteUrls) -> bool:
    """Whether an item gets CTDL: published (not a draft), with a ctid, on a site with a full --base-url."""
    return site_urls.origin is not None and item.ctid is not None and not item.is_draft


def organization_node(issuer: Issuer, language: str) -> dict[str, Any]:
    ctid = organization_ctid(issuer)
    node: dict[str, Any] = {
        "@id": resource_id(ctid),
        "@type": ISSUER_TYPE,
        "ceterms:ctid": ctid,
        "ceterms:name": {language: issuer.name},
    }
    if issuer.url:
        node["ceterms:subjectWebpage"] = issuer.url
    if issuer.email:
        node["ceterms:email"] = [issuer.email]
    return node


def credential_node(
    credential: Credential, site: Site, stacks: tuple[Stack, ...], site_urls: SiteUrls, today: datetime.date
) -> dict[str, Any] | None:
    c = credential
    page = site_urls.absolute(urls.credential(c.id))
    if page is None or c.ctid is None or not is_described(c, site_urls):
        return None
    language = site.language
    node = _common(c.ctid, CREDENTIAL_TYPE, c.title, f"{c.label} {c.competency}", page, c.issuer, c.status, language)
    node["ceterms:audienceLevelType"] = [_concept("AudienceLevel", "Audience Level", *LEVELS[c.level], language)]
    node["ceterms:estimatedDuration"] = [_duration(c.effort_hours, language)]
    node["ceterms:estimatedCost"] = [_cost(c.cost, page + "#delivery", "this credential", language)]
    count = len(c.evaluation.criteria)
    criteria = f"assessors judge it against {count} published criteri{'on' if count == 1 else 'a'}"
    node["ceterms:requires"] = [
        {
            "@type": "ceterms:ConditionProfile",
            "ceterms:name": {language: "Evidence of the competency"},
            "ceterms:description": {
                language: f"Submit the evidence listed; {criteria}. Passing: {c.evaluation.passing}"
            },
            "ceterms:targetCompetency": [
                {"@type": "ceterms:CredentialAlignmentObject", "ceterms:targetNodeName": {language: c.competency}}
            ],
            "ceterms:condition": {language: [f"{e.name} ({e.format}): {e.scope}" for e in c.evidence]},
            "ceterms:subjectWebpage": page + "#evidence",
        }
    ]
    if c.badge:
        node["ceterms:image"] = site_urls.absolute(c.badge.image)
    part_of = [resource_id(s.ctid) for s in stacks if s.ctid and not s.is_draft]
    if part_of:
        node["ceterms:isPartOf"] = part_of
    node.update(_recognition(c.recognition, site, today))
    return node


def _common(
    ctid: str, kind: str, name: str, description: str, page: str, issuer: Issuer, status: str, language: str
) -> dict[str, Any]:
    organization = resource_id(organization_ctid(issuer))
    target, label = STATUS[status]
    return {
        "@id": resource_id(ctid),
        "@type": kind,
        "ceterms:ctid": ctid,
        "ceterms:name": {language: name},
        "ceterms:description": {language: description},
        "ceterms:subjectWebpage": page,
        "ceterms:ownedBy": [organization],
        "ceterms:offeredBy": [organization],
        "ceterms:credentialStatusType": _concept("CredentialStatus", "Credential Status", target, label, language),
        "ceterms:inLanguage": [language],
    }


def _concept(scheme: str, scheme_name: str, target: str, label: str, language: str) -> dict[str, Any]:
    """A concept of one of CTDL's concept schemes, as the registry writes it."""
    return {
        "@type": "ceterms:CredentialAlignmentObject",
        "ceterms:framework": TERMS + scheme,
        "ceterms:frameworkName": {language: scheme_name},
        "ceterms:targetNode": target,
        "ceterms:targetNodeName": {language: label},
    }


def iso_hours(hours: float) -> str:
    """An ISO 8601 duration in hours and minutes: 8 -> 'PT8H', 7.5 -> 'PT7H30M', 0.25 -> 'PT15M'."""
    whole, minutes = divmod(round(hours * 60), 60)
    return "PT" + (f"{whole}H" if whole or not minutes else "") + (f"{minutes}M" if minutes else "")


def _duration(hours: float, language: str) -> dict[str, Any]:
    return {
        "@type": "ceterms:DurationProfile",
        "ceterms:timeRequired": iso_hours(hours),
        "ceterms:description": {
            language: f"About {formatting.hours(hours)} of work (time on task, not calendar time)."
        },
    }


def _cost(cost: Cost, details: str, what: str, language: str) -> dict[str, Any]:
    words = f"No cost to earn {what}." if cost.is_free else f"The cost of earning {what}."
    return {
        "@type": "ceterms:CostProfile",
        "ceterms:price": _number(cost.amount),
        "ceterms:currency": cost.currency,
        "ceterms:costDetails": details,
        "ceterms:description": {language: words + (f" {cost.notes}" if cost.notes else "")},
    }


def _recognition(rows: Iterable[RecognitionRow], site: Site, today: datetime.date) -> dict[str, Any]:
    """recognizedBy, recognizedIn and, for a credit, isAdvancedStandingFor, from the rows that count (approved,
    unexpired) only."""
    rows = [row for row in rows if counts(row, today)]
    if not rows:
        return {}
    language = site.language
    agents = {row.authority: _recognizer(row.authority, language) for row in rows}
    recognized_in = []
    standing = []
    for row in rows:
        words = _recognition_words(row, site)
        place = {
            "@type": "ceterms:JurisdictionProfile",
            "ceterms:mainJurisdiction": [
                {
                    "@type": "ceterms:Place",
                    "ceterms:addressRegion": {language: site.jurisdiction_name(row.jurisdiction)},
                }
            ],
        }
        agent = [agents[row.authority]]
        recognized_in.append({**place, "ceterms:assertedBy": agent, "ceterms:description": {language: words}})
        if row.credit is not None:
            value: dict[str, Any] = {
                "@type": "ceterms:ValueProfile",
                "schema:value": _number(row.credit.amount),
                "schema:description": {
                    language: f"{formatting.number(row.credit.amount)} {site.unit_name(row.credit.unit)}"
                },
            }
            if row.credit.unit in CREDIT_UNITS:
                concept = _concept("CreditUnit", "Credit Unit", *CREDIT_UNITS[row.credit.unit], language)
                value["ceterms:creditUnitType"] = [concept]
            standing.append(
                {
                    "@type": "ceterms:ConditionProfile",
                    "ceterms:description": {language: words},
                    "ceterms:assertedBy": agent,
                    "ceterms:jurisdiction": [place],
                    "ceterms:creditValue": [value],
                    "ceterms:subjectWebpage": row.source,
                }
            )
    result: dict[str, Any] = {"ceterms:recognizedBy": list(agents.values()), "ceterms:recognizedIn": recognized_in}
    if standing:
        result["ceterms:isAdvancedStandingFor"] = standing
    return result


def _recognizer(authority: str, language: str) -> dict[str, Any]:
    """The recognizer named by a row: a blank node (it is not ours to give a CTID), the same one wherever it appears."""
    return {
        "@id": f"_:recognizer-{uuid.uuid5(uuid.NAMESPACE_URL, f'urn:credential-catalog:recognizer:{authority}')}",
        "@type": RECOGNIZER_TYPE,
        "ceterms:name": {language: authority},
    }


def _recognition_words(row: RecognitionRow, site: Site) -> str:
    """'Counts for license renewal in North Carolina: 0.8 CEU, per NC DPI, as of 2026-06-01. Source: ...'"""
    text = f"Counts for {site.use_name(row.use)} in {site.jurisdiction_name(row.jurisdiction)}"
    details = [value for value in (row.license, row.requirement_area) if value]
    if details:
        text += f" ({'; '.join(details)})"
    if row.credit is not None:
        text += f": {formatting.number(row.credit.amount)} {site.unit_name(row.credit.unit)}"
    text += f", per {row.authority}, as of {row.as_of.isoformat()}"
    if row.expires is not None:
        text += f", until {row.expires.isoformat()}"
    text += "."
    if isinstance(row, LicensureFitRow):
        text += (
            " Approved for the stack as a whole."
            if row.basis == "stack"
            else " It counts through the members' own approvals."
        )
    if row.notes:
        text += f" {row.notes}"
    return f"{text} Source: {row.source}"


def _number(value: float) -> int | float:
    """Whole amounts as integers (21, not 21.0)."""
    return int(value) if float(value).is_integer() else value
