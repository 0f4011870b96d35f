"""The rule engine: rule files (header, query checks) and applying rules to a graph."""

from __future__ import annotations

from pathlib import Path

import pytest
from rdflib import Graph, URIRef
from support.naive_rules import apply_rules

from backcare_kg import DataError
from backcare_kg.reasoning.rules import Rule, load_rule, load_rules
from backcare_kg.vocab import BC, BCR

COVER = """\
#+ summary: An activity that improves balance covers balance
#+ claim: bcr:claim-selection-criterion
#+ kind: strict
#+ description: The experts' selection criterion,
#+   restricted to balance for this test.

CONSTRUCT { ?activity bc:coversTargetCapacity bcr:balance ;
    bc:justifiedBy bcr:claim-selection-criterion }
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
def cover(tmp_path: Path) -> Rule:
    return load_rule(write(tmp_path, "cover.rq", COVER))


def test_rule_file_is_read_into_a_rule(tmp_path: Path) -> None:
    path = write(tmp_path, "cover.rq", COVER)
    (rule,) = load_rules([path])
    assert rule == Rule(
        name="cover",
        path=path,
        summary="An activity that improves balance covers balance",
        claim=BCR["claim-selection-criterion"],
        description="The experts' selection criterion, restricted to balance for this test.",
        text=COVER,
        kind="strict",
    )
    assert rule.query is rule.query  # prepared once
    assert (rule.generalization, rule.monotone) == (False, True)


def test_claim_may_be_a_full_iri_and_description_is_optional(tmp_path: Path) -> None:
    text = COVER.replace(
        "bcr:claim-selection-criterion\n", "<https://example.org/claims/1>\n", 1
    )
    text = "\n".join(
        line for line in text.splitlines() if "description" not in line and "restricted" not in line
    )
    rule = load_rule(write(tmp_path, "r.rq", text))
    assert rule.claim == URIRef("https://example.org/claims/1")
    assert rule.description == ""


@pytest.mark.parametrize(
    ("written", "kind", "generalization"),
    [("strict", "strict", False), ("Generalization ", "generalization", True)],
)
def test_kind_is_read_from_the_header(
    tmp_path: Path, written: str, kind: str, generalization: bool
) -> None:
    rule = load_rule(write(tmp_path, "r.rq", COVER.replace("kind: strict", f"kind: {written}")))
    assert (rule.kind, rule.generalization) == (kind, generalization)


def test_rule_fires_when_it_should(cover: Rule) -> None:
    graph = data(
        "bcr:yoga a bc:Activity ; bc:improves bcr:balance .\n"
        "bcr:walk a bc:Activity ; bc:improves bcr:balance .\n"
        "bcr:walk bc:coversTargetCapacity bcr:balance .\n"
    )
    assert apply_rules(graph, [cover]) == {
        (BCR.yoga, BC.coversTargetCapacity, BCR.balance),
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
def test_rule_stays_silent_when_it_should(cover: Rule, turtle: str) -> None:
    assert apply_rules(data(turtle), [cover]) == set()


def test_rule_output_already_in_the_graph_is_not_new(cover: Rule) -> None:
    graph = data(
        "bcr:yoga a bc:Activity ; bc:improves bcr:balance ; bc:coversTargetCapacity bcr:balance ;"
        " bc:justifiedBy bcr:claim-selection-criterion ."
    )
    assert apply_rules(graph, [cover]) == set()


def test_constructed_triples_with_a_literal_subject_are_dropped(tmp_path: Path) -> None:
    rule = load_rule(
        write(
            tmp_path,
            "flip.rq",
            "#+ summary: s\n#+ claim: bcr:c\n#+ kind: strict\n"
            "CONSTRUCT { ?o bc:inverse ?s } WHERE { ?s bc:p ?o }\n",
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
        "missing '#+ summary:' header line (required: summary, claim, kind)",
    ),
    (
        "no claim",
        "\n#+ summary: s\n#+ kind: strict\n#+ description: d\n"
        "CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }\n",
        2,
        "missing '#+ claim:' header line (required: summary, claim, kind)",
    ),
    (
        "no kind",
        "\n#+ summary: s\n#+ claim: bcr:c\nCONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }\n",
        2,
        "missing '#+ kind:' header line (required: summary, claim, kind)",
    ),
    (
        "empty kind",
        "#+ summary: s\n#+ claim: bcr:c\n#+ kind:\nCONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }\n",
        1,
        "missing '#+ kind:' header line (required: summary, claim, kind)",
    ),
    (
        "unknown kind",
        "#+ summary: s\n#+ claim: bcr:c\n#+ kind: general\n"
        "CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }\n",
        3,
        "unknown rule kind 'general' (accepted: strict, generalization): say whether the claim "
        "says it of each thing (strict) or of exercise in general (generalization)",
    ),
    (
        "empty summary",
        "#+ summary:\n#+ claim: bcr:c\n#+ kind: strict\n"
        "CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }\n",
        1,
        "missing '#+ summary:' header line (required: summary, claim, kind)",
    ),
    (
        "unknown key",
        "#+ summary: s\n#+ sumary: t\n",
        2,
        "unknown header key 'sumary' (accepted: summary, claim, kind, description, tags)",
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
        "#+ summary: s\n#+ claim: nope:x\n#+ kind: strict\nCONSTRUCT {} WHERE {}\n",
        2,
        "claim 'nope:x' is not an IRI: unknown prefix 'nope'; write a prefixed name such as "
        "bcr:claim-... or a full IRI in <>",
    ),
    (
        "claim not an iri",
        "#+ summary: s\n#+ claim: some words\n#+ kind: strict\nCONSTRUCT {} WHERE {}\n",
        2,
        "claim 'some words' is not an IRI: write a prefixed name such as bcr:claim-... or a full "
        "IRI in <>",
    ),
    (
        "syntax",
        "#+ summary: s\n#+ claim: bcr:c\n#+ kind: strict\n\nCONSTRUCT { ?s ?p ?o }\nWHERE {\n"
        "  ?s ?p ?o\n  FILTER( }\n",
        8,
        "SPARQL syntax error at column 3: Expected ConstructQuery, found 'FILTER'",
    ),
    (
        "unknown prefix",
        "#+ summary: s\n#+ claim: bcr:c\n#+ kind: strict\nCONSTRUCT { ?s ?p ?o }\nWHERE {\n"
        "  ?s nope:p ?o }\n",
        6,
        "invalid SPARQL: Unknown namespace prefix : nope",
    ),
    (
        "select",
        "#+ summary: s\n#+ claim: bcr:c\n#+ kind: strict\n# a comment: not a SELECT\n"
        "SELECT * WHERE { ?s ?p ?o }\n",
        5,
        "a rule must be a SPARQL CONSTRUCT query",
    ),
    (
        "blank node",
        "#+ summary: s\n#+ claim: bcr:c\n#+ kind: strict\nCONSTRUCT {\n  ?s bc:p [ bc:q ?o ] }\n"
        "WHERE { ?s bc:r ?o }\n",
        5,
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
    first = write(tmp_path / "a", "same.rq", COVER)
    second = write(tmp_path / "b", "same.rq", COVER)
    with pytest.raises(DataError, match="duplicate rule name 'same'"):
        load_rules([first, second])


def test_rules_keep_their_order(tmp_path: Path) -> None:
    paths = [write(tmp_path, f"{name}.rq", COVER) for name in ("b", "a", "c")]
    assert [rule.name for rule in load_rules(paths)] == ["b", "a", "c"]


def test_literal_claim_value_is_not_accepted_as_iri(tmp_path: Path) -> None:
    path = write(
        tmp_path, "r.rq", COVER.replace("bcr:claim-selection-criterion\n", '"a string"\n', 1)
    )
    with pytest.raises(DataError, match="is not an IRI"):
        load_rule(path)
