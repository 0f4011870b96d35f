"""The command line, through its real entry point (``python -m backcare_kg``) in subprocesses.

Every run also checks that stderr never holds a traceback. Subprocesses that need the
inferred graph share the session's closure cache (``BACKCARE_KG_CACHE_DIR``, see conftest).
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from rdflib import Dataset, Graph, Literal, URIRef
from support.cli_runs import ROOT, cli, cli_env, cli_in_terminal, columns

from backcare_kg import KnowledgeGraph, ParameterError, __version__
from backcare_kg.cli.display import Labeller, compact
from backcare_kg.storage.atomic import write_atomically
from backcare_kg.storage.export import FORMAT_NAMES, serialize
from backcare_kg.vocab import ASSERTED_GRAPH, BC, BCR, INFERRED_GRAPH

CONSOLE_SCRIPT = Path(sys.executable).parent / "backcare-kg"
YOGA = str(BCR["yoga"])
SRX = "{http://www.w3.org/2005/sparql-results#}"

# Results independent of the bundled data: VALUES makes the rows.
VALUES_QUERY = 'SELECT ?s ?label WHERE { VALUES (?s ?label) { (bcr:yoga "yoga") } }'
COUNT_QUERY = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
ACTIVITY_COLUMNS = [
    "activity", "activityLabel", "support", "improvesSupport", "phaseSupport", "goalSupport",
    "suggested", "coveredCapacities", "targetCapacities", "recommended",
]


# -- the program ------------------------------------------------------------------------


def test_version() -> None:
    run = cli("--version")
    assert (run.code, run.out, run.err) == (0, f"backcare-kg {__version__}\n", "")


def test_help_lists_every_subcommand() -> None:
    run = cli("--help")
    assert run.code == 0
    for name in ("query", "queries", "run", "activities", "validate", "export"):
        assert re.search(rf"^\s+{name}\s", run.out, re.M), name


def test_no_subcommand_is_a_usage_error() -> None:
    run = cli()
    assert run.code == 2
    assert run.err.startswith("usage: backcare-kg")


@pytest.mark.skipif(not CONSOLE_SCRIPT.exists(), reason="package not installed in this venv")
def test_console_script() -> None:
    run = cli("--no-inference", "query", "ASK { bcr:yoga ?p ?o }", command=[str(CONSOLE_SCRIPT)])
    assert (run.code, run.out) == (0, "true\n")


# -- query ------------------------------------------------------------------------------


@pytest.mark.parametrize("where", ["before", "after"])
def test_query_count_on_the_asserted_graph(kg_asserted: KnowledgeGraph, where: str) -> None:
    args = ["--no-inference", "query", COUNT_QUERY]
    if where == "after":
        args = ["query", "--no-inference", COUNT_QUERY]
    run = cli(*args)
    # The default graph is the union of the named graphs: without inference, the asserted
    # graph and the support graph (an rdf:Statement for each of the 66 asserted statements
    # that only readings of ours license in data/licenses.ttl, 5 triples each).
    expected = len(set(kg_asserted.asserted) | set(kg_asserted.support_graph))
    assert len(kg_asserted.support_graph) == 5 * 66
    assert (run.code, run.lines, run.err) == (0, ["n", str(expected)], "")


def test_query_with_inference_counts_every_graph(kg: KnowledgeGraph) -> None:
    run = cli("query", COUNT_QUERY)
    expected = len(set(kg.asserted) | set(kg.inferred) | set(kg.support_graph))
    assert (run.code, run.lines) == (0, ["n", str(expected)])


def test_query_plain_table_compacts_iris() -> None:
    run = cli("--no-inference", "query", VALUES_QUERY)
    assert (run.code, run.out) == (0, "s         label\nbcr:yoga  yoga\n")


def test_query_lang_shows_labels(kg_asserted: KnowledgeGraph) -> None:
    run = cli(
        "--no-inference",
        "query",
        "--lang",
        "es",
        "SELECT ?c WHERE { VALUES ?c { bcr:balance bc:NoSuchThing } }",
    )
    assert run.code == 0
    assert run.lines == ["c", "equilibrio", "bc:NoSuchThing"]


def test_query_csv_exact() -> None:
    run = cli("--no-inference", "query", "--format", "csv", VALUES_QUERY)
    assert (run.code, run.out) == (0, f"s,label\r\n{YOGA},yoga\r\n")


def test_query_tsv_exact() -> None:
    run = cli("--no-inference", "query", "--format", "tsv", VALUES_QUERY)
    assert run.code == 0
    assert run.lines == ["?s\t?label", f'<{YOGA}>\t"yoga"']


def test_query_json_exact() -> None:
    run = cli("--no-inference", "query", "--format", "json", VALUES_QUERY)
    assert run.code == 0
    assert json.loads(run.out) == {
        "head": {"vars": ["s", "label"]},
        "results": {
            "bindings": [
                {"s": {"type": "uri", "value": YOGA}, "label": {"type": "literal", "value": "yoga"}}
            ]
        },
    }


def test_query_xml_exact() -> None:
    run = cli("--no-inference", "query", "--format", "xml", VALUES_QUERY)
    assert run.code == 0
    root = ET.fromstring(run.out)
    assert root.tag == f"{SRX}sparql"
    assert [v.get("name") for v in root.iter(f"{SRX}variable")] == ["s", "label"]
    [result] = root.iter(f"{SRX}result")
    cells = {b.get("name"): (b[0].tag, b[0].text) for b in result}
    assert cells == {"s": (f"{SRX}uri", YOGA), "label": (f"{SRX}literal", "yoga")}


def test_ask_json() -> None:
    run = cli("--no-inference", "query", "--format", "json", "ASK { bcr:yoga ?p ?o }")
    assert run.code == 0
    assert json.loads(run.out)["boolean"] is True


@pytest.mark.parametrize("argument", [[], ["-"]])
def test_query_from_stdin(argument: list[str]) -> None:
    run = cli("--no-inference", "query", *argument, stdin="ASK { bcr:yoga ?p ?o }\n")
    assert (run.code, run.out) == (0, "true\n")


def test_query_from_file(tmp_path: Path) -> None:
    path = tmp_path / "q.rq"
    path.write_text(VALUES_QUERY + "\n", encoding="utf-8")
    run = cli("--no-inference", "query", "--file", str(path), "--format", "csv")
    assert (run.code, run.out) == (0, f"s,label\r\n{YOGA},yoga\r\n")


def test_construct_defaults_to_turtle() -> None:
    run = cli("--no-inference", "query", 'CONSTRUCT { bcr:yoga rdfs:label "yoga" } WHERE {}')
    assert run.code == 0
    graph = Graph().parse(data=run.out, format="turtle")
    assert set(graph) == {
        (URIRef(YOGA), URIRef("http://www.w3.org/2000/01/rdf-schema#label"), Literal("yoga"))
    }


def test_construct_as_ntriples() -> None:
    run = cli(
        "--no-inference",
        "query",
        "--format",
        "nt",
        'CONSTRUCT { bcr:yoga rdfs:label "yoga" } WHERE {}',
    )
    assert run.code == 0
    assert [line for line in run.lines if line.strip()] == [
        f'<{YOGA}> <http://www.w3.org/2000/01/rdf-schema#label> "yoga" .'
    ]


def test_malformed_sparql_names_line_and_column() -> None:
    run = cli("--no-inference", "query", "SELECT ?s WHERE { ?s ?p }")
    assert (run.code, run.out) == (2, "")
    assert run.err.startswith("backcare-kg: error: query:1:19: syntax error"), run.err


def test_malformed_sparql_in_a_file_names_the_file(tmp_path: Path) -> None:
    path = tmp_path / "bad.rq"
    path.write_text("SELECT ?s\nWHERE {\n  ?s ?p\n}\n", encoding="utf-8")
    run = cli("--no-inference", "query", "--file", str(path))
    assert run.code == 2
    assert run.err.startswith(f"backcare-kg: error: {path}:3:3: syntax error"), run.err


def test_debug_shows_the_traceback() -> None:
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "backcare_kg",
            "--debug",
            "--no-inference",
            "query",
            "SELECT ?s WHERE { ?s ?p }",
        ],
        capture_output=True,
        text=True,
        env=cli_env(),
        cwd=ROOT,
        timeout=600,
    )
    assert done.returncode == 2
    assert "Traceback" in done.stderr


@pytest.mark.parametrize(
    "args, needle",
    [
        (["query", "--format", "turtle", VALUES_QUERY], "accepted: csv, tsv, json, xml"),
        (
            ["query", "--format", "csv", "CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }"],
            "accepted: turtle, nt, ",
        ),
        (["query", "--format", "yaml", VALUES_QUERY], "invalid choice: 'yaml'"),
        (["query", "   "], "the query is empty"),
        (["query", "--file", "/no/such/query.rq"], "/no/such/query.rq: cannot read"),
        (["query", "--file", "x.rq", "ASK {}"], "not both"),
    ],
)
def test_query_bad_input(args: list[str], needle: str) -> None:
    run = cli("--no-inference", *args)
    assert (run.code, run.out) == (2, "")
    assert needle in run.err, run.err


# -- --with -----------------------------------------------------------------------------


def test_with_merges_a_user_file(tmp_path: Path) -> None:
    extra = tmp_path / "mine.ttl"
    extra.write_text("<urn:x:a> <urn:x:b> <urn:x:c> .\n", encoding="utf-8")
    run = cli("--no-inference", "--with", str(extra), "query", "ASK { <urn:x:a> <urn:x:b> ?o }")
    assert (run.code, run.out) == (0, "true\n")


def test_with_a_malformed_file_names_file_and_line(tmp_path: Path) -> None:
    bad = tmp_path / "bad.ttl"
    bad.write_text(
        "@prefix ex: <http://example.org/> .\nex:a ex:b ex:c .\nex:d ex:e .\n", encoding="utf-8"
    )
    run = cli("--with", str(bad), "query", COUNT_QUERY)
    assert (run.code, run.out) == (2, "")
    assert run.err.startswith(f"backcare-kg: error: {bad}:3: Turtle syntax error"), run.err


def test_with_a_missing_file(tmp_path: Path) -> None:
    missing = tmp_path / "missing.ttl"
    run = cli("--no-inference", "--with", str(missing), "query", "ASK {}")
    assert (run.code, run.out) == (2, "")
    assert f"{missing}: cannot read" in run.err


# -- queries and run --------------------------------------------------------------------


def test_queries_lists_names_summaries_and_parameters() -> None:
    run = cli("queries")
    assert run.code == 0
    assert columns(run.lines[0]) == ["name", "summary", "parameters"]
    rows = {columns(line)[0]: columns(line) for line in run.lines[1:]}
    assert {"activities", "provenance"} <= set(rows)
    assert rows["provenance"][-1] == "subject"
    assert all(len(row) >= 2 and row[1] for row in rows.values())


def test_queries_json() -> None:
    run = cli("queries", "--format", "json")
    assert run.code == 0
    data = json.loads(run.out)
    by_name = {q["name"]: q for q in data}
    assert {"activities", "provenance"} <= set(by_name)
    assert [p["name"] for p in by_name["provenance"]["parameters"]] == ["subject"]


def test_queries_describes_one() -> None:
    run = cli("queries", "provenance")
    assert run.code == 0
    assert run.lines[0].startswith("provenance: ")
    assert any(columns(line)[:2] == ["subject", "required"] for line in run.lines)
    assert run.lines[-1].startswith("run: backcare-kg run provenance --param subject=")


def test_run_provenance() -> None:
    run = cli("run", "provenance", "--param", "subject=yoga", "--format", "json")
    assert run.code == 0
    assert json.loads(run.out)["results"]["bindings"]


@pytest.mark.parametrize(
    "args, needles",
    [
        (["run", "provenanse"], ["unknown named query 'provenanse'", "did you mean", "provenance"]),
        (["queries", "provenanse"], ["unknown named query 'provenanse'", "provenance"]),
        (["run", "provenance"], ["'subject'", "accepted: subject"]),
        (
            ["run", "provenance", "-p", "subject=yoga", "-p", "colour=red"],
            ["'colour'", "accepted: subject"],
        ),
        (["run", "provenance", "-p", "subject"], ["expected NAME=VALUE"]),
        (
            ["run", "provenance", "-p", "subject=yoga", "-p", "subject=pilates"],
            ["'subject'", "more than once"],
        ),
        (["run", "provenance", "-p", "subject=no-such-thing-at-all"], ["'subject'", "accepted"]),
        (["run", "source-sentences", "-p", "position=abc"], ["'position'", "integer", "'abc'"]),
        (["activities", "--improves", "yoga"], ["'capacity'", "'yoga'", "balance"]),
    ],
)
def test_run_bad_input(args: list[str], needles: list[str]) -> None:
    run = cli("--no-inference", *args)
    assert (run.code, run.out) == (2, "")
    for needle in needles:
        assert needle in run.err, run.err


# -- activities -------------------------------------------------------------------------


def test_activities_flagship_lists_yoga() -> None:
    run = cli("activities", "--improves", "balance", "--phase", "chronic")
    assert run.code == 0
    assert columns(run.lines[0]) == ACTIVITY_COLUMNS
    # yoga improves balance (stated), is allowed in the chronic phase (editorial: generalized
    # from sentence 7, resting on our reading of the chronic phase), may be interesting
    # (sentence 16) and covers 3 of the 4 capacities of the criterion (sentence 15), so it is
    # not recommended; goalSupport is empty (no goal was asked for)
    assert [columns(line) for line in run.lines[1:]] == [
        ["bcr:yoga", "yoga", "bc:Editorial", "bc:Stated", "bc:Editorial", "true", "3", "4",
         "false"]
    ]


def test_activities_csv_lists_yoga() -> None:
    run = cli("activities", "--improves", "balance", "--phase", "chronic", "--format", "csv")
    assert run.code == 0
    assert run.out == (
        ",".join(ACTIVITY_COLUMNS) + "\r\n"
        f"{YOGA},yoga,{BC.Editorial},{BC.Stated},{BC.Editorial},,true,3,4,false\r\n"
    )


def test_activities_in_a_terminal_shows_a_table_and_the_why_hint() -> None:
    run = cli_in_terminal(
        "activities", "--improves", "balance", "--phase", "chronic", "--lang", "es"
    )
    assert run.code == 0
    assert "yoga" in run.out
    assert re.search(
        r"^why\? backcare-kg activities --improves balance --phase chronic --why\s*$", run.out,
        re.M,
    ), run.out


def test_activities_unknown_capacity() -> None:
    run = cli("--no-inference", "activities", "--improves", "telepathy")
    assert (run.code, run.out) == (2, "")
    assert run.err.startswith("backcare-kg: error: parameter 'capacity': ")
    assert "'telepathy'" in run.err and "balance" in run.err


# -- validate ---------------------------------------------------------------------------


def test_validate_ok() -> None:
    run = cli("validate")
    assert (run.code, run.err) == (0, "")
    assert len(run.lines) == 1 and run.lines[0].startswith("OK: "), run.out


def test_validate_reports_file_and_line(tmp_path: Path) -> None:
    bad = tmp_path / "bad.ttl"
    bad.write_text("<urn:x:a> <urn:x:b> .\n", encoding="utf-8")
    run = cli("--with", str(bad), "validate")
    assert run.code == 1
    assert [line for line in run.lines if str(bad) in line][0].startswith(f"{bad}:1")
    assert "1 problem found" in run.err


# -- export -----------------------------------------------------------------------------


def test_export_trig_to_a_file_keeps_both_graphs(kg: KnowledgeGraph, tmp_path: Path) -> None:
    out = tmp_path / "kg.trig"
    run = cli("export", "--format", "trig", "--output", str(out))
    assert (run.code, run.out, run.err) == (0, "", "")
    ds = Dataset()
    ds.parse(out, format="trig")
    assert len(ds.graph(ASSERTED_GRAPH)) == len(kg.asserted)
    assert len(ds.graph(INFERRED_GRAPH)) == len(kg.inferred)
    assert [p.name for p in tmp_path.iterdir()] == ["kg.trig"]


@pytest.mark.parametrize(
    "fmt, parser",
    [
        ("turtle", "turtle"),
        ("nt", "nt"),
        ("jsonld", "json-ld"),
        ("xml", "xml"),
    ],
)
def test_export_asserted_round_trips(kg_asserted: KnowledgeGraph, fmt: str, parser: str) -> None:
    run = cli("export", "--graph", "asserted", "--format", fmt)
    assert run.code == 0
    graph = Graph().parse(data=run.out, format=parser)
    assert len(graph) == len(kg_asserted.asserted)


def test_export_nquads_names_the_asserted_graph(kg_asserted: KnowledgeGraph) -> None:
    run = cli("export", "--graph", "asserted", "--format", "nq")
    assert run.code == 0
    assert len(run.lines) == len(kg_asserted.asserted)
    assert all(line.endswith(f" <{ASSERTED_GRAPH}> .") for line in run.lines)


def test_export_replaces_a_file_atomically(tmp_path: Path) -> None:
    out = tmp_path / "kg.ttl"
    out.write_text("old", encoding="utf-8")
    run = cli("--no-inference", "export", "--graph", "asserted", "-o", str(out))
    assert run.code == 0
    assert out.read_text(encoding="utf-8").startswith("@prefix")
    assert [p.name for p in tmp_path.iterdir()] == ["kg.ttl"]


@pytest.mark.parametrize("target", ["missing-dir/kg.ttl", "a-directory"])
def test_export_to_an_unwritable_path(tmp_path: Path, target: str) -> None:
    (tmp_path / "a-directory").mkdir()
    path = tmp_path / target
    run = cli("export", "--graph", "asserted", "-o", str(path))
    assert (run.code, run.out) == (2, "")
    assert f"{path}: cannot write" in run.err
    assert [p.name for p in tmp_path.iterdir()] == ["a-directory"]
    assert list((tmp_path / "a-directory").iterdir()) == []


def test_export_inferred_needs_inference() -> None:
    run = cli("--no-inference", "export", "--graph", "inferred")
    assert run.code == 2
    assert "--no-inference" in run.err


def test_closed_pipe_is_quiet() -> None:
    proc = subprocess.Popen(
        [sys.executable, "-m", "backcare_kg", "export", "--graph", "asserted", "--format", "nt"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=cli_env(),
        cwd=ROOT,
    )
    assert proc.stdout is not None and proc.stderr is not None
    proc.stdout.readline()
    proc.stdout.close()
    err = proc.stderr.read().decode("utf-8")
    assert proc.wait(timeout=600) in (0, 141)
    assert err == ""


# -- the modules behind the CLI, in process ----------------------------------------------


def test_serialize_rejects_unknown_format_and_graph(kg_asserted: KnowledgeGraph) -> None:
    with pytest.raises(ParameterError) as bad_format:
        serialize(kg_asserted, "yaml", "all")
    assert set(FORMAT_NAMES) <= set(bad_format.value.accepted)
    with pytest.raises(ParameterError) as bad_graph:
        serialize(kg_asserted, "turtle", "everything")
    assert bad_graph.value.accepted == ["asserted", "inferred", "support", "all"]


def test_write_atomically_leaves_no_temporary_file(tmp_path: Path) -> None:
    target = tmp_path / "out.txt"
    write_atomically(target, "één\n")
    write_atomically(target, "two\n")
    assert target.read_text(encoding="utf-8") == "two\n"
    assert [p.name for p in tmp_path.iterdir()] == ["out.txt"]


def test_cells_are_compact() -> None:
    labeller = Labeller()
    assert compact(YOGA) == "bcr:yoga"
    assert compact("urn:x:y") == "urn:x:y"
    assert labeller.text(Literal("two\nlines")) == "two lines"
    assert labeller.text(None) == ""
