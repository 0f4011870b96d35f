"""SPARQL text read without a parser: the groups the rewriters use, and SPARQL Update found
the same way by the server and by query preparation."""

from __future__ import annotations

import pytest

from backcare_kg.errors import QueryRefused
from backcare_kg.sparql.lexer import first_keyword, groups, tokenize, update_keyword
from backcare_kg.sparql.preparation import prepare


@pytest.mark.parametrize(("text", "keyword"), [
    ("INSERT DATA { <a:b> <a:c> <a:d> }", "INSERT"),
    ("# a comment\nPREFIX ex: <http://example.org/#>\nBASE <http://example.org/>\n"
     "  insert { ?s ex:p 1 } where { ?s ?p ?o }", "INSERT"),
    ("WITH <a:g> DELETE { ?s ?p ?o } WHERE { ?s ?p ?o }", "WITH"),
    ("CLEAR ALL ; DROP ALL", "CLEAR"),
    ("INSERT DATA { <a> <b> ", "INSERT"),  # malformed, still an update
    ("\\u0049NSERT DATA { <a:b> <a:c> <a:d> }", "INSERT"),  # as the parser reads it
    ("SELECT * {} ; INSERT DATA { <a> <b> <c> }", None),
    ("PREFIX insert: <a:> SELECT * {}", None),
    ("", None),
])
def test_update_keyword(text: str, keyword: str | None) -> None:
    assert update_keyword(text) == keyword
    if keyword is not None:
        with pytest.raises(QueryRefused, match="read-only"):
            prepare(text)


def test_first_keyword() -> None:
    assert first_keyword("PREFIX ex: <a:>\n# DESCRIBE\ndescribe ex:x") == "DESCRIBE"
    assert first_keyword("  ") == ""


def test_groups() -> None:
    text = ("SELECT * WHERE { ?a ?b ?c FILTER(?c > ?x) "
            "MINUS { ?a ?p ?m } { SELECT ?a WHERE { ?a ?q ?s } } VALUES ?v { 1 } }")
    found = {text[g.open_end - 1:g.open_end + 6]: g for g in groups(tokenize(text))}
    where, minus, subselect = found["{ ?a ?b"], found["{ ?a ?p"], found["{ SELEC"]
    values, sub_where = found["{ 1 } }"], found["{ ?a ?q"]
    assert where.pattern and where.outermost and not where.after_minus
    assert where.in_expressions == {"c", "x"}
    assert where.variables == {"a", "b", "c", "x", "p", "m", "q", "s", "v"}
    assert minus.pattern and minus.after_minus and minus.variables == {"a", "p", "m"}
    assert not subselect.pattern and not values.pattern
    assert sub_where.pattern and not sub_where.outermost and not sub_where.in_expressions
