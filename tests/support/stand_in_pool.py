"""The server application in this process, with a stand-in for its pool of query workers
(not a test module): to see how routes answer the pool's failures and which thread calls it."""

from __future__ import annotations

import threading
from typing import Any

import anyio
import httpx

from backcare_kg import KnowledgeGraph
from backcare_kg.server import ServerConfig
from backcare_kg.server.app import create_app
from backcare_kg.server.worker import Reply, Task


class StandInPool:
    """Answers as a real pool would fail, or with a fixed reply; records the tasks and the
    threads that ran them."""

    def __init__(self, outcome: Exception | Reply) -> None:
        self.outcome = outcome
        self.tasks: list[Task] = []
        self.threads: list[threading.Thread] = []

    def run(self, task: Task) -> Reply:
        self.tasks.append(task)
        self.threads.append(threading.current_thread())
        if isinstance(self.outcome, Exception):
            raise self.outcome
        return self.outcome

    def close(self) -> None:
        pass


def request(kg: KnowledgeGraph, pool: StandInPool, method: str, url: str,
            **options: Any) -> httpx.Response:
    """``method url`` sent to the application over ``kg`` and ``pool`` (a 4.5 s time limit,
    at most 77 results)."""
    app = create_app(ServerConfig(query_timeout=4.5, max_results=77), kg=kg,
                     pool=pool)  # type: ignore[arg-type]

    async def send() -> httpx.Response:
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
            return await client.request(method, url, **options)

    return anyio.run(send)
