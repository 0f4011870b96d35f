"""Support levels: how strongly the source supports a statement (DESIGN.md, "Support levels").

From strongest to weakest: :data:`STATED` (asserted, and the source or a user's own data
says it), :data:`ENTAILED` (follows from stated statements by the ontology and strict
rules), :data:`GENERALIZED` (needs a generalization rule), :data:`EDITORIAL` (needs an
editorial reading of ours). A proof is as strong as its weakest step, a statement as strong
as its strongest proof. The reasoner computes them
(:func:`backcare_kg.reasoning.materialize.closure`); the named graph
:data:`~backcare_kg.vocab.SUPPORT_GRAPH` holds an ``rdf:Statement`` with its
``bc:supportLevel`` for each statement whose level is not its graph's default
(:func:`support_triples`): asserted :data:`STATED`, inferred :data:`ENTAILED`.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass

from rdflib import BNode, Graph, URIRef
from rdflib.namespace import RDF
from rdflib.term import Node

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



@dataclass(frozen=True, order=True)
class SupportLevel:
    """A support level: its rank (1 the strongest), IRI and short name.

    Levels compare by rank: the weaker level is the greater one, so ``max`` of a proof's
    steps is the proof's level and ``min`` of a statement's proofs is the statement's.
    """

    rank: int

    @property
    def iri(self) -> URIRef:
        """``bc:Stated``, ``bc:Entailed``, ``bc:Generalized`` or ``bc:Editorial``."""
        return LEVEL_IRIS[self.rank]

    @property
    def name(self) -> str:
        """``stated``, ``entailed``, ``generalized`` or ``editorial``."""
        return LEVEL_NAMES[self.rank]

    def __str__(self) -> str:
        return self.name

    @classmethod
    def of(cls, value: int | str | URIRef) -> SupportLevel:
        """The level of a rank, a short name (``"stated"``) or an IRI (``bc:Stated``);
        ValueError for anything else."""
        if isinstance(value, int) and value in LEVEL_NAMES:
            return cls(value)
        if isinstance(value, URIRef) and value in LEVEL_OF_IRI:
            return cls(LEVEL_OF_IRI[value])
        for rank, name in LEVEL_NAMES.items():
            if isinstance(value, str) and value.lower() == name:
                return cls(rank)
        raise ValueError(f"not a support level: {value!r}")


def statement_node(s: Node, p: Node, o: Node) -> BNode:
    """The blank node of the ``rdf:Statement`` about (s, p, o): the same on every run."""
    key = f"{s.n3()} {p.n3()} {o.n3()}".encode()
    return BNode("support" + hashlib.sha1(key, usedforsecurity=False).hexdigest()[:20])


def support_triples(
    levels: Mapping[int, Iterable[tuple[Node, Node, Node]]],
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


def support_graph(levels: Mapping[int, Iterable[tuple[Node, Node, Node]]]) -> Graph:
    """The support graph as an rdflib Graph (see :func:`support_triples`)."""
    graph = Graph()
    for prefix, namespace in PREFIXES.items():
        graph.bind(prefix, namespace)
    graph.addN((s, p, o, graph) for s, p, o in support_triples(levels))
    return graph
