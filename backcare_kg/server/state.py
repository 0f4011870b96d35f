"""What the routes of one server share, and how a route finds it from its request."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from starlette.requests import Request

from backcare_kg.server.config import ServerConfig
from backcare_kg.server.pool import QueryPool

if TYPE_CHECKING:
    from backcare_kg.graph import KnowledgeGraph


@dataclass
class ServerState:
    """What the routes share: the settings, the graph (for pages and descriptions, which
    are quick lookups) and the pool of query workers (for queries, which may run long)."""

    config: ServerConfig
    kg: KnowledgeGraph
    pool: QueryPool


def state_of(request: Request) -> ServerState:
    """The :class:`ServerState` of the application serving ``request``."""
    state: ServerState = request.app.state.backcare
    return state
