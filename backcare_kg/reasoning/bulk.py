"""Materialize large inputs without rdflib: files parsed by pyoxigraph, N-Triples out.

Building an rdflib Graph of a million triples takes longer (about 45 s) than reasoning
over it, so :func:`materialize_files` parses with pyoxigraph straight into ids, runs the
same fixpoint as :func:`~backcare_kg.reasoning.materialize.materialize` (same reasoners, same rules,
same noise filter) and hands back N-Triples, which pyoxigraph loads into a store in a
second or two (:meth:`Materialized.load_into`). Blank nodes are relabelled per file from
the file's bytes, as :mod:`backcare_kg.storage.loading` does, so the asserted and inferred triples
agree on them and two runs give the same labels. Literals keep their lexical form exactly
as written (rdflib would normalize some, e.g. ``"01"^^xsd:integer``).
"""

from __future__ import annotations

import functools
import hashlib
import logging
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pyoxigraph as ox
from rdflib import Graph
from rdflib.namespace import RDF

from backcare_kg.errors import DataError
from backcare_kg.rdf.file_formats import oxigraph_format_for
from backcare_kg.rdf.support_levels import LEVEL_IRIS
from backcare_kg.reasoning import reasoners
from backcare_kg.reasoning.materialize import NoiseTest, closure
from backcare_kg.reasoning.rules import Rule
from backcare_kg.reasoning.triples import IRI, OxigraphTerms, TripleSet
from backcare_kg.vocab import BC

log = logging.getLogger(__name__)



@dataclass
class Materialized:
    """Asserted and inferred triples (noise removed) over one table of pyoxigraph terms."""

    terms: OxigraphTerms
    asserted: TripleSet
    inferred: TripleSet
    rounds: int
    problems: list[str]
    noise: int
    #: The statements whose support level is not their graph's default, by level.
    support: dict[int, TripleSet] = field(default_factory=dict)

    def ntriples(self, which: str = "inferred") -> bytes:
        """The ``asserted``, ``inferred`` or ``support`` triples as N-Triples (UTF-8), in no
        fixed order. The support graph's statement nodes are blank nodes numbered in the
        order of the statements' ids, the same on every run over the same inputs."""
        nt = functools.cache(self.terms.ntriples)  # each term written once
        if which == "support":
            return self._support_ntriples(nt)
        lines = [f"{nt(s)} {nt(p)} {nt(o)} .\n" for s, p, o in self._set(which)]
        return "".join(lines).encode("utf-8")

    def _support_ntriples(self, nt: Callable[[int], str]) -> bytes:
        lines: list[str] = []
        add = lines.append
        kind = f" <{RDF.type}> <{RDF.Statement}> .\n"
        subject, predicate, object_ = (f" <{p}> " for p in (RDF.subject, RDF.predicate,
                                                               RDF.object))
        has_level = f" <{BC.supportLevel}> "
        n = 0
        for level, triples in sorted(self.support.items()):
            level_iri = f"<{LEVEL_IRIS[level]}> .\n"
            for s, p, o in sorted(triples):  # by ids: the same labels from every reasoner
                n += 1
                node = f"_:support{n}"
                add(f"{node}{kind}{node}{subject}{nt(s)} .\n{node}{predicate}{nt(p)} .\n"
                    f"{node}{object_}{nt(o)} .\n{node}{has_level}{level_iri}")
        return "".join(lines).encode("utf-8")

    def triples(self, which: str = "inferred") -> Iterator[tuple[Any, Any, Any]]:
        """The ``asserted`` or ``inferred`` triples as pyoxigraph terms."""
        term = self.terms.term
        for s, p, o in self._set(which):
            yield term(s), term(p), term(o)

    def graph(self, which: str = "inferred") -> Graph:
        """The ``asserted``, ``inferred`` or ``support`` triples as an rdflib Graph (for
        small graphs)."""
        graph = Graph()
        if which == "support":
            graph.parse(data=self.ntriples("support"), format="nt")
            return graph
        graph.addN((s, p, o, graph) for s, p, o in self.terms.triples(self._set(which)))
        return graph

    def load_into(self, store: ox.Store, asserted_graph: str, inferred_graph: str,
                  support_graph: str | None = None) -> None:
        """Load the sets into ``store``, each into the named graph of that IRI (the support
        graph too if ``support_graph`` is given).

        One N-Quads document with its blank-node labels kept, so a blank node of both graphs
        stays one node (``Store.bulk_load`` would rename them on each call).
        """
        graphs = [("asserted", asserted_graph), ("inferred", inferred_graph)]
        if support_graph is not None:
            graphs.append(("support", support_graph))
        quads = b"".join(
            # N-Triples escapes line breaks inside literals: " .\n" only ends a statement
            self.ntriples(which).replace(b" .\n", f" <{graph}> .\n".encode())
            for which, graph in graphs
        )
        store.bulk_extend(ox.parse(quads, ox.RdfFormat.N_QUADS, rename_blank_nodes=False,
                                   lenient=True))

    def _set(self, which: str) -> TripleSet:
        if which not in ("asserted", "inferred"):
            raise ValueError(f"which must be 'asserted' or 'inferred', not {which!r}")
        return self.asserted if which == "asserted" else self.inferred


def materialize_files(
    paths: Sequence[Path],
    rules: Sequence[Rule],
    reasoner: str = reasoners.DEFAULT,
    progress: Callable[[str], None] | None = None,
) -> Materialized:
    """Parse ``paths`` with pyoxigraph and materialize them (as ``reasoning.materialize``).

    ``progress``, if given, is called with ``"parse"`` and then ``"reason"`` as each step
    begins. Raises :class:`~backcare_kg.errors.DataError` with the file and line of a malformed
    input, and :class:`~backcare_kg.errors.ParameterError` for an unknown reasoner.
    """
    engine = reasoners.get(reasoner)
    terms = OxigraphTerms()
    if progress is not None:
        progress("parse")
    asserted = parse_files(paths, terms)
    if progress is not None:
        progress("reason")
    result = closure(asserted, terms, rules, engine)
    inferred, noise = _without_noise(result.inferred, terms)
    support = {level: _graded(triples, inferred, asserted) for level, triples in
               result.support.items()}
    log.info(
        "materialized %d inferred triples in %d round(s) (%d noise triples filtered); "
        "%d statements with a support level other than their graph's default",
        len(inferred),
        result.rounds,
        noise,
        sum(map(len, support.values())),
    )
    return Materialized(terms, asserted, inferred, result.rounds, result.problems, noise,
                        support)


def parse_files(paths: Sequence[Path], terms: OxigraphTerms) -> TripleSet:
    """The triples of every file (the graphs of quad formats merged), as ids of ``terms``."""
    found = TripleSet(terms.type)
    add, intern = found.add_triple, terms.id
    for path in map(Path, paths):
        fmt = oxigraph_format_for(path)
        try:
            data = path.read_bytes()
        except OSError as exc:
            reason = "file not found" if isinstance(exc, FileNotFoundError) else exc.strerror
            raise DataError(reason or str(exc), path=str(path)) from None
        relabel = _Relabel(f"b{hashlib.sha256(data).hexdigest()[:16]}x")
        try:
            for quad in ox.parse(data, format=fmt, base_iri=path.resolve().as_uri()):
                if isinstance(quad.graph_name, ox.BlankNode) and fmt == ox.RdfFormat.N3:
                    raise DataError(
                        "Notation3 formulas ({ ... }) are not RDF and are not supported",
                        path=str(path),
                    )
                add(
                    intern(relabel(quad.subject)),
                    intern(quad.predicate),
                    intern(relabel(quad.object)),
                )
        except SyntaxError as exc:
            raise DataError(f"invalid RDF: {exc.msg}", path=str(path), line=exc.lineno) from None
    log.debug("parsed %d triples from %d file(s)", len(found), len(paths))
    return found


class _Relabel:
    """Blank nodes labelled in order of first appearance, after a prefix (the file's hash)."""

    def __init__(self, prefix: str) -> None:
        self.prefix = prefix
        self.labels: dict[ox.BlankNode, ox.BlankNode] = {}

    def __call__(self, node: Any) -> Any:
        if not isinstance(node, ox.BlankNode):
            return node
        found = self.labels.get(node)
        if found is None:
            found = self.labels[node] = ox.BlankNode(f"{self.prefix}{len(self.labels)}")
        return found


def _graded(triples: TripleSet, inferred: TripleSet, asserted: TripleSet) -> TripleSet:
    """The statements of ``triples`` the store keeps: asserted, or inferred and not noise
    (``inferred`` is already without noise: a membership test is cheaper than the test)."""
    kept = TripleSet(triples.type)
    for c, xs in triples.members.items():
        kept.members[c] = xs & (inferred.members.get(c, set()) | asserted.members.get(c, set()))
    for p, prs in triples.pairs.items():
        kept.pairs[p] = prs & (inferred.pairs.get(p, set()) | asserted.pairs.get(p, set()))
    return kept


def _without_noise(inferred: TripleSet, terms: OxigraphTerms) -> tuple[TripleSet, int]:
    """``inferred`` minus :data:`~.materialize.NOISE` and generalized triples."""
    kept = TripleSet(inferred.type)
    noisy, kinds = NoiseTest(terms), terms.kinds
    noise = 0
    for s, p, o in inferred:
        if kinds[p] != IRI or noisy(s, p, o):
            noise += 1
        else:
            kept.add_triple(s, p, o)
    return kept, noise
