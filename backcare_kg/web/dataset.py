"""The dataset's description in VoID and DCAT: what it is, its size, license, dumps,
SPARQL endpoint, vocabularies and example resources, and its named graphs as subsets.

Served at ``/.well-known/void`` (the VoID convention). The dataset is
``https://w3id.org/backcare-kg/.well-known/void#dataset``; its subsets are the named graphs
themselves (``…/graph/asserted``, ``…/graph/inferred`` and ``…/graph/support``, the support
levels), each with its dumps (``…/graph/asserted.ttl`` and the other syntaxes). Every node
has an IRI (no blank nodes), so the description is the same text every time.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

from rdflib import OWL, RDF, Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCTERMS, FOAF, XSD

from backcare_kg.vocab import (
    ASSERTED_GRAPH,
    BASE,
    BCR,
    DCAT,
    INFERRED_GRAPH,
    ONTOLOGY,
    PROV,
    SUPPORT_GRAPH,
    VOID,
)
from backcare_kg.web.documents import SYNTAXES, Syntax
from backcare_kg.web.labels import DISPLAY_PREFIXES
from backcare_kg.web.links import VOID_PATH
from backcare_kg.web.ontology_doc import ontology_graph
from backcare_kg.web.per_graph import PerGraph
from backcare_kg.web.query_files import query_text

if TYPE_CHECKING:
    from backcare_kg.graph import KnowledgeGraph

VOID_DOCUMENT = URIRef(BASE + VOID_PATH)
DATASET = URIRef(f"{VOID_DOCUMENT}#dataset")
PUBLISHER = URIRef(f"{VOID_DOCUMENT}#publisher")
SPARQL_SERVICE = URIRef(f"{VOID_DOCUMENT}#sparql-service")
SPARQL_ENDPOINT = URIRef(BASE + "sparql")
CC_BY = URIRef("https://creativecommons.org/licenses/by/4.0/")
SPARQL_PROTOCOL = URIRef("https://www.w3.org/TR/sparql11-protocol/")
FORMATS = Namespace("http://www.w3.org/ns/formats/")
IANA = "https://www.iana.org/assignments/media-types/"

#: The resources a newcomer might look at first.
EXAMPLES = (BCR["yoga"], BCR["balance"], BCR["chronic-phase"], BCR["sergio-fuertes"],
            BCR["claim-selection-criterion"])

TITLE = {"en": "backcare-kg: exercise for back pain, from two experts' advice",
         "es": "backcare-kg: ejercicio para el dolor de espalda, según dos expertos"}
DESCRIPTION = {
    "en": "A knowledge graph of what a news article reports two Spanish experts (a "
          "physiotherapist and a pain specialist) saying about exercise for back pain: which "
          "activities, what each improves, the goals of exercise, the acute and chronic "
          "phases, supervision and individual assessment, with the exact quote, sentence and "
          "evidence level (expert opinion) behind every claim. Information from a news "
          "article, not medical advice.",
    "es": "Un grafo de conocimiento de lo que un artículo periodístico recoge de dos expertos "
          "españoles (un fisioterapeuta y un especialista en dolor) sobre el ejercicio para "
          "el dolor de espalda: qué actividades, qué mejora cada una, los objetivos del "
          "ejercicio, las fases aguda y crónica, la supervisión y la valoración individual, "
          "con la cita exacta, la oración y el nivel de evidencia (opinión de expertos) de "
          "cada afirmación. Información de un artículo periodístico, no consejo médico.",
}
#: The named graphs of the dataset, by the name of their page (``/graph/<name>``).
NAMED_GRAPHS = {"asserted": ASSERTED_GRAPH, "inferred": INFERRED_GRAPH,
                "support": SUPPORT_GRAPH}
GRAPH_TITLES = {
    ASSERTED_GRAPH: {"en": "asserted graph", "es": "grafo afirmado"},
    INFERRED_GRAPH: {"en": "inferred graph", "es": "grafo inferido"},
    SUPPORT_GRAPH: {"en": "support levels", "es": "niveles de respaldo"},
}
GRAPH_DESCRIPTIONS = {
    ASSERTED_GRAPH: {
        "en": "What the source states, as the ontology and the instance data: every "
              "triple comes from the article or from the graph makers' recorded readings.",
        "es": "Lo que dice la fuente, como ontología y datos: cada tripleta procede del "
              "artículo o de las lecturas editoriales registradas."},
    INFERRED_GRAPH: {
        "en": "What follows from the asserted graph by OWL 2 RL reasoning and the domain "
              "rules (ontology/rules/*.rq): reproducible from the asserted graph, never "
              "edited by hand.",
        "es": "Lo que se deduce del grafo afirmado por razonamiento OWL 2 RL y las reglas del "
              "dominio (ontology/rules/*.rq): reproducible, nunca editado a mano."},
    SUPPORT_GRAPH: {
        "en": "How strongly the source supports each statement of the other two graphs: an "
              "rdf:Statement with its bc:supportLevel (generalized, editorial...) for each "
              "statement whose level is not its graph's default (asserted: stated; inferred: "
              "entailed). Computed with the inferred graph, never edited by hand.",
        "es": "Cuánto respalda la fuente cada afirmación de los otros dos grafos: un "
              "rdf:Statement con su bc:supportLevel (generalizado, editorial...) para cada "
              "afirmación cuyo nivel no es el de su grafo por omisión (afirmado en el grafo "
              "afirmado, derivado en el inferido). Se calcula con el grafo inferido, nunca se "
              "edita a mano."},
}
KEYWORDS = {"en": ("back pain", "exercise", "physiotherapy", "expert opinion", "provenance"),
            "es": ("dolor de espalda", "ejercicio", "fisioterapia", "opinión de expertos")}
BACK_PAIN = URIRef("http://id.nlm.nih.gov/mesh/D001416")
FORMAT_IRIS = {"turtle": FORMATS.Turtle, "json-ld": FORMATS["JSON-LD"],
               "n-triples": FORMATS["N-Triples"], "rdf-xml": FORMATS.RDF_XML}


@dataclass(frozen=True)
class Size:
    """The size of a graph (or of the whole dataset, the union of the graphs)."""

    iri: URIRef
    triples: int
    subjects: int
    properties: int
    objects: int


@dataclass(frozen=True)
class Dump:
    """A dump of a named graph in one syntax."""

    graph: URIRef
    syntax: Syntax

    @property
    def iri(self) -> URIRef:
        return URIRef(f"{self.graph}.{self.syntax.extension}")

    @property
    def distribution(self) -> URIRef:
        name = str(self.graph).rsplit("/", 1)[-1]
        return URIRef(f"{VOID_DOCUMENT}#{name}-{self.syntax.extension}")


@dataclass(frozen=True)
class DatasetInfo:
    """What the VoID/DCAT description and the home page say of the dataset."""

    size: Size
    graphs: tuple[Size, ...]
    classes: tuple[tuple[URIRef, int], ...]
    entities: int
    vocabularies: tuple[str, ...]
    version: str | None
    issued: Literal | None
    modified: Literal | None

    @property
    def dumps(self) -> tuple[Dump, ...]:
        return tuple(Dump(graph.iri, syntax) for graph in self.graphs for syntax in SYNTAXES)

    def graph_size(self, iri: URIRef) -> Size | None:
        return next((g for g in self.graphs if g.iri == iri), None)


def _integer(value: object) -> int:
    return int(str(value)) if value is not None else 0


def _size(iri: URIRef, row: Mapping[str, object]) -> Size:
    return Size(iri, *(_integer(row[k]) for k in ("triples", "subjects", "properties",
                                                  "objects")))


def dataset_info(kg: KnowledgeGraph) -> DatasetInfo:
    """The statistics and metadata of ``kg`` (computed once per graph)."""
    return _INFO.of(kg)


def _compute(kg: KnowledgeGraph) -> DatasetInfo:
    total = kg.query(query_text("statistics")).rows
    graphs = [_size(row["graph"], row) for row in kg.query(query_text("graph-statistics")).rows
              if isinstance(row["graph"], URIRef)]
    classes = tuple((row["class"], _integer(row["entities"]))
                    for row in kg.query(query_text("class-partitions")).rows
                    if isinstance(row["class"], URIRef))
    used = {str(row["term"]) for row in kg.query(query_text("terms-used")).rows}
    namespaces = sorted({ns for ns in DISPLAY_PREFIXES.values()
                         if any(term.startswith(ns) for term in used)})
    entities = kg.query(query_text("graph-resources"), graph=ASSERTED_GRAPH).rows
    ontology = ontology_graph()
    version = ontology.value(ONTOLOGY, OWL.versionInfo)
    issued = ontology.value(ONTOLOGY, DCTERMS.issued)
    modified = ontology.value(ONTOLOGY, DCTERMS.modified)
    return DatasetInfo(
        size=_size(DATASET, total[0] if total else {}),
        graphs=tuple(sorted(graphs, key=lambda g: str(g.iri))),
        classes=classes,
        entities=len(entities),
        vocabularies=tuple(namespaces),
        version=str(version) if version is not None else None,
        issued=issued if isinstance(issued, Literal) else None,
        modified=modified if isinstance(modified, Literal) else None,
    )


_INFO = PerGraph(_compute)


def void_graph(info: DatasetInfo, endpoint: bool = True) -> Graph:
    """The VoID/DCAT description of the dataset ``info`` describes; ``endpoint`` says
    whether it has the SPARQL endpoint (a server) or not (a static site alone)."""
    g = Graph()
    add = g.add
    add((VOID_DOCUMENT, RDF.type, VOID.DatasetDescription))
    add((VOID_DOCUMENT, DCTERMS.title, Literal("VoID and DCAT description of backcare-kg",
                                                lang="en")))
    add((VOID_DOCUMENT, FOAF.primaryTopic, DATASET))
    add((PUBLISHER, RDF.type, FOAF.Organization))
    add((PUBLISHER, FOAF.name, Literal("backcare-kg developers")))
    for node in (DATASET, *(size.iri for size in info.graphs)):
        add((node, RDF.type, VOID.Dataset))
        add((node, RDF.type, DCAT.Dataset))
        add((node, DCTERMS.license, CC_BY))
        add((node, DCTERMS.publisher, PUBLISHER))
    for lang in ("en", "es"):
        add((DATASET, DCTERMS.title, Literal(TITLE[lang], lang=lang)))
        add((DATASET, DCTERMS.description, Literal(DESCRIPTION[lang], lang=lang)))
        for keyword in KEYWORDS[lang]:
            add((DATASET, DCAT.keyword, Literal(keyword, lang=lang)))
    add((DATASET, DCTERMS.creator, PUBLISHER))
    add((DATASET, DCTERMS.source, BCR["source-article"]))
    add((DATASET, DCTERMS.subject, BACK_PAIN))
    add((DATASET, DCAT.landingPage, URIRef(BASE)))
    add((DATASET, DCTERMS.conformsTo, ONTOLOGY))
    if info.version:
        add((DATASET, DCAT.version, Literal(info.version)))
        add((DATASET, OWL.versionInfo, Literal(info.version)))
    for predicate, date in ((DCTERMS.issued, info.issued), (DCTERMS.modified, info.modified)):
        if date is not None:
            add((DATASET, predicate, Literal(str(date), datatype=XSD.date)))
    _sizes(g, info.size)
    add((DATASET, VOID.entities, Literal(info.entities)))
    add((DATASET, VOID.classes, Literal(len(info.classes))))
    add((DATASET, VOID.uriSpace, Literal(str(BCR))))
    for example in EXAMPLES:
        add((DATASET, VOID.exampleResource, example))
    for namespace in info.vocabularies:
        add((DATASET, VOID.vocabulary, URIRef(namespace)))
    for syntax in SYNTAXES:
        add((DATASET, VOID.feature, FORMAT_IRIS[syntax.name]))
    for cls, count in info.classes:
        partition = URIRef(f"{VOID_DOCUMENT}#class-{cls.rpartition('#')[2]}")
        add((DATASET, VOID.classPartition, partition))
        add((partition, VOID["class"], cls))
        add((partition, VOID.entities, Literal(count)))
    if endpoint:
        add((DATASET, VOID.sparqlEndpoint, SPARQL_ENDPOINT))
        add((DATASET, DCAT.accessService, SPARQL_SERVICE))
        add((SPARQL_SERVICE, RDF.type, DCAT.DataService))
        add((SPARQL_SERVICE, DCTERMS.title, Literal("SPARQL 1.1 endpoint", lang="en")))
        add((SPARQL_SERVICE, DCAT.endpointURL, SPARQL_ENDPOINT))
        add((SPARQL_SERVICE, DCAT.endpointDescription, SPARQL_ENDPOINT))
        add((SPARQL_SERVICE, DCTERMS.conformsTo, SPARQL_PROTOCOL))
        add((SPARQL_SERVICE, DCAT.servesDataset, DATASET))
    for size in info.graphs:
        _subset(g, size)
    for dump in info.dumps:
        add((dump.graph, VOID.dataDump, dump.iri))
        add((dump.graph, DCAT.distribution, dump.distribution))
        add((dump.distribution, RDF.type, DCAT.Distribution))
        add((dump.distribution, DCAT.downloadURL, dump.iri))
        add((dump.distribution, DCAT.mediaType,
             URIRef(IANA + dump.syntax.bare_media_type)))
        add((dump.distribution, DCTERMS["format"], Literal(dump.syntax.bare_media_type)))
        add((dump.distribution, DCTERMS.license, CC_BY))
    return g


def _sizes(g: Graph, size: Size) -> None:
    g.add((size.iri, VOID.triples, Literal(size.triples)))
    g.add((size.iri, VOID.distinctSubjects, Literal(size.subjects)))
    g.add((size.iri, VOID.properties, Literal(size.properties)))
    g.add((size.iri, VOID.distinctObjects, Literal(size.objects)))


def _subset(g: Graph, size: Size) -> None:
    g.add((DATASET, VOID.subset, size.iri))
    for lang in ("en", "es"):
        if size.iri in GRAPH_TITLES:
            g.add((size.iri, DCTERMS.title, Literal(GRAPH_TITLES[size.iri][lang], lang=lang)))
            g.add((size.iri, DCTERMS.description,
                   Literal(GRAPH_DESCRIPTIONS[size.iri][lang], lang=lang)))
    _sizes(g, size)
    if size.iri in (INFERRED_GRAPH, SUPPORT_GRAPH):
        g.add((size.iri, PROV.wasDerivedFrom, ASSERTED_GRAPH))
        g.add((size.iri, PROV.wasDerivedFrom, ONTOLOGY))


def graph_iri(name: str) -> URIRef | None:
    """The IRI of the named graph ``name`` (see :data:`NAMED_GRAPHS`); None for another."""
    return NAMED_GRAPHS.get(name)
