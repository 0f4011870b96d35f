"""Reasoning: the OWL 2 RL closure and the domain rules, materialized.

- :mod:`.reasoners`: the OWL 2 RL reasoners by name (``compiled``, ``owlrl``);
- :mod:`.owl_schema` and :mod:`.owl_rl`: the compiled engine (schema closure, instance rules);
- :mod:`.rules` and :mod:`.rule_engine`: the domain rules (SPARQL CONSTRUCT files) and their
  semi-naive evaluation;
- :mod:`.materialize`: the fixpoint of both, over rdflib graphs;
- :mod:`.bulk`: the same without rdflib, for large inputs;
- :mod:`.triples`: the working graph of integer ids they all share.
"""
