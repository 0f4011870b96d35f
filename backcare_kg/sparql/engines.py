"""Query engines behind one small interface, chosen by name.

A :class:`QueryEngine` answers read-only SPARQL over the knowledge graph with values bound
as RDF terms, and returns a :class:`~backcare_kg.sparql.results.Result`. Two are registered:

- ``rdflib`` (:class:`RdflibEngine`): rdflib's SPARQL engine over an rdflib Dataset (the
  reference; :func:`backcare_kg.sparql.preparation.execute`);
- ``oxigraph`` (:class:`OxigraphEngine`): pyoxigraph's Rust engine over a Store holding the
  asserted and inferred named graphs, much faster on large graphs.

Both take the dataset from the query's ``FROM`` and ``FROM NAMED``, or from a
:class:`~backcare_kg.sparql.preparation.DatasetDescription` given apart (the SPARQL Protocol's
``default-graph-uri`` and ``named-graph-uri``, which replace them). Both refuse updates,
``SERVICE`` and graphs they do not hold (named either way), report syntax errors
with the same line and column (rdflib parses the query for both), and bind values by
substitution: a bound variable stands for its value everywhere in the query and shows it
wherever it is projected. Register another engine with :func:`register_engine`, as rdflib's
plugin registry does for stores and parsers (the registry is
:mod:`backcare_kg.sparql.engine_registry`, which names these engines without importing them).

Known differences; of these, the bundled data and named queries meet only DESCRIBE's (they
give the same answers on both engines otherwise, as tests/sparql/test_engines.py checks):

- pyoxigraph stores literals by value: it returns the canonical lexical form of integers
  and decimals (``"1.50"^^xsd:decimal`` as ``1.5``), lower-case language tags, and
  ``"x"^^xsd:string`` as the plain literal ``"x"`` (the same term in RDF 1.1; rdflib keeps
  them apart). Bound values are projected exactly as given on both engines.
- Arithmetic: rdflib makes ``?integer * 2`` an ``xsd:decimal``, pyoxigraph an
  ``xsd:integer`` (as XPath says).
- ``GROUP_CONCAT`` joins values in no specified order, and the engines' orders differ;
  pyoxigraph also keeps a language tag all values share, rdflib gives a plain literal.
- pyoxigraph follows the grammar more strictly: a ``SELECT`` of a variable that is neither
  grouped nor aggregated is an error (with its line and column), where rdflib picks a value.
- A triple held by both named graphs counts once in rdflib's union default graph and twice
  in pyoxigraph's (the inferred graph never repeats an asserted triple, so this does not
  arise with :class:`~backcare_kg.KnowledgeGraph`).
- ``DESCRIBE`` gives, on both, the described resources' triples and, recursively, those of
  the blank nodes they lead to; rdflib's concise bounded description also adds the
  reifications (``rdf:Statement`` nodes) of those triples, pyoxigraph does not. The bundled
  data has such reifications (the licenses of data/licenses.ttl, the support graph), so the
  describe query's answers differ by them.
- Where pyoxigraph follows SPARQL and rdflib does not: ``GROUP BY`` over no solution gives
  no row (rdflib: one row of unbound values); a comparison of incompatible terms is an
  error (rdflib: false), so ``IF``/``BIND`` leave the variable unbound; ``GRAPH`` with a
  name the dataset lacks matches nothing (rdflib: an empty graph); a zero-length path
  (``p*``, ``p?``) from a term absent from the graph matches nothing (rdflib: the term).
- An aggregate without ``GROUP BY`` whose ``HAVING`` or ``SELECT`` expressions use a bound
  variable outside an aggregate call gives no row, instead of one, on pyoxigraph when its
  pattern has no solution (it is grouped by that variable: see :mod:`.substitution`).
- Without ``ORDER BY``, rows come in different orders.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, Protocol, runtime_checkable

import pyoxigraph as ox
from rdflib import BNode, Dataset, Graph, URIRef, Variable
from rdflib.graph import DATASET_DEFAULT_GRAPH_ID
from rdflib.plugins.sparql.sparql import Query
from rdflib.term import Identifier, Node

from backcare_kg.errors import BackcareError, DataError, QueryError
from backcare_kg.sparql.engine_registry import (
    DEFAULT_ENGINE,
    create_engine,
    engine_names,
    register_engine,
)
from backcare_kg.sparql.oxigraph_results import OxTerm, bound_term, to_result
from backcare_kg.sparql.preparation import (
    DatasetDescription,
    assigned_variables,
    bind_terms,
    dataset_graphs,
    execute,
    no_such_graph,
    prepare,
    query_kind,
    query_variables,
    refuse_service,
)
from backcare_kg.sparql.results import QueryKind, Result
from backcare_kg.sparql.rewriting import (
    Insertion,
    describe_as_select,
    original_offset,
    prepare_substitution,
)
from backcare_kg.vocab import PREFIXES

__all__ = ["QueryEngine", "RdflibEngine", "OxigraphEngine", "register_engine",
           "engine_names", "create_engine", "DEFAULT_ENGINE", "nquads", "QueryPlan",
           "query_plan"]


@runtime_checkable
class QueryEngine(Protocol):
    """Answers SPARQL queries over one dataset; ``len()`` is its number of quads."""

    name: str

    def execute(self, sparql: str, bindings: Mapping[str, Any],
                source: str | None = None, *,
                dataset: DatasetDescription | None = None) -> Result:
        """Evaluate ``sparql`` with ``bindings`` (see :func:`.preparation.execute`),
        over the graphs ``dataset`` names if given (instead of ``FROM``/``FROM NAMED``)."""
        ...

    def __len__(self) -> int: ...


#: What the registry (:mod:`.engine_registry`) holds: an engine over a Graph or Dataset.
EngineFactory = Callable[[Graph | Dataset], QueryEngine]


# -- rdflib ------------------------------------------------------------------------------------


class RdflibEngine:
    """rdflib's SPARQL engine over an rdflib Graph or Dataset (queried as it is)."""

    name = "rdflib"

    def __init__(self, dataset: Graph | Dataset) -> None:
        self.dataset = dataset

    def execute(self, sparql: str, bindings: Mapping[str, Any],
                source: str | None = None, *,
                dataset: DatasetDescription | None = None) -> Result:
        """Evaluate ``sparql`` with ``bindings`` (see :func:`.preparation.execute`)."""
        return execute(self.dataset, sparql, bindings, source, graphs=dataset)

    def __len__(self) -> int:
        if isinstance(self.dataset, Dataset):
            return sum(len(g) for g in self.dataset.graphs())
        return len(self.dataset)


# -- pyoxigraph --------------------------------------------------------------------------------


class OxigraphEngine:
    """pyoxigraph's SPARQL engine over a Store; the default graph is the union of its graphs.

    ``GRAPH`` patterns still tell the named graphs apart. A query with ``FROM`` or
    ``FROM NAMED`` gets exactly the graphs it names instead.
    """

    name = "oxigraph"

    def __init__(self, store: ox.Store) -> None:
        self.store = store

    @classmethod
    def from_dataset(cls, dataset: Graph | Dataset) -> OxigraphEngine:
        """An in-memory Store with the graphs of ``dataset`` (named graphs stay named).

        Blank nodes keep their rdflib identifiers, so results hold the same ``BNode``
        objects as the rdflib engine's. Raises :class:`~backcare_kg.errors.DataError` if
        pyoxigraph cannot take a term of the graph.
        """
        store = ox.Store()
        try:
            store.bulk_extend(ox.parse(nquads(dataset), ox.RdfFormat.N_QUADS,
                                       rename_blank_nodes=False, lenient=True))
        except (SyntaxError, ValueError) as err:
            raise DataError(f"pyoxigraph cannot load the graph: {err}") from err
        return cls(store)

    def __len__(self) -> int:
        return len(self.store)

    def execute(self, sparql: str, bindings: Mapping[str, Any],
                source: str | None = None, *,
                dataset: DatasetDescription | None = None) -> Result:
        """Evaluate ``sparql`` with ``bindings`` (see :func:`.preparation.execute`)."""
        plan = query_plan(sparql, source)
        if plan.service:
            refuse_service(plan.query, source)
        described = dataset.graphs() if dataset is not None else []
        for iri, clause in described or [(g, "FROM") for g in plan.graphs]:
            if not self._holds(iri):
                raise no_such_graph(iri, source, clause)
        options: dict[str, Any] = {}
        if described:
            assert dataset is not None
            options = {"default_graph": [ox.NamedNode(g) for g in dataset.default_graphs],
                       "named_graphs": [ox.NamedNode(g) for g in dataset.named_graphs]}
        terms = bind_terms(bindings, set(plan.variables), set(plan.assigned))
        if plan.kind == "DESCRIBE" and (plan.iris or not plan.pattern
                                         or not set(terms) <= set(plan.described)):
            return self._describe(plan, terms, source, options)
        return self._run(sparql, plan, terms, source, **options)

    def _holds(self, graph: URIRef) -> bool:
        try:
            name = ox.NamedNode(graph)
        except ValueError:  # not an IRI: no graph has that name
            return False
        return next(self.store.quads_for_pattern(None, None, None, name), None) is not None

    def _run(self, sparql: str, plan: QueryPlan, terms: Mapping[str, Identifier],
             source: str | None, **options: Any) -> Result:
        text, insertions = prepare_substitution(sparql, terms)
        substitutions: dict[ox.Variable, OxTerm] = {
            ox.Variable(k): bound_term(k, v) for k, v in terms.items()}
        if not plan.graphs and "default_graph" not in options:
            options["use_default_graph_as_union"] = True

        def run() -> Any:
            return self.store.query(text, prefixes=PREFIXES,
                                    substitutions=substitutions or None, **options)

        try:
            return to_result(plan.kind, plan.projection, run(), terms, run)
        except SyntaxError as err:
            raise _syntax_error(sparql, text, str(err), insertions, source) from err
        except BackcareError:
            raise
        except Exception as err:  # the engine's errors are ours at this boundary
            first = str(err).strip().splitlines()[0] if str(err).strip() else type(err).__name__
            raise QueryError(f"evaluation failed: {first[:200]}", source=source) from err

    def _describe(self, plan: QueryPlan, terms: Mapping[str, Identifier],
                  source: str | None, dataset: Mapping[str, Any]) -> Result:
        """A DESCRIBE as rdflib reads it, in two steps: select, then describe each resource.

        rdflib describes the IRIs it names whatever the pattern gives, and only the values
        of the variables it describes; pyoxigraph only what the pattern gives, and every
        substituted variable. ``dataset`` holds the options of a dataset given apart from
        the query (which replace its ``FROM`` and ``FROM NAMED``).
        """
        resources: dict[Identifier, None] = dict.fromkeys(plan.iris)
        if plan.described and plan.pattern:
            select = describe_as_select(plan.text)
            rows = self._run(select, query_plan(select, source), terms, source, **dataset).rows
            resources.update((v, None) for row in rows for v in row.values()
                             if isinstance(v, (URIRef, BNode)))
        describe = query_plan(_DESCRIBE_ONE, source)
        options = {}
        if dataset:
            options = {"default_graph": dataset["default_graph"]}
        elif plan.graphs:
            options = {"default_graph": [ox.NamedNode(g) for g in plan.default_graphs]}
        triples: set[tuple[Node, Node, Node]] = set()
        for resource in resources:
            graph = self._run(_DESCRIBE_ONE, describe, {"resource": resource}, source,
                              **options).graph
            triples.update(graph or ())
        return Result.from_triples("DESCRIBE", triples)


_DESCRIBE_ONE = "DESCRIBE ?resource WHERE { }"


def nquads(dataset: Graph | Dataset) -> bytes:
    """The graphs of ``dataset`` as one N-Quads document (named graphs stay named).

    One document: a blank node shared by two graphs stays one node. rdflib escapes line
    breaks in N-Triples literals, so " .\\n" only ends statements.
    """
    graphs = list(dataset.graphs()) if isinstance(dataset, Dataset) else [dataset]
    parts = []
    for graph in graphs:
        text = graph.serialize(format="nt", encoding="utf-8")
        if isinstance(dataset, Dataset) and graph.identifier != DATASET_DEFAULT_GRAPH_ID:
            text = text.replace(b" .\n", f" <{graph.identifier}> .\n".encode())
        parts.append(text)
    return b"".join(parts)


# -- what the oxigraph engine needs to know of a query ---------------------------------------


@dataclass(frozen=True)
class QueryPlan:
    """What the oxigraph engine needs to know of a query, read by rdflib."""

    text: str
    query: Query
    kind: QueryKind
    projection: tuple[str, ...]  # SELECT: the variables, in order
    described: tuple[str, ...]  # DESCRIBE: the variables described
    iris: tuple[URIRef, ...]  # DESCRIBE: the IRIs described
    pattern: bool  # the query has a WHERE clause
    variables: frozenset[str]
    assigned: frozenset[str]
    service: bool
    graphs: tuple[URIRef, ...]  # FROM and FROM NAMED
    default_graphs: tuple[URIRef, ...]  # FROM


_PLANS: dict[str, QueryPlan] = {}
_MAX_PLANS = 512


def query_plan(sparql: str, source: str | None) -> QueryPlan:
    """The query read by rdflib (errors exactly as the rdflib engine's), cached by text."""
    plan = _PLANS.get(sparql)
    if plan is None:
        query = prepare(sparql, source)
        try:
            refuse_service(query)
            service = False
        except QueryError:
            service = True
        kind = query_kind(query)
        targets = list(query.algebra.get("PV") or ())
        clauses = query.algebra.datasetClause or []
        plan = QueryPlan(
            text=sparql, query=query, kind=kind,
            projection=tuple(str(v) for v in targets) if kind == "SELECT" else (),
            described=tuple(str(v) for v in targets if isinstance(v, Variable))
            if kind == "DESCRIBE" else (),
            iris=tuple(v for v in targets if isinstance(v, URIRef))
            if kind == "DESCRIBE" else (),
            pattern=query.algebra.get("p") is not None,
            variables=frozenset(query_variables(query)),
            assigned=frozenset(assigned_variables(query)), service=service,
            graphs=tuple(dataset_graphs(query)),
            default_graphs=tuple(c.default for c in clauses if c.default is not None),
        )
        if len(_PLANS) >= _MAX_PLANS:
            _PLANS.clear()
        _PLANS[sparql] = plan
    return plan


_POSITION = re.compile(r"error at (\d+):(\d+): ?(.*)", re.S)
_REASON = re.compile(r"(?:^|, )([A-Z][a-z]+ [^,\[\]\n]+)")


def _syntax_error(sparql: str, text: str, message: str, insertions: tuple[Insertion, ...],
                  source: str | None) -> QueryError:
    """A pyoxigraph syntax error (for a query rdflib accepts) at the user's line:column.

    ``text`` is what pyoxigraph parsed: ``sparql`` with ``insertions``.
    """
    match = _POSITION.search(message)
    if match is None:
        return QueryError(f"pyoxigraph rejects the query: {message[:160]}", source=source)
    line, column, detail = int(match.group(1)), int(match.group(2)), match.group(3)
    if insertions:
        index = sum(len(x) + 1 for x in text.split("\n")[:line - 1]) + column - 1
        index = original_offset(index, insertions)
        line = sparql.count("\n", 0, index) + 1
        column = index - (sparql.rfind("\n", 0, index) + 1) + 1
    # pyoxigraph lists what it expected, its own explanation among the tokens
    reason = _REASON.search(detail)
    detail = reason.group(1) if reason else (detail.strip().splitlines() or ["invalid"])[0]
    return QueryError(f"pyoxigraph rejects the query: {detail[:160]}", line, column, source)
