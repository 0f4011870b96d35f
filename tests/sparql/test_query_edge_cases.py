"""Named queries on shapes the bundled data lacks but users' data may have."""

from __future__ import annotations

from pathlib import Path

import pytest
from rdflib import Literal

from backcare_kg import KnowledgeGraph
from backcare_kg.vocab import BC, BCR

PHASELESS = """\
@prefix bc: <https://w3id.org/backcare-kg/ontology#> .
@prefix bcr: <https://w3id.org/backcare-kg/resource/> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
bcr:test-phaseless a bc:AbsoluteContraindication ;
    skos:prefLabel "a contraindication in no phase"@en .
"""


@pytest.fixture(scope="module")
def extra(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("edge") / "phaseless.ttl"
    path.write_text(PHASELESS, encoding="utf-8")
    return path


@pytest.mark.parametrize("engine", ["oxigraph", "rdflib"])
def test_a_contraindication_without_a_phase_gets_no_phase(extra: Path, engine: str) -> None:
    """One row, with the phase and its label unbound (not one row per labelled resource)."""
    kg = KnowledgeGraph.load(extra=[extra], engine=engine)
    rows = [r for r in kg.run("contraindications-by-phase").rows
            if r["contraindication"] == BCR["test-phaseless"]]
    assert rows == [{"contraindication": BCR["test-phaseless"],
                     "contraindicationLabel": Literal("a contraindication in no phase",
                                                      lang="en"),
                     "kind": Literal("absolute"), "phase": None, "phaseLabel": None,
                     # the user's file says it (its kind), and no activity has it
                     "support": BC.Stated, "activities": Literal(0),
                     "activitiesSupport": None}]
    # Asked for a phase, it is left out; the bundled one (acute pain) stays.
    asked = kg.run("contraindications-by-phase", phase="acute-phase").rows
    assert [r["contraindication"] for r in asked] == [BCR["acute-pain"]]
