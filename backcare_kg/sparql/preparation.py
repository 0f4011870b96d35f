"""Run read-only SPARQL queries over a graph, with values bound as RDF terms.

:func:`execute` is the one entry point: it parses the query (the project's prefixes are
predeclared), refuses SPARQL Update, ``SERVICE`` and ``FROM`` of graphs the dataset does
not hold (nothing is ever fetched), binds the given values, evaluates with rdflib and
returns a :class:`~backcare_kg.sparql.results.Result`. Every failure is a
:class:`~backcare_kg.errors.QueryError` or :class:`~backcare_kg.errors.ParameterError`.

Bindings have substitution semantics, as in grlc: a bound variable stands for its value
everywhere in the query (patterns, ``FILTER``, ``OPTIONAL``, ``MINUS``, subqueries) and shows
that value wherever it is projected. Hence a variable that only occurs inside ``OPTIONAL``
does not remove rows: bind variables of the required part of a pattern to restrict. A
variable the query itself assigns (``BIND(… AS ?v)``, ``SELECT (… AS ?v)``) cannot be bound:
rdflib would silently ignore the value.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from pyparsing import ParseBaseException
from rdflib import Dataset, Graph, URIRef, Variable
from rdflib.plugins.sparql import prepareQuery
from rdflib.plugins.sparql.parserutils import CompValue
from rdflib.plugins.sparql.sparql import Query
from rdflib.term import Identifier

from backcare_kg.errors import BackcareError, QueryError, QueryRefused
from backcare_kg.sparql.binding import as_term, bind_terms  # noqa: F401 (re-exported)
from backcare_kg.sparql.lexer import UNICODE_ESCAPE, expand_escape, update_keyword
from backcare_kg.sparql.results import QueryKind, Result
from backcare_kg.vocab import PREFIXES

__all__ = ["execute", "prepare", "query_kind", "query_variables", "assigned_variables",
           "as_term", "bind_terms", "refuse_service", "dataset_graphs", "no_such_graph",
           "DatasetDescription"]

_KINDS: dict[str, QueryKind] = {"SelectQuery": "SELECT", "AskQuery": "ASK",
                                "ConstructQuery": "CONSTRUCT", "DescribeQuery": "DESCRIBE"}
_INTERNAL_VAR = re.compile(r"__agg_\d+__\Z")
_UNKNOWN_PREFIX = re.compile(r"Unknown namespace prefix : (\S*)")


@dataclass(frozen=True)
class DatasetDescription:
    """The RDF dataset a query runs over, given apart from its text, as the SPARQL 1.1
    Protocol's ``default-graph-uri`` and ``named-graph-uri`` do: the default graph is the
    merge of ``default_graphs`` (empty if none), the named graphs are ``named_graphs`` (none
    if empty). It replaces the query's own ``FROM`` and ``FROM NAMED``.
    """

    default_graphs: tuple[URIRef, ...] = ()
    named_graphs: tuple[URIRef, ...] = ()

    @classmethod
    def of(cls, default_graphs: Iterable[str], named_graphs: Iterable[str]) -> DatasetDescription:
        """The description naming these graphs (IRIs as strings or ``URIRef``)."""
        return cls(tuple(URIRef(str(g)) for g in default_graphs),
                   tuple(URIRef(str(g)) for g in named_graphs))

    def graphs(self) -> list[tuple[URIRef, str]]:
        """Each graph named, with the protocol parameter that names it."""
        return ([(g, "default-graph-uri") for g in self.default_graphs]
                + [(g, "named-graph-uri") for g in self.named_graphs])

    def clauses(self) -> list[CompValue]:
        """The graphs as rdflib's algebra holds ``FROM`` and ``FROM NAMED`` clauses."""
        return ([CompValue("DatasetClause", default=g) for g in self.default_graphs]
                + [CompValue("DatasetClause", named=g) for g in self.named_graphs])


def execute(
    dataset: Graph | Dataset,
    sparql: str,
    bindings: Mapping[str, Any],
    source: str | None = None,
    *,
    graphs: DatasetDescription | None = None,
) -> Result:
    """Evaluate the SPARQL query ``sparql`` over ``dataset`` with ``bindings``.

    Each key of ``bindings`` names a variable of the query (with or without ``?``); each
    value is an RDF term (``URIRef``, ``Literal``, ``BNode``, kept as is) or a Python value
    made into a literal: ``str`` (always a plain literal, never an IRI nor query text),
    ``bool``, ``int``, ``float``, ``Decimal``, ``date``, ``datetime``. ``source`` names the
    query in error messages (a file or a named query). ``graphs``, if given and naming at
    least one graph, replaces the query's ``FROM`` and ``FROM NAMED``.

    Raises :class:`QueryError` (with line and column for a syntax error) for a malformed,
    updating or failing query, or one naming a graph the dataset does not hold, and
    :class:`ParameterError` for a binding that names no variable of the query or holds a
    value that cannot be an RDF term.
    """
    query = prepare(sparql, source)
    if graphs is not None and graphs.graphs():
        query.algebra["datasetClause"] = graphs.clauses()
        _check_scope(query, dataset, source, graphs.graphs())
    else:
        _check_scope(query, dataset, source)
    init = _bind(query, bindings)
    try:
        return Result.from_rdflib(dataset.query(query, initBindings=init))
    except BackcareError:
        raise
    except Exception as err:  # the engine's errors are ours at this boundary
        raise QueryError(f"evaluation failed: {_short(err)}", source=source) from err


#: Held while rdflib parses SPARQL: its parser (pyparsing) is not thread-safe, and parses in
#: two threads at once fail at random (and can break the parser for the whole process).
PARSER_LOCK = threading.RLock()


def prepare(sparql: str, source: str | None = None) -> Query:
    """Parse and translate ``sparql`` (a query, not an update) with the project's prefixes.

    Safe to call from several threads (parses take turns, see :data:`PARSER_LOCK`).
    """
    if not isinstance(sparql, str):
        raise QueryError(f"a query is text, not {type(sparql).__name__}", source=source)
    with PARSER_LOCK:
        return _prepare(sparql, source)


def _prepare(sparql: str, source: str | None) -> Query:
    try:
        return prepareQuery(sparql, initNs=PREFIXES)
    except ParseBaseException as err:
        line, column = _position(sparql, err)
        if update_keyword(sparql) is not None:
            raise QueryRefused("SPARQL Update (INSERT, DELETE, LOAD, CLEAR, …) is not allowed: "
                               "the knowledge graph is read-only", line, column, source) from err
        raise QueryError(_describe(sparql, err, line, column), line, column, source) from err
    except Exception as err:
        match = _UNKNOWN_PREFIX.search(str(err))
        if match:
            prefix = match.group(1)
            where = _find_prefixed(sparql, prefix)
            raise QueryError(f"unknown prefix '{prefix}:'; declare it with PREFIX {prefix}: <…>",
                             where[0] if where else None, where[1] if where else None,
                             source) from err
        raise QueryError(f"cannot read the query: {_short(err)}", source=source) from err


def query_kind(query: Query) -> QueryKind:
    """The form of a prepared query: SELECT, ASK, CONSTRUCT or DESCRIBE."""
    return _KINDS[query.algebra.name]


def query_variables(query: Query) -> set[str]:
    """The names (without ``?``) of every variable of a prepared query."""
    return {str(v) for v in _walk(query.algebra) if isinstance(v, Variable)
            and not _INTERNAL_VAR.match(str(v))}


def assigned_variables(query: Query) -> set[str]:
    """Variables the query only assigns (``BIND … AS``, ``SELECT (… AS ?v)``), never matches."""
    targets: set[str] = set()
    used: set[str] = set()
    for node in _walk(query.algebra, skip=("_vars", "PV")):
        if isinstance(node, CompValue) and node.name == "Extend":
            targets.add(str(node["var"]))
    for node in _walk(query.algebra, skip=("_vars", "PV", "var")):
        if isinstance(node, Variable):
            used.add(str(node))
    return targets - used


# -- binding ---------------------------------------------------------------------------------


def _bind(query: Query, bindings: Mapping[str, Any]) -> dict[str, Identifier]:
    return bind_terms(bindings, query_variables(query), assigned_variables(query))


# -- scope -----------------------------------------------------------------------------------


def _check_scope(query: Query, dataset: Graph | Dataset, source: str | None,
                 graphs: list[tuple[URIRef, str]] | None = None) -> None:
    refuse_service(query, source)
    named = graphs if graphs is not None else [(g, "FROM") for g in dataset_graphs(query)]
    for iri, clause in named:
        if not isinstance(dataset, Dataset) or not any(
            True for _ in dataset.quads((None, None, None, iri))  # type: ignore[arg-type]
        ):
            raise no_such_graph(iri, source, clause)


def no_such_graph(iri: URIRef, source: str | None = None, clause: str = "FROM") -> QueryError:
    """The error for a graph the dataset does not hold, named by ``clause`` (``FROM``, or
    the protocol's ``default-graph-uri`` or ``named-graph-uri``)."""
    return QueryError(f"{clause} <{iri}>: the dataset has no such graph (remote data is never "
                      "loaded)", source=source)


def refuse_service(query: Query, source: str | None = None) -> None:
    """Raise :class:`QueryError` if ``query`` uses ``SERVICE`` (nothing remote is fetched)."""
    for node in _walk(query.algebra):
        if isinstance(node, CompValue) and node.name == "ServiceGraphPattern":
            raise QueryRefused("SERVICE is not allowed: queries run over the local graph only",
                             source=source)


def dataset_graphs(query: Query) -> list[URIRef]:
    """The graphs the query names in ``FROM`` and ``FROM NAMED`` clauses, in order."""
    graphs: list[URIRef] = []
    for clause in query.algebra.datasetClause or []:
        graphs.append(clause.default if clause.default is not None else clause.named)
    return graphs


def _walk(node: Any, skip: tuple[str, ...] = ("_vars",)) -> Iterator[Any]:
    """Every object reachable in an algebra tree (CompValues are dicts keyed by name)."""
    stack = [node]
    while stack:
        item = stack.pop()
        yield item
        if isinstance(item, dict):
            for key, value in item.items():
                if isinstance(key, Variable):
                    stack.append(key)
                if key not in skip:
                    stack.append(value)
        elif isinstance(item, (list, tuple, set, frozenset)):
            stack.extend(item)


# -- errors ----------------------------------------------------------------------------------


def _index_map(text: str) -> tuple[str, list[int]]:
    """The text pyparsing saw, and for each of its characters the index in ``text``.

    rdflib expands ``\\uXXXX`` and ``\\UXXXXXXXX`` escapes before parsing (and pyparsing
    then expands tabs): error positions refer to that text, so they are mapped back.
    """
    expanded: list[str] = []
    origin: list[int] = []
    last = 0
    for m in UNICODE_ESCAPE.finditer(text):
        expanded.append(text[last:m.start()])
        origin.extend(range(last, m.start()))
        char = expand_escape(m)
        expanded.append(char)
        if len(char) > 1:  # no code point: left as written
            origin.extend(range(m.start(), m.end() - 1))
        origin.append(m.start())
        last = m.end()
    expanded.append(text[last:])
    origin.extend(range(last, len(text)))
    seen = "".join(expanded)
    out: list[str] = []
    origin_out: list[int] = []
    column = 0
    for i, char in enumerate(seen):
        if char == "\t":
            width = 8 - column % 8
            out.append(" " * width)
            origin_out.extend([origin[i]] * width)
            column += width
        else:
            out.append(char)
            origin_out.append(origin[i])
            column = 0 if char in "\r\n" else column + 1
    return "".join(out), origin_out


def _position(sparql: str, err: ParseBaseException) -> tuple[int, int]:
    """The 1-based line and column in ``sparql`` of a pyparsing error."""
    seen, origin = _index_map(sparql)
    if seen != err.pstr:
        return err.lineno, err.col
    index = origin[err.loc] if err.loc < len(origin) else len(sparql)
    line_start = sparql.rfind("\n", 0, index) + 1
    return sparql.count("\n", 0, index) + 1, index - line_start + 1


def _describe(sparql: str, err: ParseBaseException, line: int, column: int) -> str:
    lines = sparql.splitlines() or [""]
    rest = lines[line - 1][column - 1:] if line <= len(lines) else ""
    token = re.match(r"[\w?$:.#/<>-]{1,24}|\S", rest)
    found = f"'{token.group()}'" if token else "the end of the query"
    expected = str(err.msg).removeprefix("Expected ").strip()
    if {"SelectQuery", "ConstructQuery", "DescribeQuery", "AskQuery"} <= set(
        re.findall(r"\w+", expected)
    ):
        return f"expected SELECT, CONSTRUCT, DESCRIBE or ASK, found {found}"
    form = re.fullmatch(r"(Select|Construct|Describe|Ask)Query", expected)
    if form:
        return f"syntax error in the {form.group(1).upper()} query near {found}"
    if len(expected) > 60:
        expected = expected[:57] + "..."
    return f"syntax error near {found} (expected {expected})"


def _find_prefixed(sparql: str, prefix: str) -> tuple[int, int] | None:
    match = re.search(r"(?<![\w.:<\-])" + re.escape(prefix) + r":", sparql)
    if match is None:
        return None
    index = match.start()
    return sparql.count("\n", 0, index) + 1, index - (sparql.rfind("\n", 0, index) + 1) + 1


def _short(err: Exception) -> str:
    text = str(err).strip().splitlines()[0] if str(err).strip() else type(err).__name__
    return text if len(text) <= 200 else text[:197] + "..."
