"""Cases shared by the engine tests: every named query with parameters, and how two
engines' answers are compared (same rows, same order where the query orders them)."""

from __future__ import annotations

import re
from collections import Counter
from typing import Any

from rdflib import Graph
from rdflib.compare import isomorphic
from rdflib.namespace import RDF

from backcare_kg import KnowledgeGraph, Result
from backcare_kg.vocab import BCR

# -- comparing answers ---------------------------------------------------------------------------

_ORDER_BY = re.compile(r"\bORDER\s+BY\b(.*)$", re.I | re.S)


def order_keys(sparql: str, result: Result) -> list[tuple[Any, ...]]:
    """The values of the final ORDER BY's projected variables, row by row."""
    match = _ORDER_BY.search(sparql)
    if match is None:
        return []
    keys = [v for v in re.findall(r"[?$](\w+)", match.group(1)) if v in result.vars]
    return [tuple(row[k] for k in keys) for row in result.rows]


def assert_same(sparql: str, reference: Result, other: Result) -> None:
    assert other.kind == reference.kind
    if reference.kind == "SELECT":
        assert other.vars == reference.vars
        rows = Counter(tuple(r.values()) for r in reference.rows)
        assert Counter(tuple(r.values()) for r in other.rows) == rows
        assert order_keys(sparql, other) == order_keys(sparql, reference)
    elif reference.kind == "ASK":
        assert other.boolean is reference.boolean
    else:
        assert reference.graph is not None and other.graph is not None
        if reference.kind == "CONSTRUCT":  # a template's blank nodes are fresh on each run
            assert isomorphic(other.graph, reference.graph)
        else:  # DESCRIBE: the blank nodes of the data, with the same identifiers
            assert_same_description(reference.graph, other.graph)


def assert_same_description(reference: Graph, other: Graph) -> None:
    """The same DESCRIBE answer but for what the engines module documents: rdflib's concise
    bounded description adds the reifications of the triples it describes (the support
    graph's rdf:Statement nodes, those an editorial reading licenses), pyoxigraph does not."""
    found, expected = set(other), set(reference)
    assert found <= expected
    for s, _, _ in expected - found:  # each extra triple is one of a reification's
        assert (s, RDF.type, RDF.Statement) in reference
        triple = (reference.value(s, RDF.subject), reference.value(s, RDF.predicate),
                  reference.value(s, RDF.object))
        assert triple in found, triple  # of a statement described


#: Parameter sets of tests/sparql/test_named_queries.py, beside each header's examples.
PARAMETERS: list[tuple[str, dict[str, Any]]] = [
    ("activities", {"capacity": "balance", "phase": "chronic-phase"}),
    ("activities", {"capacity": "equilibrio", "phase": "fase crónica"}),
    ("activities", {"capacity": BCR.balance, "phase": BCR["chronic-phase"]}),
    ("activities", {"capacity": "strength"}),
    ("activities", {"capacity": "flexibility"}),
    ("activities", {"capacity": "biomechanics"}),
    ("activities", {"capacity": "body-stability"}),
    ("activities", {"phase": "acute-phase"}),
    ("activities", {"phase": "chronic-phase"}),
    ("activities", {"goal": "analgesia"}),
    ("activities", {"capacity": "strength", "phase": "acute-phase",
                    "goal": "kinesiophobia-reduction"}),
    *[("activities-by-capacity", {"capacity": c}) for c in
      ("strength", "balance", "flexibility", "biomechanics", "body-stability")],
    *[("activities-by-goal", {"goal": g}) for g in
      ("analgesia", "kinesiophobia-reduction", "mood-improvement",
       "neuromuscular-readaptation")],
    ("activities-by-phase", {"phase": "chronic-phase"}),
    ("activities-by-phase", {"phase": "acute-phase"}),
    ("supervision-and-assessment", {"activity": "yoga"}),
    ("supervision-and-assessment", {"activity": "natación sanitaria"}),
    ("contraindications-by-phase", {"phase": "acute-phase"}),
    ("contraindications-by-phase", {"phase": "fase aguda"}),
    ("contraindications-by-phase", {"phase": "chronic-phase"}),
    ("claims-by-expert", {"expert": "nestor-requejo"}),
    ("claims-by-expert", {"expert": "Sergio Fuertes"}),
    ("claims-by-expert", {"expert": "Rekejo"}),
    ("describe", {"resource": "body-foundation"}),  # with reifications (see assert_same)
    ("statements", {"resource": "body-foundation"}),  # statements of every level
    ("statements", {"resource": "claim-selection-criterion"}),  # with blank nodes
    *[("provenance", {"subject": s}) for s in
      ("yoga", "suspension-training", "body-foundation", "healing-swimming", "strength",
       "educational-water-activities", "chronic-phase", "acute-pain", "nestor-requejo",
       "sergio-fuertes", "claim-benefits-exceed-risks", "claim-selection-criterion",
       "source-article", "flexibility", "body-stability", "expert-opinion")],
    ("source-sentences", {"position": 24}),
    ("source-sentences", {"position": "6"}),
    ("source-sentences", {"position": 32}),
    ("labels", {"lang": "en"}),
    ("labels", {"lang": "es"}),
    ("labels", {"resource": "balance"}),
    ("labels", {"resource": "balance", "lang": "en"}),
    ("labels", {"resource": "bc:Activity"}),
    ("labels", {"resource": "Rekejo", "lang": "en"}),
    ("labels", {"resource": "balance", "lang": "fr"}),
    ("describe", {"resource": "chronic-phase"}),
    ("describe", {"resource": "bc:Activity"}),
    ("describe", {"resource": "claim-selection-criterion"}),  # with blank-node selectors
]


def named_cases() -> list[tuple[str, dict[str, Any]]]:
    cases: list[tuple[str, dict[str, Any]]] = []
    for name, query in KnowledgeGraph.bundled_queries().items():
        if not any(p.required for p in query.parameters):
            cases.append((name, {}))
        examples = {p.name: p.example for p in query.parameters if p.example is not None}
        if examples:
            cases.append((name, examples))
    return cases + [c for c in PARAMETERS if c not in cases]


NAMED_CASES = named_cases()
