"""One value per knowledge graph, made on first use and forgotten with the graph.

What the pages need of a graph (its labels, its statistics, its dumps) is read once and
kept for as long as the graph lives: the graph is held weakly, so a server or publisher
that drops it frees what was kept for it.
"""

from __future__ import annotations

import threading
import weakref
from collections.abc import Callable
from typing import TYPE_CHECKING, Generic, TypeVar

if TYPE_CHECKING:
    from backcare_kg.graph import KnowledgeGraph

T = TypeVar("T")


class PerGraph(Generic[T]):
    """``make(kg)`` for each graph ``kg``, made once (threads asking at the same time wait
    for the first) and kept while ``kg`` lives."""

    def __init__(self, make: Callable[[KnowledgeGraph], T]) -> None:
        self._make = make
        self._values: weakref.WeakKeyDictionary[KnowledgeGraph, T] = \
            weakref.WeakKeyDictionary()
        self._lock = threading.Lock()

    def of(self, kg: KnowledgeGraph) -> T:
        """The value of ``kg``, made now if it has none yet."""
        with self._lock:
            if kg not in self._values:
                self._values[kg] = self._make(kg)
            return self._values[kg]
