"""Linked data on a real server: every IRI of the dataset dereferences, by content
negotiation or by extension, in every RDF syntax; unknown and hostile paths get 404s."""

from __future__ import annotations

import json
import socket

import httpx
import pytest
from rdflib import OWL, RDF, RDFS, BNode, Graph, Literal, URIRef
from rdflib.compare import isomorphic
from rdflib.namespace import DCTERMS, SKOS
from support.live_server import LiveServer
from support.pages import SYNTAXES

from backcare_kg import KnowledgeGraph
from backcare_kg.vocab import ASSERTED_GRAPH, BC, BCR, INFERRED_GRAPH, ONTOLOGY, SUPPORT_GRAPH, VOID
from backcare_kg.web.dataset import DATASET

pytestmark = [
    pytest.mark.server,
    # raised inside rdflib's JSON-LD parser; not ours to fix
    pytest.mark.filterwarnings("ignore:ConjunctiveGraph is deprecated:DeprecationWarning"),
]


def parse(response: httpx.Response, extension: str) -> Graph:
    return Graph().parse(data=response.text, format=SYNTAXES[extension][1])


# -- resources --------------------------------------------------------------------------------


@pytest.mark.parametrize("extension", list(SYNTAXES))
def test_resource_by_accept(client: httpx.Client, extension: str) -> None:
    media_type, _ = SYNTAXES[extension]
    response = client.get("/resource/yoga", headers={"Accept": media_type})
    assert response.status_code == 200
    assert response.headers["content-type"].split(";")[0] == media_type
    assert response.headers["content-location"] == f"/resource/yoga.{extension}"
    assert response.headers["vary"] == "Accept"
    assert '</resource/yoga.ttl>; rel="alternate"; type="text/turtle"' in \
        response.headers["link"]
    graph = parse(response, extension)
    yoga = BCR.yoga
    assert (yoga, RDF.type, BC.Activity) in graph  # asserted
    assert (yoga, RDF.type, BC.SuggestedActivity) in graph  # inferred
    assert (yoga, SKOS.prefLabel, Literal("yoga", lang="en")) in graph
    assert (yoga, RDFS.label, Literal("yoga", lang="es")) in graph
    assert (yoga, BC.improves, BCR.balance) in graph
    assert (yoga, BC.allowedInPhase, BCR["chronic-phase"]) in graph
    assert (yoga, BC.justifiedBy, BCR["claim-selection-criterion"]) in graph
    assert not list(graph.triples((yoga, BC.recommendedInPhase, None)))  # nothing infers it
    assert (BCR["claim-yoga-description"], BC.about, yoga) in graph  # incoming
    assert (BCR["chronic-phase"], SKOS.prefLabel, Literal("chronic phase", lang="en")) in graph


def test_every_syntax_says_the_same(client: httpx.Client, kg: KnowledgeGraph) -> None:
    from backcare_kg.web.describe import describe

    expected = describe(kg, BCR["claim-exercise-helps-back-pain"])
    assert expected is not None
    for extension in SYNTAXES:
        response = client.get(f"/resource/claim-exercise-helps-back-pain.{extension}")
        assert response.status_code == 200
        assert "vary" not in response.headers  # the URL names the variant
        assert isomorphic(parse(response, extension), expected.graph()), extension


def test_json_ld_names_the_published_context(client: httpx.Client, server: LiveServer) -> None:
    response = client.get("/resource/yoga", headers={"Accept": "application/ld+json"})
    document = response.json()
    assert document["@context"] == f"{server.url}/context.jsonld"
    node = next(n for n in document["@graph"] if n["@id"] == "bcr:yoga")
    assert "bc:SuggestedActivity" in node["@type"]
    assert {"@id": "bcr:balance"} in node["bc:improves"]
    context = client.get("/context.jsonld")
    assert context.headers["content-type"] == "application/ld+json"
    prefixes = context.json()["@context"]
    assert prefixes["bc"] == str(BC) and prefixes["bcr"] == str(BCR)
    assert prefixes["skos"] == str(SKOS) and prefixes["oa"] == "http://www.w3.org/ns/oa#"
    # rdflib fetches the context from the server (loopback) to expand the document
    graph = Graph().parse(data=response.text, format="json-ld")
    assert (BCR.yoga, BC.improves, BCR.balance) in graph


def test_html_is_the_default(client: httpx.Client) -> None:
    for accept in (None, "*/*", "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"):
        headers = {"Accept": accept} if accept else {}
        response = client.get("/resource/yoga", headers=headers)
        assert response.status_code == 200
        assert response.headers["content-type"] == "text/html; charset=utf-8"
        assert response.headers["content-location"] == "/resource/yoga.html"
        assert response.headers["vary"] == "Accept, Accept-Language"
    explicit = client.get("/resource/yoga.html", headers={"Accept": "text/turtle"})
    assert explicit.headers["content-type"] == "text/html; charset=utf-8"


def test_quality_values_are_honoured(client: httpx.Client) -> None:
    response = client.get("/resource/yoga", headers={
        "Accept": "text/html;q=0.5, application/n-triples;q=0.9, text/turtle;q=0.1"})
    assert response.headers["content-type"] == "application/n-triples"
    refused = client.get("/resource/yoga", headers={"Accept": "image/png"})
    assert refused.status_code == 406
    assert "text/turtle" in refused.text


def test_accept_language(client: httpx.Client) -> None:
    spanish = client.get("/resource/yoga", headers={"Accept-Language": "es-ES,es;q=0.9"})
    assert spanish.headers["content-language"] == "es"
    assert '<html lang="es">' in spanish.text
    assert "actividad sugerida" in spanish.text and "Afirmaciones del grafo" in spanish.text
    english = client.get("/resource/yoga", headers={"Accept-Language": "fr, en;q=0.5"})
    assert '<html lang="en">' in english.text and "suggested activity" in english.text
    override = client.get("/resource/balance?lang=es", headers={"Accept-Language": "en"})
    assert "<h1>equilibrio</h1>" in override.text


def test_head(client: httpx.Client) -> None:
    get = client.get("/resource/yoga", headers={"Accept": "text/turtle"})
    head = client.head("/resource/yoga", headers={"Accept": "text/turtle"})
    assert head.status_code == 200 and head.content == b""
    assert head.headers["content-length"] == get.headers["content-length"]
    assert head.headers["content-location"] == "/resource/yoga.ttl"
    assert client.head("/resource/no-such-thing").status_code == 404


# -- 404s and hostile paths -------------------------------------------------------------------


@pytest.mark.parametrize("path", [
    "/resource/no-such-thing", "/resource/Yoga", "/resource/yoga_", "/resource/-yoga",
    "/resource/%2e%2e", "/resource/..%2F..%2Fetc%2Fpasswd", "/resource/yoga%00",
    "/resource/yoga%00.ttl", "/resource/%ff", "/resource/yoga.exe", "/resource/yoga/",
    "/resource/" + "a" * 3000, "/ontology/0.0.9", "/ontology.exe", "/graph/other",
    "/graph/asserted.exe", "/.well-known/void.xyz", "/nothing/here", "/resource",
])
def test_not_found(client: httpx.Client, path: str) -> None:
    page = client.get(path, headers={"Accept": "text/html"})
    assert page.status_code == 404
    assert page.headers["content-type"] == "text/html; charset=utf-8"
    assert "<h1>Not found</h1>" in page.text and "Traceback" not in page.text
    text = client.get(path, headers={"Accept": "text/turtle"})
    assert text.status_code == 404
    assert text.headers["content-type"] == "text/plain; charset=utf-8"
    assert text.text.startswith("not found: ")


def test_unknown_resource_says_which(client: httpx.Client) -> None:
    response = client.get("/resource/no-such-thing", headers={"Accept": "text/turtle"})
    assert response.text == (
        "not found: no resource https://w3id.org/backcare-kg/resource/no-such-thing in this "
        "dataset\n")


def raw_get(server: LiveServer, target: str) -> tuple[int, bytes]:
    """GET ``target`` exactly as written (no client normalizes its dot segments)."""
    host, port = server.url.removeprefix("http://").split(":")
    with socket.create_connection((host, int(port)), timeout=10) as sock:
        sock.sendall(f"GET {target} HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n"
                     "Accept: text/plain\r\n\r\n".encode())
        data = b""
        while chunk := sock.recv(65536):
            data += chunk
    status = int(data.split(b" ", 2)[1])
    return status, data.partition(b"\r\n\r\n")[2]


@pytest.mark.parametrize("target", [
    "/resource/../../../../etc/passwd", "/resource/..", "/resource/./yoga/../../pyproject.toml",
    "/static/../../../pyproject.toml", "/static/../app.py", "/static/%2e%2e/app.py",
    "/resource/%2e%2e/%2e%2e/etc/passwd",
])
def test_path_traversal_is_refused(server: LiveServer, target: str) -> None:
    status, body = raw_get(server, target)
    assert status == 404, (target, body[:200])
    assert b"root:" not in body and b"[project]" not in body and b"import" not in body


# -- the ontology, the graphs, VoID -----------------------------------------------------------


@pytest.mark.parametrize("path", ["/ontology", "/ontology/0.1.0"])
def test_ontology_document(client: httpx.Client, path: str) -> None:
    response = client.get(path, headers={"Accept": "text/turtle"})
    assert response.status_code == 200
    assert response.headers["content-location"] == f"{path}.ttl"
    graph = parse(response, "ttl")
    assert (ONTOLOGY, RDF.type, OWL.Ontology) in graph
    assert (ONTOLOGY, OWL.versionIRI, URIRef(f"{ONTOLOGY}/0.1.0")) in graph
    assert (BC.Activity, RDF.type, OWL.Class) in graph
    assert (BC.Activity, RDFS.label, Literal("actividad", lang="es")) in graph
    assert (BC.SuspensionTraining, RDFS.subClassOf, BC.StrengthTraining) in graph
    assert (BCR.yoga, None, None) not in graph  # the ontology, not the data
    html = client.get(path)
    assert html.headers["content-type"] == "text/html; charset=utf-8"
    assert 'id="Activity"' in html.text


def test_ontology_syntaxes_agree(client: httpx.Client) -> None:
    turtle = parse(client.get("/ontology.ttl"), "ttl")
    for extension in ("jsonld", "nt", "rdf"):
        response = client.get(f"/ontology.{extension}")
        assert response.status_code == 200
        assert isomorphic(parse(response, extension), turtle), extension


@pytest.mark.parametrize(("which", "iri"), [("asserted", ASSERTED_GRAPH),
                                            ("inferred", INFERRED_GRAPH),
                                            ("support", SUPPORT_GRAPH)])
def test_graph_dumps(client: httpx.Client, kg: KnowledgeGraph, which: str, iri: URIRef) -> None:
    expected = {"asserted": kg.asserted, "inferred": kg.inferred,
                "support": kg.support_graph}[which]
    response = client.get(f"/graph/{which}", headers={"Accept": "application/n-triples"})
    assert response.status_code == 200
    assert response.headers["content-location"] == f"/graph/{which}.nt"
    lines = response.text.splitlines()
    assert lines == sorted(lines)
    graph = parse(response, "nt")
    assert len(graph) == len(expected)

    def ground(g: Graph) -> set[tuple[object, ...]]:
        return {t for t in g if not any(isinstance(n, BNode) for n in t)}

    assert ground(graph) == ground(expected)
    if which == "support":  # blank nodes only: the same graph up to their names
        assert isomorphic(graph, expected)
    turtle = client.get(f"/graph/{which}.ttl")
    assert len(parse(turtle, "ttl")) == len(expected)
    page = client.get(f"/graph/{which}")
    assert page.headers["content-type"] == "text/html; charset=utf-8"
    assert f'href="/graph/{which}.ttl"' in page.text


def test_void(client: httpx.Client, kg: KnowledgeGraph) -> None:
    response = client.get("/.well-known/void")  # no Accept: Turtle
    assert response.status_code == 200
    assert response.headers["content-type"] == "text/turtle; charset=utf-8"
    graph = parse(response, "ttl")
    assert (DATASET, RDF.type, VOID.Dataset) in graph
    total = len(kg.asserted) + len(kg.inferred) + len(kg.support_graph)
    assert (DATASET, VOID.triples, Literal(total)) in graph
    assert (DATASET, VOID.sparqlEndpoint, URIRef("https://w3id.org/backcare-kg/sparql")) in graph
    assert (DATASET, DCTERMS.license, URIRef("https://creativecommons.org/licenses/by/4.0/")) \
        in graph
    assert (ASSERTED_GRAPH, VOID.dataDump, URIRef(f"{ASSERTED_GRAPH}.ttl")) in graph
    assert (INFERRED_GRAPH, VOID.triples, Literal(len(kg.inferred))) in graph
    assert (SUPPORT_GRAPH, VOID.triples, Literal(len(kg.support_graph))) in graph
    assert (SUPPORT_GRAPH, VOID.dataDump, URIRef(f"{SUPPORT_GRAPH}.ttl")) in graph
    for extension in ("jsonld", "nt", "rdf"):
        other = client.get("/.well-known/void", headers={"Accept": SYNTAXES[extension][0]})
        assert isomorphic(parse(other, extension), graph), extension
    page = client.get("/.well-known/void", headers={"Accept": "text/html"})
    assert page.headers["content-type"] == "text/html; charset=utf-8"
    assert "void:DatasetDescription" in page.text


def test_home_gives_rdf_clients_the_void(client: httpx.Client) -> None:
    response = client.get("/", headers={"Accept": "text/turtle"})
    assert response.headers["content-location"] == "/.well-known/void.ttl"
    assert (DATASET, RDF.type, VOID.Dataset) in parse(response, "ttl")
    page = client.get("/")
    assert page.headers["content-type"] == "text/html; charset=utf-8"
    assert '</.well-known/void.ttl>; rel="describedby"' in page.headers["link"]


def test_context_is_valid_json(client: httpx.Client) -> None:
    document = json.loads(client.get("/context.jsonld").text)
    assert set(document) == {"@context"}
