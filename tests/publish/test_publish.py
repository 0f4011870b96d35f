"""``backcare-kg publish``: the static site holds every file of the layout, its pages link
only to files that exist, its RDF is what the server answers, and it replaces a previous site
at once (or not at all).

The site is built once per module (in-process); the CLI, Apache and the browser are in
``test_publish_hosting.py``.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import sys
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

import httpx
import pytest
from rdflib import RDF, Dataset, Graph, URIRef
from rdflib.compare import isomorphic
from support.live_server import LiveServer
from support.pages import StatementBadges
from support.publishing import ACCEPT_HEADERS, files_of, leftovers, server_choice

from backcare_kg import DataError, KnowledgeGraph, ParameterError
from backcare_kg.publish import MANIFEST, PublishReport, directory, publish, read_manifest
from backcare_kg.server import PUBLIC_BASE
from backcare_kg.storage import atomic
from backcare_kg.vocab import ASSERTED_GRAPH, BC, BCR, DCAT, INFERRED_GRAPH, SUPPORT_GRAPH, VOID
from backcare_kg.web import pages as html_pages
from backcare_kg.web.dataset import DATASET, SPARQL_SERVICE
from backcare_kg.web.describe import resource_iris
from backcare_kg.web.documents import BY_EXTENSION, SYNTAXES
from backcare_kg.web.links import Links
from backcare_kg.web.resource_documents import resource_document

pytestmark = [
    # raised inside rdflib's JSON-LD parser; not ours to fix
    pytest.mark.filterwarnings("ignore:ConjunctiveGraph is deprecated:DeprecationWarning"),
    pytest.mark.filterwarnings("ignore:Dataset.contexts is deprecated:DeprecationWarning"),
]

#: rdflib's parser of each file extension of the site.
PARSERS = {"ttl": "turtle", "jsonld": "json-ld", "nt": "nt", "rdf": "xml", "nq": "nquads",
           "trig": "trig"}
VARIANTS = ("html", "ttl", "jsonld", "nt", "rdf")


def documents(kg: KnowledgeGraph) -> list[str]:
    """The path (no extension) of every negotiated document of the site."""
    slugs = [str(iri).rsplit("/", 1)[1] for iri in resource_iris(kg)]
    return ["ontology", "ontology/0.1.0", "graph/asserted", "graph/inferred", "graph/support",
            ".well-known/void", *(f"resource/{slug}" for slug in slugs)]


def snapshot(root: Path) -> dict[str, str]:
    return {name: hashlib.sha256((root / name).read_bytes()).hexdigest()
            for name in files_of(root)}


@pytest.fixture(scope="module")
def built(kg: KnowledgeGraph, tmp_path_factory: pytest.TempPathFactory,
          ) -> tuple[Path, PublishReport]:
    out = tmp_path_factory.mktemp("publish") / "site"
    return out, publish(kg, out)


@pytest.fixture(scope="module")
def site(built: tuple[Path, PublishReport]) -> Path:
    return built[0]


# -- the layout ---------------------------------------------------------------------------------


def test_every_file_of_the_layout(site: Path, kg: KnowledgeGraph,
                                  built: tuple[Path, PublishReport]) -> None:
    expected = {"index.html", "404.html", "context.jsonld", "static/style.css", ".htaccess",
                "ontology/.htaccess", "w3id-htaccess.txt", "README.txt", ".nojekyll", MANIFEST}
    for path in documents(kg):
        expected |= {f"{path}.{extension}" for extension in VARIANTS}
    # the quad dumps of the graphs the exporter writes (export --graph), the support graph too
    expected |= {f"graph/{which}.{ext}" for which in ("asserted", "inferred", "support")
                 for ext in ("nq", "trig")}
    assert files_of(site) == expected
    report = built[1]
    assert report.total_files == len(expected) and not report.replaced
    assert report.files == {"pages": 122, "descriptions": 468, "dumps": 18, "support": 2,
                            "configuration": 6}
    assert report.total_bytes == sum((site / name).stat().st_size for name in expected)
    manifest = read_manifest(site)
    assert manifest["generator"] == "backcare-kg" and manifest["files"] == len(expected)
    assert manifest["triples"] == {"asserted": len(kg.asserted), "inferred": len(kg.inferred),
                                   "support": len(kg.support_graph)}
    umask = os.umask(0)
    os.umask(umask)
    assert site.stat().st_mode & 0o777 == 0o777 & ~umask  # readable by a web server


def test_summary(built: tuple[Path, PublishReport]) -> None:
    site, report = built
    lines = str(report).splitlines()
    assert re.fullmatch(rf"published the site to {re.escape(str(site))} in \d+\.\d s: "
                        rf"{report.total_files} files, \d+\.\d MB", lines[0])
    assert re.fullmatch(r"\s+122 files\s+\d+\.\d MB  HTML pages", lines[1])
    assert re.fullmatch(r"\s+468 files\s+\d+\.\d MB  RDF descriptions \(Turtle, JSON-LD, "
                        r"N-Triples, RDF/XML\)", lines[2])
    assert len(lines) == 6


# -- links ------------------------------------------------------------------------------------


class Links_(HTMLParser):
    """The ``href``/``src``/``action`` values and the ``id``s of a page."""

    def __init__(self, text: str) -> None:
        super().__init__()
        self.urls: list[tuple[str, str]] = []
        self.ids: set[str] = set()
        self.feed(text)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        for name, value in attrs:
            if name in ("href", "src", "action") and value is not None:
                self.urls.append((tag, value))
            if name == "id" and value:
                self.ids.add(value)


def test_every_link_resolves_to_a_file(site: Path) -> None:
    pages = {name: Links_((site / name).read_text("utf-8"))
             for name in files_of(site) if name.endswith(".html")}
    checked = 0
    for name, page in pages.items():
        for tag, url in page.urls:
            parts = urlsplit(url)
            if parts.scheme in ("http", "https", "data", "mailto"):
                continue
            assert not parts.scheme and not parts.netloc, (name, url)
            if not parts.path:  # #fragment
                target = name
            elif name == "404.html":  # shown at any depth: absolute paths under the site's
                assert parts.path.startswith("/"), url
                target = parts.path.lstrip("/")
            else:
                assert not url.startswith("/"), f"{name}: absolute link {url}"
                target = os.path.normpath(os.path.join(os.path.dirname(name),
                                                       unquote(parts.path)))
            assert not target.startswith(".."), f"{name}: {url} leaves the site"
            assert (site / target).is_file(), f"{name}: <{tag}> {url} -> missing {target}"
            if parts.fragment:
                assert parts.fragment in pages[target].ids, f"{name}: {url}: no such anchor"
            checked += 1
    assert checked > 5000
    # the ontology's terms are linked by anchor from the resource pages
    assert ("a", "../ontology.html#Activity") in pages["resource/yoga.html"].urls


def test_pages_hold_no_server_only_links(site: Path) -> None:
    home = (site / "index.html").read_text("utf-8")
    assert 'action="' not in home and "/sparql" not in home and "/queries" not in home
    assert 'href="static/style.css"' in home
    assert 'class="answer-name" href="resource/yoga.html">yoga</a>' in home


# -- support levels -------------------------------------------------------------------------


@pytest.mark.parametrize(("slug", "prop", "value", "level"), [
    ("yoga", "improves", "balance", "stated"),  # sentence 24
    ("yoga", "allowedInPhase", "chronic-phase", "editorial"),  # sentence 7, our reading
    ("yoga", "supportsGoal", "analgesia", "generalized"),  # sentence 8, exercise in general
    ("suspension-training", "improves", "strength", "entailed"),  # by definition
])
def test_pages_badge_each_statement_with_its_level(site: Path, kg: KnowledgeGraph, slug: str,
                                                   prop: str, value: str, level: str) -> None:
    text = (site / f"resource/{slug}.html").read_text("utf-8")
    badges = StatementBadges(text)
    # the same badge as the server's page, linking to the level's entry in the static ontology
    assert badges.own[(f"../ontology.html#{prop}", f"../resource/{value}.html")] == (
        level, f"../ontology.html#{level.capitalize()}")
    served = StatementBadges(html_pages.resource_page(kg, kg.resolve(slug), Links.server())
                             or "")
    assert [lvl for lvl, _ in badges.own.values()] == [lvl for lvl, _ in served.own.values()]
    assert [lvl for lvl, _ in badges.incoming.values()] == [
        lvl for lvl, _ in served.incoming.values()]
    # the legend, and the levels' own entries (the link check finds their anchors)
    assert text.count('<dt><a class="badge badge-level') == 4
    ontology = (site / "ontology.html").read_text("utf-8")
    assert f'<section class="term card" id="{level.capitalize()}"' in ontology


def test_home_page_shows_the_flagship_answer_with_its_levels(site: Path) -> None:
    home = (site / "index.html").read_text("utf-8")
    found = re.findall(r'<a class="badge badge-level level-(\w+)" href="([^"]+)"', home)
    assert found[:3] == [("editorial", "ontology.html#Editorial"),
                         ("stated", "ontology.html#Stated"),
                         ("editorial", "ontology.html#Editorial")]
    assert "covers 3 of the 4 capacities of the experts' criterion" in home


def test_descriptions_carry_the_support_levels(site: Path) -> None:
    graph = parse(site / "resource/yoga.ttl")
    levels = {(graph.value(n, RDF.predicate), graph.value(n, RDF.object)):
              graph.value(n, BC.supportLevel) for n in graph.subjects(RDF.subject, BCR.yoga)}
    assert levels[(BC.allowedInPhase, BCR["chronic-phase"])] == BC.Editorial
    assert levels[(BC.improves, BCR.balance)] == BC.Stated
    assert levels[(BC.supportsGoal, BCR.analgesia)] == BC.Generalized


# -- RDF ----------------------------------------------------------------------------------------


def parse(path: Path) -> Graph:
    """``path`` parsed as its extension says, relative references (the JSON-LD context)
    resolved against its location."""
    return Graph().parse(path.as_uri(), format=PARSERS[path.suffix[1:]])


def test_every_description_parses_alike(site: Path, kg: KnowledgeGraph) -> None:
    for path in documents(kg):
        if path.startswith("graph/"):
            continue
        graphs = {extension: parse(site / f"{path}.{extension}") for extension in VARIANTS[1:]}
        assert len(graphs["ttl"]) > 0, path
        for extension, graph in graphs.items():
            assert isomorphic(graph, graphs["nt"]), f"{path}.{extension}"


def test_descriptions_are_the_servers(site: Path, kg: KnowledgeGraph) -> None:
    for iri in resource_iris(kg):
        expected = resource_document(kg, iri, BY_EXTENSION["nt"], Links.server())
        assert expected is not None
        slug = str(iri).rsplit("/", 1)[1]
        found = parse(site / f"resource/{slug}.nt")
        assert isomorphic(found, Graph().parse(data=expected, format="nt")), slug


@pytest.mark.server
@pytest.mark.parametrize("path", ["resource/yoga", "resource/claim-selection-criterion",
                                  "ontology", "ontology/0.1.0"])
def test_same_description_as_the_live_server(site: Path, server: LiveServer, path: str) -> None:
    for syntax in SYNTAXES:
        response = httpx.get(f"{server.url}/{path}", headers={"Accept": syntax.media_type},
                             timeout=30)
        assert response.status_code == 200
        served = Graph().parse(data=response.text, format=syntax.plugin)
        assert isomorphic(served, parse(site / f"{path}.{syntax.extension}")), path


@pytest.mark.server
def test_void_is_the_servers_without_the_endpoint(site: Path, server: LiveServer) -> None:
    response = httpx.get(f"{server.url}/.well-known/void", timeout=30)
    served = Graph().parse(data=response.text, format="turtle")
    static = parse(site / ".well-known/void.ttl")
    endpoint = {t for t in served if t[0] == SPARQL_SERVICE or
                (t[0] == DATASET and t[1] in (VOID.sparqlEndpoint, DCAT.accessService))}
    assert len(endpoint) == 8
    assert set(static) == set(served) - endpoint


def test_dumps_hold_the_graphs(site: Path, kg: KnowledgeGraph) -> None:
    for which, graph, iri in (("asserted", kg.asserted, ASSERTED_GRAPH),
                              ("inferred", kg.inferred, INFERRED_GRAPH),
                              ("support", kg.support_graph, SUPPORT_GRAPH)):
        ground = {t for t in graph if not any(term.__class__.__name__ == "BNode" for term in t)}
        for extension in ("ttl", "jsonld", "nt", "rdf"):
            found = parse(site / f"graph/{which}.{extension}")
            assert len(found) == len(graph), f"{which}.{extension}"
            assert ground <= set(found), f"{which}.{extension}"
            if which == "support":  # all blank nodes: the same graph up to their names
                assert isomorphic(found, graph), f"{which}.{extension}"
        if which == "support":
            continue
        for extension in ("nq", "trig"):
            dataset = Dataset().parse((site / f"graph/{which}.{extension}").as_uri(),
                                      format=PARSERS[extension])
            named = dataset.graph(URIRef(iri))
            assert len(named) == len(graph), f"{which}.{extension}"


def test_json_ld_names_the_relative_context(site: Path, kg: KnowledgeGraph) -> None:
    context = json.loads((site / "context.jsonld").read_text("utf-8"))
    assert context["@context"]["bc"] == PUBLIC_BASE + "ontology#"
    for path in documents(kg):
        document = json.loads((site / f"{path}.jsonld").read_text("utf-8"))
        assert document["@context"] == "../" * path.count("/") + "context.jsonld", path
    # compacted with the context: keys are short names, resolved when parsed from the file
    yoga = (site / "resource/yoga.jsonld").read_text("utf-8")
    assert '"@id": "bcr:yoga"' in yoga and PUBLIC_BASE not in yoga
    assert (URIRef(PUBLIC_BASE + "resource/yoga"), None, None) in parse(
        site / "resource/yoga.jsonld")


# -- the server configuration -----------------------------------------------------------------


def htaccess_choice(text: str, path: str, accept: str | None) -> str | None:
    """The file the ``.htaccess`` rules ``text`` rewrite ``path`` to (first match wins)."""
    condition = None
    for line in (raw.strip() for raw in text.splitlines()):
        if line.startswith("RewriteCond %{HTTP_ACCEPT} "):
            condition = line.split()[2]
        elif line.startswith("RewriteRule ") and "$1." in line:
            pattern, substitution = line.split()[1:3]
            matched = re.fullmatch(pattern.strip("^$"), path)
            if matched and (condition is None
                            or re.search(condition, accept or "", re.IGNORECASE)):
                return substitution.replace("$1", matched.group(1))
            condition = None
    return None


@pytest.mark.parametrize("accept", ACCEPT_HEADERS)
def test_htaccess_negotiates_as_the_server(site: Path, kg: KnowledgeGraph,
                                           accept: str | None) -> None:
    text = (site / ".htaccess").read_text("utf-8")
    for path in documents(kg):
        html_first = path != ".well-known/void"
        chosen = htaccess_choice(text, path, accept)
        assert chosen is not None and (site / chosen).is_file(), (path, accept, chosen)
        expected = server_choice(accept, html_first)
        if accept == "text/turtle;q=0.9, application/ld+json;q=0.5":
            expected = "ttl"  # the documented approximation: partial weights not compared
        assert chosen == f"{path}.{expected}", (path, accept)


def test_rules_document_their_approximation(site: Path) -> None:
    text = (site / ".htaccess").read_text("utf-8")
    header = "application/ld+json;q=0.9, text/turtle;q=0.5"
    assert htaccess_choice(text, "resource/yoga", header) == "resource/yoga.ttl"
    assert server_choice(header, True) == "jsonld"
    assert htaccess_choice(text, "resource/yoga", "image/png") == "resource/yoga.html"
    assert server_choice("image/png", True) is None


def test_htaccess_serves_every_variant_with_its_type(site: Path) -> None:
    text = (site / ".htaccess").read_text("utf-8")
    for line in ("AddType text/turtle .ttl", "AddType application/ld+json .jsonld",
                 "AddType application/n-triples .nt", "AddType application/rdf+xml .rdf",
                 "AddType application/n-quads .nq", "AddType application/trig .trig",
                 "AddCharset utf-8 .html .css .ttl .nt .rdf .nq .trig .txt",
                 "ErrorDocument 404 /404.html", "RewriteBase /", "DirectoryIndex index.html",
                 "Header merge Vary Accept env=REDIRECT_BACKCARE_KG_NEGOTIATED"):
        assert line in text
    assert "EDIT FIRST" in (site / "w3id-htaccess.txt").read_text("utf-8")  # no --base-url


# -- replacing a site ----------------------------------------------------------------------------


def test_refuses_a_directory_that_is_no_site(kg: KnowledgeGraph, tmp_path: Path) -> None:
    target = tmp_path / "mine"
    target.mkdir()
    (target / "notes.txt").write_text("keep me")
    with pytest.raises(ParameterError) as raised:
        publish(kg, target)
    assert str(raised.value) == (
        f"parameter 'out': {target} is not empty and holds no {MANIFEST} (it is no site "
        "written by backcare-kg publish): it is not replaced; choose an empty or new directory")
    assert files_of(target) == {"notes.txt"} and leftovers(target) == []
    (target / MANIFEST).write_text('{"generator": "someone else"}')
    with pytest.raises(ParameterError, match="was not written by backcare-kg"):
        publish(kg, target)


def test_refuses_a_file(kg: KnowledgeGraph, tmp_path: Path) -> None:
    target = tmp_path / "file.txt"
    target.write_text("x")
    with pytest.raises(ParameterError, match=r"file\.txt is a file, not a directory"):
        publish(kg, target)


@pytest.mark.parametrize(("option", "value"), [("base_url", "ftp://example.org/"),
                                               ("sparql", "https://example.org/sparql?x=1"),
                                               ("base_url", "example.org/site/"),
                                               ("base_url", "https://example.org/100%25/")])
def test_refuses_bad_urls(kg: KnowledgeGraph, tmp_path: Path, option: str, value: str) -> None:
    with pytest.raises(ParameterError, match=option.replace("_", "-")):
        publish(kg, tmp_path / "site", **{option: value})
    assert not (tmp_path / "site").exists()


def test_a_failure_midway_leaves_the_old_site(site: Path, kg: KnowledgeGraph,
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    before = snapshot(site)
    calls = []
    real = html_pages.resource_page

    def failing(*args: object, **kwargs: object) -> str | None:
        calls.append(args)
        if len(calls) == 20:
            raise RuntimeError("the disk caught fire")
        return real(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(html_pages, "resource_page", failing)
    with pytest.raises(RuntimeError, match="the disk caught fire"):
        publish(kg, site)
    assert len(calls) == 20
    assert snapshot(site) == before and leftovers(site) == []


def fake_site(path: Path, text: str) -> Path:
    path.mkdir()
    (path / MANIFEST).write_text('{"generator": "backcare-kg"}')
    (path / "index.html").write_text(text)
    return path


@pytest.mark.parametrize("exchange", [True, False], ids=["renameat2", "two-renames"])
def test_swap_replaces_a_previous_site(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                       exchange: bool) -> None:
    if exchange and not sys.platform.startswith("linux"):
        pytest.skip("renameat2 is Linux's")
    results: list[bool] = []
    real = atomic._exchange

    def exchanged(first: Path, second: Path) -> bool:
        # without renameat2: the old site aside, the new one in
        results.append(exchange and real(first, second))
        return results[-1]

    monkeypatch.setattr(atomic, "_exchange", exchanged)
    target = fake_site(tmp_path / "site", "old")
    target.chmod(0o750)
    with directory.staging(target) as staged:
        fake_site(staged / "inner", "unused")
        (staged / MANIFEST).write_text('{"generator": "backcare-kg"}')
        (staged / "index.html").write_text("new")
    assert directory.swap_into_place(staged, target) is True
    assert results == [exchange]
    assert (target / "index.html").read_text() == "new"
    assert target.stat().st_mode & 0o777 == 0o750  # the old directory's permissions
    assert leftovers(target) == []


def test_swap_failure_restores_the_old_site(tmp_path: Path,
                                            monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(atomic, "_exchange", lambda first, second: False)
    target = fake_site(tmp_path / "site", "old")
    with directory.staging(target) as staged:
        (staged / "index.html").write_text("new")
    real_rename = os.rename

    def rename(source: object, destination: object) -> None:
        if source == staged:
            raise OSError(28, "No space left on device")
        real_rename(source, destination)  # type: ignore[arg-type]

    monkeypatch.setattr(os, "rename", rename)
    with pytest.raises(DataError, match=r"site: cannot put the site in place: No space left"):
        directory.swap_into_place(staged, target)
    assert (target / "index.html").read_text() == "old" and leftovers(target) == []


def test_swap_refuses_a_directory_filled_meanwhile(tmp_path: Path) -> None:
    target = tmp_path / "site"
    with directory.staging(target) as staged:
        (staged / "index.html").write_text("new")
    target.mkdir()
    (target / "thesis.tex").write_text("months of work")
    with pytest.raises(ParameterError, match="is not empty and holds no"):
        directory.swap_into_place(staged, target)
    assert files_of(target) == {"thesis.tex"} and leftovers(target) == []


def test_a_write_error_is_a_data_error(site: Path, kg: KnowledgeGraph,
                                       monkeypatch: pytest.MonkeyPatch) -> None:
    from backcare_kg.publish import site as site_module

    before = snapshot(site)

    def full(self: object, path: str, content: object, kind: str) -> None:
        raise OSError(28, "No space left on device", path)

    monkeypatch.setattr(site_module.SiteWriter, "write", full)
    with pytest.raises(DataError) as raised:
        publish(kg, site)
    assert str(raised.value) == f"{site}: cannot write the site: No space left on device"
    assert snapshot(site) == before and leftovers(site) == []
