"""The support level of each statement as the graph records it: the reasoner's word.

The reasoner writes an ``rdf:Statement`` with its ``bc:supportLevel`` into the support
graph (:data:`~backcare_kg.vocab.SUPPORT_GRAPH`) for every statement whose level is not its
graph's default (:mod:`backcare_kg.rdf.support_levels`); any other statement the graph holds
is stated if asserted and entailed if inferred. Nothing is computed here: proofs are graded
step by step in :mod:`.model`, and an explanation checks the two agree.
"""

from __future__ import annotations

from collections.abc import Iterable

from rdflib.namespace import RDF
from rdflib.term import Node, URIRef

from backcare_kg.explain.index import Index
from backcare_kg.explain.model import Statement
from backcare_kg.rdf.support_levels import (
    ASSERTED_DEFAULT,
    INFERRED_DEFAULT,
    LEVEL_OF_IRI,
    SupportLevel,
)
from backcare_kg.vocab import BC

_PARTS: dict[Node, int] = {RDF.subject: 0, RDF.predicate: 1, RDF.object: 2}


class StoredLevels:
    """The level of each statement of ``index``, read from the support graph's triples."""

    def __init__(self, index: Index, support: Iterable[tuple[Node, Node, Node]]) -> None:
        self.index = index
        parts: dict[Node, dict[int, Node]] = {}
        ranks: dict[Node, int] = {}
        for node, p, o in support:
            if p in _PARTS:
                parts.setdefault(node, {})[_PARTS[p]] = o
            elif p == BC.supportLevel and isinstance(o, URIRef) and o in LEVEL_OF_IRI:
                rank = LEVEL_OF_IRI[o]
                # two levels for one statement (graphs merged): the strongest holds
                ranks[node] = min(ranks.get(node, rank), rank)
        self._levels: dict[Statement, SupportLevel] = {}
        for node, rank in ranks.items():
            found = parts.get(node, {})
            if len(found) == 3:
                statement = (found[0], found[1], found[2])
                known = self._levels.get(statement)
                if known is None or rank < known.rank:
                    self._levels[statement] = SupportLevel(rank)

    def of(self, statement: Statement) -> SupportLevel | None:
        """The level the graph records for ``statement``; None if it does not hold it."""
        if not self.index.holds(*statement):
            return None
        found = self._levels.get(statement)
        if found is not None:
            return found
        return SupportLevel(
            ASSERTED_DEFAULT if self.index.is_asserted(statement) else INFERRED_DEFAULT
        )

    def __len__(self) -> int:
        """How many statements the support graph lists."""
        return len(self._levels)
