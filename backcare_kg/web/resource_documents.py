"""The linked-data documents of the dataset, in any RDF syntax: a resource's description,
the ontology, a whole named graph, the VoID/DCAT description.

Plain functions of a graph, a :class:`~backcare_kg.web.documents.Syntax` and
:class:`~backcare_kg.web.links.Links`: the server's routes answer with them and the
static-site publisher writes them to files.
"""

from __future__ import annotations

import re

from rdflib import Graph, URIRef

from backcare_kg.graph import KnowledgeGraph
from backcare_kg.web.dataset import dataset_info, graph_iri, void_graph
from backcare_kg.web.describe import describe
from backcare_kg.web.documents import Syntax, write
from backcare_kg.web.links import Links
from backcare_kg.web.ontology_doc import ontology_graph
from backcare_kg.web.per_graph import PerGraph
from backcare_kg.web.query_files import query_text

#: A resource's slug: lower-case kebab-case.
SLUG = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*\Z")


def resource_document(kg: KnowledgeGraph, iri: URIRef, syntax: Syntax, links: Links) -> str | None:
    """The description of resource ``iri`` in ``syntax``; None if the graph lacks it."""
    description = describe(kg, iri)
    return None if description is None else write(description.graph(), syntax,
                                                  links.context_url)


def ontology_document(syntax: Syntax, links: Links) -> str:
    """The ontology document in ``syntax``."""
    return write(ontology_graph(), syntax, links.context_url)


# Made outside any lock (a dump takes a while); one dict operation at a time is thread-safe.
_DUMPS: PerGraph[dict[tuple[str, str, str], str]] = PerGraph(lambda kg: {})


def graph_document(kg: KnowledgeGraph, which: str, syntax: Syntax, links: Links) -> str | None:
    """The whole named graph ``which`` (``asserted``, ``inferred`` or ``support``) in
    ``syntax`` (a dump; made once per graph and syntax); None for another name."""
    iri = graph_iri(which)
    if iri is None:
        return None
    key = (which, syntax.name, links.context_url)
    dumps = _DUMPS.of(kg)
    cached = dumps.get(key)
    if cached is not None:
        return cached
    graph = kg.query(query_text("graph-dump"), graph=iri).graph or Graph()
    text = dumps[key] = write(graph, syntax, links.context_url)
    return text


def void_document(kg: KnowledgeGraph, syntax: Syntax, links: Links) -> str:
    """The VoID/DCAT description in ``syntax`` (with the SPARQL endpoint if ``links`` has
    one)."""
    return write(void_graph(dataset_info(kg), endpoint=links.sparql is not None), syntax,
                 links.context_url)
