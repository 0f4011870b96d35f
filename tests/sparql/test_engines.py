"""The query engines: rdflib (the reference) and pyoxigraph give the same answers.

Every named query runs on both engines with its header's examples and the parameters of
tests/sparql/test_named_queries.py, and many SPARQL shapes with bindings run on a small dataset
and on the bundled graph: same columns, same multiset of rows, same order of the ORDER BY
keys, same graphs. Bindings are inert on both, errors are the same, and the differences
the engines module documents are pinned here so that the documentation stays true.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path
from typing import Any

import pyoxigraph as ox
import pytest
from rdflib import BNode, Dataset, Graph, Literal, URIRef
from rdflib.namespace import RDF
from support.engine_cases import NAMED_CASES, assert_same
from support.hostile_values import INJECTIONS

from backcare_kg import BackcareError, KnowledgeGraph, ParameterError, QueryError, Result
from backcare_kg.sparql.engine_registry import ENGINES
from backcare_kg.sparql.engines import (
    OxigraphEngine,
    QueryEngine,
    RdflibEngine,
    create_engine,
    engine_names,
    register_engine,
)
from backcare_kg.sparql.rewriting import (
    describe_as_select,
    original_offset,
    prepare_substitution,
)
from backcare_kg.vocab import ASSERTED_GRAPH, BC, BCR, INFERRED_GRAPH, SUPPORT_GRAPH

# raised inside rdflib when it evaluates GRAPH ?g over a Dataset; not ours to fix
pytestmark = pytest.mark.filterwarnings(
    "ignore:Dataset.contexts is deprecated:DeprecationWarning")

XSD = "http://www.w3.org/2001/XMLSchema#"


def both(engines: tuple[QueryEngine, QueryEngine], sparql: str,
         bindings: dict[str, Any]) -> tuple[Result, Result]:
    reference, other = engines
    return reference.execute(sparql, bindings), other.execute(sparql, bindings)


# -- fixtures ------------------------------------------------------------------------------------


@pytest.fixture(scope="session")
def oxigraph(kg: KnowledgeGraph) -> OxigraphEngine:
    return OxigraphEngine.from_dataset(kg.graph)


@pytest.fixture(scope="session")
def bundled(kg: KnowledgeGraph, oxigraph: OxigraphEngine) -> tuple[QueryEngine, QueryEngine]:
    return RdflibEngine(kg.graph), oxigraph


G1 = URIRef("http://example.org/g1")
G2 = URIRef("http://example.org/g2")
DATA1 = """
@prefix bc: <https://w3id.org/backcare-kg/ontology#> .
@prefix bcr: <https://w3id.org/backcare-kg/resource/> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
bcr:pilates a bc:Activity ; rdfs:label "Pilates"@en ; bc:rank 1 ; bc:weight 1.5 ;
    bc:improves bcr:balance, bcr:strength ; bc:allowedInPhase bcr:chronic-phase .
bcr:yoga a bc:Activity ; rdfs:label "Yoga"@en, "yoga"@es ; bc:rank 2 ; bc:weight 2.25 ;
    bc:improves bcr:balance, bcr:flexibility ; bc:allowedInPhase bcr:chronic-phase ;
    bc:note [ rdfs:label "a note\\twith a tab, \\"quotes\\" and \\\\" ; bc:rank 9 ] .
bcr:dept bc:partOf bcr:hospital . bcr:hospital bc:partOf bcr:network .
"""
DATA2 = """
@prefix bc: <https://w3id.org/backcare-kg/ontology#> .
@prefix bcr: <https://w3id.org/backcare-kg/resource/> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
bcr:healing-swimming a bc:Activity ; bc:rank 3 ; bc:improves bcr:flexibility ;
    bc:since "2024-05-01"^^xsd:date ; bc:text "line one\\nline two" .
bcr:yoga a bc:RecommendedActivity ; bc:recommendedInPhase bcr:chronic-phase .
"""


@pytest.fixture(scope="module")
def small() -> Dataset:
    ds = Dataset(default_union=True)
    ds.graph(G1).parse(data=DATA1, format="turtle")
    ds.graph(G2).parse(data=DATA2, format="turtle")
    return ds


@pytest.fixture(scope="module")
def engines(small: Dataset) -> tuple[QueryEngine, QueryEngine]:
    return RdflibEngine(small), OxigraphEngine.from_dataset(small)


# -- every named query ---------------------------------------------------------------------------



def test_every_named_query_is_compared() -> None:
    assert {name for name, _ in NAMED_CASES} == set(KnowledgeGraph.bundled_queries())


@pytest.mark.parametrize(("name", "params"), NAMED_CASES,
                         ids=[f"{n}-{p}" for n, p in NAMED_CASES])
def test_named_query_same_answer_on_both_engines(
    kg: KnowledgeGraph, bundled: tuple[QueryEngine, QueryEngine], name: str,
    params: dict[str, Any],
) -> None:
    query = kg.named_queries[name]
    if name == "provenance" and "GROUP_CONCAT(DISTINCT ?attributionLabel" in query.text:
        pytest.xfail("GROUP_CONCAT has no order and the engines' orders differ: "
                     "queries/provenance.rq should concatenate sorted names")
    bindings = query.bind(params, kg.resolver)
    reference, other = (engine.execute(query.text, bindings, source=name) for engine in bundled)
    assert_same(query.text, reference, other)


def test_kg_query_through_an_engine_matches_the_facade(
    kg: KnowledgeGraph, oxigraph: OxigraphEngine
) -> None:
    query = kg.named_queries["activities"]
    bindings = query.bind({"capacity": "balance", "phase": "chronic"}, kg.resolver)
    assert oxigraph.execute(query.text, bindings).rows == kg.activities(
        improves="balance", phase="chronic").rows


# -- SPARQL shapes -------------------------------------------------------------------------------

#: (query, bindings) over the small two-graph dataset.
SHAPES: list[tuple[str, dict[str, Any]]] = [
    ("SELECT ?a WHERE { ?a bc:improves ?cap } ORDER BY ?a", {"cap": BCR.balance}),
    ("SELECT ?a WHERE { ?a bc:rank ?r FILTER(?r > ?min) } ORDER BY ?r", {"min": 1}),
    ("SELECT ?a WHERE { ?a bc:improves ?cap ; bc:rank ?r } ORDER BY DESC(?r)",
     {"cap": BCR.balance}),
    # OPTIONAL, and a variable bound only inside it (substituted: every row kept)
    ("SELECT ?a WHERE { ?a a bc:Activity OPTIONAL { ?a rdfs:label ?l } } ORDER BY ?a",
     {"a": BCR.yoga}),
    ("SELECT ?a ?l WHERE { ?a a bc:Activity OPTIONAL { ?a rdfs:label ?l } } ORDER BY ?a",
     {"l": Literal("Yoga", lang="en")}),
    ("SELECT ?a ?l WHERE { ?a a bc:Activity OPTIONAL { ?a rdfs:label ?l FILTER(LANG(?l) = ?x) } }",
     {"x": "es"}),
    ("SELECT ?a WHERE { ?a a bc:Activity OPTIONAL { ?a bc:allowedInPhase ?p } "
     "FILTER(!BOUND(?p)) }", {"a": BCR.pilates}),
    ("SELECT ?a WHERE { ?a a bc:Activity OPTIONAL { ?a bc:allowedInPhase ?p } "
     "FILTER(!BOUND(?p)) }", {}),
    ("SELECT ?a WHERE { ?a a bc:Activity OPTIONAL { ?a bc:rank ?r FILTER(?r > ?min) } "
     "FILTER(BOUND(?r)) }", {"min": 1}),
    # optional parameters: bound, and left free
    ("SELECT ?a WHERE { ?a a bc:Activity "
     "FILTER (!BOUND(?cap) || EXISTS { ?a bc:improves ?cap }) } ORDER BY ?a",
     {"cap": BCR.strength}),
    ("SELECT ?a WHERE { ?a a bc:Activity "
     "FILTER (!BOUND(?cap) || EXISTS { ?a bc:improves ?cap }) } ORDER BY ?a", {}),
    ("SELECT ?a ?lab WHERE { ?a rdfs:label ?lab "
     "FILTER(LANGMATCHES(LANG(?lab), COALESCE(?lang, 'es'))) }", {"lang": "en"}),
    ("SELECT ?a ?lab WHERE { ?a rdfs:label ?lab "
     "FILTER(LANGMATCHES(LANG(?lab), COALESCE(?lang, 'es'))) }", {}),
    ("SELECT ?a ?k WHERE { ?a bc:rank ?r BIND(IF(?r > ?big, 'big', 'small') AS ?k) }",
     {"big": 1}),
    ("SELECT ?a WHERE { ?a bc:rank ?r BIND(?r + 1 AS ?s) FILTER(?s = ?want) }", {"want": 3}),
    # GROUP BY, COUNT and other aggregates, HAVING
    ("SELECT ?a (COUNT(?c) AS ?n) WHERE { ?a bc:improves ?c } GROUP BY ?a ORDER BY ?a",
     {"c": BCR.flexibility}),
    ("SELECT ?cap (COUNT(?a) AS ?n) WHERE { ?a bc:improves ?cap } GROUP BY ?cap",
     {"cap": BCR.balance}),
    ("SELECT (COUNT(?a) AS ?n) WHERE { ?a bc:improves ?c }", {"c": BCR.balance}),
    ("SELECT (COUNT(?a) AS ?n) WHERE { ?a bc:improves ?c }", {"c": BCR.breathing}),
    ("SELECT (COUNT(?a) AS ?n) WHERE { ?a bc:improves ?c } GROUP BY ?c", {"c": BCR.balance}),
    ("SELECT ?a (COUNT(?c) AS ?n) WHERE { ?a bc:improves ?c } GROUP BY ?a "
     "HAVING (COUNT(?c) > ?k)", {"k": 1}),
    ("SELECT ?a ((COUNT(?c) + ?k) AS ?n) WHERE { ?a bc:improves ?c } GROUP BY ?a", {"k": 1}),
    ("SELECT (COUNT(?c) AS ?n) WHERE { ?a bc:improves ?c } HAVING (COUNT(?c) > ?k)",
     {"k": 1}),
    ("SELECT (COUNT(?c) AS ?n) WHERE { ?a bc:improves ?c } HAVING (COUNT(?c) > ?k + ?m)",
     {"k": 1, "m": 0}),
    ("SELECT ?a ?o WHERE { ?a ?p ?o FILTER(isIRI(?p) && ?p != rdf:type) }",
     {"p": BC.improves}),
    ("SELECT ?a (SUM(?w) AS ?s) (AVG(?w) AS ?m) (MIN(?r) AS ?lo) (MAX(?r) AS ?hi) "
     "WHERE { ?a bc:weight ?w ; bc:rank ?r } GROUP BY ?a", {}),
    ("SELECT (COUNT(DISTINCT ?c) AS ?n) (SAMPLE(?x) AS ?s) WHERE { ?a bc:improves ?c } ", {}),
    ("SELECT (COUNT(DISTINCT ?c) AS ?n) (SAMPLE(?x) AS ?s) WHERE { ?a bc:improves ?c } ",
     {"c": BCR.yoga}),  # no solution: still the one row of an aggregate without GROUP BY
    ("SELECT (COUNT(?a) AS ?n) WHERE { ?a bc:improves ?c }", {"a": BCR.balance}),
    ("SELECT ?a ?s WHERE { ?a bc:rank ?r BIND(?r + 1 AS ?s) FILTER(?s = ?want) }",
     {"s": 3}),  # a BIND target that is also used can be bound
    ("SELECT ?a ?s WHERE { ?a bc:rank ?r BIND(?r + 1 AS ?s) FILTER(?s = ?want) }",
     {"s": BCR.balance}),
    # sub-queries, EXISTS, MINUS, UNION, VALUES
    ("SELECT ?a WHERE { { SELECT ?a WHERE { ?a bc:improves ?cap } } } ORDER BY ?a",
     {"cap": BCR.strength}),
    ("SELECT * WHERE { { SELECT ?a WHERE { ?a bc:improves ?cap } } }", {"cap": BCR.strength}),
    ("SELECT ?a ?n WHERE { ?a a bc:Activity { SELECT ?a (COUNT(?c) AS ?n) "
     "WHERE { ?a bc:improves ?c FILTER(?c != ?not) } GROUP BY ?a } }", {"not": BCR.balance}),
    ("SELECT ?a WHERE { ?a a bc:Activity FILTER NOT EXISTS { ?a bc:improves ?cap } } "
     "ORDER BY ?a", {"cap": BCR.balance}),
    ("SELECT ?a WHERE { ?a a bc:Activity MINUS { ?a bc:improves ?cap } } ORDER BY ?a",
     {"cap": BCR.flexibility}),
    ("SELECT ?a WHERE { ?a a bc:Activity MINUS { ?x bc:improves ?cap } }",
     {"cap": BCR.flexibility}),
    ("SELECT ?a WHERE { { ?a bc:improves ?x } UNION { ?a bc:allowedInPhase ?x } } ORDER BY ?a",
     {"x": BCR["chronic-phase"]}),
    ("SELECT ?a WHERE { VALUES ?a { bcr:pilates bcr:yoga } ?a bc:improves ?cap }",
     {"cap": BCR.flexibility}),
    ("SELECT DISTINCT ?c WHERE { ?a bc:improves ?c } ORDER BY ?c LIMIT 2 OFFSET 1", {}),
    # SELECT * and variables only in FILTER
    ("SELECT * WHERE { ?a bc:improves ?c FILTER(?z = 1) }", {"z": 1}),
    ("SELECT * WHERE { ?a bc:improves ?c FILTER(?z = 1) }", {}),
    ("SELECT ?cap WHERE { }", {"cap": '"x" } ; DROP ALL ; #'}),
    ("SELECT ?a $c WHERE { ?a bc:improves $c }", {"c": BCR.balance}),
    ("SELECT ?a WHERE { ?a bc:improves ?c } ORDER BY DESC(?a)", {"?c": BCR.balance}),
    # property paths
    ("SELECT ?x ?y WHERE { ?x bc:partOf+ ?y } ORDER BY ?x ?y", {}),
    ("SELECT ?y WHERE { ?x bc:partOf* ?y }", {"x": BCR.dept}),
    ("SELECT ?x WHERE { ?x ^bc:partOf/bc:partOf ?y }", {}),
    ("SELECT ?a ?o WHERE { ?a bc:improves|bc:allowedInPhase ?o }", {"a": BCR.pilates}),
    ("SELECT ?a WHERE { ?a !(bc:improves|rdf:type) ?o }", {"o": BCR["chronic-phase"]}),
    # GRAPH, FROM and FROM NAMED
    ("SELECT ?g ?a WHERE { GRAPH ?g { ?a a ?t } }", {"t": BC.Activity}),
    ("SELECT ?a WHERE { GRAPH ?g { ?a a bc:Activity } }", {"g": G2}),
    ("SELECT ?g WHERE { GRAPH ?g { } }", {}),
    ("SELECT ?a FROM <http://example.org/g2> WHERE { ?a a bc:Activity }", {}),
    ("SELECT ?a ?g FROM NAMED <http://example.org/g2> WHERE { GRAPH ?g { ?a ?p ?o } }",
     {"p": BC.rank}),
    ("SELECT ?a FROM NAMED <http://example.org/g2> WHERE { ?a ?p ?o }", {}),
    # every kind of value, and terms with escapes and blank nodes
    ("SELECT ?a ?since WHERE { ?a bc:since ?since FILTER(?since >= ?d) }",
     {"d": dt.date(2024, 1, 1)}),
    ("SELECT ?x ?a WHERE { ?a bc:weight ?w FILTER(?w > ?x) }", {"x": Decimal("1.50")}),
    ("SELECT ?x WHERE { }", {"x": 2.5}),
    ("SELECT ?x WHERE { }", {"x": True}),
    ("SELECT ?x WHERE { }", {"x": dt.datetime(2024, 5, 1, 10, 30)}),
    ("SELECT ?x WHERE { }", {"x": Literal("x", lang="es")}),
    ("SELECT ?n ?l ?r WHERE { bcr:yoga bc:note ?n . ?n rdfs:label ?l ; bc:rank ?r }", {}),
    ("SELECT ?a ?t WHERE { ?a bc:text ?t }", {}),
    # ASK, CONSTRUCT, DESCRIBE
    ("ASK { ?a bc:improves ?c }", {"c": BCR.strength}),
    ("ASK { ?a bc:improves ?c }", {"c": BCR.breathing}),
    ("ASK { ?a bc:rank ?r FILTER(!BOUND(?c) || ?r = ?c) }", {"c": 7}),
    ("ASK { ?a bc:rank ?r FILTER(!BOUND(?c) || ?r = ?c) }", {"c": 2}),
    ("ASK { { SELECT ?a WHERE { ?a bc:improves ?c } } }", {"c": BCR.breathing}),
    ("CONSTRUCT { ?a bc:x ?c } WHERE { ?a bc:improves ?c }", {"c": BCR.strength}),
    ("CONSTRUCT { ?a bc:x [ bc:y ?c ] } WHERE { ?a bc:improves ?c }", {}),
    ("CONSTRUCT WHERE { ?a bc:improves ?c }", {}),
    ("CONSTRUCT WHERE { ?s ?p ?o }", {}),
    ("DESCRIBE ?a WHERE { ?a bc:improves ?c }", {"c": BCR.flexibility}),
    ("DESCRIBE ?a bcr:dept WHERE { ?a bc:improves ?c }", {"c": BCR.strength}),
    ("DESCRIBE ?a FROM <http://example.org/g2> WHERE { ?a bc:rank ?r }", {"r": 3}),
    ("DESCRIBE ?x WHERE { }", {"x": BCR.yoga}),
    ("DESCRIBE ?x", {"x": BCR.yoga}),
    ("DESCRIBE bcr:yoga", {}),
    ("DESCRIBE ?a bcr:dept WHERE { ?a bc:improves ?c }", {"a": BCR.balance}),
    ("DESCRIBE ?a bcr:dept WHERE { ?a bc:improves bcr:breathing }", {}),
]


@pytest.mark.parametrize(("sparql", "bindings"), SHAPES)
def test_shapes_same_answer_on_both_engines(
    engines: tuple[QueryEngine, QueryEngine], sparql: str, bindings: dict[str, Any]
) -> None:
    assert_same(sparql, *both(engines, sparql, bindings))


#: (query, bindings) over the bundled graph.
KG_SHAPES: list[tuple[str, dict[str, Any]]] = [
    ("SELECT ?s ?p ?o WHERE { ?s ?p ?o }", {}),
    ("SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g ORDER BY ?g", {}),
    ("SELECT ?a WHERE { GRAPH ?g { ?a a bc:SuggestedActivity } }", {"g": INFERRED_GRAPH}),
    ("SELECT ?a WHERE { GRAPH ?g { ?a a bc:SuggestedActivity } }", {"g": ASSERTED_GRAPH}),
    ("SELECT ?expert ?org WHERE { ?expert bc:memberOf/bc:partOf* ?org } ORDER BY ?expert ?org",
     {}),
    ("SELECT ?claim ?selector WHERE { ?claim oa:hasTarget/oa:hasSelector ?selector . "
     "?selector a oa:TextQuoteSelector }", {}),
    ("SELECT ?c (COUNT(?a) AS ?n) WHERE { ?a bc:improves ?c } GROUP BY ?c ORDER BY DESC(?n) ?c",
     {}),
    ("ASK { GRAPH <https://w3id.org/backcare-kg/graph/asserted> "
     "{ ?a a bc:SuggestedActivity } }", {}),
    ("CONSTRUCT { ?a bc:allowedInPhase ?p } WHERE { ?a bc:allowedInPhase ?p }", {}),
    ("DESCRIBE ?c WHERE { ?c bc:statedBy ?e }", {"e": BCR["sergio-fuertes"]}),
]


@pytest.mark.parametrize(("sparql", "bindings"), KG_SHAPES)
def test_bundled_graph_shapes_same_answer(
    bundled: tuple[QueryEngine, QueryEngine], sparql: str, bindings: dict[str, Any]
) -> None:
    assert_same(sparql, *both(bundled, sparql, bindings))


def test_graph_patterns_tell_asserted_from_inferred(
    kg: KnowledgeGraph, oxigraph: OxigraphEngine
) -> None:
    count = "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }"
    assert oxigraph.execute(count, {"g": ASSERTED_GRAPH}).rows == [{"n": Literal(len(kg.asserted))}]
    assert oxigraph.execute(count, {"g": INFERRED_GRAPH}).rows == [{"n": Literal(len(kg.inferred))}]
    support = len(kg.support_graph)
    assert oxigraph.execute(count, {"g": SUPPORT_GRAPH}).rows == [{"n": Literal(support)}]
    # the default graph is the union of the three named graphs (len(kg) leaves the support
    # graph aside)
    union = oxigraph.execute("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }", {})
    assert union.rows == [{"n": Literal(len(kg) + support)}]
    assert not set(kg.asserted) & set(kg.inferred)  # so the union counts each triple once
    # the support graph's statement nodes are its own blank nodes
    assert not set(kg.support_graph) & (set(kg.asserted) | set(kg.inferred))


# -- bindings are terms --------------------------------------------------------------------------

@pytest.mark.parametrize("value", INJECTIONS)
def test_string_values_are_inert_literals(
    small: Dataset, engines: tuple[QueryEngine, QueryEngine], value: str
) -> None:
    store = engines[1].store  # type: ignore[attr-defined]
    before = set(store)
    for sparql in ("SELECT ?a WHERE { ?a bc:improves ?cap }",
                   "SELECT ?a WHERE { ?a a bc:Activity FILTER(!BOUND(?cap) || ?cap = ?a) }"):
        reference, other = both(engines, sparql, {"cap": value})
        assert other.rows == reference.rows == []
    reference, other = both(engines, "SELECT ?cap WHERE { }", {"cap": value})
    assert other.rows == reference.rows == [{"cap": Literal(value)}]
    assert set(store) == before


class RecordingStore:
    """A Store that records what the engine asks of it."""

    def __init__(self, store: ox.Store) -> None:
        self.store = store
        self.calls: list[tuple[str, dict[str, Any]]] = []

    def query(self, text: str, **options: Any) -> Any:
        self.calls.append((text, options))
        return self.store.query(text, **options)

    def __getattr__(self, name: str) -> Any:
        return getattr(self.store, name)

    def __len__(self) -> int:
        return len(self.store)


def test_values_are_substituted_never_pasted(small: Dataset) -> None:
    store = OxigraphEngine.from_dataset(small).store
    recording = RecordingStore(store)
    engine = OxigraphEngine(recording)  # type: ignore[arg-type]
    value = '"Yoga"@en } UNION { ?a ?p ?o'
    result = engine.execute("SELECT ?a WHERE { ?a rdfs:label ?l }", {"l": value})
    assert result.rows == []
    [(text, options)] = recording.calls
    assert value not in text and "Yoga" not in text
    assert options["substitutions"] == {ox.Variable("l"): ox.Literal(value)}


# -- errors --------------------------------------------------------------------------------------

ERRORS: list[tuple[str, dict[str, Any]]] = [
    ("SELECT ?a\nWHERE {\n  ?a bc:improves ?c .\n  FILTER(?c = )\n}", {}),
    ("# a comment\n  SELEC ?a WHERE { ?a ?b ?c }", {}),
    ("SELECT ?a WHERE {\n  ?a ?b ?c ", {}),
    ("SELECT * WHERE {\n\t?a\t?b '\\u00e9' FILTER(?a = ) }", {}),
    ("SELECT ?a WHERE {\n  ?a zz:p ?b }", {}),
    ("INSERT DATA { <http://example.org/a> <http://example.org/b> <http://example.org/c> }", {}),
    ("PREFIX ex: <http://example.org/>\nDELETE WHERE { ?s ?p ?o }", {}),
    ("DELETE { ?s ?p ?o } INSERT { ?s ?p 1 } WHERE { ?s ?p ?o }", {}),
    ("LOAD <http://example.org/data.ttl>", {}),
    ("CLEAR ALL", {}),
    ("DROP ALL", {}),
    ("SELECT * WHERE { SERVICE <http://example.org/sparql> { ?s ?p ?o } }", {}),
    ("SELECT * FROM <http://example.org/data.ttl> WHERE { ?s ?p ?o }", {}),
    ("SELECT * FROM NAMED <file:///etc/passwd> WHERE { ?s ?p ?o }", {}),
    ("SELECT ?a WHERE { ?a bc:improves ?cap }", {"capacity": BCR.balance}),
    ("SELECT ?a ?x WHERE { ?a bc:rank ?r BIND(?r * 2 AS ?x) }", {"x": 2}),
    ("SELECT (COUNT(?a) AS ?n) WHERE { ?a bc:rank ?r }", {"n": 3}),
    ("SELECT ?a WHERE { ?a bc:improves ?cap }", {"cap": None}),
    ("SELECT ?a WHERE { ?a bc:improves ?cap }", {"cap": [1]}),
]


@pytest.mark.parametrize(("sparql", "bindings"), ERRORS)
def test_errors_are_the_same_on_both_engines(
    engines: tuple[QueryEngine, QueryEngine], sparql: str, bindings: dict[str, Any]
) -> None:
    store = engines[1].store  # type: ignore[attr-defined]
    size = len(store)
    raised = []
    for engine in engines:
        with pytest.raises(BackcareError) as info:
            engine.execute(sparql, bindings, source="mine.rq")
        raised.append(info.value)
    reference, other = raised
    assert type(other) is type(reference)
    assert str(other) == str(reference)
    assert [getattr(other, a, None) for a in ("line", "column", "parameter")] == [
        getattr(reference, a, None) for a in ("line", "column", "parameter")]
    assert len(store) == size


def test_a_query_must_be_text(engines: tuple[QueryEngine, QueryEngine]) -> None:
    for engine in engines:
        with pytest.raises(QueryError):
            engine.execute(b"SELECT * WHERE { ?s ?p ?o }", {})  # type: ignore[arg-type]


# -- the differences the engines module documents ------------------------------------------------


def test_pyoxigraph_rejects_ungrouped_projection_at_its_position(
    engines: tuple[QueryEngine, QueryEngine],
) -> None:
    sparql = "SELECT ?c\nWHERE { ?a bc:improves ?c }\nGROUP BY ?a"
    rdflib_engine, oxigraph = engines
    assert rdflib_engine.execute(sparql, {}).rows  # rdflib picks a value
    for bindings in ({}, {"a": BCR.yoga}):  # the same place with the text adjusted for ?a
        with pytest.raises(QueryError) as info:
            oxigraph.execute(sparql, bindings, source="mine.rq")
        assert (info.value.line, info.value.column) == (3, 12)
        assert "pyoxigraph rejects the query: The SELECT contains a variable" in str(info.value)


def test_pyoxigraph_returns_literals_by_value() -> None:
    ds = Dataset(default_union=True)
    ds.graph(G1).parse(data='<http://example.org/a> <http://example.org/p> '
                            '"1.50"^^<http://www.w3.org/2001/XMLSchema#decimal>, "x"@EN-GB, '
                            '"s"^^<http://www.w3.org/2001/XMLSchema#string> .', format="turtle")
    sparql = "SELECT ?o WHERE { ?s ?p ?o }"
    values = {row["o"] for row in OxigraphEngine.from_dataset(ds).execute(sparql, {}).rows}
    decimal = URIRef(XSD + "decimal")
    assert values == {Literal("1.5", datatype=decimal), Literal("x", lang="en-gb"),
                      Literal("s")}
    rdflib_values = {row["o"] for row in RdflibEngine(ds).execute(sparql, {}).rows}
    assert rdflib_values == {Literal("1.50", datatype=decimal), Literal("x", lang="EN-GB"),
                             Literal("s", datatype=URIRef(XSD + "string"))}


@pytest.mark.parametrize(
    ("sparql", "bindings", "rdflib_rows", "oxigraph_rows"),
    [
        ("SELECT ?a (COUNT(?c) AS ?n) WHERE { ?a bc:improves bcr:breathing } GROUP BY ?a", {},
         [{"a": None, "n": None}], []),
        ("SELECT ?x WHERE { BIND(IF(1 > 'a'@en, 'big', 'small') AS ?x) }", {},
         [{"x": Literal("small")}], [{"x": None}]),
        ("SELECT ?g WHERE { GRAPH ?g { } }", {"g": BCR.nowhere}, [{"g": BCR.nowhere}], []),
        ("SELECT ?y WHERE { ?x bc:partOf* ?y }", {"x": BCR.nowhere},
         [{"y": BCR.nowhere}], []),
    ],
)
def test_where_pyoxigraph_follows_sparql_and_rdflib_does_not(
    engines: tuple[QueryEngine, QueryEngine], sparql: str, bindings: dict[str, Any],
    rdflib_rows: list[dict[str, Any]], oxigraph_rows: list[dict[str, Any]],
) -> None:
    reference, other = both(engines, sparql, bindings)
    assert (reference.rows, other.rows) == (rdflib_rows, oxigraph_rows)


def test_bound_values_are_projected_as_given(engines: tuple[QueryEngine, QueryEngine]) -> None:
    for value in (Decimal("1.50"), Literal("x", lang="EN-GB")):
        reference, other = both(engines, "SELECT ?v WHERE { }", {"v": value})
        assert other.rows == reference.rows


def test_a_triple_in_both_graphs_counts_twice_on_pyoxigraph() -> None:
    ds = Dataset(default_union=True)
    triple = (BCR.yoga, BC.improves, BCR.balance)
    ds.graph(G1).add(triple)
    ds.graph(G2).add(triple)
    sparql = "SELECT ?a WHERE { ?a bc:improves ?c }"
    assert len(RdflibEngine(ds).execute(sparql, {})) == 1
    assert len(OxigraphEngine.from_dataset(ds).execute(sparql, {})) == 2


def test_describe_leaves_reifications_to_rdflib() -> None:
    g = Graph()
    g.add((BCR.yoga, BC.improves, BCR.balance))
    statement = BNode("s1")
    for p, o in ((RDF.type, RDF.Statement), (RDF.subject, BCR.yoga),
                 (RDF.predicate, BC.improves), (RDF.object, BCR.balance)):
        g.add((statement, p, o))
    rdflib_graph = RdflibEngine(g).execute("DESCRIBE bcr:yoga", {}).graph
    oxigraph_graph = OxigraphEngine.from_dataset(g).execute("DESCRIBE bcr:yoga", {}).graph
    assert rdflib_graph is not None and oxigraph_graph is not None
    assert set(oxigraph_graph) == {(BCR.yoga, BC.improves, BCR.balance)}
    assert set(rdflib_graph) == set(g)


# -- engines, the registry, results --------------------------------------------------------------


def test_registry(kg: KnowledgeGraph) -> None:
    assert engine_names() == ["oxigraph", "rdflib"]
    for name in engine_names():
        engine = create_engine(name, kg.graph)
        assert isinstance(engine, QueryEngine)
        assert engine.name == name
        assert len(engine) == len(kg) + len(kg.support_graph)  # every quad of the dataset
    with pytest.raises(ParameterError) as info:
        create_engine("sparqlwrapper", kg.graph)
    assert info.value.accepted == ["oxigraph", "rdflib"]


def test_register_an_engine(small: Dataset) -> None:
    register_engine("mine", RdflibEngine)
    try:
        engine = create_engine("mine", small)
        assert engine.execute("ASK { ?s ?p ?o }", {}).boolean is True
    finally:
        ENGINES.unregister("mine")
    assert "mine" not in engine_names()


def test_blank_nodes_keep_their_rdflib_identifiers(
    kg: KnowledgeGraph, oxigraph: OxigraphEngine
) -> None:
    rows = oxigraph.execute("SELECT ?s WHERE { ?s a oa:TextQuoteSelector }", {}).rows
    assert rows and all(isinstance(r["s"], BNode) for r in rows)
    assert {r["s"] for r in rows} <= set(kg.graph.subjects())
    node = rows[0]["s"]
    bound = oxigraph.execute("SELECT ?p ?o WHERE { ?s ?p ?o }", {"s": node})
    assert len(bound) == len(list(kg.graph.triples((node, None, None))))


def test_an_engine_over_a_graph_uses_its_default_graph(small: Dataset) -> None:
    graph = Graph()
    graph.parse(data=DATA1, format="turtle")
    engine = OxigraphEngine.from_dataset(graph)
    assert len(engine) == len(graph)
    assert engine.execute("ASK { GRAPH ?g { ?s ?p ?o } }", {}).boolean is False
    assert_same("", *(e.execute("SELECT ?s ?p ?o WHERE { ?s ?p ?o }", {})
                      for e in (RdflibEngine(graph), engine)))


def test_a_datasets_default_graph_stays_the_default_graph() -> None:
    ds = Dataset(default_union=True)
    ds.add((BCR.yoga, BC.improves, BCR.balance))
    ds.graph(G1).add((BCR.pilates, BC.improves, BCR.balance))
    engine = OxigraphEngine.from_dataset(ds)
    assert len(engine) == 2
    for sparql in ("SELECT ?a WHERE { ?a bc:improves ?c }",
                   "SELECT ?g ?a WHERE { GRAPH ?g { ?a bc:improves ?c } }"):
        assert_same(sparql, RdflibEngine(ds).execute(sparql, {}), engine.execute(sparql, {}))


def test_an_engine_over_an_on_disk_store(tmp_path: Path, small: Dataset) -> None:
    store = ox.Store(str(tmp_path / "store"))
    store.extend(OxigraphEngine.from_dataset(small).store)
    store.flush()
    engine = OxigraphEngine(store)
    assert len(engine) == sum(len(g) for g in small.graphs())
    result = engine.execute("SELECT ?a WHERE { ?a bc:improves ?c } ORDER BY ?a",
                            {"c": BCR.balance})
    assert result.values("a") == [BCR.pilates, BCR.yoga]


def test_results_serialize_the_same(
    kg: KnowledgeGraph, bundled: tuple[QueryEngine, QueryEngine]
) -> None:
    query = kg.named_queries["experts"]
    reference, other = (e.execute(query.text, {}) for e in bundled)
    for fmt in ("csv", "tsv", "json", "xml"):
        assert other.serialize(fmt) == reference.serialize(fmt)
    # A description the engines agree on (engines.py: rdflib's also holds the reifications of
    # the triples it describes, and most of ours are reified in data/licenses.ttl and the
    # support graph): a reading's, whose licenses are blank nodes, with the same labels.
    describe = kg.named_queries["describe"]
    bindings = describe.bind({"resource": "reading-chronic-phase"}, kg.resolver)
    reference, other = (e.execute(describe.text, bindings) for e in bundled)
    assert other.graph is not None and any(isinstance(s, BNode) for s in other.graph.subjects())
    assert other.serialize("nt") == reference.serialize("nt")
    assert other.graph is not None
    assert dict(other.graph.namespaces())["bc"] == URIRef(str(BC))


def test_terms_text_formats_cannot_carry_take_the_slow_path() -> None:
    store = ox.Store()
    store.load(b'<http://example.org/a\tb> <http://example.org/p> "x\\ty" .\n'
               b'<http://example.org/a b> <http://example.org/p> <http://example.org/a b> .\n',
               ox.RdfFormat.N_TRIPLES, lenient=True)
    engine = OxigraphEngine(store)
    rows = engine.execute("SELECT ?s ?o WHERE { ?s ?p ?o } ORDER BY ?s", {}).rows
    assert rows == [
        {"s": URIRef("http://example.org/a\tb"), "o": Literal("x\ty")},
        {"s": URIRef("http://example.org/a b"), "o": URIRef("http://example.org/a b")},
    ]
    graph = engine.execute("CONSTRUCT WHERE { ?s ?p ?o }", {}).graph
    assert graph is not None and len(graph) == 2
    assert (URIRef("http://example.org/a b"), URIRef("http://example.org/p"),
            URIRef("http://example.org/a b")) in graph


# -- adjusting the text for substitution ---------------------------------------------------------

WIDEN_Z = "OPTIONAL { SELECT ?z WHERE { [] ?z_p ?z } LIMIT 1 } "


@pytest.mark.parametrize(
    ("sparql", "bound", "expected"),
    [
        ("SELECT ?a WHERE { ?a ?p ?c }", [], "SELECT ?a WHERE { ?a ?p ?c }"),
        ("SELECT ?a WHERE { ?a ?p ?c }", ["a"], "SELECT ?a WHERE { ?a ?p ?c }"),
        ("SELECT DISTINCT ?a WHERE { ?a ?p ?c }", ["c"],
         "SELECT DISTINCT ?c ?a WHERE { ?a ?p ?c }"),
        ("SELECT (COUNT(?a) AS ?n) WHERE { ?a ?p ?c }", ["c"],
         "SELECT (COUNT(?a) AS ?n)  (SAMPLE(?c) AS ?c) WHERE { ?a ?p ?c }"),
        ("SELECT ?p (COUNT(?a) AS ?n) WHERE { ?a ?p ?c } GROUP BY ?p", ["c"],
         "SELECT ?c ?p (COUNT(?a) AS ?n) WHERE { ?a ?p ?c } GROUP BY ?c ?p"),
        ("SELECT * WHERE { ?a ?p ?o FILTER(?o = 'x') }", ["z"],
         "SELECT * WHERE { ?a ?p ?o FILTER(?o = 'x') }"),
        ("SELECT * WHERE { ?a ?p ?o }", ["o"],
         "SELECT * WHERE { {  ?a ?p ?o  } VALUES ?o { UNDEF } }"),
        ("ASK { ?a ?p ?o FILTER(!BOUND(?z)) }", ["z"],
         f"ASK {{ {WIDEN_Z} ?a ?p ?o FILTER(!BOUND(?z)) }}"),
        ("SELECT (COUNT(?a) AS ?n) WHERE { ?a ?p ?c } HAVING (COUNT(?a) > ?k + ?m)", ["k", "m"],
         "SELECT ?k ?m (COUNT(?a) AS ?n) WHERE { "
         "OPTIONAL { SELECT ?k WHERE { [] ?k_p ?k } LIMIT 1 }  "
         "OPTIONAL { SELECT ?m WHERE { [] ?m_p ?m } LIMIT 1 }  ?a ?p ?c } GROUP BY ?k ?m  "
         "HAVING (COUNT(?a) > ?k + ?m)"),
        # strings, IRIs and comments are not code
        ("SELECT ?a # SELECT ?c\nWHERE { ?a <urn:x:?c> '?c { SELECT' }", ["c"],
         "SELECT ?a # SELECT ?c\nWHERE { ?a <urn:x:?c> '?c { SELECT' }"),
    ],
)
def test_prepare_substitution(sparql: str, bound: list[str], expected: str) -> None:
    assert prepare_substitution(sparql, bound)[0] == expected


def test_error_offsets_map_back_past_insertions() -> None:
    sparql = "SELECT ?a WHERE { ?a ?p ?c FILTER(?c) }"
    text, insertions = prepare_substitution(sparql, ["c"])
    assert len(insertions) == 2
    for original in range(len(sparql)):
        shift = sum(len(i.text) for i in insertions if i.offset <= original)
        assert text[original + shift] == sparql[original]
        assert original_offset(original + shift, insertions) == original
    for insertion in insertions:  # a position inside inserted text: where it was inserted
        inside = text.index(insertion.text) + 2
        assert original_offset(inside, insertions) == insertion.offset


def test_describe_as_select() -> None:
    assert describe_as_select("DESCRIBE ?a <urn:x> ?b WHERE { ?a ?p ?b }") == (
        "SELECT DISTINCT ?a ?b WHERE { ?a ?p ?b }")
