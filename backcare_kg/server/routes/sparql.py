"""The SPARQL 1.1 Protocol at ``/sparql`` (https://www.w3.org/TR/sparql11-protocol/), read-only.

- A query by ``GET /sparql?query=…``, by ``POST`` of a form (``application/x-www-form-urlencoded``,
  field ``query``) or of the query itself (``application/sparql-query``; other parameters in
  the URL). ``default-graph-uri`` and ``named-graph-uri`` (each repeatable) name the dataset
  and replace the query's ``FROM`` and ``FROM NAMED``.
- The result format by ``Accept`` (q-values honoured) or by a ``format`` parameter (alias
  ``output``; a name such as ``json``, ``csv``, ``turtle``, ``jsonld``, or a media type), which
  wins over ``Accept``: SPARQL JSON, XML, CSV, TSV for SELECT; JSON, XML for ASK; Turtle,
  N-Triples, JSON-LD, RDF/XML, N-Quads, TriG for CONSTRUCT and DESCRIBE. Every response
  varies by ``Accept``.
- ``GET /sparql`` without a query: the SPARQL 1.1 Service Description, in Turtle, JSON-LD,
  N-Triples or RDF/XML by ``Accept``; a client preferring HTML (a browser) is sent to the
  home page's query form (303).
- A client preferring HTML to every data format (a browser), or ``format=html``, gets the
  answer as a page: a table of the rows, the boolean, or the graph in Turtle.

Status codes: 400 a malformed query (the parser's message at line:column) or parameter; 403
SPARQL Update in any form (``update=``, ``application/sparql-update``, or update text such as
``INSERT``, ``LOAD``, ``DROP`` as the query) and ``SERVICE`` (the server never makes a request
on a client's behalf); 405 another method; 406 no acceptable format (the body lists those
offered); 413 a body or result too large; 415 another content type; 503 past the time limit,
or every worker busy, with ``Retry-After``; 500 a failed worker. Error bodies are
``text/plain`` and never hold a traceback.

Queries run in the pool's worker processes (:mod:`.pool`), called from a thread: never in
the event loop.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from urllib.parse import parse_qsl, urlencode

from starlette.requests import Request
from starlette.responses import PlainTextResponse, RedirectResponse, Response
from starlette.routing import BaseRoute, Route

from backcare_kg.rdf.names import PAGE_LOCAL_NAME, short_iri
from backcare_kg.registry import Registry
from backcare_kg.server import service_description as description
from backcare_kg.server.answering import Unanswered, reply_to
from backcare_kg.server.negotiation import accepted_media_types, best_media_type
from backcare_kg.server.state import state_of
from backcare_kg.server.worker import Reply, Task
from backcare_kg.sparql.lexer import first_keyword, update_keyword
from backcare_kg.sparql.results import GRAPH_FORMATS, RESULT_FORMATS, Format

FORM = "application/x-www-form-urlencoded"
QUERY = "application/sparql-query"
UPDATE = "application/sparql-update"
ALLOW = "GET, HEAD, POST, OPTIONS"
VARY = {"Vary": "Accept"}


def routes() -> list[BaseRoute]:
    """The endpoint, at ``/sparql``."""
    return [Route("/sparql", endpoint, name="sparql",
                  methods=["GET", "HEAD", "POST", "OPTIONS", "PUT", "DELETE", "PATCH"])]


class ProtocolError(Exception):
    """A request the endpoint answers with an error ``status`` and ``message``."""

    def __init__(self, status: int, message: str, headers: dict[str, str] | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.headers = headers or {}

    def response(self) -> Response:
        return error(self.status, self.message, self.headers)


def error(status: int, message: str, headers: dict[str, str] | None = None) -> Response:
    """A plain-text error response."""
    return PlainTextResponse(message.rstrip() + "\n", status_code=status,
                             headers={**VARY, **(headers or {})})


async def endpoint(request: Request) -> Response:
    """``/sparql``: a query, or the service description."""
    if request.method == "OPTIONS":  # a CORS preflight is answered by the middleware
        return Response(status_code=204, headers={"Allow": ALLOW})
    if request.method not in ("GET", "HEAD", "POST"):
        return error(405, f"{request.method} is not allowed on /sparql: send a query by GET or "
                     "POST (this endpoint is read-only)", {"Allow": ALLOW})
    try:
        params, body_query = await _parameters(request)
        if "update" in params:
            raise _read_only("an update (the 'update' parameter)")
        queries = params.get("query", []) + ([body_query] if body_query is not None else [])
        if not queries:
            if request.method == "POST":
                raise ProtocolError(400, "no query: send it in the 'query' field of the form")
            return await service_description(request, _named_formats(params))
        if len(queries) > 1:
            raise ProtocolError(400, f"{len(queries)} queries given: send one query per request")
        text = queries[0]
        if not text.strip():
            raise ProtocolError(400, "the query is empty")
        keyword = update_keyword(text)
        if keyword is not None:
            raise _read_only(f"SPARQL Update ({keyword})")
        state = state_of(request)
        named = _named_formats(params)
        html = named[:1] == [HTML] if named else best_media_type(
            request.headers.get("accept"), [*ANSWER_TYPES, HTML]) == HTML
        accept = (_JSON, _TURTLE) if html else \
            named or accepted_media_types(request.headers.get("accept"))
        task = Task(kind="sparql", text=text, accept=tuple(accept),
                    default_graphs=_graphs(params, "default-graph-uri"),
                    named_graphs=_graphs(params, "named-graph-uri"),
                    max_results=state.config.max_results)
        reply = await run(request, task)
    except ProtocolError as err:
        return err.response()
    if html and reply.status == 200:
        return Response(results_page(request, task, reply), media_type=HTML, headers=VARY)
    return Response(reply.body, status_code=reply.status, media_type=reply.media_type,
                    headers=VARY)


async def run(request: Request, task: Task) -> Reply:
    """The reply of a query worker to ``task``; raises :class:`ProtocolError` (503, 500) if
    the query ran past the time limit, no worker freed up, or the worker failed."""
    try:
        return await reply_to(request, task, timeout_advice="narrow the query, or add a LIMIT")
    except Unanswered as err:
        raise ProtocolError(err.status, err.message, err.headers) from None


# -- the request ------------------------------------------------------------------------------


Params = dict[str, list[str]]


async def _parameters(request: Request) -> tuple[Params, str | None]:
    """The request's parameters by name, and the query if the body is one."""
    params: Params = {}
    for name, value in request.query_params.multi_items():
        params.setdefault(name, []).append(value)
    if request.method != "POST":
        return params, None
    media_type, _, rest = request.headers.get("content-type", "").partition(";")
    media_type = media_type.strip().lower()
    charset = _charset(rest)
    if media_type == UPDATE:
        raise _read_only("SPARQL Update (application/sparql-update)")
    if media_type not in (FORM, QUERY):
        shown = f"content type {media_type!r}" if media_type else "a body without a content type"
        raise ProtocolError(415, f"this endpoint does not accept {shown}: POST a query as "
                            f"{QUERY}, or as the 'query' field of {FORM}")
    if charset not in ("utf-8", "utf8", "us-ascii", "ascii"):
        raise ProtocolError(415, f"the body is in {charset}: send it in UTF-8")
    body = await request.body()
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError as err:
        raise ProtocolError(400, f"the body is not UTF-8 (byte {err.start})") from None
    if media_type == QUERY:
        return params, text
    try:
        fields = parse_qsl(text, keep_blank_values=True, errors="strict")
    except (UnicodeDecodeError, ValueError):
        raise ProtocolError(400, "the form is not valid application/x-www-form-urlencoded "
                            "text in UTF-8") from None
    for name, value in fields:
        params.setdefault(name, []).append(value)
    return params, None


def _charset(parameters: str) -> str:
    for part in parameters.split(";"):
        name, _, value = part.partition("=")
        if name.strip().lower() == "charset" and value.strip().strip('"'):
            return value.strip().strip('"').lower()
    return "utf-8"


def _read_only(what: str) -> ProtocolError:
    return ProtocolError(403, f"{what} is not allowed: this endpoint is read-only (query with "
                         "SELECT, ASK, CONSTRUCT or DESCRIBE)")


# An absolute IRI (RFC 3987): a scheme, then no space nor character IRIs exclude.
_IRI = re.compile(r"[A-Za-z][A-Za-z0-9+.\-]*:[^\x00-\x20<>\"{}|\\^`]*")


def _graphs(params: Params, name: str) -> tuple[str, ...]:
    values = params.get(name, [])
    for value in values:
        if not _IRI.fullmatch(value):
            raise ProtocolError(400, f"{name}: {value[:200]!r} is not an absolute IRI")
    return tuple(values)


def _media(registry: Registry[Format], name: str) -> str:
    return registry[name].media_type.split(";")[0]


_JSON, _XML = _media(RESULT_FORMATS, "json"), _media(RESULT_FORMATS, "xml")
_JSON_LD, _RDF_XML = _media(GRAPH_FORMATS, "json-ld"), _media(GRAPH_FORMATS, "xml")
_TURTLE, _NT = _media(GRAPH_FORMATS, "turtle"), _media(GRAPH_FORMATS, "nt")

#: What the ``format`` (or ``output``) parameter may name, as the media types it stands for,
#: tried in order (``json`` is SPARQL JSON for SELECT and ASK, JSON-LD for a graph).
FORMAT_NAMES: dict[str, tuple[str, ...]] = {
    "json": (_JSON, _JSON_LD), "srj": (_JSON,),
    "xml": (_XML, _RDF_XML), "srx": (_XML,),
    "csv": (_media(RESULT_FORMATS, "csv"),), "tsv": (_media(RESULT_FORMATS, "tsv"),),
    "turtle": (_TURTLE,), "ttl": (_TURTLE,), "n3": (_TURTLE,),  # Turtle is N3
    "nt": (_NT,), "ntriples": (_NT,), "n-triples": (_NT,),
    "jsonld": (_JSON_LD,), "json-ld": (_JSON_LD,),
    "rdfxml": (_RDF_XML,), "rdf+xml": (_RDF_XML,), "rdf/xml": (_RDF_XML,), "rdf": (_RDF_XML,),
    "nquads": (_media(GRAPH_FORMATS, "nquads"),), "nq": (_media(GRAPH_FORMATS, "nquads"),),
    "trig": (_media(GRAPH_FORMATS, "trig"),),
    "html": ("text/html",),  # a page for people (see results_page)
}
HTML = "text/html"
#: The media types of answers (and the generic ones clients send for them), in the order the
#: server prefers them. A page for people (HTML) is for clients that prefer it to all these.
ANSWER_TYPES = list(dict.fromkeys(
    [_JSON, _XML] + [f.media_type.split(";")[0] for f in RESULT_FORMATS.values()]
    + [f.media_type.split(";")[0] for f in GRAPH_FORMATS.values()]
    + ["application/json", "application/xml", "text/xml"]))


def _named_formats(params: Params) -> list[str]:
    """The media types the ``format`` (or ``output``) parameters name, in order; the client
    wants them rather than those of its ``Accept`` header."""
    named: list[str] = []
    for value in params.get("format", []) + params.get("output", []):
        key = value.strip().lower()
        if not key:
            continue
        if "/" in key:
            named.append(key.split(";")[0].strip())
        elif key in FORMAT_NAMES:
            named.extend(FORMAT_NAMES[key])
        else:
            raise ProtocolError(400, f"format: unknown format {value[:40]!r} (known: "
                                f"{', '.join(FORMAT_NAMES)}, or a media type)")
    return named


# -- the service description ------------------------------------------------------------------

# A netloc safe to write as part of an IRI: a host name or address, and a port.
_NETLOC = re.compile(r"(?:[A-Za-z0-9.\-]+|\[[0-9A-Fa-f:.]+\])(?::[0-9]{1,5})?")


async def service_description(request: Request, named: Sequence[str] = ()) -> Response:
    """The SPARQL 1.1 Service Description of this endpoint, in the first syntax of ``named``
    that fits (media types), else as the ``Accept`` header prefers."""
    if named:
        chosen = next((t for t in named if t in description.SYNTAXES), None)
    else:
        chosen = best_media_type(request.headers.get("accept"), [*description.SYNTAXES, HTML])
    if chosen is None:
        raise ProtocolError(406, "none of the accepted media types fits the service "
                            f"description; this server offers: {', '.join(description.SYNTAXES)}")
    if chosen == HTML:  # a browser: the home page has the query form
        return RedirectResponse("/#query", status_code=303, headers=VARY)
    graph = description.describe(_endpoint_url(request), await _graph_sizes(request))
    return Response(graph.serialize(format=description.SYNTAXES[chosen]), media_type=chosen,
                    headers=VARY)


def _endpoint_url(request: Request) -> str:
    """The URL the client used for the endpoint (if its host is a plain name or address),
    else the configured one."""
    url = request.url
    if url.scheme in ("http", "https") and _NETLOC.fullmatch(url.netloc):
        return f"{url.scheme}://{url.netloc}{url.path}"
    return state_of(request).config.base_url + "/sparql"


async def _graph_sizes(request: Request) -> dict[str, int] | None:
    """The sizes of the graphs, counted once by a query worker; None if that failed (the
    description then says nothing of sizes)."""
    cached: dict[str, int] | None = getattr(request.app.state, "sparql_graph_sizes", None)
    if cached is None:
        answers = []
        for text in description.SIZE_QUERIES:
            try:
                reply = await run(request, Task(kind="sparql", text=text, accept=(_JSON,)))
            except ProtocolError:
                return None
            if reply.status != 200:
                return None
            answers.append(json.loads(reply.body))
        request.app.state.sparql_graph_sizes = cached = description.sizes_from(answers)
    return cached


# -- the results as a page for people ---------------------------------------------------------

#: Most rows a results page shows (the data formats have them all).
PAGE_ROWS = 1000
_FORMAT_LINKS = {"SELECT": ("json", "xml", "csv", "tsv"), "ASK": ("json", "xml"),
                 "CONSTRUCT": ("turtle", "nt", "jsonld", "rdfxml"),
                 "DESCRIBE": ("turtle", "nt", "jsonld", "rdfxml")}


def results_page(request: Request, task: Task, reply: Reply) -> str:
    """The HTML page of a worker's ``reply`` (SPARQL JSON, or Turtle for a graph)."""
    from backcare_kg.web.templating import render

    base = state_of(request).config.public_base
    context: dict[str, object] = {"query": task.text, "boolean": None, "vars": [], "rows": [],
                                  "total": 0, "text": ""}
    if reply.media_type.startswith(_JSON):
        answer = json.loads(reply.body)
        if "boolean" in answer:
            kind = "ASK"
            context["boolean"] = bool(answer["boolean"])
        else:
            kind = "SELECT"
            variables = answer["head"]["vars"]
            bindings = answer["results"]["bindings"]
            context.update(vars=variables, total=len(bindings), rows=[
                [_cell(row.get(v), base) for v in variables] for row in bindings[:PAGE_ROWS]])
    else:
        kind = "DESCRIBE" if first_keyword(task.text) == "DESCRIBE" else "CONSTRUCT"
        context["text"] = reply.text
    graphs = [("default-graph-uri", g) for g in task.default_graphs] + \
        [("named-graph-uri", g) for g in task.named_graphs]
    formats = [(name, f"{request.url.path}?"
                + urlencode([("query", task.text), *graphs, ("format", name)]))
               for name in _FORMAT_LINKS[kind]]
    return render("sparql_results.html", kind=kind, formats=formats, **context)


def _cell(term: dict[str, str] | None, base: str) -> dict[str, str]:
    """A value of a SPARQL JSON row as a table cell: text, a link for an IRI (this server's
    page for the dataset's own IRIs; none for a scheme other than http(s)), a note."""
    if term is None:
        return {"text": "", "href": "", "title": "", "note": ""}
    value = term["value"]
    if term["type"] == "uri":
        href = "/" + value[len(base):] if value.startswith(base) else \
            value if value.startswith(("http://", "https://")) else ""
        return {"text": _short(value), "href": href, "title": value, "note": ""}
    if term["type"] == "bnode":
        return {"text": "_:" + value, "href": "", "title": "", "note": ""}
    note = "@" + term["xml:lang"] if "xml:lang" in term else \
        "^^" + _short(term["datatype"]) if "datatype" in term else ""
    return {"text": value, "href": "", "title": "", "note": note}


def _short(iri: str) -> str:
    return short_iri(iri, local_name=PAGE_LOCAL_NAME)
