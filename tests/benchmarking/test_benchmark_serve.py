"""The serving benchmark (``benchmarks/serve.py``) runs, checks both servers' answers and prints
its table: a smoke run of a few seconds."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

SCRIPT = Path(__file__).resolve().parents[2] / "benchmarks" / "serve.py"
YOGA = "https://w3id.org/backcare-kg/resource/yoga"


@pytest.mark.server
def test_quick_run_prints_a_table(tmp_path: Path) -> None:
    if shutil.which("oxigraph") is None:
        pytest.skip("the oxigraph command is missing: pip install oxigraph")
    raw = tmp_path / "raw.json"
    done = subprocess.run([sys.executable, str(SCRIPT), "--quick", "--json", str(raw)],
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    report = json.loads(raw.read_text(encoding="utf-8"))
    assert report["answers_match"] is True
    assert report["answers"] == {"backcare-kg /queries/activities": [YOGA],
                                 "backcare-kg /sparql": [YOGA], "oxigraph /query": [YOGA]}
    table = done.stdout
    assert "Machine: " in table and "oxigraph server " in table
    for clients in (1, 4):
        for row in ("| backcare-kg | `/queries/activities` |", "| backcare-kg | `/sparql` |",
                    "| oxigraph | `/query` |"):
            assert f"{row} {clients} |" in table, (row, clients)
    assert len(report["cells"]) == 6
    for cell in report["cells"]:
        assert cell["errors"] == 0
        assert cell["requests"] > 0
        assert 0 < cell["p50"] <= cell["p90"] <= cell["p99"] <= cell["max"]
