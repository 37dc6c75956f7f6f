"""Machine-readable exports: the complete public record of each credential and stack.

Records are built from the model, which never holds `private`, so nothing private can leak here.
Keys are sorted when serialised, so the output is byte-stable.
"""

from __future__ import annotations

import dataclasses
import datetime
import json
from typing import Any

from catalog.model import Credential, Stack
from site_builder.urls import SiteUrls

# Fields of the model that describe where content came from, not the credential itself.
_INTERNAL_FIELDS = frozenset({"source", "description_line", "label_at"})


def plain(value: Any) -> Any:
    """Dataclasses, tuples and dates as JSON-ready values; empty optional fields left out."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: plain(getattr(value, f.name)) for f in dataclasses.fields(value)
                if f.name not in _INTERNAL_FIELDS and getattr(value, f.name) is not None}
    if isinstance(value, (tuple, list)):
        return [plain(item) for item in value]
    if isinstance(value, (datetime.date, datetime.datetime)):
        return value.isoformat()
    return value


def credential_record(credential: Credential, stack_ids: tuple[str, ...], urls: SiteUrls) -> dict[str, Any]:
    """Every public component of a credential, as published in credential.json and catalog.json."""
    record = plain(credential)
    record["type"] = "credential"
    record["stacks"] = list(stack_ids)
    record["url"] = urls.absolute(f"credentials/{credential.id}/") or urls.path(f"credentials/{credential.id}/")
    if credential.badge:
        record["badge"]["image"] = urls.absolute(credential.badge.image) or urls.path(credential.badge.image)
    return record


def stack_record(stack: Stack, facts: dict[str, Any] | None, urls: SiteUrls) -> dict[str, Any]:
    record = plain(stack)
    record["type"] = "stack"
    record["url"] = urls.absolute(f"stacks/{stack.id}/") or urls.path(f"stacks/{stack.id}/")
    if facts is not None:
        record["facts"] = facts
    return record


def to_json(data: Any) -> str:
    return json.dumps(data, indent=2, sort_keys=True, ensure_ascii=False) + "\n"
