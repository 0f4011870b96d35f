"""The named queries as an HTTP API: ``/queries``, its OpenAPI description, and running
queries with validated parameters, against a real server (and, for the failures of the query
workers, the application with a stand-in pool)."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from support.live_server import LiveServer
from support.stand_in_pool import StandInPool, request

from backcare_kg import KnowledgeGraph, ParameterError
from backcare_kg.server.pool import PoolBusy, QueryTimeout, WorkerFailed
from backcare_kg.server.worker import Reply, Task
from backcare_kg.sparql.results import formats_for

YOGA = "https://w3id.org/backcare-kg/resource/yoga"
FLAGSHIP = {"capacity": "balance", "phase": "chronic-phase"}
SERVER = pytest.mark.server


@pytest.fixture(scope="module")
def http(server: LiveServer) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=server.url, timeout=30) as client:
        yield client


@pytest.fixture(scope="module")
def listing(http: httpx.Client) -> dict[str, Any]:
    response = http.get("/queries")
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/json"
    data: dict[str, Any] = response.json()
    return data


@pytest.fixture(scope="module")
def openapi(http: httpx.Client) -> dict[str, Any]:
    response = http.get("/queries/openapi.json")
    assert response.status_code == 200
    data: dict[str, Any] = response.json()
    return data


def _activities(body: str) -> list[str]:
    return [b["activity"]["value"] for b in json.loads(body)["results"]["bindings"]]


# -- the list ------------------------------------------------------------------------------


@SERVER
def test_the_list_has_every_query_with_its_parameters(listing: dict[str, Any],
                                                      server: LiveServer) -> None:
    queries = KnowledgeGraph.bundled_queries()
    assert len(queries) == 18
    assert [q["name"] for q in listing["queries"]] == list(queries)
    for item in listing["queries"]:
        query = queries[item["name"]]
        expected = query.to_dict()
        given = {**item, "parameters": [{k: v for k, v in p.items() if k != "values"}
                                         for p in item["parameters"]]}
        assert {k: given[k] for k in expected} == expected
        assert item["sparql"] == query.text
        assert item["links"]["run"] == f"{server.url}/queries/{query.name}"
    assert listing["openapi"] == f"{server.url}/queries/openapi.json"


@SERVER
def test_the_list_gives_the_known_values_and_a_runnable_example(
        listing: dict[str, Any], http: httpx.Client) -> None:
    activities = next(q for q in listing["queries"] if q["name"] == "activities")
    params = {p["name"]: p for p in activities["parameters"]}
    # breathing is a condition of the experts' criterion, not a capacity
    assert params["capacity"]["values"] == ["balance", "biomechanics", "body-stability",
                                            "flexibility", "strength"]
    assert params["phase"]["values"] == ["acute-phase", "chronic-phase"]
    assert (params["capacity"]["required"], params["capacity"]["type"],
            params["capacity"]["class"]) == (False, "iri", "bc:PhysicalCapacity")
    example = activities["links"]["example"]
    assert example.endswith("/queries/activities?capacity=balance&phase=chronic-phase"
                            "&goal=analgesia")
    assert _activities(http.get(example).text) == [YOGA]


@SERVER
def test_the_list_links_its_openapi_description(http: httpx.Client,
                                               server: LiveServer) -> None:
    response = http.get("/queries")
    assert response.headers["link"] == f'<{server.url}/queries/openapi.json>; ' \
                                       'rel="service-desc"'


@SERVER
def test_the_list_gives_the_formats_default_first(listing: dict[str, Any]) -> None:
    formats = {q["name"]: q["formats"] for q in listing["queries"]}
    assert formats["activities"] == ["json", "csv", "tsv", "xml"]
    assert formats["describe"][0] == "turtle"
    assert sorted(formats["describe"]) == sorted(formats_for("DESCRIBE"))


@SERVER
def test_a_browser_gets_the_list_as_a_page(http: httpx.Client) -> None:
    response = http.get("/queries", headers={
        "Accept": "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"})
    assert response.status_code == 200
    assert response.headers["content-type"] == "text/html; charset=utf-8"
    page = response.text
    assert page.count('<details class="named-query"') == 18
    assert '<form class="query-form" action="' in page
    assert 'name="capacity"' in page and '<option value="chronic-phase">' in page
    assert "not medical advice" in page
    assert "<script" not in page


# -- the OpenAPI description ---------------------------------------------------------------


@SERVER
def test_the_openapi_description_validates(openapi: dict[str, Any]) -> None:
    validator = pytest.importorskip(
        "openapi_spec_validator", reason="pip install openapi-spec-validator")
    validator.validate(openapi)
    assert openapi["openapi"] == "3.1.0"


@SERVER
def test_the_openapi_description_is_also_at_the_root(http: httpx.Client,
                                                     openapi: dict[str, Any]) -> None:
    assert http.get("/openapi.json").json() == openapi


@SERVER
def test_the_openapi_description_matches_the_queries(openapi: dict[str, Any],
                                                     server: LiveServer) -> None:
    queries = KnowledgeGraph.bundled_queries()
    assert openapi["servers"] == [{"url": server.url + "/"}]
    assert sorted(openapi["paths"]) == sorted(["/queries", *(f"/queries/{n}" for n in queries)])
    for name, query in queries.items():
        op = openapi["paths"][f"/queries/{name}"]["get"]
        assert op["operationId"] == name
        assert op["summary"] == query.summary
        assert op.get("tags", []) == list(query.tags)
        assert op["description"].startswith(query.description)
        params = {p["name"]: p for p in op["parameters"]}
        assert list(params) == [p.name for p in query.parameters] + ["format"]
        for p in query.parameters:
            described = params[p.name]
            assert described["in"] == "query"
            assert described["required"] is p.required
            assert (str(described.get("example")) if "example" in described else None) \
                == (p.example.lower() if p.type == "boolean" and p.example else p.example)
            assert described.get("x-rdf-class") == (str(p.cls) if p.cls else None)
            assert (p.description or "") in described["description"]
        assert params["format"]["schema"]["enum"] == list(formats_for(query.kind))
        media_types = sorted(op["responses"]["200"]["content"])
        assert media_types == sorted(f.media_type.split(";")[0]
                                     for f in formats_for(query.kind).values())
        assert sorted(op["responses"]) == ["200", "400", "404", "406", "413", "500", "503"]
    unavailable = openapi["components"]["responses"]["Unavailable"]
    assert "Retry-After" in unavailable["headers"]


@SERVER
def test_the_openapi_types_follow_the_variables(openapi: dict[str, Any]) -> None:
    def param(query: str, name: str) -> dict[str, Any]:
        op = openapi["paths"][f"/queries/{query}"]["get"]
        found: dict[str, Any] = next(p for p in op["parameters"] if p["name"] == name)
        return found

    assert param("source-sentences", "position")["schema"] == {"type": "integer"}
    assert param("source-sentences", "position")["example"] == 24
    assert param("labels", "lang")["schema"] == {"type": "string", "default": "es"}
    assert param("provenance", "subject")["required"] is True
    assert param("activities", "phase")["schema"]["examples"] == ["acute-phase",
                                                                 "chronic-phase"]
    describe = openapi["paths"]["/queries/describe"]["get"]["responses"]["200"]["content"]
    assert {"text/turtle", "application/ld+json", "application/n-triples"} <= set(describe)


# -- running the flagship --------------------------------------------------------------------


@SERVER
@pytest.mark.parametrize(("fmt", "accept"), [
    ("json", "application/sparql-results+json"),
    ("csv", "text/csv"),
    ("tsv", "text/tab-separated-values"),
    ("xml", "application/sparql-results+xml"),
])
def test_the_flagship_in_every_format(http: httpx.Client, kg: KnowledgeGraph, fmt: str,
                                      accept: str) -> None:
    expected = kg.run("activities", **FLAGSHIP).serialize(fmt)
    by_accept = http.get("/queries/activities", params=FLAGSHIP, headers={"Accept": accept})
    by_name = http.get("/queries/activities", params={**FLAGSHIP, "format": fmt})
    for response in (by_accept, by_name):
        assert response.status_code == 200
        assert response.headers["content-type"].split(";")[0] == accept
        assert response.text == expected
    assert YOGA in expected and "pilates" not in expected


@SERVER
def test_the_default_is_sparql_json(http: httpx.Client) -> None:
    response = http.get("/queries/activities", params=FLAGSHIP)
    assert response.headers["content-type"] == "application/sparql-results+json"
    assert response.headers["vary"].startswith("Accept")
    assert _activities(response.text) == [YOGA]


@SERVER
@pytest.mark.parametrize(("accept", "media_type"), [
    ("text/csv;q=0.5, application/sparql-results+xml", "application/sparql-results+xml"),
    ("text/csv;q=0.9, text/tab-separated-values", "text/tab-separated-values"),
    ("application/json", "application/sparql-results+json"),
    ("text/html, */*;q=0.1", "application/sparql-results+json"),
])
def test_q_values_choose_the_format(http: httpx.Client, accept: str, media_type: str) -> None:
    response = http.get("/queries/activities", params=FLAGSHIP, headers={"Accept": accept})
    assert response.status_code == 200
    assert response.headers["content-type"].split(";")[0] == media_type


@SERVER
@pytest.mark.parametrize("capacity", [
    "balance", "bcr:balance", "https://w3id.org/backcare-kg/resource/balance",
    "<https://w3id.org/backcare-kg/resource/balance>", "Balance", "equilibrio", "body balance",
])
@pytest.mark.parametrize("phase", ["chronic-phase", "chronic", "fase crónica"])
def test_values_as_slugs_prefixed_names_iris_and_labels(http: httpx.Client, capacity: str,
                                                        phase: str) -> None:
    response = http.get("/queries/activities", params={"capacity": capacity, "phase": phase})
    assert response.status_code == 200, response.text
    assert _activities(response.text) == [YOGA]


@SERVER
def test_a_post_form_is_the_same_as_a_get(http: httpx.Client) -> None:
    response = http.post("/queries/activities", data=FLAGSHIP, headers={"Accept": "text/csv"})
    assert response.status_code == 200
    assert response.text == http.get("/queries/activities",
                                      params={**FLAGSHIP, "format": "csv"}).text


@SERVER
def test_an_empty_value_is_a_parameter_left_out(http: httpx.Client, kg: KnowledgeGraph) -> None:
    response = http.get("/queries/activities", params={"capacity": "balance", "phase": ""})
    assert response.status_code == 200
    assert _activities(response.text) == [str(r["activity"])
                                          for r in kg.run("activities", capacity="balance")]


@SERVER
def test_a_describe_query_answers_rdf(http: httpx.Client) -> None:
    response = http.get("/queries/describe", params={"resource": "yoga"},
                        headers={"Accept": "application/n-triples"})
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/n-triples"
    assert f"<{YOGA}> <https://w3id.org/backcare-kg/ontology#improves> " \
           "<https://w3id.org/backcare-kg/resource/balance> ." in response.text


# -- errors ----------------------------------------------------------------------------------


@SERVER
def test_an_unknown_query_is_404_with_suggestions(http: httpx.Client) -> None:
    response = http.get("/queries/activitis")
    assert response.status_code == 404
    assert response.headers["content-type"].startswith("text/plain")
    assert response.text.startswith("unknown named query 'activitis': did you mean activities")


@SERVER
def test_an_unknown_parameter_is_400_naming_it(http: httpx.Client) -> None:
    response = http.get("/queries/activities", params={"capacity": "balance", "improves": "x"})
    assert response.status_code == 400
    assert response.text == ("parameter 'improves': not a parameter of the named query "
                             "'activities' (accepted: capacity, phase, goal, format)\n")


@SERVER
@pytest.mark.parametrize(("query", "params", "message"), [
    ("activities", {"capacity": "yoga"},
     "parameter 'capacity': no bc:PhysicalCapacity matches 'yoga' (accepted: "),
    ("activities", {"phase": "acute"}, None),
    ("provenance", {}, "parameter 'subject': required by the named query 'provenance'"),
    ("source-sentences", {"position": "first"},
     "parameter 'position': expected an integer, got 'first'"),
    ("activities", {"format": "turtle"}, "parameter 'format': "),
    ("activities", [("capacity", "balance"), ("capacity", "strength")],
     "parameter 'capacity': given more than once"),
])
def test_a_bad_value_is_400_naming_the_parameter(http: httpx.Client, query: str, params: Any,
                                                 message: str | None) -> None:
    response = http.get(f"/queries/{query}", params=params)
    if message is None:  # a good value, for contrast
        assert response.status_code == 200
        return
    assert response.status_code == 400
    assert response.text.startswith(message)


@SERVER
def test_an_unacceptable_media_type_is_406(http: httpx.Client) -> None:
    response = http.get("/queries/activities", params=FLAGSHIP,
                        headers={"Accept": "text/turtle"})
    assert response.status_code == 406
    assert "application/sparql-results+json" in response.text


@SERVER
def test_a_post_without_a_form_is_415(http: httpx.Client) -> None:
    response = http.post("/queries/activities", content=b'{"capacity": "balance"}',
                         headers={"Content-Type": "application/json"})
    assert response.status_code == 415


# -- hostile values ------------------------------------------------------------------------

HOSTILE = [
    "yoga> } ; DROP ALL ; SELECT * { ?s ?p ?o",
    '" . ?s ?p ?o . FILTER("',
    "<https://w3id.org/backcare-kg/resource/balance> } UNION { ?activity ?p ?o",
    "balance } UNION { ?activity a bc:Activity",
    '"x" } ; DROP ALL ; #',
    "https://w3id.org/x> } ; DROP ALL ; SELECT * { ?s ?p ?o",
    "?activity",
    "https://evil.example/a",
    "bcr:yoga",
]


@SERVER
@pytest.mark.parametrize("value", HOSTILE)
@pytest.mark.parametrize(("query", "name", "others"), [
    ("activities", "capacity", {"phase": "chronic-phase"}),
    ("labels", "lang", {"resource": "balance"}),
    ("source-sentences", "position", {}),
    ("describe", "resource", {}),
])
def test_a_hostile_value_is_bound_as_a_term(http: httpx.Client, kg: KnowledgeGraph, value: str,
                                            query: str, name: str, others: dict[str, str]
                                            ) -> None:
    """The server answers as the library does: a 400 naming the parameter, or the answer
    for the value as one term (for would-be injections: nothing), never more data nor a
    SPARQL syntax error. (``?activity`` is the label of ``bc:Activity``, ``bcr:yoga`` is
    yoga: ``describe`` describes them.)"""
    params = {**others, name: value}
    response = http.get(f"/queries/{query}", params=params, headers={"Accept": "*/*"})
    try:
        expected = kg.run(query, **params)
    except ParameterError:
        assert response.status_code == 400, response.text
        assert response.text.startswith(f"parameter {name!r}: ")
        assert not re.search(r":\d+:\d+: ", response.text)  # no parser position
        return
    assert response.status_code == 200, response.text
    size = len(expected) if expected.kind == "SELECT" else len(expected.graph or ())
    if any(c in value for c in '{}"'):  # a would-be injection, one literal or IRI: no match
        assert size == 0
    fmt = "json" if expected.kind == "SELECT" else "turtle"
    assert response.text == expected.serialize(fmt)


@SERVER
def test_the_graph_is_unchanged_after_hostile_values(http: httpx.Client) -> None:
    for value in HOSTILE:
        http.get("/queries/labels", params={"lang": value})
    response = http.get("/queries/activities", params=FLAGSHIP)
    assert _activities(response.text) == [YOGA]


# -- CORS --------------------------------------------------------------------------------------


@SERVER
def test_cors_on_a_get_with_an_origin(http: httpx.Client) -> None:
    origin = {"Origin": "https://tools.example"}
    for path in ("/queries", "/queries/openapi.json", "/queries/activities?capacity=balance"):
        response = http.get(path, headers=origin)
        assert response.status_code == 200
        assert response.headers["access-control-allow-origin"] == "*"
    preflight = http.options("/queries/activities", headers={
        **origin, "Access-Control-Request-Method": "GET"})
    assert preflight.status_code == 200
    assert "GET" in preflight.headers["access-control-allow-methods"]


# -- the workers' failures (a stand-in pool) --------------------------------------------------


def _get(kg: KnowledgeGraph, pool: StandInPool, url: str, **options: Any) -> httpx.Response:
    return request(kg, pool, "GET", url, **options)


@pytest.mark.parametrize(("failure", "status", "message"), [
    (QueryTimeout("the query ran past this server's time limit of 4.5 s and was stopped"),
     503, "the query ran past"),
    (PoolBusy("every query worker stayed busy for 4.5 s; try again later"), 503, "every"),
    (WorkerFailed("the query worker stopped while answering (out of memory?)"), 500, "the "),
])
def test_worker_failures_become_503_or_500(kg: KnowledgeGraph, failure: Exception,
                                           status: int, message: str) -> None:
    response = _get(kg, StandInPool(failure), "/queries/activities", params=FLAGSHIP)
    assert response.status_code == status
    assert response.text == str(failure) + "\n"
    assert response.headers.get("retry-after") == ("5" if status == 503 else None)
    assert "Traceback" not in response.text


def test_the_task_sent_to_the_workers(kg: KnowledgeGraph) -> None:
    pool = StandInPool(Reply(200, "text/csv; charset=utf-8", b"a\r\n"))
    response = _get(kg, pool, "/queries/activities?capacity=balance&phase=&format=csv",
                    headers={"Accept": "text/csv;q=0.5, application/json"})
    assert response.status_code == 200
    assert response.headers["content-type"] == "text/csv; charset=utf-8"
    assert pool.tasks == [Task(kind="named", text="activities", params={"capacity": "balance"},
                               accept=["application/json", "text/csv"], format="csv",
                               max_results=77)]
