"""Versions that stay put: each version of a credential keeps its own page, record and Open Badges
Achievement, unchanged when a later version is published."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest

from site_builder import views
from site_builder.cli import main
from tests.conftest import REPO

ACHIEVEMENT_SCHEMA = REPO / "tests" / "reference" / "openbadges-3.0" / "achievementcredential.schema.json"
BASE = "https://example.org/catalog/"


def build(content: Path, out: Path) -> None:
    assert main(["build", "--content", str(content), "--out", str(out), "--no-search", "--base-url", BASE]) == 0


def achievement_validator() -> jsonschema.protocols.Validator:
    schema = json.loads(ACHIEVEMENT_SCHEMA.read_text(encoding="utf-8"))
    return jsonschema.Draft201909Validator({"$ref": "#/$defs/Achievement", "$defs": schema["$defs"]})


@pytest.fixture
def versioned(make_content, tmp_path: Path):
    """Version 1.0.0 of alpha built, then archived with `credcat new version` and revised to 1.1.0."""
    content = make_content(
        edits={"credentials/alpha.md": [["level: introductory", "level: introductory\nversion: 1.0.0"]]}
    )
    build(content, tmp_path / "first")
    assert main(["new", "version", "alpha", "--content", str(content)]) == 0
    alpha = content / "credentials" / "alpha.md"
    alpha.write_text(
        alpha.read_text(encoding="utf-8")
        .replace("version: 1.0.0", "version: 1.1.0")
        .replace("title: Alpha Skill", "title: Alpha Skill, Revised"),
        encoding="utf-8",
    )
    build(content, tmp_path / "second")
    return tmp_path / "first", tmp_path / "second", content


def test_an_archived_version_stays_byte_identical_when_a_newer_one_is_published(versioned) -> None:
    first, second, _ = versioned
    folder = "credentials/alpha/v1.0.0"
    for name in ("index.html", "credential.json", "achievement.json"):
        assert (first / folder / name).read_bytes() == (second / folder / name).read_bytes(), name
    assert "Alpha Skill, Revised" in (second / "credentials/alpha/index.html").read_text(encoding="utf-8")
    assert "Alpha Skill, Revised" not in (second / folder / "index.html").read_text(encoding="utf-8")


def test_each_version_has_its_own_valid_achievement_and_the_newer_points_at_the_older(versioned) -> None:
    _, second, _ = versioned
    old = json.loads((second / "credentials/alpha/v1.0.0/achievement.json").read_text(encoding="utf-8"))
    new = json.loads((second / "credentials/alpha/v1.1.0/achievement.json").read_text(encoding="utf-8"))
    validator = achievement_validator()
    for achievement in (old, new):
        assert list(validator.iter_errors(achievement)) == []
    assert old["id"] == BASE + "credentials/alpha/v1.0.0/achievement.json"
    assert new["id"] == BASE + "credentials/alpha/v1.1.0/achievement.json" != old["id"]
    assert new["related"] == [{"id": old["id"], "type": ["Related"], "version": "1.0.0"}]
    assert "related" not in old
    assert old["criteria"]["id"] == BASE + "credentials/alpha/v1.0.0/#evaluation"  # the version's own criteria
    assert new["criteria"]["id"] == BASE + "credentials/alpha/v1.1.0/#evaluation"
    # A versioned credential's Achievement lives in its version's folder only: no second copy beside the page.
    assert not (second / "credentials/alpha/achievement.json").exists()
    page = (second / "credentials/alpha/index.html").read_text(encoding="utf-8")
    assert 'href="/catalog/credentials/alpha/v1.0.0/">version 1.0.0</a>' in page
    assert 'href="/catalog/credentials/alpha/v1.1.0/achievement.json">' in page


def test_a_version_page_holds_what_a_verifier_checks_and_nothing_that_changes(versioned) -> None:
    _, second, _ = versioned
    page = (second / "credentials/alpha/v1.0.0/index.html").read_text(encoding="utf-8")
    for anchor in ("competency", "description", "evidence", "evaluation", "standards", "resources", "research"):
        assert f'id="{anchor}"' in page, anchor
    assert 'class="rubric"' in page and 'id="criterion-' in page
    for anchor in ("label", "recognition", "quality", "review", "request"):  # the current page's, as of today
        assert f'id="{anchor}"' not in page, anchor
    assert "data-pagefind-body" not in page and "data-pagefind-filter" not in page  # only the current page is searched
    assert 'href="/catalog/credentials/alpha/v1.0.0/credential.json"' in page
    assert 'href="/catalog/credentials/alpha/v1.0.0/achievement.json"' in page


def test_a_broken_achievement_fails_the_official_schema(versioned) -> None:
    _, second, _ = versioned
    achievement = json.loads((second / "credentials/alpha/v1.1.0/achievement.json").read_text(encoding="utf-8"))
    broken = {**achievement, "type": "Achievement"}  # must be a list
    assert list(achievement_validator().iter_errors(broken))


def test_archiving_the_same_version_twice_is_refused(versioned, capsys) -> None:
    _, _, content = versioned
    alpha = content / "credentials" / "alpha.md"
    alpha.write_text(alpha.read_text(encoding="utf-8").replace("version: 1.1.0", "version: 1.0.0"), encoding="utf-8")
    assert main(["new", "version", "alpha", "--content", str(content)]) == 2
    assert main(["validate", "--content", str(content)]) == 1
    assert "error[R017]: version 1.0.0 is both archived and current" in capsys.readouterr().err


def test_a_stack_with_its_own_badge_gets_a_valid_achievement_naming_its_members(make_content, tmp_path: Path) -> None:
    content = make_content(
        edits={
            "stacks/pair.yaml": [
                [
                    "completion: {rule: all}",
                    "completion: {rule: all}\nawards: {badge: {image: badges/alpha.svg, alt: Pair badge}}",
                ]
            ]
        }
    )
    build(content, tmp_path / "site")
    achievement = json.loads((tmp_path / "site/stacks/pair/achievement.json").read_text(encoding="utf-8"))
    assert list(achievement_validator().iter_errors(achievement)) == []
    assert achievement["achievementType"] == "LearningProgram"
    assert (
        "Alpha Skill" in achievement["criteria"]["narrative"] and "Beta Skill" in achievement["criteria"]["narrative"]
    )
    assert list(achievement_validator().iter_errors({**achievement, "criteria": "all of them"}))


def test_a_credentials_components_are_rendered_once_for_its_page_and_its_current_versions_page(
    versioned, tmp_path: Path, monkeypatch
) -> None:
    """Each rendering of the components asks for the evidence's names once: the current version's
    page takes what the credential's page rendered, and the archived version renders its own."""
    _, second, content = versioned
    rendered: list[str] = []

    def counted_evidence_names(credential):
        rendered.append(f"{credential.id} {credential.version}")
        return REAL_EVIDENCE_NAMES(credential)

    monkeypatch.setattr(views, "evidence_names", counted_evidence_names)
    out = tmp_path / "third"
    assert (
        main(["build", "--content", str(content), "--out", str(out), "--no-search", "--no-cache", "--jobs", "1"]) == 0
    )
    assert sorted(rendered) == ["alpha 1.0.0", "alpha 1.1.0", "beta None"]
    for page in ("credentials/alpha/index.html", "credentials/alpha/v1.1.0/index.html"):
        assert '<section id="evaluation"' in (out / page).read_text(encoding="utf-8")


REAL_EVIDENCE_NAMES = views.evidence_names
