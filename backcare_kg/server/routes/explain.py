"""Why the graph holds a statement, at ``/explain``: a page for people, a document for
programs.

``GET /explain?s=…&p=…&o=…[&limit=N]`` explains the statement ``s p o`` with up to ``limit``
proofs (1 by default, at most :data:`MAX_LIMIT`). The terms are what explanation links carry
(IRIs; literals in N-Triples form, ``"true"^^<http://www.w3.org/2001/XMLSchema#boolean>``,
``"yoga"@en``) or anything :meth:`~backcare_kg.KnowledgeGraph.explain` accepts (slugs,
prefixed names, labels, ``true``). The answer is negotiated as a resource's is, by ``Accept``
or by an extension of the path (``/explain.json?…``):

=========  ====================================  ============================================
extension  media type                            what
=========  ====================================  ============================================
``html``   ``text/html`` (the default)           each proof drawn as a tree, with the rules,
                                                 files, lines and quotes at its leaves
``json``   ``application/json``                  :func:`backcare_kg.explain.json_format.to_json`
                                                 (the schema ``explanation.schema.json``)
``ttl``…   ``text/turtle``, ``application/ld+    the proofs in PROV-O
           json``, ``application/n-triples``,    (:mod:`backcare_kg.explain.prov_format`)
           ``application/rdf+xml``
=========  ====================================  ============================================

A statement the graph does not hold is a 404 whose body still explains (``entailed: false``,
and the statements near it that hold); a missing or bad parameter a 400 naming it (a page
for a browser, a line of text otherwise). Explanations are computed in the server process
from its graph, as the resource pages are (one takes milliseconds on the bundled graph), one
at a time per graph: the explainer keeps memos between questions.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable
from dataclasses import dataclass, replace

from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response
from starlette.routing import BaseRoute, Route

from backcare_kg.errors import ParameterError
from backcare_kg.explain import Explanation, prov_format
from backcare_kg.explain.json_format import Names, dumps
from backcare_kg.graph import KnowledgeGraph
from backcare_kg.server.negotiation import best_media_type
from backcare_kg.server.routes.linked_data import language_of, links_for, not_found
from backcare_kg.server.state import state_of
from backcare_kg.web.documents import HTML, SYNTAXES, Syntax, write
from backcare_kg.web.explain_views import explanation_view
from backcare_kg.web.i18n import texts
from backcare_kg.web.labels import LANGUAGES, labels_of
from backcare_kg.web.links import EXPLAIN_PATH, Links
from backcare_kg.web.pages import nav
from backcare_kg.web.per_graph import PerGraph
from backcare_kg.web.presentation import Presenter
from backcare_kg.web.templating import render

#: The most proofs one explanation may ask for.
MAX_LIMIT = 10

#: The query parameters, and the term of the statement each names.
TERMS = {"s": "subject", "p": "predicate", "o": "object"}

#: What each term may be given as.
KINDS = {
    "s": "an IRI, a prefixed name or a name",
    "p": "an IRI or a prefixed name",
    "o": "an IRI, a prefixed name, a name or a literal",
}


@dataclass(frozen=True)
class Form:
    """A form an explanation is offered in: a page, the JSON document, or an RDF syntax."""

    name: str
    extension: str
    media_type: str
    syntax: Syntax | None = None
    aliases: tuple[str, ...] = ()

    @property
    def bare_media_type(self) -> str:
        return self.media_type.split(";")[0]


PAGE = Form("html", "html", HTML)
JSON = Form("json", "json", "application/json")

#: Every form, the page first (the default); RDF syntaxes keep their aliases but
#: ``application/json``, which is the explanation's own JSON here.
FORMS: tuple[Form, ...] = (
    PAGE,
    JSON,
    *(
        Form(
            s.name,
            s.extension,
            s.media_type,
            s,
            tuple(a for a in s.aliases if a != JSON.media_type),
        )
        for s in SYNTAXES
    ),
)

BY_EXTENSION = {form.extension: form for form in FORMS}


def routes() -> list[BaseRoute]:
    """``/explain`` and ``/explain.{extension}`` (GET; HEAD comes with it)."""
    return [
        Route(EXPLAIN_PATH, explain_endpoint, methods=["GET"]),
        Route(EXPLAIN_PATH + ".{extension}", explain_endpoint, methods=["GET"]),
    ]


# -- asking the graph -----------------------------------------------------------------------


# The explainer keeps memos between questions: one explanation at a time per graph.
_LOCKS = PerGraph(lambda kg: threading.Lock())


def explain(
    kg: KnowledgeGraph, subject: str, predicate: str, object: str, limit: int = 1
) -> tuple[Explanation, Names]:
    """The explanation of ``subject predicate object`` in ``kg``, and the names of its
    terms (English labels, for the JSON and RDF documents).

    Raises :class:`~backcare_kg.errors.ParameterError` naming the query parameter (``s``,
    ``p``, ``o``) of a term that names nothing.
    """
    with _LOCKS.of(kg):
        try:
            explanation = kg.explain(subject, predicate, object, limit)
        except ParameterError as err:
            raise _renamed(err) from None
        return explanation, kg.explainer.label


def _renamed(err: ParameterError) -> ParameterError:
    """``err`` naming the query parameter instead of the term (``s`` for ``subject``)."""
    names = {term: name for name, term in TERMS.items()}
    if err.parameter not in names:
        return err
    message = str(err).removeprefix(f"parameter {err.parameter!r}: ")
    if err.accepted:
        message = message.removesuffix(f" (accepted: {', '.join(err.accepted)})")
    return ParameterError(
        f"{message} (the statement's {err.parameter})", names[err.parameter], err.accepted
    )


def parameters(items: Iterable[tuple[str, str]]) -> tuple[tuple[str, str, str], int]:
    """The statement's terms (``s``, ``p``, ``o``) and the ``limit`` of a request's query
    parameters; others (``lang``) are left to the page.

    Raises :class:`~backcare_kg.errors.ParameterError` for a term missing or given twice,
    or a limit that is not a whole number from 1 to :data:`MAX_LIMIT`.
    """
    given: dict[str, str] = {}
    for key, value in items:
        if key in (*TERMS, "limit"):
            if key in given:
                raise ParameterError("given more than once: give one value", key)
            given[key] = value
    for key, term in TERMS.items():
        if not given.get(key, "").strip():
            raise ParameterError(f"missing: give the statement's {term} ({KINDS[key]})", key)
    text = given.get("limit", "1").strip()
    if not (text.isascii() and text.isdigit()) or not 1 <= int(text) <= MAX_LIMIT:
        raise ParameterError(
            f"the number of proofs to show is a whole number from 1 to {MAX_LIMIT}, not {text!r}",
            "limit",
        )
    return (given["s"], given["p"], given["o"]), int(text)


# -- the page and the documents, as plain functions -------------------------------------------


def explanation_page(
    kg: KnowledgeGraph,
    explanation: Explanation,
    links: Links,
    lang: str = "en",
    limit: int = 1,
    more: bool = False,
) -> str:
    """The page of ``explanation`` (up to ``limit`` proofs were asked for; ``more`` if the
    graph has more proofs, which the page then links to)."""
    statement = explanation.statement
    here = links.explanation(*statement, limit=limit)
    more_href = links.explanation(*statement, limit=MAX_LIMIT) if more else None
    variants = [
        (form, href)
        for form in FORMS[1:]
        if (href := links.explanation(*statement, form.extension, limit)) is not None
    ]
    return render(
        "explain.html",
        **_common(links, lang, here),
        view=explanation_view(explanation, Presenter(labels_of(kg), links, lang)),
        variants=variants,
        more=more_href,
    )


def error_page(links: Links, lang: str, message: str, given: dict[str, str]) -> str:
    """The page for a question that cannot be answered: what is wrong, and a form to ask
    again (holding the terms ``given``)."""
    return render(
        "explain.html",
        **_common(links, lang, None),
        view=None,
        error=message,
        given=given,
        action=links.explanations or EXPLAIN_PATH,
    )


def explanation_document(explanation: Explanation, names: Names, form: Form, links: Links) -> str:
    """``explanation`` in ``form``: the JSON document, or the PROV-O graph in an RDF syntax."""
    if form.syntax is None:
        return dumps(explanation, names) + "\n"
    if form.syntax.name == "turtle":
        return prov_format.to_turtle(explanation, names)
    return write(prov_format.to_graph(explanation, names), form.syntax, links.context_url)


def _common(links: Links, lang: str, here: str | None) -> dict[str, object]:
    languages = [(code, f"{here}&lang={code}" if here else None) for code in LANGUAGES]
    return {
        "links": links,
        "lang": lang,
        "t": texts(lang),
        "languages": languages,
        "nav": nav(links, lang),
        "path": "",
    }


# -- the route ------------------------------------------------------------------------------


def explain_endpoint(request: Request) -> Response:
    extension = request.path_params.get("extension")
    if extension is not None and extension not in BY_EXTENSION:
        return not_found(request, f"explanations are offered as {', '.join(BY_EXTENSION)}")
    form = BY_EXTENSION[extension] if extension else _negotiate(request)
    if form is None:
        offered = ", ".join(f.bare_media_type for f in FORMS)
        return PlainTextResponse(
            f"none of the accepted media types is offered here; an "
            f"explanation is offered as: {offered}\n",
            status_code=406,
            headers={"Vary": "Accept"},
        )
    links = links_for(request)
    items = list(request.query_params.multi_items())
    try:
        terms, limit = parameters(items)
        # a page asks for one proof more, to know whether to offer more
        asked = limit + 1 if form is PAGE and limit < MAX_LIMIT else limit
        explanation, names = explain(state_of(request).kg, *terms, limit=asked)
    except ParameterError as err:
        return _bad_request(request, form, links, str(err), dict(items))
    more = len(explanation.proofs) > limit
    explanation = replace(explanation, proofs=explanation.proofs[:limit])
    status = 200 if explanation.entailed else 404
    headers = _headers(links, explanation, form, limit, negotiated=extension is None)
    if form is PAGE:
        lang = language_of(request)
        page = explanation_page(state_of(request).kg, explanation, links, lang, limit, more)
        headers["Content-Language"] = lang
        headers["Vary"] = ", ".join(v for v in (headers.get("Vary"), "Accept-Language") if v)
        return Response(page, status_code=status, media_type=HTML, headers=headers)
    body = explanation_document(explanation, names, form, links)
    return Response(body, status_code=status, media_type=form.media_type, headers=headers)


def _negotiate(request: Request) -> Form | None:
    offered = [f.media_type for f in FORMS] + [a for f in FORMS for a in f.aliases]
    chosen = best_media_type(request.headers.get("accept"), offered)
    return next((f for f in FORMS if chosen == f.media_type or chosen in f.aliases), None)


def _headers(
    links: Links, explanation: Explanation, form: Form, limit: int, negotiated: bool
) -> dict[str, str]:
    """``Content-Location`` of the form sent, ``Link`` to every form, ``Vary``."""
    headers = {"Vary": "Accept"} if negotiated else {}
    statement = explanation.statement
    location = links.explanation(*statement, form.extension, limit)
    if location is not None:
        headers["Content-Location"] = location
        headers["Link"] = ", ".join(
            f'<{links.explanation(*statement, f.extension, limit)}>; rel="alternate"; '
            f'type="{f.bare_media_type}"'
            for f in FORMS
        )
    return headers


def _bad_request(
    request: Request, form: Form, links: Links, message: str, given: dict[str, str]
) -> Response:
    if form is PAGE:
        lang = language_of(request)
        page = error_page(links, lang, message, given)
        return Response(
            page,
            status_code=400,
            media_type=HTML,
            headers={"Vary": "Accept, Accept-Language", "Content-Language": lang},
        )
    return PlainTextResponse(message + "\n", status_code=400, headers={"Vary": "Accept"})
