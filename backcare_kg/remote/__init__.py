"""The knowledge graph in a remote triple store, reached over SPARQL 1.1.

- :class:`Endpoints`: where a store answers queries, updates and the Graph Store Protocol;
- :func:`client_for`: the HTTP client for it (timeouts, retries, the login);
- :mod:`.engine`: :class:`~.engine.RemoteEngine`, the query engine behind
  :meth:`KnowledgeGraph.connect <backcare_kg.KnowledgeGraph.connect>`;
- :mod:`.push`: :func:`~.push.push`, which loads our graphs into a store and switches to
  them at once.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlsplit

from backcare_kg.errors import ParameterError
from backcare_kg.remote.credentials import Credentials, find_credentials
from backcare_kg.remote.http import HttpClient, Timeouts
from backcare_kg.urls import check_url

__all__ = ["Endpoints", "Credentials", "Timeouts", "client_for", "check_url"]


@dataclass(frozen=True)
class Endpoints:
    """The URLs of one store: ``query`` (SPARQL 1.1 Query), ``update`` (SPARQL 1.1 Update)
    and ``store`` (the SPARQL 1.1 Graph Store HTTP Protocol); only ``query`` is required."""

    query: str
    update: str | None = None
    store: str | None = None

    def __post_init__(self) -> None:
        check_url(self.query, "endpoint")
        check_url(self.update, "update_endpoint")
        check_url(self.store, "store_endpoint")


def client_for(endpoints: Endpoints, auth: Credentials | tuple[str, str] | None = None, *,
               user: str | None = None, timeouts: Timeouts | None = None,
               retries: int = 3) -> HttpClient:
    """The HTTP client for ``endpoints``, with the login found for them (see
    :mod:`.credentials`). With ``user`` but no password anywhere, raises
    :class:`ParameterError` (the command line asks on a terminal before calling this)."""
    if retries < 0:
        raise ParameterError(f"must be 0 or more, not {retries}", "retries")
    target = endpoints.update or endpoints.store or endpoints.query
    credentials = find_credentials(target, auth, user)
    if user is not None and credentials is None:
        raise ParameterError(f"no password for user {user!r}: set BACKCARE_KG_PASSWORD or add "
                             f"a netrc entry for {urlsplit(target).hostname}", "user")
    return HttpClient(credentials, timeouts or Timeouts(), retries)
