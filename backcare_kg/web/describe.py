"""What the graph says about one resource: its description, for its page and its RDF.

:func:`describe` gathers, with a few bound queries (so a graph opened from a store works as
one in memory):

- its concise bounded description in the asserted graph and in the inferred graph (its
  triples and, recursively, those of the blank nodes they lead to), so every statement is
  known to be asserted or inferred;
- the triples that point at it from other IRIs ("referenced by");
- how strongly the source supports each of these statements (its support level: the one
  the support graph gives, else its graph's default, stated if asserted and entailed if
  inferred); a blank node's statements have their graph's default (the support graph's
  names of blank nodes are not ones a query can match on every store);
- the source excerpts behind it: the claims and editorial readings about it, the claims
  that license what is inferred about it, with their quotes, attributions, evidence
  levels, notes, sentences and Web Annotation selectors;
- the labels of everything it shows (:mod:`.labels`).

:meth:`Description.graph` is the RDF document of the resource: both descriptions, the
incoming triples, the support level of each of its statements and the labels of the
resources it links to.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TypeVar

from rdflib import RDF, BNode, Graph, Literal, URIRef
from rdflib.term import Node

from backcare_kg.errors import BackcareError, QueryError
from backcare_kg.graph import KnowledgeGraph
from backcare_kg.rdf.support_levels import (
    ASSERTED_DEFAULT,
    INFERRED_DEFAULT,
    SupportLevel,
    support_triples,
)
from backcare_kg.vocab import INFERRED_GRAPH
from backcare_kg.web.labels import Labels, labels_of
from backcare_kg.web.query_files import query_text

T = TypeVar("T")


#: A statement's terms, as the support levels are keyed.
Triple = tuple[Node, Node, Node]


@dataclass(frozen=True)
class Statement:
    """One triple of a description, whether it was inferred, and how strongly the source
    supports it."""

    subject: Node
    predicate: URIRef
    object: Node
    inferred: bool
    support: SupportLevel


@dataclass(frozen=True)
class Selector:
    """The Web Annotation selectors of a quote: the text (exact, with the text before and
    after it) and the position (start and end offsets, in code points)."""

    exact: str | None = None
    prefix: str | None = None
    suffix: str | None = None
    start: int | None = None
    end: int | None = None


@dataclass(frozen=True)
class QuotedSentence:
    """A sentence of the source holding (part of) a quote, cut around the quoted part."""

    iri: URIRef
    position: int
    before: str
    quoted: str
    after: str

    @property
    def text(self) -> str:
        return self.before + self.quoted + self.after


@dataclass(frozen=True)
class Excerpt:
    """A claim or an editorial reading behind a resource.

    ``relations`` says how it bears on the resource: ``about`` it, ``justifies`` what is
    inferred about it, or ``self`` (the resource is this excerpt).
    """

    iri: URIRef
    kind: str
    relations: tuple[str, ...]
    quote: str
    attributions: tuple[URIRef, ...]
    evidence_level: URIRef | None
    notes: tuple[Literal, ...]
    sentences: tuple[QuotedSentence, ...]
    selector: Selector

    @property
    def editorial(self) -> bool:
        """Whether this is the graph makers' reading, not a statement of the source."""
        return self.kind == "editorial reading"


@dataclass
class Description:
    """Everything shown about ``subject`` (see the module's documentation)."""

    subject: URIRef
    asserted: Graph
    inferred: Graph
    incoming: list[Statement]
    excerpts: list[Excerpt]
    labels: Labels
    levels: dict[Triple, SupportLevel] = field(default_factory=dict, repr=False)
    _statements: list[Statement] = field(default_factory=list, repr=False)

    def __post_init__(self) -> None:
        statements = [statement(s, p, o, False, self.levels) for s, p, o in self.asserted
                      if isinstance(p, URIRef)]
        statements += [statement(s, p, o, True, self.levels) for s, p, o in self.inferred
                       if isinstance(p, URIRef) and (s, p, o) not in self.asserted]
        self._statements = sorted(statements, key=_statement_key)

    def statements(self, node: Node | None = None) -> list[Statement]:
        """The statements about ``node`` (the subject by default; or one of its blank
        nodes), asserted and inferred, sorted by predicate and object."""
        target = self.subject if node is None else node
        return [s for s in self._statements if s.subject == target]

    def types(self) -> list[Statement]:
        """The ``rdf:type`` statements of the subject."""
        return [s for s in self.statements() if s.predicate == RDF.type]

    def neighbours(self) -> list[URIRef]:
        """The IRIs the description links to (objects, blank nodes' objects, incoming
        subjects), each once, in order of appearance."""
        seen: dict[URIRef, None] = {}
        for statement in self._statements:
            if isinstance(statement.object, URIRef) and statement.object != self.subject:
                seen.setdefault(statement.object)
        for statement in self.incoming:
            if isinstance(statement.subject, URIRef):
                seen.setdefault(statement.subject)
        return list(seen)

    def graph(self) -> Graph:
        """The RDF description: asserted and inferred triples, blank nodes included, the
        triples pointing at the subject, the support level of each statement about the
        subject and pointing at it (an ``rdf:Statement`` with its ``bc:supportLevel``, the
        node the support graph names it by), and the labels of the resources it links to."""
        graph = Graph()
        graph += self.asserted
        graph += self.inferred
        for statement in self.incoming:
            graph.add((statement.subject, statement.predicate, statement.object))
        by_level: dict[int, list[Triple]] = {}
        for statement in (*self.statements(), *self.incoming):
            by_level.setdefault(statement.support.rank, []).append(
                (statement.subject, statement.predicate, statement.object))
        levels: dict[int, Iterable[Triple]] = dict(by_level)
        for triple in support_triples(levels):
            graph.add(triple)
        for iri in self.neighbours():
            for predicate, value in self.labels.triples(iri):
                graph.add((iri, predicate, value))
        return graph


def statement(s: Node, p: URIRef, o: Node, inferred: bool,
              levels: dict[Triple, SupportLevel]) -> Statement:
    """The statement (s, p, o) with its support level: the one ``levels`` gives (those of
    the support graph), else its graph's default."""
    default = SupportLevel(INFERRED_DEFAULT if inferred else ASSERTED_DEFAULT)
    return Statement(s, p, o, inferred, levels.get((s, p, o), default))


def _statement_key(statement: Statement) -> tuple[int, str, int, str]:
    # rdf:type first, then by predicate; IRIs before literals before blank nodes
    first = 0 if statement.predicate == RDF.type else 1
    rank = 0 if isinstance(statement.object, URIRef) else 2 if isinstance(
        statement.object, BNode) else 1
    return first, str(statement.predicate), rank, str(statement.object)


def exists(kg: KnowledgeGraph, iri: URIRef) -> bool:
    """Whether ``iri`` occurs in ``kg``, as a subject or as an object."""
    return bool(kg.query(query_text("exists"), subject=iri).boolean)


def resource_iris(kg: KnowledgeGraph) -> list[URIRef]:
    """Every resource of ``kg`` (each has a page), sorted."""
    rows = kg.query(query_text("resources")).rows
    return [r for r in (row["resource"] for row in rows) if isinstance(r, URIRef)]


def describe(kg: KnowledgeGraph, iri: URIRef) -> Description | None:
    """The description of ``iri`` in ``kg``; None if the graph does not mention it."""
    if not exists(kg, iri):
        return None
    asserted = _described(kg, "describe-asserted", iri)
    inferred = _described(kg, "describe-inferred", iri)
    levels = support_levels(kg, iri)
    incoming = [
        statement(row["source"], row["property"], iri, row["graph"] == INFERRED_GRAPH, levels)
        for row in kg.query(query_text("incoming"), subject=iri).rows
        if isinstance(row["source"], URIRef) and isinstance(row["property"], URIRef)
    ]
    incoming = _asserted_first(incoming)
    return Description(iri, asserted, inferred, incoming, excerpts(kg, iri), labels_of(kg),
                       levels)


def support_levels(kg: KnowledgeGraph, iri: URIRef) -> dict[Triple, SupportLevel]:
    """The levels the support graph gives the statements about ``iri`` (as their subject
    or their object); none for a graph without one (loaded without inference)."""
    rows = kg.query(query_text("support"), subject=iri).rows
    found: dict[Triple, SupportLevel] = {}
    for row in rows:
        s, p, o, level = row["s"], row["p"], row["o"], level_of(row["level"])
        if s is not None and p is not None and o is not None and level is not None:
            found[(s, p, o)] = level
    return found


def level_of(value: Node | None) -> SupportLevel | None:
    """The support level an answer names (``bc:Stated``...); None for anything else."""
    try:
        return SupportLevel.of(value) if isinstance(value, URIRef) else None
    except ValueError:  # not one of the four levels
        return None


def _described(kg: KnowledgeGraph, query: str, iri: URIRef) -> Graph:
    """The description of ``iri`` in one named graph; empty if the graph is not there (a
    graph loaded without inference has no inferred graph)."""
    try:
        return kg.query(query_text(query), subject=iri).graph or Graph()
    except QueryError:
        return Graph()


def _asserted_first(statements: list[Statement]) -> list[Statement]:
    """One statement per triple: asserted if either graph asserts it."""
    chosen: dict[tuple[Node, Node], Statement] = {}
    for statement in statements:
        key = (statement.subject, statement.predicate)
        if key not in chosen or not statement.inferred:
            chosen[key] = statement
    return list(chosen.values())


def excerpts(kg: KnowledgeGraph, iri: URIRef) -> list[Excerpt]:
    """The claims and editorial readings behind ``iri``, by the position of their first
    sentence in the source."""
    try:
        rows = kg.query(query_text("excerpts"), subject=iri).rows
    except BackcareError:
        return []
    grouped: dict[URIRef, list[dict[str, Node | None]]] = {}
    for row in rows:
        if isinstance(row["excerpt"], URIRef):
            grouped.setdefault(row["excerpt"], []).append(row)
    found = [_excerpt(excerpt, group) for excerpt, group in grouped.items()]
    return sorted(found, key=lambda e: (e.sentences[0].position if e.sentences else 1 << 30,
                                        e.relations != ("self",), str(e.iri)))


def _excerpt(iri: URIRef, rows: list[dict[str, Node | None]]) -> Excerpt:
    first = rows[0]
    quote = str(first["quote"])
    sentences: dict[int, QuotedSentence] = {}
    for row in rows:
        position, text, sentence = row["position"], row["sentenceText"], row["sentence"]
        if isinstance(position, Literal) and text is not None and isinstance(sentence, URIRef):
            number = int(position.toPython())
            start = _integer(row["sentenceStart"])
            offsets = (start, _integer(first["start"]), _integer(first["end"]))
            sentences.setdefault(number, highlight(sentence, number, str(text), quote,
                                                   offsets))
    evidence = first["evidenceLevel"]
    return Excerpt(
        iri=iri,
        kind=str(first["kind"]),
        relations=_unique(str(row["relation"]) for row in rows),
        quote=quote,
        attributions=_unique(a for a in (r["attribution"] for r in rows)
                             if isinstance(a, URIRef)),
        evidence_level=evidence if isinstance(evidence, URIRef) else None,
        notes=_unique(n for n in (r["note"] for r in rows) if isinstance(n, Literal)),
        sentences=tuple(sentences[n] for n in sorted(sentences)),
        selector=Selector(
            exact=_text(first["exact"]), prefix=_text(first["prefix"]),
            suffix=_text(first["suffix"]), start=_integer(first["start"]),
            end=_integer(first["end"])),
    )


def _unique(values: Iterable[T]) -> tuple[T, ...]:
    return tuple(dict.fromkeys(values))


def _text(value: Node | None) -> str | None:
    return str(value) if isinstance(value, Literal) else None


def _integer(value: Node | None) -> int | None:
    if isinstance(value, Literal):
        try:
            return int(str(value))
        except ValueError:
            return None
    return None


def highlight(iri: URIRef, position: int, text: str, quote: str,
              offsets: tuple[int | None, int | None, int | None] = (None, None, None),
              ) -> QuotedSentence:
    """``text`` cut around ``quote``. ``offsets`` are the start of the sentence and the
    start and end of the quote in the source, where known: they place a quote that spans
    two sentences (its part in this one is cut out); else the quote is searched for."""
    at = text.find(quote)
    if at >= 0:
        return QuotedSentence(iri, position, text[:at], quote, text[at + len(quote):])
    sentence_start, quote_start, quote_end = offsets
    if sentence_start is not None and quote_start is not None and quote_end is not None:
        begin = min(max(quote_start - sentence_start, 0), len(text))
        end = min(max(quote_end - sentence_start, begin), len(text))
        return QuotedSentence(iri, position, text[:begin], text[begin:end], text[end:])
    return QuotedSentence(iri, position, text, "", "")
