"""Where each asserted statement is written: the file, and the line for Turtle and N-Triples.

The files are parsed again, the way :mod:`backcare_kg.storage.loading` parses them (the same blank
node labels, derived from the file's bytes), while noting the parser's line as each
statement is made. For Turtle that is the line where the statement's object ends, which is
the line a reader looks for; N-Triples and N-Quads have one statement a line. Other formats
(JSON-LD, RDF/XML) give the file only.
"""

from __future__ import annotations

import bisect
import codecs
import hashlib
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from rdflib import Graph
from rdflib.plugins.parsers.notation3 import RDFSink, SinkParser
from rdflib.term import Node

from backcare_kg.errors import DataError
from backcare_kg.explain.model import Location, Statement
from backcare_kg.rdf.file_formats import format_for
from backcare_kg.storage.loading import RecordingStore, labelled, record


class Locations:
    """The location of every statement of a list of RDF files (the first file wins)."""

    def __init__(self, paths: Sequence[Path], *, relative_to: Path | None = None) -> None:
        self._found: dict[Statement, Location] = {}
        self._files: list[str] = []
        for path in paths:
            shown = _shown(Path(path), relative_to)
            self._files.append(shown)
            for triple, line in _lines(Path(path)).items():
                self._found.setdefault(triple, Location(shown, line))

    def get(self, statement: Statement) -> Location | None:
        """Where ``statement`` is written; None if in none of the files."""
        return self._found.get(statement)

    @property
    def files(self) -> list[str]:
        """The files, as shown in locations."""
        return list(self._files)


def _shown(path: Path, root: Path | None) -> str:
    if root is not None:
        try:
            return path.resolve().relative_to(root.resolve()).as_posix()
        except ValueError:
            pass
    return str(path)


class _LineParser(SinkParser):
    """rdflib's Turtle parser, noting the line each object of a statement starts on."""

    def __init__(self, sink: RDFSink, base: str) -> None:
        super().__init__(sink, baseURI=base, turtle=True)
        self.current_line: int | None = None
        self._open: list[dict[Node, int]] = []
        self._last: dict[Node, int] = {}
        self._breaks: list[int] | None = None

    def objectList(self, argstr: str, i: int, res: Any) -> int:  # noqa: N802 (rdflib's name)
        self._open.append({})
        try:
            return super().objectList(argstr, i, res)
        finally:
            self._last = self._open.pop()

    def object(self, argstr: str, i: int, res: Any) -> int:
        end = super().object(argstr, i, res)
        if self._open and end >= 0 and res:
            self._open[-1].setdefault(res[-1], self._line(argstr, self.skipSpace(argstr, i)))
        return end

    def makeStatement(self, quadruple: Any) -> None:  # noqa: N802 (rdflib's name)
        _, _, subject, obj = quadruple
        self.current_line = self._last.get(obj, self._last.get(subject))
        super().makeStatement(quadruple)

    def _line(self, text: str, position: int) -> int:
        if self._breaks is None:
            self._breaks = [n for n, ch in enumerate(text) if ch == "\n"]
        return bisect.bisect_left(self._breaks, position) + 1


class _LineStore(RecordingStore):
    """A recording store that also notes the parser's line as each triple arrives."""

    def __init__(self) -> None:
        super().__init__()
        self.parser: _LineParser | None = None
        self.lines: dict[tuple[Node, Node, Node], int | None] = {}

    def add(self, triple: Any, context: Any, quoted: bool = False) -> None:
        if self.parser is not None and triple not in self.lines:
            self.lines[triple] = self.parser.current_line
        super().add(triple, context, quoted)


def _lines(path: Path) -> dict[Statement, int | None]:
    """Each statement of ``path`` (blank nodes labelled as the loader does) and its line."""
    fmt = format_for(path)
    if fmt != "turtle":
        return _other_lines(path, fmt)
    data = path.read_bytes()
    if data.startswith(codecs.BOM_UTF8):
        data = data[len(codecs.BOM_UTF8) :]
    store = _LineStore()
    graph = Graph(store=store)
    parser = _LineParser(RDFSink(graph), path.resolve().as_uri())
    store.parser = parser
    try:
        parser.loadBuf(data)
    except Exception as exc:  # the loader read it; a file changed since gets no lines
        raise DataError(f"cannot read statements again: {exc}", path=str(path)) from None
    digest = hashlib.sha256(data).hexdigest()[:16]
    relabel = labelled(store, digest)
    return {relabel(t): store.lines.get(t) for t in store.added}


class _CallStore(RecordingStore):
    """A recording store that also keeps every triple added, repeats included, in order."""

    def __init__(self) -> None:
        super().__init__()
        self.calls: list[tuple[Node, Node, Node]] = []

    def add(self, triple: Any, context: Any, quoted: bool = False) -> None:
        self.calls.append(triple)
        super().add(triple, context, quoted)


def _other_lines(path: Path, fmt: str) -> dict[Statement, int | None]:
    """N-Triples and N-Quads: the n-th statement made is on the n-th line that is neither
    blank nor a comment. Other formats: no lines."""
    store = _CallStore()
    _, digest = record(path, store)
    relabel = labelled(store, digest)
    found: dict[Statement, int | None] = {}
    if fmt in ("nt", "nquads"):
        text = path.read_text(encoding="utf-8-sig")
        lines = [
            n
            for n, line in enumerate(text.splitlines(), start=1)
            if line.strip() and not line.lstrip().startswith("#")
        ]
        if len(lines) == len(store.calls):
            for triple, line in zip(store.calls, lines, strict=True):
                found.setdefault(relabel(triple), line)
    for triple in store.added:
        found.setdefault(relabel(triple), None)
    return found
