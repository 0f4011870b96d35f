"""What the subcommands of the command line share: the program's name, the exit codes,
and the knowledge graph the global options ask for."""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from backcare_kg.errors import DataError

if TYPE_CHECKING:
    from backcare_kg.graph import KnowledgeGraph
    from backcare_kg.graph_source import GraphSource

PROG = "backcare-kg"
EXIT_OK, EXIT_PROBLEMS, EXIT_USAGE = 0, 1, 2
EXIT_INTERNAL, EXIT_INTERRUPTED, EXIT_PIPE = 70, 130, 141

#: A subcommand: the parsed options in, the exit code out.
Handler = Callable[[argparse.Namespace], int]
#: How a subcommand module adds its subcommands: ``add(name, handler, help)`` gives the
#: subcommand's parser, with the global options already on it.
AddCommand = Callable[[str, Handler, str], argparse.ArgumentParser]


class LazyChoices:
    """The ``choices`` of an option, read only when argparse needs them (to check a value
    given, or to show them in help or an error): building the parser imports no engine.

    Set them on the action after ``add_argument``, which would otherwise read them at once.
    """

    def __init__(self, names: Callable[[], Sequence[str]]) -> None:
        self._names = names

    def __iter__(self) -> Iterator[str]:
        return iter(self._names())

    def __contains__(self, name: object) -> bool:
        return name in self._names()


def check_readable(paths: Sequence[str]) -> None:
    """Raise :class:`~backcare_kg.errors.DataError` naming the first path that is not a
    readable file."""
    for extra in paths:
        path = Path(extra)
        if not path.is_file():
            raise DataError("cannot read: no such file" if not path.exists()
                            else "cannot read: not a file", path=str(extra))
        if not os.access(path, os.R_OK):
            raise DataError("cannot read: permission denied", path=str(extra))


def graph_source(args: argparse.Namespace, *, inference: bool | None = None,
                 for_workers: bool = False) -> GraphSource:
    """The graph the options ask for: the remote store of ``--endpoint`` (except for
    ``push``, which sends the local one), the store of ``--store``, or the bundled files
    with ``--with`` files merged in. ``for_workers`` finds a remote store's login now,
    so that worker processes never have to ask."""
    from backcare_kg.graph_source import GraphSource

    if args.endpoint and args.command != "push":
        from backcare_kg.cli.remote_options import remote_source

        return GraphSource(**remote_source(args, eager_login=for_workers))
    return GraphSource(store=args.store, extra=tuple(args.extra), reasoner=args.reasoner,
                       inference=not args.no_inference if inference is None else inference,
                       engine=args.engine)


def load_graph(args: argparse.Namespace, *, inference: bool | None = None) -> KnowledgeGraph:
    """The knowledge graph the options ask for (see :func:`graph_source`), with a spinner
    on a terminal while the bundled files are reasoned."""
    source = graph_source(args, inference=inference)
    if not source.is_local:
        return source.load()
    check_readable(source.extra)
    if source.inference and sys.stderr.isatty():
        from rich.console import Console

        with Console(stderr=True).status("Loading the knowledge graph and inferring…"):
            return source.load()
    return source.load()
