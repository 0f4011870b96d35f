"""Every asserted statement about a resource of ours rests on a claim or an editorial reading.

Asserted statements come only from the source or from an editorial reading of ours, and the
data says which, statement by statement (DESIGN.md, "Inference" and "Support levels"): a
claim (``bc:Claim``, ``bc:Recommendation``) or an editorial reading (``bc:EditorialReading``)
``bc:licenses [ rdf:subject s ; rdf:predicate p ; rdf:object o ]`` (``data/licenses.ttl``).
:func:`check_licenses` reports

- each asserted statement about a resource of ours (its subject under ``bcr:``) that no claim
  or editorial reading licenses, except the statements that document or describe rather
  than say something (:data:`DOCUMENTATION_PREDICATES`, :data:`DOCUMENTATION_NAMESPACES`) and
  those of the provenance layer and of the vocabulary's metadata (:func:`provenance_nodes`:
  claims, readings, sentences, the source document, the editors readings are attributed
  to, the license nodes, Web Annotation nodes, concept schemes);
- each license that does not name exactly one statement, names one that is not asserted
  (a typo, or a statement since removed), or is given by something that is neither a claim
  nor an editorial reading.

A user's own data files (``--with FILE``, ``KnowledgeGraph.load(extra=...)``) are theirs:
a statement about a subject outside ``bcr:`` needs no license. A statement they make about
a resource of ours does, and is reported: merged into the graph it would read as one more
thing the source says of that resource. Their choice is to license it with a claim of
their own, or to describe their own resource under an IRI of their own.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterator
from dataclasses import dataclass, field

from rdflib import Graph, URIRef
from rdflib.namespace import DCTERMS, FOAF, OWL, RDF, RDFS, SKOS, VANN
from rdflib.term import Node

from backcare_kg.checks.findings import Finding, instances
from backcare_kg.vocab import BC, BCR, OA, PROV, SCHEMA

Triple = tuple[Node, Node, Node]

#: The predicates that document a resource or describe the data rather than say something
#: the source says: labels, definitions, notes, concept schemes, mappings to other
#: vocabularies, links to read more. A statement with one of them needs no license.
DOCUMENTATION_PREDICATES: frozenset[URIRef] = frozenset(
    {
        RDFS.label,
        RDFS.comment,
        RDFS.seeAlso,
        SKOS.prefLabel,
        SKOS.altLabel,
        SKOS.hiddenLabel,
        SKOS.definition,
        SKOS.scopeNote,
        SKOS.editorialNote,
        SKOS.note,
        SKOS.example,
        SKOS.changeNote,
        SKOS.historyNote,
        SKOS.inScheme,
        SKOS.exactMatch,
        SKOS.closeMatch,
        SKOS.relatedMatch,
        SKOS.broadMatch,
        SKOS.narrowMatch,
        SCHEMA.name,
        OWL.versionInfo,
    }
)
#: Whole vocabularies of metadata: Dublin Core terms, VANN, FOAF. A statement whose
#: predicate is in one of them needs no license.
DOCUMENTATION_NAMESPACES: tuple[str, ...] = (str(DCTERMS), str(VANN), str(FOAF))

#: The classes that license statements: claims of the source and editorial readings of ours.
LICENSING_CLASSES: tuple[URIRef, ...] = (BC.Claim, BC.Recommendation, BC.EditorialReading)
#: The classes of the provenance layer, whose instances' statements say where the others
#: come from: claims and readings (with their quotes), sentences, the source document.
PROVENANCE_CLASSES: tuple[URIRef, ...] = (*LICENSING_CLASSES, BC.Sentence, BC.SourceDocument)
#: The classes of metadata about the vocabulary itself: a concept scheme only groups
#: concepts (as ``skos:inScheme`` does, a documentation predicate).
METADATA_CLASSES: tuple[URIRef, ...] = (SKOS.ConceptScheme,)
#: The links from a claim, reading or sentence down to its Web Annotation nodes (targets,
#: selectors), which belong to the provenance layer too.
ANNOTATION_LINKS: tuple[URIRef, ...] = (OA.hasTarget, OA.hasSelector, OA.refinedBy)

_OURS = str(BCR)
_OA = str(OA)


def is_documentation(predicate: Node) -> bool:
    """Whether statements with ``predicate`` document rather than say (need no license)."""
    return predicate in DOCUMENTATION_PREDICATES or str(predicate).startswith(
        DOCUMENTATION_NAMESPACES
    )


def is_ours(node: Node) -> bool:
    """Whether ``node`` is a resource of ours: an IRI under ``bcr:``."""
    return isinstance(node, URIRef) and str(node).startswith(_OURS)


def provenance_nodes(data: Graph) -> set[Node]:
    """The nodes of the provenance layer, whose statements need no license.

    The instances of :data:`PROVENANCE_CLASSES` and :data:`METADATA_CLASSES`, the agents
    editorial readings are attributed to (``prov:wasAttributedTo``: the editors of
    backcare-kg), the license nodes (objects of ``bc:licenses``), and the Web Annotation
    nodes: those typed with an ``oa:`` class and those reached through
    :data:`ANNOTATION_LINKS`.
    """
    found = instances(data, *PROVENANCE_CLASSES, *METADATA_CLASSES)
    for reading in instances(data, BC.EditorialReading):
        found |= set(data.objects(reading, PROV.wasAttributedTo))
    found |= set(data.objects(None, BC.licenses))
    found |= {s for s, c in data.subject_objects(RDF.type) if str(c).startswith(_OA)}
    for link in ANNOTATION_LINKS:
        found |= set(data.objects(None, link))
    return found


@dataclass
class Licenses:
    """The licenses of a graph: which statements each claim or editorial reading licenses."""

    #: Each license (giver, license node, the statement it names), the well-formed ones.
    given: list[tuple[Node, Node, Triple]] = field(default_factory=list)
    #: Each license node that does not name exactly one statement, with what it has.
    malformed: list[tuple[Node, str]] = field(default_factory=list)
    #: Each license node given by something that is neither a claim nor a reading.
    wrong_givers: list[tuple[Node, Node]] = field(default_factory=list)

    @classmethod
    def of(cls, data: Graph) -> Licenses:
        """Read every ``bc:licenses`` of ``data``."""
        found = cls()
        licensing = instances(data, *LICENSING_CLASSES)
        for giver, node in sorted(data.subject_objects(BC.licenses), key=_key):
            if giver not in licensing:
                found.wrong_givers.append((giver, node))
                continue
            parts = [list(data.objects(node, p)) for p in _PARTS]
            counts = [
                f"{len(part)} {what}"
                for what, part in zip(_PART_NAMES, parts, strict=True)
                if len(part) != 1
            ]
            if counts:
                found.malformed.append((node, ", ".join(counts)))
            else:
                found.given.append((giver, node, (parts[0][0], parts[1][0], parts[2][0])))
        return found

    def covered(self) -> set[Triple]:
        """The statements some claim or editorial reading licenses."""
        return {statement for _, _, statement in self.given}


_PARTS = (RDF.subject, RDF.predicate, RDF.object)
_PART_NAMES = ("rdf:subject", "rdf:predicate", "rdf:object")


def check_licenses(
    data: Graph, name: Callable[[Node], str], theirs: Collection[Triple] = ()
) -> Iterator[Finding]:
    """What in the asserted graph ``data`` no claim or editorial reading licenses.

    ``theirs`` are the statements only the user's own files make: a finding about one of
    them says what a user can do. ``name`` gives a node's short name for the messages.
    """
    licenses = Licenses.of(data)
    for giver, node in licenses.wrong_givers:
        yield Finding(
            node,
            f"{name(giver)} is neither a claim (bc:Claim) nor an editorial reading "
            "(bc:EditorialReading): only those license statements",
        )
    for node, counts in licenses.malformed:
        yield Finding(
            node,
            "a license names one statement, with exactly one rdf:subject, rdf:predicate and "
            f"rdf:object (this one has {counts})",
        )
    for _, node, (s, p, o) in licenses.given:
        if (s, p, o) not in data:
            yield Finding(
                node,
                f"licenses {name(s)} {name(p)} {name(o)}, which is not asserted: correct the "
                "statement it names, or remove the license",
            )
    covered = licenses.covered()
    exempt = provenance_nodes(data)
    unlicensed = [
        (s, p, o)
        for s, p, o in data
        if is_ours(s) and s not in exempt and not is_documentation(p) and (s, p, o) not in covered
    ]
    for s, p, o in sorted(unlicensed, key=_key):
        yield Finding(s, _unlicensed((s, p, o) in theirs), p, o, statement=True)


def _key(nodes: tuple[Node, ...]) -> tuple[str, ...]:
    return tuple(n.n3() for n in nodes)


def _unlicensed(theirs: bool) -> str:
    if theirs:
        return (
            "a statement of yours about a resource of backcare-kg (bcr:), which no claim "
            "licenses: license it with a bc:Claim of yours (bc:licenses), or describe your "
            "resource under an IRI of your own"
        )
    return (
        "no claim or editorial reading licenses this statement: add a bc:licenses for it "
        "to the claim or reading it rests on (data/licenses.ttl)"
    )
