"""Results and the W3C SPARQL 1.1 result formats, exactly, and through rdflib's parsers."""

from __future__ import annotations

import io
import json

import pytest
from rdflib import BNode, Graph, Literal, URIRef, Variable
from rdflib.compare import isomorphic
from rdflib.query import Result as RdflibResult
from rdflib.term import Node

from backcare_kg import ParameterError
from backcare_kg.sparql.preparation import execute
from backcare_kg.sparql.results import (
    GRAPH_FORMATS,
    RESULT_FORMATS,
    Result,
    formats_for,
    get_format,
)
from backcare_kg.vocab import BC, BCR

XSD = "http://www.w3.org/2001/XMLSchema#"
BLANK = BNode("N0f3a9c")
ROWS: list[dict[str, Node | None]] = [
    {
        "s": URIRef("http://example.org/a?x=1&y=2"),
        "label": Literal("Balance", lang="en"),
        "name": Literal("Pilates"),
        "n": Literal(3),
        "opt": None,
    },
    {
        "s": BLANK,
        "label": Literal('Equilibrio, "estable"', lang="es"),
        "name": Literal("two\nlines\tand a tab"),
        "n": Literal("2.5", datatype=URIRef(XSD + "decimal")),
        "opt": Literal("true", datatype=URIRef(XSD + "boolean")),
    },
    {
        "s": BLANK,
        "label": None,
        "name": Literal("<b> & 'c'\r"),
        "n": Literal("1.5e3", datatype=URIRef(XSD + "double"), normalize=False),
        "opt": None,
    },
]


@pytest.fixture()
def result() -> Result:
    return Result("SELECT", ["s", "label", "name", "n", "opt"], ROWS)


CSV = (
    "s,label,name,n,opt\r\n"
    "http://example.org/a?x=1&y=2,Balance,Pilates,3,\r\n"
    '_:b0,"Equilibrio, ""estable""","two\nlines\tand a tab",2.5,true\r\n'
    "_:b0,,\"<b> & 'c'\r\",1.5e3,\r\n"
)

TSV = (
    "?s\t?label\t?name\t?n\t?opt\n"
    '<http://example.org/a?x=1&y=2>\t"Balance"@en\t"Pilates"\t3\t\n'
    '_:b0\t"Equilibrio, \\"estable\\""@es\t"two\\nlines\\tand a tab"\t2.5\t'
    '"true"^^<http://www.w3.org/2001/XMLSchema#boolean>\n'
    "_:b0\t\t\"<b> & 'c'\\r\"\t1.5e3\t\n"
)

XML = """<?xml version="1.0" encoding="utf-8"?>
<sparql xmlns="http://www.w3.org/2005/sparql-results#">
  <head>
    <variable name="s"/>
    <variable name="label"/>
    <variable name="name"/>
    <variable name="n"/>
    <variable name="opt"/>
  </head>
  <results>
    <result>
      <binding name="s"><uri>http://example.org/a?x=1&amp;y=2</uri></binding>
      <binding name="label"><literal xml:lang="en">Balance</literal></binding>
      <binding name="name"><literal>Pilates</literal></binding>
      <binding name="n"><literal datatype="http://www.w3.org/2001/XMLSchema#integer">3</literal></binding>
    </result>
    <result>
      <binding name="s"><bnode>b0</bnode></binding>
      <binding name="label"><literal xml:lang="es">Equilibrio, "estable"</literal></binding>
      <binding name="name"><literal>two
lines\tand a tab</literal></binding>
      <binding name="n"><literal datatype="http://www.w3.org/2001/XMLSchema#decimal">2.5</literal></binding>
      <binding name="opt"><literal datatype="http://www.w3.org/2001/XMLSchema#boolean">true</literal></binding>
    </result>
    <result>
      <binding name="s"><bnode>b0</bnode></binding>
      <binding name="name"><literal>&lt;b&gt; &amp; 'c'&#13;</literal></binding>
      <binding name="n"><literal datatype="http://www.w3.org/2001/XMLSchema#double">1.5e3</literal></binding>
    </result>
  </results>
</sparql>
"""

JSON = {
    "head": {"vars": ["s", "label", "name", "n", "opt"]},
    "results": {
        "bindings": [
            {
                "s": {"type": "uri", "value": "http://example.org/a?x=1&y=2"},
                "label": {"type": "literal", "value": "Balance", "xml:lang": "en"},
                "name": {"type": "literal", "value": "Pilates"},
                "n": {"type": "literal", "value": "3", "datatype": XSD + "integer"},
            },
            {
                "s": {"type": "bnode", "value": "b0"},
                "label": {"type": "literal", "value": 'Equilibrio, "estable"', "xml:lang": "es"},
                "name": {"type": "literal", "value": "two\nlines\tand a tab"},
                "n": {"type": "literal", "value": "2.5", "datatype": XSD + "decimal"},
                "opt": {"type": "literal", "value": "true", "datatype": XSD + "boolean"},
            },
            {
                "s": {"type": "bnode", "value": "b0"},
                "name": {"type": "literal", "value": "<b> & 'c'\r"},
                "n": {"type": "literal", "value": "1.5e3", "datatype": XSD + "double"},
            },
        ]
    },
}


def test_csv(result: Result) -> None:
    assert result.to_csv() == CSV
    assert result.serialize("csv") == CSV


def test_tsv(result: Result) -> None:
    assert result.to_tsv() == TSV


def test_json(result: Result) -> None:
    text = result.to_json()
    assert json.loads(text) == JSON
    assert text == json.dumps(JSON, ensure_ascii=False, indent=2) + "\n"
    assert list(json.loads(text)) == ["head", "results"]


def test_xml(result: Result) -> None:
    assert result.to_xml() == XML


def parsed(text: str, fmt: str) -> list[dict[str, object]]:
    back = RdflibResult.parse(io.StringIO(text), format=fmt)
    assert back.vars == [Variable(v) for v in ("s", "label", "name", "n", "opt")]
    return [{str(k): v for k, v in row.items()} for row in back.bindings]


def as_read(value: object) -> object:
    """A term as rdflib's parsers read it back: bnode relabelled, lexical form normalized."""
    if value == BLANK:
        return BNode("b0")
    if isinstance(value, Literal):
        return Literal(str(value), lang=value.language, datatype=value.datatype)
    return value


def relabelled() -> list[dict[str, object]]:
    return [{k: as_read(v) for k, v in row.items() if v is not None} for row in ROWS]


@pytest.mark.parametrize("fmt", ["json", "xml", "tsv"])
def test_round_trip_through_rdflib(result: Result, fmt: str) -> None:
    assert parsed(result.serialize(fmt), fmt) == relabelled()


def test_csv_round_trip_is_lossy_as_specified(result: Result) -> None:
    # CSV keeps strings only: rdflib reads back IRIs, "_:" blank nodes and plain literals.
    assert parsed(result.to_csv(), "csv") == [
        {
            "s": URIRef("http://example.org/a?x=1&y=2"),
            "label": Literal("Balance"),
            "name": Literal("Pilates"),
            "n": Literal("3"),
        },
        {
            "s": BNode("_:b0"),
            "label": Literal('Equilibrio, "estable"'),
            "name": Literal("two\nlines\tand a tab"),
            "n": Literal("2.5"),
            "opt": Literal("true"),
        },
        {"s": BNode("_:b0"), "name": Literal("<b> & 'c'\r"), "n": Literal("1.5e3")},
    ]


def test_tsv_abbreviates_only_turtle_numbers() -> None:
    values = [
        Literal(7),
        Literal("-0.5", datatype=URIRef(XSD + "decimal")),
        Literal("1.0E3", datatype=URIRef(XSD + "double"), normalize=False),
        Literal("1000.0", datatype=URIRef(XSD + "double"), normalize=False),
        Literal("1", datatype=URIRef(XSD + "decimal"), normalize=False),
    ]
    tsv = Result("SELECT", ["v"], [{"v": v} for v in values]).to_tsv()
    assert tsv.splitlines()[1:] == [
        "7",
        "-0.5",
        "1.0E3",
        f'"1000.0"^^<{XSD}double>',
        f'"1"^^<{XSD}decimal>',
    ]


def test_empty_select(result: Result) -> None:
    empty = Result("SELECT", ["a", "b"], [])
    assert empty.to_csv() == "a,b\r\n"
    assert empty.to_tsv() == "?a\t?b\n"
    assert json.loads(empty.to_json()) == {
        "head": {"vars": ["a", "b"]},
        "results": {"bindings": []},
    }
    assert len(empty) == 0
    assert not empty


@pytest.mark.parametrize("answer", [True, False])
def test_ask(answer: bool) -> None:
    ask = Result("ASK", boolean=answer)
    word = "true" if answer else "false"
    assert ask.to_json() == f'{{\n  "head": {{}},\n  "boolean": {word}\n}}\n'
    assert ask.to_xml() == (
        '<?xml version="1.0" encoding="utf-8"?>\n'
        '<sparql xmlns="http://www.w3.org/2005/sparql-results#">\n'
        f"  <head/>\n  <boolean>{word}</boolean>\n</sparql>\n"
    )
    for fmt in ("json", "xml"):
        assert RdflibResult.parse(io.StringIO(ask.serialize(fmt)), format=fmt).askAnswer is answer
    for fmt in ("csv", "tsv"):
        with pytest.raises(ParameterError) as info:
            ask.serialize(fmt)
        assert info.value.accepted == ["json", "xml"]


def test_ask_and_graph_results_have_no_length() -> None:
    with pytest.raises(TypeError, match="result.boolean"):
        len(Result("ASK", boolean=True))
    with pytest.raises(TypeError, match="result.graph"):
        list(Result("CONSTRUCT", graph=Graph()))
    with pytest.raises(TypeError, match="result.boolean"):
        bool(Result("ASK", boolean=False))


def test_rows_iteration_and_values(result: Result) -> None:
    assert len(result) == 3
    assert [row["name"] for row in result] == [r["name"] for r in ROWS]
    assert result.values("?opt") == [None, Literal("true", datatype=URIRef(XSD + "boolean")), None]
    with pytest.raises(ParameterError) as info:
        result.values("nope")
    assert info.value.accepted == ["?s", "?label", "?name", "?n", "?opt"]


def test_from_rdflib_keeps_projection_order_and_unbound() -> None:
    graph = Graph()
    graph.add((BCR.yoga, BC.improves, BCR.balance))
    graph.add((BCR.pilates, BC.improves, BCR.strength))
    graph.add((BCR.yoga, BC.label, Literal("Yoga", lang="en")))
    result = execute(
        graph,
        "SELECT ?l ?a WHERE { ?a bc:improves ?c OPTIONAL { ?a bc:label ?l } } ORDER BY ?a",
        {},
    )
    assert result.vars == ["l", "a"]
    assert result.rows == [
        {"l": None, "a": BCR.pilates},
        {"l": Literal("Yoga", lang="en"), "a": BCR.yoga},
    ]


CONSTRUCTED = [
    (BCR.yoga, BC.improves, BCR.balance),
    (BCR.yoga, BC.label, Literal("Yoga", lang="en")),
    (BCR.pilates, BC.note, BNode("x1")),
]


@pytest.fixture()
def graph_result() -> Result:
    graph = Graph()
    for triple in CONSTRUCTED:
        graph.add(triple)
    return execute(graph, "CONSTRUCT WHERE { ?s ?p ?o }", {})


def test_graph_result_binds_prefixes(graph_result: Result) -> None:
    assert graph_result.kind == "CONSTRUCT"
    assert graph_result.graph is not None
    prefixes = dict(graph_result.graph.namespaces())
    assert prefixes["bc"] == URIRef(str(BC))
    assert prefixes["bcr"] == URIRef(str(BCR))
    assert "@prefix bcr: <https://w3id.org/backcare-kg/resource/> ." in graph_result.serialize(
        "turtle"
    )


def test_ntriples_are_sorted_and_exact(graph_result: Result) -> None:
    nt = graph_result.serialize("nt")
    lines = nt.splitlines()
    assert lines == sorted(lines)
    assert nt.endswith(" .\n")
    assert (
        "<https://w3id.org/backcare-kg/resource/yoga> <https://w3id.org/backcare-kg/ontology#"
        'label> "Yoga"@en .' in lines
    )
    assert graph_result.serialize("nquads") == nt


@pytest.mark.parametrize(
    ("fmt", "rdflib_format"),
    [
        ("turtle", "turtle"),
        ("ttl", "turtle"),
        ("nt", "nt"),
        ("nquads", "nquads"),
        ("trig", "trig"),
        ("xml", "xml"),
        ("json-ld", "json-ld"),
        ("jsonld", "json-ld"),
    ],
)
def test_graph_formats_parse_back(graph_result: Result, fmt: str, rdflib_format: str) -> None:
    text = graph_result.serialize(fmt)
    back = Graph()
    back.parse(data=text, format=rdflib_format)
    expected = Graph()
    for triple in CONSTRUCTED:
        expected.add(triple)
    assert isomorphic(back, expected)


def test_format_registry() -> None:
    assert list(RESULT_FORMATS) == ["csv", "tsv", "json", "xml"]
    assert list(GRAPH_FORMATS) == ["turtle", "nt", "nquads", "trig", "xml", "json-ld"]
    assert list(formats_for("ASK")) == ["json", "xml"]
    assert get_format("SELECT", "JSON").media_type == "application/sparql-results+json"
    assert get_format("SELECT", "xml").media_type == "application/sparql-results+xml"
    assert get_format("CONSTRUCT", "xml").media_type == "application/rdf+xml"
    assert get_format("DESCRIBE", "ttl").name == "turtle"
    assert get_format("SELECT", "csv").media_type == "text/csv; charset=utf-8"


def test_unknown_format() -> None:
    with pytest.raises(ParameterError) as info:
        get_format("SELECT", "turtle")
    assert info.value.parameter == "format"
    assert info.value.accepted == ["csv", "tsv", "json", "xml"]
    with pytest.raises(ParameterError, match="RDF formats are for CONSTRUCT"):
        GRAPH_FORMATS["turtle"].write(Result("SELECT", ["a"], []))
