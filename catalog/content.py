"""The catalog as a whole: load, validate, and (only when there are no errors) build the model.

`read_catalog` is the single entry point used by `credcat validate`, `build` and `quality`, so
they can never disagree about what is valid.
"""

from __future__ import annotations

import datetime
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Mapping

from catalog.diagnostics import Diagnostic, Location, has_errors, sort_diagnostics
from catalog.labels import StackFacts, check_label, check_stack_label_numbers, label_stack
from catalog.model import Credential, Issuer, Site, Stack, from_data
from catalog.sources import LoadResult, Source, load_sources
from catalog.stacks import stacks_by_credential
from catalog.validate import validate_sources


@dataclass(frozen=True, slots=True)
class Catalog:
    """Every credential and stack, drafts included; publishing decides what is shown."""

    site: Site
    credentials: tuple[Credential, ...]
    stacks: tuple[Stack, ...]
    by_id: Mapping[str, Credential]
    stacks_of: Mapping[str, tuple[str, ...]]
    """Stack ids per credential id, derived from the stack files."""
    facts: Mapping[str, StackFacts]
    """The computed label facts of each stack, computed once."""

    @classmethod
    def of(cls, site: Site, credentials: tuple[Credential, ...], stacks: tuple[Stack, ...]) -> Catalog:
        by_id = {c.id: c for c in credentials}
        facts = {s.id: label_stack(s, tuple(by_id[m] for m in s.credentials)) for s in stacks}
        return cls(site, credentials, stacks, by_id, stacks_by_credential(stacks), facts)

    def published(self, *, include_drafts: bool = False) -> Catalog:
        """The catalog as the public sees it: drafts (credentials and stacks) left out unless asked for."""
        if include_drafts:
            return self
        credentials = tuple(c for c in self.credentials if not c.is_draft)
        stacks = tuple(s for s in self.stacks if not s.is_draft)
        return Catalog(
            self.site,
            credentials,
            stacks,
            {c.id: c for c in credentials},
            stacks_by_credential(stacks),
            {s.id: self.facts[s.id] for s in stacks},
        )

    def members(self, stack: Stack) -> tuple[Credential, ...]:
        return tuple(self.by_id[member] for member in stack.credentials)


@dataclass(frozen=True, slots=True)
class CatalogResult:
    catalog: Catalog | None
    diagnostics: tuple[Diagnostic, ...]
    loaded: LoadResult | None = None
    """The sources the catalog was built from (quality is assessed on them)."""


def read_catalog(content_dir: Path, today: datetime.date) -> CatalogResult:
    """Load and validate `content_dir`; the catalog is None whenever there is any error.

    `today` dates the checks that age (recognition rows to re-confirm), so a build with a fixed
    date (SOURCE_DATE_EPOCH) always reports the same.
    """
    loaded = load_sources(content_dir)
    diagnostics = loaded.diagnostics + tuple(validate_sources(loaded, today))
    if has_errors(diagnostics) or loaded.site is None:
        return CatalogResult(None, sort_diagnostics(diagnostics))
    catalog = build_catalog(loaded)
    diagnostics += tuple(check_labels(catalog))
    if has_errors(diagnostics):
        return CatalogResult(None, sort_diagnostics(diagnostics))
    return CatalogResult(catalog, sort_diagnostics(diagnostics), loaded)


def check_labels(catalog: Catalog) -> list[Diagnostic]:
    """QAS-06: every label plain and readable; every number in a stack label true."""
    glossary = [term for term, _ in catalog.site.glossary]
    problems: list[Diagnostic] = []
    for item in catalog.credentials + catalog.stacks:
        problems += check_label(item.label, item.label_at or item.source, glossary)
    for stack in catalog.stacks:
        problems += check_stack_label_numbers(stack, catalog.facts[stack.id], stack.label_at or stack.source)
    return problems


def resolve_today(value: str | None = None) -> datetime.date:
    """An explicit date, else SOURCE_DATE_EPOCH (reproducible builds), else the real date.

    Raises ValueError with a readable message for a malformed value.
    """
    if value:
        try:
            return datetime.date.fromisoformat(value)
        except ValueError:
            raise ValueError(f"--today must be a date as YYYY-MM-DD, not {value!r}") from None
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if epoch:
        try:
            return datetime.datetime.fromtimestamp(int(epoch), datetime.timezone.utc).date()
        except ValueError:
            raise ValueError(f"SOURCE_DATE_EPOCH must be whole seconds, not {epoch!r}") from None
    return datetime.date.today()


def build_catalog(loaded: LoadResult) -> Catalog:
    """Turn validated sources into the immutable model (fields not in the model, like `private`, are dropped)."""
    assert loaded.site is not None
    site = from_data(Site, loaded.site.data, source=loaded.site.location)
    credentials = tuple(_credential(source, site.issuer) for source in loaded.credentials)
    stacks = tuple(
        from_data(Stack, source.data, source=source.location, label_at=source.positions.of_value(("label",)))
        for source in loaded.stacks
    )
    return Catalog.of(site, credentials, stacks)


def _credential(source: Source, default_issuer: Issuer) -> Credential:
    issuer = from_data(Issuer, source.data["issuer"]) if "issuer" in source.data else default_issuer
    return from_data(
        Credential,
        source.data,
        source=Location(source.path),
        issuer=issuer,
        description=source.body,
        description_line=source.body_line,
        label_at=source.positions.of_value(("label",)),
    )
