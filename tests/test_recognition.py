"""Where a credential counts, as a recognizer can trust it: only approvals count, and every
statement reaches the recognizer's export."""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

import pytest

from site_builder.cli import main
from site_builder.exports import RECOGNITION_COLUMNS

ALPHA_ROW = "status: approved, source: https://nc.example.org/renewal/approved, as_of: 2026-06-01}"


def build(content: Path, out: Path, today: str = "2026-11-24") -> None:
    assert main(["build", "--content", str(content), "--out", str(out), "--no-search", "--today", today]) == 0


def counts_in(site: Path, page: str) -> tuple[str, list[str]]:
    """The label card's 'Counts in' text and the page's 'Counts in' search filters."""
    text = (site / page / "index.html").read_text(encoding="utf-8")
    card = re.search(r"<dt>Counts in</dt><dd>(.*?)</dd>", text)
    assert card is not None
    return card.group(1), re.findall(r'data-pagefind-filter="Counts in:([^"]*)"', text)


@pytest.mark.parametrize("status", ["pending", "pilot", "not_accepted"])
def test_only_approved_rows_count(status: str, make_content, tmp_path: Path, capsys) -> None:
    content = make_content(edits={"credentials/alpha.md": [[ALPHA_ROW, ALPHA_ROW.replace("approved", status, 1)]]})
    build(content, tmp_path / "site")
    assert counts_in(tmp_path / "site", "credentials/alpha") == ("No approval stated yet", [])
    assert counts_in(tmp_path / "site", "credentials/beta") == ("North Carolina", ["North Carolina"])
    page = (tmp_path / "site" / "credentials" / "alpha" / "index.html").read_text(encoding="utf-8")
    pending_shown = "<dt>Pending in</dt>" in page
    assert pending_shown == (status != "not_accepted")  # a refusal is never shown as pending
    assert ("Not accepted (refused)" in page) == (status == "not_accepted")  # but it is on the page


def test_an_expired_approval_stops_counting_the_day_after_it_expires(make_content, tmp_path: Path, capsys) -> None:
    expiring = ALPHA_ROW.replace("as_of: 2026-06-01}", "as_of: 2026-06-01, expires: 2026-11-24}")
    content = make_content(edits={"credentials/alpha.md": [[ALPHA_ROW, expiring]]})
    build(content, tmp_path / "on-the-day", today="2026-11-24")
    assert counts_in(tmp_path / "on-the-day", "credentials/alpha") == ("North Carolina", ["North Carolina"])
    build(content, tmp_path / "day-after", today="2026-11-25")
    assert counts_in(tmp_path / "day-after", "credentials/alpha") == ("No approval stated yet", [])
    page = (tmp_path / "day-after" / "credentials" / "alpha" / "index.html").read_text(encoding="utf-8")
    assert "Expired</strong> on <time" in page
    assert "warning[R012]" in capsys.readouterr().err


def test_counts_for_names_the_use_in_the_state(make_content, tmp_path: Path) -> None:
    build(make_content(), tmp_path / "site")
    text = (tmp_path / "site" / "credentials" / "alpha" / "index.html").read_text(encoding="utf-8")
    assert re.findall(r'data-pagefind-filter="Counts for:([^"]*)"', text) == ["North Carolina: license renewal"]


def read_csv(path: Path) -> list[dict[str, str]]:
    text = path.read_text(encoding="utf-8")
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0] == RECOGNITION_COLUMNS
    return [dict(zip(rows[0], row)) for row in rows[1:]]


def test_the_recognizer_export_holds_every_statement_and_no_formula(make_content, tmp_path: Path) -> None:
    beta_row = ALPHA_ROW.replace("approved", "not_accepted", 1)
    content = make_content(
        edits={
            "credentials/alpha.md": [["authority: NC DPI", 'authority: "=HYPERLINK(\\"https://evil\\")"']],
            "credentials/beta.md": [[ALPHA_ROW, beta_row]],
            "stacks/pair.yaml": [
                [
                    "completion: {rule: all}",
                    "completion: {rule: all}\nlicensure_fit:\n  - {jurisdiction: NC, authority: NC DPI,"
                    " use: license_renewal, status: pending, source: https://nc.example.org/renewal/stacks,"
                    " as_of: 2026-06-01, license: Continuing Professional License}",
                ]
            ],
        }
    )
    build(content, tmp_path / "site")
    nc = read_csv(tmp_path / "site" / "recognition" / "nc" / "recognition.csv")
    assert [(r["kind"], r["id"], r["status"]) for r in nc] == [
        ("stack", "pair", "pending"),
        ("credential", "alpha", "approved"),
        ("credential", "beta", "not_accepted"),
    ]
    alpha = nc[1]
    assert alpha["authority"] == '\'=HYPERLINK("https://evil")'
    assert alpha["url"] == "/credentials/alpha/" and alpha["credit_amount"] == "0.5" and alpha["credit_unit"] == "CEU"
    assert nc[0]["license"] == "Continuing Professional License" and nc[0]["basis"] == "members"
    assert read_csv(tmp_path / "site" / "recognition" / "wy" / "recognition.csv") == []
    assert read_csv(tmp_path / "site" / "recognition" / "recognition.csv") == nc
    state_page = (tmp_path / "site" / "recognition" / "nc" / "index.html").read_text(encoding="utf-8")
    assert 'href="/recognition/nc/recognition.csv"' in state_page
    assert "Continuing Professional License" in state_page


def test_a_stack_page_shows_the_evidence_behind_a_fit_counted_from_members(make_content, tmp_path: Path) -> None:
    fit = (
        "completion: {rule: all}\nlicensure_fit:\n  - {jurisdiction: NC, authority: NC DPI, use: license_renewal,"
        " credit: {amount: 1, unit: CEU}, status: approved, source: https://nc.example.org/renewal/stacks,"
        " as_of: 2026-06-01}"
    )
    build(make_content(edits={"stacks/pair.yaml": [["completion: {rule: all}", fit]]}), tmp_path / "site")
    page = (tmp_path / "site" / "stacks" / "pair" / "index.html").read_text(encoding="utf-8")
    assert "approved for 2 of 2 member credentials (every one is required)" in page
    assert counts_in(tmp_path / "site", "stacks/pair") == ("North Carolina", ["North Carolina"])
