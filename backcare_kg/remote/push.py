"""Push the knowledge graph into a remote store, replacing our named graphs at once.

:func:`push` never leaves a half-loaded graph where readers look:

1. the staging graphs (``urn:backcare-kg:staging:asserted`` and ``…:inferred``) are
   emptied, removing whatever an earlier, interrupted push left there;
2. each graph is uploaded into its staging graph in batches: by the SPARQL 1.1 Graph Store
   HTTP Protocol (``POST`` of N-Triples, which is also Turtle) when a store endpoint is
   given, else by SPARQL Update ``INSERT DATA``. The triples that share a blank node
   always travel in the same batch, since each request makes its own blank nodes;
3. one SPARQL Update request then moves the staging graphs onto
   ``https://w3id.org/backcare-kg/graph/asserted`` and ``…/inferred``. A store applies one
   update request as a whole, so readers see the old graphs until the switch and the new
   ones after it.

A push stopped anywhere before step 3 (killed, a lost connection, a refused batch) leaves
the previous graphs as they were, and still queryable. Writes are never retried (a batch
sent twice would be applied twice); run the push again instead, which starts over.

Without an update endpoint there is nothing to switch with: each graph is then sent whole
in one Graph Store Protocol ``PUT``, which the store applies at once, one graph after the
other.

Two pushes to one store at the same time share the staging graphs: push from one place at a
time.
"""

from __future__ import annotations

import time
import urllib.request
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING
from urllib.parse import urlencode, urlsplit, urlunsplit

from rdflib import URIRef

from backcare_kg.errors import ParameterError
from backcare_kg.remote import Credentials, Endpoints, Timeouts, client_for
from backcare_kg.remote.http import HttpClient
from backcare_kg.vocab import ASSERTED_GRAPH, INFERRED_GRAPH, SUPPORT_GRAPH

if TYPE_CHECKING:
    import pyoxigraph as ox

    from backcare_kg.graph import KnowledgeGraph

__all__ = ["push", "PushReport", "STAGING", "DEFAULT_BATCH_SIZE", "DEFAULT_UPDATE_BATCH_SIZE",
           "Progress"]

#: Where each of our graphs is loaded before the switch.
STAGING: dict[URIRef, URIRef] = {
    ASSERTED_GRAPH: URIRef("urn:backcare-kg:staging:asserted"),
    INFERRED_GRAPH: URIRef("urn:backcare-kg:staging:inferred"),
    SUPPORT_GRAPH: URIRef("urn:backcare-kg:staging:support"),
}
#: Triples per request, unless told otherwise: by the Graph Store Protocol, and by SPARQL
#: Update (smaller: Virtuoso refuses an INSERT DATA of about 1,500 triples or more).
DEFAULT_BATCH_SIZE = 20_000
DEFAULT_UPDATE_BATCH_SIZE = 1_000

#: Called after each batch with (graph, triples sent of it so far, its triples).
Progress = Callable[[URIRef, int, int], None]


@dataclass
class PushReport:
    """What :func:`push` sent, how, and how long it took."""

    endpoint: str
    method: str  # "graph-store" or "update"
    triples: dict[URIRef, int] = field(default_factory=dict)
    batches: int = 0
    bytes_sent: int = 0
    seconds: float = 0.0
    switched: bool = False  # every graph replaced in one update request

    @property
    def total(self) -> int:
        """Triples sent, over all the graphs."""
        return sum(self.triples.values())

    def __str__(self) -> str:
        parts = [f"{n:,} {str(g).rsplit('/', 1)[-1]}" for g, n in self.triples.items()]
        counts = ", ".join(parts[:-1]) + " and " + parts[-1] if len(parts) > 1 else "".join(parts)
        how = ("the Graph Store Protocol" if self.method == "graph-store"
               else "SPARQL Update")
        switch = (f"then switched the {len(parts)} graphs in one update" if self.switched
                  else "each graph replaced in one request")
        return (f"pushed {counts} triples ({self.total:,}) to {self.endpoint} by {how}: "
                f"{self.batches} request{'s' if self.batches != 1 else ''}, "
                f"{_size(self.bytes_sent)}, {self.seconds:.1f} s; {switch}")


def push(kg: KnowledgeGraph, endpoints: Endpoints,
         auth: Credentials | tuple[str, str] | None = None, *,
         user: str | None = None, batch_size: int | None = None,
         timeouts: Timeouts | None = None, progress: Progress | None = None,
         client: HttpClient | None = None) -> PushReport:
    """Load ``kg``'s asserted, inferred and support graphs into the store at ``endpoints``.

    Needs ``endpoints.update`` or ``endpoints.store`` (both is best: upload by the Graph
    Store Protocol, switch by SPARQL Update). ``batch_size`` is the most triples per
    request (default: :data:`DEFAULT_BATCH_SIZE` by the Graph Store Protocol,
    :data:`DEFAULT_UPDATE_BATCH_SIZE` by SPARQL Update). The login is ``auth``, or found
    for ``user`` or the endpoint (see :mod:`.credentials`). Raises
    :class:`ParameterError` for missing endpoints or a bad batch size, and the
    :class:`~backcare_kg.errors.EndpointError` family when the store refuses or cannot be
    reached; the previous graphs are then untouched.
    """
    if endpoints.update is None and endpoints.store is None:
        raise ParameterError("pushing needs --update-endpoint URL (SPARQL Update) or "
                             "--store-endpoint URL (Graph Store Protocol), or both",
                             "update_endpoint")
    if batch_size is None:
        batch_size = DEFAULT_BATCH_SIZE if endpoints.store else DEFAULT_UPDATE_BATCH_SIZE
    if isinstance(batch_size, bool) or not isinstance(batch_size, int) or batch_size < 1:
        raise ParameterError(f"must be a positive number of triples, not {batch_size!r}",
                             "batch_size")
    client = client or client_for(endpoints, auth, user=user, timeouts=timeouts)
    store = _oxigraph_store(kg)
    report = PushReport(endpoints.query, "graph-store" if endpoints.store else "update")
    start = time.perf_counter()
    sender = _Sender(client, endpoints, report)
    if endpoints.update is None:  # no switch possible: one PUT per graph
        for graph in STAGING:
            lines = _flat(_lines(store, graph))
            report.triples[graph] = len(lines)
            sender.put(graph, lines)
            if progress:
                progress(graph, len(lines), len(lines))
    else:
        sender.update(" ;\n".join(f"DROP SILENT GRAPH <{s}>" for s in STAGING.values()),
                      "emptying the staging graphs")
        for graph, staging in STAGING.items():
            total = _count(store, graph)
            report.triples[graph] = total
            sent = 0
            for batch in _batches(_lines(store, graph), batch_size):
                sender.add(staging, batch)
                sent += len(batch)
                if progress:
                    progress(graph, sent, total)
            if progress and total == 0:
                progress(graph, 0, 0)
        sender.update(_switch(report.triples), "the switch to the new graphs")
        report.switched = True
    report.seconds = time.perf_counter() - start
    return report


def _switch(triples: dict[URIRef, int]) -> str:
    """One update request: each staging graph moved onto its graph (an empty one drops it)."""
    steps = []
    for graph, staging in STAGING.items():
        if triples.get(graph):
            steps.append(f"MOVE <{staging}> TO <{graph}>")
        else:
            steps.append(f"DROP SILENT GRAPH <{graph}>")
    return " ;\n".join(steps)


class _Sender:
    """Writes to one store (never retried), counting requests and bytes in ``report``."""

    def __init__(self, client: HttpClient, endpoints: Endpoints, report: PushReport) -> None:
        self.client = client
        self.endpoints = endpoints
        self.report = report

    def add(self, graph: URIRef, lines: list[str]) -> None:
        """Add ``lines`` (N-Triples) to ``graph``."""
        self.report.batches += 1
        what = f"the upload of batch {self.report.batches}"
        if self.endpoints.store is not None:
            self._graph_store("POST", graph, lines, what)
        else:
            triples = "".join(lines)
            # INSERT DATA where it can (fastest); a store may refuse blank nodes in it
            # (Virtuoso does), and a template with no WHERE solution but one makes them
            # fresh nodes all the same
            body = (f"INSERT {{ GRAPH <{graph}> {{\n{triples}}} }} WHERE {{ }}"
                    if "_:" in triples else
                    f"INSERT DATA {{ GRAPH <{graph}> {{\n{triples}}} }}")
            self.update(body, what, count=False)

    def put(self, graph: URIRef, lines: list[str]) -> None:
        """Replace ``graph`` by ``lines`` in one request."""
        self.report.batches += 1
        self._graph_store("PUT", graph, lines, f"the upload of <{graph}>")

    def update(self, text: str, what: str, count: bool = True) -> None:
        assert self.endpoints.update is not None
        data = text.encode("utf-8")
        request = urllib.request.Request(
            self.endpoints.update, data=data, method="POST",
            headers={"Content-Type": "application/sparql-update; charset=utf-8"})
        self.client.send(request, read=False, what=what)
        self.report.bytes_sent += len(data)
        if count:
            self.report.batches += 1

    def _graph_store(self, method: str, graph: URIRef, lines: list[str], what: str) -> None:
        assert self.endpoints.store is not None
        data = "".join(lines).encode("utf-8")
        request = urllib.request.Request(
            _with_graph(self.endpoints.store, graph), data=data, method=method,
            headers={"Content-Type": "text/turtle; charset=utf-8"})
        self.client.send(request, read=False, what=what)
        self.report.bytes_sent += len(data)


def _with_graph(url: str, graph: URIRef) -> str:
    """The Graph Store Protocol URL of ``graph``: ``?graph=IRI``, or the store's own
    parameter if the URL already names one with an empty value (``…?graph-uri=``)."""
    parts = urlsplit(url)
    if parts.query.endswith("="):
        query = parts.query + urlencode({"": str(graph)})[1:]
    else:
        query = "&".join(q for q in (parts.query, urlencode({"graph": str(graph)})) if q)
    return urlunsplit(parts._replace(query=query))


# -- reading the graphs ------------------------------------------------------------------------


def _oxigraph_store(kg: KnowledgeGraph) -> ox.Store:
    """A pyoxigraph store with ``kg``'s two named graphs (the one it queries, if it has one)."""
    from backcare_kg.sparql.engines import OxigraphEngine

    engine = kg.engine
    if isinstance(engine, OxigraphEngine):
        return engine.store
    return OxigraphEngine.from_dataset(kg.graph).store


def _count(store: ox.Store, graph: URIRef) -> int:
    import pyoxigraph as ox

    answer = store.query(f"SELECT (COUNT(*) AS ?n) FROM <{graph}> WHERE {{ ?s ?p ?o }}")
    for solution in answer:  # type: ignore[union-attr]
        value = solution["n"]
        return int(value.value) if isinstance(value, ox.Literal) else 0
    return 0


def _lines(store: ox.Store, graph: URIRef) -> Iterator[str | _Group]:
    """The triples of ``graph`` as N-Triples lines: those without blank nodes first, then
    those with, each blank-node-connected group together (see :func:`_batches`)."""
    import pyoxigraph as ox

    name = ox.NamedNode(str(graph))
    linked: list[ox.Quad] = []
    for quad in store.quads_for_pattern(None, None, None, name):
        if isinstance(quad.subject, ox.BlankNode) or isinstance(quad.object, ox.BlankNode):
            linked.append(quad)
        else:
            yield f"{quad.subject} {quad.predicate} {quad.object} .\n"
    yield from _blank_node_groups(linked)


def _flat(items: Iterable[str | _Group]) -> list[str]:
    out: list[str] = []
    for item in items:
        if isinstance(item, _Group):
            out.extend(item)
        else:
            out.append(item)
    return out


def _blank_node_groups(quads: list[ox.Quad]) -> Iterator[_Group]:
    """``quads`` (each with a blank node) in groups connected through blank nodes."""
    import pyoxigraph as ox

    parent: dict[str, str] = {}

    def root(node: str) -> str:
        while parent.setdefault(node, node) != node:
            parent[node] = parent[parent[node]]
            node = parent[node]
        return node

    for quad in quads:
        nodes = [t.value for t in (quad.subject, quad.object) if isinstance(t, ox.BlankNode)]
        if len(nodes) == 2:
            a, b = root(nodes[0]), root(nodes[1])
            if a != b:
                parent[a] = b
    groups: dict[str, _Group] = {}
    for quad in quads:
        node = quad.subject if isinstance(quad.subject, ox.BlankNode) else quad.object
        key = root(node.value)  # type: ignore[union-attr]
        groups.setdefault(key, _Group()).append(
            f"{quad.subject} {quad.predicate} {quad.object} .\n")
    yield from groups.values()


class _Group(list[str]):
    """N-Triples lines that must travel in one request (they share blank nodes)."""


def _batches(lines: Iterable[str | _Group], size: int) -> Iterator[list[str]]:
    """``lines`` in lists of at most ``size``; a :class:`_Group` is never split (one bigger
    than ``size`` travels alone)."""
    batch: list[str] = []
    for item in lines:
        if isinstance(item, _Group):
            if batch and len(batch) + len(item) > size:
                yield batch
                batch = []
            batch.extend(item)
        else:
            batch.append(item)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch


def _size(n: int) -> str:
    for unit in ("bytes", "kB", "MB", "GB"):
        if n < 1000 or unit == "GB":
            return f"{n:,} {unit}" if unit == "bytes" else f"{n:.1f} {unit}"
        n /= 1000  # type: ignore[assignment]
    return f"{n} bytes"  # pragma: no cover
