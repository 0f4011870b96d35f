"""The query engine boundary: parsing, bindings as RDF terms, read-only, errors mapped."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from rdflib import BNode, Dataset, Graph, Literal, URIRef
from rdflib.compare import to_isomorphic
from support.hostile_values import INJECTIONS

from backcare_kg import ParameterError, QueryError
from backcare_kg.sparql.preparation import (
    as_term,
    assigned_variables,
    execute,
    prepare,
    query_variables,
)
from backcare_kg.vocab import BC, BCR

XSD = "http://www.w3.org/2001/XMLSchema#"

DATA = """
@prefix bc: <https://w3id.org/backcare-kg/ontology#> .
@prefix bcr: <https://w3id.org/backcare-kg/resource/> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
bcr:pilates a bc:Activity ; rdfs:label "Pilates"@en ; bc:rank 1 ;
    bc:improves bcr:balance, bcr:strength ; bc:allowedInPhase bcr:chronic-phase .
bcr:yoga a bc:Activity ; rdfs:label "Yoga"@en ; bc:rank 2 ;
    bc:improves bcr:balance, bcr:flexibility ; bc:allowedInPhase bcr:chronic-phase .
bcr:healing-swimming a bc:Activity ; bc:rank 3 ; bc:improves bcr:flexibility .
"""


@pytest.fixture()
def graph() -> Graph:
    g = Graph()
    g.parse(data=DATA, format="turtle")
    return g


def slugs(result: object, var: str = "a") -> list[str]:
    return [str(v).rsplit("/", 1)[1] for v in result.values(var)]  # type: ignore[attr-defined]


# -- bindings restrict ------------------------------------------------------------------------

SHAPES = [
    (
        "SELECT ?a WHERE { ?a bc:improves ?cap } ORDER BY ?a",
        {"cap": BCR.balance},
        ["pilates", "yoga"],
    ),
    (
        "SELECT ?a WHERE { ?a bc:improves ?cap } ORDER BY ?a",
        {"?cap": BCR.flexibility},
        ["healing-swimming", "yoga"],
    ),
    (
        "SELECT ?a WHERE { ?a bc:improves ?cap ; bc:rank ?r } ORDER BY DESC(?r)",
        {"cap": BCR.balance},
        ["yoga", "pilates"],
    ),
    (
        "SELECT ?a WHERE { ?a bc:rank ?r FILTER(?r > ?min) } ORDER BY ?r",
        {"min": 1},
        ["yoga", "healing-swimming"],
    ),
    (
        "SELECT ?a WHERE { ?a a bc:Activity OPTIONAL { ?a rdfs:label ?l } } ORDER BY ?a",
        {"a": BCR.yoga},
        ["yoga"],
    ),
    (
        "SELECT ?a WHERE { ?a a bc:Activity OPTIONAL { ?a bc:allowedInPhase ?p } "
        "FILTER(!BOUND(?p)) }",
        {"a": BCR.pilates},
        [],
    ),
    (
        "SELECT ?a (COUNT(?c) AS ?n) WHERE { ?a bc:improves ?c } GROUP BY ?a ORDER BY ?a",
        {"c": BCR.flexibility},
        ["healing-swimming", "yoga"],
    ),
    (
        "SELECT ?a WHERE { { SELECT ?a WHERE { ?a bc:improves ?cap } } } ORDER BY ?a",
        {"cap": BCR.strength},
        ["pilates"],
    ),
    (
        "SELECT ?a WHERE { ?a a bc:Activity FILTER NOT EXISTS { ?a bc:improves ?cap } } "
        "ORDER BY ?a",
        {"cap": BCR.balance},
        ["healing-swimming"],
    ),
    (
        "SELECT ?a WHERE { ?a a bc:Activity MINUS { ?a bc:improves ?cap } } ORDER BY ?a",
        {"cap": BCR.flexibility},
        ["pilates"],
    ),
    (
        "SELECT ?a WHERE { { ?a bc:improves ?x } UNION { ?a bc:allowedInPhase ?x } } ORDER BY ?a",
        {"x": BCR["chronic-phase"]},
        ["pilates", "yoga"],
    ),
    (
        "SELECT ?a WHERE { VALUES ?a { bcr:pilates bcr:yoga } ?a bc:improves ?cap }",
        {"cap": BCR.flexibility},
        ["yoga"],
    ),
    ("SELECT ?a WHERE { ?a rdfs:label ?l }", {"l": Literal("Yoga", lang="en")}, ["yoga"]),
    ("SELECT ?a WHERE { ?a rdfs:label ?l }", {"l": "Yoga"}, []),
]


@pytest.mark.parametrize(("sparql", "bindings", "expected"), SHAPES)
def test_bindings_restrict_solutions(
    graph: Graph, sparql: str, bindings: dict[str, object], expected: list[str]
) -> None:
    assert slugs(execute(graph, sparql, bindings)) == expected


def test_bound_variable_is_projected_with_its_value(graph: Graph) -> None:
    result = execute(
        graph, "SELECT ?a ?cap WHERE { ?a bc:improves ?cap } ORDER BY ?a", {"cap": BCR.strength}
    )
    assert result.rows == [{"a": BCR.pilates, "cap": BCR.strength}]


def test_group_by_count_with_a_bound_variable(graph: Graph) -> None:
    sparql = "SELECT ?cap (COUNT(?a) AS ?n) WHERE { ?a bc:improves ?cap } GROUP BY ?cap"
    assert execute(graph, sparql, {"cap": BCR.balance}).rows == [
        {"cap": BCR.balance, "n": Literal(2)}
    ]


def test_binding_only_inside_optional_substitutes_but_keeps_rows(graph: Graph) -> None:
    # Substitution semantics (as grlc): OPTIONAL { ?a rdfs:label "Yoga"@en } keeps every
    # activity, and ?l shows the bound value wherever it is projected.
    result = execute(
        graph,
        "SELECT ?a ?l WHERE { ?a a bc:Activity OPTIONAL { ?a rdfs:label ?l } } ORDER BY ?a",
        {"l": Literal("Yoga", lang="en")},
    )
    assert slugs(result) == ["healing-swimming", "pilates", "yoga"]
    assert set(result.values("l")) == {Literal("Yoga", lang="en")}


def test_ask_and_construct_use_bindings(graph: Graph) -> None:
    assert execute(graph, "ASK { ?a bc:improves ?c }", {"c": BCR.strength}).boolean is True
    assert execute(graph, "ASK { ?a bc:improves ?c }", {"c": BCR.breathing}).boolean is False
    result = execute(
        graph, "CONSTRUCT { ?a bc:x ?c } WHERE { ?a bc:improves ?c }", {"c": BCR.strength}
    )
    assert result.graph is not None
    assert set(result.graph) == {(BCR.pilates, BC.x, BCR.strength)}


def test_no_bindings_and_predeclared_prefixes(graph: Graph) -> None:
    result = execute(graph, "SELECT ?a WHERE { ?a bc:improves bcr:strength }", {})
    assert result.values("a") == [BCR.pilates]


def test_a_query_may_redeclare_a_prefix(graph: Graph) -> None:
    sparql = "PREFIX bcr: <http://other.example/> SELECT ?a WHERE { ?a ?p bcr:strength }"
    assert len(execute(graph, sparql, {})) == 0


def test_dataset_default_graph_is_the_union_of_named_graphs() -> None:
    ds = Dataset(default_union=True)
    ds.graph(URIRef("http://example.org/g1")).add((BCR.yoga, BC.improves, BCR.balance))
    ds.graph(URIRef("http://example.org/g2")).add((BCR.pilates, BC.improves, BCR.balance))
    sparql = "SELECT ?a WHERE { ?a bc:improves ?c } ORDER BY ?a"
    assert slugs(execute(ds, sparql, {"c": BCR.balance})) == ["pilates", "yoga"]
    from_g1 = "SELECT ?a FROM <http://example.org/g1> WHERE { ?a bc:improves ?c }"
    assert slugs(execute(ds, from_g1, {"c": BCR.balance})) == ["yoga"]


# -- values are terms, never text ---------------------------------------------------------------

@pytest.mark.parametrize("value", INJECTIONS)
def test_string_values_are_inert_literals(graph: Graph, value: str) -> None:
    before = to_isomorphic(graph)
    size = len(graph)
    result = execute(graph, "SELECT ?a WHERE { ?a bc:improves ?cap }", {"cap": value})
    assert result.rows == []
    assert len(graph) == size
    assert to_isomorphic(graph) == before


def test_a_string_value_is_a_plain_literal(graph: Graph) -> None:
    result = execute(graph, "SELECT ?cap WHERE { }", {"cap": '"x" } ; DROP ALL ; #'})
    assert result.rows == [{"cap": Literal('"x" } ; DROP ALL ; #')}]


@pytest.mark.parametrize(
    ("value", "term"),
    [
        ("text", Literal("text")),
        (True, Literal("true", datatype=URIRef(XSD + "boolean"))),
        (7, Literal("7", datatype=URIRef(XSD + "integer"))),
        (2.5, Literal("2.5", datatype=URIRef(XSD + "double"))),
        (Decimal("1.50"), Literal("1.50", datatype=URIRef(XSD + "decimal"))),
        (dt.date(2024, 5, 1), Literal("2024-05-01", datatype=URIRef(XSD + "date"))),
        (
            dt.datetime(2024, 5, 1, 10, 30),
            Literal("2024-05-01T10:30:00", datatype=URIRef(XSD + "dateTime")),
        ),
        (BCR.yoga, BCR.yoga),
        (BNode("b1"), BNode("b1")),
        (Literal("x", lang="es"), Literal("x", lang="es")),
    ],
)
def test_python_values_become_terms(value: object, term: object) -> None:
    assert as_term(value) == term
    assert type(as_term(value)) is type(term)


@pytest.mark.parametrize("value", [None, [1], {"a": 1}, object()])
def test_values_that_are_no_terms_are_refused(graph: Graph, value: object) -> None:
    with pytest.raises(ParameterError) as info:
        execute(graph, "SELECT ?a WHERE { ?a bc:improves ?cap }", {"cap": value})
    assert info.value.parameter == "cap"


def test_unknown_binding_variable(graph: Graph) -> None:
    with pytest.raises(ParameterError) as info:
        execute(graph, "SELECT ?a WHERE { ?a bc:improves ?cap }", {"capacity": BCR.balance})
    assert info.value.parameter == "capacity"
    assert info.value.accepted == ["?a", "?cap"]
    assert str(info.value) == (
        "parameter 'capacity': not a variable of the query (accepted: ?a, ?cap)"
    )


def test_assigned_variables_cannot_be_bound(graph: Graph) -> None:
    sparql = "SELECT ?a ?x WHERE { ?a bc:rank ?r BIND(?r * 2 AS ?x) }"
    with pytest.raises(ParameterError, match="assigns"):
        execute(graph, sparql, {"x": 2})
    with pytest.raises(ParameterError, match="assigns"):
        execute(graph, "SELECT (COUNT(?a) AS ?n) WHERE { ?a bc:rank ?r }", {"n": 3})


def test_variables_of_a_query() -> None:
    query = prepare(
        "SELECT ?a (COUNT(?c) AS ?n) WHERE { ?a bc:improves ?c BIND(STR(?a) AS ?s) } GROUP BY ?a"
    )
    assert query_variables(query) == {"a", "c", "n", "s"}
    assert assigned_variables(query) == {"n", "s"}


# -- errors -------------------------------------------------------------------------------------


def test_parse_error_line_and_column() -> None:
    sparql = "SELECT ?a\nWHERE {\n  ?a bc:improves ?c .\n  FILTER(?c = )\n}"
    with pytest.raises(QueryError) as info:
        prepare(sparql, source="mine.rq")
    assert (info.value.line, info.value.column, info.value.source) == (4, 3, "mine.rq")
    assert str(info.value) == "mine.rq:4:3: syntax error in the SELECT query near 'FILTER'"


def test_parse_error_on_the_query_form() -> None:
    with pytest.raises(QueryError) as info:
        prepare("# a comment\n  SELEC ?a WHERE { ?a ?b ?c }")
    assert (info.value.line, info.value.column) == (2, 3)
    assert str(info.value) == (
        "query:2:3: expected SELECT, CONSTRUCT, DESCRIBE or ASK, found 'SELEC'"
    )


def test_parse_error_at_the_end() -> None:
    with pytest.raises(QueryError) as info:
        prepare("SELECT ?a WHERE {\n  ?a ?b ?c ")
    assert (info.value.line, info.value.column) == (2, 12)
    assert "the end of the query" in str(info.value)


def test_parse_error_columns_count_tabs_and_escapes_as_written() -> None:
    with pytest.raises(QueryError) as info:
        prepare("SELECT * WHERE {\n\t?a\t?b '\\u00e9' FILTER(?a = ) }")
    assert (info.value.line, info.value.column) == (2, 17)


def test_unknown_prefix_is_located() -> None:
    with pytest.raises(QueryError) as info:
        prepare("SELECT ?a WHERE {\n  ?a zz:p ?b }")
    assert (info.value.line, info.value.column) == (2, 6)
    assert "unknown prefix 'zz:'" in str(info.value)


@pytest.mark.parametrize(
    "update",
    [
        "INSERT DATA { <http://example.org/a> <http://example.org/b> <http://example.org/c> }",
        "PREFIX ex: <http://example.org/>\nDELETE WHERE { ?s ?p ?o }",
        "DELETE { ?s ?p ?o } INSERT { ?s ?p 1 } WHERE { ?s ?p ?o }",
        "LOAD <http://example.org/data.ttl>",
        "CLEAR ALL",
        "DROP ALL",
        "CREATE GRAPH <http://example.org/g>",
    ],
)
def test_updates_are_refused(graph: Graph, update: str) -> None:
    size = len(graph)
    with pytest.raises(QueryError, match="read-only"):
        execute(graph, update, {})
    assert len(graph) == size


def test_update_position() -> None:
    with pytest.raises(QueryError) as info:
        prepare("PREFIX ex: <http://example.org/>\nDELETE WHERE { ?s ?p ?o }")
    assert (info.value.line, info.value.column) == (2, 1)


def test_service_and_unknown_from_graphs_are_refused(graph: Graph) -> None:
    with pytest.raises(QueryError, match="SERVICE is not allowed"):
        execute(graph, "SELECT * WHERE { SERVICE <http://example.org/sparql> { ?s ?p ?o } }", {})
    with pytest.raises(QueryError, match="no such graph"):
        execute(graph, "SELECT * FROM <http://example.org/data.ttl> WHERE { ?s ?p ?o }", {})
    with pytest.raises(QueryError, match="no such graph"):
        execute(Dataset(), "SELECT * FROM NAMED <file:///etc/passwd> WHERE { ?s ?p ?o }", {})


def test_evaluation_errors_are_query_errors(graph: Graph) -> None:
    with pytest.raises(QueryError) as info:
        execute(graph, "SELECT * WHERE { GRAPH ?g { ?s ?p ?o } }", {}, source="named")
    assert str(info.value).startswith("named: evaluation failed: ")


def test_a_query_must_be_text(graph: Graph) -> None:
    with pytest.raises(QueryError):
        execute(graph, b"SELECT * WHERE { ?s ?p ?o }", {})  # type: ignore[arg-type]
