"""Nothing leaves the content folder: links out of it, link loops and paths that climb out are
refused (catalog/sources.py), so no file from elsewhere on the machine can be read or published."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from tests.hostile.support import ALPHA_BADGE, credcat, files_containing, leftovers, set_badge, tree

SECRET = b"OUTSIDE-SECRET-MARKER"
SECRET_SVG = b'<svg xmlns="http://www.w3.org/2000/svg"><title>' + SECRET + b"</title><rect/></svg>"


def outside_credential(content: Path, new_id: str) -> str:
    """A valid credential's text with id `new_id`: were the link followed, it would load and publish."""
    return (content / "credentials/beta.md").read_text(encoding="utf-8").replace("id: beta", f"id: {new_id}")


def test_a_credential_that_links_outside_the_content_folder_is_refused(make_content, tmp_path: Path, capsys) -> None:
    content, out = make_content(), tmp_path / "site"
    assert credcat(capsys, "build", "--content", content, "--out", out, "--no-search").code == 0
    before = tree(out)
    outside = tmp_path / "outside.md"
    outside.write_text(outside_credential(content, "x").replace("Beta is", "OUTSIDE-SECRET-MARKER is"))
    (content / "credentials/x.md").symlink_to(outside)

    validate = credcat(capsys, "validate", "--content", content)
    assert validate.code == 1
    assert validate.diagnostics(content) == [("credentials/x.md:1:1", "error[L010]")]
    assert f"the file is a link to {outside.resolve()}, outside the content folder" in validate.err

    build = credcat(capsys, "build", "--content", content, "--out", out, "--no-search")
    assert build.code == 1 and build.diagnostics(content) == [("credentials/x.md:1:1", "error[L010]")]
    assert tree(out) == before and files_containing(out, SECRET) == []


def test_site_yaml_that_links_outside_is_refused(make_content, tmp_path: Path, capsys) -> None:
    content = make_content()
    outside = tmp_path / "site.yaml"
    shutil.move(content / "site.yaml", outside)
    (content / "site.yaml").symlink_to(outside)
    run = credcat(capsys, "validate", "--content", content)
    assert run.code == 1
    assert run.diagnostics(content) == [("site.yaml:1:1", "error[L010]")]
    assert "outside the content folder" in run.err


def test_a_stacks_folder_that_links_outside_is_refused_file_by_file(make_content, tmp_path: Path, capsys) -> None:
    content = make_content()
    elsewhere = tmp_path / "elsewhere"
    shutil.move(content / "stacks", elsewhere)
    (content / "stacks").symlink_to(elsewhere)
    run = credcat(capsys, "validate", "--content", content)
    assert run.code == 1
    assert run.diagnostics(content) == [("stacks/pair.yaml:1:1", "error[L010]")]
    assert f"the file is a link to {(elsewhere / 'pair.yaml').resolve()}, outside the content folder" in run.err


def test_a_link_inside_the_content_folder_is_fine(make_content, capsys) -> None:
    content = make_content()
    (content / "badges/link.svg").symlink_to(content / "badges/alpha.svg")
    set_badge(content, "badges/link.svg")
    run = credcat(capsys, "validate", "--content", content)
    assert run.code == 0 and run.diagnostics(content) == []


@pytest.mark.parametrize("loop", ["self", "pair"])
def test_a_link_loop_in_credentials_is_refused(make_content, capsys, loop: str) -> None:
    content = make_content()
    folder = content / "credentials"
    if loop == "self":
        (folder / "loop.md").symlink_to(folder / "loop.md")
        expected = [("credentials/loop.md:1:1", "error[L010]")]
    else:
        (folder / "a.md").symlink_to(folder / "b.md")
        (folder / "b.md").symlink_to(folder / "a.md")
        expected = [("credentials/a.md:1:1", "error[L010]"), ("credentials/b.md:1:1", "error[L010]")]
    run = credcat(capsys, "validate", "--content", content)
    assert run.code == 1
    assert run.diagnostics(content) == expected
    assert "the file is a symbolic link loop" in run.err


def badge_outside(content: Path, tmp_path: Path, kind: str) -> str:
    """Point alpha's badge at a file outside the content folder, in one of several ways; the badge path."""
    secret = tmp_path / "secret.svg"
    secret.write_bytes(SECRET_SVG)
    if kind == "link to a file outside":
        (content / "badges/evil.svg").symlink_to(secret)
    elif kind == "link to /etc/hostname":
        if not Path("/etc/hostname").is_file():
            pytest.skip("this machine has no /etc/hostname")
        (content / "badges/evil.svg").symlink_to("/etc/hostname")
    elif kind == "link to /dev/zero":
        (content / "badges/evil.svg").symlink_to("/dev/zero")
    elif kind == "folder linked outside":
        (content / "badges/linked").symlink_to(tmp_path)
        return "badges/linked/secret.svg"
    return "badges/evil.svg"


@pytest.mark.parametrize(
    "kind", ["link to a file outside", "link to /etc/hostname", "link to /dev/zero", "folder linked outside"]
)
def test_a_badge_that_links_outside_is_refused_and_never_published(
    make_content, tmp_path: Path, capsys, kind: str
) -> None:
    content, out = make_content(), tmp_path / "out" / "site"
    assert credcat(capsys, "build", "--content", content, "--out", out, "--no-search").code == 0
    before = tree(out)
    image = badge_outside(content, tmp_path, kind)
    set_badge(content, image)

    validate = credcat(capsys, "validate", "--content", content)
    assert validate.code == 1
    assert validate.diagnostics(content) == [(ALPHA_BADGE, "error[R005]")]
    assert f"badge image '{image}' is a link to a file outside the content folder" in validate.err

    build = credcat(capsys, "build", "--content", content, "--out", out, "--no-search")
    assert build.code == 1 and build.diagnostics(content) == [(ALPHA_BADGE, "error[R005]")]
    assert tree(out) == before and leftovers(out.parent) == []
    assert files_containing(out, SECRET) == []
    if kind == "link to /etc/hostname" and (hostname := Path("/etc/hostname").read_bytes().strip()):
        assert [f for f in before if (out / f).is_file() and (out / f).read_bytes().strip() == hostname] == []


@pytest.mark.parametrize("loop", ["self", "pair"])
def test_a_badge_that_is_a_link_loop_is_refused(make_content, capsys, loop: str) -> None:
    content = make_content()
    badges = content / "badges"
    if loop == "self":
        (badges / "loop.svg").symlink_to(badges / "loop.svg")
    else:
        (badges / "loop.svg").symlink_to(badges / "other.svg")
        (badges / "other.svg").symlink_to(badges / "loop.svg")
    set_badge(content, "badges/loop.svg")
    run = credcat(capsys, "validate", "--content", content)
    assert run.code == 1
    assert run.diagnostics(content) == [(ALPHA_BADGE, "error[R005]")]
    assert "badge image 'badges/loop.svg' is a symbolic link loop" in run.err


@pytest.mark.parametrize("name", ["a" * 300 + ".svg", "é" * 130 + ".svg"], ids=["300 ascii", "260 bytes of é"])
def test_a_badge_name_over_255_bytes_is_refused(make_content, capsys, name: str) -> None:
    content = make_content()
    set_badge(content, f"badges/{name}")
    run = credcat(capsys, "validate", "--content", content)
    assert run.code == 1
    assert run.diagnostics(content) == [(ALPHA_BADGE, "error[R005]")]
    assert "cannot be read: File name too long" in run.err


@pytest.mark.parametrize(
    "image",
    ["../outside.svg", "badges/../../outside.svg", "/etc/hostname", "..\\outside.svg", "badges\\..\\..\\outside.svg"],
)
def test_a_badge_path_that_climbs_out_is_refused(make_content, tmp_path: Path, capsys, image: str) -> None:
    content = make_content()
    (tmp_path / "outside.svg").write_bytes(SECRET_SVG)
    set_badge(content, image)
    run = credcat(capsys, "validate", "--content", content)
    assert run.code == 1
    assert run.diagnostics(content) == [(ALPHA_BADGE, "error[R005]")]
    assert "is not a path inside the content folder" in run.err
