#!/usr/bin/env python3
"""Measure explanations (``KnowledgeGraph.explain``) and print a Markdown table.

    python benchmarks/explain.py [--repeat 3] [--sizes 10k,100k] [--sample 200] [--json FILE]
    python benchmarks/explain.py --quick                  # a smoke run, in seconds

On the bundled graph: the time to build the explainer (the index of the asserted and
inferred statements, the file and line of every asserted statement, the sources), then
every inferred statement explained one by one, with ``limit=1`` and ``limit=3``:

- *cold*: a fresh explainer (and a garbage collection after building it, untimed), the
  statements in order (each pays for what the ones before it did not already prove);
- *warm*: the same explainer again (every proof remembered);
- *isolated*: a fresh explainer for each statement (its building not timed, followed by a
  garbage collection): the cost of one question asked first.

The baseline, in the same run: the same statement asked as a SPARQL ``ASK`` through
``kg.query`` (what it costs just to know that it holds). And reasoning: the time of
``reasoning.materialize`` on the bundled graph and the size of its closure cache entry,
which explanations leave as they are (nothing is recorded while reasoning; the directory
is compared before and after). With ``--sizes``, graphs made by ``generate.py`` are loaded
with ``KnowledgeGraph.load(extra=[...])`` and a seeded sample of their inferred statements
is explained. Cold and warm times are medians of ``--repeat`` runs per statement. Progress
goes to stderr, the table to stdout.
"""

from __future__ import annotations

import argparse
import gc
import json
import math
import random
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import generate
from report import fmt_bytes, fmt_count, fmt_time
from run import SIZES, machine

TARGET = 0.1  # seconds: issue 7's target for any one inferred statement of the bundled graph
LIMITS = (1, 3)
MODES = ("cold", "warm", "isolated")
ASK = "ASK { ?s ?p ?o }"
BENCH = "https://example.org/bench/resource/"


def fmt(seconds: float | None) -> str:
    """A time in µs, ms or s, three significant digits."""
    if seconds is not None and seconds < 0.001:
        return f"{seconds * 1e6:.3g} µs"
    return fmt_time(seconds)


def progress(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def show(statement: Sequence[Any]) -> str:
    """A statement in short names (slugs, prefixed names, ``bench:`` for generated IRIs)."""
    from backcare_kg.explain.json_format import short

    return " ".join(short(t).replace(BENCH, "bench:").strip("<>") for t in statement)


def nearest_rank(values: Sequence[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[max(math.ceil(len(ordered) * fraction), 1) - 1]


def summary(times: dict[Any, float]) -> dict[str, Any]:
    """Count, total, median, p95, the slowest time and its statement; the times by
    statement (in N-Triples) for the raw numbers."""
    slowest = max(times, key=lambda s: times[s])
    values = list(times.values())
    return {
        "count": len(values),
        "total": sum(values),
        "median": statistics.median(values),
        "p95": nearest_rank(values, 0.95),
        "max": times[slowest],
        "slowest": show(slowest),
        "times": {" ".join(t.n3() for t in s): v for s, v in times.items()},
    }


def clock(call: Callable[[], Any]) -> tuple[float, Any]:
    started = time.perf_counter()
    result = call()
    return time.perf_counter() - started, result


def medians(runs: list[dict[Any, float]]) -> dict[Any, float]:
    return {key: statistics.median(run[key] for run in runs) for key in runs[0]}


# -- the explainer ---------------------------------------------------------------------------


def fresh_explainer(kg: Any, data_files: Sequence[Path]) -> Any:
    """A new explainer of ``kg``, built as ``KnowledgeGraph.explainer`` builds it."""
    from backcare_kg.explain import Explainer
    from backcare_kg.reasoning.rules import load_rules
    from backcare_kg.storage import files

    return Explainer(
        kg.asserted,
        kg.inferred,
        load_rules(files.rule_files()),
        data_files,
        support=kg.support_graph,
        root=files.bundled_root(),
        source_text=files.source_text_file(),
        resolver=kg.resolver,
    )


def build_parts(kg: Any, data_files: Sequence[Path]) -> dict[str, float]:
    """The time of each part of an explainer: index, locations, sources."""
    from backcare_kg.explain.index import Index
    from backcare_kg.explain.locations import Locations
    from backcare_kg.explain.sources import Sources, read_texts
    from backcare_kg.storage import files

    index_time, index = clock(lambda: Index(kg.asserted, kg.inferred))
    locations_time, _ = clock(lambda: Locations(data_files, relative_to=files.bundled_root()))
    sources_time, _ = clock(
        lambda: Sources(index, read_texts(index, files.bundled_root(), files.source_text_file()))
    )
    return {"index": index_time, "locations": locations_time, "sources": sources_time}


def explain_each(explainer: Any, statements: Sequence[Any], limit: int) -> dict[Any, float]:
    times = {}
    for statement in statements:
        started = time.perf_counter()
        explanation = explainer.explain_statement(statement, limit)
        seconds = time.perf_counter() - started
        if not explanation.proofs:
            raise SystemExit(f"no proof of an inferred statement: {show(statement)}")
        times[statement] = seconds
    return times


def explain_alone(explainer: Any, statement: Any, limit: int) -> float:
    """The time of the first question to ``explainer``, after a garbage collection: the
    garbage of building it (untimed) is not counted against the statement."""
    gc.collect()
    return explain_each(explainer, [statement], limit)[statement]


def ask_each(kg: Any, statements: Sequence[Any]) -> dict[Any, float]:
    times = {}
    for s, p, o in statements:
        started = time.perf_counter()
        result = kg.query(ASK, s=s, p=p, o=o).boolean
        seconds = time.perf_counter() - started
        if result is not True:
            raise SystemExit(f"ASK says no to an inferred statement: {show((s, p, o))}")
        times[(s, p, o)] = seconds
    return times


def passes(
    kg: Any,
    make: Callable[[], Any],
    statements: Sequence[Any],
    repeat: int,
    cold_runs: int,
    isolated: Sequence[Any],
) -> dict[str, Any]:
    """Cold, warm and isolated times of ``statements`` for each limit, and the ASK baseline
    (with each run's ratio to the ASK times of the same statements).

    ``make`` builds a fresh explainer of ``kg``: ``cold_runs`` times per limit (each a cold
    run; the ``repeat`` warm runs follow the first), and once per statement of ``isolated``.
    """
    kg.query(ASK, s=statements[0][0], p=statements[0][1], o=statements[0][2])  # lazy set-up
    asked = medians([ask_each(kg, statements) for _ in range(repeat)])
    found: dict[str, Any] = {}
    for limit in LIMITS:
        cold, warm = [], []
        for n in range(cold_runs):
            explainer = make()
            gc.collect()  # the garbage of building it is not counted against the first statement
            cold.append(explain_each(explainer, statements, limit))
            warm += [
                explain_each(explainer, statements, limit) for _ in range(repeat if n == 0 else 0)
            ]
        times = {"cold": medians(cold), "warm": medians(warm)}
        if isolated:
            times["isolated"] = {s: explain_alone(make(), s, limit) for s in isolated}
        for mode, per_statement in times.items():
            ask = [asked[s] for s in per_statement]
            run = found[f"{mode} limit={limit}"] = {
                "limit": limit,
                "mode": mode,
                **summary(per_statement),
                "ask_median": statistics.median(ask),
                "ask_total": sum(ask),
            }
            progress(
                f"  {mode}, limit={limit}: {run['count']} statements, median "
                f"{fmt(run['median'])}, slowest {fmt(run['max'])}"
            )
    found["ask"] = {"mode": "ask", **summary(asked)}
    return found


# -- the runs --------------------------------------------------------------------------------


def directory_state(path: Path) -> dict[str, tuple[int, int]]:
    return {p.name: (p.stat().st_size, p.stat().st_mtime_ns) for p in sorted(path.iterdir())}


def bundled(repeat: int, isolated: int | None, seed: int, workdir: Path) -> dict[str, Any]:
    from backcare_kg import KnowledgeGraph
    from backcare_kg.reasoning.materialize import materialize
    from backcare_kg.reasoning.reasoners import DEFAULT
    from backcare_kg.reasoning.rules import load_rules
    from backcare_kg.storage import files
    from backcare_kg.storage.cache import SUFFIX
    from backcare_kg.storage.loading import load_files

    progress("bundled graph: reasoning")
    asserted, rules = load_files(files.asserted_files()), load_rules(files.rule_files())
    reasoning = statistics.median(
        clock(lambda: materialize(asserted, rules))[0] for _ in range(repeat)
    )
    cache = workdir / "cache"
    kg = KnowledgeGraph.load(cache_dir=cache)
    entries = {p.name: p.stat().st_size for p in cache.iterdir()}
    before = directory_state(cache)
    progress("bundled graph: building the explainer")
    builds, parts = [], []
    data_files = files.asserted_files()
    for _ in range(repeat):
        again = KnowledgeGraph.load(cache_dir=cache)
        started = time.perf_counter()
        again.explainer  # noqa: B018 (built on first use: that is what is timed)
        builds.append(time.perf_counter() - started)
        parts.append(build_parts(again, data_files))
    statements = sorted(kg.inferred)
    sample = (
        statements
        if isolated is None
        else random.Random(seed).sample(statements, min(isolated, len(statements)))
    )
    progress(f"bundled graph: explaining {len(statements)} inferred statements")
    measured = passes(
        kg, lambda: fresh_explainer(kg, data_files), statements, repeat, repeat, sample
    )
    for statement in statements:  # the explainer every caller of kg.explain gets
        kg.explainer.explain_statement(statement, max(LIMITS))
    return {
        "asserted": len(kg.asserted),
        "inferred": len(kg.inferred),
        "reasoner": DEFAULT,
        "reasoning": reasoning,
        "build": statistics.median(builds),
        "build_parts": medians(parts),
        "files": len(data_files),
        "cache_entries": entries,
        "closure_bytes": sum(size for name, size in entries.items() if name.endswith(SUFFIX)),
        "cache_unchanged": directory_state(cache) == before,
        "runs": measured,
    }


def generated(
    label: str, triples: int, sample: int, repeat: int, seed: int, workdir: Path
) -> dict[str, Any]:
    from backcare_kg import KnowledgeGraph
    from backcare_kg.storage import files

    path = workdir / f"bench-{triples}-seed{seed}.nt"
    if not path.exists():
        generate.write(workdir, triples, seed)
    progress(f"{label}: loading {path.name}")
    load, kg = clock(lambda: KnowledgeGraph.load(extra=[path], cache_dir=workdir / "cache"))
    progress(f"{label}: building the explainer ({len(kg.asserted):,} asserted triples)")
    build, _ = clock(lambda: kg.explainer)
    chosen = random.Random(seed).sample(sorted(kg.inferred), min(sample, len(kg.inferred)))
    progress(f"{label}: explaining {len(chosen)} inferred statements")
    # One cold run per limit: on a large graph an explainer takes long to build (see the
    # build column). The first is the one just built, the second a fresh one.
    built = [kg.explainer]
    data_files = [*files.asserted_files(), path]
    measured = passes(
        kg, lambda: built.pop() if built else fresh_explainer(kg, data_files), chosen, repeat, 1, ()
    )
    return {
        "label": label,
        "requested": triples,
        "asserted": len(kg.asserted),
        "inferred": len(kg.inferred),
        "load": load,
        "build": build,
        "runs": measured,
    }


# -- the table -------------------------------------------------------------------------------


def ratio(value: float, reference: float) -> str:
    return f"{value / reference:,.3g}x" if reference else "—"


def target_line(report: dict[str, Any]) -> str:
    runs = [r for r in report["bundled"]["runs"].values() if r["mode"] != "ask"]
    worst = max(runs, key=lambda r: r["max"])
    verdict = "MET" if worst["max"] < TARGET else "NOT MET"
    partial = [r for r in runs if r["count"] < report["bundled"]["inferred"]]
    note = (
        f"; the isolated runs covered {partial[0]['count']} of "
        f"{report['bundled']['inferred']} statements"
        if partial
        else ""
    )
    return (
        f"explain any one inferred statement of the bundled graph under "
        f"{TARGET * 1000:.0f} ms: {verdict} (slowest {worst['max'] * 1000:.3g} ms: "
        f"`{worst['slowest']}`, {worst['mode']}, limit={worst['limit']}{note})"
    )


def rows(runs: dict[str, Any], label: str) -> list[str]:
    out = []
    for key, run in runs.items():
        name = (
            "SPARQL ASK (`kg.query`), the baseline"
            if key == "ask"
            else (f"explain, limit={run['limit']}, {run['mode']}")
        )
        ratios = (
            ""
            if key == "ask"
            else f"{ratio(run['median'], run['ask_median'])} | "
            f"{ratio(run['total'], run['ask_total'])}"
        )
        out.append(
            f"| {label} | {name} | {run['count']:,} | {fmt(run['total'])} | "
            f"{fmt(run['median'])} | {fmt(run['p95'])} | "
            f"{fmt(run['max'])} | `{run['slowest']}` | " + (ratios if ratios else " | ") + " |"
        )
    return out


def table(report: dict[str, Any]) -> str:
    m, s, b = report["machine"], report["settings"], report["bundled"]
    versions = ", ".join(f"{k} {v}" for k, v in m["versions"].items())
    load = ", ".join(f"{x:.2f}" for x in m["load_average"]) if m.get("load_average") else "?"
    parts = b["build_parts"]
    others = {k: v for k, v in b["cache_entries"].items() if not k.endswith(".nt")}
    out = [
        "## Explanation benchmark",
        "",
        f"Machine: {m['nproc']} cores (`nproc`), {fmt_bytes(m.get('ram_bytes'))} RAM"
        + (f", {m['cpu']}" if m.get("cpu") else "")
        + f"; {m['platform']}; Python "
        f"{m['python']}; {versions}"
        + (f"; code at {m['code']}" if m.get("code") else "")
        + f". Load average when the run started: {load}.",
        "",
        f"Bundled graph: {b['asserted']:,} asserted and {b['inferred']:,} inferred triples "
        f"(reasoner {b['reasoner']}). Cold: a fresh explainer, the statements in order; warm: "
        f"the same explainer again; both the median of {s['repeat']} run(s) per statement. "
        "Isolated: a fresh explainer for each statement, one run. Every fresh explainer is "
        "built, then garbage-collected, untimed. Ratios: explain ÷ ASK over the same "
        "statements (median, total), measured in the same run.",
        "",
        "| graph | what | statements | total | median | p95 | slowest | slowest statement | "
        "÷ ASK (median) | ÷ ASK (total) |",
        "|---|---|---:|---:|---:|---:|---:|---|---:|---:|",
        *rows(b["runs"], "bundled"),
    ]
    for size in report["sizes"]:
        out += rows(size["runs"], size["label"])
    out += [
        "",
        "| graph | asserted | inferred | load | build the explainer | index | locations | "
        "sources |",
        "|---|---:|---:|---:|---:|---:|---:|---:|",
        f"| bundled | {b['asserted']:,} | {b['inferred']:,} | — | {fmt(b['build'])} | "
        f"{fmt(parts['index'])} | {fmt(parts['locations'])} ({b['files']} files) | "
        f"{fmt(parts['sources'])} |",
    ]
    for size in report["sizes"]:
        out.append(
            f"| {size['label']} | {size['asserted']:,} | {size['inferred']:,} | "
            f"{fmt(size['load'])} | {fmt(size['build'])} | | | |"
        )
    out += [
        "",
        f"Reasoning (`reasoning.materialize`, bundled graph, median of {s['repeat']}): "
        f"{fmt(b['reasoning'])}; its closure cache entry: {b['closure_bytes']:,} bytes"
        + (
            " (beside it the command line's snapshot: "
            + ", ".join(f"{fmt_count(v)} bytes" for v in others.values())
            + ")"
            if others
            else ""
        )
        + ". Explanations record nothing while reasoning: the reasoning time and the cache "
        "are those of a graph never explained, and explaining every inferred statement left "
        "the cache directory " + ("unchanged." if b["cache_unchanged"] else "CHANGED."),
        "",
        "Target of issue 7:",
        "",
        f"- {target_line(report)}",
    ]
    return "\n".join(out) + "\n"


# -- main ------------------------------------------------------------------------------------


def parse_sizes(text: str) -> list[tuple[str, int]]:
    return [
        (item, SIZES.get(item) or generate.parse_size(item))
        for item in filter(None, (part.strip() for part in text.split(",")))
    ]


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--quick",
        action="store_true",
        help="a smoke run: one run each, 10 isolated statements, sizes tiny",
    )
    parser.add_argument("--repeat", type=int, help="runs per statement (default 3; 1 quick)")
    parser.add_argument(
        "--isolated",
        type=int,
        help="statements explained on a fresh explainer each (default all; 10 with --quick)",
    )
    parser.add_argument(
        "--sizes",
        help="generated graphs, comma-separated: tiny, 10k, 100k, "
        "1M or a number of triples; none for none (default "
        "10k; tiny with --quick)",
    )
    parser.add_argument(
        "--sample",
        type=int,
        help="inferred statements explained per generated graph (default 200; 20 with --quick)",
    )
    parser.add_argument("--seed", type=int, default=1, help="generator and sample seed (1)")
    parser.add_argument("--json", type=Path, metavar="FILE", help="also write the raw numbers")
    args = parser.parse_args(argv)
    repeat = args.repeat or (1 if args.quick else 3)
    isolated = args.isolated if args.isolated is not None else (10 if args.quick else None)
    sizes_text = args.sizes if args.sizes is not None else ("tiny" if args.quick else "10k")
    sizes = [] if sizes_text.strip() == "none" else parse_sizes(sizes_text)
    sample = args.sample or (20 if args.quick else 200)
    if repeat < 1 or sample < 1 or (isolated is not None and isolated < 0):
        parser.error("--repeat and --sample must be at least 1, --isolated at least 0")
    report: dict[str, Any] = {
        "machine": machine(),
        "settings": {
            "repeat": repeat,
            "isolated": isolated,
            "sample": sample,
            "seed": args.seed,
            "sizes": [label for label, _ in sizes],
        },
    }
    with tempfile.TemporaryDirectory(prefix="backcare-kg-explain-bench-") as temporary:
        workdir = Path(temporary)
        report["bundled"] = bundled(repeat, isolated, args.seed, workdir)
        report["sizes"] = [
            generated(label, triples, sample, repeat, args.seed, workdir / label)
            for label, triples in sizes
        ]
    sys.stdout.write(table(report))
    if args.json:
        args.json.write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
