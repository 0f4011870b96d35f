"""An explanation made ready for its page: statements, rules and sources as plain views.

The template (``explain.html``) gets an :class:`ExplanationView`: each proof a tree of
:class:`NodeView` s, whose terms are named in the page's language and linked to their pages
(:class:`~.presentation.Presenter`); every node, proof and near statement carries its
support level (:class:`LevelView`, named by the graph's own label of ``bc:Stated``...);
derived nodes carry their :class:`RuleView` (with a domain rule's kind), asserted leaves
their file and line and the :class:`SourceView` s behind them, each sentence cut around its
quote (by the quote's offsets in the source).
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from rdflib import URIRef
from rdflib.term import Node

from backcare_kg.explain import OWL_RL, OWL_RL_SPEC, Excerpt, Explanation, Location, Proof, Span
from backcare_kg.explain.model import Statement
from backcare_kg.rdf.support_levels import SupportLevel
from backcare_kg.web.labels import curie
from backcare_kg.web.links import explain_parameter
from backcare_kg.web.presentation import Presenter, TermView


@dataclass(frozen=True)
class StatementView:
    """A statement: its three terms, written short (prefixed names, N-Triples literals), and
    the link to its own explanation."""

    subject: TermView
    predicate: TermView
    object: TermView
    short: str
    explanation: str | None


@dataclass(frozen=True)
class LevelView:
    """A support level: ``name`` (``stated``, ``entailed``, ``generalized``, ``editorial``,
    for the page's classes) and the term ``bc:Stated``... in the page's language."""

    name: str
    term: TermView


@dataclass(frozen=True)
class RuleView:
    """The rule of a derived node. ``href`` is where the rule is specified (the W3C OWL 2
    RL tables), ``path`` the file of a domain rule, ``claim`` the claim it implements,
    ``sentences`` the positions of the claim's sentences, ``rule_kind`` a domain rule's kind
    (``strict`` or ``generalization``)."""

    kind: str
    name: str
    summary: str
    href: str | None
    path: str | None
    claim: TermView | None
    through: tuple[str, ...]
    rule_kind: str | None = None
    sentences: tuple[int, ...] = ()

    @property
    def owl(self) -> bool:
        return self.kind == OWL_RL


@dataclass(frozen=True)
class SentenceView:
    """A sentence of the source cut around the quote: ``before``, ``quoted``, ``after``."""

    href: str
    position: int | None
    before: str
    quoted: str
    after: str


@dataclass(frozen=True)
class SourceView:
    """A claim or an editorial reading behind an asserted statement."""

    term: TermView
    kind: str
    relation: str
    attributed_to: tuple[TermView, ...]
    evidence: TermView | None
    quote: str | None
    sentences: tuple[SentenceView, ...]
    note: str | None

    @property
    def editorial(self) -> bool:
        """Whether this is the graph makers' reading, not the source's word."""
        return self.kind == "editorial reading"


@dataclass(frozen=True)
class NodeView:
    """A node of a proof tree. ``anchor`` is its id in the page; ``repeat_of`` the anchor of
    the node above that already shows the same statement (this one then shows no more);
    ``support`` the level of this proof of its statement; ``editorial`` whether, asserted,
    only a reading of ours licenses it."""

    statement: StatementView
    anchor: str
    support: LevelView
    rule: RuleView | None = None
    premises: tuple[NodeView, ...] = ()
    location: Location | None = None
    sources: tuple[SourceView, ...] = ()
    more_sources: int = 0
    repeat_of: str | None = None
    editorial: bool = False

    @property
    def asserted(self) -> bool:
        return self.rule is None


@dataclass(frozen=True)
class ProofView:
    """One proof: its tree, its depth, the rules it uses and its support level."""

    root: NodeView
    depth: int
    rules: tuple[str, ...]
    support: LevelView


@dataclass(frozen=True)
class ExplanationView:
    """The whole explanation: the statement, whether the graph holds it (and asserts it),
    its support level as the graph records it and whether its strongest proof agrees, its
    proofs, and the statements near one it does not hold, each with its relation and
    level."""

    statement: StatementView
    entailed: bool
    asserted: bool
    proofs: tuple[ProofView, ...]
    near: tuple[tuple[StatementView, str, LevelView | None], ...]
    support: LevelView | None = None
    consistent: bool = True


def explanation_view(explanation: Explanation, present: Presenter) -> ExplanationView:
    """The view of ``explanation``, named and linked by ``present``."""
    proofs = tuple(
        ProofView(
            _Tree(present, f"proof-{number}").node(proof),
            proof.depth,
            tuple(proof.rules()),
            level_view(proof.support, present),
        )
        for number, proof in enumerate(explanation.proofs, 1)
    )
    return ExplanationView(
        statement=statement_view(explanation.statement, present),
        entailed=explanation.entailed,
        asserted=explanation.asserted,
        proofs=proofs,
        near=tuple(
            (statement_view(n.statement, present), n.relation, _level(n.support, present))
            for n in explanation.near
        ),
        support=_level(explanation.support, present),
        consistent=explanation.consistent,
    )


def level_view(level: SupportLevel, present: Presenter) -> LevelView:
    """The view of a support level, named by the graph in the page's language."""
    return LevelView(level.name, present.iri(level.iri))


def _level(level: SupportLevel | None, present: Presenter) -> LevelView | None:
    return level_view(level, present) if level is not None else None


def statement_view(statement: Statement, present: Presenter) -> StatementView:
    """The view of ``statement``, with the link to its explanation."""
    terms = [present.term(node) for node in statement]
    return StatementView(
        terms[0],
        terms[1],
        terms[2],
        " ".join(map(_short, statement)),
        present.links.explanation(*statement),
    )


def marked(sentence: Span, quote: Span | None) -> tuple[str, str, str]:
    """``sentence`` cut around ``quote``: by their offsets in the source where both are
    known (the quote may run on into the next sentence: its part here is marked), else
    where the quote's text first occurs; nothing marked if it does not."""
    text = sentence.text
    if quote is None:
        return text, "", ""
    if sentence.start >= 0 and quote.start >= 0 and quote.end >= 0:
        begin = min(max(quote.start - sentence.start, 0), len(text))
        end = min(max(quote.end - sentence.start, begin), len(text))
        if end > begin:
            return text[:begin], text[begin:end], text[end:]
    at = text.find(quote.text) if quote.text else -1
    if at < 0:
        return text, "", ""
    return text[:at], quote.text, text[at + len(quote.text) :]


class _Tree:
    """Builds the node views of one proof, giving each node an anchor and showing each
    statement in full once."""

    def __init__(self, present: Presenter, prefix: str) -> None:
        self.present = present
        self.prefix = prefix
        self.shown: dict[Statement, str] = {}
        self.count = 0

    def node(self, proof: Proof) -> NodeView:
        self.count += 1
        anchor = f"{self.prefix}-{self.count}"
        statement = statement_view(proof.statement, self.present)
        rule = self.rule(proof)
        support = level_view(proof.support, self.present)
        first = self.shown.get(proof.statement)
        if first is not None:
            return NodeView(
                statement,
                anchor,
                support,
                rule,
                location=proof.location,
                repeat_of=first,
                editorial=proof.editorial,
            )
        self.shown[proof.statement] = anchor
        return NodeView(
            statement,
            anchor,
            support,
            rule,
            premises=tuple(self.node(premise) for premise in proof.premises),
            location=proof.location,
            sources=tuple(self.source(e) for e in proof.excerpts),
            more_sources=proof.more_excerpts,
            editorial=proof.editorial,
        )

    def rule(self, proof: Proof) -> RuleView | None:
        rule = proof.rule
        if rule is None:
            return None
        return RuleView(
            kind=rule.kind,
            name=rule.name,
            summary=rule.summary,
            href=str(OWL_RL_SPEC) if rule.kind == OWL_RL else None,
            path=rule.path,
            claim=self.present.iri(rule.claim) if rule.claim is not None else None,
            through=rule.through,
            rule_kind=rule.rule_kind,
            sentences=rule.sentences,
        )

    def source(self, excerpt: Excerpt) -> SourceView:
        present = self.present
        sentences = tuple(
            SentenceView(present.href(iri), position, *marked(span, excerpt.quote))
            for iri, position, span in excerpt.sentences
        )
        term = present.iri(excerpt.iri)
        if excerpt.label and term.text == term.curie:  # no label in the page's language
            term = replace(term, text=excerpt.label)
        return SourceView(
            term=term,
            kind=excerpt.kind,
            relation=excerpt.relation,
            attributed_to=tuple(present.iri(iri) for iri, _ in excerpt.attributed_to),
            evidence=(
                present.iri(excerpt.evidence_level[0])
                if excerpt.evidence_level is not None
                else None
            ),
            quote=excerpt.quote.text if excerpt.quote is not None else None,
            sentences=sentences,
            note=excerpt.note,
        )


def _short(node: Node) -> str:
    if isinstance(node, URIRef):
        return curie(str(node))
    return explain_parameter(node) or node.n3()
