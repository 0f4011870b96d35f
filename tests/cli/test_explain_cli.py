"""``backcare-kg explain`` and ``activities --why``, through the real entry point
(``python -m backcare_kg`` in subprocesses, as in test_cli.py, with support/cli_runs.py's
``cli``, which asserts that stderr never holds a traceback); one run against a real
Oxigraph server, in process."""

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

FLAGSHIP = ("yoga", "rdf:type", "bc:RecommendedActivity")
ALLOWED = ("yoga", "allowedInPhase", "chronic-phase")
NOT_ENTAILED = ("yoga", "recommendedInPhase", "acute-phase")
YOGA_QUOTE = "Improves flexibility, muscle strength and body balance."
ERROR = "backcare-kg: error: "

#: Lines each example's text output holds, exactly (the rule, the leaf, its sources).
KEY_LINES = {
    FLAGSHIP: [
        "yoga a bc:RecommendedActivity",
        "Proof 1 of 1 (depth 1)",
        "    derived by the domain rule recommended-activity "
        "(ontology/rules/recommended-activity.rq)",
        "    premise 1: yoga a bc:Activity",
        "      asserted, data/entities.ttl:134",
        f'        quote [2304–2359]: "{YOGA_QUOTE}"',
        f'        sentence 24 [2304–2359]: "{YOGA_QUOTE}"',
        "      editorial reading (ours, not the source's) reading-yoga-heading (reading)",
        "    premise 3: claim-selection-criterion bc:targetCapacity balance",
        "        attributed to: Sergio Fuertes",
    ],
    ALLOWED: [
        "yoga bc:allowedInPhase chronic-phase",
        "Proof 1 of 1 (depth 1)",
        "    derived by the domain rule chronic-phase-allowed "
        "(ontology/rules/chronic-phase-allowed.rq)",
        "      implements the claim claim-benefits-exceed-risks: Outside the acute phase, the "
        "benefits of sport exceed its possible risks",
        "    premise 1: chronic-phase a bc:PainPhase",
        "      asserted, data/entities.ttl:279",
        '        quote [863–920]: "the benefits of sports are higher than the possible risks"',
        '        sentence 7 [803–921]: "But if we exclude this is not an absolute '
        'contraindication, the benefits of sports are higher than the possible risks."',
        "    premise 2: yoga a bc:Activity",
        "      asserted, data/entities.ttl:134",
    ],
}


def explain(*args: str) -> Run:
    return cli("explain", *args)


# -- the two examples, in every format --------------------------------------------------------


@pytest.mark.parametrize("statement", [FLAGSHIP, ALLOWED], ids=" ".join)
def test_text(statement: tuple[str, ...]) -> None:
    run = explain(*statement)
    assert (run.code, run.err) == (0, "")
    assert run.lines[1] == (
        "Entailed: the graph holds this statement (inferred, not asserted); 1 proof shown, "
        "shortest first."
    )
    for line in KEY_LINES[statement]:
        assert line in run.lines, line
    assert run.lines[-1] == "The source is a news article (expert opinion), not medical advice."


@pytest.mark.parametrize("statement", [FLAGSHIP, ALLOWED], ids=" ".join)
def test_tree(statement: tuple[str, ...]) -> None:
    run = explain(*statement, "--format", "tree")
    assert (run.code, run.err) == (0, "")
    assert run.lines[0] == KEY_LINES[statement][0]
    assert run.lines[3:5] == ["Proof 1 of 1 (depth 1)", "└── " + KEY_LINES[statement][0]]
    assert run.lines[5].startswith("    ├── derived by the domain rule ")
    leaf = {
        FLAGSHIP: "    │   ├── asserted, data/entities.ttl:134",
        ALLOWED: "        ├── asserted, data/entities.ttl:134",
    }
    assert leaf[statement] in run.lines


@pytest.mark.parametrize("statement", [FLAGSHIP, ALLOWED], ids=" ".join)
def test_json(statement: tuple[str, ...]) -> None:
    run = explain(*statement, "--format", "json")
    assert (run.code, run.err) == (0, "")
    document = json.loads(run.out)
    jsonschema.validate(document, json_format.schema())
    [proof] = document["proofs"]
    assert (document["entailed"], document["asserted"], proof["how"]) == (True, False, "derived")
    assert proof["rule"]["name"] == KEY_LINES[statement][2].split()[5]
    leaf = next(p for p in proof["premises"] if p["statement"]["object"]["short"] == "bc:Activity")
    assert leaf["location"] == {"file": "data/entities.ttl", "line": 134}
    quotes = {s["quote"]["text"] for s in leaf["sources"]}
    assert YOGA_QUOTE in quotes


@pytest.mark.parametrize("statement", [FLAGSHIP, ALLOWED], ids=" ".join)
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
    rule = KEY_LINES[statement][2].split()[5]
    activity = graph.value(root, PROV.wasGeneratedBy)
    association = graph.value(activity, PROV.qualifiedAssociation)
    assert graph.value(association, PROV.hadPlan) == BCR[f"rule-{rule}"]
    assert len(set(graph.subjects(PROV.wasGeneratedBy, None))) == 1


# -- proofs, statements not entailed, bad input -----------------------------------------------


def test_limit_gives_one_proof_per_capacity() -> None:
    run = explain("yoga", "a", "bc:RecommendedActivity", "--limit", "3", "--format", "json")
    assert run.code == 0
    proofs = json.loads(run.out)["proofs"]
    assert [p["rule"]["name"] for p in proofs] == ["recommended-activity"] * 3
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
        "Not entailed: the graph does not hold this statement (neither asserted nor inferred).",
        "Near statements that hold:",
        "  yoga bc:recommendedInPhase chronic-phase  (same subject and predicate)",
        "  yoga bc:allowedInPhase acute-phase  (superproperty)",
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
    assert columns(run.lines[0]) == ["activity", "activityLabel", "recommended"]
    assert columns(run.lines[1]) == ["bcr:yoga", "yoga", "true"]
    assert run.lines[2:4] == ["", "Why yoga matches: 4 statements the query tests"]
    asked = [line for line in run.lines if line.startswith("  (")]
    assert asked == [
        "  (1/4) yoga a bc:Activity",
        "  (2/4) yoga bc:improves balance",
        "  (3/4) yoga bc:allowedInPhase chronic-phase",
        "  (4/4) yoga a bc:RecommendedActivity",
    ]
    rules = [line.strip() for line in run.lines if "derived by" in line]
    assert rules == [
        "derived by the domain rule chronic-phase-allowed "
        "(ontology/rules/chronic-phase-allowed.rq)",
        "derived by the domain rule recommended-activity (ontology/rules/recommended-activity.rq)",
    ]
    assert "        asserted, data/entities.ttl:140" in run.lines
    assert "Not entailed" not in run.out
    assert run.lines[-1] == "The source is a news article (expert opinion), not medical advice."


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
    code = main(["explain", *FLAGSHIP, "--endpoint", oxigraph_store.query_url])
    out, err = capsys.readouterr()
    assert (code, err) == (0, "")
    lines = out.splitlines()
    assert (
        "    derived by the domain rule recommended-activity "
        "(ontology/rules/recommended-activity.rq)" in lines
    )
    assert f'        quote [2304–2359]: "{YOGA_QUOTE}"' in lines
    # the files of a graph held elsewhere are not known; the sources are
    assert lines[8:10] == [
        "    premise 1: yoga a bc:Activity",
        "      asserted (its file and line are not known for this graph)",
    ]


def test_a_graph_without_inference_says_so_when_nothing_holds() -> None:
    run = cli("--no-inference", "explain", "yoga", "allowedInPhase", "chronic-phase")
    assert run.code == 1
    assert run.lines == [
        "yoga bc:allowedInPhase chronic-phase",
        "Not entailed: the graph does not hold this statement (neither asserted nor inferred).",
        "No near statement holds (same subject and predicate, or a superproperty).",
    ]
    assert run.err == (
        "backcare-kg: note: the graph was loaded without inference (--no-inference): only "
        "asserted statements hold in it\n"
    )
