"""backcare-kg: a knowledge graph about exercise for back pain, with provenance.

>>> from backcare_kg import KnowledgeGraph
>>> kg = KnowledgeGraph.load()
>>> kg.activities(improves="balance", phase="chronic")
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from backcare_kg.errors import (
    BackcareError,
    DataError,
    EndpointError,
    EndpointUnreachable,
    LoginRefused,
    ParameterError,
    QueryError,
    UnknownQueryError,
    ValidationFailed,
)
from backcare_kg.version import __version__

if TYPE_CHECKING:
    from backcare_kg.graph import KnowledgeGraph
    from backcare_kg.sparql.results import Result

__all__ = [
    "__version__",
    "KnowledgeGraph",
    "Result",
    "BackcareError",
    "DataError",
    "QueryError",
    "UnknownQueryError",
    "ParameterError",
    "ValidationFailed",
    "EndpointError",
    "EndpointUnreachable",
    "LoginRefused",
]


def __getattr__(name: str) -> Any:
    """``KnowledgeGraph`` and ``Result``, imported on first use (the CLI starts faster)."""
    if name == "KnowledgeGraph":
        from backcare_kg.graph import KnowledgeGraph

        return KnowledgeGraph
    if name == "Result":
        from backcare_kg.sparql.results import Result

        return Result
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def __dir__() -> list[str]:
    """The module's names, the lazily imported ones included."""
    return sorted(set(globals()) | set(__all__))
