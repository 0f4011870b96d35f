"""The design contract: the core vocabulary others depend on is declared, typed, labelled
in English and Spanish, and defined; the ontology carries its metadata.

The lists below restate the contract of the design document, so that a clone of this
repository checks it on its own: renaming or removing a term here needs an issue first.
"""

from __future__ import annotations

import re
from datetime import date

import pytest
from rdflib import RDF, RDFS, Graph, Literal, URIRef
from rdflib import namespace as ns
from rdflib.collection import Collection
from rdflib.namespace import DCTERMS, OWL, SKOS
from rdflib.term import Node

from backcare_kg import KnowledgeGraph
from backcare_kg.vocab import BC, BCR, ONTOLOGY

#: Classes, with the superclass the contract gives them (None: no contract superclass).
CLASSES: dict[str, str | None] = {
    "Expert": None,
    "Profession": None,
    "Organization": None,
    "ProfessionalCollege": "Organization",
    "ScientificSociety": "Organization",
    "Hospital": "Organization",
    "HospitalDepartment": "Organization",
    "Activity": None,
    "MindBodyActivity": "Activity",
    "AquaticActivity": "Activity",
    "StrengthTraining": "Activity",
    "SuspensionTraining": "StrengthTraining",
    "FunctionalTraining": "Activity",
    "PhysicalCapacity": None,
    "TherapeuticGoal": None,
    "PainPhase": None,
    "Contraindication": None,
    "AbsoluteContraindication": "Contraindication",
    "RelativeContraindication": "Contraindication",
    "Claim": None,
    "Recommendation": "Claim",
    "SourceDocument": None,
    "EvidenceLevel": None,
    "RecommendedActivity": "Activity",
}

#: Object properties, with the domain and range the contract states (None: unstated).
OBJECT_PROPERTIES: dict[str, tuple[str | None, str | None]] = {
    "improves": ("Activity", "PhysicalCapacity"),
    "supportsGoal": ("Activity", "TherapeuticGoal"),
    "allowedInPhase": ("Activity", "PainPhase"),
    "recommendedInPhase": ("Activity", "PainPhase"),
    "painLimitedInPhase": ("Activity", "PainPhase"),
    "hasContraindication": ("Activity", "Contraindication"),
    "appliesInPhase": ("Contraindication", "PainPhase"),
    "memberOf": (None, None),
    "hasMember": (None, None),
    "partOf": (None, None),
    "affiliatedWith": (None, None),
    "hasProfession": (None, None),
    "statedBy": ("Claim", "Expert"),
    "agreesWith": ("Expert", "Expert"),
    "about": (None, None),
    "source": (None, "SourceDocument"),
    "evidenceLevel": (None, None),
    "justifiedBy": (None, None),
}

#: Datatype properties, with their range (None: unstated).
DATATYPE_PROPERTIES: dict[str, str | None] = {
    "requiresSupervision": "boolean",
    "requiresIndividualAssessment": "boolean",
    "quote": None,
}

#: Resources, with the class the contract makes them (directly or by a subclass).
RESOURCES: dict[str, str] = {
    "nestor-requejo": "Expert",
    "sergio-fuertes": "Expert",
    "college-of-physiotherapists-of-madrid": "Organization",
    "spanish-society-of-pain": "Organization",
    "university-hospital-of-burgos": "Organization",
    "burgos-pain-department": "Organization",
    "pilates": "Activity",
    "suspension-training": "Activity",
    "body-foundation": "Activity",
    "healing-swimming": "Activity",
    "yoga": "Activity",
    "strength": "PhysicalCapacity",
    "flexibility": "PhysicalCapacity",
    "balance": "PhysicalCapacity",
    "body-stability": "PhysicalCapacity",
    "breathing": "CriterionCondition",
    "biomechanics": "PhysicalCapacity",
    "neuromuscular-readaptation": "TherapeuticGoal",
    "analgesia": "TherapeuticGoal",
    "kinesiophobia-reduction": "TherapeuticGoal",
    "mood-improvement": "TherapeuticGoal",
    "acute-phase": "PainPhase",
    "chronic-phase": "PainPhase",
    "acute-pain": "Contraindication",
    "expert-opinion": "EvidenceLevel",
    "source-article": "SourceDocument",
}

TERMS = [*CLASSES, *OBJECT_PROPERTIES, *DATATYPE_PROPERTIES]


@pytest.fixture(scope="module")
def graph(kg_asserted: KnowledgeGraph) -> Graph:
    return kg_asserted.asserted


def _superclasses(graph: Graph, cls: Node) -> set[Node]:
    return {c for c in graph.transitive_objects(cls, RDFS.subClassOf) if c is not None}


def _languages(graph: Graph, node: Node, prop: URIRef) -> set[str | None]:
    return {o.language for o in graph.objects(node, prop) if isinstance(o, Literal)}


# -- terms ------------------------------------------------------------------------------


@pytest.mark.parametrize("name", list(CLASSES))
def test_class_is_declared(name: str, graph: Graph) -> None:
    assert (BC[name], RDF.type, OWL.Class) in graph


@pytest.mark.parametrize(("name", "parent"), [(c, p) for c, p in CLASSES.items() if p])
def test_class_has_its_contract_superclass(name: str, parent: str, graph: Graph) -> None:
    assert (BC[name], RDFS.subClassOf, BC[parent]) in graph


@pytest.mark.parametrize("name", list(OBJECT_PROPERTIES))
def test_object_property_is_declared(name: str, graph: Graph) -> None:
    assert (BC[name], RDF.type, OWL.ObjectProperty) in graph
    domain, range_ = OBJECT_PROPERTIES[name]
    if domain is not None:
        assert graph.value(BC[name], RDFS.domain) == BC[domain]
    if range_ is not None:
        assert graph.value(BC[name], RDFS.range) == BC[range_]


@pytest.mark.parametrize("name", list(DATATYPE_PROPERTIES))
def test_datatype_property_is_declared(name: str, graph: Graph) -> None:
    assert (BC[name], RDF.type, OWL.DatatypeProperty) in graph
    range_ = DATATYPE_PROPERTIES[name]
    if range_ is not None:
        assert graph.value(BC[name], RDFS.range) == ns.XSD[range_]


@pytest.mark.parametrize("name", TERMS)
def test_term_is_labelled_in_english_and_spanish(name: str, graph: Graph) -> None:
    assert {"en", "es"} <= _languages(graph, BC[name], RDFS.label)


@pytest.mark.parametrize("name", TERMS)
def test_term_is_defined_in_english(name: str, graph: Graph) -> None:
    definitions = [d for d in graph.objects(BC[name], SKOS.definition) if isinstance(d, Literal)]
    assert any(d.language == "en" and len(str(d).split()) >= 4 for d in definitions)


def test_phase_subproperties(graph: Graph) -> None:
    for name in ("recommendedInPhase", "painLimitedInPhase"):
        assert (BC[name], RDFS.subPropertyOf, BC.allowedInPhase) in graph


def test_member_of_and_has_member_are_inverses(graph: Graph) -> None:
    assert (BC.memberOf, OWL.inverseOf, BC.hasMember) in graph or (
        BC.hasMember,
        OWL.inverseOf,
        BC.memberOf,
    ) in graph


def test_part_of_is_transitive(graph: Graph) -> None:
    assert (BC.partOf, RDF.type, OWL.TransitiveProperty) in graph


def test_affiliation_follows_membership_and_parthood(graph: Graph) -> None:
    chains = [
        list(Collection(graph, c)) for c in graph.objects(BC.affiliatedWith, OWL.propertyChainAxiom)
    ]
    assert [BC.memberOf, BC.partOf] in chains
    assert (BC.memberOf, RDFS.subPropertyOf, BC.affiliatedWith) in graph


def test_agrees_with_is_symmetric(graph: Graph) -> None:
    assert (BC.agreesWith, RDF.type, OWL.SymmetricProperty) in graph


# -- resources --------------------------------------------------------------------------


@pytest.mark.parametrize(("slug", "cls"), list(RESOURCES.items()))
def test_resource_is_typed(slug: str, cls: str, graph: Graph) -> None:
    types = set(graph.objects(BCR[slug], RDF.type))
    assert any(BC[cls] in _superclasses(graph, t) for t in types), types


@pytest.mark.parametrize("slug", list(RESOURCES))
def test_resource_is_labelled_in_english_and_spanish(slug: str, graph: Graph) -> None:
    assert {"en", "es"} <= _languages(graph, BCR[slug], RDFS.label)
    if slug != "source-article":
        assert {"en", "es"} <= _languages(graph, BCR[slug], SKOS.prefLabel)


def test_acute_pain_is_a_relative_contraindication(graph: Graph) -> None:
    assert (BCR["acute-pain"], RDF.type, BC.RelativeContraindication) in graph
    assert (BCR["acute-pain"], RDF.type, BC.AbsoluteContraindication) not in graph


def test_resource_iris_are_kebab_case_slugs(graph: Graph) -> None:
    slug = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
    resources = {
        str(n)[len(str(BCR)) :]
        for t in graph
        for n in t
        if isinstance(n, URIRef) and str(n).startswith(str(BCR))
    }
    assert len(resources) > len(RESOURCES)
    assert sorted(r for r in resources if not slug.match(r)) == []


def test_ontology_terms_live_in_the_bc_namespace(graph: Graph) -> None:
    declared = {
        s
        for kind in (OWL.Class, OWL.ObjectProperty, OWL.DatatypeProperty)
        for s in graph.subjects(RDF.type, kind)
        if isinstance(s, URIRef)
    }
    assert {BC[t] for t in TERMS} <= declared


# -- the ontology's metadata -------------------------------------------------------------


def test_ontology_header(graph: Graph) -> None:
    assert (ONTOLOGY, RDF.type, OWL.Ontology) in graph
    version_iri = graph.value(ONTOLOGY, OWL.versionIRI)
    found = re.fullmatch(
        re.escape(str(ONTOLOGY)) + r"/(\d+\.\d+\.\d+(?:-[0-9A-Za-z.-]+)?)", str(version_iri)
    )
    assert found, version_iri
    info = graph.value(ONTOLOGY, OWL.versionInfo)
    assert info is None or str(info) == found.group(1)


def test_ontology_title_and_description(graph: Graph) -> None:
    assert {"en", "es"} <= _languages(graph, ONTOLOGY, DCTERMS.title)
    assert "en" in _languages(graph, ONTOLOGY, DCTERMS.description)
    description = " ".join(str(d) for d in graph.objects(ONTOLOGY, DCTERMS.description))
    assert "not medical advice" in description


def test_ontology_license_is_cc_by_4(graph: Graph) -> None:
    assert graph.value(ONTOLOGY, DCTERMS.license) == URIRef(
        "https://creativecommons.org/licenses/by/4.0/"
    )


def test_ontology_dates(graph: Graph) -> None:
    created = graph.value(ONTOLOGY, DCTERMS.created)
    modified = graph.value(ONTOLOGY, DCTERMS.modified)
    for value in (created, modified):
        assert isinstance(value, Literal) and value.datatype == ns.XSD.date
        assert isinstance(value.toPython(), date)
    assert isinstance(created, Literal) and isinstance(modified, Literal)
    assert created.toPython() <= modified.toPython()
