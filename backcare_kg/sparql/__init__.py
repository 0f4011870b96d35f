"""SPARQL: engines, query preparation, bound values, results and named queries.

- :mod:`.engines`: the query engines (``oxigraph``, ``rdflib``) behind one interface;
- :mod:`.preparation`: parsing, checks (no update, no ``SERVICE``) and the rdflib path;
- :mod:`.binding` and :mod:`.rewriting`: values bound as RDF terms, and the query rewriter;
- :mod:`.lexer`: SPARQL text read without a parser (tokens, groups, SPARQL Update found);
- :mod:`.results` and :mod:`.oxigraph_results`: answers and their W3C formats;
- :mod:`.named_queries`: the grlc-style query files; :mod:`.term_resolver`: what people type
  turned into IRIs.
"""
