"""Proofs rebuilt from the materialized graph by backward search.

Reasoning records nothing: a statement's proofs are found afterwards, from the asserted
and inferred graphs alone, by reading the rules backwards (:mod:`.owl_rules` for OWL 2 RL;
the domain rules' own triple patterns, matched with the statement's terms bound, a
solution kept only if what the rule asks to be absent, ``FILTER NOT EXISTS``, is). So they
are the same whichever reasoner built the closure, and cost nothing until asked for.

The search is iterative deepening with memos: a statement's *height* is 0 if asserted,
else 1 + the height of the highest premise of its best derivation. The search tries bounds
1, 2, ... and keeps, per statement, the largest bound known to fail and the proof found; so
each statement is examined at most once per bound, a proof is always of least height, and
no statement is used to prove itself (a premise is always strictly lower). Derivations of
equal height are taken in a fixed order (rule, then premises by their N-Triples form), so
the same graph always gives the same proofs.

Proofs are strongest first (DESIGN.md, "Support levels"): the search is guided by the level
the graph records for each statement (``level``, the reasoner's word). A statement is proved
at its own level: as a leaf if its step is no weaker (an asserted statement is stated, or
editorial if only a reading of ours licenses it: ``editorial``), or by a derivation whose
rule's step and premises' levels are no weaker; each premise is proved at its own level in
turn. So every node of a proof is its statement's strongest proof, the shortest of those,
and its level (the weakest of its steps, :attr:`Proof.support`) is the level recorded, which
an :class:`~backcare_kg.explain.model.Explanation` checks. Should the recorded levels admit
no proof (they are not this graph's), the shortest proof is given, whatever its level.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, replace

from rdflib.namespace import RDF
from rdflib.term import BNode, Literal, Node, Variable

from backcare_kg.explain import owl_rules
from backcare_kg.explain.index import Index, ordered
from backcare_kg.explain.model import DOMAIN, Proof, RuleRef, Statement
from backcare_kg.rdf.support_levels import SupportLevel
from backcare_kg.reasoning.rules import Rule, RuleGroup
from backcare_kg.vocab import BC

#: No proof in the graphs we know is deeper than a few dozen steps.
MAX_HEIGHT = 256

Premises = tuple[Statement, ...]
Derivation = tuple[RuleRef, Premises]
#: The level the graph records for a statement it holds (None if it does not hold it).
Levels = Callable[[Statement], "SupportLevel | None"]
#: Whether an asserted statement rests on an editorial reading alone.
Editorial = Callable[[Statement], bool]


@dataclass(frozen=True)
class _DomainRule:
    ref: RuleRef
    where: tuple[Statement, ...] | None
    template: tuple[Statement, ...]
    absent: tuple[RuleGroup, ...] = ()


class ProofSearch:
    """Proofs of the statements of one materialized graph, found on demand."""

    def __init__(
        self,
        index: Index,
        rules: Sequence[Rule],
        *,
        relative_to: str = "",
        level: Levels | None = None,
        editorial: Editorial | None = None,
    ) -> None:
        """``level`` gives the level the graph records for a statement (without it, proofs
        are shortest first, whatever their level); ``editorial`` whether an asserted
        statement rests on a reading of ours alone (without it, none does)."""
        self.index = index
        self._rules = [_domain_rule(rule, relative_to, index) for rule in rules]
        self._editorial = editorial or (lambda _: False)
        self._derivations: dict[Statement, list[Derivation]] = {}
        self._guided = _Search(self, level) if level is not None else None
        self._plain = _Search(self, None)

    def derivations(self, statement: Statement) -> list[Derivation]:
        """Every one-step derivation of ``statement`` from statements the graph holds, in
        the fixed order (OWL 2 RL rules in table order, then the domain rules by name)."""
        found = self._derivations.get(statement)
        if found is None:
            s, p, o = statement
            owl = sorted(
                (
                    d
                    for ref, premises in owl_rules.instances(self.index, s, p, o)
                    for d in self._unfold(ref, premises)
                ),
                key=_order,
            )
            domain = sorted(self._domain_instances(statement), key=_order)
            seen: set[tuple[str, Premises]] = set()
            found = []
            for ref, premises in (*owl, *domain):
                if statement in premises or (ref.name, premises) in seen:
                    continue
                seen.add((ref.name, premises))
                found.append((ref, premises))
            self._derivations[statement] = found
        return found

    def _hidden(self, statement: Statement) -> bool:
        """Membership of an anonymous class expression that the graph does not hold."""
        _, p, c = statement
        return p == RDF.type and isinstance(c, BNode) and not self.index.holds(*statement)

    def _unfold(self, ref: RuleRef, premises: Premises) -> Iterator[Derivation]:
        """The derivation with each hidden premise replaced by the premises of a one-step
        derivation of it (every combination), naming those steps in ``through``."""
        hidden = [p for p in premises if self._hidden(p)]
        if not hidden:
            yield ref, premises
            return
        options: list[list[Derivation]] = []
        for statement in hidden:
            inner = [
                (r, ps)
                for r, ps in owl_rules.instances(self.index, *statement)
                if statement not in ps and not any(map(self._hidden, ps))
            ]
            if not inner:
                return
            options.append(sorted(inner, key=_order))
        for combination in itertools.product(*options):
            replaced = dict(zip(hidden, combination, strict=True))
            unfolded = tuple(
                dict.fromkeys(
                    q for p in premises for q in (replaced[p][1] if p in replaced else (p,))
                )
            )
            through = tuple(dict.fromkeys(r.name for r, _ in combination))
            yield replace(ref, through=through), unfolded

    def leaf(self, statement: Statement) -> Proof:
        """``statement`` as an asserted leaf (editorial if a reading of ours alone licenses
        it)."""
        return Proof(statement, editorial=self._editorial(statement))

    def best(self, statement: Statement) -> Proof | None:
        """The strongest proof, the shortest of those (see the module's docstring); None if
        the graph does not hold ``statement``."""
        if not self.index.holds(*statement):
            return None
        found = self._guided.prove(statement, MAX_HEIGHT) if self._guided else None
        return found if found is not None else self._plain.prove(statement, MAX_HEIGHT)

    def proofs(self, statement: Statement, limit: int) -> list[Proof]:
        """Up to ``limit`` proofs, each by a different last step, strongest first, then
        shortest.

        The first is :meth:`best`; the others use the other derivations of the statement
        (and, for an asserted statement whose best proof is a derivation, the statement as
        asserted), each premise by its own best proof, and never the statement itself.
        """
        best = self.best(statement)
        if best is None:
            return []
        found = [best]
        if limit <= 1:
            return found
        others: list[tuple[int, int, int, Proof]] = []
        if not best.asserted and self.index.is_asserted(statement):
            leaf = self.leaf(statement)
            others.append((leaf.support.rank, 0, -1, leaf))
        for n, (ref, premises) in enumerate(self.derivations(statement)):
            if best.rule == ref and tuple(p.statement for p in best.premises) == premises:
                continue
            subproofs = [self.best(p) for p in premises]
            if any(sub is None for sub in subproofs):
                continue
            proof = Proof(statement, ref, tuple(sub for sub in subproofs if sub is not None))
            if any(node.statement == statement for sub in proof.premises for node in sub.nodes()):
                continue  # not well-founded: it goes through the statement itself
            others.append((proof.support.rank, proof.depth, n, proof))
        found.extend(proof for *_, proof in sorted(others, key=lambda x: x[:3]))
        return found[:limit]

    # -- domain rules --------------------------------------------------------------------

    def _domain_instances(self, statement: Statement) -> Iterator[Derivation]:
        for rule in self._rules:
            if rule.where is None:
                continue
            for head in rule.template:
                binding = _unify(head, statement)
                if binding is None:
                    continue
                for solution in _solve(self.index, rule.where, binding):
                    if any(_holds(self.index, group, solution) for group in rule.absent):
                        continue  # the rule asks that this be absent, and it is not
                    yield rule.ref, tuple(_substitute(t, solution) for t in rule.where)


class _Search:
    """The iterative deepening of one :class:`ProofSearch`, with its memos: guided by
    recorded levels (``level``: each statement at its own level), or plain (``None``: the
    shortest proof, whatever its level)."""

    def __init__(self, owner: ProofSearch, level: Levels | None) -> None:
        self.owner = owner
        self.level = level
        self.proof: dict[Statement, Proof] = {}
        self.height: dict[Statement, int] = {}
        self.failed: dict[Statement, int] = {}
        self._allowed: dict[Statement, list[Derivation]] = {}

    def prove(self, statement: Statement, bound: int) -> Proof | None:
        """A proof of least height if that height is at most ``bound``; else None."""
        known = self.proof.get(statement)
        if known is not None:
            return known if self.height[statement] <= bound else None
        owner = self.owner
        if owner.index.is_asserted(statement):
            leaf = owner.leaf(statement)
            if self.level is None or leaf.step <= (self.level(statement) or leaf.step):
                self.height[statement] = 0
                self.proof[statement] = leaf
                return leaf
        failed = self.failed.get(statement, 0)
        for height in range(failed + 1, bound + 1):
            for ref, premises in self.allowed(statement):
                subproofs = []
                for premise in premises:
                    sub = self.prove(premise, height - 1)
                    if sub is None:
                        break
                    subproofs.append(sub)
                else:
                    proof = Proof(statement, ref, tuple(subproofs))
                    self.proof[statement], self.height[statement] = proof, height
                    return proof
            self.failed[statement] = height
        return None

    def allowed(self, statement: Statement) -> list[Derivation]:
        """The derivations of ``statement`` this search may use: all, or (guided) those no
        weaker than its level, by their rule's step and their premises' levels."""
        found = self._allowed.get(statement)
        if found is None:
            every = self.owner.derivations(statement)
            level = self.level(statement) if self.level is not None else None
            if self.level is None:
                found = every
            elif level is None:
                found = []
            else:
                found = [
                    (ref, premises)
                    for ref, premises in every
                    if ref.level <= level and all(self._no_weaker(p, level) for p in premises)
                ]
            self._allowed[statement] = found
        return found

    def _no_weaker(self, premise: Statement, level: SupportLevel) -> bool:
        assert self.level is not None
        found = self.level(premise)
        return found is not None and found <= level


def _domain_rule(rule: Rule, relative_to: str, index: Index) -> _DomainRule:
    path = str(rule.path)
    if relative_to and path.startswith(relative_to):
        path = path[len(relative_to) :].lstrip("/")
    ref = RuleRef(
        DOMAIN,
        rule.name,
        rule.summary,
        path,
        rule.claim,
        rule_kind=rule.kind,
        sentences=_sentence_positions(index, rule.claim),
    )
    pattern = rule.pattern
    if pattern is None:
        return _DomainRule(ref, None, ())
    return _DomainRule(ref, pattern.where, pattern.template, pattern.absent)


def _sentence_positions(index: Index, claim: Node) -> tuple[int, ...]:
    """The positions (``bc:position``) of the sentences of the source ``claim`` is in."""
    found = set()
    for sentence in index.objects(claim, BC.sentence):
        for position in index.objects(sentence, BC.position):
            if isinstance(position, Literal) and isinstance(position.toPython(), int):
                found.add(position.toPython())
    return tuple(sorted(found))


def _order(derivation: Derivation) -> tuple[int, str, tuple[str, ...]]:
    """Rules in table order (domain rules by name), then premises by N-Triples form."""
    ref, premises = derivation
    position = owl_rules.ORDER.get(ref.name, len(owl_rules.ORDER))
    return position, ref.name, tuple(term.n3() for statement in premises for term in statement)


def _unify(pattern: Statement, statement: Statement) -> dict[Variable, Node] | None:
    binding: dict[Variable, Node] = {}
    for term, value in zip(pattern, statement, strict=True):
        if isinstance(term, Variable):
            if binding.setdefault(term, value) != value:
                return None
        elif term != value:
            return None
    return binding


def _substitute(pattern: Statement, binding: dict[Variable, Node]) -> Statement:
    s, p, o = (binding[t] if isinstance(t, Variable) else t for t in pattern)
    return s, p, o


def _solve(
    ix: Index, where: tuple[Statement, ...], binding: dict[Variable, Node]
) -> Iterator[dict[Variable, Node]]:
    """Every extension of ``binding`` under which all of ``where`` holds in ``ix``."""
    if not where:
        yield binding
        return

    def unbound(t: Statement) -> int:
        return sum(isinstance(x, Variable) and x not in binding for x in t)

    first = min(where, key=unbound)
    rest = tuple(t for t in where if t is not first)
    s, p, o = _substitute_partial(first, binding)
    for match in _matches(ix, s, p, o):
        extended = _unify(first, match)
        if extended is None or any(binding.get(k, v) != v for k, v in extended.items()):
            continue
        yield from _solve(ix, rest, {**binding, **extended})


def _holds(ix: Index, group: RuleGroup, binding: dict[Variable, Node]) -> bool:
    """Whether a ``FILTER NOT EXISTS`` group has a solution extending ``binding`` in
    ``ix`` (one whose own absent groups have none)."""
    return any(
        not any(_holds(ix, inner, solution) for inner in group.absent)
        for solution in _solve(ix, group.where, binding)
    )


def _substitute_partial(pattern: Statement, binding: dict[Variable, Node]) -> Statement:
    s, p, o = (binding.get(t, t) if isinstance(t, Variable) else t for t in pattern)
    return s, p, o


def _matches(ix: Index, s: Node, p: Node, o: Node) -> Iterator[Statement]:
    """The statements of ``ix`` matching a pattern (variables match anything)."""
    free_s, free_p, free_o = (isinstance(t, Variable) for t in (s, p, o))
    if free_p:
        for q in ordered(ix.properties(s) if not free_s else ix.predicates()):
            yield from _matches(ix, s, q, o)
        return
    if not free_s and not free_o:
        if ix.holds(s, p, o):
            yield s, p, o
    elif not free_s:
        yield from ((s, p, x) for x in ordered(ix.objects(s, p)))
    elif not free_o:
        yield from ((x, p, o) for x in ordered(ix.subjects(p, o)))
    else:
        yield from sorted(((x, p, y) for x, y in ix.pairs(p)), key=lambda t: (t[0].n3(), t[2].n3()))
