"""Terms between rdflib and pyoxigraph, and read from pyoxigraph's text: one conversion for the
reasoners, the query results and bound values, and what each caller makes of its failures."""

from __future__ import annotations

import pyoxigraph as ox
import pytest
from rdflib import BNode, Literal, URIRef, Variable
from rdflib.namespace import XSD

from backcare_kg import ParameterError, QueryError
from backcare_kg.rdf.conversion import (
    NoRdflibTerm,
    UnreadableText,
    from_text,
    to_oxigraph,
    to_rdflib,
)
from backcare_kg.sparql.oxigraph_results import bound_term, from_oxigraph

TERMS = [
    URIRef("https://w3id.org/backcare-kg/resource/yoga"),
    BNode("b1"),
    Literal("plain"),
    Literal("hola", lang="es"),
    Literal("01", datatype=XSD.integer),  # the lexical form is kept
    Literal("a \"quoted\"\nline\t\\ é"),
]


@pytest.mark.parametrize("term", TERMS)
def test_terms_go_there_and_back(term: URIRef | BNode | Literal) -> None:
    converted = to_oxigraph(term)
    assert to_rdflib(converted) == term
    assert to_rdflib(converted, strict=True) == term
    assert from_text(str(converted)) == term


def test_xsd_string_literals_become_plain() -> None:
    typed = ox.Literal("x", datatype=ox.NamedNode(str(XSD.string)))
    assert to_rdflib(typed) == Literal("x")
    assert to_rdflib(typed).datatype is None


def test_bare_numbers_and_booleans_of_tsv_are_typed() -> None:
    assert from_text("12") == Literal("12", datatype=XSD.integer)
    assert from_text("1.5") == Literal("1.5", datatype=XSD.decimal)
    assert from_text("1e3") == Literal("1e3", datatype=XSD.double)
    assert from_text("true") == Literal("true", datatype=XSD.boolean)
    with pytest.raises(UnreadableText):
        from_text("<an iri with\ta tab>")


def test_what_rdflib_cannot_hold() -> None:
    directed = ox.Literal("x", language="en", direction=ox.BaseDirection.LTR)
    triple = ox.Triple(ox.NamedNode("http://example.org/a"), ox.NamedNode("http://example.org/b"),
                       ox.NamedNode("http://example.org/c"))
    assert to_rdflib(directed) == Literal("x", lang="en")  # the reasoners read its value only
    with pytest.raises(NoRdflibTerm, match="base direction"):
        to_rdflib(directed, strict=True)
    with pytest.raises(NoRdflibTerm, match="base direction"):
        from_text(str(directed))
    with pytest.raises(NoRdflibTerm, match="triple term"):
        to_rdflib(triple)
    with pytest.raises(NoRdflibTerm, match="triple term"):
        from_text(f"<<( {triple} )>>")
    with pytest.raises(QueryError, match="base direction"):
        from_oxigraph(directed)
    with pytest.raises(QueryError, match="triple term"):
        from_oxigraph(triple)


def test_what_pyoxigraph_cannot_hold() -> None:
    with pytest.raises(TypeError):
        to_oxigraph(Variable("v"))
    with pytest.raises(ParameterError, match="a Variable cannot be bound"):
        bound_term("v", Variable("v"))
    with pytest.raises(ParameterError, match="not a valid RDF term"):
        bound_term("v", URIRef("not an IRI"))
