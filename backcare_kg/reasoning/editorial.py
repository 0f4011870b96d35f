"""Which asserted statements rest on an editorial reading of ours, as the data says.

``?reading bc:licenses [ rdf:subject ?s ; rdf:predicate ?p ; rdf:object ?o ]`` with
``?reading a bc:EditorialReading`` marks (s, p, o) editorial
(:data:`~backcare_kg.rdf.support_levels.EDITORIAL`); a statement a claim of the source
(``bc:Claim``, ``bc:Recommendation``) licenses too stays stated. Every other asserted
statement, a user's own data included, is stated.
"""

from __future__ import annotations

from rdflib import Graph
from rdflib.namespace import RDF

from backcare_kg.rdf.support_levels import EDITORIAL, support_graph
from backcare_kg.reasoning.triples import RdflibTerms, Terms, TripleSet
from backcare_kg.vocab import BC

#: The classes whose ``bc:licenses`` make a statement stated (a claim of the source).
_CLAIM_CLASSES = (BC.Claim, BC.Recommendation)


def editorial_statements(asserted: TripleSet, terms: Terms) -> TripleSet:
    """The triples of ``asserted`` that editorial readings license and no claim does."""
    found = TripleSet(asserted.type)
    licenses = terms.known(BC.licenses)
    reading = terms.known(BC.EditorialReading)
    if licenses is None or reading is None or not asserted.pairs.get(licenses):
        return found
    readings = asserted.members.get(reading, set())
    claims: set[int] = set()
    for cls in _CLAIM_CLASSES:
        known = terms.known(cls)
        if known is not None:
            claims |= asserted.members.get(known, set())
    by_readings: set[int] = set()
    by_claims: set[int] = set()
    for who, statement in asserted.pairs[licenses]:
        if who in claims:
            by_claims.add(statement)
        elif who in readings:
            by_readings.add(statement)
    subject, predicate, object_ = (terms.known(t) for t in (RDF.subject, RDF.predicate, RDF.object))
    if subject is None or predicate is None or object_ is None:
        return found
    parts = asserted.forward(subject), asserted.forward(predicate), asserted.forward(object_)

    def statements(nodes: set[int]) -> set[tuple[int, int, int]]:
        """The asserted triples the rdf:Statement ``nodes`` describe."""
        triples: set[tuple[int, int, int]] = set()
        for node in nodes:
            ss, ps, os_ = (part.get(node, ()) for part in parts)
            triples.update((s, p, o) for s in ss for p in ps for o in os_)
        return {triple for triple in triples if triple in asserted}

    # by triple, not by node: a claim and a reading each license through a node of their own
    for s, p, o in statements(by_readings) - statements(by_claims):
        found.add_triple(s, p, o)
    return found




def editorial_support(asserted: Graph) -> Graph:
    """The support graph of ``asserted`` alone, without inference: its editorial statements.

    With inference, :func:`~backcare_kg.reasoning.materialize.infer` computes the support
    graph (an editorial statement the ontology also entails is entailed there); without,
    an asserted statement is stated unless only readings of ours license it.
    """
    terms = RdflibTerms()
    tid = terms.id
    base = TripleSet.of(terms.type, ((tid(s), tid(p), tid(o)) for s, p, o in asserted))
    return support_graph({EDITORIAL: list(terms.triples(editorial_statements(base, terms)))})
