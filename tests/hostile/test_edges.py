"""Every edge has an exit code and no traceback: a bad environment (2), an unreadable file (1), a
folder that cannot be written or a missing indexer (3), and `credcat new` through a link (2).

(`serve --port 99999` and serving into a refused folder are covered in tests/test_serve.py.)
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.hostile.support import credcat, credcat_process, leftovers, tree

AS_ROOT = os.geteuid() == 0


@pytest.mark.parametrize("command", ["validate", "quality", "build"])
@pytest.mark.parametrize("epoch", ["99999999999999999999", "-99999999999999", "1e9", " "])
def test_an_impossible_source_date_epoch_is_a_usage_error(
    make_content, tmp_path: Path, capsys, monkeypatch, command: str, epoch: str
) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", epoch)
    extra = ["--out", tmp_path / "site", "--no-search"] if command == "build" else []
    run = credcat(capsys, command, "--content", make_content(), *extra)
    assert run.code == 2 and run.out == ""
    assert run.err == (
        "credcat: error: SOURCE_DATE_EPOCH must be whole seconds since 1970 (a date before year 10000), "
        f"not {epoch!r}\n"
    )
    assert not (tmp_path / "site").exists()


@pytest.mark.skipif(AS_ROOT, reason="root reads a file whatever its permissions")
def test_a_content_file_without_read_permission_is_reported(make_content, capsys) -> None:
    content = make_content()
    (content / "credentials/alpha.md").chmod(0o000)
    try:
        run = credcat(capsys, "validate", "--content", content)
    finally:
        (content / "credentials/alpha.md").chmod(0o644)
    assert run.code == 1
    assert run.diagnostics(content) == [("credentials/alpha.md:1:1", "error[L008]")]
    assert "cannot read file: Permission denied" in run.err


@pytest.mark.skipif(AS_ROOT, reason="root reads a folder whatever its permissions")
def test_a_content_folder_without_read_permission_is_reported(make_content, capsys) -> None:
    content = make_content()
    (content / "stacks").chmod(0o000)
    try:
        run = credcat(capsys, "validate", "--content", content)
    finally:
        (content / "stacks").chmod(0o755)
    assert run.code == 1
    assert run.diagnostics(content) == [("stacks:1:1", "error[L008]")]
    assert "cannot read folder: Permission denied" in run.err


def test_a_dangling_link_in_credentials_is_reported(make_content, tmp_path: Path, capsys) -> None:
    content = make_content()
    (content / "credentials/ghost.md").symlink_to(tmp_path / "nowhere.md")
    run = credcat(capsys, "validate", "--content", content)
    assert run.code == 1
    assert run.diagnostics(content) == [("credentials/ghost.md:1:1", "error[L008]")]
    assert "cannot read file: No such file or directory" in run.err


def test_a_fifo_in_credentials_is_reported_not_read(make_content, capsys) -> None:
    """Reading a named pipe blocks until something writes to it: a build would hang forever."""
    content = make_content()
    os.mkfifo(content / "credentials/pipe.md")
    run = credcat_process("validate", "--content", content, timeout=20)
    assert run.code == 1, run.err
    assert run.diagnostics(content) == [("credentials/pipe.md:1:1", "error[L008]")]


def test_an_output_folder_under_a_file_is_an_environment_failure(make_content, tmp_path: Path, capsys) -> None:
    (tmp_path / "afile").write_text("mine")
    run = credcat(capsys, "build", "--content", make_content(), "--out", tmp_path / "afile/site", "--no-search")
    assert run.code == 3 and run.out == ""
    assert run.err.startswith(f"credcat: error: cannot write the site to {tmp_path / 'afile/site'}: ")
    assert (tmp_path / "afile").read_text() == "mine"


@pytest.mark.skipif(AS_ROOT, reason="root writes into a folder whatever its permissions")
def test_an_unwritable_output_parent_is_an_environment_failure(make_content, tmp_path: Path, capsys) -> None:
    parent = tmp_path / "locked"
    parent.mkdir()
    parent.chmod(0o555)
    try:
        run = credcat(capsys, "build", "--content", make_content(), "--out", parent / "site", "--no-search")
    finally:
        parent.chmod(0o755)
    assert run.code == 3 and run.out == ""
    assert run.err.startswith(f"credcat: error: cannot write the site to {parent / 'site'}: Permission denied")
    assert list(parent.iterdir()) == []


def test_a_missing_pagefind_binary_exits_3_and_leaves_the_site(
    make_content, tmp_path: Path, capsys, monkeypatch
) -> None:
    content, out = make_content(), tmp_path / "site"
    assert credcat(capsys, "build", "--content", content, "--out", out, "--no-search").code == 0
    before = tree(out)
    monkeypatch.setenv("PAGEFIND_BINARY_PATH", "/nonexistent")
    run = credcat(capsys, "build", "--content", content, "--out", out)
    assert run.code == 3 and run.diagnostics(content) == []
    assert (
        "credcat: error: the pagefind binary was not found at /nonexistent; nothing was changed\n"
        "  hint: reinstall credential-catalog (it brings the pagefind binary), or build with --no-search\n"
    ) in run.err
    assert tree(out) == before and leftovers(tmp_path) == []


@pytest.mark.parametrize("kind", ["credential", "stack"])
def test_new_never_writes_through_a_dangling_link_out_of_the_content(
    make_content, tmp_path: Path, capsys, kind: str
) -> None:
    content = make_content()
    target = content / ("credentials/x.md" if kind == "credential" else "stacks/x.yaml")
    outside = tmp_path / "outside" / target.name
    outside.parent.mkdir()
    target.symlink_to(outside)
    before = tree(tmp_path / "outside")
    run = credcat(capsys, "new", kind, "x", "--content", content)
    assert run.code == 2 and run.out == ""
    assert run.err.startswith("credcat: error: ") and str(target) in run.err
    assert not outside.exists() and tree(tmp_path / "outside") == before
    assert target.is_symlink() and os.readlink(target) == str(outside)


def test_new_never_writes_into_a_folder_linked_out_of_the_content(make_content, tmp_path: Path, capsys) -> None:
    content = make_content()
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    for path in (content / "stacks").iterdir():
        path.unlink()
    (content / "stacks").rmdir()
    (content / "stacks").symlink_to(elsewhere)
    run = credcat(capsys, "new", "stack", "x", "--content", content)
    assert run.code == 2 and run.out == ""
    assert run.err.startswith("credcat: error: ") and "outside the content folder" in run.err
    assert list(elsewhere.iterdir()) == []


def test_a_content_file_over_the_size_limit_is_reported_without_being_read(make_content, capsys) -> None:
    content = make_content()
    with open(content / "credentials/huge.md", "wb") as file:
        file.truncate(3_000_000_000)  # sparse: the size is real, no disk is used
    run = credcat(capsys, "validate", "--content", content)
    assert run.code == 1
    assert run.diagnostics(content) == [("credentials/huge.md:1:1", "error[L008]")]
    assert "it is 3,000.0 MB, more than the 5 MB a content file may be" in run.err
