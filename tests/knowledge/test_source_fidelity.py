"""The asserted graph says no more than the article: issue 14's findings about the data, pinned.

Each test pins one finding of issue 14 about the data as fixed: the selection criterion's
breathing, the hedges, outside facts, the Spanish words, and the licenses that say, statement
by statement, which claim or editorial reading of ours each asserted statement rests on (see
``data/licenses.ttl``). The mapping findings are pinned in ``test_mappings.py``. The last part
walks the article's sentences and names the claims and readings resting on each.
"""

from __future__ import annotations

from typing import NamedTuple

import pytest
from rdflib import RDF, RDFS, Graph, Literal, URIRef
from rdflib.namespace import FOAF, SKOS
from rdflib.term import Node

from backcare_kg import KnowledgeGraph
from backcare_kg.storage import files
from backcare_kg.vocab import BC, BCR

Triple = tuple[Node, Node, Node]

ORGANIZATIONS = ("college-of-physiotherapists-of-madrid", "spanish-society-of-pain")

#: What the reasoner reads (DESIGN.md, "Support levels"): who licenses which statement.
LICENSES = """
PREFIX bc: <https://w3id.org/backcare-kg/ontology#>
PREFIX rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#>
SELECT ?x ?s ?p ?o WHERE {
  ?x bc:licenses ?st . ?st rdf:subject ?s ; rdf:predicate ?p ; rdf:object ?o
}
"""

#: Documentation and metadata: statements about our entities that need no license.
METADATA_NAMESPACES = (str(SKOS), "http://purl.org/dc/terms/", str(FOAF))
METADATA_PROPERTIES = (RDFS.label, URIRef("https://schema.org/name"))


@pytest.fixture(scope="module")
def kg() -> KnowledgeGraph:
    return KnowledgeGraph.load(inference=False)


@pytest.fixture(scope="module")
def graph(kg: KnowledgeGraph) -> Graph:
    return kg.asserted


@pytest.fixture(scope="module")
def licensed(kg: KnowledgeGraph) -> dict[Triple, set[Node]]:
    """Each licensed statement, with the claims and readings that license it."""
    found: dict[Triple, set[Node]] = {}
    for row in kg.query(LICENSES):
        found.setdefault((row["s"], row["p"], row["o"]), set()).add(row["x"])
    return found


def _instances(graph: Graph, cls: URIRef) -> set[Node]:
    classes = set(graph.transitive_subjects(RDFS.subClassOf, cls))
    return {s for c in classes for s in graph.subjects(RDF.type, c)}


def _level(graph: Graph, licensed: dict[Triple, set[Node]], triple: Triple) -> str:
    """Stated if a claim licenses it, editorial if only readings of ours do."""
    licensors = licensed.get(triple, set())
    if licensors & _instances(graph, BC.Claim):
        return "stated"
    if licensors & _instances(graph, BC.EditorialReading):
        return "editorial"
    return "unlicensed"


def _entities() -> set[Node]:
    """The resources data/entities.ttl describes."""
    own = Graph().parse(files.data_dir() / "entities.ttl", format="turtle")
    return {s for s in own.subjects() if isinstance(s, URIRef) and s.startswith(str(BCR))}


def _is_content(p: Node, o: Node) -> bool:
    """A statement about the source's content: a bc: property, or a type from our ontology."""
    if p == RDF.type:
        return isinstance(o, URIRef) and o.startswith(str(BC))
    if p in METADATA_PROPERTIES or str(p).startswith(METADATA_NAMESPACES):
        return False
    return str(p).startswith(str(BC))


# -- the selection criterion: breathing is a condition, not a capacity ------------------------


def test_breathing_is_a_condition_of_the_criterion_not_a_capacity(graph: Graph) -> None:
    assert (BCR.breathing, RDF.type, BC.CriterionCondition) in graph
    assert BCR.breathing not in _instances(graph, BC.PhysicalCapacity)
    assert list(graph.subjects(BC.improves, BCR.breathing)) == []


def test_the_criterion_has_breathing_as_its_condition(graph: Graph) -> None:
    criterion = BCR["claim-selection-criterion"]
    assert (criterion, BC.hasCondition, BCR.breathing) in graph
    targets = set(graph.objects(criterion, BC.targetCapacity))
    assert targets == {BCR.strength, BCR.flexibility, BCR.balance, BCR["body-stability"]}


# -- hedges ----------------------------------------------------------------------------------


def _labels(graph: Graph, node: Node, lang: str) -> list[str]:
    return [
        str(o)
        for p in (RDFS.label, SKOS.prefLabel)
        for o in graph.objects(node, p)
        if isinstance(o, Literal) and o.language == lang
    ]


@pytest.mark.parametrize(
    ("node", "hedge"),
    [
        (
            BCR["claim-professional-supervision"],
            {"en": "where possible", "es": "siempre que sea posible"},
        ),
        (BC.requiresSupervision, {"en": "where possible", "es": "siempre que sea posible"}),
    ],
    ids=["claim", "property"],
)
def test_supervision_keeps_its_hedge(node: Node, hedge: dict[str, str], graph: Graph) -> None:
    """ "supervision, even if possible, by a professional": never an unqualified must."""
    for lang, words in hedge.items():
        labels = _labels(graph, node, lang)
        assert labels and all(words in label for label in labels), labels


def test_candidate_activities_may_be_interesting_not_recommended(graph: Graph) -> None:
    claim = BCR["claim-candidate-activities"]
    assert str(graph.value(claim, BC.quote)) == "the following actions may be interesting"
    assert (claim, RDF.type, BC.Recommendation) not in graph
    texts = _labels(graph, claim, "en") + _labels(graph, claim, "es")
    assert all("may be interesting" in t or "pueden ser interesantes" in t for t in texts), texts
    assert not any("recom" in t.lower() for t in texts), texts


def test_chronic_phase_definition_holds_no_reading(graph: Graph) -> None:
    definitions = [str(d) for d in graph.objects(BCR["chronic-phase"], SKOS.definition)]
    assert definitions
    for definition in definitions:
        for word in ("benefit", "risk", "beneficio", "riesgo"):
            assert word not in definition.lower(), definition
    notes = " ".join(str(n) for n in graph.objects(BCR["chronic-phase"], SKOS.editorialNote))
    assert "bcr:reading-chronic-phase" in notes


def test_the_benefits_claim_label_says_the_phase_is_our_reading(graph: Graph) -> None:
    for lang, ours in (("en", "in our reading"), ("es", "según nuestra lectura")):
        labels = _labels(graph, BCR["claim-benefits-exceed-risks"], lang)
        assert labels and all(ours in label for label in labels), labels


# -- outside facts ---------------------------------------------------------------------------


@pytest.mark.parametrize("slug", ORGANIZATIONS)
def test_no_homepage_the_article_does_not_give(slug: str, graph: Graph) -> None:
    assert list(graph.objects(BCR[slug], FOAF.homepage)) == []


def test_no_acronym_the_article_does_not_give(graph: Graph, source_text: str) -> None:
    """ "SED" is the article's; "CPFCM" is not, and neither is any other alternative label."""
    for slug in ORGANIZATIONS:
        for label in graph.objects(BCR[slug], SKOS.altLabel):
            assert str(label) in source_text, (slug, str(label))
    assert not any(str(o) == "CPFCM" for o in graph.objects())
    web_sites = ("cfisiomad", "sedolor")
    assert [str(o) for o in graph.objects() if any(w in str(o) for w in web_sites)] == []


# -- Spanish ---------------------------------------------------------------------------------


def _spanish(graph: Graph) -> list[str]:
    return [str(o) for o in graph.objects() if isinstance(o, Literal) and o.language == "es"]


@pytest.fixture(scope="module")
def shapes() -> Graph:
    return Graph().parse(files.shapes_file(), format="turtle")


@pytest.mark.parametrize(
    "word",
    ["asertad", "implicada", "natación terapéutica", "ayuda con el dolor", "mejora del estrés"],
)
def test_no_word_that_is_not_spanish_or_says_otherwise(
    word: str, graph: Graph, shapes: Graph
) -> None:
    found = [t for t in _spanish(graph) + _spanish(shapes) if word in t.lower()]
    assert found == []


def test_entailed_is_derived_in_spanish(graph: Graph) -> None:
    assert _labels(graph, BC.entailed, "es") == ["derivada"]


def test_nestor_in_spanish_keeps_the_source_spelling_in_english(graph: Graph) -> None:
    requejo = BCR["nestor-requejo"]
    assert _labels(graph, requejo, "es") == ["Néstor Requejo", "Néstor Requejo"]
    assert _labels(graph, requejo, "en") == ["Nestor Requejo", "Nestor Requejo"]
    assert not any("Nestor Requejo" in t for t in _spanish(graph))


def test_healing_swimming_is_natacion_sanitaria(graph: Graph) -> None:
    assert _labels(graph, BCR["healing-swimming"], "es") == ["natación sanitaria"] * 2


# -- licenses: which claim or reading each asserted statement rests on ------------------------


def test_every_content_statement_about_an_entity_is_licensed(
    graph: Graph, licensed: dict[Triple, set[Node]]
) -> None:
    entities = _entities()
    assert len(entities) >= 40
    content = {
        (s, p, o) for s in entities for p, o in graph.predicate_objects(s) if _is_content(p, o)
    }
    assert len(content) >= 55
    assert sorted(map(str, content - licensed.keys())) == []


def test_every_licensed_statement_is_asserted(
    graph: Graph, licensed: dict[Triple, set[Node]]
) -> None:
    """A license names the asserted statement exactly: a literal with its language or type."""
    assert len(licensed) >= 100
    assert sorted(str(t) for t in licensed if t not in graph) == []


def test_every_editorial_license_is_of_an_asserted_statement(
    graph: Graph, licensed: dict[Triple, set[Node]]
) -> None:
    readings = _instances(graph, BC.EditorialReading)
    editorial = {t for t, by in licensed.items() if by & readings}
    assert len(editorial) >= 40
    assert sorted(str(t) for t in editorial if t not in graph) == []


def test_only_claims_and_readings_license(graph: Graph, licensed: dict[Triple, set[Node]]) -> None:
    licensors = set().union(*licensed.values())
    allowed = _instances(graph, BC.Claim) | _instances(graph, BC.EditorialReading)
    assert sorted(map(str, licensors - allowed)) == []


def test_every_evidence_level_rests_on_our_grading(
    graph: Graph, licensed: dict[Triple, set[Node]]
) -> None:
    graded = list(graph.subject_objects(BC.evidenceLevel))
    assert len(graded) >= 25
    for claim, level in graded:
        assert licensed[(claim, BC.evidenceLevel, level)] == {BCR["reading-evidence-level"]}


class Level(NamedTuple):
    """A statement and the support the data gives it."""

    subject: Node
    predicate: Node
    object: Node
    level: str  # "stated" or "editorial"

    def __str__(self) -> str:
        return f"{self.subject} {self.predicate} {self.object}: {self.level}"


LEVELS = [
    # the user-facing meaning of the flagship answer and of the readings
    Level(BCR.yoga, BC.improves, BCR.balance, "stated"),
    Level(BCR.yoga, RDFS.label, Literal("yoga", lang="en"), "editorial"),
    Level(BCR.pilates, SKOS.prefLabel, Literal("Pilates", lang="en"), "editorial"),
    Level(BCR["suspension-training"], RDF.type, BC.SuspensionTraining, "stated"),
    Level(
        BCR["suspension-training"],
        SKOS.prefLabel,
        Literal("suspension training", lang="en"),
        "editorial",
    ),
    Level(BCR["body-foundation"], RDF.type, BC.StrengthTraining, "editorial"),
    Level(BCR["body-foundation"], RDF.type, BC.FunctionalTraining, "stated"),
    Level(BCR["claim-benefits-exceed-risks"], BC.about, BCR["chronic-phase"], "editorial"),
    Level(BCR["chronic-phase"], RDF.type, BC.PainPhase, "editorial"),
    Level(BCR["acute-phase"], RDF.type, BC.PainPhase, "stated"),
    Level(BCR["claim-case-by-case-assessment"], BC.statedBy, BCR["nestor-requejo"], "editorial"),
    Level(BCR["claim-case-by-case-assessment"], BC.statedBy, BCR["sergio-fuertes"], "editorial"),
    Level(BCR["expert-opinion"], RDF.type, BC.EvidenceLevel, "editorial"),
    Level(
        BCR["university-hospital-of-burgos"],
        SKOS.prefLabel,
        Literal("University Hospital of Burgos", lang="en"),
        "editorial",
    ),
    Level(BCR.breathing, RDF.type, BC.CriterionCondition, "stated"),
]


@pytest.mark.parametrize("row", LEVELS, ids=str)
def test_support_the_data_gives(
    row: Level, graph: Graph, licensed: dict[Triple, set[Node]]
) -> None:
    triple = (row.subject, row.predicate, row.object)
    assert triple in graph
    assert _level(graph, licensed, triple) == row.level


# -- the article, sentence by sentence --------------------------------------------------------


class Reading(NamedTuple):
    """A sentence of the article and what rests on it."""

    words: str  # the sentence's first words
    excerpts: frozenset[str]  # the claims and readings whose bc:sentence it is
    reason: str = ""  # why nothing rests on it, when nothing does


def _on(words: str, *excerpts: str) -> Reading:
    return Reading(words, frozenset(excerpts))


def _nothing(words: str, reason: str) -> Reading:
    return Reading(words, frozenset(), reason)


SENTENCES: dict[int, Reading] = {
    1: _on("Exercise can be very helpful", "claim-exercise-helps-back-pain"),
    2: _on("The type of pain", "claim-activity-fits-the-person"),
    3: _on(
        "There is a paradoxical effect", "claim-training-stress-paradox", "claim-requejo-membership"
    ),
    4: _on("p>", "reading-stray-markup"),
    5: _on(
        "This physical therapist",
        "claim-requejo-profession",
        "claim-fuertes-profession",
        "claim-pain-limits-exercise-in-acute-phase",
    ),
    6: _nothing("Goals Achievable Through Exercise", "a heading: structure, no claim of its own"),
    7: _on(
        "But if we exclude this",
        "claim-not-an-absolute-contraindication",
        "claim-benefits-exceed-risks",
        "reading-chronic-phase",
    ),
    8: _on("The goals that can be achieved", "claim-exercise-goals"),
    9: _on("Neuromuscular readaptation", "claim-goal-neuromuscular-readaptation"),
    10: _on("Analgesic action", "claim-goal-analgesia"),
    11: _on(
        "A playful tool", "claim-goal-kinesiophobia-reduction", "reading-kinesiophobia-spelling"
    ),
    12: _on("Improved mood", "claim-goal-mood-improvement"),
    13: _nothing("Most Relevant Activities", "a heading: structure, no claim of its own"),
    14: _on(
        "Experts emphasize",
        "claim-case-by-case-assessment",
        "reading-experts-are-the-two",
        "reading-evidence-level",
    ),
    15: _on("In general terms, Fuertes", "claim-selection-criterion", "reading-safe-exercise"),
    16: _on("To do this, note", "claim-candidate-activities"),
    17: _on("This is a very complete", "claim-pilates-description", "reading-pilates-heading"),
    18: _on(
        "A suspension training system",
        "claim-suspension-training-description",
        "reading-suspension-training-heading",
    ),
    19: _on("Muscle strength is manifested", "claim-suspension-training-description"),
    20: _nothing(
        "Body Foundation", "a heading: the activity's name, its label; its claim is at 21"
    ),
    21: _on(
        "A combination of functional",
        "claim-body-foundation-description",
        "reading-strength-training",
    ),
    22: _nothing(
        "Healing Swimming", "a heading: the activity's name, its label; its claim is at 23"
    ),
    23: _on("A program that uses", "claim-healing-swimming-description"),
    24: _on("Improves flexibility", "claim-yoga-description", "reading-yoga-heading"),
    25: _on(
        "Fuertes, a member",
        "claim-fuertes-hospital-department",
        "claim-no-self-taught-practice",
        "reading-burgos-spelling",
    ),
    26: _on("For this reason", "claim-professional-supervision"),
    27: _on("Rekejo adds", "claim-stop-banning-sports", "reading-requejo-spelling"),
    28: _on("In his opinion", "claim-bans-instill-fear"),
    29: _nothing("Leave a Reply", "comment-form boilerplate, not the article's content"),
    30: _nothing("Your email address", "comment-form boilerplate, not the article's content"),
    31: _nothing("Required fields", "comment-form boilerplate, not the article's content"),
}


def _sentences(graph: Graph) -> dict[int, Node]:
    return {
        int(position): sentence
        for sentence, position in graph.subject_objects(BC.position)
        if (sentence, RDF.type, BC.Sentence) in graph
    }


def test_the_table_names_every_sentence_of_the_article(graph: Graph) -> None:
    positions = sorted(_sentences(graph))
    assert positions == list(range(1, len(positions) + 1))
    assert positions == sorted(SENTENCES)


@pytest.mark.parametrize("position", sorted(SENTENCES))
def test_what_rests_on_each_sentence(position: int, graph: Graph) -> None:
    sentence = _sentences(graph)[position]
    row = SENTENCES[position]
    assert sentence == BCR[f"source-article-sentence-{position}"]
    assert str(graph.value(sentence, BC.text)).startswith(row.words)
    resting = {str(e)[len(str(BCR)) :] for e in graph.subjects(BC.sentence, sentence)}
    assert resting == set(row.excerpts)
    assert bool(row.reason) != bool(row.excerpts), "a reason exactly when nothing rests on it"


def test_every_claim_and_reading_rests_on_a_sentence_of_the_table(graph: Graph) -> None:
    excerpts = _instances(graph, BC.Claim) | _instances(graph, BC.EditorialReading)
    named = set().union(*(r.excerpts for r in SENTENCES.values()))
    assert {str(e)[len(str(BCR)) :] for e in excerpts} == named
