"""The path for large inputs: files parsed by pyoxigraph, materialized, N-Triples out."""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox
import pytest
from rdflib import Graph, Literal, URIRef
from support.graph_shapes import RULE_INPUTS, generate
from support.support_graphs import level_rows

from backcare_kg import DataError, ParameterError
from backcare_kg.reasoning.bulk import materialize_files
from backcare_kg.reasoning.materialize import infer
from backcare_kg.reasoning.rules import Rule, load_rules
from backcare_kg.storage import files
from backcare_kg.storage.loading import load_files
from backcare_kg.vocab import SUPPORT_GRAPH

ASSERTED = "https://w3id.org/backcare-kg/graph/asserted"
INFERRED = "https://w3id.org/backcare-kg/graph/inferred"
SUPPORT = str(SUPPORT_GRAPH)
XSD_STRING = URIRef("http://www.w3.org/2001/XMLSchema#string")
# The ontology and the data files: 548 + 859 (claims) + 344 (entities) + 660 (licenses, what
# licenses each content statement) + 419 (source).
ASSERTED_TRIPLES = 2830
# What the reasoners infer from them (tests/reasoning/test_reasoners.py pins the same number).
INFERRED_TRIPLES = 570


@pytest.fixture(scope="module")
def rules() -> list[Rule]:
    return load_rules(files.rule_files())


@pytest.fixture(scope="module")
def generated_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("bulk") / "generated.ttl"
    path.write_text(generate(150, seed=11), encoding="utf-8")
    return path


@pytest.mark.parametrize("with_generated", [False, True], ids=["bundled", "bundled+generated"])
def test_same_graphs_as_through_rdflib(
    with_generated: bool, rules: list[Rule], generated_file: Path
) -> None:
    paths = files.asserted_files() + ([generated_file] if with_generated else [])
    bulk = materialize_files(paths, rules)
    asserted = load_files(paths)
    inferred, support = infer(asserted, rules)
    # the same triples, blank node labels included (the support graph's statement nodes too)
    assert set(bulk.graph("inferred")) == set(inferred)
    assert level_rows(bulk.graph("support")) == level_rows(support)
    assert len(support) > 0
    # pyoxigraph reads "x"^^xsd:string as "x" (one term in RDF 1.1); rdflib keeps two
    assert set(bulk.graph("asserted")) == {
        (s, p, Literal(str(o)) if isinstance(o, Literal) and o.datatype == XSD_STRING else o)
        for s, p, o in asserted
    }
    # two rounds a stage (entailed, generalized, editorial): its rules and readings, then
    # nothing new
    assert bulk.rounds == 6
    assert bulk.noise > 0


def test_the_reference_reasoner_on_the_bulk_path(rules: list[Rule], tmp_path: Path) -> None:
    inputs = tmp_path / "inputs.ttl"
    inputs.write_text(RULE_INPUTS + generate(5, seed=12), encoding="utf-8")
    paths = [files.ontology_dir() / "backcare.ttl", inputs]
    reference = materialize_files(paths, rules, reasoner="owlrl")
    compiled = materialize_files(paths, rules, reasoner="compiled")
    assert set(compiled.triples()) == set(reference.triples())
    assert level_rows(compiled.graph("support")) == level_rows(reference.graph("support"))
    assert sorted(compiled.ntriples("support").splitlines()) == sorted(
        reference.ntriples("support").splitlines()
    )  # the statement nodes' labels too
    assert len(reference.inferred) > 500


def test_n_triples_and_store(rules: list[Rule]) -> None:
    bulk = materialize_files(files.asserted_files(), rules)
    inferred = Graph().parse(data=bulk.ntriples("inferred").decode("utf-8"), format="nt")
    assert len(inferred) == INFERRED_TRIPLES
    support = Graph().parse(data=bulk.ntriples("support").decode("utf-8"), format="nt")
    statements = sum(map(len, bulk.support.values()))
    assert len(support) == 5 * statements  # rdf:type, subject, predicate, object, level
    store = ox.Store()
    bulk.load_into(store, ASSERTED, INFERRED, SUPPORT)
    assert len(store) == ASSERTED_TRIPLES + INFERRED_TRIPLES + 5 * statements
    count = "SELECT (COUNT(*) AS ?n) WHERE { GRAPH <%s> { ?s ?p ?o } }"
    for graph, n in ((ASSERTED, ASSERTED_TRIPLES), (INFERRED, INFERRED_TRIPLES),
                     (SUPPORT, 5 * statements)):
        (row,) = store.query(count % graph)
        assert int(row["n"].value) == n
    assert len(list(bulk.triples("asserted"))) == ASSERTED_TRIPLES
    with pytest.raises(ValueError, match="which must be"):
        bulk.ntriples("both")


def test_blank_nodes_are_scoped_to_their_file_and_stable(tmp_path: Path) -> None:
    one, two = tmp_path / "one.ttl", tmp_path / "two.nt"
    one.write_text("@prefix : <http://example.org/> .\n_:x :p :a .\n:b :q [ :r 1 ] .\n")
    two.write_text("_:x <http://example.org/p> <http://example.org/c> .\n")
    first = set(materialize_files([one, two], []).triples("asserted"))
    again = set(materialize_files([one, two], []).triples("asserted"))
    assert first == again
    subjects = {s for s, p, _ in first if p.value == "http://example.org/p"}
    assert len(subjects) == 2  # _:x in one file is not _:x in the other


@pytest.mark.parametrize(
    ("name", "text", "message"),
    [
        ("bad.ttl", '@prefix : <http://e/> .\n:a :b :c .\n:a :b "open .\n', r"bad\.ttl:3: "),
        ("bad.nt", "<http://e/a> <http://e/b> .\n", r"bad\.nt:1: "),
        ("data.csv", "a,b\n", "unknown RDF file extension '.csv'"),
        ("f.n3", "@prefix : <http://e/> .\n:a :says { :b :c :d } .\n", "Notation3 formulas"),
    ],
)
def test_malformed_input_is_a_data_error(
    tmp_path: Path, name: str, text: str, message: str
) -> None:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    with pytest.raises(DataError, match=message):
        materialize_files([path], [])


def test_missing_file_and_unknown_reasoner(tmp_path: Path) -> None:
    with pytest.raises(DataError, match="missing.ttl: file not found"):
        materialize_files([tmp_path / "missing.ttl"], [])
    with pytest.raises(ParameterError, match="unknown reasoner 'fast'"):
        materialize_files(files.asserted_files(), [], reasoner="fast")
