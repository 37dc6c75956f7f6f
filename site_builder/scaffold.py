"""`credcat new`: write a commented skeleton for a credential or stack, never over an existing file."""

from __future__ import annotations

import re
import uuid
from importlib import resources
from pathlib import Path

from catalog.contract import SLUG
from catalog.errors import UsageError
from catalog.validate import WINDOWS_RESERVED

TARGETS = {"credential": ("credentials", "credential.md", ".md"), "stack": ("stacks", "stack.yaml", ".yaml")}


class ScaffoldError(UsageError):
    """A skeleton that cannot be written: a bad id, or a file that already exists."""


def write_skeleton(kind: str, new_id: str, content: Path) -> Path:
    """Write the skeleton for `kind` with `new_id`; refuse bad ids, existing files and links.

    The file is created exclusively (never through a link, dangling or not), and only inside the
    content folder.
    """
    if not SLUG.fullmatch(new_id) or new_id in WINDOWS_RESERVED:
        raise ScaffoldError(f"id {new_id!r} is not a lowercase slug (letters, digits and single hyphens)")
    folder, skeleton, suffix = TARGETS[kind]
    target = content / folder / f"{new_id}{suffix}"
    if target.is_symlink() or target.exists():
        raise ScaffoldError(f"{target} already exists")
    target.parent.mkdir(parents=True, exist_ok=True)
    inside = content.resolve()
    if inside not in target.parent.resolve().parents and target.parent.resolve() != inside:
        raise ScaffoldError(f"{target.parent} is a link to a folder outside the content folder {content}")
    text = resources.files("site_builder.skeletons").joinpath(skeleton).read_text("utf-8")
    try:
        with open(target, "x", encoding="utf-8") as file:  # "x" fails on any existing name, links included
            file.write(text.replace("{id}", new_id).replace("{ctid}", f"ce-{uuid.uuid4()}"))
    except FileExistsError:
        raise ScaffoldError(f"{target} already exists") from None
    return target


def archive_version(credential_id: str, content: Path) -> Path:
    """Copy a credential as it stands into content/archive/<id>/<version>.md, before it is revised.

    The copy is what /credentials/<id>/v<version>/ keeps publishing, unchanged, so badges earned
    under this version keep pointing at its criteria.
    """
    source = content / "credentials" / f"{credential_id}.md"
    if not source.is_file() or source.is_symlink():
        raise ScaffoldError(f"{source} is not a credential file")
    found = re.search(r"^version:\s*[\"']?([0-9]+\.[0-9]+(?:\.[0-9]+)?)[\"']?\s*$", source.read_text("utf-8"), re.M)
    if found is None:
        raise ScaffoldError(f"{source} states no version (add 'version: 1.0.0' first)")
    target = content / "archive" / credential_id / f"{found.group(1)}.md"
    target.parent.mkdir(parents=True, exist_ok=True)
    try:
        with open(target, "xb") as file:
            file.write(source.read_bytes())
    except FileExistsError:
        raise ScaffoldError(f"{target} already exists: version {found.group(1)} is archived") from None
    return target
