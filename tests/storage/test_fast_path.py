"""The command line's fast path (backcare_kg.storage.fast_path, from the files of
backcare_kg.storage.snapshot) answers as the normal path does."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from backcare_kg import KnowledgeGraph, cli
from backcare_kg.storage import fast_path as fast
from backcare_kg.storage.cache import ClosureCache
from backcare_kg.storage.snapshot import FORMAT, closure_key, snapshot_paths

FLAGSHIP = ["activities", "--improves", "balance", "--phase", "chronic"]


def _run_cli(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    code = cli.main(argv)
    out, err = capsys.readouterr()
    return code, out, err


def _both(argv: list[str], capsys: pytest.CaptureFixture[str],
          monkeypatch: pytest.MonkeyPatch) -> tuple[tuple[int, str, str], tuple[int, str, str]]:
    """The CLI's answer with the fast path, and without it (the normal path)."""
    fast_run = _run_cli(argv, capsys)
    with monkeypatch.context() as m:
        m.setattr(fast, "answer", lambda reasoner, ask: None)
        normal_run = _run_cli(argv, capsys)
    return fast_run, normal_run


@pytest.fixture()
def snapshot(kg: KnowledgeGraph) -> fast.FastGraph:
    """The snapshot of the session's cache (written when ``kg`` was loaded)."""
    return fast.open_snapshot("compiled")


def _examples() -> Iterator[tuple[str, dict[str, str]]]:
    for name, query in KnowledgeGraph.bundled_queries().items():
        yield name, {p.name: p.example for p in query.parameters if p.example is not None}


def test_the_flagship_takes_the_fast_path(kg: KnowledgeGraph,
                                          monkeypatch: pytest.MonkeyPatch,
                                          capsys: pytest.CaptureFixture[str]) -> None:
    used: list[bool] = []
    answer = fast.answer

    def spy(reasoner: str, ask: object) -> object:
        result = answer(reasoner, ask)  # type: ignore[arg-type]
        used.append(result is not None)
        return result

    monkeypatch.setattr(fast, "answer", spy)
    code, out, _ = _run_cli(FLAGSHIP, capsys)
    assert code == 0 and used == [True]
    assert "bcr:yoga" in out


@pytest.mark.parametrize("fmt", [None, "csv", "tsv", "json", "xml"])
def test_flagship_same_output(fmt: str | None, kg: KnowledgeGraph,
                              capsys: pytest.CaptureFixture[str],
                              monkeypatch: pytest.MonkeyPatch) -> None:
    argv = FLAGSHIP + ([] if fmt is None else ["--format", fmt])
    fast_run, normal_run = _both(argv, capsys, monkeypatch)
    assert fast_run == normal_run
    assert fast_run[0] == 0


@pytest.mark.parametrize(("name", "params"), list(_examples()))
def test_every_named_query_same_answer(name: str, params: dict[str, str],
                                       kg: KnowledgeGraph, snapshot: fast.FastGraph,
                                       capsys: pytest.CaptureFixture[str],
                                       monkeypatch: pytest.MonkeyPatch) -> None:
    expected = kg.run(name, **params)
    try:
        got = snapshot.run(name, **params)
    except fast.Unavailable:  # left to the normal path (e.g. a DESCRIBE)
        pass
    else:
        assert got.kind == expected.kind
        assert got.vars == expected.vars
        assert got.rows == expected.rows
        assert got.boolean == expected.boolean
        assert got.graph is None if expected.graph is None else \
            set(got.graph or ()) == set(expected.graph)
    argv = ["run", name, *[f"--param={k}={v}" for k, v in params.items()]]
    fast_run, normal_run = _both(argv, capsys, monkeypatch)
    assert fast_run == normal_run
    fmt = "csv" if expected.kind == "SELECT" else "json" if expected.kind == "ASK" else "nt"
    fast_run, normal_run = _both([*argv, "--format", fmt], capsys, monkeypatch)
    assert fast_run == normal_run


@pytest.mark.parametrize("argv", [
    ["activities", "--improves", "nothing-like-this"],
    ["activities", "--improves", "b"],
    ["run", "no-such-query"],
    ["run", "activities", "--param", "colour=red"],
])
def test_errors_are_the_normal_paths(argv: list[str], kg: KnowledgeGraph,
                                     capsys: pytest.CaptureFixture[str],
                                     monkeypatch: pytest.MonkeyPatch) -> None:
    fast_run, normal_run = _both(argv, capsys, monkeypatch)
    assert fast_run == normal_run
    assert fast_run[0] == 2


def _paths(directory: Path) -> tuple[Path, Path]:
    cache = ClosureCache(directory)
    return snapshot_paths(cache, closure_key(cache, "compiled"))


@pytest.fixture()
def fresh_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("BACKCARE_KG_CACHE_DIR", str(tmp_path))
    return tmp_path


def test_no_snapshot_takes_the_normal_path_which_writes_it(
        fresh_cache: Path, kg: KnowledgeGraph, capsys: pytest.CaptureFixture[str]) -> None:
    nq, plans = _paths(fresh_cache)
    with pytest.raises(fast.Unavailable):
        fast.open_snapshot("compiled")
    assert fast.answer("compiled", lambda g: g.activities("balance", "chronic")) is None
    code, out, _ = _run_cli(FLAGSHIP, capsys)
    assert code == 0 and "bcr:yoga" in out
    assert nq.is_file() and plans.is_file()
    got = fast.open_snapshot("compiled").activities("balance", "chronic")
    assert got.rows == kg.activities("balance", "chronic").rows
    # the closure is cached but the snapshot gone: the normal path writes it again
    nq.unlink()
    assert _run_cli(FLAGSHIP, capsys)[1] == out
    assert nq.is_file()


@pytest.mark.parametrize("damage", ["truncate", "checksum", "garble", "plans", "stale"])
def test_a_corrupt_or_stale_snapshot_is_rebuilt(
        damage: str, fresh_cache: Path, kg: KnowledgeGraph,
        capsys: pytest.CaptureFixture[str]) -> None:
    expected = _run_cli(FLAGSHIP, capsys)  # writes the closure and the snapshot
    nq, plans = _paths(fresh_cache)
    data = nq.read_bytes()
    if damage == "truncate":
        nq.write_bytes(data[: len(data) // 2])
    elif damage == "checksum":
        nq.write_bytes(data.replace(b"<", b"<x", 1) if data.count(b"\n") > 1 else b"")
    elif damage == "garble":  # a consistent header over a body that is not N-Quads
        import hashlib

        body = b"this is not n-quads\n"
        nq.write_bytes(f"# backcare-kg snapshot v{FORMAT} "
                       f"sha256={hashlib.sha256(body).hexdigest()} quads=1\n".encode() + body)
    elif damage == "plans":
        plans.write_text("{not json", encoding="utf-8")
    else:
        data_plans = json.loads(plans.read_text(encoding="utf-8"))
        data_plans["code"] = "0" * 64
        plans.write_text(json.dumps(data_plans), encoding="utf-8")
    with pytest.raises(fast.Unavailable):
        fast.open_snapshot("compiled")
    assert not nq.exists() and not plans.exists()
    assert _run_cli(FLAGSHIP, capsys) == expected  # the normal path answers, and rewrites
    assert nq.is_file() and plans.is_file()
    assert fast.open_snapshot("compiled").activities("balance", "chronic").rows \
        == kg.activities("balance", "chronic").rows


def test_a_changed_query_file_is_not_trusted(snapshot: fast.FastGraph,
                                             monkeypatch: pytest.MonkeyPatch) -> None:
    data = snapshot.plans.queries["activities"]
    monkeypatch.setitem(data, "text", data["text"] + "\n# changed\n")
    with pytest.raises(fast.Unavailable):
        snapshot.run("activities", capacity="balance")


def test_the_fast_path_imports_no_sparql_parser_nor_reasoner(kg: KnowledgeGraph) -> None:
    code = (
        "import sys\n"
        "from backcare_kg import cli\n"
        f"assert cli.main({FLAGSHIP!r}) == 0\n"
        # the reasoners' names (for --reasoner), not the reasoners
        "names = {'backcare_kg.reasoning', 'backcare_kg.reasoning.reasoner_registry'}\n"
        "heavy = sorted(m for m in sys.modules if m.startswith(('rdflib.plugins.sparql', "
        "'pyparsing', 'owlrl', 'backcare_kg.graph', 'backcare_kg.backends', "
        "'backcare_kg.sparql.engines', "
        "'backcare_kg.reason', 'backcare_kg.sparql.preparation', 'yaml')) "
        "and m not in names)\n"
        "assert not heavy, heavy\n"
    )
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         env=dict(os.environ), timeout=120)
    assert run.returncode == 0, run.stderr
    assert "bcr:yoga" in run.stdout


def test_public_names_still_import() -> None:
    import backcare_kg

    assert backcare_kg.KnowledgeGraph is KnowledgeGraph
    from backcare_kg import Result

    assert Result.__name__ == "Result"
    with pytest.raises(AttributeError):
        backcare_kg.no_such_name  # noqa: B018


def test_pruning_an_entry_removes_its_snapshot(tmp_path: Path, kg: KnowledgeGraph) -> None:
    cache = ClosureCache(tmp_path, max_entries=1)
    cache.put("a" * 64, kg.inferred)
    nq, plans = snapshot_paths(cache, "a" * 64)
    nq.write_bytes(b"x")
    plans.write_bytes(b"x")
    cache.put("b" * 64, kg.inferred)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["b" * 64 + ".nt"]
