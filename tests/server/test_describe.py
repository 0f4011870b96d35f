"""The plain functions behind the linked-data pages: descriptions, links, documents, the
dataset description, the ontology documentation and the diagram (no server needed)."""

from __future__ import annotations

import json
import re

import pytest
from rdflib import RDF, RDFS, BNode, Graph, Literal, URIRef
from rdflib.compare import isomorphic
from rdflib.namespace import DCTERMS, SKOS
from support.vocabulary import CORE_CLASSES, CORE_PROPERTIES

from backcare_kg import KnowledgeGraph
from backcare_kg.rdf.support_levels import LEVEL_IRIS, LEVEL_NAMES
from backcare_kg.vocab import (
    ASSERTED_GRAPH,
    BC,
    BCR,
    INFERRED_GRAPH,
    ONTOLOGY,
    PROV,
    SCHEMA,
    SUPPORT_GRAPH,
    VOID,
)
from backcare_kg.web import pages as html_pages
from backcare_kg.web.dataset import DATASET, dataset_info, void_graph
from backcare_kg.web.describe import describe, highlight, resource_iris
from backcare_kg.web.diagram import neighbourhood_svg
from backcare_kg.web.documents import BY_EXTENSION, write
from backcare_kg.web.i18n import texts
from backcare_kg.web.labels import Labels, curie
from backcare_kg.web.links import Links
from backcare_kg.web.ontology_doc import document

MESH = "http://id.nlm.nih.gov/mesh/"
OBO = "http://purl.obolibrary.org/obo/"

#: What the bundled data asserts about yoga, and what inference adds.
YOGA_ASSERTED = {
    (RDF.type, BC.Activity),
    # closeMatch: the identification as yoga is our reading of a lost heading
    (SKOS.closeMatch, URIRef(MESH + "D015013")),
    (SKOS.closeMatch, URIRef(OBO + "NCIT_C64897")),
    (BC.improves, BCR.balance), (BC.improves, BCR.strength), (BC.improves, BCR.flexibility),
    (SKOS.prefLabel, Literal("yoga", lang="en")), (SKOS.prefLabel, Literal("yoga", lang="es")),
    (RDFS.label, Literal("yoga", lang="en")), (RDFS.label, Literal("yoga", lang="es")),
    (SKOS.definition,
     Literal("An activity that improves flexibility, muscle strength and body balance.",
             lang="en")),
    (SKOS.editorialNote,
     Literal("Its heading was lost in the source; the identification as yoga is ours "
             "(bcr:reading-yoga-heading), so its mappings are closeMatch, not exactMatch.",
             lang="en")),
}
YOGA_INFERRED = {
    (RDF.type, BC.SuggestedActivity), (RDF.type, SCHEMA.PhysicalActivity),
    *((BC.coversTargetCapacity, BCR[c]) for c in ("balance", "flexibility", "strength")),
    *((BC.supportsGoal, BCR[g]) for g in ("neuromuscular-readaptation", "analgesia",
                                          "kinesiophobia-reduction", "mood-improvement")),
    (BC.hasContraindication, BCR["acute-pain"]),
    (BC.requiresIndividualAssessment, Literal(True)), (BC.requiresSupervision, Literal(True)),
    *((BC.justifiedBy, BCR[c]) for c in (
        "claim-pain-limits-exercise-in-acute-phase", "claim-selection-criterion",
        "claim-benefits-exceed-risks", "claim-exercise-goals", "claim-candidate-activities",
        "claim-case-by-case-assessment", "claim-professional-supervision")),
    (BC.painLimitedInPhase, BCR["acute-phase"]),
    (BC.allowedInPhase, BCR["acute-phase"]), (BC.allowedInPhase, BCR["chronic-phase"]),
}

SERVER = Links.server("http://127.0.0.1:8000")


@pytest.fixture(scope="module")
def yoga(kg: KnowledgeGraph):  # type: ignore[no-untyped-def]
    found = describe(kg, BCR.yoga)
    assert found is not None
    return found


# -- descriptions -------------------------------------------------------------------------


def test_yoga_statements_are_told_apart(yoga) -> None:  # type: ignore[no-untyped-def]
    own = yoga.statements()
    assert {(s.predicate, s.object) for s in own if not s.inferred} == YOGA_ASSERTED
    assert {(s.predicate, s.object) for s in own if s.inferred} == YOGA_INFERRED
    assert {s.object for s in own[:3]} == {BC.Activity, BC.SuggestedActivity,
                                           SCHEMA.PhysicalActivity}  # types first
    assert {(s.object, s.inferred) for s in yoga.types()} == {
        (BC.Activity, False), (BC.SuggestedActivity, True), (SCHEMA.PhysicalActivity, True)}


#: (property, value) of yoga: how strongly the source supports it (DESIGN.md, "Support
#: levels"); every other statement has its graph's default, stated if asserted.
YOGA_LEVELS = {
    (BC.improves, BCR.balance): "stated",  # sentence 24
    # the name yoga is ours (reading-yoga-heading licenses it alone, data/licenses.ttl)
    **{(p, Literal("yoga", lang=lang)): "editorial"
       for p in (RDFS.label, SKOS.prefLabel) for lang in ("en", "es")},
    (BC.allowedInPhase, BCR["chronic-phase"]): "editorial",  # sentence 7, by our reading
    (BC.allowedInPhase, BCR["acute-phase"]): "generalized",  # sentence 5, sport in general
    (BC.painLimitedInPhase, BCR["acute-phase"]): "generalized",
    (BC.supportsGoal, BCR.analgesia): "generalized",  # sentence 8, exercise in general
    (BC.requiresSupervision, Literal(True)): "generalized",  # sentence 26, any sport
    (BC.coversTargetCapacity, BCR.balance): "entailed",  # strict: stated premises
    (BC.justifiedBy, BCR["claim-benefits-exceed-risks"]): "editorial",
    (RDF.type, BC.SuggestedActivity): "entailed",  # sentence 16, strict
}


def test_yoga_statements_have_their_support_levels(yoga) -> None:  # type: ignore[no-untyped-def]
    levels = {(s.predicate, s.object): s.support.name for s in yoga.statements()}
    assert {k: levels[k] for k in YOGA_LEVELS} == YOGA_LEVELS
    for s in yoga.statements():
        if (s.predicate, s.object) not in YOGA_LEVELS and not s.inferred:
            assert s.support.name == "stated", s
    # the incoming ones too: a claim about it is stated, the inverse of improves entailed
    incoming = {(s.subject, s.predicate): s.support.name for s in yoga.incoming}
    assert incoming[(BCR["claim-yoga-description"], BC.about)] == "stated"
    assert incoming[(BCR.balance, BC.improvedBy)] == "entailed"


def test_support_levels_agree_with_the_library(kg: KnowledgeGraph) -> None:
    for iri in (BCR.yoga, BCR["suspension-training"], BCR["body-foundation"], BCR.strength):
        description = describe(kg, iri)
        assert description is not None
        for s in (*description.statements(), *description.incoming):
            assert s.support == kg.support(s.subject, s.predicate, s.object), s
    [strength] = [s for s in describe(kg, BCR["suspension-training"]).statements()  # type: ignore[union-attr]
                  if s.predicate == BC.improves]
    assert strength.support.name == "entailed"  # strength training improves strength


def test_without_inference_only_our_readings_are_not_stated(
    kg_asserted: KnowledgeGraph,
) -> None:
    description = describe(kg_asserted, BCR.yoga)
    assert description is not None and description.statements()
    levels = {(s.predicate, s.object): s.support.name
              for s in (*description.statements(), *description.incoming)}
    # the name yoga is our reading of a lost heading; everything else the source says
    assert {k for k, level in levels.items() if level != "stated"} == {
        k for k, level in YOGA_LEVELS.items() if level == "editorial" and k in levels}
    assert set(levels.values()) == {"stated", "editorial"}


def test_yoga_is_referenced_by_its_claims_and_capacities(yoga) -> None:  # type: ignore[no-untyped-def]
    incoming = {(s.subject, s.predicate, s.inferred) for s in yoga.incoming}
    claims = ("claim-candidate-activities", "claim-yoga-description", "reading-yoga-heading")
    assert incoming == {
        *((BCR[c], BC.about, False) for c in claims),
        *((BCR[c], SCHEMA.about, True) for c in claims),
        *((BCR[c], BC.improvedBy, True) for c in ("balance", "flexibility", "strength")),
    }


def test_yoga_excerpts(yoga) -> None:  # type: ignore[no-untyped-def]
    found = {e.iri: e for e in yoga.excerpts}
    assert [str(e.iri).rsplit("/", 1)[1] for e in yoga.excerpts] == [
        "claim-pain-limits-exercise-in-acute-phase", "claim-benefits-exceed-risks",
        "claim-exercise-goals", "claim-case-by-case-assessment", "claim-selection-criterion",
        "claim-candidate-activities", "claim-yoga-description", "reading-yoga-heading",
        "claim-professional-supervision"]
    reading = found[BCR["reading-yoga-heading"]]
    assert reading.editorial and reading.kind == "editorial reading"
    assert reading.relations == ("about",)
    assert reading.attributions == (BCR["backcare-kg-editors"],)
    assert reading.evidence_level is None
    assert str(reading.notes[0]).startswith("The source lost this paragraph's heading.")
    claim = found[BCR["claim-pain-limits-exercise-in-acute-phase"]]
    assert not claim.editorial and claim.relations == ("justifies",)
    assert set(claim.attributions) == {BCR["nestor-requejo"], BCR["sergio-fuertes"]}
    assert claim.evidence_level == BCR["expert-opinion"]
    assert claim.quote == "pain should limit exercise during the acute phase"
    assert (claim.selector.start, claim.selector.end) == (716, 765)
    assert claim.selector.exact == claim.quote
    assert claim.selector.prefix == "sh Society for Pain (SED), that "
    assert claim.selector.suffix == ".\n\nGoals Achievable Through Exer"
    [sentence] = claim.sentences
    assert sentence.position == 5 and sentence.quoted == claim.quote
    assert sentence.before.endswith("member of the Spanish Society for Pain (SED), that ")
    assert sentence.after == "."


def test_a_quote_across_two_sentences_is_cut_by_its_offsets(kg: KnowledgeGraph) -> None:
    description = describe(kg, BCR["claim-suspension-training-description"])
    assert description is not None
    [excerpt] = description.excerpts
    assert excerpt.relations == ("self",)
    assert [(s.position, s.quoted) for s in excerpt.sentences] == [
        (18, "A suspension training system that uses gravity."),
        (19, "Muscle strength is manifested through the load from your own body weight.")]
    assert " ".join(s.quoted for s in excerpt.sentences) == excerpt.quote


def test_highlight() -> None:
    s = BCR["s"]
    assert highlight(s, 1, "Say it: do it now.", "do it").quoted == "do it"
    cut = highlight(s, 2, "Second half.", "First. Second", (100, 93, 106))
    assert (cut.before, cut.quoted, cut.after) == ("", "Second", " half.")
    assert highlight(s, 3, "Nothing here.", "absent").quoted == ""


def test_unknown_resource_has_no_description(kg: KnowledgeGraph) -> None:
    assert describe(kg, BCR["no-such-thing"]) is None


def test_resource_iris(kg: KnowledgeGraph) -> None:
    found = resource_iris(kg)
    expected = {n for t in kg.graph.triples((None, None, None)) for n in (t[0], t[2])
                if isinstance(n, URIRef) and n.startswith(str(BCR))}
    assert found == sorted(expected) and len(found) == 114
    assert BCR.yoga in found and BCR["source-article-sentence-31"] in found


def test_description_graph(yoga) -> None:  # type: ignore[no-untyped-def]
    graph = yoga.graph()
    outgoing = {(p, o) for p, o in graph.predicate_objects(BCR.yoga)}
    assert outgoing == YOGA_ASSERTED | YOGA_INFERRED
    assert (BCR["claim-yoga-description"], BC.about, BCR.yoga) in graph
    assert (BCR.balance, SKOS.prefLabel, Literal("balance", lang="en")) in graph
    assert (BCR.balance, SKOS.prefLabel, Literal("equilibrio", lang="es")) in graph
    assert (BC.SuggestedActivity, RDFS.label, Literal("suggested activity", lang="en")) \
        in graph
    assert (RDFS.label, None, None) not in graph  # not the properties' (see /ontology)
    # the support level of every statement about it and pointing at it (5 triples each)
    statements = [*yoga.statements(), *yoga.incoming]
    assert len(graph) == len(yoga.asserted) + len(yoga.inferred) + len(yoga.incoming) + sum(
        len(yoga.labels.triples(n)) for n in yoga.neighbours()) + 5 * len(statements)
    for statement in statements:
        [node] = [n for n in graph.subjects(RDF.subject, statement.subject)
                  if (n, RDF.predicate, statement.predicate) in graph
                  and (n, RDF.object, statement.object) in graph]
        assert (node, RDF.type, RDF.Statement) in graph
        assert graph.value(node, BC.supportLevel) == statement.support.iri


def test_description_graph_names_statements_as_the_support_graph(
    kg: KnowledgeGraph, yoga
) -> None:  # type: ignore[no-untyped-def]
    graph = yoga.graph()
    listed = {(n, p, o) for n, p, o in kg.support_graph
              if (n, RDF.subject, BCR.yoga) in kg.support_graph}
    assert listed and listed <= set(graph)  # the same nodes, and the same levels


def test_blank_nodes_of_a_claim_are_in_its_description(kg: KnowledgeGraph) -> None:
    description = describe(kg, BCR["claim-exercise-helps-back-pain"])
    assert description is not None
    graph = description.graph()
    target = graph.value(BCR["claim-exercise-helps-back-pain"], URIRef(
        "http://www.w3.org/ns/oa#hasTarget"))
    selectors = set(graph.objects(target, URIRef("http://www.w3.org/ns/oa#hasSelector")))
    starts = {graph.value(s, URIRef("http://www.w3.org/ns/oa#start")) for s in selectors}
    assert starts == {None, Literal(0)}
    nested = description.statements(target)
    assert {s.predicate for s in nested} == {RDF.type, URIRef("http://www.w3.org/ns/oa#hasSource"),
                                             URIRef("http://www.w3.org/ns/oa#hasSelector")}


# -- labels and links -----------------------------------------------------------------------


def test_labels_prefer_skos_and_the_language() -> None:
    labels = Labels([
        (BCR.x, RDFS.label, Literal("x label", lang="en")),
        (BCR.x, SKOS.prefLabel, Literal("x preferred", lang="en")),
        (BCR.x, RDFS.label, Literal("x etiqueta", lang="es")),
        (BCR.y, RDFS.label, Literal("plain")),
    ])
    assert labels.label(BCR.x, "en") == "x preferred"
    assert labels.label(BCR.x, "es") == "x etiqueta"
    assert labels.label(BCR.y, "es") == "plain"
    assert labels.label(BCR.z) == "bcr:z"
    assert labels.label(str(RDF.type), "es") == "tipo"
    assert curie("http://example.org/x") == "http://example.org/x"


@pytest.mark.parametrize(("links", "iri", "href"), [
    (SERVER, BCR.yoga, "/resource/yoga"),
    (SERVER, BC.Activity, "/ontology#Activity"),
    (SERVER, URIRef("https://w3id.org/backcare-kg/"), "/"),
    (SERVER, ASSERTED_GRAPH, "/graph/asserted"),
    (SERVER, URIRef(MESH + "D015013"), MESH + "D015013"),
    (Links.static("resource/yoga.html"), BCR.balance, "../resource/balance.html"),
    (Links.static("resource/yoga.html"), BC.Activity, "../ontology.html#Activity"),
    (Links.static("resource/yoga.html"), URIRef("https://w3id.org/backcare-kg/"),
     "../index.html"),
    (Links.static("index.html"), INFERRED_GRAPH, "graph/inferred.html"),
    (Links.static("index.html"), URIRef("https://w3id.org/backcare-kg/graph/asserted.ttl"),
     "graph/asserted.ttl"),
    (Links.static("ontology/0.1.0.html"), URIRef("https://w3id.org/backcare-kg/ontology/0.1.0"),
     "../ontology/0.1.0.html"),
])
def test_links(links: Links, iri: URIRef, href: str) -> None:
    assert links.href(iri) == href


def test_link_styles() -> None:
    static = Links.static("resource/yoga.html")
    assert SERVER.variant(BCR.yoga, "ttl") == "/resource/yoga.ttl"
    assert static.variant(BCR.yoga, "jsonld") == "../resource/yoga.jsonld"
    assert static.variant(BC.Activity, "nt") == "../ontology.nt"
    assert SERVER.asset("style.css") == "/static/style.css"
    assert static.asset("style.css") == "../static/style.css"
    assert SERVER.context_url == "http://127.0.0.1:8000/context.jsonld"
    assert static.context_url == "../context.jsonld"
    assert SERVER.void("ttl") == "/.well-known/void.ttl"
    assert SERVER.named_query("activities", {"capacity": "balance"}) == \
        "/queries/activities?capacity=balance"
    assert SERVER.example("provenance") == "/?example=provenance#query"
    assert (static.sparql, static.named_query("activities"), static.example("x"),
            static.language("es")) == (None, None, None, None)
    assert SERVER.language("es") == "?lang=es"


# -- documents --------------------------------------------------------------------------------


def test_json_ld_is_compacted_with_the_published_context(yoga) -> None:  # type: ignore[no-untyped-def]
    text = write(yoga.graph(), BY_EXTENSION["jsonld"], "http://example.org/context.jsonld")
    document = json.loads(text)
    assert document["@context"] == "http://example.org/context.jsonld"
    node = next(n for n in document["@graph"] if n["@id"] == "bcr:yoga")
    assert {"@id": "bcr:balance"} in node["bc:improves"]
    assert "bc:SuggestedActivity" in node["@type"]
    # the support levels, as rdf:Statement nodes the context compacts too
    levels = {(n["rdf:predicate"]["@id"], n["rdf:object"]["@id"]): n["bc:supportLevel"]["@id"]
              for n in document["@graph"] if n.get("@type") == "rdf:Statement"
              and n["rdf:subject"] == {"@id": "bcr:yoga"} and isinstance(n["rdf:object"], dict)
              and "@id" in n["rdf:object"]}
    assert levels[("bc:allowedInPhase", "bcr:chronic-phase")] == "bc:Editorial"
    assert levels[("bc:improves", "bcr:balance")] == "bc:Stated"
    assert levels[("bc:supportsGoal", "bcr:analgesia")] == "bc:Generalized"


def test_n_triples_are_sorted(yoga) -> None:  # type: ignore[no-untyped-def]
    lines = write(yoga.graph(), BY_EXTENSION["nt"], "").splitlines()
    assert lines == sorted(lines) and len(lines) == len(yoga.graph())


@pytest.mark.parametrize("extension", ["ttl", "nt", "rdf"])
def test_documents_parse_back(yoga, extension: str) -> None:  # type: ignore[no-untyped-def]
    syntax = BY_EXTENSION[extension]
    parsed = Graph().parse(data=write(yoga.graph(), syntax, ""), format=syntax.plugin)
    assert isomorphic(parsed, yoga.graph())  # the statements' blank nodes get new names


# -- the dataset ------------------------------------------------------------------------------


def test_dataset_info(kg: KnowledgeGraph) -> None:
    info = dataset_info(kg)
    assert info.size.triples == len(kg.asserted) + len(kg.inferred) + len(kg.support_graph)
    assert [(g.iri, g.triples) for g in info.graphs] == [
        (ASSERTED_GRAPH, len(kg.asserted)), (INFERRED_GRAPH, len(kg.inferred)),
        (SUPPORT_GRAPH, len(kg.support_graph))]
    assert dict(info.classes)[BC.Activity] == 5
    assert dict(info.classes)[BC.SuggestedActivity] == 5
    assert BC.RecommendedActivity not in dict(info.classes)  # none meets the whole criterion
    assert info.version == "0.1.0"
    assert "https://w3id.org/backcare-kg/ontology#" in info.vocabularies


def test_void_graph(kg: KnowledgeGraph) -> None:
    info = dataset_info(kg)
    g = void_graph(info)
    dcat = "http://www.w3.org/ns/dcat#"
    assert (DATASET, RDF.type, VOID.Dataset) in g
    assert (DATASET, RDF.type, URIRef(dcat + "Dataset")) in g
    assert (DATASET, VOID.triples, Literal(info.size.triples)) in g
    assert (DATASET, DCTERMS.license, URIRef("https://creativecommons.org/licenses/by/4.0/")) in g
    assert (DATASET, VOID.sparqlEndpoint, URIRef("https://w3id.org/backcare-kg/sparql")) in g
    assert (DATASET, VOID.uriSpace, Literal(str(BCR))) in g
    assert (DATASET, VOID.exampleResource, BCR.yoga) in g
    assert {str(t) for t in g.objects(DATASET, DCTERMS.title)} >= {
        "backcare-kg: exercise for back pain, from two experts' advice"}
    assert {t.language for t in g.objects(DATASET, DCTERMS.description)} == {"en", "es"}
    assert set(g.objects(DATASET, VOID.subset)) == {ASSERTED_GRAPH, INFERRED_GRAPH, SUPPORT_GRAPH}
    assert (INFERRED_GRAPH, VOID.triples, Literal(len(kg.inferred))) in g
    assert (SUPPORT_GRAPH, VOID.triples, Literal(len(kg.support_graph))) in g
    assert set(g.objects(SUPPORT_GRAPH, PROV.wasDerivedFrom)) == {ASSERTED_GRAPH, ONTOLOGY}
    assert {str(d) for d in g.objects(ASSERTED_GRAPH, VOID.dataDump)} == {
        f"{ASSERTED_GRAPH}.{ext}" for ext in ("ttl", "jsonld", "nt", "rdf")}
    assert not any(isinstance(n, BNode) for n in g.all_nodes())  # the same text every time
    static = void_graph(info, endpoint=False)
    assert (DATASET, VOID.sparqlEndpoint, None) not in static
    assert len(g) - len(static) == 8


# -- the ontology -----------------------------------------------------------------------------


def test_ontology_documents_the_core_vocabulary() -> None:
    doc = document()
    names = {t.name for t in doc.all_terms()}
    assert set(CORE_CLASSES) | set(CORE_PROPERTIES) <= names
    for term in doc.all_terms():
        assert term.labels.get("en") and term.labels.get("es"), term.name
        assert term.definitions.get("en"), term.name
    assert (doc.version, str(doc.version_iri)) == (
        "0.1.0", "https://w3id.org/backcare-kg/ontology/0.1.0")
    assert str(doc.license) == "https://creativecommons.org/licenses/by/4.0/"
    assert doc.creators == ("backcare-kg developers",)
    assert doc.prefix == "bc"


def test_ontology_terms() -> None:
    doc = document()
    mind_body = doc.term("MindBodyActivity")
    assert mind_body is not None
    assert mind_body.supers == (((None, BC.Activity),), (
        (None, BC.hasFeature), (" value ", None), (None, BCR["mind-body-involvement"])))
    assert ("close match", URIRef(MESH + "D026441")) in mind_body.alignments
    affiliated = doc.term("affiliatedWith")
    assert affiliated is not None and affiliated.chain == (BC.memberOf, BC.partOf)
    assert affiliated.subs == (BC.memberOf,)
    assert ("subproperty of", URIRef("https://schema.org/affiliation")) in affiliated.alignments
    part_of = doc.term("partOf")
    assert part_of is not None and part_of.characteristics == ("transitive",)
    agrees = doc.term("agreesWith")
    assert agrees is not None and agrees.characteristics == ("symmetric",)
    absolute = doc.term("AbsoluteContraindication")
    assert absolute is not None and absolute.disjoint == (BC.RelativeContraindication,)
    activity = doc.term("Activity")
    assert activity is not None and BC.improves in activity.in_domain_of
    supervision = doc.term("requiresSupervision")
    assert supervision is not None
    assert supervision.ranges == (((None, URIRef("http://www.w3.org/2001/XMLSchema#boolean")),),)


# -- the diagram and the pages ----------------------------------------------------------------


def test_diagram(yoga) -> None:  # type: ignore[no-untyped-def]
    svg = neighbourhood_svg(yoga, SERVER, "es")
    assert svg.startswith('<svg xmlns="http://www.w3.org/2000/svg"') and svg.endswith("</svg>")
    assert '<a href="/resource/balance">' in svg
    assert f'<a href="{MESH}D015013">' in svg
    assert ">equilibrio</text>" in svg  # labels in Spanish
    assert '<path class="edge inferred"' in svg and '<path class="edge"' in svg
    assert ">contribuye al objetivo</text>" in svg  # bc:supportsGoal, in Spanish
    # schema:about is implied by its subproperty bc:about: the edge says "about" once
    assert "schema:about" not in svg
    assert "<script" not in svg


def hostile_graph() -> KnowledgeGraph:
    data = Graph()
    data.add((BCR["bad-name"], RDF.type, BC.Activity))
    data.add((BCR["bad-name"], SKOS.prefLabel, Literal('<script>alert("x")</script> & co',
                                                       lang="en")))
    data.add((BCR["bad-name"], BC.improves, BCR.balance))
    return KnowledgeGraph(data, Graph())


def test_pages_escape_what_the_data_says() -> None:
    kg = hostile_graph()
    page = html_pages.resource_page(kg, BCR["bad-name"], SERVER)
    assert page is not None
    assert "<script>" not in page
    assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt; &amp; co" in page
    description = describe(kg, BCR["bad-name"])
    assert description is not None
    svg = neighbourhood_svg(description, SERVER)
    assert "<script>" not in svg and "&lt;script&gt;" in svg


def test_static_pages_link_relatively(kg: KnowledgeGraph) -> None:
    pages = {
        "index.html": html_pages.home_page(kg, Links.static("index.html")),
        "resource/yoga.html": html_pages.resource_page(kg, BCR.yoga,
                                                       Links.static("resource/yoga.html")),
        "ontology.html": html_pages.ontology_page(kg, Links.static("ontology.html")),
        "graph/asserted.html": html_pages.graph_page(kg, "asserted",
                                                     Links.static("graph/asserted.html")),
        "404.html": html_pages.not_found_page(Links.static("404.html")),
    }
    for name, page in pages.items():
        assert page is not None
        absolute = re.findall(r'(?:href|src|action)="(/[^"]*)"', page)
        assert absolute == [], (name, absolute[:5])
    assert 'href="../resource/balance.html"' in pages["resource/yoga.html"]
    assert 'href="../static/style.css"' in pages["resource/yoga.html"]
    assert 'href="resource/yoga.html"' in pages["index.html"]
    assert "<form" not in pages["index.html"]  # no endpoint in a static site
    assert 'href="../resource/yoga.ttl"' in pages["resource/yoga.html"]


@pytest.mark.parametrize("lang", ["en", "es"])
def test_the_pages_name_the_levels_as_the_ontology_does(kg: KnowledgeGraph, lang: str) -> None:
    """The badges' words (web/i18n.py) are the levels' labels in the ontology, not others."""
    words = texts(lang)
    for rank, iri in LEVEL_IRIS.items():
        labels = {str(v) for v in kg.graph.objects(iri, SKOS.prefLabel)
                  if isinstance(v, Literal) and v.language == lang}
        assert labels == {words[f"level_{LEVEL_NAMES[rank]}"]}
        assert words[f"level_{LEVEL_NAMES[rank]}_hint"].endswith(".")  # what it means
