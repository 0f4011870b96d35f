"""OWL 2 RL reasoners, registered by name: ``compiled`` (the default) and ``owlrl``.

A reasoner opens a :class:`Session` on a working graph (a
:class:`~.triples.TripleSet` and its :class:`~.triples.Terms`); each
:meth:`Session.close` call takes triples just added to that graph and adds their OWL 2 RL
consequences, returning those. Both engines give the same entailments once owlrl's
axiomatic noise is filtered (``reasoning.NOISE``):

- ``owlrl``: the reference, RDFLib's OWL-RL package (pure Python; seconds at 10k triples,
  minutes at 100k);
- ``compiled``: our engine (:mod:`backcare_kg.reasoning.owl_rl`), the schema compiled into set
  operations on whole relations; when the graph uses a construct it does not implement it
  says so in a warning and hands the graph to ``owlrl``.

:func:`register` adds an engine, as rdflib's plugin registry does for parsers and stores (the
registry is :mod:`backcare_kg.reasoning.reasoner_registry`, which names these reasoners
without importing them).
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Protocol

from rdflib import Graph, Literal, Namespace
from rdflib.namespace import OWL, RDF

from backcare_kg.errors import DataError
from backcare_kg.rdf.rdflib_warnings import captured_rdflib_warnings
from backcare_kg.reasoning.owl_rl import CompiledSession, Unsupported
from backcare_kg.reasoning.reasoner_registry import DEFAULT_REASONER, REASONERS
from backcare_kg.reasoning.triples import Terms, TripleSet

log = logging.getLogger(__name__)

#: Where owlrl writes its inconsistency reports (``_:e a err:ErrorMessage; err:error "…"``).
ERR = Namespace("http://www.daml.org/2002/03/agents/agent-ont#")

#: The reasoner used unless another is named.
DEFAULT = DEFAULT_REASONER


class Session(Protocol):
    """A working graph kept closed under OWL 2 RL by one reasoner."""

    @property
    def problems(self) -> list[str]:
        """Inconsistencies found so far, one readable line each."""

    def close(self, delta: TripleSet) -> TripleSet:
        """``delta`` was just added to the graph: add its consequences and return them."""


@dataclass(frozen=True)
class Reasoner:
    """A registered reasoner: its name, what it is, and how to open a session."""

    name: str
    description: str
    open: Callable[[TripleSet, Terms], Session]


def register(name: str, description: str, open: Callable[[TripleSet, Terms], Session]) -> None:
    """Make a reasoner available by ``name`` (replacing one of that name)."""
    REASONERS.register(name, Reasoner(name, description, open))


def names() -> list[str]:
    """The registered reasoners' names."""
    return REASONERS.names()


def get(name: str) -> Reasoner:
    """The reasoner called ``name``; ParameterError listing the registered ones if none is."""
    return REASONERS.get(name)


# -- owlrl, the reference ------------------------------------------------------------------


class OwlrlSession:
    """owlrl over an rdflib copy of the working graph, recomputed in full on each call."""

    def __init__(self, graph: TripleSet, terms: Terms) -> None:
        self.graph, self.terms = graph, terms
        self.problems: list[str] = []
        self._work = Graph()

    def close(self, delta: TripleSet) -> TripleSet:
        work = self._work
        work.addN((s, p, o, work) for s, p, o in self.terms.triples(delta))
        before = set(work)
        for problem in _owl_rl_closure(work):
            if problem not in self.problems:
                self.problems.append(problem)
        new = TripleSet(self.graph.type)
        id_of = self.terms.id_of
        for s, p, o in work:
            if (s, p, o) not in before:
                new.add_triple(id_of(s), id_of(p), id_of(o))
        return self.graph.add(new)


def _owl_rl_closure(graph: Graph) -> list[str]:
    """Expand ``graph`` in place with owlrl; remove and return its inconsistency reports."""
    import owlrl  # imported here: a second or so, and only this engine needs it

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


# -- compiled, the default -----------------------------------------------------------------


class CompiledOrOwlrl:
    """The compiled engine, handing over to owlrl if the graph needs what it lacks."""

    def __init__(self, graph: TripleSet, terms: Terms) -> None:
        self.graph, self.terms = graph, terms
        self.session: CompiledSession | OwlrlSession = CompiledSession(graph, terms)

    @property
    def problems(self) -> list[str]:
        return self.session.problems

    def close(self, delta: TripleSet) -> TripleSet:
        if isinstance(self.session, OwlrlSession):
            return self.session.close(delta)
        try:
            return self.session.close(delta)
        except Unsupported as exc:
            done = self.session.inferred
            log.warning(
                "the 'compiled' reasoner does not implement %s: using 'owlrl' instead "
                "(the same entailments, much slower on large graphs)",
                ", ".join(exc.constructs),
            )
            fallback = OwlrlSession(self.graph, self.terms)
            fallback.problems.extend(self.session.problems)
            self.session = fallback
            done.add(fallback.close(self.graph))
            return done


#: The reasoners :mod:`.reasoner_registry` names (and imports this module for).
COMPILED = Reasoner(
    "compiled",
    "OWL 2 RL with the schema compiled into set operations (fast; falls back to owlrl "
    "for constructs it lacks)",
    CompiledOrOwlrl,
)
OWLRL = Reasoner("owlrl", "RDFLib's OWL-RL package: the reference (slow on large graphs)",
                 OwlrlSession)
