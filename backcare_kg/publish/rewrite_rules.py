"""Content negotiation for hosts that only serve files: Apache ``mod_rewrite`` rules.

The server chooses a document's variant by the ``Accept`` header
(:func:`backcare_kg.server.routes.linked_data.choose`); a static site has one file per variant
(``resource/yoga.html``, ``.ttl``, ``.jsonld``, ``.nt``, ``.rdf``). The rules here choose the
file the way the server chooses the variant, as far as regular expressions over the header
can:

- a media type the client gives full weight (no ``q``, or ``q=1``) beats one of partial
  weight (``0 < q < 1``); within each of the two, the server's order decides (HTML first,
  then Turtle, JSON-LD, N-Triples, RDF/XML, then the aliases it accepts; the VoID
  description puts HTML after the RDF syntaxes); ``*/*`` at full weight gives the first;
- unlike the server, two partial weights are not compared (``application/ld+json;q=0.9,
  text/turtle;q=0.5`` gives Turtle, the server's JSON-LD), ``application/*`` is not read,
  and a header accepting nothing offered gets the default file instead of a 406.

:class:`Rule` is one rule; :func:`rules` the rules of one kind of document, which the
``.htaccess`` templates render twice: as rewrites to the file in the site itself, and as
303 redirects from ``https://w3id.org/backcare-kg/`` to where the site is hosted.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from backcare_kg.web.dataset import NAMED_GRAPHS
from backcare_kg.web.documents import SYNTAXES
from backcare_kg.web.ontology_doc import document

#: Parameters of a media range other than ``q`` (``;profile=…``, ``;charset=…``).
_PARAMS = r"(?:\s*;(?!\s*q\s*=)[^;,]*)*"
#: A weight of 1 (or none).
_FULL = r"(?:\s*;\s*q\s*=\s*1(?:\.0*)?)?"
#: A name that may be a path segment (the ontology's version).
_SEGMENT = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]*\Z")

#: A weight strictly between 0 and 1.
_PARTIAL = r"\s*;\s*q\s*=\s*0?\.\d*[1-9]\d*"


@dataclass(frozen=True)
class Rule:
    """Choose the file ``extension`` when the ``Accept`` header matches ``condition`` (a
    regular expression, case-insensitive; None: always, the last rule)."""

    condition: str | None
    extension: str
    comment: str


@dataclass(frozen=True)
class DocumentKind:
    """Documents negotiated alike: their paths (a regular expression of the path below the
    site's root, without extension) and whether HTML comes first."""

    name: str
    paths: str
    html_first: bool


def ontology_paths() -> list[str]:
    """The paths of the ontology document: ``ontology`` and, if the ontology has a version
    (a plain name), ``ontology/<version>``."""
    version = document().version
    plain = version is not None and _SEGMENT.match(version) is not None
    return ["ontology"] + ([f"ontology/{version}"] if plain else [])


def kinds() -> tuple[DocumentKind, ...]:
    """The negotiated documents: resources, the ontology (and its version), the named graphs
    (HTML first), and the VoID description (RDF first, as on the server)."""
    ontology = "|".join(re.escape(path) for path in ontology_paths())
    graphs = "|".join(re.escape(name) for name in NAMED_GRAPHS)
    return (
        DocumentKind("resources, the ontology and the named graphs",
                     rf"resource/[a-z0-9]+(?:-[a-z0-9]+)*|{ontology}|graph/(?:{graphs})",
                     html_first=True),
        DocumentKind("the VoID/DCAT description", r"\.well-known/void", html_first=False),
    )


def _offered(html_first: bool) -> list[tuple[tuple[str, ...], str]]:
    """``(media types, extension)`` in the server's order of preference: the canonical
    types (HTML first or after the RDF syntaxes), then the aliases, grouped by file."""
    html = [(("text/html",), "html")]
    canonical = [((s.bare_media_type,), s.extension) for s in SYNTAXES]
    aliases = [(s.aliases, s.extension) for s in SYNTAXES if s.aliases]
    return (html + canonical if html_first else canonical + html) + aliases


def _range(media_types: tuple[str, ...], weight: str) -> str:
    alternatives = "|".join(re.escape(m) for m in media_types)
    return rf"(?:^|,)\s*(?:{alternatives}){_PARAMS}{weight}{_PARAMS}\s*(?:,|$)"


def rules(kind: DocumentKind) -> list[Rule]:
    """The rules choosing the file of a document of ``kind``, first match wins."""
    offered = _offered(kind.html_first)
    default = offered[0][1]
    found = [Rule(_range(types, _FULL), extension, f"{', '.join(types)} (full weight)")
             for types, extension in offered]
    found.append(Rule(_range(("*/*",), _FULL), default, "*/* (full weight)"))
    found += [Rule(_range(types, _PARTIAL), extension, f"{', '.join(types)} (partial weight)")
              for types, extension in offered]
    found.append(Rule(None, default, "anything else, or no Accept header"))
    return found
