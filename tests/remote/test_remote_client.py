"""The remote client: the command line's remote options, HTTP failures, logins, and the
rewriting of bound values into ``VALUES`` blocks.

- the CLI: ``--endpoint`` before or after the subcommand gives the local answer (against a
  real Oxigraph server holding the pushed graph: ``activities``, ``run``, ``query``,
  ``export``); the combinations it refuses exit 2 naming the option;
- a real but misbehaving HTTP server (stdlib ``http.server`` in a thread on 127.0.0.1): an
  HTML page, malformed SPARQL JSON, 503 then an answer (reads are retried), 500 or 503 on
  writes (never retried), an answer slower than the read timeout; a closed port. Every
  error names the URL and holds no traceback;
- where a login comes from (given, environment, netrc machine and default entries), and a
  password never shown;
- :func:`~backcare_kg.remote.values.inline_values`: values in ``OPTIONAL``, ``FILTER``,
  sub-``SELECT``, ``CONSTRUCT WHERE``, ``DESCRIBE`` without ``WHERE``; ``MINUS`` left
  alone; escaping; terms that cannot travel.
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import threading
import time
from collections import Counter
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
from rdflib import BNode, Literal, URIRef
from rdflib.compare import isomorphic
from rdflib.plugins.sparql import prepareQuery
from rdflib.term import Identifier
from support.remote_stores import RunningStore

from backcare_kg import (
    EndpointError,
    EndpointUnreachable,
    KnowledgeGraph,
    ParameterError,
    Result,
)
from backcare_kg.cli import main
from backcare_kg.remote import Endpoints, client_for
from backcare_kg.remote.credentials import Credentials, find_credentials
from backcare_kg.remote.engine import RemoteEngine
from backcare_kg.remote.http import HttpClient, Timeouts
from backcare_kg.remote.values import inline_values, with_prefixes
from backcare_kg.vocab import BC, BCR, PREFIXES

ROOT = Path(__file__).resolve().parents[2]
SELECT = "SELECT ?s WHERE { ?s ?p ?o } LIMIT 1"
ROW = {"head": {"vars": ["s"]},
       "results": {"bindings": [{"s": {"type": "uri", "value": str(BCR["yoga"])}}]}}
SPARQL_JSON = "application/sparql-results+json"
#: How long the slow endpoint takes, against a read timeout of READ_TIMEOUT.
SLOW = 1.5
READ_TIMEOUT = 0.5
PASSWORD = "s3cret-pa55word"


# -- the command line against a real store --------------------------------------------------


@pytest.fixture(scope="module")
def endpoint(oxigraph_store: RunningStore, kg: KnowledgeGraph) -> str:
    """The query URL of Oxigraph, holding the bundled graph."""
    oxigraph_store.clear()
    kg.push(oxigraph_store.query_url, oxigraph_store.update_url, oxigraph_store.store_url)
    return oxigraph_store.query_url


def run_cli(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    """``backcare-kg ARGV`` in this process: exit code, stdout, stderr."""
    capsys.readouterr()
    code = main(list(argv))
    out, err = capsys.readouterr()
    assert "Traceback" not in err
    return code, out, err


FLAGSHIP = ("activities", "--improves", "balance", "--phase", "chronic", "--format", "csv")


@pytest.mark.store
def test_endpoint_before_or_after_the_subcommand(capsys: pytest.CaptureFixture[str],
                                                 endpoint: str) -> None:
    code, local, _ = run_cli(capsys, *FLAGSHIP)
    assert code == 0 and str(BCR["yoga"]) in local
    before = run_cli(capsys, "--endpoint", endpoint, *FLAGSHIP)
    after = run_cli(capsys, *FLAGSHIP[:-2], "--endpoint", endpoint, *FLAGSHIP[-2:])
    assert before == after == (0, local, "")


@pytest.mark.parametrize("after", [False, True], ids=["before", "after"])
def test_endpoint_is_asked_before_or_after_the_subcommand(
        capsys: pytest.CaptureFixture[str], stub: Stub, after: bool) -> None:
    """Not the local graph: a web page where the store should be is an error."""
    url = stub.url("/html")
    argv = [*FLAGSHIP, "--endpoint", url] if after else ["--endpoint", url, *FLAGSHIP]
    code, out, err = run_cli(capsys, *argv)
    assert (code, out) == (2, "")
    assert err.startswith("backcare-kg: error: ") and len(err.splitlines()) == 1
    assert url in err and "HTML page" in err


@pytest.mark.store
@pytest.mark.parametrize("argv", [
    ("run", "provenance", "-p", "subject=yoga", "--format", "csv"),
    ("run", "activities-by-capacity", "-p", "capacity=strength", "--format", "json"),
    ("query", "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }", "--format", "csv"),
    ("query", "SELECT ?a WHERE { ?a bc:improves bcr:balance } ORDER BY ?a", "--format", "tsv"),
    ("query", "ASK { bcr:yoga a bc:Activity }", "--format", "json"),
], ids=["run-provenance", "run-by-capacity", "query-count", "query-prefixes", "query-ask"])
def test_remote_answers_as_the_local_command(capsys: pytest.CaptureFixture[str], endpoint: str,
                                             argv: tuple[str, ...]) -> None:
    code, local, _ = run_cli(capsys, *argv)
    assert code == 0 and local.strip()
    assert run_cli(capsys, "--endpoint", endpoint, *argv) == (0, local, "")


@pytest.mark.store
def test_export_inferred_ntriples(capsys: pytest.CaptureFixture[str], endpoint: str,
                                  kg: KnowledgeGraph) -> None:
    code, out, err = run_cli(capsys, "export", "--graph", "inferred", "--format", "nt",
                             "--endpoint", endpoint)
    assert (code, err) == (0, "")
    lines = [line for line in out.splitlines() if line.strip()]
    assert len(lines) == len(set(lines)) == len(kg.inferred)
    _, local, _ = run_cli(capsys, "export", "--graph", "inferred", "--format", "nt")
    assert sorted(lines) == sorted(line for line in local.splitlines() if line.strip())


UNUSED = "http://127.0.0.1:9/sparql"  # never asked: the options are refused first


@pytest.mark.parametrize(("argv", "option"), [
    (["--endpoint", UNUSED, "--store", "DIR", "query", "ASK {}"], "--store"),
    (["--endpoint", UNUSED, "query", "ASK {}", "--with", "extra.ttl"], "--with"),
    (["query", "ASK {}", "--endpoint", UNUSED, "--engine", "rdflib"], "--engine"),
    (["--endpoint", UNUSED, "validate"], "validate"),
    (["--update-endpoint", UNUSED, "query", "ASK {}"], "--update-endpoint"),
    (["push", "--update-endpoint", UNUSED], "--update-endpoint"),
    (["push"], "--endpoint"),
    (["push", "--endpoint", UNUSED], "--update-endpoint"),
    (["push", "--endpoint", UNUSED, "--user", "dba"], "--update-endpoint"),
    (["--endpoint", "ftp://127.0.0.1/sparql", "query", "ASK {}"], "endpoint"),
], ids=["store", "with", "engine", "validate", "update-without-endpoint",
        "push-update-without-endpoint", "push-without-endpoint",
        "push-without-update-or-store", "push-user-without-update-or-store", "not-http"])
def test_refused_combinations(capsys: pytest.CaptureFixture[str], argv: list[str],
                              option: str) -> None:
    code, out, err = run_cli(capsys, *argv)
    assert (code, out) == (2, "")
    assert len(err.splitlines()) == 1, err
    assert err.startswith("backcare-kg: error: ")
    assert f"parameter {option!r}" in err


# -- a misbehaving HTTP server --------------------------------------------------------------


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    block_on_close = False

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.hits: Counter[str] = Counter()
        self.lock = threading.Lock()


class _Handler(BaseHTTPRequestHandler):
    """Answers by path: see :class:`Stub`."""

    server: _Server

    def log_message(self, format: str, *args: object) -> None:  # quiet
        pass

    def do_GET(self) -> None:
        self._answer()

    def do_POST(self) -> None:
        self._answer()

    def do_PUT(self) -> None:
        self._answer()

    def _answer(self) -> None:
        body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        path = urlsplit(self.path).path
        with self.server.lock:
            self.server.hits[path] += 1
            hit = self.server.hits[path]
        query = parse_qs(body.decode("utf-8", "replace")).get("query", [""])[0]
        try:
            if path == "/html":
                self._send(200, "text/html; charset=utf-8",
                           "<html><head><title>Welcome to nginx</title></head>"
                           "<body><h1>It works</h1></body></html>")
            elif path == "/malformed":
                self._send(200, SPARQL_JSON, '{"head": {"vars": ["s"]}, "results": {"bind')
            elif path == "/flaky" and hit <= 2:
                self._send(503, "text/plain", "busy, try again", {"Retry-After": "0"})
            elif path == "/flaky":
                self._send(200, SPARQL_JSON, json.dumps(ROW))
            elif path.startswith("/status-"):  # /status-500/update: always that status
                self._send(int(path.split("/")[1][len("status-"):]), "text/plain",
                           "the store is unwell", {"Retry-After": "0"})
            elif path == "/slow":
                if query.split("{", 1)[0].strip().upper().endswith("ASK"):
                    self._send(200, SPARQL_JSON, json.dumps({"head": {}, "boolean": True}))
                else:
                    time.sleep(SLOW)
                    self._send(200, SPARQL_JSON, json.dumps(ROW))
            else:
                self._send(404, "text/plain", "no such path")
        except (BrokenPipeError, ConnectionResetError):  # the client gave up: expected
            pass

    def _send(self, status: int, media_type: str, text: str,
              headers: dict[str, str] | None = None) -> None:
        data = text.encode("utf-8")
        self.send_response(status)
        self.send_header("Content-Type", media_type)
        self.send_header("Content-Length", str(len(data)))
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(data)


class Stub:
    """A real HTTP server on 127.0.0.1 that misbehaves by path: ``/html`` (a web page with
    status 200), ``/malformed`` (broken SPARQL JSON), ``/flaky`` (503 with Retry-After: 0
    twice, then an answer), ``/status-N/...`` (always status N), ``/slow`` (ASK at once,
    anything else after SLOW seconds). ``hits`` counts the requests per path."""

    def __init__(self, server: _Server) -> None:
        self.server = server
        self.base = f"http://127.0.0.1:{server.server_address[1]}"

    def url(self, path: str) -> str:
        return self.base + path

    def hits(self, path: str) -> int:
        with self.server.lock:
            return self.server.hits[path]


@pytest.fixture(scope="module")
def stub() -> Iterator[Stub]:
    server = _Server()
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield Stub(server)
    finally:
        server.shutdown()
        server.server_close()


def engine(url: str, retries: int = 0, read: float = 5.0) -> RemoteEngine:
    return RemoteEngine(url, HttpClient(None, Timeouts(2.0, read), retries, backoff=0.0))


def assert_clear(error: Exception, url: str) -> None:
    """One line, naming ``url``, no traceback."""
    message = str(error)
    assert url in message
    assert "\n" not in message and "Traceback" not in message


def test_an_html_page_is_not_sparql_results(stub: Stub) -> None:
    url = stub.url("/html")
    with pytest.raises(EndpointError, match="HTML page") as error:
        engine(url).execute(SELECT, {})
    assert_clear(error.value, url)
    assert "Welcome to nginx" in str(error.value)
    assert not isinstance(error.value, EndpointUnreachable)


@pytest.mark.parametrize("sparql", [SELECT, "ASK { ?s ?p ?o }"])
def test_malformed_json_results(stub: Stub, sparql: str) -> None:
    url = stub.url("/malformed")
    with pytest.raises(EndpointError, match="malformed") as error:
        engine(url).execute(sparql, {})
    assert_clear(error.value, url)
    assert SPARQL_JSON in str(error.value)


def test_reads_are_retried_after_503(stub: Stub) -> None:
    url = stub.url("/flaky")
    before = stub.hits("/flaky")
    result = engine(url, retries=3).execute(SELECT, {})
    assert result.rows == [{"s": BCR["yoga"]}]
    assert stub.hits("/flaky") - before == 3


def test_reads_give_up_after_the_retries(stub: Stub) -> None:
    url = stub.url("/status-503/sparql")
    before = stub.hits("/status-503/sparql")
    with pytest.raises(EndpointError, match="503") as error:
        engine(url, retries=2).execute(SELECT, {})
    assert stub.hits("/status-503/sparql") - before == 3
    assert_clear(error.value, url)
    assert "the store is unwell" in str(error.value)


@pytest.mark.parametrize("status", [500, 503])
def test_writes_are_never_retried(stub: Stub, kg: KnowledgeGraph, status: int) -> None:
    update = f"/status-{status}/update"
    before = stub.hits(update)
    with pytest.raises(EndpointError, match=str(status)) as error:
        kg.push(stub.url("/status-200/query"), stub.url(update), None)
    assert stub.hits(update) - before == 1
    assert_clear(error.value, stub.url(update))
    assert error.value.status == status


@pytest.mark.parametrize("status", [500, 503])
def test_graph_store_writes_are_never_retried(stub: Stub, kg: KnowledgeGraph,
                                              status: int) -> None:
    store = f"/status-{status}/store"
    before = stub.hits(store)
    with pytest.raises(EndpointError, match=str(status)) as error:
        kg.push(stub.url("/status-200/query"), None, stub.url(store))
    assert stub.hits(store) - before == 1
    assert stub.url(store) in str(error.value)
    assert "Traceback" not in str(error.value)


def test_an_answer_slower_than_the_read_timeout(stub: Stub) -> None:
    url = stub.url("/slow")
    remote = KnowledgeGraph.connect(url, read_timeout=READ_TIMEOUT, retries=0)
    start = time.monotonic()
    with pytest.raises(EndpointError, match="read timeout") as error:
        remote.query(SELECT)
    assert time.monotonic() - start < SLOW
    assert not isinstance(error.value, EndpointUnreachable)
    assert_clear(error.value, url)
    assert f"{READ_TIMEOUT:g} s" in str(error.value)


def test_a_slow_answer_within_the_read_timeout(stub: Stub) -> None:
    result = engine(stub.url("/slow"), read=SLOW + 5).execute(SELECT, {})
    assert result.rows == [{"s": BCR["yoga"]}]


# -- nothing listening ----------------------------------------------------------------------


@pytest.fixture
def closed_url() -> str:
    """The URL of a port nothing listens on (bound, then closed)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    return f"http://127.0.0.1:{port}/sparql"


def test_a_closed_port_is_unreachable(closed_url: str) -> None:
    with pytest.raises(EndpointUnreachable, match="connection refused") as error:
        engine(closed_url).execute(SELECT, {})
    assert_clear(error.value, closed_url)
    with pytest.raises(EndpointUnreachable) as connecting:
        KnowledgeGraph.connect(closed_url, retries=0)
    assert_clear(connecting.value, closed_url)


def test_a_closed_port_on_the_command_line(closed_url: str) -> None:
    """The real entry point: exit 2 and one error line (after its retries' warnings)."""
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH")]))
    done = subprocess.run(
        [sys.executable, "-m", "backcare_kg", "--endpoint", closed_url, "activities",
         "--improves", "balance"],
        stdin=subprocess.DEVNULL, capture_output=True, text=True, env=env, cwd=ROOT,
        timeout=120)
    assert done.returncode == 2
    assert done.stdout == ""
    assert "Traceback" not in done.stderr
    errors = [line for line in done.stderr.splitlines() if "error:" in line]
    assert errors == [done.stderr.splitlines()[-1]]
    assert errors[0].startswith("backcare-kg: error: ")
    assert closed_url in errors[0] and "connection refused" in errors[0]


# -- logins ---------------------------------------------------------------------------------


@pytest.fixture
def netrc_file(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    """An empty netrc file as $NETRC, and no login in the environment."""
    monkeypatch.delenv("BACKCARE_KG_USER", raising=False)
    monkeypatch.delenv("BACKCARE_KG_PASSWORD", raising=False)
    path = tmp_path / "netrc"
    path.write_text("", encoding="utf-8")
    path.chmod(0o600)
    monkeypatch.setenv("NETRC", str(path))
    return path


STORE = "https://store.example.org/sparql"


def test_given_login_wins(netrc_file: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    netrc_file.write_text("default login carol password other\n", encoding="utf-8")
    monkeypatch.setenv("BACKCARE_KG_USER", "bob")
    monkeypatch.setenv("BACKCARE_KG_PASSWORD", "also-other")
    assert find_credentials(STORE, ("alice", PASSWORD)) == Credentials("alice", PASSWORD)
    given = Credentials("dave", PASSWORD, "mine")
    assert find_credentials(STORE, given) is given
    with pytest.raises(ParameterError, match="auth"):
        find_credentials(STORE, ("alice",))  # type: ignore[arg-type]


def test_no_login_anywhere(netrc_file: Path) -> None:
    assert find_credentials(STORE) is None
    assert client_for(Endpoints(STORE)).credentials is None


def test_login_from_the_environment(netrc_file: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    netrc_file.write_text(f"machine store.example.org login carol password {PASSWORD}\n",
                          encoding="utf-8")
    monkeypatch.setenv("BACKCARE_KG_USER", "bob")
    monkeypatch.setenv("BACKCARE_KG_PASSWORD", PASSWORD)
    found = find_credentials(STORE)
    assert found is not None
    assert (found.user, found.password, found.source) == ("bob", PASSWORD, "$BACKCARE_KG_USER")
    monkeypatch.delenv("BACKCARE_KG_PASSWORD")
    with pytest.raises(ParameterError, match="BACKCARE_KG_PASSWORD"):
        find_credentials(STORE)


def test_login_from_a_netrc_machine_entry(netrc_file: Path) -> None:
    netrc_file.write_text("machine other.example.org login zed password nope\n"
                          f"machine store.example.org login carol password {PASSWORD}\n",
                          encoding="utf-8")
    found = find_credentials(STORE)
    assert found is not None
    assert (found.user, found.password) == ("carol", PASSWORD)
    assert str(netrc_file) in found.source
    assert find_credentials("http://elsewhere.example.org/sparql") is None
    # --user NAME takes the password of the entry with that login only
    assert find_credentials(STORE, user="carol") == found
    assert find_credentials(STORE, user="someone") is None
    with pytest.raises(ParameterError, match="no password for user 'someone'"):
        client_for(Endpoints(STORE), user="someone")


def test_login_from_a_netrc_default_entry(netrc_file: Path) -> None:
    netrc_file.write_text("machine other.example.org login zed password nope\n"
                          f"default login dan password {PASSWORD}\n", encoding="utf-8")
    found = find_credentials(STORE)
    assert found is not None
    assert (found.user, found.password) == ("dan", PASSWORD)
    zed = find_credentials("http://other.example.org/update")
    assert zed is not None and zed.user == "zed"


def test_a_malformed_netrc_names_the_file(netrc_file: Path) -> None:
    netrc_file.write_text(f"machine store.example.org login carol password {PASSWORD}\n"
                          "bogus entry here\n", encoding="utf-8")
    with pytest.raises(ParameterError) as error:
        find_credentials(STORE)
    assert str(netrc_file) in str(error.value)
    assert PASSWORD not in str(error.value)


def test_the_password_is_never_shown() -> None:
    credentials = Credentials("alice", PASSWORD, "netrc /home/alice/.netrc")
    for text in (repr(credentials), str(credentials), f"{credentials}", f"{credentials!r}"):
        assert PASSWORD not in text
        assert "alice" in text
    client = HttpClient(credentials)
    assert PASSWORD not in repr(client)


# -- bound values in VALUES blocks ----------------------------------------------------------


def rewritten(sparql: str, **bindings: Identifier) -> str:
    """``sparql`` with ``bindings`` inlined; it must still parse (with our prefixes)."""
    text = with_prefixes(inline_values(sparql, bindings))
    prepareQuery(text)
    return text


def assert_same_rows(kg: KnowledgeGraph, sparql: str, **bindings: Identifier) -> Result:
    """Running the rewritten text locally gives what binding the values does."""
    expected = kg.query(sparql, **bindings)
    got = kg.query(rewritten(sparql, **bindings))
    assert got.kind == expected.kind
    if expected.kind == "SELECT":
        assert got.vars == expected.vars
        assert Counter(map(lambda r: tuple(r.values()), got.rows)) == Counter(
            map(lambda r: tuple(r.values()), expected.rows))
    elif expected.kind == "ASK":
        assert got.boolean is expected.boolean
    else:
        assert got.graph is not None and expected.graph is not None
        assert isomorphic(got.graph, expected.graph)
    return expected


@pytest.mark.parametrize(("sparql", "bindings"), [
    ("SELECT ?a ?label WHERE { ?a a bc:Activity OPTIONAL { ?a rdfs:label ?label "
     "FILTER(LANG(?label) = ?lang) } }", {"lang": Literal("es")}),
    ("SELECT ?a WHERE { ?a bc:improves ?c FILTER(?c = ?cap) }", {"cap": BCR["balance"]}),
    ("SELECT ?a WHERE { ?a a bc:Activity FILTER EXISTS { ?a bc:improves ?cap } }",
     {"cap": BCR["balance"]}),
    ("SELECT ?a ?n WHERE { { SELECT ?a (COUNT(*) AS ?n) WHERE { ?a bc:improves ?cap } "
     "GROUP BY ?a } }", {"cap": BCR["balance"]}),
    ("SELECT ?a WHERE { { ?a bc:improves ?cap } UNION { ?a bc:allowedInPhase ?cap } }",
     {"cap": BCR["chronic-phase"]}),
    ("SELECT ?a WHERE { ?a a bc:Activity MINUS { ?a bc:improves ?cap } }",
     {"cap": BCR["balance"]}),
    ("SELECT ?cap WHERE { }", {"cap": BCR["balance"]}),
    ("ASK { ?a bc:improves ?cap }", {"cap": BCR["balance"]}),
    ("CONSTRUCT WHERE { ?a bc:improves ?cap }", {"cap": BCR["balance"]}),
    ("CONSTRUCT { ?a bc:x ?cap } WHERE { ?a bc:improves ?cap }", {"cap": BCR["balance"]}),
], ids=["optional", "filter", "exists", "sub-select", "union", "minus", "projected-only",
        "ask", "construct-where", "construct"])
def test_inlined_values_answer_as_bound_values(kg: KnowledgeGraph, sparql: str,
                                               bindings: dict[str, Identifier]) -> None:
    expected = assert_same_rows(kg, sparql, **bindings)
    if expected.kind == "SELECT":
        assert expected.rows
    elif expected.kind != "ASK":
        assert expected.graph


def test_values_go_into_each_group_that_mentions_them() -> None:
    text = inline_values("SELECT ?a WHERE { ?a ?p ?o OPTIONAL { ?a ?q ?cap } "
                         "FILTER(?o != ?cap) }", {"cap": BCR["balance"]})
    block = f"VALUES (?cap) {{ (<{BCR['balance']}>) }}"
    assert text.count(block) == 2
    assert text.index(block) < text.index("?a ?p ?o")  # the outer group first
    assert text.index("OPTIONAL {") < text.rindex(block)


def test_minus_is_left_alone() -> None:
    sparql = "SELECT ?a WHERE { ?a a bc:Activity MINUS { ?a bc:improves ?cap } }"
    text = rewritten(sparql, cap=BCR["balance"])
    assert "MINUS { ?a bc:improves ?cap }" in text
    assert text.count("VALUES") == 1


def test_construct_where_is_written_out() -> None:
    text = rewritten("CONSTRUCT WHERE { ?a bc:improves ?cap }", cap=BCR["balance"])
    template, pattern = text.split("WHERE", 1)
    assert "VALUES" not in template and "VALUES" in pattern
    assert "?a bc:improves ?cap" in template


def test_describe_without_where_gets_one() -> None:
    text = rewritten("DESCRIBE ?x", x=BC["MindBodyActivity"])
    assert text == f"DESCRIBE ?x WHERE {{ VALUES (?x) {{ (<{BC['MindBodyActivity']}>) }} }}"


@pytest.mark.parametrize("value", [
    'say "hello"\nand \'goodbye\'\r\n\ttoo \\ } ) .',
    "} } INSERT DATA { <urn:x> <urn:y> <urn:z> }",
    '"""',
    "émoji ✓ 😀",
])
def test_literals_are_escaped(kg: KnowledgeGraph, value: str) -> None:
    text = rewritten("SELECT ?x ?n WHERE { BIND(STRLEN(?x) AS ?n) }", x=Literal(value))
    assert text.count("VALUES") == 1
    result = kg.query(text)
    assert result.rows == [{"x": Literal(value), "n": Literal(len(value))}]
    assert_same_rows(kg, "SELECT ?x ?n WHERE { BIND(STRLEN(?x) AS ?n) }", x=Literal(value))


def test_language_and_typed_literals_travel(kg: KnowledgeGraph) -> None:
    assert_same_rows(kg, "SELECT ?a WHERE { ?a rdfs:label ?l }", l=Literal("yoga", lang="en"))
    text = rewritten("SELECT ?n WHERE { }", n=Literal(3))
    assert kg.query(text).rows == [{"n": Literal(3)}]


def test_a_blank_node_cannot_travel() -> None:
    with pytest.raises(ParameterError) as error:
        inline_values("SELECT ?a WHERE { ?a ?p ?b }", {"b": BNode()})
    assert error.value.parameter == "b"
    assert "blank node" in str(error.value)


@pytest.mark.parametrize("iri", ["https://example.org/a b", "https://example.org/a>b",
                                 'https://example.org/"x"', "https://example.org/{x}"])
def test_an_iri_that_is_no_iri_cannot_travel(iri: str) -> None:
    with pytest.raises(ParameterError, match="not a valid IRI") as error:
        inline_values("SELECT ?a WHERE { ?a ?p ?o }", {"o": URIRef(iri)})
    assert error.value.parameter == "o"


def test_no_values_no_change() -> None:
    sparql = "SELECT ?a WHERE { ?a ?p ?o }"
    assert inline_values(sparql, {}) is sparql


def test_missing_prefixes_are_declared() -> None:
    text = with_prefixes("PREFIX bc: <urn:mine#>\nSELECT ?a WHERE { ?a bc:x bcr:y }")
    assert text.startswith(f"PREFIX bcr: <{PREFIXES['bcr']}>\n")
    assert "PREFIX bc: <urn:mine#>" in text and f"<{PREFIXES['bc']}>" not in text
