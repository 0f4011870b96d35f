"""Mappings to outside vocabularies: each one checked against its publisher, and no stronger
than the source allows.

``data/mappings.csv`` records, for every external identifier the ontology and the data use,
the label its publisher gives it, where that record was read and when, which of our terms use
it and how. The tests hold the Turtle files and that record to each other both ways, and hold
the mappings to the rules of issue 14: one exactMatch per external term, none from a resource
whose identity is an editorial reading of ours, and near terms no closer than they are.
"""

from __future__ import annotations

import csv
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pytest
from rdflib import Graph, URIRef
from rdflib.namespace import DCTERMS, SKOS
from rdflib.term import Node

from backcare_kg.storage import files
from backcare_kg.vocab import BC, BCR

MAPPINGS_CSV = files.data_dir() / "mappings.csv"
COLUMNS = ["identifier", "label_as_published", "checked_in", "checked_on", "used_by", "relation"]

#: Namespaces of outside vocabularies, by the prefix the record uses.
PREFIXES = {
    "mesh": "http://id.nlm.nih.gov/mesh/",
    "obo": "http://purl.obolibrary.org/obo/",
    "schema": "https://schema.org/",
    "skos": str(SKOS),
    "dcterms": str(DCTERMS),
    "bc": str(BC),
    "bcr": str(BCR),
}
OUTSIDE = ("mesh", "obo", "schema")
MAPPING_PROPERTIES = (
    SKOS.exactMatch,
    SKOS.closeMatch,
    SKOS.relatedMatch,
    SKOS.broadMatch,
    SKOS.narrowMatch,
)
#: Resources whose identity is an editorial reading (a lost heading named by us).
READ_IDENTITIES = ("pilates", "suspension-training", "yoga")


def _expand(curie: str) -> URIRef:
    prefix, _, local = curie.partition(":")
    assert prefix in PREFIXES, f"unknown prefix in {curie!r}"
    return URIRef(PREFIXES[prefix] + local)


def _turtle_files() -> list[Path]:
    return sorted(files.ontology_dir().glob("*.ttl")) + sorted(files.data_dir().rglob("*.ttl"))


@pytest.fixture(scope="module")
def turtle() -> Graph:
    """Every Turtle file of ontology/ and data/, shapes included, read as they are."""
    graph = Graph()
    for path in _turtle_files():
        graph.parse(path, format="turtle")
    return graph


@pytest.fixture(scope="module")
def record() -> list[dict[str, str]]:
    with MAPPINGS_CSV.open(encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        assert reader.fieldnames == COLUMNS
        return list(reader)


def _outside(node: Node) -> bool:
    return isinstance(node, URIRef) and str(node).startswith(tuple(PREFIXES[p] for p in OUTSIDE))


def _mappings(graph: Graph) -> Iterator[tuple[Node, Node, Node]]:
    for prop in MAPPING_PROPERTIES:
        for subject, target in graph.subject_objects(prop):
            yield subject, prop, target


def test_record_rows_are_complete(record: list[dict[str, str]]) -> None:
    assert len(record) >= 40
    for row in record:
        assert all(row[c].strip() for c in COLUMNS), row
        assert row["identifier"].split(":")[0] in OUTSIDE, row
        assert row["checked_on"] == "2026-12-08", row
        assert row["checked_in"].startswith("github.com/"), row
    pairs = [(r["identifier"], r["used_by"]) for r in record]
    assert len(pairs) == len(set(pairs)), "one row per identifier and term"


def test_every_coded_identifier_of_the_turtle_files_is_recorded(
    turtle: Graph, record: list[dict[str, str]]
) -> None:
    """Any MeSH or OBO identifier, whatever the predicate (a mapping, a subject heading), was
    checked. schema.org terms used as superclasses or types are the schema.org release's
    (VOCABULARY.md) and need no record unless they are mapping targets."""
    coded = (PREFIXES["mesh"], PREFIXES["obo"])
    used = {o for _, _, o in turtle if isinstance(o, URIRef) and str(o).startswith(coded)}
    recorded = {_expand(r["identifier"]) for r in record}
    assert sorted(map(str, used - recorded)) == []


def test_every_recorded_mapping_is_in_the_data_with_its_relation(
    turtle: Graph, record: list[dict[str, str]]
) -> None:
    for row in record:
        triple = (_expand(row["used_by"]), _expand(row["relation"]), _expand(row["identifier"]))
        said = f"{row['used_by']} {row['relation']} {row['identifier']}"
        assert triple in turtle, f"mappings.csv says {said}; the data does not"


def test_every_mapping_of_the_data_is_recorded_with_its_relation(
    turtle: Graph, record: list[dict[str, str]]
) -> None:
    recorded = {
        (_expand(r["used_by"]), _expand(r["relation"]), _expand(r["identifier"])) for r in record
    }
    stated = set(_mappings(turtle)) | {
        (s, DCTERMS.subject, o) for s, o in turtle.subject_objects(DCTERMS.subject) if _outside(o)
    }
    assert sorted(map(str, stated - recorded)) == []


def test_one_label_per_identifier(record: list[dict[str, str]]) -> None:
    labels: dict[str, set[str]] = {}
    for row in record:
        labels.setdefault(row["identifier"], set()).add(row["label_as_published"])
    assert {i: ls for i, ls in labels.items() if len(ls) != 1} == {}


def test_at_most_one_exact_match_per_external_term(turtle: Graph) -> None:
    counts = Counter(o for o in turtle.objects(None, SKOS.exactMatch))
    assert {str(o): n for o, n in counts.items() if n > 1} == {}


def test_suspension_training_exact_match_is_on_the_class_only(turtle: Graph) -> None:
    exmo = URIRef(PREFIXES["obo"] + "EXMO_0000208")
    assert (BC.SuspensionTraining, SKOS.exactMatch, exmo) in turtle
    assert (BCR["suspension-training"], SKOS.exactMatch, exmo) not in turtle


@pytest.mark.parametrize("slug", READ_IDENTITIES)
def test_no_exact_match_from_a_resource_identified_by_our_reading(slug: str, turtle: Graph) -> None:
    assert list(turtle.objects(BCR[slug], SKOS.exactMatch)) == []


def test_guessed_yoga_is_at_most_close_to_yoga(turtle: Graph) -> None:
    for target in ("http://id.nlm.nih.gov/mesh/D015013", PREFIXES["obo"] + "NCIT_C64897"):
        assert (BCR.yoga, SKOS.closeMatch, URIRef(target)) in turtle


@pytest.mark.parametrize(
    ("slug", "target"),
    [
        ("flexibility", PREFIXES["obo"] + "PATO_0001543"),  # flexibility of a material
        ("flexibility", "http://id.nlm.nih.gov/mesh/D018583"),  # Pliability, a material's
        ("healing-swimming", "http://id.nlm.nih.gov/mesh/D006875"),  # Hydrotherapy
    ],
)
def test_distant_terms_are_only_related(slug: str, target: str, turtle: Graph) -> None:
    assert {p for p in MAPPING_PROPERTIES if (BCR[slug], p, URIRef(target)) in turtle} == {
        SKOS.relatedMatch
    }


def test_exact_matches_are_where_the_source_states_the_identity(turtle: Graph) -> None:
    """The source says "back pain" and "a suspension training system" in its own words."""
    exact = {(s, o) for s, o in turtle.subject_objects(SKOS.exactMatch)}
    assert exact == {
        (BCR["back-pain"], URIRef("http://id.nlm.nih.gov/mesh/D001416")),
        (BC.SuspensionTraining, URIRef(PREFIXES["obo"] + "EXMO_0000208")),
    }
