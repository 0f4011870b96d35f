"""Helpers of the static-site tests: the Accept headers a published site is negotiated
with, the variant ``backcare-kg serve`` would answer for each, the files of a site, and
the temporary directories a publish may leave beside it."""

from __future__ import annotations

from pathlib import Path

from backcare_kg.server.negotiation import best_media_type
from backcare_kg.web.documents import HTML, SYNTAXES, offered_media_types
from backcare_kg.web.documents import syntax_for_media_type as syntax_of

#: Accept headers of real clients, and cases of weights and aliases.
ACCEPT_HEADERS = [
    None, "*/*", "text/html",
    "text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,*/*;q=0.8",
    "text/turtle", "application/ld+json", "application/n-triples", "application/rdf+xml",
    "text/turtle, application/x-turtle, */*;q=0.1",  # rdflib, format turtle
    "application/rdf+xml, */*;q=0.1", "text/plain, */*;q=0.1",  # rdflib, xml and nt
    "application/json", "text/xml, text/html;q=0.9", "TEXT/TURTLE",
    'application/ld+json;profile="http://www.w3.org/ns/json-ld#compacted"',
    "text/html;q=0.5, text/turtle", "text/turtle; q=0.5, application/ld+json",
    "text/turtle;q=0.9, application/ld+json;q=0.5", "*/*, application/ld+json;q=0.5",
    "application/n-triples; q=1.0, text/html;q=0.2", "text/turtle;q=0, application/rdf+xml",
]


def files_of(root: Path) -> set[str]:
    return {p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_file()}


def leftovers(target: Path) -> list[str]:
    """Temporary directories a publish left beside ``target``."""
    return [p.name for p in target.parent.iterdir() if p.name.startswith(f".{target.name}.")]


def server_choice(accept: str | None, html_first: bool) -> str | None:
    """The variant ``backcare-kg serve`` answers with (as ``linked_data.choose``)."""
    offered = offered_media_types(html=True)
    if not html_first:
        offered = [*offered[1:1 + len(SYNTAXES)], HTML, *offered[1 + len(SYNTAXES):]]
    chosen = best_media_type(accept, offered)
    syntax = syntax_of(chosen) if chosen and chosen != HTML else None
    return "html" if chosen == HTML else syntax.extension if syntax else None
