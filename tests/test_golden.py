"""Golden output: our own pages for the small fixture catalog, compared byte for byte.

After an intended change, refresh with `make golden` (UPDATE_GOLDEN=1) and review the diff like code.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from site_builder.cli import main

GOLDEN = Path(__file__).parent / "golden"
FILES = [
    "index.html",
    "404.html",
    "credentials/index.html",
    "credentials/alpha/index.html",
    "credentials/alpha/credential.json",
    "credentials/alpha/achievement.json",
    "stacks/index.html",
    "stacks/pair/index.html",
    "stacks/pair/stack.json",
    "recognition/index.html",
    "recognition/nc/index.html",
    "recognition/nc/recognition.csv",
    "quality/index.html",
    "catalog.json",
    "sitemap.xml",
    "feed.xml",
    "robots.txt",
]


@pytest.fixture(scope="module")
def fixture_site(tmp_path_factory) -> Path:
    from tests.conftest import FIXTURES

    out = tmp_path_factory.mktemp("golden") / "site"
    os.environ["SOURCE_DATE_EPOCH"] = "1795478400"
    try:
        assert (
            main(
                [
                    "build",
                    "--content",
                    str(FIXTURES / "base"),
                    "--out",
                    str(out),
                    "--base-url",
                    "https://example.org/catalog/",
                ]
            )
            == 0
        )
    finally:
        del os.environ["SOURCE_DATE_EPOCH"]
    return out


@pytest.mark.parametrize("name", FILES)
def test_page_matches_golden(fixture_site: Path, name: str) -> None:
    actual = (fixture_site / name).read_text(encoding="utf-8")
    golden = GOLDEN / name
    if os.environ.get("UPDATE_GOLDEN"):
        golden.parent.mkdir(parents=True, exist_ok=True)
        golden.write_text(actual, encoding="utf-8")
    assert golden.is_file(), f"no golden file for {name}: run `make golden`"
    assert actual == golden.read_text(encoding="utf-8"), (
        f"{name} differs from tests/golden/{name}: review, then `make golden`"
    )


def test_every_golden_file_is_still_produced() -> None:
    stored = {str(p.relative_to(GOLDEN)) for p in GOLDEN.rglob("*") if p.is_file()}
    assert stored == set(FILES)
