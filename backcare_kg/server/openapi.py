"""The OpenAPI 3.1 description of the named-query API, generated from the queries' headers.

Each named query (``queries/*.rq``, grlc's ``#+ summary``, ``#+ description``, ``#+ tags``
and our ``#+ params``) becomes one ``GET /queries/{name}`` operation: its parameters with
their types, whether they are required, their class, description, example and default; its
answers in the result formats of its query form (:func:`~backcare_kg.sparql.results.formats_for`);
and the errors every query can meet (400, 404, 406, 413, 500, 503).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from rdflib import URIRef

from backcare_kg.rdf.names import short_iri
from backcare_kg.sparql.named_queries import NamedQuery, Parameter
from backcare_kg.sparql.results import formats_for
from backcare_kg.version import __version__

#: The query parameter that names a result format instead of the ``Accept`` header.
FORMAT_PARAMETER = "format"

#: JSON Schema of each parameter type (query strings carry text; the server parses it).
_SCHEMAS: dict[str, dict[str, Any]] = {
    "iri": {"type": "string", "minLength": 1},
    "string": {"type": "string"},
    "integer": {"type": "integer"},
    "decimal": {"type": "number"},
    "boolean": {"type": "boolean"},
    "date": {"type": "string", "format": "date"},
}

_IRI_FORMS = ("a slug (`balance`), a prefixed name (`bcr:balance`), a full IRI, or an English "
              "or Spanish label (`equilibrio`)")

_ERRORS: dict[str, tuple[str, str]] = {
    "BadRequest": ("400", "A parameter is unknown, missing, ill-typed or names nothing in the "
                          "graph; the message names it and lists what it accepts."),
    "NotFound": ("404", "No named query has this name; the message suggests the closest."),
    "NotAcceptable": ("406", "None of the media types in `Accept` fits this query's results; "
                             "the message lists those offered."),
    "TooLarge": ("413", "The answer is larger than this server's result limit."),
    "InternalError": ("500", "The query worker failed; the server's log has the details."),
    "Unavailable": ("503", "The query ran past this server's time limit and was stopped, or "
                           "every query worker stayed busy; try again later."),
}

#: Turns a class into the names of its instances (for the examples of an IRI parameter).
Instances = Callable[[URIRef], list[str]]


def openapi_document(queries: Mapping[str, NamedQuery], instances: Instances | None = None,
                     server_url: str | None = None) -> dict[str, Any]:
    """The OpenAPI 3.1 document of ``queries``: one ``GET`` operation per query.

    ``instances`` gives the known values of a class-restricted IRI parameter (listed as
    examples); ``server_url`` is where the API answers (a relative ``/`` if not given).
    """
    tags = sorted({tag for q in queries.values() for tag in q.tags})
    paths: dict[str, Any] = {"/queries": {"get": _listing_operation()}}
    for query in queries.values():
        paths[f"/queries/{query.name}"] = {"get": operation(query, instances)}
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "backcare-kg named queries",
            "version": __version__,
            "summary": "Named SPARQL queries over a knowledge graph about exercise for back "
                       "pain, as an HTTP API.",
            "description": (
                "Each operation runs one named query of backcare-kg (a SPARQL file with a "
                "grlc-style header) over the inferred graph. Parameter values are bound as "
                "RDF terms, never pasted into the query text. Answers come in the format "
                "asked for by `Accept` (with q-values) or by the `format` parameter.\n\n"
                "The graph holds information from a news article (expert opinion), not "
                "medical advice."),
            "license": {"name": "CC BY 4.0 (the data and queries)",
                        "identifier": "CC-BY-4.0"},
        },
        "servers": [{"url": server_url or "/"}],
        "tags": [{"name": tag} for tag in tags],
        "paths": paths,
        "components": {"schemas": _schemas(), "responses": _error_responses()},
    }


def operation(query: NamedQuery, instances: Instances | None = None) -> dict[str, Any]:
    """The OpenAPI operation running ``query``."""
    description = query.description or query.summary
    description += (f"\n\nA SPARQL {query.kind} query:\n\n```sparql\n{query_body(query.text)}"
                    "\n```")
    op: dict[str, Any] = {
        "operationId": query.name,
        "summary": query.summary or query.name,
        "description": description,
        "parameters": [parameter(p, instances) for p in query.parameters]
        + [_format_parameter(query)],
        "responses": {
            "200": {"description": f"The {query.kind} result.", "content": _content(query)},
            **{status: {"$ref": f"#/components/responses/{name}"}
               for name, (status, _) in _ERRORS.items()},
        },
    }
    if query.tags:
        op["tags"] = list(query.tags)
    return op


def query_body(text: str) -> str:
    """A named query's SPARQL text without its ``#+`` header (which the description gives)."""
    return "\n".join(line for line in text.splitlines() if not line.startswith("#+")).strip()


def parameter(param: Parameter, instances: Instances | None = None) -> dict[str, Any]:
    """The OpenAPI parameter object of a named query's parameter."""
    schema = dict(_SCHEMAS[param.type])
    text = [param.description.rstrip(".") + "." if param.description else ""]
    if param.type == "iri":
        text.append(f"Give {_IRI_FORMS}.")
        if param.cls is not None:
            text.append(f"An instance of `{short_iri(str(param.cls), angle_brackets=True)}`.")
            known = instances(param.cls) if instances is not None else []
            if known:
                schema["examples"] = known
    elif param.language:
        text.append(f"Text, bound as a literal in the language `{param.language}`.")
    if param.default is not None:
        schema["default"] = _typed(param.type, param.default)
        text.append(f"Default: `{param.default}`.")
    if not param.required:
        text.append("Optional: an empty value is the same as leaving it out.")
    result: dict[str, Any] = {
        "name": param.name, "in": "query", "required": param.required,
        "description": " ".join(t for t in text if t), "schema": schema,
    }
    if param.example is not None:
        result["example"] = _typed(param.type, param.example)
    if param.cls is not None:
        result["x-rdf-class"] = str(param.cls)
    return result


def _typed(kind: str, text: str) -> Any:
    if kind == "integer":
        return int(text)
    if kind == "decimal":
        return float(text)
    if kind == "boolean":
        return text.strip().lower() in ("true", "1")
    return text


def _format_parameter(query: NamedQuery) -> dict[str, Any]:
    names = list(formats_for(query.kind))
    return {
        "name": FORMAT_PARAMETER, "in": "query", "required": False,
        "description": "The result format, instead of content negotiation by `Accept` "
                       f"(one of {', '.join(names)}).",
        "schema": {"type": "string", "enum": names},
    }


def _content(query: NamedQuery) -> dict[str, Any]:
    content: dict[str, Any] = {}
    for fmt in formats_for(query.kind).values():
        media_type = fmt.media_type.split(";")[0]
        if media_type == "application/sparql-results+json":
            content[media_type] = {"schema": {"$ref": "#/components/schemas/SparqlResults"}}
        elif media_type == "application/ld+json":
            content[media_type] = {"schema": {"type": ["object", "array"]}}
        else:
            content[media_type] = {"schema": {"type": "string"}}
    return content


def _listing_operation() -> dict[str, Any]:
    return {
        "operationId": "listQueries",
        "summary": "The named queries, with their parameters and SPARQL text.",
        "responses": {"200": {
            "description": "The named queries.",
            "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Listing"}},
                        "text/html": {"schema": {"type": "string"}}},
        }},
    }


def _error_responses() -> dict[str, Any]:
    responses: dict[str, Any] = {}
    for name, (status, text) in _ERRORS.items():
        response: dict[str, Any] = {
            "description": text,
            "content": {"text/plain": {"schema": {"type": "string"}}},
        }
        if status == "503":
            response["headers"] = {"Retry-After": {
                "description": "Seconds to wait before trying again.",
                "schema": {"type": "integer"}}}
        responses[name] = response
    return responses


def _schemas() -> dict[str, Any]:
    term = {
        "type": "object", "required": ["type", "value"],
        "properties": {
            "type": {"enum": ["uri", "literal", "bnode"]},
            "value": {"type": "string"},
            "xml:lang": {"type": "string"},
            "datatype": {"type": "string"},
        },
    }
    results = {
        "description": "SPARQL 1.1 Query Results JSON Format.",
        "type": "object", "required": ["head"],
        "properties": {
            "head": {"type": "object", "properties": {
                "vars": {"type": "array", "items": {"type": "string"}}}},
            "results": {"type": "object", "properties": {"bindings": {
                "type": "array",
                "items": {"type": "object",
                          "additionalProperties": {"$ref": "#/components/schemas/RDFTerm"}},
            }}},
            "boolean": {"type": "boolean"},
        },
    }
    param = {
        "type": "object", "required": ["name", "required", "type"],
        "properties": {
            "name": {"type": "string"}, "required": {"type": "boolean"},
            "type": {"enum": sorted(_SCHEMAS)}, "language": {"type": ["string", "null"]},
            "class": {"type": ["string", "null"]},
            "description": {"type": ["string", "null"]},
            "example": {"type": ["string", "null"]}, "default": {"type": ["string", "null"]},
            "values": {"type": "array", "items": {"type": "string"}},
        },
    }
    query = {
        "type": "object", "required": ["name", "summary", "kind", "parameters", "sparql"],
        "properties": {
            "name": {"type": "string"}, "summary": {"type": "string"},
            "description": {"type": "string"},
            "tags": {"type": "array", "items": {"type": "string"}},
            "kind": {"enum": ["SELECT", "ASK", "CONSTRUCT", "DESCRIBE"]},
            "parameters": {"type": "array", "items": {"$ref": "#/components/schemas/Parameter"}},
            "formats": {"type": "array", "items": {"type": "string"}},
            "sparql": {"type": "string"},
            "links": {"type": "object", "additionalProperties": {"type": "string"}},
        },
    }
    listing = {
        "type": "object", "required": ["queries"],
        "properties": {
            "queries": {"type": "array", "items": {"$ref": "#/components/schemas/NamedQuery"}},
            "openapi": {"type": "string"},
        },
    }
    return {"RDFTerm": term, "SparqlResults": results, "Parameter": param,
            "NamedQuery": query, "Listing": listing}
