"""The one checked catalog: load, validate, model, label, describe and assess a content folder, once.

`credcat validate`, `build`, `quality` and `serve` all start from `check_catalog`, so they can
never disagree about what is wrong. It reads like a table of contents:

    load every file -> check each file on its own -> check across files -> model the catalog
    -> check stack labels against the facts -> read the profiles -> assess quality

Checking one file (`check_file`) is a pure function of that file's parsed source and the few
catalog-wide facts passed in, so it can be cached or run on several cores.
"""

from __future__ import annotations

import collections
import datetime
import functools
import hashlib
import itertools
import operator
import os
import pickle
import time
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Mapping

from catalog.cache import NO_CACHE, Cache
from catalog.content import Catalog, credential_model, site_model, stack_model
from catalog.diagnostics import Diagnostic, error, has_errors, sort_diagnostics, warning
from catalog.errors import UsageError
from catalog.labels import check_stack_label_audience, check_stack_label_numbers
from catalog.markdown import render_markdown
from catalog.model import Credential, Issuer, Stack, public_data
from catalog.parallel import map_in_processes
from catalog.pickling import dataclasses_of, pickle_by_fields
from catalog.quality import (
    MET,
    NOT_MET,
    CredentialQuality,
    QualityReport,
    QualitySubject,
    Verdict,
    assess_credential,
)
from catalog.quality_profiles import DATA, DEFAULT_PROFILE, Profile, load_profiles
from catalog.reviews import Judgements, QualityReview, judgements_for, read_reviews
from catalog.sources import (
    ContentFiles,
    Kind,
    Source,
    find_content,
    loaded_sources,
    parse_source,
    read_badges,
    read_source,
    read_with_status,
)
from catalog.stacks import check_licensure_fit
from catalog.validate import (
    DatedWarning,
    FileFacts,
    check_badges,
    dated_warnings,
    validate_across,
    validate_file,
    warnings_on,
)


@dataclass(frozen=True, slots=True)
class CheckOptions:
    today: datetime.date
    """Dates the checks that age (recognition to re-confirm, overdue reviews)."""
    profile: str = DEFAULT_PROFILE
    """The quality profile credentials are assessed against."""


@dataclass(frozen=True, slots=True)
class CheckedFile:
    """One credential or stack file after its own checks: its model when the file is valid."""

    source: Source
    diagnostics: tuple[Diagnostic, ...]
    model: Credential | Stack | None
    description_html: str | None = None
    """A valid credential's description, rendered once to safe HTML."""
    dated: tuple[DatedWarning, ...] = ()
    """The file's warnings that depend on the day of the run, as checked and cached (the check
    holds whatever the day); `check_files` applies them to the day of each run."""
    key: str = ""
    """A hash of everything this check was given (the file's path and bytes, the catalog-wide
    facts, the tool's code): files with equal keys have equal models, so a rendered page's key
    can name a model by it instead of spelling the model out (site_builder.output)."""


@dataclass(frozen=True, slots=True)
class Checked:
    """Everything known about a content folder: every diagnostic, and the catalog when there is no error."""

    diagnostics: tuple[Diagnostic, ...]
    catalog: Catalog | None
    """None whenever any file has an error."""
    descriptions: Mapping[str, str]
    """Credential id -> its description as safe HTML."""
    quality: QualityReport | None
    """None when the selected quality profile has errors."""
    badges: Mapping[str, bytes]
    """Badge path (relative to the content folder) -> the bytes that were checked and will be published."""
    archived: Mapping[str, tuple[tuple[Credential, str], ...]] = field(default_factory=dict)
    """Credential id -> its earlier versions, oldest first, each with its description as safe HTML."""
    files: tuple[CheckedFile, ...] = ()
    """Every credential, archived version and stack file that could be read, as checked."""
    assessed_under: Mapping[str, str] = field(default_factory=dict)
    """Credential id -> the key its quality verdicts were assessed under (like `CheckedFile.key`,
    it names them in a page's key)."""

    def failed(self, *, strict: bool = False) -> bool:
        """True when the content must not be published (warnings count under --strict)."""
        return self.catalog is None or has_errors(self.diagnostics, strict=strict)


def check_catalog(content: Path, options: CheckOptions, *, cache: Cache = NO_CACHE, jobs: int = 1) -> Checked:
    """Check everything in `content` and report every problem at once.

    Each credential and stack is checked on its own by `check_file`, on `jobs` processes, and
    taken from `cache` when neither it nor what it was given has changed; the result is the same
    either way.
    """
    found = find_content(content)
    site_source, site_read_problems = read_source(found.site, Kind.SITE) if found.site else (None, [])
    facts = FileFacts.of(site_source)
    site_problems = site_read_problems + (validate_file(site_source, facts) if site_source else [])
    site = site_model(site_source) if site_source and not has_errors(site_problems) else None
    issuer = site.issuer if site else None
    outcomes = check_files(found, facts, issuer, cache, jobs, options.today)
    credentials, archived, stacks = (
        [outcome.checked for outcome in outcomes[kind] if outcome.checked]
        for kind in (Kind.CREDENTIAL, Kind.ARCHIVED, Kind.STACK)
    )
    others = {
        kind: [read_source(path, kind) for path in found.by_kind.get(kind, ())] for kind in (Kind.PROFILE, Kind.REVIEW)
    }
    loaded = loaded_sources(
        found,
        site_source,
        {
            **{kind: tuple(o.checked.source for o in outcomes[kind] if o.checked) for kind in outcomes},
            **{kind: tuple(source for source, _ in read if source) for kind, read in others.items()},
        },
        (
            *found.diagnostics,
            *(d for kind in outcomes for o in outcomes[kind] for d in o.load_problems),
            *(d for read in others.values() for _, problems in read for d in problems),
        ),
    )
    badges, badge_problems = read_badges(loaded.root, loaded.credentials + loaded.stacks)
    review_problems = {source.path: validate_file(source, facts) for source in loaded.reviews}
    valid_reviews = [source for source in loaded.reviews if not has_errors(review_problems[source.path])]
    profiles, profile_problems = load_profiles(
        loaded.profiles, options.profile, {str(source.data["profile"]) for source in valid_reviews}
    )
    versions = {str(s.data.get("id", s.stem)): _version(s) for s in loaded.credentials}
    reviews, reading_problems = read_reviews(
        valid_reviews, versions, profiles.by_name, profiles.available, options.today, loaded.unreadable_credentials
    )

    diagnostics = [
        *loaded.diagnostics,
        *site_problems,
        *(d for checked in credentials + stacks + archived for d in checked.diagnostics),
        *_check_archive(archived, credentials),
        *validate_across(loaded),
        *badge_problems,
        *check_badges(loaded.credentials + loaded.stacks, badges),
        *profile_problems,
        *(d for problems in review_problems.values() for d in problems),
        *reading_problems,
    ]
    catalog = None
    if site is not None and not has_errors(diagnostics):
        catalog = Catalog.of(site, _models(credentials, Credential), _models(stacks, Stack))
        diagnostics += [
            d
            for stack in catalog.stacks
            for check in (check_stack_label_numbers, check_stack_label_audience)
            for d in check(stack, catalog.facts[stack.id], stack.label_at or stack.source)
        ]
        diagnostics += [
            d
            for checked in stacks
            if isinstance(checked.model, Stack)
            for d in check_licensure_fit(checked.source, checked.model, catalog.members(checked.model), options.today)
        ]
        if has_errors(diagnostics):
            catalog = None
    quality, assessed_under = None, {}
    if profiles.selected is not None:
        profile, given = profiles.selected, repr((profiles.selected, options.today))
        assessed = assess_files(credentials, reviews, profile, options.today, given, cache, jobs)
        quality = QualityReport(profile, tuple(verdicts for _, verdicts in assessed)).with_stacks(
            (str(s.data.get("id", s.stem)), str(s.data.get("title", s.stem)), _members(s)) for s in loaded.stacks
        )
        diagnostics += overruled_reviews(quality, reviews)
        assessed_under = {verdicts.id: key for key, verdicts in assessed}
    return Checked(
        sort_diagnostics(diagnostics),
        catalog,
        {c.model.id: c.description_html for c in credentials if c.model and c.description_html is not None},
        quality,
        badges,
        _versions(archived),
        tuple(credentials + archived + stacks),
        assessed_under,
    )


@dataclass(frozen=True, slots=True)
class FileOutcome:
    """What reading and checking one credential or stack file gave: what a cache entry holds."""

    load_problems: tuple[Diagnostic, ...]
    checked: CheckedFile | None
    """None when the file could not be read or parsed (the load problems say why)."""


PER_FILE_KINDS = (Kind.CREDENTIAL, Kind.ARCHIVED, Kind.STACK)


def check_files(
    found: ContentFiles, facts: FileFacts, issuer: Issuer | None, cache: Cache, jobs: int, today: datetime.date
) -> dict[Kind, list[FileOutcome]]:
    """Read, parse and check every credential, archived version and stack file, each once.

    A file's outcome is a pure function of its path, its bytes and what it is given (`facts`,
    the site's issuer), so it is cached under a hash of those, and the files not in the cache
    are checked on `jobs` processes. Those read their file again rather than be handed the bytes
    read here: holding every file's bytes until its turn came was a sixth of a cold build's memory.

    A file is not read at all when its status (`_signature`) is the one its entry recorded when
    its bytes were last hashed: the hash is taken from the entry, as git and make trust a file's
    times. (The preview server keeps outcomes in memory and does not read the entries: it reads
    and hashes every file.)

    Outcomes are stored in 256 entries, each file's in the one its path falls in (`_shard_of`), so an
    edit rewrites one entry of a few dozen files. (An entry per file was 10,000 files to create on a
    cold build, most of its system time on a slow disk, and 10,000 to open on every rebuild.) Files
    are looked up and checked shard by shard, so only the shards waiting for checks are held.

    A check holds whatever the day; its warnings that depend on the day are applied to `today`
    as each outcome is taken (`_on_day`).
    """
    started = time.time_ns()
    given = repr((facts, issuer))
    outcomes: dict[tuple[Kind, int], FileOutcome] = {}
    files = sorted(
        (
            (_shard_of(str(path)), kind, index, path)
            for kind in PER_FILE_KINDS
            for index, path in enumerate(found.by_kind.get(kind, ()))
        ),
        key=operator.itemgetter(0),
    )
    work: list[tuple[tuple[str, Kind], ...]] = []  # the files to check, a shard's at a time
    waiting: list[tuple[int, tuple[tuple[Kind, int], ...], Shard]] = []  # of each: its shard, places, what it keeps
    used: set[str] = set()
    for shard, group in itertools.groupby(files, key=operator.itemgetter(0)):
        # The preview server may remember every file of a shard: then the shard is not read at all.
        remembering = cache.remembers("checked")
        stored = None if remembering else _stored_shard(cache.get("checks", _shard_key(cache, shard)))
        if stored is None and not remembering:
            # Nothing of this shard is kept (a cold build, new code, --no-cache): its files are read,
            # hashed and checked on the workers, not read and hashed here first for nothing.
            members = list(group)
            work.append(tuple((str(path), kind) for _, kind, _, path in members))
            waiting.append((shard, tuple((kind, index) for _, kind, index, _ in members), ({}, {})))
            continue
        stored_seen = stored[2] if stored else {}
        seen: dict[str, Seen] = {}
        keyed: list[tuple[Kind, int, Path, str]] = []
        for _, kind, index, path in group:
            name = str(path)
            before = stored_seen.get(name)
            if before is not None and before[0] == _signature(_status_of(name), started):
                digest = before[1]
            else:
                problems: list[Diagnostic] = []
                read = read_with_status(path, problems)
                if read is None:
                    outcomes[kind, index] = FileOutcome(tuple(problems), None)
                    continue
                digest = _digest(read[0])
                before = (_signature(read[1], started), digest)
            if before[0] is not None:
                seen[name] = before
            keyed.append((kind, index, path, _check_key(cache, given, kind, name, digest)))
        known: list[Remembered | None] = [cache.remembered("checked", key) for *_, key in keyed]
        if keyed and all(memo is not None for memo in known):  # the preview server has them all; so has the entry
            for (kind, index, _, key), memo in zip(keyed, known, strict=True):
                assert memo is not None
                outcomes[kind, index] = _taken(cache, key, memo[0], today, memo)
                used.add(key)
            continue
        if stored is None:
            stored = _stored_shard(cache.get("checks", _shard_key(cache, shard)))
        kept = _outcomes_by_key(stored)
        keeps: dict[str, FileOutcome] = {}
        to_check: list[tuple[Path, Kind, int]] = []
        for (kind, index, path, key), memo in zip(keyed, known, strict=True):
            outcome = memo[0] if memo is not None else kept.get(key)
            if outcome is None:
                to_check.append((path, kind, index))
                continue
            outcomes[kind, index] = _taken(cache, key, outcome, today, memo)
            keeps[key] = outcome
            used.add(key)
        if to_check:
            work.append(tuple((str(path), kind) for path, kind, _ in to_check))
            waiting.append((shard, tuple((kind, index) for _, kind, index in to_check), (keeps, seen)))
        elif stored is None or keeps.keys() != set(stored[0]) or seen != stored[2]:  # a file gone, or settled
            cache.put("checks", _shard_key(cache, shard), _shard_entry(keeps, seen))
    cache.prepare()  # the signing secret is read once, here, not in every worker
    checked = map_in_processes(
        functools.partial(_check_shard, facts, issuer, cache, given, started),
        work,
        jobs,
        weight=sum(len(files) for files in work),  # what it pays to fork for is files, not shards
    )
    for (shard, places, (keeps, seen)), names, (keys, seens, payload) in zip(waiting, work, checked, strict=True):
        made = pickle.loads(payload)
        for place, (name, _), key, seen_now, outcome in zip(places, names, keys, seens, made, strict=True):
            if not key:
                outcomes[place] = _on_day(outcome, today)
                continue
            outcomes[place] = _taken(cache, key, outcome, today)
            keeps[key] = outcome
            used.add(key)
            if seen_now[0] is not None:
                seen[name] = seen_now
        if len(keeps) == len(keys) and all(keys):  # all of it made at once: stored as the worker pickled it
            cache.put("checks", _shard_key(cache, shard), (keys, payload, seen))
        else:
            cache.put("checks", _shard_key(cache, shard), _shard_entry(keeps, seen))
    cache.keep_only("checks", {_shard_key(cache, shard) for shard in {shard for shard, *_ in files}})
    cache.keep_only("checked", used)
    return {
        kind: [outcomes[kind, index] for index in range(len(found.by_kind.get(kind, ())))] for kind in PER_FILE_KINDS
    }


Signature = tuple[int, int, int, int, int]
Seen = tuple[Signature | None, str]
"""A file's status when its bytes were hashed (`_signature`), and their hash."""
Shard = tuple[dict[str, FileOutcome], dict[str, Seen]]
"""A shard's outcomes by their check's key, and what was seen of each file by its path."""
StoredShard = tuple[tuple[str, ...], bytes, dict[str, Seen]]
"""A cache entry of checked files: their checks' keys, their outcomes in that order as one pickle,
and what was seen of each file. One pickle for the shard, not one per file: loading 12,000 files
spent half its time starting a pickle per file and looking up the same classes in each."""


def _stored_shard(stored: Any) -> StoredShard | None:
    if isinstance(stored, tuple) and len(stored) == 3 and isinstance(stored[1], bytes):
        return stored
    return None


def _outcomes_by_key(stored: StoredShard | None) -> dict[str, FileOutcome]:
    if stored is None:
        return {}
    outcomes = pickle.loads(stored[1])
    return dict(zip(stored[0], outcomes, strict=True))


def _shard_entry(keeps: dict[str, FileOutcome], seen: dict[str, Seen]) -> StoredShard:
    return tuple(keeps), pickle.dumps(tuple(keeps.values()), protocol=pickle.HIGHEST_PROTOCOL), seen


SETTLED_NS = 2_000_000_000
"""How long before a run a file must have last changed for its status to be trusted (`_signature`)."""


def _status_of(path: str) -> os.stat_result | None:
    """The file's status, asked of the open file: on a network file system opening a file is what
    makes the client ask the server again (close-to-open), where `os.stat` may answer from what it
    learned up to a minute before, and miss an edit made on another machine."""
    try:
        descriptor = os.open(path, os.O_RDONLY | os.O_CLOEXEC)
    except OSError:  # gone, or unreadable: read_with_status will say why
        return None
    try:
        return os.fstat(descriptor)
    finally:
        os.close(descriptor)


def _signature(status: os.stat_result | None, started: int) -> Signature | None:
    """What tells this state of a file from any other without reading it: its device, inode,
    size and modification and change times, taken just before it was read. A change time cannot
    be set back (a modification time can), so a file written after it was hashed never shows the
    status it was hashed with. None when the file changed less than SETTLED_NS before the run
    `started`: within one tick of the file system's clock it could change again with the same
    times (the "racily clean" files git reads again for the same reason), and it is read every
    time until it settles."""
    if status is None or max(status.st_mtime_ns, status.st_ctime_ns) > started - SETTLED_NS:
        return None
    return (status.st_dev, status.st_ino, status.st_size, status.st_mtime_ns, status.st_ctime_ns)


def _digest(raw: bytes) -> str:
    return hashlib.blake2b(raw, digest_size=32).hexdigest()


Remembered = tuple[FileOutcome, datetime.date, FileOutcome]
"""What the preview server remembers of a checked file: its outcome, and that outcome on a day."""


def _taken(
    cache: Cache, key: str, outcome: FileOutcome, today: datetime.date, memo: Remembered | None = None
) -> FileOutcome:
    """The outcome on `today`, remembered (by the preview server, which rebuilds on the same day
    again and again) with the day it was applied to."""
    if memo is not None and memo[1] == today:
        return memo[2]
    on_day = _on_day(outcome, today)
    cache.remember("checked", key, (outcome, today, on_day))
    return on_day


def _on_day(outcome: FileOutcome, today: datetime.date) -> FileOutcome:
    """The outcome with its dated warnings that hold on `today` among its diagnostics, and no others
    (kept, they were a tenth of a catalog's memory)."""
    checked = outcome.checked
    if checked is None or not checked.dated:
        return outcome
    path = checked.source.path
    holding = warnings_on(checked.dated, path, today)
    return FileOutcome(outcome.load_problems, replace(checked, diagnostics=checked.diagnostics + holding, dated=()))


def _shard_of(path: str) -> int:
    """The shard of a file's outcome, one of 256 (a byte of its path's hash): the same whatever the file holds."""
    return hashlib.blake2b(path.encode(), digest_size=1).digest()[0]


def _shard_key(cache: Cache, shard: int) -> str:
    return cache.key("checks", str(shard))


def _check_key(cache: Cache, given: str, kind: Kind, path: str, digest: str) -> str:
    return cache.key("check", given, kind.value, path, digest)


def _check_shard(
    facts: FileFacts,
    issuer: Issuer | None,
    cache: Cache,
    given: str,
    started: int,
    files: tuple[tuple[str, Kind], ...],
) -> tuple[tuple[str, ...], tuple[Seen, ...], bytes]:
    """Read and check a shard's files; returns the key of what was checked of each (the file may
    have changed since it was first read; no key when it is gone), what was seen of each, and
    their outcomes, pickled once, for the cache and the way back from a worker."""
    keys, seens, outcomes = [], [], []
    for path, kind in files:
        key, seen, outcome = _check_one(facts, issuer, cache, given, started, path, kind)
        keys.append(key)
        seens.append(seen)
        outcomes.append(outcome)
    return tuple(keys), tuple(seens), pickle.dumps(tuple(outcomes), protocol=pickle.HIGHEST_PROTOCOL)


def _check_one(
    facts: FileFacts, issuer: Issuer | None, cache: Cache, given: str, started: int, path: str, kind: Kind
) -> tuple[str, Seen, FileOutcome]:
    problems: list[Diagnostic] = []
    read = read_with_status(Path(path), problems)
    if read is None:
        return "", (None, ""), FileOutcome(tuple(problems), None)
    raw, status = read
    digest = _digest(raw)
    key = _check_key(cache, given, kind, path, digest)
    source, problems = parse_source(path, kind, raw)
    outcome = FileOutcome(tuple(problems), check_file(source, facts, issuer, key) if source else None)
    return key, (_signature(status, started), digest), outcome


def check_file(source: Source, facts: FileFacts, default_issuer: Issuer | None, key: str = "") -> CheckedFile:
    """Validate one credential or stack file; model it (and render its description) when it is valid."""
    problems, dated = validate_file(source, facts), tuple(dated_warnings(source))
    if has_errors(problems):
        return CheckedFile(source, tuple(problems), None, dated=dated, key=key)
    if source.kind is Kind.STACK:
        return CheckedFile(source.checked(), tuple(problems), stack_model(source), dated=dated, key=key)
    if default_issuer is None and "issuer" not in source.data:
        return CheckedFile(source, tuple(problems), None, dated=dated, key=key)  # site.yaml is broken: reported there
    credential = credential_model(source, default_issuer or Issuer(""))
    rendered = render_markdown(credential.description, source.path, credential.description_line)
    diagnostics = tuple(problems) + rendered.diagnostics
    return CheckedFile(source.checked(), diagnostics, credential, rendered.html, dated, key)


def assess_files(
    credentials: list[CheckedFile],
    reviews: tuple[QualityReview, ...],
    profile: Profile,
    today: datetime.date,
    given: str,
    cache: Cache,
    jobs: int,
) -> list[tuple[str, CredentialQuality]]:
    """Each credential's verdicts, with the key they are known by: taken from the cache when neither
    its file, what its reviews say, the profile nor the date has changed (`given` is the profile
    and the date), else assessed on `jobs` processes.

    Verdicts are kept in 256 entries, by the first byte of their key. An entry with a verdict to
    assess, or one to drop, is a piece of work: its verdicts are assessed, and the entry stored
    again, on a worker (storing every entry after all the assessments, with a core idle, was a
    fifth of a second of a cold build of 2,000)."""
    known = _known_verdicts(cache)
    reviews_of: dict[str, list[QualityReview]] = collections.defaultdict(list)
    for review in reviews:  # each credential is given its own reviews: asking all of them for each was quadratic
        reviews_of[review.credential].append(review)
    order: list[str] = []
    shards: dict[str, list[tuple[str, CheckedFile, Judgements, CredentialQuality | None]]] = {}
    for checked in credentials:
        credential_id = str(checked.source.data.get("id", checked.source.stem))
        judgements = judgements_for(
            reviews_of.get(credential_id, ()), credential_id, _version(checked.source), profile.id, today
        )
        key = hashlib.blake2b(f"{checked.key}\0{given}\0{judgements!r}".encode(), digest_size=20).hexdigest()
        shards.setdefault(key[:2], []).append((key, checked, judgements, known.get(key) if checked.key else None))
        order.append(key)
    stored: dict[str, set[str]] = collections.defaultdict(set)
    for key in known:
        stored[key[:2]].add(key)
    verdicts: dict[str, CredentialQuality] = {}
    work: list[ShardToAssess] = []
    for shard, kept in shards.items():
        if all(verdict is not None for *_, verdict in kept) and stored[shard] == {key for key, *_ in kept}:
            verdicts.update((key, verdict) for key, *_, verdict in kept if verdict is not None)
        else:
            work.append((shard, kept))
    assess = functools.partial(_assess_shard, profile, today, cache)
    for (_, kept), fresh in zip(work, map_in_processes(assess, work, jobs), strict=True):
        for (key, *_, verdict), made in zip(kept, fresh, strict=True):
            taken = made if verdict is None else verdict
            assert taken is not None
            verdicts[key] = taken
    cache.keep_only("quality", {cache.key("quality", shard) for shard in shards})
    return [(key, verdicts[key]) for key in order]


VERDICT_SHARDS = tuple(f"{n:02x}" for n in range(256))
"""Verdicts are cached in entries by the first byte of their key: one entry per credential was
10,000 files to read, one for the catalog was 13 MB to write again after every edit."""

ShardToAssess = tuple[str, list[tuple[str, CheckedFile, Judgements, CredentialQuality | None]]]
"""An entry of verdicts to store again: its shard, and each of its credentials' key, checked file,
judgements and verdicts when they are known."""


def _known_verdicts(cache: Cache) -> dict[str, CredentialQuality]:
    """Every credential's verdicts the cache holds, by the key they were assessed under."""
    known: dict[str, CredentialQuality] = {}
    for shard in VERDICT_SHARDS:
        entry = cache.get("quality", cache.key("quality", shard))
        if isinstance(entry, dict):
            known.update(entry)
    return known


def _assess_shard(
    profile: Profile, today: datetime.date, cache: Cache, item: ShardToAssess
) -> list[CredentialQuality | None]:
    """Assess the verdicts of a shard that are not known, and store the shard; returns the verdicts
    it assessed (None where they were known: those need not travel back from a worker)."""
    shard, kept = item
    shared: dict[Verdict, Verdict] = {}
    fresh = [
        None if verdict is not None else _sharing(_assess_one(profile, today, (checked, judgements)), shared)
        for _, checked, judgements, verdict in kept
    ]
    entries = {key: made if verdict is None else verdict for (key, *_, verdict), made in zip(kept, fresh, strict=True)}
    cache.put("quality", cache.key("quality", shard), entries)
    return fresh


def _sharing(quality: CredentialQuality, shared: dict[Verdict, Verdict]) -> CredentialQuality:
    """The verdicts with each one equal to a verdict seen before replaced by that one: most
    credentials of a catalog get the same few verdicts on a standard, and a verdict pickled once
    per entry is loaded once (a rebuild of 10,000 loaded 140,000 verdicts, of a few dozen kinds)."""
    return replace(quality, verdicts=tuple(shared.setdefault(verdict, verdict) for verdict in quality.verdicts))


def _assess_one(profile: Profile, today: datetime.date, subject: tuple[CheckedFile, Judgements]) -> CredentialQuality:
    checked, judgements = subject
    return assess_credential(quality_subject(checked, judgements), profile, today)


def quality_subject(checked: CheckedFile, judgements: Judgements) -> QualitySubject:
    """What quality assesses: the public record of a valid credential, the same values its page shows,
    with what its reviews say.

    This is the one place that falls back to a file's raw data: for a file with errors (a draft
    in progress, `credcat quality` on broken content), which is when an author needs it most.
    """
    data: Mapping[str, Any] = public_data(checked.model) if checked.model else checked.source.data
    credential_id = str(data.get("id", checked.source.stem))
    return QualitySubject(
        id=credential_id,
        title=str(data.get("title", checked.source.stem)),
        status=str(data.get("status", "active")),
        record=data,
        diagnostics=checked.diagnostics,
        judgements=judgements,
    )


def overruled_reviews(report: QualityReport, reviews: tuple[QualityReview, ...]) -> list[Diagnostic]:
    """A review that says 'met' where the data checks fail is overruled: tell the reviewer why."""
    problems = []
    for review in reviews:
        assessed = report.for_credential(review.credential)
        if review.profile != report.profile.id or assessed is None:
            continue
        for verdict in assessed.verdicts:
            judgement = review.judgements.get(verdict.standard)
            if judgement and judgement.status == MET and verdict.status == NOT_MET and verdict.decided_by == DATA:
                problems.append(
                    warning(
                        "Q007",
                        f"the review says {verdict.standard} is met, but its data checks fail, so it is not met: "
                        + "; ".join(verdict.reasons),
                        judgement.at,
                        "fix the credential so the checks pass; a review cannot override them",
                    )
                )
    return problems


def _check_archive(archived: list[CheckedFile], credentials: list[CheckedFile]) -> list[Diagnostic]:
    """An archived version belongs to a credential of the catalog, and is not its current version."""
    current = {str(c.source.data.get("id")): _version(c.source) for c in credentials}
    problems = []
    for checked in archived:
        credential_id, version = str(checked.source.data.get("id")), _version(checked.source)
        at = checked.source.positions.of_value(("id",))
        if credential_id not in current:
            problems.append(error("R017", f"archived version of unknown credential '{credential_id}'", at))
        elif version is not None and version == current[credential_id]:
            problems.append(
                error(
                    "R017",
                    f"version {version} is both archived and current",
                    checked.source.positions.of_value(("version",)),
                    "raise the version of content/credentials/" + credential_id + ".md when you archive this one",
                )
            )
    return problems


def _versions(archived: list[CheckedFile]) -> dict[str, tuple[tuple[Credential, str], ...]]:
    by_id: dict[str, list[tuple[Credential, str]]] = {}
    for checked in archived:
        if isinstance(checked.model, Credential) and checked.description_html is not None:
            by_id.setdefault(checked.model.id, []).append((checked.model, checked.description_html))
    return {
        credential_id: tuple(sorted(versions, key=lambda pair: version_key(pair[0].version)))
        for credential_id, versions in by_id.items()
    }


def version_key(version: str | None) -> tuple[int, ...]:
    """'1.10.0' after '1.9'."""
    return tuple(int(part) for part in (version or "0").split("."))


def _version(source: Source) -> str | None:
    version = source.data.get("version")
    return str(version) if version is not None else None


def _members(source: Source) -> list[str]:
    members = source.data.get("credentials")
    return [str(m) for m in members] if isinstance(members, list) else []


def resolve_today(value: str | None = None) -> datetime.date:
    """An explicit date, else SOURCE_DATE_EPOCH (reproducible builds), else the real date."""
    if value:
        try:
            return datetime.date.fromisoformat(value)
        except ValueError:
            raise UsageError(f"--today must be a date as YYYY-MM-DD, not {value!r}") from None
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if epoch:
        try:
            return datetime.datetime.fromtimestamp(int(epoch), datetime.timezone.utc).date()
        except (ValueError, OverflowError, OSError):
            raise UsageError(
                f"SOURCE_DATE_EPOCH must be whole seconds since 1970 (a date before year 10000), not {epoch!r}"
            ) from None
    return datetime.date.today()


def _models(files: list[CheckedFile], kind: type[Any]) -> tuple[Any, ...]:
    return tuple(checked.model for checked in files if isinstance(checked.model, kind))


pickle_by_fields(*dataclasses_of(globals()))
