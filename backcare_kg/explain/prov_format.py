"""An explanation as RDF in PROV-O (W3C Provenance Ontology), for ``--format turtle``.

Every node of every proof is a reified statement (``rdf:Statement`` with ``rdf:subject``,
``rdf:predicate``, ``rdf:object``) and a ``prov:Entity``:

- a derived node ``prov:wasDerivedFrom`` the node of each premise and
  ``prov:wasGeneratedBy`` a ``prov:Activity`` that ``prov:used`` those premises and names
  its rule with ``prov:qualifiedAssociation [ a prov:Association ; prov:hadPlan <rule> ]``.
  The OWL 2 RL rules folded into the step (``through``) are listed on that association
  with ``bc:through``;
- an asserted node (a leaf) has ``bc:asserted true``, ``prov:atLocation`` a
  ``prov:Location`` (``dcterms:source`` the file, ``bc:line`` the line, ``rdfs:label``
  ``file:line``) and ``prov:wasDerivedFrom`` each claim or editorial reading behind it;
  a claim or reading that licenses it in the data ``bc:licenses`` the node, as in the data;
- every node has ``bc:supportLevel``: the level of that proof of its statement, the
  weakest of its steps (``bc:Stated``, ``bc:Entailed``, ``bc:Generalized``,
  ``bc:Editorial``);
- each claim (``bc:Claim``) or reading (``bc:EditorialReading``) is described as in the
  data: ``rdfs:label``, ``bc:quote``, ``prov:wasAttributedTo``, ``bc:evidenceLevel``,
  ``skos:editorialNote``, ``bc:source``, ``oa:hasTarget`` a ``oa:SpecificResource``
  (``oa:hasSource`` the source document) with a
  ``oa:TextQuoteSelector`` (``oa:exact``) and a ``oa:TextPositionSelector`` (``oa:start``,
  ``oa:end``), and ``bc:sentence`` each sentence (``bc:Sentence`` with ``bc:position``,
  ``bc:text`` and its position selector);
- rules are ``prov:Plan`` s: ``bcr:rule-<file stem>`` for a domain rule
  (``prov:wasDerivedFrom`` its claim, ``dcterms:source`` its file, ``rdfs:label``,
  ``dcterms:description`` its summary, ``bc:ruleKind`` its kind) and
  ``bcr:owl-rl-<name>`` for an OWL 2 RL rule (``rdfs:label`` its W3C name,
  ``rdfs:seeAlso`` the W3C rule tables, ``dcterms:description``).

The explanation itself is a ``prov:Bundle`` with ``dcterms:subject`` the statement asked
about (with ``bc:entailed``, ``bc:asserted`` and the ``bc:supportLevel`` the graph records
for it), ``bc:proof`` the root node of each proof, strongest first (each root
``prov:specializationOf`` the statement asked about: that statement, as derived one way)
and, for a statement the graph does not hold, ``bc:near`` each near statement (a blank
``rdf:Statement`` with ``bc:nearRelation`` and its ``bc:supportLevel``). With ``names``,
the IRIs the statements mention get their English ``rdfs:label``. Not written: how each
excerpt bears on its leaf (the JSON's ``relation``), but ``licenses``.

Node names are deterministic: a proof node is ``urn:backcare-kg:proof:<hash>``, the hash
of its statement, its rule and its premises' hashes, so the same derivation is one node
wherever it appears (its activity is ``urn:backcare-kg:derivation:<hash>``); the asked
statement is ``urn:backcare-kg:statement:<hash of the triple>``; the explanation
``urn:backcare-kg:explanation:<hash>``. Selectors, targets, locations and associations are
blank nodes with names derived the same way.

Terms minted here, in ``https://w3id.org/backcare-kg/ontology#`` (``bc:``):

- ``bc:entailed`` (xsd:boolean): whether the graph holds the statement.
- ``bc:asserted`` (xsd:boolean): whether the statement is in the asserted graph; ``true``
  on a proof's leaves.
- ``bc:proof``: from an explanation to the root node of one of its proofs.
- ``bc:depth`` (xsd:integer): a proof node's depth (0 for a leaf); proofs come shortest
  first.
- ``bc:near``: from an explanation of a statement the graph does not hold to a statement
  near it that it holds; ``bc:nearRelation`` says how it is near ("same subject and
  predicate" or "superproperty").
- ``bc:through``: from an association to an OWL 2 RL rule folded into its step.
- ``bc:line`` (xsd:integer): the 1-based line of a ``prov:Location`` in its file.
- ``bc:ruleKind`` (xsd:string): a domain rule's kind, ``strict`` (the claim says it of each
  thing the rule concludes about) or ``generalization`` (the claim says it of exercise in
  general; the rule applies it to each activity).

``bc:supportLevel`` and ``bc:licenses`` are the data's own terms.
"""

from __future__ import annotations

import hashlib

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, RDF, RDFS, SKOS
from rdflib.term import Node

from backcare_kg.explain.json_format import Names, short
from backcare_kg.explain.model import (
    DOMAIN,
    OWL_RL_SPEC,
    Excerpt,
    Explanation,
    Location,
    Proof,
    RuleRef,
    Statement,
)
from backcare_kg.explain.owl_rules import BY_NAME
from backcare_kg.rdf.support_levels import SupportLevel
from backcare_kg.vocab import BC, BCR, OA, PREFIXES, PROV

URN = "urn:backcare-kg:"
KIND_CLASS = {"claim": BC.Claim, "editorial reading": BC.EditorialReading}


def to_turtle(explanation: Explanation, names: Names | None = None) -> str:
    """:func:`to_graph` as Turtle."""
    return to_graph(explanation, names).serialize(format="turtle")


def to_graph(explanation: Explanation, names: Names | None = None) -> Graph:
    """The explanation in PROV-O; ``names`` adds English labels to the terms it mentions."""
    return _Builder(names or (lambda _: None)).explanation(explanation)


def rule_iri(rule: RuleRef) -> URIRef:
    """The IRI of a rule as a ``prov:Plan``."""
    prefix = "rule-" if rule.kind == DOMAIN else "owl-rl-"
    return BCR[prefix + rule.name]


def _hash(*parts: str) -> str:
    return hashlib.sha256("\x1f".join(parts).encode("utf-8")).hexdigest()[:20]


def _triple_hash(statement: Statement) -> str:
    return _hash(*(t.n3() for t in statement))


class _Builder:
    def __init__(self, names: Names) -> None:
        self.names = names
        self.graph = Graph()
        for prefix, namespace in PREFIXES.items():
            self.graph.bind(prefix, namespace)
        self.keys: dict[Proof, str] = {}
        self.done: set[str] = set()

    def add(self, s: Node, p: Node, o: Node) -> None:
        self.graph.add((s, p, o))

    def explanation(self, explanation: Explanation) -> Graph:
        roots = [self.proof(p) for p in explanation.proofs]
        key = _hash(_triple_hash(explanation.statement), *(str(r) for r in roots))
        node = URIRef(f"{URN}explanation:{key}")
        asked = URIRef(f"{URN}statement:{_triple_hash(explanation.statement)}")
        self.add(node, RDF.type, PROV.Bundle)
        self.add(node, RDFS.label, Literal("why " + _n3(explanation.statement), lang="en"))
        self.add(node, DCTERMS.subject, asked)
        self.statement(asked, explanation.statement)
        self.add(asked, BC.entailed, Literal(explanation.entailed))
        self.add(asked, BC.asserted, Literal(explanation.asserted))
        self.level(asked, explanation.support)
        for root in roots:
            self.add(node, BC.proof, root)
            self.add(root, PROV.specializationOf, asked)
        for near in explanation.near:
            blank = BNode("near" + _hash(key, _triple_hash(near.statement)))
            self.add(node, BC.near, blank)
            self.statement(blank, near.statement)
            self.add(blank, BC.entailed, Literal(True))
            self.add(blank, BC.nearRelation, Literal(near.relation))
            self.level(blank, near.support)
        return self.graph

    def statement(self, node: Node, statement: Statement) -> None:
        self.add(node, RDF.type, RDF.Statement)
        for prop, term in zip((RDF.subject, RDF.predicate, RDF.object), statement, strict=True):
            self.add(node, prop, term)
            self.label(term)

    def level(self, node: Node, level: SupportLevel | None) -> None:
        if level is not None:
            self.add(node, BC.supportLevel, level.iri)
            self.label(level.iri)

    def label(self, term: Node) -> None:
        if isinstance(term, URIRef):
            label = self.names(term)
            if label:
                self.add(term, RDFS.label, Literal(label, lang="en"))

    def key(self, proof: Proof) -> str:
        found = self.keys.get(proof)
        if found is None:
            parts = [_triple_hash(proof.statement)]
            if proof.rule is None:
                parts.append("asserted")
            else:
                parts += [proof.rule.kind, proof.rule.name, *proof.rule.through]
                parts += [self.key(p) for p in proof.premises]
            found = self.keys[proof] = _hash(*parts)
        return found

    def proof(self, proof: Proof) -> URIRef:
        key = self.key(proof)
        node = URIRef(f"{URN}proof:{key}")
        if key in self.done:
            return node
        self.done.add(key)
        self.statement(node, proof.statement)
        self.add(node, RDF.type, PROV.Entity)
        self.add(node, BC.depth, Literal(proof.depth))
        self.level(node, proof.support)
        if proof.rule is None:
            self.add(node, BC.asserted, Literal(True))
            if proof.location is not None:
                self.add(node, PROV.atLocation, self.location(proof.location))
            for excerpt in proof.excerpts:
                self.add(node, PROV.wasDerivedFrom, self.excerpt(excerpt))
                if excerpt.relation == "licenses":
                    self.add(excerpt.iri, BC.licenses, node)
            return node
        activity = URIRef(f"{URN}derivation:{key}")
        association = BNode("association" + key)
        self.add(node, PROV.wasGeneratedBy, activity)
        self.add(activity, RDF.type, PROV.Activity)
        self.add(activity, RDFS.label, Literal(f"derivation by {proof.rule.name}", lang="en"))
        self.add(activity, PROV.qualifiedAssociation, association)
        self.add(association, RDF.type, PROV.Association)
        self.add(association, PROV.hadPlan, self.rule(proof.rule))
        for name in proof.rule.through:
            self.add(
                association,
                BC.through,
                self.owl_rule(name),
            )
        for premise in proof.premises:
            used = self.proof(premise)
            self.add(node, PROV.wasDerivedFrom, used)
            self.add(activity, PROV.used, used)
        return node

    def rule(self, rule: RuleRef) -> URIRef:
        if rule.kind != DOMAIN:
            return self.owl_rule(rule.name)
        plan = rule_iri(rule)
        self.add(plan, RDF.type, PROV.Plan)
        self.add(plan, RDFS.label, Literal(rule.name))
        self.add(plan, DCTERMS.description, Literal(rule.summary, lang="en"))
        if rule.path is not None:
            self.add(plan, DCTERMS.source, Literal(rule.path))
        if rule.rule_kind is not None:
            self.add(plan, BC.ruleKind, Literal(rule.rule_kind))
        if rule.claim is not None:
            self.add(plan, PROV.wasDerivedFrom, rule.claim)
            self.label(rule.claim)
        return plan

    def owl_rule(self, name: str) -> URIRef:
        plan = BCR["owl-rl-" + name]
        self.add(plan, RDF.type, PROV.Plan)
        self.add(plan, RDFS.label, Literal(name))
        self.add(plan, RDFS.seeAlso, OWL_RL_SPEC)
        if name in BY_NAME:
            self.add(plan, DCTERMS.description, Literal(BY_NAME[name].summary, lang="en"))
        return plan

    def location(self, location: Location) -> BNode:
        node = BNode("location" + _hash(str(location)))
        self.add(node, RDF.type, PROV.Location)
        self.add(node, RDFS.label, Literal(str(location)))
        self.add(node, DCTERMS.source, Literal(location.path))
        if location.line is not None:
            self.add(node, BC.line, Literal(location.line))
        return node

    def excerpt(self, excerpt: Excerpt) -> URIRef:
        node = excerpt.iri
        key = "excerpt " + str(node)
        if key in self.done:
            return node
        self.done.add(key)
        self.add(node, RDF.type, KIND_CLASS.get(excerpt.kind, BC.SourceExcerpt))
        if excerpt.label:
            self.add(node, RDFS.label, Literal(excerpt.label, lang="en"))
        for agent, name in excerpt.attributed_to:
            self.add(node, PROV.wasAttributedTo, agent)
            self.add(agent, RDFS.label, Literal(name, lang="en"))
        if excerpt.evidence_level is not None:
            level, name = excerpt.evidence_level
            self.add(node, BC.evidenceLevel, level)
            self.add(level, RDFS.label, Literal(name, lang="en"))
        if excerpt.note:
            self.add(node, SKOS.editorialNote, Literal(excerpt.note, lang="en"))
        if excerpt.source is not None:
            self.add(node, BC.source, excerpt.source)
        if excerpt.quote is not None:
            quote = excerpt.quote
            self.add(node, BC.quote, Literal(quote.text))
            target = self.target(node, quote.start, quote.end, excerpt.source)
            exact = BNode("quote" + _hash(str(node)))
            self.add(target, OA.hasSelector, exact)
            self.add(exact, RDF.type, OA.TextQuoteSelector)
            self.add(exact, OA.exact, Literal(quote.text))
        for sentence, position, span in excerpt.sentences:
            self.add(node, BC.sentence, sentence)
            if "sentence " + str(sentence) in self.done:
                continue
            self.done.add("sentence " + str(sentence))
            self.add(sentence, RDF.type, BC.Sentence)
            if position is not None:
                self.add(sentence, BC.position, Literal(position))
            self.add(sentence, BC.text, Literal(span.text))
            self.target(sentence, span.start, span.end, excerpt.source)
        return node

    def target(self, node: URIRef, start: int, end: int, source: URIRef | None) -> BNode:
        """``node``'s ``oa:SpecificResource`` (in ``source``, if known) with its position
        selector (returned)."""
        key = _hash(str(node))
        target, selector = BNode("target" + key), BNode("position" + key)
        self.add(node, OA.hasTarget, target)
        self.add(target, RDF.type, OA.SpecificResource)
        if source is not None:
            self.add(target, OA.hasSource, source)
        self.add(target, OA.hasSelector, selector)
        self.add(selector, RDF.type, OA.TextPositionSelector)
        self.add(selector, OA.start, Literal(start))
        self.add(selector, OA.end, Literal(end))
        return target


def _n3(statement: Statement) -> str:
    return " ".join("a" if t == RDF.type else short(t) for t in statement)
