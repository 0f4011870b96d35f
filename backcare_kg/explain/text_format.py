"""An explanation for people: indented plain text (``text``) or a drawn tree (``tree``).

Both show the same tree: each proof, each statement in it with its support level (in
brackets) and how it holds (the rule that derives it, with a domain rule's kind, or the file
and line it is asserted on), and under each asserted statement the claims and editorial
readings behind it, with the exact quote, the whole sentence and their character offsets in
the source. Above the proofs, the statement's support level and why (:func:`support_text`:
the generalization rules and the readings of ours its strongest proof rests on). Plain text
only: no colour, nothing wrapped.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TypeVar

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import RDF, XSD
from rdflib.term import Node

from backcare_kg.explain.json_format import Names, short
from backcare_kg.explain.model import (
    DOMAIN,
    GENERALIZATION,
    OWL_RL_SPEC,
    Excerpt,
    Explanation,
    Proof,
    RuleRef,
    Span,
    Statement,
)
from backcare_kg.explain.owl_rules import BY_NAME
from backcare_kg.vocab import PREFIXES

#: How the kinds of excerpt are named to a reader: what is ours is said to be ours.
KIND_TEXT = {
    "claim": "claim",
    "editorial reading": "editorial reading (ours, not the source's)",
}

#: What each kind of domain rule means for the level of its step.
RULE_KIND_TEXT = {
    "strict": "the claim says it of each thing the rule concludes about (an entailed step)",
    "generalization": "the claim says it of exercise in general, and the rule applies it to "
    "each activity (a generalized step)",
}

#: Said once under an explanation that shows the source.
NOT_ADVICE = "The source is a news article (expert opinion), not medical advice."

_WORDS = re.compile(r"[^0-9a-z]+")
_READING_PREFIX = re.compile(r"^editorial reading:\s*", re.IGNORECASE)
_BARE = (XSD.boolean, XSD.integer, XSD.decimal)
_T = TypeVar("_T")
_NAMESPACES = Graph(bind_namespaces="none").namespace_manager
for _prefix, _namespace in PREFIXES.items():
    _NAMESPACES.bind(_prefix, _namespace)


@dataclass
class Line:
    """One line of the tree, and the lines under it."""

    text: str
    children: list[Line] = field(default_factory=list)


def render_text(explanation: Explanation, names: Names, *, notes: bool = True) -> str:
    """The explanation as indented plain text (two spaces a level); ``notes=False`` leaves
    out the closing notes (see :func:`closing_notes`), for output that shows several at once."""
    out: list[str] = []

    def write(line: Line, level: int) -> None:
        out.append("  " * level + line.text if line.text else "")
        for child in line.children:
            write(child, level + 1)

    for line in lines(explanation, names, notes=notes):
        write(line, 0)
    return "\n".join(out) + "\n"


def render_tree(explanation: Explanation, names: Names) -> str:
    """The explanation drawn as a tree with box-drawing characters (├── └── │)."""
    out: list[str] = []

    def draw(children: list[Line], prefix: str) -> None:
        for n, child in enumerate(children):
            last = n == len(children) - 1
            out.append(prefix + ("└── " if last else "├── ") + child.text)
            draw(child.children, prefix + ("    " if last else "│   "))

    for line in lines(explanation, names):
        out.append(line.text)
        draw(line.children, "")
    return "\n".join(out) + "\n"


def lines(explanation: Explanation, names: Names, *, notes: bool = True) -> list[Line]:
    """The explanation as a tree of lines (the top level unindented), with its closing
    notes unless ``notes`` is False."""
    write = _Writer(names)
    found = [Line(write.statement(explanation.statement, labels=True))]
    if not explanation.entailed:
        found.append(Line("Does not hold: the graph neither asserts nor infers this statement."))
        if explanation.near:
            found.append(
                Line(
                    "Near statements that hold:",
                    [
                        Line(f"{write.statement(n.statement)}{_tag(n.support)}  ({n.relation})")
                        for n in explanation.near
                    ],
                )
            )
        else:
            found.append(
                Line("No near statement holds (same subject and predicate, or a superproperty).")
            )
        return found
    how = "asserted" if explanation.asserted else "inferred, not asserted"
    count = len(explanation.proofs)
    found.append(
        Line(
            f"Holds: the graph holds this statement ({how}); "
            f"{count} proof{'s' if count != 1 else ''} shown, strongest first, then shortest."
        )
    )
    found.append(Line(f"Support: {support_text(explanation)}"))
    for n, proof in enumerate(explanation.proofs, 1):
        found.append(Line(""))
        found.append(
            Line(
                f"Proof {n} of {count} (depth {proof.depth}, {proof.support})",
                [write.proof(proof)],
            )
        )
    said = closing_notes([explanation]) if notes else []
    if said:
        found.append(Line(""))
        found.extend(Line(note) for note in said)
    return found


def support_text(explanation: Explanation) -> str:
    """The statement's support level and why, in one line: the level of its strongest
    proof and what that proof rests on (see :func:`proof_support_text`); a statement the
    graph does not hold has none. Should the level the graph records differ from the
    proof's, both are said."""
    if not explanation.entailed or not explanation.proofs:
        return "none: the graph does not hold this statement"
    said = proof_support_text(explanation.proofs[0])
    if not explanation.consistent:
        said += (
            f" (but the graph records {explanation.support}: its support graph does not "
            "match its proofs)"
        )
    return said


def proof_support_text(proof: Proof) -> str:
    """A proof's level and why: for an asserted statement, the sentences of the claims
    behind it (stated) or the readings of ours that license it (editorial), and the
    readings about its terms; for a derived one, the generalization rules it uses (with
    their claims' sentences) or else the ontology and strict rules, and the readings of
    ours its asserted premises rest on.

    >>> proof_support_text(kg.explain("yoga", "allowedInPhase", "chronic-phase").proofs[0])
    ... # doctest: +SKIP
    'editorial: generalized from sentence 7 (rule chronic-phase-allowed, kind
    generalization), resting on our reading of "But if we exclude this" (reading-chronic-phase)'
    """
    level = proof.support.name
    nodes = list(proof.nodes())
    resting = _unique(e for n in nodes if n.editorial for e in n.excerpts if _licensing_reading(e))
    if proof.asserted:
        if proof.editorial:
            said = "asserted on " + _and(_reading_of(e) for e in resting)
        else:
            said = "asserted" + _said_in(proof.excerpts)
        about = [e for e in proof.excerpts if e.relation == "reading"]
        if about:
            said += "; " + "; ".join(
                f"our reading: {_reading_words(e)} ({short(e.iri)})" for e in about
            )
        return f"{level}: {said}"
    rules = _unique(n.rule for n in nodes if n.rule is not None)
    general = [r for r in rules if r.rule_kind == GENERALIZATION]
    if general:
        said = "; ".join(
            f"generalized from {_sentences(r.sentences)} (rule {r.name}, kind {r.rule_kind})"
            for r in general
        )
    else:
        owl = _unique(name for r in rules if r.kind != DOMAIN for name in (r.name, *r.through))
        strict = [
            f"the strict rule {r.name}" + (f" ({_sentences(r.sentences)})" if r.sentences else "")
            for r in rules
            if r.kind == DOMAIN
        ]
        by = ([f"the ontology ({', '.join(owl)})"] if owl else []) + strict
        said = "derived by " + _and(by)
    if resting:
        said += ", resting on " + _and(_reading_of(e) for e in resting)
    return said if said.startswith(level) else f"{level}: {said}"


def statement_text(statement: Statement) -> str:
    """A statement in one line, as the text shows it: ``yoga bc:improves balance``."""
    return " ".join(_term(t) for t in statement)


def _unique(items: Iterable[_T]) -> list[_T]:
    return list(dict.fromkeys(items))


def _licensing_reading(excerpt: Excerpt) -> bool:
    return excerpt.kind == "editorial reading" and excerpt.relation == "licenses"


def _said_in(excerpts: Iterable[Excerpt]) -> str:
    """``, the source says it (sentence 24)``: the sentences of the claims that state or
    license the statement, or are about its subject and object; else ``, the source speaks
    of its subject (sentences 16, 24)``: those of the claims about its subject; nothing when
    no claim is shown (the ontology, a user's own data)."""
    claims = [e for e in excerpts if e.kind == "claim"]
    direct = [e for e in claims if e.relation in ("states", "licenses", "about both")]
    said = ", the source says it" if direct else ", the source speaks of its subject"
    claims = direct or claims
    if not claims:
        return ""
    positions = _positions(claims)
    return said + (f" ({_sentences(positions)})" if positions else "")


def _positions(excerpts: Iterable[Excerpt]) -> tuple[int, ...]:
    return tuple(sorted({p for e in excerpts for _, p, _ in e.sentences if p is not None}))


def _sentences(positions: tuple[int, ...]) -> str:
    if not positions:
        return "its claim"
    numbers = ", ".join(map(str, positions))
    return f"sentence{'s' if len(positions) > 1 else ''} {numbers}"


def _reading_of(excerpt: Excerpt) -> str:
    """``our reading of "…" (reading-…)``: by its quote of the source, else its label."""
    what = f'of "{excerpt.quote.text}"' if excerpt.quote else _reading_words(excerpt)
    return f"our reading {what} ({short(excerpt.iri)})"


def _reading_words(excerpt: Excerpt) -> str:
    """What a reading says: its label without the ``Editorial reading:`` it starts with."""
    return _READING_PREFIX.sub("", excerpt.label or short(excerpt.iri))


def _and(parts: Iterable[str]) -> str:
    found = list(parts)
    return ", ".join(found[:-1]) + " and " + found[-1] if len(found) > 1 else "".join(found)


def _tag(level: object) -> str:
    """`` [editorial]``: a support level after a statement (nothing if there is none)."""
    return f"  [{level}]" if level is not None else ""


def closing_notes(explanations: Iterable[Explanation]) -> list[str]:
    """What to say once under these explanations: where the OWL 2 RL rule names come from
    (if one is used), and that the source is not medical advice (if it is shown)."""
    nodes = [node for e in explanations for proof in e.proofs for node in proof.nodes()]
    said = []
    if any(node.rule is not None and node.rule.kind != DOMAIN for node in nodes):
        said.append(f"OWL 2 RL rules are named as in the W3C rule tables: {OWL_RL_SPEC}")
    if any(node.excerpts for node in nodes):
        said.append(NOT_ADVICE)
    return said


class _Writer:
    def __init__(self, names: Names) -> None:
        self.names = names

    def statement(self, statement: Statement, labels: bool = False) -> str:
        text = statement_text(statement)
        if labels:
            helpful = [f"{short(t)}: {label}" for t in statement if (label := self.label(t))]
            if helpful:
                text += f"  ({'; '.join(helpful)})"
        return text

    def label(self, node: Node) -> str | None:
        return helpful_label(node, self.names)

    def proof(self, proof: Proof) -> Line:
        line = Line(self.statement(proof.statement) + _tag(proof.support))
        if proof.rule is None:
            where = (
                f"asserted, {proof.location}"
                if proof.location is not None
                else ("asserted (its file and line are not known for this graph)")
            )
            if proof.editorial:
                where += "; only a reading of ours licenses it, so it is editorial"
            line.children.append(Line(where))
            line.children.extend(self.excerpt(e) for e in proof.excerpts)
            if proof.more_excerpts:
                line.children.append(
                    Line(
                        f"and {proof.more_excerpts} more claims about its subject "
                        "(the five about the fewest things are shown)"
                    )
                )
            return line
        line.children.append(self.rule(proof.rule))
        for n, premise in enumerate(proof.premises, 1):
            child = self.proof(premise)
            child.text = f"premise {n}: {child.text}"
            line.children.append(child)
        return line

    def rule(self, rule: RuleRef) -> Line:
        if rule.kind == DOMAIN:
            where = f" ({rule.path})" if rule.path else ""
            line = Line(f"derived by the domain rule {rule.name}{where}")
            if rule.rule_kind is not None:
                meaning = RULE_KIND_TEXT.get(rule.rule_kind)
                line.children.append(
                    Line(f"kind {rule.rule_kind}" + (f": {meaning}" if meaning else ""))
                )
            line.children.append(Line(rule.summary))
            if rule.claim is not None:
                label = self.names(rule.claim)
                where = f" ({_sentences(rule.sentences)})" if rule.sentences else ""
                line.children.append(
                    Line(
                        f"implements the claim {short(rule.claim)}{where}"
                        + (f": {label}" if label else "")
                    )
                )
        else:
            line = Line(f"derived by the OWL 2 RL rule {rule.name}", [Line(rule.summary)])
        for name in rule.through:
            summary = owl_rl_summary(name)
            line.children.append(
                Line(
                    f"through the OWL 2 RL rule {name}"
                    + (f": {summary}" if summary else "")
                    + " (a step into a class expression the inferred graph does not keep)"
                )
            )
        return line

    def excerpt(self, excerpt: Excerpt) -> Line:
        kind = KIND_TEXT.get(excerpt.kind, excerpt.kind)
        line = Line(f"{kind} {short(excerpt.iri)} ({excerpt.relation})")
        add = line.children.append
        if excerpt.label:
            add(Line(f"label: {excerpt.label}"))
        if excerpt.attributed_to:
            who = "; ".join(name for _, name in excerpt.attributed_to)
            add(Line(f"attributed to: {who}"))
        if excerpt.evidence_level is not None:
            add(Line(f"evidence level: {excerpt.evidence_level[1]}"))
        if excerpt.quote is not None:
            add(Line(f'quote {_offsets(excerpt.quote)}: "{excerpt.quote.text}"'))
        for _, position, span in excerpt.sentences:
            number = f" {position}" if position is not None else ""
            add(Line(f'sentence{number} {_offsets(span)}: "{span.text}"'))
        if excerpt.note:
            add(Line(f"editorial note: {excerpt.note}"))
        return line


def _term(node: Node) -> str:
    if node == RDF.type:
        return "a"
    if isinstance(node, Literal):
        if node.datatype in _BARE and node.language is None:
            return str(node)  # as Turtle writes it: true, 3, 2.5
        return node.n3(_NAMESPACES)
    return short(node)


def helpful_label(node: Node, names: Names) -> str | None:
    """The label of ``node`` where it says more than its short name (``chronic phase``
    says no more than ``chronic-phase``), else None."""
    if not isinstance(node, URIRef) or node == RDF.type:
        return None
    label = names(node)
    if not label:
        return None
    local = short(node).rpartition(":")[2]
    return None if _WORDS.sub("", label.lower()) == _WORDS.sub("", local.lower()) else label


def _offsets(span: Span) -> str:
    return f"[{span.start}–{span.end}]"


def owl_rl_summary(name: str) -> str | None:
    """The summary of the OWL 2 RL rule called ``name`` (for the rules in ``through``)."""
    found = BY_NAME.get(name)
    return found.summary if found is not None else None
