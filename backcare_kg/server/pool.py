"""A pool of query worker processes, each query under a time limit.

pyoxigraph evaluates a query in Rust and offers no way to interrupt it, so a query that
must be stoppable runs in a worker process (:mod:`.worker`): when its time is up, the process
is killed, the client gets :class:`QueryTimeout`, and a fresh worker takes its place in the
background. The other workers go on answering meanwhile. Workers are started with
``spawn`` (no state shared with the server's threads) and each builds the graph from the
:class:`~backcare_kg.graph_source.GraphSource`: from the closure cache, by opening the store
read-only, or by connecting.
"""

from __future__ import annotations

import multiprocessing
import queue
import sys
import threading
import time
from multiprocessing.connection import Connection
from multiprocessing.process import BaseProcess

from backcare_kg.errors import BackcareError
from backcare_kg.graph_source import GraphSource
from backcare_kg.server.worker import Reply, Task
from backcare_kg.server.worker import main as worker_main

#: Seconds a new worker may take to build the graph before the pool gives up on it.
START_TIMEOUT = 600.0


class QueryTimeout(BackcareError):
    """A query ran past the time limit and was stopped."""


class PoolBusy(BackcareError):
    """Every worker stayed busy for as long as a query may run."""


class WorkerFailed(BackcareError):
    """A worker could not build the graph, or stopped while answering."""


class _Worker:
    def __init__(self, process: BaseProcess, connection: Connection) -> None:
        self.process = process
        self.connection = connection

    def stop(self) -> None:
        """End the process at once (a query in Rust cannot be interrupted otherwise)."""
        if self.process.is_alive():
            self.process.kill()
        self.process.join(5)
        self.connection.close()


class QueryPool:
    """``workers`` processes answering :class:`~.worker.Task` s, each within ``timeout``
    seconds. :meth:`start` before use, :meth:`close` after; :meth:`run` is thread-safe."""

    def __init__(self, source: GraphSource, workers: int = 2, timeout: float = 10.0) -> None:
        if workers < 1:
            raise ValueError("a pool needs at least one worker")
        self.source = source
        self.size = workers
        self.timeout = timeout
        self._context = multiprocessing.get_context("spawn")
        self._idle: queue.Queue[_Worker] = queue.Queue()
        self._all: set[_Worker] = set()
        self._lock = threading.Lock()
        self._closed = False

    def start(self) -> None:
        """Start every worker and wait until each holds the graph.

        Raises :class:`WorkerFailed` with the worker's own message (a malformed file, a
        missing store) if one cannot build it.
        """
        pending = [self._spawn() for _ in range(self.size)]
        try:
            for worker in pending:
                self._await_ready(worker)
                self._idle.put(worker)
        except BaseException:
            for worker in pending:
                self._forget(worker)
            raise

    def run(self, task: Task) -> Reply:
        """The reply to ``task``; raises :class:`QueryTimeout` past the time limit (the
        worker is then replaced), :class:`PoolBusy` if no worker frees up in that time, and
        :class:`WorkerFailed` if the worker died while answering."""
        deadline = time.monotonic() + self.timeout
        try:
            worker = self._idle.get(timeout=self.timeout)
        except queue.Empty:
            raise PoolBusy(f"every query worker stayed busy for {self.timeout:g} s; "
                           "try again later") from None
        replace = False
        try:
            worker.connection.send(task)
            if not worker.connection.poll(max(deadline - time.monotonic(), 0.001)):
                replace = True
                raise QueryTimeout(f"the query ran past this server's time limit of "
                                   f"{self.timeout:g} s and was stopped")
            reply: Reply = worker.connection.recv()
            return reply
        except (EOFError, OSError, BrokenPipeError) as err:
            replace = True
            raise WorkerFailed("the query worker stopped while answering (out of memory?)") \
                from err
        finally:
            if replace:
                self._replace(worker)
            else:
                self._idle.put(worker)

    def close(self) -> None:
        """Stop every worker."""
        with self._lock:
            self._closed = True
            workers = list(self._all)
        for worker in workers:
            try:
                worker.connection.send(None)
            except (OSError, BrokenPipeError):
                pass
        for worker in workers:
            worker.process.join(2)
            self._forget(worker)

    # -- workers ----------------------------------------------------------------------

    def _spawn(self) -> _Worker:
        ours, theirs = self._context.Pipe()
        process = self._context.Process(target=worker_main, args=(theirs, self.source),
                                        name="backcare-kg-query-worker", daemon=True)
        process.start()
        theirs.close()
        worker = _Worker(process, ours)
        with self._lock:
            self._all.add(worker)
        return worker

    def _await_ready(self, worker: _Worker) -> None:
        if not worker.connection.poll(START_TIMEOUT):
            raise WorkerFailed(f"a query worker did not load the graph in {START_TIMEOUT:g} s")
        try:
            status, detail = worker.connection.recv()
        except (EOFError, OSError):
            raise WorkerFailed("a query worker stopped while loading the graph "
                               f"(exit code {worker.process.exitcode})") from None
        if status != "ready":
            raise WorkerFailed(f"a query worker cannot load the graph: {detail}")

    def _forget(self, worker: _Worker) -> None:
        worker.stop()
        with self._lock:
            self._all.discard(worker)

    def _replace(self, worker: _Worker) -> None:
        """Kill ``worker`` now; start its successor in the background."""
        self._forget(worker)

        def start_successor() -> None:
            with self._lock:
                if self._closed:
                    return
            successor = self._spawn()
            try:
                self._await_ready(successor)
            except WorkerFailed as err:
                print(f"backcare-kg serve: {err}", file=sys.stderr)
                self._forget(successor)
                return
            with self._lock:
                closed = self._closed
            if closed:
                self._forget(successor)
            else:
                self._idle.put(successor)

        threading.Thread(target=start_successor, name="backcare-kg-respawn",
                         daemon=True).start()
