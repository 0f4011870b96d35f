"""The ontology and data are consistent for a second, complete OWL 2 DL reasoner: HermiT.

owlrl (OWL 2 RL) is our reference engine, but it is incomplete: HermiT, run by Owlready2
with the installed ``java``, checks that the asserted graph (and the asserted graph plus
what we infer) has a model and no unsatisfiable class. The negative tests prove the check
can fail. Owlready2 reads N-Triples, so rdflib converts the Turtle first.
"""

from __future__ import annotations

import shutil
import subprocess
from collections.abc import Iterable
from pathlib import Path

import pytest
from rdflib import Graph, URIRef
from rdflib.namespace import OWL, RDF, RDFS
from rdflib.term import Node

from backcare_kg import KnowledgeGraph
from backcare_kg.storage import files
from backcare_kg.storage.loading import load_files
from backcare_kg.vocab import BC, BCR

owlready2 = pytest.importorskip(
    "owlready2", reason="owlready2 is not installed: pip install -e '.[test]'"
)

pytestmark = pytest.mark.slow

Triple = tuple[Node, Node, Node]


def _java_problem() -> str | None:
    """Why HermiT cannot run here, or None if it can."""
    java = shutil.which(owlready2.JAVA_EXE)
    if java is None:
        return (
            f"no {owlready2.JAVA_EXE!r} on PATH: HermiT needs a Java runtime "
            "(apt-get install default-jre-headless)"
        )
    try:
        subprocess.run([java, "-version"], check=True, capture_output=True, timeout=60)
    except (OSError, subprocess.SubprocessError) as exc:
        return f"{java} -version failed: {exc}"
    return None


@pytest.fixture(scope="module", autouse=True)
def _needs_java() -> None:
    problem = _java_problem()
    if problem:
        pytest.skip(f"HermiT cannot run: {problem}")


@pytest.fixture(scope="module")
def asserted() -> Graph:
    return load_files(files.asserted_files())


def hermit(triples: Iterable[Triple], tmp: Path, infer_property_values: bool = False) -> object:
    """A fresh owlready2 World holding ``triples``, after HermiT has reasoned over it.

    Raises ``owlready2.OwlReadyInconsistentOntologyError`` if HermiT finds no model.
    """
    g = Graph()
    for t in triples:
        g.add(t)
    path = tmp / "kg.nt"
    g.serialize(path, format="nt", encoding="utf-8")
    world = owlready2.World()
    world.get_ontology(path.as_uri()).load(format="ntriples")
    owlready2.sync_reasoner_hermit(world, infer_property_values=infer_property_values, debug=0)
    return world


def unsatisfiable(world: object) -> list[str]:
    """IRIs of the classes HermiT finds equivalent to owl:Nothing (owl:Nothing among them)."""
    return sorted(c.iri for c in world.inconsistent_classes())  # type: ignore[attr-defined]


def test_asserted_graph_is_consistent(asserted: Graph, tmp_path: Path) -> None:
    world = hermit(asserted, tmp_path)
    assert unsatisfiable(world) == []


def test_asserted_and_inferred_graph_is_consistent(kg: KnowledgeGraph, tmp_path: Path) -> None:
    """What owlrl and the rules add keeps the ontology consistent."""
    world = hermit([*kg.asserted, *kg.inferred], tmp_path)
    assert unsatisfiable(world) == []


def test_hermit_agrees_with_owlrl_on_owl_entailments(
    asserted: Graph, kg: KnowledgeGraph, tmp_path: Path
) -> None:
    """HermiT derives the OWL entailments (not the rules') that owlrl does."""
    world = hermit(asserted, tmp_path, infer_property_values=True)
    found = set(world.as_rdflib_graph())  # type: ignore[attr-defined]
    expected = {
        (BCR["suspension-training"], BC.improves, BCR.strength),
        (BCR["body-foundation"], BC.improves, BCR.strength),
        (BCR.pilates, BC.hasFeature, BCR["mind-body-involvement"]),
        (BCR["healing-swimming"], BC.hasFeature, BCR["aquatic-environment"]),
        (BCR["sergio-fuertes"], BC.affiliatedWith, BCR["university-hospital-of-burgos"]),
        (BCR["sergio-fuertes"], BC.agreesWith, BCR["nestor-requejo"]),
        (BCR.strength, BC.improvedBy, BCR.yoga),
    }
    assert expected <= set(kg.inferred)  # the same entailments as owlrl's
    assert expected - found == set()
    suspension = world.search_one(iri=str(BCR["suspension-training"]))  # type: ignore[attr-defined]
    types = {getattr(c, "iri", None) for c in suspension.INDIRECT_is_a}
    assert {str(BC.StrengthTraining), str(BC.Activity)} <= types


def test_hermit_detects_disjoint_contraindications(asserted: Graph, tmp_path: Path) -> None:
    bad = BCR["both-absolute-and-relative"]
    clash = [
        (bad, RDF.type, BC.AbsoluteContraindication),
        (bad, RDF.type, BC.RelativeContraindication),
    ]
    assert (BC.AbsoluteContraindication, OWL.disjointWith, BC.RelativeContraindication) in asserted
    with pytest.raises(owlready2.OwlReadyInconsistentOntologyError):
        hermit([*asserted, *clash], tmp_path)


def test_hermit_reports_unsatisfiable_classes(asserted: Graph, tmp_path: Path) -> None:
    impossible = URIRef(str(BC) + "AbsoluteAndRelativeContraindication")
    extra = [
        (impossible, RDF.type, OWL.Class),
        (impossible, RDFS.subClassOf, BC.AbsoluteContraindication),
        (impossible, RDFS.subClassOf, BC.RelativeContraindication),
    ]
    world = hermit([*asserted, *extra], tmp_path)
    assert unsatisfiable(world) == sorted([str(impossible), str(OWL.Nothing)])
