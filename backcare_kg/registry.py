"""Things of one kind chosen by name: query engines, reasoners, result formats.

One shape for every registry, as rdflib's plugin registry holds its parsers and stores. An
entry is the thing itself, or where to find it (a module and an attribute, imported the first
time it is asked for): the command line lists the names and reads the default to build its
parser without importing any engine.
"""

from __future__ import annotations

import importlib
from collections.abc import Iterator
from typing import Generic, TypeVar, cast

from backcare_kg.errors import ParameterError

__all__ = ["Registry"]

T = TypeVar("T")


class _Place:
    """Where a lazily registered thing is: ``module.attribute`` (attributes may be dotted).

    A plain class, not a dataclass: importing dataclasses would slow the command line's start.
    """

    __slots__ = ("module", "attribute")

    def __init__(self, module: str, attribute: str) -> None:
        self.module = module
        self.attribute = attribute

    def load(self) -> object:
        found: object = importlib.import_module(self.module)
        for part in self.attribute.split("."):
            found = getattr(found, part)
        return found


class Registry(Generic[T]):
    """Named things of one kind; :meth:`get` of a name not registered is a ParameterError.

    ``parameter`` is what the user calls the choice (``engine``), ``unknown`` the message for
    a name not registered (with ``{name!r}`` in it). :meth:`names` are sorted unless
    ``ordered``, when they keep the order of registration (the order they are offered in).
    """

    def __init__(self, parameter: str, unknown: str, *, default: str | None = None,
                 ordered: bool = False) -> None:
        self.parameter = parameter
        self._unknown = unknown
        self._default = default
        self._ordered = ordered
        self._entries: dict[str, T | _Place] = {}

    def register(self, name: str, item: T) -> None:
        """Make ``item`` available as ``name`` (replacing any thing of that name)."""
        self._entries[name] = item

    def register_lazy(self, name: str, module: str, attribute: str) -> None:
        """Make ``module.attribute`` available as ``name``, imported when first asked for."""
        self._entries[name] = _Place(module, attribute)

    def unregister(self, name: str) -> None:
        """Forget ``name`` (nothing happens if it is not registered)."""
        self._entries.pop(name, None)

    def names(self) -> list[str]:
        """The registered names: sorted, or in the order of registration if ``ordered``."""
        return list(self._entries) if self._ordered else sorted(self._entries)

    @property
    def default(self) -> str:
        """The name used when none is given."""
        if self._default is None:
            raise LookupError(f"no default {self.parameter}")
        return self._default

    def get(self, name: str) -> T:
        """The thing called ``name``; ParameterError listing the names if there is none."""
        if name not in self._entries:
            raise ParameterError(self._unknown.format(name=name), self.parameter, self.names())
        return self[name]

    def __getitem__(self, name: str) -> T:
        entry = self._entries[name]
        if isinstance(entry, _Place):
            entry = cast(T, entry.load())
            self._entries[name] = entry
        return entry

    def __contains__(self, name: object) -> bool:
        return name in self._entries

    def __iter__(self) -> Iterator[str]:
        return iter(self.names())

    def __len__(self) -> int:
        return len(self._entries)

    def values(self) -> list[T]:
        """The registered things, in the order of :meth:`names`."""
        return [self[name] for name in self.names()]

    def items(self) -> list[tuple[str, T]]:
        """The registered names and things, in the order of :meth:`names`."""
        return [(name, self[name]) for name in self.names()]
