"""``backcare-kg serve``: a SPARQL 1.1 endpoint and linked-data server over the inferred graph.

>>> from backcare_kg.server import ServerConfig, serve
>>> serve(ServerConfig(port=8000))  # doctest: +SKIP

:func:`create_app` gives the ASGI application alone, for another ASGI server (its query
workers started, unless a pool is given).
"""

from __future__ import annotations

import logging
import socket
import sys

from backcare_kg.server.app import create_app
from backcare_kg.server.config import GraphSource, ServerConfig
from backcare_kg.web.links import PUBLIC_BASE

__all__ = ["GraphSource", "ServerConfig", "PUBLIC_BASE", "create_app", "serve"]


def serve(config: ServerConfig, announce: bool = True) -> None:
    """Serve until interrupted. With ``port=0`` a free port is chosen; the address is
    printed on stdout (``serving on http://127.0.0.1:PORT/``) once requests are answered.

    Raises :class:`~backcare_kg.errors.EndpointError` if the address cannot be bound and
    :class:`~backcare_kg.errors.DataError` if the graph cannot be loaded.
    """
    import uvicorn

    from backcare_kg.errors import EndpointError

    family = socket.AF_INET6 if ":" in config.host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((config.host, config.port))
    except OSError as err:
        sock.close()
        raise EndpointError(f"cannot listen on {config.host}:{config.port}: "
                            f"{err.strerror or err}") from None
    port = sock.getsockname()[1]
    if config.port == 0:
        from dataclasses import replace

        config = replace(config, port=port)
    app = create_app(config)
    logging.basicConfig(level=logging.INFO, format="%(message)s", stream=sys.stderr)
    server = uvicorn.Server(uvicorn.Config(app, log_level="warning", access_log=False,
                                           lifespan="on", timeout_graceful_shutdown=5))
    if announce:
        original = server.startup

        async def startup(sockets: list[socket.socket] | None = None) -> None:
            await original(sockets)
            print(f"serving on {config.base_url}/ ({config.describe()})", flush=True)

        server.startup = startup  # type: ignore[method-assign]
    server.run(sockets=[sock])
