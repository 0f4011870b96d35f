"""Showing results to people: a table on a terminal, aligned plain text on a pipe.

Only human-facing output lives here. Machine formats (CSV, TSV, SPARQL JSON and XML, RDF)
come from :class:`~backcare_kg.sparql.results.Result` unchanged.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from typing import IO, TYPE_CHECKING, Any, TextIO

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import RDFS, SKOS

from backcare_kg.rdf.names import TABLE_LOCAL_NAME, short_iri
from backcare_kg.vocab import BCR

if TYPE_CHECKING:
    from backcare_kg.sparql.named_queries import NamedQuery, Parameter
    from backcare_kg.sparql.results import Result

_SPACE = re.compile(r"\s+")


def is_terminal(stream: IO[Any]) -> bool:
    """Whether ``stream`` is an interactive terminal (then tables get borders and colour)."""
    try:
        return stream.isatty()
    except (AttributeError, ValueError):
        return False


def compact(iri: str) -> str:
    """``iri`` as a prefixed name (``bcr:yoga``) when a known prefix fits, else as is."""
    return short_iri(iri, local_name=TABLE_LOCAL_NAME)


def slug(term: object) -> str | None:
    """The slug of a ``bcr:`` resource (``yoga`` for ``bcr:yoga``), else ``None``."""
    if isinstance(term, URIRef) and str(term).startswith(str(BCR)):
        rest = str(term)[len(str(BCR)):]
        return rest or None
    return None


class Labeller:
    """Turns RDF terms into the short text of a table cell.

    IRIs become prefixed names or, when ``lang`` is given, the resource's ``skos:prefLabel``
    or ``rdfs:label`` in that language (the prefixed name when it has none); literals
    become their text; an unbound cell is empty.
    """

    def __init__(self, graph: Graph | None = None, lang: str | None = None) -> None:
        self._graph = graph
        self._lang = lang.lower() if lang else None
        self._labels: dict[URIRef, str | None] = {}

    def text(self, term: object) -> str:
        """The text shown for ``term`` in a cell, on one line."""
        if term is None:
            return ""
        if isinstance(term, URIRef):
            label = self.label(term) if self._lang else None
            return label if label is not None else compact(str(term))
        if isinstance(term, BNode):
            return f"_:{term}"
        return _SPACE.sub(" ", str(term)).strip()  # a literal's lexical form, on one line

    def label(self, iri: URIRef) -> str | None:
        """The label of ``iri`` in the chosen language, or ``None``."""
        if self._graph is None or self._lang is None:
            return None
        if iri not in self._labels:
            self._labels[iri] = self._find_label(iri)
        return self._labels[iri]

    def _find_label(self, iri: URIRef) -> str | None:
        if self._graph is None:
            return None
        for prop in (SKOS.prefLabel, RDFS.label):
            found = sorted(
                str(o)
                for o in self._graph.objects(iri, prop)
                if isinstance(o, Literal) and _lang_matches(o.language, self._lang)
            )
            if found:
                return _SPACE.sub(" ", found[0]).strip()
        return None


def _lang_matches(tag: str | None, wanted: str | None) -> bool:
    if tag is None or wanted is None:
        return False
    tag = tag.lower()
    return tag == wanted or tag.startswith(wanted + "-")


def print_table(
    headers: Sequence[str],
    rows: Iterable[Sequence[str]],
    out: TextIO,
    *,
    terminal: bool,
    caption: str | None = None,
) -> None:
    """Print ``rows`` under ``headers``: a rich table on a terminal, plain aligned text else.

    The plain text has no colour and no borders: the header line, then one line a row,
    columns left-aligned and separated by two spaces, so scripts and tests can read it.
    """
    body = [list(r) for r in rows]
    if terminal:
        _rich_table(headers, body, out, caption)
    else:
        _plain_table(headers, body, out)


def _plain_table(headers: Sequence[str], rows: list[list[str]], out: TextIO) -> None:
    from rich.cells import cell_len

    widths = [cell_len(h) for h in headers]
    for row in rows:
        for i, cell in enumerate(row):
            widths[i] = max(widths[i], cell_len(cell))
    for line in [list(headers), *rows]:
        padded = [cell + " " * (widths[i] - cell_len(cell)) for i, cell in enumerate(line)]
        out.write("  ".join(padded).rstrip() + "\n")


def _rich_table(
    headers: Sequence[str], rows: list[list[str]], out: TextIO, caption: str | None
) -> None:
    from rich import box
    from rich.table import Table
    from rich.text import Text

    table = Table(box=box.SIMPLE_HEAD, caption=caption, caption_justify="left")
    for header in headers:
        table.add_column(Text(header, style="bold"), overflow="fold")
    for row in rows:
        table.add_row(*(Text(cell) for cell in row))
    console(out).print(table)


def console(out: TextIO) -> Any:
    """A rich console writing to ``out``, with markup and highlighting off for data."""
    from rich.console import Console

    return Console(file=out, highlight=False, markup=False, soft_wrap=False)


def print_hint(text: str, out: TextIO, *, terminal: bool) -> None:
    """Print a one-line hint, dimmed on a terminal."""
    if terminal:
        from rich.text import Text

        console(out).print(Text(text, style="dim"))
    else:
        out.write(text + "\n")


def parameter_usage(param: Parameter) -> str:
    """A parameter as in a usage line: ``name`` if required, ``[name]`` if optional."""
    return param.name if param.required else f"[{param.name}]"


def describe_query(query: NamedQuery, out: TextIO, *, terminal: bool) -> None:
    """Everything a person needs to run a named query: what it does, its parameters."""
    out.write(f"{query.name}: {query.summary or ''}\n")
    if query.description:
        out.write(f"\n{query.description.strip()}\n")
    if query.tags:
        out.write(f"\ntags: {', '.join(query.tags)}\n")
    if query.parameters:
        out.write("\n")
        rows = [[p.name, "required" if p.required else "optional",
                 p.type + (f" ({compact(str(p.cls))})" if p.cls is not None else ""),
                 p.example or "",
                 (p.description or "") + (f" (default: {p.default})" if p.default else "")]
                for p in query.parameters]
        print_table(["parameter", "", "type", "example", "description"], rows, out,
                    terminal=terminal)
    example = " ".join(f"--param {p.name}={p.example or '…'}"
                       for p in query.parameters if p.required)
    out.write(f"\nrun: backcare-kg run {query.name}{' ' + example if example else ''}\n")


def show_result(result: Result, labeller: Labeller, out: TextIO, *, terminal: bool) -> None:
    """Show a query result to a person.

    SELECT: a table of the bindings. ASK: ``true`` or ``false``. CONSTRUCT and DESCRIBE:
    the graph as Turtle (a graph has no table).
    """
    if result.kind == "ASK":
        out.write(("true" if result.boolean else "false") + "\n")
        return
    if result.kind != "SELECT":
        write_text(result.serialize("turtle"), out)
        return
    rows = [[labeller.text(row.get(v)) for v in result.vars] for row in result.rows]
    count = len(rows)
    caption = f"{count} result{'s' if count != 1 else ''}"
    print_table(result.vars, rows, out, terminal=terminal, caption=caption)


def write_text(text: str, out: TextIO) -> None:
    """Write machine output unchanged, ending it with a newline if it lacks one."""
    out.write(text)
    if text and not text.endswith("\n"):
        out.write("\n")


_STEP_TEXT = {"parse": "parsing the RDF files", "reason": "reasoning: OWL 2 RL and the rules",
              "write": "writing the store"}


@contextmanager
def build_progress() -> Iterator[Callable[[str], None] | None]:
    """A progress bar of the build's steps on stderr when it is a terminal; else nothing."""
    if not sys.stderr.isatty():
        yield None
        return
    from rich.console import Console
    from rich.progress import BarColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

    from backcare_kg.storage.store import STEPS

    columns = (SpinnerColumn(), TextColumn("{task.description:<36}"), BarColumn(),
               TextColumn("step {task.fields[step]}/{task.total:.0f}"), TimeElapsedColumn())
    with Progress(*columns, console=Console(stderr=True), transient=True) as bar:
        task = bar.add_task("starting", total=len(STEPS), step=0)

        def step(name: str) -> None:
            done = STEPS.index(name) if name in STEPS else 0
            bar.update(task, completed=done, step=done + 1,
                       description=_STEP_TEXT.get(name, name))

        yield step
        bar.update(task, completed=len(STEPS))


@contextmanager
def push_progress(stream: TextIO) -> Iterator[Callable[[Any, int, int], None]]:
    """Progress of a push (graph, triples sent, its triples): a bar per graph on a
    terminal, else a line per graph each time a further tenth of it has been sent."""
    if not stream.isatty():
        reported: dict[str, int] = {}

        def line(graph: Any, sent: int, total: int) -> None:
            name = str(graph).rsplit("/", 1)[-1]
            tenth = 10 if total == 0 else sent * 10 // total
            if reported.get(name, -1) < tenth:
                reported[name] = tenth
                stream.write(f"{name}: {sent:,} of {total:,} triples sent\n")
                stream.flush()

        yield line
        return
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    columns = (TextColumn("{task.description:<10}"), BarColumn(), MofNCompleteColumn(),
               TextColumn("triples"), TimeElapsedColumn())
    with Progress(*columns, console=Console(file=stream), transient=True) as bar:
        tasks: dict[str, Any] = {}

        def update(graph: Any, sent: int, total: int) -> None:
            name = str(graph).rsplit("/", 1)[-1]
            if name not in tasks:
                tasks[name] = bar.add_task(name, total=total)
            bar.update(tasks[name], completed=sent)

        yield update
