"""Hostile badge files end to end: `validate` reports them at the badge line, `build` writes nothing.

catalog.badges itself is covered in test_badges.py; here the whole command runs.
"""

from __future__ import annotations

import os
from pathlib import Path

from catalog.badges import MAX_BADGE_BYTES
from tests.hostile.support import ALPHA_BADGE, credcat, leftovers, set_badge, tree

PREFIXED_SCRIPT = (
    b'<svg:svg xmlns:svg="http://www.w3.org/2000/svg" viewBox="0 0 10 10">'
    b"<svg:script>alert(document.domain)</svg:script><svg:rect width='10' height='10'/></svg:svg>"
)


def test_a_badge_with_a_prefixed_script_element_is_refused_and_nothing_is_built(
    make_content, tmp_path: Path, capsys
) -> None:
    content = make_content({"badges/evil.svg": PREFIXED_SCRIPT})
    set_badge(content, "badges/evil.svg")

    validate = credcat(capsys, "validate", "--content", content)
    assert validate.code == 1
    assert validate.diagnostics(content) == [(ALPHA_BADGE, "error[R007]")]
    assert "badge image 'badges/evil.svg' contains a <script> element, which badges may not use" in validate.err

    out = tmp_path / "site"
    build = credcat(capsys, "build", "--content", content, "--out", out, "--no-search")
    assert build.code == 1
    assert build.diagnostics(content) == [(ALPHA_BADGE, "error[R007]")]
    assert "FAILED: nothing written" in build.out
    assert not out.exists() and leftovers(tmp_path) == []


def test_a_refused_badge_leaves_the_previous_site_as_it_was(make_content, tmp_path: Path, capsys) -> None:
    content, out = make_content(), tmp_path / "site"
    assert credcat(capsys, "build", "--content", content, "--out", out, "--no-search").code == 0
    before = tree(out)
    (content / "badges/evil.svg").write_bytes(PREFIXED_SCRIPT)
    set_badge(content, "badges/evil.svg")
    build = credcat(capsys, "build", "--content", content, "--out", out, "--no-search")
    assert build.code == 1 and build.diagnostics(content) == [(ALPHA_BADGE, "error[R007]")]
    assert tree(out) == before
    assert not (out / "badges/evil.svg").exists()


def test_a_badge_one_byte_over_the_limit_is_refused(make_content, capsys) -> None:
    content = make_content({"badges/big.svg": b"<svg/>".ljust(MAX_BADGE_BYTES + 1)})
    set_badge(content, "badges/big.svg")
    run = credcat(capsys, "validate", "--content", content)
    assert run.code == 1
    assert run.diagnostics(content) == [(ALPHA_BADGE, "error[R007]")]
    assert "badge image 'badges/big.svg' is " in run.err and " KB, more than the 1,000 KB a badge may be" in run.err


def test_the_size_of_an_oversized_badge_is_stated_as_more_than_the_limit(make_content, capsys) -> None:
    """1,000,001 bytes is 1,001 KB (rounded up, as catalog.badges says it), never '1,000 KB, more than 1,000 KB'."""
    content = make_content({"badges/big.svg": b"<svg/>".ljust(MAX_BADGE_BYTES + 1)})
    set_badge(content, "badges/big.svg")
    run = credcat(capsys, "validate", "--content", content)
    assert run.code == 1
    assert "badge image 'badges/big.svg' is 1,001 KB, more than the 1,000 KB a badge may be" in run.err, run.err


def test_a_huge_sparse_badge_is_refused_by_its_size_without_being_read(make_content, capsys) -> None:
    content = make_content()
    with open(content / "badges/huge.svg", "wb") as file:
        file.truncate(5_000_000_000)  # 5 GB that take no disk: reading them would exhaust memory
    set_badge(content, "badges/huge.svg")
    run = credcat(capsys, "validate", "--content", content)
    assert run.code == 1
    assert run.diagnostics(content) == [(ALPHA_BADGE, "error[R007]")]
    assert "is 5,000,000 KB, more than the 1,000 KB a badge may be" in run.err


def test_a_badge_that_is_a_fifo_is_not_read(make_content, capsys) -> None:
    content = make_content()
    os.mkfifo(content / "badges/pipe.svg")  # reading it would block forever
    set_badge(content, "badges/pipe.svg")
    run = credcat(capsys, "validate", "--content", content)
    assert run.code == 1
    assert run.diagnostics(content) == [(ALPHA_BADGE, "error[R005]")]
    assert "badge image 'badges/pipe.svg' is not a file" in run.err


def test_a_badge_that_is_a_folder_is_refused(make_content, capsys) -> None:
    content = make_content()
    (content / "badges/folder.svg").mkdir()
    set_badge(content, "badges/folder.svg")
    run = credcat(capsys, "validate", "--content", content)
    assert run.code == 1
    assert run.diagnostics(content) == [(ALPHA_BADGE, "error[R005]")]
    assert "badge image 'badges/folder.svg' is not a file" in run.err
