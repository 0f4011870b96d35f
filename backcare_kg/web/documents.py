"""RDF documents: the syntaxes a description is offered in, and writing a graph in one.

JSON-LD documents are compacted with the published context (``context.jsonld``, shipped
next to this module and served at ``/context.jsonld``) and name it by URL, so that they stay
short and their keys readable.
"""

from __future__ import annotations

import functools
import json
from dataclasses import dataclass
from importlib import resources
from typing import Any

from rdflib import Graph

#: The media type of HTML pages.
HTML = "text/html; charset=utf-8"


@dataclass(frozen=True)
class Syntax:
    """An RDF syntax a document is offered in: its name, file extension, media type (with
    aliases clients send) and rdflib's plugin."""

    name: str
    extension: str
    media_type: str
    plugin: str
    aliases: tuple[str, ...] = ()

    @property
    def bare_media_type(self) -> str:
        return self.media_type.split(";")[0]


#: The RDF syntaxes, in the order they are offered (the first is the default for RDF).
SYNTAXES: tuple[Syntax, ...] = (
    Syntax("turtle", "ttl", "text/turtle; charset=utf-8", "turtle",
           ("application/x-turtle",)),
    Syntax("json-ld", "jsonld", "application/ld+json", "json-ld", ("application/json",)),
    Syntax("n-triples", "nt", "application/n-triples", "nt", ("text/plain",)),
    Syntax("rdf-xml", "rdf", "application/rdf+xml", "xml", ("application/xml", "text/xml")),
)

BY_EXTENSION: dict[str, Syntax] = {s.extension: s for s in SYNTAXES}


def syntax_for_media_type(media_type: str) -> Syntax | None:
    """The syntax of ``media_type`` (its own or an alias), or None."""
    bare = media_type.split(";")[0].strip().lower()
    for syntax in SYNTAXES:
        if bare == syntax.bare_media_type or bare in syntax.aliases:
            return syntax
    return None


def offered_media_types(html: bool = True, aliases: bool = True) -> list[str]:
    """The media types a linked-data document is offered in, HTML first if ``html``;
    aliases last, so an exact type always wins."""
    offered = [HTML] if html else []
    offered += [s.media_type for s in SYNTAXES]
    if aliases:
        offered += [alias for s in SYNTAXES for alias in s.aliases]
    return offered


@functools.cache
def context_text() -> str:
    """The published JSON-LD context (the file ``context.jsonld``)."""
    return (resources.files("backcare_kg.web") / "context.jsonld").read_text("utf-8")


@functools.cache
def _context() -> dict[str, Any]:
    document: dict[str, Any] = json.loads(context_text())
    context: dict[str, Any] = document["@context"]
    return context


def context_prefixes() -> dict[str, str]:
    """The prefixes the context defines (``bc`` → ``https://w3id.org/backcare-kg/ontology#``)."""
    return {k: v for k, v in _context().items() if isinstance(v, str) and not k.startswith("@")}


def _copy(graph: Graph) -> Graph:
    """``graph``'s triples in a new graph with the context's prefixes (the given graph may be
    shared between threads: its bindings are left alone)."""
    copy = Graph(bind_namespaces="core")
    for prefix, namespace in context_prefixes().items():
        copy.bind(prefix, namespace, override=True, replace=True)
    copy.addN((s, p, o, copy) for s, p, o in graph)
    return copy


def write(graph: Graph, syntax: Syntax, context_url: str) -> str:
    """``graph`` in ``syntax``. N-Triples lines are sorted (the same graph always gives the
    same text); JSON-LD is compacted with the published context, named by ``context_url``."""
    graph = _copy(graph)
    if syntax.name == "json-ld":
        text = graph.serialize(format="json-ld", context=_context(), auto_compact=True)
        document = json.loads(text)
        if isinstance(document, dict):
            document = {"@context": context_url,
                        **{k: v for k, v in document.items() if k != "@context"}}
        else:  # a list of nodes: nothing to compact against
            document = {"@context": context_url, "@graph": document}
        return json.dumps(document, indent=2, ensure_ascii=False) + "\n"
    text = graph.serialize(format=syntax.plugin)
    if syntax.name == "n-triples":
        lines = sorted({line for line in text.splitlines() if line.strip()})
        return "\n".join(lines) + "\n" if lines else ""
    return text
