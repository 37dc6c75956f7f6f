"""The cache and the process pool change how fast a build is, never what it writes.

Each case builds once with the cache and two processes, changes one kind of input, builds
again, and compares the site byte for byte with a clean single-process build without cache.
The second build must also have reused what did not change (hard-linked pages), so a cache
that silently did nothing would fail too.
"""

from __future__ import annotations

import datetime
import importlib.metadata
import json
import os
import pickle
import shutil
import time
from pathlib import Path
from typing import Any, Callable

import jinja2
import pytest

from catalog import cache as cache_module
from catalog import check as check_module
from catalog import parallel
from catalog.cache import CACHE_FOLDER, NO_CACHE, Cache, default_cache_folder
from catalog.check import CheckOptions, check_catalog
from catalog.sources import KEPT_ONCE_CHECKED, Kind, NotKept, read_source
from site_builder import build as build_module
from site_builder import output, render
from site_builder.cli import main
from site_builder.urls import SiteUrls
from tests.hostile.support import tree

REVIEW = """credential: alpha
version: 1.0.0
kind: self_assessment
reviewer: {name: R. Reviewer}
date: 2026-10-01
profile: mpos-2024
verdicts:
  QAS-01: {status: met, note: "One skill."}
"""
PROFILE = """id: district
name: District
extends: mpos-2024
standards:
  - id: ST-1
    name: Licensure alignment
    summary: Fits the state's renewal rules.
    checks:
      - review: a licensure officer confirms the alignment
"""
TEMPLATES = Path(render.__file__).parent / "templates"


def replace_in(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == 1, f"{old!r} in {path}"
    path.write_text(text.replace(old, new), encoding="utf-8")


@pytest.fixture
def templates(tmp_path: Path, monkeypatch) -> Path:
    """A copy of the templates that builds in this test (and its forked workers) render with."""
    folder = tmp_path / "templates"
    shutil.copytree(TEMPLATES, folder)
    original = render.make_environment

    def from_copy(*args, **kwargs) -> jinja2.Environment:
        environment = original(*args, **kwargs)
        environment.loader = jinja2.FileSystemLoader(str(folder))
        return environment

    monkeypatch.setattr(build_module, "make_environment", from_copy)
    return folder


@pytest.fixture(autouse=True)
def isolated(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "user-cache"))  # the cache's signing secret
    monkeypatch.setattr(parallel, "MIN_ITEMS_PER_PROCESS", 1)  # even a small site goes through the pool


def build(content: Path, out: Path, *extra: str) -> None:
    args = ["build", "--content", str(content), "--out", str(out), "--no-search", "--today", "2026-11-24", *extra]
    assert main([*args, "--base-url", "https://example.org/catalog/"]) == 0


def inodes(folder: Path) -> dict[str, int]:
    return {str(p.relative_to(folder)): p.stat().st_ino for p in folder.rglob("*") if p.is_file()}


Edit = Callable[[Path, Path], None]
EDITS: dict[str, Edit] = {
    "a credential": lambda content, _: replace_in(content / "credentials/alpha.md", "Alpha Skill", "Alpha Skills"),
    "a stack": lambda content, _: replace_in(content / "stacks/pair.yaml", "title: Alpha and Beta", "title: A Pair"),
    "a review": lambda content, _: replace_in(content / "reviews/alpha.yaml", "One skill.", "One clear skill."),
    "a profile": lambda content, _: replace_in(content / "profiles/district.yaml", "name: District", "name: Our"),
    "site.yaml": lambda content, _: replace_in(content / "site.yaml", "title: Fixture Catalog", "title: Our Catalog"),
    "a template": lambda _, templates: replace_in(
        templates / "stack.html", "{% block main %}", "{% block main %}<p>Edited.</p>"
    ),
    "a new credential": lambda content, _: (content / "credentials/delta.md").write_text(
        (content / "credentials/beta.md")
        .read_text(encoding="utf-8")
        .replace("id: beta", "id: delta")
        .replace("ce-5971b911-8101-5ecf-b100-66e58046a5ba", "ce-5971b911-8101-5ecf-b100-66e58046a5bb"),
        encoding="utf-8",
    ),
    "a deleted stack": lambda content, _: (content / "stacks/pair.yaml").unlink(),
    "a credential's version removed": lambda content, _: replace_in(
        content / "credentials/alpha.md", "version: 1.0.0\n", ""
    ),
}


@pytest.mark.parametrize("what", EDITS)
def test_a_cached_parallel_rebuild_after_changing_one_input_matches_a_clean_build(
    what: str, make_content, tmp_path: Path, templates: Path
) -> None:
    content = make_content(
        {"reviews/alpha.yaml": REVIEW, "profiles/district.yaml": PROFILE},
        edits={"credentials/alpha.md": [["id: alpha\n", "id: alpha\nversion: 1.0.0\n"]]},
    )
    cached, clean = tmp_path / "cached", tmp_path / "clean"
    build(content, cached, "--jobs", "2")
    before = inodes(cached)

    EDITS[what](content, templates)
    build(content, cached, "--jobs", "2")
    build(content, clean, "--jobs", "1", "--no-cache")

    assert tree(cached) == tree(clean)
    after = inodes(cached)
    carried = [path for path in after if before.get(path) == after[path]]
    assert carried, "the rebuild reused nothing: the cache did not work"
    if what not in (
        "site.yaml",
        "a profile",
    ):  # the site's title is on every page; a profile no review uses changes nothing
        assert len(carried) < len(after), "the rebuild reused everything: the change was not seen"


def test_every_rebuild_in_a_row_of_changes_matches_a_clean_build(make_content, tmp_path: Path, templates: Path) -> None:
    """From the third build on, the staging folder starts from the site retired two builds
    before (the spare), which differs from the published one in every change since."""
    content = make_content(
        {"reviews/alpha.yaml": REVIEW, "profiles/district.yaml": PROFILE},
        edits={"credentials/alpha.md": [["id: alpha\n", "id: alpha\nversion: 1.0.0\n"]]},
    )
    cached = tmp_path / "cached"
    build(content, cached, "--jobs", "2")
    build(content, cached, "--jobs", "2")
    for what, edit in EDITS.items():
        edit(content, templates)
        build(content, cached, "--jobs", "2")
        clean = tmp_path / "clean"
        build(content, clean, "--jobs", "1", "--no-cache")
        assert tree(cached) == tree(clean), f"after {what}"
        shutil.rmtree(clean)
    assert spare_sites(tmp_path), "no build started from the spare site"


def test_a_remembering_cache_rebuilds_every_change_in_a_row_like_a_clean_build(
    make_content, tmp_path: Path, templates: Path
) -> None:
    """`credcat serve` builds again in the same process after every save, taking the checked files
    it remembers instead of loading them from the cache."""
    content = make_content(
        {"reviews/alpha.yaml": REVIEW, "profiles/district.yaml": PROFILE},
        edits={"credentials/alpha.md": [["id: alpha\n", "id: alpha\nversion: 1.0.0\n"]]},
    )
    cache = Cache(default_cache_folder(content), remember=("checked", "quality"))
    options = build_module.BuildOptions(
        content,
        tmp_path / "served",
        SiteUrls.parse("https://example.org/catalog/"),
        datetime.date(2026, 11, 24),
        search=False,
        jobs=2,
        cache=cache,
    )
    assert build_module.build(options).written
    checks = tmp_path / CACHE_FOLDER / "checks"
    shutil.rmtree(checks)  # from now on, only what is remembered
    for what, edit in EDITS.items():
        edit(content, templates)
        assert build_module.build(options).written
        if what == "a credential":  # only the entry of the edited file was stored again
            assert len(list(checks.glob("*"))) == 1
        clean = tmp_path / "clean"
        build(content, clean, "--jobs", "1", "--no-cache")
        assert tree(tmp_path / "served") == tree(clean), f"after {what}"
        shutil.rmtree(clean)


def test_a_cache_that_cannot_be_kept_remembers_nothing(tmp_path: Path) -> None:
    """Without a signing secret nothing is kept on disk, and nothing would ever be dropped from memory."""
    cache = Cache(tmp_path / "cache", secret=b"", remember=("checked",))
    cache.remember("checked", "ab" * 20, ("a value",))
    assert cache.remembered("checked", "ab" * 20) is None


def test_a_site_file_dated_before_1970_is_written_again(make_content, tmp_path: Path) -> None:
    content, out, clean = make_content(), tmp_path / "site", tmp_path / "clean"
    build(content, out)
    os.utime(out / "index.html", ns=(-(10**18), -(10**18)))
    build(content, out)
    build(content, clean, "--no-cache")
    assert tree(out) == tree(clean)


def test_a_remembered_value_is_dropped_with_its_entry(tmp_path: Path) -> None:
    cache = Cache(tmp_path / "cache", remember=("quality",))
    cache.put("quality", "ab" * 20, ("a value",))
    shutil.rmtree(tmp_path / "cache" / "quality")
    assert cache.get("quality", "ab" * 20) == ("a value",)  # from memory: the entry on disk is gone
    cache.keep_only("quality", set())
    assert cache.get("quality", "ab" * 20) is None


def spare_sites(tmp_path: Path) -> list[Path]:
    return list((tmp_path / CACHE_FOLDER / "sites").glob("*"))


def test_files_added_to_the_published_or_the_spare_site_never_reach_the_next_site(make_content, tmp_path: Path) -> None:
    content, out, clean = make_content(), tmp_path / "site", tmp_path / "clean"
    build(content, out)
    build(content, out)
    (out / "CNAME").write_text("catalog.example.org\n")  # by hand, after the build
    (out / "credentials/notes").mkdir()
    (out / "credentials/notes/todo.txt").write_text("mine\n")
    [spare] = spare_sites(tmp_path)
    (spare / "stray.html").write_text("<script>alert(1)</script>")
    (spare / "credentials/alpha/index.html").unlink()
    (spare / "credentials/alpha/index.html").symlink_to("/etc/passwd")
    build(content, out)  # starts from the spare
    build(content, out)  # starts from the site the files were added to
    build(content, clean, "--no-cache")
    assert tree(out) == tree(clean)


def test_the_spare_site_of_an_output_folder_unused_for_a_month_is_removed(make_content, tmp_path: Path) -> None:
    content = make_content()
    for out in ("old", "recent", "site", "site"):
        build(content, tmp_path / out)
        build(content, tmp_path / out)  # the second build sets the first one's site aside
    spares = {spare.name: spare for spare in spare_sites(tmp_path)}
    assert len(spares) == 3
    old, recent = (build_module.spare_site(Cache(tmp_path / CACHE_FOLDER), tmp_path / o) for o in ("old", "recent"))
    assert old is not None and recent is not None
    long_ago = time.time() - 31 * 86_400
    os.utime(old, (long_ago, long_ago))
    build(content, tmp_path / "site")
    assert sorted(spare_sites(tmp_path)) == sorted(set(spares.values()) - {old})


def test_a_spare_page_changed_in_place_is_written_again(make_content, tmp_path: Path) -> None:
    content, out, clean = make_content(), tmp_path / "site", tmp_path / "clean"
    build(content, out)
    build(content, out)
    [spare] = spare_sites(tmp_path)
    page = spare / "credentials/beta/index.html"
    page.write_text(page.read_text().replace("</main>", "<p>Edited in the spare.</p></main>"))
    build(content, out)
    build(content, clean, "--no-cache")
    assert tree(out) == tree(clean)


def test_a_build_that_fails_while_writing_leaves_the_published_site_untouched(
    make_content, tmp_path: Path, monkeypatch
) -> None:
    """The staging folder starts from the spare site, whose unchanged files are the published
    files themselves (hard links): a failure halfway must not have written into any of them."""
    content, out = make_content(), tmp_path / "site"
    build(content, out)
    build(content, out)
    before = tree(out)
    replace_in(content / "credentials/alpha.md", "Alpha Skill", "Alpha Skills")
    replace_in(content / "credentials/beta.md", "title: Beta", "title: Beta Two")
    written = []
    real_render = output.render_page

    def render_then_fail(environment, page):
        if written:
            raise OSError(28, "No space left on device")
        written.append(page.path)
        return real_render(environment, page)

    monkeypatch.setattr(output, "render_page", render_then_fail)
    args = ["build", "--content", str(content), "--out", str(out), "--no-search", "--today", "2026-11-24"]
    assert main([*args, "--jobs", "1", "--base-url", "https://example.org/catalog/"]) == 3
    assert written and tree(out) == before
    monkeypatch.setattr(output, "render_page", real_render)
    build(content, out)
    build(content, tmp_path / "clean", "--no-cache")
    assert tree(out) == tree(tmp_path / "clean")


def test_a_spare_site_that_cannot_be_cleared_is_dropped_not_kept(make_content, tmp_path: Path, monkeypatch) -> None:
    """A file the build cannot remove from the spare site (owned by another user, say) fails that
    build only: the next one starts from an empty folder."""
    content, out = make_content(), tmp_path / "site"
    build(content, out)
    build(content, out)
    real_remove = output.remove_unplanned

    def cannot_remove(staging, planned, listed):
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(output, "remove_unplanned", cannot_remove)
    args = ["build", "--content", str(content), "--out", str(out), "--no-search", "--today", "2026-11-24"]
    assert main([*args, "--base-url", "https://example.org/catalog/"]) == 3
    assert spare_sites(tmp_path) == []
    monkeypatch.setattr(output, "remove_unplanned", real_remove)
    build(content, out)
    build(content, tmp_path / "clean", "--no-cache")
    assert tree(out) == tree(tmp_path / "clean")


def test_a_published_page_changed_in_place_is_written_again(make_content, tmp_path: Path) -> None:
    content, out, clean = make_content(), tmp_path / "site", tmp_path / "clean"
    build(content, out)
    page = out / "credentials/beta/index.html"
    page.write_text(page.read_text().replace("</main>", "<p>Edited in the site.</p></main>"))
    build(content, out)
    build(content, clean, "--no-cache")
    assert tree(out) == tree(clean)


MADE: list[str] = []
"""The credentials whose files `counted_credential_files` was asked to make."""


def counted_credential_files(*args: Any) -> list[render.Page]:
    MADE.append(args[2].id)
    return REAL_CREDENTIAL_FILES(*args)


REAL_CREDENTIAL_FILES = render.credential_files


def test_a_rebuild_makes_the_files_of_only_the_credential_that_changed(
    make_content, tmp_path: Path, monkeypatch
) -> None:
    monkeypatch.setattr(render, "credential_files", counted_credential_files)
    content, out, clean = make_content(), tmp_path / "site", tmp_path / "clean"
    build(content, out, "--jobs", "1")
    assert sorted(MADE) == ["alpha", "beta"]
    MADE.clear()
    replace_in(content / "credentials/alpha.md", "Alpha Skill", "Alpha Skills")
    build(content, out, "--jobs", "1")
    assert MADE == ["alpha"]
    MADE.clear()
    build(content, clean, "--jobs", "1", "--no-cache")
    assert tree(out) == tree(clean)


def test_an_unchanged_rebuild_reuses_every_page(make_content, tmp_path: Path) -> None:
    content, out = make_content(), tmp_path / "site"
    build(content, out)
    before = inodes(out)
    build(content, out)
    pages = [path for path in before if path.endswith((".html", ".json", ".xml", ".csv"))]
    assert pages and [path for path in pages if inodes(out)[path] != before[path]] == []


@pytest.mark.parametrize("damage", ["deleted", "corrupted", "foreign"])
def test_a_deleted_corrupted_or_foreign_cache_is_rebuilt_never_trusted(
    damage: str, make_content, tmp_path: Path, monkeypatch
) -> None:
    content = make_content()
    cached, clean = tmp_path / "cached", tmp_path / "clean"
    build(content, cached)
    cache = tmp_path / CACHE_FOLDER
    entries = [p for p in cache.rglob("*") if p.is_file()]
    assert entries
    replace_in(content / "credentials/alpha.md", "Alpha Skill", "Alpha Skills")
    if damage == "deleted":
        shutil.rmtree(cache)
    elif damage == "corrupted":
        for entry in entries:
            data = bytearray(entry.read_bytes())
            data[len(data) // 2] ^= 0xFF
            entry.write_bytes(bytes(data))
    else:  # the same cache seen by another user (another signing secret): as if copied from elsewhere
        monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "another-user"))
    build(content, cached)
    build(content, clean, "--no-cache")
    assert tree(cached) == tree(clean)


def test_a_valid_file_keeps_only_the_data_read_across_files(make_content) -> None:
    """Most of a checked catalog's memory and cache was data already in its models."""
    checked = check_catalog(make_content(), CheckOptions(datetime.date(2026, 11, 24)))
    alpha = next(f for f in checked.files if f.source.stem == "alpha")
    assert alpha.model is not None and alpha.source.data["id"] == "alpha"
    assert set(dict.keys(alpha.source.data)) <= KEPT_ONCE_CHECKED
    with pytest.raises(NotKept, match="KEPT_ONCE_CHECKED"):
        alpha.source.data.get("evidence")  # a check that needs more must say so, never read None


def test_a_valid_file_keeps_only_the_positions_read_across_files(make_content) -> None:
    """A diagnostic across files still points at the right line; one that would need a position
    that was dropped fails loudly instead of pointing at the top of the file."""
    content = make_content()
    checked = check_catalog(content, CheckOptions(datetime.date(2026, 11, 24)))
    alpha = next(f for f in checked.files if f.source.stem == "alpha")
    full, _ = read_source(content / "credentials/alpha.md", Kind.CREDENTIAL)
    assert full is not None and alpha.source.body == ""
    for kept in (("id",), ("title",), ("status",)):
        assert alpha.source.positions.of_value(kept) == full.positions.of_value(kept)
        assert alpha.source.positions.of_key(kept) == full.positions.of_key(kept)
    with pytest.raises(NotKept, match="POSITIONED_ONCE_CHECKED"):
        alpha.source.positions.of_value(("evidence", 0, "id"))
    cached = pickle.loads(pickle.dumps(alpha.source.positions))  # as the cache and the workers hand it on
    assert cached.of_value(("id",)) == full.positions.of_value(("id",))
    with pytest.raises(NotKept):
        cached.of_key(("evidence",))


def test_no_cache_writes_no_cache(make_content, tmp_path: Path) -> None:
    build(make_content(), tmp_path / "site", "--no-cache")
    assert not (tmp_path / CACHE_FOLDER).exists()


def test_the_output_is_the_same_on_one_process_and_on_several(make_content, tmp_path: Path) -> None:
    content = make_content()
    build(content, tmp_path / "one", "--jobs", "1", "--no-cache")
    build(content, tmp_path / "three", "--jobs", "3", "--no-cache")
    assert tree(tmp_path / "one") == tree(tmp_path / "three")


def test_entries_a_build_did_not_use_are_removed(make_content, tmp_path: Path) -> None:
    content, out = make_content(), tmp_path / "site"
    build(content, out)
    cache = tmp_path / CACHE_FOLDER

    def entries() -> set[str]:  # the spare site (`sites/`) is not an entry; shards are counted by what they hold
        return {
            str(p.relative_to(cache))
            for p in cache.rglob("*")
            if p.is_file() and p.relative_to(cache).parts[0] not in ("sites", "checks", "quality")
        }

    def held(section: str) -> set[str]:  # the keys in a section's shards (checked files, verdicts)
        reader = Cache(cache)
        stored = [reader.get(section, entry.name) for entry in (cache / section).glob("*")]
        return {key for entry in stored for key in (entry[0] if section == "checks" else entry)}

    before, checked_before, verdicts_before = entries(), held("checks"), held("quality")
    replace_in(content / "credentials/alpha.md", "Alpha Skill", "Alpha Skills")
    build(content, out)
    after, checked_after, verdicts_after = entries(), held("checks"), held("quality")
    assert len(after) == len(before)
    assert len(checked_after) == len(checked_before) and len(checked_after - checked_before) == 1  # not kept
    assert len(verdicts_after) == len(verdicts_before) and len(verdicts_after - verdicts_before) == 1


def test_the_next_day_records_are_kept_and_pages_written_again(make_content, tmp_path: Path) -> None:
    """Every page states the date it was built; a JSON record states none unless it is given it."""
    content, out, clean = make_content(), tmp_path / "site", tmp_path / "clean"
    build(content, out)
    before = inodes(out)
    build(content, out, "--today", "2026-11-25")
    build(content, clean, "--no-cache", "--today", "2026-11-25")
    assert tree(out) == tree(clean)
    after = inodes(out)
    assert after["credentials/alpha/credential.json"] == before["credentials/alpha/credential.json"]
    assert after["credentials/alpha/index.html"] != before["credentials/alpha/index.html"]
    assert after["catalog.json"] != before["catalog.json"]  # it states when it was built


def test_warnings_that_age_follow_the_day_of_each_run_from_the_cache(make_content, capsys) -> None:
    """A file is checked once whatever the day; what ages with the day (R006 re-confirmation,
    R008 a date in the future, R012 an expired approval) is worked out again on every run."""
    content = make_content(
        edits={"credentials/alpha.md": [["as_of: 2026-06-01}", "as_of: 2026-06-01, expires: 2027-01-31}"]]}
    )

    def codes(today: str, *extra: str) -> set[str]:
        main(["validate", "--content", str(content), "--today", today, "--format", "json", *extra])
        return {d["code"] for d in json.loads(capsys.readouterr().out)} & {"R006", "R008", "R012"}

    for today, expected in (("2026-11-24", set()), ("2026-05-01", {"R008"}), ("2027-06-02", {"R006", "R012"})):
        assert codes(today) == expected == codes(today, "--no-cache"), today


def test_warnings_that_age_follow_the_day_of_each_run_in_the_preview_servers_memory(make_content) -> None:
    content = make_content(
        edits={"credentials/alpha.md": [["as_of: 2026-06-01}", "as_of: 2026-06-01, expires: 2027-01-31}"]]}
    )
    cache = Cache(default_cache_folder(content), remember=("checked", "quality"))

    def codes(today: str, cache: Cache) -> set[str]:
        checked = check_catalog(content, CheckOptions(datetime.date.fromisoformat(today)), cache=cache)
        return {d.code for d in checked.diagnostics} & {"R006", "R008", "R012"}

    for today in ("2026-11-24", "2026-05-01", "2026-05-01", "2027-06-02", "2026-11-24"):
        assert codes(today, cache) == codes(today, NO_CACHE), today


def test_an_older_layouts_entries_are_removed(make_content, tmp_path: Path) -> None:
    content = make_content()
    build(content, tmp_path / "site")
    older = tmp_path / CACHE_FOLDER / "checks" / "ab" / ("ab" * 20)  # one folder per two hex digits
    older.parent.mkdir()
    older.write_bytes(b"an entry as earlier versions kept it")
    build(content, tmp_path / "site")
    assert not older.parent.exists()


@pytest.fixture
def reads(monkeypatch) -> list[str]:
    """The credential, archived version and stack files a build reads (one process, so none is
    read out of sight in a worker)."""
    read: list[str] = []
    real = check_module.read_with_status

    def counting(path: Path, diagnostics: list[Any]) -> Any:
        read.append(Path(path).name)
        return real(path, diagnostics)

    monkeypatch.setattr(check_module, "read_with_status", counting)
    return read


def test_a_file_unchanged_since_it_was_hashed_is_not_read_again(make_content, tmp_path: Path, reads) -> None:
    content, out = make_content(), tmp_path / "site"
    build(content, out, "--jobs", "1")
    assert "alpha.md" in reads
    reads.clear()
    build(content, out, "--jobs", "1")
    assert reads == []
    replace_in(content / "credentials/alpha.md", "Alpha Skill", "Alpha Skills")
    build(content, out, "--jobs", "1")
    assert set(reads) == {"alpha.md"}  # hashed here, then read again where it is checked
    assert "Alpha Skills" in (out / "credentials/alpha/index.html").read_text(encoding="utf-8")


def test_an_edit_that_keeps_the_size_and_the_modification_time_is_seen(make_content, tmp_path: Path) -> None:
    """A file's change time moves with every write, and cannot be set back as its modification time can."""
    content, out, clean = make_content(), tmp_path / "site", tmp_path / "clean"
    build(content, out)
    edited = content / "credentials/alpha.md"
    before = edited.stat()
    replace_in(edited, "Alpha Skill", "Alpha Skirt")
    os.utime(edited, ns=(before.st_atime_ns, before.st_mtime_ns))
    assert (edited.stat().st_size, edited.stat().st_mtime_ns) == (before.st_size, before.st_mtime_ns)
    build(content, out)
    build(content, clean, "--no-cache")
    assert tree(out) == tree(clean)
    assert "Alpha Skirt" in (out / "credentials/alpha/index.html").read_text(encoding="utf-8")


def test_a_file_changed_just_before_a_build_is_read_whatever_its_status_says(
    make_content, tmp_path: Path, reads, monkeypatch
) -> None:
    """Within one tick of the file system's clock a file can change again without its times
    moving, so a file is known by its status only once it has been left alone for a while."""
    monkeypatch.setattr(check_module, "SETTLED_NS", 3600 * 10**9)  # every file changed "just now"
    content, out = make_content(), tmp_path / "site"
    build(content, out, "--jobs", "1")
    first = sorted(reads)
    reads.clear()
    build(content, out, "--jobs", "1")
    assert sorted(reads) == first and "alpha.md" in first


def test_an_edit_rewrites_only_the_entry_that_holds_the_edited_file(make_content, tmp_path: Path) -> None:
    """A file's check is kept with a few dozen others: an edit rewrites that entry alone, and a
    cold build creates a few hundred entries, not one per file."""
    content = make_content()
    build(content, tmp_path / "site")
    checks = tmp_path / CACHE_FOLDER / "checks"
    before = {entry.name: entry.stat().st_ino for entry in checks.glob("*")}
    replace_in(content / "credentials/alpha.md", "Alpha Skill", "Alpha Skills")
    build(content, tmp_path / "site")
    after = {entry.name: entry.stat().st_ino for entry in checks.glob("*")}
    assert after.keys() == before.keys()
    assert len([name for name in after if after[name] != before[name]]) == 1


def test_an_upgraded_library_gives_every_entry_a_new_key(monkeypatch) -> None:
    """A newer markdown-it-py may render a description differently: nothing made with the older one is reused."""
    before = cache_module.code_fingerprint.__wrapped__("catalog")
    real_version = importlib.metadata.version
    monkeypatch.setattr(
        importlib.metadata, "version", lambda name: "99.0" if name == "markdown-it-py" else real_version(name)
    )
    cache_module._libraries.cache_clear()
    try:
        assert cache_module.code_fingerprint.__wrapped__("catalog") != before
    finally:
        cache_module._libraries.cache_clear()


def test_a_spare_site_listed_while_the_content_is_checked_is_cleared_as_if_walked_then(tmp_path: Path) -> None:
    """The build lists its spare site on a core of its own while it checks the content; what is
    removed from that listing, and the folders counted as made, are what a walk would give. A
    listing of another folder (the spare site could not be renamed into place) is not used."""
    planned = {"keep/a.html", "top.html", "emptied/new.html", "deep/er/x.html"}
    results = []
    for name, listing_of in (("walked", None), ("listed", "listed"), ("other", "walked")):
        root = tmp_path / name
        for path in ("keep/a.html", "keep/gone.html", "gone/b.html", "gone/c/d.html", "emptied/c.html", "top.html"):
            (root / path).parent.mkdir(parents=True, exist_ok=True)
            (root / path).write_text(path)
        (root / "deep/er").mkdir(parents=True)
        (root / "deep/er/x.html").write_text("x")
        (root / "keep/link.html").symlink_to("/etc/passwd")
        listed = output.list_folder(tmp_path / listing_of) if listing_of else None
        output._MADE.clear()
        output.remove_unplanned(root, planned, listed)
        made = {str(Path(folder).relative_to(root)) for folder in output._MADE}
        results.append((tree(root), made))
    kept, made = results[0]
    assert sorted(kept) == ["deep", "deep/er", "deep/er/x.html", "keep", "keep/a.html", "top.html"]
    assert made == {"keep", "deep", "deep/er"}
    assert results[1] == results[0] and results[2] == results[0]


def _answer_only_away_from(parent: int) -> str:
    if os.getpid() != parent:
        raise RuntimeError("fails in the background process")
    return "done here"


def _pid_then_wait(pid_file: Path) -> None:
    pid_file.write_text(str(os.getpid()))
    time.sleep(60)


def test_background_work_runs_in_another_process_and_is_done_here_when_that_fails(tmp_path: Path) -> None:
    with parallel.in_background(os.getpid, jobs=2) as elsewhere:
        assert elsewhere.result() != os.getpid()
    with parallel.in_background(_answer_only_away_from, os.getpid(), jobs=2) as failing:
        assert failing.result() == "done here"
    with parallel.in_background(os.getpid, jobs=1) as inline:  # the preview server never forks
        assert inline.result() == os.getpid()


def test_background_work_left_unasked_is_stopped(tmp_path: Path) -> None:
    """A build that stops early (errors in the content, Ctrl+C) leaves no process behind."""
    pid_file = tmp_path / "pid"
    with parallel.in_background(_pid_then_wait, pid_file, jobs=2):
        while not pid_file.exists() or not pid_file.read_text():
            time.sleep(0.01)
    with pytest.raises(ProcessLookupError):  # stopped and reaped: no such process
        os.kill(int(pid_file.read_text()), 0)


def test_a_build_that_fails_on_its_content_writes_nothing_beside_its_output(make_content, tmp_path: Path) -> None:
    content = make_content(edits={"credentials/alpha.md": [["id: alpha\n", "id: Alpha Skill\n"]]})
    args = ["build", "--content", str(content), "--out", str(tmp_path / "new/site"), "--no-search", "--jobs", "2"]
    assert main(args) == 1
    assert not (tmp_path / "new").exists()
