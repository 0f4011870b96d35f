"""The Markdown report of a benchmark run (``run.py``): tables, ratios, targets."""

from __future__ import annotations

from typing import Any

#: The cold-start question, as ``backcare-kg`` arguments.
COLD_COMMAND = ("activities", "--improves", "balance", "--phase", "chronic")


def fmt_time(value: float | None) -> str:
    if value is None:
        return "—"
    if value < 1:
        return f"{value * 1000:.3g} ms"
    return f"{value:.3g} s" if value < 100 else f"{value:.0f} s"


def fmt_bytes(value: float | None) -> str:
    if value is None:
        return "—"
    mib = value / 2**20
    return f"{mib:.0f} MiB" if mib < 1024 else f"{mib / 1024:.2f} GiB"


def fmt_count(value: int | None) -> str:
    return "—" if value is None else f"{value:,}"


def cell(run: dict[str, Any], key: str) -> str:
    """One measurement of a run: a time, ``> N s`` for the phase it was killed in, or
    ``killed`` / ``failed``."""
    value = run.get(key)
    if value == "killed" and run.get("killed_phase") == key and "killed_after" in run:
        return f"> {run['killed_after']:.0f} s"
    if key == "wall_seconds" and run.get("killed"):
        return f"> {value:.0f} s"
    return value if isinstance(value, str) else fmt_time(value)


def ratio(naive: Any, ours: Any, at_least: bool = False) -> str:
    """``naive / ours``; with ``at_least``, ``naive`` is a lower bound (a killed run)."""
    if not isinstance(ours, (int, float)) or not ours or not isinstance(naive, (int, float)):
        return "—"
    value = naive / ours
    text = f"{value:.3g}x" if value < 1000 else f"{value:,.0f}x"
    return "> " + text if at_least else text


def run_ratio(naive: dict[str, Any], ours: dict[str, Any], key: str) -> str:
    if key == "wall_seconds":
        return ratio(naive[key], ours[key], naive["killed"])
    if naive.get(key) == "killed" and naive.get("killed_phase") == key:
        return ratio(naive.get("killed_after"), ours.get(key), at_least=True)
    return ratio(naive.get(key), ours.get(key))


COLUMNS = (("load", "load"), ("reasoning", "reasoning"), ("first_query", "first query"),
           ("flagship", "flagship query"), ("queries_median", "named queries, median"),
           ("queries_max", "named queries, max"), ("wall_seconds", "whole run"))


#: backcare-kg's pipelines: the store (the scale path) and ``KnowledgeGraph.load``.
OURS = ("backcare-kg", "backcare-kg-load")


def table(report: dict[str, Any]) -> str:
    m = report["machine"]
    s = report["settings"]
    versions = ", ".join(f"{k} {v}" for k, v in m["versions"].items())
    out = [
        "## Benchmarks",
        "",
        f"Machine: {m['nproc']} cores (`nproc`), {fmt_bytes(m.get('ram_bytes'))} RAM"
        + (f", {m['cpu']}" if m.get("cpu") else "") + f"; {m['platform']}; Python "
        f"{m['python']}; {versions}"
        + (f"; code at {m['code']}" if m.get("code") else "") + ". Load average when the run "
        "started: "
        + (", ".join(f"{x:.2f}" for x in m["load_average"]) if m.get("load_average") else "?")
        + ".",
        "",
        "backcare-kg: `backcare-kg build --store DIR --with FILE` (pyoxigraph parses, the "
        "compiled reasoner reasons, an on-disk pyoxigraph store is written; load = parse + "
        "write + `KnowledgeGraph.open(DIR)`), then the named queries on the store. "
        "backcare-kg-load: `KnowledgeGraph.load(extra=[file], cache=False)` (rdflib parses, "
        f"in memory), reasoner {report['engines']['reasoner']}, query engine "
        f"{report['engines']['engine']}. "
        "naive: rdflib parse, `owlrl.DeductiveClosure(OWLRL_Semantics).expand` and the "
        "domain rules alternately to a fixpoint, rdflib SPARQL. Each pipeline and size in a "
        f"fresh process, killed after {s['timeout']:.0f} s; named queries: "
        f"{s['queries']} (median of {times(s['repeat'])} each); flagship: "
        "`activities` capacity=balance phase=chronic-phase.",
        "",
        "| size | pipeline | asserted | inferred | "
        + " | ".join(title for _, title in COLUMNS) + " | peak memory |",
        "|---" * (len(COLUMNS) + 5) + "|",
    ]
    for size in report["sizes"]:
        runs = size["pipelines"]
        for name, run in runs.items():
            cells = [cell(run, key) for key, _ in COLUMNS]
            out.append(f"| {size['label']} | {name} | {fmt_count(run.get('asserted'))} | "
                       f"{fmt_count(run.get('inferred'))} | " + " | ".join(cells)
                       + f" | {fmt_bytes(run['peak_bytes'])} |")
        for name in OURS:
            if "naive" in runs and name in runs:
                naive, ours = runs["naive"], runs[name]
                cells = [run_ratio(naive, ours, key) for key, _ in COLUMNS]
                out.append(f"| {size['label']} | **naive ÷ {name}** | | | " + " | ".join(cells)
                           + f" | {ratio(naive['peak_bytes'], ours['peak_bytes'])} |")
    notes = answer_notes(report)
    if notes:
        out += [""] + notes
    cold = report.get("cold_start") or {}
    if cold:
        out += ["", f"Cold start, `backcare-kg {' '.join(COLD_COMMAND)}` (a fresh process, "
                f"median of {times(s['cold_runs'])}, after a warm-up run that fills backcare-kg's "
                "cache):", "",
                "| pipeline | median | min | max | peak memory | answer |",
                "|---|---|---|---|---|---|"]
        for name, c in cold.items():
            label = ("backcare-kg (installed script, cache warm)" if name == "backcare-kg"
                     else "naive (rdflib + owlrl from scratch)")
            out.append(f"| {label} | {fmt_time(c['median'])} | {fmt_time(c['min'])} | "
                       f"{fmt_time(c['max'])} | {fmt_bytes(c['peak_bytes'])} | "
                       f"{'yoga' if c['answered'] else 'WRONG'} |")
        if len(cold) == 2:
            out.append(f"| **naive ÷ backcare-kg** | "
                       f"{ratio(cold['naive']['median'], cold['backcare-kg']['median'])}"
                       " | | | | |")
    out += ["", "Targets of issue 3:", ""] + [f"- {line}" for line in targets(report)]
    return "\n".join(out) + "\n"


def times(n: int) -> str:
    return f"{n} run" if n == 1 else f"{n} runs"


def targets(report: dict[str, Any]) -> list[str]:
    """Each target of issue 3, with what this run measured and whether it is met."""
    def verdict(ok: bool) -> str:
        return "**met**" if ok else "**not met**"

    lines = []
    cold = (report.get("cold_start") or {}).get("backcare-kg")
    lines.append("flagship from a cold CLI < 0.2 s: " + (
        f"{fmt_time(cold['median'])}, {verdict(cold['median'] < 0.2)}" if cold
        else "not measured"))
    big = [size for size in report["sizes"] if size["requested"] >= 1_000_000
           and "backcare-kg" in size["pipelines"]]
    run = big[-1]["pipelines"]["backcare-kg"] if big else None
    if run is None:
        lines += ["1M triples reasoned < 60 s: not measured",
                  "each named query at 1M < 50 ms: not measured"]
    else:
        reasoning, slowest = run.get("reasoning"), run.get("queries_max")
        lines.append("1M triples reasoned < 60 s: " + (
            f"{fmt_time(reasoning)}, {verdict(reasoning < 60)}"
            if isinstance(reasoning, float) else cell(run, "reasoning") + ", **not met**"))
        lines.append("each named query at 1M < 50 ms: " + (
            f"slowest {fmt_time(slowest)} ({run['slowest_query']}), {verdict(slowest < 0.05)}"
            if isinstance(slowest, float) else "not measured (no queries ran)"))
    finished = [size for size in report["sizes"]
                if {"naive", "backcare-kg"} <= set(size["pipelines"])
                and not size["pipelines"]["naive"]["killed"]
                and isinstance(size["pipelines"]["naive"].get("queries_median"), float)
                and isinstance(size["pipelines"]["backcare-kg"].get("queries_median"), float)
                and isinstance(size["pipelines"]["backcare-kg"].get("reasoning"), float)]
    if not finished:
        lines.append(">= 50x faster than naive at the largest size it finishes: not measured")
    else:
        size = finished[-1]
        naive, ours = size["pipelines"]["naive"], size["pipelines"]["backcare-kg"]
        build = (naive["load"] + naive["reasoning"]) / (ours["load"] + ours["reasoning"])
        ask = naive["queries_median"] / ours["queries_median"]
        lines.append(f">= 50x faster than naive at the largest size it finishes ({size['label']}"
                     f"): load + reasoning {build:.3g}x, named queries (median) {ask:.3g}x, "
                     f"{verdict(min(build, ask) >= 50)}")
    return lines


def answer_notes(report: dict[str, Any]) -> list[str]:
    """Where the two pipelines' named queries gave different numbers of rows."""
    notes = []
    for size in report["sizes"]:
        runs = size["pipelines"]
        for name in OURS:
            if "naive" not in runs or name not in runs:
                continue
            ours, theirs = runs[name]["query_rows"], runs["naive"]["query_rows"]
            common = sorted(set(ours) & set(theirs))
            differ = [f"{n} ({ours[n]:,} vs {theirs[n]:,})" for n in common
                      if ours[n] != theirs[n]]
            if common:
                notes.append(
                    f"{size['label']}: {len(common) - len(differ)} of {len(common)} named "
                    f"queries gave the same number of rows in {name} and naive"
                    + (f"; different: {', '.join(differ)} ({name} vs naive; the naive graph "
                       "keeps owlrl's axiomatic triples)" if differ else "."))
    return notes
