"""Let pyoxigraph substitute bound variables wherever a query uses them.

pyoxigraph binds values by substitution (``Store.query(substitutions=…)``): the values form
the initial solution that evaluation starts from and passes down into every pattern, so a
bound variable stands for its value everywhere, as with rdflib's ``initBindings``. Values
are RDF terms and never become query text. Two limits of pyoxigraph 0.5 need the query's
*structure* adjusted (never with a value), which :func:`prepare_substitution` does:

1. Only a variable the outermost ``SELECT`` projects can be substituted, and a
   sub-``SELECT`` passes down only what it projects. So every ``SELECT`` (outer or nested)
   that uses a bound variable projects it too: a bound variable has the same value in
   every solution, so the extra column changes neither ``DISTINCT`` nor the groups, and
   the engine drops it from the answer. An aggregating ``SELECT`` projects it as
   ``(SAMPLE(?v) AS ?v)`` (or plainly if it groups by it); a ``SELECT *`` joins its pattern
   with ``VALUES ?v { UNDEF }``, which brings the variable into scope and adds nothing.
2. The optimizer runs before substitution and folds expressions over a variable that no
   pattern binds (``!BOUND(?v)`` becomes true, ``FILTER(… ?v …)`` may vanish). So every
   group whose expressions (``FILTER``, ``BIND``, a ``SELECT``'s projection and modifiers)
   use a bound variable starts with ``OPTIONAL { SELECT ?v WHERE { [] ?v_p ?v } LIMIT 1 }``:
   to the optimizer ``?v`` may then be bound to any term; at run time the sub-query is
   one index probe for the substituted value that adds at most one compatible solution.

The text is read by :mod:`.lexer` (tokens and groups); it has been parsed by rdflib before,
so it is a valid query.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import NamedTuple

from backcare_kg.sparql.lexer import Token, groups, matching_brace, tokenize

__all__ = ["Insertion", "prepare_substitution", "original_offset", "describe_as_select"]

_AGGREGATES = {"COUNT", "SUM", "MIN", "MAX", "AVG", "SAMPLE", "GROUP_CONCAT"}
_PROJECTION_ENDS = {"WHERE", "FROM"}
_MODIFIERS = {"HAVING", "ORDER", "LIMIT", "OFFSET", "VALUES"}
# At one offset: close a wrapped group, then open one, then widen inside it.
_CLOSE, _OPEN, _WIDEN, _PROJECT = range(4)


class Insertion(NamedTuple):
    """Text inserted at ``offset`` of the original query (ordered by offset, then rank)."""

    offset: int
    rank: int
    text: str


@dataclass
class _Select:
    """One SELECT clause: where to insert, what it projects, what it uses."""

    after_keyword: int = 0
    projection_end: int = 0
    star: bool = False
    projected: set[str] = field(default_factory=set)
    aggregated: bool = False
    group_by_end: int | None = None  # after the BY of GROUP BY, if there is one
    group_keys: set[str] = field(default_factory=set)
    where_open: int = 0
    where_close: int = 0
    uses: set[str] = field(default_factory=set)
    in_expressions: set[str] = field(default_factory=set)
    after_grouping: set[str] = field(default_factory=set)  # in expressions, not aggregated


def prepare_substitution(sparql: str, bound: Iterable[str]) -> tuple[str, tuple[Insertion, ...]]:
    """``sparql`` adjusted so that pyoxigraph substitutes the ``bound`` variables everywhere.

    Returns the new text and the insertions made (to map error positions back with
    :func:`original_offset`). The text is unchanged when nothing needs adjusting.
    """
    names = sorted(set(bound))
    if not names:
        return sparql, ()
    tokens = tokenize(sparql)
    # BIND and SELECT expressions give their targets a type; widening would put them in
    # scope before the assignment, which SPARQL forbids
    widen = set(names) - {t.name() for k, t in enumerate(tokens[1:])
                          if tokens[k].word() == "AS"}
    insertions: set[Insertion] = set()
    for group in groups(tokens):
        if group.pattern:  # a group whose own expressions use a variable to widen
            insertions.update(_widen(group.open_end, v) for v in group.in_expressions & widen)
    for i, token in enumerate(tokens):
        if token.word() == "SELECT":
            insertions.update(_project(_select(tokens, i), names, widen))
    if not insertions:
        return sparql, ()
    ordered = sorted(insertions)
    parts: list[str] = []
    last = 0
    for ins in ordered:
        parts += [sparql[last:ins.offset], ins.text]
        last = ins.offset
    parts.append(sparql[last:])
    return "".join(parts), tuple(ordered)


def original_offset(offset: int, insertions: Iterable[Insertion]) -> int:
    """The offset in the original text of ``offset`` in the rewritten one."""
    shift = 0
    for ins in insertions:
        start = ins.offset + shift
        if offset < start:
            break
        if offset < start + len(ins.text):
            return ins.offset
        shift += len(ins.text)
    return offset - shift


def _widen(offset: int, variable: str) -> Insertion:
    probe = f"SELECT ?{variable} WHERE {{ [] ?{variable}_p ?{variable} }} LIMIT 1"
    return Insertion(offset, _WIDEN, f" OPTIONAL {{ {probe} }} ")  # ?…_p: local to it


def _project(clause: _Select, names: list[str], widen: set[str]) -> list[Insertion]:
    out = [_widen(clause.where_open, v) for v in names
           if v in clause.in_expressions and v in widen]
    missing = [v for v in names if v in clause.uses and (clause.star or v not in clause.projected)]
    if not missing:
        return out
    if clause.aggregated:
        implicit = []
        for v in missing:
            if clause.group_by_end is not None or v in clause.after_grouping:
                # Visible after grouping (to HAVING and SELECT expressions) as a group key.
                if clause.group_by_end is None:
                    implicit.append(v)
                elif v not in clause.group_keys:
                    out.append(Insertion(clause.group_by_end, _PROJECT, f" ?{v}"))
                out.append(Insertion(clause.after_keyword, _PROJECT, f" ?{v}"))
            else:
                # SAMPLE keeps the one row an aggregate without GROUP BY gives on no solution.
                out.append(Insertion(clause.projection_end, _PROJECT,
                                     f" (SAMPLE(?{v}) AS ?{v}) "))
        if implicit:
            keys = " ".join(f"?{v}" for v in implicit)
            out.append(Insertion(clause.where_close + 1, _PROJECT, f" GROUP BY {keys} "))
    elif clause.star:
        scope = "".join(f" VALUES ?{v} {{ UNDEF }}" for v in missing)
        out.append(Insertion(clause.where_open, _OPEN, " { "))
        out.append(Insertion(clause.where_close, _CLOSE, f" }}{scope} "))
    else:
        out.append(Insertion(clause.after_keyword, _PROJECT, "".join(f" ?{v}" for v in missing)))
    return out


def _select(tokens: list[Token], i: int) -> _Select:
    """The SELECT clause whose keyword is ``tokens[i]``."""
    clause = _Select(after_keyword=tokens[i].end)
    j = i + 1
    if tokens[j].word() in ("DISTINCT", "REDUCED"):
        clause.after_keyword = tokens[j].end
        j += 1
    depth = 0
    aggregate_depth = 0  # > 0: inside the parentheses of an aggregate call
    while not (depth == 0 and (tokens[j].text == "{" or tokens[j].word() in _PROJECTION_ENDS)):
        token = tokens[j]
        if token.text == "(":
            depth += 1
        elif token.text == ")":
            depth -= 1
            aggregate_depth = 0 if depth < aggregate_depth else aggregate_depth
        elif token.text == "*" and depth == 0:
            clause.star = True
        elif token.kind == "var" and depth == 0:
            clause.projected.add(token.name())
        elif token.kind == "var":
            clause.in_expressions.add(token.name())
            if not aggregate_depth:
                clause.after_grouping.add(token.name())
        elif token.word() == "AS" and tokens[j + 1].kind == "var":
            clause.projected.add(tokens[j + 1].name())
        elif token.word() in _AGGREGATES:
            clause.aggregated = True
            aggregate_depth = aggregate_depth or depth + 1
        j += 1
    clause.projection_end = tokens[j].start
    while tokens[j].text != "{":  # WHERE, and FROM clauses of the outermost SELECT
        j += 1
    clause.where_open = tokens[j].end
    j = matching_brace(tokens, j)
    clause.where_close = tokens[j].start
    j = _modifiers(tokens, j + 1, clause)
    clause.uses = {t.name() for t in tokens[i:j] if t.kind == "var"}
    return clause


def _modifiers(tokens: list[Token], j: int, clause: _Select) -> int:
    """Read GROUP BY, HAVING, ORDER BY, … after the WHERE group; the index past them."""
    braces = parens = aggregate_depth = 0
    in_group_by = False
    while j < len(tokens):
        token = tokens[j]
        word = token.word()
        if token.text == "{":
            braces += 1
        elif token.text == "}":
            braces -= 1
            if braces < 0:
                break
        elif token.text == "(":
            parens += 1
        elif token.text == ")":
            parens -= 1
            aggregate_depth = 0 if parens < aggregate_depth else aggregate_depth
        elif word == "GROUP":
            clause.aggregated = in_group_by = True
            clause.group_by_end = tokens[j + 1].end
        elif word in _MODIFIERS:
            clause.aggregated |= word == "HAVING"
            in_group_by = False
        elif word in _AGGREGATES:
            clause.aggregated = True
            aggregate_depth = aggregate_depth or parens + 1
        elif token.kind == "var" and in_group_by:
            if parens == 0 or tokens[j - 1].word() == "AS":
                clause.group_keys.add(token.name())
        elif token.kind == "var" and parens > 0:
            clause.in_expressions.add(token.name())
            if not aggregate_depth:
                clause.after_grouping.add(token.name())
        j += 1
    return j


def describe_as_select(sparql: str) -> str:
    """``sparql``, a DESCRIBE query, as ``SELECT DISTINCT`` of the variables it describes.

    The IRIs a DESCRIBE names are left out (the caller knows them from the parsed query).
    """
    tokens = tokenize(sparql)
    i = next(k for k, t in enumerate(tokens) if t.word() == "DESCRIBE")
    j = i + 1
    while j < len(tokens) and not (tokens[j].text == "{" or tokens[j].word() in _PROJECTION_ENDS):
        j += 1
    variables = " ".join(t.text for t in tokens[i + 1:j] if t.kind == "var")
    end = tokens[j].start if j < len(tokens) else len(sparql)
    return f"{sparql[:tokens[i].start]}SELECT DISTINCT {variables} {sparql[end:]}"
