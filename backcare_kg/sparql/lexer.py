"""SPARQL text read without a parser: tokens, the groups of braces, the first keyword.

Two rewriters adjust a query's text around its groups (:mod:`.rewriting`, for pyoxigraph's
substitution; :mod:`backcare_kg.remote.values`, for a remote store's inline ``VALUES``), and
two places refuse SPARQL Update, the server before a query reaches a worker and
:mod:`.preparation` when the parser refuses a query: all of them read the text here.

- :func:`tokenize`: the tokens of a text. The lexer is small but knows comments, strings,
  IRIs and prefixed names; the rewriters read text that rdflib has parsed, so a valid query.
- :func:`groups`: every pair of braces, with what the rewriters ask of it.
- :func:`update_keyword`: the first keyword of a SPARQL Update request, even a malformed one.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import NamedTuple

__all__ = ["Token", "tokenize", "matching_brace", "Group", "groups", "first_keyword",
           "update_keyword", "UPDATE_KEYWORDS", "UNICODE_ESCAPE", "expand_escape"]

_TOKEN = re.compile(
    r"""
      (?P<skip>\s+|\#[^\r\n]*)
    | (?P<string>'''(?:[^'\\]|\\.|'(?!''))*'''|\"\"\"(?:[^"\\]|\\.|"(?!""))*\"\"\"
                |'(?:[^'\\\r\n]|\\.)*'|"(?:[^"\\\r\n]|\\.)*")
    | (?P<iri><[^<>"{}|^`\\\x00-\x20]*>)
    | (?P<var>[?$][\w\u00b7\u0300-\u036f\u203f\u2040]+)
    | (?P<lang>@[A-Za-z]+(?:-[A-Za-z0-9]+)*)
    | (?P<word>[\w\u00b7\u0300-\u036f\u203f\u2040.:%\\-]+)
    | (?P<punct>.)
    """,
    re.X | re.S,
)


class Token(NamedTuple):
    """A token: its ``kind`` (``string``, ``iri``, ``var``, ``lang``, ``word`` or ``punct``),
    its text and where it is in the query (``start`` and ``end`` offsets). A named tuple, not
    a dataclass: quicker to define (the command line's start) and to make (one per token)."""

    kind: str
    text: str
    start: int
    end: int

    def word(self) -> str:
        """A keyword or prefixed name upper-cased (``SELECT``); empty for other tokens."""
        return self.text.upper() if self.kind == "word" else ""

    def name(self) -> str:
        """A variable's name without ``?`` or ``$``; empty for other tokens."""
        return self.text[1:] if self.kind == "var" else ""


def tokenize(sparql: str) -> list[Token]:
    """The tokens of ``sparql``, without whitespace and comments."""
    out = []
    for match in _TOKEN.finditer(sparql):
        kind = match.lastgroup or "punct"
        if kind != "skip":
            out.append(Token(kind, match.group(), match.start(), match.end()))
    return out


def matching_brace(tokens: list[Token], j: int) -> int:
    """The index of the ``}`` that closes the ``{`` at ``tokens[j]`` (the last token if none
    does)."""
    depth = 0
    for k in range(j, len(tokens)):
        if tokens[k].text == "{":
            depth += 1
        elif tokens[k].text == "}":
            depth -= 1
            if depth == 0:
                return k
    return len(tokens) - 1


@dataclass
class Group:
    """A pair of braces of a query, and the variables in it."""

    #: The offset just after its ``{``: where text inserted joins the group.
    open_end: int
    #: Whether it is a group graph pattern: not inline data (``VALUES``), nor a ``CONSTRUCT``
    #: template, nor the braces around a sub-``SELECT``.
    pattern: bool
    #: Whether it is the group of a ``MINUS``.
    after_minus: bool
    #: Whether it is the first group graph pattern at the top level: the query's ``WHERE``.
    outermost: bool
    #: Every variable in it, those of the groups inside it too.
    variables: set[str] = field(default_factory=set)
    #: The variables inside its own parentheses (``FILTER``, ``BIND``, function calls), not
    #: those of the groups inside it.
    in_expressions: set[str] = field(default_factory=set)


def groups(tokens: list[Token]) -> list[Group]:
    """Every pair of braces of the query of ``tokens``, each once closed (inner ones first)."""
    closed: list[Group] = []
    stack: list[Group] = []
    parens: list[int] = []  # the depth of parentheses in each group of the stack
    data_next = False  # the next '{' opens inline data (VALUES) or a CONSTRUCT template
    outermost_seen = False
    for i, token in enumerate(tokens):
        text = token.text
        if token.word() in ("VALUES", "CONSTRUCT"):
            data_next = True
        elif text == "{":
            subselect = i + 1 < len(tokens) and tokens[i + 1].word() == "SELECT"
            minus = i > 0 and tokens[i - 1].word() == "MINUS"
            pattern = not (data_next or subselect)
            outermost = pattern and not stack and not outermost_seen
            outermost_seen |= outermost
            stack.append(Group(token.end, pattern, minus, outermost))
            parens.append(0)
            data_next = False
        elif not stack:
            continue
        elif text == "}":
            group = stack.pop()
            parens.pop()
            if stack:
                stack[-1].variables |= group.variables
            closed.append(group)
        elif text == "(":
            parens[-1] += 1
        elif text == ")":
            parens[-1] -= 1
        elif token.kind == "var":
            stack[-1].variables.add(token.name())
            if parens[-1] > 0:
                stack[-1].in_expressions.add(token.name())
    return closed


# -- the first keyword -------------------------------------------------------------------------

# Comments, BASE and PREFIX declarations before the first keyword of a request.
_PROLOGUE = re.compile(
    r"(?:\s+|#[^\n\r]*|(?i:BASE)\s*<[^<>]*>|(?i:PREFIX)\s*[^\s:<]*:\s*<[^<>]*>)*")
_KEYWORD = re.compile(r"[A-Za-z]+")
#: The words a SPARQL 1.1 Update request begins with.
UPDATE_KEYWORDS = frozenset({"INSERT", "DELETE", "LOAD", "CLEAR", "CREATE", "DROP", "COPY",
                             "MOVE", "ADD", "WITH"})
#: A ``\uXXXX`` or ``\UXXXXXXXX`` escape, which a SPARQL parser expands before anything else.
UNICODE_ESCAPE = re.compile(r"\\u([0-9a-f]{4}(?:[0-9a-f]{4})?)", re.I)


def first_keyword(text: str) -> str:
    """The first word of a SPARQL request after its prologue, upper-cased (``SELECT``,
    ``INSERT``, …); empty if there is none."""
    prologue = _PROLOGUE.match(text)
    word = _KEYWORD.match(text, prologue.end() if prologue else 0)
    return word.group().upper() if word else ""


def update_keyword(text: str) -> str | None:
    """The keyword (``INSERT``, ``LOAD``, …) if ``text`` is a SPARQL Update request, even a
    malformed one; None for anything else (a query, or text no parser would read).

    Escapes are read as the parser reads them (``\\u0049NSERT`` is ``INSERT``).
    """
    if "\\" in text:
        text = UNICODE_ESCAPE.sub(expand_escape, text)
    keyword = first_keyword(text)
    return keyword if keyword in UPDATE_KEYWORDS else None


def expand_escape(match: re.Match[str]) -> str:
    """The character a match of :data:`UNICODE_ESCAPE` stands for (the escape as written if
    it names no code point)."""
    try:
        return chr(int(match.group(1), 16))
    except (ValueError, OverflowError):
        return match.group()
