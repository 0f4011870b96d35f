#!/usr/bin/env python3
"""One benchmark measurement, run by ``run.py`` in a fresh process of its own.

    python benchmarks/pipelines.py backcare-kg SPEC.json
    python benchmarks/pipelines.py backcare-kg-load SPEC.json
    python benchmarks/pipelines.py naive SPEC.json
    python benchmarks/pipelines.py naive-flagship SPEC.json

``SPEC.json`` names the generated file, the bundled files, the rules, the named queries with
their parameters, and how often to repeat each query. Each finished phase is printed at once
as one JSON line on stdout (``{"phase": "load", "seconds": 1.2, ...}``), so a run killed at
its time limit still reports the phases it finished.

- ``backcare-kg``: the scale path, ``build_store(dir, extra=[file])`` (what ``backcare-kg
  build --store DIR --with FILE`` does: pyoxigraph parses, the compiled reasoner reasons,
  pyoxigraph writes an on-disk store), then ``KnowledgeGraph.open(dir)`` and every named
  query through ``kg.run``. *Load* is parsing + writing the store + opening it; *reasoning*
  is the reasoning step of the build.
- ``backcare-kg-load``: ``KnowledgeGraph.load(extra=[file], cache=False, **engines)`` (rdflib
  parses, the graph lives in memory), timing the reasoning inside it (``materialize``) apart
  from the rest of the load, then every named query through ``kg.run``.
- ``naive``: what one would write with rdflib and owlrl alone: parse every file into one
  ``rdflib.Graph``; ``owlrl.DeductiveClosure(owlrl.OWLRL_Semantics).expand`` and the domain
  rules (their CONSTRUCT results added) alternately until nothing new appears; the named
  queries with ``Dataset.query`` and their parameters as ``initBindings``. The graph is the
  one named graph of a Dataset whose default graph is their union, under the asserted
  graph's name: the queries that ask which graph holds a statement (the support columns)
  then find everything asserted and no support graph, so the naive answers have the same
  rows as backcare-kg's, with every level the default of an asserted statement.
- ``naive-flagship``: the naive pipeline over the bundled files, answering the flagship
  question alone and printing the answer (the cold-start comparison).

The naive pipeline imports nothing from backcare-kg.
"""

from __future__ import annotations

import json
import resource
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any


def emit(phase: str, **fields: Any) -> None:
    """Print one finished phase as a JSON line, with the process's peak memory so far."""
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
    print(json.dumps({"phase": phase, **fields, "peak_bytes": peak}), flush=True)


def timed_queries(spec: dict[str, Any], run: Callable[[dict[str, Any]], int]) -> None:
    """Run the flagship once (first query: any lazy set-up), then every named query
    ``repeat`` times; emit each one's median time and its number of rows."""
    flagship = next(q for q in spec["queries"] if q["name"] == spec["flagship"])
    start = time.perf_counter()
    rows = run(flagship)
    emit("first-query", seconds=time.perf_counter() - start, rows=rows)
    for query in spec["queries"]:
        times = []
        for _ in range(spec["repeat"]):
            start = time.perf_counter()
            rows = run(query)
            times.append(time.perf_counter() - start)
        emit("query", name=query["name"], seconds=statistics.median(times), runs=times,
             rows=rows)


# -- backcare-kg ---------------------------------------------------------------------------


def backcare_store(spec: dict[str, Any]) -> None:
    from backcare_kg import KnowledgeGraph
    from backcare_kg.storage.store import build_store

    steps: dict[str, float] = {}
    began = time.perf_counter()
    current: list[str] = []

    def progress(step: str) -> None:
        now = time.perf_counter()
        if current:
            steps[current[-1]] = now - steps[current[-1]]
        current.append(step)
        steps[step] = now

    reasoner = spec["engines"]["load"].get("reasoner")
    info = build_store(spec["store"], extra=[spec["file"]], progress=progress,
                       **({"reasoner": reasoner} if reasoner else {}))
    steps[current[-1]] = time.perf_counter() - steps[current[-1]]
    built = time.perf_counter() - began
    start = time.perf_counter()
    kg = KnowledgeGraph.open(spec["store"])
    opened = time.perf_counter() - start
    reasoning = steps.get("reason", 0.0)
    emit("load", seconds=built - reasoning + opened, parse=steps.get("parse"),
         write=steps.get("write"), open=opened)
    emit("reasoning", seconds=reasoning, asserted=info.asserted, inferred=info.inferred)
    timed_queries(spec, lambda query: rows_of(kg, query))


def rows_of(kg: Any, query: dict[str, Any]) -> int:
    """Run one named query; its number of rows (triples for a graph, 1 for ASK)."""
    result = kg.run(query["name"], **query["params"])
    if result.kind == "SELECT":
        return len(result.rows)
    return 1 if result.kind == "ASK" else len(result.graph or ())


def backcare(spec: dict[str, Any]) -> None:
    import backcare_kg.graph
    import backcare_kg.reasoning.materialize
    from backcare_kg import KnowledgeGraph

    clock = {"reasoning": 0.0, "depth": 0, "calls": 0}
    start = time.perf_counter()

    def timing(original: Callable[..., Any]) -> Callable[..., Any]:
        def materialize(*args: Any, **kwargs: Any) -> Any:
            for name, value in spec["engines"]["materialize"].items():
                kwargs.setdefault(name, value)
            if clock["depth"]:
                return original(*args, **kwargs)
            if not clock["calls"]:
                emit("parse", seconds=time.perf_counter() - start)
            clock["depth"] += 1
            began = time.perf_counter()
            try:
                return original(*args, **kwargs)
            finally:
                clock["reasoning"] += time.perf_counter() - began
                clock["depth"] -= 1
                clock["calls"] += 1
        return materialize

    # materialize, or infer (which gives the support levels too, and which load calls since
    # issue 14): a call nested in another is timed once
    for module in (backcare_kg.graph, backcare_kg.reasoning.materialize):
        for name in ("materialize", "infer"):
            if hasattr(module, name):
                setattr(module, name, timing(getattr(module, name)))

    start = time.perf_counter()
    kg = KnowledgeGraph.load(extra=[spec["file"]], cache=False, **spec["engines"]["load"])
    total = time.perf_counter() - start
    if clock["calls"]:
        emit("load", seconds=total - clock["reasoning"])
        emit("reasoning", seconds=clock["reasoning"], asserted=len(kg.asserted),
             inferred=len(kg.inferred))
    else:  # the reasoning happened where we could not time it apart
        emit("load", seconds=total, includes_reasoning=True)

    timed_queries(spec, lambda query: rows_of(kg, query))


# -- the naive pipeline ---------------------------------------------------------------------

#: The named graph the naive pipeline keeps everything in (it imports nothing of ours).
ASSERTED_GRAPH = "https://w3id.org/backcare-kg/graph/asserted"


def naive_graph(spec: dict[str, Any], files: list[str]) -> Any:
    """Parse ``files`` and reason naively: owlrl and the rules alternately, to a fixpoint."""
    import owlrl
    from rdflib import Dataset, URIRef

    start = time.perf_counter()
    dataset = Dataset(default_union=True)
    graph = dataset.graph(URIRef(ASSERTED_GRAPH))
    for path in files:
        graph.parse(path)
    asserted = len(graph)
    emit("load", seconds=time.perf_counter() - start, asserted=asserted)
    start = time.perf_counter()
    rules = [Path(p).read_text(encoding="utf-8") for p in spec["rules"]]
    rounds = 0
    while True:
        rounds += 1
        owlrl.DeductiveClosure(owlrl.OWLRL_Semantics).expand(graph)
        before = len(graph)
        for rule in rules:
            for triple in graph.query(rule).graph or ():
                graph.add(triple)
        if len(graph) == before:
            break
    emit("reasoning", seconds=time.perf_counter() - start, asserted=asserted,
         inferred=len(graph) - asserted, rounds=rounds)
    return dataset


def bindings(query: dict[str, Any]) -> dict[str, Any]:
    from rdflib.util import from_n3

    return {name: from_n3(term) for name, term in query["bindings"].items()}


def naive(spec: dict[str, Any]) -> None:
    graph = naive_graph(spec, [*spec["bundled"], spec["file"]])

    def run(query: dict[str, Any]) -> int:
        result = graph.query(query["text"], initBindings=bindings(query))
        if result.type == "SELECT":
            return len(list(result))
        return 1 if result.type == "ASK" else len(result.graph or ())

    timed_queries(spec, run)


def naive_flagship(spec: dict[str, Any]) -> None:
    """The flagship question from scratch, printed as a tab-separated table."""
    import contextlib
    import io

    with contextlib.redirect_stdout(io.StringIO()):
        graph = naive_graph(spec, spec["bundled"])
    query = next(q for q in spec["queries"] if q["name"] == spec["flagship"])
    result = graph.query(query["text"], initBindings=bindings(query))
    print("\t".join(str(v) for v in result.vars or ()))
    for row in result:
        print("\t".join("" if v is None else str(v) for v in row))


PIPELINES = {"backcare-kg": backcare_store, "backcare-kg-load": backcare, "naive": naive,
             "naive-flagship": naive_flagship}


def main(argv: list[str]) -> int:
    if len(argv) != 2 or argv[0] not in PIPELINES:
        print(f"usage: pipelines.py {{{','.join(PIPELINES)}}} SPEC.json", file=sys.stderr)
        return 2
    spec = json.loads(Path(argv[1]).read_text(encoding="utf-8"))
    PIPELINES[argv[0]](spec)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
