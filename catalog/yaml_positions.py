"""Reading YAML with the position of every key and value, and with duplicate keys refused.

`yaml.safe_load` forgets where values came from and silently keeps the last of two duplicate
keys. We compose the node tree instead and convert it ourselves, recording a `Location` for each
path such as `("evaluation", "criteria", 0, "evidence")`.
"""

from __future__ import annotations

import datetime
import marshal
import math
import zlib
from typing import Any, Mapping

import yaml

from catalog.diagnostics import Diagnostic, Location, error

Path = tuple[str | int, ...]

# libyaml's parser is about 15 times faster and reports the same positions; PyYAML wheels ship it.
_BASE_LOADER: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
STR_TAG = "tag:yaml.org,2002:str"


class _Loader(_BASE_LOADER):  # type: ignore[misc]
    """libyaml's safe loader, remembering the tag of each short plain scalar.

    Working out a scalar's tag (is `no` a boolean, `2026-03-01` a date?) runs a list of regular
    expressions in Python for every key and value; keys and short values repeat across thousands
    of files, and the answer depends on nothing but the text (the safe loader has no path rules).
    """

    def resolve(self, kind: Any, value: Any, implicit: Any) -> Any:
        if kind is not yaml.ScalarNode or len(value) > 40:
            return super().resolve(kind, value, implicit)
        key = (value, implicit)
        tag = _TAGS.get(key)
        if tag is None:
            if len(_TAGS) > 50_000:
                _TAGS.clear()
            tag = _TAGS[key] = super().resolve(kind, value, implicit)
        return tag


_TAGS: dict[tuple[str, Any], str] = {}


class Positions:
    """Where each value (and each mapping key) of a YAML document starts, as (line, column).

    A file has hundreds of positions and few ever become a diagnostic. So they are plain tuples,
    not `Location` objects, and a pickled `Positions` (the cache, the process pool) is one compressed
    marshal blob, unpacked only when a diagnostic asks where something is.
    """

    __slots__ = ("file", "_tables", "_packed", "kept")

    def __init__(
        self,
        file: str,
        values: Mapping[Path, tuple[int, int]] | None = None,
        keys: Mapping[Path, tuple[int, int]] | None = None,
    ) -> None:
        self.file = file
        self._tables: tuple[Mapping[Path, tuple[int, int]], Mapping[Path, tuple[int, int]]] | None = (
            values or {},
            keys or {},
        )
        self._packed: bytes | None = None
        self.kept: frozenset[str] | None = None
        """The top-level keys whose positions are kept (`only`); None: all of them."""

    @property
    def values(self) -> Mapping[Path, tuple[int, int]]:
        return self._unpacked()[0]

    @property
    def keys(self) -> Mapping[Path, tuple[int, int]]:
        return self._unpacked()[1]

    def of_value(self, path: Path) -> Location:
        """The location of the value at `path`, or of its nearest recorded ancestor."""
        self._must_be_kept(path)
        values = self.values
        for end in range(len(path), -1, -1):
            if (position := values.get(path[:end])) is not None:
                return Location(self.file, *position)
        return Location(self.file)

    def of_key(self, path: Path) -> Location:
        """The location of the key that names `path` (falls back to its value)."""
        self._must_be_kept(path)
        position = self.keys.get(path)
        return Location(self.file, *position) if position else self.of_value(path)

    def only(self, kept: frozenset[str]) -> Positions:
        """The positions of these top-level keys' values alone. Asking where anything else is fails
        loudly instead of answering with the file's first line: a diagnostic would point wrong."""
        values, keys = self._unpacked()
        slim = Positions(
            self.file,
            {path: at for path, at in values.items() if not path or path[0] in kept},
            {path: at for path, at in keys.items() if path and path[0] in kept},
        )
        slim.kept = kept
        return slim

    def _must_be_kept(self, path: Path) -> None:
        if self.kept is not None and path and path[0] not in self.kept:
            raise NotKept(
                f"the position of '{path[0]}' is not kept once a file is checked: "
                "add it to catalog.sources.POSITIONED_ONCE_CHECKED"
            )

    def _unpacked(self) -> tuple[Mapping[Path, tuple[int, int]], Mapping[Path, tuple[int, int]]]:
        if self._tables is None:
            assert self._packed is not None
            values, keys = marshal.loads(zlib.decompress(self._packed))
            self._tables, self._packed = (values, keys), None
        return self._tables

    def __reduce__(self) -> tuple[Any, ...]:
        packed = self._packed
        if packed is None:  # compressed: about a third of the size, in memory and in the cache
            packed = zlib.compress(marshal.dumps(tuple(map(dict, self._unpacked()))), 1)
        return (_packed_positions, (self.file, packed, self.kept))

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Positions) and (self.file, self._unpacked()) == (other.file, other._unpacked())

    def __hash__(self) -> int:
        return hash(self.file)

    def __repr__(self) -> str:
        return f"Positions({self.file!r}, {len(self.values)} values)"


def _packed_positions(file: str, packed: bytes, kept: frozenset[str] | None = None) -> Positions:
    positions = Positions(file)
    positions._tables, positions._packed, positions.kept = None, packed, kept
    return positions


class NotKept(RuntimeError):
    """Something of a checked file that was not kept (see catalog.sources.KEPT_ONCE_CHECKED)."""


MAX_NODES = 100_000
"""More values than any credential needs: a guard against alias bombs ("billion laughs")."""
MAX_DEPTH = 50


class _TooLarge(Exception):
    def __init__(self, node: yaml.Node) -> None:
        self.node = node


class _Converter:
    """Turns a composed node tree into plain Python values, recording positions."""

    def __init__(self, file: str, line_offset: int) -> None:
        self.file = file
        self.values: dict[Path, tuple[int, int]] = {}
        self.keys: dict[Path, tuple[int, int]] = {}
        self.diagnostics: list[Diagnostic] = []
        self._line_offset = line_offset
        self._constructor = yaml.constructor.SafeConstructor()
        self._count = 0

    @property
    def positions(self) -> Positions:
        """What was recorded so far (plain dicts, typed read-only: a source pickles for the cache and the pool)."""
        return Positions(self.file, self.values, self.keys)

    def location(self, mark: yaml.Mark) -> Location:
        return Location(self.file, *self.position(mark))

    def position(self, mark: yaml.Mark) -> tuple[int, int]:
        return mark.line + 1 + self._line_offset, mark.column + 1

    def convert(self, node: yaml.Node, path: Path) -> Any:
        self._count += 1
        if self._count > MAX_NODES or len(path) > MAX_DEPTH:
            raise _TooLarge(node)
        self.values[path] = self.position(node.start_mark)
        if isinstance(node, yaml.MappingNode):
            return self._mapping(node, path)
        if isinstance(node, yaml.SequenceNode):
            return [self.convert(item, path + (index,)) for index, item in enumerate(node.value)]
        return self._scalar(node)

    def _mapping(self, node: yaml.MappingNode, path: Path) -> dict[str, Any]:
        result: dict[str, Any] = {}
        for key_node, value_node in node.value:
            key_position = self.position(key_node.start_mark)
            if not isinstance(key_node, yaml.ScalarNode) or key_node.tag == "tag:yaml.org,2002:merge":
                self.diagnostics.append(
                    error(
                        "L009",
                        "keys must be plain words; complex keys and merge keys are not supported",
                        Location(self.file, *key_position),
                    )
                )
                continue
            key = str(key_node.value)
            if key in result:
                first = self.keys[path + (key,)]
                self.diagnostics.append(
                    error(
                        "L006",
                        f"duplicate key '{key}' (first defined at line {first[0]})",
                        Location(self.file, *key_position),
                        "remove one of the two; YAML would silently keep only the last",
                    )
                )
                continue
            self.keys[path + (key,)] = key_position
            result[key] = self.convert(value_node, path + (key,))
        return result

    def _scalar(self, node: yaml.Node) -> Any:
        if node.tag == STR_TAG:
            return node.value  # what the constructor would return, without its bookkeeping
        try:
            value = self._constructor.construct_object(node, deep=True)
        except Exception:  # noqa: BLE001 - any tag that fails to construct is reported as its text
            # e.g. `2026-13-45` looks like a date but is not one: keep the text so that the
            # validator can report a malformed date at this position.
            return node.value
        if isinstance(value, float) and not math.isfinite(value):
            return node.value  # .nan and .inf are not amounts anyone means: report them as text
        if isinstance(value, (datetime.date, datetime.datetime)):
            # Dates travel as ISO text so JSON Schema can check them; the model parses them.
            return value.isoformat()
        return value


def parse_yaml(text: str, file: str, line_offset: int = 0) -> tuple[Any, Positions, list[Diagnostic]]:
    """Parse one YAML document; `line_offset` shifts lines when it sits inside front matter."""
    converter = _Converter(file, line_offset)
    try:
        node = yaml.compose(text, Loader=_Loader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        location = converter.location(mark) if mark else Location(file, 1 + line_offset)
        message = exc.problem or str(exc)
        if exc.context:
            message = f"{exc.context}: {message}"
        hint = (
            "YAML does not allow tabs for indentation; use spaces"
            if "tab" in message or "'\\t'" in message
            else "check indentation, and quote values that contain ': ' or start with a special character"
        )
        return (
            None,
            converter.positions,
            [
                error(
                    "L004",
                    f"YAML syntax error: {message}",
                    location,
                    hint,
                )
            ],
        )
    except yaml.YAMLError as exc:  # e.g. a control character in the stream
        return None, converter.positions, [error("L004", f"YAML syntax error: {exc}", Location(file, 1 + line_offset))]
    if node is None:
        return None, converter.positions, []
    try:
        data = converter.convert(node, ())
    except (_TooLarge, RecursionError) as exc:
        where = (
            converter.location(exc.node.start_mark) if isinstance(exc, _TooLarge) else Location(file, 1 + line_offset)
        )
        return (
            None,
            converter.positions,
            [
                error(
                    "L004",
                    f"document is too large or too deeply nested (over {MAX_NODES:,} values or {MAX_DEPTH} levels, "
                    "counting what aliases repeat)",
                    where,
                    "write the values out plainly; do not nest aliases",
                )
            ],
        )
    return data, converter.positions, converter.diagnostics
