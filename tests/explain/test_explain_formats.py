"""The formats of an explanation, in this process over the session's graph: text and tree
(exact lines), JSON (against its schema) and Turtle in PROV-O (parsed back: its structure,
its quotes against the source, the same output for the same input). Each shows the support
level of the statement and of every node, a domain rule's kind, and the editorial readings
an answer rests on."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import replace
from typing import Any

import jsonschema
import pytest
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, RDF, RDFS, SKOS

from backcare_kg import KnowledgeGraph
from backcare_kg.explain import Explanation, json_format, prov_format, text_format
from backcare_kg.explain.model import OWL_RL_SPEC
from backcare_kg.rdf.support_levels import SupportLevel
from backcare_kg.vocab import BC, BCR, OA, PROV

URN = "urn:backcare-kg:"
COVERS = ("yoga", "coversTargetCapacity", "balance")
JUSTIFIED = ("yoga", "bc:justifiedBy", "claim-selection-criterion")
ALLOWED = ("yoga", "allowedInPhase", "chronic-phase")
NOT_ENTAILED = ("yoga", "recommendedInPhase", "acute-phase")
NOT_RECOMMENDED = ("yoga", "a", "bc:RecommendedActivity")
THROUGH = ("body-foundation", "bc:improves", "strength")

#: Statements of every shape and level: derived by a strict domain rule (entailed), by a
#: generalization rule on an editorial premise (editorial), by OWL 2 RL (with a step folded
#: in) on our reading, asserted on our reading alone, asserted and stated, with a literal
#: object (generalized), over a blank node, and not entailed.
STATEMENTS = [
    COVERS,
    ALLOWED,
    THROUGH,
    ("body-foundation", "a", "bc:StrengthTraining"),
    ("yoga", "bc:improves", "balance"),
    ("yoga", "requiresSupervision", "true"),
    ("bc:StrengthTraining", "rdfs:subClassOf", "schema:PhysicalActivity"),
    NOT_ENTAILED,
    NOT_RECOMMENDED,
]
HELD = [s for s in STATEMENTS if s not in (NOT_ENTAILED, NOT_RECOMMENDED)]

YOGA_QUOTE = "Improves flexibility, muscle strength and body balance."
CRITERION_SENTENCE = (
    "In general terms, Fuertes points out that “sports that allow safe exercise to improve "
    "strength, flexibility, balance and body stability, coordinated with adequate breathing "
    "structure, will be recommended.”"
)


def explain(kg: KnowledgeGraph, statement: tuple[str, str, str], limit: int = 1) -> Explanation:
    return kg.explain(*statement, limit=limit)


def text(kg: KnowledgeGraph, statement: tuple[str, str, str], limit: int = 1) -> list[str]:
    return text_format.render_text(explain(kg, statement, limit), kg.explainer.label).splitlines()


# -- text and tree ----------------------------------------------------------------------------


def test_text_of_a_capacity_the_criterion_targets(kg: KnowledgeGraph) -> None:
    lines = text(kg, COVERS)
    assert lines[:5] == [
        "yoga bc:coversTargetCapacity balance",
        "Holds: the graph holds this statement (inferred, not asserted); 1 proof shown, "
        "strongest first, then shortest.",
        "Support: entailed: derived by the strict rule covers-target-capacity (sentence 15)",
        "",
        "Proof 1 of 1 (depth 1, entailed)",
    ]
    assert lines[5:12] == [
        "  yoga bc:coversTargetCapacity balance  [entailed]",
        "    derived by the domain rule covers-target-capacity "
        "(ontology/rules/covers-target-capacity.rq)",
        "      kind strict: the claim says it of each thing the rule concludes about (an "
        "entailed step)",
        "      An activity covers each capacity the selection criterion targets that it improves.",
        "      implements the claim claim-selection-criterion (sentence 15): Sports that allow "
        "safe exercise to improve strength, flexibility, balance and body stability, "
        "coordinated with adequate breathing, will be recommended",
        "    premise 1: yoga a bc:Activity  [stated]",
        "      asserted, data/entities.ttl:131",
    ]
    premises = [line.strip() for line in lines if line.startswith("    premise ")]
    assert premises == [
        "premise 1: yoga a bc:Activity  [stated]",
        "premise 2: yoga bc:improves balance  [stated]",
        "premise 3: claim-selection-criterion bc:targetCapacity balance  [stated]",
    ]
    # the claim licenses yoga's typing (data/licenses.ttl)
    start = lines.index("      claim claim-yoga-description (licenses)")
    assert lines[start : start + 6] == [
        "      claim claim-yoga-description (licenses)",
        "        label: The last activity (yoga, in our reading) improves flexibility, muscle "
        "strength and body balance",
        "        attributed to: Which exercise helps back pain: two experts' advice "
        "(source article)",
        "        evidence level: expert opinion",
        f'        quote [2304–2359]: "{YOGA_QUOTE}"',
        f'        sentence 24 [2304–2359]: "{YOGA_QUOTE}"',
    ]
    start = lines.index(
        "      editorial reading (ours, not the source's) reading-yoga-heading (reading)"
    )
    assert lines[start + 1 : start + 6] == [
        "        label: Editorial reading: the lost heading of the last activity is yoga",
        "        attributed to: backcare-kg editors",
        f'        quote [2304–2359]: "{YOGA_QUOTE}"',
        f'        sentence 24 [2304–2359]: "{YOGA_QUOTE}"',
        "        editorial note: The source lost this paragraph's heading. We identify the "
        "activity as yoga, which is commonly described as improving flexibility, muscle "
        "strength and balance, though Pilates would fit the description too. This "
        "identification is ours, not the source's; what the activity improves is the source's.",
    ]
    assert "        attributed to: Sergio Fuertes" in lines
    assert f'        sentence 15 [1420–1625]: "{CRITERION_SENTENCE}"' in lines
    assert lines[-2:] == ["", text_format.NOT_ADVICE]


def test_text_is_plain_and_unwrapped(kg: KnowledgeGraph) -> None:
    rendered = text_format.render_text(explain(kg, COVERS), kg.explainer.label)
    assert "\x1b" not in rendered
    assert f'quote [1463–1624]: "{CRITERION_SENTENCE[43:-1]}"' in rendered


def test_tree_draws_the_same_lines_as_the_text(kg: KnowledgeGraph) -> None:
    for statement in (COVERS, ALLOWED, THROUGH, NOT_ENTAILED, NOT_RECOMMENDED):
        explanation = explain(kg, statement, limit=2)
        plain = text_format.render_text(explanation, kg.explainer.label).splitlines()
        tree = text_format.render_tree(explanation, kg.explainer.label).splitlines()
        assert [re.sub(r"^[│├└─ ]*", "", line) for line in tree] == [
            line.lstrip() for line in plain
        ]


def test_tree_of_allowed_in_phase(kg: KnowledgeGraph) -> None:
    tree = text_format.render_tree(explain(kg, ALLOWED), kg.explainer.label).splitlines()
    assert tree[2] == (
        "Support: editorial: generalized from sentence 7 (rule chronic-phase-allowed, kind "
        'generalization), resting on our reading of "But if we exclude this" '
        "(reading-chronic-phase)"
    )
    assert tree[4:10] == [
        "Proof 1 of 1 (depth 1, editorial)",
        "└── yoga bc:allowedInPhase chronic-phase  [editorial]",
        "    ├── derived by the domain rule chronic-phase-allowed "
        "(ontology/rules/chronic-phase-allowed.rq)",
        "    │   ├── kind generalization: the claim says it of exercise in general, and the "
        "rule applies it to each activity (a generalized step)",
        "    │   ├── Outside the acute phase the benefits of exercise exceed its risks, so each "
        "activity is allowed in the phase the claim is about.",
        "    │   └── implements the claim claim-benefits-exceed-risks (sentence 7): If \"this\" "
        "is excluded (the acute phase, in our reading), the benefits of sport exceed its "
        "possible risks",
    ]
    # the phase is our reading's too (data/licenses.ttl)
    assert "    ├── premise 1: chronic-phase a bc:PainPhase  [editorial]" in tree
    # the editorial premise: only our reading licenses what the claim is about
    start = tree.index(
        "    ├── premise 2: claim-benefits-exceed-risks bc:about chronic-phase  [editorial]"
    )
    assert tree[start + 1] == (
        "    │   ├── asserted, data/claims.ttl:211; only a reading of ours licenses it, so it "
        "is editorial"
    )
    assert (
        "    │   └── editorial reading (ours, not the source's) reading-chronic-phase "
        "(licenses)" in tree[start:]
    )
    assert "    └── premise 3: yoga a bc:Activity  [stated]" in tree
    assert "        ├── asserted, data/entities.ttl:131" in tree
    assert (
        "    │       └── editorial note: The sentence follows the experts' agreement that pain "
        'should limit exercise during the acute phase; "this" refers to that phase. We read '
        "the claim that benefits exceed risks as holding in the chronic phase, the only other "
        'phase the source names ("chronic pain conditions", sentence 12). The phase '
        "bcr:chronic-phase, its name and the claim's being about it are this reading's "
        "(data/licenses.ttl): what the graph infers from them, such as each activity allowed "
        "in the chronic phase, is editorial." in tree
    )


def test_text_of_an_owl_rl_step_with_a_folded_step(kg: KnowledgeGraph) -> None:
    lines = text(kg, THROUGH)
    assert lines[2] == (
        "Support: editorial: derived by the ontology (cls-hv1, cax-sco), resting on our "
        'reading of "A combination of functional and strength exercises" '
        "(reading-strength-training)"
    )
    assert lines[5:9] == [
        "  body-foundation bc:improves strength  [editorial]",
        "    derived by the OWL 2 RL rule cls-hv1",
        "      x is a C and C is the class of things with p value v, so x p v",
        "      through the OWL 2 RL rule cax-sco: x is a C1 and C1 is a subclass of C2, so x is "
        "a C2 (a step into a class expression the inferred graph does not keep)",
    ]
    assert "    premise 4: body-foundation a bc:StrengthTraining  [editorial]" in lines
    assert lines[-2:] == [
        f"OWL 2 RL rules are named as in the W3C rule tables: {OWL_RL_SPEC}",
        text_format.NOT_ADVICE,
    ]


def test_text_of_three_proofs(kg: KnowledgeGraph) -> None:
    lines = text(kg, JUSTIFIED, limit=3)
    assert [line for line in lines if line.startswith("Proof ")] == [
        "Proof 1 of 3 (depth 1, entailed)",
        "Proof 2 of 3 (depth 1, entailed)",
        "Proof 3 of 3 (depth 1, entailed)",
    ]
    assert [line.strip() for line in lines if "premise 3:" in line] == [
        f"premise 3: claim-selection-criterion bc:targetCapacity {capacity}  [stated]"
        for capacity in ("balance", "flexibility", "strength")
    ]


def test_text_of_a_statement_not_entailed(kg: KnowledgeGraph) -> None:
    assert text(kg, NOT_ENTAILED) == [
        "yoga bc:recommendedInPhase acute-phase",
        "Does not hold: the graph neither asserts nor infers this statement.",
        "Near statements that hold:",
        "  yoga bc:allowedInPhase acute-phase  [generalized]  (superproperty)",
    ]
    assert text(kg, NOT_RECOMMENDED) == [
        "yoga a bc:RecommendedActivity",
        "Does not hold: the graph neither asserts nor infers this statement.",
        "Near statements that hold:",
        "  yoga a schema:PhysicalActivity  [entailed]  (same subject and predicate)",
        "  yoga a bc:Activity  [stated]  (same subject and predicate)",
        "  yoga a bc:SuggestedActivity  [entailed]  (same subject and predicate)",
    ]


def test_text_of_a_stated_answer_shows_the_reading_of_its_subject(kg: KnowledgeGraph) -> None:
    lines = text(kg, ("yoga", "bc:improves", "balance"))
    assert lines[2] == (
        "Support: stated: asserted, the source says it (sentence 24); our reading: the lost "
        "heading of the last activity is yoga (reading-yoga-heading)"
    )
    assert lines[4:6] == ["Proof 1 of 1 (depth 0, stated)", "  yoga bc:improves balance  [stated]"]


def test_text_says_when_the_recorded_level_is_not_the_proofs(kg: KnowledgeGraph) -> None:
    explanation = explain(kg, ALLOWED)
    wrong = replace(explanation, support=SupportLevel.of("entailed"))
    lines = text_format.render_text(wrong, kg.explainer.label).splitlines()
    assert lines[2] == (
        "Support: editorial: generalized from sentence 7 (rule chronic-phase-allowed, kind "
        'generalization), resting on our reading of "But if we exclude this" '
        "(reading-chronic-phase) (but the graph records entailed: its support graph does not "
        "match its proofs)"
    )


def test_text_writes_literals_as_turtle_does(kg: KnowledgeGraph) -> None:
    assert text(kg, ("yoga", "requiresSupervision", "true"))[0] == (
        "yoga bc:requiresSupervision true  (bc:requiresSupervision: requires supervision where "
        "possible)"
    )
    assert text(kg, ("yoga", "skos:prefLabel", '"yoga"@en'))[:3] == [
        'yoga skos:prefLabel "yoga"@en',
        "Holds: the graph holds this statement (asserted); 1 proof shown, strongest first, "
        "then shortest.",
        # the name yoga is ours: only reading-yoga-heading licenses it (data/licenses.ttl)
        "Support: editorial: asserted on our reading of \"Improves flexibility, muscle strength "
        'and body balance." (reading-yoga-heading)',
    ]


def test_header_shows_a_label_only_where_it_says_more(kg: KnowledgeGraph) -> None:
    line = text(kg, ("claim-selection-criterion", "bc:targetCapacity", "balance"))[0]
    assert line == (
        "claim-selection-criterion bc:targetCapacity balance  (claim-selection-criterion: "
        "Sports that allow safe exercise to improve strength, flexibility, balance and body "
        "stability, coordinated with adequate breathing, will be recommended)"
    )


# -- JSON ----------------------------------------------------------------------------------


@pytest.mark.parametrize("statement", STATEMENTS, ids=" ".join)
def test_json_validates_against_its_schema(
    kg: KnowledgeGraph, statement: tuple[str, str, str]
) -> None:
    explanation = explain(kg, statement, limit=3)
    document = json_format.to_json(explanation, kg.explainer.label)
    jsonschema.validate(document, json_format.schema())
    assert document["entailed"] is (statement in HELD)
    level = kg.support(*statement)
    assert document["support"] == (level.name if level is not None else None)
    assert document["consistent"] is True
    for written, proof in zip(document["proofs"], explanation.proofs, strict=True):
        nodes = list(proof.nodes())
        written_nodes = list(_json_nodes(written))
        assert [(n["support"], n["step"]) for n in written_nodes] == [
            (n.support.name, n.step.name) for n in nodes
        ]
    if document["proofs"]:
        assert document["proofs"][0]["support"] == document["support"]
    for near in document["near"]:
        assert near["support"] in ("stated", "entailed", "generalized", "editorial")


def _json_nodes(node: dict[str, Any]) -> Iterator[dict[str, Any]]:
    yield node
    for premise in node.get("premises", []):
        yield from _json_nodes(premise)


def test_json_of_the_flagship_phase(kg: KnowledgeGraph) -> None:
    document = json_format.to_json(explain(kg, ALLOWED), kg.explainer.label)
    assert (document["support"], document["consistent"]) == ("editorial", True)
    [proof] = document["proofs"]
    assert (proof["support"], proof["step"]) == ("editorial", "generalized")
    assert proof["rule"]["ruleKind"] == "generalization"
    assert proof["rule"]["claimSentences"] == [7]
    premise = proof["premises"][1]
    assert premise["statement"]["subject"]["short"] == "claim-benefits-exceed-risks"
    assert (premise["support"], premise["step"]) == ("editorial", "editorial")
    assert [(s["short"], s["kind"], s["relation"]) for s in premise["sources"]] == [
        ("claim-benefits-exceed-risks", "claim", "states"),
        ("reading-chronic-phase", "editorial reading", "licenses"),
    ]


def test_json_schema_rejects_a_document_without_levels(kg: KnowledgeGraph) -> None:
    document = json_format.to_json(explain(kg, ALLOWED), kg.explainer.label)
    for path in (("support",), ("proofs", 0, "support"), ("proofs", 0, "premises", 0, "step")):
        broken = json.loads(json.dumps(document))
        parent = broken
        for key in path[:-1]:
            parent = parent[key]
        del parent[path[-1]]
        with pytest.raises(jsonschema.ValidationError):
            jsonschema.validate(broken, json_format.schema())
    wrong = json.loads(json.dumps(document))
    wrong["proofs"][0]["step"] = "stated"  # a derivation's step is entailed or generalized
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(wrong, json_format.schema())


# -- Turtle (PROV-O) --------------------------------------------------------------------------


def prov(kg: KnowledgeGraph, statement: tuple[str, str, str], limit: int = 1) -> Graph:
    """The explanation as Turtle, parsed back."""
    turtle = prov_format.to_turtle(explain(kg, statement, limit), kg.explainer.label)
    return Graph().parse(data=turtle, format="turtle")


def reified(graph: Graph, node: object) -> tuple[object, object, object]:
    return tuple(graph.value(node, p) for p in (RDF.subject, RDF.predicate, RDF.object))


def derived(graph: Graph) -> set[object]:
    return set(graph.subjects(PROV.wasGeneratedBy, None))


@pytest.mark.parametrize("statement", STATEMENTS, ids=" ".join)
def test_turtle_quotes_are_the_sources(
    kg: KnowledgeGraph, source_text: str, statement: tuple[str, str, str]
) -> None:
    graph = prov(kg, statement, limit=3)
    texts = [
        *graph.objects(None, BC.quote),
        *graph.objects(None, OA.exact),
        *graph.objects(None, BC.text),
    ]
    for found in texts:
        assert str(found) in source_text, found
    for selector in graph.subjects(RDF.type, OA.TextPositionSelector):
        start, end = graph.value(selector, OA.start), graph.value(selector, OA.end)
        assert isinstance(start, Literal) and isinstance(end, Literal)
        assert 0 <= start.toPython() < end.toPython() <= len(source_text)
    for excerpt in graph.subjects(BC.quote, None):
        quote = str(graph.value(excerpt, BC.quote))
        target = graph.value(excerpt, OA.hasTarget)
        selectors = list(graph.objects(target, OA.hasSelector))
        position = next(s for s in selectors if (s, RDF.type, OA.TextPositionSelector) in graph)
        start = graph.value(position, OA.start).toPython()  # type: ignore[union-attr]
        end = graph.value(position, OA.end).toPython()  # type: ignore[union-attr]
        assert source_text[start:end] == quote
    # the offsets count in the article, which every target and excerpt names
    for target in graph.subjects(RDF.type, OA.SpecificResource):
        assert list(graph.objects(target, OA.hasSource)) == [BCR["source-article"]]
    for excerpt in graph.subjects(BC.quote, None):
        assert list(graph.objects(excerpt, BC.source)) == [BCR["source-article"]]


@pytest.mark.parametrize("statement", STATEMENTS, ids=" ".join)
def test_turtle_has_one_derived_statement_per_derivation(
    kg: KnowledgeGraph, statement: tuple[str, str, str]
) -> None:
    explanation = explain(kg, statement, limit=3)
    graph = prov(kg, statement, limit=3)
    derivations = {n for p in explanation.proofs for n in p.nodes() if not n.asserted}
    leaves = {n for p in explanation.proofs for n in p.leaves()}
    assert len(derived(graph)) == len(derivations)
    assert len(set(graph.subjects(BC.asserted, Literal(True)))) == len(leaves) + int(
        explanation.asserted
    )
    roots = list(graph.objects(None, BC.proof))
    assert len(roots) == len(explanation.proofs)
    for node in derived(graph):
        activity = graph.value(node, PROV.wasGeneratedBy)
        assert (activity, RDF.type, PROV.Activity) in graph
        premises = set(graph.objects(node, PROV.wasDerivedFrom))
        assert premises and premises == set(graph.objects(activity, PROV.used))
        association = graph.value(activity, PROV.qualifiedAssociation)
        assert (association, RDF.type, PROV.Association) in graph
        assert (graph.value(association, PROV.hadPlan), RDF.type, PROV.Plan) in graph


def test_turtle_of_a_capacity_the_criterion_targets(kg: KnowledgeGraph) -> None:
    graph = prov(kg, COVERS)
    [bundle] = graph.subjects(RDF.type, PROV.Bundle)
    asked = graph.value(bundle, DCTERMS.subject)
    yoga = BCR["yoga"]
    assert reified(graph, asked) == (yoga, BC.coversTargetCapacity, BCR["balance"])
    assert (asked, BC.entailed, Literal(True)) in graph
    assert (asked, BC.asserted, Literal(False)) in graph
    assert (asked, BC.supportLevel, BC.Entailed) in graph
    [root] = graph.objects(bundle, BC.proof)
    assert str(root).startswith(URN + "proof:")
    assert reified(graph, root) == reified(graph, asked)
    assert (root, PROV.specializationOf, asked) in graph
    assert (root, BC.depth, Literal(1)) in graph
    assert (root, BC.supportLevel, BC.Entailed) in graph
    activity = graph.value(root, PROV.wasGeneratedBy)
    plan = graph.value(graph.value(activity, PROV.qualifiedAssociation), PROV.hadPlan)
    assert plan == BCR["rule-covers-target-capacity"]
    assert graph.value(plan, RDFS.label) == Literal("covers-target-capacity")
    assert graph.value(plan, DCTERMS.source) == Literal("ontology/rules/covers-target-capacity.rq")
    assert graph.value(plan, PROV.wasDerivedFrom) == BCR["claim-selection-criterion"]
    assert graph.value(plan, BC.ruleKind) == Literal("strict")
    assert str(graph.value(plan, DCTERMS.description)) == (
        "An activity covers each capacity the selection criterion targets that it improves."
    )
    premises = {reified(graph, p): p for p in graph.objects(root, PROV.wasDerivedFrom)}
    assert set(premises) == {
        (yoga, RDF.type, BC.Activity),
        (yoga, BC.improves, BCR["balance"]),
        (BCR["claim-selection-criterion"], BC.targetCapacity, BCR["balance"]),
    }
    for premise in premises.values():
        assert (premise, BC.supportLevel, BC.Stated) in graph
    assert graph.value(BC.Stated, RDFS.label) == Literal("stated", lang="en")
    leaf = premises[(yoga, RDF.type, BC.Activity)]
    location = graph.value(leaf, PROV.atLocation)
    assert (location, RDF.type, PROV.Location) in graph
    assert graph.value(location, RDFS.label) == Literal("data/entities.ttl:131")
    assert graph.value(location, DCTERMS.source) == Literal("data/entities.ttl")
    assert graph.value(location, BC.line) == Literal(131)
    assert set(graph.objects(leaf, PROV.wasDerivedFrom)) == {
        BCR["claim-candidate-activities"],
        BCR["claim-yoga-description"],
        BCR["reading-yoga-heading"],
    }
    claim, reading = BCR["claim-yoga-description"], BCR["reading-yoga-heading"]
    assert (claim, RDF.type, BC.Claim) in graph
    assert (reading, RDF.type, BC.EditorialReading) in graph
    assert graph.value(claim, BC.quote) == Literal(YOGA_QUOTE)
    assert graph.value(claim, PROV.wasAttributedTo) == BCR["source-article"]
    assert graph.value(claim, BC.evidenceLevel) == BCR["expert-opinion"]
    assert graph.value(BCR["expert-opinion"], RDFS.label) == Literal("expert opinion", lang="en")
    assert graph.value(reading, PROV.wasAttributedTo) == BCR["backcare-kg-editors"]
    assert str(graph.value(reading, SKOS.editorialNote)).startswith(
        "The source lost this paragraph's heading."
    )
    assert graph.value(claim, SKOS.editorialNote) is None
    sentence = BCR["source-article-sentence-24"]
    assert graph.value(claim, BC.sentence) == sentence
    assert graph.value(sentence, BC.position) == Literal(24)
    assert graph.value(sentence, BC.text) == Literal(YOGA_QUOTE)


def test_turtle_of_the_flagship_phase_shows_its_levels_rule_kind_and_reading(
    kg: KnowledgeGraph,
) -> None:
    graph = prov(kg, ALLOWED)
    [bundle] = graph.subjects(RDF.type, PROV.Bundle)
    asked = graph.value(bundle, DCTERMS.subject)
    assert (asked, BC.supportLevel, BC.Editorial) in graph
    [root] = graph.objects(bundle, BC.proof)
    assert (root, BC.supportLevel, BC.Editorial) in graph
    activity = graph.value(root, PROV.wasGeneratedBy)
    plan = graph.value(graph.value(activity, PROV.qualifiedAssociation), PROV.hadPlan)
    assert (plan, BC.ruleKind, Literal("generalization")) in graph
    levels = {
        reified(graph, p): graph.value(p, BC.supportLevel)
        for p in graph.objects(root, PROV.wasDerivedFrom)
    }
    about = (BCR["claim-benefits-exceed-risks"], BC.about, BCR["chronic-phase"])
    phase = (BCR["chronic-phase"], RDF.type, BC.PainPhase)
    assert levels == {
        phase: BC.Editorial,
        about: BC.Editorial,
        (BCR["yoga"], RDF.type, BC.Activity): BC.Stated,
    }
    # our reading licenses both premises, as in the data (bc:licenses an rdf:Statement)
    licensed = graph.objects(BCR["reading-chronic-phase"], BC.licenses)
    assert {reified(graph, statement) for statement in licensed} == {phase, about}
    assert (BCR["reading-chronic-phase"], RDF.type, BC.EditorialReading) in graph


def test_turtle_names_owl_rl_rules_and_folded_steps(kg: KnowledgeGraph) -> None:
    graph = prov(kg, THROUGH)
    [node] = derived(graph)
    association = graph.value(graph.value(node, PROV.wasGeneratedBy), PROV.qualifiedAssociation)
    plan = graph.value(association, PROV.hadPlan)
    assert plan == BCR["owl-rl-cls-hv1"]
    assert graph.value(association, BC.through) == BCR["owl-rl-cax-sco"]
    for rule, name in ((plan, "cls-hv1"), (BCR["owl-rl-cax-sco"], "cax-sco")):
        assert (rule, RDF.type, PROV.Plan) in graph
        assert graph.value(rule, RDFS.label) == Literal(name)
        assert graph.value(rule, RDFS.seeAlso) == OWL_RL_SPEC
    assert str(graph.value(BCR["owl-rl-cax-sco"], DCTERMS.description)) == (
        "x is a C1 and C1 is a subclass of C2, so x is a C2"
    )
    subjects = {graph.value(p, RDF.subject) for p in graph.objects(node, PROV.wasDerivedFrom)}
    assert any(isinstance(s, BNode) for s in subjects)  # the owl:hasValue restriction


def test_turtle_of_a_statement_not_entailed(kg: KnowledgeGraph) -> None:
    graph = prov(kg, NOT_ENTAILED)
    [bundle] = graph.subjects(RDF.type, PROV.Bundle)
    assert (graph.value(bundle, DCTERMS.subject), BC.entailed, Literal(False)) in graph
    assert list(graph.objects(bundle, BC.proof)) == [] and not derived(graph)
    near = {
        (reified(graph, n), str(graph.value(n, BC.nearRelation)))
        for n in graph.objects(bundle, BC.near)
    }
    yoga = BCR["yoga"]
    assert near == {((yoga, BC.allowedInPhase, BCR["acute-phase"]), "superproperty")}
    [blank] = graph.objects(bundle, BC.near)
    assert graph.value(blank, BC.supportLevel) == BC.Generalized
    assert graph.value(graph.value(bundle, DCTERMS.subject), BC.supportLevel) is None


def test_turtle_is_the_same_for_the_same_explanation(kg: KnowledgeGraph) -> None:
    for statement in (JUSTIFIED, THROUGH):
        first = prov_format.to_turtle(explain(kg, statement, 3), kg.explainer.label)
        assert prov_format.to_turtle(explain(kg, statement, 3), kg.explainer.label) == first
        assert "@prefix prov: <http://www.w3.org/ns/prov#> ." in first
        assert "@prefix bcr: <https://w3id.org/backcare-kg/resource/> ." in first


def test_turtle_without_names_has_no_labels_of_terms(kg: KnowledgeGraph) -> None:
    graph = prov_format.to_graph(explain(kg, ALLOWED))
    assert graph.value(BCR["yoga"], RDFS.label) is None
    assert isinstance(graph.value(BCR["rule-chronic-phase-allowed"], RDFS.label), Literal)
    assert isinstance(next(iter(graph.subjects(RDF.type, PROV.Bundle))), URIRef)
