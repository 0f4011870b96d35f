"""pyoxigraph's answers as :class:`~backcare_kg.sparql.results.Result` objects of rdflib terms.

Conversion is the cost that remains once pyoxigraph has answered, so it takes the fastest
path measured: pyoxigraph writes the solutions in the SPARQL TSV format (or the triples in
N-Triples) in Rust, and each distinct term's text becomes an rdflib term once per result.
Terms the text formats cannot carry (an IRI with a tab, only possible with lenient loading)
fall back to converting pyoxigraph's term objects. The conversions themselves are those of
:mod:`backcare_kg.rdf.conversion`; here their failures become query and parameter errors.
"""

from __future__ import annotations

import contextlib
import functools
import gc
from collections.abc import Callable, Iterator, Mapping
from typing import Any

import pyoxigraph as ox
from rdflib import BNode, URIRef
from rdflib.term import Identifier, Node

from backcare_kg.errors import ParameterError, QueryError
from backcare_kg.rdf import conversion
from backcare_kg.rdf.conversion import NoRdflibTerm, OxTerm, UnreadableText, from_text
from backcare_kg.sparql.results import QueryKind, Result, Value

__all__ = ["OxTerm", "bound_term", "from_oxigraph", "to_result"]


def bound_term(name: str, term: Identifier) -> OxTerm:
    """``term`` (the value of variable ``name``) as a pyoxigraph term; ParameterError if none."""
    try:
        return conversion.to_oxigraph(term)
    except ValueError as err:
        raise ParameterError(f"not a valid RDF term: {err}", name) from None
    except TypeError:
        raise ParameterError(f"a {type(term).__name__} cannot be bound", name) from None


def from_oxigraph(term: Any) -> Node:
    """A pyoxigraph term as an rdflib term; QueryError for one rdflib cannot hold."""
    try:
        return conversion.to_rdflib(term, strict=True)
    except NoRdflibTerm as err:
        raise QueryError(str(err)) from None


# -- results -----------------------------------------------------------------------------------


def to_result(kind: QueryKind, projection: tuple[str, ...], answer: Any,
              bound: Mapping[str, Identifier], rerun: Callable[[], Any]) -> Result:
    """pyoxigraph's ``answer`` to a ``kind`` query as a Result.

    A SELECT result has the columns ``projection`` (pyoxigraph's other columns are dropped);
    a column of a ``bound`` variable holds the bound term as given. ``rerun`` evaluates the
    query again, for the slower path.
    """
    if isinstance(answer, ox.QueryBoolean):
        return Result("ASK", boolean=bool(answer))
    with _gc_paused():
        if isinstance(answer, ox.QueryTriples):
            triples = _nt_triples(answer)
            if triples is None:
                triples = _term_triples(rerun())
            return Result.from_triples(kind, triples)
        columns = [(v, bound.get(v)) for v in projection]
        rows = _tsv_rows(columns, answer)
        if rows is None:
            rows = _solution_rows(columns, rerun())
        return Result.from_rows(projection, rows)


@contextlib.contextmanager
def _gc_paused() -> Iterator[None]:
    """No cyclic garbage collection while building many terms (none of them cyclic): with
    a large graph in memory, collections triggered by the allocations cost more than the
    conversion itself."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


class _TermCache(dict[str, Node | None]):
    """Terms by their text, each read once per result (raises UnreadableText)."""

    def __missing__(self, text: str) -> Node | None:
        try:
            term = self[text] = from_text(text) if text else None
        except NoRdflibTerm as err:
            raise QueryError(str(err)) from None
        return term


Columns = list[tuple[str, Identifier | None]]


def _tsv_rows(columns: Columns, solutions: ox.QuerySolutions) -> list[dict[str, Value]] | None:
    """The rows by way of pyoxigraph's TSV (the fastest path); None if a term defeats it.

    ``columns`` are the variables to give, in order, with the value of those bound.
    """
    names = [v.value for v in solutions.variables]
    data = solutions.serialize(format=ox.QueryResultsFormat.TSV)
    assert data is not None
    lines = data.decode("utf-8").split("\n")[1:-1]
    index = {name: i for i, name in enumerate(names)}
    # -1: a constant (the bound value, or None for a column pyoxigraph does not project)
    plan = [(v, -1 if value is not None else index.get(v, -1), value) for v, value in columns]
    terms = _TermCache()
    width = len(names)
    rows: list[dict[str, Value]] = []
    try:
        for line in lines:
            fields = line.split("\t") if width else []
            if len(fields) != width:
                return None  # an IRI holding a tab or a line break (lenient loading only)
            rows.append({var: constant if i < 0 else terms[fields[i]]
                         for var, i, constant in plan})
    except UnreadableText:
        return None
    return rows


def _solution_rows(columns: Columns, solutions: ox.QuerySolutions) -> list[dict[str, Value]]:
    """The rows, term by term (slower than :func:`_tsv_rows`, but takes any term)."""
    names = {v.value for v in solutions.variables}
    rows: list[dict[str, Value]] = []
    for solution in solutions:
        row: dict[str, Value] = {}
        for var, constant in columns:
            value = solution[var] if constant is None and var in names else None
            row[var] = constant if constant is not None else (
                None if value is None else from_oxigraph(value))
        rows.append(row)
    return rows


Triple = tuple[Node, Node, Node]


def _nt_triples(triples: ox.QueryTriples) -> list[Triple] | None:
    """The triples by way of pyoxigraph's N-Triples (the fastest path); None if one defeats it."""
    data = triples.serialize(format=ox.RdfFormat.N_TRIPLES)
    assert data is not None
    terms = _TermCache()
    out: list[Triple] = []
    try:
        for line in data.decode("utf-8").split("\n"):
            if not line:
                continue
            parts = line[:-2].split(" ", 2)  # an IRI holding a space defeats this
            if len(parts) != 3 or not line.endswith(" ."):
                return None
            s, p, o = (terms[x] for x in parts)
            if not isinstance(s, (URIRef, BNode)) or not isinstance(p, URIRef) or o is None:
                return None
            out.append((s, p, o))
    except UnreadableText:
        return None
    return out


def _term_triples(triples: ox.QueryTriples) -> list[Triple]:
    """The triples, term by term (slower than :func:`_nt_triples`, but takes any term)."""
    term = functools.cache(from_oxigraph)  # each term converted once
    return [(term(t.subject), term(t.predicate), term(t.object)) for t in triples]
