#!/usr/bin/env python3
"""Measure ``backcare-kg serve`` against the Oxigraph server: throughput and latency of the
flagship query with concurrent clients on loopback, in the same run; print a Markdown table.

    python benchmarks/serve.py [--duration 10] [--clients 1,4,16] [--workers 2] [--json FILE]
    python benchmarks/serve.py --quick                    # a smoke run, in seconds

Both servers are started here on free ports of 127.0.0.1 over the same data, the bundled
graph with its inferences (``KnowledgeGraph.load().serialize("nquads")``: the asserted and
the inferred graph), and stopped at the end:

- ``backcare-kg serve --port 0 --workers N`` (the default settings otherwise), asked the
  named query ``GET /queries/activities?capacity=balance&phase=chronic-phase`` and the
  SPARQL 1.1 Protocol ``GET /sparql?query=...`` with the flagship's SPARQL text;
- ``oxigraph serve-read-only --union-default-graph`` over a store loaded with ``oxigraph
  load``, asked ``GET /query?query=...`` with the same text (the default graph is the union
  of the graphs, as in backcare-kg).

The flagship's text is the named query's own, with the two bound values given as IRIs in a
``VALUES`` block at the top of its ``WHERE`` (the optional goal stays unbound). Every
endpoint must answer it with exactly yoga before anything is measured.

Each cell (endpoint x clients) runs ``--duration`` seconds after a warm-up: each client is
a thread with one keep-alive connection (``http.client``) sending the next request as soon
as the last is answered, timing each on the client side (``perf_counter``). A request that
fails, or whose body differs from the checked answer, is an error. Throughput is the
correct answers over the cell's wall time. Progress goes to stderr, the table to stdout.
"""

from __future__ import annotations

import argparse
import contextlib
import http.client
import json
import math
import os
import platform
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path
from typing import IO, Any
from urllib.parse import urlencode

HOST = "127.0.0.1"
JSON = "application/sparql-results+json"
RESOURCE = "https://w3id.org/backcare-kg/resource/"
YOGA = RESOURCE + "yoga"
FLAGSHIP_PARAMS = {"capacity": "balance", "phase": "chronic-phase"}
START_TIMEOUT = 300.0
VERSIONS = ("backcare-kg", "pyoxigraph", "oxigraph", "starlette", "uvicorn")


# -- the question ----------------------------------------------------------------------------


def flagship_sparql() -> str:
    """The named query ``activities`` with capacity=balance and phase=chronic-phase given as
    IRIs in a ``VALUES`` block at the top of its ``WHERE`` (its header left out)."""
    from backcare_kg import KnowledgeGraph

    text = KnowledgeGraph.bundled_queries()["activities"].text
    body = "\n".join(line for line in text.splitlines() if not line.startswith("#+"))
    values = ("\n  VALUES (?__capacity_iri ?__phase_iri) { "
              f"(<{RESOURCE}balance> <{RESOURCE}chronic-phase>) }}")
    where = re.search(r"\bWHERE\s*\{", body)
    if where is None:
        raise SystemExit("the named query 'activities' has no WHERE clause")
    return body[: where.end()] + values + body[where.end():]


@dataclass(frozen=True)
class Endpoint:
    """Where to send the flagship question, and how."""

    server: str
    name: str
    port: int
    path: str


def endpoints(ours: int, oxigraph: int, sparql: str) -> list[Endpoint]:
    query = urlencode({"query": sparql})
    return [
        Endpoint("backcare-kg", "/queries/activities", ours,
                 "/queries/activities?" + urlencode(FLAGSHIP_PARAMS)),
        Endpoint("backcare-kg", "/sparql", ours, "/sparql?" + query),
        Endpoint("oxigraph", "/query", oxigraph, "/query?" + query),
    ]


def ask(endpoint: Endpoint) -> tuple[int, bytes]:
    connection = http.client.HTTPConnection(HOST, endpoint.port, timeout=60)
    try:
        connection.request("GET", endpoint.path, headers={"Accept": JSON})
        response = connection.getresponse()
        return response.status, response.read()
    finally:
        connection.close()


def activities(body: bytes) -> list[str]:
    """The activities of a SPARQL JSON answer (an error message if it is not one)."""
    try:
        bindings = json.loads(body)["results"]["bindings"]
        return [b["activity"]["value"] for b in bindings]
    except (ValueError, KeyError, TypeError):
        return [f"not a SPARQL JSON answer: {body[:200]!r}"]


# -- the servers -------------------------------------------------------------------------------


@dataclass
class Server:
    name: str
    process: subprocess.Popen[str]
    port: int
    log: IO[str]

    def stop(self) -> None:
        """Stop the server and whatever it started (its process group)."""
        if self.process.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(15)
            except subprocess.TimeoutExpired:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait(5)
        self.log.close()


def start_backcare(workers: int, workdir: Path) -> Server:
    log = open(workdir / "backcare-kg.log", "w", encoding="utf-8")
    process = subprocess.Popen(
        [sys.executable, "-m", "backcare_kg", "serve", "--port", "0", "--workers",
         str(workers)], stdout=subprocess.PIPE, stderr=log, text=True, start_new_session=True)
    server = Server("backcare-kg", process, 0, log)
    ready = threading.Event()

    def read() -> None:
        assert process.stdout is not None
        for line in process.stdout:
            if line.startswith("serving on ") and not ready.is_set():
                server.port = int(line.split()[2].rstrip("/").rsplit(":", 1)[1])
                ready.set()

    threading.Thread(target=read, daemon=True).start()
    deadline = time.monotonic() + START_TIMEOUT
    while not ready.wait(0.2):
        if process.poll() is not None or time.monotonic() > deadline:
            server.stop()
            raise SystemExit("backcare-kg serve did not start:\n"
                             + (workdir / "backcare-kg.log").read_text(encoding="utf-8"))
    return server


def start_oxigraph(data: Path, workdir: Path) -> Server:
    store = workdir / "oxigraph-store"
    loaded = subprocess.run(["oxigraph", "load", "--location", str(store), "--file", str(data)],
                            capture_output=True, text=True)
    if loaded.returncode != 0:
        raise SystemExit(f"oxigraph load failed:\n{loaded.stderr}")
    port = free_port()
    log = open(workdir / "oxigraph.log", "w", encoding="utf-8")
    process = subprocess.Popen(
        ["oxigraph", "serve-read-only", "--location", str(store), "--bind", f"{HOST}:{port}",
         "--union-default-graph"], stdout=log, stderr=subprocess.STDOUT, text=True,
        start_new_session=True)
    server = Server("oxigraph", process, port, log)
    deadline = time.monotonic() + START_TIMEOUT
    while True:
        try:
            with socket.create_connection((HOST, port), timeout=1):
                return server
        except OSError:
            if process.poll() is not None or time.monotonic() > deadline:
                server.stop()
                raise SystemExit("oxigraph serve-read-only did not start:\n"
                                 + (workdir / "oxigraph.log").read_text(encoding="utf-8")
                                 ) from None
            time.sleep(0.1)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        port: int = sock.getsockname()[1]
        return port


# -- measuring ---------------------------------------------------------------------------------


@dataclass
class Cell:
    endpoint: Endpoint
    clients: int
    seconds: float = 0.0
    latencies: list[float] = field(default_factory=list)
    errors: int = 0

    def percentile(self, q: float) -> float | None:
        """The nearest-rank ``q`` percentile of the latencies, in seconds."""
        if not self.latencies:
            return None
        ranked = sorted(self.latencies)
        return ranked[min(len(ranked) - 1, max(0, math.ceil(q / 100 * len(ranked)) - 1))]

    @property
    def throughput(self) -> float:
        return len(self.latencies) / self.seconds if self.seconds else 0.0

    def to_dict(self) -> dict[str, Any]:
        return {
            "server": self.endpoint.server, "endpoint": self.endpoint.name,
            "clients": self.clients, "requests": len(self.latencies), "errors": self.errors,
            "seconds": self.seconds, "requests_per_second": self.throughput,
            **{f"p{q}": self.percentile(q) for q in (50, 90, 99)},
            "max": max(self.latencies) if self.latencies else None,
        }


def measure(endpoint: Endpoint, clients: int, duration: float, warmup: float,
            expected: bytes) -> Cell:
    """``clients`` threads asking ``endpoint`` back to back for ``duration`` seconds."""
    cell = Cell(endpoint, clients)
    lock = threading.Lock()
    ready = threading.Barrier(clients + 1)
    go = threading.Barrier(clients + 1)
    deadline = [0.0]

    def client() -> None:
        connection = http.client.HTTPConnection(HOST, endpoint.port, timeout=60)
        latencies: list[float] = []
        errors = 0
        warm_until = time.perf_counter() + warmup
        measuring = False
        try:
            ready.wait()
            while True:
                now = time.perf_counter()
                if not measuring and now >= warm_until:
                    go.wait()
                    measuring = True
                if measuring and now >= deadline[0]:
                    break
                start = time.perf_counter()
                try:
                    connection.request("GET", endpoint.path, headers={"Accept": JSON})
                    response = connection.getresponse()
                    body = response.read()
                    ok = response.status == 200 and body == expected
                except (OSError, http.client.HTTPException):
                    ok = False
                    connection.close()
                    connection = http.client.HTTPConnection(HOST, endpoint.port, timeout=60)
                elapsed = time.perf_counter() - start
                if measuring:
                    if ok:
                        latencies.append(elapsed)
                    else:
                        errors += 1
        finally:
            connection.close()
            with lock:
                cell.latencies.extend(latencies)
                cell.errors += errors

    threads = [threading.Thread(target=client, daemon=True) for _ in range(clients)]
    for thread in threads:
        thread.start()
    ready.wait()
    time.sleep(warmup)
    deadline[0] = time.perf_counter() + duration + 1e9  # set for real once all have warmed up
    go.wait()
    began = time.perf_counter()
    deadline[0] = began + duration
    for thread in threads:
        thread.join()
    cell.seconds = time.perf_counter() - began
    return cell


# -- the report --------------------------------------------------------------------------------


def machine() -> dict[str, Any]:
    info: dict[str, Any] = {
        "cores": os.cpu_count(), "platform": platform.platform(),
        "python": platform.python_version(), "versions": {},
        "load_average": os.getloadavg() if hasattr(os, "getloadavg") else None,
    }
    with contextlib.suppress(OSError):
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                info["ram_bytes"] = int(line.split()[1]) * 1024
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                info["cpu"] = line.split(":", 1)[1].strip()
                break
    for name in VERSIONS:
        if name == "oxigraph":
            done = subprocess.run(["oxigraph", "--version"], capture_output=True, text=True)
            info["versions"]["oxigraph server"] = done.stdout.strip().split()[-1]
            continue
        with contextlib.suppress(metadata.PackageNotFoundError):
            info["versions"][name] = metadata.version(name)
    with contextlib.suppress(OSError):
        done = subprocess.run(["git", "-C", str(Path(__file__).parent), "rev-parse", "--short",
                               "HEAD"], capture_output=True, text=True)
        if done.returncode == 0:
            dirty = subprocess.run(["git", "-C", str(Path(__file__).parent), "status",
                                    "--porcelain"], capture_output=True, text=True).stdout
            info["code"] = done.stdout.strip() + (" (with local changes)" if dirty else "")
    return info


def ms(value: float | None) -> str:
    return "—" if value is None else f"{value * 1000:.2f}"


def ratio(value: float | None, reference: float | None) -> str:
    if not value or not reference:
        return "—"
    return f"{value / reference:.3g}x"


def table(report: dict[str, Any]) -> str:
    m, s = report["machine"], report["settings"]
    versions = ", ".join(f"{k} {v}" for k, v in m["versions"].items())
    ram = f"{m['ram_bytes'] / 2**30:.0f} GiB RAM" if m.get("ram_bytes") else "RAM unknown"
    load = ", ".join(f"{x:.2f}" for x in m["load_average"]) if m.get("load_average") else "?"
    out = [
        "## Serving benchmark",
        "",
        f"Machine: {m['cores']} cores, {ram}" + (f", {m['cpu']}" if m.get("cpu") else "")
        + f"; {m['platform']}; Python {m['python']}; {versions}"
        + (f"; code at {m['code']}" if m.get("code") else "") + f". Load average at the "
        f"start: {load}. The clients run on the same machine as the servers.",
        "",
        f"Settings: `backcare-kg serve --workers {s['workers']}`"
        + (" (the default)" if s["workers"] == 2 else "") + "; `oxigraph serve-read-only "
        f"--union-default-graph`; {s['duration']:g} s per cell after a {s['warmup']:g} s "
        f"warm-up; the same {s['triples']:,} quads (asserted and inferred) in both; every "
        "endpoint answered the flagship question with exactly yoga before the run.",
        "",
        "| server | endpoint | clients | requests | req/s | p50 ms | p90 ms | p99 ms | max ms "
        "| errors | req/s vs oxigraph | p50 vs oxigraph |",
        "| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    reference = {c["clients"]: c for c in report["cells"] if c["server"] == "oxigraph"}
    for c in report["cells"]:
        ref = reference.get(c["clients"], {})
        out.append(
            f"| {c['server']} | `{c['endpoint']}` | {c['clients']} | {c['requests']:,} | "
            f"{c['requests_per_second']:,.0f} | {ms(c['p50'])} | {ms(c['p90'])} | "
            f"{ms(c['p99'])} | {ms(c['max'])} | {c['errors']} | "
            f"{ratio(c['requests_per_second'], ref.get('requests_per_second'))} | "
            f"{ratio(c['p50'], ref.get('p50'))} |")
    out += ["", "Ratios are against the Oxigraph server with as many clients, in the same run "
            "(req/s above 1x: more answers per second; p50 above 1x: slower)."]
    return "\n".join(out) + "\n"


# -- the run ---------------------------------------------------------------------------------


@contextlib.contextmanager
def workspace() -> Iterator[Path]:
    path = Path(tempfile.mkdtemp(prefix="backcare-kg-serve-bench-"))
    try:
        yield path
    finally:
        shutil.rmtree(path, ignore_errors=True)


def progress(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def run(clients: Sequence[int], duration: float, warmup: float, workers: int) -> dict[str, Any]:
    from backcare_kg import KnowledgeGraph

    if shutil.which("oxigraph") is None:
        raise SystemExit("the oxigraph command is missing: pip install oxigraph")
    report: dict[str, Any] = {"machine": machine(), "cells": []}
    sparql = flagship_sparql()
    with workspace() as workdir, contextlib.ExitStack() as servers:
        progress("exporting the graph (asserted and inferred) as N-Quads")
        data = workdir / "backcare-kg.nq"
        nquads = KnowledgeGraph.load().serialize("nquads")
        data.write_text(nquads, encoding="utf-8")
        progress("starting oxigraph serve-read-only and backcare-kg serve")
        oxigraph = start_oxigraph(data, workdir)
        servers.callback(oxigraph.stop)
        ours = start_backcare(workers, workdir)
        servers.callback(ours.stop)
        targets = endpoints(ours.port, oxigraph.port, sparql)
        answers: dict[str, Any] = {}
        expected: dict[str, bytes] = {}
        for endpoint in targets:
            status, body = ask(endpoint)
            found = activities(body) if status == 200 else [f"HTTP {status}: {body[:300]!r}"]
            answers[f"{endpoint.server} {endpoint.name}"] = found
            expected[endpoint.name] = body
        report["answers"] = answers
        report["answers_match"] = all(found == [YOGA] for found in answers.values())
        report["settings"] = {"clients": list(clients), "duration": duration, "warmup": warmup,
                              "workers": workers, "triples": sum(1 for line in
                                                                 nquads.splitlines() if line),
                              "sparql": sparql}
        if not report["answers_match"]:
            log = (workdir / "backcare-kg.log").read_text(encoding="utf-8").splitlines()
            report["backcare_kg_log"] = log[-40:]
            return report
        for count in clients:
            for endpoint in targets:
                progress(f"{endpoint.server} {endpoint.name}: {count} client(s), "
                         f"{duration:g} s")
                cell = measure(endpoint, count, duration, warmup, expected[endpoint.name])
                report["cells"].append(cell.to_dict())
    return report


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--duration", type=float, default=10.0,
                        help="seconds measured per endpoint and number of clients (10)")
    parser.add_argument("--warmup", type=float, default=1.0,
                        help="seconds of requests before each measurement (1)")
    parser.add_argument("--clients", default="1,4,16",
                        help="numbers of concurrent clients, comma-separated (1,4,16)")
    parser.add_argument("--workers", type=int, default=2,
                        help="query workers of backcare-kg serve (2, its default)")
    parser.add_argument("--quick", action="store_true",
                        help="a smoke run: 0.5 s per cell, 1 and 4 clients")
    parser.add_argument("--json", type=Path, metavar="FILE", help="also write the raw numbers")
    args = parser.parse_args(argv)
    try:
        clients = [int(c) for c in args.clients.split(",") if c.strip()]
    except ValueError:
        parser.error(f"--clients: numbers separated by commas, not {args.clients!r}")
    if not clients or min(clients) < 1:
        parser.error("--clients: at least one number, each 1 or more")
    duration, warmup = args.duration, args.warmup
    if args.quick:
        duration, warmup, clients = 0.5, 0.2, [c for c in clients if c <= 4] or [1]
        if args.clients == parser.get_default("clients"):
            clients = [1, 4]
    report = run(clients, duration, warmup, args.workers)
    if args.json:
        args.json.write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
    if not report["answers_match"]:
        for name, found in report["answers"].items():
            print(f"{name}: {found}", file=sys.stderr)
        if report.get("backcare_kg_log"):
            print("backcare-kg serve's log ends with:", *report["backcare_kg_log"], sep="\n  ",
                  file=sys.stderr)
        print("the endpoints do not all answer exactly yoga: nothing measured", file=sys.stderr)
        return 1
    sys.stdout.write(table(report))
    return 0


if __name__ == "__main__":
    sys.exit(main())
