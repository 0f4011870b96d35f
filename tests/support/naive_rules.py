"""The rules evaluated the plain way, each a CONSTRUCT over the whole graph by rdflib: what
the reasoner's semi-naive engine (:mod:`backcare_kg.reasoning.rule_engine`) must agree with."""

from __future__ import annotations

from collections.abc import Sequence

from rdflib import Graph, Literal, URIRef

from backcare_kg.reasoning.rules import Rule, Triple


def apply_rules(graph: Graph, rules: Sequence[Rule]) -> set[Triple]:
    """Evaluate every rule over ``graph``; the constructed triples not already in it.

    Triples that are not valid RDF (a literal subject, a non-IRI predicate) are dropped.
    """
    new: set[Triple] = set()
    for rule in rules:
        constructed = graph.query(rule.query).graph
        for triple in constructed if constructed is not None else ():
            s, p, _ = triple
            if (
                isinstance(s, Literal)
                or not isinstance(p, URIRef)
                or triple in new
                or triple in graph
            ):
                continue
            new.add(triple)
    return new
