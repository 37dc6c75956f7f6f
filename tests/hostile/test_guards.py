"""Output-folder guards (site_builder/publish.py): credcat replaces only folders it wrote, never one
that holds content, a home folder, the current folder or a git repository, and two builds at once
or a build killed halfway never lose the site."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from site_builder.publish import MARKER, recover_interrupted
from tests.hostile.support import REPO, Run, credcat, leftovers, tree


def build(capsys, content: Path, out: Path, *extra: str):
    return credcat(capsys, "build", "--content", content, "--out", out, "--no-search", *extra)


def refused(run, message: str) -> None:
    assert run.code == 2, run.err
    assert run.out == ""
    assert run.err.startswith("credcat: error: --out ") and message in run.err, run.err


def test_force_never_replaces_a_folder_with_a_git_repository_two_levels_down(
    make_content, tmp_path: Path, capsys
) -> None:
    out = tmp_path / "projects"
    (out / "mine/app/.git").mkdir(parents=True)
    (out / "mine/app/.git/HEAD").write_text("ref: refs/heads/main\n")
    (out / "mine/app/main.py").write_text("print('mine')\n")
    before = tree(out)
    refused(build(capsys, make_content(), out, "--force"), f"holds a git repository ({out / 'mine/app'})")
    assert tree(out) == before and leftovers(tmp_path) == []


def test_force_never_replaces_a_folder_with_a_git_worktree_file(make_content, tmp_path: Path, capsys) -> None:
    out = tmp_path / "projects"
    (out / "a/b").mkdir(parents=True)
    (out / "a/b/.git").write_text("gitdir: /somewhere/else\n")  # a worktree or submodule
    before = tree(out)
    refused(build(capsys, make_content(), out, "--force"), "holds a git repository")
    assert tree(out) == before


@pytest.mark.parametrize("which", ["parent", "grandparent", "content itself", "inside content", "link to content"])
def test_force_never_replaces_a_folder_that_overlaps_the_content(
    make_content, tmp_path: Path, capsys, which: str
) -> None:
    content = make_content()
    out = {
        "parent": content.parent,
        "grandparent": content.parent.parent,
        "content itself": content,
        "inside content": content / "credentials",
        "link to content": tmp_path / "link",
    }[which]
    if which == "link to content":
        out.symlink_to(content)
    before = tree(content)
    refused(build(capsys, content, out, "--force"), "overlaps the content folder")
    assert tree(content) == before


@pytest.mark.parametrize("hidden", [False, True], ids=["visible file", "only a dotfile"])
def test_a_folder_of_foreign_files_is_refused_without_force(make_content, tmp_path: Path, capsys, hidden: bool) -> None:
    out = tmp_path / "mine"
    (out / (".env" if hidden else "notes.txt")).parent.mkdir()
    (out / (".env" if hidden else "notes.txt")).write_text("mine")
    before = tree(out)
    refused(build(capsys, make_content(), out), "holds files that credcat did not write; refusing to replace them")
    assert tree(out) == before and leftovers(tmp_path) == []


@pytest.mark.parametrize("where", ["home inside out", "home is out"])
def test_force_never_replaces_a_folder_that_holds_the_home_folder(
    make_content, tmp_path: Path, capsys, monkeypatch, where: str
) -> None:
    out = tmp_path / "site"
    home = out / "users/me" if where == "home inside out" else out
    home.mkdir(parents=True)
    (home / ".bashrc").write_text("mine")
    monkeypatch.setenv("HOME", str(home))
    before = tree(out)
    refused(build(capsys, make_content(), out, "--force"), "is a root, a home folder or holds one")
    assert tree(out) == before


@pytest.mark.parametrize("out", [".", ".."])
def test_force_never_replaces_the_current_folder_or_a_parent(
    make_content, tmp_path: Path, capsys, monkeypatch, out: str
) -> None:
    content = make_content()
    work = tmp_path / "work" / "here"
    work.mkdir(parents=True)
    (work / "notes.txt").write_text("mine")
    monkeypatch.chdir(work)
    refused(build(capsys, content, Path(out), "--force"), "is the current folder or one of its parents")
    assert (work / "notes.txt").read_text() == "mine"


def test_force_never_deletes_through_a_link_in_the_old_site(make_content, tmp_path: Path, capsys) -> None:
    content, out = make_content(), tmp_path / "site"
    assert build(capsys, content, out).code == 0
    precious = tmp_path / "precious"
    precious.mkdir()
    (precious / "keep.txt").write_text("mine")
    (out / "linked").symlink_to(precious)
    assert build(capsys, content, out, "--force").code == 0
    assert (precious / "keep.txt").read_text() == "mine"
    assert not (out / "linked").exists()


def test_two_builds_at_once_both_succeed_and_leave_a_complete_site(make_content, tmp_path: Path, capsys) -> None:
    content, reference = make_content(), tmp_path / "reference"
    assert build(capsys, content, reference).code == 0
    out = tmp_path / "shared" / "site"
    command = [sys.executable, "-m", "site_builder.cli", "build", "--content", str(content), "--out", str(out)]
    for round in range(2):  # into a missing folder, then over a site already there
        processes = [
            subprocess.Popen(
                [*command, "--no-search"], cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
            )
            for _ in range(2)
        ]
        for process in processes:
            stdout, stderr = process.communicate(timeout=120)
            run = Run(process.returncode, stdout, stderr)
            assert run.code == 0, stderr
            assert run.diagnostics(content) == [] and "Traceback" not in stdout + stderr
            assert stdout.startswith("Built 11 pages")
        assert (out / "index.html").is_file() and (out / MARKER).is_file()
        assert tree(out) == tree(reference), f"round {round}"
        assert leftovers(out.parent) == []


def retired(parent: Path, name: str, text: str, mtime: float) -> Path:
    folder = parent / f".site.credcat-old-{name}"
    folder.mkdir()
    (folder / "index.html").write_text(text)
    (folder / MARKER).write_text("ours")
    os.utime(folder, (mtime, mtime))
    return folder


def test_recovery_restores_the_newest_set_aside_site_by_time_not_by_name(tmp_path: Path) -> None:
    out = tmp_path / "site"
    retired(tmp_path, "aaaa", "newest", 2_000_000_000)  # first by name, newest by time
    retired(tmp_path, "zzzz", "oldest", 1_000_000_000)  # last by name, oldest by time
    (tmp_path / ".site.credcat-new-half").mkdir()  # a staging folder a kill left half-written
    recover_interrupted(out)
    assert (out / "index.html").read_text() == "newest"
    assert leftovers(tmp_path) == []


def test_recovery_never_replaces_a_site_that_is_in_place(tmp_path: Path) -> None:
    out = tmp_path / "site"
    out.mkdir()
    (out / "index.html").write_text("current")
    retired(tmp_path, "aaaa", "set aside", 2_000_000_000)
    recover_interrupted(out)
    assert (out / "index.html").read_text() == "current"
    assert leftovers(tmp_path) == []


def test_a_build_after_a_kill_between_the_renames_publishes_and_cleans_up(make_content, tmp_path: Path, capsys) -> None:
    content, out = make_content(), tmp_path / "site"
    assert build(capsys, content, out).code == 0
    expected = tree(out)
    retired(tmp_path, "aaaa", "newest", 2_000_000_000)
    retired(tmp_path, "zzzz", "oldest", 1_000_000_000)
    os.rename(out, tmp_path / ".site.credcat-old-mmmm")
    os.utime(tmp_path / ".site.credcat-old-mmmm", (2_100_000_000, 2_100_000_000))
    assert build(capsys, content, out, "--today", "not-a-date").code == 2  # refused before publishing
    assert not out.exists()  # nothing was touched, not even recovered
    assert build(capsys, content, out).code == 0
    assert tree(out) == expected and leftovers(tmp_path) == []
