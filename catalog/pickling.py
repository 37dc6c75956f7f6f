"""Quick pickling for frozen, slotted dataclasses: what the cache and the process pool move most.

Python 3.11 pickles such a class through `dataclasses._dataclass_getstate` and `_setstate`,
which ask `dataclasses.fields()` again for every object: unpickling a cached catalog spent
more time there than in pickle itself. The field names are worked out once per class instead.
"""

from __future__ import annotations

import dataclasses
from typing import Any


def pickle_by_fields(*classes: type) -> None:
    """Give each frozen, slotted dataclass a state that is the tuple of its field values."""
    for cls in classes:
        names = tuple(f.name for f in dataclasses.fields(cls))

        def getstate(self: Any, names: tuple[str, ...] = names) -> tuple[Any, ...]:
            return tuple([getattr(self, name) for name in names])

        def setstate(self: Any, state: tuple[Any, ...], names: tuple[str, ...] = names) -> None:
            for name, value in zip(names, state):
                object.__setattr__(self, name, value)

        setattr(cls, "__getstate__", getstate)
        setattr(cls, "__setstate__", setstate)


def dataclasses_of(namespace: dict[str, Any]) -> list[type]:
    """The dataclasses a module defines (from its `globals()`)."""
    module = namespace["__name__"]
    return [
        value
        for value in namespace.values()
        if isinstance(value, type) and dataclasses.is_dataclass(value) and value.__module__ == module
    ]
