"""``backcare-kg explain`` and ``activities --why``, through the real entry point
(``python -m backcare_kg`` in subprocesses, as in test_cli.py, with support/cli_runs.py's
``cli``, which asserts that stderr never holds a traceback); one run against a real
Oxigraph server, in process. Every format shows the support level of the statement and of
each step; ``--why`` says, for the flagship question, what each answer rests on."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest
from rdflib import Graph, Literal
from support.cli_runs import Run, cli, columns
from support.remote_stores import RunningStore

from backcare_kg import KnowledgeGraph
from backcare_kg.cli import main
from backcare_kg.explain import json_format
from backcare_kg.vocab import BC, BCR, OA, PROV

COVERS = ("yoga", "coversTargetCapacity", "balance")
ALLOWED = ("yoga", "allowedInPhase", "chronic-phase")
NOT_ENTAILED = ("yoga", "recommendedInPhase", "acute-phase")
YOGA_QUOTE = "Improves flexibility, muscle strength and body balance."
ERROR = "backcare-kg: error: "

#: Lines each example's text output holds, exactly (the rule, the leaf, its sources).
KEY_LINES = {
    COVERS: [
        "yoga bc:coversTargetCapacity balance",
        "Support: entailed: derived by the strict rule covers-target-capacity (sentence 15)",
        "Proof 1 of 1 (depth 1, entailed)",
        "    derived by the domain rule covers-target-capacity "
        "(ontology/rules/covers-target-capacity.rq)",
        "      kind strict: the claim says it of each thing the rule concludes about (an "
        "entailed step)",
        "    premise 1: yoga a bc:Activity  [stated]",
        "      asserted, data/entities.ttl:131",
        f'        quote [2304–2359]: "{YOGA_QUOTE}"',
        f'        sentence 24 [2304–2359]: "{YOGA_QUOTE}"',
        "      editorial reading (ours, not the source's) reading-yoga-heading (reading)",
        "    premise 3: claim-selection-criterion bc:targetCapacity balance  [stated]",
        "        attributed to: Sergio Fuertes",
    ],
    ALLOWED: [
        "yoga bc:allowedInPhase chronic-phase",
        "Support: editorial: generalized from sentence 7 (rule chronic-phase-allowed, kind "
        'generalization), resting on our reading of "But if we exclude this" '
        "(reading-chronic-phase)",
        "Proof 1 of 1 (depth 1, editorial)",
        "    derived by the domain rule chronic-phase-allowed "
        "(ontology/rules/chronic-phase-allowed.rq)",
        "      kind generalization: the claim says it of exercise in general, and the rule "
        "applies it to each activity (a generalized step)",
        "      implements the claim claim-benefits-exceed-risks (sentence 7): If \"this\" is "
        "excluded (the acute phase, in our reading), the benefits of sport exceed its possible "
        "risks",
        # the phase itself is our reading's (data/licenses.ttl: only reading-chronic-phase
        # licenses it)
        "    premise 1: chronic-phase a bc:PainPhase  [editorial]",
        "      asserted, data/entities.ttl:276; only a reading of ours licenses it, so it is "
        "editorial",
        '        quote [863–920]: "the benefits of sports are higher than the possible risks"',
        '        sentence 7 [803–921]: "But if we exclude this is not an absolute '
        'contraindication, the benefits of sports are higher than the possible risks."',
        "    premise 2: claim-benefits-exceed-risks bc:about chronic-phase  [editorial]",
        "      asserted, data/claims.ttl:211; only a reading of ours licenses it, so it is "
        "editorial",
        "      editorial reading (ours, not the source's) reading-chronic-phase (licenses)",
        "    premise 3: yoga a bc:Activity  [stated]",
        "      asserted, data/entities.ttl:131",
    ],
}
RULES = {COVERS: "covers-target-capacity", ALLOWED: "chronic-phase-allowed"}
LEVELS = {COVERS: "entailed", ALLOWED: "editorial"}


def explain(*args: str) -> Run:
    return cli("explain", *args)


# -- the two examples, in every format --------------------------------------------------------


@pytest.mark.parametrize("statement", [COVERS, ALLOWED], ids=" ".join)
def test_text(statement: tuple[str, ...]) -> None:
    run = explain(*statement)
    assert (run.code, run.err) == (0, "")
    assert run.lines[1] == (
        "Holds: the graph holds this statement (inferred, not asserted); 1 proof shown, "
        "strongest first, then shortest."
    )
    assert run.lines[2] == KEY_LINES[statement][1]
    for line in KEY_LINES[statement]:
        assert line in run.lines, line
    assert run.lines[-1] == "The source is a news article (expert opinion), not medical advice."


@pytest.mark.parametrize("statement", [COVERS, ALLOWED], ids=" ".join)
def test_tree(statement: tuple[str, ...]) -> None:
    run = explain(*statement, "--format", "tree")
    assert (run.code, run.err) == (0, "")
    assert run.lines[0] == KEY_LINES[statement][0]
    assert run.lines[2] == KEY_LINES[statement][1]
    level = LEVELS[statement]
    assert run.lines[4:6] == [
        f"Proof 1 of 1 (depth 1, {level})",
        f"└── {KEY_LINES[statement][0]}  [{level}]",
    ]
    assert run.lines[6].startswith("    ├── derived by the domain rule ")
    assert run.lines[7].startswith(f"    │   ├── kind {'strict' if statement == COVERS else 'gen'}")
    leaf = {
        COVERS: "    │   ├── asserted, data/entities.ttl:131",
        ALLOWED: "        ├── asserted, data/entities.ttl:131",
    }
    assert leaf[statement] in run.lines


@pytest.mark.parametrize("statement", [COVERS, ALLOWED], ids=" ".join)
def test_json(statement: tuple[str, ...]) -> None:
    run = explain(*statement, "--format", "json")
    assert (run.code, run.err) == (0, "")
    document = json.loads(run.out)
    jsonschema.validate(document, json_format.schema())
    [proof] = document["proofs"]
    assert (document["entailed"], document["asserted"], proof["how"]) == (True, False, "derived")
    assert proof["rule"]["name"] == RULES[statement]
    assert (document["support"], proof["support"]) == (LEVELS[statement],) * 2
    assert proof["rule"]["ruleKind"] == ("strict" if statement == COVERS else "generalization")
    leaf = next(p for p in proof["premises"] if p["statement"]["object"]["short"] == "bc:Activity")
    assert leaf["location"] == {"file": "data/entities.ttl", "line": 131}
    quotes = {s["quote"]["text"] for s in leaf["sources"]}
    assert YOGA_QUOTE in quotes


@pytest.mark.parametrize("statement", [COVERS, ALLOWED], ids=" ".join)
def test_turtle(statement: tuple[str, ...], source_text: str) -> None:
    run = explain(*statement, "--format", "turtle")
    assert (run.code, run.err) == (0, "")
    graph = Graph().parse(data=run.out, format="turtle")
    texts = [
        *graph.objects(None, BC.quote),
        *graph.objects(None, OA.exact),
        *graph.objects(None, BC.text),
    ]
    assert Literal(YOGA_QUOTE) in texts
    for text in texts:
        assert str(text) in source_text, text
    [root] = graph.objects(None, BC.proof)
    rule = RULES[statement]
    activity = graph.value(root, PROV.wasGeneratedBy)
    association = graph.value(activity, PROV.qualifiedAssociation)
    assert graph.value(association, PROV.hadPlan) == BCR[f"rule-{rule}"]
    assert len(set(graph.subjects(PROV.wasGeneratedBy, None))) == 1
    assert graph.value(root, BC.supportLevel) == BC[LEVELS[statement].capitalize()]


# -- proofs, statements not entailed, bad input -----------------------------------------------


def test_limit_gives_one_proof_per_capacity() -> None:
    run = explain(
        "yoga", "justifiedBy", "claim-selection-criterion", "--limit", "3", "--format", "json"
    )
    assert run.code == 0
    proofs = json.loads(run.out)["proofs"]
    assert [p["rule"]["name"] for p in proofs] == ["covers-target-capacity"] * 3
    assert [p["support"] for p in proofs] == ["entailed"] * 3
    assert [p["premises"][2]["statement"]["object"]["short"] for p in proofs] == [
        "balance",
        "flexibility",
        "strength",
    ]


def test_not_entailed_exits_1_with_the_near_statements() -> None:
    run = explain(*NOT_ENTAILED)
    assert (run.code, run.err) == (1, "")
    assert run.lines == [
        "yoga bc:recommendedInPhase acute-phase",
        "Does not hold: the graph neither asserts nor infers this statement.",
        "Near statements that hold:",
        "  yoga bc:allowedInPhase acute-phase  [generalized]  (superproperty)",
    ]
    run = explain("yoga", "a", "bc:RecommendedActivity", "--format", "json")
    assert (run.code, run.err) == (1, "")
    document = json.loads(run.out)
    jsonschema.validate(document, json_format.schema())
    assert (document["entailed"], document["support"], document["proofs"]) == (False, None, [])
    assert [(n["statement"]["object"]["short"], n["support"]) for n in document["near"]] == [
        ("schema:PhysicalActivity", "entailed"),
        ("bc:Activity", "stated"),
        ("bc:SuggestedActivity", "entailed"),
    ]


@pytest.mark.parametrize(
    ("args", "parameter", "names"),
    [
        (("telepathy", "a", "bc:Activity"), "subject", "'telepathy'"),
        (("yoga", "teleports", "balance"), "predicate", "'teleports'"),
        (("yoga", "a", "bc:Activity", "--limit", "0"), "--limit", "not 0"),
    ],
    ids=["subject", "predicate", "limit"],
)
def test_bad_input_exits_2_naming_the_parameter(
    args: tuple[str, ...], parameter: str, names: str
) -> None:
    run = explain(*args)
    assert (run.code, run.out) == (2, "")
    assert run.err.startswith(f"{ERROR}parameter {parameter!r}: "), run.err
    assert names in run.err and len(run.err.splitlines()) == 1


def test_explain_a_store(tmp_path: Path) -> None:
    store = str(tmp_path / "store")
    assert cli("build", "--store", store).code == 0
    run = explain(*ALLOWED, "--store", store)
    assert (run.code, run.err) == (0, "")
    for line in KEY_LINES[ALLOWED]:
        assert line in run.lines, line


# -- activities --why -------------------------------------------------------------------------


def test_activities_why_explains_each_row() -> None:
    run = cli("activities", "--improves", "balance", "--phase", "chronic", "--why")
    assert (run.code, run.err) == (0, "")
    assert columns(run.lines[0]) == [
        "activity",
        "activityLabel",
        "support",
        "improvesSupport",
        "phaseSupport",
        "goalSupport",
        "suggested",
        "coveredCapacities",
        "targetCapacities",
        "recommended",
    ]
    # goalSupport is empty: no goal was asked for
    assert columns(run.lines[1]) == [
        "bcr:yoga",
        "yoga",
        "bc:Editorial",
        "bc:Stated",
        "bc:Editorial",
        "true",
        "3",
        "4",
        "false",
    ]
    # The flagship, as the truth reads: yoga improves balance (stated; the name yoga is our
    # reading of a lost heading), allowed in the chronic phase (editorial: generalized from
    # sentence 7, resting on our reading of "if we exclude this"), covering three of the
    # four capacities the criterion names.
    assert run.lines[2:10] == [
        "",
        "Why yoga matches: 3 statements the query tests, and how strongly the source supports each",
        "  yoga bc:improves balance — stated: asserted, the source says it (sentence 24); our "
        "reading: the lost heading of the last activity is yoga (reading-yoga-heading)",
        "  yoga bc:allowedInPhase chronic-phase — editorial: generalized from sentence 7 (rule "
        'chronic-phase-allowed, kind generalization), resting on our reading of "But if we '
        'exclude this" (reading-chronic-phase)',
        # the claims of sentences 16 and 24 license this very statement (data/licenses.ttl)
        "  yoga a bc:Activity — stated: asserted, the source says it (sentences 16, 24); our "
        "reading: the lost heading of the last activity is yoga "
        "(reading-yoga-heading)",
        "  yoga a bc:SuggestedActivity — entailed: derived by the strict rule "
        "suggested-activity (sentence 16)",
        "  yoga covers 3 of the 4 capacities the selection criterion names: balance, "
        "flexibility, strength — entailed: derived by the strict rule covers-target-capacity "
        "(sentence 15); not body-stability, so it is not a recommended activity (the "
        "criterion asks for all of them)",
        "",
    ]
    asked = [line for line in run.lines if line.startswith("  (")]
    assert asked == [
        "  (1/3) yoga bc:improves balance",
        "  (2/3) yoga bc:allowedInPhase chronic-phase",
        "  (3/3) yoga a bc:Activity",
    ]
    rules = [line.strip() for line in run.lines if "derived by the domain" in line]
    assert rules == [
        "derived by the domain rule chronic-phase-allowed "
        "(ontology/rules/chronic-phase-allowed.rq)",
    ]
    assert (
        "        kind generalization: the claim says it of exercise in general, and the "
        "rule applies it to each activity (a generalized step)" in run.lines
    )
    assert "    yoga bc:allowedInPhase chronic-phase  [editorial]" in run.lines
    assert (
        "        editorial reading (ours, not the source's) reading-chronic-phase (licenses)"
        in run.lines
    )
    assert "      asserted, data/entities.ttl:137" in run.lines  # yoga bc:improves balance
    assert "Does not hold" not in run.out and "does not match" not in run.out
    assert run.lines[-1] == "The source is a news article (expert opinion), not medical advice."


def test_activities_why_for_a_generalized_goal() -> None:
    run = cli("activities", "--goal", "analgesia", "--why")
    assert (run.code, run.err) == (0, "")
    summaries = [line for line in run.lines if "bc:supportsGoal analgesia — " in line]
    assert len(summaries) == 5  # every activity, each by the same generalization
    assert set(line.split(" — ", 1)[1] for line in summaries) == {
        "generalized from sentence 8 (rule activities-serve-goals, kind generalization)"
    }


def test_activities_why_with_a_machine_format_is_a_usage_error() -> None:
    run = cli("activities", "--improves", "balance", "--why", "--format", "csv")
    assert (run.code, run.out) == (2, "")
    assert run.err.startswith(f"{ERROR}parameter '--why': cannot be combined with --format csv")


# -- against a real SPARQL store --------------------------------------------------------------


@pytest.mark.store
def test_explain_against_an_endpoint(
    capsys: pytest.CaptureFixture[str], oxigraph_store: RunningStore, kg: KnowledgeGraph
) -> None:
    oxigraph_store.clear()
    kg.push(oxigraph_store.query_url, oxigraph_store.update_url, oxigraph_store.store_url)
    capsys.readouterr()
    code = main(["explain", *COVERS, "--endpoint", oxigraph_store.query_url])
    out, err = capsys.readouterr()
    assert (code, err) == (0, "")
    lines = out.splitlines()
    assert lines[2] == KEY_LINES[COVERS][1]
    assert (
        "    derived by the domain rule covers-target-capacity "
        "(ontology/rules/covers-target-capacity.rq)" in lines
    )
    assert f'        quote [2304–2359]: "{YOGA_QUOTE}"' in lines
    # the files of a graph held elsewhere are not known; the sources are
    assert lines[10:12] == [
        "    premise 1: yoga a bc:Activity  [stated]",
        "      asserted (its file and line are not known for this graph)",
    ]


def test_a_graph_without_inference_says_so_when_nothing_holds() -> None:
    run = cli("--no-inference", "explain", "yoga", "allowedInPhase", "chronic-phase")
    assert run.code == 1
    assert run.lines == [
        "yoga bc:allowedInPhase chronic-phase",
        "Does not hold: the graph neither asserts nor infers this statement.",
        "No near statement holds (same subject and predicate, or a superproperty).",
    ]
    assert run.err == (
        "backcare-kg: note: the graph was loaded without inference (--no-inference): only "
        "asserted statements hold in it\n"
    )
