"""The explanation benchmark (``benchmarks/explain.py``) runs and prints its table: a smoke run
of a few seconds, which explains every inferred statement of the bundled graph."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

from backcare_kg import KnowledgeGraph

SCRIPT = Path(__file__).resolve().parents[2] / "benchmarks" / "explain.py"
MODES = ("cold", "warm", "isolated")


def test_quick_run_covers_every_inferred_statement(kg: KnowledgeGraph, tmp_path: Path) -> None:
    raw = tmp_path / "raw.json"
    done = subprocess.run(
        [sys.executable, str(SCRIPT), "--quick", "--json", str(raw)],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr
    inferred = len(kg.inferred)
    table = done.stdout
    assert table.startswith("## Explanation benchmark\n\nMachine: ")
    assert (
        f"Bundled graph: {len(kg.asserted):,} asserted and {inferred:,} inferred triples" in table
    )
    header = (
        "| graph | what | statements | total | median | p95 | slowest | slowest statement | "
        "÷ ASK (median) | ÷ ASK (total) |"
    )
    assert header in table.splitlines()
    rows = {
        (cells[0], cells[1]): cells
        for line in table.splitlines()
        if line.startswith("| bundled |") or line.startswith("| tiny |")
        for cells in [[c.strip() for c in line.strip("|").split("|")]]
    }
    for limit in (1, 3):
        for mode in MODES:
            cells = rows[("bundled", f"explain, limit={limit}, {mode}")]
            assert len(cells) == 10
            assert cells[2] == (f"{inferred:,}" if mode != "isolated" else "10")
            assert cells[7].startswith("`") and cells[8].endswith("x")
            if mode != "isolated":
                assert rows[("tiny", f"explain, limit={limit}, {mode}")][2] == "20"
    assert rows[("bundled", "SPARQL ASK (`kg.query`), the baseline")][2] == f"{inferred:,}"
    assert f"| bundled | {len(kg.asserted):,} | {inferred:,} | — |" in table  # the build table
    assert "left the cache directory unchanged." in table
    assert re.search(
        r"^- explain any one inferred statement of the bundled graph under 100 ms: "
        r"(MET|NOT MET) \(slowest [\d.]+ ms: `[^`]+`, \w+, limit=[13]; the isolated runs "
        r"covered 10 of \d+ statements\)$",
        table,
        re.M,
    )

    report = json.loads(raw.read_text(encoding="utf-8"))
    bundled = report["bundled"]
    assert (bundled["asserted"], bundled["inferred"]) == (len(kg.asserted), inferred)
    statements = {" ".join(t.n3() for t in s) for s in kg.inferred}
    for limit in (1, 3):
        for mode in ("cold", "warm"):
            run = bundled["runs"][f"{mode} limit={limit}"]
            assert run["count"] == inferred and set(run["times"]) == statements
        assert set(bundled["runs"][f"isolated limit={limit}"]["times"]) < statements
    assert set(bundled["runs"]["ask"]["times"]) == statements
    assert bundled["cache_unchanged"] is True and bundled["closure_bytes"] > 0
    assert [size["label"] for size in report["sizes"]] == ["tiny"]
