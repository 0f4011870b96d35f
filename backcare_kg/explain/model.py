"""What an explanation is made of: statements, the rules that derive them, proofs, sources.

An :class:`Explanation` answers "why does this statement hold?" with :class:`Proof` trees.
Each node of a tree is a statement and how it holds: *asserted* (a leaf, with the file and
line it is written on and the :class:`Excerpt` of the source that supports it) or *derived*
by a :class:`RuleRef` (an OWL 2 RL rule, named as in the W3C rule tables, or one of our
domain rules, with the claim it implements and its kind) from its premises, each a proof in
turn.

Each node has a support level (:class:`~backcare_kg.rdf.support_levels.SupportLevel`,
DESIGN.md "Support levels"): its own step's (:attr:`Proof.step`: an asserted statement is
stated, or editorial if only an editorial reading of ours licenses it; a step by an OWL 2 RL
rule or a strict domain rule is entailed, by a generalization rule generalized), and the
proof's, the weakest of its steps (:attr:`Proof.support`). A statement's level is that of
its strongest proof: :attr:`Explanation.support` is the level the graph records for it, and
:attr:`Explanation.consistent` says whether its first proof has that level.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field

from rdflib import URIRef
from rdflib.term import Node

from backcare_kg.rdf.support_levels import EDITORIAL, ENTAILED, GENERALIZED, STATED, SupportLevel
from backcare_kg.reasoning.rules import KINDS

Statement = tuple[Node, Node, Node]

#: The two kinds of rule a derivation can use.
OWL_RL = "owl-rl"
DOMAIN = "domain"

#: The kinds of domain rule (a rule file's ``#+ kind:``): the claim says it of each thing the
#: rule concludes about, or of exercise in general and the rule applies it to each activity.
STRICT, GENERALIZATION = KINDS

#: Where the OWL 2 RL rule tables are (rule names such as ``cax-sco`` are theirs).
OWL_RL_SPEC = URIRef(
    "https://www.w3.org/TR/owl2-profiles/#Reasoning_in_OWL_2_RL_and_RDF_Graphs_using_Rules"
)


@dataclass(frozen=True)
class RuleRef:
    """A rule that derives statements.

    ``kind`` is :data:`OWL_RL` (``name`` as in the W3C tables: ``cax-sco``, ``prp-trp``)
    or :data:`DOMAIN` (``name`` is the rule file's stem, ``path`` the file, ``claim`` the
    claim the rule implements, ``summary`` its header line, ``rule_kind`` its kind,
    :data:`STRICT` or :data:`GENERALIZATION`, and ``sentences`` the positions of the
    sentences of the source the claim is in). ``through`` names the OWL 2 RL
    rules that first made the subject a member of an anonymous class expression (a
    restriction such as "improves some strength"): the inferred graph does not keep such
    memberships, so a proof folds those steps into the one that uses them.
    """

    kind: str
    name: str
    summary: str
    path: str | None = None
    claim: URIRef | None = None
    through: tuple[str, ...] = ()
    rule_kind: str | None = None
    sentences: tuple[int, ...] = ()

    @property
    def level(self) -> SupportLevel:
        """The level of a step by this rule: generalized for a generalization rule, else
        entailed (the ontology's axioms and strict rules do not weaken a proof)."""
        return SupportLevel(GENERALIZED if self.rule_kind == GENERALIZATION else ENTAILED)


@dataclass(frozen=True)
class Location:
    """Where an asserted statement is written: a file and, when known, a 1-based line."""

    path: str
    line: int | None = None

    def __str__(self) -> str:
        return f"{self.path}:{self.line}" if self.line is not None else self.path


@dataclass(frozen=True)
class Span:
    """A stretch of the source text, by character offsets (0-based, end exclusive)."""

    start: int
    end: int
    text: str


@dataclass(frozen=True)
class Excerpt:
    """A claim of the source, or an editorial reading of ours, behind an asserted statement.

    ``kind`` is ``claim`` or ``editorial reading``. ``attributed_to`` holds the experts who
    state a claim, or the article itself; ``quote`` is the exact quote with its offsets in
    the source, ``sentences`` the whole sentences it sits in; ``note`` is the editorial
    note of a reading; ``source`` the source document the offsets count in. ``relation``
    says how the excerpt bears on the statement: ``states`` (the statement is about the
    excerpt itself), ``licenses`` (the excerpt licenses the statement, ``bc:licenses``:
    a claim makes it stated, a reading of ours editorial), ``about both`` (the excerpt is
    about the statement's subject and object), ``about subject``, or ``reading`` (an
    editorial reading about a term of the statement, shown so that what is ours is always
    seen).
    """

    iri: URIRef
    kind: str
    relation: str
    label: str | None
    attributed_to: tuple[tuple[URIRef, str], ...]
    evidence_level: tuple[URIRef, str] | None
    quote: Span | None
    sentences: tuple[tuple[URIRef, int | None, Span], ...]
    note: str | None
    source: URIRef | None = None


@dataclass(frozen=True)
class Proof:
    """One way a statement holds: asserted (a leaf) or derived by ``rule`` from ``premises``.

    ``location`` and ``excerpts`` are set for asserted statements (the location is None
    for a graph whose files are not known, such as one in a remote store);
    ``more_excerpts`` counts the claims that qualified but were left out (see
    :data:`~backcare_kg.explain.sources.MAX_CLAIMS`). ``editorial`` is True for an asserted
    statement that an editorial reading of ours licenses and no claim of the source does.
    """

    statement: Statement
    rule: RuleRef | None = None
    premises: tuple[Proof, ...] = ()
    location: Location | None = None
    excerpts: tuple[Excerpt, ...] = ()
    more_excerpts: int = 0
    editorial: bool = False

    @property
    def asserted(self) -> bool:
        """Whether this node is an asserted statement (a leaf)."""
        return self.rule is None

    @property
    def step(self) -> SupportLevel:
        """The level of this node's own step: an asserted statement is stated (editorial
        if only a reading of ours licenses it); a derivation has its rule's level."""
        if self.rule is None:
            return SupportLevel(EDITORIAL if self.editorial else STATED)
        return self.rule.level

    @property
    def support(self) -> SupportLevel:
        """The level of this proof: the weakest of its steps."""
        return max((self.step, *(p.support for p in self.premises)))

    @property
    def depth(self) -> int:
        """The length of the longest path from this node to a leaf (0 for a leaf)."""
        return 1 + max(p.depth for p in self.premises) if self.premises else 0

    def nodes(self) -> Iterator[Proof]:
        """This node and every node under it, depth first."""
        yield self
        for premise in self.premises:
            yield from premise.nodes()

    def leaves(self) -> Iterator[Proof]:
        """The asserted statements the proof rests on (with repetitions)."""
        return (node for node in self.nodes() if node.asserted)

    def rules(self) -> list[str]:
        """The names of the rules used, in the order they first appear."""
        return list(dict.fromkeys(n.rule.name for n in self.nodes() if n.rule is not None))


@dataclass(frozen=True)
class Near:
    """A statement that holds and is close to one that does not.

    ``relation`` is ``same subject and predicate`` (another object) or ``superproperty``
    (the same subject and object, a property the asked one is a subproperty of);
    ``support`` its support level.
    """

    statement: Statement
    relation: str
    support: SupportLevel | None = None


@dataclass(frozen=True)
class Explanation:
    """Why ``statement`` holds: its proofs, strongest first (then shortest); or why it
    does not.

    ``entailed`` is False when the graph does not hold the statement; ``near`` then lists
    statements close to it that do hold. ``support`` is the statement's level as the graph
    records it (its support graph, else its graph's default: stated if asserted, entailed
    if inferred); None when the graph does not hold it.
    """

    statement: Statement
    entailed: bool
    asserted: bool
    proofs: tuple[Proof, ...] = ()
    near: tuple[Near, ...] = field(default=())
    support: SupportLevel | None = None

    @property
    def proof_support(self) -> SupportLevel | None:
        """The level of the strongest proof (the first); None without a proof."""
        return self.proofs[0].support if self.proofs else None

    @property
    def consistent(self) -> bool:
        """Whether the level the graph records is that of the strongest proof, as it
        always should be (a statement is as strong as its strongest proof)."""
        return self.support == self.proof_support
