"""Linked data: every IRI of the dataset answers at its own path, content-negotiated.

=================================  =====================================================
path                               what
=================================  =====================================================
``/resource/{slug}``               a resource: its page, or its description in RDF
``/ontology``, ``/ontology/0.1.0``  the ontology (terms ``/ontology#Activity``): its
                                   documentation, or the ontology document in RDF
``/graph/asserted``, ``…/inferred`` a named graph (also ``…/support``, the support levels):
                                   a summary page, or the whole graph
``/.well-known/void``              the VoID/DCAT description (Turtle unless asked)
``/context.jsonld``                the JSON-LD context of the JSON-LD documents
=================================  =====================================================

The syntax comes from the ``Accept`` header (``text/html``, the default for browsers,
``text/turtle``, ``application/ld+json``, ``application/n-triples``,
``application/rdf+xml``) or from an extension (``/resource/yoga.ttl``, ``.jsonld``, ``.nt``,
``.rdf``, ``.html``). Negotiated answers say ``Vary: Accept`` and the chosen variant in
``Content-Location``; every answer links its alternates (``Link: <…>; rel="alternate"``).
An unknown resource, a malformed slug (anything but lower-case kebab-case) or an unknown
path is a 404 page (plain text for a client that does not want HTML). Nothing is read from
a file path given in a URL.

The bodies are made by plain functions (:mod:`backcare_kg.web.resource_documents` and
:mod:`backcare_kg.web.pages`), which the static-site publisher calls too.
"""

from __future__ import annotations

from collections.abc import Callable

from rdflib import URIRef
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response
from starlette.routing import BaseRoute, Route

from backcare_kg.server.negotiation import best_media_type, preferred_language
from backcare_kg.server.state import state_of
from backcare_kg.web import pages as html_pages
from backcare_kg.web.dataset import NAMED_GRAPHS, graph_iri
from backcare_kg.web.documents import (
    BY_EXTENSION,
    HTML,
    SYNTAXES,
    Syntax,
    context_text,
    offered_media_types,
    syntax_for_media_type,
)
from backcare_kg.web.labels import LANGUAGES
from backcare_kg.web.links import CONTEXT_PATH, VARIANT_EXTENSIONS, VOID_PATH, Links
from backcare_kg.web.ontology_doc import document
from backcare_kg.web.resource_documents import (
    SLUG,
    graph_document,
    ontology_document,
    resource_document,
    void_document,
)

#: What the variant of a response is: an RDF syntax, or HTML.
Variant = Syntax | str


# -- routes ---------------------------------------------------------------------------------


def routes() -> list[BaseRoute]:
    """The linked-data routes, and last a catch-all answering 404 to any other GET."""
    return [
        Route("/resource/{name}", resource_endpoint, methods=["GET"]),
        Route("/ontology", ontology_endpoint, methods=["GET"]),
        Route("/ontology.{extension}", ontology_endpoint, methods=["GET"]),
        Route("/ontology/{version}", ontology_endpoint, methods=["GET"]),
        Route("/graph/{name}", graph_endpoint, methods=["GET"]),
        Route("/" + VOID_PATH, void_endpoint, methods=["GET"]),
        Route("/" + VOID_PATH + ".{extension}", void_endpoint, methods=["GET"]),
        Route("/" + CONTEXT_PATH, context_endpoint, methods=["GET"]),
        Route("/{path:path}", not_found_endpoint, methods=["GET"]),
    ]


def split_extension(name: str) -> tuple[str, str | None]:
    """``yoga.ttl`` → ``("yoga", "ttl")``; a name without a known extension is whole."""
    stem, dot, extension = name.rpartition(".")
    if dot and stem and extension in VARIANT_EXTENSIONS:
        return stem, extension
    return name, None


def links_for(request: Request) -> Links:
    """The links of pages served to ``request``."""
    return Links.server(str(request.base_url), state_of(request).config.public_base)


def language_of(request: Request) -> str:
    """The page language: ``?lang=`` if it names one, else by ``Accept-Language``."""
    chosen = request.query_params.get("lang", "")
    if chosen in LANGUAGES:
        return chosen
    return preferred_language(request.headers.get("accept-language"), LANGUAGES, "en")


def choose(request: Request, extension: str | None, html_first: bool = True) -> Variant | None:
    """The variant to answer with: by ``extension`` if given, else by ``Accept`` (HTML
    first, or RDF first with ``html_first=False``); None if nothing offered is acceptable."""
    if extension is not None:
        return "html" if extension == "html" else BY_EXTENSION[extension]
    offered = offered_media_types(html=True)
    if not html_first:
        offered = [*offered[1:1 + len(SYNTAXES)], HTML, *offered[1 + len(SYNTAXES):]]
    media_type = best_media_type(request.headers.get("accept"), offered)
    if media_type is None:
        return None
    return "html" if media_type == HTML else syntax_for_media_type(media_type)


def respond(request: Request, variant: Variant, body: str, document_path: str,
            negotiated: bool, lang: str | None = None, status: int = 200) -> Response:
    """A linked-data response: ``Content-Location`` of the variant, ``Vary``, and ``Link``
    headers to every variant of the document at ``document_path``."""
    extension = "html" if variant == "html" else variant.extension  # type: ignore[union-attr]
    media_type = HTML if variant == "html" else variant.media_type  # type: ignore[union-attr]
    alternates = [(s.bare_media_type, f"{document_path}.{s.extension}") for s in SYNTAXES]
    alternates.append(("text/html", f"{document_path}.html"))
    headers = {
        "Content-Location": f"{document_path}.{extension}",
        "Link": ", ".join(f'<{href}>; rel="alternate"; type="{kind}"'
                          for kind, href in alternates),
    }
    vary = (["Accept"] if negotiated else []) + (["Accept-Language"] if lang else [])
    if vary:
        headers["Vary"] = ", ".join(vary)
    if lang:
        headers["Content-Language"] = lang
    return Response(body, status_code=status, media_type=media_type, headers=headers)


def not_acceptable() -> Response:
    offered = ", ".join(m.split(";")[0] for m in offered_media_types(aliases=False))
    return PlainTextResponse(f"none of the accepted media types is offered here; this "
                             f"document is offered as: {offered}\n", status_code=406,
                             headers={"Vary": "Accept"})


def not_found(request: Request, what: str) -> Response:
    """404: the page for a client that wants HTML, else a line of text saying ``what``."""
    wanted = best_media_type(request.headers.get("accept"), [HTML, "text/plain"])
    if wanted == HTML:
        lang = language_of(request)
        page = html_pages.not_found_page(links_for(request), lang, _printable(request.url.path))
        return Response(page, status_code=404, media_type=HTML,
                        headers={"Vary": "Accept, Accept-Language", "Content-Language": lang})
    return PlainTextResponse(f"not found: {what}\n", status_code=404, headers={"Vary": "Accept"})


def _printable(path: str, limit: int = 200) -> str:
    text = "".join(c if c.isprintable() else "\N{REPLACEMENT CHARACTER}" for c in path)
    return text if len(text) <= limit else text[:limit] + "…"


def _serve(request: Request, extension: str | None, document_path: str,
           html: Callable[[Links, str], str | None], rdf: Callable[[Syntax, Links], str | None],
           missing: str, html_first: bool = True) -> Response:
    variant = choose(request, extension, html_first)
    if variant is None:
        return not_acceptable()
    links = links_for(request)
    negotiated = extension is None
    if variant == "html":
        lang = language_of(request)
        page = html(links, lang)
        if page is None:
            return not_found(request, missing)
        return respond(request, variant, page, document_path, negotiated, lang)
    assert not isinstance(variant, str)
    body = rdf(variant, links)
    if body is None:
        return not_found(request, missing)
    return respond(request, variant, body, document_path, negotiated)


def resource_endpoint(request: Request) -> Response:
    name = request.path_params["name"]
    slug, extension = split_extension(name)
    if not SLUG.match(slug):
        return not_found(request, "a resource's name is lower-case words joined by hyphens")
    kg = state_of(request).kg
    iri = URIRef(f"{state_of(request).config.public_base}resource/{slug}")
    return _serve(request, extension, f"/resource/{slug}",
                  lambda links, lang: html_pages.resource_page(kg, iri, links, lang),
                  lambda syntax, links: resource_document(kg, iri, syntax, links),
                  f"no resource {iri} in this dataset")


def ontology_endpoint(request: Request) -> Response:
    kg = state_of(request).kg
    extension = request.path_params.get("extension")
    path = "/ontology"
    if "version" in request.path_params:
        version, extension = split_extension(request.path_params["version"])
        if version != (document().version or ""):
            return not_found(request, f"no version {version!r} of the ontology (this is "
                                      f"{document().version})")
        path = f"/ontology/{version}"
    if extension is not None and extension not in VARIANT_EXTENSIONS:
        return not_found(request, "unknown extension")
    return _serve(request, extension, path,
                  lambda links, lang: html_pages.ontology_page(kg, links, lang),
                  ontology_document, "the ontology")


def graph_endpoint(request: Request) -> Response:
    kg = state_of(request).kg
    which, extension = split_extension(request.path_params["name"])
    if graph_iri(which) is None:
        return not_found(request, f"the named graphs are {', '.join(NAMED_GRAPHS)}")
    return _serve(request, extension, f"/graph/{which}",
                  lambda links, lang: html_pages.graph_page(kg, which, links, lang),
                  lambda syntax, links: graph_document(kg, which, syntax, links),
                  f"no graph {which!r}")


def void_endpoint(request: Request) -> Response:
    kg = state_of(request).kg
    extension = request.path_params.get("extension")
    if extension is not None and extension not in VARIANT_EXTENSIONS:
        return not_found(request, "unknown extension")
    return _serve(request, extension, "/" + VOID_PATH,
                  lambda links, lang: html_pages.void_page(kg, links, lang),
                  lambda syntax, links: void_document(kg, syntax, links),
                  "the VoID description", html_first=False)


def context_endpoint(request: Request) -> Response:
    return Response(context_text(), media_type="application/ld+json",
                    headers={"Access-Control-Allow-Origin": "*"})


def not_found_endpoint(request: Request) -> Response:
    return not_found(request, "nothing at this address")
