"""Materialize the inferred graph: OWL 2 RL and the domain rules, to a fixpoint.

:func:`materialize` alternates an OWL 2 RL reasoner (:mod:`backcare_kg.reasoning.reasoners`: the
``compiled`` engine by default, ``owlrl`` the reference) with the domain rules, which run
semi-naively (:mod:`backcare_kg.reasoning.rule_engine`), until a round adds nothing; both work on a
graph of integer ids (:mod:`.triples`). :mod:`.bulk` runs the same
fixpoint on files parsed without rdflib, for large inputs.

owlrl's closure also contains triples that say nothing about our data: every literal typed
by its datatype, every node ``owl:sameAs`` itself, the built-in vocabulary's own axioms.
:data:`NOISE` lists exactly what is filtered out of the inferred graph, in order, whichever
reasoner ran; a real entailment about a term of ours (``bc:X rdfs:subClassOf schema:Thing``,
``bcr:yoga rdf:type bc:Activity``) is never noise. Generalized triples (a literal subject, a
blank-node predicate), which OWL RL reasoning goes through, never reach the output either.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import NamedTuple

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import OWL, RDF, RDFS, XSD
from rdflib.term import Node

from backcare_kg.errors import DataError
from backcare_kg.rdf.support_levels import (
    EDITORIAL,
    ENTAILED,
    GENERALIZED,
    STATED,
    support_graph,
)
from backcare_kg.reasoning import reasoners
from backcare_kg.reasoning.editorial import editorial_statements
from backcare_kg.reasoning.reasoners import ERR
from backcare_kg.reasoning.rule_engine import RuleEngine
from backcare_kg.reasoning.rules import KINDS, Rule, Triple
from backcare_kg.reasoning.triples import IRI, RdflibTerms, Terms, TripleSet
from backcare_kg.vocab import PREFIXES

log = logging.getLogger(__name__)

#: A safety net: the rules and OWL RL reach a fixpoint in a handful of rounds.
MAX_ROUNDS = 50

_BUILT_IN = (str(RDF), str(RDFS), str(OWL), str(XSD))
_MEMBERSHIP = re.compile(re.escape(str(RDF)) + r"_[1-9][0-9]*$")
_REFLEXIVE = frozenset(
    {OWL.sameAs, OWL.equivalentClass, OWL.equivalentProperty, RDFS.subClassOf, RDFS.subPropertyOf}
)
_CLASS_LINKS = frozenset(
    {
        RDF.type,
        RDFS.subClassOf,
        OWL.equivalentClass,
        RDFS.domain,
        RDFS.range,
        OWL.disjointWith,
        OWL.complementOf,
    }
)


class NoiseFilter(NamedTuple):
    """One kind of owlrl output that is not an entailment about our data."""

    name: str
    description: str
    test: Callable[[Triple], bool]


def _built_in(term: Node) -> bool:
    return isinstance(term, URIRef) and str(term).startswith(_BUILT_IN)


def _membership(term: Node) -> bool:
    return isinstance(term, URIRef) and _MEMBERSHIP.match(str(term)) is not None


#: What :func:`materialize` removes from owlrl's output, in the order it is checked.
NOISE: tuple[NoiseFilter, ...] = (
    NoiseFilter(
        "literal-subject",
        "a literal as subject: owlrl types every literal by its datatype "
        '("3"^^xsd:integer rdf:type xsd:integer) and makes it owl:sameAs itself',
        lambda t: isinstance(t[0], Literal),
    ),
    NoiseFilter(
        "inconsistency-report",
        "owlrl's inconsistency reports (err:ErrorMessage nodes); they are logged "
        "as warnings instead",
        lambda t: t[1] == ERR.error or (t[1] == RDF.type and t[2] == ERR.ErrorMessage),
    ),
    NoiseFilter(
        "container-membership",
        "rdf:_1, rdf:_2, ... as subject or predicate, and typing as "
        "rdfs:ContainerMembershipProperty",
        lambda t: (
            _membership(t[0])
            or _membership(t[1])
            or (t[1] == RDF.type and t[2] == RDFS.ContainerMembershipProperty)
        ),
    ),
    NoiseFilter(
        "reflexive",
        "x owl:sameAs x, x owl:equivalentClass x, x owl:equivalentProperty x, "
        "x rdfs:subClassOf x, x rdfs:subPropertyOf x",
        lambda t: t[0] == t[2] and t[1] in _REFLEXIVE,
    ),
    NoiseFilter(
        "top-typing",
        "x rdf:type owl:Thing and x rdf:type rdfs:Resource",
        lambda t: t[1] == RDF.type and t[2] in (OWL.Thing, RDFS.Resource),
    ),
    NoiseFilter(
        "top-and-bottom",
        "x rdfs:subClassOf owl:Thing and owl:Nothing rdfs:subClassOf x",
        lambda t: t[1] == RDFS.subClassOf and (t[2] == OWL.Thing or t[0] == OWL.Nothing),
    ),
    NoiseFilter(
        "universal-domain-range",
        "p rdfs:domain owl:Thing and p rdfs:range owl:Thing",
        lambda t: t[1] in (RDFS.domain, RDFS.range) and t[2] == OWL.Thing,
    ),
    NoiseFilter(
        "datatype-typing",
        "built-in datatypes typed as datatypes (xsd:string rdf:type rdfs:Datatype)",
        lambda t: t[1] == RDF.type and t[2] == RDFS.Datatype and _built_in(t[0]),
    ),
    NoiseFilter(
        "built-in-vocabulary",
        "any triple whose subject is a term of the rdf:, rdfs:, owl: or xsd: "
        "namespaces: the built-in vocabulary's own axioms (rdfs:label rdf:type "
        "owl:AnnotationProperty, xsd:boolean owl:disjointWith xsd:decimal, ...)",
        lambda t: _built_in(t[0]),
    ),
    NoiseFilter(
        "anonymous-class",
        "links to and from anonymous class expressions (blank-node restrictions, "
        "unions, ...): x rdf:type _:r, C rdfs:subClassOf _:r, _:r owl:equivalentClass C; "
        "the named consequences (x rdf:type C) are kept",
        lambda t: (
            (t[1] in _CLASS_LINKS and isinstance(t[2], BNode))
            or (t[1] in (RDFS.subClassOf, OWL.equivalentClass) and isinstance(t[0], BNode))
        ),
    ),
    NoiseFilter(
        "list-structure",
        "rdf:first / rdf:rest triples: owlrl rewrites the lists that encode OWL axioms "
        "when their members are owl:sameAs something else",
        lambda t: t[1] in (RDF.first, RDF.rest),
    ),
)


def is_noise(triple: Triple) -> bool:
    """Whether ``triple`` is owlrl noise rather than an entailment about our data."""
    return any(f.test(triple) for f in NOISE)


class NoiseTest:
    """:func:`is_noise` for triples of ids, fast enough for millions of triples.

    The filters of :data:`NOISE` look at a triple's shape only: which terms are built-in
    (``rdf:``, ``rdfs:``, ``owl:``, ``xsd:``, owlrl's ``err:``) and which they are, the kind
    of every other term (IRI, blank node, literal) and which positions hold the same term.
    So the answer for one triple of a shape is the answer for all: it is computed by
    :func:`is_noise` once per shape, on a stand-in triple, and remembered.
    """

    _SPACES = (*_BUILT_IN, str(ERR))

    def __init__(self, terms: Terms) -> None:
        self.terms = terms
        self._codes: dict[int, int] = {}
        self._answers: dict[tuple[int, ...], bool] = {}

    def __call__(self, s: int, p: int, o: int) -> bool:
        code = self._codes
        key = (
            code[s] if s in code else self._code(s),
            code[p] if p in code else self._code(p),
            code[o] if o in code else self._code(o),
            s == p,
            s == o,
            p == o,
        )
        found = self._answers.get(key)
        if found is None:
            found = self._answers[key] = is_noise(self._stand_in(s, p, o))
        return found

    def _code(self, i: int) -> int:
        """The term's id if it is built-in, else its kind as a negative number."""
        kind = self.terms.kinds[i]
        if kind == IRI and str(self.terms.node(i)).startswith(self._SPACES):
            found = i
        else:
            found = -1 - kind
        self._codes[i] = found
        return found

    def _stand_in(self, s: int, p: int, o: int) -> Triple:
        """A triple of the same shape whose terms other than built-in ones are made up."""
        made: dict[int, Node] = {}

        def stand_in(i: int) -> Node:
            if self._codes[i] >= 0:
                return self.terms.node(i)
            if i not in made:
                kind, n = self.terms.kinds[i], len(made)
                made[i] = (URIRef, BNode, Literal)[kind](f"urn:x-backcare-kg:stand-in:{n}")
            return made[i]

        return stand_in(s), stand_in(p), stand_in(o)


class Inference(NamedTuple):
    """What :func:`infer` computes: the inferred graph and the support graph."""

    inferred: Graph
    support: Graph


def materialize(asserted: Graph, rules: Sequence[Rule], reasoner: str = reasoners.DEFAULT) -> Graph:
    """The triples entailed by ``asserted`` under OWL 2 RL and ``rules``, and only those.

    The inferred graph of :func:`infer` (see there).
    """
    return infer(asserted, rules, reasoner).inferred


def infer(asserted: Graph, rules: Sequence[Rule], reasoner: str = reasoners.DEFAULT) -> Inference:
    """The inferred graph of ``asserted`` under OWL 2 RL and ``rules``, with support levels.

    The OWL RL closure (by the registered reasoner called ``reasoner``: ``compiled``, the
    default, or ``owlrl``, the reference) and the rules alternate until a round adds
    nothing (:func:`closure`); the rules run semi-naively. ``inferred`` never contains a
    triple of ``asserted`` nor any :data:`NOISE`. ``support`` holds an ``rdf:Statement``
    with its ``bc:supportLevel`` for every statement whose level is not its graph's
    default (:mod:`backcare_kg.rdf.support_levels`). An unknown ``reasoner`` raises
    :class:`~backcare_kg.errors.ParameterError` listing the registered ones.
    """
    engine = reasoners.get(reasoner)
    terms = RdflibTerms()
    tid = terms.id
    base = TripleSet.of(terms.type, ((tid(s), tid(p), tid(o)) for s, p, o in asserted))
    result = closure(base, terms, rules, engine)
    inferred = Graph()
    for prefix, namespace in PREFIXES.items():
        inferred.bind(prefix, namespace)
    noisy, kinds, node = NoiseTest(terms), terms.kinds, terms.node
    kept = [
        (node(s), node(p), node(o), inferred)
        for s, p, o in result.inferred
        if kinds[p] == IRI and not noisy(s, p, o)  # not a blank-node predicate: not RDF
    ]
    inferred.addN(kept)
    noise = len(result.inferred) - len(kept)
    levels = {
        level: [
            (node(s), node(p), node(o))
            for s, p, o in triples
            if kinds[p] == IRI and not noisy(s, p, o)
        ]
        for level, triples in result.support.items()
    }
    log.info(
        "materialized %d inferred triples in %d round(s) (%d noise triples filtered); "
        "%d statements with a support level other than their graph's default",
        len(inferred),
        result.rounds,
        noise,
        sum(map(len, levels.values())),
    )
    return Inference(inferred, support_graph(levels))


@dataclass
class Closure:
    """A materialized graph: everything, what was inferred, and how it went.

    ``support`` maps a support level to the statements of that level that are not at
    their graph's default (an asserted statement not stated, an inferred one not
    entailed); it may contain noise, as ``inferred`` may.
    """

    graph: TripleSet
    inferred: TripleSet
    rounds: int
    problems: list[str]
    rules: RuleEngine
    support: dict[int, TripleSet] = field(default_factory=dict)


class _Stage(NamedTuple):
    """One stage of :func:`closure`: the level it proves, what it adds, which rules run."""

    level: int
    base: TripleSet | None
    kinds: frozenset[str]


def closure(
    asserted: TripleSet,
    terms: Terms,
    rules: Sequence[Rule],
    reasoner: reasoners.Reasoner,
    *,
    semi_naive: bool = True,
) -> Closure:
    """OWL 2 RL (by ``reasoner``) and ``rules``, alternately, until nothing new; with levels.

    The closure is computed in three stages, each continuing the last, so that a
    statement's support level is the first stage that proves it (a proof is as strong as
    its weakest step, a statement as its strongest proof;
    :mod:`backcare_kg.rdf.support_levels`):

    1. *entailed*: the stated asserted triples (all but those only editorial readings
       license), OWL RL and the ``strict`` rules;
    2. *generalized*: the ``generalization`` rules too;
    3. *editorial*: the asserted triples that rest on an editorial reading too.

    In each stage the monotone rules and OWL RL alternate to a fixpoint (round 1 of a
    stage applies the rules it enables to everything, later rounds only to what is new:
    semi-naively; ``semi_naive=False`` applies them to everything, for comparison); then
    the rules that ask that something be absent (:attr:`Rule.monotone` false) run once
    on that closure, the later stratum, and what they add is closed in turn. So the
    result never depends on the order of the rules. A conclusion of such a rule that no
    longer holds at the end (something added later made it false) is a
    :class:`~backcare_kg.errors.DataError`: the rules are not stratified.
    Inconsistencies are logged as warnings. ``inferred`` may contain noise.
    """
    editorial = editorial_statements(asserted, terms)
    stated = asserted.minus(editorial) if editorial else asserted
    graph = TripleSet(terms.type)
    session = reasoner.open(graph, terms)
    engine = RuleEngine(rules, terms)
    by_kind = {
        kind: [r.name for r in rules if r.kind == kind and r.monotone] for kind in KINDS
    }
    later = {kind: [r.name for r in rules if r.kind == kind and not r.monotone] for kind in KINDS}
    stages = (
        _Stage(ENTAILED, stated, frozenset({"strict"})),
        _Stage(GENERALIZED, None, frozenset({"strict", "generalization"})),
        _Stage(EDITORIAL, editorial, frozenset({"strict", "generalization"})),
    )
    rounds = 0
    enabled: set[str] = set()
    added: dict[int, TripleSet] = {}
    concluded = TripleSet(terms.type)  # what the later stratum added
    watch = _Watch(engine, [r for rs in later.values() for r in rs], terms.type)
    for stage in stages:
        monotone = {name for kind in stage.kinds for name in by_kind[kind]}
        absent = {name for kind in stage.kinds for name in later[kind]}
        fresh_rules, enabled = monotone - enabled, monotone
        delta = graph.add(stage.base) if stage.base is not None else TripleSet(terms.type)
        watch.note(delta)
        here = TripleSet(terms.type)
        if stage.level > ENTAILED:
            here.add(delta)
        first = True
        while True:
            rounds += 1
            new_here = session.close(delta)
            watch.note(new_here)
            if stage.level > ENTAILED:
                here.add(new_here)
            if not semi_naive:
                new = engine.apply(graph, only=monotone)
            elif first:  # rules new in this stage see everything, the others what is new
                new = engine.apply(graph, only=fresh_rules)
                if monotone - fresh_rules:
                    new_here.add(delta)
                    new.add(engine.apply(graph, new_here, only=monotone - fresh_rules))
            else:
                new_here.add(delta)
                new = engine.apply(graph, new_here, only=monotone)
            first = False
            if not new and absent and watch.due(absent):
                # the later stratum, on the closure of the monotone one
                new = _later_stratum(engine, graph, concluded, sorted(absent))
                watch.ran(absent)
            log.debug("stage %d, round %d: %d triples, rules added %d",
                      stage.level, rounds, len(graph), len(new))
            if not new:
                break
            if rounds >= MAX_ROUNDS * len(stages):
                raise DataError(f"the rules did not reach a fixpoint after {rounds} rounds")
            delta = graph.add(new)
            watch.note(delta)
            if stage.level > ENTAILED:
                here.add(delta)
        if stage.level > ENTAILED:
            added[stage.level] = here
        elif editorial:
            added[ENTAILED] = TripleSet.of(terms.type, (t for t in editorial if t in graph))
    for problem in session.problems:
        log.warning("OWL RL inconsistency: %s", problem)
    support: dict[int, TripleSet] = {}
    for level, triples in added.items():
        found = TripleSet(terms.type)
        for s, p, o in triples:
            if (s, p, o) in asserted:
                if level != STATED and (s, p, o) in editorial:
                    found.add_triple(s, p, o)
            elif level != ENTAILED:
                found.add_triple(s, p, o)
        if found:
            support[level] = found
    return Closure(graph, graph.minus(asserted), rounds, list(session.problems), engine, support)


class _Watch:
    """Whether the rules of the later stratum may conclude anything new: a triple they read
    was added since they last ran (or a rule was enabled since)."""

    def __init__(self, engine: RuleEngine, names: Sequence[str], type_id: int) -> None:
        self.predicates: set[int] = set()
        self.classes: set[int] = set()
        self.anything = False
        for name in names:
            for _, p, o in engine.reads(name):
                if p < 0 or (p == type_id and o < 0):
                    self.anything = True
                elif p == type_id:
                    self.classes.add(o)
                else:
                    self.predicates.add(p)
        self.dirty = True
        self.done: set[str] = set()

    def note(self, triples: TripleSet) -> None:
        """``triples`` were just added to the graph."""
        if self.dirty or not triples:
            return
        self.dirty = (
            self.anything
            or any(triples.pairs.get(p) for p in self.predicates)
            or any(triples.members.get(c) for c in self.classes)
        )

    def due(self, names: set[str]) -> bool:
        return self.dirty or not names <= self.done

    def ran(self, names: set[str]) -> None:
        self.dirty = False
        self.done |= names


def _later_stratum(
    engine: RuleEngine, graph: TripleSet, concluded: TripleSet, names: Sequence[str]
) -> TripleSet:
    """What the rules ``names`` (asking for absence) add to ``graph``; ``concluded`` (what
    they added before) is extended. A :class:`DataError` if something they concluded before
    no longer follows: the rules are not stratified."""
    out = engine.construct(graph, only=names)
    lost = concluded.minus(out)
    if lost:
        s, p, o = next(iter(lost))
        node = engine.terms.node
        raise DataError(
            f"the rules {', '.join(names)} are not stratified: they concluded "
            f"{node(s).n3()} {node(p).n3()} {node(o).n3()}, which no longer holds once "
            "later statements are added (a rule that asks for absence must not depend on "
            "what it or a weaker stage concludes)"
        )
    new = out.minus(graph)
    concluded.add(new)
    return new
