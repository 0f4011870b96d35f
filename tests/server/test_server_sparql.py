"""The SPARQL 1.1 Protocol at ``/sparql``, against a real server with real clients:
SPARQLWrapper in every result format, rdflib's ``SPARQLStore``, and httpx for the protocol's
variants, the dataset parameters, content negotiation, errors and the service description.
Answers are compared with the same query run in this process."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from typing import Any
from urllib.error import HTTPError

import httpx
import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.compare import isomorphic
from rdflib.namespace import RDF, Namespace
from rdflib.plugins.stores.sparqlstore import SPARQLStore
from SPARQLWrapper import (
    CSV,
    GET,
    JSON,
    JSONLD,
    N3,
    POST,
    POSTDIRECTLY,
    RDFXML,
    TSV,
    TURTLE,
    URLENCODED,
    XML,
    SPARQLWrapper,
)
from support.live_server import LiveServer
from support.stand_in_pool import StandInPool, request

from backcare_kg import KnowledgeGraph
from backcare_kg.server.pool import PoolBusy, QueryTimeout, WorkerFailed
from backcare_kg.server.worker import Reply, Task
from backcare_kg.vocab import ASSERTED_GRAPH, BCR, INFERRED_GRAPH, SUPPORT_GRAPH, VOID

pytestmark = [
    pytest.mark.server,
    # raised inside SPARQLWrapper and rdflib's parsers when they read a graph; not ours to fix
    pytest.mark.filterwarnings("ignore:ConjunctiveGraph is deprecated:DeprecationWarning"),
]

SD = Namespace("http://www.w3.org/ns/sparql-service-description#")
FORMATS = Namespace("http://www.w3.org/ns/formats/")
YOGA = str(BCR.yoga)
ASSERTED, INFERRED = str(ASSERTED_GRAPH), str(INFERRED_GRAPH)
FLAGSHIP = ("SELECT ?a WHERE { ?a bc:improves bcr:balance ; "
            "bc:allowedInPhase bcr:chronic-phase }")
LABELS = ("SELECT ?activity ?label WHERE { ?activity a bc:Activity ; skos:prefLabel ?label } "
          "ORDER BY ?activity ?label")
ASK = "ASK { bcr:yoga a bc:SuggestedActivity }"
CONSTRUCT = ("CONSTRUCT { ?a a bc:SuggestedActivity ; rdfs:label ?l } WHERE { "
             "?a a bc:SuggestedActivity ; rdfs:label ?l }")
DESCRIBE = "DESCRIBE bcr:yoga"
SPARQL_JSON = "application/sparql-results+json"
SPARQL_XML = "application/sparql-results+xml"


@pytest.fixture(scope="module")
def endpoint(server: LiveServer) -> str:
    return server.url + "/sparql"


@pytest.fixture(scope="module")
def http(server: LiveServer) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=server.url, timeout=30) as client:
        yield client


def wrapper(endpoint: str, query: str, fmt: str, method: str) -> SPARQLWrapper:
    client = SPARQLWrapper(endpoint)
    client.setQuery(query)
    client.setReturnFormat(fmt)
    if method == POSTDIRECTLY:
        client.setMethod(POST)
        client.setRequestMethod(POSTDIRECTLY)
    else:
        client.setMethod(method)
        client.setRequestMethod(URLENCODED)
    return client


METHODS = [GET, POST, POSTDIRECTLY]

# -- SPARQLWrapper, every result format -------------------------------------------------------


@pytest.mark.parametrize("method", METHODS)
@pytest.mark.parametrize(("fmt", "name"), [(JSON, "json"), (XML, "xml"), (CSV, "csv"),
                                           (TSV, "tsv")])
def test_select_in_every_format(endpoint: str, kg: KnowledgeGraph, fmt: str, name: str,
                                method: str) -> None:
    for query in (FLAGSHIP, LABELS):
        result = wrapper(endpoint, query, fmt, method).query()
        media_type = result.info()["content-type"]
        body = result.response.read()
        assert body == kg.query(query).serialize(name).encode("utf-8")
        assert media_type.split(";")[0] == {
            "json": SPARQL_JSON, "xml": SPARQL_XML, "csv": "text/csv",
            "tsv": "text/tab-separated-values"}[name]
    answer = wrapper(endpoint, FLAGSHIP, fmt, method).query().convert()
    if fmt == JSON:
        assert answer == {"head": {"vars": ["a"]},
                          "results": {"bindings": [{"a": {"type": "uri", "value": YOGA}}]}}
    elif fmt == XML:
        assert [u.firstChild.data for u in answer.getElementsByTagName("uri")] == [YOGA]
    elif fmt == CSV:
        assert answer == f"a\r\n{YOGA}\r\n".encode()
    else:
        assert answer == f"?a\n<{YOGA}>\n".encode()


@pytest.mark.parametrize("method", METHODS)
@pytest.mark.parametrize("fmt", [JSON, XML])
def test_ask_in_json_and_xml(endpoint: str, fmt: str, method: str) -> None:
    for query, expected in ((ASK, True), (ASK.replace("yoga", "acute-phase"), False)):
        answer = wrapper(endpoint, query, fmt, method).query().convert()
        if fmt == JSON:
            assert answer == {"head": {}, "boolean": expected}
        else:
            [boolean] = answer.getElementsByTagName("boolean")
            assert boolean.firstChild.data == str(expected).lower()


GRAPH_FORMATS = [(TURTLE, "text/turtle", "turtle"), (N3, "text/turtle", "turtle"),
                 (JSONLD, "application/ld+json", "json-ld"),
                 (RDFXML, "application/rdf+xml", "xml"),
                 ("nt", "application/n-triples", "nt")]


@pytest.mark.parametrize("method", METHODS)
@pytest.mark.parametrize(("fmt", "media_type", "syntax"), GRAPH_FORMATS)
@pytest.mark.parametrize("query", [CONSTRUCT, DESCRIBE])
def test_construct_and_describe_in_every_format(endpoint: str, kg: KnowledgeGraph, query: str,
                                                fmt: str, media_type: str, syntax: str,
                                                method: str) -> None:
    expected = kg.query(query).graph
    assert expected is not None and len(expected) > 2
    if fmt == "nt":  # SPARQLWrapper has no name for N-Triples: ask for it by Accept
        client = wrapper(endpoint, query, TURTLE, method)
        client.setOnlyConneg(True)
        client.addCustomHttpHeader("Accept", "application/n-triples")
    else:
        client = wrapper(endpoint, query, fmt, method)
    result = client.query()
    assert result.info()["content-type"].split(";")[0] == media_type
    answer = result.convert()
    graph = answer if isinstance(answer, Graph) else Graph().parse(data=answer, format=syntax)
    assert isomorphic(graph, expected)


# -- rdflib's SPARQLStore -------------------------------------------------------------------------


@pytest.mark.parametrize("method", ["GET", "POST", "POST_FORM"])
def test_rdflib_sparqlstore(endpoint: str, kg: KnowledgeGraph, method: str) -> None:
    store = SPARQLStore(endpoint, method=method)
    union = Graph(store=store)
    # the server declares the project's prefixes (bc:, bcr:, ...) for every query
    assert [row[0] for row in union.query(FLAGSHIP)] == [BCR.yoga]
    assert union.query(ASK).askAnswer is True
    constructed = union.query(CONSTRUCT).graph
    assert constructed is not None and isomorphic(constructed, kg.query(CONSTRUCT).graph)
    # the union of the named graphs, the support levels' graph included
    assert len(union) == len(kg.asserted) + len(kg.inferred) + len(kg.support_graph)
    assert set(union.triples((BCR.yoga, None, None))) == set(kg.graph.triples(
        (BCR.yoga, None, None)))
    # a graph of the store is queried with default-graph-uri: yoga's phase is inferred
    asserted = Graph(store=store, identifier=ASSERTED_GRAPH)
    assert list(asserted.query(FLAGSHIP)) == []
    assert len(asserted) == len(kg.asserted)
    inferred = Graph(store=store, identifier=INFERRED_GRAPH)
    assert len(inferred) == len(kg.inferred)
    assert set(inferred.triples((BCR.yoga, None, None))) == set(
        kg.inferred.triples((BCR.yoga, None, None)))


# -- the protocol's variants -------------------------------------------------------------------


def test_get_and_both_posts_give_the_same_answer(http: httpx.Client, kg: KnowledgeGraph) -> None:
    expected = kg.query(LABELS).to_json().encode()
    get = http.get("/sparql", params={"query": LABELS})
    form = http.post("/sparql", data={"query": LABELS})
    direct = http.post("/sparql", content=LABELS.encode(),
                       headers={"Content-Type": "application/sparql-query"})
    charset = http.post("/sparql", content=LABELS.encode(), headers={
        "Content-Type": "application/sparql-query; charset=UTF-8"})
    for response in (get, form, direct, charset):
        assert response.status_code == 200
        assert response.headers["content-type"] == SPARQL_JSON
        assert response.headers["vary"].startswith("Accept")
        assert response.content == expected


def test_head_answers_without_a_body(http: httpx.Client) -> None:
    response = http.head("/sparql", params={"query": ASK})
    assert response.status_code == 200
    assert response.headers["content-type"] == SPARQL_JSON
    assert response.content == b""


def _flagship(response: httpx.Response) -> list[str]:
    assert response.status_code == 200, response.text
    return [b["a"]["value"] for b in response.json()["results"]["bindings"]]


@pytest.mark.parametrize(("graphs", "expected"), [
    ({}, [YOGA]),
    ({"default-graph-uri": [ASSERTED]}, []),  # the flagship answer is inferred
    ({"default-graph-uri": [INFERRED]}, []),
    ({"default-graph-uri": [ASSERTED, INFERRED]}, [YOGA]),
    ({"named-graph-uri": [ASSERTED, INFERRED]}, []),  # an empty default graph
])
def test_default_graph_uri_names_the_default_graph(http: httpx.Client, graphs: dict[str, Any],
                                                   expected: list[str]) -> None:
    assert _flagship(http.get("/sparql", params={"query": FLAGSHIP, **graphs})) == expected
    assert _flagship(http.post("/sparql", data={"query": FLAGSHIP, **graphs})) == expected
    direct = http.post("/sparql", params=graphs, content=FLAGSHIP.encode(),
                       headers={"Content-Type": "application/sparql-query"})
    assert _flagship(direct) == expected


def test_named_graph_uri_names_the_named_graphs(http: httpx.Client, kg: KnowledgeGraph) -> None:
    query = "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g ORDER BY ?g"

    def sizes(**graphs: Any) -> dict[str, int]:
        response = http.get("/sparql", params={"query": query, **graphs})
        assert response.status_code == 200, response.text
        return {b["g"]["value"]: int(b["n"]["value"])
                for b in response.json()["results"]["bindings"]}

    everything = {ASSERTED: len(kg.asserted), INFERRED: len(kg.inferred)}
    assert sizes() == {**everything, str(SUPPORT_GRAPH): len(kg.support_graph)}
    assert sizes(**{"named-graph-uri": ASSERTED}) == {ASSERTED: len(kg.asserted)}
    assert sizes(**{"named-graph-uri": [INFERRED, ASSERTED]}) == everything
    # they replace the query's FROM NAMED
    from_named = query.replace("WHERE", f"FROM NAMED <{INFERRED}> WHERE")
    response = http.get("/sparql", params={"query": from_named, "named-graph-uri": ASSERTED})
    assert response.json()["results"]["bindings"][0]["g"]["value"] == ASSERTED
    # and FROM
    from_inferred = FLAGSHIP.replace("WHERE", f"FROM <{INFERRED}> WHERE")
    assert _flagship(http.get("/sparql", params={"query": from_inferred})) == []
    assert _flagship(http.get("/sparql", params={
        "query": from_inferred, "default-graph-uri": [INFERRED, ASSERTED]})) == [YOGA]


@pytest.mark.parametrize(("graphs", "message"), [
    ({"default-graph-uri": "http://example.org/elsewhere"},
     "query: default-graph-uri <http://example.org/elsewhere>: the dataset has no such graph "
     "(remote data is never loaded)\n"),
    ({"named-graph-uri": "https://w3id.org/backcare-kg/graph/other"},
     "query: named-graph-uri <https://w3id.org/backcare-kg/graph/other>: the dataset has no "
     "such graph (remote data is never loaded)\n"),
    ({"default-graph-uri": "asserted"}, "default-graph-uri: 'asserted' is not an absolute IRI\n"),
    ({"named-graph-uri": "http://example.org/a b"},
     "named-graph-uri: 'http://example.org/a b' is not an absolute IRI\n"),
])
def test_an_unknown_graph_is_a_400(http: httpx.Client, graphs: dict[str, str],
                                   message: str) -> None:
    response = http.get("/sparql", params={"query": ASK, **graphs})
    assert response.status_code == 400
    assert response.headers["content-type"] == "text/plain; charset=utf-8"
    assert response.text == message


# -- content negotiation -----------------------------------------------------------------------


@pytest.mark.parametrize(("query", "accept", "media_type"), [
    (FLAGSHIP, None, SPARQL_JSON),
    (FLAGSHIP, "*/*", SPARQL_JSON),
    (FLAGSHIP, "application/json", SPARQL_JSON),
    (FLAGSHIP, "application/xml", SPARQL_XML),
    (FLAGSHIP, "text/csv;q=0.5, application/sparql-results+xml", SPARQL_XML),
    (FLAGSHIP, "application/sparql-results+xml;q=0.8, text/csv;q=0.9", "text/csv"),
    (FLAGSHIP, "image/png, text/*;q=0.2", "text/csv"),
    (FLAGSHIP, "text/tab-separated-values;q=0.3, */*;q=0.1", "text/tab-separated-values"),
    (FLAGSHIP, "text/html;q=0.5, application/xml", SPARQL_XML),
    (ASK, "text/csv, application/sparql-results+xml;q=0.1", SPARQL_XML),
    (CONSTRUCT, None, "text/turtle"),
    (CONSTRUCT, "application/ld+json;q=0.4, application/rdf+xml;q=0.5", "application/rdf+xml"),
    (CONSTRUCT, "application/n-triples", "application/n-triples"),
    (CONSTRUCT, "application/n-quads", "application/n-quads"),
    (CONSTRUCT, "application/trig", "application/trig"),
    (DESCRIBE, "application/sparql-results+json;q=1, application/ld+json;q=0.1",
     "application/ld+json"),
])
def test_the_format_follows_accept_and_its_weights(http: httpx.Client, kg: KnowledgeGraph,
                                                   query: str, accept: str | None,
                                                   media_type: str) -> None:
    headers = {"Accept": accept} if accept else {}
    response = http.get("/sparql", params={"query": query}, headers=headers)
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].split(";")[0] == media_type
    assert response.headers["vary"].startswith("Accept")
    from backcare_kg.server.worker import choose_format

    result = kg.query(query)
    fmt = choose_format(result.kind, None, [media_type])
    assert fmt is not None
    if result.kind in ("SELECT", "ASK"):
        assert response.text == fmt.write(result)
    else:
        parsed = Graph().parse(data=response.text, format={
            "text/turtle": "turtle", "application/rdf+xml": "xml", "application/n-triples": "nt",
            "application/n-quads": "nquads", "application/trig": "trig",
            "application/ld+json": "json-ld"}[media_type])
        assert result.graph is not None and isomorphic(parsed, result.graph)


@pytest.mark.parametrize(("query", "format", "media_type"), [
    (FLAGSHIP, "json", SPARQL_JSON), (FLAGSHIP, "xml", SPARQL_XML),
    (FLAGSHIP, "csv", "text/csv"), (FLAGSHIP, "TSV", "text/tab-separated-values"),
    (FLAGSHIP, "text/csv", "text/csv"), (ASK, "srx", SPARQL_XML),
    (CONSTRUCT, "turtle", "text/turtle"), (CONSTRUCT, "nt", "application/n-triples"),
    (CONSTRUCT, "jsonld", "application/ld+json"), (CONSTRUCT, "json", "application/ld+json"),
    (CONSTRUCT, "xml", "application/rdf+xml"), (CONSTRUCT, "rdfxml", "application/rdf+xml"),
    (DESCRIBE, "n3", "text/turtle"), (DESCRIBE, "trig", "application/trig"),
])
def test_a_format_parameter_wins_over_accept(http: httpx.Client, query: str, format: str,
                                             media_type: str) -> None:
    for name in ("format", "output"):
        response = http.get("/sparql", params={"query": query, name: format},
                            headers={"Accept": "application/sparql-results+json, text/turtle"})
        assert response.status_code == 200, response.text
        assert response.headers["content-type"].split(";")[0] == media_type


def test_nothing_acceptable_is_a_406_listing_what_is_offered(http: httpx.Client) -> None:
    ask = http.get("/sparql", params={"query": ASK}, headers={"Accept": "text/csv"})
    assert ask.status_code == 406
    assert ask.text == ("none of the accepted media types fits an ASK result; this server "
                        "offers: application/sparql-results+json, "
                        "application/sparql-results+xml\n")
    select = http.get("/sparql", params={"query": FLAGSHIP, "format": "turtle"})
    assert select.status_code == 406
    assert select.text == ("none of the accepted media types fits a SELECT result; this server "
                           "offers: text/csv, text/tab-separated-values, "
                           "application/sparql-results+json, application/sparql-results+xml\n")
    graph = http.get("/sparql", params={"query": DESCRIBE}, headers={"Accept": "image/png"})
    assert graph.status_code == 406
    assert graph.text.endswith("offers: text/turtle, application/n-triples, "
                               "application/n-quads, application/trig, application/rdf+xml, "
                               "application/ld+json\n")
    unknown = http.get("/sparql", params={"query": ASK, "format": "yaml"})
    assert unknown.status_code == 400
    assert unknown.text.startswith("format: unknown format 'yaml' (known: json, ")


# -- the request's errors -----------------------------------------------------------------------


@pytest.mark.parametrize(("request_", "status", "message"), [
    ({"method": "POST", "content": b"ASK {}", "headers": {"Content-Type": "text/plain"}}, 415,
     "this endpoint does not accept content type 'text/plain': POST a query as "
     "application/sparql-query, or as the 'query' field of application/x-www-form-urlencoded"),
    ({"method": "POST", "content": b"ASK {}"}, 415,
     "this endpoint does not accept a body without a content type: POST a query as "
     "application/sparql-query, or as the 'query' field of application/x-www-form-urlencoded"),
    ({"method": "POST", "content": b"ASK {}",
      "headers": {"Content-Type": "application/sparql-query; charset=latin-1"}}, 415,
     "the body is in latin-1: send it in UTF-8"),
    ({"method": "POST", "content": b"ASK { ?s ?p '\xe9' }",
      "headers": {"Content-Type": "application/sparql-query"}}, 400,
     "the body is not UTF-8 (byte 13)"),
    ({"method": "POST", "data": {"format": "json"}}, 400,
     "no query: send it in the 'query' field of the form"),
    ({"method": "GET", "params": {"query": "  \n"}}, 400, "the query is empty"),
    ({"method": "GET", "params": {"query": [ASK, ASK]}}, 400,
     "2 queries given: send one query per request"),
    ({"method": "POST", "params": {"query": ASK}, "content": ASK.encode(),
      "headers": {"Content-Type": "application/sparql-query"}}, 400,
     "2 queries given: send one query per request"),
    ({"method": "PUT", "content": b"<a> <b> <c> .",
      "headers": {"Content-Type": "text/turtle"}}, 405,
     "PUT is not allowed on /sparql: send a query by GET or POST (this endpoint is read-only)"),
    ({"method": "DELETE"}, 405,
     "DELETE is not allowed on /sparql: send a query by GET or POST (this endpoint is "
     "read-only)"),
])
def test_protocol_errors(http: httpx.Client, request_: dict[str, Any], status: int,
                         message: str) -> None:
    options = dict(request_)
    response = http.request(options.pop("method"), "/sparql", **options)
    assert response.status_code == status
    assert response.headers["content-type"] == "text/plain; charset=utf-8"
    assert response.text == message + "\n"
    if status == 405:
        assert response.headers["allow"] == "GET, HEAD, POST, OPTIONS"


def test_a_malformed_query_is_a_400_at_its_line_and_column(http: httpx.Client) -> None:
    query = "SELECT ?a\nWHERE {\n  ?a bc:improves \n}"
    response = http.post("/sparql", data={"query": query})
    assert response.status_code == 400
    assert response.text == "query:3:3: syntax error in the SELECT query near '?a'\n"


# -- CORS --------------------------------------------------------------------------------------


def test_cors_preflight_and_simple_requests(http: httpx.Client) -> None:
    origin = {"Origin": "https://tools.example.org"}
    preflight = http.options("/sparql", headers={
        **origin, "Access-Control-Request-Method": "POST",
        "Access-Control-Request-Headers": "Content-Type, Accept"})
    assert preflight.status_code == 200
    assert preflight.headers["access-control-allow-origin"] == "*"
    assert {"GET", "POST"} <= {m.strip() for m in
                               preflight.headers["access-control-allow-methods"].split(",")}
    assert "content-type" in preflight.headers["access-control-allow-headers"].lower()
    get = http.get("/sparql", params={"query": ASK}, headers=origin)
    assert get.status_code == 200
    assert get.headers["access-control-allow-origin"] == "*"
    post = http.post("/sparql", content=ASK.encode(), headers={
        **origin, "Content-Type": "application/sparql-query"})
    assert post.headers["access-control-allow-origin"] == "*"
    assert post.json() == {"head": {}, "boolean": True}
    error = http.get("/sparql", params={"query": "ASK {"}, headers=origin)
    assert error.status_code == 400
    assert error.headers["access-control-allow-origin"] == "*"  # browsers may read the message
    plain = http.options("/sparql")
    assert plain.status_code == 204
    assert plain.headers["allow"] == "GET, HEAD, POST, OPTIONS"


# -- the service description -------------------------------------------------------------------


def _description(http: httpx.Client, accept: str | None, syntax: str) -> Graph:
    response = http.get("/sparql", headers={"Accept": accept} if accept else {})
    assert response.status_code == 200, response.text
    assert response.headers["vary"].startswith("Accept")
    return Graph().parse(data=response.text, format=syntax)


def test_the_service_description(http: httpx.Client, endpoint: str, kg: KnowledgeGraph) -> None:
    response = http.get("/sparql")
    assert response.headers["content-type"] == "text/turtle; charset=utf-8"
    graph = Graph().parse(data=response.text, format="turtle")
    [service] = graph.subjects(RDF.type, SD.Service)
    assert graph.value(service, SD.endpoint) == URIRef(endpoint)
    assert set(graph.objects(service, SD.supportedLanguage)) == {SD.SPARQL11Query}
    assert set(graph.objects(service, SD.feature)) == {SD.UnionDefaultGraph}
    assert set(graph.objects(service, SD.resultFormat)) == {
        FORMATS[name] for name in ("SPARQL_Results_JSON", "SPARQL_Results_XML",
                                   "SPARQL_Results_CSV", "SPARQL_Results_TSV", "Turtle",
                                   "N-Triples", "JSON-LD", "RDF_XML", "N-Quads", "TriG")}
    dataset = graph.value(service, SD.defaultDataset)
    default = graph.value(dataset, SD.defaultGraph)
    assert graph.value(default, VOID.triples) == Literal(
        len(kg.asserted) + len(kg.inferred) + len(kg.support_graph))
    named = {graph.value(n, SD.name): graph.value(graph.value(n, SD.graph), VOID.triples)
             for n in graph.objects(dataset, SD.namedGraph)}
    assert named == {ASSERTED_GRAPH: Literal(len(kg.asserted)),
                     INFERRED_GRAPH: Literal(len(kg.inferred)),
                     SUPPORT_GRAPH: Literal(len(kg.support_graph))}


@pytest.mark.parametrize(("accept", "syntax"), [
    ("application/ld+json", "json-ld"), ("application/n-triples", "nt"),
    ("application/rdf+xml", "xml"), ("text/turtle;q=0.2, application/rdf+xml;q=0.9", "xml"),
    ("application/sparql-results+json, */*;q=0.1", "turtle"),
])
def test_the_service_description_in_every_syntax(http: httpx.Client, accept: str,
                                                 syntax: str) -> None:
    turtle = _description(http, None, "turtle")
    assert isomorphic(_description(http, accept, syntax), turtle)


def test_a_browser_is_sent_to_the_home_page(http: httpx.Client) -> None:
    response = http.get("/sparql", headers={
        "Accept": "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"})
    assert response.status_code == 303
    assert response.headers["location"] == "/#query"
    unacceptable = http.get("/sparql", headers={"Accept": "image/png"})
    assert unacceptable.status_code == 406
    assert unacceptable.text == ("none of the accepted media types fits the service "
                                 "description; this server offers: text/turtle, "
                                 "application/ld+json, application/n-triples, "
                                 "application/rdf+xml\n")
    named = http.get("/sparql", params={"format": "jsonld"})
    assert named.headers["content-type"] == "application/ld+json"


# -- SPARQLWrapper errors ------------------------------------------------------------------------


def test_sparqlwrapper_sees_the_errors(endpoint: str) -> None:
    from SPARQLWrapper.SPARQLExceptions import QueryBadFormed

    with pytest.raises(QueryBadFormed, match="query:1:12: syntax error in the SELECT query "
                       "near '\\?s'"):
        wrapper(endpoint, "SELECT * { ?s ?p }", JSON, GET).query()
    update = SPARQLWrapper(endpoint)
    update.setQuery("INSERT DATA { bcr:yoga bc:improves bcr:strength }")
    update.setMethod(POST)
    with pytest.raises(HTTPError) as caught:
        update.query()
    assert caught.value.code == 403
    assert b"read-only" in caught.value.read()


# -- in this process, with a stand-in pool: the workers' failures -------------------------------


def _request(kg: KnowledgeGraph, pool: StandInPool, method: str,
             **options: Any) -> httpx.Response:
    return request(kg, pool, method, "/sparql", **options)


@pytest.mark.parametrize(("failure", "status", "message"), [
    (QueryTimeout("the query ran past this server's time limit of 4.5 s and was stopped"), 503,
     "the query ran past this server's time limit of 4.5 s and was stopped: narrow the query, "
     "or add a LIMIT\n"),
    (PoolBusy("every query worker stayed busy for 4.5 s; try again later"), 503,
     "every query worker stayed busy for 4.5 s; try again later\n"),
    (WorkerFailed("the query worker stopped while answering (out of memory?)"), 500,
     "the query worker stopped while answering (out of memory?)\n"),
])
def test_worker_failures_become_503_or_500(kg: KnowledgeGraph, failure: Exception, status: int,
                                           message: str) -> None:
    response = _request(kg, StandInPool(failure), "GET", params={"query": ASK})
    assert response.status_code == status
    assert response.text == message
    assert response.headers.get("retry-after") == ("5" if status == 503 else None)


def test_the_task_sent_to_a_worker_from_a_thread(kg: KnowledgeGraph) -> None:
    pool = StandInPool(Reply(200, "text/csv; charset=utf-8", b"a\r\n"))
    response = _request(kg, pool, "POST", params={"default-graph-uri": ASSERTED},
                        content=FLAGSHIP.encode(), headers={
                            "Content-Type": "application/sparql-query",
                            "Accept": "text/csv;q=0.5, application/json, text/html;q=0"})
    assert response.status_code == 200
    assert response.content == b"a\r\n"
    assert response.headers["content-type"] == "text/csv; charset=utf-8"
    assert pool.tasks == [Task(kind="sparql", text=FLAGSHIP,
                               accept=("application/json", "text/csv"),
                               default_graphs=(ASSERTED,), max_results=77)]
    assert pool.threads[0] is not threading.main_thread()  # never in the event loop's thread


def test_a_worker_reply_passes_through(kg: KnowledgeGraph) -> None:
    reply = Reply(413, "text/plain; charset=utf-8", b"the result has 99 rows\n")
    response = _request(kg, StandInPool(reply), "GET", params={"query": FLAGSHIP})
    assert (response.status_code, response.text) == (413, "the result has 99 rows\n")
    assert response.headers["vary"].split(", ")[0] == "Accept"


# -- the results as a page for people ---------------------------------------------------------

BROWSER = "text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,*/*;q=0.8"


def test_a_browser_gets_the_results_as_a_page(http: httpx.Client) -> None:
    response = http.get("/sparql", params={"query": FLAGSHIP}, headers={"Accept": BROWSER})
    assert response.status_code == 200
    assert response.headers["content-type"] == "text/html; charset=utf-8"
    assert response.headers["vary"].startswith("Accept")
    page = response.text
    assert "<h1 id=\"results-title\">SPARQL SELECT results</h1>" in page
    assert '<th scope="col">?a</th>' in page
    # a dataset IRI links to its page on this server, shown by its prefixed name
    assert f'<a href="/resource/yoga" title="{YOGA}">bcr:yoga</a>' in page
    assert "1 row." in page
    assert "not medical advice" in page  # the site's disclaimer, from base.html
    assert 'href="/sparql?query=SELECT+%3Fa+WHERE' in page and "format=csv" in page
    ask = http.get("/sparql", params={"query": ASK, "format": "html"})
    assert ask.headers["content-type"] == "text/html; charset=utf-8"
    assert "<strong>true</strong>" in ask.text


def test_a_results_page_escapes_what_the_query_gives(http: httpx.Client) -> None:
    query = ('SELECT ?x ?y ?z WHERE { BIND("<script>alert(1)</script>"@en AS ?x) '
             'BIND(IRI("javascript:alert(1)") AS ?y) '
             'BIND(STRDT("1", <http://www.w3.org/2001/XMLSchema#integer>) AS ?z) }')
    page = http.get("/sparql", params={"query": query, "format": "html"}).text
    assert "<script>alert" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert 'href="javascript:' not in page  # an IRI of another scheme is text, not a link
    assert '<span class="literal">javascript:alert(1)</span>' in page
    assert "xsd:integer" in page and "@en" in page


def test_a_graph_as_a_page(http: httpx.Client, kg: KnowledgeGraph) -> None:
    page = http.get("/sparql", params={"query": "PREFIX ex: <http://example.org/>\n"
                                                + DESCRIBE, "format": "html"}).text
    assert "SPARQL DESCRIBE results" in page
    assert "bcr:yoga" in page and "format=turtle" in page and "format=rdfxml" in page
    error = http.get("/sparql", params={"query": "ASK {", "format": "html"})
    assert error.status_code == 400  # errors stay plain text
    assert error.headers["content-type"] == "text/plain; charset=utf-8"


@pytest.mark.parametrize(("kind", "accept", "expected"), [
    ("SELECT", "text/tab-separated-values", "tsv"),
    ("SELECT", "application/json", "json"),
    ("CONSTRUCT", "application/ld+json; profile=x", "json-ld"),
    ("ASK", "text/csv", None),
])
def test_the_worker_chooses_the_format_by_media_type(kind: str, accept: str,
                                                     expected: str | None) -> None:
    from backcare_kg.server.worker import choose_format

    fmt = choose_format(kind, None, [accept])
    assert (fmt.name if fmt is not None else None) == expected
