"""What the pages keep per knowledge graph (backcare_kg.web.per_graph)."""

from __future__ import annotations

import gc
import threading
from typing import Any

from backcare_kg.web.per_graph import PerGraph


class Graph:
    """A stand-in for a KnowledgeGraph: anything that can be referred to weakly."""


def test_made_once_per_graph_and_forgotten_with_it() -> None:
    made: list[Any] = []

    def make(kg: Any) -> list[Any]:
        made.append(kg)
        return [len(made)]

    kept = PerGraph(make)
    first, second = Graph(), Graph()
    assert kept.of(first) is kept.of(first) and kept.of(first) == [1]  # type: ignore[arg-type]
    assert kept.of(second) == [2]  # type: ignore[arg-type]
    assert len(kept._values) == 2
    del first, second, made[:]
    gc.collect()
    assert len(kept._values) == 0


def test_threads_asking_at_once_get_the_one_value() -> None:
    started = threading.Barrier(8)
    kept = PerGraph(lambda kg: object())
    graph = Graph()
    found: list[object] = []

    def ask() -> None:
        started.wait()
        found.append(kept.of(graph))  # type: ignore[arg-type]

    threads = [threading.Thread(target=ask) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(found) == 8 and len({id(value) for value in found}) == 1
