"""Turn what people type (slugs, prefixed names, IRIs, labels) into the IRIs of a graph.

:meth:`TermResolver.resolve` tries, in order, and stops at the first tier that matches:

1. an rdflib ``URIRef``: returned as is;
2. ``http://…``, ``https://…`` or ``<…>``: that IRI;
3. ``prefix:local`` with a prefix of :data:`backcare_kg.vocab.PREFIXES`: that IRI;
4. a slug: ``bcr:<value>`` if that IRI is a subject in the graph;
5. a name: a slug or a label (``rdfs:label``, ``skos:prefLabel``, ``skos:altLabel``, any
   language) equal to the value once both are normalized (case, accents, punctuation and
   whitespace ignored: ``"Equilibrio"``, ``"equilibrio"`` and ``"balance"`` all work);
6. the first whole word(s) of a slug or label (``"chronic"`` → ``chronic-phase``);
7. whole consecutive words anywhere in a slug or label (``"crónica"`` → "fase crónica").

With ``kind``, tiers 4–7 only consider instances of that class (``rdf:type`` in the graph,
following ``rdfs:subClassOf`` so that it works without inference too); explicit IRIs and
prefixed names (tiers 1–3) are trusted as given. A tier that matches more than one resource
is an ambiguity, reported with the matches; no match at all is reported with up to ten
known candidates, closest first.

The resolver reads the graph through a :class:`TermSource`: an rdflib Graph or Dataset
(:class:`GraphTerms`), or any query engine (:class:`EngineTerms`, a few SPARQL queries:
one for labels, one for ``rdfs:subClassOf``, one for the instances of each class asked for),
so a graph held in an on-disk store needs no rdflib copy. It asks only for what a value
needs: a slug of the right class costs two small lookups, not an index of the graph.
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING, Protocol

from rdflib import RDF, RDFS, Dataset, Graph, Literal, URIRef
from rdflib.namespace import SKOS
from rdflib.term import Node

from backcare_kg.errors import ParameterError
from backcare_kg.rdf.names import short_iri
from backcare_kg.vocab import BCR, PREFIXES

if TYPE_CHECKING:
    from backcare_kg.sparql.engines import QueryEngine

__all__ = ["TermResolver", "TermSource", "GraphTerms", "EngineTerms", "ENGINE_QUERIES",
           "normalize"]

LABEL_PROPERTIES = (RDFS.label, SKOS.prefLabel, SKOS.altLabel)
_MAX_LISTED = 10
_FEW = 32  # candidates whose labels are read one by one rather than all labels at once
_IRI_INVALID = re.compile(r'[\x00-\x20<>"{}|^`\\]')
_SLUG = re.compile(r"[\w.~-]+\Z")
_PREFIXED = re.compile(r"([A-Za-z][\w.-]*)?:(\S*)\Z")

Triple = tuple[Node, Node, Node]


def normalize(text: str) -> str:
    """``text`` for loose comparison: case-folded, accents removed, words single-spaced."""
    decomposed = unicodedata.normalize("NFKD", text)
    bare = "".join(c for c in decomposed if not unicodedata.combining(c))
    return " ".join(re.findall(r"[^\W_]+", bare.casefold()))


class TermSource(Protocol):
    """What the resolver reads from a graph (all of its named graphs, for a dataset)."""

    def labels(self) -> Iterable[tuple[Node, Node]]:
        """``(subject, label)`` of every :data:`LABEL_PROPERTIES` triple."""
        ...

    def labels_of(self, iri: URIRef) -> Iterable[Node]:
        """The :data:`LABEL_PROPERTIES` values of ``iri``."""
        ...

    def subclasses(self) -> Iterable[tuple[Node, Node]]:
        """``(subclass, superclass)`` of every ``rdfs:subClassOf`` triple."""
        ...

    def instances(self, cls: URIRef) -> Iterable[Node]:
        """The subjects of ``rdf:type cls``."""
        ...

    def slug_subjects(self) -> Iterable[Node]:
        """Every subject in the ``bcr:`` namespace."""
        ...

    def has_subject(self, iri: URIRef) -> bool:
        """Whether ``iri`` is the subject of a triple."""
        ...


class GraphTerms:
    """A :class:`TermSource` over an rdflib Graph, or a Dataset (all its graphs)."""

    def __init__(self, graph: Graph | Dataset) -> None:
        self.graph = graph

    def _triples(self, s: Node | None, p: Node | None, o: Node | None) -> Iterator[Triple]:
        if isinstance(self.graph, Dataset):
            for quad in self.graph.quads((s, p, o, None)):
                yield quad[0], quad[1], quad[2]
        else:
            yield from self.graph.triples((s, p, o))

    def labels(self) -> Iterator[tuple[Node, Node]]:
        for prop in LABEL_PROPERTIES:
            for s, _, label in self._triples(None, prop, None):
                yield s, label

    def labels_of(self, iri: URIRef) -> Iterator[Node]:
        for prop in LABEL_PROPERTIES:
            for _, _, label in self._triples(iri, prop, None):
                yield label

    def subclasses(self) -> Iterator[tuple[Node, Node]]:
        for sub, _, sup in self._triples(None, RDFS.subClassOf, None):
            yield sub, sup

    def instances(self, cls: URIRef) -> Iterator[Node]:
        for s, _, _ in self._triples(None, RDF.type, cls):
            yield s

    def slug_subjects(self) -> Iterator[Node]:
        namespace = str(BCR)
        for s, _, _ in self._triples(None, None, None):
            if isinstance(s, URIRef) and str(s).startswith(namespace):
                yield s

    def has_subject(self, iri: URIRef) -> bool:
        return next(self._triples(iri, None, None), None) is not None


# The queries of EngineTerms: internal, fixed text; values are bound, never pasted in.
_LABELS = """SELECT ?s ?label WHERE {
  VALUES ?p { rdfs:label skos:prefLabel skos:altLabel } ?s ?p ?label
  FILTER(isIRI(?s) && isLiteral(?label)) }"""
_LABELS_OF = """SELECT ?label WHERE {
  VALUES ?p { rdfs:label skos:prefLabel skos:altLabel } ?s ?p ?label FILTER(isLiteral(?label)) }"""
_SUBCLASSES = "SELECT ?sub ?sup WHERE { ?sub rdfs:subClassOf ?sup FILTER(isIRI(?sub)) }"
_INSTANCES = "SELECT DISTINCT ?s WHERE { ?s a ?class FILTER(isIRI(?s)) }"
_SLUG_SUBJECTS = """SELECT DISTINCT ?s WHERE { ?s ?p ?o
  FILTER(isIRI(?s) && STRSTARTS(STR(?s), ?namespace)) }"""
_HAS_SUBJECT = "ASK { ?s ?p ?o }"
#: Every query :class:`EngineTerms` runs (the command line's snapshot plans them ahead).
ENGINE_QUERIES = (_LABELS, _LABELS_OF, _SUBCLASSES, _INSTANCES, _SLUG_SUBJECTS, _HAS_SUBJECT)


class EngineTerms:
    """A :class:`TermSource` answered by SPARQL through a query engine."""

    def __init__(self, engine: QueryEngine) -> None:
        self.engine = engine

    def _pairs(self, sparql: str) -> list[tuple[Node, Node]]:
        result = self.engine.execute(sparql, {})
        first, second = result.vars
        return [(row[first], row[second]) for row in result.rows  # type: ignore[misc]
                if row[first] is not None and row[second] is not None]

    def _column(self, sparql: str, **bindings: Node | str) -> list[Node]:
        result = self.engine.execute(sparql, bindings)
        (only,) = result.vars
        return [row[only] for row in result.rows if row[only] is not None]  # type: ignore[misc]

    def labels(self) -> list[tuple[Node, Node]]:
        return self._pairs(_LABELS)

    def labels_of(self, iri: URIRef) -> list[Node]:
        return self._column(_LABELS_OF, s=iri)

    def subclasses(self) -> list[tuple[Node, Node]]:
        return self._pairs(_SUBCLASSES)

    def instances(self, cls: URIRef) -> list[Node]:
        return self._column(_INSTANCES, **{"class": cls})

    def slug_subjects(self) -> list[Node]:
        return self._column(_SLUG_SUBJECTS, namespace=str(BCR))

    def has_subject(self, iri: URIRef) -> bool:
        return bool(self.engine.execute(_HAS_SUBJECT, {"s": iri}).boolean)


class TermResolver:
    """Resolves values to IRIs of a graph: an rdflib Graph or Dataset (all its graphs), or
    any :class:`TermSource` (see :meth:`from_engine`)."""

    def __init__(self, source: Graph | Dataset | TermSource) -> None:
        self._source: TermSource = GraphTerms(source) if isinstance(source, Graph) else source
        self._labels: dict[URIRef, set[str]] = {}
        self._all_labels = False
        self._all: set[URIRef] | None = None
        self._subclasses: dict[URIRef, set[URIRef]] | None = None
        self._instances: dict[URIRef, set[URIRef]] = {}

    @classmethod
    def from_engine(cls, engine: QueryEngine) -> TermResolver:
        """A resolver that asks ``engine`` (a few SPARQL queries) instead of an rdflib graph."""
        return cls(EngineTerms(engine))

    # -- public -------------------------------------------------------------------------

    def resolve(self, value: str | URIRef, kind: URIRef | None = None, *,
                parameter: str | None = None) -> URIRef:
        """The IRI named by ``value``; with ``kind``, an instance of that class.

        ``parameter`` names the parameter in error messages. Raises
        :class:`~backcare_kg.errors.ParameterError` when nothing matches (listing known
        candidates) or when several resources do (listing them).
        """
        if isinstance(value, URIRef):
            return value
        if not isinstance(value, str):
            raise ParameterError(f"expected an IRI, a slug or a label, not "
                                 f"{type(value).__name__}", parameter)
        text = value.strip()
        if not text:
            raise ParameterError("an empty value names nothing", parameter)
        explicit = self._explicit(text, parameter)
        if explicit is not None:
            return explicit
        candidates = self._candidates(kind)
        if _SLUG.match(text):
            slug_iri = BCR[text]
            if slug_iri in candidates and self._is_subject(slug_iri):
                return slug_iri
        self._read_labels(candidates)
        key = normalize(text)
        words = key.split()
        tiers = (
            lambda name: name == key,
            lambda name: name.split()[: len(words)] == words,
            lambda name: f" {key} " in f" {name} ",
        )
        for matches_name in tiers:
            found = {iri for iri in candidates if any(map(matches_name, self._names(iri)))}
            if len(found) == 1:
                return found.pop()
            if found:
                raise ParameterError(
                    f"{value!r} matches more than one {self._kind_name(kind)}; give a slug, "
                    "a prefixed name or an IRI", parameter, sorted(self.display(i) for i in found))
        raise ParameterError(f"no {self._kind_name(kind)} matches {value!r}", parameter,
                             self._closest(key, candidates))

    def names(self, kind: URIRef | None = None) -> list[str]:
        """The slugs (or prefixed names) of the candidates for ``kind``, sorted."""
        return sorted(self.display(iri) for iri in self._candidates(kind))

    @staticmethod
    def display(iri: URIRef) -> str:
        """How a resource is listed: its slug for ``bcr:`` IRIs, else a prefixed name (or
        ``<iri>``)."""
        text = str(iri)
        return text[len(str(BCR)):] if text.startswith(str(BCR)) else \
            short_iri(text, angle_brackets=True)

    # -- tiers 1-3 ----------------------------------------------------------------------

    @staticmethod
    def explicit(text: str, parameter: str | None = None) -> URIRef | None:
        """The IRI ``text`` spells (``<iri>``, ``http(s)://…`` or a prefixed name of ours);
        None if it spells none; ParameterError if it is a malformed IRI."""
        return TermResolver._explicit(text, parameter)

    @staticmethod
    def _explicit(text: str, parameter: str | None) -> URIRef | None:
        if text.startswith("<") and text.endswith(">"):
            iri = text[1:-1]
        elif text.startswith(("http://", "https://")):
            iri = text
        else:
            match = _PREFIXED.match(text)
            if match is None or (match.group(1) or "") not in PREFIXES:
                return None
            iri = PREFIXES[match.group(1) or ""] + match.group(2)
        if not iri or _IRI_INVALID.search(iri):
            raise ParameterError(f"{text!r} is not a valid IRI", parameter)
        return URIRef(iri)

    # -- what the graph says, read once -------------------------------------------------

    def _label_index(self) -> dict[URIRef, set[str]]:
        """The normalized labels of every IRI that has one."""
        if not self._all_labels:
            labels: dict[URIRef, set[str]] = {}
            for s, label in self._source.labels():
                if isinstance(s, URIRef) and isinstance(label, Literal):
                    labels.setdefault(s, set()).add(normalize(str(label)))
            self._labels, self._all_labels = labels, True
        return self._labels

    def _read_labels(self, iris: set[URIRef]) -> None:
        """Make sure the labels of ``iris`` are known: one by one for a few, else all."""
        if self._all_labels:
            return
        missing = [iri for iri in iris if iri not in self._labels]
        if len(missing) > _FEW:
            self._label_index()
            return
        for iri in missing:
            self._labels[iri] = {normalize(str(label)) for label in self._source.labels_of(iri)
                                 if isinstance(label, Literal)}

    def _names(self, iri: URIRef) -> set[str]:
        """What ``iri`` may be called: its slug (``bcr:`` IRIs) and its labels, normalized.

        Its labels must have been read (:meth:`_read_labels`).
        """
        names = set(self._labels.get(iri, ()))
        if str(iri).startswith(str(BCR)):
            names.add(normalize(str(iri)[len(str(BCR)):]))
        names.discard("")
        return names

    def _subjects(self) -> set[URIRef]:
        """Everything with a name: the ``bcr:`` subjects and every labelled IRI."""
        if self._all is None:
            found = {s for s in self._source.slug_subjects() if isinstance(s, URIRef)}
            self._all = found | set(self._label_index())
        return self._all

    def _is_subject(self, iri: URIRef) -> bool:
        if self._all is not None:
            return iri in self._all
        return self._source.has_subject(iri)

    def _candidates(self, kind: URIRef | None) -> set[URIRef]:
        if kind is None:
            return self._subjects()
        if kind not in self._instances:
            if self._subclasses is None:
                subclasses: dict[URIRef, set[URIRef]] = {}
                for sub, sup in self._source.subclasses():
                    if isinstance(sub, URIRef) and isinstance(sup, URIRef):
                        subclasses.setdefault(sup, set()).add(sub)
                self._subclasses = subclasses
            classes = {kind}
            frontier = [kind]
            while frontier:
                for sub in self._subclasses.get(frontier.pop(), ()):
                    if sub not in classes:
                        classes.add(sub)
                        frontier.append(sub)
            self._instances[kind] = {
                s for cls in classes for s in self._source.instances(cls)
                if isinstance(s, URIRef)
            }
        return self._instances[kind]

    # -- messages -----------------------------------------------------------------------

    @staticmethod
    def _kind_name(kind: URIRef | None) -> str:
        return "resource" if kind is None else short_iri(str(kind), angle_brackets=True)

    def _closest(self, key: str, candidates: set[URIRef]) -> list[str]:
        def score(iri: URIRef) -> float:
            names = self._names(iri) | {normalize(self.display(iri))}
            return max(difflib.SequenceMatcher(None, key, n).ratio() for n in names)

        ranked = sorted(candidates, key=lambda iri: (-score(iri), self.display(iri)))
        listed = [self.display(iri) for iri in ranked[:_MAX_LISTED]]
        if len(ranked) > _MAX_LISTED:
            listed.append(f"and {len(ranked) - _MAX_LISTED} more")
        return listed
