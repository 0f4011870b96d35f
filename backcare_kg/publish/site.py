"""The files of the static site: every page and description the server gives, written by the
same functions (one call per file), at the paths of :mod:`backcare_kg.web.links`.

:func:`write_site` writes them into a directory (a fresh one: :mod:`.directory` swaps it into
place) through a :class:`SiteWriter`, which counts files and bytes by kind.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from functools import partial
from pathlib import Path
from urllib.parse import urlsplit

from rdflib import URIRef

from backcare_kg.errors import DataError
from backcare_kg.graph import KnowledgeGraph
from backcare_kg.publish.rewrite_rules import kinds, ontology_paths, rules
from backcare_kg.storage.export import GRAPH_CHOICES, serialize
from backcare_kg.version import __version__
from backcare_kg.web import pages as html_pages
from backcare_kg.web.dataset import NAMED_GRAPHS
from backcare_kg.web.describe import resource_iris
from backcare_kg.web.documents import SYNTAXES, Syntax, context_text
from backcare_kg.web.links import CONTEXT_PATH, PUBLIC_BASE, VOID_PATH, Links
from backcare_kg.web.resource_documents import (
    SLUG,
    graph_document,
    ontology_document,
    resource_document,
    void_document,
)
from backcare_kg.web.templating import package_dir, render

#: The kinds of files, in the order the summary lists them.
KINDS = {
    "pages": "HTML pages",
    "descriptions": "RDF descriptions (Turtle, JSON-LD, N-Triples, RDF/XML)",
    "dumps": "dumps of the named graphs (also N-Quads, TriG)",
    "support": "JSON-LD context, style sheet",
    "configuration": ".htaccess, w3id example, README.txt, .nojekyll, manifest",
}

#: The named graphs, each a summary page and dumps under ``graph/``.
GRAPHS = tuple(NAMED_GRAPHS)

#: Quad syntaxes of the dumps (besides the description syntaxes): extension, export format.
QUAD_DUMPS = (("nq", "nq"), ("trig", "trig"))

#: Where the address of a site's host is unknown, the w3id example names this one.
PLACEHOLDER_URL = "https://example.org/backcare-kg/"


@dataclass(frozen=True)
class SiteOptions:
    """Where the site will be hosted (``base_url``, None: unknown, assumed at the root of its
    host) and the live SPARQL endpoint its pages may link to (None: no query form)."""

    base_url: str | None = None
    sparql: str | None = None

    @property
    def base_path(self) -> str:
        """The path of the site on its host (``/`` or ``/backcare-kg/``)."""
        return (urlsplit(self.base_url).path or "/") if self.base_url else "/"

    def links(self, page: str) -> Links:
        """The links of the file ``page`` (relative)."""
        return Links.static(page, PUBLIC_BASE, sparql=self.sparql)

    def error_links(self) -> Links:
        """The links of the 404 page: a host shows it at any depth (for
        ``/resource/a/b/c``), so its links are absolute paths under the site's path."""
        root = self.base_path
        return Links(root=root, files=True, context_url=root + CONTEXT_PATH, sparql=self.sparql,
                     queries=None, languages=False, base=PUBLIC_BASE)


class FileCounts:
    """Files and bytes counted by kind (see :data:`KINDS`), and their totals."""

    files: dict[str, int]
    sizes: dict[str, int]

    @property
    def total_files(self) -> int:
        return sum(self.files.values())

    @property
    def total_bytes(self) -> int:
        return sum(self.sizes.values())


@dataclass
class SiteWriter(FileCounts):
    """Writes the files of a site under ``root``, counting them and their bytes by kind."""

    root: Path
    files: dict[str, int] = field(default_factory=lambda: dict.fromkeys(KINDS, 0))
    sizes: dict[str, int] = field(default_factory=lambda: dict.fromkeys(KINDS, 0))
    skipped: list[str] = field(default_factory=list)

    def write(self, path: str, content: str | bytes, kind: str) -> None:
        """Write ``content`` (text is UTF-8) to ``path`` below the root."""
        data = content.encode("utf-8") if isinstance(content, str) else content
        target = self.root / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)
        self.files[kind] += 1
        self.sizes[kind] += len(data)


def write_site(kg: KnowledgeGraph, writer: SiteWriter, options: SiteOptions,
               built: datetime) -> None:
    """Write every file of the site of ``kg`` (the manifest excepted) with ``writer``."""
    links = options.links
    writer.write("index.html", html_pages.home_page(kg, links("index.html")), "pages")
    slugs = _resources(kg, writer)
    for slug, iri in slugs:
        path = f"resource/{slug}"
        page = html_pages.resource_page(kg, iri, links(f"{path}.html"))
        if page is None:  # listed by resource_iris, so described: a bug if not
            raise DataError(f"no description of {iri}, though the graph lists it")
        writer.write(f"{path}.html", page, "pages")
        _documents(writer, links, path, "descriptions",
                   _required(partial(resource_document, kg, iri), path))

    for path in ontology_paths():
        writer.write(f"{path}.html", html_pages.ontology_page(kg, links(f"{path}.html")),
                     "pages")
        _documents(writer, links, path, "descriptions", ontology_document)

    for which in GRAPHS:
        path = f"graph/{which}"
        page = html_pages.graph_page(kg, which, links(f"{path}.html"))
        writer.write(f"{path}.html", _present(page, path), "pages")
        _documents(writer, links, path, "dumps",
                   _required(partial(graph_document, kg, which), path))
        if which in GRAPH_CHOICES:  # the graphs the exporter writes as quads
            for extension, export_format in QUAD_DUMPS:
                writer.write(f"{path}.{extension}", serialize(kg, export_format, which),
                             "dumps")

    writer.write(f"{VOID_PATH}.html", html_pages.void_page(kg, links(f"{VOID_PATH}.html")),
                 "pages")
    _documents(writer, links, VOID_PATH, "descriptions", partial(void_document, kg))

    writer.write("404.html", html_pages.not_found_page(options.error_links()), "pages")
    writer.write(CONTEXT_PATH, context_text(), "support")
    static = package_dir("static")
    for file in sorted(p for p in static.rglob("*") if p.is_file()):
        writer.write(f"static/{file.relative_to(static).as_posix()}", file.read_bytes(),
                     "support")
    _configuration(kg, writer, options, built, len(slugs))


def _resources(kg: KnowledgeGraph, writer: SiteWriter) -> list[tuple[str, URIRef]]:
    """The resources with a page: ``(slug, IRI)``; a name the server would not serve (not
    lower-case kebab-case, e.g. from data added with ``--with``) is skipped and noted."""
    prefix = PUBLIC_BASE + "resource/"
    found = []
    for iri in resource_iris(kg):
        slug = str(iri)[len(prefix):]
        if SLUG.match(slug):
            found.append((slug, iri))
        else:
            writer.skipped.append(str(iri))
    return found


def _documents(writer: SiteWriter, links: Callable[[str], Links], path: str, kind: str,
               make: Callable[[Syntax, Links], str]) -> None:
    """The document at ``path`` in every RDF syntax."""
    for syntax in SYNTAXES:
        name = f"{path}.{syntax.extension}"
        writer.write(name, make(syntax, links(name)), kind)


def _required(make: Callable[[Syntax, Links], str | None],
              path: str) -> Callable[[Syntax, Links], str]:
    def made(syntax: Syntax, links: Links) -> str:
        return _present(make(syntax, links), path)
    return made


def _present(text: str | None, path: str) -> str:
    if text is None:
        raise DataError(f"nothing to write at {path}: the graph has no such document")
    return text


def _configuration(kg: KnowledgeGraph, writer: SiteWriter, options: SiteOptions,
                   built: datetime, resources: int) -> None:
    """The server configuration (``.htaccess``, the w3id example), README.txt, .nojekyll."""
    negotiated = [(kind, rules(kind)) for kind in kinds()]
    where = f"at {options.base_url}" if options.base_url else "at the root of its host"
    common = {"version": __version__, "public_base": PUBLIC_BASE, "kinds": negotiated,
              "sparql": options.sparql, "base_path": options.base_path}
    writer.write(".htaccess", _text("htaccess.txt", where=where, **common), "configuration")
    if len(ontology_paths()) > 1:  # a directory ontology/ beside the document ontology
        writer.write("ontology/.htaccess", _text("htaccess_directory.txt"), "configuration")
    writer.write("w3id-htaccess.txt", _text(
        "w3id_htaccess.txt", base_url=options.base_url or PLACEHOLDER_URL,
        placeholder=options.base_url is None, **common), "configuration")
    paths = ontology_paths()
    writer.write("README.txt", _text(
        "site_readme.txt", built=built.strftime("%Y-%m-%d %H:%M %Z").strip(),
        base_url=options.base_url, resources=resources,
        version_path=paths[1] if len(paths) > 1 else None,
        asserted=len(kg.asserted), inferred=len(kg.inferred), support=len(kg.support_graph),
        **common), "configuration")
    writer.write(".nojekyll", "", "configuration")


def _text(template: str, **context: object) -> str:
    """A text template rendered, ending with a newline."""
    return render(template, **context).rstrip("\n") + "\n"
