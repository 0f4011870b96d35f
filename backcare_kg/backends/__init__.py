"""Where a :class:`~backcare_kg.KnowledgeGraph` holds its triples, behind one interface.

A :class:`Backend` is chosen once, when the graph is made, and the facade asks it for
everything that depends on where the triples are:

- :class:`~.memory.MemoryBackend`: an rdflib Dataset in this process (``KnowledgeGraph(...)``,
  :meth:`KnowledgeGraph.load <backcare_kg.KnowledgeGraph.load>`);
- :class:`~.store.StoreBackend`: an on-disk pyoxigraph store, read-only
  (:meth:`KnowledgeGraph.open <backcare_kg.KnowledgeGraph.open>`);
- :class:`~.remote.RemoteBackend`: a remote SPARQL store
  (:meth:`KnowledgeGraph.connect <backcare_kg.KnowledgeGraph.connect>`).

The submodules are imported only by the facade's method that needs them, so that loading a
graph in memory imports nothing of stores or HTTP.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from rdflib import RDFS, Dataset, Graph
from rdflib.namespace import SKOS

from backcare_kg.sparql.term_resolver import TermResolver
from backcare_kg.vocab import PREFIXES

if TYPE_CHECKING:
    from backcare_kg.remote import Endpoints
    from backcare_kg.sparql.engines import QueryEngine
    from backcare_kg.storage.store import StoreInfo

__all__ = ["Backend", "empty_dataset"]


class Backend(ABC):
    """What a knowledge graph's triples are held in: it answers queries, counts its quads and
    gives them as an rdflib Dataset (named graphs ``graph/asserted`` and ``graph/inferred``).

    The defaults suit a backend held outside this process's rdflib objects (a store on disk,
    a remote store): read-only, asked through :attr:`engine` for labels and terms.
    """

    #: Whether the inferred graph was materialized.
    has_inference: bool
    #: The RDF files the graph was read from, for the file:line of explanations; empty
    #: when they are not known (explanations then name no line).
    files: Sequence[Path] = ()
    #: Whether the graphs cannot change in this process, so that nothing built from them
    #: (an explainer) needs to ask their size again.
    read_only: bool = True

    @property
    @abstractmethod
    def engine(self) -> QueryEngine:
        """The query engine over the union of the graphs."""

    @property
    @abstractmethod
    def dataset(self) -> Dataset:
        """The graphs as an rdflib Dataset (a copy made on first use, if held elsewhere)."""

    @abstractmethod
    def __len__(self) -> int:
        """The number of quads, asserted and inferred."""

    def labels(self) -> Graph:
        """The ``rdfs:label`` and ``skos:prefLabel`` triples, read through :attr:`engine`."""
        found = self.engine.execute(_LABELS, {}).graph
        return found if found is not None else Graph()

    def term_resolver(self) -> TermResolver:
        """A new resolver of slugs, prefixed names, IRIs and labels over these graphs."""
        return TermResolver.from_engine(self.engine)

    @property
    def store_info(self) -> StoreInfo | None:
        """What an on-disk store holds and how it was built; None for other backends."""
        return None

    @property
    def endpoints(self) -> Endpoints | None:
        """The URLs of a remote store; None for other backends."""
        return None


def empty_dataset() -> Dataset:
    """An rdflib Dataset whose default graph is the union of its graphs, our prefixes bound."""
    dataset = Dataset(default_union=True)
    for prefix, ns in PREFIXES.items():
        dataset.bind(prefix, ns)
    return dataset


# Internal, fixed text: the label triples :meth:`Backend.labels` reads.
_LABELS = f"""CONSTRUCT {{ ?s ?p ?label }} WHERE {{
  VALUES ?p {{ <{RDFS.label}> <{SKOS.prefLabel}> }} ?s ?p ?label }}"""
