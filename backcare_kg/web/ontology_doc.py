"""Documentation of the ontology, as pyLODE writes it: every class and property with its
labels, definition, IRI, hierarchy, domains and ranges, restrictions and alignments, every
named individual (the support levels) with its class and values, and the ontology's own
metadata.

The ontology document is the bundled ontology file(s) (``ontology/*.ttl`` but the shapes):
what ``https://w3id.org/backcare-kg/ontology`` names, whatever data a server adds.
"""

from __future__ import annotations

import functools
from collections.abc import Iterator
from dataclasses import dataclass, field

from rdflib import OWL, RDF, RDFS, BNode, Graph, Literal, URIRef
from rdflib.collection import Collection
from rdflib.namespace import DCTERMS, SKOS
from rdflib.term import Node

from backcare_kg.storage import files
from backcare_kg.vocab import BC, ONTOLOGY

VANN = "http://purl.org/vocab/vann/"

#: The kinds of terms, in the order the documentation lists them.
KINDS = (
    ("class", OWL.Class),
    ("object property", OWL.ObjectProperty),
    ("datatype property", OWL.DatatypeProperty),
    ("named individual", OWL.NamedIndividual),
)

#: Property characteristics worth naming.
CHARACTERISTICS = {
    OWL.TransitiveProperty: "transitive",
    OWL.SymmetricProperty: "symmetric",
    OWL.FunctionalProperty: "functional",
    OWL.InverseFunctionalProperty: "inverse functional",
    OWL.AsymmetricProperty: "asymmetric",
    OWL.ReflexiveProperty: "reflexive",
    OWL.IrreflexiveProperty: "irreflexive",
}

#: Alignment properties to other vocabularies, with how to read them.
MATCHES = (
    (SKOS.exactMatch, "exact match"),
    (SKOS.closeMatch, "close match"),
    (SKOS.broadMatch, "broad match"),
    (SKOS.narrowMatch, "narrow match"),
    (SKOS.relatedMatch, "related match"),
)

#: A class expression as text pieces, each linked to a term (IRI) or plain (None):
#: ``[("has feature", bc:hasFeature), (" value ", None), ("mind-body involvement", bcr:…)]``.
Expression = tuple[tuple[str | None, Node | None], ...]


@dataclass(frozen=True)
class Term:
    """One class or property of the ontology."""

    iri: URIRef
    kind: str
    labels: dict[str, str]
    definitions: dict[str, str]
    notes: tuple[tuple[str, str], ...] = ()  # (kind of note, text)
    supers: tuple[Expression, ...] = ()  # superclasses, or superproperties
    subs: tuple[URIRef, ...] = ()
    equivalents: tuple[Expression, ...] = ()
    disjoint: tuple[URIRef, ...] = ()
    domains: tuple[Expression, ...] = ()
    ranges: tuple[Expression, ...] = ()
    inverse: tuple[URIRef, ...] = ()
    chain: tuple[URIRef, ...] = ()
    characteristics: tuple[str, ...] = ()
    in_domain_of: tuple[URIRef, ...] = ()  # classes: properties with this domain
    in_range_of: tuple[URIRef, ...] = ()
    alignments: tuple[tuple[str, URIRef], ...] = ()  # (relation, external IRI)
    types: tuple[URIRef, ...] = ()  # individuals: the classes of the ontology they belong to
    values: tuple[tuple[URIRef, Node], ...] = ()  # individuals: (property of ours, value)

    @property
    def name(self) -> str:
        """The local name, also the anchor of its entry (``Activity``)."""
        return str(self.iri).rpartition("#")[2] or str(self.iri).rpartition("/")[2]


@dataclass(frozen=True)
class OntologyDoc:
    """The ontology's metadata and its terms by kind."""

    iri: URIRef
    version_iri: URIRef | None
    version: str | None
    titles: dict[str, str]
    descriptions: dict[str, str]
    license: URIRef | None
    creators: tuple[str, ...]
    dates: tuple[tuple[str, str], ...]  # (created/modified/issued, date)
    prefix: str | None
    namespace: str | None
    source: URIRef | None
    terms: dict[str, tuple[Term, ...]] = field(default_factory=dict)
    imports: tuple[URIRef, ...] = ()

    def all_terms(self) -> Iterator[Term]:
        for kind, _ in KINDS:
            yield from self.terms.get(kind, ())

    def term(self, name: str) -> Term | None:
        """The term with local name ``name``."""
        return next((t for t in self.all_terms() if t.name == name), None)


@functools.cache
def ontology_graph() -> Graph:
    """The ontology document: the bundled ontology files, parsed once."""
    graph = Graph()
    for path in sorted(files.ontology_dir().glob("*.ttl")):
        if path.name != "shapes.ttl":
            graph.parse(path, format="turtle")
    return graph


def _by_lang(graph: Graph, subject: Node, predicate: URIRef) -> dict[str, str]:
    found: dict[str, str] = {}
    for value in graph.objects(subject, predicate):
        if isinstance(value, Literal):
            found.setdefault((value.language or "").lower(), str(value))
    return found


def _iris(values: Iterator[Node]) -> tuple[URIRef, ...]:
    return tuple(sorted({v for v in values if isinstance(v, URIRef)}, key=str))


def expression(graph: Graph, node: Node) -> Expression:
    """A class expression in Manchester syntax: a named class, or a restriction (``value``,
    ``some``, ``only``, cardinalities), an intersection, union or complement of them."""
    if not isinstance(node, BNode):
        return ((None, node),)
    on = graph.value(node, OWL.onProperty)
    if on is not None:
        for predicate, word in ((OWL.hasValue, "value"), (OWL.someValuesFrom, "some"),
                                (OWL.allValuesFrom, "only")):
            filler = graph.value(node, predicate)
            if filler is not None:
                return ((None, on), (f" {word} ", None), *_filler(graph, filler))
        for predicate, word in ((OWL.cardinality, "exactly"), (OWL.qualifiedCardinality,
                                "exactly"), (OWL.minCardinality, "min"),
                                (OWL.minQualifiedCardinality, "min"),
                                (OWL.maxCardinality, "max"),
                                (OWL.maxQualifiedCardinality, "max")):
            count = graph.value(node, predicate)
            if count is not None:
                of = graph.value(node, OWL.onClass) or graph.value(node, OWL.onDataRange)
                tail = ((" ", None), *expression(graph, of)) if of is not None else ()
                return ((None, on), (f" {word} {count}", None), *tail)
    for predicate, word in ((OWL.intersectionOf, " and "), (OWL.unionOf, " or ")):
        members = graph.value(node, predicate)
        if members is not None:
            pieces: list[tuple[str | None, Node | None]] = [("(", None)]
            for index, member in enumerate(Collection(graph, members)):
                if index:
                    pieces.append((word, None))
                pieces.extend(expression(graph, member))
            return (*pieces, (")", None))
    complement = graph.value(node, OWL.complementOf)
    if complement is not None:
        return (("not ", None), *expression(graph, complement))
    return (("(an anonymous class)", None),)


def _filler(graph: Graph, filler: Node) -> Expression:
    if isinstance(filler, Literal):
        return ((str(filler), None),)
    return expression(graph, filler)


def _term(graph: Graph, iri: URIRef, kind: str) -> Term:
    is_class = kind == "class"
    up = RDFS.subClassOf if is_class else RDFS.subPropertyOf
    supers = tuple(expression(graph, node) for node in sorted(
        graph.objects(iri, up),
        key=lambda n: (isinstance(n, BNode), not str(n).startswith(BC), str(n))))
    equivalent = OWL.equivalentClass if is_class else OWL.equivalentProperty
    notes = tuple((label, text) for predicate, label in (
        (SKOS.scopeNote, "scope note"), (SKOS.editorialNote, "editorial note"),
        (RDFS.comment, "comment"), (SKOS.example, "example"))
        for text in sorted(str(v) for v in graph.objects(iri, predicate)))
    alignments = [(label, target) for predicate, label in MATCHES
                  for target in _iris(graph.objects(iri, predicate))]
    alignments += [("subclass of" if is_class else "subproperty of", target)
                   for target in _iris(graph.objects(iri, up)) if not target.startswith(BC)]
    alignments += [("equivalent to", target)
                   for target in _iris(graph.objects(iri, equivalent))
                   if not target.startswith(BC)]
    individual = kind == "named individual"
    chain_node = graph.value(iri, OWL.propertyChainAxiom)
    chain = tuple(m for m in Collection(graph, chain_node) if isinstance(m, URIRef)) \
        if chain_node is not None else ()
    return Term(
        iri=iri, kind=kind,
        labels=_by_lang(graph, iri, RDFS.label) or _by_lang(graph, iri, SKOS.prefLabel),
        definitions=_by_lang(graph, iri, SKOS.definition),
        notes=notes,
        supers=supers,
        subs=_iris(graph.subjects(up, iri)),
        equivalents=tuple(expression(graph, n) for n in graph.objects(iri, equivalent)),
        disjoint=_iris(iter([*graph.objects(iri, OWL.disjointWith),
                             *graph.subjects(OWL.disjointWith, iri)])),
        domains=tuple(expression(graph, n) for n in graph.objects(iri, RDFS.domain)),
        ranges=tuple(expression(graph, n) for n in graph.objects(iri, RDFS.range)),
        inverse=_iris(iter([*graph.objects(iri, OWL.inverseOf),
                            *graph.subjects(OWL.inverseOf, iri)])),
        chain=chain,
        characteristics=tuple(name for cls, name in CHARACTERISTICS.items()
                              if (iri, RDF.type, cls) in graph),
        in_domain_of=_iris(graph.subjects(RDFS.domain, iri)) if is_class else (),
        in_range_of=_iris(graph.subjects(RDFS.range, iri)) if is_class else (),
        alignments=tuple(alignments),
        types=tuple(t for t in _iris(graph.objects(iri, RDF.type)) if t.startswith(BC))
        if individual else (),
        values=tuple(sorted(((p, v) for p, v in graph.predicate_objects(iri)
                             if isinstance(p, URIRef) and p.startswith(BC)), key=str))
        if individual else (),
    )


def _order(term: Term) -> tuple[int, str]:
    """Terms by name; individuals with a rank (the support levels) by rank first."""
    ranks = [int(v) for p, v in term.values if p == BC.rank and isinstance(v, Literal)
             and str(v).isdigit()]
    return (ranks[0] if ranks else 0), term.name.lower()


def document(graph: Graph | None = None) -> OntologyDoc:
    """The documentation of the ontology in ``graph`` (the bundled one by default)."""
    graph = ontology_graph() if graph is None else graph
    version_iri = graph.value(ONTOLOGY, OWL.versionIRI)
    license = graph.value(ONTOLOGY, DCTERMS.license)
    source = graph.value(ONTOLOGY, DCTERMS.source)
    version = graph.value(ONTOLOGY, OWL.versionInfo)
    prefix = graph.value(ONTOLOGY, URIRef(VANN + "preferredNamespacePrefix"))
    namespace = graph.value(ONTOLOGY, URIRef(VANN + "preferredNamespaceUri"))
    terms: dict[str, tuple[Term, ...]] = {}
    for kind, cls in KINDS:
        iris = sorted((s for s in graph.subjects(RDF.type, cls)
                       if isinstance(s, URIRef) and s.startswith(BC)), key=str)
        terms[kind] = tuple(sorted((_term(graph, iri, kind) for iri in iris), key=_order))
    return OntologyDoc(
        iri=ONTOLOGY,
        version_iri=version_iri if isinstance(version_iri, URIRef) else None,
        version=str(version) if version is not None else None,
        titles=_by_lang(graph, ONTOLOGY, DCTERMS.title),
        descriptions=_by_lang(graph, ONTOLOGY, DCTERMS.description),
        license=license if isinstance(license, URIRef) else None,
        creators=tuple(sorted(str(c) for c in graph.objects(ONTOLOGY, DCTERMS.creator))),
        dates=tuple((name, str(value)) for name, predicate in (
            ("created", DCTERMS.created), ("modified", DCTERMS.modified),
            ("issued", DCTERMS.issued))
            for value in graph.objects(ONTOLOGY, predicate)),
        prefix=str(prefix) if prefix is not None else None,
        namespace=str(namespace) if namespace is not None else None,
        source=source if isinstance(source, URIRef) else None,
        terms=terms,
        imports=_iris(graph.objects(ONTOLOGY, OWL.imports)),
    )
