"""The endpoint is safe by default, against a real server: read-only (SPARQL Update refused in
every form), no request ever leaves it (SERVICE, LOAD, remote FROM refused), a runaway query
is stopped at its time limit while other clients are answered, bodies and results have size
limits, errors say what is wrong and where without a traceback, and the access log never
holds a query."""

from __future__ import annotations

import re
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from support.live_server import LiveServer

from backcare_kg import KnowledgeGraph
from backcare_kg.vocab import BCR

pytestmark = pytest.mark.server

YOGA = str(BCR.yoga)
FLAGSHIP = ("SELECT ?a WHERE { ?a bc:improves bcr:balance ; "
            "bc:allowedInPhase bcr:chronic-phase }")
READ_ONLY = "is not allowed: this endpoint is read-only (query with SELECT, ASK, CONSTRUCT or " \
            "DESCRIBE)\n"
SERVICE_REFUSED = "query: SERVICE is not allowed: queries run over the local graph only\n"
#: A cross join of the graph with itself three times: some 10^10 rows to count.
RUNAWAY = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"


@pytest.fixture(scope="module")
def http(server: LiveServer) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=server.url, timeout=60) as client:
        yield client


@pytest.fixture
def listener() -> Iterator[tuple[str, list[Any]]]:
    """An address on this machine that records every connection made to it."""
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    sock.listen()
    sock.settimeout(0.2)
    connections: list[Any] = []
    stop = threading.Event()

    def accept() -> None:
        while not stop.is_set():
            try:
                connection, _ = sock.accept()
            except OSError:
                continue
            connections.append(connection)
            connection.close()

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{sock.getsockname()[1]}", connections
    finally:
        stop.set()
        thread.join(5)
        sock.close()


def _flagship(client: httpx.Client) -> tuple[int, list[str]]:
    response = client.get("/sparql", params={"query": FLAGSHIP})
    if response.status_code != 200:
        return response.status_code, [response.text]
    return 200, [b["a"]["value"] for b in response.json()["results"]["bindings"]]


def _no_internals(text: str) -> None:
    for leak in ("Traceback", 'File "', ".py\"", "site-packages", "Error:"):
        assert leak not in text, text


# -- read-only ----------------------------------------------------------------------------------

UPDATES = [
    ("INSERT", "INSERT DATA { bcr:yoga bc:improves bcr:strength }"),
    ("DELETE", "DELETE WHERE { ?s ?p ?o }"),
    ("DELETE", "DELETE DATA { bcr:yoga bc:improves bcr:balance }"),
    ("LOAD", "LOAD <http://127.0.0.1:9/data.ttl>"),
    ("LOAD", "LOAD SILENT <file:///etc/passwd> INTO GRAPH <http://example.org/g>"),
    ("CLEAR", "CLEAR ALL"),
    ("CREATE", "CREATE GRAPH <http://example.org/g>"),
    ("DROP", "DROP GRAPH <https://w3id.org/backcare-kg/graph/asserted>"),
    ("COPY", "COPY DEFAULT TO <http://example.org/g>"),
    ("MOVE", "MOVE <https://w3id.org/backcare-kg/graph/inferred> TO DEFAULT"),
    ("ADD", "ADD <https://w3id.org/backcare-kg/graph/asserted> TO <http://example.org/g>"),
    ("WITH", "WITH <https://w3id.org/backcare-kg/graph/asserted> DELETE { ?s ?p ?o } "
             "WHERE { ?s ?p ?o }"),
    ("INSERT", "# a comment\nPREFIX ex: <http://example.org/#>\nBASE <http://example.org/>\n"
               "  insert { ?s ex:p 1 } where { ?s ?p ?o }"),
    ("CLEAR", "CLEAR ALL ; DROP ALL"),
    ("INSERT", "INSERT DATA { <a> <b> "),  # malformed, still an update
]


@pytest.mark.parametrize(("keyword", "update"), UPDATES)
def test_sparql_update_as_a_query_is_refused(http: httpx.Client, keyword: str,
                                             update: str) -> None:
    for response in (
        http.get("/sparql", params={"query": update}),
        http.post("/sparql", data={"query": update}),
        http.post("/sparql", content=update.encode(),
                  headers={"Content-Type": "application/sparql-query"}),
    ):
        assert response.status_code == 403
        assert response.text == f"SPARQL Update ({keyword}) {READ_ONLY}"


def test_the_update_operation_is_refused(http: httpx.Client) -> None:
    update = "INSERT DATA { bcr:yoga bc:improves bcr:everything }"
    form = http.post("/sparql", data={"update": update})
    assert (form.status_code, form.text) == (403, f"an update (the 'update' parameter) "
                                                  f"{READ_ONLY}")
    get = http.get("/sparql", params={"update": update})
    assert get.status_code == 403
    body = http.post("/sparql", content=update.encode(),
                     headers={"Content-Type": "application/sparql-update"})
    assert (body.status_code, body.text) == (
        403, f"SPARQL Update (application/sparql-update) {READ_ONLY}")
    # and nothing changed
    assert _flagship(http) == (200, [YOGA])
    ask = http.get("/sparql", params={"query": "ASK { bcr:yoga bc:improves bcr:everything }"})
    assert ask.json()["boolean"] is False


# -- no request leaves the server -----------------------------------------------------------


def test_service_load_and_remote_graphs_are_never_fetched(
        http: httpx.Client, listener: tuple[str, list[Any]]) -> None:
    here, connections = listener
    services = [
        f"SELECT * WHERE {{ SERVICE <{here}/sparql> {{ ?s ?p ?o }} }}",
        f"SELECT * WHERE {{ SERVICE SILENT <{here}/sparql> {{ ?s ?p ?o }} }}",
        f"SELECT * WHERE {{ ?s ?p ?o OPTIONAL {{ SERVICE <{here}/> {{ ?s ?q ?r }} }} }}",
        "SELECT * WHERE { { SELECT ?s WHERE { SERVICE ?where { ?s ?p ?o } } } }",
        f"ASK {{ SERVICE <{here}/sparql> {{ ?s ?p ?o }} }}",
        f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ SERVICE <{here}/sparql> {{ ?s ?p ?o }} }}",
    ]
    for query in services:
        response = http.get("/sparql", params={"query": query})
        assert (response.status_code, response.text) == (403, SERVICE_REFUSED), query
    load = http.post("/sparql", data={"query": f"LOAD <{here}/data.ttl>"})
    assert (load.status_code, load.text) == (403, f"SPARQL Update (LOAD) {READ_ONLY}")
    remote = http.get("/sparql", params={"query": f"SELECT * FROM <{here}/data.ttl> "
                                                  "WHERE { ?s ?p ?o }"})
    assert (remote.status_code, remote.text) == (
        400, f"query: FROM <{here}/data.ttl>: the dataset has no such graph (remote data is "
             "never loaded)\n")
    for parameter in ("default-graph-uri", "named-graph-uri"):
        response = http.get("/sparql", params={"query": "ASK {}", parameter: f"{here}/g.ttl"})
        assert response.status_code == 400
        assert response.text == (f"query: {parameter} <{here}/g.ttl>: the dataset has no such "
                                 "graph (remote data is never loaded)\n")
    assert connections == []


# -- the time limit -------------------------------------------------------------------------


def _workers(server: LiveServer) -> set[int]:
    """The server's query worker processes."""
    found = set()
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rpartition(")")[2].split()
            cmdline = (stat.parent / "cmdline").read_bytes()
        except OSError:
            continue
        if int(fields[1]) == server.process.pid and b"spawn_main" in cmdline:
            found.add(int(stat.parent.name))
    return found


def test_a_runaway_query_is_stopped_while_others_are_answered(server: LiveServer,
                                                             http: httpx.Client) -> None:
    before = _workers(server)
    assert len(before) == 2
    outcome: dict[str, Any] = {}

    def runaway() -> None:
        start = time.monotonic()
        with httpx.Client(base_url=server.url, timeout=120) as own:
            outcome["response"] = own.post("/sparql", data={"query": RUNAWAY})
        outcome["seconds"] = time.monotonic() - start

    thread = threading.Thread(target=runaway)
    thread.start()
    answers = []
    while thread.is_alive():  # a second client, meanwhile
        answers.append(_flagship(http))
    thread.join()
    response: httpx.Response = outcome["response"]
    assert response.status_code == 503
    assert response.headers["retry-after"] == "3"
    assert response.text == ("the query ran past this server's time limit of 3 s and was "
                             "stopped: narrow the query, or add a LIMIT\n")
    assert 3 <= outcome["seconds"] < 60  # stopped at its limit, not when done (minutes)
    assert len(answers) >= 2 and set(map(str, answers)) == {str((200, [YOGA]))}
    # the stopped worker was killed and a new one took its place; both answer
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        after = _workers(server)
        if len(after) == 2 and len(after - before) == 1:
            break
        time.sleep(0.1)
    assert len(after) == 2 and len(before & after) == 1
    results: list[tuple[int, list[str]]] = []
    clients = [threading.Thread(target=lambda: results.append(_flagship(http)))
               for _ in range(4)]
    for client in clients:
        client.start()
    for client in clients:
        client.join()
    assert results == [(200, [YOGA])] * 4


# -- size limits ----------------------------------------------------------------------------

TOO_LARGE = "request body too large: this server accepts up to 200,000 bytes\n"


def test_an_oversized_body_is_refused(http: httpx.Client) -> None:
    padding = "#" + "x" * 200_000 + "\nASK {}"
    declared = http.post("/sparql", content=padding.encode(),
                         headers={"Content-Type": "application/sparql-query"})
    assert (declared.status_code, declared.text) == (413, TOO_LARGE)
    form = http.post("/sparql", data={"query": padding})
    assert (form.status_code, form.text) == (413, TOO_LARGE)

    def chunks() -> Iterator[bytes]:  # no Content-Length: sent chunked
        for _ in range(50):
            yield b"#" + b"x" * 9_998 + b"\n"

    chunked = http.post("/sparql", content=chunks(),
                        headers={"Content-Type": "application/sparql-query"})
    assert "content-length" not in chunked.request.headers
    assert (chunked.status_code, chunked.text) == (413, TOO_LARGE)
    # up to the limit is fine
    fits = "#" + "x" * (200_000 - len("#\nASK {}")) + "\nASK {}"
    assert len(fits.encode()) == 200_000
    response = http.post("/sparql", content=fits.encode(),
                         headers={"Content-Type": "application/sparql-query"})
    assert response.status_code == 200
    assert response.json() == {"head": {}, "boolean": True}
    assert _flagship(http) == (200, [YOGA])


@pytest.fixture(scope="module")
def small_server() -> Iterator[LiveServer]:
    """A server answering at most 10 rows or triples, with one worker."""
    live = LiveServer("--max-results", "10", "--workers", "1", "--query-timeout", "10")
    try:
        yield live
    finally:
        live.stop()


def test_a_result_over_the_limit_is_refused(small_server: LiveServer, kg: KnowledgeGraph) -> None:
    with httpx.Client(base_url=small_server.url, timeout=60) as client:
        def ask(query: str, **headers: str) -> httpx.Response:
            return client.get("/sparql", params={"query": query}, headers=headers)

        every = ask("SELECT * WHERE { ?s ?p ?o }")
        union = len(kg.asserted) + len(kg.inferred) + len(kg.support_graph)
        assert (every.status_code, every.text) == (
            413, f"the result has {union:,} rows, more than this server's limit of 10: add "
                 "a LIMIT, or narrow the query\n")
        ten = ask("SELECT * WHERE { ?s ?p ?o } LIMIT 10")
        assert ten.status_code == 200 and len(ten.json()["results"]["bindings"]) == 10
        described = kg.query("DESCRIBE bcr:yoga").graph
        assert described is not None
        describe = ask("DESCRIBE bcr:yoga")
        assert (describe.status_code, describe.text) == (
            413, f"the result has {len(described):,} triples, more than this server's limit "
                 "of 10: add a LIMIT, or narrow the query\n")
        construct = ask("CONSTRUCT WHERE { ?s ?p ?o } LIMIT 10")
        assert construct.status_code == 200
        assert ask("ASK { ?s ?p ?o }").json()["boolean"] is True


# -- errors say what and where, never how -------------------------------------------------------


def test_a_malformed_query_is_a_400_with_line_and_column(http: httpx.Client) -> None:
    cases = {
        "SELECT ?a WHERE {\n  ?a bc:improves bcr:balance\n  FILTER(?a = )\n}":
            "query:3:3: syntax error in the SELECT query near 'FILTER'\n",
        "PREFIX ex: <http://example.org/>\nSELECT * WHERE {\n  ?s nope:p ?o }":
            "query:3:6: unknown prefix 'nope:'; declare it with PREFIX nope: <…>\n",
        "SELEKT * WHERE { ?s ?p ?o }":
            "query:1:1: expected SELECT, CONSTRUCT, DESCRIBE or ASK, found 'SELEKT'\n",
    }
    for query, message in cases.items():
        response = http.post("/sparql", data={"query": query})
        assert (response.status_code, response.text) == (400, message)
        assert re.match(r"query:\d+:\d+: ", response.text)


HOSTILE: list[dict[str, Any]] = [
    {"params": {"query": "SELECT * WHERE { ?s ?p }"}},
    {"params": {"query": "SELECT * WHERE { FILTER(" + "(" * 3000 + "1" + ")" * 3000 + ") }"}},
    {"params": {"query": "ASK { " + "{ " * 3000 + "}" * 3000 + " }"}},
    {"params": {"query": "SELECT * WHERE { ?s ?p \"\\uD800\" }"}},
    {"params": {"query": "DESCRIBE <>"}},
    {"params": {"query": "SELECT ?x WHERE { ?s ?p ?o } GROUP BY ?s"}},
    {"params": {"query": "\x00\x01\x02"}},
    {"params": {"query": "ASK {}", "format": "../../etc/passwd"}},
    {"params": {"query": "ASK {}", "default-graph-uri": "<script>"}},
    {"params": {"query": "ASK {}"}, "headers": {"Accept": "q=abc;;,,*/*;q=x"}},
    {"params": {"query": "SELECT * {} ; INSERT DATA { <a> <b> <c> }"}},
    {"params": {"query": "CONSTRUCT { ?s ?p ?o } WHERE { BIND(1 AS ?s) }"}},
    {"url": "/sparql?query=%FF%FE%00"},
    {"method": "POST", "content": b"query=%FF%FE",
     "headers": {"Content-Type": "application/x-www-form-urlencoded"}},
    {"method": "POST", "content": b"\xff\xfe ASK {}",
     "headers": {"Content-Type": "application/sparql-query"}},
    {"method": "POST", "content": b"ASK {}",
     "headers": {"Content-Type": "application/sparql-query; charset="}},
    {"method": "POST", "content": b"ASK {}", "headers": {"Content-Type": "multipart/form-data"}},
    {"method": "PATCH"},
]


@pytest.mark.parametrize("request_", HOSTILE)
def test_no_error_shows_internals(http: httpx.Client, request_: dict[str, Any]) -> None:
    options = dict(request_)
    method, url = options.pop("method", "GET"), options.pop("url", "/sparql")
    response = http.request(method, url, **options)
    _no_internals(response.text)
    assert response.status_code != 500 or response.text.startswith("internal")
    if response.status_code >= 400:
        assert response.headers["content-type"] == "text/plain; charset=utf-8"


# -- the access log --------------------------------------------------------------------------


def test_the_access_log_never_holds_a_query(server: LiveServer, http: httpx.Client) -> None:
    secret = "s3cr3t-t0ken-5f1c9a"
    query = f'SELECT * WHERE {{ ?s ?p "{secret}" }}'
    # The access log is written after each response is sent: wait for the line of a marker
    # request, so that late lines of earlier tests' requests are not counted as ours.
    marker = f"/log-marker-{time.monotonic_ns()}"
    assert http.get(marker).status_code == 404
    deadline = time.monotonic() + 10
    while not any(line and marker in line for line in server.log):
        assert time.monotonic() < deadline, "the marker request was never logged"
        time.sleep(0.02)
    start = next(i for i, line in enumerate(server.log) if line and marker in line) + 1
    sent = [
        http.get("/sparql", params={"query": query, "default-graph-uri":
                                    f"https://w3id.org/backcare-kg/graph/{secret}"}),
        http.get("/sparql", params={"query": query}),
        http.post("/sparql", data={"query": query}),
        http.post("/sparql", content=query.encode(),
                  headers={"Content-Type": "application/sparql-query"}),
        http.get("/sparql", params={"query": f"SELECT * WHERE {{ {secret} }}"}),  # malformed
        http.post("/sparql", data={"update": f"INSERT DATA {{ <a> <b> '{secret}' }}"}),
    ]
    assert [r.status_code for r in sent] == [400, 200, 200, 200, 400, 403]
    deadline = time.monotonic() + 10
    lines: list[str] = []
    while time.monotonic() < deadline:
        lines = [line for line in server.log[start:] if line and "/sparql" in line]
        if len(lines) >= len(sent):
            break
        time.sleep(0.05)
    pattern = re.compile(r'127\.0\.0\.1 "(GET|POST) /sparql" (200|400|403) \d+ [\d.]+ms')
    assert len(lines) == len(sent)
    assert all(pattern.fullmatch(line) for line in lines), lines
    assert [line.split()[3] for line in lines] == ["400", "200", "200", "200", "400", "403"]
    assert secret not in server.log_text()
