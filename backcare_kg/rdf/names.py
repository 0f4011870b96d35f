"""IRIs shortened for people: ``bcr:yoga`` for ``https://w3id.org/backcare-kg/resource/yoga``.

:func:`short_iri` is the one shortener: the CLI's tables, the web pages, the SPARQL results
page, explanations and the term resolver's messages all call it. The longest namespace of
the prefix table that fits wins (no namespace of the tables lies inside another, so it is
also the only one that fits). Callers differ on purpose in three ways, which are its
parameters, so that each output stays as it was:

- the prefix table: the project's (:data:`backcare_kg.vocab.PREFIXES`, the default) or the
  web pages' (:data:`backcare_kg.web.labels.DISPLAY_PREFIXES`, a few more vocabularies);
- which local parts make a prefixed name (``local_name``): any (pages, explanations, the
  resolver), :data:`TABLE_LOCAL_NAME` (the CLI's tables) or :data:`PAGE_LOCAL_NAME` (the
  SPARQL results page); an IRI whose local part does not match is shown whole;
- what stands for an IRI no prefix fits: the IRI itself, or ``<iri>`` (``angle_brackets``,
  the resolver's messages, which read as SPARQL).
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from backcare_kg.vocab import PREFIXES

__all__ = ["short_iri", "TABLE_LOCAL_NAME", "PAGE_LOCAL_NAME"]

#: Local parts of the CLI's tables: a letter or ``_`` first, then word characters, ``-``
#: and ``.``, no ``.`` last; or nothing (the namespace itself becomes ``bcr:``).
TABLE_LOCAL_NAME = re.compile(r"^[A-Za-z_][\w\-.]*(?<!\.)$|^$")
#: Local parts of the SPARQL results page: a letter, digit or ``_`` first, then word
#: characters, ``.`` and ``-``; never empty (the namespace itself is shown whole).
PAGE_LOCAL_NAME = re.compile(r"[A-Za-z0-9_][\w.\-]*\Z")


def short_iri(
    iri: str,
    prefixes: Mapping[str, str] = PREFIXES,
    *,
    local_name: re.Pattern[str] | None = None,
    angle_brackets: bool = False,
) -> str:
    """``iri`` as a prefixed name of ``prefixes`` (``prefix: namespace``), else as is.

    With ``local_name``, only a local part that it matches (``re.match``) makes a prefixed
    name. With ``angle_brackets``, an IRI no prefix fits is written ``<iri>``.
    """
    best, length = "", -1
    for prefix, namespace in prefixes.items():
        if len(namespace) > length and iri.startswith(namespace) and (
            local_name is None or local_name.match(iri[len(namespace):])
        ):
            best, length = prefix, len(namespace)
    if length >= 0:
        return f"{best}:{iri[length:]}"
    return f"<{iri}>" if angle_brackets else iri
