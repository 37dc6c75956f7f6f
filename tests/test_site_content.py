"""The built sample site says what the content says: every component, computed stack facts,
and every recognition statement on its state's page."""

from __future__ import annotations

import html
import re
from pathlib import Path

import pytest

from catalog.check import CheckOptions, check_catalog, resolve_today
from catalog.labels import label_stack
from site_builder.formatting import cost_range, hours_range
from tests.conftest import REPO, SAMPLE_TODAY
from tests.linkcheck import broken_links

pytestmark = pytest.mark.sample


@pytest.fixture(scope="module")
def catalog():
    return check_catalog(REPO / "content", CheckOptions(resolve_today(SAMPLE_TODAY))).catalog.published()


def page_text(site: Path, path: str) -> str:
    """The page's text with tags removed and whitespace collapsed, as a reader sees it."""
    raw = (site / path / "index.html").read_text(encoding="utf-8")
    return re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", " ", raw)))


def squash(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def test_sample_catalog_validates_cleanly() -> None:
    result = check_catalog(REPO / "content", CheckOptions(resolve_today(SAMPLE_TODAY)))
    assert result.catalog is not None
    assert [d.format() for d in result.diagnostics] == []


def test_every_component_of_every_credential_is_on_its_page(sample_site: Path, catalog) -> None:
    for c in catalog.credentials:
        text = page_text(sample_site, f"credentials/{c.id}")
        expected = [
            c.title,
            c.label,
            c.competency,
            c.evaluation.passing,
            c.assessment.assessor_training,
            c.assessment.orientation,
        ]
        expected += [item.criterion for item in c.evaluation.criteria] + list(c.evaluation.level_names)
        expected += [look for item in c.evaluation.criteria for look in item.look_fors]
        expected += [e.name for e in c.evidence] + [e.scope for e in c.evidence] + [e.format for e in c.evidence]
        expected += [r.title for r in c.resources] + [r.citation for r in c.research]
        expected += [s.framework for s in c.standards] + [row.authority for row in c.recognition]
        expected += list(c.delivery.supports.synchronous) + list(c.delivery.supports.asynchronous)
        expected += [event.summary for event in (c.review.history if c.review else ())]
        for paragraph in re.split(r"\n\s*\n", c.description):
            words = re.sub(r"[#*_\[\]`]|\(#?[\w/:.-]*\)|^\d+\.\s", " ", paragraph, flags=re.M)
            expected.append(squash(words).split(" ")[0])
        missing = [item for item in expected if item and squash(item) not in text]
        assert missing == [], f"{c.id}: {missing}"
        for anchor in (
            "competency",
            "description",
            "evidence",
            "evaluation",
            "standards",
            "resources",
            "research",
            "submission",
            "assessment",
            "delivery",
            "recognition",
            "development",
            "badge",
            "review",
            "request",
        ):
            assert f'id="{anchor}"' in (sample_site / f"credentials/{c.id}/index.html").read_text()


def test_each_stack_page_shows_its_computed_hours_and_rule(sample_site: Path, catalog) -> None:
    for stack in catalog.stacks:
        facts = label_stack(stack, catalog.members(stack))
        text = page_text(sample_site, f"stacks/{stack.id}")
        assert hours_range(facts) in text and cost_range(facts) in text
        assert facts.rule.capitalize() in text
        for member in catalog.members(stack):
            assert member.title in text and member.competency in text


def test_each_recognition_page_lists_everything_that_counts_there(sample_site: Path, catalog) -> None:
    for jurisdiction in catalog.site.jurisdictions:
        code, name = jurisdiction.code, jurisdiction.name
        text = page_text(sample_site, f"recognition/{code.lower()}")
        counting = [c.title for c in catalog.credentials if any(r.jurisdiction == code for r in c.recognition)]
        counting += [s.title for s in catalog.stacks if any(r.jurisdiction == code for r in s.licensure_fit)]
        assert counting, f"the sample should have something that counts in {name}"
        assert [title for title in counting if title not in text] == []
        others = [c.title for c in catalog.credentials if c.title not in counting and c.title in text]
        assert others == []


def test_stale_recognition_is_flagged_on_the_page(make_content, tmp_path: Path) -> None:
    from site_builder.cli import main

    content = make_content(edits={"credentials/alpha.md": [["as_of: 2026-06-01", "as_of: 2025-01-01"]]})
    assert main(["build", "--content", str(content), "--out", str(tmp_path / "s"), "--no-search"]) == 0
    assert "Needs re-confirmation" in (tmp_path / "s/credentials/alpha/index.html").read_text()
    assert "Needs re-confirmation" in (tmp_path / "s/recognition/nc/index.html").read_text()
    assert "Needs re-confirmation" not in (tmp_path / "s/credentials/beta/index.html").read_text()


def test_sample_site_links_all_resolve(sample_site: Path) -> None:
    assert broken_links(sample_site, "/repo/") == []


def test_quality_verdicts_are_on_credential_pages_and_the_dashboard(sample_site: Path) -> None:
    gap = page_text(sample_site, "credentials/decodable-text-small-groups")
    assert "Quality assurance" in gap and "meets 5 of 14 standards" in gap
    assert (
        "QAS-07: Resources, exemplars and collaboration Not met Data checks no exemplar submission among the resources"
        in gap
    )
    assert (
        "QAS-01: One discrete skill Awaits review Awaits a reviewer Awaits a reviewer's judgement (see the standard)"
        in gap
    )
    full = page_text(sample_site, "credentials/exit-tickets")
    assert "meets 14 of 14 standards, so it meets every standard" in full
    assert "Self-assessment by R. Alvarez (Sample Educator Learning Collaborative), 2026-10-01" in full
    dashboard = page_text(sample_site, "quality")
    assert "Of 14 published credentials: 1 meets every standard" in dashboard
    assert "11 await a reviewer's judgement on at least one standard; 2 do not meet at least one" in dashboard
    assert "QAS-12: Periodic, data-driven review Data 13 1 0" in dashboard
    assert (
        "QAS-04: Clear, aligned, authentic evaluation Data checks, then a person"
        " (1 self-assessment, 1 external review) 1 1 12" in dashboard
    )
    assert (
        "Formative Assessment Foundations Not met Co-constructing Success Criteria with Students (not met)" in dashboard
    )
    stack = page_text(sample_site, "stacks/formative-assessment-foundations")
    assert "Quality assurance Against the MPOS Quality Assurance Standards (2024): Not met" in stack
    assert "Co-constructing Success Criteria with Students : not met" in stack
