"""The source behind an asserted statement: claims, editorial readings, quotes, sentences.

The data ties a statement to the claims and readings that license it
(``?excerpt bc:licenses [ rdf:subject s ; rdf:predicate p ; rdf:object o ]``); where it does
not, the claims say what they are *about* (``bc:about``). So the excerpts behind an
asserted statement ``s p o`` are found this way, and each carries the relation that
selected it:

- ``states``: ``s`` is itself a claim or reading (a statement about an excerpt, such as the
  capacities the selection criterion targets, is stated by that excerpt);
- ``licenses``: the claims and readings that license the statement; when a claim does, the
  claims merely about its terms are not searched;
- ``about both``: the claims about ``s`` that are also about ``o``;
- ``about subject``: when no claim is about both, the claims about ``s``;
- ``reading``: every editorial reading about ``s``, and those about ``o`` alone (a lost
  heading we identified, a spelling we corrected: what the object is), so that what is ours
  is always shown.

At most :data:`MAX_CLAIMS` claims are kept, those about the fewest things; how many were
left out is reported with them.

A statement that editorial readings license and no claim does is editorial
(:meth:`Sources.editorial`), as the reasoner decides
(:mod:`backcare_kg.reasoning.editorial`).

Statements of the ontology are about our own terms, which no claim is about: they have
no excerpts, only their place in ``ontology/backcare.ttl``. Quotes and sentences are cut
from the source text by their ``oa:TextPositionSelector`` offsets.
"""

from __future__ import annotations

from pathlib import Path

from rdflib import Literal, URIRef
from rdflib.namespace import RDF, RDFS, SKOS
from rdflib.term import Node

from backcare_kg.explain.index import Index, ordered
from backcare_kg.explain.model import Excerpt, Span, Statement
from backcare_kg.vocab import BC, OA, PROV, SCHEMA

CLAIM, READING = "claim", "editorial reading"

#: The classes of a claim of the source (``bc:Recommendation`` too, for a graph without the
#: inferred ``rdf:type bc:Claim``).
_CLAIM_CLASSES = (BC.Claim, BC.Recommendation)

#: The most claims shown for one asserted statement: a subject many claims are about (a
#: phase, in a large corpus) would otherwise bury the few that matter.
MAX_CLAIMS = 5


class Sources:
    """Excerpts of the source for the asserted statements of one graph."""

    def __init__(self, index: Index, texts: dict[Node, str]) -> None:
        """``texts`` holds the text of each source document (by its IRI)."""
        self.index = index
        self.texts = texts
        self._excerpts: dict[tuple[Node, str], Excerpt] = {}
        self._licensing: dict[Statement, tuple[list[Node], list[Node]]] = {}

    def for_statement(self, statement: Statement) -> tuple[tuple[Excerpt, ...], int]:
        """The excerpts behind an asserted ``statement``, claims first, and how many more
        claims qualified but were left out (at most :data:`MAX_CLAIMS` are kept)."""
        s, _, o = statement
        ix = self.index
        found: list[Excerpt] = []
        left_out = 0
        claims, readings = self.licensing(statement)
        if self._kind(s) is not None:
            found.append(self._excerpt(s, "states"))
        if claims:
            found += [self._excerpt(c, "licenses") for c in claims if c != s]
        elif self._kind(s) is None:
            about_s = self._claims_about(s)
            both = [c for c in about_s if isinstance(o, URIRef) and ix.holds(c, BC.about, o)]
            relation, claims = ("about both", both) if both else ("about subject", about_s)
            kept = self._most_specific(claims)
            left_out = len(claims) - len(kept)
            found += [self._excerpt(c, relation) for c in kept]
        found += [self._excerpt(r, "licenses") for r in readings if r != s]
        readings = [r for r in ordered(ix.subjects(BC.about, s)) if self._kind(r) == READING]
        if isinstance(o, URIRef):  # a reading about the object alone says what the object is
            readings += [
                r
                for r in ordered(ix.subjects(BC.about, o))
                if self._kind(r) == READING and set(ix.objects(r, BC.about)) == {o}
            ]
        for reading in dict.fromkeys(readings):
            if all(e.iri != reading for e in found):
                found.append(self._excerpt(reading, "reading"))
        return tuple(found), left_out

    def licensing(self, statement: Statement) -> tuple[list[Node], list[Node]]:
        """The claims and the editorial readings that license ``statement``
        (``bc:licenses`` an ``rdf:Statement`` of its subject, predicate and object)."""
        found = self._licensing.get(statement)
        if found is None:
            s, p, o = statement
            ix = self.index
            nodes = set(ix.subjects(RDF.subject, s)) & set(ix.subjects(RDF.predicate, p))
            nodes &= set(ix.subjects(RDF.object, o))
            licensers = ordered({x for node in nodes for x in ix.subjects(BC.licenses, node)})
            kinds = [(x, self._kind(x)) for x in licensers]
            found = [x for x, k in kinds if k == CLAIM], [x for x, k in kinds if k == READING]
            self._licensing[statement] = found
        return found

    def editorial(self, statement: Statement) -> bool:
        """Whether an asserted ``statement`` rests on a reading of ours: editorial readings
        license it and no claim of the source does."""
        claims, readings = self.licensing(statement)
        return bool(readings) and not claims

    def _most_specific(self, claims: list[Node]) -> list[Node]:
        """At most :data:`MAX_CLAIMS` of ``claims`` (in their order): those about the
        fewest things, which say the most about each."""
        if len(claims) <= MAX_CLAIMS:
            return claims
        ranked = sorted(claims, key=lambda c: (len(self.index.objects(c, BC.about)), c.n3()))
        kept = set(ranked[:MAX_CLAIMS])
        return [c for c in claims if c in kept]

    def _claims_about(self, term: Node) -> list[Node]:
        return [c for c in ordered(self.index.subjects(BC.about, term)) if self._kind(c) == CLAIM]

    def _kind(self, node: Node) -> str | None:
        if any(self.index.holds(node, RDF.type, cls) for cls in _CLAIM_CLASSES):
            return CLAIM
        if self.index.holds(node, RDF.type, BC.EditorialReading):
            return READING
        return None

    def _excerpt(self, node: Node, relation: str) -> Excerpt:
        found = self._excerpts.get((node, relation))
        if found is None:
            found = self._excerpts[(node, relation)] = self._read_excerpt(node, relation)
        return found

    def _read_excerpt(self, node: Node, relation: str) -> Excerpt:
        ix = self.index
        kind = self._kind(node) or CLAIM
        target = self._target(node)
        quote = _first_literal(ix.objects(node, BC.quote))
        source = next(iter(ordered(ix.objects(node, BC.source))), None)
        text = self.texts.get(source) if source is not None else None
        span: Span | None = None
        if quote is not None:
            start, end = target if target is not None else (None, None)
            if start is None and text is not None and quote in text:
                start = text.index(quote)
                end = start + len(quote)
            span = Span(start, end, quote) if start is not None and end is not None else None
        sentences = []
        for sentence in ordered(ix.objects(node, BC.sentence)):
            position = _int(_first_literal(ix.objects(sentence, BC.position)))
            offsets = self._target(sentence)
            words = _first_literal(ix.objects(sentence, BC.text))
            if offsets is not None and text is not None:
                words = text[offsets[0] : offsets[1]]
            if words is not None:
                start, end = offsets if offsets is not None else (-1, -1)
                sentences.append((URIRef(str(sentence)), position, Span(start, end, words)))
        sentences.sort(key=lambda x: (x[1] if x[1] is not None else 0, str(x[0])))
        attributed = sorted(
            {
                (URIRef(a), self.name(a))
                for p in (BC.statedBy, PROV.wasAttributedTo)
                for a in ix.objects(node, p)
                if isinstance(a, URIRef)
            },
            key=lambda x: x[1],
        )
        experts = [a for a in attributed if ix.holds(node, BC.statedBy, a[0])]
        level = next(iter(ordered(ix.objects(node, BC.evidenceLevel))), None)
        note = _first_literal(ix.objects(node, SKOS.editorialNote))
        return Excerpt(
            iri=URIRef(str(node)),
            kind=kind,
            relation=relation,
            label=self.name(node) if self.label(node) is not None else None,
            attributed_to=tuple(experts or attributed),
            evidence_level=(URIRef(level), self.name(level)) if isinstance(level, URIRef) else None,
            quote=span,
            sentences=tuple(sentences),
            note=note,
            source=URIRef(str(source)) if isinstance(source, URIRef) else None,
        )

    def _target(self, node: Node) -> tuple[int, int] | None:
        """The (start, end) of a TextPositionSelector of ``node``'s annotation target."""
        ix = self.index
        for target in ordered(ix.objects(node, OA.hasTarget)):
            for selector in ordered(ix.objects(target, OA.hasSelector)):
                start = _int(_first_literal(ix.objects(selector, OA.start)))
                end = _int(_first_literal(ix.objects(selector, OA.end)))
                if start is not None and end is not None:
                    return start, end
        return None

    def label(self, node: Node) -> str | None:
        """The English preferred label (or label) of ``node``, if it has one."""
        for p in (SKOS.prefLabel, RDFS.label):
            for label in ordered(self.index.objects(node, p)):
                if isinstance(label, Literal) and label.language in ("en", None):
                    return str(label)
        return None

    def name(self, node: Node) -> str:
        """An English name for ``node``: its preferred label, label, or IRI."""
        return self.label(node) or str(node)


def read_texts(index: Index, root: Path, fallback: Path | None) -> dict[Node, str]:
    """The text of each source document of ``index``: its ``schema:contentUrl`` under
    ``root`` if that file exists, else ``fallback`` (the bundled article)."""
    texts: dict[Node, str] = {}
    for doc in index.subjects(RDF.type, BC.SourceDocument):
        candidates = [root / str(url) for url in index.objects(doc, SCHEMA.contentUrl)]
        if fallback is not None:
            candidates.append(fallback)
        for path in candidates:
            try:
                texts[doc] = path.read_text(encoding="utf-8")
                break
            except OSError:
                continue
    return texts


def _first_literal(values: object) -> str | None:
    found = ordered(v for v in values if isinstance(v, Literal))  # type: ignore[attr-defined]
    return str(found[0]) if found else None


def _int(value: str | None) -> int | None:
    try:
        return int(value) if value is not None else None
    except ValueError:
        return None
