"""The backend of a graph in a remote triple store, asked over SPARQL 1.1."""

from __future__ import annotations

from rdflib import Dataset

from backcare_kg.backends import Backend, empty_dataset
from backcare_kg.errors import DataError
from backcare_kg.remote import Credentials, Endpoints, Timeouts, client_for
from backcare_kg.remote.engine import OUR_GRAPHS, RemoteEngine
from backcare_kg.sparql.engines import QueryEngine
from backcare_kg.vocab import ASSERTED_GRAPH, INFERRED_GRAPH


class RemoteBackend(Backend):
    """Our named graphs in a remote store: queries are sent to it (see
    :mod:`backcare_kg.remote.engine`), and the graphs are downloaded only when
    :attr:`dataset` is first asked for."""

    def __init__(self, engine: RemoteEngine, endpoints: Endpoints) -> None:
        self._remote = engine
        self._endpoints = endpoints
        self._dataset: Dataset | None = None
        self.has_inference = engine.holds(INFERRED_GRAPH)

    @classmethod
    def connect(cls, endpoints: Endpoints, auth: Credentials | tuple[str, str] | None,
                timeouts: Timeouts, retries: int) -> RemoteBackend:
        """The store at ``endpoints`` (see
        :meth:`KnowledgeGraph.connect <backcare_kg.KnowledgeGraph.connect>` for the errors)."""
        client = client_for(endpoints, auth, timeouts=timeouts, retries=retries)
        remote = RemoteEngine(endpoints.query, client)
        if not remote.holds(ASSERTED_GRAPH):
            raise DataError(f"the store holds no graph <{ASSERTED_GRAPH}>: load one with "
                            f"'backcare-kg push --endpoint {endpoints.query}'",
                            path=endpoints.query)
        return cls(remote, endpoints)

    @property
    def engine(self) -> QueryEngine:
        return self._remote

    @property
    def dataset(self) -> Dataset:
        """A full copy of the graphs, read in one answer so that blank nodes shared by the
        graphs stay shared, made on first use."""
        if self._dataset is None:
            dataset = empty_dataset()
            graphs = {name: dataset.graph(name) for name in OUR_GRAPHS}
            rows = self._remote.execute(_ALL_QUADS, {}, "download").rows
            for name, graph in graphs.items():
                graph.addN((row["s"], row["p"], row["o"], graph)  # type: ignore[misc]
                           for row in rows if row["g"] == name)
            self._dataset = dataset
        return self._dataset

    def __len__(self) -> int:
        return len(self._remote)

    @property
    def endpoints(self) -> Endpoints:
        return self._endpoints


# Internal, fixed text: every triple of our graphs, with its graph.
_ALL_QUADS = f"""SELECT ?g ?s ?p ?o WHERE {{
  VALUES ?g {{ {" ".join(f"<{g}>" for g in OUR_GRAPHS)} }} GRAPH ?g {{ ?s ?p ?o }} }}"""
