"""The pages for people that are not linked-data documents: the home page (``/``) and the
static files (``/static/…``). The home page is also the dataset's landing page: a client
asking for RDF gets the VoID/DCAT description there.

The page itself is :func:`backcare_kg.web.pages.home_page`, a plain function the publisher
calls too.
"""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Mount, Route
from starlette.staticfiles import StaticFiles

from backcare_kg.graph import KnowledgeGraph
from backcare_kg.server.routes.linked_data import (
    choose,
    language_of,
    links_for,
    not_acceptable,
    respond,
)
from backcare_kg.server.state import state_of
from backcare_kg.web import pages as html_pages
from backcare_kg.web.documents import HTML, SYNTAXES
from backcare_kg.web.links import VOID_PATH
from backcare_kg.web.resource_documents import void_document
from backcare_kg.web.templating import package_dir


def routes() -> list[BaseRoute]:
    """``/`` and ``/static``. The named queries (which the home page and the API list) are
    parsed now, before the server answers: it takes a second or two, which the first
    visitor would otherwise wait, and rdflib's parser must not race with a request's."""
    KnowledgeGraph.bundled_queries()
    return [
        Route("/", home_endpoint, methods=["GET"]),
        Mount("/static", app=StaticFiles(directory=package_dir("static")), name="static"),
    ]


def home_endpoint(request: Request) -> Response:
    state = state_of(request)
    variant = choose(request, None)
    if variant is None:
        return not_acceptable()
    links = links_for(request)
    if variant != "html":
        assert not isinstance(variant, str)
        body = void_document(state.kg, variant, links)
        return respond(request, variant, body, "/" + VOID_PATH, negotiated=True)
    lang = language_of(request)
    example = request.query_params.get("example")
    page = html_pages.home_page(state.kg, links, lang, example)
    alternates = ", ".join(f'</{VOID_PATH}.{s.extension}>; rel="describedby"; '
                           f'type="{s.bare_media_type}"' for s in SYNTAXES)
    return Response(page, media_type=HTML, headers={
        "Vary": "Accept, Accept-Language", "Content-Language": lang, "Link": alternates})
