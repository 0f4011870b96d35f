"""The ``serve`` and ``publish`` subcommands: the graph on the web (see :mod:`backcare_kg.server`
and :mod:`backcare_kg.publish`)."""

from __future__ import annotations

import argparse

from backcare_kg.cli.common import AddCommand, graph_source, load_graph
from backcare_kg.errors import ParameterError


def add_commands(add: AddCommand) -> None:
    """Add ``serve`` and ``publish`` to the parser, through the CLI's ``add``."""
    p = add("serve", cmd_serve,
            "serve a SPARQL 1.1 endpoint, the named queries and linked data over HTTP")
    p.add_argument("--host", default="127.0.0.1",
                   help="the address to listen on (default: 127.0.0.1, this machine only)")
    p.add_argument("--port", type=int, default=8000,
                   help="the port (default: 8000; 0 picks a free one)")
    p.add_argument("--query-timeout", type=float, default=10.0, metavar="SECONDS",
                   help="stop a query after this long, answering 503 (default: 10)")
    p.add_argument("--workers", type=int, default=2,
                   help="query worker processes, i.e. queries at once (default: 2)")
    p.add_argument("--max-results", type=int, default=100_000, metavar="N",
                   help="most rows or triples a query may return (default: 100000)")
    p.add_argument("--max-body", type=int, default=1_000_000, metavar="BYTES",
                   help="largest request body accepted (default: 1000000)")

    p = add("publish", cmd_publish,
            "write the linked data as a static site: pages, descriptions, dumps, VoID")
    p.add_argument("--out", required=True, metavar="DIR",
                   help="the directory to write: new, empty, or a previous site (replaced "
                        "at once; anything else is refused)")
    p.add_argument("--base-url", metavar="URL",
                   help="where the site will be hosted, e.g. https://example.org/backcare-kg/ "
                        "(for .htaccess and the w3id redirects; default: the root of a host)")
    p.add_argument("--sparql", metavar="URL",
                   help="a live SPARQL endpoint for the pages' query form and the w3id "
                        "redirect of /sparql (default: none, no query form)")


def _positive(value: float, name: str) -> None:
    if value <= 0:
        raise ParameterError(f"--{name} must be positive, not {value:g}", name)


def cmd_serve(args: argparse.Namespace) -> int:
    from backcare_kg.server import ServerConfig, serve

    if not 0 <= args.port <= 65535:
        raise ParameterError(f"--port must be between 0 and 65535, not {args.port}", "port")
    _positive(args.query_timeout, "query-timeout")
    for name in ("workers", "max_results", "max_body"):
        _positive(getattr(args, name), name.replace("_", "-"))
    source = graph_source(args, for_workers=True)
    config = ServerConfig(source=source, host=args.host, port=args.port,
                          query_timeout=args.query_timeout, workers=args.workers,
                          max_results=args.max_results, max_body_bytes=args.max_body)
    serve(config)
    return 0


def cmd_publish(args: argparse.Namespace) -> int:
    import sys

    from backcare_kg.publish import check_url, publish
    from backcare_kg.publish.directory import check_target

    # bad options fail before the graph is loaded
    check_url(args.base_url, "base-url")
    check_url(args.sparql, "sparql")
    check_target(args.out)
    kg = load_graph(args)
    report = publish(kg, args.out, base_url=args.base_url, sparql=args.sparql)
    print(report, file=sys.stderr)
    return 0
