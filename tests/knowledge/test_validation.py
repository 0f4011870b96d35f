"""validate_bundle: the real bundle is clean, and each kind of breakage in a copy of it is
reported exactly once, at the right file and line.

Each broken bundle is a copy of ontology/, data/ and queries/ in ``tmp_path`` with one edit
(:mod:`support.bundles`). Expected lines are found in the copied file itself (the line
that starts the offending subject's description), so the tests follow the data as it grows.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from rdflib import RDF, RDFS, Graph, URIRef
from rdflib.namespace import SH
from support.bundles import UNLICENSED, block, copy_bundle, edit, edit_block, line_of

from backcare_kg.checks.validation import validate_bundle
from backcare_kg.storage import files

PROBLEM = re.compile(r"^[^\s:]+(?::[^\s:]+)*:\d+: \S.*$")


@pytest.fixture()
def bundle(tmp_path: Path) -> Path:
    """A private copy of the bundle to break."""
    return copy_bundle(tmp_path)


def _span(source_text: str, text: str) -> str:
    start = source_text.index(text)
    return f"{start}-{start + len(text)}"


def check(root: Path) -> list[str]:
    problems = validate_bundle(root=root)
    assert all(PROBLEM.match(p) for p in problems), problems
    return problems


# -- the real bundle ------------------------------------------------------------------------


def test_bundled_files_are_valid() -> None:
    assert validate_bundle() == []


def test_pristine_copy_is_valid(bundle: Path) -> None:
    assert check(bundle) == []


# -- syntax ---------------------------------------------------------------------------------


def test_turtle_syntax_error_names_file_and_line(bundle: Path) -> None:
    entities = bundle / "data" / "entities.ttl"
    edit_block(entities, "bcr:pilates", r"skos:prefLabel (\S)", r"skos:prefLabel , \1")
    line = line_of(entities, "skos:prefLabel , ")
    problems = check(bundle)
    assert len(problems) == 1, problems
    assert problems[0].startswith(f"data/entities.ttl:{line}: Turtle syntax error")


def test_every_broken_file_is_reported(bundle: Path) -> None:
    claims = bundle / "data" / "claims.ttl"
    edit(
        claims,
        "    bc:evidenceLevel bcr:expert-opinion .\n\nbcr:claim-goal-analgesia\n",
        "    bc:evidenceLevel bcr:expert-opinion\n\nbcr:claim-goal-analgesia\n",
    )
    ontology = bundle / "ontology" / "backcare.ttl"
    edit(ontology, "bc:Expert a owl:Class ;", "bc:Expert a owl:Class ;;; ]")
    problems = check(bundle)
    assert [p.split(": ", 1)[0] for p in problems] == [
        f"data/claims.ttl:{line_of(claims, 'bcr:claim-goal-analgesia')}",
        f"ontology/backcare.ttl:{line_of(ontology, 'bc:Expert a owl:Class')}",
    ]


def test_broken_shapes_file_is_reported(bundle: Path) -> None:
    shapes = bundle / "ontology" / "shapes.ttl"
    with shapes.open("a", encoding="utf-8") as out:
        out.write("\nbc:BrokenShape a .\n")
    problems = check(bundle)
    last = len(shapes.read_text(encoding="utf-8").splitlines())
    assert len(problems) == 1 and problems[0].startswith(f"ontology/shapes.ttl:{last}: ")


def test_sparql_syntax_errors_name_file_line_and_column(bundle: Path) -> None:
    rule = bundle / "ontology" / "rules" / "recommended-activity.rq"
    edit(rule, "CONSTRUCT {", "CONSTRUCT {{")
    query = bundle / "queries" / "broken.rq"
    query.write_text(
        "#+ summary: broken\nSELECT ?x WHERE {\n  ?x nope:p ?y .\n}\n", encoding="utf-8"
    )
    problems = check(bundle)
    assert len(problems) == 2, problems
    assert problems[0].startswith(
        f"ontology/rules/recommended-activity.rq:{line_of(rule, 'CONSTRUCT')}: "
        "SPARQL syntax error (column 12)"
    )
    assert problems[1] == "queries/broken.rq:3: SPARQL error: Unknown namespace prefix : nope"


# -- SHACL ----------------------------------------------------------------------------------

#: One instance of every class whose labels the shapes check; activities are typed by
#: subclasses (bc:MindBodyActivity, bc:SuspensionTraining ⊑ bc:StrengthTraining...), so each
#: is listed to prove the class targets reach it.
LABELLED = [
    "pilates",
    "suspension-training",
    "body-foundation",
    "healing-swimming",
    "yoga",
    "nestor-requejo",
    "spanish-society-of-pain",
    "balance",
    "analgesia",
    "chronic-phase",
    "acute-pain",
    "physiotherapist",
    "expert-opinion",
]


#: The names a reading of ours gives (data/licenses.ttl: a lost heading named, the chronic
#: phase): a license still names the label removed, and validate reports that too.
NAMED_BY_A_READING = {
    "pilates": "reading-pilates-heading",
    "suspension-training": "reading-suspension-training-heading",
    "yoga": "reading-yoga-heading",
    "chronic-phase": "reading-chronic-phase",
}


def remove_spanish(bundle: Path, slug: str, predicate: str) -> tuple[int, list[str]]:
    """Remove ``slug``'s Spanish ``predicate`` from data/entities.ttl; the line of its
    description, and what validate says of a license left naming the label (if any)."""
    entities = bundle / "data" / "entities.ttl"
    _, description = block(entities, f"bcr:{slug}")
    found = re.search(rf'{predicate} "[^"]*"@en , "([^"]*)"@es', description)
    assert found is not None, description
    line = edit_block(entities, f"bcr:{slug}", rf'({predicate} "[^"]*"@en) , "[^"]*"@es', r"\1")
    reading = NAMED_BY_A_READING.get(slug)
    if reading is None:
        return line, []
    licenses = bundle / "data" / "licenses.ttl"
    return line, [
        f"data/licenses.ttl:{line_of(licenses, f'bcr:{reading} bc:licenses')}: "
        f"bcr:{reading}/bc:licenses: licenses bcr:{slug} {predicate} \"{found[1]}\", which is "
        "not asserted: correct the statement it names, or remove the license"
    ]


@pytest.mark.parametrize("slug", LABELLED)
def test_missing_spanish_label_is_reported(bundle: Path, slug: str) -> None:
    line, license_left = remove_spanish(bundle, slug, "rdfs:label")
    assert check(bundle) == [
        f"data/entities.ttl:{line}: bcr:{slug} rdfs:label: needs an rdfs:label in Spanish (@es)",
        *license_left,
    ]


@pytest.mark.parametrize("slug", ["pilates", "expert-opinion"])
def test_missing_spanish_preferred_label_is_reported(bundle: Path, slug: str) -> None:
    line, license_left = remove_spanish(bundle, slug, "skos:prefLabel")
    assert check(bundle) == [
        f"data/entities.ttl:{line}: bcr:{slug} skos:prefLabel: "
        "needs exactly one skos:prefLabel in Spanish (@es)",
        *license_left,
    ]


def test_claim_without_evidence_level(bundle: Path) -> None:
    claims = bundle / "data" / "claims.ttl"
    line = edit_block(
        claims,
        "bcr:claim-goal-analgesia",
        r"\] ;\n    bc:evidenceLevel bcr:expert-opinion \.",
        "] .",
    )
    licenses = bundle / "data" / "licenses.ttl"
    assert check(bundle) == [
        f"data/claims.ttl:{line}: bcr:claim-goal-analgesia bc:evidenceLevel: "
        "a claim needs exactly one bc:evidenceLevel, a bc:EvidenceLevel",
        # reading-evidence-level licenses every claim's evidence level, this one's too
        f"data/licenses.ttl:{line_of(licenses, 'bcr:reading-evidence-level bc:licenses')}: "
        "bcr:reading-evidence-level/bc:licenses: licenses bcr:claim-goal-analgesia "
        "bc:evidenceLevel bcr:expert-opinion, which is not asserted: correct the statement it "
        "names, or remove the license",
    ]


def test_claim_without_speaker(bundle: Path) -> None:
    claims = bundle / "data" / "claims.ttl"
    line = edit_block(
        claims, "bcr:claim-goal-analgesia", r"    prov:wasAttributedTo bcr:source-article ;\n", ""
    )
    assert check(bundle) == [
        f"data/claims.ttl:{line}: bcr:claim-goal-analgesia: a claim needs bc:statedBy "
        "(an expert) or prov:wasAttributedTo bcr:source-article"
    ]


def test_hand_asserted_recommended_activity(bundle: Path) -> None:
    hand = bundle / "data" / "hand.ttl"
    hand.write_text(
        "@prefix bc: <https://w3id.org/backcare-kg/ontology#> .\n"
        "@prefix bcr: <https://w3id.org/backcare-kg/resource/> .\n\n"
        "bcr:yoga a bc:RecommendedActivity .\n",
        encoding="utf-8",
    )
    assert check(bundle) == [
        "data/hand.ttl:4: bcr:yoga rdf:type: bc:RecommendedActivity is inferred only "
        "(rule recommended-activity.rq): do not assert it by hand "
        "(value: bc:RecommendedActivity)",
        f"data/hand.ttl:4: bcr:yoga rdf:type bc:RecommendedActivity: {UNLICENSED}",
    ]


def test_hand_asserted_recommended_activity_in_place(bundle: Path) -> None:
    entities = bundle / "data" / "entities.ttl"
    line = edit_block(
        entities, "bcr:yoga", r"a bc:Activity ;", "a bc:Activity , bc:RecommendedActivity ;"
    )
    assert check(bundle) == [
        f"data/entities.ttl:{line}: bcr:yoga rdf:type: bc:RecommendedActivity is inferred only "
        "(rule recommended-activity.rq): do not assert it by hand "
        "(value: bc:RecommendedActivity)",
        f"data/entities.ttl:{line}: bcr:yoga rdf:type bc:RecommendedActivity: {UNLICENSED}",
    ]


def test_extra_file_joins_the_checks(tmp_path: Path) -> None:
    extra = tmp_path / "mine.ttl"
    extra.write_text(
        "@prefix bc: <https://w3id.org/backcare-kg/ontology#> .\n"
        "<https://w3id.org/backcare-kg/resource/rowing> a bc:Activity .\n",
        encoding="utf-8",
    )
    problems = validate_bundle([extra])
    # four labels the shapes ask for, and a license: bcr:rowing is in our namespace
    assert len(problems) == 5, problems
    assert all(p.startswith(f"{extra}:2: bcr:rowing ") for p in problems)
    assert problems[-1].startswith(
        f"{extra}:2: bcr:rowing rdf:type bc:Activity: a statement of yours"
    )


def test_bad_selector_offsets_are_reported_on_the_claim(bundle: Path) -> None:
    claims = bundle / "data" / "claims.ttl"
    line = edit_block(claims, "bcr:claim-goal-analgesia", r"oa:start (\d+) ;", r"oa:start -\1 ;")
    problems = check(bundle)
    assert problems[0].startswith(
        f"data/claims.ttl:{line}: bcr:claim-goal-analgesia/oa:hasTarget/oa:hasSelector oa:start: "
    )
    assert "non-negative" in problems[0]


def test_boolean_flags_must_be_booleans(bundle: Path) -> None:
    entities = bundle / "data" / "entities.ttl"
    line = edit_block(
        entities,
        "bcr:yoga",
        r"    a bc:Activity ;",
        '    a bc:Activity ;\n    bc:requiresSupervision "yes" ;',
    )
    assert check(bundle) == [
        f"data/entities.ttl:{line}: bcr:yoga bc:requiresSupervision: bc:requiresSupervision "
        'must be one xsd:boolean (true or false) (value: "yes")',
        f'data/entities.ttl:{line}: bcr:yoga bc:requiresSupervision "yes": {UNLICENSED}',
    ]


def test_shapes_are_documented() -> None:
    shapes = Graph().parse(files.shapes_file(), format="turtle")
    node_shapes = set(shapes.subjects(RDF.type, SH.NodeShape))
    assert len(node_shapes) >= 10
    for shape in node_shapes:
        assert shapes.value(shape, RDFS.label) is not None, shape
        assert shapes.value(shape, RDFS.comment) is not None, shape
    for shape in set(shapes.objects(None, SH.property)):
        assert shapes.value(shape, SH.message) is not None, shape


# -- quotes and selectors against the source ------------------------------------------------


def test_tampered_quote(bundle: Path) -> None:
    claims = bundle / "data" / "claims.ttl"
    line, _ = block(claims, "bcr:claim-goal-analgesia")
    edit(claims, "similar to that of some drugs.", "similar to that of all drugs.", count=2)
    problems = check(bundle)
    assert len(problems) == 1, problems
    assert problems[0].startswith(
        f"data/claims.ttl:{line}: bcr:claim-goal-analgesia: "
        'oa:exact "Analgesic action similar to that of all drugs." '
        "is not in the source"
    )


def test_quote_differing_from_its_selector(bundle: Path) -> None:
    claims = bundle / "data" / "claims.ttl"
    line = edit_block(
        claims, "bcr:claim-goal-analgesia", r'bc:quote "Analgesic', 'bc:quote "An analgesic'
    )
    problems = check(bundle)
    assert len(problems) == 1, problems
    assert problems[0].startswith(f"data/claims.ttl:{line}: bcr:claim-goal-analgesia: bc:quote ")
    assert "differs from its oa:exact" in problems[0]


def test_shifted_start_offset_says_where_the_quote_is(bundle: Path, source_text: str) -> None:
    claims = bundle / "data" / "claims.ttl"
    quote = "sports that allow safe exercise to improve strength"
    start = source_text.index(quote)
    line = edit_block(
        claims, "bcr:claim-selection-criterion", rf"oa:start {start} ;", f"oa:start {start + 1} ;"
    )
    problems = check(bundle)
    assert len(problems) == 1, problems
    assert problems[0].startswith(
        f"data/claims.ttl:{line}: bcr:claim-selection-criterion: oa:start/oa:end "
    )
    end = source_text.index("will be recommended.", start) + len("will be recommended.")
    assert problems[0].endswith(f"quote found at {start}-{end}")


def test_wrong_prefix(bundle: Path) -> None:
    claims = bundle / "data" / "claims.ttl"
    line = edit_block(claims, "bcr:claim-candidate-activities", r'note that " ;', 'note what " ;')
    problems = check(bundle)
    assert len(problems) == 1, problems
    assert problems[0].startswith(
        f"data/claims.ttl:{line}: bcr:claim-candidate-activities: oa:prefix "
    )


def test_wrong_suffix(bundle: Path) -> None:
    claims = bundle / "data" / "claims.ttl"
    line, _ = block(claims, "bcr:claim-goal-analgesia")
    edit(
        claims,
        'oa:suffix "\\n  • A playful tool for reducing"',
        'oa:suffix "\\n  - A playful tool for reducing"',
    )
    problems = check(bundle)
    assert len(problems) == 1, problems
    assert problems[0].startswith(f"data/claims.ttl:{line}: bcr:claim-goal-analgesia: oa:suffix ")


HEADING = "Most Relevant Activities"  # sentence 13 of the source


def test_sentence_text_mismatch(bundle: Path, source_text: str) -> None:
    source = bundle / "data" / "source.ttl"
    line = edit_block(
        source,
        "bcr:source-article-sentence-13",
        r'"Most Relevant Activities"',
        '"Most relevant activities"',
    )
    problems = check(bundle)
    assert len(problems) == 1, problems
    assert problems[0].startswith(
        f"data/source.ttl:{line}: bcr:source-article-sentence-13: "
        f"bc:text does not match the source at {_span(source_text, HEADING)}"
    )
    assert problems[0].endswith("the text is not in the source")


def test_sentence_offsets_mismatch_says_where_the_text_is(bundle: Path, source_text: str) -> None:
    start = source_text.index(HEADING)
    source = bundle / "data" / "source.ttl"
    line = edit_block(
        source,
        "bcr:source-article-sentence-13",
        r"oa:start (\d+) ; oa:end (\d+)",
        f"oa:start {start + 1} ; oa:end {start + 1 + len(HEADING)}",
    )
    problems = check(bundle)
    assert len(problems) == 1, problems
    assert problems[0].startswith(f"data/source.ttl:{line}: bcr:source-article-sentence-13: ")
    assert problems[0].endswith(f"the text is found at {_span(source_text, HEADING)}")


def test_quote_outside_its_sentence(bundle: Path) -> None:
    claims = bundle / "data" / "claims.ttl"
    line = edit_block(claims, "bcr:claim-goal-analgesia", r"sentence-10 ;", "sentence-9 ;")
    problems = check(bundle)
    assert len(problems) == 1, problems
    assert problems[0].startswith(
        f"data/claims.ttl:{line}: bcr:claim-goal-analgesia: "
        "bc:sentence bcr:source-article-sentence-9 "
    )


def test_quote_spanning_a_missing_sentence(bundle: Path) -> None:
    claims = bundle / "data" / "claims.ttl"
    line = edit_block(
        claims,
        "bcr:claim-suspension-training-description",
        r"bc:sentence bcr:source-article-sentence-18 , bcr:source-article-sentence-19",
        "bc:sentence bcr:source-article-sentence-18",
    )
    problems = check(bundle)
    assert len(problems) == 1, problems
    assert problems[0].startswith(
        f"data/claims.ttl:{line}: bcr:claim-suspension-training-description: the quote "
    )
    assert problems[0].endswith("add the sentence")


def _requote(bundle: Path, source_text: str, exact: str, prefix: str, suffix: str) -> int:
    """Point bcr:reading-burgos-spelling at ``exact`` inside sentence 25."""
    sentence = source_text.index("Fuertes, a member of the department of pain")
    start = source_text.index(prefix + exact + suffix, sentence) + len(prefix)
    claims = bundle / "data" / "claims.ttl"
    line, description = block(claims, "bcr:reading-burgos-spelling")
    changed = re.sub(r'bc:quote "[^"]*"', f'bc:quote "{exact}"', description)
    changed = re.sub(r'oa:exact "[^"]*"', f'oa:exact "{exact}"', changed)
    changed = re.sub(r'oa:prefix "[^"]*"', f'oa:prefix "{prefix}"', changed)
    changed = re.sub(r'oa:suffix "[^"]*"', f'oa:suffix "{suffix}"', changed)
    changed = re.sub(r"oa:start \d+", f"oa:start {start}", changed)
    changed = re.sub(r"oa:end \d+", f"oa:end {start + len(exact)}", changed)
    edit(claims, description, changed)
    return line


def test_ambiguous_quote_without_context(bundle: Path, source_text: str) -> None:
    line = _requote(bundle, source_text, "of", "", "")
    problems = check(bundle)
    assert len(problems) == 1, problems
    count = len(re.findall("of", source_text))
    assert problems[0].startswith(
        f"data/claims.ttl:{line}: bcr:reading-burgos-spelling: "
        f"the quote occurs {count} times in the source"
    )


def test_ambiguous_quote_singled_out_by_its_context(bundle: Path, source_text: str) -> None:
    _requote(bundle, source_text, "of", "department ", " pain")
    assert check(bundle) == []


def test_character_count(bundle: Path) -> None:
    source = bundle / "data" / "source.ttl"
    line = edit_block(
        source, "bcr:source-article", r"bc:characterCount (\d+)", "bc:characterCount 3000"
    )
    problems = check(bundle)
    assert len(problems) == 1, problems
    assert problems[0].startswith(f"data/source.ttl:{line}: bcr:source-article: bc:characterCount")


def test_class_targets_reach_subclass_instances_only_with_the_ontology() -> None:
    """Why the shapes run on ontology + data: sh:targetClass bc:Activity reaches bcr:pilates
    (a bc:MindBodyActivity) only through the rdfs:subClassOf triples of the ontology."""
    from pyshacl import validate

    shapes = Graph().parse(files.shapes_file(), format="turtle")
    data = Graph().parse(files.data_dir() / "entities.ttl", format="turtle")
    pilates = URIRef("https://w3id.org/backcare-kg/resource/pilates")
    data.remove((pilates, RDFS.label, None))
    _, _, text = validate(data, shacl_graph=shapes, inference="none")
    assert "bcr:pilates" not in text, "without the class hierarchy pilates is not targeted"
    data.parse(files.ontology_dir() / "backcare.ttl", format="turtle")
    conforms, _, text = validate(data, shacl_graph=shapes, inference="none")
    assert not conforms and "Focus Node: bcr:pilates" in text
