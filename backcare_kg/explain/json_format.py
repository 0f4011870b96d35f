"""An explanation as JSON, following the schema shipped beside this module.

``explanation.schema.json`` (JSON Schema 2020-12) documents every field. Terms are written
as in the SPARQL 1.1 Query Results JSON Format (``type``, ``value``, ``datatype``,
``xml:lang``), with a ``label`` (English) and a ``short`` name (slug or prefixed name) for
people. Support levels are written by name (``stated``, ``entailed``, ``generalized``,
``editorial``; the IRI is ``bc:`` and the name capitalized): the statement's (``support``),
each proof node's (``support``, the weakest of its steps) and its own step's (``step``).
:func:`schema` returns the schema itself.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from functools import cache
from importlib import resources
from typing import Any

from rdflib import BNode, Literal, URIRef
from rdflib.term import Node

from backcare_kg.explain.model import (
    OWL_RL,
    OWL_RL_SPEC,
    Excerpt,
    Explanation,
    Proof,
    Span,
    Statement,
)
from backcare_kg.rdf.support_levels import SupportLevel
from backcare_kg.sparql.term_resolver import TermResolver

#: The ``$schema``-style identifier every document carries in its ``format`` field.
FORMAT = "https://w3id.org/backcare-kg/explanation/1"

Names = Callable[[Node], "str | None"]


def to_json(explanation: Explanation, names: Names | None = None) -> dict[str, Any]:
    """The explanation as a JSON-ready dict; ``names`` gives a term's English label."""
    write = _Writer(names or (lambda _: None))
    return {
        "format": FORMAT,
        "statement": write.statement(explanation.statement),
        "entailed": explanation.entailed,
        "asserted": explanation.asserted,
        "support": _level(explanation.support),
        "consistent": explanation.consistent,
        "proofs": [write.proof(p) for p in explanation.proofs],
        "near": [
            {
                "statement": write.statement(n.statement),
                "relation": n.relation,
                "support": _level(n.support),
            }
            for n in explanation.near
        ],
    }


def dumps(explanation: Explanation, names: Names | None = None, indent: int | None = 2) -> str:
    """:func:`to_json` as text."""
    return json.dumps(to_json(explanation, names), ensure_ascii=False, indent=indent)


@cache
def schema() -> dict[str, Any]:
    """The JSON Schema of :func:`to_json`'s documents."""
    text = resources.files(__package__).joinpath("explanation.schema.json").read_text("utf-8")
    found: dict[str, Any] = json.loads(text)
    return found


class _Writer:
    def __init__(self, names: Names) -> None:
        self.names = names

    def term(self, node: Node) -> dict[str, Any]:
        if isinstance(node, Literal):
            found: dict[str, Any] = {"type": "literal", "value": str(node)}
            if node.language:
                found["xml:lang"] = node.language
            elif node.datatype is not None:
                found["datatype"] = str(node.datatype)
            return found
        if isinstance(node, BNode):
            return {"type": "bnode", "value": str(node), "short": f"_:{node}"}
        found = {"type": "uri", "value": str(node), "short": short(node)}
        label = self.names(node)
        if label:
            found["label"] = label
        return found

    def statement(self, statement: Statement) -> dict[str, Any]:
        s, p, o = statement
        return {"subject": self.term(s), "predicate": self.term(p), "object": self.term(o)}

    def proof(self, proof: Proof) -> dict[str, Any]:
        node: dict[str, Any] = {
            "statement": self.statement(proof.statement),
            "support": proof.support.name,
            "step": proof.step.name,
        }
        if proof.rule is None:
            node["how"] = "asserted"
            node["depth"] = 0
            node["location"] = (
                {"file": proof.location.path, "line": proof.location.line}
                if proof.location is not None
                else None
            )
            node["sources"] = [self.excerpt(e) for e in proof.excerpts]
            node["moreSources"] = proof.more_excerpts
            return node
        rule = proof.rule
        written: dict[str, Any] = {"kind": rule.kind, "name": rule.name, "summary": rule.summary}
        if rule.kind == OWL_RL:
            written["specification"] = str(OWL_RL_SPEC)
        if rule.path is not None:
            written["file"] = rule.path
        if rule.claim is not None:
            written["claim"] = self.term(rule.claim)
            written["claimSentences"] = list(rule.sentences)
        if rule.rule_kind is not None:
            written["ruleKind"] = rule.rule_kind
        written["through"] = list(rule.through)
        node["how"] = "derived"
        node["rule"] = written
        node["depth"] = proof.depth
        node["premises"] = [self.proof(p) for p in proof.premises]
        return node

    def excerpt(self, excerpt: Excerpt) -> dict[str, Any]:
        return {
            "iri": str(excerpt.iri),
            "short": short(excerpt.iri),
            "kind": excerpt.kind,
            "relation": excerpt.relation,
            "label": excerpt.label,
            "attributedTo": [{"iri": str(i), "name": n} for i, n in excerpt.attributed_to],
            "evidenceLevel": (
                {"iri": str(excerpt.evidence_level[0]), "name": excerpt.evidence_level[1]}
                if excerpt.evidence_level is not None
                else None
            ),
            "quote": _span(excerpt.quote) if excerpt.quote is not None else None,
            "sentences": [
                {"iri": str(iri), "position": position, **_span(span)}
                for iri, position, span in excerpt.sentences
            ],
            "note": excerpt.note,
            "source": str(excerpt.source) if excerpt.source is not None else None,
        }


def _level(level: SupportLevel | None) -> str | None:
    return level.name if level is not None else None


def _span(span: Span) -> dict[str, Any]:
    return {"text": span.text, "start": span.start, "end": span.end}


def short(node: Node) -> str:
    """A term's short name: the slug of a ``bcr:`` IRI, else a prefixed name or the IRI."""
    if isinstance(node, URIRef):
        return TermResolver.display(node)
    return node.n3()
