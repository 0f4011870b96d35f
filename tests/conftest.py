"""Shared fixtures: the bundled graph is loaded once per test session."""

from __future__ import annotations

import atexit
import os
import shutil
import tempfile
from collections.abc import Iterator

import httpx
import pytest

# Every test (and every CLI subprocess a test starts) uses a private closure cache, so
# the suite neither reads nor pollutes the user's own cache.
_CACHE = tempfile.mkdtemp(prefix="backcare-kg-test-cache-")
os.environ["BACKCARE_KG_CACHE_DIR"] = _CACHE
atexit.register(shutil.rmtree, _CACHE, ignore_errors=True)

from support.live_server import LiveServer  # noqa: E402

from backcare_kg import KnowledgeGraph  # noqa: E402


@pytest.fixture(scope="session")
def cache_dir() -> str:
    return _CACHE


@pytest.fixture(scope="session")
def kg() -> KnowledgeGraph:
    """The bundled graph with inference (asserted + inferred)."""
    return KnowledgeGraph.load()


@pytest.fixture(scope="session")
def kg_asserted() -> KnowledgeGraph:
    """The bundled graph without inference."""
    return KnowledgeGraph.load(inference=False)


@pytest.fixture(scope="session")
def server() -> Iterator[LiveServer]:
    """A real ``backcare-kg serve`` on 127.0.0.1 (a free port), over the bundled graph, with
    a 3 s query time limit, shared by the server tests; ``server.url`` is its address."""
    live = LiveServer("--query-timeout", "3", "--max-results", "50000", "--max-body", "200000")
    try:
        yield live
    finally:
        live.stop()


@pytest.fixture(scope="session")
def client(server: LiveServer) -> Iterator[httpx.Client]:
    """An HTTP client of the shared :func:`server` (its base URL set)."""
    with httpx.Client(base_url=server.url, timeout=30) as http:
        yield http


@pytest.fixture(scope="session")
def source_text() -> str:
    from backcare_kg.storage import files

    return files.source_text_file().read_text(encoding="utf-8")


# -- real SPARQL stores (tests/remote_stores.py) ----------------------------------------------

from support.remote_stores import (  # noqa: E402
    OXIGRAPH_MISSING,
    VIRTUOSO_MISSING,
    RunningStore,
    oxigraph_command,
    oxigraph_server,
    virtuoso_command,
    virtuoso_server,
)


@pytest.fixture(scope="session")
def oxigraph_store(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningStore]:
    """An Oxigraph server on 127.0.0.1 for the whole session (skips, saying how to install
    it, without the ``oxigraph`` command). Tests sharing it call ``clear()`` first."""
    if oxigraph_command() is None:
        pytest.skip(OXIGRAPH_MISSING)
    with oxigraph_server(tmp_path_factory.mktemp("oxigraph")) as store:
        yield store


@pytest.fixture(scope="session")
def virtuoso_store(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningStore]:
    """A fresh Virtuoso database served on 127.0.0.1 for the whole session (skips, saying
    how to install it, without ``virtuoso-t``). Updates and the Graph Store Protocol need
    digest authentication (``store.user``/``store.password``); ``clear()`` keeps Virtuoso's
    own graphs."""
    if virtuoso_command() is None:
        pytest.skip(VIRTUOSO_MISSING)
    with virtuoso_server(tmp_path_factory.mktemp("virtuoso")) as store:
        yield store
