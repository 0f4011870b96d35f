"""The store fixtures themselves: a real Oxigraph server and a real Virtuoso on 127.0.0.1
answer queries, take updates and Graph Store Protocol writes (Virtuoso only with digest
authentication), and ``clear()`` leaves them clean. Each store's tests skip, saying how to
install it, when its program is missing."""

from __future__ import annotations

import urllib.error
import urllib.request

import pytest
from support.remote_stores import RunningStore, authenticated_opener

pytestmark = pytest.mark.store

EX = "http://example.org/backcare-kg-test/"


@pytest.fixture(params=["oxigraph", "virtuoso"])
def store(request: pytest.FixtureRequest) -> RunningStore:
    """Each store in turn, cleared of the graphs earlier tests wrote."""
    running: RunningStore = request.getfixturevalue(f"{request.param}_store")
    running.clear()
    return running


def objects(store: RunningStore, graph: str, subject: str) -> list[str]:
    rows = store.select(f"SELECT ?o WHERE {{ GRAPH <{graph}> {{ <{subject}> ?p ?o }} }} "
                        "ORDER BY ?o")
    return [row["o"] for row in rows]


def put_turtle(store: RunningStore, graph: str, turtle: str,
               opener: urllib.request.OpenerDirector | None = None) -> int:
    request = urllib.request.Request(store.graph_url(graph), data=turtle.encode(),
                                     method="PUT", headers={"Content-Type": "text/turtle"})
    with (opener or store.opener()).open(request, timeout=60) as response:
        status: int = response.status
        return status


def test_store_answers_ask(store: RunningStore) -> None:
    assert store.ask("ASK {}") is True
    assert store.ask(f"ASK {{ GRAPH <{EX}g> {{ ?s ?p ?o }} }}") is False
    assert store.pid > 0
    assert (store.user is None) == (store.name == "oxigraph")


def test_update_inserts_into_a_named_graph(store: RunningStore) -> None:
    store.update(f'INSERT DATA {{ GRAPH <{EX}g> {{ <{EX}a> <{EX}p> "one" }} }}')
    assert objects(store, f"{EX}g", f"{EX}a") == ["one"]
    assert f"{EX}g" in store.graphs()


def test_graph_store_put_replaces_a_graph(store: RunningStore) -> None:
    store.update(f'INSERT DATA {{ GRAPH <{EX}g> {{ <{EX}a> <{EX}p> "old" }} }}')
    status = put_turtle(store, f"{EX}g", f'<{EX}a> <{EX}p> "new1", "new2" .\n')
    assert status in (200, 201, 204)
    assert objects(store, f"{EX}g", f"{EX}a") == ["new1", "new2"]


def test_clear_drops_the_test_graphs_only(store: RunningStore) -> None:
    # no "." between the GRAPH blocks: Virtuoso 7.2 rejects it (SP030 syntax error)
    store.update(f'INSERT DATA {{ GRAPH <{EX}g1> {{ <{EX}a> <{EX}p> "x" }} '
                 f'GRAPH <{EX}g2> {{ <{EX}b> <{EX}p> "y" }} }}')
    store.clear()
    assert store.graphs() == set(store.system_graphs)
    store.update(f'INSERT DATA {{ GRAPH <{EX}g1> {{ <{EX}a> <{EX}p> "z" }} }}')  # still works
    assert objects(store, f"{EX}g1", f"{EX}a") == ["z"]


def test_oxigraph_needs_no_credentials(oxigraph_store: RunningStore) -> None:
    oxigraph_store.clear()
    status = put_turtle(oxigraph_store, f"{EX}g", f'<{EX}a> <{EX}p> "free" .\n',
                        opener=urllib.request.build_opener())
    assert status in (201, 204)
    assert objects(oxigraph_store, f"{EX}g", f"{EX}a") == ["free"]


@pytest.mark.parametrize("url", ["update_url", "store_url"])
def test_virtuoso_refuses_a_wrong_password(virtuoso_store: RunningStore, url: str) -> None:
    virtuoso_store.clear()
    wrong = authenticated_opener(getattr(virtuoso_store, url), "dba", "not-the-password")
    with pytest.raises(urllib.error.HTTPError) as raised:
        if url == "update_url":
            data = f"update=INSERT+DATA+%7B+GRAPH+%3C{EX}g%3E+%7B+%3C{EX}a%3E+%3C{EX}p%3E+1+%7D+%7D"
            request = urllib.request.Request(
                virtuoso_store.update_url, data=data.encode(), method="POST",
                headers={"Content-Type": "application/x-www-form-urlencoded"})
            wrong.open(request, timeout=30)
        else:
            put_turtle(virtuoso_store, f"{EX}g", f"<{EX}a> <{EX}p> 1 .\n", opener=wrong)
    assert raised.value.code == 401
    assert not virtuoso_store.ask(f"ASK {{ GRAPH <{EX}g> {{ ?s ?p ?o }} }}")


def test_virtuoso_refuses_anonymous_updates(virtuoso_store: RunningStore) -> None:
    anonymous = authenticated_opener(virtuoso_store.update_url, None, None)
    with pytest.raises(urllib.error.HTTPError) as raised:
        put_turtle(virtuoso_store, f"{EX}g", f"<{EX}a> <{EX}p> 1 .\n", opener=anonymous)
    assert raised.value.code == 401
