"""RDF file formats by file suffix: the one table, for rdflib's parsers and pyoxigraph's.

Loading (rdflib) and the bulk path (pyoxigraph) accept the same files and refuse the same
others with the same message.
"""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox

from backcare_kg.errors import DataError

#: rdflib parser names by file suffix (lower case).
FORMATS: dict[str, str] = {
    ".ttl": "turtle",
    ".nt": "nt",
    ".nq": "nquads",
    ".trig": "trig",
    ".jsonld": "json-ld",
    ".json": "json-ld",
    ".rdf": "xml",
    ".owl": "xml",
    ".xml": "xml",
    ".n3": "n3",
}

#: pyoxigraph's format for each rdflib parser name of :data:`FORMATS`.
OXIGRAPH_FORMATS: dict[str, ox.RdfFormat] = {
    "turtle": ox.RdfFormat.TURTLE,
    "nt": ox.RdfFormat.N_TRIPLES,
    "nquads": ox.RdfFormat.N_QUADS,
    "trig": ox.RdfFormat.TRIG,
    "json-ld": ox.RdfFormat.JSON_LD,
    "xml": ox.RdfFormat.RDF_XML,
    "n3": ox.RdfFormat.N3,
}


def format_for(path: Path) -> str:
    """The rdflib parser name for ``path``, from its suffix; DataError if unknown."""
    fmt = FORMATS.get(path.suffix.lower())
    if fmt is None:
        accepted = ", ".join(sorted(FORMATS))
        raise DataError(
            f"unknown RDF file extension {path.suffix or '(none)'!r}; accepted: {accepted}",
            path=str(path),
        )
    return fmt


def oxigraph_format_for(path: Path) -> ox.RdfFormat:
    """pyoxigraph's format for ``path``, from its suffix; DataError if unknown."""
    return OXIGRAPH_FORMATS[format_for(path)]
