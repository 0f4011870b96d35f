"""The ASGI application behind ``backcare-kg serve``: routes, limits, logging.

Each concern has its module in :mod:`.routes` and contributes its routes: ``sparql`` (the
SPARQL 1.1 Protocol at ``/sparql``), ``api`` (named queries at ``/queries``),
``linked_data`` (every IRI of the dataset, content-negotiated), ``explain`` (why a statement
holds, at ``/explain``) and ``home`` (the home page and the static files). They share a
:class:`~backcare_kg.server.state.ServerState`. This module wires them together with what
every request gets:

- a request body limit (413), checked on the declared length and on what arrives;
- CORS on the SPARQL endpoint and the named-query API, so browser tools can use them;
- one access-log line per request, without the query string (it may hold another user's
  query or secrets);
- no traceback ever reaches a client: an unexpected error is a plain 500.
"""

from __future__ import annotations

import contextlib
import logging
import sys
import time
from collections.abc import AsyncIterator
from typing import TYPE_CHECKING, Any

from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.middleware.cors import CORSMiddleware
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from backcare_kg.server.config import ServerConfig
from backcare_kg.server.pool import QueryPool
from backcare_kg.server.state import ServerState

if TYPE_CHECKING:
    from backcare_kg.graph import KnowledgeGraph


ACCESS_LOG = logging.getLogger("backcare_kg.access")


def create_app(config: ServerConfig, kg: KnowledgeGraph | None = None,
               pool: QueryPool | None = None) -> Starlette:
    """The application serving ``config.source``; ``kg`` and ``pool`` are built from it
    (and the pool started) unless given. The pool is closed when the application shuts
    down."""
    from backcare_kg.server.routes import api, linked_data, sparql
    from backcare_kg.server.routes import explain as explain_page
    from backcare_kg.server.routes import home as pages

    graph = kg if kg is not None else config.source.load()
    if pool is None:
        pool = QueryPool(config.source, config.workers, config.query_timeout)
        pool.start()
    state = ServerState(config, graph, pool)
    cors_paths = ("/sparql", "/queries")
    middleware = [
        Middleware(AccessLog),
        Middleware(BodyLimit, max_bytes=config.max_body_bytes),
        Middleware(PathCORS, paths=cors_paths, options={
            "allow_origins": list(config.cors_origins),
            "allow_methods": ["GET", "POST", "OPTIONS"],
            "allow_headers": ["Accept", "Content-Type", "Authorization"],
            "expose_headers": ["Content-Type", "Content-Length"]}),
    ]
    routes = [*sparql.routes(), *api.routes(), *pages.routes(), *explain_page.routes(),
              *linked_data.routes()]
    workers = pool

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        try:
            yield
        finally:
            workers.close()

    app = Starlette(routes=routes, middleware=middleware,
                    exception_handlers={Exception: _internal_error}, lifespan=lifespan)
    app.state.backcare = state
    return app


async def _internal_error(request: Request, exc: Exception) -> Response:
    print(f"backcare-kg serve: internal error on {request.method} {request.url.path}: "
          f"{type(exc).__name__}: {exc}", file=sys.stderr)
    return PlainTextResponse("internal server error (the server's log has the details)\n",
                             status_code=500)


class PathCORS:
    """CORS for some paths only (the API and the endpoint, not the pages)."""

    def __init__(self, app: ASGIApp, paths: tuple[str, ...], options: dict[str, Any]) -> None:
        self.app = app
        self.paths = paths
        self.cors = CORSMiddleware(app, **options)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        path = scope.get("path", "")
        if scope["type"] == "http" and any(path == p or path.startswith(p + "/")
                                           for p in self.paths):
            await self.cors(scope, receive, send)
        else:
            await self.app(scope, receive, send)


class BodyLimit:
    """Refuse a request body larger than ``max_bytes`` with 413, by its ``Content-Length``
    or, without one (chunked), as soon as more than that has arrived."""

    def __init__(self, app: ASGIApp, max_bytes: int) -> None:
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = dict(scope.get("headers") or []).get(b"content-length")
        if declared is not None and (not declared.isdigit()
                                     or int(declared) > self.max_bytes):
            await self._refuse(scope, receive, send)
            return
        received = 0

        async def limited() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.max_bytes:
                    raise _BodyTooLarge
            return message

        try:
            await self.app(scope, limited, send)
        except _BodyTooLarge:
            await self._refuse(scope, receive, send)

    async def _refuse(self, scope: Scope, receive: Receive, send: Send) -> None:
        response = PlainTextResponse(
            f"request body too large: this server accepts up to {self.max_bytes:,} bytes\n",
            status_code=413)
        await response(scope, receive, send)


class _BodyTooLarge(Exception):
    pass


class AccessLog:
    """One line per request: client, method, path (never the query string), status,
    bytes sent and time taken, to the ``backcare_kg.access`` logger."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        start = time.perf_counter()
        status, sent = 0, 0

        async def logged(message: Message) -> None:
            nonlocal status, sent
            if message["type"] == "http.response.start":
                status = message["status"]
            elif message["type"] == "http.response.body":
                sent += len(message.get("body", b""))
            await send(message)

        try:
            await self.app(scope, receive, logged)
        finally:
            client = (scope.get("client") or ("-", 0))[0]
            ACCESS_LOG.info('%s "%s %s" %s %d %.1fms', client, scope["method"], scope["path"],
                            status or 500, sent, (time.perf_counter() - start) * 1000)
