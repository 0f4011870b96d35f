"""Hostile values bound to query parameters: SPARQL fragments, IRIs, variables and CURIEs
that an engine must take as plain string literals, never as query text."""

from __future__ import annotations

INJECTIONS = [
    '"x" } ; DROP ALL ; #',
    "<http://evil.example/>",
    '") } INSERT DATA { <a:b> <a:c> <a:d> } #',
    "?a",
    "bcr:balance",
    "https://w3id.org/backcare-kg/resource/balance",
    "} UNION { ?a ?p ?cap }",
]
