"""An explanation for people: indented plain text (``text``) or a drawn tree (``tree``).

Both show the same tree: each proof, each statement in it and how it holds (the rule that
derives it, or the file and line it is asserted on), and under each asserted statement the
claims and editorial readings behind it, with the exact quote, the whole sentence and their
character offsets in the source. Plain text only: no colour, nothing wrapped.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import RDF, XSD
from rdflib.term import Node

from backcare_kg.explain.json_format import Names, short
from backcare_kg.explain.model import (
    DOMAIN,
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

#: Said once under an explanation that shows the source.
NOT_ADVICE = "The source is a news article (expert opinion), not medical advice."

_WORDS = re.compile(r"[^0-9a-z]+")
_BARE = (XSD.boolean, XSD.integer, XSD.decimal)
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
        found.append(
            Line(
                "Not entailed: the graph does not hold this statement (neither asserted nor "
                "inferred)."
            )
        )
        if explanation.near:
            found.append(
                Line(
                    "Near statements that hold:",
                    [
                        Line(f"{write.statement(n.statement)}  ({n.relation})")
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
            f"Entailed: the graph holds this statement ({how}); "
            f"{count} proof{'s' if count != 1 else ''} shown, shortest first."
        )
    )
    for n, proof in enumerate(explanation.proofs, 1):
        found.append(Line(""))
        found.append(Line(f"Proof {n} of {count} (depth {proof.depth})", [write.proof(proof)]))
    said = closing_notes([explanation]) if notes else []
    if said:
        found.append(Line(""))
        found.extend(Line(note) for note in said)
    return found


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

    def term(self, node: Node) -> str:
        if node == RDF.type:
            return "a"
        if isinstance(node, Literal):
            if node.datatype in _BARE and node.language is None:
                return str(node)  # as Turtle writes it: true, 3, 2.5
            return node.n3(_NAMESPACES)
        return short(node)

    def statement(self, statement: Statement, labels: bool = False) -> str:
        text = " ".join(self.term(t) for t in statement)
        if labels:
            helpful = [f"{short(t)}: {label}" for t in statement if (label := self.label(t))]
            if helpful:
                text += f"  ({'; '.join(helpful)})"
        return text

    def label(self, node: Node) -> str | None:
        return helpful_label(node, self.names)

    def proof(self, proof: Proof) -> Line:
        line = Line(self.statement(proof.statement))
        if proof.rule is None:
            where = (
                f"asserted, {proof.location}"
                if proof.location is not None
                else ("asserted (its file and line are not known for this graph)")
            )
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
            line = Line(f"derived by the domain rule {rule.name}{where}", [Line(rule.summary)])
            if rule.claim is not None:
                label = self.names(rule.claim)
                line.children.append(
                    Line(
                        f"implements the claim {short(rule.claim)}"
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
