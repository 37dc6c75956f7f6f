"""The content model: immutable credentials, stacks and site settings.

Objects are built only from validated data (see `catalog.catalog.build_catalog`), so every field
here can be trusted by later stages. Field names follow the content contract in
docs/content-format.md. `private` is deliberately absent: it is never read into the model, so no
later stage can publish it.
"""

from __future__ import annotations

import dataclasses
import datetime
import functools
import types
import typing
from dataclasses import dataclass, field
from typing import Any, Mapping

from catalog.diagnostics import Location
from catalog.pickling import dataclasses_of, pickle_by_fields
from catalog.vocabulary import BUILTIN_UNITS, BUILTIN_USES

INTERNAL: dict[str, bool] = {"internal": True}
"""Field metadata for where a value came from (file, line), as opposed to what the content says.
Internal fields are never part of a public record."""
MAPPING: dict[str, bool] = {"mapping": True}
"""Field metadata for (key, value) pairs written as a mapping in content, and so in records."""
FROM_BODY: dict[str, bool] = {"from_body": True}
"""Field metadata for a public value that comes from the Markdown body, not the front matter."""


@dataclass(frozen=True, slots=True)
class Issuer:
    name: str
    url: str | None = None
    email: str | None = None


@dataclass(frozen=True, slots=True)
class Audience:
    roles: tuple[str, ...]
    grade_bands: tuple[str, ...]
    subjects: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class StandardAlignment:
    framework: str
    code: str
    name: str | None = None
    url: str | None = None


@dataclass(frozen=True, slots=True)
class ResearchSource:
    citation: str
    url: str | None = None
    peer_reviewed: bool = False
    independent: bool = False


@dataclass(frozen=True, slots=True)
class Resource:
    title: str
    url: str
    kind: str
    cost: str = "free"
    description: str | None = None


@dataclass(frozen=True, slots=True)
class Evidence:
    id: str
    name: str
    scope: str
    format: str
    from_practice: bool = False


@dataclass(frozen=True, slots=True)
class Criterion:
    id: str
    criterion: str
    evidence: tuple[str, ...]
    look_fors: tuple[str, ...] = ()
    levels: tuple[tuple[str, str], ...] = field(default=(), metadata=MAPPING)
    """(level name, what this criterion looks like at that level)."""

    def at_level(self, name: str) -> str | None:
        return dict(self.levels).get(name)


@dataclass(frozen=True, slots=True)
class EvaluationLevel:
    name: str
    description: str | None = None


@dataclass(frozen=True, slots=True)
class Evaluation:
    levels: tuple[EvaluationLevel, ...]
    passing: str
    criteria: tuple[Criterion, ...]

    @property
    def level_names(self) -> tuple[str, ...]:
        return tuple(level.name for level in self.levels)

    @property
    def passing_level(self) -> str | None:
        """The level a criterion must reach to pass, when the passing rule names exactly one."""
        named = [name for name in self.level_names if name.lower() in self.passing.lower()]
        longest = max(named, key=len, default=None)  # 'Not yet demonstrated' also contains 'demonstrated'
        named = [n for n in named if longest is None or n == longest or n.lower() not in longest.lower()]
        return named[0] if len(named) == 1 else None


@dataclass(frozen=True, slots=True)
class Duration:
    days: int | None = None
    weeks: int | None = None
    months: int | None = None


@dataclass(frozen=True, slots=True)
class Requirements:
    students: bool = False
    video: bool = False
    consent: bool = False
    observation: bool = False


@dataclass(frozen=True, slots=True)
class Enroll:
    url: str
    note: str | None = None


@dataclass(frozen=True, slots=True)
class Resubmission:
    allowed: bool
    max_attempts: int | None = None
    notes: str | None = None


@dataclass(frozen=True, slots=True)
class Submission:
    feedback_days: int
    resubmission: Resubmission
    reflection: bool = False
    instructions: str | None = None


@dataclass(frozen=True, slots=True)
class Assessment:
    assessor_training: str | None = None
    orientation: str | None = None
    assessors: str | None = None


@dataclass(frozen=True, slots=True)
class Developer:
    name: str
    role: str


@dataclass(frozen=True, slots=True)
class PeerReview:
    date: datetime.date
    reviewers: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Development:
    developers: tuple[Developer, ...] = ()
    peer_review: PeerReview | None = None


@dataclass(frozen=True, slots=True)
class Cost:
    amount: float
    currency: str = "USD"
    notes: str | None = None

    @property
    def is_free(self) -> bool:
        return self.amount == 0


@dataclass(frozen=True, slots=True)
class Supports:
    synchronous: tuple[str, ...] = ()
    asynchronous: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Delivery:
    mode: str
    pacing: str
    supports: Supports = field(default_factory=Supports)


@dataclass(frozen=True, slots=True)
class Credit:
    amount: float
    unit: str


@dataclass(frozen=True, slots=True)
class RecognitionRow:
    """One recognizer's dated, sourced statement of where a credential or stack counts."""

    jurisdiction: str
    authority: str
    use: str
    status: str
    source: str
    as_of: datetime.date
    license: str | None = None
    requirement_area: str | None = None
    credit: Credit | None = None
    expires: datetime.date | None = None
    notes: str | None = None


@dataclass(frozen=True, slots=True)
class LicensureFitRow(RecognitionRow):
    """A recognizer's statement about a stack as a whole."""

    basis: str = "members"
    """'members': the recognizer counts the members' own approvals (so the row is checked against
    them); 'stack': the recognizer approved the stack as a whole, and its credit stands."""


@dataclass(frozen=True, slots=True)
class Badge:
    image: str
    alt: str


@dataclass(frozen=True, slots=True)
class Record:
    formats: tuple[str, ...]
    includes_evidence: bool = False


@dataclass(frozen=True, slots=True)
class ReviewEvent:
    date: datetime.date
    summary: str


@dataclass(frozen=True, slots=True)
class Review:
    last_reviewed: datetime.date
    cycle_months: int
    data: tuple[str, ...] = ()
    history: tuple[ReviewEvent, ...] = ()


@dataclass(frozen=True, slots=True)
class Credential:
    """One micro-credential: a discrete skill, the evidence that shows it, and how it is judged."""

    id: str
    title: str
    label: str
    competency: str
    audience: Audience
    level: str
    standards: tuple[StandardAlignment, ...]
    research: tuple[ResearchSource, ...]
    resources: tuple[Resource, ...]
    evidence: tuple[Evidence, ...]
    evaluation: Evaluation
    submission: Submission
    assessment: Assessment
    effort_hours: float
    cost: Cost
    delivery: Delivery
    issuer: Issuer
    source: Location = field(metadata=INTERNAL)
    description: str = field(default="", metadata=FROM_BODY)
    """The Markdown body after the front matter."""
    description_line: int = field(default=1, metadata=INTERNAL)
    status: str = "active"
    ctid: str | None = None
    version: str | None = None
    area: str | None = None
    updated: datetime.date | None = None
    development: Development | None = None
    recognition: tuple[RecognitionRow, ...] = ()
    badge: Badge | None = None
    record: Record | None = None
    review: Review | None = None
    duration: Duration | None = None
    requirements: Requirements = field(default_factory=Requirements)
    prerequisites: tuple[str, ...] = ()
    prior_knowledge: str | None = None
    enroll: Enroll | None = None
    label_at: Location | None = field(default=None, metadata=INTERNAL)

    @property
    def is_draft(self) -> bool:
        return self.status == "draft"


@dataclass(frozen=True, slots=True)
class Awards:
    badge: Badge | None = None


@dataclass(frozen=True, slots=True)
class Completion:
    rule: str = "all"
    n: int | None = None


@dataclass(frozen=True, slots=True)
class Stack:
    """Credentials grouped toward a larger outcome; membership is written only here."""

    id: str
    title: str
    label: str
    credentials: tuple[str, ...]
    source: Location = field(metadata=INTERNAL)
    status: str = "active"
    ctid: str | None = None
    description: str | None = None
    outcome: str | None = None
    featured: bool = False
    sequence: str = "ordered"
    completion: Completion = field(default_factory=Completion)
    licensure_fit: tuple[LicensureFitRow, ...] = ()
    enroll: Enroll | None = None
    awards: Awards | None = None
    label_at: Location | None = field(default=None, metadata=INTERNAL)

    @property
    def is_draft(self) -> bool:
        return self.status == "draft"

    @property
    def required_count(self) -> int:
        """How many members an earner must complete."""
        if self.completion.rule == "n_of" and self.completion.n is not None:
            return self.completion.n
        return len(self.credentials)


KEY: dict[str, bool] = {"key": True}
"""Field metadata for a value written as the key of a mapping (`NC: {name: ...}`)."""


@dataclass(frozen=True, slots=True)
class Jurisdiction:
    code: str = field(metadata=KEY)
    name: str
    units: tuple[str, ...] = ()
    """The credit units its recognizers use; empty means any known unit."""


class SiteNames(typing.NamedTuple):
    jurisdictions: Mapping[str, str]
    units: Mapping[str, str]
    uses: Mapping[str, str]


@dataclass(frozen=True, slots=True)
class Site:
    title: str
    issuer: Issuer
    jurisdictions: tuple[Jurisdiction, ...]
    source: Location = field(metadata=INTERNAL)
    description: str | None = None
    notice: str | None = None
    language: str = "en"
    contact: str | None = None
    glossary: tuple[tuple[str, str], ...] = ()
    enroll: Enroll | None = None
    """Where earners sign up for a credential that names no enroll of its own."""
    page_size: int = 60
    """Rows per list page, so no page grows with the catalog."""
    search_hints: tuple[str, ...] = ()
    """Example searches for the search box."""
    search_filter_order: tuple[str, ...] = ()
    """The order of the search's filter groups, by name (a default order otherwise)."""
    credit_units: tuple[tuple[str, str], ...] = ()
    """The catalog's own credit units (code, plain name), besides the built-in ones."""
    uses: tuple[tuple[str, str], ...] = ()
    """The catalog's own uses (code, plain name), besides the built-in ones."""

    names: SiteNames = field(init=False, repr=False, compare=False, metadata=INTERNAL)
    """The jurisdictions', credit units' and uses' names by code: looked up for every recognition
    row of every page, where a scan of the tuples grew with the number of jurisdictions."""

    def __post_init__(self) -> None:
        jurisdictions = {j.code: j.name for j in reversed(self.jurisdictions)}  # the first of a code wins
        object.__setattr__(self, "names", SiteNames(jurisdictions, dict(self.credit_units), dict(self.uses)))

    def jurisdiction_name(self, code: str) -> str:
        return self.names.jurisdictions.get(code, code)

    def unit_name(self, code: str) -> str:
        return self.names.units.get(code) or BUILTIN_UNITS.get(code, code)

    def use_name(self, code: str) -> str:
        return self.names.uses.get(code) or BUILTIN_USES.get(code, code.replace("_", " "))

    def jurisdiction_names(self, codes: typing.Iterable[str]) -> tuple[str, ...]:
        """Full names for codes, each once, in first-seen order."""
        return tuple(self.jurisdiction_name(code) for code in dict.fromkeys(codes))


def public_data(value: Any) -> Any:
    """The public record of a model object as plain JSON-ready values: internal fields and empty
    optional fields left out, tuples as lists, dates as ISO text."""
    if type(value) in _PLAIN:
        return value
    public_fields = _public_fields(type(value))
    if public_fields is not None:
        record = {}
        for name, is_mapping in public_fields:
            item = getattr(value, name)
            if item is None:
                continue
            # Plain values (two thirds of a record's) are taken here, not by a call each.
            record[name] = item if type(item) in _PLAIN else dict(item) if is_mapping else public_data(item)
        return record
    if isinstance(value, (tuple, list)):
        return [item if type(item) in _PLAIN else public_data(item) for item in value]
    if isinstance(value, (datetime.date, datetime.datetime)):
        return value.isoformat()
    return value


def _public_fields(cls: type) -> tuple[tuple[str, bool], ...] | None:
    """A model class's public fields, each with whether it is a mapping; None for other types.
    Worked out once per class: asking `dataclasses.fields` for every value of every record was
    a third of a large build's time."""
    if cls not in _PUBLIC_FIELDS:
        _PUBLIC_FIELDS[cls] = (
            tuple(
                (f.name, bool(f.metadata.get("mapping")))
                for f in dataclasses.fields(cls)
                if not f.metadata.get("internal")
            )
            if dataclasses.is_dataclass(cls)
            else None
        )
    return _PUBLIC_FIELDS[cls]


_PUBLIC_FIELDS: dict[type, tuple[tuple[str, bool], ...] | None] = {}
_PLAIN = frozenset((str, int, float, bool, type(None)))


def from_data(cls: type, data: Any, **extra: Any) -> Any:
    """Build a (nested) dataclass from validated plain data, converting lists and dates.

    Unknown keys (such as `private`) are ignored on purpose: only fields the model declares
    can reach later stages.
    """
    values = {}
    for name, convert in _field_converters(cls):
        if name in extra:
            values[name] = extra[name]
        elif isinstance(data, dict) and name in data:
            values[name] = convert(data[name])
    return cls(**values)


Converter = typing.Callable[[Any], Any]


@functools.cache
def _field_converters(cls: type) -> tuple[tuple[str, Converter], ...]:
    """Each field of a model class with the function that converts its plain value, worked out
    once per class from the resolved annotations (asking `typing` for every value of every file
    was most of the time it took to model a catalog)."""
    hints = typing.get_type_hints(cls)
    return tuple((f.name, _converter(hints[f.name])) for f in dataclasses.fields(cls) if f.init)


def _converter(hint: Any) -> Converter:
    origin = typing.get_origin(hint)
    if origin in (typing.Union, types.UnionType):
        option = _converter(next(arg for arg in typing.get_args(hint) if arg is not type(None)))
        return lambda value: None if value is None else option(value)
    if origin is tuple:
        item = _converter(typing.get_args(hint)[0])

        def to_tuple(value: Any) -> tuple[Any, ...]:
            if isinstance(value, dict):  # mappings such as jurisdictions become (key, value) pairs
                return tuple((str(k), v) for k, v in value.items())
            return tuple(item(element) for element in value)

        return to_tuple
    if isinstance(hint, type) and dataclasses.is_dataclass(hint):
        return functools.partial(from_data, hint)
    if hint is datetime.date:
        return datetime.date.fromisoformat
    if hint is float:
        return float
    if hint is str:
        return str
    return lambda value: value


pickle_by_fields(*dataclasses_of(globals()))
