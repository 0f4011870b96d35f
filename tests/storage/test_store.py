"""Persistent stores: ``backcare-kg build --store DIR`` and ``KnowledgeGraph.open``.

A store built from the bundled data and a small user file (once through the CLI, once
through the API) answers every named query exactly as ``KnowledgeGraph.load(extra=...)``
does; rebuilding replaces it atomically; a failed build leaves it intact; bad stores and
option clashes are clear errors.
"""

from __future__ import annotations

import json
import logging
import os
import pty
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from rdflib import BNode, Literal, URIRef
from support.engine_cases import NAMED_CASES, assert_same

from backcare_kg import DataError, KnowledgeGraph, ParameterError
from backcare_kg.storage.store import DATABASE, METADATA, STEPS, build_store, is_store, open_store
from backcare_kg.vocab import BC, BCR

ROOT = Path(__file__).resolve().parents[2]
EX = "https://example.org/user/"

#: The user's own data: a new activity that improves balance, labelled in two languages,
#: with a blank node, so the answers (and the inference) differ from the bundled graph's.
USER_DATA = f"""
@prefix bc: <https://w3id.org/backcare-kg/ontology#> .
@prefix bcr: <https://w3id.org/backcare-kg/resource/> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix ex: <{EX}> .
ex:tai-chi a bc:MindBodyActivity ;
    rdfs:label "tai chi"@en, "taichí"@es ;
    bc:improves bcr:balance, bcr:flexibility ;
    rdfs:comment [ rdfs:label "a note"@en ] .
"""

FLAGSHIP = ["activities", "--improves", "balance", "--phase", "chronic"]


def cli(*args: str, stderr_terminal: bool = False) -> subprocess.CompletedProcess[str]:
    """``python -m backcare_kg ARGS``; stdout and stderr are pipes unless told otherwise."""
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH")]))
    command = [sys.executable, "-m", "backcare_kg", *args]
    if not stderr_terminal:
        done = subprocess.run(command, capture_output=True, text=True, env=env, cwd=ROOT,
                              timeout=600)
        assert "Traceback" not in done.stderr, done.stderr
        return done
    leader, follower = pty.openpty()
    env.update({"COLUMNS": "120", "TERM": "xterm"})
    proc = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=follower,
                            stdin=subprocess.DEVNULL, env=env, cwd=ROOT)
    os.close(follower)
    chunks = []
    while True:
        try:
            chunk = os.read(leader, 65536)
        except OSError:
            break
        if not chunk:
            break
        chunks.append(chunk)
    os.close(leader)
    out = proc.stdout.read().decode() if proc.stdout else ""
    code = proc.wait(timeout=600)
    return subprocess.CompletedProcess(command, code, out, b"".join(chunks).decode())


# -- fixtures ------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def user_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("user") / "mine.ttl"
    path.write_text(USER_DATA, encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def cli_store(tmp_path_factory: pytest.TempPathFactory, user_file: Path) -> Path:
    """A store built through the real entry point, with the user file."""
    directory = tmp_path_factory.mktemp("cli") / "store"
    done = cli("build", "--store", str(directory), "--with", str(user_file))
    assert done.returncode == 0, done.stderr
    assert done.stderr == ""  # no progress on a pipe
    return directory


@pytest.fixture(scope="module")
def in_memory(user_file: Path) -> KnowledgeGraph:
    return KnowledgeGraph.load(extra=[user_file])


@pytest.fixture(scope="module")
def stored(cli_store: Path) -> KnowledgeGraph:
    return KnowledgeGraph.open(cli_store)


# -- building ------------------------------------------------------------------------------


def test_build_prints_a_one_line_summary(cli_store: Path, in_memory: KnowledgeGraph,
                                         tmp_path: Path, user_file: Path) -> None:
    done = cli("--with", str(user_file), "build", "--store", str(tmp_path / "s"))
    assert done.returncode == 0
    asserted, inferred = len(in_memory.asserted), len(in_memory.inferred)
    assert done.stdout.startswith(
        f"built {tmp_path / 's'}: {asserted:,} asserted and {inferred:,} inferred triples in ")
    assert done.stdout.endswith(" s\n") and done.stdout.count("\n") == 1
    assert done.stderr == ""


def test_the_store_holds_the_same_graphs(stored: KnowledgeGraph,
                                         in_memory: KnowledgeGraph) -> None:
    assert len(stored) == len(in_memory)
    info = stored.store_info
    assert info is not None and info.stale == ()
    assert (info.asserted, info.inferred) == (len(in_memory.asserted), len(in_memory.inferred))
    assert set(stored.asserted) == set(in_memory.asserted)  # blank nodes included
    assert set(stored.inferred) == set(in_memory.inferred)


def test_metadata(cli_store: Path, user_file: Path) -> None:
    metadata = json.loads((cli_store / METADATA).read_text(encoding="utf-8"))
    assert metadata["format"] == 2 and metadata["reasoner"] == "compiled"
    assert metadata["support"] > 0 and metadata["support"] % 5 == 0  # 5 triples a statement
    extra = [f for f in metadata["files"] if f["kind"] == "extra"]
    assert [f["path"] for f in extra] == [str(user_file.resolve())]
    assert len(metadata["digest"]) == 64
    assert (cli_store / DATABASE).is_dir()


def test_progress_steps_through_the_api(tmp_path: Path) -> None:
    steps: list[str] = []
    info = build_store(tmp_path / "s", progress=steps.append)
    assert tuple(steps) == STEPS
    assert info.inferred > 0 and is_store(tmp_path / "s")


def test_progress_bar_on_a_terminal(tmp_path: Path) -> None:
    done = cli("build", "--store", str(tmp_path / "s"), stderr_terminal=True)
    assert done.returncode == 0
    assert done.stdout.startswith(f"built {tmp_path / 's'}: ")
    assert "writing the store" in done.stderr  # rich's display, on the terminal only


# -- the same answers ----------------------------------------------------------------------


@pytest.mark.parametrize(("name", "params"), NAMED_CASES,
                         ids=[f"{n}-{p}" for n, p in NAMED_CASES])
def test_named_query_same_answer_from_the_store(
    stored: KnowledgeGraph, in_memory: KnowledgeGraph, name: str, params: dict[str, Any]
) -> None:
    query = in_memory.named_queries[name]
    if name == "provenance" and "GROUP_CONCAT(DISTINCT ?attributionLabel" in query.text:
        pytest.xfail("GROUP_CONCAT has no order: see tests/sparql/test_engines.py")
    try:
        expected = in_memory.run(name, **params)
    except ParameterError as error:
        with pytest.raises(ParameterError) as raised:
            stored.run(name, **params)
        assert str(raised.value) == str(error)
        return
    assert_same(query.text, expected, stored.run(name, **params))


def test_user_data_answers(stored: KnowledgeGraph, in_memory: KnowledgeGraph) -> None:
    expected = in_memory.run("activities-by-capacity", capacity="balance")
    assert URIRef(EX + "tai-chi") in {r["activity"] for r in expected.rows}
    assert_same("", expected, stored.run("activities-by-capacity", capacity="balance"))
    assert stored.resolve("taichí", BC.Activity) == URIRef(EX + "tai-chi")
    assert stored.resolve("tai chi") == URIRef(EX + "tai-chi")


def test_flagship_from_the_store(cli_store: Path) -> None:
    done = cli("--store", str(cli_store), *FLAGSHIP)
    assert done.returncode == 0, done.stderr
    # the user's tai chi improves balance (their own data: stated) and is inferred allowed in
    # the chronic phase as yoga is (a generalization resting on our reading: editorial); it
    # is not one of the five the source suggests, and covers two capacities of the four
    assert done.stdout.splitlines() == [
        "activity                          activityLabel  support       improvesSupport  "
        "phaseSupport  goalSupport  suggested  coveredCapacities  targetCapacities  recommended",
        "https://example.org/user/tai-chi                 bc:Editorial  bc:Stated        "
        "bc:Editorial               false      2                  4                 false",
        "bcr:yoga                          yoga           bc:Editorial  bc:Stated        "
        "bc:Editorial               true       3                  4                 false",
    ]
    after = cli(*FLAGSHIP[:1], "--store", str(cli_store), *FLAGSHIP[1:])
    assert after.stdout == done.stdout and after.stderr == ""


def test_flagship_through_the_api(stored: KnowledgeGraph, in_memory: KnowledgeGraph) -> None:
    rows = stored.activities(improves="equilibrio", phase="fase crónica").rows
    assert rows == in_memory.activities(improves="balance", phase="chronic").rows
    assert BCR.yoga in {r["activity"] for r in rows}


def test_the_rdflib_view_is_built_lazily(cli_store: Path) -> None:
    kg = KnowledgeGraph.open(cli_store)
    assert kg._backend._dataset is None  # queries need no rdflib copy
    kg.activities(improves="balance", phase="chronic")
    kg.resolve("fase crónica", BC.PainPhase)
    assert kg._backend._dataset is None
    assert any(isinstance(s, BNode) for s, _, _ in kg.asserted)
    assert (BCR.yoga, BC.allowedInPhase, BCR["chronic-phase"]) in kg.inferred
    assert (BCR.balance, URIRef("http://www.w3.org/2000/01/rdf-schema#label"),
            Literal("equilibrio", lang="es")) in kg.labels()


# -- rebuilding ----------------------------------------------------------------------------


def _siblings(directory: Path) -> list[str]:
    return sorted(p.name for p in directory.parent.iterdir())


def test_rebuilding_replaces_the_store(tmp_path: Path, user_file: Path) -> None:
    target = tmp_path / "store"
    first = build_store(target)
    second = build_store(target, extra=[user_file])
    assert second.asserted > first.asserted
    kg = KnowledgeGraph.open(target)
    assert kg.store_info is not None and kg.store_info.digest == second.digest
    assert len(kg) == second.triples
    assert _siblings(target) == ["store"]  # no temporary directory left


def test_a_failed_build_leaves_the_old_store(tmp_path: Path) -> None:
    target = tmp_path / "store"
    built = build_store(target)
    bad = tmp_path / "bad.ttl"
    bad.write_text("@prefix ex: <http://example.org/> .\nex:a ex:b .\n", encoding="utf-8")
    done = cli("build", "--store", str(target), "--with", str(bad))
    assert done.returncode == 2
    assert done.stderr.startswith(f"backcare-kg: error: {bad}:2: invalid RDF")
    assert done.stdout == ""
    with pytest.raises(DataError, match="bad.ttl:2"):
        build_store(target, extra=[bad])
    assert _siblings(target) == ["bad.ttl", "store"]
    store, info = open_store(target)
    assert info.digest == built.digest and len(store) == built.triples + built.support


def test_a_store_is_never_built_over_something_else(tmp_path: Path) -> None:
    other = tmp_path / "mine"
    other.mkdir()
    (other / "notes.txt").write_text("keep me", encoding="utf-8")
    with pytest.raises(DataError, match="not a backcare-kg store.*refusing to replace it"):
        build_store(other)
    done = cli("build", "--store", str(other))
    assert done.returncode == 2 and "refusing to replace it" in done.stderr
    assert (other / "notes.txt").read_text(encoding="utf-8") == "keep me"
    a_file = tmp_path / "file"
    a_file.write_text("x", encoding="utf-8")
    with pytest.raises(DataError, match="not a directory"):
        build_store(a_file)
    empty = tmp_path / "empty"
    empty.mkdir()
    assert build_store(empty).triples > 0  # an empty directory may hold a store


# -- opening -------------------------------------------------------------------------------


def test_opening_errors(tmp_path: Path) -> None:
    missing = tmp_path / "nowhere"
    with pytest.raises(DataError) as error:
        KnowledgeGraph.open(missing)
    assert str(error.value) == (f"{missing}: no such store: build one with "
                                f"`backcare-kg build --store {missing}`")
    plain = tmp_path / "plain"
    plain.mkdir()
    with pytest.raises(DataError, match=f"{plain}: not a backcare-kg store \\(no {METADATA}\\)"):
        KnowledgeGraph.open(plain)
    with pytest.raises(ParameterError, match="oxigraph engine only"):
        KnowledgeGraph.open(plain, engine="rdflib")


def test_an_incompatible_store(tmp_path: Path) -> None:
    target = tmp_path / "store"
    build_store(target)
    metadata = json.loads((target / METADATA).read_text(encoding="utf-8"))
    metadata.update(format=99, backcare_kg="9.0.0")
    (target / METADATA).write_text(json.dumps(metadata), encoding="utf-8")
    with pytest.raises(DataError, match="format 99 .*backcare-kg 9.0.0.*rebuild it"):
        open_store(target)
    (target / METADATA).write_text("{", encoding="utf-8")
    with pytest.raises(DataError, match=f"unreadable {METADATA}"):
        open_store(target)


def test_a_stale_store_is_a_warning(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    mine = tmp_path / "mine.ttl"
    mine.write_text(USER_DATA, encoding="utf-8")
    target = tmp_path / "store"
    build_store(target, extra=[mine])
    mine.write_text(USER_DATA + f"<{EX}x> a <{BC.Activity}> .\n", encoding="utf-8")
    with caplog.at_level(logging.WARNING, logger="backcare_kg.storage.store"):
        kg = KnowledgeGraph.open(target)
    assert kg.store_info is not None
    assert kg.store_info.stale == (f"{mine.resolve()} changed",)
    assert "is stale" in caplog.text and "rebuild it" in caplog.text
    assert kg.activities(improves="balance").rows  # it still answers
    mine.unlink()
    assert open_store(target)[1].stale == (f"{mine.resolve()} no longer exists",)
    done = cli("--store", str(target), *FLAGSHIP)
    assert done.returncode == 0 and "is stale" in done.stderr


@pytest.mark.parametrize(("args", "message"), [
    (["run", "experts"], "no such store"),
    (["queries"], "no such store"),
])
def test_cli_opening_errors(tmp_path: Path, args: list[str], message: str) -> None:
    done = cli("--store", str(tmp_path / "nowhere"), *args)
    assert done.returncode == 2
    assert done.stderr.startswith(f"backcare-kg: error: {tmp_path / 'nowhere'}: {message}")


# -- usage errors --------------------------------------------------------------------------


@pytest.mark.parametrize(("args", "message"), [
    (["--with", "x.ttl", *FLAGSHIP], "parameter '--with': cannot be combined with --store: "
                                     "a store already holds its files"),
    ([*FLAGSHIP, "--no-inference"], "parameter '--no-inference': cannot be combined with "
                                    "--store: a store holds the inferred graph"),
    (["--engine", "rdflib", "query", "ASK {}"], "parameter '--engine': cannot be combined "
                                                "with --store: a store is queried by the "
                                                "oxigraph engine only"),
    (["run", "experts", "--reasoner", "owlrl"], "parameter '--reasoner': cannot be combined "
                                                "with --store"),
    (["validate"], "parameter 'validate': cannot be combined with --store"),
])
def test_usage_errors(cli_store: Path, args: list[str], message: str) -> None:
    done = cli("--store", str(cli_store), *args)
    assert done.returncode == 2
    assert done.stderr.startswith(f"backcare-kg: error: {message}"), done.stderr
    assert done.stdout == ""


def test_build_needs_a_store() -> None:
    done = cli("build")
    assert done.returncode == 2
    assert done.stderr == ("backcare-kg: error: parameter '--store': build needs --store DIR, "
                           "the directory to build the store in\n")
    done = cli("build", "--store", "x", "--no-inference")
    assert done.returncode == 2 and "drop --no-inference" in done.stderr
