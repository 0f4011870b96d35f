"""The ``push`` subcommand: the graph, asserted and inferred, loaded into a remote store
(see :mod:`backcare_kg.remote.push`)."""

from __future__ import annotations

import argparse
import sys
from typing import TYPE_CHECKING

from backcare_kg.cli.common import AddCommand, load_graph
from backcare_kg.cli.remote_options import endpoints_of, login_of, timeouts_of
from backcare_kg.errors import ParameterError

if TYPE_CHECKING:
    from backcare_kg.remote.push import PushReport


def add_push(add: AddCommand) -> None:
    """Add ``push`` to the parser, through the CLI's ``add``."""
    p = add("push", cmd_push,
            "load the graph (asserted and inferred) into a remote SPARQL store, replacing "
            "the one there at once")
    p.add_argument("--batch-size", type=int, default=None, metavar="TRIPLES",
                   help="most triples per request (default: 20000 by the Graph Store "
                        "Protocol, 1000 by SPARQL Update)")


def cmd_push(args: argparse.Namespace) -> int:
    """``push``: upload in batches with progress on stderr, then a one-line summary."""
    from backcare_kg.cli.display import push_progress
    from backcare_kg.remote import client_for
    from backcare_kg.remote.push import push

    endpoints = endpoints_of(args)
    if endpoints.update is None and endpoints.store is None:
        raise ParameterError("push needs --update-endpoint URL (SPARQL Update) or "
                             "--store-endpoint URL (Graph Store Protocol), or both",
                             "--update-endpoint")
    if args.batch_size is not None and args.batch_size < 1:
        raise ParameterError(f"must be a positive number of triples, not {args.batch_size}",
                             "--batch-size")
    client = client_for(endpoints, login_of(args, endpoints), timeouts=timeouts_of(args))
    kg = load_graph(args)
    with push_progress(sys.stderr) as progress:
        report: PushReport = push(kg, endpoints, batch_size=args.batch_size, progress=progress,
                                  client=client)
    sys.stdout.write(f"{report}\n")
    return 0

