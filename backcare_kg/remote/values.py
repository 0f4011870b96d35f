"""Bound values for a remote store: inline ``VALUES`` blocks, and the project's prefixes.

A remote store takes a query as text, so a bound value has to travel in it. It travels as
an RDF term in a ``VALUES`` block (``term.n3()``, whose escaping rdflib does; IRIs are
checked first), never spliced into the query where a variable was, so a value cannot change
the query's structure.

To give the same answers as substitution (the local engines' semantics: the value is the
starting solution, seen by every pattern), every group graph pattern that mentions a bound
variable starts with ``VALUES (?v …) { (value …) }``, and so does the outermost ``WHERE``
(for a value only projected). Joining a group with a one-row table of constants constrains
it exactly as substituting them would, for patterns, ``FILTER``, ``OPTIONAL``, ``EXISTS``,
``GRAPH``, ``UNION`` branches and sub-``SELECT``. Two kinds of group are left alone:

- ``MINUS`` groups, where a value would become a shared variable and remove every
  solution;
- the groups of a sub-``SELECT`` that does not project the variable are still constrained
  (they mention it), which is what substitution does too.

``CONSTRUCT WHERE { … }`` (template and pattern in one) is written out as
``CONSTRUCT { … } WHERE { … }`` first, since a template cannot hold ``VALUES``.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from rdflib import BNode, URIRef
from rdflib.term import Identifier

from backcare_kg.errors import ParameterError
from backcare_kg.sparql.lexer import groups, matching_brace, tokenize
from backcare_kg.vocab import PREFIXES

__all__ = ["inline_values", "with_prefixes", "term_text"]

_IRI_FORBIDDEN = re.compile(r'[<>"{}|^`\\\x00-\x20]')


def term_text(name: str, term: Identifier) -> str:
    """``term`` as SPARQL text; :class:`ParameterError` naming ``name`` if it cannot travel.

    A blank node means something only inside one store, so it cannot be sent to another.
    """
    if isinstance(term, BNode):
        raise ParameterError("a blank node cannot be sent to a remote store: bind an IRI "
                             "or a literal", name)
    if isinstance(term, URIRef) and _IRI_FORBIDDEN.search(str(term)):
        raise ParameterError(f"not a valid IRI: {str(term)!r}", name)
    return term.n3()


def inline_values(sparql: str, terms: Mapping[str, Identifier]) -> str:
    """``sparql`` with each group that mentions a variable of ``terms`` joined with its value.

    ``sparql`` must be a valid query (read by rdflib before): the lexer only tracks braces,
    keywords and variables.
    """
    if not terms:
        return sparql
    texts = {name: term_text(name, term) for name, term in terms.items()}
    sparql = _expand_construct_where(sparql)
    insertions: list[tuple[int, str]] = []
    for group in groups(tokenize(sparql)):
        names = set(texts) if group.outermost else group.variables & set(texts)
        if group.pattern and not group.after_minus and names:
            insertions.append((group.open_end, _values_block(sorted(names), texts)))
    if not insertions:  # DESCRIBE ?v with no WHERE clause
        return sparql + " WHERE { " + _values_block(sorted(texts), texts) + " }"
    parts: list[str] = []
    last = 0
    for offset, text in sorted(insertions):
        parts += [sparql[last:offset], " ", text, " "]
        last = offset
    parts.append(sparql[last:])
    return "".join(parts)


def with_prefixes(sparql: str) -> str:
    """``sparql`` with a ``PREFIX`` line for each project prefix it uses but does not declare
    (the local engines know them; a remote store does not)."""
    tokens = tokenize(sparql)
    declared = {tokens[i + 1].text[:-1] for i, t in enumerate(tokens[:-1])
                if t.word() == "PREFIX" and tokens[i + 1].text.endswith(":")}
    used = {t.text.split(":", 1)[0] for t in tokens if t.kind == "word" and ":" in t.text}
    missing = sorted((used - declared) & set(PREFIXES))
    if not missing:
        return sparql
    return "".join(f"PREFIX {p}: <{PREFIXES[p]}>\n" for p in missing) + sparql


def _values_block(names: list[str], texts: Mapping[str, str]) -> str:
    variables = " ".join(f"?{n}" for n in names)
    row = " ".join(texts[n] for n in names)
    return f"VALUES ({variables}) {{ ({row}) }}"


def _expand_construct_where(sparql: str) -> str:
    """``CONSTRUCT WHERE { P }`` as ``CONSTRUCT { P } WHERE { P }`` (else unchanged)."""
    tokens = tokenize(sparql)
    for i, token in enumerate(tokens[:-2]):
        if token.word() == "CONSTRUCT":
            if tokens[i + 1].word() != "WHERE" or tokens[i + 2].text != "{":
                return sparql
            close = matching_brace(tokens, i + 2)
            body = sparql[tokens[i + 2].start:tokens[close].end]
            return (sparql[:token.end] + " " + body + " WHERE " + body
                    + sparql[tokens[close].end:])
    return sparql
