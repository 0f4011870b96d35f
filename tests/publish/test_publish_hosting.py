"""The published site hosted: ``backcare-kg publish`` through its real entry point, the site
served by a real Apache (its ``.htaccess`` negotiating as the server does) with the w3id
redirects beside it, and its home page opened from the files in headless Chromium.

Apache (Debian's ``apache2``) and Chromium are optional here: the tests needing them skip,
saying how to install them. The site is written once, by the CLI, into a directory a web
server may read (outside pytest's private temporary directories).
"""

from __future__ import annotations

import os
import re
import shutil
import socket
import struct
import subprocess
import sys
import tempfile
import time
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest
from rdflib import Graph
from rdflib.compare import isomorphic
from support.live_server import LiveServer
from support.publishing import ACCEPT_HEADERS, files_of, leftovers, server_choice

from backcare_kg import KnowledgeGraph
from backcare_kg.publish import MANIFEST, publish, read_manifest
from backcare_kg.vocab import VOID

pytestmark = [
    # raised inside rdflib (JSON-LD parser, N-Quads and TriG serializers); not ours to fix
    pytest.mark.filterwarnings("ignore:ConjunctiveGraph is deprecated:DeprecationWarning"),
    pytest.mark.filterwarnings("ignore:Dataset.contexts is deprecated:DeprecationWarning"),
]

APACHE = Path("/usr/sbin/apache2")
MODULES = Path("/usr/lib/apache2/modules")
CHROMIUM = Path("/usr/bin/chromium")
SCREENSHOTS = Path(os.environ.get("BACKCARE_KG_SCREENSHOTS",
                                  Path(__file__).parents[1] / "artifacts" / "screenshots"))

#: Documents negotiated by Apache in the tests (one of each kind).
DOCUMENTS = ["resource/yoga", "ontology", "ontology/0.1.0", "graph/inferred", ".well-known/void"]

#: The Content-Type Apache gives each file.
CONTENT_TYPES = {"html": "text/html; charset=utf-8", "ttl": "text/turtle; charset=utf-8",
                 "jsonld": "application/ld+json", "nt": "application/n-triples; charset=utf-8",
                 "rdf": "application/rdf+xml; charset=utf-8",
                 "nq": "application/n-quads; charset=utf-8"}


@dataclass(frozen=True)
class Hosted:
    """A site written by the CLI for ``http://127.0.0.1:{port}/backcare-kg/``."""

    root: Path
    port: int
    site: Path
    run: subprocess.CompletedProcess[str]

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/backcare-kg/"

    @property
    def sparql(self) -> str:
        return f"http://127.0.0.1:{self.port}/sparql"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


def cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "backcare_kg", *args], capture_output=True,
                          text=True, timeout=300, check=False)


@pytest.fixture(scope="module")
def hosted() -> Iterator[Hosted]:
    root = Path(tempfile.mkdtemp(prefix="backcare-kg-publish-"))
    root.chmod(0o755)  # a web server running as another user reads the site
    try:
        port = free_port()
        site = root / "site"
        site.mkdir()  # an empty directory is filled
        run = cli("publish", "--out", str(site), "--base-url",
                  f"http://127.0.0.1:{port}/backcare-kg", "--sparql",
                  f"http://127.0.0.1:{port}/sparql")
        yield Hosted(root, port, site, run)
    finally:
        shutil.rmtree(root, ignore_errors=True)


# -- the CLI ----------------------------------------------------------------------------------


def test_cli_publishes_and_says_what(hosted: Hosted) -> None:
    run = hosted.run
    assert run.returncode == 0, run.stderr
    assert run.stdout == ""
    lines = run.stderr.splitlines()
    manifest = read_manifest(hosted.site)
    assert re.fullmatch(rf"published the site to {re.escape(str(hosted.site))} in \d+\.\d s: "
                        rf"{manifest['files']} files, \d+\.\d MB", lines[0])
    assert [line.split("  ")[-1] for line in lines[1:]] == [
        "HTML pages", "RDF descriptions (Turtle, JSON-LD, N-Triples, RDF/XML)",
        "dumps of the named graphs (also N-Quads, TriG)", "JSON-LD context, style sheet",
        ".htaccess, w3id example, README.txt, .nojekyll, manifest"]
    assert manifest["base_url"] == hosted.base_url and manifest["sparql"] == hosted.sparql


def test_cli_options_reach_the_files(hosted: Hosted) -> None:
    site = hosted.site
    home = (site / "index.html").read_text("utf-8")
    assert f'<form class="query-form" action="{hosted.sparql}" method="get">' in home
    void = Graph().parse(site / ".well-known/void.ttl")
    assert len(list(void.objects(None, VOID.sparqlEndpoint))) == 1
    htaccess = (site / ".htaccess").read_text("utf-8")
    assert "RewriteBase /backcare-kg/\n" in htaccess
    assert "ErrorDocument 404 /backcare-kg/404.html\n" in htaccess
    w3id = (site / "w3id-htaccess.txt").read_text("utf-8")
    assert "EDIT FIRST" not in w3id
    assert f"RewriteRule ^sparql$ {hosted.sparql} [R=307,L]" in w3id
    assert 'href="/backcare-kg/static/style.css"' in (site / "404.html").read_text("utf-8")


@pytest.mark.parametrize(("args", "message"), [
    (["--out", "FILE"], "parameter 'out': FILE is a file, not a directory: choose a "
                        "directory for the site"),
    (["--out", "DIR", "--base-url", "example.org/kg"],
     "parameter 'base-url': expected an http:// or https:// URL, not 'example.org/kg'"),
])
def test_cli_refuses_in_one_line(tmp_path: Path, args: list[str], message: str) -> None:
    file = tmp_path / "a-file"
    file.write_text("not a directory")
    args = [str(file) if a == "FILE" else str(tmp_path / "new") if a == "DIR" else a
            for a in args]
    run = cli("publish", *args)
    assert run.returncode == 2
    assert run.stderr == f"backcare-kg: error: {message.replace('FILE', str(file))}\n"
    assert not (tmp_path / "new").exists()


# -- Apache -------------------------------------------------------------------------------------


def apache_config(work: Path, port: int, site: Path, w3id: Path) -> str:
    modules = ["mpm_event", "authz_core", "mime", "dir", "alias", "rewrite", "headers"]
    lines = [f"LoadModule {m}_module {MODULES}/mod_{m}.so" for m in modules]
    if os.geteuid() == 0:  # Apache serves as another user when started by root
        lines += ["User www-data", "Group www-data"]
    types = "/etc/mime.types" if Path("/etc/mime.types").exists() else "/dev/null"
    lines += [
        f"DefaultRuntimeDir {work}", f"PidFile {work}/httpd.pid", f"Listen 127.0.0.1:{port}",
        "ServerName 127.0.0.1", f"ErrorLog {work}/error.log", "LogLevel warn",
        f"TypesConfig {types}", f"DocumentRoot {work}/empty",
        f"Alias /backcare-kg {site}", f"Alias /w3id {w3id}",
        "<Directory />", "  AllowOverride None", "  Require all denied", "</Directory>",
        f"<Directory {site.parent}>", "  AllowOverride FileInfo Indexes Options",
        "  Require all granted", "</Directory>",
    ]
    return "\n".join(lines) + "\n"


@pytest.fixture(scope="module")
def apache(hosted: Hosted) -> Iterator[str]:
    """Apache on 127.0.0.1 serving the site at /backcare-kg/ and the w3id example's
    redirects at /w3id/backcare-kg/; its URL."""
    if not APACHE.exists():
        pytest.skip("apache2 is not installed: apt-get install --no-install-recommends apache2")
    assert hosted.run.returncode == 0, hosted.run.stderr
    work = hosted.root / "apache"
    (work / "empty").mkdir(parents=True)
    w3id = hosted.root / "w3id"
    (w3id / "backcare-kg").mkdir(parents=True)
    shutil.copy(hosted.site / "w3id-htaccess.txt", w3id / "backcare-kg" / ".htaccess")
    for path in (w3id, w3id / "backcare-kg", w3id / "backcare-kg" / ".htaccess"):
        path.chmod(0o755 if path.is_dir() else 0o644)
    (work / "httpd.conf").write_text(apache_config(work, hosted.port, hosted.site, w3id))
    process = subprocess.Popen([str(APACHE), "-f", str(work / "httpd.conf"), "-DFOREGROUND"],
                               stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    url = f"http://127.0.0.1:{hosted.port}"
    try:
        deadline = time.monotonic() + 20
        while True:
            try:
                httpx.get(url + "/backcare-kg/", timeout=2)
                break
            except httpx.TransportError:
                if process.poll() is not None or time.monotonic() > deadline:
                    log = (work / "error.log").read_text() if (work / "error.log").exists() \
                        else ""
                    pytest.fail(f"Apache did not start: {process.communicate()[0]}{log}")
                time.sleep(0.1)
        yield url
    finally:
        process.terminate()
        try:
            process.wait(15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(5)


@pytest.mark.server
@pytest.mark.parametrize("accept", ACCEPT_HEADERS)
def test_apache_negotiates_as_the_server(apache: str, hosted: Hosted, accept: str | None) -> None:
    headers = {"Accept": accept} if accept is not None else {}
    with httpx.Client(base_url=apache + "/backcare-kg/", timeout=10) as http:
        for path in DOCUMENTS:
            response = http.get(path, headers=headers)
            assert response.status_code == 200, (path, accept)
            expected = server_choice(accept, html_first=path != ".well-known/void")
            if accept == "text/turtle;q=0.9, application/ld+json;q=0.5":
                expected = "ttl"  # as the server (partial weights in the server's order)
            assert response.content == (hosted.site / f"{path}.{expected}").read_bytes(), \
                (path, accept)
            assert response.headers["content-type"] == CONTENT_TYPES[str(expected)]
            assert response.headers["vary"] == "Accept"


@pytest.mark.server
def test_apache_answers_as_the_live_server(apache: str, server: LiveServer) -> None:
    for accept, parser in (("text/turtle", "turtle"), ("application/ld+json", "json-ld")):
        mine = httpx.get(f"{apache}/backcare-kg/resource/yoga", headers={"Accept": accept})
        theirs = httpx.get(f"{server.url}/resource/yoga", headers={"Accept": accept})
        # the site's JSON-LD names its context relatively: resolve it against the URL
        graph = Graph().parse(data=mine.text, format=parser,
                              publicID=f"{apache}/backcare-kg/resource/yoga")
        assert isomorphic(graph, Graph().parse(data=theirs.text, format=parser))


@pytest.mark.server
def test_apache_serves_files_dumps_and_missing_pages(apache: str) -> None:
    with httpx.Client(base_url=apache, timeout=10) as http:
        for path, extension in (("/backcare-kg/resource/yoga.jsonld", "jsonld"),
                                ("/backcare-kg/graph/inferred.nq", "nq"),
                                ("/backcare-kg/ontology.ttl", "ttl")):
            response = http.get(path, headers={"Accept": "text/html"})
            assert response.status_code == 200
            assert response.headers["content-type"] == CONTENT_TYPES[extension]
            assert response.headers["access-control-allow-origin"] == "*"
            assert "vary" not in response.headers  # a file, not negotiated
        assert http.get("/backcare-kg").headers["location"] == f"{apache}/backcare-kg/"
        home = http.get("/backcare-kg/")
        assert home.status_code == 200 and 'href="static/style.css"' in home.text
        for missing in ("/backcare-kg/resource/no-such-thing", "/backcare-kg/resource/a/b/c",
                        "/backcare-kg/ontology/9.9.9"):
            response = http.get(missing)
            assert response.status_code == 404
            assert 'href="/backcare-kg/static/style.css"' in response.text
        style = http.get("/backcare-kg/static/style.css")
        assert style.status_code == 200
        assert style.headers["content-type"] == "text/css; charset=utf-8"


@pytest.mark.server
def test_w3id_redirects_by_accept(apache: str, hosted: Hosted) -> None:
    base = hosted.base_url
    cases = [
        ("resource/yoga", "text/turtle", 303, f"{base}resource/yoga.ttl"),
        ("resource/yoga", "text/html,*/*;q=0.8", 303, f"{base}resource/yoga.html"),
        ("resource/yoga", None, 303, f"{base}resource/yoga.html"),
        ("ontology", "application/rdf+xml", 303, f"{base}ontology.rdf"),
        ("ontology/0.1.0", "application/ld+json", 303, f"{base}ontology/0.1.0.jsonld"),
        ("graph/asserted", "application/n-triples", 303, f"{base}graph/asserted.nt"),
        (".well-known/void", None, 303, f"{base}.well-known/void.ttl"),
        ("resource/yoga.jsonld", "text/html", 303, f"{base}resource/yoga.jsonld"),
        ("", "text/html", 303, base),
        ("sparql?query=ASK%20%7B%7D", None, 307, f"{hosted.sparql}?query=ASK%20%7B%7D"),
    ]
    with httpx.Client(base_url=apache + "/w3id/backcare-kg/", timeout=10) as http:
        for path, accept, status, location in cases:
            response = http.get(path, headers={"Accept": accept} if accept else {})
            assert (response.status_code, response.headers["location"]) == (status, location)
        followed = httpx.get(apache + "/w3id/backcare-kg/resource/yoga",
                             headers={"Accept": "text/turtle"}, follow_redirects=True)
        assert followed.status_code == 200
        assert followed.content == (hosted.site / "resource/yoga.ttl").read_bytes()


# -- the browser --------------------------------------------------------------------------------


def pixel(png: Path, x: int, y: int) -> tuple[int, int, int]:
    """The colour of one pixel of an 8-bit RGB(A) PNG (unfiltering the rows above it)."""
    data = png.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    position, compressed = 8, b""
    while position < len(data):
        length, kind = struct.unpack(">I4s", data[position:position + 8])
        body = data[position + 8:position + 8 + length]
        if kind == b"IHDR":
            width, _, depth, color, _, _, interlace = struct.unpack(">IIBBBBB", body)
        elif kind == b"IDAT":
            compressed += body
        position += 12 + length
    assert depth == 8 and interlace == 0 and color in (2, 6)
    channels = 3 if color == 2 else 4
    raw, stride = zlib.decompress(compressed), width * channels
    previous = bytearray(stride)
    for row in range(y + 1):
        start = row * (stride + 1)
        kind_of_filter, line = raw[start], bytearray(raw[start + 1:start + 1 + stride])
        for i in range(stride):
            a = line[i - channels] if i >= channels else 0
            b, c = previous[i], previous[i - channels] if i >= channels else 0
            p = a + b - c
            predictor = [0, a, b, (a + b) // 2,
                         a if abs(p - a) <= min(abs(p - b), abs(p - c))
                         else b if abs(p - b) <= abs(p - c) else c][kind_of_filter]
            line[i] = (line[i] + predictor) & 0xFF
        previous = line
    r, g, b = previous[x * channels:x * channels + 3]
    return r, g, b


@pytest.mark.browser
def test_home_page_from_the_files_has_its_style(hosted: Hosted, tmp_path: Path) -> None:
    if not CHROMIUM.exists():
        pytest.skip("no browser at /usr/bin/chromium: apt-get install chromium "
                    "(.ci/run installs it)")
    assert hosted.run.returncode == 0, hosted.run.stderr
    shot = tmp_path / "static-home.png"
    command = [str(CHROMIUM), "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
               "--no-first-run", "--disable-background-networking",
               "--disable-component-update", "--disable-sync",
               "--host-resolver-rules=MAP * ~NOTFOUND", f"--user-data-dir={tmp_path / 'p'}",
               "--window-size=1280,1200", f"--screenshot={shot}",
               (hosted.site / "index.html").as_uri()]
    run = subprocess.run(command, capture_output=True, text=True, timeout=120, check=False)
    assert run.returncode == 0 and shot.exists(), run.stderr[-2000:]
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    shutil.copy(shot, SCREENSHOTS / "static-home.png")
    # the header's colour comes from static/style.css (--brand-dark); unstyled, it is white
    assert pixel(shot, 5, 5) == (0x16, 0x3A, 0x66)


# -- replacing the site -------------------------------------------------------------------------


def test_publishing_again_replaces_the_site(hosted: Hosted, kg: KnowledgeGraph) -> None:
    assert hosted.run.returncode == 0, hosted.run.stderr
    before = files_of(hosted.site)
    (hosted.site / "stale.html").write_text("from an older site")
    first = read_manifest(hosted.site)
    report = publish(kg, hosted.site, base_url=hosted.base_url, sparql=hosted.sparql)
    assert report.replaced
    assert str(report).startswith(f"replaced the previous site in {hosted.site} in ")
    assert files_of(hosted.site) == before  # the stale file is gone
    assert read_manifest(hosted.site)["files"] == first["files"] == len(before)
    assert (hosted.site / MANIFEST).is_file() and leftovers(hosted.site) == []
    umask = os.umask(0)
    os.umask(umask)
    assert hosted.site.stat().st_mode & 0o777 == 0o777 & ~umask  # the directory's own
