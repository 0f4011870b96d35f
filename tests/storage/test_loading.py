"""Loading RDF files: formats by suffix, errors with file and line, stable blank nodes."""

from __future__ import annotations

import logging
import os
import subprocess
import sys
from pathlib import Path

import pytest
from rdflib import BNode, Literal, URIRef

from backcare_kg import DataError
from backcare_kg.rdf.file_formats import FORMATS
from backcare_kg.storage.loading import load_files

EX = "http://example.org/"
A, B, C, D = (URIRef(EX + x) for x in "abcd")

GOOD = {
    "g.ttl": "@prefix ex: <http://example.org/> .\nex:a ex:b ex:c .\n",
    "g.nt": "<http://example.org/a> <http://example.org/b> <http://example.org/c> .\n",
    "g.nq": "<http://example.org/a> <http://example.org/b> <http://example.org/c> "
    "<http://example.org/g> .\n",
    "g.trig": "@prefix ex: <http://example.org/> .\nex:g { ex:a ex:b ex:c }\n",
    "g.jsonld": '{"@id": "http://example.org/a", '
    '"http://example.org/b": {"@id": "http://example.org/c"}}',
    "g.json": '{"@id": "http://example.org/a", '
    '"http://example.org/b": {"@id": "http://example.org/c"}}',
    "g.rdf": '<?xml version="1.0"?>\n<rdf:RDF '
    'xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" '
    'xmlns:ex="http://example.org/">\n<rdf:Description rdf:about="http://example.org/a">'
    '<ex:b rdf:resource="http://example.org/c"/></rdf:Description>\n</rdf:RDF>\n',
    "g.n3": "@prefix ex: <http://example.org/> .\nex:a ex:b ex:c .\n",
}
GOOD["g.owl"] = GOOD["g.xml"] = GOOD["g.rdf"]


def write(tmp_path: Path, name: str, text: str | bytes) -> Path:
    path = tmp_path / name
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text, encoding="utf-8")
    return path


def test_every_suffix_has_a_sample() -> None:
    assert sorted(FORMATS) == sorted("." + name.split(".")[1] for name in GOOD)


@pytest.mark.parametrize("name", sorted(GOOD))
def test_each_format_loads_the_same_triple(tmp_path: Path, name: str) -> None:
    graph = load_files([write(tmp_path, name, GOOD[name])])
    assert set(graph) == {(A, B, C)}


def test_files_are_merged_and_quads_lose_their_graph(tmp_path: Path) -> None:
    trig = write(
        tmp_path,
        "x.trig",
        "@prefix ex: <http://example.org/> .\n"
        "ex:g1 { ex:a ex:b ex:c }\nex:g2 { ex:a ex:b ex:d }\n"
        "ex:c ex:b ex:d .\n",
    )
    ttl = write(tmp_path, "y.TTL", "@prefix ex: <http://example.org/> .\nex:d ex:b ex:a .\n")
    graph = load_files([trig, ttl])
    assert set(graph) == {(A, B, C), (A, B, D), (C, B, D), (D, B, A)}


# -- errors: the file and the line ------------------------------------------------------

BAD = [
    (
        "bad.ttl",
        "@prefix ex: <http://example.org/> .\nex:a ex:b ex:c .\n\nex:a ex:b ex:c ex:d .\n",
        4,
        "Turtle syntax error: expected '.' or '}' or ']' at end of statement "
        '(column 16, in "ex:a ex:b ex:c ex:d .")',
    ),
    (
        "prefix.ttl",
        "@prefix ex: <http://example.org/> .\nex:a ex:b nope:c .\n",
        2,
        'Turtle syntax error: Prefix "nope:" not bound (column 11, in "ex:a ex:b nope:c .")',
    ),
    (
        "string.ttl",
        '@prefix ex: <http://example.org/> .\n\n\nex:a ex:b "open .\n',
        4,
        'Turtle syntax error: newline found in string literal (column 18, in "ex:a ex:b "open .")',
    ),
    (
        "bad.trig",
        "@prefix ex: <http://example.org/> .\nex:g {\n  ex:a ex:b .\n}\n",
        3,
        'TriG syntax error: objectList expected (column 12, in "ex:a ex:b .")',
    ),
    (
        "bad.nt",
        "<http://a> <http://b> <http://c> .\n\n# a comment\n<http://a> <http://b> .\n",
        4,
        'invalid N-Triples: unrecognised object type (column 23, at ".")',
    ),
    (
        "garbage.nt",
        "<http://a> <http://b> <http://c> .\n<http://a> <http://b> <http://c> . x\n",
        2,
        'invalid N-Triples: trailing garbage (column 36, at "x")',
    ),
    (
        "bad.nq",
        "<http://a> <http://b> <http://c> <http://g> .\n<http://a> <http://b> .\n",
        2,
        'invalid N-Quads: unrecognised object type (in "<http://a> <http://b> .")',
    ),
    (
        "bad.rdf",
        '<?xml version="1.0"?>\n<rdf:RDF '
        'xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">\n'
        "<rdf:Description>\n</rdf:RDF>\n",
        4,
        "invalid XML: mismatched tag (column 2)",
    ),
    (
        "rdf.owl",
        '<?xml version="1.0"?>\n<rdf:RDF '
        'xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" '
        'xmlns:ex="http://example.org/">\n<rdf:Description rdf:about="http://a">\n'
        '  <ex:p rdf:resource="http://b" rdf:nodeID="n"/>\n</rdf:Description>\n'
        "</rdf:RDF>\n",
        4,
        "invalid RDF/XML: Property element cannot have both rdf:nodeID and rdf:resource (column 2)",
    ),
    (
        "bad.jsonld",
        '{\n  "@id": "http://a",\n  "http://b": [1,\n}\n',
        4,
        "invalid JSON: Expecting value (column 1)",
    ),
    (
        "latin1.ttl",
        b'@prefix ex: <http://example.org/> .\nex:a ex:b "caf\xe9" .\n',
        2,
        "not valid UTF-8 (invalid continuation byte)",
    ),
]


@pytest.mark.parametrize(("name", "text", "line", "message"), BAD, ids=[case[0] for case in BAD])
def test_malformed_file_names_file_and_line(
    tmp_path: Path, name: str, text: str | bytes, line: int, message: str
) -> None:
    good = write(tmp_path, "good.ttl", GOOD["g.ttl"])
    path = write(tmp_path, name, text)
    with pytest.raises(DataError) as caught:
        load_files([good, path])
    error = caught.value
    assert (error.path, error.line) == (str(path), line)
    assert str(error) == f"{path}:{line}: {message}"
    assert isinstance(error.__cause__, Exception)


def test_json_ld_structure_error_has_no_line_but_a_clean_message(tmp_path: Path) -> None:
    path = write(tmp_path, "ctx.jsonld", '{"@context": 5, "@id": "http://a"}')
    with pytest.raises(DataError) as caught:
        load_files([path])
    assert caught.value.path == str(path)
    assert caught.value.line is None
    assert str(caught.value).startswith(f"{path}: invalid JSON-LD: ")


def test_missing_file(tmp_path: Path) -> None:
    path = tmp_path / "nowhere.ttl"
    with pytest.raises(DataError) as caught:
        load_files([path])
    assert str(caught.value) == f"{path}: file not found"
    assert (caught.value.path, caught.value.line) == (str(path), None)


def test_directory_is_not_a_file(tmp_path: Path) -> None:
    path = tmp_path / "dir.ttl"
    path.mkdir()
    with pytest.raises(DataError, match="is a directory"):
        load_files([path])


@pytest.mark.parametrize("name", ["data.csv", "README"])
def test_unknown_extension_lists_the_accepted_ones(tmp_path: Path, name: str) -> None:
    path = write(tmp_path, name, "a,b\n")
    with pytest.raises(DataError) as caught:
        load_files([path])
    suffix = "'.csv'" if name.endswith(".csv") else "'(none)'"
    assert str(caught.value) == (
        f"{path}: unknown RDF file extension {suffix}; accepted: .json, .jsonld, .n3, .nq, "
        ".nt, .owl, .rdf, .trig, .ttl, .xml"
    )


def test_n3_formulas_are_refused(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "rule.n3",
        "@prefix ex: <http://example.org/> .\n{ ?x a ex:C } => { ?x a ex:D } .\n",
    )
    with pytest.raises(DataError, match="formulas"):
        load_files([path])


def test_byte_order_mark_is_accepted(tmp_path: Path) -> None:
    path = write(tmp_path, "bom.ttl", b"\xef\xbb\xbf" + GOOD["g.ttl"].encode())
    assert set(load_files([path])) == {(A, B, C)}


def test_ill_typed_literal_is_one_warning_line(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    path = write(
        tmp_path,
        "ill.ttl",
        "@prefix ex: <http://example.org/> .\n"
        "@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .\n"
        'ex:a ex:b "x"^^xsd:integer .\n',
    )
    with caplog.at_level(logging.DEBUG):
        graph = load_files([path])
    assert len(graph) == 1
    assert [r.name for r in caplog.records if r.name.startswith("rdflib")] == []
    warned = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
    assert warned == [
        f"{path}: ill-typed literal of datatype "
        "<http://www.w3.org/2001/XMLSchema#integer> "
        "(invalid literal for int() with base 10: 'x')"
    ]


# -- blank nodes ----------------------------------------------------------------------

BNODES = (
    "@prefix ex: <http://example.org/> .\n"
    'ex:a ex:b [ ex:c ( 1 2 [ ex:d "x" ] ) ] .\n_:n ex:b _:m .\n'
)


def test_blank_node_labels_depend_only_on_the_content(tmp_path: Path) -> None:
    one = write(tmp_path, "one.ttl", BNODES)
    two = write(tmp_path, "two.ttl", BNODES)
    first, again, other = load_files([one]), load_files([one]), load_files([two])
    assert set(first) == set(again) == set(other)
    assert len(first) == 10
    assert all(str(n).startswith("b") for t in first for n in t if isinstance(n, BNode))


def test_blank_nodes_of_different_files_stay_apart(tmp_path: Path) -> None:
    one = write(tmp_path, "one.ttl", "@prefix ex: <http://example.org/> .\n_:x ex:b 1 .\n")
    two = write(tmp_path, "two.ttl", "@prefix ex: <http://example.org/> .\n_:x ex:b 2 .\n")
    graph = load_files([one, two])
    assert len(set(graph.subjects())) == 2
    assert set(graph.objects()) == {Literal(1), Literal(2)}


def test_blank_node_labels_do_not_depend_on_hash_seed(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "b.trig",
        "@prefix ex: <http://example.org/> .\nex:g { " + BNODES.split("\n", 1)[1] + " }\n",
    )
    script = (
        "import sys; from pathlib import Path; from backcare_kg.storage.loading import load_files;"
        "print(sorted(' '.join(x.n3() for x in t) for t in load_files([Path(sys.argv[1])])))"
    )
    outputs = {
        subprocess.run(
            [sys.executable, "-c", script, str(path)],
            check=True,
            text=True,
            capture_output=True,
            env={**os.environ, "PYTHONHASHSEED": seed},
        ).stdout
        for seed in ("1", "2", "3")
    }
    assert len(outputs) == 1
