"""The bundled inferred graph: what OWL RL and the domain rules entail, exactly.

The inferred graph holds only computed triples (never an asserted one), is reproducible
from the bundled files, carries none of owlrl's axiomatic noise, and contains exactly the
key entailments the source licenses.
"""

from __future__ import annotations

import re

import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.compare import isomorphic
from rdflib.namespace import OWL, RDF, RDFS
from rdflib.term import Node

from backcare_kg import KnowledgeGraph
from backcare_kg.reasoning.materialize import materialize
from backcare_kg.reasoning.rules import load_rules
from backcare_kg.storage import files
from backcare_kg.storage.loading import load_files
from backcare_kg.vocab import BC, BCR

ACTIVITIES = {
    BCR[s]
    for s in ("pilates", "suspension-training", "body-foundation", "healing-swimming", "yoga")
}
#: What each activity covers of the selection criterion (sentence 15): the targeted
#: capacities it improves. None covers all four, so none is a RecommendedActivity.
COVERS = {
    BCR.yoga: {BCR.strength, BCR.flexibility, BCR.balance},
    BCR["suspension-training"]: {BCR.strength},
    BCR["body-foundation"]: {BCR.strength},
}
GOALS = {
    BCR[s]
    for s in (
        "neuromuscular-readaptation",
        "analgesia",
        "kinesiophobia-reduction",
        "mood-improvement",
    )
}
CHRONIC, ACUTE = BCR["chronic-phase"], BCR["acute-phase"]
FUERTES, REQUEJO = BCR["sergio-fuertes"], BCR["nestor-requejo"]

#: Predicates and classes that only inference may produce: never in the asserted files.
INFERRED_ONLY_PREDICATES = {
    BC.justifiedBy,
    BC.supportsGoal,
    BC.allowedInPhase,
    BC.recommendedInPhase,
    BC.coversTargetCapacity,
    BC.painLimitedInPhase,
    BC.hasContraindication,
    BC.requiresSupervision,
    BC.requiresIndividualAssessment,
    BC.affiliatedWith,
    BC.hasMember,
    BC.improvedBy,
}


@pytest.fixture(scope="module")
def union(kg: KnowledgeGraph) -> Graph:
    """Asserted and inferred triples in one plain Graph."""
    g = Graph()
    g += kg.asserted
    g += kg.inferred
    return g


def subjects(g: Graph, p: URIRef, o: Node) -> set[Node]:
    return set(g.subjects(p, o))


def objects(g: Graph, s: Node, p: URIRef) -> set[Node]:
    return set(g.objects(s, p))


def pairs(g: Graph, p: URIRef) -> set[tuple[Node, Node]]:
    return set(g.subject_objects(p))


# -- the two graphs ----------------------------------------------------------------------


def test_inferred_graph_is_not_empty(kg: KnowledgeGraph) -> None:
    assert kg.has_inference
    assert len(kg.inferred) > 0


def test_inferred_and_asserted_are_disjoint(kg: KnowledgeGraph) -> None:
    assert set(kg.inferred) & set(kg.asserted) == set()


def test_asserted_files_hold_no_inferred_triple(kg: KnowledgeGraph) -> None:
    on_disk = load_files(files.asserted_files())
    assert set(on_disk) == set(kg.asserted)
    assert [t for t in kg.inferred if t in on_disk] == []


def test_asserted_files_state_nothing_only_inference_may(kg: KnowledgeGraph) -> None:
    on_disk = load_files(files.asserted_files())
    used = {p for _, p, _ in on_disk} & INFERRED_ONLY_PREDICATES
    assert used == set(), f"asserted by hand: {sorted(map(str, used))}"
    assert subjects(on_disk, RDF.type, BC.RecommendedActivity) == set()
    assert subjects(on_disk, RDF.type, BC.SuggestedActivity) == set()


def test_inference_is_reproducible(kg: KnowledgeGraph) -> None:
    asserted = load_files(files.asserted_files())
    rules = load_rules(files.rule_files())
    first = materialize(asserted, rules)
    second = materialize(load_files(files.asserted_files()), rules)
    assert isomorphic(first, second)
    assert set(first) == set(second)  # blank node labels are deterministic too
    assert isomorphic(first, kg.inferred)  # also what the (possibly cached) kg holds


def test_no_owlrl_noise(kg: KnowledgeGraph) -> None:
    membership = re.compile(re.escape(str(RDF)) + r"_\d+$")
    inferred = list(kg.inferred)
    assert [t for t in inferred if isinstance(t[0], Literal)] == []
    assert [t for t in inferred if any(membership.match(str(x)) for x in t)] == []
    assert [t for t in inferred if t[1] == RDF.type and t[2] in (OWL.Thing, RDFS.Resource)] == []
    assert [t for t in inferred if t[1] == OWL.sameAs and t[0] == t[2]] == []
    assert [
        t for t in inferred if t[0] == t[2] and t[1] in (RDFS.subClassOf, RDFS.subPropertyOf)
    ] == []
    built_in = (str(RDF), str(RDFS), str(OWL))
    assert [t for t in inferred if str(t[0]).startswith(built_in)] == []


def test_without_inference_the_inferred_graph_is_empty(
    kg_asserted: KnowledgeGraph, kg: KnowledgeGraph
) -> None:
    assert not kg_asserted.has_inference
    assert len(kg_asserted.inferred) == 0
    assert set(kg_asserted.asserted) == set(kg.asserted)
    assert subjects(kg_asserted.asserted, RDF.type, BC.RecommendedActivity) == set()


# -- the key entailments, exactly --------------------------------------------------------


def test_activities(union: Graph) -> None:
    assert subjects(union, RDF.type, BC.Activity) == ACTIVITIES


def test_no_activity_meets_the_whole_criterion(union: Graph, kg: KnowledgeGraph) -> None:
    """Sentence 15 asks for strength, flexibility, balance and body stability, with adequate
    breathing: no activity of the source is said to do all that (yoga covers three)."""
    assert subjects(union, RDF.type, BC.RecommendedActivity) == set()
    assert subjects(kg.inferred, BC.justifiedBy, BCR["claim-selection-criterion"]) == set(COVERS)


def test_what_each_activity_covers_of_the_criterion(union: Graph) -> None:
    assert pairs(union, BC.coversTargetCapacity) == {
        (a, c) for a, capacities in COVERS.items() for c in capacities
    }


def test_every_activity_is_suggested(union: Graph) -> None:
    """Sentence 16: "the following actions may be interesting", of all five."""
    assert subjects(union, RDF.type, BC.SuggestedActivity) == ACTIVITIES


def test_improves_balance(union: Graph) -> None:
    assert subjects(union, BC.improves, BCR.balance) == {BCR.yoga}


def test_improves(union: Graph, kg: KnowledgeGraph) -> None:
    assert pairs(union, BC.improves) == {
        (BCR.yoga, BCR.flexibility),
        (BCR.yoga, BCR.strength),
        (BCR.yoga, BCR.balance),
        (BCR["body-foundation"], BCR.biomechanics),
        (BCR["body-foundation"], BCR.strength),
        (BCR["suspension-training"], BCR.strength),
    }
    # owl:hasValue on bc:StrengthTraining, not asserted
    assert pairs(kg.inferred, BC.improves) == {
        (BCR["body-foundation"], BCR.strength),
        (BCR["suspension-training"], BCR.strength),
    }


def test_improved_by_is_the_inverse_of_improves(union: Graph) -> None:
    assert pairs(union, BC.improvedBy) == {(o, s) for s, o in pairs(union, BC.improves)}


def test_pilates_has_mind_body_involvement(union: Graph, kg: KnowledgeGraph) -> None:
    assert (BCR.pilates, BC.hasFeature, BCR["mind-body-involvement"]) in kg.inferred
    assert subjects(union, BC.hasFeature, BCR["mind-body-involvement"]) == {BCR.pilates}
    assert subjects(union, BC.hasFeature, BCR["aquatic-environment"]) == {BCR["healing-swimming"]}


def test_phases(union: Graph) -> None:
    assert subjects(union, BC.allowedInPhase, CHRONIC) == ACTIVITIES
    assert subjects(union, BC.painLimitedInPhase, ACUTE) == ACTIVITIES
    assert subjects(union, BC.allowedInPhase, ACUTE) == ACTIVITIES  # the subproperty
    assert pairs(union, BC.painLimitedInPhase) == {(a, ACUTE) for a in ACTIVITIES}
    assert pairs(union, BC.allowedInPhase) == {(a, p) for a in ACTIVITIES for p in (ACUTE, CHRONIC)}
    assert pairs(union, BC.recommendedInPhase) == set()  # the source recommends for no phase


def test_acute_pain_is_a_relative_contraindication_of_every_activity(union: Graph) -> None:
    assert pairs(union, BC.hasContraindication) == {(a, BCR["acute-pain"]) for a in ACTIVITIES}
    assert (BCR["acute-pain"], RDF.type, BC.RelativeContraindication) in union
    assert subjects(union, RDF.type, BC.AbsoluteContraindication) == set()


def test_every_activity_supports_the_four_goals(union: Graph) -> None:
    assert pairs(union, BC.supportsGoal) == {(a, g) for a in ACTIVITIES for g in GOALS}


@pytest.mark.parametrize(
    "prop",
    [BC.requiresSupervision, BC.requiresIndividualAssessment],
    ids=["supervision", "individual-assessment"],
)
def test_every_activity_requires(union: Graph, prop: URIRef) -> None:
    assert pairs(union, prop) == {(a, Literal(True)) for a in ACTIVITIES}


def test_justifications(kg: KnowledgeGraph) -> None:
    every = {
        BCR[c]
        for c in (
            "claim-benefits-exceed-risks",
            "claim-candidate-activities",
            "claim-case-by-case-assessment",
            "claim-exercise-goals",
            "claim-pain-limits-exercise-in-acute-phase",
            "claim-professional-supervision",
        )
    }
    for activity in ACTIVITIES:
        expected = every | ({BCR["claim-selection-criterion"]} if activity in COVERS else set())
        assert objects(kg.inferred, activity, BC.justifiedBy) == expected, activity
    assert {s for s, _ in pairs(kg.inferred, BC.justifiedBy)} == ACTIVITIES


def test_affiliation_through_the_chain(union: Graph) -> None:
    assert objects(union, FUERTES, BC.affiliatedWith) == {
        BCR["spanish-society-of-pain"],
        BCR["burgos-pain-department"],
        BCR["university-hospital-of-burgos"],
    }
    assert objects(union, REQUEJO, BC.affiliatedWith) == {
        BCR["college-of-physiotherapists-of-madrid"]
    }


def test_agrees_with_is_symmetric(union: Graph, kg: KnowledgeGraph) -> None:
    assert pairs(union, BC.agreesWith) == {(REQUEJO, FUERTES), (FUERTES, REQUEJO)}
    assert (FUERTES, BC.agreesWith, REQUEJO) in kg.inferred


def test_has_member_is_the_inverse_of_member_of(union: Graph) -> None:
    assert pairs(union, BC.hasMember) == {
        (BCR["college-of-physiotherapists-of-madrid"], REQUEJO),
        (BCR["spanish-society-of-pain"], FUERTES),
        (BCR["burgos-pain-department"], FUERTES),
    }
    assert pairs(union, BC.hasMember) == {(o, s) for s, o in pairs(union, BC.memberOf)}


def test_suspension_training_is_strength_training(union: Graph) -> None:
    assert subjects(union, RDF.type, BC.StrengthTraining) == {
        BCR["suspension-training"],
        BCR["body-foundation"],
    }
