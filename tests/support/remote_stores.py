"""Real SPARQL triple stores on 127.0.0.1 for the tests (not a test module).

Two stores, each started in a subprocess with its data and logs in a private directory:

* the Oxigraph server (the ``oxigraph`` command of the PyPI package ``oxigraph``, part of the
  test extra): query ``/query``, update ``/update``, Graph Store Protocol ``/store?graph=IRI``,
  no authentication;
* Virtuoso Open Source 7 (Debian's ``virtuoso-opensource``, ``/usr/bin/virtuoso-t``): query
  ``/sparql`` (anonymous), update ``/sparql-auth`` and Graph Store Protocol
  ``/sparql-graph-crud-auth?graph-uri=IRI`` with HTTP digest authentication (``dba``/``dba``).

Only the standard library is used for HTTP (urllib; digest authentication through a private
opener, never ``install_opener``). See /work/shared/STORES.md for the recipes.

Virtuoso 7.2 quirks met while writing tests (details in the survey, /tmp/store-findings.md):
no blank nodes in ``INSERT DATA`` (use ``INSERT {...} WHERE {}`` or the Graph Store
Protocol), no ``.`` between ``GRAPH`` blocks of ``INSERT DATA``, at most about 1,400 triples
per ``INSERT DATA`` (about 4,900 per block with ``DEFINE sql:big-data-const 1``), and
``DROP GRAPH`` (without ``SILENT``) fails on a graph not made by ``CREATE GRAPH``.
"""

from __future__ import annotations

import io
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from pathlib import Path

#: Skip messages for the tests needing a store whose program is missing.
OXIGRAPH_MISSING = ("the Oxigraph server is not installed: pip install oxigraph "
                    "(it comes with the test extra: pip install -e '.[test]')")
VIRTUOSO_MISSING = ("Virtuoso is not installed: apt-get install virtuoso-opensource "
                    "(Debian; it provides /usr/bin/virtuoso-t)")

VIRTUOSO_TEMPLATE = Path("/etc/virtuoso-opensource-7/virtuoso.ini")
VIRTUOSO_PROGRAM = Path("/usr/bin/virtuoso-t")
VIRTUOSO_USER = "dba"
VIRTUOSO_PASSWORD = "dba"

OXIGRAPH_STARTUP_TIMEOUT = 20.0
VIRTUOSO_STARTUP_TIMEOUT = 60.0
STOP_TIMEOUT = 30.0
POLL_INTERVAL = 0.2
LOG_TAIL_LINES = 40

SPARQL_JSON = "application/sparql-results+json"
#: Lists the graphs holding at least one triple (both stores).
GRAPHS_QUERY = "SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }"


@dataclass(frozen=True)
class RunningStore:
    """A store answering on 127.0.0.1. ``user``/``password`` are the digest credentials of
    ``update_url`` and ``store_url`` (``None`` when the store needs none, as Oxigraph).

    ``store_url`` is the Graph Store Protocol base; the graph goes in the parameter
    ``graph_param`` (``graph`` on Oxigraph, ``graph-uri`` on Virtuoso).
    ``system_graphs`` are the graphs present when the store started (Virtuoso keeps its own
    configuration in RDF graphs, e.g. ``http://www.openlinksw.com/schemas/virtrdf#``, which
    its SPARQL engine needs): :meth:`clear` never drops them."""

    name: str
    query_url: str
    update_url: str
    store_url: str
    user: str | None
    password: str | None
    pid: int
    graph_param: str = "graph"
    system_graphs: frozenset[str] = field(default=frozenset())

    def opener(self) -> urllib.request.OpenerDirector:
        """A private urllib opener answering the store's digest challenges (if any)."""
        return authenticated_opener(self.update_url, self.user, self.password)

    def graph_url(self, graph: str) -> str:
        """The Graph Store Protocol URL of the named graph ``graph``."""
        return f"{self.store_url}?{urllib.parse.urlencode({self.graph_param: graph})}"

    def query(self, query: str, accept: str = SPARQL_JSON) -> bytes:
        """The body of the answer to ``query`` (POSTed as a form)."""
        return post_form(self.opener(), self.query_url, {"query": query}, accept)

    def select(self, query: str) -> list[dict[str, str]]:
        """The rows of a SELECT query, each variable bound to its value's lexical form."""
        rows = json.loads(self.query(query))["results"]["bindings"]
        return [{var: value["value"] for var, value in row.items()} for row in rows]

    def ask(self, query: str) -> bool:
        answer: bool = json.loads(self.query(query))["boolean"]
        return answer

    def update(self, update: str) -> None:
        """Run a SPARQL Update (POSTed as a form, authenticated where needed)."""
        post_form(self.opener(), self.update_url, {"update": update}, "*/*")

    def graphs(self) -> set[str]:
        """The graphs holding at least one triple."""
        return {row["g"] for row in self.select(GRAPHS_QUERY)}

    def clear(self) -> None:
        """Drop every graph but the store's own (``system_graphs``), and empty the default
        graph of Oxigraph.

        Oxigraph runs ``DROP ALL``. Virtuoso must not: ``DROP ALL`` there would also drop its
        system graphs (its SPARQL engine reads its quad maps from one); instead every graph
        holding a triple and absent at startup is dropped by name (``DROP SILENT GRAPH``, all
        in one request). Virtuoso has no separate default graph: a query without ``FROM``
        reads the union of all graphs, so this empties that too."""
        if self.name == "oxigraph":
            self.update("DROP ALL")
            return
        extra = sorted(self.graphs() - self.system_graphs)
        if extra:
            self.update(" ;\n".join(f"DROP SILENT GRAPH <{g}>" for g in extra))


def authenticated_opener(url: str, user: str | None,
                         password: str | None) -> urllib.request.OpenerDirector:
    """A private opener; with credentials it answers HTTP digest challenges from anywhere on
    ``url``'s host and port (any realm). Never installed globally."""
    if user is None or password is None:
        return urllib.request.build_opener()
    origin = urllib.parse.urlsplit(url)
    passwords = urllib.request.HTTPPasswordMgrWithDefaultRealm()
    # the whole origin (urllib matches by path prefix: /sparql-graph-crud-auth is not below
    # /sparql-auth)
    passwords.add_password(None, f"{origin.scheme}://{origin.netloc}/", user, password)
    return urllib.request.build_opener(urllib.request.HTTPDigestAuthHandler(passwords))


def post_form(opener: urllib.request.OpenerDirector, url: str, form: dict[str, str],
              accept: str, timeout: float = 120.0) -> bytes:
    """POST ``form`` (urlencoded) to ``url``; the answer's body. Raises
    :class:`urllib.error.HTTPError` on a status >= 400, the start of the store's answer in
    its message."""
    request = urllib.request.Request(
        url, data=urllib.parse.urlencode(form).encode(), method="POST",
        headers={"Content-Type": "application/x-www-form-urlencoded", "Accept": accept})
    try:
        with opener.open(request, timeout=timeout) as response:
            body: bytes = response.read()
            return body
    except urllib.error.HTTPError as error:  # keep the store's explanation in the message
        detail = error.read()
        raise urllib.error.HTTPError(
            error.url, error.code,
            f"{error.reason}: {detail[:500].decode('utf-8', 'replace')}", error.headers,
            io.BytesIO(detail)) from None


def free_port() -> int:
    """A TCP port free on 127.0.0.1 just now (bound to port 0, then released)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


def oxigraph_command() -> str | None:
    """The ``oxigraph`` executable: beside the running Python (the same virtualenv), else on
    PATH; ``None`` if there is none."""
    beside = Path(sys.executable).parent / "oxigraph"
    if beside.is_file() and os.access(beside, os.X_OK):
        return str(beside)
    return shutil.which("oxigraph")


def virtuoso_command() -> str | None:
    """The Virtuoso server executable (``virtuoso-t``), or ``None`` if it is not installed
    or its configuration template is missing."""
    found = shutil.which("virtuoso-t") or (
        str(VIRTUOSO_PROGRAM) if os.access(VIRTUOSO_PROGRAM, os.X_OK) else None)
    return found if found and VIRTUOSO_TEMPLATE.is_file() else None


def log_tail(path: Path, lines: int = LOG_TAIL_LINES) -> str:
    try:
        text = path.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return f"(no log at {path})"
    return "\n".join(text.splitlines()[-lines:])


def answers_ask(query_url: str) -> bool:
    """Whether the endpoint answers ``ASK {}`` with a SPARQL JSON boolean just now."""
    url = f"{query_url}?{urllib.parse.urlencode({'query': 'ASK {}'})}"
    request = urllib.request.Request(url, headers={"Accept": SPARQL_JSON})
    try:
        with urllib.request.build_opener().open(request, timeout=5) as response:
            return response.status == 200 and "boolean" in json.loads(response.read())
    except (OSError, ValueError):  # refused, reset, timed out, HTTP errors, not JSON yet
        return False


def wait_until_ready(process: subprocess.Popen[bytes], query_url: str, timeout: float,
                     logs: list[Path], what: str) -> None:
    """Poll ``query_url`` until it answers ASK; raise with the logs' tails if the process
    exits or ``timeout`` seconds pass."""
    deadline = time.monotonic() + timeout
    while not answers_ask(query_url):
        if process.poll() is not None:
            problem = f"{what} exited with status {process.returncode} while starting"
        elif time.monotonic() > deadline:
            problem = f"{what} did not answer ASK at {query_url} within {timeout:.0f} s"
        else:
            time.sleep(POLL_INTERVAL)
            continue
        tails = "\n".join(f"--- {log} ---\n{log_tail(log)}" for log in logs)
        raise RuntimeError(f"{problem}:\n{tails}")


def stop(process: subprocess.Popen[bytes]) -> None:
    """Stop a store by its PID: SIGTERM, wait, then SIGKILL if it lingers."""
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(STOP_TIMEOUT)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(10)


@contextmanager
def _running(command: list[str], log: Path, cwd: Path) -> Iterator[subprocess.Popen[bytes]]:
    with log.open("ab") as sink:
        process = subprocess.Popen(command, stdin=subprocess.DEVNULL, stdout=sink,
                                   stderr=subprocess.STDOUT, cwd=cwd)
    try:
        yield process
    finally:
        stop(process)


@contextmanager
def oxigraph_server(tmp_dir: Path | str) -> Iterator[RunningStore]:
    """An Oxigraph server on a free port of 127.0.0.1, its database in ``tmp_dir/oxigraph``
    and its log in ``tmp_dir/oxigraph.log``; stopped on exit."""
    program = oxigraph_command()
    if program is None:
        raise RuntimeError(OXIGRAPH_MISSING)
    tmp = Path(tmp_dir)
    location = tmp / "oxigraph"
    location.mkdir(parents=True, exist_ok=True)
    log = tmp / "oxigraph.log"
    base = f"http://127.0.0.1:{free_port()}"
    command = [program, "serve", "--location", str(location), "--bind", base[len("http://"):]]
    with _running(command, log, tmp) as process:
        wait_until_ready(process, f"{base}/query", OXIGRAPH_STARTUP_TIMEOUT, [log], "oxigraph")
        yield RunningStore(name="oxigraph", query_url=f"{base}/query",
                           update_url=f"{base}/update", store_url=f"{base}/store",
                           user=None, password=None, pid=process.pid, graph_param="graph")


def virtuoso_ini(template: str, directory: Path, sql_port: int, http_port: int) -> str:
    """The text of ``template`` (a virtuoso.ini) made private: every file of [Database] and
    [TempDatabase] in ``directory``, both servers on 127.0.0.1, ``directory`` allowed."""
    section = ""
    out: list[str] = []
    for line in template.splitlines():
        heading = re.match(r"\s*\[([^\]]+)\]", line)
        if heading:
            section = heading.group(1).strip()
        key, sep, value = line.partition("=")
        name = key.strip()
        if sep and not name.startswith(";"):
            value_only = value.split(";", 1)[0].strip()
            if section in ("Database", "TempDatabase") and name in (
                    "DatabaseFile", "ErrorLogFile", "LockFile", "TransactionFile",
                    "xa_persistent_file"):
                line = f"{name} = {directory / Path(value_only).name}"
            elif section == "Parameters" and name == "ServerPort":
                line = f"{name} = 127.0.0.1:{sql_port}"
            elif section == "HTTPServer" and name == "ServerPort":
                line = f"{name} = 127.0.0.1:{http_port}"
            elif section == "Parameters" and name == "DirsAllowed":
                line = f"{name} = {value_only}, {directory}"
            elif section == "URIQA" and name == "DefaultHost":
                line = f"{name} = 127.0.0.1:{http_port}"
        out.append(line)
    return "\n".join(out) + "\n"


@contextmanager
def virtuoso_server(tmp_dir: Path | str) -> Iterator[RunningStore]:
    """A fresh Virtuoso database in ``tmp_dir/virtuoso`` (a private copy of the system's
    virtuoso.ini), its HTTP server on a free port of 127.0.0.1 (and its SQL server on
    another), run in the foreground with its output in ``tmp_dir/virtuoso.out`` and its own
    log in ``tmp_dir/virtuoso/virtuoso.log``; stopped on exit."""
    program = virtuoso_command()
    if program is None:
        raise RuntimeError(VIRTUOSO_MISSING)
    tmp = Path(tmp_dir)
    directory = tmp / "virtuoso"
    directory.mkdir(parents=True, exist_ok=True)
    http_port = free_port()
    sql_port = free_port()
    while sql_port == http_port:
        sql_port = free_port()
    ini = directory / "virtuoso.ini"
    ini.write_text(virtuoso_ini(VIRTUOSO_TEMPLATE.read_text(encoding="utf-8"), directory,
                                sql_port, http_port), encoding="utf-8")
    out = tmp / "virtuoso.out"
    base = f"http://127.0.0.1:{http_port}"
    command = [program, "+configfile", str(ini), "+foreground"]
    with _running(command, out, directory) as process:
        wait_until_ready(process, f"{base}/sparql", VIRTUOSO_STARTUP_TIMEOUT,
                         [out, directory / "virtuoso.log"], "virtuoso")
        store = RunningStore(name="virtuoso", query_url=f"{base}/sparql",
                             update_url=f"{base}/sparql-auth",
                             store_url=f"{base}/sparql-graph-crud-auth",
                             user=VIRTUOSO_USER, password=VIRTUOSO_PASSWORD, pid=process.pid,
                             graph_param="graph-uri")
        yield replace(store, system_graphs=frozenset(store.graphs()))
