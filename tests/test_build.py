"""`credcat build`: what reaches the output, what never does, and that nothing is lost."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest

from site_builder.cli import main
from site_builder.publish import MARKER
from tests.hostile.support import leftovers
from tests.linkcheck import broken_links


def build(content: Path, out: Path, *extra: str) -> int:
    return main(["build", "--content", str(content), "--out", str(out), "--no-search", *extra])


def tree_digest(folder: Path, skip: str = "pagefind") -> dict[str, str]:
    return {
        str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file() and skip not in p.relative_to(folder).parts
    }


def all_text(folder: Path) -> str:
    return "\n".join(p.read_text(encoding="utf-8", errors="replace") for p in sorted(folder.rglob("*")) if p.is_file())


def test_build_writes_every_page(make_content, tmp_path: Path) -> None:
    out = tmp_path / "site"
    assert build(make_content(), out, "--base-url", "https://owner.github.io/repo/") == 0
    files = {str(p.relative_to(out)) for p in out.rglob("*") if p.is_file()}
    assert {
        "index.html",
        "404.html",
        "robots.txt",
        ".nojekyll",
        "catalog.json",
        "sitemap.xml",
        "feed.xml",
        "credentials/index.html",
        "credentials/alpha/index.html",
        "credentials/alpha/credential.json",
        "credentials/beta/index.html",
        "stacks/index.html",
        "stacks/pair/index.html",
        "stacks/pair/stack.json",
        "assets/site.css",
        "assets/print.css",
        "badges/alpha.svg",
        MARKER,
    } <= files


def test_links_resolve_at_root_and_under_a_sub_path(make_content, tmp_path: Path) -> None:
    content = make_content()
    for base in ("/", "/repo/"):
        out = tmp_path / f"site{base.strip('/')}"
        assert build(content, out, "--base-url", base) == 0
        assert broken_links(out, base) == []
        home = (out / "index.html").read_text()
        assert f'href="{base}credentials/"' in home
        assert f'href="{base}assets/site.css"' in home


def test_404_links_are_absolute_with_the_base_path(make_content, tmp_path: Path) -> None:
    out = tmp_path / "site"
    build(make_content(), out, "--base-url", "https://owner.github.io/repo/")
    page = (out / "404.html").read_text()
    assert 'href="/repo/credentials/"' in page and 'href="/repo/assets/site.css"' in page
    assert "https://owner.github.io/repo/credentials/alpha/" in (out / "sitemap.xml").read_text()


def test_drafts_and_private_fields_never_reach_the_output(make_content, tmp_path: Path) -> None:
    out = tmp_path / "site"
    assert build(make_content(), out) == 0
    text = all_text(out)
    assert "PRIVATE-MARKER" not in text and "secret_note" not in text
    assert "DRAFT-MARKER-GAMMA" not in text and "gamma" not in text
    assert not (out / "credentials" / "gamma").exists()


def test_drafts_are_built_and_marked_on_request(make_content, tmp_path: Path) -> None:
    out = tmp_path / "site"
    assert build(make_content(), out, "--drafts") == 0
    page = (out / "credentials" / "gamma" / "index.html").read_text()
    assert "DRAFT-MARKER-GAMMA" in page and "Draft:" in page
    assert "PRIVATE-MARKER" not in all_text(out)


def test_credential_json_is_the_complete_public_record(make_content, tmp_path: Path) -> None:
    out = tmp_path / "site"
    build(make_content(), out)
    record = json.loads((out / "credentials" / "alpha" / "credential.json").read_text())
    assert record["id"] == "alpha" and record["stacks"] == ["pair"]
    assert record["description"].startswith("Alpha is a quick")
    for component in ("research", "resources", "evaluation", "evidence", "recognition", "submission"):
        assert record[component], component
    assert "private" not in record and "source" not in record
    catalog = json.loads((out / "catalog.json").read_text())
    assert [c["id"] for c in catalog["credentials"]] == ["alpha", "beta"]


def test_two_builds_are_byte_identical(make_content, tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1767225600")
    content = make_content()
    assert build(content, tmp_path / "one", "--base-url", "https://o.github.io/r/") == 0
    assert build(content, tmp_path / "two", "--base-url", "https://o.github.io/r/") == 0
    assert tree_digest(tmp_path / "one") == tree_digest(tmp_path / "two")


def test_a_failing_build_leaves_the_previous_output_untouched(make_content, tmp_path: Path) -> None:
    content = make_content()
    out = tmp_path / "site"
    assert build(content, out) == 0
    before = tree_digest(out)
    alpha = content / "credentials" / "alpha.md"
    alpha.write_text(alpha.read_text().replace("effort_hours: 4", "effort_hours: twelve"))
    assert build(content, out) == 1
    assert tree_digest(out) == before
    assert leftovers(tmp_path) == []  # no staging left behind


def test_a_build_never_modifies_content(make_content, tmp_path: Path) -> None:
    content = make_content()
    before = tree_digest(content)
    assert build(content, tmp_path / "site") == 0
    assert tree_digest(content) == before


def test_refuses_a_folder_of_foreign_files(make_content, tmp_path: Path, capsys) -> None:
    out = tmp_path / "mine"
    out.mkdir()
    (out / "thesis.docx").write_text("years of work")
    assert build(make_content(), out) == 2
    assert "did not write" in capsys.readouterr().err
    assert (out / "thesis.docx").read_text() == "years of work"


@pytest.mark.parametrize("out", ["content", ".", "content/credentials"])
def test_refuses_to_write_over_content_even_with_force(make_content, tmp_path: Path, monkeypatch, out: str) -> None:
    content = make_content()
    monkeypatch.chdir(tmp_path)
    before = tree_digest(content)
    assert build(Path("content"), Path(out), "--force") == 2
    assert tree_digest(content) == before


def test_rebuilding_over_our_own_output_is_allowed(make_content, tmp_path: Path) -> None:
    content, out = make_content(), tmp_path / "site"
    assert build(content, out) == 0
    assert build(content, out) == 0


def test_bad_base_url_is_a_usage_error(make_content, tmp_path: Path) -> None:
    assert build(make_content(), tmp_path / "site", "--base-url", "ftp://x/") == 2


def test_achievement_json_is_valid_open_badges_3(make_content, tmp_path: Path) -> None:
    import jsonschema

    reference = Path(__file__).parent / "reference" / "openbadges-3.0" / "achievementcredential.schema.json"
    schema = json.loads(reference.read_text())
    validator = jsonschema.Draft201909Validator({"$ref": "#/$defs/Achievement", "$defs": schema["$defs"]})
    out = tmp_path / "site"
    assert build(make_content(), out, "--base-url", "https://owner.github.io/repo/") == 0
    achievement = json.loads((out / "credentials/alpha/achievement.json").read_text())
    assert [e.message for e in validator.iter_errors(achievement)] == []
    assert achievement["id"] == "https://owner.github.io/repo/credentials/alpha/achievement.json"
    assert achievement["criteria"]["id"] == "https://owner.github.io/repo/credentials/alpha/#evaluation"
    assert [r["name"] for r in achievement["resultDescription"]] == ["The check fits the goal."]
    broken = dict(achievement, type=["Badge"])
    assert list(validator.iter_errors(broken)), "the schema check must be able to fail"


def test_achievement_json_needs_a_full_base_url(make_content, tmp_path: Path) -> None:
    out = tmp_path / "site"
    assert build(make_content(), out, "--base-url", "/repo/") == 0
    assert not (out / "credentials/alpha/achievement.json").exists()


def test_force_never_replaces_a_git_checkout(make_content, tmp_path: Path) -> None:
    out = tmp_path / "checkout"
    (out / ".git").mkdir(parents=True)
    (out / "README.md").write_text("mine")
    assert build(make_content(), out, "--force") == 2
    assert (out / "README.md").read_text() == "mine" and (out / ".git").is_dir()


def test_a_killed_build_is_recovered_by_the_next_one(make_content, tmp_path: Path) -> None:
    content, out = make_content(), tmp_path / "site"
    assert build(content, out) == 0
    before = tree_digest(out)
    # A kill between the two renames of the swap leaves the old site aside and no site in place.
    out.rename(tmp_path / ".site.credcat-old-abc123")
    (tmp_path / ".site.credcat-new-def456").mkdir()
    assert build(content, out, "--today", "not-a-date") == 2  # even a refused build must not lose the site
    assert build(content, out) == 0
    assert tree_digest(out) == before
    assert leftovers(tmp_path) == []


def test_an_unwritable_output_is_an_environment_failure(make_content, tmp_path: Path, capsys) -> None:
    (tmp_path / "afile").write_text("x")
    assert build(make_content(), tmp_path / "afile" / "site") == 3
    err = capsys.readouterr().err
    assert "credcat: error: cannot write the site" in err and "Traceback" not in err


def test_an_unreadable_content_file_is_reported(make_content, tmp_path: Path, capsys) -> None:
    content = make_content()
    (content / "credentials" / "ghost.md").symlink_to(tmp_path / "nowhere.md")
    assert main(["validate", "--content", str(content)]) == 1
    assert "credentials/ghost.md:1:1: error[L008]: cannot read file" in capsys.readouterr().err
