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
from dataclasses import dataclass
from typing import NamedTuple

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import OWL, RDF, RDFS, XSD
from rdflib.term import Node

from backcare_kg.errors import DataError
from backcare_kg.reasoning import reasoners
from backcare_kg.reasoning.reasoners import ERR
from backcare_kg.reasoning.rule_engine import RuleEngine
from backcare_kg.reasoning.rules import Rule, Triple
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


def materialize(asserted: Graph, rules: Sequence[Rule], reasoner: str = reasoners.DEFAULT) -> Graph:
    """The triples entailed by ``asserted`` under OWL 2 RL and ``rules``, and only those.

    The OWL RL closure (by the registered reasoner called ``reasoner``: ``compiled``, the
    default, or ``owlrl``, the reference) and the rules alternate until a round adds
    nothing; the rules run semi-naively. The result never contains a triple of
    ``asserted`` nor any :data:`NOISE`. An unknown ``reasoner`` raises
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
    log.info(
        "materialized %d inferred triples in %d round(s) (%d noise triples filtered)",
        len(inferred),
        result.rounds,
        noise,
    )
    return inferred


@dataclass
class Closure:
    """A materialized graph: everything, what was inferred, and how it went."""

    graph: TripleSet
    inferred: TripleSet
    rounds: int
    problems: list[str]
    rules: RuleEngine


def closure(
    asserted: TripleSet,
    terms: Terms,
    rules: Sequence[Rule],
    reasoner: reasoners.Reasoner,
    *,
    semi_naive: bool = True,
) -> Closure:
    """OWL 2 RL (by ``reasoner``) and ``rules``, alternately, until a round adds nothing.

    Round 1 closes the asserted triples and applies every rule to everything; each later
    round closes what the rules added and applies the rules to what is new since they last
    ran (semi-naively; ``semi_naive=False`` applies them to everything, for comparison).
    Inconsistencies are logged as warnings. ``inferred`` may contain noise.
    """
    graph = TripleSet(terms.type)
    delta = graph.add(asserted)
    session = reasoner.open(graph, terms)
    engine = RuleEngine(rules, terms)
    rounds = 0
    while True:
        rounds += 1
        new_here = session.close(delta)
        if rounds > 1 and semi_naive:  # the rules' delta: their own output and its closure
            new_here.add(delta)
            new = engine.apply(graph, new_here)
        else:
            new = engine.apply(graph)
        log.debug("round %d: %d triples, rules added %d", rounds, len(graph), len(new))
        if not new:
            break
        if rounds >= MAX_ROUNDS:
            raise DataError(f"the rules did not reach a fixpoint after {MAX_ROUNDS} rounds")
        delta = graph.add(new)
    for problem in session.problems:
        log.warning("OWL RL inconsistency: %s", problem)
    return Closure(graph, graph.minus(asserted), rounds, list(session.problems), engine)
