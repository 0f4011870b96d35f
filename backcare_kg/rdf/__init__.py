"""RDF foundations every layer shares: rdflib's warnings caught, terms converted between
rdflib and pyoxigraph, IRIs shortened for people.

- :mod:`.rdflib_warnings`: rdflib's literal warnings collected instead of printed;
- :mod:`.conversion`: terms converted between rdflib and pyoxigraph, and read from
  pyoxigraph's N-Triples and TSV text;
- :mod:`.names`: IRIs shortened to prefixed names for people (one shortener, each caller's
  choices as parameters).
"""
