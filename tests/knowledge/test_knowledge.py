"""Correctness of the knowledge first: every statement rests on a sentence of the source.

``SUPPORT`` names, for each domain statement of ``data/entities.ttl`` (a triple whose
predicate is in the ``bc:`` namespace, or an ``rdf:type`` to a ``bc:`` class), the sentence
of the article that supports it and a few of its words. A test checks the words are in that
sentence, and that a claim or editorial reading tied to that sentence is about the
statement's subject; another, that the table covers every such triple, so a new fact
without support fails the suite.
"""

from __future__ import annotations

from typing import NamedTuple

import pytest
from rdflib import RDF, RDFS, Graph, Literal, URIRef
from rdflib.namespace import SKOS
from rdflib.term import Node

from backcare_kg import KnowledgeGraph
from backcare_kg.storage import files
from backcare_kg.vocab import BC, BCR, PROV


class Support(NamedTuple):
    """A statement of entities.ttl and where the source supports it."""

    subject: str  # a bcr: slug
    predicate: str  # "a" (rdf:type) or a bc: local name
    object: str  # a bc: class or a bcr: slug, by local name
    sentence: int  # N of bcr:source-article-sentence-N
    evidence: str  # words of that sentence

    def triple(self) -> tuple[URIRef, URIRef, URIRef]:
        if self.predicate == "a":
            return BCR[self.subject], RDF.type, BC[self.object]
        return BCR[self.subject], BC[self.predicate], BCR[self.object]

    def __str__(self) -> str:
        return f"{self.subject} {self.predicate} {self.object}"


SUPPORT: list[Support | object] = [
    # experts, professions, degrees
    Support("nestor-requejo", "a", "Expert", 3, "says Nestor Requejo"),
    Support(
        "nestor-requejo",
        "memberOf",
        "college-of-physiotherapists-of-madrid",
        3,
        "a member of the Professional College of Physiotherapists of the Community of Madrid",
    ),
    Support("nestor-requejo", "hasProfession", "physiotherapist", 5, "This physical therapist"),
    Support(
        "nestor-requejo",
        "hasDegree",
        "degree-in-physical-activity-and-sports-sciences",
        5,
        "with a degree in physical activity and sports sciences",
    ),
    Support("nestor-requejo", "agreesWith", "sergio-fuertes", 5, "agrees with Sergio Fuertes"),
    Support("sergio-fuertes", "a", "Expert", 5, "Sergio Fuertes"),
    Support(
        "sergio-fuertes",
        "hasProfession",
        "physical-medicine-and-rehabilitation-specialist",
        5,
        "a physical medicine and rehabilitation specialist",
    ),
    Support(
        "sergio-fuertes",
        "memberOf",
        "spanish-society-of-pain",
        5,
        "member of the Spanish Society for Pain (SED)",
    ),
    Support(
        "sergio-fuertes",
        "memberOf",
        "burgos-pain-department",
        25,
        "a member of the department of pain",
    ),
    Support("physiotherapist", "a", "Profession", 5, "physical therapist"),
    Support(
        "physical-medicine-and-rehabilitation-specialist",
        "a",
        "Profession",
        5,
        "physical medicine and rehabilitation specialist",
    ),
    Support(
        "degree-in-physical-activity-and-sports-sciences",
        "a",
        "Degree",
        5,
        "a degree in physical activity and sports sciences",
    ),
    # organizations
    Support(
        "college-of-physiotherapists-of-madrid",
        "a",
        "ProfessionalCollege",
        3,
        "Professional College of Physiotherapists",
    ),
    Support("spanish-society-of-pain", "a", "ScientificSociety", 5, "Spanish Society for Pain"),
    Support("university-hospital-of-burgos", "a", "Hospital", 25, "University Hospital of Brugos"),
    Support("burgos-pain-department", "a", "HospitalDepartment", 25, "the department of pain"),
    Support(
        "burgos-pain-department",
        "partOf",
        "university-hospital-of-burgos",
        25,
        "department of pain at the University Hospital of Brugos",
    ),
    # activities (the identification of the three headless ones: editorial readings)
    Support("pilates", "a", "MindBodyActivity", 17, "both the mind and the body interfere"),
    Support("pilates", "hasFeature", "whole-body-work", 17, "the whole body works"),
    Support("suspension-training", "a", "SuspensionTraining", 18, "A suspension training system"),
    Support("suspension-training", "hasFeature", "gravity", 18, "uses gravity"),
    Support(
        "suspension-training",
        "hasFeature",
        "own-body-weight-load",
        19,
        "the load from your own body weight",
    ),
    Support("body-foundation", "a", "FunctionalTraining", 21, "functional"),
    Support("body-foundation", "a", "StrengthTraining", 21, "strength exercises"),
    Support("body-foundation", "improves", "biomechanics", 21, "improve body biomechanics"),
    Support("healing-swimming", "a", "AquaticActivity", 23, "educational water activities"),
    Support(
        "healing-swimming",
        "hasFeature",
        "educational-water-activities",
        23,
        "uses educational water activities",
    ),
    Support(
        "healing-swimming",
        "hasFeature",
        "hygienic-and-preventive-purpose",
        23,
        "a purely hygienic and preventive purpose",
    ),
    Support("yoga", "a", "Activity", 24, "Improves flexibility, muscle strength and body balance"),
    Support("yoga", "improves", "flexibility", 24, "Improves flexibility"),
    Support("yoga", "improves", "strength", 24, "muscle strength"),
    Support("yoga", "improves", "balance", 24, "body balance"),
    # what activities use or involve
    Support(
        "whole-body-work",
        "a",
        "ExerciseFeature",
        17,
        "the whole body works, from the deepest muscles to the most peripheral",
    ),
    Support("mind-body-involvement", "a", "ExerciseFeature", 17, "both the mind and the body"),
    Support("gravity", "a", "ExerciseFeature", 18, "gravity"),
    Support("own-body-weight-load", "a", "ExerciseFeature", 19, "your own body weight"),
    Support("aquatic-environment", "a", "ExerciseFeature", 23, "the aquatic environment"),
    Support(
        "educational-water-activities", "a", "ExerciseFeature", 23, "educational water activities"
    ),
    Support(
        "hygienic-and-preventive-purpose",
        "a",
        "ExerciseFeature",
        23,
        "hygienic and preventive purpose",
    ),
    # capacities
    Support("strength", "a", "PhysicalCapacity", 24, "muscle strength"),
    Support("flexibility", "a", "PhysicalCapacity", 24, "flexibility"),
    Support("balance", "a", "PhysicalCapacity", 24, "body balance"),
    Support("body-stability", "a", "PhysicalCapacity", 15, "body stability"),
    Support("breathing", "a", "CriterionCondition", 15, "adequate breathing structure"),
    Support("biomechanics", "a", "PhysicalCapacity", 21, "body biomechanics"),
    # goals
    Support(
        "neuromuscular-readaptation",
        "a",
        "TherapeuticGoal",
        9,
        "Neuromuscular readaptation to improve spinal function",
    ),
    Support("analgesia", "a", "TherapeuticGoal", 10, "Analgesic action"),
    Support(
        "kinesiophobia-reduction",
        "a",
        "TherapeuticGoal",
        11,
        "reducing fear of movement (kinesophobia)",
    ),
    Support("mood-improvement", "a", "TherapeuticGoal", 12, "Improved mood"),
    # phases and contraindications
    Support("acute-phase", "a", "PainPhase", 5, "during the acute phase"),
    Support("chronic-phase", "a", "PainPhase", 7, "But if we exclude this"),
    Support(
        "acute-pain", "a", "RelativeContraindication", 7, "is not an absolute contraindication"
    ),
    Support(
        "acute-pain",
        "appliesInPhase",
        "acute-phase",
        5,
        "pain should limit exercise during the acute phase",
    ),
    # topics
    Support("back-pain", "a", "Topic", 1, "back pain"),
    Support("training-stress-paradox", "a", "Topic", 3, "There is a paradoxical effect"),
    Support("self-taught-practice", "a", "Topic", 25, "the practice of self-study of any sport"),
    Support("sport-banning", "a", "Topic", 27, "banning certain sports"),
    # provenance
    Support("expert-opinion", "a", "EvidenceLevel", 14, "Experts emphasize"),
]


def _row(param: Support | object) -> Support:
    if isinstance(param, Support):
        return param
    values = getattr(param, "values", ())
    assert values and isinstance(values[0], Support)
    return values[0]


ROWS = [_row(p) for p in SUPPORT]


@pytest.fixture(scope="module")
def graph(kg_asserted: KnowledgeGraph) -> Graph:
    return kg_asserted.asserted


@pytest.fixture(scope="module")
def entities() -> Graph:
    return Graph().parse(files.data_dir() / "entities.ttl", format="turtle")


def _about_properties(graph: Graph) -> set[Node]:
    """bc:about and its subproperties (e.g. bc:targetCapacity), as the ontology declares."""
    return {p for p in graph.transitive_subjects(RDFS.subPropertyOf, BC.about) if p is not None}


def _instances(graph: Graph, cls: URIRef) -> set[Node]:
    classes = set(graph.transitive_subjects(RDFS.subClassOf, cls))
    return {s for c in classes for s in graph.subjects(RDF.type, c)}


def _sentence(n: int) -> URIRef:
    return BCR[f"source-article-sentence-{n}"]


@pytest.mark.parametrize(
    "row", [p if not isinstance(p, Support) else pytest.param(p, id=str(p)) for p in SUPPORT]
)
def test_statement_is_supported_by_its_sentence(row: Support, graph: Graph) -> None:
    assert row.triple() in graph, f"{row} is no longer asserted: update the table"
    text = graph.value(_sentence(row.sentence), BC.text)
    assert text is not None, f"no sentence {row.sentence}"
    assert row.evidence in str(text)
    about = _about_properties(graph)
    excerpts = {
        e
        for e in graph.subjects(BC.sentence, _sentence(row.sentence))
        if any((e, p, BCR[row.subject]) in graph for p in about)
    }
    assert excerpts, (
        f"no claim or editorial reading at sentence {row.sentence} is about bcr:{row.subject}"
    )


def _domain_triples(graph: Graph) -> set[tuple[Node, Node, Node]]:
    return {
        (s, p, o)
        for s, p, o in graph
        if str(p).startswith(str(BC)) or (p == RDF.type and str(o).startswith(str(BC)))
    }


def test_every_domain_statement_of_entities_is_in_the_table(entities: Graph) -> None:
    table = {row.triple() for row in ROWS}
    stated = _domain_triples(entities)
    assert sorted(map(str, stated - table)) == [], "statements without a supporting sentence"
    assert sorted(map(str, table - stated)) == [], "rows for statements no longer made"
    assert len(ROWS) == len(table), "duplicate rows"


# -- quotes ----------------------------------------------------------------------------


def test_every_quote_is_an_exact_substring_of_the_source(graph: Graph, source_text: str) -> None:
    quoted = list(graph.subject_objects(BC.quote))
    assert len(quoted) >= 30
    missing = [str(s) for s, q in quoted if str(q) not in source_text]
    assert missing == []


def test_every_claim_quotes_the_source(graph: Graph) -> None:
    claims = _instances(graph, BC.Claim)
    assert len(claims) >= 25
    assert sorted(str(c) for c in claims if graph.value(c, BC.quote) is None) == []


def test_every_claim_is_expert_opinion(graph: Graph) -> None:
    claims = _instances(graph, BC.Claim)
    levels = {c: set(graph.objects(c, BC.evidenceLevel)) for c in claims}
    assert {str(c): lv for c, lv in levels.items() if lv != {BCR["expert-opinion"]}} == {}


def test_every_claim_names_who_states_it(graph: Graph) -> None:
    for claim in _instances(graph, BC.Claim):
        experts = set(graph.objects(claim, BC.statedBy))
        article = (claim, PROV.wasAttributedTo, BCR["source-article"]) in graph
        assert experts or article, claim
        assert experts <= {BCR["nestor-requejo"], BCR["sergio-fuertes"]}, claim


def test_expert_claims_quote_words_near_the_experts_name(graph: Graph) -> None:
    """A claim stated by an expert sits in a sentence naming him, or "Experts", or "his"."""
    names: dict[Node, tuple[str, ...]] = {
        BCR["nestor-requejo"]: ("Requejo", "Rekejo", "physical therapist", "his"),
        BCR["sergio-fuertes"]: ("Fuertes", "he considers"),
    }
    for claim, expert in graph.subject_objects(BC.statedBy):
        texts = [str(graph.value(s, BC.text)) for s in graph.objects(claim, BC.sentence)]
        assert any(n in t for t in texts for n in (*names[expert], "Experts")), (claim, expert)


# -- the source's defects, resolved and recorded ------------------------------------------


@pytest.mark.parametrize(
    ("slug", "right", "misspelled"),
    [
        ("nestor-requejo", "Requejo", "Rekejo"),
        ("university-hospital-of-burgos", "Burgos", "Brugos"),
        ("kinesiophobia-reduction", "kinesiophobia", "kinesophobia"),
    ],
)
def test_misspelling_kept_as_alternative_label(
    slug: str, right: str, misspelled: str, graph: Graph, source_text: str
) -> None:
    resource = BCR[slug]
    assert misspelled in source_text
    preferred = list(graph.objects(resource, SKOS.prefLabel))
    english = [str(p) for p in preferred if isinstance(p, Literal) and p.language == "en"]
    assert len(english) == 1 and right in english[0]
    assert all(misspelled not in str(p) for p in preferred)
    alternatives = [str(label) for label in graph.objects(resource, SKOS.altLabel)]
    assert any(misspelled in a for a in alternatives)
    assert any(misspelled in str(n) for n in graph.objects(resource, SKOS.editorialNote))
    readings = [
        r
        for r in _instances(graph, BC.EditorialReading)
        if (r, BC.about, resource) in graph and str(graph.value(r, BC.quote)) == misspelled
    ]
    assert len(readings) == 1


HEADINGS = [
    ("pilates", "This is a very complete physical state", "Pilates"),
    ("suspension-training", "A suspension training system that uses gravity", "suspension"),
    ("yoga", "Improves flexibility, muscle strength and body balance.", "yoga"),
]


@pytest.mark.parametrize(("slug", "paragraph_start", "name"), HEADINGS)
def test_lost_heading_is_an_editorial_reading(
    slug: str, paragraph_start: str, name: str, graph: Graph, source_text: str
) -> None:
    at = source_text.index(paragraph_start)
    assert source_text[:at].endswith("\n\n\n"), "the heading is lost in the source"
    paragraph = source_text[at : source_text.index("\n", at)]
    readings = [
        r
        for r in _instances(graph, BC.EditorialReading)
        if (r, BC.about, BCR[slug]) in graph
        and str(graph.value(r, BC.quote)).startswith(paragraph_start)
    ]
    assert len(readings) == 1
    reading = readings[0]
    assert str(graph.value(reading, BC.quote)) in paragraph
    assert (reading, PROV.wasAttributedTo, BCR["backcare-kg-editors"]) in graph
    note = graph.value(reading, SKOS.editorialNote)
    assert isinstance(note, Literal) and name.lower() in str(note).lower()
    assert "ours" in str(note)
    assert graph.value(BCR[slug], SKOS.editorialNote) is not None
    assert (reading, RDF.type, BC.Claim) not in graph


def test_nothing_asserts_recommended_activity(graph: Graph) -> None:
    assert list(graph.subjects(RDF.type, BC.RecommendedActivity)) == []
    assert _instances(graph, BC.RecommendedActivity) == set()
