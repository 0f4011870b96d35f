"""validate's checks of issue 14: a license for every statement about a resource of ours, a
kind for every rule, one support level for every statement.

Each breakage is made in a private copy of the bundle (:mod:`support.bundles`), in a new
file, so that no line of the bundle moves: a test compares the problems of the broken copy
with those of the bundle itself and asserts exactly what the breakage adds, whatever the
state of data/licenses.ttl. :func:`test_every_content_statement_of_the_bundle_is_licensed`
(and ``test_bundled_files_are_valid`` in test_validation.py) pass once it licenses every
content statement. The command line runs through its real entry point on such copies.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, FOAF, OWL, PROV, RDF, RDFS, SKOS, VANN, NamespaceManager
from rdflib.term import Node
from support.bundles import UNLICENSED, copy_bundle, copy_checkout, edit, line_of
from support.cli_runs import cli

from backcare_kg import KnowledgeGraph
from backcare_kg.checks.findings import Finding
from backcare_kg.checks.licenses import DOCUMENTATION_PREDICATES, check_licenses
from backcare_kg.checks.support import check_support, editorial_of
from backcare_kg.checks.validation import validate_bundle
from backcare_kg.rdf.support_levels import EDITORIAL, STATED, statement_node, support_triples
from backcare_kg.vocab import BC, BCR, OA, PREFIXES, SCHEMA

PREFIX_LINES = "".join(f"@prefix {p}: <{ns}> .\n" for p, ns in PREFIXES.items())
YOURS = (
    "a statement of yours about a resource of backcare-kg (bcr:), which no claim licenses: "
    "license it with a bc:Claim of yours (bc:licenses), or describe your resource under an "
    "IRI of your own"
)
# Yoga improves body stability: a statement the source never makes (sentence 24 names
# flexibility, muscle strength and balance).
UNSAID = "bcr:yoga bc:improves bcr:body-stability ."


@pytest.fixture(scope="module")
def baseline() -> set[str]:
    """The problems of the bundle as it is (relative paths, as in a copy of it)."""
    return set(validate_bundle())


@pytest.fixture()
def bundle(tmp_path: Path) -> Path:
    return copy_bundle(tmp_path / "bundle")


def added(baseline: set[str], root: Path | None = None, extra: tuple[Path, ...] = ()) -> list[str]:
    """The problems the breakage adds to those of the bundle."""
    return [p for p in validate_bundle(list(extra), root=root) if p not in baseline]


def write(path: Path, body: str) -> Path:
    """A Turtle file with every prefix declared, then ``body``."""
    path.write_text(PREFIX_LINES + "\n" + body, encoding="utf-8")
    return path


def names() -> Callable[[Node], str]:
    manager = NamespaceManager(Graph(bind_namespaces="core"), bind_namespaces="core")
    for prefix, namespace in PREFIXES.items():
        manager.bind(prefix, namespace, override=True, replace=True)
    return lambda node: node.n3(manager)


# -- (a) licenses -----------------------------------------------------------------------------


def test_unlicensed_statement_is_reported_at_its_file_and_line(
    baseline: set[str], bundle: Path
) -> None:
    mine = write(bundle / "data" / "zz-test.ttl", UNSAID + "\n")
    line = line_of(mine, "bcr:yoga bc:improves")
    assert added(baseline, bundle) == [
        f"data/zz-test.ttl:{line}: bcr:yoga bc:improves bcr:body-stability: {UNLICENSED}"
    ]


@pytest.mark.parametrize("who", ["bcr:claim-selection-criterion", "bcr:reading-yoga-heading"])
def test_a_claim_or_an_editorial_reading_licenses_it(
    baseline: set[str], bundle: Path, who: str
) -> None:
    write(
        bundle / "data" / "zz-test.ttl",
        f"{UNSAID}\n{who} bc:licenses [ a rdf:Statement ; rdf:subject bcr:yoga ;\n"
        "    rdf:predicate bc:improves ; rdf:object bcr:body-stability ] .\n",
    )
    assert added(baseline, bundle) == []


def test_a_license_of_a_statement_not_asserted(baseline: set[str], bundle: Path) -> None:
    mine = write(
        bundle / "data" / "zz-test.ttl",
        "bcr:reading-yoga-heading bc:licenses [ a rdf:Statement ; rdf:subject bcr:yoga ;\n"
        "    rdf:predicate bc:improves ; rdf:object bcr:body-stability ] .\n",
    )
    line = line_of(mine, "bcr:reading-yoga-heading")
    assert added(baseline, bundle) == [
        f"data/zz-test.ttl:{line}: bcr:reading-yoga-heading/bc:licenses: licenses bcr:yoga "
        "bc:improves bcr:body-stability, which is not asserted: correct the statement it "
        "names, or remove the license"
    ]


def test_a_license_names_one_statement(baseline: set[str], bundle: Path) -> None:
    mine = write(
        bundle / "data" / "zz-test.ttl",
        "bcr:reading-yoga-heading bc:licenses [ a rdf:Statement ; rdf:subject bcr:yoga ;\n"
        "    rdf:predicate bc:improves ; rdf:object bcr:balance , bcr:strength ] .\n",
    )
    line = line_of(mine, "bcr:reading-yoga-heading")
    assert added(baseline, bundle) == [
        f"data/zz-test.ttl:{line}: bcr:reading-yoga-heading/bc:licenses: a license names one "
        "statement, with exactly one rdf:subject, rdf:predicate and rdf:object (this one has "
        "2 rdf:object)"
    ]


def test_only_claims_and_readings_license(baseline: set[str], bundle: Path) -> None:
    mine = write(
        bundle / "data" / "zz-test.ttl",
        "bcr:yoga bc:licenses [ a rdf:Statement ; rdf:subject bcr:yoga ;\n"
        "    rdf:predicate bc:improves ; rdf:object bcr:balance ] .\n",
    )
    line = line_of(mine, "bcr:yoga bc:licenses")
    assert added(baseline, bundle) == [
        f"data/zz-test.ttl:{line}: bcr:yoga/bc:licenses: bcr:yoga is neither a claim "
        "(bc:Claim) nor an editorial reading (bc:EditorialReading): only those license "
        "statements",
        f"data/zz-test.ttl:{line}: bcr:yoga bc:licenses []: {UNLICENSED}",
    ]


def test_what_needs_no_license() -> None:
    """Documentation, metadata and the provenance layer need no license; subjects outside
    bcr: neither. Of all these statements only ``bcr:yoga a bc:Activity`` needs one."""
    g = Graph()
    thing, yoga = BCR["thing"], BCR["yoga"]
    for predicate in DOCUMENTATION_PREDICATES:
        g.add((thing, predicate, Literal("documentation")))
    for predicate in (DCTERMS.source, VANN.preferredNamespacePrefix, FOAF.page):
        g.add((thing, predicate, Literal("metadata")))
    claim, reading, sentence, document = (
        BCR[n] for n in ("claim-x", "reading-x", "sentence-x", "document-x")
    )
    target, selector, annotation, license_ = BNode(), BNode(), BCR["annotation-x"], BNode()
    g.add((claim, RDF.type, BC.Recommendation))  # a claim through rdfs:subClassOf
    g.add((BC.Recommendation, RDFS.subClassOf, BC.Claim))
    g.add((claim, BC.about, yoga))
    g.add((claim, OA.hasTarget, target))
    g.add((target, OA.hasSelector, selector))
    g.add((selector, OA.exact, Literal("yoga")))
    g.add((reading, RDF.type, BC.EditorialReading))
    g.add((reading, PROV.wasAttributedTo, BCR["editors"]))
    g.add((BCR["editors"], RDF.type, PROV.Organization))
    g.add((reading, BC.licenses, license_))
    g.add((license_, RDF.subject, yoga))
    g.add((license_, RDF.predicate, RDF.type))
    g.add((license_, RDF.object, BC.MindBodyActivity))
    g.add((yoga, RDF.type, BC.MindBodyActivity))
    g.add((sentence, RDF.type, BC.Sentence))
    g.add((sentence, BC.position, Literal(1)))
    g.add((document, RDF.type, BC.SourceDocument))
    g.add((document, SCHEMA.contentUrl, Literal("article.txt")))
    g.add((annotation, RDF.type, OA.Annotation))
    g.add((annotation, OA.motivatedBy, OA.identifying))
    g.add((BCR["scheme"], RDF.type, SKOS.ConceptScheme))
    g.add((BCR["scheme"], OWL.versionInfo, Literal("1")))
    g.add((URIRef("https://example.org/rowing"), BC.improves, BCR["strength"]))
    g.add((yoga, RDF.type, BC.Activity))
    assert list(check_licenses(g, names())) == [
        Finding(yoga, UNLICENSED, RDF.type, BC.Activity, statement=True)
    ]


def test_a_users_statement_about_our_resource_is_reported(
    baseline: set[str], tmp_path: Path
) -> None:
    mine = write(tmp_path / "mine.ttl", UNSAID + "\n")
    line = line_of(mine, "bcr:yoga")
    assert added(baseline, extra=(mine,)) == [
        f"{mine}:{line}: bcr:yoga bc:improves bcr:body-stability: {YOURS}"
    ]


def test_a_users_own_resources_need_no_license(baseline: set[str], tmp_path: Path) -> None:
    mine = write(tmp_path / "mine.ttl", "<https://example.org/rowing> bc:improves bcr:strength .\n")
    assert added(baseline, extra=(mine,)) == []


def test_cli_fails_on_a_users_unlicensed_statement(tmp_path: Path) -> None:
    mine = write(tmp_path / "mine.ttl", UNSAID + "\n")
    run = cli("--with", str(mine), "validate")
    assert run.code == 1
    line = line_of(mine, "bcr:yoga")
    assert f"{mine}:{line}: bcr:yoga bc:improves bcr:body-stability: {YOURS}" in run.lines
    assert run.err.endswith(" found\n")


def test_every_content_statement_of_the_bundle_is_licensed() -> None:
    """Depends on data/licenses.ttl licensing every content statement."""
    assert [p for p in validate_bundle() if p.endswith(UNLICENSED)] == []


# -- (b) rules without a kind -------------------------------------------------------------------

RULE = "suggested-activity.rq"


def test_rule_without_a_kind(baseline: set[str], bundle: Path) -> None:
    rule = bundle / "ontology" / "rules" / RULE
    edit(rule, "#+ kind: strict\n", "")
    assert added(baseline, bundle) == [
        f"ontology/rules/{RULE}:1: missing '#+ kind:' header line (required: summary, claim, kind)"
    ]


def test_rule_with_an_unknown_kind(baseline: set[str], bundle: Path) -> None:
    rule = bundle / "ontology" / "rules" / RULE
    edit(rule, "#+ kind: strict\n", "#+ kind: general\n")
    assert added(baseline, bundle) == [
        f"ontology/rules/{RULE}:{line_of(rule, '#+ kind:')}: unknown rule kind 'general' "
        "(accepted: strict, generalization): say whether the claim says it of each thing "
        "(strict) or of exercise in general (generalization)"
    ]


def test_cli_fails_on_a_rule_without_a_kind(tmp_path: Path) -> None:
    """The real command line, on a copy of the checkout whose rules directory has a rule
    without a kind: a problem at file:line and exit status 1, not a traceback."""
    checkout = copy_checkout(tmp_path / "checkout")
    edit(checkout / "ontology" / "rules" / RULE, "#+ kind: strict\n", "")
    run = cli("validate", cwd=checkout, command=[sys.executable, "-m", "backcare_kg"])
    assert run.code == 1
    assert (
        f"ontology/rules/{RULE}:1: missing '#+ kind:' header line (required: summary, claim, "
        "kind)" in run.lines
    )


def test_rules_that_are_not_stratified(baseline: set[str], bundle: Path) -> None:
    """A strict rule asking for the absence of what a generalization rule concludes later."""
    (bundle / "ontology" / "rules" / "zz-unstratified.rq").write_text(
        "#+ summary: Unstratified, for a test\n"
        "#+ claim: bcr:claim-selection-criterion\n"
        "#+ kind: strict\n"
        "CONSTRUCT { ?a bc:requiresSupervision false }\n"
        "WHERE { ?a a bc:Activity . FILTER NOT EXISTS { ?a bc:supportsGoal bcr:analgesia } }\n",
        encoding="utf-8",
    )
    problems = added(baseline, bundle)
    assert len(problems) == 1, problems
    assert problems[0].startswith("ontology/rules:1: inference failed: the rules ")
    assert "zz-unstratified" in problems[0] and "are not stratified" in problems[0]


# -- (c) one support level for every statement ------------------------------------------------


def test_an_asserted_support_level_is_reported(baseline: set[str], bundle: Path) -> None:
    mine = write(
        bundle / "data" / "zz-test.ttl",
        "[] a rdf:Statement ; rdf:subject bcr:yoga ; rdf:predicate bc:improves ;\n"
        "   rdf:object bcr:balance ;\n"
        "   bc:supportLevel bc:Editorial .\n",
    )
    line = line_of(mine, "bc:supportLevel bc:Editorial")
    assert added(baseline, bundle) == [
        f"data/zz-test.ttl:{line}: [] bc:supportLevel bc:Editorial: support levels are computed "
        "by the reasoner into the support graph, never asserted: mark an editorial statement "
        "with the bc:licenses of its editorial reading instead"
    ]


def test_cli_fails_on_an_asserted_support_level(tmp_path: Path) -> None:
    mine = write(
        tmp_path / "mine.ttl",
        "[] a rdf:Statement ; rdf:subject bcr:yoga ; rdf:predicate bc:improves ;\n"
        "   rdf:object bcr:balance ; bc:supportLevel bc:Stated .\n",
    )
    run = cli("--with", str(mine), "validate")
    assert run.code == 1
    line = line_of(mine, "bc:supportLevel")
    assert [p for p in run.lines if p.startswith(f"{mine}:")] == [
        f"{mine}:{line}: [] bc:supportLevel bc:Stated: support levels are computed by the "
        "reasoner into the support graph, never asserted: mark an editorial statement with "
        "the bc:licenses of its editorial reading instead"
    ]


# Statements of the bundle and their levels (tests/reasoning pins them): Body Foundation
# typed strength training is an editorial reading (sentence 21); each activity supporting
# each goal is a generalization (sentence 8); yoga improving balance is stated (sentence 24).
BODY_FOUNDATION = (BCR["body-foundation"], RDF.type, BC.StrengthTraining)
YOGA_ANALGESIA = (BCR["yoga"], BC.supportsGoal, BCR["analgesia"])
YOGA_BALANCE = (BCR["yoga"], BC.improves, BCR["balance"])
YOGA_STABILITY = (BCR["yoga"], BC.improves, BCR["body-stability"])


def about(statement: tuple[Node, Node, Node], message: str) -> Finding:
    """A finding about ``statement``, named whole in the message."""
    s, p, o = statement
    return Finding(s, message, p, o, statement=True)


def _set_level(support: Graph, statement: tuple[Node, Node, Node], *levels: Node) -> None:
    node = statement_node(*statement)
    support.remove((node, BC.supportLevel, None))
    for level in levels:
        support.add((node, BC.supportLevel, level))


def _remove(support: Graph, statement: tuple[Node, Node, Node]) -> None:
    support.remove((statement_node(*statement), None, None))


def _add(support: Graph, level: int, statement: tuple[Node, Node, Node]) -> None:
    for triple in support_triples({level: [statement]}):
        support.add(triple)


def _second_object(support: Graph, statement: tuple[Node, Node, Node]) -> None:
    support.add((statement_node(*statement), RDF.object, BCR["pilates"]))


TAMPERINGS: dict[str, tuple[Callable[[Graph], None], Finding]] = {
    "editorial statement unlisted": (
        lambda g: _remove(g, BODY_FOUNDATION),
        about(
            BODY_FOUNDATION,
            "the data marks this statement editorial (an editorial reading licenses it, no "
            "claim does), but the support graph gives it no level: it reads as stated",
        ),
    ),
    "statement in neither graph": (
        lambda g: _add(g, EDITORIAL, YOGA_STABILITY),
        about(
            YOGA_STABILITY,
            "the support graph gives a level to a statement that is in neither the asserted "
            "nor the inferred graph",
        ),
    ),
    "no level": (
        lambda g: _set_level(g, YOGA_ANALGESIA),
        about(
            YOGA_ANALGESIA,
            "a statement has one support level; the support graph gives none",
        ),
    ),
    "two levels": (
        lambda g: _set_level(g, YOGA_ANALGESIA, BC.Generalized, BC.Editorial),
        about(
            YOGA_ANALGESIA,
            "a statement has one support level; the support graph gives bc:Editorial, "
            "bc:Generalized",
        ),
    ),
    "not a level": (
        lambda g: _set_level(g, YOGA_ANALGESIA, BCR["yoga"]),
        about(
            YOGA_ANALGESIA,
            "bcr:yoga is not a support level (accepted: bc:Stated, bc:Entailed, "
            "bc:Generalized, bc:Editorial)",
        ),
    ),
    "inferred at its default": (
        lambda g: _set_level(g, YOGA_ANALGESIA, BC.Entailed),
        about(
            YOGA_ANALGESIA,
            "the support graph lists an inferred statement at its graph's default level "
            "(entailed): it lists only the others",
        ),
    ),
    "inferred stated": (
        lambda g: _set_level(g, YOGA_ANALGESIA, BC.Stated),
        about(
            YOGA_ANALGESIA,
            "an inferred statement cannot be stated: only asserted ones are",
        ),
    ),
    "asserted at its default": (
        lambda g: _add(g, STATED, YOGA_BALANCE),
        about(
            YOGA_BALANCE,
            "the support graph lists an asserted statement at its graph's default level "
            "(stated): it lists only the others",
        ),
    ),
    "two objects": (
        lambda g: _second_object(g, YOGA_ANALGESIA),
        Finding(
            BCR["yoga"],
            "the support graph holds an rdf:Statement that does not name exactly one "
            "statement (1 rdf:subject, 1 rdf:predicate, 2 rdf:object)",
        ),
    ),
}


@pytest.fixture(scope="module")
def editorial(kg: KnowledgeGraph) -> set[tuple[Node, Node, Node]]:
    return editorial_of(kg.asserted)


def test_the_reasoners_support_levels_agree_with_its_graphs(
    kg: KnowledgeGraph, editorial: set[tuple[Node, Node, Node]]
) -> None:
    assert BODY_FOUNDATION in editorial
    found = check_support(kg.asserted, kg.inferred, kg.support_graph, names(), editorial)
    assert list(found) == []


@pytest.mark.parametrize("case", list(TAMPERINGS))
def test_a_disagreeing_support_graph_is_reported(
    kg: KnowledgeGraph, editorial: set[tuple[Node, Node, Node]], case: str
) -> None:
    tamper, expected = TAMPERINGS[case]
    support = Graph()
    for triple in kg.support_graph:
        support.add(triple)
    tamper(support)
    found = check_support(kg.asserted, kg.inferred, support, names(), editorial)
    assert list(found) == [expected]
