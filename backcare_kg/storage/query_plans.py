"""The plans file next to a snapshot: what the command line's fast path may run, read once by
rdflib's SPARQL parser on the normal path so that the fast path needs no parser.

It holds the bundled named queries (header, parameters, text) and, for each query the fast
path may run (those named queries and the term resolver's lookups), what the ``oxigraph``
engine reads from it: form, projection, variables. :func:`record` makes it from a loaded
graph; :meth:`QueryPlans.read` takes it back, refusing plans of another format or made by
other code, and :meth:`QueryPlans.named_query` refuses a query whose file changed since.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from backcare_kg.storage import files
from backcare_kg.storage.fingerprint import code_fingerprint
from backcare_kg.version import __version__

if TYPE_CHECKING:
    from backcare_kg.graph import KnowledgeGraph
    from backcare_kg.sparql.named_queries import NamedQuery

FORMAT = 1
# The code that decides what a plan holds and how it is used: a change invalidates plans.
_PLAN_CODE = ("sparql", "storage/query_plans.py", "storage/fast_path.py")


class StalePlans(ValueError):
    """The plans were written in another format or by other code (e.g. before an upgrade)."""


def _code_fingerprint() -> str:
    return f"{FORMAT} {__version__} {code_fingerprint(*_PLAN_CODE)}"


def record(kg: KnowledgeGraph) -> bytes:
    """The plans of the named queries of ``kg`` and of the term resolver's lookups, as JSON."""
    from backcare_kg.sparql.engines import query_plan
    from backcare_kg.sparql.term_resolver import ENGINE_QUERIES

    queries = kg.named_queries
    texts = [q.text for q in queries.values()]
    texts += ENGINE_QUERIES
    plans: dict[str, Any] = {}
    for text in texts:
        plan = query_plan(text, None)
        if plan.service or plan.graphs or plan.kind == "DESCRIBE":
            continue  # the fast path leaves these to the oxigraph engine
        plans[text] = {"kind": plan.kind, "projection": list(plan.projection),
                       "variables": sorted(plan.variables), "assigned": sorted(plan.assigned)}
    data = {
        "format": FORMAT, "code": _code_fingerprint(), "plans": plans,
        "queries": {name: _query_data(q) for name, q in queries.items()},
    }
    return json.dumps(data, ensure_ascii=False, sort_keys=True).encode()


def _query_data(query: NamedQuery) -> dict[str, Any]:
    return {
        "path": str(query.path), "summary": query.summary, "description": query.description,
        "tags": list(query.tags), "text": query.text, "kind": query.kind,
        "parameters": [
            {"name": p.name, "variable": p.variable, "required": p.required, "type": p.type,
             "language": p.language, "cls": None if p.cls is None else str(p.cls),
             "description": p.description, "example": p.example, "default": p.default}
            for p in query.parameters],
    }


class QueryPlans:
    """The plans read back from :func:`record`'s JSON."""

    def __init__(self, plans: Mapping[str, Any], queries: Mapping[str, Any]) -> None:
        self.plans = plans
        self.queries = queries

    @classmethod
    def read(cls, data: bytes) -> QueryPlans:
        """The plans in ``data``; :class:`StalePlans` if of another format or other code,
        ValueError if not plans at all."""
        found = json.loads(data)
        if not isinstance(found, dict) or found.get("format") != FORMAT:
            raise StalePlans("plans of another format")
        if found.get("code") != _code_fingerprint():
            raise StalePlans("plans made by other code")
        return cls(found["plans"], found["queries"])

    def plan(self, sparql: str) -> Mapping[str, Any] | None:
        """What the ``oxigraph`` engine reads from ``sparql``; None if it was not planned."""
        found: Mapping[str, Any] | None = self.plans.get(sparql)
        return found

    def named_query(self, name: str) -> NamedQuery:
        """The bundled named query ``name``, as recorded and still on disk; LookupError
        when it was not recorded, or its file is unreadable or changed since."""
        from rdflib import URIRef

        from backcare_kg.sparql.named_queries import NamedQuery, Parameter

        data = self.queries.get(name)
        path = files.queries_dir() / f"{name}.rq"
        if data is None or data["path"] != str(path):
            raise LookupError(f"no plan for the named query {name!r}")
        try:
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            raise LookupError(str(exc)) from None
        if text != data["text"]:
            raise LookupError(f"the named query {name!r} changed")
        parameters = tuple(
            Parameter(p["name"], p["variable"], p["required"], p["type"], p["language"],
                      None if p["cls"] is None else URIRef(p["cls"]), p["description"],
                      p["example"], p["default"])
            for p in data["parameters"])
        return NamedQuery(name=name, path=path, summary=data["summary"],
                          description=data["description"], tags=tuple(data["tags"]),
                          text=text, parameters=parameters, kind=data["kind"])
