"""``backcare-kg build --store`` at scale: two installations compared in one run.

The build is the scale path: parse a user's data, reason (OWL 2 RL, the domain rules and,
since the support levels, the level of every statement), write an on-disk store. This
script builds the same inputs with a baseline installation (e.g. ``main`` before a change)
and the candidate (the working tree), alternately, so drift in the machine's load hits both
alike::

    python3 -m venv /tmp/base && /tmp/base/bin/pip install -q "git+file://$PWD@main"
    python benchmarks/build_store.py --baseline /tmp/base/bin/backcare-kg --repeat 3

Two shapes of user data, each about ``--triples`` triples (default 1M), because our own
generator alone is not enough to judge a change:

- ``articles``: :mod:`generate`'s graphs, shaped like the bundled data (claims, quotes,
  sentences and selectors are about 80% of the triples; about 1% of the entities are
  activities);
- ``activities``: a flat catalogue of activities and nothing else (each typed with one of
  our activity classes, labelled in two languages, improving two or three capacities, with
  a feature): every triple is about an activity, the worst case for the rules that apply a
  general statement to each activity, and so for the support graph that grades what they
  conclude.

Prints a Markdown table on stdout (progress on stderr): per shape, the median, min and max
wall time of the builds of each installation, the median CPU time (user and system, of the
build process: steadier on a busy machine), the candidate's medians as ratios of the
baseline's, and the triples of the store each wrote. Wall time of a 1M build moves by a few
percent from run to run on a shared machine: compare ratios from the same run only.
"""

from __future__ import annotations

import argparse
import json
import random
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from generate import BC, BCR, RDF, RDFS, generate, parse_size  # noqa: E402

ACTIVITY_CLASSES = ("Activity", "MindBodyActivity", "AquaticActivity", "StrengthTraining",
                    "SuspensionTraining", "FunctionalTraining")
CAPACITIES = ("strength", "flexibility", "balance", "body-stability", "biomechanics")
FEATURES = ("whole-body-work", "gravity", "own-body-weight-load",
            "educational-water-activities", "hygienic-and-preventive-purpose")
CATALOGUE = "https://example.org/catalogue/activity/"


def activities(triples: int, seed: int) -> Iterator[str]:
    """A flat catalogue of activities, about ``triples`` triples of N-Triples lines."""
    rng = random.Random(seed)
    written = 0
    n = 0
    while written < triples:
        n += 1
        iri = f"<{CATALOGUE}{n}>"
        lines = [
            f"{iri} <{RDF}type> <{BC}{rng.choice(ACTIVITY_CLASSES)}> .\n",
            f'{iri} <{RDFS}label> "activity {n}"@en .\n',
            f'{iri} <{RDFS}label> "actividad {n}"@es .\n',
            f"{iri} <{BC}hasFeature> <{BCR}{rng.choice(FEATURES)}> .\n",
        ]
        for capacity in rng.sample(CAPACITIES, rng.choice((2, 3))):
            lines.append(f"{iri} <{BC}improves> <{BCR}{capacity}> .\n")
        yield from lines
        written += len(lines)


SHAPES: dict[str, Callable[[int, int], Iterator[str]]] = {
    "articles": generate,
    "activities": activities,
}


def write(directory: Path, shape: str, triples: int, seed: int) -> Path:
    path = directory / f"{shape}-{triples}-seed{seed}.nt"
    if not path.exists():
        with open(path, "w", encoding="utf-8") as handle:
            handle.writelines(SHAPES[shape](triples, seed))
    return path


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def build(executable: str, data: Path, store: Path, cache: Path) -> tuple[float, float, int]:
    """Wall time and CPU time (user + system: steadier on a busy machine) of one build, and
    the triples of the store it wrote (every graph)."""
    shutil.rmtree(store, ignore_errors=True)
    env = {"BACKCARE_KG_CACHE_DIR": str(cache), "PATH": "/usr/bin:/bin"}
    cpu = _children_cpu()
    start = time.perf_counter()
    done = subprocess.run([executable, "build", "--store", str(store), "--with", str(data)],
                          env=env, capture_output=True, text=True, check=False)
    elapsed = time.perf_counter() - start
    cpu = _children_cpu() - cpu
    if done.returncode != 0:
        sys.exit(f"{executable} build exited {done.returncode}:\n{done.stderr[-2000:]}")
    metadata = json.loads((store / "backcare-kg-store.json").read_text(encoding="utf-8"))
    triples = metadata["asserted"] + metadata["inferred"] + metadata.get("support", 0)
    shutil.rmtree(store, ignore_errors=True)
    return elapsed, cpu, triples


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--baseline", required=True, metavar="EXE",
                        help="the backcare-kg executable to compare against")
    parser.add_argument("--candidate", metavar="EXE",
                        default=str(Path(sys.executable).with_name("backcare-kg")),
                        help="the backcare-kg executable measured (default: this venv's)")
    parser.add_argument("--triples", type=parse_size, default=1_000_000,
                        help="triples of user data per shape (default 1M; 10k, 100k...)")
    parser.add_argument("--shapes", default=",".join(SHAPES),
                        help=f"comma-separated shapes (default: {','.join(SHAPES)})")
    parser.add_argument("--repeat", type=int, default=3, help="builds per installation")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--data-dir", type=Path, help="keep the generated data here")
    args = parser.parse_args()
    shapes = [s.strip() for s in args.shapes.split(",") if s.strip()]
    unknown = [s for s in shapes if s not in SHAPES]
    if unknown:
        parser.error(f"unknown shape(s) {', '.join(unknown)} (known: {', '.join(SHAPES)})")
    if args.repeat < 1:
        parser.error("--repeat must be at least 1")
    work = Path(tempfile.mkdtemp(prefix="backcare-kg-build-bench-"))
    data_dir = args.data_dir or work
    data_dir.mkdir(parents=True, exist_ok=True)
    installs = {"baseline": args.baseline, "candidate": args.candidate}
    rows = []
    try:
        for shape in shapes:
            print(f"generating {shape} ({args.triples} triples)", file=sys.stderr)
            data = write(data_dir, shape, args.triples, args.seed)
            times: dict[str, list[float]] = {name: [] for name in installs}
            cpus: dict[str, list[float]] = {name: [] for name in installs}
            sizes: dict[str, int] = {}
            for run in range(args.repeat):
                for name, exe in installs.items():
                    elapsed, cpu, triples = build(exe, data, work / "store",
                                                  work / f"cache-{name}")
                    times[name].append(elapsed)
                    cpus[name].append(cpu)
                    sizes[name] = triples
                    print(f"{shape} run {run + 1}: {name} {elapsed:.1f} s ({cpu:.1f} s CPU)",
                          file=sys.stderr)
            rows.append((shape, times, cpus, sizes))
    finally:
        shutil.rmtree(work, ignore_errors=True)
    print("| shape | install | median s | min s | max s | ratio | median CPU s | CPU ratio "
          "| store triples |")
    print("| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
    for shape, times, cpus, sizes in rows:
        wall = {n: statistics.median(times[n]) for n in installs}
        cpu = {n: statistics.median(cpus[n]) for n in installs}
        for name in installs:
            t = times[name]
            ratio = (f"{wall[name] / wall['baseline']:.3f}x",
                     f"{cpu[name] / cpu['baseline']:.3f}x") if name == "candidate" else ("", "")
            print(f"| {shape} | {name} | {wall[name]:.1f} | {min(t):.1f} | {max(t):.1f} | "
                  f"{ratio[0]} | {cpu[name]:.1f} | {ratio[1]} | {sizes[name]:,} |")
    print(f"\n{args.triples:,} triples of user data per shape, {args.repeat} builds per "
          "installation, alternated; ratios = candidate median / baseline median.")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
