"""The domain rules, semi-naively: the same fixpoint as naively, for less work.

A monotone rule is evaluated over the whole graph once, in the first round of the stage
that enables it (:func:`~backcare_kg.reasoning.materialize.closure`); after that, once per
triple pattern that some new triple can match, that pattern against the new triples only.
These tests check that this gives exactly the naive fixpoint (support levels included), that
our evaluation of a rule gives exactly what rdflib's SPARQL engine constructs, and that later
rounds only look at the delta.
"""

from __future__ import annotations

import functools
from pathlib import Path

import pytest
from rdflib import Graph, Literal, URIRef
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


def levels(result: Closure) -> dict[int, set[tuple[int, int, int]]]:
    return {level: set(statements) for level, statements in result.support.items()}


def constructed(graph: Graph, rule: Rule) -> set[tuple[object, ...]]:
    """Everything rdflib's SPARQL engine constructs for ``rule`` over ``graph`` (RDF only)."""
    found = graph.query(rule.query).graph
    return {
        (s, p, o)
        for s, p, o in (found if found is not None else ())
        if not isinstance(s, Literal) and isinstance(p, URIRef)
    }


@functools.cache
def licenses() -> frozenset[tuple[object, ...]]:
    """The triples of data/licenses.ttl (its blank nodes labelled as in any load of it)."""
    [path] = [path for path in files.asserted_files() if path.name == "licenses.ttl"]
    return frozenset(load_files([path]))


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
    assert levels(semi) == levels(naive)
    assert semi.rounds == naive.rounds
    # Not a vacuous equality: the closure is a sizeable part of what the rules and OWL read
    # (the graph without data/licenses.ttl, whose reified statements only say which claim or
    # reading licenses a statement), and some statements are graded below their default.
    assert len(semi.inferred) > len(set(graph) - licenses()) // 4
    assert any(semi.support.values())


def test_semi_naive_gives_the_naive_fixpoint_with_owlrl(rules: list[Rule]) -> None:
    graph = generated(10, 5)
    terms, base = encoded(graph)
    semi = closure(base, terms, rules, reasoners.get("owlrl"), semi_naive=True)
    naive = closure(base, terms, rules, reasoners.get("owlrl"), semi_naive=False)
    assert set(semi.inferred) == set(naive.inferred)
    assert levels(semi) == levels(naive)
    # entailed: 3 rounds (the strict rules; OWL RL over their output; the later stratum's
    # RecommendedActivity closed), generalized: 2, editorial: 1 (no editorial reading here)
    assert semi.rounds == naive.rounds == 6


@pytest.mark.parametrize("make", GRAPHS.values(), ids=GRAPHS.keys())
def test_each_rule_constructs_what_sparql_constructs(make: object, rules: list[Rule]) -> None:
    """Our evaluation of each rule, against rdflib's SPARQL engine: what is new over the OWL
    RL closure, and everything it constructs over the final closure (where the rules that
    ask for absence see what the others concluded)."""
    graph = make()  # type: ignore[operator]
    terms, base = encoded(graph)
    owl = closure(base, terms, [], reasoners.get("compiled")).graph
    final = closure(base, terms, rules, reasoners.get("compiled")).graph
    owl_graph, final_graph = Graph(), Graph()
    owl_graph.addN((s, p, o, owl_graph) for s, p, o in terms.triples(owl))
    final_graph.addN((s, p, o, final_graph) for s, p, o in terms.triples(final))
    for rule in rules:
        ours = set(terms.triples(RuleEngine([rule], terms).apply(owl)))
        assert ours == apply_rules(owl_graph, [rule]), rule.name
        everything = set(terms.triples(RuleEngine([rule], terms).construct(final)))
        assert everything == constructed(final_graph, rule), rule.name
        assert not RuleEngine([rule], terms).apply(final), rule.name  # a fixpoint
        # in the source no activity meets the whole criterion (yoga covers three of four)
        assert everything or (make is bundled and rule.name == "recommended-activity"), rule.name


def test_later_rounds_only_touch_the_delta(rules: list[Rule]) -> None:
    """Each monotone rule sees the whole graph once, when its stage enables it (the strict
    rules in the first, the generalizations in the second); every later evaluation of it
    joins the delta first. Only the later stratum (the rules asking for absence) is
    evaluated over the whole graph again, once the monotone rules are done."""
    graph = bundled() + generated(100, 3)
    result = run(graph, rules, semi_naive=True)
    engine = result.rules
    monotone = {r.name for r in rules if r.monotone}
    assert monotone == {r.name for r in rules} - {"recommended-activity"}
    whole = [e for e in engine.evaluations if e.delta_pattern is None]
    assert sorted(e.rule for e in whole if e.rule in monotone) == sorted(monotone)
    strict = {e.rule for e in whole if e.rule in monotone and e.call == 1}
    assert strict == {r.name for r in rules if r.monotone and r.kind == "strict"}
    assert {e.rule for e in whole if e.rule not in monotone} == {"recommended-activity"}
    # the later stratum: at most twice a stage (what it adds, closed, is checked once more),
    # and once at the end to check that its conclusions still hold
    assert len([e for e in whole if e.rule not in monotone]) <= 2 * 3 + 1
    on_delta = [e for e in engine.evaluations if e.delta_pattern is not None]
    assert on_delta  # the editorial stage's readings reach the rules as a delta
    for evaluation in on_delta:
        delta = engine.deltas[evaluation.call - 1]
        assert delta is not None and delta < len(result.graph) // 20
        assert evaluation.first_matches <= delta
        assert evaluation.rule in monotone
    # no delta after the first round holds a new activity: the rules that start from one
    # alone are evaluated once, over everything
    assert [e.call for e in engine.evaluations if e.rule == "professional-supervision"] == [
        next(e.call for e in whole if e.rule == "professional-supervision")
    ]


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
    "FILTER NOT EXISTS": (
        "CONSTRUCT { ?a bc:improvesNoCapacity true } WHERE { ?a a bc:Activity "
        "FILTER NOT EXISTS { ?a bc:improves ?c . ?c a bc:PhysicalCapacity } }"
    ),
    "nested FILTER NOT EXISTS": (
        "CONSTRUCT { ?a bc:improvesEveryCapacity true } WHERE { ?a a bc:Activity "
        "FILTER NOT EXISTS { ?c bc:targeted true FILTER NOT EXISTS { ?a bc:improves ?c } } }"
    ),
    "two absent groups, and-ed": (
        "CONSTRUCT { ?a bc:plain true } WHERE { ?a a bc:Activity "
        "FILTER (NOT EXISTS { ?a bc:improves ?a } && NOT EXISTS { ?a bc:improves bcr:balance }) }"
    ),
    "two FILTER NOT EXISTS": (
        "CONSTRUCT { ?c bc:unused true } WHERE { ?c a bc:PhysicalCapacity "
        "FILTER NOT EXISTS { ?a bc:improves ?c } FILTER NOT EXISTS { ?c bc:improves ?x } }"
    ),
    "MINUS (evaluated by rdflib)": (
        "CONSTRUCT { ?a bc:quiet true } WHERE { ?a a bc:Activity MINUS { ?a bc:improves ?c } }"
    ),
    "NOT EXISTS beside another FILTER (evaluated by rdflib)": (
        "CONSTRUCT { ?a bc:other ?c } WHERE { ?a bc:improves ?c "
        "FILTER (?c != bcr:balance && NOT EXISTS { ?c a bc:PhysicalCapacity }) }"
    ),
}
SHAPES_DATA = """
bcr:y a bc:Activity ; bc:improves bcr:balance , bcr:y , bcr:strength .
bcr:z a bc:Activity .
bcr:balance a bc:PhysicalCapacity .  bc:improves a bc:Link .
bcr:endurance a bc:PhysicalCapacity .  bcr:balance bc:targeted true .
"""


@pytest.mark.parametrize("body", RULE_SHAPES.values(), ids=RULE_SHAPES.keys())
def test_rule_shapes_match_sparql(body: str, tmp_path: Path) -> None:
    rule = _rule(tmp_path, body)
    graph = Graph().parse(data=PREFIXES + SHAPES_DATA, format="turtle")
    terms, base = encoded(graph)
    ours = set(terms.triples(RuleEngine([rule], terms).apply(base)))
    assert ours == apply_rules(graph, [rule])
    assert ours


def test_only_basic_graph_patterns_and_absent_groups_are_evaluated_by_us(
    tmp_path: Path,
) -> None:
    ours = {name for name, body in RULE_SHAPES.items() if _rule(tmp_path, body).pattern}
    assert ours == {name for name in RULE_SHAPES if "rdflib" not in name}
    nested = _rule(tmp_path, RULE_SHAPES["nested FILTER NOT EXISTS"]).pattern
    assert nested is not None
    (group,) = nested.absent
    (inner,) = group.absent
    assert (len(nested.where), len(group.where), len(inner.where), inner.absent) == (1, 1, 1, ())
    for name in ("two absent groups, and-ed", "two FILTER NOT EXISTS"):
        pattern = _rule(tmp_path, RULE_SHAPES[name]).pattern
        assert pattern is not None and len(pattern.absent) == 2, name


@pytest.mark.parametrize("body", RULE_SHAPES.values(), ids=RULE_SHAPES.keys())
def test_a_rule_is_monotone_unless_it_asks_for_absence(body: str, tmp_path: Path) -> None:
    absence = any(word in body for word in ("NOT EXISTS", "MINUS", "OPTIONAL"))
    assert _rule(tmp_path, body).monotone is not absence


def _rule(tmp_path: Path, body: str) -> Rule:
    path = tmp_path / "rule.rq"
    path.write_text(
        f"#+ summary: test\n#+ claim: bcr:claim-test\n#+ kind: strict\n{body}\n", encoding="utf-8"
    )
    (rule,) = load_rules([path])
    return rule
