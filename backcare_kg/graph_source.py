"""Which knowledge graph to open, as a value: the one place that chooses between
:meth:`KnowledgeGraph.load`, :meth:`~KnowledgeGraph.open` and :meth:`~KnowledgeGraph.connect`.

The command line builds one from its options, the server hands one to each query worker
process (it is picklable), so every interface opens a graph the same way.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from backcare_kg.graph import KnowledgeGraph
from backcare_kg.reasoning.reasoner_registry import DEFAULT_REASONER
from backcare_kg.sparql.engine_registry import DEFAULT_ENGINE

if TYPE_CHECKING:
    from backcare_kg.remote import Credentials


@dataclass(frozen=True)
class GraphSource:
    """How to build the knowledge graph: a remote store's query ``endpoint`` (with its
    ``update_endpoint``, ``store_endpoint`` and login ``auth``), a ``store`` directory, or the
    bundled files plus ``extra`` files reasoned with ``reasoner`` (the default reasoner if
    None), with ``inference`` or without. Picklable, so that each query worker process
    builds the same graph (from the closure cache, by opening the store read-only, or by
    connecting)."""

    store: str | None = None
    extra: tuple[str, ...] = ()
    reasoner: str | None = None
    inference: bool = True
    engine: str = DEFAULT_ENGINE
    endpoint: str | None = None
    update_endpoint: str | None = None
    store_endpoint: str | None = None
    auth: Credentials | tuple[str, str] | None = field(default=None, repr=False)
    timeouts: tuple[float, float] = (10.0, 300.0)

    @property
    def is_local(self) -> bool:
        """Whether the graph is built here from files (not opened from a store or a
        remote endpoint)."""
        return self.endpoint is None and self.store is None

    def load(self) -> KnowledgeGraph:
        """The knowledge graph this source describes."""
        if self.endpoint is not None:
            return KnowledgeGraph.connect(self.endpoint, self.update_endpoint,
                                          self.store_endpoint, self.auth,
                                          connect_timeout=self.timeouts[0],
                                          read_timeout=self.timeouts[1])
        if self.store is not None:
            return KnowledgeGraph.open(self.store, engine=self.engine)
        return KnowledgeGraph.load(inference=self.inference, extra=list(self.extra),
                                   engine=self.engine,
                                   reasoner=self.reasoner or DEFAULT_REASONER)
