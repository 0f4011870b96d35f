"""The cold-start benchmark (``benchmarks/cold_start.py``) runs and prints its table: one run
of each command, this installation compared with itself."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

SCRIPT = Path(__file__).resolve().parents[2] / "benchmarks" / "cold_start.py"
EXE = str(Path(sys.executable).with_name("backcare-kg"))


@pytest.mark.slow
def test_one_run_prints_the_table() -> None:
    done = subprocess.run([sys.executable, str(SCRIPT), "--baseline", EXE, "--candidate", EXE,
                           "--runs", "1"], capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert lines[0] == "Cold start, 1 runs each (wall time of a fresh process)"
    assert ("| command | baseline median | candidate median | candidate min–max | ratio "
            "| baseline CPU | candidate CPU | CPU ratio |") in lines
    rows = [line for line in lines if line.startswith("| `")]
    assert [row.split("|")[1].strip() for row in rows] == [
        "`flagship`", "`flagship --format json`", "`--version`"]
    assert all(row.rstrip(" |").endswith("x") for row in rows)
    assert lines[-1] == "Same answers: yes"


def test_a_missing_executable_is_named(tmp_path: Path) -> None:
    missing = str(tmp_path / "no-such-backcare-kg")
    done = subprocess.run([sys.executable, str(SCRIPT), "--baseline", missing, "--runs", "1"],
                          capture_output=True, text=True, timeout=60)
    assert done.returncode != 0
    assert f"baseline: no executable at {missing}" in done.stderr


@pytest.mark.slow
@pytest.mark.skipif(shutil.which("valgrind") is None, reason="valgrind is not installed")
def test_instructions_are_counted_and_the_same_for_the_same_install() -> None:
    done = subprocess.run([sys.executable, str(SCRIPT), "--baseline", EXE, "--candidate", EXE,
                           "--runs", "1", "--instructions"],
                          capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert "Instructions of one run (callgrind)" in lines
    table = lines[lines.index("Instructions of one run (callgrind)"):]
    rows = [line.split("|") for line in table if line.startswith("| `")]
    assert [row[1].strip() for row in rows] == [
        "`flagship`", "`flagship --format json`", "`--version`"]
    for row in rows:
        base, cand = (float(cell.strip().rstrip(" M").replace(",", "")) for cell in row[2:4])
        assert base > 0 and abs(cand - base) / base < 0.02  # one program: the same count
