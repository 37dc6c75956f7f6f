"""`credcat new`: write a commented skeleton for a credential or stack, never over an existing file."""

from __future__ import annotations

import re
from importlib import resources
from pathlib import Path

from catalog.errors import UsageError

SLUG = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")
TARGETS = {"credential": ("credentials", "credential.md", ".md"), "stack": ("stacks", "stack.yaml", ".yaml")}


class ScaffoldError(UsageError):
    """A skeleton that cannot be written: a bad id, or a file that already exists."""


def write_skeleton(kind: str, new_id: str, content: Path) -> Path:
    """Write the skeleton for `kind` with `new_id`; refuse bad ids and existing files."""
    if not SLUG.match(new_id):
        raise ScaffoldError(f"id {new_id!r} is not a lowercase slug (letters, digits and single hyphens)")
    folder, skeleton, suffix = TARGETS[kind]
    target = content / folder / f"{new_id}{suffix}"
    if target.exists():
        raise ScaffoldError(f"{target} already exists")
    text = resources.files("site_builder.skeletons").joinpath(skeleton).read_text("utf-8")
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(text.replace("{id}", new_id), encoding="utf-8")
    return target
