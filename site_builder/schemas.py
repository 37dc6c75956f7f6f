"""The content contract published for editors: one self-contained JSON Schema per kind of file.

`catalog/schema/*.schema.yaml` is the one source: `catalog.contract` validates with it, and this
module turns the same YAML into `credential.schema.json`, `stack.schema.json`, `site.schema.json`,
`profile.schema.json` and `review.schema.json`, for VS Code's YAML extension (yaml-language-server)
and any other JSON Schema tool. `scripts/export-schemas.py` writes them into `schemas/`;
docs/editing.md tells authors how to use them.

Why every `$ref` is inlined rather than published beside a `common.schema.json`:

- An editor fetches one file and has everything. A modeline or a `yaml.schemas` entry that points
  at a URL, a raw file on GitHub or a copy in a catalog repository works without a second
  download, and without relative-reference resolution, which depends on where the editor loaded
  the first file from (and on the `$id`, which here names a placeholder host, not a real one).
- Each field keeps its own `description` as hover text. In the YAML a field says
  `{description: ..., $ref: common...#/$defs/text}`. Before 2019-09, JSON Schema ignored keywords
  beside a `$ref`; yaml-language-server implemented only draft-07 for years
  (redhat-developer/yaml-language-server#856), and editors have shown the wrong description for
  fields that share a definition (redhat-developer/vscode-yaml#647). Inlined, each field is one
  plain schema whose own keys win over the shared definition's, exactly as in `catalog.contract`.
- The result is the very tree `credcat validate` checks with (`catalog.contract.schema_validator`
  inlines the same way for speed), minus `$id` and the `$defs` nothing refers to any more, so
  the editor and credcat cannot drift apart (tests/test_published_schemas.py compares them). It
  uses no keyword whose meaning differs between draft-07 and 2020-12, so older and newer editors
  read it alike.

What an editor cannot check from a schema (references between files, label rules, placeholders,
badge files, `url` as credcat understands it: `format: url` is credcat's own and editors ignore
it) stays with `credcat validate`. Patterns are ECMA-262 regular expressions, which is what
editors run and what `catalog.contract` emulates for `$`.

The YAML is read by `catalog.contract.schema_document` from the package `catalog.schema`, so this works from
an installed wheel as well as from a checkout.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

import referencing

from catalog.contract import schema_document

if TYPE_CHECKING:  # referencing exports Registry but not the Resolver type its `resolver()` returns
    from referencing._core import Resolver

PUBLISHED = ("credential", "stack", "site", "profile", "review")
"""The kinds of file an author edits, each published as `<kind>.schema.json`."""
OUTPUTS = ("catalog",)
"""What the site itself writes for machines (catalog.json), published the same way."""
SHARED = ("common",)
"""Schemas that only hold definitions for the others; inlined, never published on their own."""
DRAFT_2020_12 = "https://json-schema.org/draft/2020-12/schema"
DROPPED_KEYS = ("$id", "$defs")
"""`$id` names the source's placeholder host, not where a catalog publishes, so an editor should use
the address it fetched the file from; `$defs` are unreferenced once every `$ref` is inlined."""


def file_name(kind: str) -> str:
    """`credential` -> `credential.schema.json`: the published name, also used for `/schemas/` on a site."""
    return f"{kind}.schema.json"


def published_schemas() -> dict[str, bytes]:
    """Each published file name with its JSON, as bytes that are the same on every run and machine.

    Keys are sorted and indented by two spaces, with a final newline, so the committed copies in
    `schemas/` diff cleanly and a test can compare them byte for byte.
    """
    sources = _read_sources()
    registry: referencing.Registry[Any] = referencing.Registry().with_resources(
        (contents["$id"], referencing.Resource.from_contents(contents)) for contents in sources.values()
    )
    return {file_name(kind): _to_json(published_schema(sources[kind], registry)) for kind in (*PUBLISHED, *OUTPUTS)}


def published_schema(source: dict[str, Any], registry: referencing.Registry[Any]) -> dict[str, Any]:
    """One schema with every `$ref` replaced by what it names, ready to be read on its own."""
    if source.get("$schema") != DRAFT_2020_12:
        raise ValueError(f"{source.get('$id')}: expected $schema {DRAFT_2020_12}, found {source.get('$schema')!r}")
    inlined = _inline(source, registry.resolver(base_uri=source["$id"]))
    assert isinstance(inlined, dict)
    return {key: value for key, value in inlined.items() if key not in DROPPED_KEYS}


def _read_sources() -> dict[str, dict[str, Any]]:
    """Every schema, published and shared, by kind, parsed from the YAML shipped in the package."""
    sources: dict[str, dict[str, Any]] = {}
    for kind in (*PUBLISHED, *OUTPUTS, *SHARED):
        contents = schema_document(kind)
        if not isinstance(contents, dict) or "$id" not in contents:
            raise ValueError(f"{kind}.schema.yaml: not a schema with an $id")
        sources[kind] = contents
    return sources


def _inline(node: Any, resolver: Resolver[Any]) -> Any:
    """`node` with each `$ref` replaced by the schema it names, the node's own keys winning.

    A reference is resolved against the document it appears in (`resolved.resolver`), so a
    `#/$defs/code` inside common.schema.yaml finds common's definition. Our schemas never refer to
    themselves recursively, which inlining could not express; `catalog.contract` relies on it too.
    """
    if isinstance(node, list):
        return [_inline(item, resolver) for item in node]
    if not isinstance(node, dict):
        return node
    own = {key: _inline(value, resolver) for key, value in node.items() if key != "$ref"}
    if "$ref" not in node:
        return own
    resolved = resolver.lookup(node["$ref"])
    target = _inline(resolved.contents, resolved.resolver)
    if not isinstance(target, dict):
        raise ValueError(f"$ref {node['$ref']!r} does not name a schema")
    return {**target, **own}


def _to_json(schema: dict[str, Any]) -> bytes:
    return (json.dumps(schema, indent=2, sort_keys=True, ensure_ascii=False) + "\n").encode("utf-8")
