"""Why a statement holds, and how strongly the source supports it: proofs down to the OWL
2 RL rules, the domain rules, the claims and the sentences of the source, each step with its
support level (stated, entailed, generalized, editorial).

>>> kg = KnowledgeGraph.load()                                      # doctest: +SKIP
>>> kg.explain("yoga", "allowedInPhase", "chronic-phase").proofs[0].rules()  # doctest: +SKIP
['chronic-phase-allowed']
>>> str(kg.explain("yoga", "allowedInPhase", "chronic-phase").support)  # doctest: +SKIP
'editorial'

Proofs are rebuilt from the materialized graph by backward search (:mod:`.search`), so
they cost nothing at reasoning time and are the same whichever reasoner built the closure.
"""

from backcare_kg.explain.explainer import Explainer
from backcare_kg.explain.json_format import FORMAT, schema, to_json
from backcare_kg.explain.model import (
    DOMAIN,
    OWL_RL,
    OWL_RL_SPEC,
    Excerpt,
    Explanation,
    Location,
    Near,
    Proof,
    RuleRef,
    Span,
    Statement,
)
from backcare_kg.explain.prov_format import to_graph, to_turtle
from backcare_kg.explain.text_format import render_text, render_tree

__all__ = [
    "DOMAIN",
    "OWL_RL",
    "OWL_RL_SPEC",
    "Excerpt",
    "FORMAT",
    "Explainer",
    "Explanation",
    "Location",
    "Near",
    "Proof",
    "RuleRef",
    "Span",
    "Statement",
    "render_text",
    "render_tree",
    "schema",
    "to_graph",
    "to_json",
    "to_turtle",
]
