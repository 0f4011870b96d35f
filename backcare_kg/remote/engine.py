"""The ``remote`` query engine: SPARQL over HTTP to a triple store, through SPARQLWrapper.

:class:`RemoteEngine` answers like the local engines (same :class:`~backcare_kg.Result`,
same errors for a malformed query, an update, ``SERVICE``, an unknown parameter) over the
knowledge graph's two named graphs in a store reached by the SPARQL 1.1 Protocol:

- the query is read by rdflib first, so syntax errors carry the same line and column as
  locally and nothing malformed is sent;
- the dataset is ours alone: without ``FROM`` the request names the asserted and inferred
  graphs as ``default-graph-uri`` (their merge, as the local union default graph) and
  ``named-graph-uri`` (for ``GRAPH`` patterns), so other graphs in the store never leak in;
- bound values travel in ``VALUES`` blocks (:mod:`.values`), undeclared project prefixes in
  ``PREFIX`` lines;
- ``DESCRIBE`` is evaluated as locally (each resource's triples and those of the blank
  nodes they lead to, read in one request per resource), since stores describe differently.

SPARQLWrapper builds each request and converts the answer; :class:`~.http.HttpClient`
sends it, with its timeouts, retries and logins.

Known differences from the local engines: a blank node cannot be bound (it names nothing
outside its store), and ``DESCRIBE`` of a blank node a pattern finds gives nothing (the
node cannot be named in the next request).
"""

from __future__ import annotations

import warnings
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import pyoxigraph as ox
from rdflib import BNode, Literal, URIRef
from rdflib.term import Identifier, Node
from SPARQLWrapper import JSON, POST, TURTLE, URLENCODED, SPARQLWrapper
from SPARQLWrapper.Wrapper import QueryResult

from backcare_kg.errors import BackcareError, EndpointError
from backcare_kg.remote.http import USER_AGENT, HttpClient, Response, describe_body
from backcare_kg.remote.values import inline_values, term_text, with_prefixes
from backcare_kg.sparql.oxigraph_results import from_oxigraph
from backcare_kg.sparql.preparation import (
    DatasetDescription,
    assigned_variables,
    bind_terms,
    dataset_graphs,
    no_such_graph,
    prepare,
    query_kind,
    query_variables,
    refuse_service,
)
from backcare_kg.sparql.results import QueryKind, Result, Value
from backcare_kg.sparql.rewriting import describe_as_select
from backcare_kg.vocab import ASSERTED_GRAPH, INFERRED_GRAPH, SUPPORT_GRAPH

__all__ = ["RemoteEngine", "OUR_GRAPHS"]

#: The named graphs a remote knowledge graph is made of (the support graph may be absent
#: from a store pushed by an older version: every statement then has its graph's default).
OUR_GRAPHS: tuple[URIRef, ...] = (ASSERTED_GRAPH, INFERRED_GRAPH, SUPPORT_GRAPH)

# DESCRIBE: how deep to follow blank nodes in one request, first and at most
_FIRST_DEPTH = 4
_MAX_DEPTH = 64


class RemoteEngine:
    """Answers SPARQL over the knowledge graph's named graphs in a remote store."""

    name = "remote"

    def __init__(self, endpoint: str, client: HttpClient,
                 graphs: Sequence[URIRef] = OUR_GRAPHS) -> None:
        self.endpoint = endpoint
        self.client = client
        self.graphs = tuple(graphs)
        self._held: dict[URIRef, bool] = {}

    def __repr__(self) -> str:
        return f"<RemoteEngine {self.endpoint}>"

    # -- the QueryEngine interface ------------------------------------------------------

    def execute(self, sparql: str, bindings: Mapping[str, Any],
                source: str | None = None, *,
                dataset: DatasetDescription | None = None) -> Result:
        """Evaluate ``sparql`` with ``bindings`` (as
        :func:`~backcare_kg.sparql.preparation.execute` does)."""
        query = prepare(sparql, source)
        refuse_service(query, source)
        kind = query_kind(query)
        terms = bind_terms(bindings, query_variables(query), assigned_variables(query))
        named = dataset.graphs() if dataset is not None else []
        for iri, clause in named or [(g, "FROM") for g in dataset_graphs(query)]:
            if not self.holds(iri):
                raise no_such_graph(iri, source, clause)
        if named:
            assert dataset is not None
            protocol = (list(dataset.default_graphs), list(dataset.named_graphs))
        elif dataset_graphs(query):
            protocol = ([], [])
        else:
            protocol = (list(self.graphs), list(self.graphs))
        if kind == "DESCRIBE":
            return self._describe(sparql, query, terms, protocol, source)
        text = with_prefixes(inline_values(sparql, terms))
        return self._ask(kind, text, protocol, source)

    def __len__(self) -> int:
        counted = [g for g in self.graphs if g != SUPPORT_GRAPH]  # statements, not levels
        graphs = " ".join(f"<{g}>" for g in counted)
        text = (f"SELECT (COUNT(*) AS ?n) WHERE {{ VALUES ?g {{ {graphs} }} "
                f"GRAPH ?g {{ ?s ?p ?o }} }}")
        rows = self._ask("SELECT", text, ([], counted), "count").rows
        value = rows[0]["n"] if rows else None
        return int(value.toPython()) if isinstance(value, Literal) else 0

    def holds(self, graph: URIRef) -> bool:
        """Whether the store has a graph named ``graph`` with at least one triple."""
        if graph not in self._held:
            try:
                iri = term_text("graph", URIRef(graph))
            except BackcareError:
                return False
            answer = self._ask("ASK", f"ASK {{ GRAPH {iri} {{ ?s ?p ?o }} }}",
                               ([], [URIRef(graph)]), "checking the graph")
            self._held[graph] = bool(answer.boolean)
        return self._held[graph]

    # -- requests -----------------------------------------------------------------------

    def _ask(self, kind: QueryKind, text: str, protocol: tuple[list[URIRef], list[URIRef]],
             source: str | None) -> Result:
        """Send ``text`` over the graphs ``protocol`` names and read the answer."""
        wrapper = _Wrapper(self.endpoint, self.client, source)
        wrapper.setQuery(text)
        wrapper.setMethod(POST)
        wrapper.setRequestMethod(URLENCODED)
        wrapper.setOnlyConneg(True)
        wrapper.setReturnFormat(JSON if kind in ("SELECT", "ASK") else TURTLE)
        for graph in protocol[0]:
            wrapper.addParameter("default-graph-uri", str(graph))
        for graph in protocol[1]:
            wrapper.addParameter("named-graph-uri", str(graph))
        answer = wrapper.query()
        response: Response = answer.response.response  # type: ignore[attr-defined]
        what = f"the answer of {self.endpoint} to {source or 'the query'}"
        if response.media_type in ("text/html", "application/xhtml+xml"):
            raise EndpointError(f"{what} is an HTML page, not SPARQL results (is "
                                f"{self.endpoint} a SPARQL endpoint?): {describe_body(response)}",
                                self.endpoint, response.status)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # SPARQLWrapper's format warnings: checked below
            try:
                converted = answer.convert()
            except (ValueError, UnicodeDecodeError) as err:  # json.JSONDecodeError included
                raise EndpointError(f"{what} is malformed "
                                    f"({response.media_type or 'no content type'}): {err}",
                                    self.endpoint, response.status) from None
            except Exception as err:  # rdflib's parsers, called by convert()
                raise EndpointError(f"{what} cannot be read ({response.media_type}): "
                                    f"{str(err)[:200]}", self.endpoint, response.status) from None
        if kind in ("SELECT", "ASK"):
            if not isinstance(converted, dict):
                raise EndpointError(f"{what} is not SPARQL JSON results (content type "
                                    f"{response.media_type or 'none'}): "
                                    f"{describe_body(response, 120)}", self.endpoint)
            return _json_result(kind, converted, what)
        if not isinstance(converted, (bytes, str)):
            raise EndpointError(f"{what} is not Turtle (content type "
                                f"{response.media_type or 'none'})", self.endpoint)
        return Result.from_triples(kind, _turtle_triples(response.body, what))

    def _describe(self, sparql: str, query: Any, terms: Mapping[str, Identifier],
                  protocol: tuple[list[URIRef], list[URIRef]], source: str | None) -> Result:
        targets = list(query.algebra.get("PV") or ())
        resources: dict[Node, None] = dict.fromkeys(t for t in targets if isinstance(t, URIRef))
        described = [str(t) for t in targets if not isinstance(t, URIRef)]
        if described and query.algebra.get("p") is not None:  # as the local engines do
            select = with_prefixes(inline_values(describe_as_select(sparql), terms))
            rows = self._ask("SELECT", select, protocol, source).rows
            resources.update((v, None) for row in rows for v in row.values()
                             if isinstance(v, URIRef))
        triples: set[tuple[Node, Node, Node]] = set()
        for resource in resources:
            if isinstance(resource, URIRef):
                triples.update(self._description(resource, protocol, source))
        return Result.from_triples("DESCRIBE", triples)

    def _description(self, resource: URIRef, protocol: tuple[list[URIRef], list[URIRef]],
                     source: str | None) -> set[tuple[Node, Node, Node]]:
        """The triples of ``resource`` and of the blank nodes it leads to, in one request
        (blank node labels mean something within one answer only), deeper until done."""
        depth = _FIRST_DEPTH
        while True:
            rows = self._ask("SELECT", _closure_query(resource, depth), protocol, source).rows
            triples: set[tuple[Node, Node, Node]] = set()
            unfinished = False
            for row in rows:
                subject: Node = resource
                for level in range(depth + 1):
                    predicate, value = row.get(f"p{level}"), row.get(f"o{level}")
                    if predicate is None or value is None:
                        break
                    triples.add((subject, predicate, value))
                    subject = value
                else:
                    unfinished |= isinstance(subject, BNode)
            if not unfinished or depth >= _MAX_DEPTH:
                return triples
            depth *= 2


def _closure_query(resource: URIRef, depth: int) -> str:
    """SELECT the paths from ``resource``: a triple, then the triples of each blank node
    reached, nested ``depth`` levels deep."""
    def step(level: int) -> str:  # the triple of level ``level``: from ?r, then ?o0, ?o1…
        return f"{'?r' if level == 0 else f'?o{level - 1}'} ?p{level} ?o{level} ."

    text = step(depth)
    for level in range(depth - 1, -1, -1):
        text = f"{step(level)} OPTIONAL {{ FILTER(isBlank(?o{level})) {text} }}"
    return f"SELECT * WHERE {{ VALUES ?r {{ {term_text('resource', resource)} }} {text} }}"


class _Wrapper(SPARQLWrapper):
    """SPARQLWrapper sending its requests through an :class:`HttpClient`.

    SPARQLWrapper sends with ``urllib.request.urlopen``: one timeout for connecting and
    reading, no retries, and Digest logins installed process-wide. Requests are built by
    SPARQLWrapper as always and sent by the client instead.
    """

    def __init__(self, endpoint: str, client: HttpClient, source: str | None) -> None:
        super().__init__(endpoint, agent=USER_AGENT)
        self._client = client
        self._source = source

    def _query(self) -> tuple[Any, str]:
        request = self._createRequest()
        what = f"the query ({self._source})" if self._source else "the query"
        response = self._client.send(request, read=True, what=what, query=True)
        return _Answer(response), self.returnFormat

    def query(self) -> QueryResult:
        return QueryResult(self._query())


class _Answer:
    """A read :class:`Response` as the file-like answer SPARQLWrapper expects."""

    def __init__(self, response: Response) -> None:
        self.response = response

    def read(self) -> bytes:
        return self.response.body

    def info(self) -> Any:
        return self.response.headers

    def geturl(self) -> str:
        return self.response.url


# -- reading answers --------------------------------------------------------------------------


def _json_result(kind: QueryKind, data: Mapping[str, Any], what: str) -> Result:
    try:
        if kind == "ASK":
            value = data["boolean"]
            if not isinstance(value, bool):
                raise TypeError(f"boolean is {value!r}")
            return Result("ASK", boolean=value)
        variables = [str(v) for v in data["head"].get("vars", [])]
        labels: dict[str, BNode] = {}
        rows: list[dict[str, Value]] = []
        for binding in data["results"]["bindings"]:
            rows.append({v: _json_term(binding[v], labels) if v in binding else None
                         for v in variables})
        return Result.from_rows(variables, rows)
    except (KeyError, TypeError, AttributeError, ValueError) as err:
        raise EndpointError(f"{what} is not valid SPARQL JSON results: {err}") from None


def _json_term(value: Mapping[str, str], labels: dict[str, BNode]) -> Node:
    kind = value["type"]
    text = value["value"]
    if kind == "uri":
        return URIRef(text)
    if kind == "bnode":  # labels are scoped to one answer: fresh nodes for each
        return labels.setdefault(text, BNode())
    if kind in ("literal", "typed-literal"):
        language = value.get("xml:lang")
        if language:
            return Literal(text, lang=language)
        datatype = value.get("datatype")
        if datatype and datatype != "http://www.w3.org/2001/XMLSchema#string":
            return Literal(text, datatype=URIRef(datatype))
        return Literal(text)
    raise ValueError(f"unknown term type {kind!r}")


def _turtle_triples(body: bytes, what: str) -> list[tuple[Node, Node, Node]]:
    try:
        parsed: Iterable[Any] = list(ox.parse(body, ox.RdfFormat.TURTLE))
    except (SyntaxError, ValueError) as err:
        raise EndpointError(f"{what} is not valid Turtle: {str(err)[:200]}") from None
    labels: dict[str, BNode] = {}

    def term(node: Any) -> Node:
        if isinstance(node, ox.BlankNode):
            return labels.setdefault(node.value, BNode())
        return from_oxigraph(node)

    return [(term(t.subject), term(t.predicate), term(t.object)) for t in parsed]

