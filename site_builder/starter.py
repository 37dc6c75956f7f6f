"""`credcat init`: a new catalog repository, apart from the tool, that validates and builds at once.

As MkDocs and Hugo keep a site apart from the tool, a catalog is its own repository that depends
on a pinned version of credential-catalog: `init` writes its content (a site.yaml to fill in and
example drafts that publish nothing), a README for its maintainers, and a GitHub Pages workflow
that installs exactly the version that ran `init`, validates with --strict, and rebuilds weekly.
"""

from __future__ import annotations

import json
import string
import uuid
from importlib import resources
from pathlib import Path

from catalog.errors import UsageError
from site_builder.schemas import published_schemas

TOOL_URL = "https://github.com/credential-catalog/credential-catalog"
"""Where the tool's own git repository lives; `--tool-url` overrides it (a fork, a mirror)."""

FILES = {
    "content/site.yaml": "site.yaml",
    "content/credentials/example-skill.md": "example-skill.md",
    "content/credentials/example-second-skill.md": "example-second-skill.md",
    "content/stacks/example-stack.yaml": "example-stack.yaml",
    ".github/workflows/pages.yml": "pages.yml",
    ".gitignore": "gitignore",
    "README.md": "README.md",
}
"""Each file of a new catalog, and the starter file it is written from."""


def init_catalog(target: Path, version: str, tool_url: str = TOOL_URL, *, force: bool = False) -> list[Path]:
    """Write a new catalog into `target`; refuse a folder that holds anything unless `force`."""
    if target.exists() and not target.is_dir():
        raise UsageError(f"{target} is a file, not a folder")
    if target.is_dir() and any(target.iterdir()) and not force:
        raise UsageError(f"{target} is not empty; choose a new folder, or pass --force to write into it")
    if not tool_url.startswith(("https://", "http://", "file://", "ssh://", "git@")):
        raise UsageError(f"--tool-url {tool_url!r} is not a git repository address")
    values = {"version": version, "tool_url": tool_url.rstrip("/"), "title": "", "issuer": ""}
    folder = resources.files("site_builder.skeletons.catalog")
    site = folder.joinpath("site.yaml").read_text("utf-8")
    values["title"] = _field(site, "title")
    values["issuer"] = _field(site, "  name")
    written = []
    for relative, starter in FILES.items():
        path = target / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        text = folder.joinpath(starter).read_text("utf-8")
        if starter in ("pages.yml", "README.md"):
            text = string.Template(text).substitute(values)
        text = text.replace("{ctid}", f"ce-{uuid.uuid4()}")  # each catalog's items get their own identifiers
        path.write_text(text, encoding="utf-8")
        written.append(path)
    for empty in ("content/badges", "content/reviews"):
        (target / empty).mkdir(parents=True, exist_ok=True)
    for name, data in published_schemas().items():  # for the editor: see docs/editing.md
        path = target / "schemas" / name
        path.parent.mkdir(exist_ok=True)
        path.write_bytes(data)
        written.append(path)
    settings = target / ".vscode" / "settings.json"
    settings.parent.mkdir(exist_ok=True)
    settings.write_text(json.dumps({"yaml.schemas": EDITOR_SCHEMAS}, indent=2) + "\n", encoding="utf-8")
    return written + [settings]


EDITOR_SCHEMAS = {
    "./schemas/site.schema.json": "content/site.yaml",
    "./schemas/stack.schema.json": "content/stacks/*.yaml",
    "./schemas/review.schema.json": "content/reviews/*.yaml",
    "./schemas/profile.schema.json": "content/profiles/*.yaml",
}
"""VS Code's YAML extension: which schema checks which files (credential front matter is Markdown to it)."""


def _field(yaml_text: str, key: str) -> str:
    """The value of a simple `key: value` line of the starter site.yaml (for the README's title)."""
    line = next(line for line in yaml_text.splitlines() if line.startswith(key + ":"))
    return line.split(":", 1)[1].strip()
