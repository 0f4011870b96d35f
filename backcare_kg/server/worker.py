"""The query worker: a process that holds the knowledge graph and answers one task at a time.

The server sends each SPARQL or named query to a worker (:mod:`.pool`), so that a query past
its time limit can be stopped for certain, by ending the process, while the server and the
other workers go on. A task names what to run and how to write the answer; the reply is
the HTTP status, the media type and the body, ready to send. A worker never lets an
exception out: errors of the query are replies (400, 403, 404, 406, 413), anything else a 500
whose message says nothing of the internals (the traceback goes to the server's stderr).
"""

from __future__ import annotations

import sys
import traceback
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from multiprocessing.connection import Connection
from typing import TYPE_CHECKING, Literal

from backcare_kg.errors import (
    BackcareError,
    ParameterError,
    QueryError,
    QueryRefused,
    UnknownQueryError,
)

if TYPE_CHECKING:
    from backcare_kg.graph import KnowledgeGraph
    from backcare_kg.graph_source import GraphSource
    from backcare_kg.sparql.results import Format, Result


@dataclass(frozen=True)
class Task:
    """One query to answer.

    ``kind`` is ``sparql`` (``text`` is the query) or ``named`` (``text`` is the name of a
    named query, ``params`` its parameters as given). The answer is written in ``format``
    (a format name) if given, else in the first of the ``accept`` media types (in the
    client's order of preference) that fits the query form; ``"*/*"`` takes the default.
    ``default_graphs`` and ``named_graphs`` are the SPARQL Protocol's ``default-graph-uri``
    and ``named-graph-uri`` (they replace the query's ``FROM`` and ``FROM NAMED``).
    """

    kind: Literal["sparql", "named"]
    text: str
    params: Mapping[str, str] = field(default_factory=dict)
    accept: Sequence[str] = ("*/*",)
    format: str | None = None
    default_graphs: Sequence[str] = ()
    named_graphs: Sequence[str] = ()
    max_results: int = 100_000


@dataclass(frozen=True)
class Reply:
    """The answer to a task, as HTTP: status, media type, body."""

    status: int
    media_type: str
    body: bytes

    @classmethod
    def error(cls, status: int, message: str) -> Reply:
        return cls(status, "text/plain; charset=utf-8", (message.rstrip() + "\n").encode())

    @property
    def text(self) -> str:
        return self.body.decode("utf-8", "replace")


#: The format of each query form when the client accepts anything.
DEFAULT_FORMATS = {"SELECT": "json", "ASK": "json", "CONSTRUCT": "turtle", "DESCRIBE": "turtle"}


def main(connection: Connection, source: GraphSource) -> None:
    """The worker process: build the graph, say ready (or why not), then answer tasks."""
    try:
        kg = source.load()
        kg.engine  # noqa: B018 - build the query store now, not on the first query
    except BackcareError as err:
        connection.send(("failed", str(err)))
        return
    except Exception as err:  # reported by the pool, which refuses to start
        traceback.print_exc(file=sys.stderr)
        connection.send(("failed", f"{type(err).__name__}: {err}"))
        return
    connection.send(("ready", len(kg)))
    while True:
        try:
            task = connection.recv()
        except (EOFError, OSError):
            return  # the server is gone
        if task is None:
            return
        connection.send(answer(kg, task))


def answer(kg: KnowledgeGraph, task: Task) -> Reply:
    """The reply to ``task`` over ``kg``; never raises."""
    try:
        result = _evaluate(kg, task)
        size = (len(result.rows) if result.kind == "SELECT"
                else len(result.graph) if result.graph is not None else 1)
        if size > task.max_results:
            return Reply.error(413, f"the result has {size:,} "
                               f"{'rows' if result.kind == 'SELECT' else 'triples'}, more "
                               f"than this server's limit of {task.max_results:,}: add a "
                               "LIMIT, or narrow the query")
        fmt = choose_format(result.kind, task.format, task.accept)
        if fmt is None:
            from backcare_kg.sparql.results import formats_for

            offered = ", ".join(f.media_type.split(";")[0]
                                for f in formats_for(result.kind).values())
            article = "an" if result.kind == "ASK" else "a"
            return Reply.error(406, f"none of the accepted media types fits {article} "
                               f"{result.kind} result; this server offers: {offered}")
        return Reply(200, fmt.media_type, fmt.write(result).encode("utf-8"))
    except UnknownQueryError as err:
        return Reply.error(404, str(err))
    except QueryRefused as err:  # SPARQL Update, SERVICE: well-formed, but not allowed here
        return Reply.error(403, str(err))
    except (QueryError, ParameterError) as err:
        return Reply.error(400, str(err))
    except BackcareError as err:
        return Reply.error(400, str(err))
    except Exception:
        traceback.print_exc(file=sys.stderr)
        return Reply.error(500, "internal error while answering the query (the server's log "
                                "has the details)")


def _evaluate(kg: KnowledgeGraph, task: Task) -> Result:
    if task.kind == "named":
        return kg.run(task.text, **dict(task.params))
    if task.default_graphs or task.named_graphs:
        return kg.query_dataset(task.text, default_graphs=task.default_graphs,
                                named_graphs=task.named_graphs)
    return kg.query(task.text)


def choose_format(kind: str, name: str | None, accept: Sequence[str]) -> Format | None:
    """The format to write a ``kind`` result in: ``name`` if given (raises
    :class:`~backcare_kg.errors.ParameterError` if it does not fit), else the first of the
    ``accept`` media types (or ranges, such as ``text/*``) that fits; None if none does."""
    from backcare_kg.sparql.results import formats_for, get_format

    if name:
        return get_format(kind, name)
    offered = formats_for(kind)
    candidates = [offered[DEFAULT_FORMATS[kind]], *offered.values()]
    for media_type in accept:
        wanted = media_type.split(";")[0].strip().lower() or "*/*"
        wanted = GENERIC.get(wanted, wanted) if kind in ("SELECT", "ASK") else wanted
        for fmt in candidates:
            if _matches(wanted, fmt.media_type.split(";")[0]):
                return fmt
    return None


#: Media types clients send for SPARQL results that name the generic syntax.
GENERIC = {"application/json": "application/sparql-results+json",
           "application/xml": "application/sparql-results+xml",
           "text/xml": "application/sparql-results+xml"}


def _matches(wanted: str, media_type: str) -> bool:
    if wanted == "*/*":
        return True
    if wanted.endswith("/*"):
        return media_type.split("/")[0] == wanted[:-2]
    return media_type == wanted
