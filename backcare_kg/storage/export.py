"""Writing the knowledge graph out as RDF text."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from rdflib import Dataset, Graph, URIRef

from backcare_kg.errors import ParameterError
from backcare_kg.vocab import ASSERTED_GRAPH, INFERRED_GRAPH, PREFIXES, SUPPORT_GRAPH

if TYPE_CHECKING:
    from backcare_kg.graph import KnowledgeGraph


@dataclass(frozen=True)
class RdfFormat:
    """An RDF serialization: its canonical name, rdflib's plugin name, whether it has quads."""

    name: str
    plugin: str
    quads: bool
    media_type: str


_CANONICAL = (
    RdfFormat("turtle", "turtle", False, "text/turtle"),
    RdfFormat("nt", "nt", False, "application/n-triples"),
    RdfFormat("nq", "nquads", True, "application/n-quads"),
    RdfFormat("trig", "trig", True, "application/trig"),
    RdfFormat("jsonld", "json-ld", False, "application/ld+json"),
    RdfFormat("xml", "xml", False, "application/rdf+xml"),
)
_ALIASES = {
    "ttl": "turtle",
    "ntriples": "nt",
    "n-triples": "nt",
    "nquads": "nq",
    "n-quads": "nq",
    "json-ld": "jsonld",
    "rdfxml": "xml",
    "rdf/xml": "xml",
}

#: Every accepted format by name (canonical names and aliases).
FORMATS: dict[str, RdfFormat] = {f.name: f for f in _CANONICAL}
FORMATS.update({alias: FORMATS[name] for alias, name in _ALIASES.items()})

#: The canonical format names, in the order they are offered.
FORMAT_NAMES: tuple[str, ...] = tuple(f.name for f in _CANONICAL)

#: Which graphs an export may hold.
GRAPH_CHOICES: tuple[str, ...] = ("asserted", "inferred", "support", "all")


def rdf_format(name: str) -> RdfFormat:
    """The format called ``name`` (case-insensitive, aliases allowed).

    Raises :class:`~backcare_kg.errors.ParameterError` listing the accepted names.
    """
    found = FORMATS.get(name.strip().lower())
    if found is None:
        raise ParameterError(f"unknown RDF format {name!r}", "format", sorted(FORMATS))
    return found


def serialize(kg: KnowledgeGraph, format: str = "turtle", which: str = "all") -> str:
    """The chosen graphs of ``kg`` as RDF text in ``format``.

    ``which`` is ``asserted``, ``inferred``, ``support`` (the support levels) or ``all``.
    Quad formats (N-Quads, TriG) keep each triple in its named graph; triple formats merge
    the chosen graphs into one. The
    project's prefixes are bound; N-Triples and N-Quads lines are sorted, so an export of
    the same graph is always the same text.
    """
    fmt = rdf_format(format)
    graphs = _chosen(kg, which)
    if fmt.quads:
        ds = Dataset()
        _bind(ds)
        for iri, graph in graphs:
            named = ds.graph(iri)
            named += graph
        text = ds.serialize(format=fmt.plugin)
    else:
        merged = Graph()
        _bind(merged)
        for _, graph in graphs:
            merged += graph
        if fmt.plugin == "json-ld":
            text = merged.serialize(format=fmt.plugin, context=dict(PREFIXES), auto_compact=True)
        else:
            text = merged.serialize(format=fmt.plugin)
    if fmt.name in ("nt", "nq"):
        lines = sorted(line for line in text.splitlines() if line.strip())
        text = "\n".join(lines) + "\n" if lines else ""
    return text


def _chosen(kg: KnowledgeGraph, which: str) -> list[tuple[URIRef, Graph]]:
    choice = which.strip().lower()
    if choice not in GRAPH_CHOICES:
        raise ParameterError(f"unknown graph {which!r}", "graph", GRAPH_CHOICES)
    chosen: list[tuple[URIRef, Graph]] = []
    if choice in ("asserted", "all"):
        chosen.append((ASSERTED_GRAPH, kg.asserted))
    if choice in ("inferred", "all"):
        chosen.append((INFERRED_GRAPH, kg.inferred))
    if choice in ("support", "all"):
        chosen.append((SUPPORT_GRAPH, kg.support_graph))
    return chosen


def _bind(graph: Graph) -> None:
    for prefix, namespace in PREFIXES.items():
        graph.bind(prefix, namespace, override=True, replace=True)
