"""The command line: exit codes, output formats, --strict, and skeletons that validate once filled."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from site_builder.cli import main
from tests.conftest import FIXTURES


def test_clean_content_exits_zero_with_no_diagnostics(make_content, capsys) -> None:
    assert main(["validate", "--content", str(make_content())]) == 0
    captured = capsys.readouterr()
    assert captured.err == ""
    assert captured.out.startswith("OK: 3 credentials, 1 stacks")


def test_errors_are_printed_as_path_line_col_code_with_hints(make_content, capsys) -> None:
    content = make_content(edits={"credentials/alpha.md": [["roles: [teacher]", "roles: [teachr]"]]})
    assert main(["validate", "--content", str(content)]) == 1
    err = capsys.readouterr().err
    assert f"{content}/credentials/alpha.md:6:20: error[V003]: 'audience.roles[0]' has unknown value 'teachr'" in err
    assert "  hint: did you mean 'teacher'?" in err
    assert "Traceback" not in err


def test_the_command_exits_with_its_code_and_all_it_printed(make_content) -> None:
    """`credcat` ends without Python's teardown (site_builder.cli.run): what it printed is flushed first."""
    content = make_content(edits={"credentials/alpha.md": [["roles: [teacher]", "roles: [teachr]"]]})
    command = [sys.executable, "-m", "site_builder.cli", "validate", "--content", str(content)]
    run = subprocess.run(command, capture_output=True, text=True, timeout=120, check=False)
    assert run.returncode == 1
    assert run.stdout == "FAILED: content not usable; 1 error, 0 warnings\n"
    assert "error[V003]" in run.stderr and "Traceback" not in run.stderr


def test_warnings_fail_only_under_strict(make_content, capsys) -> None:
    content = make_content(
        edits={"stacks/pair.yaml": [["completion: {rule: all}", "completion: {rule: all, colour: blue}"]]}
    )
    assert main(["validate", "--content", str(content)]) == 0
    assert "warning[V008]" in capsys.readouterr().err
    assert main(["validate", "--content", str(content), "--strict"]) == 1
    assert "error[V008]" in capsys.readouterr().err


def test_json_format_lists_diagnostic_objects(make_content, capsys) -> None:
    content = make_content(edits={"credentials/alpha.md": [["effort_hours: 4", "effort_hours: twelve"]]})
    assert main(["validate", "--content", str(content), "--format", "json"]) == 1
    (diagnostic,) = json.loads(capsys.readouterr().out)
    assert diagnostic == {
        "path": f"{content}/credentials/alpha.md",
        "line": 22,
        "col": 15,
        "severity": "error",
        "code": "V002",
        "message": "'effort_hours' must be a number, not text 'twelve'",
        "hint": None,
    }


def test_all_problems_are_reported_at_once(make_content, capsys) -> None:
    content = make_content(
        edits={
            "credentials/alpha.md": [["effort_hours: 4", "effort_hours: twelve"]],
            "credentials/beta.md": [["grade_bands: [3-5]", "grade_bands: [K-13]"]],
            "stacks/pair.yaml": [["[alpha, beta]", "[alpha, nope]"]],
        }
    )
    assert main(["validate", "--content", str(content), "--format", "json"]) == 1
    assert [d["code"] for d in json.loads(capsys.readouterr().out)] == ["V002", "V003", "S001"]


def test_missing_content_folder_is_reported_not_raised(tmp_path: Path, capsys) -> None:
    assert main(["validate", "--content", str(tmp_path / "nowhere")]) == 1
    assert "error[L008]" in capsys.readouterr().err


def test_usage_errors_exit_two(capsys) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main(["validate", "--format", "xml"])
    assert exit_info.value.code == 2


def test_crlf_and_bom_are_accepted(make_content, capsys) -> None:
    content = make_content()
    alpha = content / "credentials" / "alpha.md"
    alpha.write_bytes(b"\xef\xbb\xbf" + alpha.read_bytes().replace(b"\n", b"\r\n"))
    assert main(["validate", "--content", str(content)]) == 0


@pytest.mark.parametrize("kind, folder", [("credential", "credentials"), ("stack", "stacks")])
def test_new_writes_a_skeleton_that_validates_once_filled(make_content, capsys, kind: str, folder: str) -> None:
    content = make_content()
    assert main(["new", kind, "delta", "--content", str(content)]) == 0
    path = content / folder / ("delta.md" if kind == "credential" else "delta.yaml")
    text = path.read_text()
    assert "TODO" in text
    assert main(["new", kind, "delta", "--content", str(content)]) == 2  # never overwrites

    filled = (
        text.replace("TODO-first-credential", "alpha")
        .replace("TODO-second-credential", "beta")
        .replace("https://doi.org/TODO", "https://doi.org/10.1000/1")
        .replace("https://example.org/TODO", "https://example.org/x")
        .replace("TODO", "Filled in")
        .replace("1900-01-01", "2026-10-01")
    )
    path.write_text(filled)
    capsys.readouterr()
    assert main(["validate", "--content", str(content), "--strict"]) == 0, capsys.readouterr().err


def test_new_refuses_a_bad_id(make_content) -> None:
    assert main(["new", "credential", "Bad_Id", "--content", str(make_content())]) == 2


@pytest.mark.parametrize("command", ["validate", "build", "quality"])
@pytest.mark.parametrize("epoch", ["abc", "99999999999999999999"])
def test_a_malformed_source_date_epoch_is_a_usage_error(
    make_content, tmp_path: Path, capsys, monkeypatch, command: str, epoch: str
) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", epoch)
    extra = ["--out", str(tmp_path / "site")] if command == "build" else []
    assert main([command, "--content", str(make_content()), *extra]) == 2
    err = capsys.readouterr().err
    assert "credcat: error: SOURCE_DATE_EPOCH must be whole seconds" in err and "Traceback" not in err


def test_a_missing_pagefind_binary_is_an_environment_failure_and_changes_nothing(
    make_content, tmp_path: Path, capsys, monkeypatch
) -> None:
    content, out = make_content(), tmp_path / "site"
    assert main(["build", "--content", str(content), "--out", str(out), "--no-search"]) == 0
    before = sorted(p.relative_to(out) for p in out.rglob("*"))
    monkeypatch.setenv("PAGEFIND_BINARY_PATH", str(tmp_path / "no-such-pagefind"))
    assert main(["build", "--content", str(content), "--out", str(out)]) == 3
    err = capsys.readouterr().err
    assert "credcat: error: the pagefind binary was not found" in err and "Traceback" not in err
    assert sorted(p.relative_to(out) for p in out.rglob("*")) == before


def test_a_crashing_indexer_is_an_environment_failure(make_content, tmp_path: Path, capsys, monkeypatch) -> None:
    failing = tmp_path / "pagefind"
    failing.write_text("#!/bin/sh\necho 'disk full' >&2\nexit 7\n")
    failing.chmod(0o755)
    monkeypatch.setenv("PAGEFIND_BINARY_PATH", str(failing))
    assert main(["build", "--content", str(make_content()), "--out", str(tmp_path / "site")]) == 3
    err = capsys.readouterr().err
    assert "search indexing failed, nothing was changed: disk full" in err
    assert not (tmp_path / "site").exists()


def test_a_warning_repeated_across_many_files_is_counted_after_a_few(make_content, capsys) -> None:
    stale = "as_of: 2026-06-01}"
    content = make_content(
        {
            f"credentials/c{n}.md": (FIXTURES / "base" / "credentials" / "alpha.md")
            .read_text(encoding="utf-8")
            .replace("id: alpha", f"id: c{n}")
            .replace("47c752c67eb6", f"47c752c67e{n:02}")  # each its own ctid
            .replace(stale, "as_of: 2024-06-01}")
            for n in range(8)
        }
    )
    assert main(["validate", "--content", str(content)]) == 0
    err = capsys.readouterr().err
    assert err.count("warning[R006]:") == 5
    assert "warning[R006] in 3 more files; --verbose for all" in err
    assert main(["validate", "--content", str(content), "--verbose"]) == 0
    assert capsys.readouterr().err.count("warning[R006]:") == 8
