"""The catalog as a whole: every credential and stack of valid content, with the facts derived once.

Built by catalog.check only when the whole content folder is free of errors; the functions
below turn one valid file into its model object.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Mapping

from catalog.labels import StackFacts, label_stack
from catalog.model import Credential, Issuer, Jurisdiction, Site, Stack, from_data
from catalog.sources import Source
from catalog.stacks import stacks_by_credential


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
    stack_by_id: Mapping[str, Stack]

    @classmethod
    def of(cls, site: Site, credentials: tuple[Credential, ...], stacks: tuple[Stack, ...]) -> Catalog:
        by_id = {c.id: c for c in credentials}
        facts = {s.id: label_stack(s, tuple(by_id[m] for m in s.credentials)) for s in stacks}
        return cls(site, credentials, stacks, by_id, stacks_by_credential(stacks), facts, {s.id: s for s in stacks})

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
            {s.id: s for s in stacks},
        )

    def members(self, stack: Stack) -> tuple[Credential, ...]:
        return tuple(self.by_id[member] for member in stack.credentials)

    def stacks_with(self, credential: Credential) -> tuple[Stack, ...]:
        """The stacks that contain a credential, in stack order."""
        return tuple(self.stack_by_id[stack_id] for stack_id in self.stacks_of.get(credential.id, ()))


def _long_forms(data: dict[str, Any]) -> dict[str, Any]:
    """The short forms authors may write, in their one long form: an evaluation level given as a
    plain name becomes {name: ...}."""
    evaluation = data.get("evaluation")
    if not isinstance(evaluation, dict):
        return data
    levels = [{"name": level} if isinstance(level, str) else level for level in evaluation.get("levels", [])]
    return {**data, "evaluation": {**evaluation, "levels": levels}}


def site_model(source: Source) -> Site:
    """The site settings of a valid site.yaml (a jurisdiction may be written `NC: North Carolina`)."""
    jurisdictions = tuple(
        Jurisdiction(code, value, ())
        if isinstance(value, str)
        else Jurisdiction(code, value["name"], tuple(value.get("units", ())))
        for code, value in source.data["jurisdictions"].items()
    )
    site: Site = from_data(Site, source.data, source=source.location, jurisdictions=jurisdictions)
    return site


def stack_model(source: Source) -> Stack:
    """The stack of a valid stack file."""
    stack: Stack = from_data(Stack, source.data, source=source.location, label_at=source.positions.of_value(("label",)))
    return stack


def credential_model(source: Source, default_issuer: Issuer) -> Credential:
    """The credential of a valid credential file; the site's issuer unless it names its own."""
    issuer = from_data(Issuer, source.data["issuer"]) if "issuer" in source.data else default_issuer
    credential: Credential = from_data(
        Credential,
        _long_forms(source.data),
        source=source.location,
        issuer=issuer,
        description=source.body,
        description_line=source.body_line,
        label_at=source.positions.of_value(("label",)),
    )
    return credential
