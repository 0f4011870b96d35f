"""RDF terms converted between rdflib and pyoxigraph, and read from pyoxigraph's text.

Three conversions, each written once and kept fast (they run once per term of a result or
of a graph):

- :func:`to_oxigraph`: an rdflib term as a pyoxigraph term;
- :func:`to_rdflib`: a pyoxigraph term as an rdflib term;
- :func:`from_text`: a term as pyoxigraph writes it in N-Triples or the SPARQL TSV results
  format, as an rdflib term (reading text pyoxigraph wrote in Rust is faster than converting
  its term objects one by one).

Literals keep their lexical form; ``xsd:string`` literals become plain rdflib literals, as
rdflib parses them; blank nodes keep their identifiers. rdflib has no RDF-star triple terms
and no base direction of a literal (RDF 1.2): both readers raise :class:`NoRdflibTerm` for a
triple term, and for a literal with a direction (:func:`to_rdflib` only if ``strict``).
Callers turn it into their own error.
"""

from __future__ import annotations

import re
from typing import Any

import pyoxigraph as ox
from rdflib import BNode, Literal, URIRef
from rdflib.namespace import XSD
from rdflib.term import Node

__all__ = ["OxTerm", "NoRdflibTerm", "UnreadableText", "to_oxigraph", "to_rdflib", "from_text"]

#: A term pyoxigraph may give: an IRI, a blank node, a literal or an RDF-star triple.
OxTerm = ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple

_XSD_STRING = str(XSD.string)


class NoRdflibTerm(ValueError):
    """A pyoxigraph term rdflib cannot hold: a triple term, a literal with a direction."""


class UnreadableText(Exception):
    """A text :func:`from_text` cannot read as one term: convert pyoxigraph's objects."""


def to_oxigraph(node: Node) -> ox.NamedNode | ox.BlankNode | ox.Literal:
    """An rdflib IRI, blank node or literal as a pyoxigraph term.

    Raises ValueError if pyoxigraph refuses it (a malformed language tag, for one) and
    TypeError for anything else (a variable, a graph).
    """
    if isinstance(node, URIRef):
        return ox.NamedNode(str(node))
    if isinstance(node, Literal):
        if node.language:
            return ox.Literal(str(node), language=node.language)
        if node.datatype is not None:
            return ox.Literal(str(node), datatype=ox.NamedNode(str(node.datatype)))
        return ox.Literal(str(node))
    if isinstance(node, BNode):
        return ox.BlankNode(str(node))
    raise TypeError(f"a {type(node).__name__} is not an RDF term")


def to_rdflib(term: Any, *, strict: bool = False) -> Node:
    """A pyoxigraph term as an rdflib term; :class:`NoRdflibTerm` for a triple term.

    A literal's base direction is dropped, unless ``strict``: then it is refused too (a
    query's answer must not lose it; the reasoners read a literal's value, not its
    direction).
    """
    if isinstance(term, ox.NamedNode):
        return URIRef(term.value)
    if isinstance(term, ox.BlankNode):
        return BNode(term.value)
    if isinstance(term, ox.Literal):
        if term.language:
            if strict and getattr(term, "direction", None):
                raise NoRdflibTerm("a literal with a base direction has no rdflib equivalent")
            return Literal(term.value, lang=term.language)
        datatype = term.datatype.value
        if datatype == _XSD_STRING:
            return Literal(term.value)
        return Literal(term.value, datatype=URIRef(datatype))
    raise NoRdflibTerm(f"an RDF-star triple term has no rdflib equivalent: {term}")


_IRI = re.compile(r"<([^<>\t\n]*)>\Z")
_BLANK = re.compile(r"_:(\S+)\Z")
_LITERAL = re.compile(
    r'"((?:[^"\\]|\\.)*)"(?:@([A-Za-z]+(?:-[A-Za-z0-9]+)*)(--\w+)?|\^\^<([^<>\t\n]*)>)?\Z', re.S)
_BARE = [(re.compile(pattern), XSD[name]) for pattern, name in (
    (r"(true|false)\Z", "boolean"),
    (r"[+-]?[0-9]+\Z", "integer"),
    (r"[+-]?[0-9]*\.[0-9]+\Z", "decimal"),
    (r"[+-]?([0-9]+(\.[0-9]*)?|\.[0-9]+)[eE][+-]?[0-9]+\Z", "double"),
)]
_ESCAPE = re.compile(r"\\(?:u([0-9A-Fa-f]{4})|U([0-9A-Fa-f]{8})|(.))")
_UNESCAPE = {"t": "\t", "n": "\n", "r": "\r", "b": "\b", "f": "\f", '"': '"', "'": "'",
             "\\": "\\"}


def _unescape(match: re.Match[str]) -> str:
    code = match.group(1) or match.group(2)
    return chr(int(code, 16)) if code else _UNESCAPE.get(match.group(3), match.group())


def from_text(field: str) -> Node:
    """A term as pyoxigraph writes it in N-Triples or the SPARQL TSV results format.

    Raises :class:`NoRdflibTerm` for a triple term or a literal with a direction, and
    :class:`UnreadableText` for text that is not one term written that way.
    """
    if field.startswith("<<"):
        raise NoRdflibTerm(f"an RDF-star triple term has no rdflib equivalent: {field}")
    if match := _IRI.match(field):
        return URIRef(match.group(1))
    if match := _BLANK.match(field):
        return BNode(match.group(1))
    if match := _LITERAL.match(field):
        lexical, language, direction, datatype = match.groups()
        if "\\" in lexical:
            lexical = _ESCAPE.sub(_unescape, lexical)
        if direction:
            raise NoRdflibTerm("a literal with a base direction has no rdflib equivalent")
        if language:
            return Literal(lexical, lang=language)
        return Literal(lexical, datatype=URIRef(datatype)) if datatype else Literal(lexical)
    for pattern, datatype in _BARE:
        if pattern.match(field):
            return Literal(field, datatype=datatype)
    raise UnreadableText(field)
