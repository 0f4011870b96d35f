"""The query engines by name, and the default one, known without importing any engine.

The engines themselves are in :mod:`backcare_kg.sparql.engines`, imported the first time
one is created: the command line reads the names and the default to build its parser.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from backcare_kg.registry import Registry

if TYPE_CHECKING:
    from rdflib import Dataset, Graph

    from backcare_kg.sparql.engines import EngineFactory, QueryEngine

__all__ = ["ENGINES", "DEFAULT_ENGINE", "STORE_ENGINE", "register_engine", "engine_names",
           "create_engine"]

#: The query engines by name: each a factory taking the rdflib Graph or Dataset to query.
ENGINES: Registry[EngineFactory] = Registry("engine", "no query engine {name!r}",
                                            default="oxigraph")
ENGINES.register_lazy("oxigraph", "backcare_kg.sparql.engines", "OxigraphEngine.from_dataset")
ENGINES.register_lazy("rdflib", "backcare_kg.sparql.engines", "RdflibEngine")

#: The engine used unless another is named.
DEFAULT_ENGINE = ENGINES.default

#: The only engine an on-disk store (and the command line's snapshot) is queried by.
STORE_ENGINE = "oxigraph"


def register_engine(name: str, factory: EngineFactory) -> None:
    """Make ``create_engine(name, dataset)`` call ``factory(dataset)`` (replacing any)."""
    ENGINES.register(name, factory)


def engine_names() -> list[str]:
    """The names of the registered engines."""
    return ENGINES.names()


def create_engine(name: str, dataset: Graph | Dataset) -> QueryEngine:
    """The engine called ``name`` over ``dataset``; ParameterError listing names if unknown."""
    return ENGINES.get(name)(dataset)
