"""Query results, and their serializations in the W3C SPARQL 1.1 result formats.

A :class:`Result` holds the answer of one query: rows for ``SELECT``, a boolean for
``ASK``, a graph for ``CONSTRUCT`` and ``DESCRIBE``. Every way to write one out is a
:class:`Format` in :data:`RESULT_FORMATS` (SELECT and ASK: the SPARQL 1.1 CSV, TSV, JSON and
XML result formats) or :data:`GRAPH_FORMATS` (CONSTRUCT and DESCRIBE: RDF syntaxes), so the
CLI and the HTTP server offer the same formats under the same names and media types.

In every serialization, blank nodes are relabelled ``b0``, ``b1``, … in order of first
appearance: labels only mean something within one result, and stable ones make output
reproducible.
"""

from __future__ import annotations

import json
import re
import typing
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any
from xml.sax.saxutils import escape as _xml_escape
from xml.sax.saxutils import quoteattr as _xml_attr

from rdflib import BNode, Dataset, Graph, Literal, URIRef
from rdflib.namespace import XSD
from rdflib.term import Node

from backcare_kg.errors import ParameterError, QueryError
from backcare_kg.registry import Registry
from backcare_kg.vocab import PREFIXES

#: The four SPARQL query forms.
QueryKind = typing.Literal["SELECT", "ASK", "CONSTRUCT", "DESCRIBE"]

#: A value in a row: an RDF term, or ``None`` where the variable is unbound.
Value = Node | None

SPARQL_RESULTS_NS = "http://www.w3.org/2005/sparql-results#"


class Result:
    """The answer to one SPARQL query.

    ``kind`` is the query form. ``SELECT`` results have ``vars`` (in projection order) and
    ``rows`` (one dict per solution, ``None`` for an unbound variable); ``ASK`` results have
    ``boolean``; ``CONSTRUCT`` and ``DESCRIBE`` results have ``graph`` (with the project's
    prefixes bound).

    ``len()`` and iteration are over the rows of a ``SELECT`` result, so an empty ``SELECT``
    result is falsy. For the other forms they raise :class:`TypeError` rather than guess:
    read ``boolean`` or ``graph`` instead (``if kg.query("ASK {…}")`` would otherwise
    silently test something other than the answer).
    """

    __slots__ = ("kind", "vars", "rows", "boolean", "graph")

    def __init__(self, kind: QueryKind, vars: Sequence[str] = (),
                 rows: Sequence[Mapping[str, Value]] = (), boolean: bool | None = None,
                 graph: Graph | None = None) -> None:
        self.kind: QueryKind = kind
        self.vars: list[str] = list(vars)
        self.rows: list[dict[str, Value]] = [{v: row.get(v) for v in self.vars} for row in rows]
        self.boolean: bool | None = boolean
        self.graph: Graph | None = graph

    @classmethod
    def from_rdflib(cls, result: Any) -> Result:
        """Convert (and fully evaluate) an ``rdflib.query.Result``."""
        kind = str(result.type).upper()
        if kind == "SELECT":
            variables = list(result.vars or [])
            rows = [{str(var): binding.get(var) for var in variables}
                    for binding in result.bindings]
            return cls("SELECT", [str(v) for v in variables], rows)
        if kind == "ASK":
            return cls("ASK", boolean=bool(result.askAnswer))
        if kind in ("CONSTRUCT", "DESCRIBE"):
            return cls.from_triples(typing.cast(QueryKind, kind), result.graph or ())
        raise QueryError(f"unsupported query result type {kind!r}")

    @classmethod
    def from_rows(cls, vars: Sequence[str], rows: list[dict[str, Value]]) -> Result:
        """A SELECT result holding ``rows`` as they are (not copied).

        Each row must be a dict whose keys are exactly ``vars``, in that order (``None`` for
        an unbound variable): query engines that build rows themselves use this to avoid a
        copy of every row.
        """
        result = cls("SELECT", vars)
        result.rows = rows
        return result

    @classmethod
    def from_triples(cls, kind: QueryKind, triples: Iterable[tuple[Node, Node, Node]]) -> Result:
        """A CONSTRUCT or DESCRIBE result: a graph of ``triples`` with the project's prefixes."""
        graph = Graph(bind_namespaces="core")
        for prefix, ns in PREFIXES.items():
            graph.bind(prefix, ns, override=True, replace=True)
        graph.addN((s, p, o, graph) for s, p, o in triples)
        return cls(kind, graph=graph)

    # -- rows -----------------------------------------------------------------------------

    def _require_rows(self) -> list[dict[str, Value]]:
        if self.kind != "SELECT":
            attr = "boolean" if self.kind == "ASK" else "graph"
            raise TypeError(f"a {self.kind} result has no rows: use result.{attr}")
        return self.rows

    def __len__(self) -> int:
        return len(self._require_rows())

    def __iter__(self) -> Iterator[dict[str, Value]]:
        return iter(self._require_rows())

    def values(self, var: str) -> list[Value]:
        """The column of variable ``var`` (``?`` optional), ``None`` where unbound."""
        name = var[1:] if var[:1] in ("?", "$") else var
        if name not in self.vars:
            raise ParameterError("not a variable of this result", var, [f"?{v}" for v in self.vars])
        return [row[name] for row in self._require_rows()]

    def __repr__(self) -> str:
        if self.kind == "SELECT":
            return f"<Result SELECT vars={self.vars} rows={len(self.rows)}>"
        if self.kind == "ASK":
            return f"<Result ASK {self.boolean}>"
        return f"<Result {self.kind} triples={len(self.graph or ())}>"

    # -- serializations -------------------------------------------------------------------

    def serialize(self, format: str) -> str:
        """This result in ``format``: a name of :func:`formats_for` this result's kind."""
        return get_format(self.kind, format).write(self)

    def to_csv(self) -> str:
        """The SPARQL 1.1 Query Results CSV Format (SELECT only; lossy; CRLF line ends)."""
        return _csv(self)

    def to_tsv(self) -> str:
        """The SPARQL 1.1 Query Results TSV Format (SELECT only; terms in Turtle syntax)."""
        return _tsv(self)

    def to_json(self) -> str:
        """The SPARQL 1.1 Query Results JSON Format (SELECT and ASK)."""
        return _json(self)

    def to_xml(self) -> str:
        """The SPARQL Query Results XML Format (SELECT and ASK)."""
        return _xml(self)


# -- the tabular formats ---------------------------------------------------------------------


class _BNodeLabels:
    """Stable blank node labels for one serialization: b0, b1, … in order of appearance."""

    def __init__(self) -> None:
        self._labels: dict[BNode, str] = {}

    def __call__(self, node: BNode) -> str:
        return self._labels.setdefault(node, f"b{len(self._labels)}")


def _select_rows(result: Result, fmt: str) -> list[dict[str, Value]]:
    if result.kind != "SELECT":
        raise ParameterError(f"the {fmt} result format does not apply to {result.kind} "
                             "results", "format", list(formats_for(result.kind)))
    return result.rows


def _csv_field(text: str) -> str:
    if any(c in text for c in '",\r\n'):
        return '"' + text.replace('"', '""') + '"'
    return text


def _csv(result: Result) -> str:
    rows = _select_rows(result, "csv")
    label = _BNodeLabels()

    def term(value: Value) -> str:
        if value is None:
            return ""
        if isinstance(value, BNode):
            return "_:" + label(value)
        return str(value)

    lines = [",".join(_csv_field(v) for v in result.vars)]
    lines += [",".join(_csv_field(term(row[v])) for v in result.vars) for row in rows]
    return "".join(line + "\r\n" for line in lines)


_STRING_ESCAPES = {"\\": "\\\\", '"': '\\"', "\n": "\\n", "\r": "\\r", "\t": "\\t",
                   "\b": "\\b", "\f": "\\f"}
_IRI_UNSAFE = re.compile(r'[\x00-\x20<>"{}|^`\\]')
_TURTLE_NUMBER = {
    XSD.integer: re.compile(r"[+-]?[0-9]+\Z"),
    XSD.decimal: re.compile(r"[+-]?[0-9]*\.[0-9]+\Z"),
    XSD.double: re.compile(r"[+-]?([0-9]+\.[0-9]*|\.[0-9]+|[0-9]+)[eE][+-]?[0-9]+\Z"),
}


def _nt_iri(iri: str) -> str:
    return "<" + _IRI_UNSAFE.sub(lambda m: f"\\u{ord(m.group()):04X}", iri) + ">"


def _nt_string(text: str) -> str:
    return '"' + "".join(_STRING_ESCAPES.get(c, c) for c in text) + '"'


def turtle_term(value: Node, label: Callable[[BNode], str]) -> str:
    """``value`` in Turtle/SPARQL syntax on one line (full IRIs, numbers abbreviated)."""
    if isinstance(value, URIRef):
        return _nt_iri(str(value))
    if isinstance(value, BNode):
        return "_:" + label(value)
    if isinstance(value, Literal):
        lexical = str(value)
        if value.language:
            return _nt_string(lexical) + "@" + value.language
        if value.datatype is None:
            return _nt_string(lexical)
        number = _TURTLE_NUMBER.get(value.datatype)
        if number is not None and number.match(lexical):
            return lexical
        return _nt_string(lexical) + "^^" + _nt_iri(str(value.datatype))
    raise QueryError(f"cannot serialize {value!r} in a result")


def _tsv(result: Result) -> str:
    rows = _select_rows(result, "tsv")
    label = _BNodeLabels()
    lines = ["\t".join("?" + v for v in result.vars)]
    for row in rows:
        fields = []
        for var in result.vars:
            value = row[var]
            fields.append("" if value is None else turtle_term(value, label))
        lines.append("\t".join(fields))
    return "".join(line + "\n" for line in lines)


def _json_term(value: Node, label: _BNodeLabels) -> dict[str, str]:
    if isinstance(value, URIRef):
        return {"type": "uri", "value": str(value)}
    if isinstance(value, BNode):
        return {"type": "bnode", "value": label(value)}
    if isinstance(value, Literal):
        term = {"type": "literal", "value": str(value)}
        if value.language:
            term["xml:lang"] = value.language
        elif value.datatype is not None:
            term["datatype"] = str(value.datatype)
        return term
    raise QueryError(f"cannot serialize {value!r} in a result")


def _json(result: Result) -> str:
    doc: dict[str, Any]
    if result.kind == "ASK":
        doc = {"head": {}, "boolean": bool(result.boolean)}
    else:
        rows = _select_rows(result, "json")
        label = _BNodeLabels()
        doc = {
            "head": {"vars": list(result.vars)},
            "results": {"bindings": [
                {v: _json_term(value, label) for v in result.vars
                 if (value := row[v]) is not None}
                for row in rows
            ]},
        }
    return json.dumps(doc, ensure_ascii=False, indent=2) + "\n"


_XML_FORBIDDEN = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def _xml_text(text: str) -> str:
    if _XML_FORBIDDEN.search(text):
        raise QueryError("the result holds a character XML 1.0 cannot carry: use JSON or TSV")
    return _xml_escape(text, {"\r": "&#13;"})


def _xml_binding(name: str, value: Node, label: _BNodeLabels) -> str:
    if isinstance(value, URIRef):
        inner = f"<uri>{_xml_text(str(value))}</uri>"
    elif isinstance(value, BNode):
        inner = f"<bnode>{label(value)}</bnode>"
    elif isinstance(value, Literal):
        attr = ""
        if value.language:
            attr = f" xml:lang={_xml_attr(value.language)}"
        elif value.datatype is not None:
            attr = f" datatype={_xml_attr(str(value.datatype))}"
        inner = f"<literal{attr}>{_xml_text(str(value))}</literal>"
    else:
        raise QueryError(f"cannot serialize {value!r} in a result")
    return f"      <binding name={_xml_attr(name)}>{inner}</binding>"


def _xml(result: Result) -> str:
    out = ['<?xml version="1.0" encoding="utf-8"?>', f'<sparql xmlns="{SPARQL_RESULTS_NS}">']
    if result.kind == "ASK":
        out += ["  <head/>", f"  <boolean>{'true' if result.boolean else 'false'}</boolean>"]
    else:
        rows = _select_rows(result, "xml")
        label = _BNodeLabels()
        out.append("  <head>")
        out += [f"    <variable name={_xml_attr(v)}/>" for v in result.vars]
        out += ["  </head>", "  <results>"]
        for row in rows:
            out.append("    <result>")
            out += [_xml_binding(v, value, label) for v in result.vars
                    if (value := row[v]) is not None]
            out.append("    </result>")
        out.append("  </results>")
    out.append("</sparql>")
    return "\n".join(out) + "\n"


# -- the graph formats -----------------------------------------------------------------------


def _graph_of(result: Result) -> Graph:
    if result.graph is None:
        raise ParameterError(f"RDF formats are for CONSTRUCT and DESCRIBE results, not "
                             f"{result.kind}", "format", list(formats_for(result.kind)))
    return result.graph


def _rdflib_writer(rdflib_format: str) -> Callable[[Result], str]:
    def write(result: Result) -> str:
        return _graph_of(result).serialize(format=rdflib_format)

    return write


def _ntriples(result: Result) -> str:
    # Sorted lines: N-Triples has no order, and sorted output is reproducible.
    lines = _graph_of(result).serialize(format="nt").splitlines()
    return "".join(line + "\n" for line in sorted(set(lines)) if line.strip())


def _trig(result: Result) -> str:
    dataset = Dataset()
    for prefix, ns in _graph_of(result).namespaces():
        dataset.bind(prefix, ns, override=True, replace=True)
    for triple in _graph_of(result):
        dataset.add(triple)
    return dataset.serialize(format="trig")


# -- the registries --------------------------------------------------------------------------


@dataclass(frozen=True)
class Format:
    """One way to write a result: its name, media type, file extension and writer."""

    name: str
    media_type: str
    extension: str
    write: Callable[[Result], str]


def _registry(*formats: Format) -> Registry[Format]:
    """``formats`` by name, offered in the order given."""
    registry: Registry[Format] = Registry("format", "no format {name!r}", ordered=True)
    for fmt in formats:
        registry.register(fmt.name, fmt)
    return registry


#: Formats of SELECT and ASK results (CSV and TSV are defined for SELECT only).
RESULT_FORMATS = _registry(
    Format("csv", "text/csv; charset=utf-8", "csv", _csv),
    Format("tsv", "text/tab-separated-values; charset=utf-8", "tsv", _tsv),
    Format("json", "application/sparql-results+json", "srj", _json),
    Format("xml", "application/sparql-results+xml", "srx", _xml),
)

#: Formats of CONSTRUCT and DESCRIBE results (RDF syntaxes).
GRAPH_FORMATS = _registry(
    Format("turtle", "text/turtle", "ttl", _rdflib_writer("turtle")),
    Format("nt", "application/n-triples", "nt", _ntriples),
    Format("nquads", "application/n-quads", "nq", _ntriples),
    Format("trig", "application/trig", "trig", _trig),
    Format("xml", "application/rdf+xml", "rdf", _rdflib_writer("xml")),
    Format("json-ld", "application/ld+json", "jsonld", _rdflib_writer("json-ld")),
)

#: Other names accepted for a format.
ALIASES: dict[str, str] = {
    "ttl": "turtle", "ntriples": "nt", "n-triples": "nt", "n-quads": "nquads",
    "nq": "nquads", "rdf": "xml", "rdfxml": "xml", "rdf/xml": "xml", "jsonld": "json-ld",
    "srj": "json", "srx": "xml",
}


def formats_for(kind: str) -> dict[str, Format]:
    """The formats a result of query form ``kind`` can be written in, by name."""
    if kind == "SELECT":
        return dict(RESULT_FORMATS.items())
    if kind == "ASK":
        return {n: f for n, f in RESULT_FORMATS.items() if n in ("json", "xml")}
    return dict(GRAPH_FORMATS.items())


def get_format(kind: str, name: str) -> Format:
    """The format called ``name`` (or an alias) for a ``kind`` result.

    Raises :class:`~backcare_kg.errors.ParameterError` listing the formats that apply.
    """
    available = formats_for(kind)
    key = name.strip().lower()
    key = key if key in available else ALIASES.get(key, key)
    if key not in available:
        raise ParameterError(f"no format {name!r} for {kind} results", "format", list(available))
    return available[key]
