"""Reading a support graph back (not a test module): its statements and their levels.

The support graph (DESIGN.md, "Support levels") holds one ``rdf:Statement`` node per
statement whose level is not its graph's default, with ``rdf:subject``, ``rdf:predicate``,
``rdf:object`` and ``bc:supportLevel``. Its nodes are blank, and their labels depend on who
wrote them (and do not survive a parse), so graphs are compared through :func:`levels_of`.
"""

from __future__ import annotations

from rdflib import Graph, URIRef
from rdflib.namespace import RDF
from rdflib.term import Node

from backcare_kg.vocab import BC

Statement = tuple[Node, Node, Node]
_PARTS = (RDF.subject, RDF.predicate, RDF.object, BC.supportLevel)


def levels_of(support: Graph) -> dict[Statement, URIRef]:
    """Each statement of ``support`` and its level's IRI (``bc:Generalized``...).

    Fails (AssertionError, naming the node) if a node is not typed ``rdf:Statement``, lacks
    one of its four properties or has two values of one, or if a statement is listed twice.
    """
    found: dict[Statement, URIRef] = {}
    nodes = set(support.subjects(RDF.type, RDF.Statement))
    assert set(support.subjects()) == nodes, "a node of the support graph is no rdf:Statement"
    for node in nodes:
        values = [list(support.objects(node, p)) for p in _PARTS]
        assert all(len(v) == 1 for v in values), f"{node}: {values}"
        s, p, o, level = (v[0] for v in values)
        assert (s, p, o) not in found, f"listed twice: {s} {p} {o}"
        assert isinstance(level, URIRef)
        found[(s, p, o)] = level
    assert len(support) == 5 * len(found)  # nothing else in the graph
    return found


def level_rows(support: Graph) -> set[tuple[Node, Node, Node, URIRef]]:
    """The statements of ``support`` with their levels, as (s, p, o, level) rows."""
    return {(*statement, level) for statement, level in levels_of(support).items()}
