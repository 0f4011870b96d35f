"""Materialization: OWL RL + rules to a fixpoint, exact entailments, and owlrl's noise.

Tests that hold for every reasoner take the ``reasoner`` fixture and run once per engine;
those about owlrl itself name it.
"""

from __future__ import annotations

import logging
from pathlib import Path

import owlrl
import pytest
from rdflib import BNode, Graph, Literal, Namespace, URIRef
from rdflib.namespace import OWL, RDF, RDFS, SKOS

from backcare_kg import DataError
from backcare_kg.reasoning import materialize as reasoning
from backcare_kg.reasoning.materialize import NOISE, infer, is_noise, materialize
from backcare_kg.reasoning.rules import Rule, load_rules
from backcare_kg.vocab import BC, BCR, OA, SCHEMA

# rdflib's closed XSD namespace warns when pytest probes the module's attributes
XSD = Namespace("http://www.w3.org/2001/XMLSchema#")
ERR = Namespace("http://www.daml.org/2002/03/agents/agent-ont#")

PREFIXES = """\
@prefix bc: <https://w3id.org/backcare-kg/ontology#> .
@prefix bcr: <https://w3id.org/backcare-kg/resource/> .
@prefix schema: <https://schema.org/> .
@prefix oa: <http://www.w3.org/ns/oa#> .
@prefix owl: <http://www.w3.org/2002/07/owl#> .
@prefix rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
"""

# A small ontology with one axiom of each kind, literals of several datatypes, OWL lists
# and an rdf:Seq, so that owlrl produces all of its usual noise.
ONTOLOGY = (
    PREFIXES
    + """
bc: a owl:Ontology ; owl:versionInfo "0.1.0" .
bc:Activity a owl:Class ; rdfs:subClassOf schema:PhysicalActivity ;
    rdfs:label "Activity"@en, "Actividad"@es .
bc:MindBodyActivity a owl:Class ; rdfs:subClassOf bc:Activity .
schema:PhysicalActivity rdfs:subClassOf schema:Thing .
bc:Expert a owl:Class .
bc:allowedInPhase a owl:ObjectProperty .
bc:recommendedInPhase a owl:ObjectProperty ; rdfs:subPropertyOf bc:allowedInPhase .
bc:memberOf a owl:ObjectProperty ; owl:inverseOf bc:hasMember .
bc:partOf a owl:TransitiveProperty .
bc:agreesWith a owl:SymmetricProperty .
bc:affiliatedWith owl:propertyChainAxiom ( bc:memberOf bc:partOf ) .
bc:requiresSupervision a owl:DatatypeProperty ; rdfs:range xsd:boolean .
bc:BalanceActivity owl:equivalentClass
    [ a owl:Restriction ; owl:onProperty bc:improves ; owl:hasValue bcr:balance ] .
bc:Person owl:equivalentClass [ owl:unionOf ( bc:Expert bc:Patient ) ] .

bcr:yoga a bc:MindBodyActivity ; bc:improves bcr:balance ;
    bc:recommendedInPhase bcr:chronic-phase ; bc:requiresSupervision true ; bc:sessions 3 ;
    skos:prefLabel "Yoga"@en ; bc:year "2024"^^xsd:gYear ; bc:hours 1.5 .
bcr:nestor a bc:Expert ; bc:memberOf bcr:department ; bc:agreesWith bcr:sergio .
bcr:department bc:partOf bcr:hospital .
bcr:hospital bc:partOf bcr:university .
bcr:seq a rdf:Seq ; rdf:_1 bcr:yoga ; rdf:_2 bcr:pilates .
"""
)

ENTAILED = {
    # subclass: transitive, and from the union
    (BC.Activity, RDFS.subClassOf, SCHEMA.Thing),
    (BC.MindBodyActivity, RDFS.subClassOf, SCHEMA.PhysicalActivity),
    (BC.MindBodyActivity, RDFS.subClassOf, SCHEMA.Thing),
    (BC.Expert, RDFS.subClassOf, BC.Person),
    (BC.Patient, RDFS.subClassOf, BC.Person),
    # typing through the class hierarchy
    (BCR.yoga, RDF.type, BC.Activity),
    (BCR.yoga, RDF.type, SCHEMA.PhysicalActivity),
    (BCR.yoga, RDF.type, SCHEMA.Thing),
    (BCR.nestor, RDF.type, BC.Person),
    # owl:hasValue restriction
    (BCR.yoga, RDF.type, BC.BalanceActivity),
    # subproperty
    (BCR.yoga, BC.allowedInPhase, BCR["chronic-phase"]),
    # inverse
    (BCR.department, BC.hasMember, BCR.nestor),
    # symmetric
    (BCR.sergio, BC.agreesWith, BCR.nestor),
    # transitive
    (BCR.department, BC.partOf, BCR.university),
    # owl:propertyChainAxiom (over the transitive closure)
    (BCR.nestor, BC.affiliatedWith, BCR.hospital),
    (BCR.nestor, BC.affiliatedWith, BCR.university),
}


@pytest.fixture(params=["compiled", "owlrl"])
def reasoner(request: pytest.FixtureRequest) -> str:
    return str(request.param)


def graph_of(turtle: str) -> Graph:
    graph = Graph()
    graph.parse(data=turtle, format="turtle")
    return graph


def rules_of(tmp_path: Path, **queries: str) -> list[Rule]:
    """Strict rules, one per keyword argument (the rule's name) and body."""
    paths = []
    for name, body in queries.items():
        path = tmp_path / f"{name}.rq"
        path.write_text(
            f"#+ summary: {name}\n#+ claim: bcr:claim-{name}\n#+ kind: strict\n{body}\n",
            encoding="utf-8",
        )
        paths.append(path)
    return load_rules(paths)


def test_owl_rl_entailments_are_exactly_these(reasoner: str) -> None:
    assert set(materialize(graph_of(ONTOLOGY), [], reasoner=reasoner)) == ENTAILED


def test_materialize_never_returns_an_asserted_triple(reasoner: str) -> None:
    # yoga's types and the chain's conclusion are asserted and also entailed
    asserted = graph_of(
        ONTOLOGY + "bcr:yoga a bc:Activity, schema:Thing .\n"
        "bcr:nestor bc:affiliatedWith bcr:hospital .\n"
    )
    inferred = materialize(asserted, [], reasoner=reasoner)
    assert not set(inferred) & set(asserted)
    assert set(inferred) == ENTAILED - {
        (BCR.yoga, RDF.type, BC.Activity),
        (BCR.yoga, RDF.type, SCHEMA.Thing),
        (BCR.nestor, BC.affiliatedWith, BCR.hospital),
    }


def test_materialize_leaves_its_input_alone(reasoner: str) -> None:
    asserted = graph_of(ONTOLOGY)
    before = set(asserted)
    materialize(asserted, [], reasoner=reasoner)
    assert set(asserted) == before


def test_rules_and_owl_rl_alternate_to_a_fixpoint(
    tmp_path: Path, caplog: pytest.LogCaptureFixture, reasoner: str
) -> None:
    # the entailed stage (strict rules): round 1: the first rule fires; round 2: OWL RL lifts
    # its output to allowedInPhase, which the second rule needs; round 3: OWL RL types its
    # output, and nothing is new. The generalized and editorial stages add nothing (no
    # generalization rule, no editorial reading): one round each.
    rules = rules_of(
        tmp_path,
        limit="CONSTRUCT { ?a bc:painLimitedInPhase bcr:acute-phase }\n"
        "WHERE { ?a bc:improves bcr:balance }",
        allowed="CONSTRUCT { ?a a bc:AcuteActivity ; bc:justifiedBy bcr:claim-allowed }\n"
        "WHERE { ?a bc:allowedInPhase bcr:acute-phase }",
    )
    asserted = graph_of(
        PREFIXES
        + """
        bc:painLimitedInPhase rdfs:subPropertyOf bc:allowedInPhase .
        bc:AcuteActivity rdfs:subClassOf bc:Activity .
        bcr:pilates bc:improves bcr:balance .
        bcr:walking bc:improves bcr:strength .
    """
    )
    with caplog.at_level(logging.DEBUG, logger="backcare_kg"):
        inferred, support = infer(asserted, rules, reasoner=reasoner)
    assert set(inferred) == {
        (BCR.pilates, BC.painLimitedInPhase, BCR["acute-phase"]),
        (BCR.pilates, BC.allowedInPhase, BCR["acute-phase"]),
        (BCR.pilates, RDF.type, BC.AcuteActivity),
        (BCR.pilates, BC.justifiedBy, BCR["claim-allowed"]),
        (BCR.pilates, RDF.type, BC.Activity),
    }
    assert len(support) == 0  # strict rules over stated triples: all of it entailed
    messages = [r.getMessage() for r in caplog.records if r.name.startswith("backcare_kg")]
    rounds = [m.split(":")[0] for m in messages if m.startswith("stage ")]
    assert rounds == [
        "stage 2, round 1",
        "stage 2, round 2",
        "stage 2, round 3",
        "stage 3, round 4",
        "stage 4, round 5",
    ]
    assert any(m.startswith("materialized 5 inferred triples in 5 round(s)") for m in messages)


def test_too_many_rounds_is_an_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, reasoner: str
) -> None:
    # each round marks one more node of the chain (the rule, then OWL RL's subclass axiom)
    rules = rules_of(
        tmp_path, step="CONSTRUCT { ?b a bc:Reached } WHERE { ?a a bc:Marked ; bc:next ?b }"
    )
    chain = " ".join(f"bcr:n{i} bc:next bcr:n{i + 1} ." for i in range(8))
    asserted = graph_of(
        PREFIXES + f"bc:Reached rdfs:subClassOf bc:Marked .\nbcr:n0 a bc:Marked .\n{chain}\n"
    )
    assert len(materialize(asserted, rules, reasoner=reasoner)) == 16  # 8 nodes, 2 types each
    monkeypatch.setattr(reasoning, "MAX_ROUNDS", 2)  # a budget of 2 a stage: 6 rounds in all
    with pytest.raises(DataError, match="did not reach a fixpoint after 6 rounds"):
        materialize(asserted, rules, reasoner=reasoner)


def test_entailments_about_blank_nodes_keep_the_asserted_node(reasoner: str) -> None:
    asserted = graph_of(
        PREFIXES + "oa:TextQuoteSelector rdfs:subClassOf oa:Selector .\n"
        'bcr:quote oa:hasSelector [ a oa:TextQuoteSelector ; oa:exact "x" ] .\n'
    )
    selector = asserted.value(BCR.quote, OA.hasSelector)
    assert isinstance(selector, BNode)
    assert set(materialize(asserted, [], reasoner=reasoner)) == {(selector, RDF.type, OA.Selector)}


def test_inconsistency_is_logged_not_inferred(
    caplog: pytest.LogCaptureFixture, reasoner: str
) -> None:
    asserted = graph_of(
        PREFIXES + "bc:Acute owl:disjointWith bc:Chronic .\nbcr:phase a bc:Acute, bc:Chronic .\n"
    )
    with caplog.at_level(logging.WARNING, logger="backcare_kg"):
        inferred = materialize(asserted, [], reasoner=reasoner)
    assert set(inferred) == set()
    assert [r.getMessage() for r in caplog.records] == [
        "OWL RL inconsistency: Disjoint classes https://w3id.org/backcare-kg/ontology#Acute "
        "and https://w3id.org/backcare-kg/ontology#Chronic have a common individual "
        "https://w3id.org/backcare-kg/resource/phase"
    ]


def test_ill_typed_literals_neither_crash_nor_reach_the_console(
    caplog: pytest.LogCaptureFixture, capsys: pytest.CaptureFixture[str], reasoner: str
) -> None:
    asserted = graph_of(
        PREFIXES + 'bcr:yoga bc:sessions "three"^^xsd:integer ;'
        ' bc:since "2024-13-45"^^xsd:date ; bc:ratio "NaN"^^xsd:double .\n'
    )
    caplog.clear()
    with caplog.at_level(logging.DEBUG):
        inferred = materialize(asserted, [], reasoner=reasoner)
    assert len(inferred) == 0
    assert [r for r in caplog.records if not r.name.startswith("backcare_kg")] == []
    assert capsys.readouterr() == ("", "")


def test_owlrl_global_datatype_table_is_restored() -> None:
    from rdflib.term import _toPythonMapping

    before = dict(_toPythonMapping)
    materialize(graph_of(ONTOLOGY), [], reasoner="owlrl")
    assert _toPythonMapping == before
    assert Literal("2024", datatype=XSD.gYear).value == Literal("2024", datatype=XSD.gYear).value


def test_owlrl_failure_becomes_a_data_error(monkeypatch: pytest.MonkeyPatch) -> None:
    def explode(self: object, graph: Graph) -> None:
        raise ValueError("boom")

    monkeypatch.setattr(owlrl.DeductiveClosure, "expand", explode)
    with pytest.raises(DataError, match="OWL RL reasoning failed: ValueError: boom"):
        materialize(graph_of(ONTOLOGY), [], reasoner="owlrl")


# -- the noise filters, one by one -------------------------------------------------------

X = BNode("restriction")
NOISY = [
    ("literal-subject", (Literal(3), RDF.type, XSD.integer)),
    ("literal-subject", (Literal("Yoga", lang="en"), OWL.sameAs, Literal("Yoga", lang="en"))),
    ("inconsistency-report", (BNode(), ERR.error, Literal("Disjoint classes ..."))),
    ("inconsistency-report", (BNode(), RDF.type, ERR.ErrorMessage)),
    ("container-membership", (BCR.seq, RDF["_1"], BCR.yoga)),
    ("container-membership", (BC.p, RDF.type, RDFS.ContainerMembershipProperty)),
    ("reflexive", (BCR.yoga, OWL.sameAs, BCR.yoga)),
    ("reflexive", (X, OWL.sameAs, X)),
    ("reflexive", (BC.Activity, OWL.equivalentClass, BC.Activity)),
    ("reflexive", (BC.partOf, OWL.equivalentProperty, BC.partOf)),
    ("reflexive", (BC.Activity, RDFS.subClassOf, BC.Activity)),
    ("reflexive", (BC.partOf, RDFS.subPropertyOf, BC.partOf)),
    ("top-typing", (BCR.yoga, RDF.type, OWL.Thing)),
    ("top-typing", (BCR.yoga, RDF.type, RDFS.Resource)),
    ("top-and-bottom", (BC.Activity, RDFS.subClassOf, OWL.Thing)),
    ("top-and-bottom", (OWL.Nothing, RDFS.subClassOf, BC.Activity)),
    ("universal-domain-range", (BC.improves, RDFS.domain, OWL.Thing)),
    ("universal-domain-range", (BC.improves, RDFS.range, OWL.Thing)),
    ("datatype-typing", (XSD.string, RDF.type, RDFS.Datatype)),
    ("datatype-typing", (RDF.langString, RDF.type, RDFS.Datatype)),
    ("built-in-vocabulary", (RDF.Seq, RDFS.subClassOf, RDFS.Container)),
    ("built-in-vocabulary", (RDFS.label, RDF.type, OWL.AnnotationProperty)),
    ("built-in-vocabulary", (XSD.boolean, OWL.disjointWith, XSD.decimal)),
    ("built-in-vocabulary", (OWL.Thing, RDF.type, OWL.Class)),
    ("anonymous-class", (BCR.yoga, RDF.type, X)),
    ("anonymous-class", (BC.Activity, RDFS.subClassOf, X)),
    ("anonymous-class", (X, RDFS.subClassOf, BC.BalanceActivity)),
    ("anonymous-class", (X, OWL.equivalentClass, BC.BalanceActivity)),
    ("anonymous-class", (BC.improves, RDFS.domain, X)),
    ("list-structure", (BNode(), RDF.first, BCR.yoga)),
]

REAL = [
    (BC.Activity, RDFS.subClassOf, SCHEMA.Thing),
    (BCR.yoga, RDF.type, BC.Activity),
    (BCR.yoga, RDF.type, SCHEMA.PhysicalActivity),
    (BC.improves, RDFS.domain, SCHEMA.PhysicalActivity),
    (BCR.nestor, OWL.sameAs, BCR["nestor-requejo"]),
    (BC.Activity, OWL.equivalentClass, SCHEMA.PhysicalActivity),
    (BC.memberOf, RDFS.subPropertyOf, BC.affiliatedWith),
    (BCR.yoga, BC.requiresSupervision, Literal(True)),
    (BCR.yoga, SKOS.prefLabel, Literal("Yoga", lang="en")),
    (BNode("selector"), RDF.type, OA.TextQuoteSelector),
    (BCR.quote, OA.hasSelector, BNode("selector")),
    (BC.Activity, RDF.type, OWL.Class),
    (BCR.x, RDF.type, RDFS.Class),
    (BC.Score, RDF.type, RDFS.Datatype),
    (URIRef("http://example.org/rdf_1"), RDF.type, BC.Activity),
]


@pytest.mark.parametrize(
    ("name", "triple"), NOISY, ids=[f"{n}-{i}" for i, (n, _) in enumerate(NOISY)]
)
def test_noise_filter_catches(name: str, triple: tuple[URIRef, URIRef, URIRef]) -> None:
    assert next(f.name for f in NOISE if f.test(triple)) == name  # the first that matches
    assert is_noise(triple)


@pytest.mark.parametrize("triple", REAL, ids=[str(i) for i in range(len(REAL))])
def test_real_entailment_is_not_noise(triple: tuple[URIRef, URIRef, URIRef]) -> None:
    assert not is_noise(triple)


def test_noise_list_is_documented_and_each_filter_is_exercised() -> None:
    names = [f.name for f in NOISE]
    assert len(names) == len(set(names))
    assert all(f.description and f.description[0].islower() for f in NOISE)
    assert [n for n in names if n not in {name for name, _ in NOISY}] == []


def test_two_values_of_a_functional_property_are_reported(
    caplog: pytest.LogCaptureFixture, reasoner: str
) -> None:
    # owl:FunctionalProperty entails owl:sameAs, which the compiled engine leaves to owlrl
    asserted = graph_of(
        PREFIXES + "bc:evidence a owl:FunctionalProperty .\n"
        'bcr:claim bc:evidence "expert opinion", "trial" .\n'
    )
    with caplog.at_level(logging.WARNING, logger="backcare_kg"):
        materialize(asserted, [], reasoner=reasoner)
    handed_over = (
        "the 'compiled' reasoner does not implement "
        "http://www.w3.org/2002/07/owl#FunctionalProperty: using 'owlrl' instead "
        "(the same entailments, much slower on large graphs)"
    )
    assert [r.getMessage() for r in caplog.records] == [
        *([handed_over] if reasoner == "compiled" else []),
        'OWL RL inconsistency: different values "expert opinion" and "trial" are made '
        "owl:sameAs (a functional property with two values?)",
    ]
