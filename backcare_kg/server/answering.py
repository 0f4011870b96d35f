"""Asking the query pool from a request: a worker's reply, or why there is none.

The pool (:mod:`.pool`) blocks while a worker answers, so it is called from a thread, never
in the event loop. When no reply comes, :class:`Unanswered` says what the client is told:
503 with ``Retry-After`` when the query ran past the time limit or no worker freed up, 500
when the worker failed (its message says what happened, nothing of the internals).
"""

from __future__ import annotations

import math

import anyio.to_thread
from starlette.requests import Request

from backcare_kg.server.pool import PoolBusy, QueryTimeout, WorkerFailed
from backcare_kg.server.state import state_of
from backcare_kg.server.worker import Reply, Task


class Unanswered(Exception):
    """No reply from the pool: the HTTP ``status``, ``message`` and ``headers`` to answer."""

    def __init__(self, status: int, message: str, headers: dict[str, str]) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.headers = headers


async def reply_to(request: Request, task: Task, *, timeout_advice: str = "") -> Reply:
    """The reply of a query worker to ``task``; raises :class:`Unanswered` if there is none
    (``timeout_advice``, if given, is added to the message of a query stopped at the limit)."""
    state = state_of(request)
    retry = {"Retry-After": str(max(1, math.ceil(state.config.query_timeout)))}
    try:
        reply: Reply = await anyio.to_thread.run_sync(state.pool.run, task)
    except QueryTimeout as err:
        raise Unanswered(503, f"{err}: {timeout_advice}" if timeout_advice else str(err),
                         retry) from None
    except PoolBusy as err:
        raise Unanswered(503, str(err), retry) from None
    except WorkerFailed as err:
        raise Unanswered(500, str(err), {}) from None
    return reply
