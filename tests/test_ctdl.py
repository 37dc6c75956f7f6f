"""CTDL JSON-LD for Credential Engine's registry: what docs/interop.md ("CTDL (Credential Engine)") promises.

Nodes are checked against Credential Engine's own 2018 validation schemas (vendored, read-only, in
tests/reference/ctdl/, vendored unchanged), after the differences the doc lists (terms newer than 2018, language maps).
"""

from __future__ import annotations

import copy
import dataclasses
import datetime
import json
import re
import uuid
from pathlib import Path
from typing import Any, Iterator

import pytest
from jsonschema import Draft4Validator

from catalog.check import CheckOptions, check_catalog, resolve_today
from catalog.content import Catalog
from catalog.recognition import counts
from site_builder import ctdl
from site_builder.cli import main
from site_builder.urls import SiteUrls
from tests.conftest import REPO, SAMPLE, SAMPLE_TODAY

REFERENCE = REPO / "tests" / "reference" / "ctdl"
INTEROP = REPO / "docs" / "interop.md"
FIXTURE_URL = "https://example.org/catalog/"
ORGANIZATION_TYPES = {"ceterms:CredentialOrganization", "ceterms:QACredentialOrganization"}
CTID = re.compile(r"^ce-[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")
TODAY = datetime.date(2026, 11, 24)


def reference_schema(name: str) -> dict[str, Any]:
    path = REFERENCE / name
    schema: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return schema


@pytest.fixture(scope="module")
def credential_schema() -> dict[str, Any]:
    return reference_schema("credentialSchema.json")


@pytest.fixture(scope="module")
def known_terms(credential_schema) -> tuple[set[str], set[str]]:
    """(every property, every class) the 2018 credential and organization schemas define."""
    properties: set[str] = set()
    classes: set[str] = set()
    for schema in (credential_schema, reference_schema("agentSchema.json")):
        for definition in schema["definitions"].values():
            properties.update(definition.get("properties", {}))
            classes.update(definition.get("properties", {}).get("@type", {}).get("enum", []))
    return properties, classes


def build(content: Path, out: Path, *extra: str) -> int:
    return main(["build", "--content", str(content), "--out", str(out), "--no-search", *extra])


def read(path: Path) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return data


def documents(site: Path) -> dict[str, dict[str, Any]]:
    """Every item's CTDL file of a built site, by its path (not the index at the root)."""
    return {str(p.relative_to(site)): read(p) for p in sorted(site.glob("*/*/ctdl.json"))}


def node_of(document: dict[str, Any]) -> dict[str, Any]:
    """The document's node, without its @context."""
    return {key: value for key, value in document.items() if key != "@context"}


def credentials_in(document: dict[str, Any]) -> list[dict[str, Any]]:
    return [node for node in [node_of(document)] if node["@type"] == ctdl.CREDENTIAL_TYPE]


def all_nodes(documents: dict[str, dict[str, Any]]) -> dict[str, dict[str, Any]]:
    """Every credential and stack node of a site, by @id."""
    return {node["@id"]: node for document in documents.values() for node in credentials_in(document)}


def walk(value: Any) -> Iterator[dict[str, Any]]:
    """Every JSON object in a value, nested ones included."""
    if isinstance(value, dict):
        yield value
        for item in value.values():
            yield from walk(item)
    elif isinstance(value, list):
        for item in value:
            yield from walk(item)


def as_2018(node: dict[str, Any], language: str) -> dict[str, Any]:
    """The node as the 2018 schema expects it: newer terms removed, language maps turned back into text.

    Both lists come from site_builder/ctdl.py, which docs/interop.md shows (see test_doc_lists_...)."""
    node = copy.deepcopy(node)
    for obj in list(walk(node)):
        for key in [key for key in obj if key in ctdl.NEWER_THAN_2018]:
            del obj[key]
    for obj in walk(node):
        for key in ctdl.LANGUAGE_MAPS:
            if key in obj:
                text = obj[key]
                assert isinstance(text, dict) and list(text) == [language], f"{key} is not a language map: {text!r}"
                obj[key] = text[language]
    return node


def schema_errors(schema: dict[str, Any], node: dict[str, Any]) -> list[str]:
    validator = Draft4Validator({**schema, "$ref": f"#/definitions/{node['@type']}"})
    return [f"{'/'.join(map(str, e.absolute_path))}: {e.message}" for e in validator.iter_errors(node)]


@pytest.fixture(scope="module")
def sample_catalog() -> Catalog:
    catalog = check_catalog(SAMPLE, CheckOptions(resolve_today(SAMPLE_TODAY))).catalog
    assert catalog is not None
    return catalog.published()


@pytest.fixture(scope="module")
def sample_documents(sample_site: Path) -> dict[str, dict[str, Any]]:
    return documents(sample_site)


@pytest.fixture(scope="module")
def sample_index(sample_site: Path) -> dict[str, Any]:
    return read(sample_site / "ctdl.json")


# --- Credential Engine's schema ----------------------------------------------------------------------------


@pytest.mark.sample
def test_every_node_is_valid_against_the_2018_schema(sample_documents, sample_catalog, credential_schema) -> None:
    language = sample_catalog.site.language
    checked = 0
    for path, document in sample_documents.items():
        for node in credentials_in(document):
            assert schema_errors(credential_schema, as_2018(node, language)) == [], f"{path}: {node['@id']}"
            checked += 1
    published = len(sample_catalog.credentials) + len(sample_catalog.stacks)
    assert checked == published  # each in its own file, once


def test_fixture_nodes_are_valid_against_the_2018_schema(make_content, tmp_path: Path, credential_schema) -> None:
    out = tmp_path / "site"
    assert build(make_content(), out, "--base-url", FIXTURE_URL) == 0
    for path, document in documents(out).items():
        for node in credentials_in(document):
            assert schema_errors(credential_schema, as_2018(node, "en")) == [], path


@pytest.mark.sample
def test_required_terms_are_present_and_typed(sample_documents) -> None:
    for path, document in sample_documents.items():
        assert document["@context"] == ctdl.CONTEXT, path
        for node in credentials_in(document):
            where = f"{path}: {node.get('@id')}"
            assert CTID.match(node["ceterms:ctid"]), where
            assert node["@id"] == "https://credentialengineregistry.org/resources/" + node["ceterms:ctid"], where
            assert set(node["ceterms:name"]) == {"en"} and node["ceterms:name"]["en"].strip(), where
            assert set(node["ceterms:description"]) == {"en"} and node["ceterms:description"]["en"].strip(), where
            assert "<" not in node["ceterms:description"]["en"], f"{where}: the description is plain text, not HTML"
            assert node["ceterms:subjectWebpage"].startswith("https://owner.github.io/repo/"), where
            status = node["ceterms:credentialStatusType"]
            assert status["@type"] == "ceterms:CredentialAlignmentObject", where
            assert status["ceterms:targetNode"] in {"credentialStat:Active", "credentialStat:Deprecated"}, where
            owners = node.get("ceterms:ownedBy", []) + node.get("ceterms:offeredBy", [])
            assert owners and all(o.startswith(ctdl.REGISTRY_RESOURCES) for o in owners), where
            assert node["ceterms:inLanguage"] == ["en"], where


@pytest.mark.sample
def test_every_key_is_a_term_of_the_2018_schema_or_listed_as_newer(sample_documents, known_terms) -> None:
    properties, classes = known_terms
    framing = {"@context", "@id", "@type"}
    for path, document in sample_documents.items():
        for obj in walk(document):
            for key in obj:
                assert key in framing or key in properties or key in ctdl.NEWER_THAN_2018, f"{path}: {key}"
            if "@type" in obj:
                assert obj["@type"] in classes or obj["@type"] in ctdl.NEWER_THAN_2018, f"{path}: {obj['@type']}"


@pytest.mark.sample
def test_the_organization_uses_only_terms_of_the_2018_organization_schema(sample_index) -> None:
    agent = reference_schema("agentSchema.json")["definitions"]["ceterms:CredentialOrganization"]
    organizations = sample_index["organizations"]
    assert len(organizations) == 1 and organizations[0]["@context"] == ctdl.CONTEXT
    assert organizations[0]["@type"] in ORGANIZATION_TYPES
    assert set(node_of(organizations[0])) <= set(agent["properties"])


# --- Links and recognition ---------------------------------------------------------------------------------


@pytest.mark.sample
def test_has_part_and_is_part_of_are_symmetric(sample_documents, sample_catalog) -> None:
    nodes = all_nodes(sample_documents)
    has_part = {(stack, part) for stack, node in nodes.items() for part in node.get("ceterms:hasPart", [])}
    is_part_of = {(stack, part) for part, node in nodes.items() for stack in node.get("ceterms:isPartOf", [])}
    assert has_part == is_part_of
    expected = {
        (ctdl.resource_id(s.ctid), ctdl.resource_id(sample_catalog.by_id[m].ctid))
        for s in sample_catalog.stacks
        for m in s.credentials
    }
    assert has_part == expected and expected
    assert all(pair[1] in nodes and pair[0] in nodes for pair in has_part)


def recognition_claims(node: dict[str, Any]) -> set[tuple[str, str]]:
    return {
        (profile["ceterms:mainJurisdiction"][0]["ceterms:addressRegion"]["en"], agent["ceterms:name"]["en"])
        for profile in node.get("ceterms:recognizedIn", [])
        for agent in profile["ceterms:assertedBy"]
    }


def credit_claims(node: dict[str, Any]) -> list[tuple[str, str, float]]:
    return sorted(
        (
            profile["ceterms:jurisdiction"][0]["ceterms:mainJurisdiction"][0]["ceterms:addressRegion"]["en"],
            profile["ceterms:assertedBy"][0]["ceterms:name"]["en"],
            value["schema:value"],
        )
        for profile in node.get("ceterms:isAdvancedStandingFor", [])
        for value in profile["ceterms:creditValue"]
    )


@pytest.mark.sample
def test_only_approved_unexpired_recognition_is_emitted(sample_documents, sample_catalog) -> None:
    site, today = sample_catalog.site, resolve_today(SAMPLE_TODAY)
    nodes = all_nodes(sample_documents)
    items = [*sample_catalog.credentials, *sample_catalog.stacks]
    skipped = 0
    for item in items:
        rows = item.recognition if hasattr(item, "recognition") else item.licensure_fit
        counting = [row for row in rows if counts(row, today)]
        skipped += len(rows) - len(counting)
        node = nodes[ctdl.resource_id(item.ctid)]
        assert recognition_claims(node) == {(site.jurisdiction_name(r.jurisdiction), r.authority) for r in counting}
        assert {a["ceterms:name"]["en"] for a in node.get("ceterms:recognizedBy", [])} == {
            r.authority for r in counting
        }
        assert credit_claims(node) == sorted(
            (site.jurisdiction_name(r.jurisdiction), r.authority, r.credit.amount) for r in counting if r.credit
        )
    assert skipped, "the sample should hold rows that do not count (pending, pilot), or this test proves little"


def test_expired_and_pending_recognition_is_left_out(make_content, tmp_path: Path) -> None:
    row = (
        "  - {jurisdiction: NC, authority: NC DPI, use: license_renewal, credit: {amount: 0.5, unit: CEU}, "
        "status: approved, source: https://nc.example.org/renewal/approved, as_of: 2026-06-01}\n"
    )
    expired = (
        "  - {jurisdiction: WY, authority: WY PTSB, use: license_renewal, credit: {amount: 1, unit: CEU}, "
        "status: approved, source: https://wy.example.org/renewal, as_of: 2026-01-01, expires: 2026-06-30}\n"
    )
    pending = (
        "  - {jurisdiction: WY, authority: WY Pending Board, use: professional_learning, status: pending, "
        "source: https://wy.example.org/pending, as_of: 2026-06-01}\n"
    )
    content = make_content(edits={"credentials/beta.md": [(row, row + expired + pending)]})
    out = tmp_path / "site"
    assert build(content, out, "--base-url", FIXTURE_URL) == 0
    node = read(out / "credentials/beta/ctdl.json")
    assert recognition_claims(node) == {("North Carolina", "NC DPI")}
    assert credit_claims(node) == [("North Carolina", "NC DPI", 0.5)]
    assert "WY" not in json.dumps(node) and "Wyoming" not in json.dumps(node)


# --- Which files, for which items --------------------------------------------------------------------------


@pytest.mark.parametrize("drafts", [False, True], ids=["published", "with-drafts"])
def test_the_index_lists_exactly_the_published_items_and_one_organization(
    make_content, tmp_path: Path, drafts: bool
) -> None:
    content = make_content()
    out = tmp_path / "site"
    assert build(content, out, "--base-url", FIXTURE_URL, *(["--drafts"] if drafts else [])) == 0
    catalog = check_catalog(content, CheckOptions(TODAY)).catalog
    assert catalog is not None and any(c.is_draft for c in catalog.credentials)  # gamma: a draft with a ctid
    published = catalog.published()
    index = read(out / "ctdl.json")
    assert set(index) == {"organizations", "credentials", "stacks"}
    organizations = index["organizations"]
    assert len(organizations) == 1 and organizations[0]["@id"] == ctdl.resource_id(
        ctdl.organization_ctid(catalog.site.issuer)
    )
    listed = [*index["credentials"], *index["stacks"]]
    expected = {item.ctid for item in [*published.credentials, *published.stacks]}
    assert {entry["ctid"] for entry in listed} == expected and len(listed) == len(expected)
    assert not (out / "credentials/gamma/ctdl.json").exists()
    for entry in listed:  # each entry points at the item's own document, which carries that CTID
        assert entry["document"].startswith(FIXTURE_URL)
        own = read(out / entry["document"].removeprefix(FIXTURE_URL))
        assert own["@context"] == ctdl.CONTEXT and own["ceterms:ctid"] == entry["ctid"]
        assert own["ceterms:name"]["en"] == entry["name"]
    assert {e["document"] for e in index["stacks"]} == {FIXTURE_URL + "stacks/pair/ctdl.json"}


def test_an_item_without_a_ctid_gets_no_ctdl_and_no_links(make_content, tmp_path: Path) -> None:
    content = make_content(edits={"credentials/beta.md": [("ctid: ce-5971b911-8101-5ecf-b100-66e58046a5ba\n", "")]})
    out = tmp_path / "site"
    assert build(content, out, "--base-url", FIXTURE_URL) == 0
    assert not (out / "credentials/beta/ctdl.json").exists()
    stack = read(out / "stacks/pair/ctdl.json")
    alpha = read(out / "credentials/alpha/ctdl.json")
    assert stack["ceterms:hasPart"] == [alpha["@id"]] == stack["ceterms:requires"][0]["ceterms:targetCredential"]
    assert alpha["ceterms:isPartOf"] == [stack["@id"]]
    assert "beta" not in json.dumps(read(out / "ctdl.json"))  # nor in the index


@pytest.mark.parametrize("base_url", ["/catalog/", "catalog"])
def test_no_ctdl_without_a_full_base_url(make_content, tmp_path: Path, base_url: str) -> None:
    out = tmp_path / "site"
    assert build(make_content(), out, "--base-url", base_url) == 0
    assert (out / "credentials/alpha/credential.json").is_file()
    assert list(out.rglob("ctdl.json")) == []


# --- Values --------------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def fixture_catalog() -> Catalog:
    from tests.conftest import FIXTURES

    catalog = check_catalog(FIXTURES / "base", CheckOptions(TODAY)).catalog
    assert catalog is not None
    return catalog.published()


def test_a_retired_credential_is_deprecated(fixture_catalog: Catalog) -> None:
    retired = dataclasses.replace(fixture_catalog.by_id["alpha"], status="retired")
    node = ctdl.credential_node(
        retired, fixture_catalog.site, fixture_catalog.stacks_with(retired), SiteUrls.parse(FIXTURE_URL), TODAY
    )
    assert (
        node is not None and node["ceterms:credentialStatusType"]["ceterms:targetNode"] == "credentialStat:Deprecated"
    )


def test_a_draft_gets_no_document(fixture_catalog: Catalog) -> None:
    draft = dataclasses.replace(fixture_catalog.by_id["alpha"], status="draft")
    assert (
        ctdl.credential_document(
            draft, fixture_catalog.site, fixture_catalog.stacks_with(draft), SiteUrls.parse(FIXTURE_URL), TODAY
        )
        is None
    )


def test_credential_values_come_from_the_content(fixture_catalog: Catalog) -> None:
    beta = fixture_catalog.by_id["beta"]
    node = ctdl.credential_node(
        beta, fixture_catalog.site, fixture_catalog.stacks_with(beta), SiteUrls.parse(FIXTURE_URL), TODAY
    )
    assert node is not None
    assert node["ceterms:description"]["en"] == f"{beta.label} {beta.competency}"
    assert node["ceterms:subjectWebpage"] == "https://example.org/catalog/credentials/beta/"
    assert node["ceterms:estimatedDuration"][0]["ceterms:timeRequired"] == "PT6H"
    cost = node["ceterms:estimatedCost"][0]
    assert (cost["ceterms:price"], cost["ceterms:currency"]) == (50, "USD")
    requirement = node["ceterms:requires"][0]
    assert requirement["ceterms:targetCompetency"][0]["ceterms:targetNodeName"]["en"] == beta.competency
    assert requirement["ceterms:condition"]["en"] == [f"{e.name} ({e.format}): {e.scope}" for e in beta.evidence]
    assert node["ceterms:audienceLevelType"][0]["ceterms:targetNode"] == "audLevel:BeginnerLevel"
    assert "ceterms:audienceType" not in node  # no Audience concept fits an educator role (docs/interop.md)


@pytest.mark.parametrize(
    "hours, duration", [(8, "PT8H"), (7.5, "PT7H30M"), (0.25, "PT15M"), (0, "PT0H"), (1.999, "PT2H")]
)
def test_effort_hours_as_an_iso_8601_duration(hours: float, duration: str) -> None:
    assert ctdl.iso_hours(hours) == duration


def test_the_organization_ctid_is_derived_and_stable(fixture_catalog: Catalog) -> None:
    issuer = fixture_catalog.site.issuer
    assert issuer.url == "https://issuer.example.org"
    assert ctdl.organization_ctid(issuer) == f"ce-{uuid.uuid5(uuid.NAMESPACE_URL, 'https://issuer.example.org')}"
    nameless = dataclasses.replace(issuer, url=None)
    expected = uuid.uuid5(uuid.NAMESPACE_URL, "urn:credential-catalog:issuer:Fixture Issuer")
    assert ctdl.organization_ctid(nameless) == f"ce-{expected}"
    assert CTID.match(ctdl.organization_ctid(issuer)) and CTID.match(ctdl.organization_ctid(nameless))


# --- The documentation ---------------------------------------------------------------------------------------


def doc_section(title: str) -> str:
    text = INTEROP.read_text(encoding="utf-8")
    start = text.index(f"\n## {title}\n")
    end = text.find("\n## ", start + 1)
    return text[start : end if end != -1 else len(text)]


def table_terms(section: str, heading_or_header: str) -> list[str]:
    """The backticked first cells of the table that follows `heading_or_header`."""
    rest = section[section.index(heading_or_header) :]
    rows = re.search(r"\n(\|.*\|\n)+", rest)
    assert rows is not None, heading_or_header
    return re.findall(r"^\| `([^`]+)` \|", rows.group(0), re.MULTILINE)


def test_the_doc_shows_exactly_the_newer_terms_and_the_language_maps() -> None:
    section = doc_section("CTDL (Credential Engine)")
    assert table_terms(section, "### Terms newer than the 2018 validation schema") == list(ctdl.NEWER_THAN_2018)
    assert table_terms(section, "| language-map term |") == list(ctdl.LANGUAGE_MAPS)
