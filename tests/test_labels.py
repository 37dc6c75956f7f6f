"""Stack label facts are computed, never typed; label checks keep labels plain and accurate."""

from __future__ import annotations

import datetime

import pytest

from catalog import readability
from catalog.diagnostics import Location
from catalog.labels import (
    Range,
    check_label,
    check_stack_label_audience,
    check_stack_label_numbers,
    choice_range,
    credit_by_unit,
    label_stack,
)
from catalog.model import (
    Assessment,
    Audience,
    Completion,
    Cost,
    Credential,
    Credit,
    Delivery,
    Evaluation,
    Evidence,
    Issuer,
    RecognitionRow,
    Resubmission,
    Stack,
    Submission,
)
from catalog.readability import flesch_kincaid_grade, syllables

HERE = Location("stack.yaml", 3, 8)


def credential(
    id: str,
    hours: float,
    cost: float = 0,
    roles=("teacher",),
    grades=("3-5",),
    mode="online",
    evidence=("plan",),
    recognition=(),
) -> Credential:
    return Credential(
        id=id,
        title=id.title(),
        label="A label.",
        competency=f"Competency of {id}.",
        audience=Audience(tuple(roles), tuple(grades)),
        level="introductory",
        standards=(),
        research=(),
        resources=(),
        evidence=tuple(Evidence(e, e, "scope", "PDF") for e in evidence),
        evaluation=Evaluation(("Yes", "No"), "All yes.", ()),
        submission=Submission(7, Resubmission(True)),
        assessment=Assessment(),
        effort_hours=hours,
        cost=Cost(cost),
        delivery=Delivery(mode, "self_paced"),
        issuer=Issuer("Issuer"),
        source=Location(f"{id}.md"),
        recognition=tuple(recognition),
    )


def stack(members, label="A stack.", rule="all", n=None, sequence="ordered") -> Stack:
    return Stack(
        id="s",
        title="S",
        label=label,
        credentials=tuple(m.id for m in members),
        source=HERE,
        sequence=sequence,
        completion=Completion(rule, n),
    )


def row(jurisdiction: str, amount: float, unit: str, use: str = "license_renewal") -> RecognitionRow:
    return RecognitionRow(
        jurisdiction,
        "Authority",
        use,
        "approved",
        "https://x.org",
        datetime.date(2026, 1, 1),
        credit=Credit(amount, unit),
    )


def test_all_of_stack_totals_are_exact() -> None:
    members = (credential("a", 4, 0), credential("b", 6, 50))
    facts = label_stack(stack(members), members)
    assert facts.hours == Range(10, 10) and facts.cost == Range(50, 50)
    assert facts.rule == "all 2, in order"


def test_n_of_stack_totals_range_from_cheapest_to_dearest_choice() -> None:
    members = (credential("a", 4, 0), credential("b", 10, 150), credential("c", 6, 75))
    facts = label_stack(stack(members, rule="n_of", n=2, sequence="any_order"), members)
    assert facts.hours == Range(10, 16)
    assert facts.cost == Range(75, 225)
    assert facts.rule == "any 2 of 3"
    assert (facts.credential_count, facts.required_count) == (3, 2)


def test_choice_range_of_all_is_the_sum() -> None:
    assert choice_range([3, 1, 2], 3) == Range(6, 6)


def test_an_all_required_stack_serves_only_those_every_member_serves() -> None:
    members = (
        credential("a", 1, roles=("school_leader", "teacher"), grades=("9-12", "K-2", "PK")),
        credential("b", 1, roles=("teacher", "paraprofessional"), grades=("K-2", "PK")),
    )
    facts = label_stack(stack(members), members)
    assert facts.roles == ("teacher",)  # a paraprofessional cannot earn member a
    assert facts.grade_bands == ("PK", "K-2")  # canonical order, not text order


def test_an_n_of_stack_serves_those_open_to_enough_members() -> None:
    members = (
        credential("a", 1, roles=("paraprofessional",)),
        credential("b", 1, roles=("teacher", "paraprofessional")),
        credential("c", 1, roles=("teacher",)),
    )
    assert label_stack(stack(members, rule="n_of", n=2), members).roles == ("teacher", "paraprofessional")
    assert label_stack(stack(members, rule="n_of", n=3), members).roles == ()


@pytest.mark.parametrize(
    "label, codes",
    [
        ("Two steps for teachers in K-2.", []),
        ("Two steps for paraprofessionals.", ["B007"]),
        ("Two steps for new school leaders.", ["B007"]),
        ("Coach paraprofessionals in two steps.", []),  # whom the earner works with, not who earns it
        ("Two steps for 6-8 classrooms.", ["B007"]),
    ],
)
def test_audience_claims_in_a_stack_label_must_be_served(label: str, codes: list[str]) -> None:
    members = (credential("a", 1, grades=("K-2",)), credential("b", 1, grades=("K-2", "6-8")))
    facts = label_stack(stack(members, label), members)
    assert [d.code for d in check_stack_label_audience(stack(members, label), facts, HERE)] == codes


def test_a_label_of_any_length_is_checked_in_linear_time() -> None:
    for hostile in ("A" * 50_000 + "1", "!" * 50_000 + "x", "for " * 20_000 + "teachers"):
        assert [d.code for d in check_label(hostile, HERE, ())] == ["B006"]
    assert "B002" in [d.code for d in check_label("A" * 999 + "1", HERE, ())]  # under the cap: every check runs


def test_evidence_lists_every_artifact_across_the_stack_in_order() -> None:
    members = (credential("a", 1, evidence=("plan", "video")), credential("b", 1, evidence=("reflection",)))
    facts = label_stack(stack(members), members)
    assert [(cid, e.id) for cid, e in facts.evidence] == [("a", "plan"), ("a", "video"), ("b", "reflection")]
    assert [cid for cid, _ in facts.competencies] == ["a", "b"]


def test_credit_is_summed_only_within_the_same_unit() -> None:
    rows = [row("NC", 0.5, "CEU"), row("NC", 0.3, "CEU"), row("NC", 10, "pd_hours"), row("WY", 1, "ptsb_credit")]
    assert credit_by_unit(rows) == {
        ("NC", "license_renewal", "CEU"): pytest.approx(0.8),
        ("NC", "license_renewal", "pd_hours"): 10,
        ("WY", "license_renewal", "ptsb_credit"): 1,
    }


def test_member_recognition_is_kept_apart_from_the_stack_fit() -> None:
    members = (credential("a", 1, recognition=[row("NC", 0.5, "CEU")]), credential("b", 1))
    facts = label_stack(stack(members), members)
    assert facts.licensure_fit == ()
    assert [(cid, r.jurisdiction) for cid, r in facts.member_recognition] == [("a", "NC")]


def test_a_label_claiming_four_credentials_for_three_is_an_error_at_the_label() -> None:
    members = (credential("a", 4), credential("b", 4), credential("c", 4))
    s = stack(members, label="Four credentials that help you check for learning.")
    (problem,) = check_stack_label_numbers(s, label_stack(s, members), HERE)
    assert (problem.code, problem.is_error, problem.location) == ("B005", True, HERE)
    assert "3 credentials" in problem.message


@pytest.mark.parametrize(
    "label",
    [
        "Three credentials that help you check for learning.",
        "Finish any 2 of these 3 credentials in about 8 to 12 hours.",
        "Twelve hours of practice for grades 3-5 and K-2 teachers.",
        "One plain step at a time.",
    ],
)
def test_true_numbers_pass(label: str) -> None:
    members = (credential("a", 4), credential("b", 4), credential("c", 4))
    rule = ("n_of", 2) if "any 2" in label else ("all", None)
    s = stack(members, label=label, rule=rule[0], n=rule[1])
    assert check_stack_label_numbers(s, label_stack(s, members), HERE) == []


def test_wrong_hours_are_an_error() -> None:
    members = (credential("a", 4), credential("b", 6))
    s = stack(members, label="About 20 hours of work.")
    (problem,) = check_stack_label_numbers(s, label_stack(s, members), HERE)
    assert "total hours are 10" in problem.message


def test_an_undefined_acronym_is_a_warning_with_a_hint() -> None:
    (problem,) = check_label("Plan UDL lessons for every learner.", HERE, glossary=["ELL"])
    assert (problem.code, problem.is_error) == ("B004", False)
    assert "glossary" in problem.hint and "UDL" in problem.hint


def test_defined_acronyms_and_plurals_pass() -> None:
    assert check_label("Help ELLs and use UDL in class.", HERE, glossary=["ELL", "UDL"]) == []


def test_a_word_found_in_the_dictionary_text_counts_as_in_the_parsed_dictionary(monkeypatch) -> None:
    """The first words are found one by one in the text, the rest in the parsed dictionary: the same counts."""
    monkeypatch.setattr(readability, "LOOKUPS_BEFORE_PARSING", 10**9)
    parsed = readability._vowel_sounds()
    sample = [*sorted(parsed)[::400], "read", "live", "the", "a", "'bout", "zywicki", "no-such-word"]
    assert len(sample) > 300
    assert {word: readability._vowel_sounds_of(word) for word in sample} == {word: parsed.get(word) for word in sample}


def test_syllables_come_from_the_dictionary_with_a_fallback() -> None:
    assert syllables("lesson") == 2 and syllables("understanding") == 4
    assert syllables("microcredentialing") >= 4  # not in the dictionary: hyphenation points + 1


def test_reading_grade_orders_plain_and_dense_text() -> None:
    assert flesch_kincaid_grade("Plan the next lesson from a quick check.") < 9
    assert flesch_kincaid_grade("Demonstrate comprehensive institutional accountability.") > 9


def test_member_credit_is_totalled_per_unit_only_when_every_member_is_required() -> None:
    members = (
        credential("a", 1, recognition=[row("NC", 0.5, "CEU"), row("WY", 1, "ptsb_credit")]),
        credential("b", 1, recognition=[row("NC", 0.3, "CEU")]),
    )
    facts = label_stack(stack(members), members)
    assert {(j, unit): pytest.approx(total) for j, _, unit, total in facts.member_credit} == {
        ("NC", "CEU"): pytest.approx(0.8),
        ("WY", "ptsb_credit"): 1,
    }
    choose_one = label_stack(stack(members, rule="n_of", n=1), members)
    assert choose_one.member_credit == ()
