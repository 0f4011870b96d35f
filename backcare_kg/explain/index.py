"""The materialized graph as lookup tables for proof search: which statements hold, which
were asserted, and every statement matching a pattern with one or two terms known."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

from rdflib.namespace import RDF
from rdflib.term import Node

from backcare_kg.explain.model import Statement

_NONE: frozenset[Node] = frozenset()


def ordered(nodes: Iterable[Node]) -> list[Node]:
    """``nodes`` in a fixed order (by N-Triples form), so that proofs never depend on the
    order of a set."""
    return sorted(nodes, key=lambda n: n.n3())


class Index:
    """The asserted and inferred statements of a graph, indexed both ways round."""

    def __init__(self, asserted: Iterable[Statement], inferred: Iterable[Statement]) -> None:
        self.asserted: set[Statement] = set()
        self._spo: dict[Node, dict[Node, set[Node]]] = defaultdict(lambda: defaultdict(set))
        self._pos: dict[Node, dict[Node, set[Node]]] = defaultdict(lambda: defaultdict(set))
        for triple in asserted:
            self.asserted.add(triple)
            self._add(triple)
        for triple in inferred:
            self._add(triple)
        self._lists: dict[Node, list[Node] | None] = {}

    def _add(self, triple: Statement) -> None:
        s, p, o = triple
        self._spo[s][p].add(o)
        self._pos[p][o].add(s)

    def __len__(self) -> int:
        return sum(len(os) for ps in self._spo.values() for os in ps.values())

    def holds(self, s: Node, p: Node, o: Node) -> bool:
        """Whether the graph (asserted or inferred) holds the statement."""
        found = self._spo.get(s)
        return found is not None and o in found.get(p, _NONE)

    def is_asserted(self, statement: Statement) -> bool:
        """Whether the statement is in the asserted graph."""
        return statement in self.asserted

    def objects(self, s: Node, p: Node) -> set[Node] | frozenset[Node]:
        """The objects of ``s p ?``."""
        found = self._spo.get(s)
        return found.get(p, _NONE) if found is not None else _NONE

    def subjects(self, p: Node, o: Node) -> set[Node] | frozenset[Node]:
        """The subjects of ``? p o``."""
        found = self._pos.get(p)
        return found.get(o, _NONE) if found is not None else _NONE

    def pairs(self, p: Node) -> Iterable[tuple[Node, Node]]:
        """Every (subject, object) of ``? p ?``."""
        for o, subjects in self._pos.get(p, {}).items():
            for s in subjects:
                yield s, o

    def predicates(self) -> set[Node]:
        """Every predicate used."""
        return set(self._pos)

    def properties(self, s: Node) -> dict[Node, set[Node]]:
        """The predicates of ``s`` and their objects."""
        return self._spo.get(s, {})

    def items(self, head: Node) -> list[Node] | None:
        """The members of the RDF list starting at ``head``; None if it is not a proper list."""
        if head not in self._lists:
            members: list[Node] = []
            seen: set[Node] = set()
            node: Node = head
            result: list[Node] | None = members
            while node != RDF.nil:
                firsts, rests = self.objects(node, RDF.first), self.objects(node, RDF.rest)
                if len(firsts) != 1 or len(rests) != 1 or node in seen:
                    result = None
                    break
                seen.add(node)
                members.append(next(iter(firsts)))
                node = next(iter(rests))
            self._lists[head] = result
        return self._lists[head]
