"""What the checks share: a :class:`Finding` about a node, and the instances of a class.

The checks know nothing of files and lines: each yields findings about nodes of the graph,
and :mod:`.validation` places each in the file (and at the line) that states that node.
They run on the asserted graph alone, without inference, so a claim typed
``bc:Recommendation`` is a ``bc:Claim`` only through the ontology's ``rdfs:subClassOf``:
:func:`instances` follows it.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import NamedTuple

from rdflib import RDF, RDFS, Graph, URIRef
from rdflib.term import Node


class Finding(NamedTuple):
    """One problem, about ``node``.

    ``predicate`` and ``value``, when given, name the triple at fault, so the caller can
    place the finding in the file that states that triple; ``statement`` names the whole
    statement (node, predicate, value) at the head of the message, not the node alone.
    """

    node: Node
    message: str
    predicate: Node | None = None
    value: Node | None = None
    statement: bool = False


def instances(graph: Graph, *classes: URIRef) -> set[Node]:
    """The instances in ``graph`` of any of ``classes`` or of their subclasses."""
    return {s for c in subclasses(graph, classes) for s in graph.subjects(RDF.type, c)}


def subclasses(graph: Graph, classes: Iterable[URIRef]) -> set[Node]:
    """``classes`` and every class below them in ``graph`` (``rdfs:subClassOf``, transitively)."""
    found = {c for cls in classes for c in graph.transitive_subjects(RDFS.subClassOf, cls)}
    return {c for c in found if c is not None}
