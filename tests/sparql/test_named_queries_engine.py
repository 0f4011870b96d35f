"""Named query files: grlc headers, parameters from variables, binding, errors."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path

import pytest
from rdflib import Graph, Literal

from backcare_kg import DataError, ParameterError, QueryError, UnknownQueryError
from backcare_kg.sparql.named_queries import NamedQuery, Parameter, find, load_named_queries
from backcare_kg.sparql.preparation import execute
from backcare_kg.sparql.term_resolver import TermResolver
from backcare_kg.vocab import BC, BCR

DATA = """
@prefix bc: <https://w3id.org/backcare-kg/ontology#> .
@prefix bcr: <https://w3id.org/backcare-kg/resource/> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
bcr:balance a bc:PhysicalCapacity ; rdfs:label "balance"@en, "equilibrio"@es .
bcr:flexibility a bc:PhysicalCapacity ; rdfs:label "flexibility"@en, "flexibilidad"@es .
bcr:chronic-phase a bc:PainPhase ; rdfs:label "chronic phase"@en, "fase crónica"@es .
bcr:acute-phase a bc:PainPhase ; rdfs:label "acute phase"@en, "fase aguda"@es .
bcr:pilates a bc:Activity ; rdfs:label "Pilates"@en ; bc:improves bcr:balance ;
    bc:allowedInPhase bcr:chronic-phase .
bcr:yoga a bc:Activity ; rdfs:label "Yoga"@en ; bc:improves bcr:balance, bcr:flexibility ;
    bc:allowedInPhase bcr:chronic-phase, bcr:acute-phase .
"""

ACTIVITIES = """\
#+ summary: Activities that improve a capacity
#+ description: >
#+   Which activities improve a capacity,
#+   optionally in a phase.
#+ tags:
#+   - activities
#+   - capacities
#+ params:
#+   capacity:
#+     class: bc:PhysicalCapacity
#+     description: The capacity to improve.
#+     example: balance
#+   phase:
#+     class: bc:PainPhase

# An ordinary comment may sit in the header block.
SELECT DISTINCT ?activity ?label WHERE {
  ?activity bc:improves ?_capacity_iri ; rdfs:label ?label .
  ?activity bc:allowedInPhase ?__phase_iri .
}
ORDER BY ?activity
LIMIT 100
"""

TYPED = """\
#+ summary: Every parameter type
#+ description: Mentions ?__iri_iri and ?__ratio_decimal before the query does.
ASK {
  FILTER(?_count_integer >= 0 && ?__ratio_decimal >= 0 && ?__flag_boolean
         && ?__day_date <= "2030-01-01"^^xsd:date && ?__since_xsd_date <= ?__day_date
         && STR(?__word) != "" && STR(?__text_literal) != "" && STR(?__title_es) != ""
         && ?__iri_iri != <urn:x>)
}
"""


def write(directory: Path, name: str, text: str) -> Path:
    path = directory / f"{name}.rq"
    path.write_text(text, encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def query_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    directory = tmp_path_factory.mktemp("queries")
    write(directory, "activities", ACTIVITIES)
    write(directory, "typed", TYPED)
    write(
        directory,
        "capacities",
        "#+ summary: Capacities\nSELECT ?c WHERE { ?c a bc:PhysicalCapacity } ORDER BY ?c\n",
    )
    return directory


@pytest.fixture(scope="module")
def queries(query_dir: Path) -> dict[str, NamedQuery]:
    return load_named_queries([query_dir])


@pytest.fixture(scope="module")
def graph() -> Graph:
    g = Graph()
    g.parse(data=DATA, format="turtle")
    return g


@pytest.fixture(scope="module")
def resolver(graph: Graph) -> TermResolver:
    return TermResolver(graph)


# -- headers and parameters ---------------------------------------------------------------------


def test_header_and_parameters(queries: dict[str, NamedQuery], query_dir: Path) -> None:
    assert list(queries) == ["activities", "capacities", "typed"]
    q = queries["activities"]
    assert q.name == "activities"
    assert q.path == query_dir / "activities.rq"
    assert q.summary == "Activities that improve a capacity"
    assert q.description == "Which activities improve a capacity, optionally in a phase."
    assert q.tags == ("activities", "capacities")
    assert q.kind == "SELECT"
    assert q.text == ACTIVITIES
    assert q.parameters == (
        Parameter(
            "capacity",
            "_capacity_iri",
            True,
            "iri",
            None,
            BC.PhysicalCapacity,
            "The capacity to improve.",
            "balance",
            None,
        ),
        Parameter("phase", "__phase_iri", False, "iri", None, BC.PainPhase),
    )
    assert queries["capacities"].parameters == ()
    assert queries["typed"].kind == "ASK"


def test_to_dict(queries: dict[str, NamedQuery]) -> None:
    assert queries["activities"].to_dict() == {
        "name": "activities",
        "summary": "Activities that improve a capacity",
        "description": "Which activities improve a capacity, optionally in a phase.",
        "tags": ["activities", "capacities"],
        "kind": "SELECT",
        "parameters": [
            {
                "name": "capacity",
                "required": True,
                "type": "iri",
                "language": None,
                "class": "bc:PhysicalCapacity",
                "description": "The capacity to improve.",
                "example": "balance",
                "default": None,
            },
            {
                "name": "phase",
                "required": False,
                "type": "iri",
                "language": None,
                "class": "bc:PainPhase",
                "description": None,
                "example": None,
                "default": None,
            },
        ],
    }


def test_parameter_names_and_types(queries: dict[str, NamedQuery]) -> None:
    got = [
        (p.name, p.variable, p.required, p.type, p.language) for p in queries["typed"].parameters
    ]
    assert got == [
        ("count", "_count_integer", True, "integer", None),
        ("ratio", "__ratio_decimal", False, "decimal", None),
        ("flag", "__flag_boolean", False, "boolean", None),
        ("day", "__day_date", False, "date", None),
        ("since", "__since_xsd_date", False, "date", None),
        ("word", "__word", False, "string", None),
        ("text", "__text_literal", False, "string", None),
        ("title", "__title_es", False, "string", "es"),
        ("iri", "__iri_iri", False, "iri", None),
    ]


# -- binding ------------------------------------------------------------------------------------


def test_bind_resolves_and_types(queries: dict[str, NamedQuery], resolver: TermResolver) -> None:
    typed = queries["typed"]
    assert typed.bind(
        {
            "count": "42",
            "ratio": "0.5",
            "flag": "true",
            "day": "2024-02-29",
            "since": dt.date(2024, 1, 1),
            "word": "w",
            "text": "t",
            "title": "fase crónica",
            "iri": "bcr:balance",
        },
        resolver,
    ) == {
        "_count_integer": Literal(42),
        "__ratio_decimal": Literal(Decimal("0.5")),
        "__flag_boolean": Literal(True),
        "__day_date": Literal(dt.date(2024, 2, 29)),
        "__since_xsd_date": Literal(dt.date(2024, 1, 1)),
        "__word": Literal("w"),
        "__text_literal": Literal("t"),
        "__title_es": Literal("fase crónica", lang="es"),
        "__iri_iri": BCR.balance,
    }
    assert typed.bind({"count": 7, "flag": False, "ratio": 2}, resolver) == {
        "_count_integer": Literal(7),
        "__ratio_decimal": Literal(Decimal(2)),
        "__flag_boolean": Literal(False),
    }


def test_optional_parameters_stay_free(
    queries: dict[str, NamedQuery], resolver: TermResolver, graph: Graph
) -> None:
    q = queries["activities"]
    bindings = q.bind({"capacity": "Equilibrio"}, resolver)
    assert bindings == {"_capacity_iri": BCR.balance}
    assert execute(graph, q.text, bindings).values("activity") == [BCR.pilates, BCR.yoga]
    bindings = q.bind({"capacity": "equilibrio", "phase": "aguda"}, resolver)
    assert bindings == {"_capacity_iri": BCR.balance, "__phase_iri": BCR["acute-phase"]}
    assert execute(graph, q.text, bindings).values("activity") == [BCR.yoga]
    assert q.bind({"capacity": BCR.flexibility, "phase": None}, resolver) == {
        "_capacity_iri": BCR.flexibility
    }


def test_defaults_apply_when_not_given(tmp_path: Path, resolver: TermResolver) -> None:
    write(
        tmp_path,
        "top",
        "#+ defaults:\n#+   - limit: 3\n#+   - lang: es\n"
        "SELECT ?s WHERE { ?s ?p ?o FILTER(?__limit_integer > 0 "
        "&& ?__lang != '') }\n",
    )
    q = load_named_queries([tmp_path / "top.rq"])["top"]
    assert [p.default for p in q.parameters] == ["3", "es"]
    assert q.bind({}, resolver) == {"__limit_integer": Literal(3), "__lang": Literal("es")}
    assert q.bind({"limit": 5}, resolver)["__limit_integer"] == Literal(5)


def test_missing_required_parameter(queries: dict[str, NamedQuery], resolver: TermResolver) -> None:
    with pytest.raises(ParameterError) as info:
        queries["activities"].bind({"phase": "chronic"}, resolver)
    assert info.value.parameter == "capacity"
    assert info.value.accepted == ["capacity", "phase"]
    assert str(info.value) == (
        "parameter 'capacity': required by the named query 'activities' (accepted: capacity, phase)"
    )


def test_unknown_parameter(queries: dict[str, NamedQuery], resolver: TermResolver) -> None:
    with pytest.raises(ParameterError) as info:
        queries["activities"].bind({"capacity": "balance", "goal": "analgesia"}, resolver)
    assert info.value.parameter == "goal"
    assert info.value.accepted == ["capacity", "phase"]


@pytest.mark.parametrize(
    ("params", "parameter", "message"),
    [
        ({"count": "abc"}, "count", "expected an integer, got 'abc'"),
        ({"count": "1.5"}, "count", "expected an integer, got '1.5'"),
        ({"count": True}, "count", "expected an integer, got True"),
        ({"count": 1, "ratio": "x"}, "ratio", "expected a decimal number, got 'x'"),
        ({"count": 1, "flag": "maybe"}, "flag", "expected true or false, got 'maybe'"),
        (
            {"count": 1, "day": "2024-02-30"},
            "day",
            "expected a date (YYYY-MM-DD), got '2024-02-30'",
        ),
        ({"count": 1, "day": "20240101"}, "day", "expected a date (YYYY-MM-DD), got '20240101'"),
        ({"count": 1, "word": 3}, "word", "expected text, got 3"),
        ({"count": 1, "iri": 3}, "iri", "expected an IRI, a slug or a label, got 3"),
        (
            {"count": 1, "iri": "nothing-like-this"},
            "iri",
            "no resource matches 'nothing-like-this'",
        ),
    ],
)
def test_ill_typed_parameters(
    queries: dict[str, NamedQuery],
    resolver: TermResolver,
    params: dict[str, object],
    parameter: str,
    message: str,
) -> None:
    with pytest.raises(ParameterError) as info:
        queries["typed"].bind(params, resolver)
    assert info.value.parameter == parameter
    assert str(info.value).startswith(f"parameter {parameter!r}: {message}")


def test_an_iri_of_the_wrong_class(queries: dict[str, NamedQuery], resolver: TermResolver) -> None:
    with pytest.raises(ParameterError) as info:
        queries["activities"].bind({"capacity": "chronic phase"}, resolver)
    assert info.value.parameter == "capacity"
    assert sorted(info.value.accepted) == ["balance", "flexibility"]


# -- finding ------------------------------------------------------------------------------------


def test_find_and_suggestions(queries: dict[str, NamedQuery]) -> None:
    assert find(queries, "activities") is queries["activities"]
    with pytest.raises(UnknownQueryError) as info:
        find(queries, "activites")
    assert info.value.suggestions == ["activities", "capacities"]
    assert info.value.available == ["activities", "capacities", "typed"]
    assert str(info.value) == (
        "unknown named query 'activites': did you mean activities, capacities?"
    )
    with pytest.raises(UnknownQueryError) as info:
        find(queries, "zzz")
    assert info.value.suggestions == []
    assert "available: activities, capacities, typed" in str(info.value)


# -- malformed files ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "line", "message"),
    [
        ("#+ summary: ok\n#+ tags: [a\nSELECT * WHERE { ?s ?p ?o }\n", 2, "malformed header"),
        (
            "#+ summary: ok\n#+ endpoint: http://x\nSELECT * WHERE { ?s ?p ?o }\n",
            2,
            "unknown header key 'endpoint'",
        ),
        ("#+ tags: one\nSELECT * WHERE { ?s ?p ?o }\n", 1, "tags must be a list"),
        ("#+ - a\nSELECT * WHERE { ?s ?p ?o }\n", 1, "must be a mapping"),
        ("SELECT ?s WHERE {\n  ?s ?p ?_min_count_integer }\n", 2, "unknown type suffix"),
        (
            "#+ summary: x\nSELECT * WHERE {\n  ?s ?p ?o }\n#+ tags: [a]\n",
            4,
            "after the query text",
        ),
        (
            "#+ params:\n#+   nope:\n#+     class: bc:Activity\nSELECT * WHERE { ?s ?p ?_x_iri }\n",
            2,
            "'nope' is not a parameter",
        ),
        (
            "#+ params:\n#+   x:\n#+     class: bc:Activity\n"
            "SELECT * WHERE { ?s ?p ?_x_integer }\n",
            2,
            "applies to IRI parameters only",
        ),
        (
            "#+ params:\n#+   x:\n#+     class: zz:Activity\nSELECT * WHERE { ?s ?p ?_x_iri }\n",
            2,
            "not a prefixed name with a known prefix",
        ),
        (
            "#+ params:\n#+   x:\n#+     colour: red\nSELECT * WHERE { ?s ?p ?_x_iri }\n",
            2,
            "takes only class, description, example",
        ),
        ("#+ defaults:\n#+   - x: abc\nSELECT * WHERE { ?s ?p ?_x_integer }\n", 2, "bad default"),
        ("SELECT * WHERE {\n ?s ?p ?_x_iri . ?s ?q ?__x_iri }\n", 2, "are both the parameter 'x'"),
        ("SELECT ?_x WHERE {\n ?s ?p ?o BIND(1 AS ?_x) }\n", 1, "assigned by the query"),
    ],
)
def test_malformed_named_queries(tmp_path: Path, text: str, line: int, message: str) -> None:
    path = write(tmp_path, "bad", text)
    with pytest.raises(DataError) as info:
        load_named_queries([path])
    assert (info.value.path, info.value.line) == (str(path), line)
    assert message in str(info.value)
    assert str(info.value).startswith(f"{path}:{line}: ")


def test_syntax_error_is_located_in_the_file(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "broken",
        "#+ summary: broken\n#+ tags: [a]\n\nSELECT ?s WHERE {\n  ?s ?p ?o\n  FILTER(?o = )\n}\n",
    )
    with pytest.raises(QueryError) as info:
        load_named_queries([path])
    assert (info.value.source, info.value.line, info.value.column) == (str(path), 6, 3)


def test_duplicate_names(tmp_path: Path) -> None:
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    write(tmp_path / "a", "same", "SELECT * WHERE { ?s ?p ?o }\n")
    write(tmp_path / "b", "same", "SELECT * WHERE { ?s ?p ?o }\n")
    with pytest.raises(DataError, match="also defined in"):
        load_named_queries([tmp_path / "a", tmp_path / "b"])


def test_unreadable_file(tmp_path: Path) -> None:
    path = tmp_path / "latin1.rq"
    path.write_bytes("#+ summary: caf\xe9\nSELECT * WHERE { ?s ?p ?o }\n".encode("latin-1"))
    with pytest.raises(DataError, match="cannot read"):
        load_named_queries([path])
    with pytest.raises(DataError, match="cannot read"):
        load_named_queries([tmp_path / "missing.rq"])


def test_a_query_without_header(tmp_path: Path) -> None:
    path = write(tmp_path, "plain", "DESCRIBE ?x WHERE { ?x ?p ?_v }")
    q = load_named_queries([path])["plain"]
    assert (q.summary, q.description, q.tags, q.kind) == ("", "", (), "DESCRIBE")
    assert [p.name for p in q.parameters] == ["v"]


def test_language_typed_parameter_matches_data(
    tmp_path: Path, graph: Graph, resolver: TermResolver
) -> None:
    path = write(tmp_path, "by-label", "SELECT ?a WHERE { ?a rdfs:label ?_label_en }")
    q = load_named_queries([path])["by-label"]
    bindings = q.bind({"label": "Yoga"}, resolver)
    assert execute(graph, q.text, bindings, source=q.name).values("a") == [BCR.yoga]
    assert execute(graph, q.text, q.bind({"label": '"Yoga"@en'}, resolver)).rows == []
    assert bindings == {"_label_en": Literal("Yoga", lang="en")}
