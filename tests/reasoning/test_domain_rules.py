"""The domain rules of ontology/rules/*.rq, each on a small graph of its own.

Every rule has cases in :data:`CASES`: a few triples of Turtle in which it must fire (the
exact set of triples it constructs, with the ``bc:justifiedBy`` link to the claim its header
names) and graphs in which it must stay silent. A rule applied alone sees no OWL reasoning,
so a case states the typing the rule's WHERE clause needs. The fixpoint of OWL RL and all
the rules together is tested through :func:`backcare_kg.reasoning.materialize.materialize`.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import RDF, RDFS
from rdflib.term import Node
from support.naive_rules import apply_rules

from backcare_kg.reasoning.materialize import materialize
from backcare_kg.reasoning.rules import Rule, load_rules
from backcare_kg.storage import files
from backcare_kg.storage.loading import load_files
from backcare_kg.vocab import BC, BCR

Triple = tuple[Node, Node, Node]

PREFIXES = """\
@prefix bc:  <https://w3id.org/backcare-kg/ontology#> .
@prefix bcr: <https://w3id.org/backcare-kg/resource/> .
@prefix owl: <http://www.w3.org/2002/07/owl#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
"""

RULE_FILES = files.rule_files()


def turtle(text: str) -> Graph:
    """A graph from a Turtle snippet (the bc:, bcr:, owl:, xsd: prefixes are declared)."""
    return Graph().parse(data=PREFIXES + text, format="turtle")


def triples(text: str) -> set[Triple]:
    return set(turtle(text))


def rule_named(name: str) -> Rule:
    (rule,) = load_rules([files.rules_dir() / f"{name}.rq"])
    return rule


def header_claim(path: Path) -> URIRef:
    """The claim named by the ``#+ claim:`` header line, read without the library."""
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.startswith("#+ claim:"):
            value = line.split(":", 1)[1].strip()
            assert value.startswith("bcr:"), f"{path.name}: claim {value!r} is not a bcr: name"
            return BCR[value.removeprefix("bcr:")]
    raise AssertionError(f"{path.name}: no '#+ claim:' header line")


@dataclass(frozen=True)
class Case:
    """A rule applied alone to ``given`` must construct exactly ``expected``."""

    id: str
    given: str
    expected: str = ""  # Turtle; empty: the rule stays silent


# An activity, a non-activity and the data each rule reads. `bcr:claim-...` below are the
# claims the rule headers name; each case restates only the triples the rule needs.
CASES: dict[str, list[Case]] = {
    "activities-serve-goals": [
        Case(
            "fires: each goal the claim is about",
            """
            bcr:a a bc:Activity .
            bcr:claim-exercise-goals bc:about bcr:g1 , bcr:g2 , bcr:back-pain .
            bcr:g1 a bc:TherapeuticGoal .  bcr:g2 a bc:TherapeuticGoal .
            bcr:back-pain a bc:Topic .
            """,
            """
            bcr:a bc:supportsGoal bcr:g1 , bcr:g2 ;
                  bc:justifiedBy bcr:claim-exercise-goals .
            """,
        ),
        Case(
            "silent: a non-activity gets no goals",
            """
            bcr:n a bc:Expert .
            bcr:claim-exercise-goals bc:about bcr:g1 .
            bcr:g1 a bc:TherapeuticGoal .
            """,
        ),
        Case(
            "silent: a goal the claim is not about",
            """
            bcr:a a bc:Activity .
            bcr:claim-other bc:about bcr:g1 .
            bcr:g1 a bc:TherapeuticGoal .
            """,
        ),
    ],
    "acute-phase-pain-limited": [
        Case(
            "fires: acute pain is a relative contraindication of the acute phase",
            """
            bcr:a a bc:Activity .  bcr:b a bc:Activity .
            bcr:acute-pain a bc:RelativeContraindication ; bc:appliesInPhase bcr:acute-phase .
            """,
            """
            bcr:a bc:painLimitedInPhase bcr:acute-phase ;
                  bc:hasContraindication bcr:acute-pain ;
                  bc:justifiedBy bcr:claim-pain-limits-exercise-in-acute-phase .
            bcr:b bc:painLimitedInPhase bcr:acute-phase ;
                  bc:hasContraindication bcr:acute-pain ;
                  bc:justifiedBy bcr:claim-pain-limits-exercise-in-acute-phase .
            """,
        ),
        Case(
            "silent: acute pain typed as an absolute contraindication",
            """
            bcr:a a bc:Activity .
            bcr:acute-pain a bc:AbsoluteContraindication ; bc:appliesInPhase bcr:acute-phase .
            """,
        ),
        Case(
            "silent: a relative contraindication that applies in no phase",
            """
            bcr:a a bc:Activity .
            bcr:acute-pain a bc:RelativeContraindication .
            """,
        ),
        Case(
            "silent: a non-activity",
            """
            bcr:n a bc:Expert .
            bcr:acute-pain a bc:RelativeContraindication ; bc:appliesInPhase bcr:acute-phase .
            """,
        ),
    ],
    "chronic-phase-allowed": [
        Case(
            "fires: every activity is allowed in the phase the claim is about",
            """
            bcr:a a bc:Activity .  bcr:b a bc:Activity .
            bcr:claim-benefits-exceed-risks bc:about bcr:chronic-phase .
            bcr:chronic-phase a bc:PainPhase .  bcr:acute-phase a bc:PainPhase .
            """,
            """
            bcr:a bc:allowedInPhase bcr:chronic-phase ;
                  bc:justifiedBy bcr:claim-benefits-exceed-risks .
            bcr:b bc:allowedInPhase bcr:chronic-phase ;
                  bc:justifiedBy bcr:claim-benefits-exceed-risks .
            """,
        ),
        Case(
            "silent: a non-activity",
            """
            bcr:n a bc:Expert .
            bcr:claim-benefits-exceed-risks bc:about bcr:chronic-phase .
            bcr:chronic-phase a bc:PainPhase .
            """,
        ),
        Case(
            "silent: the claim is about no phase (without the reading, nothing is allowed)",
            """
            bcr:a a bc:Activity .
            bcr:chronic-phase a bc:PainPhase .
            bcr:claim-benefits-exceed-risks bc:about bcr:sport .
            """,
        ),
        Case(
            "silent: what the claim is about is not a phase",
            """
            bcr:a a bc:Activity .
            bcr:claim-benefits-exceed-risks bc:about bcr:chronic-phase .
            """,
        ),
    ],
    "covers-target-capacity": [
        Case(
            "fires: each targeted capacity the activity improves, and only those",
            """
            bcr:claim-selection-criterion bc:targetCapacity bcr:strength , bcr:balance ,
                bcr:flexibility ;
                bc:hasCondition bcr:breathing .
            bcr:a a bc:Activity ; bc:improves bcr:balance , bcr:strength , bcr:biomechanics .
            bcr:b a bc:Activity ; bc:improves bcr:biomechanics .
            bcr:c a bc:Activity ; bc:meetsCondition bcr:breathing .
            """,
            """
            bcr:a bc:coversTargetCapacity bcr:balance , bcr:strength ;
                  bc:justifiedBy bcr:claim-selection-criterion .
            """,
        ),
        Case(
            "silent: a non-activity improving a target capacity",
            """
            bcr:claim-selection-criterion bc:targetCapacity bcr:strength .
            bcr:n a bc:Expert ; bc:improves bcr:strength .
            """,
        ),
        Case(
            "silent: a capacity another claim targets",
            """
            bcr:claim-other bc:targetCapacity bcr:strength .
            bcr:a a bc:Activity ; bc:improves bcr:strength .
            """,
        ),
        Case(
            "silent: a capacity the criterion is about without targeting it",
            """
            bcr:claim-selection-criterion bc:about bcr:strength .
            bcr:a a bc:Activity ; bc:improves bcr:strength .
            """,
        ),
    ],
    "individual-assessment": [
        Case(
            "fires: every activity requires an individual assessment",
            """
            bcr:a a bc:Activity .
            bcr:n a bc:Expert .
            """,
            """
            bcr:a bc:requiresIndividualAssessment true ;
                  bc:justifiedBy bcr:claim-case-by-case-assessment .
            """,
        ),
        Case("silent: a non-activity", "bcr:n a bc:Expert ."),
    ],
    "professional-supervision": [
        Case(
            "fires: every activity requires supervision",
            """
            bcr:a a bc:Activity .
            bcr:n a bc:Expert .
            """,
            """
            bcr:a bc:requiresSupervision true ;
                  bc:justifiedBy bcr:claim-professional-supervision .
            """,
        ),
        Case("silent: a non-activity", "bcr:n a bc:Expert ."),
    ],
    "recommended-activity": [
        Case(
            "fires: only the activity covering every targeted capacity and meeting every "
            "condition",
            """
            bcr:claim-selection-criterion bc:targetCapacity bcr:strength , bcr:balance ;
                bc:hasCondition bcr:breathing .
            bcr:a a bc:Activity ; bc:coversTargetCapacity bcr:strength , bcr:balance ;
                bc:meetsCondition bcr:breathing .
            bcr:b a bc:Activity ; bc:coversTargetCapacity bcr:strength , bcr:balance .
            bcr:c a bc:Activity ; bc:coversTargetCapacity bcr:strength ;
                bc:meetsCondition bcr:breathing .
            """,
            """
            bcr:a a bc:RecommendedActivity ;
                  bc:justifiedBy bcr:claim-selection-criterion .
            """,
        ),
        Case(
            "fires: a criterion without conditions asks for the capacities only",
            """
            bcr:claim-selection-criterion bc:targetCapacity bcr:strength .
            bcr:a a bc:Activity ; bc:coversTargetCapacity bcr:strength .
            """,
            """
            bcr:a a bc:RecommendedActivity ;
                  bc:justifiedBy bcr:claim-selection-criterion .
            """,
        ),
        Case(
            "silent: three of the four capacities, and the condition (yoga's case, were it met)",
            """
            bcr:claim-selection-criterion bc:targetCapacity bcr:strength , bcr:flexibility ,
                bcr:balance , bcr:body-stability ;
                bc:hasCondition bcr:breathing .
            bcr:yoga a bc:Activity ;
                bc:coversTargetCapacity bcr:strength , bcr:flexibility , bcr:balance ;
                bc:meetsCondition bcr:breathing .
            """,
        ),
        Case(
            "silent: improving a capacity is not covering it (the cover comes first)",
            """
            bcr:claim-selection-criterion bc:targetCapacity bcr:strength .
            bcr:a a bc:Activity ; bc:improves bcr:strength .
            """,
        ),
        Case(
            "silent: without the criterion's bc:targetCapacity",
            """
            bcr:claim-selection-criterion bc:about bcr:strength , bcr:balance .
            bcr:a a bc:Activity ; bc:coversTargetCapacity bcr:strength , bcr:balance .
            """,
        ),
        Case(
            "silent: a non-activity covering every targeted capacity",
            """
            bcr:claim-selection-criterion bc:targetCapacity bcr:strength .
            bcr:n a bc:Expert ; bc:coversTargetCapacity bcr:strength .
            """,
        ),
        Case(
            "silent: already recommended",
            """
            bcr:claim-selection-criterion bc:targetCapacity bcr:strength .
            bcr:a a bc:Activity , bc:RecommendedActivity ; bc:coversTargetCapacity bcr:strength ;
                bc:justifiedBy bcr:claim-selection-criterion .
            """,
        ),
    ],
    "suggested-activity": [
        Case(
            "fires: each activity the claim introduces",
            """
            bcr:claim-candidate-activities bc:about bcr:a , bcr:b , bcr:back-pain .
            bcr:a a bc:Activity .  bcr:b a bc:Activity .  bcr:c a bc:Activity .
            bcr:back-pain a bc:Topic .
            """,
            """
            bcr:a a bc:SuggestedActivity ; bc:justifiedBy bcr:claim-candidate-activities .
            bcr:b a bc:SuggestedActivity ; bc:justifiedBy bcr:claim-candidate-activities .
            """,
        ),
        Case(
            "silent: an activity another claim is about",
            """
            bcr:claim-other bc:about bcr:a .
            bcr:a a bc:Activity .
            """,
        ),
        Case(
            "silent: the claim is about something that is not an activity",
            """
            bcr:claim-candidate-activities bc:about bcr:n .
            bcr:n a bc:Expert .
            """,
        ),
    ],
}

CASE_PARAMS = [
    pytest.param(name, case, id=f"{name}: {case.id}")
    for name, cases in CASES.items()
    for case in cases
]


# -- every rule, alone -------------------------------------------------------------------


@pytest.mark.parametrize(("name", "case"), CASE_PARAMS)
def test_rule_alone(name: str, case: Case) -> None:
    rule = rule_named(name)
    given = turtle(case.given)
    assert apply_rules(given, [rule]) == triples(case.expected)


@pytest.mark.parametrize("name", sorted(CASES))
def test_firing_case_links_the_header_claim(name: str) -> None:
    """Whatever a rule infers is justified by the claim its header names, and only by it."""
    rule = rule_named(name)
    claim = header_claim(rule.path)
    assert rule.claim == claim
    firing = [c for c in CASES[name] if c.expected]
    assert firing, f"{name}: no case in which the rule fires"
    for case in firing:
        new = apply_rules(turtle(case.given), [rule])
        subjects = {s for s, _, _ in new}
        assert {(s, BC.justifiedBy, claim) for s in subjects} <= new
        assert {o for _, p, o in new if p == BC.justifiedBy} == {claim}


@pytest.mark.parametrize("path", RULE_FILES, ids=[p.stem for p in RULE_FILES])
def test_every_rule_is_tested(path: Path) -> None:
    cases = CASES.get(path.stem, [])
    assert any(c.expected for c in cases), f"{path.name}: no case where the rule fires"
    assert any(not c.expected for c in cases), f"{path.name}: no case where it stays silent"


def test_no_cases_for_missing_rules() -> None:
    assert set(CASES) == {p.stem for p in RULE_FILES}


@pytest.fixture(scope="module")
def claims_and_ontology() -> Graph:
    return load_files([files.ontology_dir() / "backcare.ttl", files.data_dir() / "claims.ttl"])


@pytest.mark.parametrize("path", RULE_FILES, ids=[p.stem for p in RULE_FILES])
def test_header_claim_is_a_claim_in_the_data(path: Path, claims_and_ontology: Graph) -> None:
    claim = header_claim(path)
    types = set(claims_and_ontology.objects(claim, RDF.type))
    claim_classes = set(claims_and_ontology.transitive_subjects(RDFS.subClassOf, BC.Claim))
    assert types & claim_classes, f"{path.name}: {claim} is not a bc:Claim in data/claims.ttl"
    assert (claim, BC.quote, None) in claims_and_ontology, f"{claim} has no quote"


#: The sentence of the source each rule rests on (through the claim its header names).
SENTENCES = {
    "acute-phase-pain-limited": 5,  # "pain should limit exercise during the acute phase"
    "chronic-phase-allowed": 7,  # "the benefits of sports are higher than the possible risks"
    "activities-serve-goals": 8,  # the goals "exercises for back pain relief" can achieve
    "individual-assessment": 14,  # "a case-by-case assessment is necessary"
    "covers-target-capacity": 15,  # the criterion: strength, flexibility, balance, stability
    "recommended-activity": 15,  # ... "coordinated with adequate breathing", "recommended"
    "suggested-activity": 16,  # "the following actions may be interesting"
    "professional-supervision": 26,  # "supervision, even if possible, by a professional"
}


@pytest.mark.parametrize("path", RULE_FILES, ids=[p.stem for p in RULE_FILES])
def test_rule_names_the_sentence_it_rests_on(path: Path, claims_and_ontology: Graph) -> None:
    sentence = BCR[f"source-article-sentence-{SENTENCES[path.stem]}"]
    assert set(claims_and_ontology.objects(header_claim(path), BC.sentence)) == {sentence}


def test_rules_load_in_file_order() -> None:
    rules = load_rules(RULE_FILES)
    assert [r.name for r in rules] == [p.stem for p in RULE_FILES]
    assert all(r.summary and r.claim for r in rules)


# -- the fixpoint: OWL RL and all the rules together ---------------------------------------

# The ontology plus the few claim triples the rules read, and nothing of the data.
RULE_DATA = """
bcr:claim-selection-criterion bc:targetCapacity bcr:strength , bcr:flexibility ,
    bcr:balance , bcr:body-stability ;
    bc:hasCondition bcr:breathing .
bcr:claim-benefits-exceed-risks bc:about bcr:chronic-phase .
bcr:chronic-phase a bc:PainPhase .
bcr:acute-phase a bc:PainPhase .
bcr:acute-pain a bc:RelativeContraindication ; bc:appliesInPhase bcr:acute-phase .
bcr:claim-exercise-goals bc:about bcr:analgesia .
bcr:analgesia a bc:TherapeuticGoal .
bcr:claim-candidate-activities bc:about bcr:x .
"""

# What every activity gets from the rules, whatever it improves.
EVERY_ACTIVITY = {
    (BC.allowedInPhase, BCR["chronic-phase"]),
    (BC.allowedInPhase, BCR["acute-phase"]),
    (BC.painLimitedInPhase, BCR["acute-phase"]),
    (BC.hasContraindication, BCR["acute-pain"]),
    (BC.supportsGoal, BCR["analgesia"]),
    (BC.requiresSupervision, Literal(True)),
    (BC.requiresIndividualAssessment, Literal(True)),
    (BC.justifiedBy, BCR["claim-benefits-exceed-risks"]),
    (BC.justifiedBy, BCR["claim-pain-limits-exercise-in-acute-phase"]),
    (BC.justifiedBy, BCR["claim-exercise-goals"]),
    (BC.justifiedBy, BCR["claim-professional-supervision"]),
    (BC.justifiedBy, BCR["claim-case-by-case-assessment"]),
    (BC.justifiedBy, BCR["claim-candidate-activities"]),
    (RDF.type, BC.Activity),
    (RDF.type, BC.SuggestedActivity),
}
CRITERION = BCR["claim-selection-criterion"]
TARGETS = {BCR.strength, BCR.flexibility, BCR.balance, BCR["body-stability"]}


def covering(*capacities: URIRef) -> set[tuple[Node, Node]]:
    """What an activity covering ``capacities`` of the criterion gets besides."""
    return {(BC.coversTargetCapacity, c) for c in capacities} | {(BC.justifiedBy, CRITERION)}


RECOMMENDED = {(RDF.type, BC.RecommendedActivity), (BC.justifiedBy, CRITERION)}


@pytest.fixture(scope="module")
def ontology() -> Graph:
    return load_files([files.ontology_dir() / "backcare.ttl"])


@pytest.fixture(scope="module")
def rules() -> list[Rule]:
    return load_rules(RULE_FILES)


def fixpoint(ontology: Graph, rules: list[Rule], data: str) -> Graph:
    asserted = Graph()
    asserted += ontology
    asserted += turtle(RULE_DATA + data)
    inferred = materialize(asserted, rules)
    assert not set(inferred) & set(asserted)
    return inferred


def about(
    graph: Graph, subject: URIRef, predicates: set[URIRef] | None = None
) -> set[tuple[Node, Node]]:
    """The (predicate, object) pairs of ``subject`` in ``graph`` among ``predicates``."""
    return {
        (p, o) for p, o in graph.predicate_objects(subject) if predicates is None or p in predicates
    }


DOMAIN = {
    BC.allowedInPhase,
    BC.recommendedInPhase,
    BC.painLimitedInPhase,
    BC.hasContraindication,
    BC.supportsGoal,
    BC.coversTargetCapacity,
    BC.requiresSupervision,
    BC.requiresIndividualAssessment,
    BC.justifiedBy,
}


def rule_facts(graph: Graph, subject: URIRef) -> set[tuple[Node, Node]]:
    """What the rules (and the subproperty axioms over their output) say of ``subject``."""
    facts = about(graph, subject, DOMAIN)
    facts |= {
        (RDF.type, o)
        for o in graph.objects(subject, RDF.type)
        if o in (BC.Activity, BC.RecommendedActivity, BC.SuggestedActivity)
    }
    return facts


def test_fixpoint_suspension_training_alone(ontology: Graph, rules: list[Rule]) -> None:
    """SuspensionTraining ⊑ StrengthTraining ⊑ ∃improves.{strength} (OWL), then the rules:
    it covers one capacity of the criterion, which does not make it recommended."""
    inferred = fixpoint(ontology, rules, "bcr:x a bc:SuspensionTraining .")
    x = BCR.x
    assert (x, BC.improves, BCR.strength) in inferred
    assert (BCR.strength, BC.improvedBy, x) in inferred
    assert {BC.StrengthTraining, BC.Activity, BC.SuggestedActivity} <= set(
        inferred.objects(x, RDF.type)
    )
    assert rule_facts(inferred, x) == EVERY_ACTIVITY | covering(BCR.strength)
    assert (x, RDF.type, BC.RecommendedActivity) not in inferred


def test_fixpoint_activity_improving_only_biomechanics(ontology: Graph, rules: list[Rule]) -> None:
    inferred = fixpoint(ontology, rules, "bcr:x a bc:Activity ; bc:improves bcr:biomechanics .")
    assert rule_facts(inferred, BCR.x) == EVERY_ACTIVITY - {(RDF.type, BC.Activity)}
    assert (BCR.x, RDF.type, BC.RecommendedActivity) not in inferred
    assert (BCR.x, BC.coversTargetCapacity, None) not in inferred


def test_fixpoint_domain_makes_an_activity(ontology: Graph, rules: list[Rule]) -> None:
    """An untyped node that improves balance is an Activity by bc:improves' domain."""
    inferred = fixpoint(ontology, rules, "bcr:x bc:improves bcr:balance .")
    assert rule_facts(inferred, BCR.x) == EVERY_ACTIVITY | covering(BCR.balance)


def test_fixpoint_the_whole_criterion_makes_a_recommended_activity(
    ontology: Graph, rules: list[Rule]
) -> None:
    """Every targeted capacity improved and the breathing condition met: OWL types the node,
    the covers rule covers each capacity, and then (the later stratum) the recommended rule
    fires."""
    data = (
        "bcr:x bc:improves bcr:strength , bcr:flexibility , bcr:balance , bcr:body-stability ;"
        " bc:meetsCondition bcr:breathing ."
    )
    inferred = fixpoint(ontology, rules, data)
    assert rule_facts(inferred, BCR.x) == EVERY_ACTIVITY | covering(*TARGETS) | RECOMMENDED


@pytest.mark.parametrize(
    "data",
    [
        "bcr:x bc:improves bcr:strength , bcr:flexibility , bcr:balance , bcr:body-stability .",
        "bcr:x bc:improves bcr:strength , bcr:flexibility , bcr:balance ;"
        " bc:meetsCondition bcr:breathing .",
    ],
    ids=["no breathing", "three capacities"],
)
def test_fixpoint_part_of_the_criterion_is_not_enough(
    ontology: Graph, rules: list[Rule], data: str
) -> None:
    inferred = fixpoint(ontology, rules, data)
    assert (BCR.x, RDF.type, BC.RecommendedActivity) not in inferred
    assert (BCR.x, RDF.type, BC.SuggestedActivity) in inferred


def test_fixpoint_non_activity_gets_nothing(ontology: Graph, rules: list[Rule]) -> None:
    inferred = fixpoint(ontology, rules, "bcr:x a bc:Expert .")
    assert rule_facts(inferred, BCR.x) == set()


def test_fixpoint_absolute_acute_pain_limits_nothing(ontology: Graph, rules: list[Rule]) -> None:
    # Not a RelativeContraindication: the same node typed both would be inconsistent
    # (the classes are disjoint), so this graph types it absolute only.
    asserted = Graph()
    asserted += ontology
    asserted += turtle("""
        bcr:x a bc:SuspensionTraining .
        bcr:chronic-phase a bc:PainPhase .
        bcr:acute-pain a bc:AbsoluteContraindication ; bc:appliesInPhase bcr:acute-phase .
    """)
    inferred = materialize(asserted, load_rules(RULE_FILES))
    assert set(inferred.triples((None, BC.painLimitedInPhase, None))) == set()
    assert set(inferred.triples((None, BC.hasContraindication, None))) == set()


def test_fixpoint_is_reached_and_stable(ontology: Graph, rules: list[Rule]) -> None:
    """Applying the rules again to asserted + inferred adds nothing."""
    asserted = Graph()
    asserted += ontology
    asserted += turtle(RULE_DATA + "bcr:x a bc:SuspensionTraining . bcr:y a bc:Activity .")
    inferred = materialize(asserted, rules)
    union = Graph()
    union += asserted
    union += inferred
    assert apply_rules(union, rules) == set()
