"""``KnowledgeGraph.query_dataset``: a query over the graphs named apart from its text, as the
SPARQL 1.1 Protocol's ``default-graph-uri`` and ``named-graph-uri`` do, with the same answers
on both engines and from a store."""

from __future__ import annotations

import pytest
from rdflib import RDF, Graph, URIRef
from rdflib.term import Node

from backcare_kg import KnowledgeGraph
from backcare_kg.errors import QueryError, QueryRefused
from backcare_kg.sparql.preparation import DatasetDescription
from backcare_kg.storage.store import build_store
from backcare_kg.vocab import ASSERTED_GRAPH, BC, BCR, INFERRED_GRAPH

# raised inside rdflib when it evaluates GRAPH ?g over a Dataset; not ours to fix
pytestmark = pytest.mark.filterwarnings(
    "ignore:Dataset.contexts is deprecated:DeprecationWarning")

ASSERTED, INFERRED = str(ASSERTED_GRAPH), str(INFERRED_GRAPH)
FLAGSHIP = ("SELECT ?a WHERE { ?a bc:improves bcr:balance ; "
            "bc:allowedInPhase bcr:chronic-phase }")
GRAPHS = "SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } } ORDER BY ?g"
SIZES = "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g ORDER BY ?g"
SIZE = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"


@pytest.fixture(scope="module", params=["oxigraph", "rdflib", "store"])
def graph(request: pytest.FixtureRequest, kg: KnowledgeGraph,
          tmp_path_factory: pytest.TempPathFactory) -> KnowledgeGraph:
    """The bundled graph, queried by each engine, and from an on-disk store."""
    if request.param == "oxigraph":
        return kg
    if request.param == "store":
        directory = tmp_path_factory.mktemp("store") / "store"
        build_store(directory)
        return KnowledgeGraph.open(directory)
    return KnowledgeGraph(kg.asserted, kg.inferred, engine="rdflib")


def without_reifications(graph: KnowledgeGraph, found: Graph) -> set[tuple[Node, Node, Node]]:
    """A DESCRIBE's triples but for what sparql/engines.py documents: rdflib's concise bounded
    description also holds the reifications (rdf:Statement nodes) of the triples it
    describes, as data/licenses.ttl holds for most of ours; pyoxigraph's does not."""
    nodes = set(found.subjects(RDF.type, RDF.Statement))
    assert bool(nodes) == (graph.engine.name == "rdflib")
    rest = {triple for triple in found if triple[0] not in nodes}
    for node in nodes:  # each the reification of a triple described
        reified = (found.value(node, RDF.subject), found.value(node, RDF.predicate),
                   found.value(node, RDF.object))
        assert reified in rest, reified
    return rest


def column(graph: KnowledgeGraph, sparql: str, var: str, **options: object) -> list[str]:
    return [str(v) for v in graph.query_dataset(sparql, **options).values(var)]


@pytest.mark.parametrize(("default", "named", "expected"), [
    ([ASSERTED, INFERRED], [], [str(BCR.yoga)]),
    ([INFERRED, ASSERTED], [ASSERTED], [str(BCR.yoga)]),
    ([ASSERTED], [], []),  # yoga's phase is inferred
    ([INFERRED], [], []),  # what it improves is asserted
    ([], [ASSERTED, INFERRED], []),  # named graphs only: the default graph is empty
])
def test_the_flagship_answer_needs_both_graphs(graph: KnowledgeGraph, default: list[str],
                                               named: list[str], expected: list[str]) -> None:
    assert column(graph, FLAGSHIP, "a", default_graphs=default, named_graphs=named) == expected


def test_the_default_graph_is_the_merge_of_those_named(graph: KnowledgeGraph,
                                                       kg: KnowledgeGraph) -> None:
    def size(**options: object) -> int:
        return int(column(graph, SIZE, "n", **options)[0])

    assert size(default_graphs=[ASSERTED]) == len(kg.asserted)
    assert size(default_graphs=[INFERRED]) == len(kg.inferred)
    assert size(default_graphs=[ASSERTED, INFERRED]) == len(kg)
    assert size(named_graphs=[ASSERTED]) == 0


def test_named_graphs_are_only_those_named(graph: KnowledgeGraph, kg: KnowledgeGraph) -> None:
    assert column(graph, GRAPHS, "g", named_graphs=[ASSERTED]) == [ASSERTED]
    assert column(graph, GRAPHS, "g", default_graphs=[ASSERTED, INFERRED]) == []
    assert column(graph, GRAPHS, "g", default_graphs=[ASSERTED],
                  named_graphs=[INFERRED, ASSERTED]) == [ASSERTED, INFERRED]
    result = graph.query_dataset(SIZES, named_graphs=[INFERRED])
    assert [(str(r["g"]), int(r["n"])) for r in result.rows] == [(INFERRED, len(kg.inferred))]


def test_the_graphs_named_replace_from_and_from_named(graph: KnowledgeGraph) -> None:
    from_inferred = FLAGSHIP.replace("WHERE", f"FROM <{INFERRED}> WHERE")
    assert column(graph, from_inferred, "a") == []
    assert column(graph, from_inferred, "a", default_graphs=[ASSERTED, INFERRED]) == [str(BCR.yoga)]
    from_named = GRAPHS.replace("WHERE", f"FROM NAMED <{INFERRED}> WHERE")
    assert column(graph, from_named, "g") == [INFERRED]
    assert column(graph, from_named, "g", named_graphs=[ASSERTED]) == [ASSERTED]
    # neither: the query's own dataset, as kg.query gives
    assert column(graph, from_named, "g", default_graphs=[], named_graphs=[]) == [INFERRED]


def test_every_query_form(graph: KnowledgeGraph, kg: KnowledgeGraph) -> None:
    ask = "ASK { bcr:yoga a bc:SuggestedActivity }"
    assert graph.query_dataset(ask, default_graphs=[ASSERTED]).boolean is False
    assert graph.query_dataset(ask, default_graphs=[INFERRED]).boolean is True
    asserted = set(kg.asserted.triples((BCR.yoga, None, None)))
    inferred = set(kg.inferred.triples((BCR.yoga, None, None)))
    assert asserted and inferred
    construct = "CONSTRUCT { bcr:yoga ?p ?o } WHERE { bcr:yoga ?p ?o }"
    found = graph.query_dataset(construct, default_graphs=[INFERRED]).graph
    assert found is not None and set(found) == inferred
    for form in ("DESCRIBE bcr:yoga", "DESCRIBE ?a WHERE { ?a rdfs:label 'yoga'@es }"):
        found = graph.query_dataset(form, default_graphs=[ASSERTED]).graph
        assert found is not None and without_reifications(graph, found) == asserted, form
    # the pattern matches in the inferred graph alone: nothing to describe in the asserted
    pattern = "DESCRIBE ?a WHERE { ?a a bc:SuggestedActivity ; rdfs:label 'yoga'@es }"
    assert len(graph.query_dataset(pattern, default_graphs=[ASSERTED]).graph or ()) == 0
    found = graph.query_dataset(pattern, default_graphs=[ASSERTED, INFERRED]).graph
    assert found is not None and without_reifications(graph, found) == asserted | inferred
    described = graph.query_dataset("DESCRIBE bcr:yoga", named_graphs=[ASSERTED]).graph
    assert described is not None and len(described) == 0


def test_values_are_bound_as_with_query(graph: KnowledgeGraph) -> None:
    sparql = "SELECT ?a WHERE { ?a a ?kind } ORDER BY ?a"
    suggested = column(graph, sparql, "a", default_graphs=[INFERRED], kind=BC.SuggestedActivity)
    assert str(BCR.yoga) in suggested
    assert column(graph, sparql, "a", default_graphs=[ASSERTED], kind=BC.SuggestedActivity) == []


def test_one_iri_as_text_names_one_graph(graph: KnowledgeGraph) -> None:
    assert column(graph, GRAPHS, "g", named_graphs=ASSERTED) == [ASSERTED]
    assert column(graph, GRAPHS, "g", named_graphs=URIRef(INFERRED)) == [INFERRED]


@pytest.mark.parametrize(("options", "message"), [
    ({"default_graphs": ["http://example.org/elsewhere"]},
     "query: default-graph-uri <http://example.org/elsewhere>: the dataset has no such graph "
     "(remote data is never loaded)"),
    ({"default_graphs": [ASSERTED], "named_graphs": [INFERRED, "file:///etc/passwd"]},
     "query: named-graph-uri <file:///etc/passwd>: the dataset has no such graph (remote data "
     "is never loaded)"),
])
def test_a_graph_the_dataset_lacks_is_an_error_as_with_from(
        graph: KnowledgeGraph, options: dict[str, list[str]], message: str) -> None:
    with pytest.raises(QueryError) as caught:
        graph.query_dataset("ASK { ?s ?p ?o }", **options)
    assert str(caught.value) == message
    # as FROM does, with the same words
    with pytest.raises(QueryError, match="^query: FROM <http://example.org/elsewhere>: the "
                       "dataset has no such graph"):
        graph.query("ASK FROM <http://example.org/elsewhere> { ?s ?p ?o }")


def test_errors_of_the_query_come_first(graph: KnowledgeGraph) -> None:
    with pytest.raises(QueryError) as caught:
        graph.query_dataset("SELECT ?a WHER { }", default_graphs=[ASSERTED])
    assert str(caught.value) == "query:1:11: syntax error in the SELECT query near 'WHER'"
    with pytest.raises(QueryRefused, match="SERVICE is not allowed"):
        graph.query_dataset("SELECT * { SERVICE <http://example.org/sparql> { ?s ?p ?o } }",
                            default_graphs=[ASSERTED])


def test_a_description_lists_its_graphs_with_their_parameters() -> None:
    description = DatasetDescription.of([ASSERTED], [INFERRED, ASSERTED])
    assert description.default_graphs == (ASSERTED_GRAPH,)
    assert description.graphs() == [(ASSERTED_GRAPH, "default-graph-uri"),
                                    (INFERRED_GRAPH, "named-graph-uri"),
                                    (ASSERTED_GRAPH, "named-graph-uri")]
    assert [dict(c) for c in description.clauses()] == [
        {"default": ASSERTED_GRAPH}, {"named": INFERRED_GRAPH}, {"named": ASSERTED_GRAPH}]
