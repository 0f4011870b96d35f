"""The OWL 2 RL rules read backwards: given a statement, the premises that derive it.

Each rule is named as in the W3C tables (OWL 2 Profiles, section 4.3) and covers what the
reasoners apply (:mod:`backcare_kg.reasoning.owl_rl`,
:mod:`backcare_kg.reasoning.owl_schema`): the class and property axioms (cax-*, prp-*), the
class expressions (cls-*) and the schema rules (scm-*). For a statement,
:func:`instances` lists every way of deriving it from statements
the graph holds, rule by rule in the order of :data:`RULES`. Rules whose conclusion is
filtered out of the inferred graph as noise (scm-cls, scm-op, scm-dp, the eq-* rules' x
owl:sameAs x) are left out: nothing of ours rests on them.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass

from rdflib.namespace import OWL, RDF, RDFS
from rdflib.term import BNode, Node

from backcare_kg.explain.index import Index, ordered
from backcare_kg.explain.model import OWL_RL, RuleRef, Statement

Premises = tuple[Statement, ...]
Backward = Callable[[Index, Node, Node, Node], Iterator[Premises]]

TYPE, SC, SP = RDF.type, RDFS.subClassOf, RDFS.subPropertyOf
EQC, EQP = OWL.equivalentClass, OWL.equivalentProperty


@dataclass(frozen=True)
class OwlRule:
    """An OWL 2 RL rule: its reference and how to read it backwards."""

    ref: RuleRef
    backward: Backward


# -- class axioms: rdf:type ------------------------------------------------------------------


def _member(ix: Index, x: Node, c: Node) -> bool:
    """Whether ``x`` may be a ``c``: the graph says so, or ``c`` is a class expression.

    The inferred graph leaves out membership of anonymous class expressions (noise, see
    ``reasoning.NOISE``); the search replaces such a premise by its own derivation.
    """
    return isinstance(c, BNode) or ix.holds(x, TYPE, c)


def _cax_sco(ix: Index, x: Node, p: Node, c: Node) -> Iterator[Premises]:
    for c1 in ix.subjects(SC, c):
        if c1 != c and _member(ix, x, c1):
            yield (c1, SC, c), (x, TYPE, c1)


def _cax_eqc1(ix: Index, x: Node, p: Node, c: Node) -> Iterator[Premises]:
    for c1 in ix.subjects(EQC, c):
        if c1 != c and _member(ix, x, c1):
            yield (c1, EQC, c), (x, TYPE, c1)


def _cax_eqc2(ix: Index, x: Node, p: Node, c: Node) -> Iterator[Premises]:
    for c1 in ix.objects(c, EQC):
        if c1 != c and _member(ix, x, c1):
            yield (c, EQC, c1), (x, TYPE, c1)


def _prp_dom(ix: Index, x: Node, p: Node, c: Node) -> Iterator[Premises]:
    for prop in ix.subjects(RDFS.domain, c):
        for y in ordered(ix.objects(x, prop)):
            yield (prop, RDFS.domain, c), (x, prop, y)


def _prp_rng(ix: Index, y: Node, p: Node, c: Node) -> Iterator[Premises]:
    for prop in ix.subjects(RDFS.range, c):
        for x in ordered(ix.subjects(prop, y)):
            yield (prop, RDFS.range, c), (x, prop, y)


def _restrictions(ix: Index, r: Node) -> Iterator[Node]:
    yield from ix.objects(r, OWL.onProperty)


def _cls_hv2(ix: Index, x: Node, p: Node, r: Node) -> Iterator[Premises]:
    for v in ix.objects(r, OWL.hasValue):
        for prop in _restrictions(ix, r):
            if ix.holds(x, prop, v):
                yield (r, OWL.hasValue, v), (r, OWL.onProperty, prop), (x, prop, v)


def _cls_svf1(ix: Index, x: Node, p: Node, r: Node) -> Iterator[Premises]:
    for filler in ix.objects(r, OWL.someValuesFrom):
        if filler == OWL.Thing:
            continue
        for prop in _restrictions(ix, r):
            for y in ordered(ix.objects(x, prop)):
                if _member(ix, y, filler):
                    yield (
                        (r, OWL.someValuesFrom, filler),
                        (r, OWL.onProperty, prop),
                        (x, prop, y),
                        (y, TYPE, filler),
                    )


def _cls_svf2(ix: Index, x: Node, p: Node, r: Node) -> Iterator[Premises]:
    if ix.holds(r, OWL.someValuesFrom, OWL.Thing):
        for prop in _restrictions(ix, r):
            for y in ordered(ix.objects(x, prop)):
                yield (r, OWL.someValuesFrom, OWL.Thing), (r, OWL.onProperty, prop), (x, prop, y)


def _cls_avf(ix: Index, y: Node, p: Node, filler: Node) -> Iterator[Premises]:
    for r in ix.subjects(OWL.allValuesFrom, filler):
        for prop in _restrictions(ix, r):
            for x in ordered(ix.subjects(prop, y)):
                if _member(ix, x, r):
                    yield (
                        (r, OWL.allValuesFrom, filler),
                        (r, OWL.onProperty, prop),
                        (x, TYPE, r),
                        (x, prop, y),
                    )


def _cls_int1(ix: Index, x: Node, p: Node, c: Node) -> Iterator[Premises]:
    for head in ix.objects(c, OWL.intersectionOf):
        members = ix.items(head)
        if members and all(_member(ix, x, m) for m in members):
            yield ((c, OWL.intersectionOf, head), *((x, TYPE, m) for m in members))


def _cls_int2(ix: Index, x: Node, p: Node, c: Node) -> Iterator[Premises]:
    for whole, head in ix.pairs(OWL.intersectionOf):
        if c in (ix.items(head) or ()) and _member(ix, x, whole):
            yield (whole, OWL.intersectionOf, head), (x, TYPE, whole)


def _cls_uni(ix: Index, x: Node, p: Node, c: Node) -> Iterator[Premises]:
    for head in ix.objects(c, OWL.unionOf):
        for m in ix.items(head) or ():
            if _member(ix, x, m):
                yield (c, OWL.unionOf, head), (x, TYPE, m)


def _cls_oo(ix: Index, y: Node, p: Node, c: Node) -> Iterator[Premises]:
    for head in ix.objects(c, OWL.oneOf):
        if y in (ix.items(head) or ()):
            yield ((c, OWL.oneOf, head),)


# -- property axioms -------------------------------------------------------------------------


def _prp_spo1(ix: Index, x: Node, p: Node, y: Node) -> Iterator[Premises]:
    for p1 in ix.subjects(SP, p):
        if p1 != p and ix.holds(x, p1, y):
            yield (p1, SP, p), (x, p1, y)


def _prp_eqp1(ix: Index, x: Node, p: Node, y: Node) -> Iterator[Premises]:
    for p1 in ix.subjects(EQP, p):
        if p1 != p and ix.holds(x, p1, y):
            yield (p1, EQP, p), (x, p1, y)


def _prp_eqp2(ix: Index, x: Node, p: Node, y: Node) -> Iterator[Premises]:
    for p1 in ix.objects(p, EQP):
        if p1 != p and ix.holds(x, p1, y):
            yield (p, EQP, p1), (x, p1, y)


def _prp_inv1(ix: Index, y: Node, p: Node, x: Node) -> Iterator[Premises]:
    for p1 in ix.subjects(OWL.inverseOf, p):
        if ix.holds(x, p1, y):
            yield (p1, OWL.inverseOf, p), (x, p1, y)


def _prp_inv2(ix: Index, y: Node, p: Node, x: Node) -> Iterator[Premises]:
    for p2 in ix.objects(p, OWL.inverseOf):
        if ix.holds(x, p2, y):
            yield (p, OWL.inverseOf, p2), (x, p2, y)


def _prp_symp(ix: Index, x: Node, p: Node, y: Node) -> Iterator[Premises]:
    if ix.holds(p, TYPE, OWL.SymmetricProperty) and ix.holds(y, p, x):
        yield (p, TYPE, OWL.SymmetricProperty), (y, p, x)


def _prp_trp(ix: Index, x: Node, p: Node, z: Node) -> Iterator[Premises]:
    if ix.holds(p, TYPE, OWL.TransitiveProperty):
        for y in ordered(ix.objects(x, p)):
            if y not in (x, z) and ix.holds(y, p, z):
                yield (p, TYPE, OWL.TransitiveProperty), (x, p, y), (y, p, z)


def _prp_spo2(ix: Index, x: Node, p: Node, z: Node) -> Iterator[Premises]:
    for head in ix.objects(p, OWL.propertyChainAxiom):
        chain = ix.items(head)
        if not chain:
            continue
        for path in _paths(ix, x, chain, z):
            yield ((p, OWL.propertyChainAxiom, head), *path)


def _paths(ix: Index, x: Node, chain: list[Node], z: Node) -> Iterator[Premises]:
    """Every path from ``x`` to ``z`` whose links follow ``chain``'s properties in order."""
    if len(chain) == 1:
        if ix.holds(x, chain[0], z):
            yield ((x, chain[0], z),)
        return
    for y in ordered(ix.objects(x, chain[0])):
        for rest in _paths(ix, y, chain[1:], z):
            yield ((x, chain[0], y), *rest)


def _cls_hv1(ix: Index, x: Node, p: Node, v: Node) -> Iterator[Premises]:
    for r in ix.subjects(OWL.hasValue, v):
        if ix.holds(r, OWL.onProperty, p) and _member(ix, x, r):
            yield (r, OWL.hasValue, v), (r, OWL.onProperty, p), (x, TYPE, r)


# -- schema ----------------------------------------------------------------------------------


def _scm_sco(ix: Index, c1: Node, p: Node, c3: Node) -> Iterator[Premises]:
    for c2 in ordered(ix.objects(c1, SC)):
        if c2 not in (c1, c3) and ix.holds(c2, SC, c3):
            yield (c1, SC, c2), (c2, SC, c3)


def _scm_eqc1(ix: Index, c1: Node, p: Node, c2: Node) -> Iterator[Premises]:
    if ix.holds(c1, EQC, c2):
        yield ((c1, EQC, c2),)
    if ix.holds(c2, EQC, c1):
        yield ((c2, EQC, c1),)


def _scm_eqc2(ix: Index, c1: Node, p: Node, c2: Node) -> Iterator[Premises]:
    if c1 != c2 and ix.holds(c1, SC, c2) and ix.holds(c2, SC, c1):
        yield (c1, SC, c2), (c2, SC, c1)


def _scm_spo(ix: Index, p1: Node, p: Node, p3: Node) -> Iterator[Premises]:
    for p2 in ordered(ix.objects(p1, SP)):
        if p2 not in (p1, p3) and ix.holds(p2, SP, p3):
            yield (p1, SP, p2), (p2, SP, p3)


def _scm_eqp1(ix: Index, p1: Node, p: Node, p2: Node) -> Iterator[Premises]:
    if ix.holds(p1, EQP, p2):
        yield ((p1, EQP, p2),)
    if ix.holds(p2, EQP, p1):
        yield ((p2, EQP, p1),)


def _scm_eqp2(ix: Index, p1: Node, p: Node, p2: Node) -> Iterator[Premises]:
    if p1 != p2 and ix.holds(p1, SP, p2) and ix.holds(p2, SP, p1):
        yield (p1, SP, p2), (p2, SP, p1)


def _scm_1(axis: Node) -> Backward:
    """scm-dom1 / scm-rng1: P axis C1, C1 ⊑ C2 → P axis C2."""

    def backward(ix: Index, prop: Node, p: Node, c2: Node) -> Iterator[Premises]:
        for c1 in ordered(ix.objects(prop, axis)):
            if c1 != c2 and ix.holds(c1, SC, c2):
                yield (prop, axis, c1), (c1, SC, c2)

    return backward


def _scm_2(axis: Node) -> Backward:
    """scm-dom2 / scm-rng2: P2 axis C, P1 ⊑ P2 → P1 axis C."""

    def backward(ix: Index, p1: Node, p: Node, c: Node) -> Iterator[Premises]:
        for p2 in ordered(ix.objects(p1, SP)):
            if p2 != p1 and ix.holds(p2, axis, c):
                yield (p2, axis, c), (p1, SP, p2)

    return backward


def _scm_restriction(filler_axis: Node, *, same_filler: bool, filler_direction: int) -> Backward:
    """scm-hv, scm-svf1/2, scm-avf1/2: a subclass link between two restrictions.

    ``same_filler``: the two restrictions share the filler and their properties are linked
    by rdfs:subPropertyOf (scm-hv, scm-svf2, scm-avf2); otherwise they share the property
    and their fillers are linked by rdfs:subClassOf (scm-svf1, scm-avf1).
    ``filler_direction`` says which way round the property (or filler) link goes: +1 when
    the subclass's link points to the superclass's, -1 the other way round (scm-avf2).
    """

    def backward(ix: Index, c1: Node, p: Node, c2: Node) -> Iterator[Premises]:
        for f1 in ordered(ix.objects(c1, filler_axis)):
            for p1 in ordered(ix.objects(c1, OWL.onProperty)):
                for f2 in ordered(ix.objects(c2, filler_axis)):
                    for p2 in ordered(ix.objects(c2, OWL.onProperty)):
                        base: Premises = (
                            (c1, filler_axis, f1),
                            (c1, OWL.onProperty, p1),
                            (c2, filler_axis, f2),
                            (c2, OWL.onProperty, p2),
                        )
                        if same_filler:
                            a, b = (p1, p2) if filler_direction > 0 else (p2, p1)
                            if f1 == f2 and a != b and ix.holds(a, SP, b):
                                yield (*base, (a, SP, b))
                        else:
                            a, b = (f1, f2) if filler_direction > 0 else (f2, f1)
                            if p1 == p2 and a != b and ix.holds(a, SC, b):
                                yield (*base, (a, SC, b))

    return backward


def _scm_int(ix: Index, c: Node, p: Node, ci: Node) -> Iterator[Premises]:
    for head in ix.objects(c, OWL.intersectionOf):
        if ci in (ix.items(head) or ()):
            yield ((c, OWL.intersectionOf, head),)


def _scm_uni(ix: Index, ci: Node, p: Node, c: Node) -> Iterator[Premises]:
    for head in ix.objects(c, OWL.unionOf):
        if ci in (ix.items(head) or ()):
            yield ((c, OWL.unionOf, head),)


def _rule(name: str, summary: str, backward: Backward) -> OwlRule:
    return OwlRule(RuleRef(OWL_RL, name, summary), backward)


#: By the predicate of the statements they conclude (None: any predicate), in the order
#: they are tried: the instance rules first, then the schema rules.
RULES: dict[Node | None, tuple[OwlRule, ...]] = {
    TYPE: (
        _rule("cax-sco", "x is a C1 and C1 is a subclass of C2, so x is a C2", _cax_sco),
        _rule("cax-eqc1", "x is a C1 and C1 is equivalent to C2, so x is a C2", _cax_eqc1),
        _rule("cax-eqc2", "x is a C2 and C1 is equivalent to C2, so x is a C1", _cax_eqc2),
        _rule("prp-dom", "x p y and p has domain C, so x is a C", _prp_dom),
        _rule("prp-rng", "x p y and p has range C, so y is a C", _prp_rng),
        _rule(
            "cls-hv2", "x p v and C is the class of things with p value v, so x is a C", _cls_hv2
        ),
        _rule(
            "cls-svf1",
            "x p y, y is a D and C is the class of things with some p value in D, so x is a C",
            _cls_svf1,
        ),
        _rule(
            "cls-svf2",
            "x p y and C is the class of things with some p value, so x is a C",
            _cls_svf2,
        ),
        _rule("cls-avf", "x is a C, x p y and every p value of a C is a D, so y is a D", _cls_avf),
        _rule(
            "cls-int1", "x is each class of an intersection, so x is in the intersection", _cls_int1
        ),
        _rule("cls-int2", "x is in an intersection, so x is each class of it", _cls_int2),
        _rule("cls-uni", "x is one class of a union, so x is in the union", _cls_uni),
        _rule("cls-oo", "y is listed in an enumeration C (owl:oneOf), so y is a C", _cls_oo),
    ),
    SC: (
        _rule(
            "scm-sco", "C1 is a subclass of C2 and C2 of C3, so C1 is a subclass of C3", _scm_sco
        ),
        _rule(
            "scm-eqc1", "C1 and C2 are equivalent, so each is a subclass of the other", _scm_eqc1
        ),
        _rule(
            "scm-hv",
            "two hasValue restrictions with one value, on p1 ⊑ p2: the first is a "
            "subclass of the second",
            _scm_restriction(OWL.hasValue, same_filler=True, filler_direction=1),
        ),
        _rule(
            "scm-svf1",
            "two someValuesFrom restrictions on one property, with fillers "
            "D1 ⊑ D2: the first is a subclass of the second",
            _scm_restriction(OWL.someValuesFrom, same_filler=False, filler_direction=1),
        ),
        _rule(
            "scm-svf2",
            "two someValuesFrom restrictions with one filler, on p1 ⊑ p2: the "
            "first is a subclass of the second",
            _scm_restriction(OWL.someValuesFrom, same_filler=True, filler_direction=1),
        ),
        _rule(
            "scm-avf1",
            "two allValuesFrom restrictions on one property, with fillers "
            "D1 ⊑ D2: the first is a subclass of the second",
            _scm_restriction(OWL.allValuesFrom, same_filler=False, filler_direction=1),
        ),
        _rule(
            "scm-avf2",
            "two allValuesFrom restrictions with one filler, on p1 ⊑ p2: the "
            "second is a subclass of the first",
            _scm_restriction(OWL.allValuesFrom, same_filler=True, filler_direction=-1),
        ),
        _rule("scm-int", "an intersection is a subclass of each of its classes", _scm_int),
        _rule("scm-uni", "each class of a union is a subclass of the union", _scm_uni),
    ),
    EQC: (
        _rule(
            "scm-eqc2", "C1 and C2 are subclasses of each other, so they are equivalent", _scm_eqc2
        ),
    ),
    SP: (
        _rule(
            "scm-spo",
            "p1 is a subproperty of p2 and p2 of p3, so p1 is a subproperty of p3",
            _scm_spo,
        ),
        _rule(
            "scm-eqp1", "p1 and p2 are equivalent, so each is a subproperty of the other", _scm_eqp1
        ),
    ),
    EQP: (
        _rule(
            "scm-eqp2",
            "p1 and p2 are subproperties of each other, so they are equivalent",
            _scm_eqp2,
        ),
    ),
    RDFS.domain: (
        _rule(
            "scm-dom1",
            "p has domain C1 and C1 is a subclass of C2, so p has domain C2",
            _scm_1(RDFS.domain),
        ),
        _rule(
            "scm-dom2",
            "p2 has domain C and p1 is a subproperty of p2, so p1 has domain C",
            _scm_2(RDFS.domain),
        ),
    ),
    RDFS.range: (
        _rule(
            "scm-rng1",
            "p has range C1 and C1 is a subclass of C2, so p has range C2",
            _scm_1(RDFS.range),
        ),
        _rule(
            "scm-rng2",
            "p2 has range C and p1 is a subproperty of p2, so p1 has range C",
            _scm_2(RDFS.range),
        ),
    ),
    None: (
        _rule("prp-spo1", "x p1 y and p1 is a subproperty of p2, so x p2 y", _prp_spo1),
        _rule("prp-eqp1", "x p1 y and p1 is equivalent to p2, so x p2 y", _prp_eqp1),
        _rule("prp-eqp2", "x p2 y and p1 is equivalent to p2, so x p1 y", _prp_eqp2),
        _rule("prp-inv1", "x p1 y and p1 is the inverse of p2, so y p2 x", _prp_inv1),
        _rule("prp-inv2", "x p2 y and p1 is the inverse of p2, so y p1 x", _prp_inv2),
        _rule("prp-symp", "x p y and p is symmetric, so y p x", _prp_symp),
        _rule("prp-trp", "x p y, y p z and p is transitive, so x p z", _prp_trp),
        _rule("prp-spo2", "a path x p1 … pn z along the property chain of p, so x p z", _prp_spo2),
        _rule(
            "cls-hv1", "x is a C and C is the class of things with p value v, so x p v", _cls_hv1
        ),
    ),
}


#: Each rule by name.
BY_NAME: dict[str, RuleRef] = {
    rule.ref.name: rule.ref for rules in RULES.values() for rule in rules
}

#: Each rule's position in :data:`RULES`: the order derivations are tried in.
ORDER: dict[str, int] = {
    rule.ref.name: n for n, rule in enumerate(r for rules in RULES.values() for r in rules)
}


def instances(ix: Index, s: Node, p: Node, o: Node) -> Iterator[tuple[RuleRef, Premises]]:
    """Every way an OWL 2 RL rule derives ``s p o`` from statements ``ix`` holds."""
    for rule in (*RULES.get(p, ()), *RULES[None]):
        for premises in rule.backward(ix, s, p, o):
            yield rule.ref, premises
