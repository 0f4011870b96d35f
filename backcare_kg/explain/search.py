"""Proofs rebuilt from the materialized graph by backward search.

Reasoning records nothing: a statement's proofs are found afterwards, from the asserted
and inferred graphs alone, by reading the rules backwards (:mod:`.owl_rules` for OWL 2 RL;
the domain rules' own triple patterns, matched with the statement's terms bound). So they
are the same whichever reasoner built the closure, and cost nothing until asked for.

The search is iterative deepening with memos: a statement's *height* is 0 if asserted,
else 1 + the height of the highest premise of its best derivation. :meth:`ProofSearch.best`
tries bounds 1, 2, ... and keeps, per statement, the largest bound known to fail and the
proof found; so each statement is examined at most once per bound, a proof is always of
least height (shortest first), and no statement is used to prove itself (a premise is
always strictly lower). Derivations of equal height are taken in a fixed order (rule, then
premises by their N-Triples form), so the same graph always gives the same proofs.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, replace

from rdflib.namespace import RDF
from rdflib.term import BNode, Node, Variable

from backcare_kg.explain import owl_rules
from backcare_kg.explain.index import Index, ordered
from backcare_kg.explain.model import DOMAIN, Proof, RuleRef, Statement
from backcare_kg.reasoning.rules import Rule

#: No proof in the graphs we know is deeper than a few dozen steps.
MAX_HEIGHT = 256

Premises = tuple[Statement, ...]
Derivation = tuple[RuleRef, Premises]


@dataclass(frozen=True)
class _DomainRule:
    ref: RuleRef
    where: tuple[Statement, ...] | None
    template: tuple[Statement, ...]


class ProofSearch:
    """Proofs of the statements of one materialized graph, found on demand."""

    def __init__(self, index: Index, rules: Sequence[Rule], *, relative_to: str = "") -> None:
        self.index = index
        self._rules = [_domain_rule(rule, relative_to) for rule in rules]
        self._proof: dict[Statement, Proof] = {}
        self._height: dict[Statement, int] = {}
        self._failed: dict[Statement, int] = {}
        self._derivations: dict[Statement, list[Derivation]] = {}

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

    def best(self, statement: Statement) -> Proof | None:
        """A proof of least height, None if the graph does not hold ``statement``."""
        if not self.index.holds(*statement):
            return None
        return self._prove(statement, MAX_HEIGHT)

    def proofs(self, statement: Statement, limit: int) -> list[Proof]:
        """Up to ``limit`` proofs, each by a different last step, shortest first.

        The first is :meth:`best`; the others use the other derivations of the statement,
        each premise by its own best proof, and never the statement itself.
        """
        best = self.best(statement)
        if best is None:
            return []
        found = [best]
        if limit <= 1:
            return found
        others: list[tuple[int, int, Proof]] = []
        for n, (ref, premises) in enumerate(self.derivations(statement)):
            if best.rule == ref and tuple(p.statement for p in best.premises) == premises:
                continue
            subproofs = [self._prove(p, MAX_HEIGHT) for p in premises]
            if any(sub is None for sub in subproofs):
                continue
            proof = Proof(statement, ref, tuple(sub for sub in subproofs if sub is not None))
            if any(node.statement == statement for sub in proof.premises for node in sub.nodes()):
                continue  # not well-founded: it goes through the statement itself
            others.append((proof.depth, n, proof))
        found.extend(proof for _, _, proof in sorted(others, key=lambda x: (x[0], x[1])))
        return found[:limit]

    # -- the search ----------------------------------------------------------------------

    def _prove(self, statement: Statement, bound: int) -> Proof | None:
        """A proof of least height if that height is at most ``bound``; else None."""
        known = self._proof.get(statement)
        if known is not None:
            return known if self._height[statement] <= bound else None
        if self.index.is_asserted(statement):
            self._height[statement] = 0
            proof = self._proof[statement] = Proof(statement)
            return proof
        failed = self._failed.get(statement, 0)
        for height in range(failed + 1, bound + 1):
            for ref, premises in self.derivations(statement):
                subproofs = []
                for premise in premises:
                    sub = self._prove(premise, height - 1)
                    if sub is None:
                        break
                    subproofs.append(sub)
                else:
                    proof = Proof(statement, ref, tuple(subproofs))
                    self._proof[statement], self._height[statement] = proof, height
                    return proof
            self._failed[statement] = height
        return None

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
                    yield rule.ref, tuple(_substitute(t, solution) for t in rule.where)


def _domain_rule(rule: Rule, relative_to: str) -> _DomainRule:
    path = str(rule.path)
    if relative_to and path.startswith(relative_to):
        path = path[len(relative_to) :].lstrip("/")
    ref = RuleRef(DOMAIN, rule.name, rule.summary, path, rule.claim)
    pattern = rule.pattern
    if pattern is None:
        return _DomainRule(ref, None, ())
    return _DomainRule(ref, pattern.where, pattern.template)


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
