"""The SPARQL 1.1 Service Description of the endpoint
(https://www.w3.org/TR/sparql11-service-description/).

What never changes (languages, features, result formats, the dataset's graphs) is Turtle in
``service_description.ttl``; :func:`describe` adds what the server only knows when asked: the
endpoint's URL and the size of each graph, and leaves out a graph the dataset lacks.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping
from importlib import resources

from rdflib import RDF, BNode, Graph, Literal, URIRef
from rdflib.namespace import Namespace

from backcare_kg.vocab import VOID

SD = Namespace("http://www.w3.org/ns/sparql-service-description#")

#: The syntaxes of the description: rdflib's name of each, by media type (the first is the
#: default).
SYNTAXES = {"text/turtle": "turtle", "application/ld+json": "json-ld",
            "application/n-triples": "nt", "application/rdf+xml": "xml"}

#: The queries whose answers give the graphs' sizes (:func:`sizes_from`): the triples of each
#: named graph (``?g``, ``?n``), and of the default graph (``?n``, an RDF merge).
SIZE_QUERIES = (
    "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g",
    "SELECT (COUNT(*) AS ?n) WHERE { SELECT DISTINCT ?s ?p ?o WHERE { ?s ?p ?o } }",
)


def sizes_from(answers: list[dict[str, object]]) -> dict[str, int]:
    """The sizes in the SPARQL JSON ``answers`` to :data:`SIZE_QUERIES`: the triples of each
    named graph by IRI, and of the default graph under the key ``""``."""
    sizes: dict[str, int] = {}
    for answer in answers:
        results = answer["results"]
        assert isinstance(results, dict)
        for row in results["bindings"]:
            sizes[row["g"]["value"] if "g" in row else ""] = int(row["n"]["value"])
    return sizes


def describe(endpoint: str, sizes: Mapping[str, int] | None) -> Graph:
    """The description of the endpoint at ``endpoint`` (a URL), whose graphs have ``sizes``
    (from :func:`sizes_from`; None to say nothing of sizes nor leave any graph out)."""
    graph = Graph()
    graph.parse(data=_constant_part(), format="turtle")
    graph.bind("sd", SD)
    graph.bind("void", VOID)
    service = graph.value(predicate=RDF.type, object=SD.Service)
    assert isinstance(service, BNode)
    graph.add((service, SD.endpoint, URIRef(endpoint)))
    if sizes is None:
        return graph
    dataset = graph.value(service, SD.defaultDataset)
    for entry in list(graph.objects(dataset, SD.namedGraph)):
        name = str(graph.value(entry, SD.name))
        inner = graph.value(entry, SD.graph)
        if name not in sizes:  # e.g. the inferred graph of a server without inference
            graph.remove((dataset, SD.namedGraph, entry))
            graph.remove((entry, None, None))
            graph.remove((inner, None, None))
        elif inner is not None:
            graph.add((inner, VOID.triples, Literal(sizes[name])))
    default = graph.value(dataset, SD.defaultGraph)
    if default is not None and "" in sizes:
        graph.add((default, VOID.triples, Literal(sizes[""])))
    return graph


@functools.cache
def _constant_part() -> str:
    return (resources.files("backcare_kg.server") / "service_description.ttl").read_text("utf-8")
