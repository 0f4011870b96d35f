"""Support levels (DESIGN.md, "Support levels"): what the reasoner says of every statement.

A proof is as strong as its weakest step, a statement as its strongest proof: stated
(asserted, and the source says it), entailed (the ontology and strict rules over stated
statements), generalized (a generalization rule on the way), editorial (an editorial
reading on the way). The first part pins the semantics on small graphs, with both
reasoners; the second, the levels of the bundled graph: rule by rule, and statement by
statement the same from the compiled reasoner, the owlrl reference and a store.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from rdflib import Graph, URIRef
from rdflib.namespace import RDF, RDFS
from rdflib.term import Node
from support.support_graphs import level_rows, levels_of

from backcare_kg import KnowledgeGraph
from backcare_kg.reasoning.materialize import infer
from backcare_kg.reasoning.rules import KINDS, Rule, load_rules
from backcare_kg.storage import files
from backcare_kg.storage.store import build_store
from backcare_kg.vocab import BC, BCR

Triple = tuple[Node, Node, Node]
EX = "http://example.org/"
PREFIXES = f"""\
@prefix : <{EX}> .
@prefix bc: <https://w3id.org/backcare-kg/ontology#> .
@prefix bcr: <https://w3id.org/backcare-kg/resource/> .
@prefix rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
"""
STATED, ENTAILED, GENERALIZED, EDITORIAL = BC.Stated, BC.Entailed, BC.Generalized, BC.Editorial


def ex(name: str) -> URIRef:
    return URIRef(EX + name)


def t(s: str, p: str, o: str) -> Triple:
    """A statement of :data:`EX` names (``a`` as predicate is rdf:type)."""
    return ex(s), RDF.type if p == "a" else ex(p), ex(o)


@pytest.fixture(params=["compiled", "owlrl"])
def reasoner(request: pytest.FixtureRequest) -> str:
    return str(request.param)


def rules_of(tmp_path: Path, **rules: tuple[str, str]) -> list[Rule]:
    """Rules named by keyword, each a (kind, CONSTRUCT query) pair; ``:`` is :data:`EX`."""
    paths = []
    for name, (kind, body) in rules.items():
        path = tmp_path / f"{name}.rq"
        path.write_text(
            f"#+ summary: {name}\n#+ claim: bcr:claim-{name}\n#+ kind: {kind}\n"
            f"PREFIX : <{EX}>\n{body}\n",
            encoding="utf-8",
        )
        paths.append(path)
    return load_rules(paths)


def license_of(who: str, kind: str, *statements: Triple) -> str:
    """Turtle: ``:who`` (a ``bc:EditorialReading``, ``bc:Claim``...) licenses each statement,
    one rdf:Statement node each, as data/licenses.ttl writes them."""
    nodes = " , ".join(
        f"[ a rdf:Statement ; rdf:subject <{s}> ; rdf:predicate <{p}> ; rdf:object <{o}> ]"
        for s, p, o in statements
    )
    return f":{who} a {kind} ; bc:licenses {nodes} .\n"


def levels(turtle: str, rules: list[Rule], reasoner: str) -> dict[Triple, URIRef]:
    """The level of every statement, asserted or inferred, of ``turtle`` under ``rules``."""
    asserted = Graph().parse(data=PREFIXES + turtle, format="turtle")
    inferred, support = infer(asserted, rules, reasoner=reasoner)
    listed = levels_of(support)
    found = {triple: listed.get(triple, STATED) for triple in asserted}
    found.update({triple: listed.get(triple, ENTAILED) for triple in inferred})
    assert set(listed) <= set(found), "the support graph lists a statement not held"
    assert STATED not in listed.values()  # the default of asserted statements
    assert {listed[t] for t in inferred if t in listed} <= {GENERALIZED, EDITORIAL}
    return found


# -- the semantics, on small graphs ---------------------------------------------------------


def test_of_two_proofs_the_strongest_wins(tmp_path: Path, reasoner: str) -> None:
    rules = rules_of(
        tmp_path,
        general=("generalization", "CONSTRUCT { ?a :q ?b } WHERE { ?a :r ?b }"),
        strict=("strict", "CONSTRUCT { ?a :q ?b } WHERE { ?a :p ?b }"),
    )
    found = levels(":x :p :y ; :r :y .  :z :r :w .", rules, reasoner)
    assert found[t("x", "q", "y")] == ENTAILED  # strict proof, and a generalized one
    assert found[t("z", "q", "w")] == GENERALIZED  # the generalized proof alone


def test_a_proof_through_an_editorial_premise_is_editorial(tmp_path: Path, reasoner: str) -> None:
    """Strict rules and the ontology's axioms do not strengthen a premise of ours."""
    rules = rules_of(tmp_path, strict=("strict", "CONSTRUCT { ?a :q ?b } WHERE { ?a :p ?b }"))
    found = levels(
        ":q rdfs:subPropertyOf :s .  :x :p :y .  :u :p :v .\n"
        + license_of("reading", "bc:EditorialReading", t("x", "p", "y")),
        rules,
        reasoner,
    )
    assert [found[t("x", p, "y")] for p in ("p", "q", "s")] == [EDITORIAL] * 3
    assert [found[t("u", p, "v")] for p in ("p", "q", "s")] == [STATED, ENTAILED, ENTAILED]


def test_a_proof_is_as_strong_as_its_weakest_step(tmp_path: Path, reasoner: str) -> None:
    """A generalization, then a strict rule and an axiom: generalized; on an editorial
    premise: editorial, however strong the later steps."""
    rules = rules_of(
        tmp_path,
        each=("generalization", "CONSTRUCT { ?a :serves :goal } WHERE { ?a a :Activity }"),
        strict=("strict", "CONSTRUCT { ?a :q ?g } WHERE { ?a :serves ?g }"),
    )
    found = levels(
        ":q rdfs:subPropertyOf :s .  :x a :Activity .  :y a :Activity .\n"
        + license_of("reading", "bc:EditorialReading", t("y", "a", "Activity")),
        rules,
        reasoner,
    )
    assert [found[t("x", p, "goal")] for p in ("serves", "q", "s")] == [GENERALIZED] * 3
    assert [found[t("y", p, "goal")] for p in ("serves", "q", "s")] == [EDITORIAL] * 3


def test_an_editorial_axiom_makes_what_it_entails_editorial(
    tmp_path: Path, reasoner: str
) -> None:
    """The ontology's axioms are definitions, unless one is a reading of ours: then what it
    entails, and what rules conclude from that, is editorial."""
    rules = rules_of(tmp_path, strict=("strict", "CONSTRUCT { ?a :q :z } WHERE { ?a a :B }"))
    axiom = (ex("A"), RDFS.subClassOf, ex("B"))
    found = levels(
        ":A rdfs:subClassOf :B .  :B rdfs:subClassOf :C .  :x a :A .  :y a :B .\n"
        + license_of("reading", "bc:EditorialReading", axiom),
        rules,
        reasoner,
    )
    assert found[axiom] == EDITORIAL
    assert [found[t("x", "a", c)] for c in ("B", "C")] == [EDITORIAL, EDITORIAL]
    assert found[t("x", "q", "z")] == EDITORIAL
    assert [found[t("y", "a", "C")], found[t("y", "q", "z")]] == [ENTAILED, ENTAILED]


def test_licensed_by_a_reading_and_a_claim_is_stated(reasoner: str) -> None:
    """A claim of the source says it: our reading adds nothing, whether the two license it
    through one rdf:Statement node or through one each (as data/licenses.ttl writes)."""
    both, alone = t("x", "p", "y"), t("u", "p", "v")
    shared, recommended = t("w", "p", "z"), t("r", "p", "s")
    found = levels(
        ":x :p :y .  :u :p :v .  :w :p :z .  :r :p :s .\n"
        + license_of("reading", "bc:EditorialReading", both, alone, recommended)
        + license_of("claim", "bc:Claim", both)
        + license_of("advice", "bc:Recommendation", recommended)
        + ":shared a rdf:Statement ; rdf:subject :w ; rdf:predicate :p ; rdf:object :z .\n"
        + ":reading bc:licenses :shared .  :claim bc:licenses :shared .\n",
        [],
        reasoner,
    )
    assert (found[both], found[shared], found[recommended], found[alone]) == (
        STATED,
        STATED,
        STATED,
        EDITORIAL,
    )


def test_an_editorial_statement_entailed_from_stated_ones_is_entailed(
    tmp_path: Path, reasoner: str
) -> None:
    """Asserted, licensed by a reading only, and entailed anyway: listed in the support graph
    as entailed (an asserted statement's default is stated); generalized the same way."""
    rules = rules_of(
        tmp_path, each=("generalization", "CONSTRUCT { ?a :allowed :chronic } WHERE { ?a a :A }")
    )
    entailed, generalized, editorial = (
        t("x", "a", "Strength"),
        t("x", "allowed", "chronic"),
        t("y", "a", "Strength"),
    )
    asserted = (
        ":Suspension rdfs:subClassOf :Strength , :A .  :x a :Suspension , :Strength ;"
        " :allowed :chronic .  :y a :Strength .\n"
        + license_of("reading", "bc:EditorialReading", entailed, generalized, editorial)
    )
    found = levels(asserted, rules, reasoner)
    assert (found[entailed], found[generalized], found[editorial]) == (
        ENTAILED,
        GENERALIZED,
        EDITORIAL,
    )
    graph = Graph().parse(data=PREFIXES + asserted, format="turtle")
    inferred, support = infer(graph, rules, reasoner=reasoner)
    expected = {entailed: ENTAILED, generalized: GENERALIZED, editorial: EDITORIAL}
    assert levels_of(support) == expected
    assert not {entailed, generalized, editorial} & set(inferred)  # asserted, never inferred


def test_a_license_asserts_nothing_and_unlicensed_data_is_stated(reasoner: str) -> None:
    """A reading licensing a statement the graph does not hold changes nothing; a user's
    own data, licensed by nothing, is stated."""
    asserted = ":x :p :y .\n" + license_of("reading", "bc:EditorialReading", t("x", "p", "z"))
    found = levels(asserted, [], reasoner)
    assert t("x", "p", "z") not in found
    assert set(found.values()) == {STATED}


# -- the bundled graph ------------------------------------------------------------------------

ACTIVITIES = ("pilates", "suspension-training", "body-foundation", "healing-swimming", "yoga")


def each(level: URIRef) -> dict[str, URIRef]:
    return dict.fromkeys(ACTIVITIES, level)


#: Each rule of ontology/rules: its kind, and the level of what it concludes on the bundled
#: data, by the activity it concludes about (every conclusion about an activity has one level).
RULES: dict[str, tuple[str, dict[str, URIRef]]] = {
    "activities-serve-goals": ("generalization", each(GENERALIZED)),
    "covers-target-capacity": (
        "strict",
        {
            "yoga": ENTAILED,
            "suspension-training": ENTAILED,  # a SuspensionTraining is a StrengthTraining
            "body-foundation": EDITORIAL,  # typed strength training by our reading
        },
    ),
    "suggested-activity": ("strict", each(ENTAILED)),
    "acute-phase-pain-limited": ("generalization", each(GENERALIZED)),
    "chronic-phase-allowed": ("generalization", each(EDITORIAL)),  # the chronic-phase reading
    "individual-assessment": ("generalization", each(GENERALIZED)),
    "professional-supervision": ("generalization", each(GENERALIZED)),
    "recommended-activity": ("strict", {}),  # nothing meets the whole criterion
}


@pytest.fixture(scope="module")
def bundled_rules() -> list[Rule]:
    return load_rules(files.rule_files())


@pytest.fixture(scope="module")
def kg_owlrl() -> KnowledgeGraph:
    """The bundled graph materialized by the owlrl reference reasoner, without the cache."""
    return KnowledgeGraph.load(reasoner="owlrl", cache=False)


@pytest.fixture(scope="module")
def kg_store(tmp_path_factory: pytest.TempPathFactory) -> KnowledgeGraph:
    """The bundled graph built into a store (the bulk path) and opened."""
    directory = tmp_path_factory.mktemp("support-levels") / "store"
    build_store(directory)
    return KnowledgeGraph.open(directory)


def level_table(kg: KnowledgeGraph) -> dict[Triple, URIRef]:
    """The level of every statement of ``kg``, asserted or inferred."""
    listed = levels_of(kg.support_graph)
    found = {triple: listed.get(triple, STATED) for triple in kg.asserted}
    found.update({triple: listed.get(triple, ENTAILED) for triple in kg.inferred})
    return found


def test_every_rule_file_has_a_kind_and_a_row_in_the_table(bundled_rules: list[Rule]) -> None:
    kinds = {}
    for path in files.rule_files():
        lines = path.read_text(encoding="utf-8").splitlines()
        (kind,) = [line.split(":", 1)[1].strip() for line in lines if line.startswith("#+ kind:")]
        assert kind in KINDS, path.name
        kinds[path.stem] = kind
    assert kinds == {name: kind for name, (kind, _) in RULES.items()}
    assert {r.name: r.kind for r in bundled_rules} == kinds


@pytest.mark.parametrize("name", sorted(RULES))
def test_the_level_of_what_each_rule_concludes(
    name: str, bundled_rules: list[Rule], kg: KnowledgeGraph
) -> None:
    (rule,) = [r for r in bundled_rules if r.name == name]
    union = Graph()
    union += kg.asserted
    union += kg.inferred
    concluded = set(union.query(rule.query).graph or ())
    assert concluded <= set(union)  # the closure holds what every rule concludes
    table = level_table(kg)
    by_activity: dict[str, set[URIRef]] = {}
    for s, p, o in concluded:
        by_activity.setdefault(str(s).removeprefix(str(BCR)), set()).add(table[(s, p, o)])
    _, expected = RULES[name]
    assert by_activity == {activity: {level} for activity, level in expected.items()}



#: Statements whose level the issue names (the flagship answer and its neighbours).
NAMED = [
    (("yoga", "improves", "balance"), "stated"),  # the name yoga is our reading of a heading
    (("yoga", "allowedInPhase", "chronic-phase"), "editorial"),
    (("yoga", "allowedInPhase", "acute-phase"), "generalized"),
    (("yoga", "supportsGoal", "analgesia"), "generalized"),
    (("yoga", "coversTargetCapacity", "balance"), "entailed"),
    (("suspension-training", "improves", "strength"), "entailed"),
    (("body-foundation", "improves", "strength"), "editorial"),
    (("body-foundation", "coversTargetCapacity", "strength"), "editorial"),
    (("claim-benefits-exceed-risks", "about", "chronic-phase"), "editorial"),
]


@pytest.fixture(scope="module")
def graphs(
    kg: KnowledgeGraph, kg_owlrl: KnowledgeGraph, kg_store: KnowledgeGraph
) -> dict[str, KnowledgeGraph]:
    return {"compiled": kg, "owlrl": kg_owlrl, "store": kg_store}


def test_the_same_levels_from_both_reasoners_and_a_store(
    graphs: dict[str, KnowledgeGraph], bundled_rules: list[Rule]
) -> None:
    rows = {name: level_rows(kg.support_graph) for name, kg in graphs.items()}
    asserted = Graph()
    asserted += graphs["compiled"].asserted
    _, support = infer(asserted, bundled_rules)  # without the cache
    assert rows["compiled"] == rows["owlrl"] == rows["store"] == level_rows(support)
    assert {level for *_, level in rows["compiled"]} == {GENERALIZED, EDITORIAL}
    inferred = {name: set(kg.inferred) for name, kg in graphs.items()}
    assert inferred["compiled"] == inferred["owlrl"] == inferred["store"]


@pytest.mark.parametrize("name", ["compiled", "owlrl", "store"])
def test_every_statement_has_one_level(name: str, graphs: dict[str, KnowledgeGraph]) -> None:
    """The support graph lists only statements the graph holds, each once, never at its
    graph's default; and the API answers that level for each statement."""
    kg = graphs[name]
    listed = levels_of(kg.support_graph)
    asserted, inferred = set(kg.asserted), set(kg.inferred)
    assert not asserted & inferred
    assert set(listed) <= asserted | inferred
    assert {listed[t] for t in listed if t in asserted} <= {ENTAILED, GENERALIZED, EDITORIAL}
    assert {listed[t] for t in listed if t in inferred} <= {GENERALIZED, EDITORIAL}
    if name == "store":  # every statement through the SPARQL of kg.support (fast on a store)
        table = level_table(kg)
        for triple in inferred | set(listed):
            assert str(kg.support(*triple)) == str(table[triple]).removeprefix(str(BC)).lower()


@pytest.mark.parametrize("name", ["compiled", "owlrl", "store"])
@pytest.mark.parametrize(("statement", "level"), NAMED, ids=[" ".join(s) for s, _ in NAMED])
def test_the_levels_the_issue_names(
    name: str, statement: tuple[str, str, str], level: str, graphs: dict[str, KnowledgeGraph]
) -> None:
    assert str(graphs[name].support(*statement)) == level
