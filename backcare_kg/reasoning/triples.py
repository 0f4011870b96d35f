"""Triples as small integers, grouped by predicate: the working graph of the reasoners.

A :class:`Terms` table gives every RDF term an integer id, once; a :class:`TripleSet` holds
triples of ids the way OWL RL rules read them: the instances of each class
(``rdf:type`` triples) and the (subject, object) pairs of each other predicate, so that a
rule applies to a whole relation at once as a set operation. Two tables exist: one over
rdflib terms (:class:`RdflibTerms`, for graphs already in rdflib) and one over pyoxigraph
terms (:class:`OxigraphTerms`, for files parsed without rdflib); the reasoners see only ids.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator
from typing import Any

import pyoxigraph as ox
from rdflib import BNode, Literal
from rdflib.namespace import RDF
from rdflib.term import Node

from backcare_kg.rdf.conversion import to_oxigraph, to_rdflib

Ids = tuple[int, int, int]
IRI, BLANK, LITERAL = 0, 1, 2
_EMPTY: frozenset[int] = frozenset()


class Terms:
    """RDF terms interned as integers, with the kind (IRI, blank node, literal) of each."""

    def __init__(self) -> None:
        self._ids: dict[Any, int] = {}
        self._terms: list[Any] = []
        self.kinds = bytearray()
        self._rdflib: dict[int, Node] = {}
        self.type = self.id_of(RDF.type)

    def __len__(self) -> int:
        return len(self._terms)

    def id(self, term: Any) -> int:
        """The id of ``term`` (a term of this table's library), assigned on first sight."""
        found = self._ids.get(term)
        if found is None:
            found = self._ids[term] = len(self._terms)
            self._terms.append(term)
            self.kinds.append(self._kind(term))
        return found

    def id_of(self, node: Node) -> int:
        """The id of an rdflib term (the vocabulary of the rules and of OWL)."""
        return self.id(self._from_rdflib(node))

    def known(self, node: Node) -> int | None:
        """The id of an rdflib term if the table has seen it, else None."""
        return self._ids.get(self._from_rdflib(node))

    def term(self, i: int) -> Any:
        """The term (of this table's library) with id ``i``."""
        return self._terms[i]

    def node(self, i: int) -> Node:
        """The term with id ``i`` as an rdflib term."""
        found = self._rdflib.get(i)
        if found is None:
            found = self._rdflib[i] = self._to_rdflib(self._terms[i])
        return found

    def is_literal(self, i: int) -> bool:
        return self.kinds[i] == LITERAL

    def triples(self, ids: Iterable[Ids]) -> Iterator[tuple[Node, Node, Node]]:
        """The rdflib triples of ``ids``."""
        node = self.node
        for s, p, o in ids:
            yield node(s), node(p), node(o)

    # -- per library ----------------------------------------------------------------------

    def _kind(self, term: Any) -> int:
        raise NotImplementedError

    def _from_rdflib(self, node: Node) -> Any:
        raise NotImplementedError

    def _to_rdflib(self, term: Any) -> Node:
        raise NotImplementedError


class RdflibTerms(Terms):
    """A table over rdflib terms."""

    def _kind(self, term: Any) -> int:
        return LITERAL if isinstance(term, Literal) else BLANK if isinstance(term, BNode) else IRI

    def _from_rdflib(self, node: Node) -> Any:
        return node

    def _to_rdflib(self, term: Any) -> Node:
        return term  # type: ignore[no-any-return]


class OxigraphTerms(Terms):
    """A table over pyoxigraph terms; rdflib terms are converted on the way in and out."""

    def _kind(self, term: Any) -> int:
        return (
            LITERAL
            if isinstance(term, ox.Literal)
            else BLANK
            if isinstance(term, ox.BlankNode)
            else IRI
        )

    def _from_rdflib(self, node: Node) -> Any:
        return to_oxigraph(node)

    def _to_rdflib(self, term: Any) -> Node:
        return to_rdflib(term)

    def ntriples(self, i: int) -> str:
        """The N-Triples form of the term with id ``i``."""
        return str(self._terms[i])


class TripleSet:
    """Triples of ids: ``members[c]`` the instances of class c, ``pairs[p]`` the (s, o) of p.

    ``forward(p)`` and ``backward(p)`` give subject→objects and object→subjects maps of a
    predicate (for rdf:type too); built on first use, then kept up to date by :meth:`add`.
    """

    def __init__(self, type_id: int) -> None:
        self.type = type_id
        self.members: defaultdict[int, set[int]] = defaultdict(set)
        self.pairs: defaultdict[int, set[tuple[int, int]]] = defaultdict(set)
        self._forward: dict[int, defaultdict[int, set[int]]] = {}
        self._backward: dict[int, defaultdict[int, set[int]]] = {}

    @classmethod
    def of(cls, type_id: int, triples: Iterable[Ids]) -> TripleSet:
        new = cls(type_id)
        members, pairs = new.members, new.pairs
        for s, p, o in triples:
            if p == type_id:
                members[o].add(s)
            else:
                pairs[p].add((s, o))
        return new

    def __len__(self) -> int:
        return sum(map(len, self.members.values())) + sum(map(len, self.pairs.values()))

    def __bool__(self) -> bool:
        return any(self.members.values()) or any(self.pairs.values())

    def __iter__(self) -> Iterator[Ids]:
        t = self.type
        for c, xs in self.members.items():
            for x in xs:
                yield x, t, c
        for p, prs in self.pairs.items():
            for s, o in prs:
                yield s, p, o

    def __contains__(self, triple: Ids) -> bool:
        s, p, o = triple
        if p == self.type:
            return s in self.members.get(o, _EMPTY)
        found = self.pairs.get(p)
        return found is not None and (s, o) in found

    def add_triple(self, s: int, p: int, o: int) -> None:
        """Add one triple (indexes are not updated: for building a set, not a working graph)."""
        if p == self.type:
            self.members[o].add(s)
        else:
            self.pairs[p].add((s, o))

    def add(self, other: TripleSet) -> TripleSet:
        """Add the triples of ``other``; return those that were not here already."""
        new = TripleSet(self.type)
        for c, xs in other.members.items():
            if not xs:
                continue
            here = self.members.get(c)
            fresh = set(xs) if here is None else xs - here
            if fresh:
                self.members[c] |= fresh
                new.members[c] = fresh
        for p, prs in other.pairs.items():
            if not prs:
                continue
            if p == self.type:  # rdf:type triples made by a rule on pairs (prp-spo1, ...)
                typed = TripleSet.of(self.type, ((s, p, o) for s, o in prs))
                new.add(self.add(typed))
                continue
            here_p = self.pairs.get(p)
            fresh_p = set(prs) if here_p is None else prs - here_p
            if fresh_p:
                self.pairs[p] |= fresh_p
                new.pairs[p] = fresh_p
        if self._forward or self._backward:
            for p in set(self._forward) | set(self._backward):
                _index_into(self._forward.get(p), self._backward.get(p), new, p)
        return new

    def minus(self, other: TripleSet) -> TripleSet:
        """A new set: the triples here that are not in ``other``."""
        found = TripleSet(self.type)
        for c, xs in self.members.items():
            rest = xs - other.members.get(c, _EMPTY)
            if rest:
                found.members[c] = rest
        for p, prs in self.pairs.items():
            rest_p = prs - other.pairs.get(p, set())
            if rest_p:
                found.pairs[p] = rest_p
        return found

    def forward(self, p: int) -> dict[int, set[int]]:
        """subject → objects of predicate ``p``."""
        found = self._forward.get(p)
        if found is None:
            found = self._forward[p] = defaultdict(set)
            _index_into(found, None, self, p)
        return found

    def backward(self, p: int) -> dict[int, set[int]]:
        """object → subjects of predicate ``p`` (for rdf:type: the members of each class)."""
        if p == self.type:
            return self.members
        found = self._backward.get(p)
        if found is None:
            found = self._backward[p] = defaultdict(set)
            _index_into(None, found, self, p)
        return found

    def predicates(self) -> set[int]:
        """Every predicate with at least one triple."""
        found = {p for p, prs in self.pairs.items() if prs}
        if any(self.members.values()):
            found.add(self.type)
        return found

    def items(self, head: int, first: int, rest: int, nil: int) -> list[int] | None:
        """The members of the RDF list starting at ``head``; None if it is malformed."""
        firsts, rests = self.forward(first), self.forward(rest)
        found: list[int] = []
        seen: set[int] = set()
        while head != nil:
            if head in seen or len(firsts.get(head, ())) != 1 or len(rests.get(head, ())) != 1:
                return None
            seen.add(head)
            found.append(next(iter(firsts[head])))
            head = next(iter(rests[head]))
        return found


def _index_into(
    forward: defaultdict[int, set[int]] | None,
    backward: defaultdict[int, set[int]] | None,
    triples: TripleSet,
    p: int,
) -> None:
    if p == triples.type:
        if forward is not None:
            for c, xs in triples.members.items():
                for x in xs:
                    forward[x].add(c)
        return
    for s, o in triples.pairs.get(p, ()):
        if forward is not None:
            forward[s].add(o)
        if backward is not None:
            backward[o].add(s)
