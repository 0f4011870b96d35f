"""Domain rules: one SPARQL CONSTRUCT a file, each naming the Claim it implements.

A rule file starts with a grlc-style header of ``#+ key: value`` lines::

    #+ summary: Each activity may serve each goal of exercise for back pain
    #+ claim: bcr:claim-exercise-goals
    #+ kind: generalization
    #+ description: Optional longer text; an indented "#+" line continues it.
    CONSTRUCT { ?activity bc:supportsGoal ?goal } WHERE { ... }

``kind`` says how far the claim reaches (DESIGN.md, "Inference"): ``strict``, the claim
says it of each thing the rule concludes about; ``generalization``, the claim says it of
exercise in general and the rule applies it to each activity, so what it concludes is
at best :data:`~backcare_kg.rdf.support_levels.GENERALIZED`.

The prefixes of :data:`backcare_kg.vocab.PREFIXES` are predeclared in the query and in
the claim. A template may not contain blank nodes: a rule that mints new nodes would never
reach a fixpoint. A rule whose WHERE clause asks that something be absent (``FILTER NOT
EXISTS``, a negated ``EXISTS``, ``MINUS``, ``OPTIONAL``), counts or slices is not monotone:
it runs in the later stratum, on the closure of the monotone rules (:attr:`Rule.monotone`).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from pyparsing import ParseBaseException
from rdflib import BNode, URIRef
from rdflib.plugins.sparql import prepareQuery
from rdflib.plugins.sparql.parserutils import CompValue
from rdflib.plugins.sparql.sparql import Query
from rdflib.term import Node, Variable

from backcare_kg.errors import DataError
from backcare_kg.vocab import PREFIXES

Triple = tuple[Node, Node, Node]

#: The header keys a rule may carry; ``summary``, ``claim`` and ``kind`` are required.
HEADER_KEYS = ("summary", "claim", "kind", "description", "tags")
_REQUIRED = ("summary", "claim", "kind")
#: The kinds of rule: the claim says it of each thing (``strict``), or of exercise in
#: general and the rule applies it to each activity (``generalization``).
KINDS = ("strict", "generalization")
_HEADER_LINE = re.compile(r"^#\+\s*([A-Za-z_][\w-]*)\s*:\s?(.*)$")
_CONTINUATION = re.compile(r"^#\+\s{2,}(.*)$|^#\+\s*$")
_PREFIXED = re.compile(r"^([A-Za-z][\w.-]*)?:(\S+)$")
_OTHER_FORMS = re.compile(r"\b(SELECT|ASK|DESCRIBE)\b", re.IGNORECASE)
_PYPARSING_WHERE = re.compile(r"\s*\(at char \d+\).*$")
_UNKNOWN_PREFIX = re.compile(r"Unknown namespace prefix\s*:\s*(\S+)")


@dataclass(frozen=True)
class Rule:
    """A domain rule: a SPARQL CONSTRUCT query and the claim that licenses it."""

    name: str
    path: Path
    summary: str
    claim: URIRef
    description: str
    text: str
    kind: str = "strict"

    @property
    def generalization(self) -> bool:
        """Whether the rule applies a general statement to each thing (its ``kind``)."""
        return self.kind == "generalization"

    @property
    def monotone(self) -> bool:
        """Whether adding triples can only add conclusions: no NOT EXISTS (nor an EXISTS that
        may be negated), MINUS, OPTIONAL, aggregate or LIMIT/OFFSET."""
        return not _absence(self.query.algebra)

    @property
    def query(self) -> Query:
        """The prepared query (prepared once per distinct text)."""
        return _prepare(self.text)

    @property
    def pattern(self) -> RulePattern | None:
        """The WHERE clause as triple patterns, if it is a plain basic graph pattern.

        None for a rule that uses anything else (FILTER, OPTIONAL, UNION, ...): such a rule
        is evaluated by rdflib's SPARQL engine over the whole graph instead.
        """
        return _pattern(self.query)


@dataclass(frozen=True)
class RulePattern:
    """A rule as triple patterns: ``where`` (a basic graph pattern) and ``template``.

    Terms are rdflib terms; variables are :class:`rdflib.term.Variable`, and a blank node
    in ``where`` is a variable too (SPARQL's non-distinguished variables).
    """

    where: tuple[Triple, ...]
    template: tuple[Triple, ...]
    #: Groups that must have no solution (``FILTER NOT EXISTS { ... }``), each given the
    #: bindings of ``where``.
    absent: tuple[RuleGroup, ...] = ()


@dataclass(frozen=True)
class RuleGroup:
    """A ``FILTER NOT EXISTS`` group: triple patterns, and groups absent in their turn."""

    where: tuple[Triple, ...]
    absent: tuple[RuleGroup, ...] = ()


@lru_cache(maxsize=512)
def _pattern(query: Query) -> RulePattern | None:
    algebra = query.algebra
    node = algebra.p
    while node.name == "Project":
        node = node.p
    group = _group(node)
    if group is None:
        return None
    template = tuple(tuple(t) for t in algebra.get("template") or ())
    return RulePattern(group.where, template, group.absent)


def _group(node: Any) -> RuleGroup | None:
    """A basic graph pattern, filtered by NOT EXISTS groups only; None for anything else."""
    if node.name == "BGP":
        where = tuple(
            tuple(Variable(f"_{t}") if isinstance(t, BNode) else t for t in triple)
            for triple in node.triples
        )
        return RuleGroup(where)  # type: ignore[arg-type]
    if node.name == "Join":  # { a } { b }: rdflib's form of a group inside NOT EXISTS
        left, right = _group(node.p1), _group(node.p2)
        if left is None or right is None:
            return None
        return RuleGroup(left.where + right.where, left.absent + right.absent)
    if node.name != "Filter":
        return None
    inner = _group(node.p)
    expr = node.expr
    parts = [expr.expr, *expr.other] if expr.name == "ConditionalAndExpression" else [expr]
    absent: list[RuleGroup] = []
    for part in parts:
        if getattr(part, "name", None) != "Builtin_NOTEXISTS":
            return None
        found = _group(part.graph)
        if found is None:
            return None
        absent.append(found)
    if inner is None:
        return None
    return RuleGroup(inner.where, inner.absent + tuple(absent))


#: Algebra that can lose solutions when triples are added: absence (NOT EXISTS, MINUS,
#: OPTIONAL), aggregates (a count grows, so ``?n < 2`` can turn false) and slices (LIMIT).
_NON_MONOTONE = ("Builtin_NOTEXISTS", "Minus", "LeftJoin", "AggregateJoin", "Slice")


def _absence(node: Any) -> bool:
    """Whether an algebra expression asks that something be absent somewhere.

    Conservative: an EXISTS counts, unless it is a filter's condition or one of its and-ed
    parts (elsewhere ``!EXISTS``, ``EXISTS {...} = false`` or ``IF(EXISTS ...)`` negate it).
    """
    if isinstance(node, CompValue):
        if node.name in _NON_MONOTONE or node.name == "Builtin_EXISTS":
            return True
        if node.name == "Filter":
            expr = node.expr
            and_ed = getattr(expr, "name", None) == "ConditionalAndExpression"
            parts = [expr.expr, *expr.other] if and_ed else [expr]
            return _absence(node.p) or any(
                _absence(part.graph if getattr(part, "name", None) == "Builtin_EXISTS" else part)
                for part in parts
            )
        return any(_absence(value) for value in node.values())
    if isinstance(node, list | tuple):
        return any(_absence(value) for value in node)
    return False


@lru_cache(maxsize=512)
def _prepare(text: str) -> Query:
    return prepareQuery(text, initNs=PREFIXES)


def load_rules(paths: Sequence[Path]) -> list[Rule]:
    """Read and check the rule files in ``paths``, in order.

    Raises :class:`~backcare_kg.errors.DataError` (file:line) for a missing or malformed
    header, a query that does not parse, is not a CONSTRUCT, or mints blank nodes.
    """
    rules: list[Rule] = []
    seen: dict[str, Path] = {}
    for path in paths:
        rule = load_rule(Path(path))
        if rule.name in seen:
            raise DataError(
                f"duplicate rule name {rule.name!r} (also {seen[rule.name]})", path=str(path)
            )
        seen[rule.name] = rule.path
        rules.append(rule)
    return rules


def load_rule(path: Path) -> Rule:
    """Read and check one rule file."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise DataError("rule file not found", path=str(path)) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise DataError(f"cannot read rule file: {exc}", path=str(path)) from None
    header, first = _parse_header(text, path)
    for key in _REQUIRED:
        if not header.get(key):
            raise DataError(
                f"missing '#+ {key}:' header line (required: {', '.join(_REQUIRED)})",
                path=str(path),
                line=first,
            )
    claim = _claim_iri(header["claim"], path, _key_line(text, "claim"))
    kind = header["kind"].strip().lower()
    if kind not in KINDS:
        raise DataError(
            f"unknown rule kind {header['kind']!r} (accepted: {', '.join(KINDS)}): say whether "
            "the claim says it of each thing (strict) or of exercise in general (generalization)",
            path=str(path),
            line=_key_line(text, "kind"),
        )
    query = _checked_query(text, path)
    if query.algebra.name != "ConstructQuery":
        raise DataError(
            "a rule must be a SPARQL CONSTRUCT query",
            path=str(path),
            line=_find_line(text, _OTHER_FORMS),
        )
    for triple in query.algebra.get("template") or ():
        if any(isinstance(term, BNode) for term in triple):
            raise DataError(
                "the CONSTRUCT template contains a blank node: a rule must not "
                "mint new nodes (it would never reach a fixpoint)",
                path=str(path),
                line=_find_line(text, re.compile(r"_:|\[")),
            )
    return Rule(
        name=path.stem,
        path=path,
        summary=header["summary"],
        claim=claim,
        description=header.get("description", ""),
        text=text,
        kind=kind,
    )


def _parse_header(text: str, path: Path) -> tuple[dict[str, str], int]:
    """The ``#+`` header at the top of ``text`` and the line it starts on."""
    header: dict[str, str] = {}
    first: int | None = None
    key: str | None = None
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.rstrip()
        if not line and first is None:
            continue
        if not line.startswith("#+"):
            break
        first = first or number
        continued = _CONTINUATION.match(line)
        if continued and key is not None:
            extra = (continued.group(1) or "").strip()
            header[key] = f"{header[key]} {extra}".strip() if extra else header[key]
            continue
        m = _HEADER_LINE.match(line)
        if m is None:
            raise DataError("expected a header line '#+ key: value'", path=str(path), line=number)
        key = m.group(1).lower()
        if key not in HEADER_KEYS:
            raise DataError(
                f"unknown header key {key!r} (accepted: {', '.join(HEADER_KEYS)})",
                path=str(path),
                line=number,
            )
        if key in header:
            raise DataError(f"duplicate header key {key!r}", path=str(path), line=number)
        header[key] = m.group(2).strip()
    return header, first or 1


def _claim_iri(value: str, path: Path, line: int) -> URIRef:
    if value.startswith("<") and value.endswith(">") and len(value) > 2 and " " not in value:
        return URIRef(value[1:-1])
    m = _PREFIXED.match(value)
    if m is not None and (m.group(1) or "") in PREFIXES:
        return URIRef(PREFIXES[m.group(1) or ""] + m.group(2))
    hint = f"unknown prefix {m.group(1)!r}; " if m is not None else ""
    raise DataError(
        f"claim {value!r} is not an IRI: {hint}write a prefixed name such as "
        "bcr:claim-... or a full IRI in <>",
        path=str(path),
        line=line,
    )


def _checked_query(text: str, path: Path) -> Query:
    try:
        return _prepare(text)
    except ParseBaseException as exc:
        message = _PYPARSING_WHERE.sub("", " ".join(str(exc).split())) or str(exc.msg)
        raise DataError(
            f"SPARQL syntax error at column {exc.column}: {message}",
            path=str(path),
            line=exc.lineno,
        ) from None
    except Exception as exc:  # rdflib raises bare Exceptions from its algebra translation
        message = " ".join(str(exc).split())
        unknown = _UNKNOWN_PREFIX.search(message)
        line = (
            _find_line(text, re.compile(rf"(?<![\w<]){re.escape(unknown.group(1))}:"))
            if unknown
            else None
        )
        raise DataError(f"invalid SPARQL: {message}", path=str(path), line=line) from None


def _key_line(text: str, key: str) -> int:
    pattern = re.compile(rf"^#\+\s*{key}\s*:", re.IGNORECASE)
    lines = text.splitlines()
    return next((n for n, line in enumerate(lines, start=1) if pattern.match(line)), 1)


def _find_line(text: str, pattern: re.Pattern[str]) -> int | None:
    """The first line whose code (the part before a comment) matches ``pattern``."""
    for number, line in enumerate(text.splitlines(), start=1):
        if pattern.search(re.sub(r"(^|\s)#.*$", "", line)):
            return number
    return None
