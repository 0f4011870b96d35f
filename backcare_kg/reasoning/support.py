"""Support levels: how strongly the source supports a statement (DESIGN.md, "Support levels").

From strongest to weakest: :data:`STATED` (asserted, and the source or a user's own data
says it), :data:`ENTAILED` (follows from stated statements by the ontology and strict
rules), :data:`GENERALIZED` (needs a generalization rule), :data:`EDITORIAL` (needs an
editorial reading of ours). A proof is as strong as its weakest step, a statement as strong
as its strongest proof; :func:`~backcare_kg.reasoning.materialize.closure` computes them by
closing the graph in stages, one per level, each adding what that level allows.

Which asserted statements rest on a reading is said in the data:
``?reading bc:licenses [ rdf:subject ?s ; rdf:predicate ?p ; rdf:object ?o ]`` with
``?reading a bc:EditorialReading``; a statement a claim also licenses stays stated
(:func:`editorial_statements`).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from rdflib import BNode, Graph, URIRef
from rdflib.namespace import RDF
from rdflib.term import Node

from backcare_kg.reasoning.triples import Terms, TripleSet
from backcare_kg.vocab import BC, PREFIXES

STATED, ENTAILED, GENERALIZED, EDITORIAL = 1, 2, 3, 4
#: The levels in order, strongest first; a level's number is its ``bc:rank``.
LEVELS = (STATED, ENTAILED, GENERALIZED, EDITORIAL)
#: The IRI of each level (``bc:Stated``...), and back.
LEVEL_IRIS: dict[int, URIRef] = {
    STATED: BC.Stated,
    ENTAILED: BC.Entailed,
    GENERALIZED: BC.Generalized,
    EDITORIAL: BC.Editorial,
}
LEVEL_OF_IRI: dict[URIRef, int] = {iri: level for level, iri in LEVEL_IRIS.items()}
#: The short name of each level, as outputs show it.
LEVEL_NAMES: dict[int, str] = {
    STATED: "stated",
    ENTAILED: "entailed",
    GENERALIZED: "generalized",
    EDITORIAL: "editorial",
}
#: The level of a statement the support graph does not list: its graph's default.
ASSERTED_DEFAULT, INFERRED_DEFAULT = STATED, ENTAILED

#: The classes whose ``bc:licenses`` make a statement stated (a claim of the source).
_CLAIM_CLASSES = (BC.Claim, BC.Recommendation)


@dataclass(frozen=True)
class SupportLevel:
    """A support level: its rank (1 the strongest), IRI and short name."""

    rank: int

    @property
    def iri(self) -> URIRef:
        return LEVEL_IRIS[self.rank]

    @property
    def name(self) -> str:
        return LEVEL_NAMES[self.rank]

    def __str__(self) -> str:
        return self.name

    @classmethod
    def of(cls, value: int | str | URIRef) -> SupportLevel:
        """The level of a rank, a short name (``"stated"``) or an IRI (``bc:Stated``)."""
        if isinstance(value, int) and value in LEVEL_NAMES:
            return cls(value)
        if isinstance(value, URIRef) and value in LEVEL_OF_IRI:
            return cls(LEVEL_OF_IRI[value])
        for rank, name in LEVEL_NAMES.items():
            if str(value).lower() == name:
                return cls(rank)
        raise ValueError(f"not a support level: {value!r}")


def editorial_statements(asserted: TripleSet, terms: Terms) -> TripleSet:
    """The triples of ``asserted`` that editorial readings license and no claim does."""
    found = TripleSet(asserted.type)
    licenses = terms.known(BC.licenses)
    reading = terms.known(BC.EditorialReading)
    if licenses is None or reading is None or not asserted.pairs.get(licenses):
        return found
    readings = asserted.members.get(reading, set())
    claims: set[int] = set()
    for cls in _CLAIM_CLASSES:
        known = terms.known(cls)
        if known is not None:
            claims |= asserted.members.get(known, set())
    by_readings: set[int] = set()
    by_claims: set[int] = set()
    for who, statement in asserted.pairs[licenses]:
        if who in claims:
            by_claims.add(statement)
        elif who in readings:
            by_readings.add(statement)
    subject, predicate, object_ = (terms.known(t) for t in (RDF.subject, RDF.predicate, RDF.object))
    if subject is None or predicate is None or object_ is None:
        return found
    parts = asserted.forward(subject), asserted.forward(predicate), asserted.forward(object_)
    for statement in by_readings - by_claims:
        ss, ps, os_ = (part.get(statement, ()) for part in parts)
        for s in ss:
            for p in ps:
                for o in os_:
                    if (s, p, o) in asserted:
                        found.add_triple(s, p, o)
    return found


def statement_node(s: Node, p: Node, o: Node) -> BNode:
    """The blank node of the ``rdf:Statement`` about (s, p, o): the same on every run."""
    import hashlib

    key = f"{s.n3()} {p.n3()} {o.n3()}".encode()
    return BNode("support" + hashlib.sha1(key, usedforsecurity=False).hexdigest()[:20])


def support_triples(
    levels: dict[int, list[tuple[Node, Node, Node]]],
) -> Iterator[tuple[Node, Node, Node]]:
    """The support graph's triples: an ``rdf:Statement`` per (level, statement) given."""
    for level, statements in sorted(levels.items()):
        iri = LEVEL_IRIS[level]
        for s, p, o in statements:
            node = statement_node(s, p, o)
            yield node, RDF.type, RDF.Statement
            yield node, RDF.subject, s
            yield node, RDF.predicate, p
            yield node, RDF.object, o
            yield node, BC.supportLevel, iri


def support_graph(levels: dict[int, list[tuple[Node, Node, Node]]]) -> Graph:
    """The support graph as an rdflib Graph (see :func:`support_triples`)."""
    graph = Graph()
    for prefix, namespace in PREFIXES.items():
        graph.bind(prefix, namespace)
    graph.addN((s, p, o, graph) for s, p, o in support_triples(levels))
    return graph
