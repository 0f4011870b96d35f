"""Names for people: the labels of IRIs in English or Spanish, and prefixed names.

The labels of a knowledge graph are read once (:func:`labels_of`, cached per graph):
a page names every IRI it shows without another query.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING

from rdflib import RDFS, Literal, URIRef
from rdflib.namespace import SKOS
from rdflib.term import Node

from backcare_kg.rdf.names import short_iri
from backcare_kg.vocab import PREFIXES
from backcare_kg.web.per_graph import PerGraph

if TYPE_CHECKING:
    from backcare_kg.graph import KnowledgeGraph

#: The languages pages are written in; the first is the default.
LANGUAGES = ("en", "es")

#: Prefixes for showing IRIs: the project's, and a few more its ontology uses.
DISPLAY_PREFIXES: dict[str, str] = {
    **PREFIXES,
    "vann": "http://purl.org/vocab/vann/",
    "sd": "http://www.w3.org/ns/sparql-service-description#",
}

#: Names of the common terms of other vocabularies (they have no labels in the graph).
COMMON_NAMES: dict[str, dict[str, str]] = {
    str(RDFS.label): {"en": "label", "es": "etiqueta"},
    str(SKOS.prefLabel): {"en": "preferred label", "es": "etiqueta preferente"},
    str(SKOS.altLabel): {"en": "alternative label", "es": "etiqueta alternativa"},
    str(SKOS.definition): {"en": "definition", "es": "definición"},
    str(SKOS.editorialNote): {"en": "editorial note", "es": "nota editorial"},
    str(SKOS.scopeNote): {"en": "scope note", "es": "nota de alcance"},
    str(SKOS.exactMatch): {"en": "exact match", "es": "equivalencia exacta"},
    str(SKOS.closeMatch): {"en": "close match", "es": "equivalencia aproximada"},
    str(SKOS.inScheme): {"en": "in scheme", "es": "en el esquema"},
    str(RDFS.comment): {"en": "comment", "es": "comentario"},
    "http://www.w3.org/1999/02/22-rdf-syntax-ns#type": {"en": "type", "es": "tipo"},
}


def curie(iri: str) -> str:
    """``iri`` as a prefixed name of :data:`DISPLAY_PREFIXES` (``bc:Activity``), or the IRI."""
    return short_iri(str(iri), DISPLAY_PREFIXES)


class Labels:
    """The labels of IRIs by language; ``skos:prefLabel`` is preferred to ``rdfs:label``."""

    def __init__(self, triples: Iterable[tuple[Node, Node, Node]] = ()) -> None:
        # iri -> language -> (rank, text): rank 0 for prefLabel, 1 for rdfs:label
        self._names: dict[str, dict[str, tuple[int, str]]] = {}
        self._triples: dict[str, list[tuple[URIRef, Literal]]] = {}
        for subject, predicate, value in triples:
            if not isinstance(subject, URIRef) or not isinstance(value, Literal):
                continue
            rank = 0 if predicate == SKOS.prefLabel else 1 if predicate == RDFS.label else -1
            if rank < 0:
                continue
            self._triples.setdefault(str(subject), []).append((URIRef(str(predicate)), value))
            lang = (value.language or "").lower()
            known = self._names.setdefault(str(subject), {})
            if lang not in known or (rank, str(value)) < known[lang]:
                known[lang] = (rank, str(value))

    def get(self, iri: str, lang: str = "en") -> str | None:
        """The label of ``iri`` in ``lang``, else in English, else untagged, else any; None
        if it has none."""
        known = self._names.get(str(iri))
        if not known:
            common = COMMON_NAMES.get(str(iri))
            return common.get(lang, common["en"]) if common else None
        for choice in (lang, "en", ""):
            if choice in known:
                return known[choice][1]
        return known[min(known)][1]

    def label(self, iri: str, lang: str = "en") -> str:
        """The label of ``iri`` (see :meth:`get`), or its prefixed name if it has none."""
        return self.get(iri, lang) or curie(iri)

    def all(self, iri: str) -> Mapping[str, str]:
        """Every label of ``iri`` by language."""
        return {lang: text for lang, (_, text) in self._names.get(str(iri), {}).items()}

    def triples(self, iri: str) -> list[tuple[URIRef, Literal]]:
        """The label triples of ``iri``: ``(predicate, label)``."""
        return list(self._triples.get(str(iri), ()))

    def __contains__(self, iri: object) -> bool:
        return str(iri) in self._names


def _read_labels(kg: KnowledgeGraph) -> Labels:
    graph = kg.labels()
    return Labels([*graph.triples((None, SKOS.prefLabel, None)),
                   *graph.triples((None, RDFS.label, None))])


_LABELS = PerGraph(_read_labels)


def labels_of(kg: KnowledgeGraph) -> Labels:
    """The labels of ``kg`` (read once per graph; see :meth:`KnowledgeGraph.labels`)."""
    return _LABELS.of(kg)
