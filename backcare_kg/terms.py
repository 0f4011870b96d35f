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
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from collections.abc import Iterator

from rdflib import RDF, RDFS, Dataset, Graph, Literal, URIRef
from rdflib.namespace import SKOS
from rdflib.term import Node

from .errors import ParameterError
from .vocab import BCR, PREFIXES

__all__ = ["TermResolver", "normalize", "prefixed"]

LABEL_PROPERTIES = (RDFS.label, SKOS.prefLabel, SKOS.altLabel)
_MAX_LISTED = 10
_IRI_INVALID = re.compile(r'[\x00-\x20<>"{}|^`\\]')
_SLUG = re.compile(r"[\w.~-]+\Z")
_PREFIXED = re.compile(r"([A-Za-z][\w.-]*)?:(\S*)\Z")

Triple = tuple[Node, Node, Node]


def normalize(text: str) -> str:
    """``text`` for loose comparison: case-folded, accents removed, words single-spaced."""
    decomposed = unicodedata.normalize("NFKD", text)
    bare = "".join(c for c in decomposed if not unicodedata.combining(c))
    return " ".join(re.findall(r"[^\W_]+", bare.casefold()))


def prefixed(iri: URIRef | str) -> str:
    """``iri`` as a prefixed name of :data:`~backcare_kg.vocab.PREFIXES`, or ``<iri>``."""
    best = ""
    for prefix, ns in PREFIXES.items():
        if str(iri).startswith(ns) and len(ns) > len(PREFIXES.get(best, "")):
            best = prefix
    return f"{best}:{str(iri)[len(PREFIXES[best]):]}" if best else f"<{iri}>"


class TermResolver:
    """Resolves values to IRIs of ``graph`` (a Graph, or a Dataset: all its graphs)."""

    def __init__(self, graph: Graph | Dataset) -> None:
        self._graph = graph
        self._names: dict[URIRef, set[str]] | None = None
        self._instances: dict[URIRef, set[URIRef]] = {}

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
            if slug_iri in candidates and slug_iri in self._name_index():
                return slug_iri
        key = normalize(text)
        words = key.split()
        tiers = (
            lambda name: name == key,
            lambda name: name.split()[: len(words)] == words,
            lambda name: f" {key} " in f" {name} ",
        )
        for matches_name in tiers:
            found = {iri for iri in candidates
                     if any(matches_name(n) for n in self._name_index().get(iri, ()))}
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
        """How a resource is listed: its slug for ``bcr:`` IRIs, else a prefixed name."""
        text = str(iri)
        return text[len(str(BCR)):] if text.startswith(str(BCR)) else prefixed(iri)

    # -- tiers 1-3 ----------------------------------------------------------------------

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

    # -- the index (built once) ---------------------------------------------------------

    def _triples(self, s: Node | None, p: Node | None, o: Node | None) -> Iterator[Triple]:
        if isinstance(self._graph, Dataset):
            for quad in self._graph.quads((s, p, o, None)):
                yield quad[0], quad[1], quad[2]
        else:
            yield from self._graph.triples((s, p, o))

    def _name_index(self) -> dict[URIRef, set[str]]:
        if self._names is None:
            names: dict[URIRef, set[str]] = {}
            for s, _, _ in self._triples(None, None, None):
                if isinstance(s, URIRef) and str(s).startswith(str(BCR)):
                    names.setdefault(s, set()).add(normalize(str(s)[len(str(BCR)):]))
            for prop in LABEL_PROPERTIES:
                for s, _, label in self._triples(None, prop, None):
                    if isinstance(s, URIRef) and isinstance(label, Literal):
                        names.setdefault(s, set()).add(normalize(str(label)))
            self._names = {iri: {n for n in ns if n} for iri, ns in names.items()}
        return self._names

    def _subjects(self) -> set[URIRef]:
        return set(self._name_index())

    def _candidates(self, kind: URIRef | None) -> set[URIRef]:
        if kind is None:
            return self._subjects()
        if kind not in self._instances:
            classes = {kind}
            frontier = [kind]
            while frontier:
                for sub, _, _ in self._triples(None, RDFS.subClassOf, frontier.pop()):
                    if isinstance(sub, URIRef) and sub not in classes:
                        classes.add(sub)
                        frontier.append(sub)
            self._instances[kind] = {
                s for cls in classes for s, _, _ in self._triples(None, RDF.type, cls)
                if isinstance(s, URIRef)
            }
        return self._instances[kind]

    # -- messages -----------------------------------------------------------------------

    @staticmethod
    def _kind_name(kind: URIRef | None) -> str:
        return "resource" if kind is None else prefixed(kind)

    def _closest(self, key: str, candidates: set[URIRef]) -> list[str]:
        def score(iri: URIRef) -> float:
            names = self._name_index().get(iri, set()) | {normalize(self.display(iri))}
            return max(difflib.SequenceMatcher(None, key, n).ratio() for n in names)

        ranked = sorted(candidates, key=lambda iri: (-score(iri), self.display(iri)))
        listed = [self.display(iri) for iri in ranked[:_MAX_LISTED]]
        if len(ranked) > _MAX_LISTED:
            listed.append(f"and {len(ranked) - _MAX_LISTED} more")
        return listed
