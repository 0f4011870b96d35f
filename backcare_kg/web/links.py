"""Where a page links to: the same pages on the server and in a static site.

Every page and description is written by a plain function that takes a :class:`Links`;
the server passes :meth:`Links.server` (absolute paths: ``/resource/yoga``), the static-site
publisher :meth:`Links.static` for the file being written (relative paths:
``../resource/yoga.html``), so the same HTML works from a host and from the files.

Paths in a static site, relative to its root (what :meth:`Links.static` links to)::

    index.html                          the home page (the dataset's base IRI)
    resource/<slug>.html .ttl .jsonld .nt .rdf
    ontology.html .ttl ...              the ontology (terms: ontology.html#Activity)
    ontology/<version>.html .ttl ...    its version IRI
    graph/asserted.html .ttl ...        each named graph: a summary page and its dumps
    .well-known/void.html .ttl ...      the VoID/DCAT description
    context.jsonld                      the JSON-LD context
    static/style.css                    the style sheet
    404.html                            the page for a missing file
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlencode

from rdflib import Literal, URIRef
from rdflib.term import Node

from backcare_kg.vocab import BASE

#: Extensions of the variants of a document (HTML and the RDF syntaxes).
VARIANT_EXTENSIONS = ("html", "ttl", "jsonld", "nt", "rdf")

#: Extensions of paths that are files already (``graph/asserted.ttl``, ``context.jsonld``).
FILE_EXTENSIONS = frozenset((*VARIANT_EXTENSIONS, "nq", "trig", "css"))

#: Path (below the base) of the VoID/DCAT description.
VOID_PATH = ".well-known/void"

#: Path (below the base) of the JSON-LD context.
CONTEXT_PATH = "context.jsonld"

#: Path (on the server) of the explanation of a statement.
EXPLAIN_PATH = "/explain"

#: Where the dataset's IRIs live; the server answers them at the same paths.
PUBLIC_BASE = BASE


@dataclass(frozen=True)
class Links:
    """How pages link to the dataset's IRIs, to their variants and to static files.

    ``root`` is prepended to every local path (``/`` on the server, ``../`` one directory
    down in a static site); ``files`` makes pages files (``yoga.html``, ``index.html``).
    ``context_url`` is what JSON-LD documents name as their ``@context``. ``sparql`` and
    ``queries`` are the SPARQL endpoint and named-query API, None where there are none (a
    static site), ``explanations`` the explanation pages of statements (only a server has
    them), and ``languages`` whether pages offer a switch of language (``?lang=``).
    """

    root: str = "/"
    files: bool = False
    context_url: str = "/" + CONTEXT_PATH
    sparql: str | None = "/sparql"
    queries: str | None = "/queries"
    languages: bool = True
    base: str = PUBLIC_BASE
    explanations: str | None = None

    @classmethod
    def server(cls, base_url: str = "", public_base: str = PUBLIC_BASE) -> Links:
        """Links of the server answering at ``base_url`` (e.g. ``http://127.0.0.1:8000``,
        used for the absolute URL of the JSON-LD context)."""
        return cls(context_url=base_url.rstrip("/") + "/" + CONTEXT_PATH, base=public_base,
                   explanations=EXPLAIN_PATH)

    @classmethod
    def static(cls, page: str, public_base: str = PUBLIC_BASE, sparql: str | None = None,
               queries: str | None = None) -> Links:
        """Links of the static-site file ``page`` (its path from the site's root, e.g.
        ``resource/yoga.html`` or ``index.html``): relative, so they work from the files.
        ``sparql`` and ``queries`` may name a live endpoint and API elsewhere."""
        root = "../" * page.strip("/").count("/")
        return cls(root=root, files=True, context_url=root + CONTEXT_PATH, sparql=sparql,
                   queries=queries, languages=False, base=public_base)

    # -- the dataset's IRIs --------------------------------------------------------------

    def local(self, iri: str) -> tuple[str, str] | None:
        """``(path, fragment)`` of an IRI under the base (path without the base), else None."""
        text = str(iri)
        if not text.startswith(self.base):
            return None
        path, _, fragment = text[len(self.base):].partition("#")
        return path, fragment

    def is_local(self, iri: str) -> bool:
        """Whether ``iri`` is one of the dataset's (it has a page here)."""
        return self.local(iri) is not None

    def href(self, iri: str) -> str:
        """Where to link to show ``iri``: its page here, or the IRI itself if external."""
        found = self.local(iri)
        if found is None:
            return str(iri)
        path, fragment = found
        target = self.root + self._page_file(path)
        return f"{target}#{fragment}" if fragment else target

    def variant(self, iri: str, extension: str) -> str:
        """The link to the document of ``iri`` in the syntax of ``extension`` (``ttl``,
        ``jsonld``, ``nt``, ``rdf``, ``html``); the document of a term ``…#Name`` is the
        document before the ``#``."""
        found = self.local(iri)
        if found is None:
            return str(iri)
        return f"{self.root}{found[0]}.{extension}"

    def _page_file(self, path: str) -> str:
        if not self.files:
            return path
        if not path or path.endswith("/"):
            return path + "index.html"
        if path.rpartition(".")[2] in FILE_EXTENSIONS:  # a file already (a dump, the context)
            return path
        return path + ".html"

    # -- pages and files ---------------------------------------------------------------

    def home(self) -> str:
        """The home page."""
        return self.href(self.base)

    def asset(self, name: str) -> str:
        """A static file (``style.css``)."""
        return f"{self.root}static/{name}"

    def void(self, extension: str | None = None) -> str:
        """The VoID/DCAT description (its page, or a syntax by ``extension``)."""
        iri = self.base + VOID_PATH
        return self.variant(iri, extension) if extension else self.href(iri)

    def named_query(self, name: str, params: dict[str, str] | None = None) -> str | None:
        """The named-query API's URL running ``name`` with ``params``; None without an API."""
        if self.queries is None:
            return None
        url = f"{self.queries.rstrip('/')}/{name}"
        return f"{url}?{urlencode(params)}" if params else url

    def example(self, name: str) -> str | None:
        """The home page with the query form holding the named query ``name`` (server only)."""
        if self.sparql is None or self.files:
            return None
        return f"{self.home()}?{urlencode({'example': name})}#query"

    def explanation(self, subject: Node, predicate: Node, object: Node,
                    extension: str | None = None, limit: int = 1) -> str | None:
        """The explanation page of the statement ``subject predicate object`` (its document
        in the syntax of ``extension``, if given: ``json``, ``ttl``...), up to ``limit``
        proofs; None where there are no explanation pages, or for a blank node (its name
        is the graph's own, not one a link can carry)."""
        params = [explain_parameter(term) for term in (subject, predicate, object)]
        if self.explanations is None or None in params:
            return None
        query = dict(zip(("s", "p", "o"), params, strict=True))
        if limit != 1:
            query["limit"] = str(limit)
        path = f"{self.explanations}.{extension}" if extension else self.explanations
        return f"{path}?{urlencode(query)}"

    def language(self, lang: str) -> str | None:
        """The current page in language ``lang`` (``?lang=es``); None where pages are files."""
        return f"?{urlencode({'lang': lang})}" if self.languages else None


def explain_parameter(term: Node) -> str | None:
    """``term`` as an explanation link carries it: an IRI as itself, a literal in N-Triples
    form (``"true"^^<http://www.w3.org/2001/XMLSchema#boolean>``, ``"yoga"@en``); None for
    a blank node."""
    if isinstance(term, URIRef):
        return str(term)
    if isinstance(term, Literal):
        text = "".join(_ESCAPES.get(c, c) for c in str(term))
        if term.language:
            return f'"{text}"@{term.language}'
        if term.datatype is not None:
            return f'"{text}"^^<{term.datatype}>'
        return f'"{text}"'
    return None


_ESCAPES = {"\\": "\\\\", '"': '\\"', "\n": "\\n", "\r": "\\r"}
