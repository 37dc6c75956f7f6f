"""Clean text: no control characters (V013), no names Windows reserves (V014), ids that are exact
slugs, a --base-url that cannot point elsewhere, and every unsafe Markdown link reported (M001)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import FIXTURES
from tests.hostile.support import ALPHA, PAIR, at, credcat, line_of

TITLE = "title: Alpha Skill"
BODY = "Alpha is a quick end-of-lesson check."
TITLE_AT = at(ALPHA, "Alpha Skill")
ID_AT = at(ALPHA, "id: alpha", len("id: "))
BODY_LINE = line_of(ALPHA, BODY)


@pytest.mark.parametrize(("escape", "code_point"), [("\\x07", "U+0007"), ("\\0", "U+0000"), ("\\x1b", "U+001B")])
def test_a_control_character_written_as_a_yaml_escape_is_refused(
    make_content, tmp_path: Path, capsys, escape: str, code_point: str
) -> None:
    content = make_content(edits={"credentials/alpha.md": [[TITLE, f'title: "Bad{escape}title"']]})
    validate = credcat(capsys, "validate", "--content", content)
    assert validate.code == 1
    assert validate.diagnostics(content) == [(TITLE_AT, "error[V013]")]
    assert f"'title' contains a control character ({code_point})" in validate.err
    build = credcat(capsys, "build", "--content", content, "--out", tmp_path / "site", "--no-search")
    assert build.code == 1 and build.diagnostics(content) == [(TITLE_AT, "error[V013]")]
    assert not (tmp_path / "site").exists()


def test_a_control_character_deep_in_a_list_is_refused_at_its_value(make_content, capsys) -> None:
    content = make_content(
        edits={"credentials/alpha.md": [["{title: Alpha guide,", '{title: "Alpha\\u0085guide",']]}  # NEL, a C1 control
    )
    run = credcat(capsys, "validate", "--content", content)
    assert run.code == 1
    assert run.diagnostics(content) == [(at(ALPHA, "Alpha guide"), "error[V013]")]
    assert "'resources[0].title' contains a control character (U+0085)" in run.err


@pytest.mark.parametrize(
    ("replacement", "where", "code_point"),
    [
        ("Alpha is\x07 a quick end-of-lesson check.", f"{ALPHA}:{BODY_LINE}:9", "U+0007"),
        ("Alpha is a quick check.\n\nSecond\x00 paragraph.", f"{ALPHA}:{BODY_LINE + 2}:7", "U+0000"),
    ],
    ids=["BEL on the first line", "NUL two lines down"],
)
def test_a_raw_control_character_in_the_description_is_refused_at_its_line_and_column(
    make_content, capsys, replacement: str, where: str, code_point: str
) -> None:
    content = make_content(edits={"credentials/alpha.md": [[BODY, replacement]]})
    run = credcat(capsys, "validate", "--content", content)
    assert run.code == 1
    assert run.diagnostics(content) == [(where, "error[V013]")]
    assert f"the description contains a control character ({code_point})" in run.err


def test_a_raw_control_character_in_front_matter_is_never_accepted(make_content, capsys) -> None:
    """A raw control character is reported at its own line and column (libyaml would point at the file's start)."""
    content = make_content(edits={"credentials/alpha.md": [[TITLE, "title: Bad\x07title"]]})
    run = credcat(capsys, "validate", "--content", content)
    assert run.code == 1
    assert run.diagnostics(content) == [(f"{ALPHA}:3:11", "error[V013]")]
    assert "contains a control character (U+0007)" in run.err


@pytest.mark.parametrize(
    ("value", "codes"),
    [
        ('"alpha\\n"', ["V006"]),
        ("|\n  alpha", ["V006"]),  # a block scalar keeps its final newline
        ('"alpha\\t"', ["V006"]),
        ('"alpha "', ["V006"]),
        ('"alpha\\r"', ["V006", "V013"]),  # a carriage return is also a control character
    ],
)
def test_an_id_with_trailing_whitespace_is_never_accepted(
    make_content, tmp_path: Path, capsys, value: str, codes: list[str]
) -> None:
    content = make_content(edits={"credentials/alpha.md": [["id: alpha", f"id: {value}"]]})
    validate = credcat(capsys, "validate", "--content", content)
    assert validate.code == 1
    assert validate.diagnostics(content) == [(ID_AT, f"error[{code}]") for code in codes]
    assert "'id' is not a lowercase slug" in validate.err
    build = credcat(capsys, "build", "--content", content, "--out", tmp_path / "site", "--no-search")
    assert build.code == 1 and not (tmp_path / "site").exists()


@pytest.mark.parametrize("name", ["con", "aux", "nul", "com1", "lpt9"])
def test_a_credential_id_windows_reserves_is_refused(make_content, capsys, name: str) -> None:
    alpha = (FIXTURES / "base/credentials/alpha.md").read_text(encoding="utf-8")
    content = make_content(
        {f"credentials/{name}.md": alpha.replace("id: alpha", f"id: {name}")},
        edits={"stacks/pair.yaml": [["[alpha, beta]", f"[{name}, beta]"]]},
        delete=("credentials/alpha.md",),
    )
    run = credcat(capsys, "validate", "--content", content)
    assert run.code == 1
    assert run.diagnostics(content) == [(ID_AT.replace(ALPHA, f"credentials/{name}.md"), "error[V014]")]
    assert f"id '{name}' is a reserved file name on Windows" in run.err


@pytest.mark.parametrize("name", ["aux", "prn"])
def test_a_stack_id_windows_reserves_is_refused(make_content, capsys, name: str) -> None:
    pair = (FIXTURES / "base/stacks/pair.yaml").read_text(encoding="utf-8")
    content = make_content(
        {f"stacks/{name}.yaml": pair.replace("id: pair", f"id: {name}")}, delete=("stacks/pair.yaml",)
    )
    run = credcat(capsys, "validate", "--content", content)
    assert run.code == 1
    assert run.diagnostics(content) == [
        (at(PAIR, "id: pair", len("id: ")).replace(PAIR, f"stacks/{name}.yaml"), "error[V014]")
    ]
    assert f"id '{name}' is a reserved file name on Windows" in run.err


def test_a_jurisdiction_code_windows_reserves_is_refused(make_content, capsys) -> None:
    content = make_content(edits={"site.yaml": [["  WY: Wyoming", "  WY: Wyoming\n  CON: Connecticut"]]})
    run = credcat(capsys, "validate", "--content", content)
    assert run.code == 1
    assert run.diagnostics(content) == [(f"site.yaml:{line_of('site.yaml', 'WY: Wyoming') + 1}:3", "error[V014]")]
    assert "jurisdiction code 'CON' is a reserved file name on Windows" in run.err


@pytest.mark.parametrize(
    "base_url",
    ["/\\evil.example/", "\\\\evil.example\\repo\\", "https://owner.github.io\\@evil.example/", "/repo\\"],
)
def test_a_base_url_with_a_backslash_is_a_usage_error(make_content, tmp_path: Path, capsys, base_url: str) -> None:
    run = credcat(capsys, "build", "--content", make_content(), "--out", tmp_path / "site", "--base-url", base_url)
    assert run.code == 2 and run.out == ""
    assert run.err == f"credcat: error: --base-url {base_url!r} must not contain backslashes or control characters\n"
    assert not (tmp_path / "site").exists()


@pytest.mark.parametrize("base_url", ["/repo\x07/", "/re\x00po/", "https://o.github.io/r\x7f/", "/r\x9b/"])
def test_a_base_url_with_a_control_character_is_a_usage_error(
    make_content, tmp_path: Path, capsys, base_url: str
) -> None:
    run = credcat(capsys, "build", "--content", make_content(), "--out", tmp_path / "site", "--base-url", base_url)
    assert run.code == 2 and run.out == ""
    assert run.err.startswith("credcat: error: --base-url ") and "control characters" in run.err
    assert not (tmp_path / "site").exists()


def test_three_javascript_links_on_three_lines_give_three_warnings_at_their_lines(make_content, capsys) -> None:
    content = make_content(
        edits={
            "credentials/alpha.md": [
                [
                    BODY,
                    "Alpha is a [quick](javascript:alert(1)) check.\n"
                    "See [this](javascript:alert(2)) too.\n"
                    "And [that](JavaScript:alert(3)).",
                ]
            ]
        }
    )
    run = credcat(capsys, "validate", "--content", content)
    assert run.code == 0
    assert run.diagnostics(content) == [
        (f"{ALPHA}:{BODY_LINE}:20", "warning[M001]"),
        (f"{ALPHA}:{BODY_LINE + 1}:12", "warning[M001]"),
        (f"{ALPHA}:{BODY_LINE + 2}:12", "warning[M001]"),
    ]
    assert run.err.count("link with unsafe scheme 'javascript:' dropped from the description") == 2
    assert run.err.count("link with unsafe scheme 'JavaScript:' dropped from the description") == 1
    strict = credcat(capsys, "validate", "--content", content, "--strict")
    assert strict.code == 1 and [code for _, code in strict.diagnostics(content)] == ["error[M001]"] * 3


def test_the_same_unsafe_link_repeated_on_one_line_is_reported_at_each_column(make_content, capsys) -> None:
    content = make_content(edits={"credentials/alpha.md": [[BODY, "[a](data:x) [b](data:x) ![c](vbscript:x)"]]})
    run = credcat(capsys, "validate", "--content", content)
    assert run.code == 0
    assert run.diagnostics(content) == [
        (f"{ALPHA}:{BODY_LINE}:5", "warning[M001]"),
        (f"{ALPHA}:{BODY_LINE}:17", "warning[M001]"),
        (f"{ALPHA}:{BODY_LINE}:30", "warning[M001]"),
    ]
    assert "image with unsafe scheme 'vbscript:' dropped" in run.err
