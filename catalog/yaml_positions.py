"""Reading YAML with the position of every key and value, and with duplicate keys refused.

`yaml.safe_load` forgets where values came from and silently keeps the last of two duplicate
keys. We compose the node tree instead and convert it ourselves, recording a `Location` for each
path such as `("evaluation", "criteria", 0, "evidence")`.
"""

from __future__ import annotations

import datetime
import math
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any, Mapping

import yaml

from catalog.diagnostics import Diagnostic, Location, error

Path = tuple[str | int, ...]

# libyaml's parser is about 15 times faster and reports the same positions; PyYAML wheels ship it.
_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


@dataclass(frozen=True, slots=True)
class Positions:
    """Where each value (and each mapping key) of a YAML document starts."""

    file: str
    values: Mapping[Path, Location] = field(default_factory=lambda: MappingProxyType({}))
    keys: Mapping[Path, Location] = field(default_factory=lambda: MappingProxyType({}))

    def of_value(self, path: Path) -> Location:
        """The location of the value at `path`, or of its nearest recorded ancestor."""
        for end in range(len(path), -1, -1):
            if path[:end] in self.values:
                return self.values[path[:end]]
        return Location(self.file)

    def of_key(self, path: Path) -> Location:
        """The location of the key that names `path` (falls back to its value)."""
        return self.keys.get(path) or self.of_value(path)


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
        self.values: dict[Path, Location] = {}
        self.keys: dict[Path, Location] = {}
        self.diagnostics: list[Diagnostic] = []
        self._line_offset = line_offset
        self._constructor = yaml.constructor.SafeConstructor()
        self._count = 0

    @property
    def positions(self) -> Positions:
        """What was recorded so far, read-only."""
        return Positions(self.file, MappingProxyType(self.values), MappingProxyType(self.keys))

    def location(self, mark: yaml.Mark) -> Location:
        return Location(self.file, mark.line + 1 + self._line_offset, mark.column + 1)

    def convert(self, node: yaml.Node, path: Path) -> Any:
        self._count += 1
        if self._count > MAX_NODES or len(path) > MAX_DEPTH:
            raise _TooLarge(node)
        self.values[path] = self.location(node.start_mark)
        if isinstance(node, yaml.MappingNode):
            return self._mapping(node, path)
        if isinstance(node, yaml.SequenceNode):
            return [self.convert(item, path + (index,)) for index, item in enumerate(node.value)]
        return self._scalar(node)

    def _mapping(self, node: yaml.MappingNode, path: Path) -> dict[str, Any]:
        result: dict[str, Any] = {}
        for key_node, value_node in node.value:
            key_location = self.location(key_node.start_mark)
            if not isinstance(key_node, yaml.ScalarNode) or key_node.tag == "tag:yaml.org,2002:merge":
                self.diagnostics.append(
                    error(
                        "L009", "keys must be plain words; complex keys and merge keys are not supported", key_location
                    )
                )
                continue
            key = str(key_node.value)
            if key in result:
                first = self.keys[path + (key,)]
                self.diagnostics.append(
                    error(
                        "L006",
                        f"duplicate key '{key}' (first defined at line {first.line})",
                        key_location,
                        "remove one of the two; YAML would silently keep only the last",
                    )
                )
                continue
            self.keys[path + (key,)] = key_location
            result[key] = self.convert(value_node, path + (key,))
        return result

    def _scalar(self, node: yaml.Node) -> Any:
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
        node = yaml.compose(text, Loader=_LOADER)
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
