"""Smoke tests of benchmarks/: the graph generator, and a quick run of the benchmark script."""

from __future__ import annotations

import importlib.util
import json
import subprocess
import sys
from pathlib import Path
from types import ModuleType

import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import RDF

from backcare_kg.storage import files
from backcare_kg.vocab import BC, BCR

BENCHMARKS = Path(__file__).resolve().parents[2] / "benchmarks"
BENCH = "https://example.org/bench/"


def _module(name: str) -> ModuleType:
    spec = importlib.util.spec_from_file_location(f"benchmarks_{name}", BENCHMARKS / f"{name}.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def generate() -> ModuleType:
    return _module("generate")


@pytest.fixture(scope="module")
def lines(generate: ModuleType) -> list[str]:
    return list(generate.generate(8000, 1))


@pytest.fixture(scope="module")
def graph(lines: list[str]) -> Graph:
    return Graph().parse(data="".join(lines), format="nt")


@pytest.fixture(scope="module")
def ontology() -> Graph:
    graph = Graph()
    for path in files.asserted_files():
        graph.parse(path)
    return graph


def test_deterministic(generate: ModuleType, lines: list[str]) -> None:
    assert list(generate.generate(8000, 1)) == lines
    assert list(generate.generate(8000, 2)) != lines


@pytest.mark.parametrize("triples", [3000, 8000, 30000])
def test_about_the_requested_size(generate: ModuleType, ontology: Graph, triples: int) -> None:
    generated = sum(1 for _ in generate.generate(triples, 1))
    assert generate.bundled_triple_count() == len(ontology)
    assert triples <= len(ontology) + generated <= triples * 1.01 + 50


def test_valid_ntriples_and_turtle(lines: list[str], graph: Graph) -> None:
    assert all(line.endswith(" .\n") for line in lines)
    assert len(graph) == len(lines)  # no line repeats another
    turtle = Graph().parse(data="".join(lines), format="turtle")  # N-Triples is Turtle
    assert len(turtle) == len(lines)


def test_written_files(generate: ModuleType, tmp_path: Path, lines: list[str]) -> None:
    path, count = generate.write(tmp_path, 8000, 1, turtle=True)
    assert path.name == "bench-8000-seed1.nt" and count == len(lines)
    assert path.read_text(encoding="utf-8") == "".join(lines)
    assert len(Graph().parse(path.with_suffix(".ttl"), format="turtle")) == count


def test_cli(tmp_path: Path) -> None:
    done = subprocess.run(
        [sys.executable, str(BENCHMARKS / "generate.py"), "--triples", "5k", "--seed", "3",
         "--out", str(tmp_path)], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    written = tmp_path / "bench-5000-seed3.nt"
    assert written.exists() and str(written) in done.stdout


def test_our_classes_and_properties(graph: Graph, ontology: Graph) -> None:
    used = {t for triple in graph for t in triple
            if isinstance(t, URIRef) and str(t).startswith(str(BC))}
    defined = set(ontology.subjects(RDF.type, None))
    assert used <= defined, sorted(used - defined)
    types = set(graph.objects(None, RDF.type))
    for name in ("Expert", "Profession", "Hospital", "HospitalDepartment", "ProfessionalCollege",
                 "ScientificSociety", "Activity", "MindBodyActivity", "AquaticActivity",
                 "StrengthTraining", "SuspensionTraining", "FunctionalTraining", "Claim",
                 "Recommendation", "SourceDocument", "Sentence"):
        assert BC[name] in types, name
    predicates = set(graph.predicates())
    for name in ("improves", "hasProfession", "memberOf", "partOf", "agreesWith", "statedBy",
                 "about", "quote", "source", "sentence", "evidenceLevel"):
        assert BC[name] in predicates, name
    assert set(graph.objects(None, BC.improves)) <= {
        BCR[c] for c in ("strength", "flexibility", "balance", "body-stability", "breathing",
                         "biomechanics")}


def test_apart_from_our_resources(graph: Graph) -> None:
    """Generated resources live under their own base: they never add to ours."""
    for subject in graph.subjects():
        assert not isinstance(subject, URIRef) or str(subject).startswith(BENCH), subject


def test_claims_quote_their_sentences(graph: Graph) -> None:
    claims = set(graph.subjects(BC.evidenceLevel, BCR["expert-opinion"]))
    assert claims
    for claim in claims:
        quote = graph.value(claim, BC.quote)
        text = graph.value(graph.value(claim, BC.sentence), BC.text)
        assert isinstance(quote, Literal) and isinstance(text, Literal)
        assert str(quote) in str(text)
        assert graph.value(claim, BC.source) is not None


def test_quick_run_prints_a_table(tmp_path: Path) -> None:
    raw = tmp_path / "raw.json"
    done = subprocess.run(
        [sys.executable, str(BENCHMARKS / "run.py"), "--sizes", "tiny", "--quick", "--json",
         str(raw), "--data-dir", str(tmp_path / "data")], capture_output=True, text=True,
        timeout=300)
    assert done.returncode == 0, done.stderr
    table = done.stdout
    for row in ("| tiny | backcare-kg |", "| tiny | backcare-kg-load |", "| tiny | naive |",
                "| tiny | **naive ÷ backcare-kg** |", "| tiny | **naive ÷ backcare-kg-load** |",
                "Cold start", "Machine: "):
        assert row in table, row
    report = json.loads(raw.read_text(encoding="utf-8"))
    runs = report["sizes"][0]["pipelines"]
    for run in runs.values():
        assert run["exit_status"] == 0 and not run["killed"]
        assert len(run["query_seconds"]) == report["settings"]["queries"]
    assert runs["backcare-kg"]["query_rows"] == runs["backcare-kg-load"]["query_rows"]
    assert runs["backcare-kg"]["query_rows"]["activities"] == runs["naive"]["query_rows"][
        "activities"] > 0
    assert runs["backcare-kg"]["asserted"] == runs["backcare-kg-load"]["asserted"] == runs[
        "naive"]["asserted"]
    assert runs["backcare-kg"]["inferred"] == runs["backcare-kg-load"]["inferred"] > 0
    kept = {p.name for p in (tmp_path / "data").iterdir()}
    assert "bench-3000-seed1.nt" in kept and not any(n.startswith("store-") for n in kept), kept
    assert all(c["answered"] for c in report["cold_start"].values())
