"""What a server serves and the limits it keeps: :class:`ServerConfig` (what it serves is a
:class:`~backcare_kg.graph_source.GraphSource`)."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from backcare_kg.graph_source import GraphSource
from backcare_kg.web.links import PUBLIC_BASE

__all__ = ["GraphSource", "ServerConfig"]


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
