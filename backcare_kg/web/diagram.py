"""A small SVG diagram of a resource's neighbourhood, drawn on the server (no JavaScript),
so it shows in the static site and in screenshots alike.

The resource sits in the middle; what points at it is on the left, what it points at on the
right, one row per neighbour with the properties of the link as the edge's label. Inferred
links are dashed. Neighbours are links to their own pages. Types, literals and blank nodes
are left to the page's table.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable
from dataclasses import dataclass
from xml.sax.saxutils import escape, quoteattr

from rdflib import RDF, RDFS, URIRef
from rdflib.term import Node

from backcare_kg.vocab import BC
from backcare_kg.web.describe import Description, Statement
from backcare_kg.web.labels import Labels
from backcare_kg.web.links import Links
from backcare_kg.web.ontology_doc import ontology_graph

WIDTH = 960
BOX_W = 200
BOX_H = 24
ROW = 30
TOP = 24
CENTER_H = 66
MAX_ROWS = 18
LEFT_X = 12
RIGHT_X = WIDTH - BOX_W - 12
CENTER_X = (WIDTH - BOX_W) // 2
LABEL_CHARS = 27
NAME_CHARS = 22
EDGE_CHARS = 26


@dataclass(frozen=True)
class Edge:
    """A neighbour and the properties linking it to the resource."""

    node: URIRef
    properties: tuple[URIRef, ...]
    inferred: bool


def edges(statements: Iterable[Statement], neighbour_of: str, subject: Node,
          labels: Labels, lang: str) -> list[Edge]:
    """The links of ``statements`` grouped by neighbour (the statement's ``object`` or
    ``subject``, as ``neighbour_of`` says), IRIs only, rdf:type left out; an edge is
    inferred when all of its statements are."""
    grouped: dict[URIRef, list[Statement]] = {}
    for statement in statements:
        node = getattr(statement, neighbour_of)
        if statement.predicate == RDF.type or not isinstance(node, URIRef) or node == subject:
            continue
        grouped.setdefault(node, []).append(statement)
    found = [Edge(node, _most_specific(s.predicate for s in group),
                  all(s.inferred for s in group)) for node, group in grouped.items()]
    return sorted(found, key=lambda e: (_rank(e.properties[0]),
                                        labels.label(e.properties[0], lang).lower(),
                                        labels.label(e.node, lang).lower()))


def _rank(prop: URIRef) -> int:
    """The order of edges: the ontology's properties, others, then justifications (the
    page lists those in full)."""
    if prop == BC.justifiedBy:
        return 2
    return 0 if prop.startswith(str(BC)) else 1


@functools.cache
def _super_properties(prop: URIRef) -> frozenset[URIRef]:
    graph = ontology_graph()
    found = {p for p in graph.transitive_objects(prop, RDFS.subPropertyOf)
             if isinstance(p, URIRef)}
    return frozenset(found - {prop})


def _most_specific(properties: Iterable[URIRef]) -> tuple[URIRef, ...]:
    """``properties`` without those implied by another of them (``schema:about`` next to
    its subproperty ``bc:about``), each once."""
    unique = list(dict.fromkeys(properties))
    implied = set().union(*(_super_properties(p) for p in unique))
    return tuple(p for p in unique if p not in implied) or tuple(unique)


def _wrap(text: str, width: int, most: int) -> list[str]:
    """``text`` in lines of about ``width`` characters, at most ``most`` (the last cut)."""
    lines: list[str] = []
    for word in text.split():
        if lines and len(lines[-1]) + 1 + len(word) <= width:
            lines[-1] += " " + word
        else:
            lines.append(word)
    if len(lines) > most:
        lines = [*lines[: most - 1], " ".join(lines[most - 1:])]
    return [_short(line, width) for line in lines] or [""]


def _short(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def neighbourhood_svg(description: Description, links: Links, lang: str = "en",
                      title: str = "Neighbourhood") -> str:
    """The diagram of ``description`` as an inline ``<svg>`` element (escaped text)."""
    labels = description.labels
    subject = description.subject
    outgoing = edges(description.statements(), "object", subject, labels, lang)
    incoming = edges(description.incoming, "subject", subject, labels, lang)
    rows = max(min(len(outgoing), MAX_ROWS + 1), min(len(incoming), MAX_ROWS + 1), 2)
    height = TOP * 2 + rows * ROW
    center_h = max(CENTER_H, min(max(len(outgoing), len(incoming)) * 8, 150))
    center_y = TOP + (rows * ROW) // 2 - center_h // 2
    name = labels.label(subject, lang)
    types = [labels.label(s.object, lang) for s in description.types()
             if isinstance(s.object, URIRef) and links.is_local(s.object)]
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="diagram" role="img" '
        f'viewBox="0 0 {WIDTH} {height}" width="{WIDTH}" height="{height}" '
        f'aria-labelledby="diagram-title">',
        f'<title id="diagram-title">{escape(title)}: {escape(name)}</title>',
        '<defs><marker id="arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" '
        'markerHeight="7" orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" '
        'class="arrow"/></marker></defs>',
    ]
    for index, edge in enumerate(outgoing[:MAX_ROWS]):
        y = _row_y(index, len(outgoing), rows)
        start = _port(index, min(len(outgoing), MAX_ROWS), center_y, center_h)
        parts.append(_edge(CENTER_X + BOX_W, start, RIGHT_X, y, edge, labels, lang, "end"))
        parts.append(_node(edge.node, RIGHT_X, y, labels, links, lang))
    for index, edge in enumerate(incoming[:MAX_ROWS]):
        y = _row_y(index, len(incoming), rows)
        end = _port(index, min(len(incoming), MAX_ROWS), center_y, center_h)
        parts.append(_edge(LEFT_X + BOX_W, y, CENTER_X, end, edge, labels, lang, "start"))
        parts.append(_node(edge.node, LEFT_X, y, labels, links, lang))
    for count, x, anchor in ((len(outgoing), RIGHT_X + BOX_W, "end"),
                             (len(incoming), LEFT_X, "start")):
        if count > MAX_ROWS:
            y = _row_y(MAX_ROWS, count, rows) + BOX_H // 2 + 4
            parts.append(f'<text class="more" x="{x}" y="{y}" text-anchor="{anchor}">'
                         f'+ {count - MAX_ROWS} more (see the tables)</text>')
    middle = center_y + center_h // 2
    lines = _wrap(name, NAME_CHARS, 2)
    first = middle - 4 - (len(lines) - 1) * 9
    names = "".join(f'<tspan x="{CENTER_X + BOX_W // 2}" y="{first + i * 18}">{escape(line)}'
                    f'</tspan>' for i, line in enumerate(lines))
    parts.append(f'<g class="node center"><rect x="{CENTER_X}" y="{center_y}" '
                 f'width="{BOX_W}" height="{center_h}" rx="8"/>'
                 f'<text text-anchor="middle" class="name">{names}</text>'
                 f'<text x="{CENTER_X + BOX_W // 2}" y="{middle + 15 + (len(lines) - 1) * 9}" '
                 f'text-anchor="middle" '
                 f'class="types">{escape(_short(", ".join(types), 36))}</text></g>')
    parts.append("</svg>")
    return "\n".join(parts)


def _port(index: int, count: int, top: int, height: int) -> int:
    """Where edge ``index`` of ``count`` meets the middle box: spread along its side."""
    if count <= 1:
        return top + height // 2
    return top + 8 + index * (height - 16) // (count - 1)


def _row_y(index: int, count: int, rows: int) -> int:
    """The top of row ``index`` of a column of ``count`` rows, centred on ``rows``."""
    shown = min(count, MAX_ROWS + 1)
    offset = (rows - shown) * ROW // 2
    return TOP + offset + index * ROW + (ROW - BOX_H) // 2


def _edge(x1: int, y1: int, x2: int, y2: int, edge: Edge, labels: Labels, lang: str,
          side: str) -> str:
    """A curve from (x1, y1) to the box at (x2, y2) (its row's top), labelled near the
    neighbour's end (``side``: the neighbour is at the ``end`` or ``start``)."""
    if side == "end":
        y2 += BOX_H // 2
    else:
        y1 += BOX_H // 2
    middle = (x1 + x2) // 2
    names = ", ".join(labels.label(p, lang) for p in edge.properties)
    css = "edge inferred" if edge.inferred else "edge"
    if side == "end":
        text = (f'<text class="edge-label" x="{x2 - 6}" y="{y2 - 5}" '
                f'text-anchor="end">{escape(_short(names, EDGE_CHARS))}</text>')
    else:
        text = (f'<text class="edge-label" x="{x1 + 6}" y="{y1 - 5}" '
                f'text-anchor="start">{escape(_short(names, EDGE_CHARS))}</text>')
    return (f'<g><title>{escape(names)}{" (inferred)" if edge.inferred else ""}</title>'
            f'<path class="{css}" d="M{x1},{y1} C{middle},{y1} {middle},{y2} {x2},{y2}" '
            f'marker-end="url(#arrow)"/>{text}</g>')


def _node(node: URIRef, x: int, y: int, labels: Labels, links: Links, lang: str) -> str:
    local = links.is_local(node)
    name = labels.label(node, lang)
    css = "node" if local else "node external"
    return (f'<a href={quoteattr(links.href(node))}><g class="{css}"><title>'
            f'{escape(name)} ({escape(str(node))})</title>'
            f'<rect x="{x}" y="{y}" width="{BOX_W}" height="{BOX_H}" rx="6"/>'
            f'<text x="{x + BOX_W // 2}" y="{y + 16}" text-anchor="middle">'
            f'{escape(_short(name, LABEL_CHARS))}</text></g></a>')
