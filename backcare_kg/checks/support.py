"""One support level for every statement: the support graph agrees with the other two.

DESIGN.md, "Support levels": every statement, asserted or inferred, has one level; the
support graph (:data:`~backcare_kg.vocab.SUPPORT_GRAPH`, computed by the reasoner) lists an
``rdf:Statement`` with its ``bc:supportLevel`` for each statement whose level is not its
graph's default (asserted: stated; inferred: entailed), and only those.
:func:`check_support` reports where the reasoner's output breaks that:

- a support node that does not name exactly one statement, or names one that is in
  neither the asserted nor the inferred graph;
- a statement with no level, several (one node with several values, or several nodes), or
  a value that is not a level (:data:`~backcare_kg.rdf.support_levels.LEVEL_IRIS`);
- a statement listed at its graph's default level, or an inferred statement said to be
  stated (only asserted statements are);
- an asserted statement the data marks as resting on editorial readings alone
  (:func:`editorial_of`, as the reasoner reads the licenses) that the support graph does
  not list: its level is not the default, so the support graph must say it.

:func:`check_asserted_levels` reports what the data itself must not say: a
``bc:supportLevel`` in an asserted file. Levels are computed, into their own graph; one
written by hand is ignored by every query that reads the support graph, while a client
reading the union of the graphs sees it beside the computed one.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Collection, Iterator

from rdflib import Graph, URIRef
from rdflib.namespace import RDF
from rdflib.term import Node

from backcare_kg.checks.findings import Finding
from backcare_kg.rdf.support_levels import (
    ASSERTED_DEFAULT,
    INFERRED_DEFAULT,
    LEVEL_IRIS,
    LEVEL_NAMES,
    LEVEL_OF_IRI,
    STATED,
)
from backcare_kg.reasoning.editorial import editorial_statements
from backcare_kg.reasoning.triples import RdflibTerms, TripleSet
from backcare_kg.vocab import BC

Triple = tuple[Node, Node, Node]
_PARTS = (RDF.subject, RDF.predicate, RDF.object)
_PART_NAMES = ("rdf:subject", "rdf:predicate", "rdf:object")
_LEVEL, _TYPE, _STATEMENT = BC.supportLevel, RDF.type, RDF.Statement
_READ = (*_PARTS, _LEVEL)


def editorial_of(asserted: Graph) -> set[Triple]:
    """The asserted statements editorial readings license and no claim does.

    The reasoner's own reading of the licenses
    (:func:`~backcare_kg.reasoning.editorial.editorial_statements`): their level is at best
    entailed, never stated.
    """
    terms = RdflibTerms()
    tid = terms.id
    base = TripleSet.of(terms.type, ((tid(s), tid(p), tid(o)) for s, p, o in asserted))
    return set(terms.triples(editorial_statements(base, terms)))


def check_support(
    asserted: Graph,
    inferred: Graph,
    support: Graph,
    name: Callable[[Node], str],
    editorial: Collection[Triple] = (),
) -> list[Finding]:
    """Where ``support`` disagrees with ``asserted`` and ``inferred`` (see the module).

    ``editorial`` are the asserted statements the data marks as editorial
    (:func:`editorial_of`). ``name`` gives a node's short name for the messages. The
    findings come sorted by the statement they are about.
    """
    described: defaultdict[Node, defaultdict[Node, list[Node]]] = defaultdict(
        lambda: defaultdict(list)
    )
    for predicate in _READ:  # by predicate: the support graph is large for large data
        for node, value in support.subject_objects(predicate):
            described[node][predicate].append(value)
    for node in support.subjects(_TYPE, _STATEMENT):  # typed, and perhaps nothing else
        described.setdefault(node, defaultdict(list))
    findings: list[Finding] = []
    levels: defaultdict[Triple, list[Node]] = defaultdict(list)
    for node, found in described.items():
        parts = [found[part] for part in _PARTS]
        if any(len(part) != 1 for part in parts):
            counts = ", ".join(
                f"{len(part)} {what}" for what, part in zip(_PART_NAMES, parts, strict=True)
            )
            findings.append(
                Finding(
                    parts[0][0] if parts[0] else node,
                    "the support graph holds an rdf:Statement that does not name exactly one "
                    f"statement ({counts})",
                )
            )
            continue
        s, p, o = (part[0] for part in parts)
        levels[(s, p, o)].extend(found[_LEVEL])
    for statement, values in levels.items():
        findings.extend(_check_levels(statement, values, asserted, inferred, name))
    for s, p, o in editorial:
        if (s, p, o) in asserted and (s, p, o) not in levels:
            findings.append(
                Finding(
                    s,
                    "the data marks this statement editorial (an editorial reading licenses "
                    "it, no claim does), but the support graph gives it no level: it reads as "
                    "stated",
                    p,
                    o,
                    statement=True,
                )
            )
    return sorted(findings, key=_order)


def _order(finding: Finding) -> tuple[str, ...]:
    parts = (finding.node, finding.predicate, finding.value)
    return (*(n.n3() if n is not None else "" for n in parts), finding.message)


def _check_levels(
    statement: Triple,
    values: list[Node],
    asserted: Graph,
    inferred: Graph,
    name: Callable[[Node], str],
) -> Iterator[Finding]:
    s, p, o = statement

    def finding(message: str) -> Finding:
        return Finding(s, message, p, o, statement=True)

    held = "asserted" if statement in asserted else "inferred" if statement in inferred else None
    if held is None:
        yield finding(
            "the support graph gives a level to a statement that is in neither the "
            "asserted nor the inferred graph"
        )
        return
    distinct = sorted(set(values), key=lambda n: n.n3())
    if len(distinct) != 1:
        found = ", ".join(name(v) for v in distinct) or "none"
        yield finding(f"a statement has one support level; the support graph gives {found}")
        return
    value = distinct[0]
    level = LEVEL_OF_IRI.get(value) if isinstance(value, URIRef) else None
    if level is None:
        accepted = ", ".join(name(iri) for iri in LEVEL_IRIS.values())
        yield finding(f"{name(value)} is not a support level (accepted: {accepted})")
        return
    default = ASSERTED_DEFAULT if held == "asserted" else INFERRED_DEFAULT
    if held == "inferred" and level == STATED:
        yield finding("an inferred statement cannot be stated: only asserted ones are")
    elif level == default:
        yield finding(
            f"the support graph lists an {held} statement at its graph's default level "
            f"({LEVEL_NAMES[default]}): it lists only the others"
        )


def check_asserted_levels(asserted: Graph) -> Iterator[Finding]:
    """Each ``bc:supportLevel`` the asserted files state: levels are computed, not asserted."""
    for node, level in sorted(asserted.subject_objects(BC.supportLevel), key=lambda t: t[0].n3()):
        yield Finding(
            node,
            "support levels are computed by the reasoner into the support graph, never "
            "asserted: mark an editorial statement with the bc:licenses of its editorial "
            "reading instead",
            BC.supportLevel,
            level,
            statement=True,
        )
