"""The SPARQL the server's pages run, kept in files (``web/queries/*.rq``).

Values are bound as RDF terms (``kg.query(text, subject=iri)``), never pasted into the text.
"""

from __future__ import annotations

import functools
from importlib import resources


@functools.cache
def query_text(name: str) -> str:
    """The text of ``web/queries/<name>.rq``."""
    return (resources.files("backcare_kg.web") / "queries" / f"{name}.rq").read_text("utf-8")
