"""The one IRI shortener, with the choices of each caller (prefix table, local parts, fallback)."""

from __future__ import annotations

import pytest

from backcare_kg.rdf.names import PAGE_LOCAL_NAME, TABLE_LOCAL_NAME, short_iri
from backcare_kg.vocab import PREFIXES
from backcare_kg.web.labels import DISPLAY_PREFIXES

BCR = "https://w3id.org/backcare-kg/resource/"
VANN = "http://purl.org/vocab/vann/preferredNamespacePrefix"


@pytest.mark.parametrize(("local", "table", "page", "any_local"), [
    ("yoga", "bcr:yoga", "bcr:yoga", "bcr:yoga"),
    ("", "bcr:", BCR, "bcr:"),
    ("1st", BCR + "1st", "bcr:1st", "bcr:1st"),
    ("a.", BCR + "a.", "bcr:a.", "bcr:a."),
    ("a b", BCR + "a b", BCR + "a b", "bcr:a b"),
    ("añó", "bcr:añó", "bcr:añó", "bcr:añó"),
    ("ñu", BCR + "ñu", BCR + "ñu", "bcr:ñu"),
])
def test_local_parts(local: str, table: str, page: str, any_local: str) -> None:
    iri = BCR + local
    assert short_iri(iri, local_name=TABLE_LOCAL_NAME) == table
    assert short_iri(iri, local_name=PAGE_LOCAL_NAME) == page
    assert short_iri(iri) == any_local


def test_tables_and_fallbacks() -> None:
    assert short_iri(VANN) == VANN
    assert short_iri(VANN, DISPLAY_PREFIXES) == "vann:preferredNamespacePrefix"
    assert short_iri("urn:x:y", angle_brackets=True) == "<urn:x:y>"
    assert short_iri("urn:x:y") == "urn:x:y"


@pytest.mark.parametrize("table", [PREFIXES, DISPLAY_PREFIXES])
def test_no_namespace_lies_inside_another(table: dict[str, str]) -> None:
    # then the longest namespace that fits is also the only one: the order of a table is moot
    namespaces = list(table.values())
    assert not [(a, b) for a in namespaces for b in namespaces if a != b and b.startswith(a)]
