"""A push killed half-way leaves the previous graph in the store, whole and queryable.

For each real store (Oxigraph, Virtuoso on 127.0.0.1): the bundled graph is pushed; then
``backcare-kg push`` of a much bigger graph (the bundled one plus 100,000 generated triples,
500 per batch) runs in a subprocess, is watched until its staging graph holds triples, and
is killed (SIGKILL). The real graphs must hold exactly what they held before (same counts,
same flagship answer). A complete push afterwards succeeds and leaves no staging graph.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from support.remote_stores import RunningStore

from backcare_kg import KnowledgeGraph, Result
from backcare_kg.remote.push import STAGING
from backcare_kg.vocab import ASSERTED_GRAPH, BCR, INFERRED_GRAPH, SUPPORT_GRAPH

pytestmark = pytest.mark.store

ROOT = Path(__file__).resolve().parents[2]
BIG_TRIPLES = 100_000
BATCH_SIZE = 500
#: Loading the big file takes seconds before the first batch; the upload tens of seconds.
STAGING_TIMEOUT = 120.0
POLL_INTERVAL = 0.05
STAGING_ASSERTED = STAGING[ASSERTED_GRAPH]


@pytest.fixture(scope="module")
def big_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """N-Triples: BIG_TRIPLES simple triples under https://example.org/."""
    path = tmp_path_factory.mktemp("interrupted") / "big.nt"
    with path.open("w", encoding="utf-8") as out:
        for i in range(BIG_TRIPLES):
            out.write(f'<https://example.org/s{i}> <https://example.org/p{i % 7}> '
                      f'"value {i}" .\n')
    return path


@pytest.fixture(params=["oxigraph", "virtuoso"])
def store(request: pytest.FixtureRequest, kg: KnowledgeGraph) -> RunningStore:
    """Each store, cleared, holding the bundled graph (pushed)."""
    running: RunningStore = request.getfixturevalue(f"{request.param}_store")
    running.clear()
    kg.push(running.query_url, running.update_url, store_endpoint(running), auth(running))
    return running


def auth(store: RunningStore) -> tuple[str, str] | None:
    if store.user is None or store.password is None:
        return None
    return store.user, store.password


def store_endpoint(store: RunningStore) -> str:
    if store.graph_param == "graph":
        return store.store_url
    return f"{store.store_url}?{store.graph_param}="


def count(store: RunningStore, graph: str) -> int:
    rows = store.select(f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{graph}> {{ ?s ?p ?o }} }}")
    return int(rows[0]["n"]) if rows else 0


def push_command(store: RunningStore, *extra: str) -> list[str]:
    return [sys.executable, "-m", "backcare_kg", "push", *extra,
            "--endpoint", store.query_url, "--update-endpoint", store.update_url,
            "--store-endpoint", store_endpoint(store)]


def push_env(store: RunningStore) -> dict[str, str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH")]))
    env.pop("BACKCARE_KG_USER", None)
    env.pop("BACKCARE_KG_PASSWORD", None)
    if store.user is not None and store.password is not None:
        env["BACKCARE_KG_USER"] = store.user
        env["BACKCARE_KG_PASSWORD"] = store.password
    return env


@pytest.fixture
def started(store: RunningStore, big_file: Path,
            tmp_path: Path) -> Iterator[tuple[subprocess.Popen[bytes], Path]]:
    """The big push, running; killed at the end if still running. Yields the process and
    the file its stderr goes to."""
    log = tmp_path / "push.err"
    with log.open("wb") as err:
        process = subprocess.Popen(
            push_command(store, "--no-inference", "--with", str(big_file),
                         "--batch-size", str(BATCH_SIZE)),
            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=err,
            env=push_env(store), cwd=ROOT)
    try:
        yield process, log
    finally:
        if process.poll() is None:
            process.kill()
        process.wait(30)


def activities(result: Result) -> list[str]:
    return sorted(str(v) for v in result.values("activity"))


def wait_for_staging(store: RunningStore, process: subprocess.Popen[bytes], log: Path) -> int:
    """Poll until the staging graph holds triples (their number); fail if the push ends or
    the time runs out first."""
    deadline = time.monotonic() + STAGING_TIMEOUT
    while True:
        staged = count(store, str(STAGING_ASSERTED))
        if staged:
            return staged
        if process.poll() is not None:
            pytest.fail(f"the push ended (exit {process.returncode}) before its staging graph "
                        f"was seen holding triples; make the file bigger or the batches "
                        f"smaller:\n{log.read_text(errors='replace')[-2000:]}")
        if time.monotonic() > deadline:
            pytest.fail(f"the staging graph <{STAGING_ASSERTED}> held no triple within "
                        f"{STAGING_TIMEOUT:g} s of starting the push:\n"
                        f"{log.read_text(errors='replace')[-2000:]}")
        time.sleep(POLL_INTERVAL)


def test_a_killed_push_leaves_the_previous_graph(
        store: RunningStore, started: tuple[subprocess.Popen[bytes], Path],
        kg: KnowledgeGraph) -> None:
    process, log = started
    flagship = kg.activities(improves="balance", phase="chronic")
    assert BCR["yoga"] in flagship.values("activity")
    before = {g: count(store, str(g)) for g in (ASSERTED_GRAPH, INFERRED_GRAPH, SUPPORT_GRAPH)}
    assert before == {ASSERTED_GRAPH: len(kg.asserted), INFERRED_GRAPH: len(kg.inferred),
                      SUPPORT_GRAPH: len(kg.support_graph)}

    staged = wait_for_staging(store, process, log)
    process.send_signal(signal.SIGKILL)
    assert process.wait(30) == -signal.SIGKILL, "the push ended before it could be killed"
    assert 0 < staged < len(kg.asserted) + BIG_TRIPLES

    # half a new graph in staging; the real graphs exactly as before
    assert count(store, str(STAGING_ASSERTED)) < len(kg.asserted) + BIG_TRIPLES
    assert {g: count(store, str(g)) for g in before} == before
    remote = KnowledgeGraph.connect(store.query_url, retries=0)
    assert len(remote) == len(kg)
    answer = remote.activities(improves="balance", phase="chronic")
    assert activities(answer) == activities(flagship)
    assert not store.ask("ASK { GRAPH ?g { <https://example.org/s0> ?p ?o } "
                         f"FILTER(?g IN (<{ASSERTED_GRAPH}>, <{INFERRED_GRAPH}>)) }}")

    # a complete push afterwards starts over and cleans up
    done = subprocess.run(push_command(store), stdin=subprocess.DEVNULL, capture_output=True,
                          env=push_env(store), cwd=ROOT, timeout=300)
    assert done.returncode == 0, done.stderr.decode(errors="replace")
    assert "Traceback" not in done.stderr.decode(errors="replace")
    assert done.stdout.decode().startswith("pushed ")
    assert store.graphs() - store.system_graphs == {str(g) for g in before}
    assert {g: count(store, str(g)) for g in before} == before
    again = KnowledgeGraph.connect(store.query_url, retries=0)
    assert activities(again.activities(improves="balance", phase="chronic")) \
        == activities(flagship)
