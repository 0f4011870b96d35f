#!/usr/bin/env python3
"""Measure backcare-kg against the naive rdflib + owlrl pipeline, and print a Markdown table.

    python benchmarks/run.py [--sizes 10k,100k,1M] [--timeout 600] [--json FILE]
    python benchmarks/run.py --sizes tiny --quick          # a smoke run, in seconds

For each size a graph shaped like ours is generated (``generate.py``), then each pipeline
runs in a fresh process of its own (``pipelines.py``), so its peak memory is its own: load,
reasoning, the first query, every named query (median of ``--repeat`` runs; the flagship
``activities`` with capacity=balance and phase=chronic-phase), and peak memory. A process
still running after ``--timeout`` seconds is killed and shows as ``> N s``. Then the cold
start of ``backcare-kg activities --improves balance --phase chronic`` (after one warm-up
run that fills its cache) against the naive pipeline answering the same question from
scratch in a fresh process. Progress goes to stderr, the table to stdout.
"""

from __future__ import annotations

import argparse
import contextlib
import inspect
import json
import os
import platform
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator, Sequence
from importlib import metadata
from pathlib import Path
from typing import Any

import generate
from report import COLD_COMMAND, cell, fmt_bytes, fmt_time, table

HERE = Path(__file__).resolve().parent
WORKER = HERE / "pipelines.py"
SIZES = {"tiny": 3_000, "10k": 10_000, "100k": 100_000, "1M": 1_000_000}
DEFAULT_SIZES = ("10k", "100k", "1M")
PIPELINES = ("backcare-kg", "backcare-kg-load", "naive")
FLAGSHIP = "activities"
FLAGSHIP_PARAMS = {"capacity": "balance", "phase": "chronic-phase"}
VERSIONS = ("rdflib", "owlrl", "pyoxigraph", "reasonable", "nemo-python", "backcare-kg")


# -- what is measured -----------------------------------------------------------------------


def engines(reasoner: str | None, engine: str | None) -> tuple[dict[str, Any], dict[str, str]]:
    """What to pass to backcare-kg, and a description of the engines it will use.

    ``--reasoner`` goes to ``KnowledgeGraph.load`` if it has that parameter, else to
    ``reasoning.materialize`` if that has it; ``--engine`` to ``load``. Without a name, their
    defaults are used and named.
    """
    from backcare_kg import KnowledgeGraph
    from backcare_kg.reasoning import materialize as reasoning

    load = inspect.signature(KnowledgeGraph.load).parameters
    materialize = inspect.signature(reasoning.materialize).parameters
    passed: dict[str, Any] = {"load": {}, "materialize": {}}
    used: dict[str, str] = {}
    for name, wanted, fallback in (("reasoner", reasoner, "owlrl"), ("engine", engine, "rdflib")):
        where = next((f for f, params in (("load", load), ("materialize", materialize))
                      if name in params and (f == "load" or name == "reasoner")), None)
        if where is None:
            used[name] = f"{fallback} (the only one in this version)"
            if wanted:
                print(f"warning: --{name} {wanted} ignored: this version has no choice",
                      file=sys.stderr)
        elif wanted:
            passed[where][name] = wanted
            used[name] = wanted + ("" if where == "load" else " (given to materialize)")
        else:
            default = (load if where == "load" else materialize)[name].default
            used[name] = f"{default} (the default of {where})"
    return passed, used


def queries() -> list[dict[str, Any]]:
    """Every bundled named query with the parameters the benchmark gives it: the flagship's,
    else each required parameter's example; the naive pipeline's bindings as N3 terms."""
    from rdflib import URIRef

    from backcare_kg import KnowledgeGraph
    from backcare_kg.vocab import BCR

    specs = []
    for name, query in KnowledgeGraph.bundled_queries().items():
        if name == FLAGSHIP:
            params = dict(FLAGSHIP_PARAMS)
        else:
            params = {p.name: p.example or "" for p in query.parameters if p.required}
            if "" in params.values():
                print(f"warning: named query {name} skipped: a required parameter has no "
                      "example in its header", file=sys.stderr)
                continue
        bindings = {}
        for p in query.parameters:
            value = params.get(p.name, p.default)
            if value is None:
                continue
            term = URIRef(BCR + value) if p.type == "iri" else p.term(value, None)  # type: ignore[arg-type]
            bindings[p.variable] = term.n3()
        specs.append({"name": name, "text": query.text, "params": params,
                      "bindings": bindings})
    return specs


def measure(command: Sequence[str], timeout: float, env: dict[str, str] | None = None,
            log: Path | None = None) -> dict[str, Any]:
    """Run ``command`` in a new process group; kill it after ``timeout`` seconds. Its JSON
    stdout lines (phases), wall time, peak memory (the child's own rusage) and outcome."""
    started = time.perf_counter()
    with (log.open("wb") if log else open(os.devnull, "wb")) as err:
        proc = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=err, env=env,
                                start_new_session=True)
        lines: list[bytes] = []
        reader = threading.Thread(target=lambda: lines.extend(proc.stdout or ()), daemon=True)
        reader.start()
        killed = False
        while True:
            pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
            if pid:
                break
            if time.perf_counter() - started > timeout:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(proc.pid, signal.SIGKILL)
                killed = True
                pid, status, usage = os.wait4(proc.pid, 0)
                break
            time.sleep(0.02)
        wall = time.perf_counter() - started
        proc.returncode = os.waitstatus_to_exitcode(status)
        reader.join(timeout=5)
        if proc.stdout:
            proc.stdout.close()
    events, output = [], []
    for raw in lines:
        text = raw.decode("utf-8", "replace").rstrip("\n")
        try:
            events.append(json.loads(text))
        except ValueError:
            output.append(text)
    return {"wall_seconds": wall, "peak_bytes": usage.ru_maxrss * 1024, "killed": killed,
            "exit_status": proc.returncode, "events": events, "output": output}


def pipeline_run(pipeline: str, spec: dict[str, Any], workdir: Path, timeout: float,
                 env: dict[str, str]) -> dict[str, Any]:
    spec_path = workdir / f"{pipeline}-spec.json"
    spec_path.write_text(json.dumps(spec), encoding="utf-8")
    log = workdir / f"{pipeline}-{Path(spec.get('file', 'cold')).stem}.log"
    result = measure([sys.executable, str(WORKER), pipeline, str(spec_path)], timeout, env, log)
    if result["exit_status"] and not result["killed"]:
        tail = log.read_text(encoding="utf-8", errors="replace").strip().splitlines()[-3:]
        result["error"] = " / ".join(tail)
        print(f"  {pipeline} failed (exit {result['exit_status']}): {result['error']}",
              file=sys.stderr)
    return summarize(result, len(spec["queries"]))


def summarize(result: dict[str, Any], queries: int) -> dict[str, Any]:
    """The phases of one run as numbers. In a run killed (or failed) before the end, the
    unfinished phase is ``"killed"`` (``"failed"``), with ``killed_phase`` and
    ``killed_after`` (the seconds it had run); the later phases are missing."""
    phases: dict[str, Any] = {}
    times: dict[str, float] = {}
    rows: dict[str, int] = {}
    for event in result["events"]:
        kind = event["phase"]
        if kind == "query":
            times[event["name"]] = event["seconds"]
            rows[event["name"]] = event["rows"]
        else:
            phases[kind] = event
    summary: dict[str, Any] = {**result, "query_seconds": times, "query_rows": rows}
    load = phases.get("load") or phases.get("parse")
    summary["load"] = load["seconds"] if load else None
    summary["reasoning"] = phases["reasoning"]["seconds"] if "reasoning" in phases else None
    summary["asserted"] = (phases.get("reasoning") or phases.get("load") or {}).get("asserted")
    summary["inferred"] = phases.get("reasoning", {}).get("inferred")
    summary["first_query"] = phases["first-query"]["seconds"] if "first-query" in phases else None
    if times:
        summary["flagship"] = times.get(FLAGSHIP)
        summary["queries_median"] = statistics.median(times.values())
        summary["queries_max"] = max(times.values())
        summary["slowest_query"] = max(times, key=lambda n: times[n])
    if result["killed"] or result.get("error"):
        mark = "killed" if result["killed"] else "failed"
        spent = 0.0
        for key in ("load", "reasoning", "first_query"):
            if summary[key] is None:
                summary.update({key: mark, "killed_phase": key,
                                "killed_after": max(result["wall_seconds"] - spent, 0.0)})
                break
            spent += summary[key]
        else:
            if len(times) < queries:
                summary.update({"flagship": summary.get("flagship") or mark,
                                "queries_median": mark, "queries_max": mark,
                                "killed_phase": "queries"})
    return summary


def cold_start(runs: int, timeout: float, workdir: Path, naive_spec: dict[str, Any],
               pipelines: Sequence[str], quick: bool = False) -> dict[str, Any]:
    """Wall time of the flagship question from a fresh process, ``runs`` times after a
    warm-up run: the installed console script (its cache filled by the warm-up) and the
    naive pipeline from scratch (no warm-up when ``quick``: it has no cache to fill)."""
    found = {}
    script = Path(sys.executable).parent / "backcare-kg"
    command = str(script) if script.exists() else shutil.which("backcare-kg")
    env = dict(os.environ, BACKCARE_KG_CACHE_DIR=str(workdir / "cold-cache"))
    # An installed package has its bytecode compiled: let the warm-up run write it.
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    spec_path = workdir / "naive-flagship-spec.json"
    spec_path.write_text(json.dumps(naive_spec), encoding="utf-8")
    commands = {"naive": [sys.executable, str(WORKER), "naive-flagship", str(spec_path)]}
    if command:
        commands["backcare-kg"] = [command, *COLD_COMMAND]
    else:
        print("  backcare-kg console script not found; is the package installed?",
              file=sys.stderr)
    for name in pipelines:
        if name not in commands:
            continue
        warm_up = 0 if quick and name == "naive" else 1
        results = [measure(commands[name], timeout, env)
                   for _ in range(runs + warm_up)][warm_up:]
        answered = all(r["exit_status"] == 0 and any("yoga" in line for line in r["output"])
                       for r in results)
        walls = [r["wall_seconds"] for r in results]
        found[name] = {"runs": walls, "median": statistics.median(walls), "min": min(walls),
                       "max": max(walls), "peak_bytes": max(r["peak_bytes"] for r in results),
                       "answered": answered, "command": commands[name]}
        print(f"  cold start {name}: median {fmt_time(found[name]['median'])}"
              + ("" if answered else " (WRONG ANSWER OR FAILURE)"), file=sys.stderr)
    return found


# -- the machine ------------------------------------------------------------------------------


def machine() -> dict[str, Any]:
    info: dict[str, Any] = {
        "nproc": len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity")
        else os.cpu_count(),
        "python": platform.python_version(), "platform": platform.platform(terse=True),
        "versions": {}, "load_average": os.getloadavg() if hasattr(os, "getloadavg") else None,
    }
    with contextlib.suppress(OSError):
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                info["ram_bytes"] = int(line.split()[1]) * 1024
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                info["cpu"] = line.split(":", 1)[1].strip()
                break
    for package in VERSIONS:
        with contextlib.suppress(metadata.PackageNotFoundError):
            info["versions"][package] = metadata.version(package)
    with contextlib.suppress(OSError, subprocess.SubprocessError):
        git = ["git", "-C", str(HERE.parent)]
        commit = subprocess.run([*git, "rev-parse", "--short", "HEAD"], capture_output=True,
                                text=True, timeout=10).stdout.strip()
        changed = subprocess.run([*git, "status", "--porcelain", "--untracked-files=no"],
                                 capture_output=True, text=True, timeout=10).stdout.strip()
        if commit:
            info["code"] = commit + (" with uncommitted changes" if changed else "")
    return info



# -- main -----------------------------------------------------------------------------------


def parse_sizes(text: str) -> list[tuple[str, int]]:
    sizes = []
    for item in filter(None, (part.strip() for part in text.split(","))):
        sizes.append((item, SIZES.get(item) or generate.parse_size(item)))
    return sizes


@contextlib.contextmanager
def directory(path: Path | None) -> Iterator[Path]:
    if path is not None:
        path.mkdir(parents=True, exist_ok=True)
        yield path
        return
    with tempfile.TemporaryDirectory(prefix="backcare-kg-bench-") as temporary:
        yield Path(temporary)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=parse_sizes,
                        help="comma-separated: tiny, 10k, 100k, 1M or a number of triples "
                             "(default 10k,100k,1M; tiny with --quick)")
    parser.add_argument("--quick", action="store_true",
                        help="a smoke run: one run per query and one cold start")
    parser.add_argument("--pipelines", default=",".join(PIPELINES),
                        help="comma-separated subset of " + ",".join(PIPELINES)
                             + " (default: all)")
    parser.add_argument("--timeout", type=float, default=600.0,
                        help="kill a measurement after this many seconds (default 600)")
    parser.add_argument("--repeat", type=int, help="runs of each named query (default 3)")
    parser.add_argument("--cold-runs", type=int, help="cold-start runs (default 5)")
    parser.add_argument("--no-cold-start", action="store_true", help="skip the cold start")
    parser.add_argument("--reasoner", help="backcare-kg reasoner, if load() accepts one")
    parser.add_argument("--engine", help="backcare-kg query engine, if load() accepts one")
    parser.add_argument("--seed", type=int, default=1, help="generator seed (default 1)")
    parser.add_argument("--data-dir", type=Path,
                        help="keep generated graphs and logs here (reused when present)")
    parser.add_argument("--json", type=Path, metavar="FILE", help="write the raw numbers here")
    args = parser.parse_args(argv)
    sizes = args.sizes or parse_sizes("tiny" if args.quick else ",".join(DEFAULT_SIZES))
    repeat = args.repeat or (1 if args.quick else 3)
    cold_runs = args.cold_runs or (1 if args.quick else 5)
    pipelines = [p for p in PIPELINES if p in args.pipelines.split(",")]
    kwargs, used = engines(args.reasoner, args.engine)

    from backcare_kg.storage import files

    named = queries()
    common = {"queries": named, "flagship": FLAGSHIP, "repeat": repeat,
              "bundled": [str(p) for p in files.asserted_files()],
              "rules": [str(p) for p in files.rule_files()], "engines": kwargs}
    report: dict[str, Any] = {
        "machine": machine(), "engines": used,
        "settings": {"timeout": args.timeout, "repeat": repeat, "cold_runs": cold_runs,
                     "seed": args.seed, "queries": len(named), "pipelines": pipelines},
        "sizes": [],
    }
    with directory(args.data_dir) as workdir:
        env = dict(os.environ, BACKCARE_KG_CACHE_DIR=str(workdir / "cache"))
        for label, triples in sizes:
            path = workdir / f"bench-{triples}-seed{args.seed}.nt"
            started = time.perf_counter()
            if not path.exists():
                generate.write(workdir, triples, args.seed)
            print(f"{label}: {path.name} ready ({time.perf_counter() - started:.1f} s)",
                  file=sys.stderr)
            entry: dict[str, Any] = {"label": label, "requested": triples, "file": str(path),
                                     "pipelines": {}}
            store = workdir / f"store-{triples}-seed{args.seed}"
            for pipeline in pipelines:
                run = pipeline_run(pipeline, {**common, "file": str(path), "store": str(store)},
                                   workdir, args.timeout, env)
                shutil.rmtree(store, ignore_errors=True)  # rebuilt by every run
                entry["pipelines"][pipeline] = run
                print(f"  {pipeline}: load {cell(run, 'load')}, reasoning "
                      f"{cell(run, 'reasoning')}, queries max {cell(run, 'queries_max')}, peak "
                      f"{fmt_bytes(run['peak_bytes'])}", file=sys.stderr)
            report["sizes"].append(entry)
        if not args.no_cold_start:
            report["cold_start"] = cold_start(cold_runs, args.timeout, workdir, common,
                                              pipelines, args.quick)
    text = table(report)
    print(text, end="")
    if args.json:
        args.json.write_text(json.dumps(report, indent=2, default=str) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
