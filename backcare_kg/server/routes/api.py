"""The named queries as an HTTP API.

- ``GET /queries``: the named queries, with their parameters, SPARQL text and links (JSON;
  an HTML page for a browser);
- ``GET /queries/openapi.json`` (also ``/openapi.json``): their OpenAPI 3.1 description
  (:mod:`.openapi`);
- ``GET /queries/{name}?param=value...`` (or ``POST`` with a form): run one, in a query
  worker (:mod:`.pool`), in the result format asked for by ``Accept`` or by the ``format``
  parameter. Parameter names are checked here (an unknown one is a 400 that lists the valid
  ones); values are bound as RDF terms by the library in the worker (a bad one is a 400
  that names it and suggests values), never pasted into the query text.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any, TypeVar
from urllib.parse import urlencode

from rdflib import URIRef
from starlette.datastructures import UploadFile
from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse, Response
from starlette.routing import BaseRoute, Route

from backcare_kg.errors import ParameterError, UnknownQueryError
from backcare_kg.server.answering import Unanswered, reply_to
from backcare_kg.server.negotiation import accepted_media_types, best_media_type
from backcare_kg.server.openapi import FORMAT_PARAMETER, openapi_document, query_body
from backcare_kg.server.state import state_of
from backcare_kg.server.worker import DEFAULT_FORMATS, Task
from backcare_kg.sparql.named_queries import NamedQuery, find
from backcare_kg.sparql.results import formats_for

FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")

T = TypeVar("T")


def routes() -> list[BaseRoute]:
    """The routes of the named-query API."""
    return [
        Route("/queries", list_queries, methods=["GET"], name="queries"),
        Route("/queries/openapi.json", openapi_json, methods=["GET"], name="openapi"),
        Route("/openapi.json", openapi_json, methods=["GET"]),
        Route("/queries/{name}", run_query, methods=["GET", "POST"], name="query"),
    ]


# -- the list and the description ------------------------------------------------------------


async def list_queries(request: Request) -> Response:
    """The named queries as JSON, or as an HTML page when the client prefers HTML."""
    queries = state_of(request).kg.named_queries
    listing = [describe(q, request) for q in queries.values()]
    openapi = str(request.url_for("openapi"))
    headers = {"Vary": "Accept", "Link": f'<{openapi}>; rel="service-desc"'}
    offered = ["application/json", "text/html"] if _has_page() else ["application/json"]
    if best_media_type(request.headers.get("accept"), offered) == "text/html":
        from backcare_kg.web.templating import render

        page = render("queries.html", queries=listing, openapi=openapi, body=query_body)
        return Response(page, media_type="text/html; charset=utf-8", headers=headers)
    return JSONResponse({"queries": listing, "openapi": openapi}, headers=headers)


def describe(query: NamedQuery, request: Request) -> dict[str, Any]:
    """``query`` as JSON data: its metadata, parameters (with the known values of a
    class-restricted one), result formats (the default first), SPARQL text and links (to run
    it, with its examples, and to its OpenAPI operation)."""
    data = query.to_dict()
    for param, item in zip(query.parameters, data["parameters"], strict=True):
        if param.cls is not None:
            item["values"] = _instances(request, param.cls)
    default = DEFAULT_FORMATS[query.kind]
    data["formats"] = [default, *(f for f in formats_for(query.kind) if f != default)]
    data["sparql"] = query.text
    run = str(request.url_for("query", name=query.name))
    examples = [(p.name, p.example) for p in query.parameters if p.example is not None]
    data["links"] = {
        "run": run,
        "example": run + ("?" + urlencode(examples) if examples else ""),
        "openapi": str(request.url_for("openapi")) + f"#/paths/~1queries~1{query.name}/get",
    }
    return data


async def openapi_json(request: Request) -> Response:
    """The OpenAPI 3.1 document of the named queries (built once, then kept)."""
    document = _cached(request, "openapi", lambda: openapi_document(
        state_of(request).kg.named_queries, lambda cls: _instances(request, cls)))
    base = str(request.base_url).rstrip("/") + "/"
    return JSONResponse({**document, "servers": [{"url": base}]})


def _instances(request: Request, cls: URIRef) -> list[str]:
    """The slugs (or prefixed names) of the instances of ``cls``, sorted (kept once read)."""
    kg = state_of(request).kg
    return _cached(request, f"instances {cls}", lambda: kg.resolver.names(cls))


def _cached(request: Request, key: str, build: Callable[[], T]) -> T:
    cache: dict[str, Any] | None = getattr(request.app.state, "api_cache", None)
    if cache is None:
        cache = request.app.state.api_cache = {}
    if key not in cache:
        cache[key] = build()
    value: T = cache[key]
    return value


def _has_page() -> bool:
    from backcare_kg.web.templating import package_dir

    templates = package_dir("templates")
    return (templates / "queries.html").is_file() and (templates / "base.html").is_file()


# -- running a query ---------------------------------------------------------------------


async def run_query(request: Request) -> Response:
    """Run the named query of the path with the request's parameters."""
    state = state_of(request)
    try:
        query = find(state.kg.named_queries, request.path_params["name"])
    except UnknownQueryError as err:
        return _error(404, str(err))
    items = list(request.query_params.multi_items())
    if request.method == "POST":
        media_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
        if media_type not in FORM_TYPES:
            return _error(415, f"POST a form ({' or '.join(FORM_TYPES)}) of the query's "
                               f"parameters, not {media_type or 'a body without a type'}")
        async with request.form() as form:
            for key, value in form.multi_items():
                if isinstance(value, UploadFile):
                    return _error(400, f"parameter {key!r}: a value, not a file")
                items.append((key, value))
    try:
        params, fmt = parameters(query, items)
    except ParameterError as err:
        return _error(400, str(err))
    task = Task(kind="named", text=query.name, params=params,
                accept=accepted_media_types(request.headers.get("accept")), format=fmt,
                max_results=state.config.max_results)
    return await execute(request, task)


def parameters(query: NamedQuery,
               items: Iterable[tuple[str, str]]) -> tuple[dict[str, str], str | None]:
    """The parameters of ``query`` and the result format named in ``items`` (a request's
    name/value pairs). An empty value is a parameter left out (forms send empty fields).

    Raises :class:`~backcare_kg.errors.ParameterError` for a name that is not a parameter
    (listing those that are) or one given twice.
    """
    names = [p.name for p in query.parameters]
    params: dict[str, str] = {}
    fmt: str | None = None
    seen: set[str] = set()
    for key, value in items:
        if key in seen:
            raise ParameterError("given more than once: give one value", key)
        seen.add(key)
        if key == FORMAT_PARAMETER:
            fmt = value.strip() or None
        elif key not in names:
            raise ParameterError(f"not a parameter of the named query {query.name!r}", key,
                                 [*names, FORMAT_PARAMETER])
        elif value.strip():
            params[key] = value
    return params, fmt


async def execute(request: Request, task: Task) -> Response:
    """``task`` answered by a query worker, as a response; 503 (with ``Retry-After``) when it
    ran past the time limit or no worker was free, 500 when the worker failed."""
    try:
        reply = await reply_to(request, task)
    except Unanswered as err:
        return _error(err.status, err.message, err.headers)
    return Response(reply.body, status_code=reply.status, media_type=reply.media_type,
                    headers={"Vary": "Accept"})


def _error(status: int, message: str, headers: dict[str, str] | None = None) -> Response:
    return PlainTextResponse(message.rstrip() + "\n", status_code=status, headers=headers)
