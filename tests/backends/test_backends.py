"""Every backend of the facade (memory, on-disk store, remote store) keeps the same contract.

The same checks run on each: the engine answers over the union of both graphs, the size,
the Dataset, the labels and the term resolver agree with the graph loaded in memory, and
what is particular to one backend (its files, store information, endpoints, whether it can
change) is given by that backend alone. The remote backend needs an Oxigraph server
(``store`` marker; skipped without the ``oxigraph`` command).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from rdflib import RDFS, Graph
from rdflib.namespace import SKOS
from rdflib.term import Node
from support.remote_stores import RunningStore

from backcare_kg import KnowledgeGraph, ParameterError
from backcare_kg.backends import Backend
from backcare_kg.backends.memory import MemoryBackend
from backcare_kg.backends.remote import RemoteBackend
from backcare_kg.backends.store import StoreBackend
from backcare_kg.remote import Endpoints, Timeouts
from backcare_kg.sparql.support_query import support_level
from backcare_kg.storage import files
from backcare_kg.storage.store import build_store
from backcare_kg.vocab import ASSERTED_GRAPH, BC, BCR, INFERRED_GRAPH, SUPPORT_GRAPH

BACKENDS = ["memory", "store", pytest.param("remote", marks=pytest.mark.store)]


@pytest.fixture(scope="module")
def store_directory(tmp_path_factory: pytest.TempPathFactory) -> Path:
    directory = tmp_path_factory.mktemp("backend") / "store"
    build_store(directory)
    return directory


@pytest.fixture(scope="module")
def remote(oxigraph_store: RunningStore, kg: KnowledgeGraph) -> Iterator[Endpoints]:
    oxigraph_store.clear()
    endpoints = Endpoints(oxigraph_store.query_url, oxigraph_store.update_url,
                          oxigraph_store.store_url)
    kg.push(endpoints.query, endpoints.update, endpoints.store)
    yield endpoints
    oxigraph_store.clear()


@pytest.fixture(params=BACKENDS)
def backend(request: pytest.FixtureRequest, kg: KnowledgeGraph) -> Backend:
    if request.param == "memory":
        return MemoryBackend(kg.asserted, kg.inferred, support=kg.support_graph,
                             files=files.asserted_files())
    if request.param == "store":
        return StoreBackend.open(request.getfixturevalue("store_directory"), "oxigraph")
    endpoints = request.getfixturevalue("remote")
    return RemoteBackend.connect(endpoints, None, Timeouts(), 0)


def _labels(graph: Graph) -> set[tuple[Node, Node, Node]]:
    return {t for p in (RDFS.label, SKOS.prefLabel) for t in graph.triples((None, p, None))}


def test_it_is_a_backend_of_the_whole_graph(backend: Backend, kg: KnowledgeGraph) -> None:
    assert isinstance(backend, Backend)
    assert backend.has_inference
    assert len(backend) == len(kg)
    dataset = backend.dataset
    assert backend.dataset is dataset  # copied (or downloaded) once
    assert len(dataset.graph(ASSERTED_GRAPH)) == len(kg.asserted)
    assert len(dataset.graph(INFERRED_GRAPH)) == len(kg.inferred)
    assert len(dataset.graph(SUPPORT_GRAPH)) == len(kg.support_graph) > 0


def test_its_engine_answers_over_both_graphs(backend: Backend) -> None:
    ask = "ASK { ?activity a bc:SuggestedActivity ; bc:improves ?capacity }"
    assert backend.engine.execute(ask, {"activity": BCR.yoga, "capacity": BCR.balance}).boolean
    level = support_level(backend.engine, BCR.yoga, BC.allowedInPhase, BCR["chronic-phase"])
    assert level is not None and level.name == "editorial"  # the support graph is there too
    assert backend.engine is backend.engine  # not rebuilt while the graphs keep their size


def test_labels_and_terms_are_the_graphs(backend: Backend, kg: KnowledgeGraph) -> None:
    assert _labels(backend.labels()) == _labels(kg.graph)
    resolver = backend.term_resolver()
    assert resolver.resolve("equilibrio") == BCR.balance
    assert resolver.resolve("fase crónica", BC.PainPhase) == BCR["chronic-phase"]


def test_what_is_particular_to_each(backend: Backend) -> None:
    assert (backend.store_info is not None) == isinstance(backend, StoreBackend)
    assert (backend.endpoints is not None) == isinstance(backend, RemoteBackend)
    assert backend.read_only == (not isinstance(backend, MemoryBackend))
    expected = [] if isinstance(backend, RemoteBackend) else files.asserted_files()
    assert list(backend.files) == expected


def test_a_graph_in_memory_rebuilds_its_engine_when_it_changes(kg: KnowledgeGraph) -> None:
    backend = MemoryBackend(kg.asserted)
    assert not backend.has_inference and len(backend) == len(kg.asserted)
    engine = backend.engine
    ask = "ASK { bcr:yoga a bc:RecommendedActivity }"
    assert not engine.execute(ask, {}).boolean
    backend.dataset.graph(INFERRED_GRAPH).add((BCR.yoga, BC.improves, BCR.balance))
    assert backend.engine is not engine
    assert backend.labels() is backend.dataset  # in memory: the whole graph, not a copy


def test_unknown_engines_are_refused(kg: KnowledgeGraph, store_directory: Path) -> None:
    with pytest.raises(ParameterError, match="unknown query engine"):
        MemoryBackend(kg.asserted, engine="nope")
    with pytest.raises(ParameterError, match="oxigraph engine only"):
        StoreBackend.open(store_directory, "rdflib")
