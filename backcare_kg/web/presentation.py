"""RDF terms and statements made ready for the templates: names, links, badges.

Templates get plain values (:class:`TermView`, :class:`Group`, :class:`ExcerptView`): the
label in the page's language, where to link (:class:`~.links.Links`), whether a value was
inferred and how strongly the source supports it, and the content of a blank node, nested.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from rdflib import RDF, RDFS, BNode, Literal, URIRef
from rdflib.namespace import SKOS
from rdflib.term import Node

from backcare_kg.rdf.support_levels import SupportLevel
from backcare_kg.vocab import BC
from backcare_kg.web.describe import Description, Excerpt, QuotedSentence, Selector, Statement
from backcare_kg.web.labels import Labels, curie
from backcare_kg.web.links import Links

#: Properties shown first, in this order; the others follow by label.
FIRST = (RDF.type, SKOS.prefLabel, RDFS.label, SKOS.altLabel, SKOS.definition,
         SKOS.editorialNote, SKOS.scopeNote, RDFS.comment)

#: How deep blank nodes are shown inside one another.
MAX_DEPTH = 4


@dataclass(frozen=True)
class TermView:
    """An RDF term as a page shows it.

    ``kind`` is ``iri``, ``literal`` or ``blank``. An IRI has its label (``text``), its
    ``href`` (a page here, or itself if ``external``) and prefixed name; a literal its
    ``text``, ``lang`` and datatype (prefixed); a blank node its ``groups`` (its own
    statements), nested.
    """

    kind: str
    text: str
    href: str | None = None
    iri: str | None = None
    curie: str | None = None
    external: bool = False
    lang: str | None = None
    datatype: str | None = None
    groups: tuple[Group, ...] = ()


@dataclass(frozen=True)
class Value:
    """A value of a property, whether the statement giving it was inferred, where its
    explanation is (for an inferred statement, on a server), and the statement's support
    level (its badge links to the level's entry in the ontology)."""

    term: TermView
    inferred: bool
    explanation: str | None = None
    support: SupportLevel | None = None


@dataclass(frozen=True)
class Group:
    """The values of one property."""

    predicate: TermView
    values: tuple[Value, ...]

    @property
    def all_inferred(self) -> bool:
        return all(v.inferred for v in self.values)


@dataclass(frozen=True)
class ExcerptView:
    """A claim or editorial reading behind a resource, as its page shows it."""

    excerpt: Excerpt
    term: TermView
    relations: tuple[str, ...]
    attributions: tuple[TermView, ...]
    evidence: TermView | None
    notes: tuple[TermView, ...]
    sentences: tuple[tuple[QuotedSentence, str], ...]  # (sentence, its href)
    selector: Selector = field(default_factory=Selector)


class Presenter:
    """Makes views of terms with ``labels`` in ``lang`` linking by ``links``."""

    def __init__(self, labels: Labels, links: Links, lang: str) -> None:
        self.labels = labels
        self.links = links
        self.lang = lang

    def label(self, iri: Node) -> str:
        return self.labels.label(str(iri), self.lang)

    def href(self, iri: Node) -> str:
        return self.links.href(str(iri))

    def curie(self, iri: Node) -> str:
        return curie(str(iri))

    def iri(self, iri: Node) -> TermView:
        text = str(iri)
        return TermView("iri", self.labels.label(text, self.lang), href=self.links.href(text),
                        iri=text, curie=curie(text), external=not self.links.is_local(text))

    def term(self, node: Node, description: Description | None = None,
             depth: int = 0) -> TermView:
        if isinstance(node, URIRef):
            return self.iri(node)
        if isinstance(node, Literal):
            datatype = curie(str(node.datatype)) if node.datatype else None
            return TermView("literal", str(node), lang=node.language, datatype=datatype)
        groups: tuple[Group, ...] = ()
        if isinstance(node, BNode) and description is not None and depth < MAX_DEPTH:
            groups = self.groups(description.statements(node), "object", description,
                                 depth + 1)
        return TermView("blank", "(blank node)", groups=groups)

    def groups(self, statements: Sequence[Statement], value_of: str,
               description: Description | None = None, depth: int = 0) -> tuple[Group, ...]:
        """``statements`` grouped by property (the :data:`FIRST` ones first, then by
        label); values are the statements' ``object`` or ``subject`` (``value_of``),
        IRIs by label, literals in the page's language first."""
        grouped: dict[URIRef, list[Statement]] = {}
        for statement in statements:
            grouped.setdefault(statement.predicate, []).append(statement)
        ordered = sorted(grouped, key=self._property_key)
        return tuple(
            Group(self.iri(p), tuple(
                Value(self.term(getattr(s, value_of), description, depth), s.inferred,
                      self.explanation(s), s.support)
                for s in sorted(grouped[p], key=lambda s: self._value_key(getattr(s, value_of)))
            ))
            for p in ordered)

    def explanation(self, statement: Statement) -> str | None:
        """The link to the explanation of ``statement`` if it was inferred (and can have
        one: see :meth:`.Links.explanation`)."""
        if not statement.inferred:
            return None
        return self.links.explanation(statement.subject, statement.predicate, statement.object)

    def _property_key(self, predicate: URIRef) -> tuple[int, int, str]:
        if predicate in FIRST:
            return 0, FIRST.index(predicate), ""
        own = 1 if str(predicate).startswith(str(BC)) else 2
        return own, 0, self.label(predicate).lower()

    def _value_key(self, node: Node) -> tuple[int, str]:
        if isinstance(node, Literal):
            language = (node.language or "").lower()
            return (0 if language in (self.lang, "") else 1), str(node)
        if isinstance(node, URIRef):
            return (2 if self.links.is_local(node) else 3), self.label(node).lower()
        return 4, ""

    def excerpts(self, excerpts: Iterable[Excerpt]) -> list[ExcerptView]:
        views = []
        for excerpt in excerpts:
            notes = sorted(excerpt.notes, key=lambda n: (n.language or "") != self.lang)
            views.append(ExcerptView(
                excerpt=excerpt,
                term=self.iri(excerpt.iri),
                relations=excerpt.relations,
                attributions=tuple(sorted((self.iri(a) for a in excerpt.attributions),
                                          key=lambda t: t.text.lower())),
                evidence=self.iri(excerpt.evidence_level) if excerpt.evidence_level else None,
                notes=tuple(self.term(n) for n in notes),
                sentences=tuple((s, self.href(s.iri)) for s in excerpt.sentences),
                selector=excerpt.selector,
            ))
        return views


def labels_by_language(labels: Labels, iri: str, lang: str) -> list[tuple[str, str]]:
    """The labels of ``iri`` as ``(language, text)``, the page's language first."""
    found = labels.all(iri)
    return sorted(found.items(), key=lambda item: (item[0] != lang, item[0]))
