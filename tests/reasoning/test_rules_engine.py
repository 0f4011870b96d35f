"""The rule engine: rule files (header, query checks) and applying rules to a graph."""

from __future__ import annotations

from pathlib import Path

import pytest
from rdflib import Graph, URIRef
from rdflib.namespace import RDF
from support.naive_rules import apply_rules

from backcare_kg import DataError
from backcare_kg.reasoning.rules import Rule, load_rule, load_rules
from backcare_kg.vocab import BC, BCR

RECOMMEND = """\
#+ summary: An activity that improves balance is recommended
#+ claim: bcr:claim-selection-criterion
#+ description: The experts' selection criterion,
#+   restricted to balance for this test.

CONSTRUCT { ?activity a bc:RecommendedActivity ; bc:justifiedBy bcr:claim-selection-criterion }
WHERE { ?activity a bc:Activity ; bc:improves bcr:balance . }
"""


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def data(turtle: str) -> Graph:
    graph = Graph()
    graph.parse(
        data="@prefix bc: <https://w3id.org/backcare-kg/ontology#> .\n"
        "@prefix bcr: <https://w3id.org/backcare-kg/resource/> .\n" + turtle,
        format="turtle",
    )
    return graph


@pytest.fixture()
def recommend(tmp_path: Path) -> Rule:
    return load_rule(write(tmp_path, "recommend.rq", RECOMMEND))


def test_rule_file_is_read_into_a_rule(tmp_path: Path) -> None:
    path = write(tmp_path, "recommend.rq", RECOMMEND)
    (rule,) = load_rules([path])
    assert rule == Rule(
        name="recommend",
        path=path,
        summary="An activity that improves balance is recommended",
        claim=BCR["claim-selection-criterion"],
        description="The experts' selection criterion, restricted to balance for this test.",
        text=RECOMMEND,
    )
    assert rule.query is rule.query  # prepared once


def test_claim_may_be_a_full_iri_and_description_is_optional(tmp_path: Path) -> None:
    text = RECOMMEND.replace(
        "bcr:claim-selection-criterion\n", "<https://example.org/claims/1>\n", 1
    )
    text = "\n".join(
        line for line in text.splitlines() if "description" not in line and "restricted" not in line
    )
    rule = load_rule(write(tmp_path, "r.rq", text))
    assert rule.claim == URIRef("https://example.org/claims/1")
    assert rule.description == ""


def test_rule_fires_when_it_should(recommend: Rule) -> None:
    graph = data(
        "bcr:yoga a bc:Activity ; bc:improves bcr:balance .\n"
        "bcr:walk a bc:Activity ; bc:improves bcr:balance .\n"
        "bcr:walk a bc:RecommendedActivity .\n"
    )
    assert apply_rules(graph, [recommend]) == {
        (BCR.yoga, RDF.type, BC.RecommendedActivity),
        (BCR.yoga, BC.justifiedBy, BCR["claim-selection-criterion"]),
        (BCR.walk, BC.justifiedBy, BCR["claim-selection-criterion"]),
    }


@pytest.mark.parametrize(
    "turtle",
    [
        "bcr:yoga a bc:Activity ; bc:improves bcr:strength .",  # another capacity
        "bcr:yoga bc:improves bcr:balance .",  # not known to be an activity
        "",
    ],
)
def test_rule_stays_silent_when_it_should(recommend: Rule, turtle: str) -> None:
    assert apply_rules(data(turtle), [recommend]) == set()


def test_rule_output_already_in_the_graph_is_not_new(recommend: Rule) -> None:
    graph = data(
        "bcr:yoga a bc:Activity, bc:RecommendedActivity ; bc:improves bcr:balance ;"
        " bc:justifiedBy bcr:claim-selection-criterion ."
    )
    assert apply_rules(graph, [recommend]) == set()


def test_constructed_triples_with_a_literal_subject_are_dropped(tmp_path: Path) -> None:
    rule = load_rule(
        write(
            tmp_path,
            "flip.rq",
            "#+ summary: s\n#+ claim: bcr:c\nCONSTRUCT { ?o bc:inverse ?s } WHERE { ?s bc:p ?o }\n",
        )
    )
    graph = data('bcr:a bc:p "text", bcr:b .')
    assert apply_rules(graph, [rule]) == {(BCR.b, BC.inverse, BCR.a)}


# -- errors ---------------------------------------------------------------------------

ERRORS = [
    (
        "no header",
        "CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }\n",
        1,
        "missing '#+ summary:' header line (required: summary, claim)",
    ),
    (
        "no claim",
        "\n#+ summary: s\n#+ description: d\nCONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }\n",
        2,
        "missing '#+ claim:' header line (required: summary, claim)",
    ),
    (
        "empty summary",
        "#+ summary:\n#+ claim: bcr:c\nCONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }\n",
        1,
        "missing '#+ summary:' header line (required: summary, claim)",
    ),
    (
        "unknown key",
        "#+ summary: s\n#+ sumary: t\n",
        2,
        "unknown header key 'sumary' (accepted: summary, claim, description, tags)",
    ),
    (
        "duplicate key",
        "#+ summary: s\n#+ claim: bcr:a\n#+ claim: bcr:b\n",
        3,
        "duplicate header key 'claim'",
    ),
    (
        "not key value",
        "#+ summary: s\n#+ just words\n",
        2,
        "expected a header line '#+ key: value'",
    ),
    (
        "unknown claim prefix",
        "#+ summary: s\n#+ claim: nope:x\nCONSTRUCT {} WHERE {}\n",
        2,
        "claim 'nope:x' is not an IRI: unknown prefix 'nope'; write a prefixed name such as "
        "bcr:claim-... or a full IRI in <>",
    ),
    (
        "claim not an iri",
        "#+ summary: s\n#+ claim: some words\nCONSTRUCT {} WHERE {}\n",
        2,
        "claim 'some words' is not an IRI: write a prefixed name such as bcr:claim-... or a full "
        "IRI in <>",
    ),
    (
        "syntax",
        "#+ summary: s\n#+ claim: bcr:c\n\nCONSTRUCT { ?s ?p ?o }\nWHERE {\n"
        "  ?s ?p ?o\n  FILTER( }\n",
        7,
        "SPARQL syntax error at column 3: Expected ConstructQuery, found 'FILTER'",
    ),
    (
        "unknown prefix",
        "#+ summary: s\n#+ claim: bcr:c\nCONSTRUCT { ?s ?p ?o }\nWHERE {\n  ?s nope:p ?o }\n",
        5,
        "invalid SPARQL: Unknown namespace prefix : nope",
    ),
    (
        "select",
        "#+ summary: s\n#+ claim: bcr:c\n# a comment: not a SELECT\nSELECT * WHERE { ?s ?p ?o }\n",
        4,
        "a rule must be a SPARQL CONSTRUCT query",
    ),
    (
        "blank node",
        "#+ summary: s\n#+ claim: bcr:c\nCONSTRUCT {\n  ?s bc:p [ bc:q ?o ] }\n"
        "WHERE { ?s bc:r ?o }\n",
        4,
        "the CONSTRUCT template contains a blank node: a rule must not mint new nodes "
        "(it would never reach a fixpoint)",
    ),
]


@pytest.mark.parametrize(
    ("text", "line", "message"), [case[1:] for case in ERRORS], ids=[case[0] for case in ERRORS]
)
def test_rule_file_errors_name_file_and_line(
    tmp_path: Path, text: str, line: int, message: str
) -> None:
    path = write(tmp_path, "rule.rq", text)
    with pytest.raises(DataError) as caught:
        load_rules([path])
    assert (caught.value.path, caught.value.line) == (str(path), line)
    assert str(caught.value) == f"{path}:{line}: {message}"


def test_missing_rule_file(tmp_path: Path) -> None:
    with pytest.raises(DataError, match="rule file not found"):
        load_rules([tmp_path / "gone.rq"])


def test_two_rules_with_one_name(tmp_path: Path) -> None:
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    first = write(tmp_path / "a", "same.rq", RECOMMEND)
    second = write(tmp_path / "b", "same.rq", RECOMMEND)
    with pytest.raises(DataError, match="duplicate rule name 'same'"):
        load_rules([first, second])


def test_rules_keep_their_order(tmp_path: Path) -> None:
    paths = [write(tmp_path, f"{name}.rq", RECOMMEND) for name in ("b", "a", "c")]
    assert [rule.name for rule in load_rules(paths)] == ["b", "a", "c"]


def test_literal_claim_value_is_not_accepted_as_iri(tmp_path: Path) -> None:
    path = write(
        tmp_path, "r.rq", RECOMMEND.replace("bcr:claim-selection-criterion\n", '"a string"\n', 1)
    )
    with pytest.raises(DataError, match="is not an IRI"):
        load_rule(path)
