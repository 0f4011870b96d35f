"""Parse RDF files into one rdflib Graph, mapping every parser failure to a DataError.

The format comes from the file's suffix. A malformed file gives a
:class:`~backcare_kg.errors.DataError` carrying the path and, when the parser knows it, the
line. Blank nodes get labels derived from the file's bytes, so loading the same files twice
gives the same labels: inferred triples about blank nodes (and the closure cache) stay
connected to the asserted ones from one run to the next.
"""

from __future__ import annotations

import codecs
import hashlib
import json
import logging
import re
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any
from xml.sax import SAXParseException

from rdflib import BNode, Dataset, Graph
from rdflib.plugins.stores.memory import Memory
from rdflib.term import Node

from backcare_kg.errors import DataError
from backcare_kg.rdf.file_formats import format_for
from backcare_kg.rdf.rdflib_warnings import captured_rdflib_warnings, one_line

log = logging.getLogger(__name__)

_QUAD_FORMATS = frozenset({"nquads", "trig"})
_LINE_FORMATS = frozenset({"nt", "nquads"})
_NAMES = {
    "turtle": "Turtle",
    "nt": "N-Triples",
    "nquads": "N-Quads",
    "trig": "TriG",
    "json-ld": "JSON-LD",
    "xml": "RDF/XML",
    "n3": "Notation3",
}
_XML_LOCATION = re.compile(r":(\d+):(\d+): (.*)$", re.DOTALL)
_NT_REASON = re.compile(r"^Invalid line \((.*?)\)")
# The unparsed rest of a line: N-Triples says "Invalid line: <rest>", N-Quads "... at <rest>):"
_NT_REST = re.compile(r"(?:^Invalid line: |Failed to eat .*? at )(.*?)(?:\):\n'.*)?$", re.DOTALL)


def load_files(paths: Sequence[Path]) -> Graph:
    """Parse every file in ``paths`` into one Graph (quads are merged into it)."""
    graph = Graph()
    for path in paths:
        parse_file(Path(path), graph)
    log.debug("loaded %d triples from %d file(s)", len(graph), len(paths))
    return graph


def parse_file(path: Path, graph: Graph) -> None:
    """Parse one RDF file into ``graph``; raise DataError with its path and line on failure."""
    store = RecordingStore()
    parsed, digest = record(path, store)
    _merge(store, parsed, graph, digest)


def record(path: Path, store: RecordingStore) -> tuple[Graph, str]:
    """Parse ``path`` into ``store`` (which notes the order triples arrive in); the parsed
    graph and the digest of the file's bytes that :func:`labelled` names blank nodes by."""
    fmt = format_for(path)
    data = _read(path)
    if data.startswith(codecs.BOM_UTF8):  # rdflib's Turtle parser rejects a BOM given as bytes
        data = data[len(codecs.BOM_UTF8) :]
    parsed = Dataset(store=store) if fmt in _QUAD_FORMATS else Graph(store=store)
    messages: list[str] = []
    try:
        with captured_rdflib_warnings(messages):
            parsed.parse(data=data, format=fmt, publicID=path.resolve().as_uri())
    except Exception as exc:  # every parser failure becomes a DataError, never a raw one
        line, message = _describe(exc, fmt, data)
        raise DataError(message, path=str(path), line=line) from exc
    for message in dict.fromkeys(messages):
        log.warning("%s: %s", path, message)
    if store.quoted:
        raise DataError(
            "Notation3 formulas ({ ... }) are not RDF and are not supported", path=str(path)
        )
    return parsed, hashlib.sha256(data).hexdigest()[:16]


def _read(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except FileNotFoundError:
        raise DataError("file not found", path=str(path)) from None
    except IsADirectoryError:
        raise DataError("is a directory, not an RDF file", path=str(path)) from None
    except OSError as exc:
        raise DataError(f"cannot read file: {exc.strerror or exc}", path=str(path)) from None


class RecordingStore(Memory):
    """A memory store that remembers the order parsers add triples in.

    Parsers add triples in a deterministic order, but the store's own iteration order is
    that of a set of blank nodes with random labels; labelling blank nodes in insertion
    order makes their labels a function of the file's content. Subclasses note more as
    triples arrive (:mod:`backcare_kg.explain.locations`: the line of each).
    """

    def __init__(self) -> None:
        super().__init__()
        self.added: dict[tuple[Node, Node, Node], None] = {}
        self.quoted = False

    def add(self, triple: Any, context: Any, quoted: bool = False) -> None:
        self.added[triple] = None
        self.quoted = self.quoted or quoted
        super().add(triple, context, quoted)


def labelled(
    store: RecordingStore, digest: str
) -> Callable[[tuple[Node, Node, Node]], tuple[Node, Node, Node]]:
    """The parsed triple with its blank nodes labelled by first appearance in ``store``
    (the labels :func:`parse_file` gives; ``digest`` comes from the file's bytes)."""
    labels: dict[BNode, BNode] = {}

    def relabel(term: Node) -> Node:
        if not isinstance(term, BNode):
            return term
        if term not in labels:
            labels[term] = BNode(f"b{digest}x{len(labels)}")
        return labels[term]

    for s, p, o in store.added:  # in order, so that labels do not depend on who asks first
        relabel(s), relabel(p), relabel(o)
    return lambda t: (relabel(t[0]), relabel(t[1]), relabel(t[2]))


def _merge(store: RecordingStore, parsed: Graph, graph: Graph, digest: str) -> None:
    """Add the parsed triples to ``graph``, labelling blank nodes by first appearance."""
    relabel = labelled(store, digest)
    graph.addN((*relabel(t), graph) for t in store.added)
    for prefix, namespace in parsed.namespaces():
        graph.bind(prefix, namespace, override=False)


def _describe(exc: Exception, fmt: str, data: bytes) -> tuple[int | None, str]:
    """The line (if known) and a short, readable message for a parser exception."""
    name = _NAMES[fmt]
    if isinstance(exc, UnicodeDecodeError):
        return data.count(b"\n", 0, exc.start) + 1, f"not valid UTF-8 ({exc.reason})"
    if isinstance(exc, json.JSONDecodeError):
        return exc.lineno, f"invalid JSON: {exc.msg} (column {exc.colno})"
    if isinstance(exc, SAXParseException):
        return exc.getLineNumber(), (
            f"invalid XML: {exc.getMessage()} (column {exc.getColumnNumber()})"
        )
    if hasattr(exc, "_why") and hasattr(exc, "_i"):  # notation3.BadSyntax (Turtle, TriG, N3)
        return _bad_syntax(exc, name)
    text = one_line(str(exc))
    if fmt == "xml" and (m := _XML_LOCATION.search(text)):
        return int(m.group(1)), f"invalid {name}: {m.group(3)} (column {m.group(2)})"
    if fmt in _LINE_FORMATS:
        return _first_bad_line(data, fmt, name)
    return None, f"invalid {name}: {text or type(exc).__name__}"


def _bad_syntax(exc: Exception, name: str) -> tuple[int | None, str]:
    why = one_line(str(getattr(exc, "_why", "")))
    raw = getattr(exc, "_str", b"")
    index = getattr(exc, "_i", None)
    text = raw.decode("utf-8", "replace") if isinstance(raw, bytes) else str(raw)
    if not isinstance(index, int) or index > len(text):
        lines = getattr(exc, "lines", None)
        return (lines + 1 if isinstance(lines, int) else None), f"{name} syntax error: {why}"
    start = text.rfind("\n", 0, index) + 1
    end = text.find("\n", index)
    near = _shorten(text[start : end if end >= 0 else len(text)].strip())
    line = text.count("\n", 0, index) + 1
    return line, f'{name} syntax error: {why} (column {index - start + 1}, in "{near}")'


def _first_bad_line(data: bytes, fmt: str, name: str) -> tuple[int | None, str]:
    """Find the first line that fails to parse alone: these formats are one statement a line."""
    text = data.decode("utf-8", "replace")
    for number, line in enumerate(text.splitlines(), start=1):
        if line.strip() and not line.strip().startswith("#"):
            problem = _line_problem(line, fmt)
            if problem is not None:
                return number, f"invalid {name}: {problem}"
    return None, f"invalid {name}"


def _line_problem(line: str, fmt: str) -> str | None:
    """Why one N-Triples/N-Quads line does not parse (None if it does)."""
    reasons: dict[str, str] = {}
    for attempt in dict.fromkeys((fmt, "nquads")):
        try:
            with captured_rdflib_warnings([]):
                (Dataset() if attempt == "nquads" else Graph()).parse(data=line, format=attempt)
        except Exception as exc:
            reasons[attempt] = str(exc)
    if fmt not in reasons:
        return None
    found = _NT_REASON.match(reasons.get("nquads", ""))
    reason = found.group(1) if found and not found.group(1).startswith("Failed") else ""
    rest = _NT_REST.search(reasons[fmt])
    remainder = rest.group(1).strip() if rest else ""
    if remainder and line.rfind(remainder) >= 0:
        near = remainder if len(remainder) <= 40 else remainder[:37] + "..."
        where = f'column {line.rfind(remainder) + 1}, at "{near}"'
    else:
        where = "at the end of the line" if rest else f'in "{_shorten(line.strip())}"'
    return f"{reason.lower() or 'unexpected text'} ({where})"


def _shorten(text: str, width: int = 60) -> str:
    return text if len(text) <= width else text[: width - 3] + "..."
