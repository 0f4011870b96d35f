"""Cold start of the command line: a fresh process answering the flagship question.

Compares two installations in one run, e.g. the last release (or ``main`` before a change)
against the working tree, so the ratio is measured under the same load::

    python3 -m venv /tmp/base && /tmp/base/bin/pip install -q git+file://$PWD@main  # or a path
    python benchmarks/cold_start.py --baseline /tmp/base/bin/backcare-kg --runs 21

Each installation gets a private cache directory, warmed by one run (which writes the
closure cache and the snapshot the fast path reads), then the commands run alternately,
baseline then candidate, so drift in the machine's load hits both alike. Prints a Markdown
table on stdout: median, min and max wall time per command, the candidate's median as a ratio
of the baseline's, and the same for CPU time (user and system: steadier on a busy machine).

Wall and CPU time move by several percent from one run to the next on a shared machine.
``--instructions`` adds a table of the instructions each command executes, counted by
valgrind's callgrind (Debian's ``valgrind``): the same count for the same programs and
inputs whatever else the machine does, so a difference of a fraction of a percent shows.
"""

from __future__ import annotations

import argparse
import os
import re
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

#: The commands timed: the flagship (fast path), the same as JSON, and --version (start-up).
COMMANDS = {
    "flagship": ["activities", "--improves", "balance", "--phase", "chronic"],
    "flagship --format json": ["activities", "--improves", "balance", "--phase", "chronic",
                               "--format", "json"],
    "--version": ["--version"],
}


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def run_once(executable: str, args: list[str], cache: Path) -> tuple[float, float, bytes]:
    """Wall time, CPU time (user + system, steadier on a busy machine) and stdout."""
    env = dict(os.environ, BACKCARE_KG_CACHE_DIR=str(cache))
    cpu = _children_cpu()
    start = time.perf_counter()
    done = subprocess.run([executable, *args], env=env, capture_output=True, check=False)
    elapsed = time.perf_counter() - start
    cpu = _children_cpu() - cpu
    if done.returncode != 0:
        sys.exit(f"{executable} {' '.join(args)} exited {done.returncode}:\n"
                 f"{done.stderr.decode(errors='replace')}")
    return elapsed, cpu, done.stdout


def instructions(executable: str, args: list[str], cache: Path) -> int:
    """The instructions one run executes, counted by callgrind."""
    env = dict(os.environ, BACKCARE_KG_CACHE_DIR=str(cache))
    done = subprocess.run(["valgrind", "--tool=callgrind", "--callgrind-out-file=/dev/null",
                           executable, *args], env=env, capture_output=True, text=True,
                          check=False)
    found = re.search(r"Collected : (\d+)", done.stderr)
    if done.returncode != 0 or found is None:
        sys.exit(f"valgrind {executable} {' '.join(args)} failed:\n{done.stderr[-2000:]}")
    return int(found.group(1))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--baseline", required=True, metavar="EXE",
                        help="the backcare-kg executable to compare against")
    parser.add_argument("--candidate", metavar="EXE",
                        default=str(Path(sys.executable).with_name("backcare-kg")),
                        help="the backcare-kg executable measured (default: this venv's)")
    parser.add_argument("--runs", type=int, default=15, help="runs of each command (15)")
    parser.add_argument("--instructions", action="store_true",
                        help="also count the instructions of one run of each (valgrind)")
    args = parser.parse_args()
    if args.instructions and shutil.which("valgrind") is None:
        sys.exit("--instructions needs valgrind (apt install valgrind)")
    installs = {"baseline": args.baseline, "candidate": args.candidate}
    for label, exe in installs.items():
        if shutil.which(exe) is None:
            sys.exit(f"{label}: no executable at {exe}")
    workdir = Path(tempfile.mkdtemp(prefix="backcare-kg-cold-"))
    try:
        caches = {label: workdir / label for label in installs}
        for label, exe in installs.items():  # warm-up: the closure cache and the snapshot
            print(f"warming {label} ({exe})", file=sys.stderr)
            run_once(exe, COMMANDS["flagship"], caches[label])
        times: dict[tuple[str, str], list[float]] = {}
        cpus: dict[tuple[str, str], list[float]] = {}
        answers: dict[tuple[str, str], bytes] = {}
        for i in range(args.runs):
            print(f"run {i + 1}/{args.runs}", file=sys.stderr)
            for name, command in COMMANDS.items():
                for label, exe in installs.items():
                    elapsed, cpu, out = run_once(exe, command, caches[label])
                    times.setdefault((name, label), []).append(elapsed)
                    cpus.setdefault((name, label), []).append(cpu)
                    answers[(name, label)] = out
        counts = {(name, label): instructions(exe, command, caches[label])
                  for name, command in COMMANDS.items() for label, exe in installs.items()
                  } if args.instructions else {}
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    print(f"Cold start, {args.runs} runs each (wall time of a fresh process)\n")
    print("| command | baseline median | candidate median | candidate min–max | ratio "
          "| baseline CPU | candidate CPU | CPU ratio |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|")
    for name in COMMANDS:
        base, cand = times[(name, "baseline")], times[(name, "candidate")]
        base_cpu = statistics.median(cpus[(name, "baseline")])
        cand_cpu = statistics.median(cpus[(name, "candidate")])
        ratio = statistics.median(cand) / statistics.median(base)
        print(f"| `{name}` | {statistics.median(base) * 1000:.0f} ms "
              f"| {statistics.median(cand) * 1000:.0f} ms "
              f"| {min(cand) * 1000:.0f}–{max(cand) * 1000:.0f} ms | {ratio:.2f}x "
              f"| {base_cpu * 1000:.0f} ms | {cand_cpu * 1000:.0f} ms "
              f"| {cand_cpu / base_cpu:.2f}x |")
    if counts:
        print("\nInstructions of one run (callgrind)\n")
        print("| command | baseline | candidate | ratio |")
        print("|---|---:|---:|---:|")
        for name in COMMANDS:
            base_n, cand_n = counts[(name, "baseline")], counts[(name, "candidate")]
            print(f"| `{name}` | {base_n / 1e6:,.1f} M | {cand_n / 1e6:,.1f} M "
                  f"| {cand_n / base_n:.3f}x |")
    different = [n for n in COMMANDS if n != "--version"
                 and answers[(n, "baseline")] != answers[(n, "candidate")]]
    print(f"\nSame answers: {'yes' if not different else 'NO: ' + ', '.join(different)}")
    return 0 if not different else 1


if __name__ == "__main__":
    raise SystemExit(main())
