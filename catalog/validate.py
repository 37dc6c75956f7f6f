"""Validation: the rules every content file must meet, as an ordered list, each reporting every problem.

Per-file rules are pure functions of one file's parsed source and a few catalog-wide facts
passed in explicitly (`FileFacts`), so they can be cached or run on several cores; the rules
across files (duplicate ids, stack members, badge files) run once on the whole set. The schema
itself is checked by catalog.schema_errors; labels by catalog.labels.
"""

from __future__ import annotations

import datetime
import json
import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Iterable, Iterator, Mapping
from urllib.parse import urlsplit

from catalog.badges import badge_problems
from catalog.contract import SLUG, is_date, is_url
from catalog.diagnostics import Diagnostic, Location, did_you_mean, error, join_hints, shorten, warning
from catalog.labels import check_label
from catalog.recognition import RECONFIRM_AFTER_MONTHS, months_before
from catalog.schema_errors import check_schema, field_name
from catalog.sources import CONTROL_CHARACTER, Kind, LoadResult, Source, badge_path
from catalog.stacks import check_prerequisites, check_stack_members
from catalog.vocabulary import BUILTIN_UNITS, BUILTIN_USES


@dataclass(frozen=True, slots=True)
class FileFacts:
    """What checking one file needs to know about the rest of the catalog."""

    jurisdictions: tuple[str, ...] | None
    """The codes site.yaml defines; None when site.yaml is unusable (then codes are not checked)."""
    glossary: tuple[str, ...] = ()
    """Terms site.yaml defines, so labels may use them as acronyms."""
    uses: tuple[str, ...] = tuple(BUILTIN_USES)
    units: tuple[str, ...] = tuple(BUILTIN_UNITS)
    units_of: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    """The credit units each jurisdiction uses, where site.yaml lists them."""

    @classmethod
    def of(cls, site: Source | None) -> FileFacts:
        data = site.data if site else {}
        codes = data.get("jurisdictions")
        glossary = data.get("glossary")
        return cls(
            tuple(str(code) for code in codes) if isinstance(codes, dict) else None,
            tuple(str(term) for term in glossary) if isinstance(glossary, dict) else (),
            _codes(BUILTIN_USES, data.get("uses")),
            _codes(BUILTIN_UNITS, data.get("credit_units")),
            {
                str(code): tuple(map(str, value["units"]))
                for code, value in (codes.items() if isinstance(codes, dict) else ())
                if isinstance(value, dict) and isinstance(value.get("units"), list)
            },
        )


def _codes(builtin: Mapping[str, str], own: Any) -> tuple[str, ...]:
    return tuple(builtin) + (tuple(str(code) for code in own) if isinstance(own, dict) else ())


FileRule = Callable[[Source, FileFacts], Iterable[Diagnostic]]


def validate_file(source: Source, facts: FileFacts) -> list[Diagnostic]:
    """Every problem in one file, by every rule that applies to its kind."""
    return [d for kinds, rule in FILE_RULES if source.kind in kinds for d in rule(source, facts)]


def validate_across(loaded: LoadResult) -> list[Diagnostic]:
    """The problems only the set of files shows: duplicate ids and CTIDs, stack members, prerequisites."""
    return [
        *_check_duplicates(loaded.credentials, "id", "R001", "every id must be unique"),
        *_check_duplicates(loaded.stacks, "id", "R001", "every id must be unique"),
        # A CTID names one resource in Credential Engine's registry: two files that share one
        # would publish as the same resource, one replacing the other.
        *_check_duplicates(
            (*loaded.credentials, *loaded.stacks),
            "ctid",
            "R018",
            "give each credential and stack its own: 'ce-' and a new UUID"
            " (python3 -c 'import uuid; print(uuid.uuid4())'); keep the one already published",
        ),
        *check_stack_members(loaded.stacks, loaded.credentials, loaded.unreadable_credentials),
        *check_prerequisites(loaded.credentials, loaded.stacks, loaded.unreadable_credentials),
    ]


def _schema(source: Source, facts: FileFacts) -> Iterable[Diagnostic]:
    return check_schema(source)


def _label(source: Source, facts: FileFacts) -> Iterable[Diagnostic]:
    """QAS-06: every label plain and readable (a stack's numbers are checked once its members are known)."""
    label = source.data.get("label")
    return check_label(label, source.positions.of_value(("label",)), facts.glossary) if isinstance(label, str) else ()


# --- identity -----------------------------------------------------------------------------


def _check_id_matches_file(source: Source, facts: FileFacts) -> Iterator[Diagnostic]:
    value = source.data.get("id")
    if isinstance(value, str) and SLUG.fullmatch(value) and value != source.stem:
        yield error(
            "V007",
            f"id '{value}' differs from the file name '{source.stem}'",
            source.positions.of_value(("id",)),
            f"rename the file to '{value}{source.path[source.path.rfind('.') :]}' or set id: {source.stem}",
        )


WINDOWS_RESERVED = frozenset(
    ["con", "prn", "aux", "nul"] + [f"com{n}" for n in range(1, 10)] + [f"lpt{n}" for n in range(1, 10)]
)
"""Names Windows will not create as files or folders; ids and jurisdiction codes name folders of the site."""


def _check_reserved_names(source: Source, facts: FileFacts) -> Iterator[Diagnostic]:
    hint = "choose another name: Windows cannot create a folder with this one, so the site could not be copied there"
    if source.kind is Kind.SITE:
        codes = source.data.get("jurisdictions")
        for code in codes if isinstance(codes, dict) else ():
            if str(code).lower() in WINDOWS_RESERVED:
                yield error(
                    "V014",
                    f"jurisdiction code '{code}' is a reserved file name on Windows",
                    source.positions.of_key(("jurisdictions", code)),
                    hint,
                )
        return
    value = source.data.get("id")
    if isinstance(value, str) and value.lower() in WINDOWS_RESERVED:
        yield error(
            "V014", f"id '{value}' is a reserved file name on Windows", source.positions.of_value(("id",)), hint
        )


def _check_archive_path(source: Source, facts: FileFacts) -> Iterator[Diagnostic]:
    """content/archive/<id>/<version>.md must hold exactly that version of that credential."""
    folder = Path(source.path).parent.name
    value, version = source.data.get("id"), source.data.get("version")
    if isinstance(value, str) and value != folder:
        yield error(
            "R017",
            f"archived file of '{folder}' has id '{value}'",
            source.positions.of_value(("id",)),
            f"keep each version of a credential in content/archive/{value}/",
        )
    if not isinstance(version, str) or version != source.stem:
        yield error(
            "R017",
            f"archived file '{source.stem}.md' has version {version!r}",
            source.positions.of_value(("version",)),
            f"name the file after the version it holds, e.g. {version}.md"
            if isinstance(version, str)
            else "an archived version must state its version",
        )


def _check_standard_urls(source: Source, facts: FileFacts) -> Iterator[Diagnostic]:
    """An Open Badges alignment needs the standard's address: without one it is left out of the badge."""
    for index, standard in _items(source.data, "standards"):
        if "url" not in standard:
            name = shorten(f"{standard.get('framework')} {standard.get('code')}")
            yield warning(
                "V016",
                f"standard '{name}' has no url, so the Open Badges achievement cannot name it as an alignment",
                source.positions.of_value(("standards", index)),
                "add the public address of the standard as 'url'",
            )


def _check_ctid(source: Source, facts: FileFacts) -> Iterator[Diagnostic]:
    """Credential Engine's registry needs a CTID, and one published must never change: ask for it early."""
    if source.data.get("status", "active") == "active" and "ctid" not in source.data:
        yield warning(
            "V015",
            f"no 'ctid': the {source.kind.value} cannot be published to Credential Engine's registry",
            source.positions.of_value(("id",)),
            "add 'ctid: ce-' and a new UUID (credcat new writes one; or: python3 -c 'import uuid; print(uuid.uuid4())')"
            " and never change it once published",
        )


def _check_duplicates(sources: Iterable[Source], key: str, code: str, hint: str) -> Iterator[Diagnostic]:
    """Each value of `key` in one file only: the second file to use one is told which file has it."""
    first_seen: dict[str, Source] = {}
    for source in sources:
        value = source.data.get(key)
        if not isinstance(value, str):
            continue
        if value in first_seen:
            yield error(
                code,
                f"duplicate {key} '{value}': also used by {first_seen[value].path}",
                source.positions.of_value((key,)),
                hint,
            )
        else:
            first_seen[value] = source


# --- the required public components (MPOS QAS-10) -----------------------------------------

PUBLIC_COMPONENTS = (
    ("P002", "resources", "learning resources"),
    ("P003", "research", "research base"),
)


def check_public_components(source: Source, facts: FileFacts) -> Iterator[Diagnostic]:
    """The four components MPOS requires to be public: description, resources, research, evaluation."""
    data = source.data
    if not source.body.strip():
        yield error(
            "P001",
            "the description (the Markdown body after the front matter) is empty",
            Location(source.path, source.body_line),
            "describe the skill and the method in prose below the closing '---' line",
        )
    for code, key, words in PUBLIC_COMPONENTS:
        if key not in data:
            yield error(
                code,
                f"required public component '{key}' ({words}) is missing",
                source.location,
                f"add a '{key}:' list; MPOS requires the {words} to be public",
            )
        elif data[key] == [] or data[key] is None:
            yield error(
                code,
                f"required public component '{key}' ({words}) is empty",
                source.positions.of_value((key,)),
                f"list at least one item under '{key}:'",
            )
    evaluation = data.get("evaluation")
    if "evaluation" not in data:
        yield error(
            "P004",
            "required public component 'evaluation' (evaluation criteria) is missing",
            source.location,
            "add 'evaluation:' with levels, passing and at least one criterion",
        )
    elif isinstance(evaluation, dict) and not evaluation.get("criteria") and "criteria" in evaluation:
        yield error(
            "P004",
            "required public component 'evaluation' has no criteria",
            source.positions.of_value(("evaluation", "criteria")),
            "add at least one criterion under 'evaluation.criteria'",
        )


# --- references within and between files --------------------------------------------------


def _items(data: Any, key: str) -> list[tuple[int, dict[str, Any]]]:
    value = data.get(key) if isinstance(data, dict) else None
    return [(i, item) for i, item in enumerate(value) if isinstance(item, dict)] if isinstance(value, list) else []


def _check_evidence_references(source: Source, facts: FileFacts) -> Iterator[Diagnostic]:
    if not isinstance(source.data.get("evidence"), list):
        return  # the schema reports it; naming every criterion's evidence unknown would only add noise
    evidence_ids = [item.get("id") for _, item in _items(source.data, "evidence") if isinstance(item.get("id"), str)]
    for evidence_id, count in Counter(evidence_ids).items():
        if count > 1:
            index = len(evidence_ids) - 1 - evidence_ids[::-1].index(evidence_id)
            yield error(
                "R002", f"duplicate evidence id '{evidence_id}'", source.positions.of_value(("evidence", index, "id"))
            )
    evaluation = source.data.get("evaluation")
    for index, criterion in _items(evaluation, "criteria"):
        refs = criterion.get("evidence")
        for ref_index, ref in enumerate(refs if isinstance(refs, list) else []):
            if isinstance(ref, str) and ref not in evidence_ids:
                path = ("evaluation", "criteria", index, "evidence", ref_index)
                yield error(
                    "R003",
                    f"criterion '{criterion.get('id')}' refers to unknown evidence '{ref}'",
                    source.positions.of_value(path),
                    join_hints(
                        did_you_mean(ref, [e for e in evidence_ids if isinstance(e, str)]),
                        "evidence ids: " + ", ".join(map(str, evidence_ids))
                        if evidence_ids
                        else "add it under 'evidence:'",
                    ),
                )


def _check_rubric_levels(source: Source, facts: FileFacts) -> Iterator[Diagnostic]:
    """A criterion may describe each level, but only levels the rating scale has."""
    evaluation = source.data.get("evaluation")
    if not isinstance(evaluation, dict) or not isinstance(evaluation.get("levels"), list):
        return
    names = [
        str(level.get("name") if isinstance(level, dict) else level)
        for level in evaluation["levels"]
        if level is not None
    ]
    for index, criterion in _items(evaluation, "criteria"):
        described = criterion.get("levels")
        for name in described if isinstance(described, dict) else ():
            if name not in names:
                yield error(
                    "R013",
                    f"criterion '{criterion.get('id')}' describes level '{name}', which is not on the rating scale",
                    source.positions.of_key(("evaluation", "criteria", index, "levels", name)),
                    join_hints(did_you_mean(str(name), names), "levels: " + ", ".join(names)),
                )


def _check_jurisdictions(source: Source, facts: FileFacts) -> Iterator[Diagnostic]:
    codes = facts.jurisdictions
    if codes is None:
        return
    for key in ("recognition", "licensure_fit"):
        for index, row in _items(source.data, key):
            code = row.get("jurisdiction")
            if isinstance(code, str) and code not in codes:
                yield error(
                    "R004",
                    f"unknown jurisdiction '{code}'",
                    source.positions.of_value((key, index, "jurisdiction")),
                    join_hints(
                        did_you_mean(code, codes),
                        "define it under 'jurisdictions' in site.yaml; known: " + ", ".join(codes),
                    ),
                )


def _check_vocabulary(source: Source, facts: FileFacts) -> Iterator[Diagnostic]:
    """Every use and credit unit is one the catalog defines, and a unit one its jurisdiction uses."""
    for key in ("recognition", "licensure_fit"):
        for index, row in _items(source.data, key):
            use = row.get("use")
            if isinstance(use, str) and use not in facts.uses:
                yield error(
                    "R009",
                    f"unknown use '{use}'",
                    source.positions.of_value((key, index, "use")),
                    join_hints(
                        did_you_mean(use, facts.uses),
                        "define it under 'uses' in site.yaml; known: " + ", ".join(facts.uses),
                    ),
                )
            credit = row.get("credit")
            unit = credit.get("unit") if isinstance(credit, dict) else None
            if not isinstance(unit, str):
                continue
            jurisdiction = row.get("jurisdiction")
            allowed = facts.units_of.get(jurisdiction, facts.units) if isinstance(jurisdiction, str) else facts.units
            if unit not in allowed:
                whose = f"{jurisdiction} uses" if allowed is not facts.units else "known units are"
                yield error(
                    "R010",
                    f"credit unit '{unit}' is not one {jurisdiction} uses"
                    if allowed is not facts.units
                    else f"unknown credit unit '{unit}'",
                    source.positions.of_value((key, index, "credit", "unit")),
                    join_hints(did_you_mean(unit, allowed), f"{whose}: " + ", ".join(allowed)),
                )


def _check_sources(source: Source, facts: FileFacts) -> Iterator[Diagnostic]:
    """A recognizer's home page proves nothing: the source should be the statement itself."""
    for key in ("recognition", "licensure_fit"):
        for index, row in _items(source.data, key):
            url = row.get("source")
            if isinstance(url, str) and is_url(url) and urlsplit(url).path.strip("/") == "" and not urlsplit(url).query:
                yield warning(
                    "R011",
                    f"source for {row.get('jurisdiction')} is only a site's home page: {shorten(url)}",
                    source.positions.of_value((key, index, "source")),
                    "link the recognizer's own statement (the page or document that approves it)",
                )


DatedWarning = tuple[str, int, str, str, int, int, str]
"""A warning that holds on some dates only (an approval past its end, a statement to confirm
again, a date of record in the future): how its date must compare with the day of the run
(`EXPIRED`, `TO_RECONFIRM`, `IN_FUTURE`), the date's ordinal, then the warning's code, message,
line, column and hint. A file is checked once whatever the day (its result is cached under its
bytes alone) and its dated warnings are applied to each run's day (`warnings_on`). Plain values:
a catalog has about ten per credential, and objects would weigh on every warm build."""

EXPIRED, TO_RECONFIRM, IN_FUTURE = "expired", "to reconfirm", "in future"


def warnings_on(dated: Iterable[DatedWarning], path: str, today: datetime.date) -> tuple[Diagnostic, ...]:
    """The dated warnings of the file at `path` that hold on `today`. Compared as ordinals, the
    day and its reconfirmation limit worked out once: a warm build of 10,000 credentials applies
    90,000 of them, and very few hold."""
    day = today.toordinal()
    reconfirm_before = months_before(today, RECONFIRM_AFTER_MONTHS).toordinal()
    in_future = f"dates record what has happened (today is {today.isoformat()}); check the year"
    holding = []
    for holds, ordinal, code, message, line, column, hint in dated:
        if holds == EXPIRED:
            applies = day > ordinal
        elif holds == TO_RECONFIRM:
            applies = ordinal < reconfirm_before
        else:
            applies, hint = ordinal > day, in_future
        if applies:
            holding.append(warning(code, message, Location(path, line, column), hint))
    return tuple(holding)


def _dated(holds: str, date: str, found: Diagnostic) -> DatedWarning:
    at = found.location
    return (
        holds,
        datetime.date.fromisoformat(date).toordinal(),
        found.code,
        found.message,
        at.line,
        at.col,
        found.hint or "",
    )


def dated_warnings(source: Source) -> list[DatedWarning]:
    """The warnings of one credential or stack file that depend on the day of the run."""
    if source.kind not in CONTENT:
        return []
    return [*_recognition_dates(source), *_future_dates(source)]


def _recognition_dates(source: Source) -> Iterator[DatedWarning]:
    """An approval past its end date no longer counts (R012: renew it or remove it); recognition is
    stated on a date, and after a year a recognizer should confirm it again (R006)."""
    for key in ("recognition", "licensure_fit"):
        for index, row in _items(source.data, key):
            expires, as_of = row.get("expires"), row.get("as_of")
            if isinstance(expires, str) and is_date(expires):
                yield _dated(
                    EXPIRED,
                    expires,
                    warning(
                        "R012",
                        f"recognition for {row.get('jurisdiction')} expired on {expires}: it no longer counts",
                        source.positions.of_value((key, index, "expires")),
                        "renew it with the recognizer and update 'expires', or remove the row",
                    ),
                )
            if isinstance(as_of, str) and is_date(as_of):
                yield _dated(
                    TO_RECONFIRM,
                    as_of,
                    warning(
                        "R006",
                        f"recognition for {row.get('jurisdiction')} is as of {as_of}, "
                        f"more than {RECONFIRM_AFTER_MONTHS} months ago: it needs re-confirmation",
                        source.positions.of_value((key, index, "as_of")),
                        "confirm it with the recognizer, then update 'as_of' (the site flags it until then)",
                    ),
                )


PLACEHOLDER = re.compile(r"\bTODO\b")
PLACEHOLDER_DATE = "1900-01-01"
"""The date skeletons carry until the author writes a real one (a valid date, so drafts stay valid)."""


HIGH_CONTROL_CHARACTER = re.compile(r"[\x7f-\x9f]")
"""The control characters JSON text holds as they are (the others are escapes: `\\u00..`, `\\r`, `\\b`, `\\f`)."""


def _check_text(source: Source, facts: FileFacts) -> Iterator[Diagnostic]:
    """Control characters in any file, and placeholders in a credential or stack: in every text
    value and in the description.

    The values are searched first as one JSON text, made in C, for what could be either (a few
    substring tests): most files have neither, and are then not walked value by value."""
    try:
        text = json.dumps(source.data, ensure_ascii=False)
    except (TypeError, ValueError):  # a value JSON cannot hold: walk
        text = None
    yield from _control_characters(source, text)
    if source.kind in CONTENT:
        yield from _placeholders(source, text)


def _control_characters(source: Source, text: str | None) -> Iterator[Diagnostic]:
    hint = "remove it: it is invisible on a page and breaks the site's XML files"
    may_hold = (
        text is None
        or any(escape in text for escape in ("\\u00", "\\r", "\\b", "\\f"))
        or HIGH_CONTROL_CHARACTER.search(text) is not None
    )
    for path, value in _strings(source.data) if may_hold else ():
        if found := CONTROL_CHARACTER.search(value):
            yield error(
                "V013",
                f"'{field_name(path)}' contains a control character (U+{ord(found.group()):04X})",
                source.positions.of_value(path),
                hint,
            )
    lines = enumerate(source.body.split("\n")) if CONTROL_CHARACTER.search(source.body) else ()
    for offset, line in lines:
        if found := CONTROL_CHARACTER.search(line):
            yield error(
                "V013",
                f"the description contains a control character (U+{ord(found.group()):04X})",
                Location(source.path, source.body_line + offset, found.start() + 1),
                hint,
            )


def _strings(value: Any, path: tuple[str | int, ...] = ()) -> Iterator[tuple[tuple[str | int, ...], str]]:
    if isinstance(value, str):
        yield path, value
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from _strings(item, path + (key,))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _strings(item, path + (index,))


def _placeholders(source: Source, text: str | None) -> Iterator[Diagnostic]:
    """Skeleton placeholders must not be published: an error once the file is active, a reminder in a draft."""
    report = warning if source.data.get("status") == "draft" else error
    hint = "replace the placeholder" + (" before publishing" if report is warning else " (or set status: draft)")
    may_hold = text is None or "TODO" in text or PLACEHOLDER_DATE in text
    for path, value in _strings(source.data) if may_hold else ():
        if PLACEHOLDER.search(value) or value == PLACEHOLDER_DATE:
            yield report(
                "V012", f"placeholder text left in '{field_name(path)}'", source.positions.of_value(path), hint
            )
    for offset, line in enumerate(source.body.split("\n")) if "TODO" in source.body else ():
        if found := PLACEHOLDER.search(line):
            yield report(
                "V012",
                "placeholder text left in the description",
                Location(source.path, source.body_line + offset, found.start() + 1),
                hint,
            )


DATES_OF_RECORD = ("updated", "review.last_reviewed", "development.peer_review.date")


def _future_dates(source: Source) -> Iterator[DatedWarning]:
    """Dates that record something done (a review, a recognizer's statement) cannot be in the future."""
    paths: list[tuple[str | int, ...]] = [tuple(p.split(".")) for p in DATES_OF_RECORD]
    paths += [
        (key, index, "as_of") for key in ("recognition", "licensure_fit") for index, _ in _items(source.data, key)
    ]
    review = source.data.get("review")
    paths += [("review", "history", index, "date") for index, _ in _items(review, "history")]
    for path in paths:
        value: Any = source.data
        for part in path:
            if isinstance(value, dict) and isinstance(part, str):
                value = value.get(part)
            elif isinstance(value, list) and isinstance(part, int) and part < len(value):
                value = value[part]
            else:
                value = None
        if isinstance(value, str) and is_date(value):
            found = warning("R008", f"'{field_name(path)}' is in the future: {value}", source.positions.of_value(path))
            yield _dated(IN_FUTURE, value, found)


CONTENT = frozenset({Kind.CREDENTIAL, Kind.STACK})
CREDENTIALS = frozenset({Kind.CREDENTIAL, Kind.ARCHIVED})
FILE_RULES: tuple[tuple[frozenset[Kind], FileRule], ...] = (
    (frozenset(Kind), _schema),
    (frozenset(Kind), _check_text),
    (frozenset({Kind.SITE, Kind.CREDENTIAL, Kind.STACK}), _check_reserved_names),
    (CONTENT, _check_id_matches_file),
    (CONTENT, _check_ctid),
    (CREDENTIALS, check_public_components),
    (CREDENTIALS, _check_evidence_references),
    (CREDENTIALS, _check_rubric_levels),
    (frozenset({Kind.CREDENTIAL}), _check_standard_urls),
    (frozenset({Kind.ARCHIVED}), _check_archive_path),
    (CONTENT, _check_jurisdictions),
    (CONTENT, _check_vocabulary),
    (CONTENT, _check_sources),
    (CONTENT, _label),
)
"""The per-file rules in the order they run, each with the kinds of file it applies to."""


def check_badges(credentials: Iterable[Source], files: Mapping[str, bytes]) -> Iterator[Diagnostic]:
    """Badge images are copied into the site as they are, so they must be images and nothing more."""
    judged: dict[str, list[str]] = {}
    for source in credentials:
        path = badge_path(source)
        badge: Any = source.data
        for key in path[:-1]:
            badge = badge.get(key) if isinstance(badge, dict) else None
        image = badge.get("image") if isinstance(badge, dict) else None
        if not isinstance(image, str) or image not in files:
            continue
        if image not in judged:
            judged[image] = badge_problems(files[image], Path(image).suffix.lower())
        if judged[image]:
            yield error(
                "R007",
                f"badge image '{image}' " + "; ".join(judged[image]),
                source.positions.of_value(path),
                "export a plain image: SVG shapes and text only (no script, links or external files), "
                "or a PNG, JPEG, GIF or WebP of at most 1 MB",
            )
