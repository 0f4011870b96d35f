"""Resolving slugs, prefixed names, IRIs and labels to the IRIs of a graph."""

from __future__ import annotations

import pytest
from rdflib import RDF, Dataset, Graph, Literal, URIRef

from backcare_kg import ParameterError
from backcare_kg.rdf.names import short_iri
from backcare_kg.sparql.engines import OxigraphEngine, RdflibEngine
from backcare_kg.sparql.term_resolver import TermResolver, normalize
from backcare_kg.vocab import BC, BCR

DATA = """
@prefix bc: <https://w3id.org/backcare-kg/ontology#> .
@prefix bcr: <https://w3id.org/backcare-kg/resource/> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
bc:MindBodyActivity rdfs:subClassOf bc:Activity ; rdfs:label "mind-body activity"@en .
bcr:balance a bc:PhysicalCapacity ; rdfs:label "balance"@en, "equilibrio"@es .
bcr:body-stability a bc:PhysicalCapacity ;
    skos:prefLabel "body stability"@en, "estabilidad corporal"@es .
bcr:strength a bc:PhysicalCapacity ; rdfs:label "strength"@en, "fuerza"@es .
bcr:flexibility a bc:PhysicalCapacity ; rdfs:label "flexibility"@en, "flexibilidad"@es .
bcr:chronic-phase a bc:PainPhase ; rdfs:label "chronic phase"@en, "fase crónica"@es .
bcr:acute-phase a bc:PainPhase ; rdfs:label "acute phase"@en, "fase aguda"@es .
bcr:acute-pain a bc:RelativeContraindication ; rdfs:label "acute pain"@en .
bcr:pilates a bc:MindBodyActivity ; rdfs:label "Pilates"@en ;
    skos:altLabel "método Pilates"@es .
bcr:healing-swimming a bc:Activity ; rdfs:label "healing swimming"@en, "natación"@es .
"""


@pytest.fixture(scope="module")
def graph() -> Graph:
    g = Graph()
    g.parse(data=DATA, format="turtle")
    return g


@pytest.fixture(scope="module", params=["graph", "oxigraph", "rdflib"])
def resolver(graph: Graph, request: pytest.FixtureRequest) -> TermResolver:
    """The same resolver over the rdflib graph, and through each query engine (SPARQL)."""
    if request.param == "oxigraph":
        return TermResolver.from_engine(OxigraphEngine.from_dataset(graph))
    if request.param == "rdflib":
        return TermResolver.from_engine(RdflibEngine(graph))
    return TermResolver(graph)


@pytest.mark.parametrize(
    ("value", "kind", "expected"),
    [
        ("balance", None, BCR.balance),  # slug
        ("body-stability", BC.PhysicalCapacity, BCR["body-stability"]),  # slug, of the kind
        ("bcr:strength", None, BCR.strength),  # prefixed name
        ("bc:Activity", None, BC.Activity),
        ("https://w3id.org/backcare-kg/resource/yoga", None, BCR.yoga),  # IRI, not checked
        ("<http://example.org/x>", BC.PainPhase, URIRef("http://example.org/x")),
        ("Equilibrio", None, BCR.balance),  # Spanish label
        ("equilibrio", BC.PhysicalCapacity, BCR.balance),
        ("  EQUILÍBRIO ", None, BCR.balance),  # case, accents
        ("Fuerza", BC.PhysicalCapacity, BCR.strength),
        ("Body   Stability", None, BCR["body-stability"]),  # whitespace
        ("estabilidad corporal", None, BCR["body-stability"]),  # skos:prefLabel
        ("Método Pilates", None, BCR.pilates),  # skos:altLabel
        ("natacion", BC.Activity, BCR["healing-swimming"]),
        ("chronic", BC.PainPhase, BCR["chronic-phase"]),  # first word
        ("chronic", None, BCR["chronic-phase"]),
        ("healing", BC.Activity, BCR["healing-swimming"]),
        ("crónica", BC.PainPhase, BCR["chronic-phase"]),  # a word inside
        ("aguda", None, BCR["acute-phase"]),
        ("pilates", BC.Activity, BCR.pilates),  # via subClassOf
        ("mind body activity", None, BC.MindBodyActivity),  # a class's label
    ],
)
def test_resolves(
    resolver: TermResolver, value: str, kind: URIRef | None, expected: URIRef
) -> None:
    assert resolver.resolve(value, kind) == expected


def test_a_uriref_passes_through(resolver: TermResolver) -> None:
    iri = URIRef("http://example.org/anything")
    assert resolver.resolve(iri, BC.PainPhase) is iri


@pytest.mark.parametrize(
    ("value", "kind", "matches"),
    [
        ("phase", BC.PainPhase, ["acute-phase", "chronic-phase"]),
        ("fase", None, ["acute-phase", "chronic-phase"]),
        ("acute", None, ["acute-pain", "acute-phase"]),
    ],
)
def test_ambiguity(
    resolver: TermResolver, value: str, kind: URIRef | None, matches: list[str]
) -> None:
    with pytest.raises(ParameterError) as info:
        resolver.resolve(value, kind, parameter="phase")
    assert info.value.accepted == matches
    assert info.value.parameter == "phase"
    assert "matches more than one" in str(info.value)


def test_kind_disambiguates(resolver: TermResolver) -> None:
    assert resolver.resolve("acute", BC.PainPhase) == BCR["acute-phase"]
    assert resolver.resolve("acute", BC.RelativeContraindication) == BCR["acute-pain"]


def test_no_match_lists_candidates_of_the_kind(resolver: TermResolver) -> None:
    with pytest.raises(ParameterError) as info:
        resolver.resolve("balanse", BC.PhysicalCapacity)
    assert info.value.accepted[0] == "balance"
    assert sorted(info.value.accepted) == ["balance", "body-stability", "flexibility", "strength"]
    assert str(info.value).startswith("no bc:PhysicalCapacity matches 'balanse' (accepted: ")


def test_a_slug_of_another_kind_does_not_match(resolver: TermResolver) -> None:
    with pytest.raises(ParameterError) as info:
        resolver.resolve("balance", BC.PainPhase)
    assert info.value.accepted == ["acute-phase", "chronic-phase"]


def test_no_match_lists_at_most_ten() -> None:
    g = Graph()
    for i in range(14):
        g.add((BCR[f"thing-{i:02d}"], RDF.type, BC.Thing))
    with pytest.raises(ParameterError) as info:
        TermResolver(g).resolve("thing-99", BC.Thing)
    assert len(info.value.accepted) == 11
    assert info.value.accepted[-1] == "and 4 more"


@pytest.mark.parametrize("value", ["", "   ", "<not an iri>", "http://a b"])
def test_malformed_values(resolver: TermResolver, value: str) -> None:
    with pytest.raises(ParameterError):
        resolver.resolve(value)


def test_non_text_values_are_refused(resolver: TermResolver) -> None:
    with pytest.raises(ParameterError, match="not int"):
        resolver.resolve(5)  # type: ignore[arg-type]


def test_an_unknown_prefix_is_no_prefixed_name(resolver: TermResolver) -> None:
    with pytest.raises(ParameterError, match="no resource matches 'zz:balance'"):
        resolver.resolve("zz:balance")


@pytest.mark.parametrize("through", ["graph", "oxigraph"])
def test_works_over_all_graphs_of_a_dataset(through: str) -> None:
    ds = Dataset()
    ds.graph(URIRef("http://example.org/asserted")).parse(data=DATA, format="turtle")
    ds.graph(URIRef("http://example.org/inferred")).add(
        (BCR.pilates, RDF.type, BC.RecommendedActivity)
    )
    resolver = (TermResolver.from_engine(OxigraphEngine.from_dataset(ds)) if through == "oxigraph"
                else TermResolver(ds))
    assert resolver.resolve("equilibrio", BC.PhysicalCapacity) == BCR.balance
    assert resolver.resolve("pilates", BC.RecommendedActivity) == BCR.pilates
    assert resolver.names(BC.PainPhase) == ["acute-phase", "chronic-phase"]


def test_the_index_is_built_once() -> None:
    g = Graph()
    g.parse(data=DATA, format="turtle")
    resolver = TermResolver(g)
    assert resolver.resolve("fuerza") == BCR.strength
    g.add((BCR.yoga, URIRef("http://www.w3.org/2000/01/rdf-schema#label"), Literal("yoga")))
    with pytest.raises(ParameterError):
        resolver.resolve("yoga")
    assert TermResolver(g).resolve("yoga") == BCR.yoga


def test_helpers() -> None:
    assert normalize("  Fase  CRÓNICA, (dolor)_lumbar ") == "fase cronica dolor lumbar"
    assert short_iri(BC.Activity, angle_brackets=True) == "bc:Activity"
    assert short_iri("http://example.org/x", angle_brackets=True) == "<http://example.org/x>"
    assert TermResolver.display(BCR["acute-phase"]) == "acute-phase"
