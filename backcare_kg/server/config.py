"""What a server serves and the limits it keeps: :class:`GraphSource` and :class:`ServerConfig`."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ..graph import KnowledgeGraph

#: Where the dataset's IRIs live; the server answers them at the same paths.
PUBLIC_BASE = "https://w3id.org/backcare-kg/"


@dataclass(frozen=True)
class GraphSource:
    """How to build the knowledge graph: a store directory, a remote store's query
    ``endpoint`` (with its login ``auth``), or the bundled files plus ``extra`` files
    reasoned with ``reasoner``. Picklable, so that each query worker process builds the same
    graph (from the closure cache, by opening the store read-only, or by connecting)."""

    store: str | None = None
    extra: tuple[str, ...] = ()
    reasoner: str | None = None
    inference: bool = True
    engine: str = "oxigraph"
    endpoint: str | None = None
    auth: tuple[str, str] | None = field(default=None, repr=False)
    timeouts: tuple[float, float] = (10.0, 300.0)

    def load(self) -> KnowledgeGraph:
        """The knowledge graph this source describes."""
        from ..graph import KnowledgeGraph

        if self.endpoint is not None:
            return KnowledgeGraph.connect(self.endpoint, auth=self.auth,
                                          connect_timeout=self.timeouts[0],
                                          read_timeout=self.timeouts[1])
        if self.store is not None:
            return KnowledgeGraph.open(self.store, engine=self.engine)
        if self.reasoner:
            return KnowledgeGraph.load(inference=self.inference, extra=list(self.extra),
                                       engine=self.engine, reasoner=self.reasoner)
        return KnowledgeGraph.load(inference=self.inference, extra=list(self.extra),
                                   engine=self.engine)


@dataclass(frozen=True)
class ServerConfig:
    """The settings of ``backcare-kg serve``; every limit has a safe default."""

    source: GraphSource = field(default_factory=GraphSource)
    host: str = "127.0.0.1"
    port: int = 8000
    #: Seconds a SPARQL or named query may run before it is stopped (503 to the client).
    query_timeout: float = 10.0
    #: Largest request body accepted, in bytes (413 beyond).
    max_body_bytes: int = 1_000_000
    #: Most rows (SELECT) or triples (CONSTRUCT, DESCRIBE) a query may return (413 beyond).
    max_results: int = 100_000
    #: Query worker processes: queries running at once (each can be stopped at its limit).
    workers: int = 2
    #: Origins allowed by CORS on the SPARQL endpoint and the named-query API.
    cors_origins: tuple[str, ...] = ("*",)
    #: The public base of the dataset's IRIs.
    public_base: str = PUBLIC_BASE

    @property
    def base_url(self) -> str:
        """Where this server answers, e.g. ``http://127.0.0.1:8000``."""
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"http://{host}:{self.port}"

    def describe(self) -> str:
        """One line for the console: what is served and with which limits."""
        what = f"store {Path(self.source.store)}" if self.source.store else "the bundled graph"
        if self.source.extra:
            what += " + " + ", ".join(self.source.extra)
        return (f"{what}; query time limit {self.query_timeout:g} s, {self.workers} query "
                f"workers, results up to {self.max_results:,}, bodies up to "
                f"{self.max_body_bytes:,} bytes")
