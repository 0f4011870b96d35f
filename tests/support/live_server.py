"""A real ``backcare-kg serve`` process on 127.0.0.1, for the server tests (not a test module)."""

from __future__ import annotations

import os
import queue
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Sequence

STARTUP_TIMEOUT = 120.0


class LiveServer:
    """``backcare-kg serve --port 0 ARGS...`` started in a subprocess; ``url`` is where it
    answers (no trailing slash). Its stderr (the access log) is kept in ``log``."""

    def __init__(self, *args: str, env: dict[str, str] | None = None) -> None:
        command = [sys.executable, "-m", "backcare_kg", "serve", "--port", "0", *args]
        self.process = subprocess.Popen(
            command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
            env={**os.environ, **(env or {})}, start_new_session=True)
        self.log: list[str] = []
        lines: queue.Queue[str | None] = queue.Queue()
        threading.Thread(target=self._pump, args=(self.process.stdout, lines.put),
                         daemon=True).start()
        threading.Thread(target=self._pump, args=(self.process.stderr, self.log.append),
                         daemon=True).start()
        deadline = time.monotonic() + STARTUP_TIMEOUT
        while True:
            try:
                line = lines.get(timeout=max(deadline - time.monotonic(), 0.1))
            except queue.Empty:
                self.stop()
                raise RuntimeError("the server did not start in time:\n"
                                   + self.log_text()) from None
            if line is None:
                self.process.wait(10)
                raise RuntimeError(f"the server exited ({self.process.returncode}):\n"
                                   + self.log_text())
            if line.startswith("serving on "):
                self.url = line.split()[2].rstrip("/")
                break
        threading.Thread(target=self._pump, args=(self.process.stdout, lambda _: None),
                         daemon=True).start()

    @staticmethod
    def _pump(stream, sink) -> None:  # type: ignore[no-untyped-def]
        for line in stream:
            sink(line.rstrip("\n"))
        sink(None) if sink.__name__ == "put" else None

    def log_text(self) -> str:
        return "\n".join(line for line in self.log if line is not None)

    def stop(self) -> None:
        """Stop the server and its query workers (the whole process group)."""
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(15)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait(5)


def start(args: Sequence[str] = ()) -> LiveServer:
    return LiveServer(*args)
