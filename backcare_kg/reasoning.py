"""Materialize the inferred graph: OWL 2 RL (owlrl) and the domain rules, to a fixpoint.

owlrl's closure also contains triples that say nothing about our data: every literal typed
by its datatype, every node ``owl:sameAs`` itself, the built-in vocabulary's own axioms.
:data:`NOISE` lists exactly what is filtered out of the inferred graph, in order; a real
entailment about a term of ours (``bc:X rdfs:subClassOf schema:Thing``, ``bcr:yoga rdf:type
bc:Activity``) is never noise.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from typing import NamedTuple

import owlrl
from rdflib import BNode, Graph, Literal, Namespace, URIRef
from rdflib.namespace import OWL, RDF, RDFS, XSD
from rdflib.term import Node

from .errors import DataError
from .loading import captured_rdflib_warnings
from .rules import Rule, Triple, apply_rules
from .vocab import PREFIXES

log = logging.getLogger(__name__)

#: Where owlrl writes its inconsistency reports (``_:e a err:ErrorMessage; err:error "…"``).
ERR = Namespace("http://www.daml.org/2002/03/agents/agent-ont#")

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


def noise_kind(triple: Triple) -> str | None:
    """The name of the first :data:`NOISE` filter that ``triple`` matches, else None."""
    return next((f.name for f in NOISE if f.test(triple)), None)


def is_noise(triple: Triple) -> bool:
    """Whether ``triple`` is owlrl noise rather than an entailment about our data."""
    return any(f.test(triple) for f in NOISE)


def materialize(asserted: Graph, rules: Sequence[Rule]) -> Graph:
    """The triples entailed by ``asserted`` under OWL 2 RL and ``rules``, and only those.

    OWL RL closure and one application of every rule alternate until a round adds nothing.
    The result never contains a triple of ``asserted`` nor any :data:`NOISE`.
    """
    work = Graph()
    work += asserted
    rounds = 0
    problems: dict[str, None] = {}
    while True:
        rounds += 1
        for problem in _owl_rl_closure(work):
            problems[problem] = None
        new = apply_rules(work, rules)
        log.debug("round %d: %d triples, rules added %d", rounds, len(work), len(new))
        if not new:
            break
        if rounds >= MAX_ROUNDS:
            raise DataError(f"the rules did not reach a fixpoint after {MAX_ROUNDS} rounds")
        for triple in new:
            work.add(triple)
    for problem in problems:
        log.warning("OWL RL inconsistency: %s", problem)
    inferred = Graph()
    for prefix, namespace in PREFIXES.items():
        inferred.bind(prefix, namespace)
    noise = 0
    for triple in work:
        if triple in asserted:
            continue
        if is_noise(triple):
            noise += 1
        else:
            inferred.add(triple)
    log.info(
        "materialized %d inferred triples in %d round(s) (%d noise triples filtered)",
        len(inferred),
        rounds,
        noise,
    )
    return inferred


def _owl_rl_closure(graph: Graph) -> list[str]:
    """Expand ``graph`` in place with owlrl; remove and return its inconsistency reports."""
    messages: list[str] = []
    try:
        with captured_rdflib_warnings(messages), _rdflib_conversions_restored():
            owlrl.DeductiveClosure(
                owlrl.OWLRL_Semantics, axiomatic_triples=False, datatype_axioms=False
            ).expand(graph)
    except Exception as exc:
        raise DataError(f"OWL RL reasoning failed: {type(exc).__name__}: {exc}") from exc
    for message in dict.fromkeys(messages):
        log.debug("owlrl: %s", message)
    reports: list[str] = []
    for node in list(graph.subjects(RDF.type, ERR.ErrorMessage)):
        reports.extend(str(text) for text in graph.objects(node, ERR.error))
        graph.remove((node, None, None))
    # owlrl equates two different literals (a functional property with two values) without
    # a report, then copies one value wherever the other occurs: report it ourselves.
    for a, b in graph.subject_objects(OWL.sameAs):
        if isinstance(a, Literal) and isinstance(b, Literal) and a.n3() < b.n3() and not a.eq(b):
            reports.append(
                f"different values {a.n3()} and {b.n3()} are made owl:sameAs "
                "(a functional property with two values?)"
            )
    return reports


@contextmanager
def _rdflib_conversions_restored() -> Iterator[None]:
    """Undo owlrl's change to rdflib's global lexical-to-Python table.

    ``expand`` installs its own converters into ``rdflib.term._toPythonMapping`` and, on the
    way out, restores only the datatypes rdflib itself knows: ten others (xsd:gYear,
    xsd:Name, ...) stay converted owlrl's way for the rest of the process, and all of them
    do if the closure raises.
    """
    from rdflib.term import _toPythonMapping

    saved = dict(_toPythonMapping)
    try:
        yield
    finally:
        _toPythonMapping.clear()
        _toPythonMapping.update(saved)
