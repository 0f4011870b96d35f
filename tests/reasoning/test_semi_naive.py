"""The domain rules, semi-naively: the same fixpoint as naively, for less work.

After the first round, a rule is evaluated once per triple pattern that some new triple
can match, that pattern against the new triples only; these tests check that this gives
exactly the naive fixpoint, that our evaluation of a rule gives exactly what rdflib's
SPARQL engine constructs, and that later rounds only look at the delta.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from rdflib import Graph
from support.graph_shapes import RULE_INPUTS, generate
from support.naive_rules import apply_rules

from backcare_kg.reasoning import reasoners
from backcare_kg.reasoning.materialize import Closure, closure
from backcare_kg.reasoning.rule_engine import RuleEngine
from backcare_kg.reasoning.rules import Rule, load_rules
from backcare_kg.reasoning.triples import RdflibTerms, Terms, TripleSet
from backcare_kg.storage import files
from backcare_kg.storage.loading import load_files
from backcare_kg.vocab import BC, BCR

PREFIXES = """\
@prefix bc: <https://w3id.org/backcare-kg/ontology#> .
@prefix bcr: <https://w3id.org/backcare-kg/resource/> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
"""


@pytest.fixture(scope="module")
def rules() -> list[Rule]:
    return load_rules(files.rule_files())


def encoded(graph: Graph) -> tuple[RdflibTerms, TripleSet]:
    terms = RdflibTerms()
    tid = terms.id
    return terms, TripleSet.of(terms.type, ((tid(s), tid(p), tid(o)) for s, p, o in graph))


def run(graph: Graph, rules: list[Rule], semi_naive: bool, reasoner: str = "compiled") -> Closure:
    terms, base = encoded(graph)
    return closure(base, terms, rules, reasoners.get(reasoner), semi_naive=semi_naive)


def triples(result: Closure, terms: Terms) -> set[tuple[object, ...]]:
    return set(terms.triples(result.inferred))


def bundled() -> Graph:
    return load_files(files.asserted_files())


def generated(units: int, seed: int) -> Graph:
    graph = load_files([files.ontology_dir() / "backcare.ttl"])
    graph.parse(data=RULE_INPUTS, format="turtle")
    graph.parse(data=generate(units, seed=seed), format="turtle")
    return graph


GRAPHS = {
    "bundled": bundled,
    "generated-1": lambda: generated(200, 1),
    "generated-2": lambda: generated(200, 2),
    "bundled+generated": lambda: bundled() + generated(100, 3),
}


@pytest.mark.parametrize("make", GRAPHS.values(), ids=GRAPHS.keys())
def test_semi_naive_gives_the_naive_fixpoint(make: object, rules: list[Rule]) -> None:
    graph = make()  # type: ignore[operator]
    terms, base = encoded(graph)
    semi = closure(base, terms, rules, reasoners.get("compiled"), semi_naive=True)
    naive = closure(base, terms, rules, reasoners.get("compiled"), semi_naive=False)
    assert set(semi.inferred) == set(naive.inferred)
    assert semi.rounds == naive.rounds
    assert len(semi.inferred) > len(graph) // 4


def test_semi_naive_gives_the_naive_fixpoint_with_owlrl(rules: list[Rule]) -> None:
    graph = generated(10, 5)
    terms, base = encoded(graph)
    semi = closure(base, terms, rules, reasoners.get("owlrl"), semi_naive=True)
    naive = closure(base, terms, rules, reasoners.get("owlrl"), semi_naive=False)
    assert set(semi.inferred) == set(naive.inferred)
    assert semi.rounds == naive.rounds == 3


@pytest.mark.parametrize("make", GRAPHS.values(), ids=GRAPHS.keys())
def test_each_rule_constructs_what_sparql_constructs(make: object, rules: list[Rule]) -> None:
    """Our evaluation of each rule over the OWL RL closure, against rdflib's SPARQL engine."""
    graph = make()  # type: ignore[operator]
    terms, base = encoded(graph)
    closed = closure(base, terms, [], reasoners.get("compiled")).graph
    union = Graph()
    for triple in terms.triples(closed):
        union.add(triple)
    for rule in rules:
        ours = set(terms.triples(RuleEngine([rule], terms).apply(closed)))
        assert ours == apply_rules(union, [rule]), rule.name
        assert ours or rule.name == "chronic-phase-recommended", rule.name


def test_later_rounds_only_touch_the_delta(rules: list[Rule]) -> None:
    graph = generated(300, 4)
    result = run(graph, rules, semi_naive=True)
    engine = result.rules
    assert result.rounds == 3
    assert engine.deltas[0] is None  # round 1: every rule over everything
    assert {e.delta_pattern for e in engine.evaluations if e.call == 1} == {None}
    later = [e for e in engine.evaluations if e.call > 1]
    assert later
    for evaluation in later:
        delta = engine.deltas[evaluation.call - 1]
        assert delta is not None and delta < len(result.graph) // 4
        assert evaluation.delta_pattern is not None
        assert evaluation.first_matches <= delta
    # the last round's delta holds no new activity: the rules that start from one are skipped
    last = {e.rule for e in engine.evaluations if e.call == result.rounds}
    assert "professional-supervision" not in last


def test_a_rule_is_evaluated_once_per_pattern_the_delta_can_match(tmp_path: Path) -> None:
    rule = _rule(
        tmp_path,
        "CONSTRUCT { ?a bc:rated ?c } WHERE { ?a a bc:Activity ; bc:improves ?c . "
        "?c a bc:PhysicalCapacity }",
    )
    graph = Graph().parse(
        data=PREFIXES + "bcr:y a bc:Activity ; bc:improves bcr:balance .", format="turtle"
    )
    terms, base = encoded(graph)
    engine = RuleEngine([rule], terms)
    assert not engine.apply(base)  # balance is not a capacity yet
    capacity = (terms.id_of(BCR.balance), terms.type, terms.id_of(BC.PhysicalCapacity))
    delta = base.add(TripleSet.of(terms.type, [capacity]))
    new = engine.apply(base, delta)
    assert set(terms.triples(new)) == {(BCR.y, BC.rated, BCR.balance)}
    (second,) = [e for e in engine.evaluations if e.call == 2]
    assert second.delta_pattern is not None
    assert rule.pattern is not None
    assert rule.pattern.where[second.delta_pattern][2] == BC.PhysicalCapacity
    assert (second.first_matches, second.solutions) == (1, 1)


RULE_SHAPES = {
    "a blank node in the pattern": (
        "CONSTRUCT { ?a bc:evaluated true } WHERE { ?a bc:improves [ a bc:PhysicalCapacity ] }"
    ),
    "a variable twice in one pattern": (
        "CONSTRUCT { ?a bc:selfImproving true } WHERE { ?a bc:improves ?a }"
    ),
    "a variable predicate": "CONSTRUCT { ?a bc:linkedTo ?b } WHERE { ?a ?p ?b . ?p a bc:Link }",
    "a variable class": "CONSTRUCT { ?c bc:used true } WHERE { ?a a ?c . ?a bc:improves ?x }",
    "a FILTER (evaluated by rdflib)": (
        "CONSTRUCT { ?a bc:notBalance ?c } WHERE { ?a bc:improves ?c FILTER(?c != bcr:balance) }"
    ),
    "OPTIONAL (evaluated by rdflib)": (
        "CONSTRUCT { ?a bc:maybe ?c } WHERE { ?a a bc:Activity OPTIONAL { ?a bc:improves ?c } }"
    ),
}
SHAPES_DATA = """
bcr:y a bc:Activity ; bc:improves bcr:balance , bcr:y , bcr:strength .
bcr:z a bc:Activity .
bcr:balance a bc:PhysicalCapacity .  bc:improves a bc:Link .
"""


@pytest.mark.parametrize("body", RULE_SHAPES.values(), ids=RULE_SHAPES.keys())
def test_rule_shapes_match_sparql(body: str, tmp_path: Path) -> None:
    rule = _rule(tmp_path, body)
    graph = Graph().parse(data=PREFIXES + SHAPES_DATA, format="turtle")
    terms, base = encoded(graph)
    ours = set(terms.triples(RuleEngine([rule], terms).apply(base)))
    assert ours == apply_rules(graph, [rule])
    assert ours


def test_only_plain_basic_graph_patterns_are_evaluated_by_us(tmp_path: Path) -> None:
    assert _rule(tmp_path, RULE_SHAPES["a variable predicate"]).pattern is not None
    assert _rule(tmp_path, RULE_SHAPES["a FILTER (evaluated by rdflib)"]).pattern is None
    assert _rule(tmp_path, RULE_SHAPES["OPTIONAL (evaluated by rdflib)"]).pattern is None


def _rule(tmp_path: Path, body: str) -> Rule:
    path = tmp_path / "rule.rq"
    path.write_text(f"#+ summary: test\n#+ claim: bcr:claim-test\n{body}\n", encoding="utf-8")
    (rule,) = load_rules([path])
    return rule
