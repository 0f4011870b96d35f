"""The support level of one statement, asked of any query engine in SPARQL 1.1.

A statement the support graph lists has the level given there; any other has its graph's
default: stated if asserted, entailed if inferred
(:mod:`backcare_kg.rdf.support_levels`). The same question the named queries ask in
their ``support`` columns, so a store, a remote endpoint and a graph in memory answer it
alike.
"""

from __future__ import annotations

from rdflib.term import Literal, Node, URIRef

from backcare_kg.rdf.support_levels import SupportLevel
from backcare_kg.sparql.engines import QueryEngine
from backcare_kg.vocab import ASSERTED_GRAPH, BC, INFERRED_GRAPH, SUPPORT_GRAPH

# Internal, fixed text; the statement is bound as RDF terms (?s ?p ?o).
SUPPORT_QUERY = f"""PREFIX rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#>
SELECT ?level ?asserted ?inferred WHERE {{
  BIND (EXISTS {{ GRAPH <{ASSERTED_GRAPH}> {{ ?s ?p ?o }} }} AS ?asserted)
  BIND (EXISTS {{ GRAPH <{INFERRED_GRAPH}> {{ ?s ?p ?o }} }} AS ?inferred)
  OPTIONAL {{ GRAPH <{SUPPORT_GRAPH}> {{
    ?statement rdf:subject ?s ; rdf:predicate ?p ; rdf:object ?o ;
               <{BC.supportLevel}> ?level }} }}
}}"""


def _true(value: object) -> bool:
    """A boolean of the answer (Virtuoso gives EXISTS as 1 or 0)."""
    return isinstance(value, Literal) and bool(value.toPython())


def support_level(engine: QueryEngine, s: Node, p: Node, o: Node) -> SupportLevel | None:
    """The support level of ``(s, p, o)`` in the graphs of ``engine``; None if neither
    the asserted nor the inferred graph holds it."""
    rows = engine.execute(SUPPORT_QUERY, {"s": s, "p": p, "o": o}).rows
    if not rows:
        return None
    row = rows[0]
    asserted, inferred = (_true(row.get(k)) for k in ("asserted", "inferred"))
    if not (asserted or inferred):
        return None
    levels = [SupportLevel.of(level) for r in rows
              if isinstance(level := r.get("level"), URIRef)]
    if levels:
        return min(levels)
    return SupportLevel.of("stated" if asserted else "entailed")
