"""backcare-kg: a knowledge graph about exercise for back pain, with provenance.

>>> from backcare_kg import KnowledgeGraph
>>> kg = KnowledgeGraph.load()
>>> kg.activities(improves="balance", phase="chronic")
"""

from __future__ import annotations

__version__ = "0.1.0"

from .errors import (  # noqa: E402
    BackcareError,
    DataError,
    EndpointError,
    ParameterError,
    QueryError,
    UnknownQueryError,
    ValidationFailed,
)
from .graph import KnowledgeGraph  # noqa: E402
from .results import Result  # noqa: E402

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
]
