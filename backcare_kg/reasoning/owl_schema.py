"""The schema of a graph, closed by the OWL 2 RL scm-* rules, as tables for instance rules.

:class:`Schema` reads the axioms of a working graph (hierarchies, equivalences, domains and
ranges, inverse / symmetric / transitive properties, chains, restrictions, unions,
intersections, enumerations, disjointness), closes them as owlrl does (scm-sco, scm-spo,
scm-eqc1/2, scm-eqp1/2, scm-dom1/2, scm-rng1/2, scm-hv, scm-svf1/2, scm-avf1/2, scm-int,
scm-uni), keeps the closed schema as triples to add (:attr:`Schema.derived`) and as lookup
tables for :mod:`backcare_kg.reasoning.owl_rl`. A construct it does not cover raises
:class:`Unsupported`.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

from rdflib.namespace import OWL, RDF, RDFS, XSD

from backcare_kg.reasoning.triples import Terms, TripleSet

#: Constructs this engine does not implement: their presence makes it give way to owlrl.
#: They are owl:sameAs and what entails it (the eq-* rules, prp-fp, prp-ifp, prp-key,
#: cls-maxc2, cls-maxqc3/4) and the consistency checks other than cax-dw and cls-nothing2.
#: owl:differentFrom and owl:AllDifferent only matter together with owl:sameAs.
UNSUPPORTED_PREDICATES = (
    OWL.sameAs,
    OWL.propertyDisjointWith,
    OWL.hasKey,
    OWL.sourceIndividual,
    OWL.complementOf,
    OWL.maxCardinality,
    OWL.maxQualifiedCardinality,
)
UNSUPPORTED_TYPES = (
    OWL.FunctionalProperty,
    OWL.InverseFunctionalProperty,
    OWL.IrreflexiveProperty,
    OWL.AsymmetricProperty,
    OWL.AllDisjointProperties,
    OWL.AllDisjointClasses,
)
#: Predicates and rdf:type objects whose triples are schema: adding one recompiles.
SCHEMA_PREDICATES = (
    RDFS.subClassOf,
    RDFS.subPropertyOf,
    RDFS.domain,
    RDFS.range,
    OWL.equivalentClass,
    OWL.equivalentProperty,
    OWL.inverseOf,
    OWL.propertyChainAxiom,
    OWL.onProperty,
    OWL.hasValue,
    OWL.someValuesFrom,
    OWL.allValuesFrom,
    OWL.unionOf,
    OWL.intersectionOf,
    OWL.oneOf,
    OWL.disjointWith,
    RDF.first,
    RDF.rest,
    *UNSUPPORTED_PREDICATES,
)
SCHEMA_TYPES = (
    OWL.TransitiveProperty,
    OWL.SymmetricProperty,
    OWL.Class,
    OWL.ObjectProperty,
    OWL.DatatypeProperty,
    RDF.Property,
    *UNSUPPORTED_TYPES,
)
_PROPERTY_TYPES = (OWL.ObjectProperty, OWL.DatatypeProperty, RDF.Property)
_DATATYPE_SPACES = (str(XSD), str(RDF.langString), str(RDF.PlainLiteral), str(RDFS.Literal))


class Unsupported(Exception):
    """The graph uses OWL constructs this engine does not implement."""

    def __init__(self, constructs: Iterable[str]) -> None:
        self.constructs = sorted(set(constructs))
        super().__init__(", ".join(self.constructs))


class Schema:
    """The schema of a graph, closed, as lookup tables for the instance rules."""

    def __init__(self, graph: TripleSet, terms: Terms) -> None:
        self.graph, self.terms = graph, terms
        v = terms.id_of
        self.thing, self.nothing = v(OWL.Thing), v(OWL.Nothing)
        self._check_supported()
        self.derived = TripleSet(graph.type)
        self._lists: dict[int, list[int] | None] = {}
        self._properties()
        self._classes()

    def _pairs(self, predicate: object) -> set[tuple[int, int]]:
        found = self.terms.known(predicate)  # type: ignore[arg-type]
        return self.graph.pairs.get(found, set()) if found is not None else set()

    def _members(self, cls: object) -> set[int]:
        found = self.terms.known(cls)  # type: ignore[arg-type]
        return self.graph.members.get(found, set()) if found is not None else set()

    def _list(self, head: int) -> list[int]:
        if head not in self._lists:
            v = self.terms.id_of
            self._lists[head] = self.graph.items(head, v(RDF.first), v(RDF.rest), v(RDF.nil))
        return self._lists[head] or []

    def _check_supported(self) -> None:
        found = [str(p) for p in UNSUPPORTED_PREDICATES if self._pairs(p)]
        found += [str(c) for c in UNSUPPORTED_TYPES if self._members(c)]
        datatypes = [
            d
            for p in (OWL.someValuesFrom, OWL.allValuesFrom)
            for _, d in self._pairs(p)
            if str(self.terms.node(d)).startswith(_DATATYPE_SPACES)
        ]
        if datatypes:
            found.append("a datatype restriction (someValuesFrom/allValuesFrom a datatype)")
        if self._typed_with_a_datatype():
            found.append("a resource typed with a datatype")
        if found:
            raise Unsupported(found)

    def _typed_with_a_datatype(self) -> bool:
        """Whether a resource other than a literal is typed with a datatype."""
        is_literal, node = self.terms.is_literal, self.terms.node
        return any(
            str(node(c)).startswith(_DATATYPE_SPACES) and any(not is_literal(x) for x in xs)
            for c, xs in self.graph.members.items()
        )

    # -- properties: scm-spo, scm-eqp1/2, scm-dom1/2, scm-rng1/2 ----------------------------

    def _properties(self) -> None:
        edges: defaultdict[int, set[int]] = defaultdict(set)
        for p, q in self._pairs(RDFS.subPropertyOf):
            edges[p].add(q)
        for p, q in self._pairs(OWL.equivalentProperty):
            edges[p].add(q)
            edges[q].add(p)
        self.supp = _closure(edges)
        declared = set().union(*(self._members(c) for c in _PROPERTY_TYPES))
        self.property_sub = {(p, q) for p, qs in self.supp.items() for q in qs} | {
            (p, p) for p in declared
        }
        v, derived = self.terms.id_of, self.derived
        for p, qs in self.supp.items():
            for q in qs:
                if p != q:
                    derived.add_triple(p, v(RDFS.subPropertyOf), q)
                    if p in self.supp.get(q, ()):
                        derived.add_triple(p, v(OWL.equivalentProperty), q)
        self.inverse: defaultdict[int, set[int]] = defaultdict(set)
        for p, q in self._pairs(OWL.inverseOf):
            self.inverse[p].add(q)
            self.inverse[q].add(p)
        self.symmetric = self._members(OWL.SymmetricProperty)
        self.transitive = self._members(OWL.TransitiveProperty)
        self.chains: defaultdict[int, list[tuple[int, tuple[int, ...], int]]] = defaultdict(list)
        for q, head in self._pairs(OWL.propertyChainAxiom):
            chain = tuple(self._list(head))
            for i, p in enumerate(chain):
                self.chains[p].append((q, chain, i))

    # -- classes: scm-sco, scm-eqc1/2, scm-int, scm-uni, scm-hv, scm-svf1/2, scm-avf1/2 -------

    def _classes(self) -> None:
        edges: defaultdict[int, set[int]] = defaultdict(set)
        for c, d in self._pairs(RDFS.subClassOf):
            edges[c].add(d)
        for c, d in self._pairs(OWL.equivalentClass):
            edges[c].add(d)
            edges[d].add(c)
        self.intersections: defaultdict[int, list[tuple[int, list[int]]]] = defaultdict(list)
        for whole, head in self._pairs(OWL.intersectionOf):
            parts = self._list(head)
            for part in parts:
                edges[whole].add(part)
                self.intersections[part].append((whole, parts))
        for whole, head in self._pairs(OWL.unionOf):
            for part in self._list(head):
                edges[part].add(whole)
        for cls, head in self._pairs(OWL.oneOf):  # cls-oo
            for member in self._list(head):
                self.derived.add_triple(member, self.graph.type, cls)
        on = defaultdict(set)
        for r, p in self._pairs(OWL.onProperty):
            on[r].add(p)
        values = [(r, p, x) for r, x in self._pairs(OWL.hasValue) for p in on[r]]
        some = [(r, p, x) for r, x in self._pairs(OWL.someValuesFrom) for p in on[r]]
        every = [(r, p, x) for r, x in self._pairs(OWL.allValuesFrom) for p in on[r]]
        if edges.get(self.thing, set()) - {self.thing}:
            raise Unsupported(["owl:Thing as a subclass (of a class other than itself)"])
        declared = self._members(OWL.Class) | {self.thing, self.nothing}
        while True:  # the restriction rules read the closure and add to it
            self.sup = _closure(edges)
            class_sub = {(c, d) for c, ds in self.sup.items() for d in ds}
            # owlrl types owl:Thing and owl:Nothing as classes, and makes every class a
            # subclass of itself and of owl:Thing, and a superclass of owl:Nothing (scm-cls)
            for c in declared | {c for c, ds in self.sup.items() if ds & declared}:
                class_sub |= {(c, c), (c, self.thing), (self.nothing, c)}
            added = [
                pair
                for pair in self._restriction_links(values, some, every, class_sub)
                if pair[1] not in edges[pair[0]]
            ]
            if not added:
                break
            for sub, sup in added:
                edges[sub].add(sup)
        self._class_tables(values, some, every)
        self._schema_triples()
        self.property_rules = (
            set(self.supp)
            | set(self.domains)
            | set(self.ranges)
            | set(self.inverse)
            | self.symmetric
            | self.transitive
            | set(self.chains)
            | set(self.has_value_by_property)
            | set(self.some_values)
            | set(self.all_values_by_property)
        )

    def _restriction_links(
        self,
        values: list[tuple[int, int, int]],
        some: list[tuple[int, int, int]],
        every: list[tuple[int, int, int]],
        class_sub: set[tuple[int, int]],
    ) -> list[tuple[int, int]]:
        """Subclass links between restrictions (r, property, filler-or-value)."""
        found = []
        for group in (values, some, every):
            for r1, p1, x1 in group:
                for r2, p2, x2 in group:
                    if r1 == r2:
                        continue
                    if x1 == x2 and (p1, p2) in self.property_sub:  # scm-hv, scm-svf2, scm-avf2
                        found.append((r2, r1) if group is every else (r1, r2))
                    if group is not values and p1 == p2 and (x1, x2) in class_sub:
                        found.append((r1, r2))  # scm-svf1, scm-avf1
        return found

    def _class_tables(
        self,
        values: list[tuple[int, int, int]],
        some: list[tuple[int, int, int]],
        every: list[tuple[int, int, int]],
    ) -> None:
        self.has_value: defaultdict[int, list[tuple[int, int]]] = defaultdict(list)
        self.has_value_by_property: defaultdict[int, defaultdict[int, list[int]]] = defaultdict(
            lambda: defaultdict(list)
        )
        for r, p, x in values:
            self.has_value[r].append((p, x))
            self.has_value_by_property[p][x].append(r)
        self.some_values: defaultdict[int, list[tuple[int, int]]] = defaultdict(list)
        self.some_values_by_filler: defaultdict[int, list[tuple[int, int]]] = defaultdict(list)
        for r, p, x in some:
            self.some_values[p].append((r, x))
            self.some_values_by_filler[x].append((r, p))
        self.all_values: defaultdict[int, list[tuple[int, int]]] = defaultdict(list)
        self.all_values_by_property: defaultdict[int, list[tuple[int, int]]] = defaultdict(list)
        for r, p, x in every:
            self.all_values[r].append((p, x))
            self.all_values_by_property[p].append((r, x))
        self.disjoint: defaultdict[int, list[int]] = defaultdict(list)
        for c, d in self._pairs(OWL.disjointWith):
            self.disjoint[c].append(d)

    def _schema_triples(self) -> None:
        """The closed hierarchies, domains and ranges, as triples."""
        v, derived = self.terms.id_of, self.derived
        sco, eqc = v(RDFS.subClassOf), v(OWL.equivalentClass)
        for c, ds in self.sup.items():
            for d in ds:
                derived.add_triple(c, sco, d)
                if c in self.sup.get(d, ()):
                    derived.add_triple(c, eqc, d)
        self.domains = self._closed_over_hierarchies(RDFS.domain)
        self.ranges = self._closed_over_hierarchies(RDFS.range)

    def _closed_over_hierarchies(self, predicate: object) -> dict[int, set[int]]:
        """scm-dom1/2 (or scm-rng1/2): p's classes, their superclasses, its superproperties'."""
        direct: defaultdict[int, set[int]] = defaultdict(set)
        for p, c in self._pairs(predicate):
            direct[p].add(c)
        closed: defaultdict[int, set[int]] = defaultdict(set)
        for p in set(direct) | set(self.supp):
            for q in {p} | self.supp.get(p, set()):
                for c in direct.get(q, ()):
                    closed[p] |= {c} | self.sup.get(c, set())
        pid = self.terms.id_of(predicate)  # type: ignore[arg-type]
        for p, cs in closed.items():
            for c in cs:
                self.derived.add_triple(p, pid, c)
        return closed


def _closure(edges: dict[int, set[int]]) -> dict[int, set[int]]:
    """Every node's strict successors (itself excluded) under the transitive closure of edges."""
    closed: dict[int, set[int]] = {}
    for start in edges:
        seen: set[int] = set()
        todo = list(edges[start])
        while todo:
            node = todo.pop()
            if node not in seen:
                seen.add(node)
                todo.extend(edges.get(node, ()))
        seen.discard(start)
        closed[start] = seen
    return closed
