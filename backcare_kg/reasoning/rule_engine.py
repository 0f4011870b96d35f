"""Domain rules over the working graph of ids, semi-naively.

A rule whose WHERE clause is a basic graph pattern is evaluated here by joining its triple
patterns over a :class:`~.triples.TripleSet`. Given the ``delta`` (the triples new
since the rules last ran), only solutions that use at least one delta triple are computed:
the rule is evaluated once per triple pattern, that pattern matched against the delta and
the others against the whole graph (which includes the delta), and a pattern that no delta
triple can match is skipped. So a round costs what is new, not what is known. The variants
come from our own rule files, never from user input. A rule that asks that something be
absent (``FILTER NOT EXISTS { ... }``, nested to any depth, around a basic graph pattern)
is evaluated here too, over the whole graph: each solution is kept only if no absent group
has a solution under its bindings. Other rules (FILTER, OPTIONAL, ...) are evaluated by
rdflib's SPARQL engine over the whole graph, every round.
"""

from __future__ import annotations

from collections.abc import Collection, Iterator, Sequence
from dataclasses import dataclass

from rdflib import Graph, URIRef
from rdflib.term import Node, Variable

from backcare_kg.reasoning.rules import Rule, RuleGroup
from backcare_kg.reasoning.triples import IRI, LITERAL, Terms, TripleSet

Pattern = tuple[int, int, int]  # ids >= 0 are terms, ~k (negative) is variable k
Binding = list[int | None]


@dataclass(frozen=True)
class Evaluation:
    """One evaluation of a rule in one call of :meth:`RuleEngine.apply` (``call``, from 1).

    ``delta_pattern`` is the pattern matched against the delta (None: the whole graph),
    ``first_matches`` the matches of the first pattern joined, ``solutions`` the result.
    """

    call: int
    rule: str
    delta_pattern: int | None
    first_matches: int
    solutions: int


@dataclass(frozen=True)
class _Group:
    where: tuple[Pattern, ...]
    absent: tuple[_Group, ...]


@dataclass(frozen=True)
class _Compiled:
    rule: Rule
    where: tuple[Pattern, ...] | None  # None: evaluate with rdflib
    template: tuple[Pattern, ...]
    variables: int
    absent: tuple[_Group, ...] = ()
    shared: tuple[int, ...] = ()  # variables of ``where`` the absent groups use


class RuleEngine:
    """The domain rules, compiled against a table of terms, applied to a working graph."""

    def __init__(self, rules: Sequence[Rule], terms: Terms) -> None:
        self.terms = terms
        self.rules = [self._compile(rule) for rule in rules]
        #: Every evaluation made, in order (for tests and the debug log).
        self.evaluations: list[Evaluation] = []
        #: The size of the delta given to each call (None: no delta, the whole graph).
        self.deltas: list[int | None] = []
        self.calls = 0

    def _compile(self, rule: Rule) -> _Compiled:
        pattern = rule.pattern
        if pattern is None:
            return _Compiled(rule, None, (), 0)
        names: dict[Node, int] = {}

        def encode(term: Node) -> int:
            if isinstance(term, Variable):
                return ~names.setdefault(term, len(names))
            return self.terms.id_of(term)

        def group(g: RuleGroup) -> _Group:
            return _Group(
                tuple(tuple(map(encode, t)) for t in g.where),  # type: ignore[misc]
                tuple(group(a) for a in g.absent),
            )

        where = tuple(tuple(map(encode, t)) for t in pattern.where)
        bound = dict(names)
        absent = tuple(group(a) for a in pattern.absent)
        template = tuple(
            tuple(map(encode, t))
            for t in pattern.template
            if all(not isinstance(x, Variable) or x in bound for x in t)
        )
        inner: set[int] = set()
        stack = list(absent)
        while stack:
            g = stack.pop()
            inner.update(~t for pattern in g.where for t in pattern if t < 0)
            stack.extend(g.absent)
        outer = {~t for pattern in where for t in pattern if t < 0}
        shared = tuple(sorted(outer & inner))
        return _Compiled(rule, where, template, len(names), absent,  # type: ignore[arg-type]
                         shared)

    def apply(
        self,
        graph: TripleSet,
        delta: TripleSet | None = None,
        *,
        only: Collection[str] | None = None,
    ) -> TripleSet:
        """What the rules construct over ``graph`` that is not in it yet.

        With ``delta`` (triples of ``graph`` new since the last call), only solutions that
        use a delta triple; without, every solution (the first round). ``only`` names the
        rules to apply (default: all).
        """
        out = self.construct(graph, delta, only=only)
        fresh = TripleSet(graph.type)
        for c, xs in out.members.items():
            fresh.members[c] = xs - graph.members.get(c, set())
        for p, prs in out.pairs.items():
            fresh.pairs[p] = prs - graph.pairs.get(p, set())
        return fresh

    def construct(
        self,
        graph: TripleSet,
        delta: TripleSet | None = None,
        *,
        only: Collection[str] | None = None,
    ) -> TripleSet:
        """Everything the rules construct over ``graph``, whether it is there or not."""
        self.calls += 1
        self.deltas.append(None if delta is None else len(delta))
        out = TripleSet(graph.type)
        rdflib_graph: Graph | None = None
        for rule in self.rules:
            if only is not None and rule.rule.name not in only:
                continue
            if rule.where is None:
                if rdflib_graph is None:
                    rdflib_graph = Graph()
                    for triple in self.terms.triples(graph):
                        rdflib_graph.add(triple)
                self._apply_with_rdflib(rule.rule, rdflib_graph, out)
                continue
            variants: list[int | None] = (
                [None]
                if delta is None
                else [i for i, pattern in enumerate(rule.where) if _may_match(delta, pattern)]
            )
            for i in variants:
                solutions = self._solutions(rule, graph, delta, i)
                if rule.absent:
                    solutions = self._without_absent(rule, solutions, graph)
                self._instantiate(rule, solutions, out)
        return out

    def _without_absent(
        self, rule: _Compiled, solutions: list[Binding], graph: TripleSet
    ) -> list[Binding]:
        """The solutions under which no absent group of ``rule`` has a solution.

        The answer depends only on the values of the variables the groups share with the
        rule's pattern, so it is computed once per distinct tuple of them.
        """
        shared = rule.shared
        answers: dict[tuple[int | None, ...], bool] = {}
        kept: list[Binding] = []
        for b in solutions:
            key = tuple(b[v] for v in shared)
            found = answers.get(key)
            if found is None:
                found = answers[key] = _any_holds(rule.absent, b, graph)
            if not found:
                kept.append(b)
        return kept

    def reads(self, name: str) -> list[Pattern]:
        """Every triple pattern of the rule called ``name``, absent groups included."""
        found: list[Pattern] = []
        for rule in self.rules:
            if rule.rule.name == name:
                found.extend(rule.where or ())
                stack = list(rule.absent)
                while stack:
                    group = stack.pop()
                    found.extend(group.where)
                    stack.extend(group.absent)
        return found

    def _solutions(
        self, rule: _Compiled, graph: TripleSet, delta: TripleSet | None, first: int | None
    ) -> list[Binding]:
        assert rule.where is not None
        todo = list(range(len(rule.where)))
        bindings: list[Binding] = [[None] * rule.variables]
        first_matches = 0
        while todo and bindings:
            if first is not None and len(todo) == len(rule.where):
                index, source = first, delta
            else:
                index, source = _next(rule.where, todo, bindings[0], graph), graph
            todo.remove(index)
            assert source is not None
            bindings = list(_extend(bindings, rule.where[index], source))
            if len(todo) == len(rule.where) - 1:
                first_matches = len(bindings)
        self.evaluations.append(
            Evaluation(self.calls, rule.rule.name, first, first_matches, len(bindings))
        )
        return bindings

    def _instantiate(self, rule: _Compiled, solutions: list[Binding], out: TripleSet) -> None:
        kinds = self.terms.kinds
        for b in solutions:
            for pattern in rule.template:
                s, p, o = (t if t >= 0 else b[~t] for t in pattern)
                # not RDF: constructed triples with a literal subject or a non-IRI predicate
                if s is None or p is None or o is None:
                    continue
                if kinds[s] == LITERAL or kinds[p] != IRI:
                    continue
                out.add_triple(s, p, o)

    def _apply_with_rdflib(self, rule: Rule, graph: Graph, out: TripleSet) -> None:
        constructed = graph.query(rule.query).graph
        self.evaluations.append(Evaluation(self.calls, rule.name, None, 0, len(constructed or ())))
        kinds, id_of = self.terms.kinds, self.terms.id_of
        for s, p, o in constructed if constructed is not None else ():
            if not isinstance(p, URIRef):
                continue
            ids = id_of(s), id_of(p), id_of(o)
            if kinds[ids[0]] != LITERAL:
                out.add_triple(*ids)


def _any_holds(groups: tuple[_Group, ...], binding: Binding, graph: TripleSet) -> bool:
    """Whether some group has a solution in ``graph`` extending ``binding``."""
    return any(_holds(group, binding, graph) for group in groups)


def _holds(group: _Group, binding: Binding, graph: TripleSet) -> bool:
    bindings = [binding]
    todo = list(range(len(group.where)))
    while todo and bindings:
        index = _next(group.where, todo, bindings[0], graph)
        todo.remove(index)
        bindings = list(_extend(bindings, group.where[index], graph))
    return any(not _any_holds(group.absent, b, graph) for b in bindings)


def _may_match(delta: TripleSet, pattern: Pattern) -> bool:
    """Whether some triple of ``delta`` may match ``pattern`` (judged by its predicate)."""
    _, p, o = pattern
    if p < 0:
        return bool(delta)
    if p == delta.type:
        return bool(delta.members.get(o)) if o >= 0 else any(delta.members.values())
    return bool(delta.pairs.get(p))


def _next(patterns: tuple[Pattern, ...], todo: list[int], bound: Binding, graph: TripleSet) -> int:
    """The pattern to join next: the most bound, then the one with the fewest triples."""

    def cost(i: int) -> tuple[int, int]:
        s, p, o = patterns[i]
        free = sum(1 for t in (s, p, o) if t < 0 and bound[~t] is None)
        if p < 0:
            size = 1 << 60
        elif p == graph.type:
            size = len(graph.members.get(o, ())) if o >= 0 else 1 << 40
        else:
            size = len(graph.pairs.get(p, ()))
        return free, size

    return min(todo, key=cost)


def _extend(bindings: list[Binding], pattern: Pattern, graph: TripleSet) -> Iterator[Binding]:
    """Each binding extended by each match of ``pattern`` in ``graph``."""
    for b in bindings:
        s, p, o = (t if t >= 0 else b[~t] for t in pattern)
        for triple in _match(graph, s, p, o):
            new = b.copy()
            for t, value in zip(pattern, triple, strict=True):
                if t < 0:
                    if new[~t] is None:
                        new[~t] = value
                    elif new[~t] != value:
                        break
            else:
                yield new


def _match(graph: TripleSet, s: int | None, p: int | None, o: int | None) -> Iterator[Pattern]:
    """The triples of ``graph`` matching (s, p, o); None matches anything."""
    if p is None:
        for q in graph.predicates():
            yield from _match(graph, s, q, o)
    elif p == graph.type:
        if o is not None:
            xs = graph.members.get(o)
            if xs and s is None:
                yield from ((x, p, o) for x in xs)
            elif xs and s in xs:
                yield s, p, o
        elif s is not None:
            yield from ((s, p, c) for c in graph.forward(p).get(s, ()))
        else:
            yield from ((x, p, c) for c, xs in graph.members.items() for x in xs)
    else:
        pairs = graph.pairs.get(p)
        if not pairs:
            return
        if s is not None and o is not None:
            if (s, o) in pairs:
                yield s, p, o
        elif s is not None:
            yield from ((s, p, x) for x in graph.forward(p).get(s, ()))
        elif o is not None:
            yield from ((x, p, o) for x in graph.backward(p).get(o, ()))
        else:
            yield from ((a, p, b) for a, b in pairs)
