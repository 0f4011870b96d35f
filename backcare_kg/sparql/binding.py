"""Values bound to the variables of a query, as RDF terms (no SPARQL parser needed)."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from rdflib import BNode, Literal, URIRef
from rdflib.term import Identifier

from backcare_kg.errors import ParameterError

__all__ = ["as_term", "bind_terms"]

_VARNAME = re.compile(r"[?$]?([A-Za-z0-9_\u00b7\u00c0-\uffff]+)\Z")


def as_term(value: Any) -> Identifier:
    """``value`` as an RDF term: terms unchanged, Python values as typed literals.

    A ``str`` becomes a plain literal, never an IRI: pass a ``URIRef`` for an IRI.
    """
    if isinstance(value, (URIRef, Literal, BNode)):
        return value
    if isinstance(value, Identifier):
        raise TypeError(f"a {type(value).__name__} cannot be bound: give a value")
    if isinstance(value, str):
        return Literal(value)
    if isinstance(value, bool):
        return Literal(value)
    if isinstance(value, (int, float, Decimal)):
        return Literal(value)
    if isinstance(value, (dt.datetime, dt.date)):
        return Literal(value)
    raise TypeError(f"a {type(value).__name__} value cannot be an RDF term")


def bind_terms(
    bindings: Mapping[str, Any], variables: set[str], assigned: set[str]
) -> dict[str, Identifier]:
    """``bindings`` as RDF terms by variable name (without ``?``), checked against a query.

    ``variables`` and ``assigned`` are the query's :func:`query_variables` and
    :func:`assigned_variables`. Raises :class:`ParameterError` for a key that names no
    variable, an assigned variable, a variable bound twice or a value that is no term.
    """
    accepted = [f"?{v}" for v in sorted(variables)]
    init: dict[str, Identifier] = {}
    for key, value in bindings.items():
        match = _VARNAME.match(key) if isinstance(key, str) else None
        name = match.group(1) if match else str(key)
        if name not in variables:
            raise ParameterError("not a variable of the query", name, accepted)
        if name in assigned:
            raise ParameterError("the query assigns this variable (BIND or AS); it cannot be "
                                 "bound", name)
        if name in init:
            raise ParameterError("bound twice", name)
        try:
            init[name] = as_term(value)
        except TypeError as err:
            raise ParameterError(str(err), name) from None
    return init
