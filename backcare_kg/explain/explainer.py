"""The explainer of one materialized graph: proofs, with their files, lines, sources and
support levels."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import replace
from pathlib import Path

from rdflib import BNode, Literal, URIRef
from rdflib.namespace import OWL, RDF, RDFS
from rdflib.term import Node
from rdflib.util import from_n3

from backcare_kg.errors import ParameterError
from backcare_kg.explain.index import Index, ordered
from backcare_kg.explain.levels import StoredLevels
from backcare_kg.explain.locations import Locations
from backcare_kg.explain.model import Explanation, Near, Proof, Statement
from backcare_kg.explain.search import ProofSearch
from backcare_kg.explain.sources import Sources, read_texts
from backcare_kg.rdf.names import short_iri
from backcare_kg.rdf.support_levels import SupportLevel
from backcare_kg.reasoning.rules import Rule
from backcare_kg.sparql.term_resolver import TermResolver
from backcare_kg.vocab import BC

Term = str | Node

#: How many near statements of each kind an explanation lists at most.
NEAR_LIMIT = 20

_NUMBER = re.compile(r"[+-]?(\d+\.?\d*([eE][+-]?\d+)?|\.\d+([eE][+-]?\d+)?)\Z")


class Explainer:
    """Explains the statements of a materialized graph (asserted and inferred triples).

    ``rules`` are the domain rules the graph was reasoned with; ``support`` the triples of
    its support graph (:data:`~backcare_kg.vocab.SUPPORT_GRAPH`: the level of each statement
    not at its graph's default; none if every statement is); ``files`` the asserted RDF
    files (for the file and line of each leaf; none for a graph whose files are unknown),
    shown relative to ``root``; ``source_text`` the source article, read where a source
    document's ``schema:contentUrl`` does not lead to a file under ``root``.
    """

    def __init__(
        self,
        asserted: Iterable[Statement],
        inferred: Iterable[Statement],
        rules: Sequence[Rule],
        files: Sequence[Path] = (),
        *,
        support: Iterable[Statement] = (),
        root: Path | None = None,
        source_text: Path | None = None,
        resolver: TermResolver | None = None,
    ) -> None:
        self.index = Index(asserted, inferred)
        self.levels = StoredLevels(self.index, support)
        texts = read_texts(self.index, root or Path("."), source_text)
        self.sources = Sources(self.index, texts)
        prefix = str(root) if root is not None else ""
        self.search = ProofSearch(
            self.index,
            rules,
            relative_to=prefix,
            level=self.levels.of,
            editorial=self.sources.editorial,
        )
        self.locations = Locations(files, relative_to=root) if files else None
        self.resolver = resolver
        self._leaves: dict[Statement, Proof] = {}

    # -- asking --------------------------------------------------------------------------

    def explain(self, subject: Term, predicate: Term, object: Term, limit: int = 1) -> Explanation:
        """Why ``subject predicate object`` holds: up to ``limit`` proofs, shortest first.

        Terms are rdflib terms, or text: a slug, a prefixed name, an IRI or a label (and
        for the predicate also ``a`` or a bare name of our ontology, ``allowedInPhase``; for
        the object also a literal such as ``true``, ``3`` or ``"yoga"@en``). Raises
        :class:`~backcare_kg.errors.ParameterError` naming the term that names nothing, or
        for a ``limit`` under 1.
        """
        if not isinstance(limit, int) or isinstance(limit, bool) or limit < 1:
            raise ParameterError(
                f"limit must be a whole number of at least 1, not {limit!r}", "limit"
            )
        statement = (self.subject(subject), self.predicate(predicate), self.object(object))
        return self.explain_statement(statement, limit)

    def explain_statement(self, statement: Statement, limit: int = 1) -> Explanation:
        """:meth:`explain` for a statement of rdflib terms."""
        if not self.index.holds(*statement):
            return Explanation(statement, False, False, (), self.near(statement))
        proofs = tuple(self._with_sources(p) for p in self.search.proofs(statement, limit))
        return Explanation(
            statement,
            True,
            self.index.is_asserted(statement),
            proofs,
            support=self.levels.of(statement),
        )

    def support(self, statement: Statement) -> SupportLevel | None:
        """The level the graph records for ``statement`` (None if it does not hold it)."""
        return self.levels.of(statement)

    def objects(self, subject: Node, predicate: Node) -> list[Node]:
        """The objects the graph holds (asserted or inferred) for ``subject predicate``, in
        a fixed order."""
        return ordered(self.index.objects(subject, predicate))

    def label(self, node: Node) -> str | None:
        """The English label of ``node`` in the graph, if it has one (for display)."""
        return self.sources.label(node)

    def near(self, statement: Statement) -> tuple[Near, ...]:
        """Statements the graph holds that are close to ``statement`` (for one it does not)."""
        s, p, o = statement
        ix = self.index
        level = self.levels.of
        found = [
            Near((s, p, other), "same subject and predicate", level((s, p, other)))
            for other in ordered(ix.objects(s, p))
            if other != o
        ][:NEAR_LIMIT]
        for q in ordered(ix.objects(p, RDFS.subPropertyOf)):
            if q != p and ix.holds(s, q, o):
                found.append(Near((s, q, o), "superproperty", level((s, q, o))))
        return tuple(found)

    # -- leaves ---------------------------------------------------------------------------

    def _with_sources(self, proof: Proof) -> Proof:
        """``proof`` with the location and excerpts of each asserted leaf filled in."""
        if proof.asserted:
            leaf = self._leaves.get(proof.statement)
            if leaf is None:
                location = self.locations.get(proof.statement) if self.locations else None
                excerpts, more = self.sources.for_statement(proof.statement)
                leaf = replace(proof, location=location, excerpts=excerpts, more_excerpts=more)
                self._leaves[proof.statement] = leaf
            return leaf
        return replace(proof, premises=tuple(self._with_sources(p) for p in proof.premises))

    # -- terms ----------------------------------------------------------------------------

    def subject(self, value: Term) -> Node:
        """The subject named by ``value``."""
        if isinstance(value, (URIRef, BNode)):
            return value
        if isinstance(value, str) and value.startswith("_:"):
            return BNode(value[2:])
        return self._resolve(value, "subject")

    def predicate(self, value: Term) -> URIRef:
        """The predicate named by ``value`` (``a`` is rdf:type)."""
        if isinstance(value, URIRef):
            return value
        if not isinstance(value, str):
            raise ParameterError("a predicate is an IRI", "predicate")
        text = value.strip()
        if text == "a":
            return URIRef(RDF.type)
        explicit = TermResolver.explicit(text, "predicate")
        if explicit is not None:
            return explicit
        properties = self._properties()
        if re.fullmatch(r"[A-Za-z_][\w-]*", text) and BC[text] in properties:
            return BC[text]
        try:
            found = self._resolve(text, "predicate")
        except ParameterError:
            found = None
        if found is not None and found in properties:
            return found
        close = sorted(short_iri(str(p)) for p in properties if str(p).startswith(str(BC)))
        raise ParameterError(f"no property of the graph is named {value!r}", "predicate", close)

    def object(self, value: Term) -> Node:
        """The object named by ``value``: a resource, or a literal."""
        if isinstance(value, (URIRef, BNode, Literal)):
            return value
        if not isinstance(value, str):
            return Literal(value)
        text = value.strip()
        if text in ("true", "false"):
            return Literal(text == "true")
        if _NUMBER.match(text) or text.startswith(('"', "'")):
            try:
                literal = from_n3(text)
            except Exception as exc:
                raise ParameterError(f"{value!r} is not a literal: {exc}", "object") from None
            if isinstance(literal, Literal):
                return literal
            raise ParameterError(f"{value!r} is not a literal", "object")
        if text.startswith("_:"):
            return BNode(text[2:])
        return self._resolve(text, "object")

    def _resolve(self, value: Term, parameter: str) -> URIRef:
        if self.resolver is None:
            explicit = TermResolver.explicit(str(value), parameter)
            if explicit is None:
                raise ParameterError(f"{value!r} is not an IRI or a prefixed name", parameter)
            return explicit
        return self.resolver.resolve(value, parameter=parameter)  # type: ignore[arg-type]

    def _properties(self) -> set[Node]:
        found = set(self.index.predicates())
        for cls in (
            RDF.Property,
            OWL.ObjectProperty,
            OWL.DatatypeProperty,
        ):
            found |= set(self.index.subjects(RDF.type, cls))
        return found
