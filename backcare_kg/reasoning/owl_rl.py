"""OWL 2 RL compiled against the schema: the rules as set operations on whole relations.

The schema (subclass and subproperty hierarchies, domains, ranges, inverses, symmetric and
transitive properties, property chains, owl:hasValue / someValuesFrom / allValuesFrom
restrictions, unions, intersections, enumerations, disjoint classes) is read from the graph
and closed once, by the scm-* rules (:mod:`backcare_kg.reasoning.owl_schema`). What it entails
about instances becomes tables (the superclasses of each class, the domains of each
property, ...), and the instance rules (cax-sco, cax-eqc, prp-dom, prp-rng, prp-spo1,
prp-eqp, prp-inv, prp-symp, prp-trp, prp-spo2, cls-hv1/2, cls-svf1/2, cls-avf, cls-uni,
cls-int1/2, cls-oo, and the cax-dw and cls-nothing2 checks) apply to the triples new in
each round only (semi-naively), until a round adds nothing. If a round adds a schema
triple, the schema is compiled again.

Constructs outside this list (owl:sameAs and what entails it, the other consistency checks,
datatype restrictions) raise :class:`Unsupported` naming them; the caller falls back to the
reference engine. The result equals owlrl's closure minus its axiomatic noise
(``reasoning.NOISE``); tests check it on the bundled data and generated graphs.
"""

from __future__ import annotations

from backcare_kg.reasoning.owl_schema import SCHEMA_PREDICATES, SCHEMA_TYPES, Schema, Unsupported
from backcare_kg.reasoning.triples import Terms, TripleSet

__all__ = ["CompiledSession", "Unsupported"]


class CompiledSession:
    """A working graph kept closed under OWL 2 RL; add triples with :meth:`close`."""

    def __init__(self, graph: TripleSet, terms: Terms) -> None:
        self.graph = graph
        self.terms = terms
        self.problems: list[str] = []
        self._reported: set[tuple[int, ...]] = set()
        v = terms.id_of
        self._schema_predicates = {v(p) for p in SCHEMA_PREDICATES}
        self._schema_types = {v(c) for c in SCHEMA_TYPES}
        self.schema: Schema | None = None
        self.inferred = TripleSet(graph.type)

    def close(self, delta: TripleSet) -> TripleSet:
        """``delta`` is in the graph already: add its consequences, return the new triples.

        Raises :class:`Unsupported` if the schema uses a construct this engine lacks; what
        it added before that is in :attr:`inferred`.
        """
        self.inferred = TripleSet(self.graph.type)
        if self.schema is None or self._touches_schema(delta):
            delta = self._compile()
        while delta:
            delta = self.graph.add(self._step(delta))
            self.inferred.add(delta)
            if self._touches_schema(delta):
                delta = self._compile()
        return self.inferred

    def _compile(self) -> TripleSet:
        """Compile the schema; the whole graph is the next delta (the rules are new)."""
        self.schema = Schema(self.graph, self.terms)
        self.inferred.add(self.graph.add(self.schema.derived))
        return self.graph

    def _touches_schema(self, delta: TripleSet) -> bool:
        return any(delta.pairs.get(p) for p in self._schema_predicates) or any(
            delta.members.get(c) for c in self._schema_types
        )

    def _step(self, delta: TripleSet) -> TripleSet:
        """The consequences of one application of the instance rules to ``delta``."""
        k = self.schema
        assert k is not None
        full = self.graph
        out = TripleSet(full.type)
        types, pairs = out.members, out.pairs
        no: tuple[()] = ()
        for c, xs in delta.members.items():
            for d in k.sup.get(c, no):  # cax-sco, cax-eqc, cls-int2, cls-uni
                types[d] |= xs
            for p, v in k.has_value.get(c, no):  # cls-hv1
                pairs[p] |= {(x, v) for x in xs}
            for whole, parts in k.intersections.get(c, no):  # cls-int1
                found = set(xs)
                for part in parts:
                    found &= full.members.get(part, set())
                types[whole] |= found
            for p, filler in k.all_values.get(c, no):  # cls-avf, the restriction typed
                forward = full.forward(p)
                for x in xs:
                    types[filler] |= forward.get(x, set())
            for restriction, p in k.some_values_by_filler.get(c, no):  # cls-svf1, y typed
                backward = full.backward(p)
                for y in xs:
                    types[restriction] |= backward.get(y, set())
            for other in k.disjoint.get(c, no):  # cax-dw
                for x in xs & full.members.get(other, set()):
                    self._report(
                        (c, other, x), "Disjoint classes %s and %s have a common individual %s"
                    )
            if c == k.nothing:  # cls-nothing2
                for x in xs:
                    self._report((c, x), "%s is defined of type 'Nothing'", skip=1)
        relations = list(delta.pairs.items())
        if full.type in k.property_rules and delta.members:  # rules about rdf:type itself
            relations.append((full.type, {(x, c) for c, xs in delta.members.items() for x in xs}))
        for p, prs in relations:
            for q in k.supp.get(p, no):  # prp-spo1, prp-eqp1/2
                pairs[q] |= prs
            domains, ranges = k.domains.get(p, no), k.ranges.get(p, no)
            if domains:  # prp-dom
                subjects = {s for s, _ in prs}
                for c in domains:
                    types[c] |= subjects
            if ranges:  # prp-rng
                objects = {o for _, o in prs}
                for c in ranges:
                    types[c] |= objects
            for q in k.inverse.get(p, no):  # prp-inv1/2
                pairs[q] |= {(o, s) for s, o in prs}
            if p in k.symmetric:  # prp-symp
                pairs[p] |= {(o, s) for s, o in prs}
            by_value = k.has_value_by_property.get(p)
            if by_value:  # cls-hv2
                for s, o in prs:
                    for restriction in by_value.get(o, no):
                        types[restriction].add(s)
            if p in k.transitive:  # prp-trp, both ways round the new pair
                forward, backward = full.forward(p), full.backward(p)
                joined = pairs[p]
                for x, y in prs:
                    joined.update((x, z) for z in forward.get(y, no))
                    joined.update((w, y) for w in backward.get(x, no))
            for q, chain, i in k.chains.get(p, no):  # prp-spo2
                for x, y in prs:
                    pairs[q].update(self._chain(chain, i, x, y))
            for restriction, filler in k.some_values.get(p, no):  # cls-svf1/2
                if filler == k.thing:
                    types[restriction] |= {s for s, _ in prs}
                else:
                    fillers = full.members.get(filler, set())
                    types[restriction] |= {s for s, o in prs if o in fillers}
            for restriction, filler in k.all_values_by_property.get(p, no):  # cls-avf
                restricted = full.members.get(restriction, set())
                types[filler] |= {o for s, o in prs if s in restricted}
        return out

    def _chain(self, chain: tuple[int, ...], i: int, x: int, y: int) -> set[tuple[int, int]]:
        """The (start, end) pairs of paths along ``chain`` whose i-th link is x→y."""
        full = self.graph
        ends = {y}
        for p in chain[i + 1 :]:
            forward = full.forward(p)
            ends = {z for e in ends for z in forward.get(e, ())}
            if not ends:
                return set()
        starts = {x}
        for p in reversed(chain[:i]):
            backward = full.backward(p)
            starts = {w for s in starts for w in backward.get(s, ())}
            if not starts:
                return set()
        return {(s, e) for s in starts for e in ends}

    def _report(self, key: tuple[int, ...], template: str, skip: int = 0) -> None:
        if key not in self._reported:
            self._reported.add(key)
            self.problems.append(template % tuple(str(self.terms.node(i)) for i in key[skip:]))
