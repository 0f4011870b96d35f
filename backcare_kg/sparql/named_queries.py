"""Named queries: SPARQL files with a grlc-style header, whose parameters are variables.

A named query is a file ``<name>.rq``. Its header is the ``#+ `` comment lines at the top,
holding YAML (grlc's decorators)::

    #+ summary: Activities that improve a capacity
    #+ description: Longer text.
    #+ tags:
    #+   - activities
    #+ defaults:
    #+   - phase: chronic-phase
    #+ params:
    #+   capacity:
    #+     class: bc:PhysicalCapacity
    #+     description: The capacity to improve.
    #+     example: balance

``params`` is our extension: per parameter, the class its value must be an instance of
(for IRI parameters), a description and an example.

Parameters are the query's variables ``?_name`` (required) and ``?__name`` (optional), with
an optional type suffix: ``_iri`` (resolved by the :class:`~.term_resolver.TermResolver`:
slug, label, prefixed name or IRI), ``_integer``, ``_decimal``, ``_boolean``, ``_date``
(also ``_xsd_integer`` …), ``_string`` or ``_literal`` or none (a plain literal), or a
two-letter language code (``_en``: a literal in that language). The public name drops the
underscores and the suffix: ``?_capacity_iri`` is the required IRI parameter ``capacity``.
Names cannot contain ``_``. A value is bound as an RDF term, never pasted into the text; an
optional parameter left out stays a free variable, unless the header gives it a default.
"""

from __future__ import annotations

import datetime as dt
import difflib
import math
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from os import PathLike
from pathlib import Path
from typing import Any

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.term import Node

from backcare_kg.errors import DataError, ParameterError, UnknownQueryError
from backcare_kg.rdf.names import short_iri
from backcare_kg.sparql.results import QueryKind
from backcare_kg.sparql.term_resolver import TermResolver
from backcare_kg.vocab import PREFIXES

__all__ = ["Parameter", "NamedQuery", "load_named_queries", "find"]

HEADER_KEYS = ("summary", "description", "tags", "defaults", "params")
PARAM_KEYS = ("class", "description", "example")
TYPES = ("iri", "string", "integer", "decimal", "boolean", "date")
_SUFFIXES = {"iri": "iri", "string": "string", "literal": "string", "integer": "integer",
             "decimal": "decimal", "boolean": "boolean", "date": "date"}
_INTEGER = re.compile(r"[+-]?[0-9]+\Z")
_DECIMAL = re.compile(r"[+-]?([0-9]+(\.[0-9]*)?|\.[0-9]+)\Z")
_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}\Z")
_BOOLEANS = {"true": True, "false": False, "1": True, "0": False}


@dataclass(frozen=True)
class Parameter:
    """One parameter of a named query, read from a variable ``?_name_type``.

    ``variable`` is the variable's name without ``?``; ``type`` is one of :data:`TYPES`;
    ``language`` is set for language-tagged string parameters; ``cls`` is the class an IRI
    value must be an instance of; ``default`` is the header's default value, as text.
    """

    name: str
    variable: str
    required: bool
    type: str
    language: str | None = None
    cls: URIRef | None = None
    description: str | None = None
    example: str | None = None
    default: str | None = None

    def term(self, value: Any, resolver: TermResolver) -> Node:
        """``value`` as the RDF term this parameter binds; ParameterError if ill-typed."""
        if self.type == "iri":
            if isinstance(value, URIRef):
                return value
            if isinstance(value, str) and not isinstance(value, BNode):
                return resolver.resolve(str(value), self.cls, parameter=self.name)
            raise self._error(value, "an IRI, a slug or a label")
        if isinstance(value, (URIRef, BNode)):
            raise self._error(value, "a literal value")
        if isinstance(value, Literal):
            value = str(value)
        if self.type == "string":
            if not isinstance(value, str):
                raise self._error(value, "text")
            return Literal(value, lang=self.language)
        if self.type == "integer":
            if isinstance(value, int) and not isinstance(value, bool):
                return Literal(value)
            if isinstance(value, str) and _INTEGER.match(value.strip()):
                return Literal(int(value.strip()))
            raise self._error(value, "an integer")
        if self.type == "decimal":
            if isinstance(value, (int, Decimal)) and not isinstance(value, bool):
                return Literal(Decimal(value))
            if isinstance(value, float) and math.isfinite(value):
                return Literal(Decimal(repr(value)))
            if isinstance(value, str) and _DECIMAL.match(value.strip()):
                return Literal(Decimal(value.strip()))
            raise self._error(value, "a decimal number")
        if self.type == "boolean":
            if isinstance(value, bool):
                return Literal(value)
            if isinstance(value, str) and value.strip().lower() in _BOOLEANS:
                return Literal(_BOOLEANS[value.strip().lower()])
            raise self._error(value, "true or false")
        if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
            return Literal(value)
        if isinstance(value, str) and _DATE.match(value.strip()):
            try:
                return Literal(dt.date.fromisoformat(value.strip()))
            except ValueError:
                pass
        raise self._error(value, "a date (YYYY-MM-DD)")

    def _error(self, value: Any, expected: str) -> ParameterError:
        return ParameterError(f"expected {expected}, got {value!r}", self.name)

    def to_dict(self) -> dict[str, Any]:
        """The parameter as plain data (for listings and an OpenAPI description)."""
        cls = short_iri(str(self.cls), angle_brackets=True) if self.cls else None
        return {
            "name": self.name, "required": self.required, "type": self.type,
            "language": self.language, "class": cls,
            "description": self.description, "example": self.example, "default": self.default,
        }


@dataclass(frozen=True)
class NamedQuery:
    """A named query: its file, header metadata, SPARQL text, form and parameters."""

    name: str
    path: Path
    summary: str
    description: str
    tags: tuple[str, ...]
    text: str
    parameters: tuple[Parameter, ...]
    kind: QueryKind

    def parameter(self, name: str) -> Parameter:
        """The parameter called ``name``; ParameterError listing the names if none is."""
        for p in self.parameters:
            if p.name == name:
                return p
        raise ParameterError(f"not a parameter of the named query {self.name!r}", name,
                             [p.name for p in self.parameters])

    def bind(self, params: Mapping[str, Any], resolver: TermResolver) -> dict[str, Node]:
        """The variable bindings for ``params`` (public name → value); ``None`` = not given.

        Raises :class:`~backcare_kg.errors.ParameterError` for an unknown parameter, a
        missing required one, or a value that is ill-typed or resolves to nothing.
        """
        for key in params:
            self.parameter(key)
        bindings: dict[str, Node] = {}
        for p in self.parameters:
            value = params.get(p.name)
            if value is None:
                value = p.default
            if value is None:
                if p.required:
                    raise ParameterError(f"required by the named query {self.name!r}",
                                         p.name, [q.name for q in self.parameters])
                continue
            bindings[p.variable] = p.term(value, resolver)
        return bindings

    def to_dict(self) -> dict[str, Any]:
        """The query's description as plain data (for listings and an OpenAPI description)."""
        return {
            "name": self.name, "summary": self.summary, "description": self.description,
            "tags": list(self.tags), "kind": self.kind,
            "parameters": [p.to_dict() for p in self.parameters],
        }


def load_named_queries(paths: Iterable[str | PathLike[str]]) -> dict[str, NamedQuery]:
    """The named queries in ``paths`` (``.rq`` files, or directories of them), by name.

    Raises :class:`~backcare_kg.errors.DataError` (file:line) for an unreadable file, a
    malformed header or parameter, and :class:`~backcare_kg.errors.QueryError` (with the
    file as source, line and column in the file) for a SPARQL syntax error.
    """
    files: list[Path] = []
    for p in paths:
        path = Path(p)
        files.extend(sorted(path.glob("*.rq")) if path.is_dir() else [path])
    queries: dict[str, NamedQuery] = {}
    for path in files:
        query = _load(path)
        if query.name in queries:
            raise DataError(f"the named query {query.name!r} is also defined in "
                            f"{queries[query.name].path}", str(path))
        queries[query.name] = query
    return dict(sorted(queries.items()))


def find(queries: Mapping[str, NamedQuery], name: str) -> NamedQuery:
    """The named query ``name``; UnknownQueryError with the closest names otherwise."""
    if name in queries:
        return queries[name]
    available = sorted(queries)
    suggestions = difflib.get_close_matches(name, available, n=3, cutoff=0.6)
    raise UnknownQueryError(name, suggestions, available)


# -- reading a file ---------------------------------------------------------------------------


def _load(path: Path) -> NamedQuery:
    from backcare_kg.sparql.preparation import (
        assigned_variables,
        prepare,
        query_kind,
        query_variables,
    )

    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as err:
        raise DataError(f"cannot read the named query: {err}", str(path)) from err
    header = _Header(path, text)
    query = prepare(text, source=str(path))
    assigned = assigned_variables(query)
    parameters: dict[str, Parameter] = {}
    # Comment lines blanked (same length): a header may mention a variable.
    code = re.sub(r"(?m)^[ \t]*#.*$", lambda m: " " * len(m.group()), text)
    for variable in sorted(query_variables(query), key=lambda v: _first_use(code, v)):
        if not variable.startswith("_"):
            continue
        line = code.count("\n", 0, _first_use(code, variable)) + 1
        param = _parameter(variable, path, line)
        if variable in assigned:
            raise DataError(f"?{variable} is assigned by the query (BIND or AS) and cannot be "
                            "a parameter", str(path), line)
        if param.name in parameters:
            raise DataError(f"?{variable} and ?{parameters[param.name].variable} are both the "
                            f"parameter {param.name!r}", str(path), line)
        parameters[param.name] = param
    return NamedQuery(
        name=path.stem, path=path, summary=header.text("summary"),
        description=header.text("description"), tags=header.tags(), text=text,
        parameters=header.complete(parameters), kind=query_kind(query),
    )


def _first_use(text: str, variable: str) -> int:
    match = re.search(r"[?$]" + re.escape(variable) + r"(?![\w\u00b7])", text)
    return match.start() if match else len(text)


def _parameter(variable: str, path: Path, line: int) -> Parameter:
    required = not variable.startswith("__")
    name, *suffix = variable.lstrip("_").split("_")
    where = (str(path), line)
    if variable.startswith("___") or not name:
        raise DataError(f"?{variable} is not a parameter name: use ?_name or ?__name", *where)
    if suffix[:1] == ["xsd"] and len(suffix) == 2 and suffix[1] in _SUFFIXES:
        suffix = suffix[1:]
    if not suffix:
        return Parameter(name, variable, required, "string")
    if len(suffix) == 1 and suffix[0] in _SUFFIXES:
        return Parameter(name, variable, required, _SUFFIXES[suffix[0]])
    if len(suffix) == 1 and re.fullmatch(r"[a-z]{2}", suffix[0]):
        return Parameter(name, variable, required, "string", language=suffix[0])
    raise DataError(f"?{variable}: unknown type suffix '_{'_'.join(suffix)}' (parameter names "
                    f"cannot contain '_'; types: {', '.join(_SUFFIXES)} or a language code)",
                    *where)


class _Header:
    """The YAML in the ``#+`` lines at the top of a query file, checked."""

    def __init__(self, path: Path, text: str) -> None:
        self.path = path
        self.lines: list[tuple[int, str]] = []
        in_header = True
        for number, line in enumerate(text.splitlines(), start=1):
            if line.startswith("#+"):
                if not in_header:
                    raise DataError("a '#+' header line after the query text; move it to "
                                    "the top", str(path), number)
                content = line[2:]
                self.lines.append((number, content[1:] if content.startswith(" ") else content))
            elif line.strip() and not line.lstrip().startswith("#"):
                in_header = False
        source = "\n".join(content for _, content in self.lines)
        import yaml  # only when reading query files: not on the command line's fast path

        try:
            data = yaml.safe_load(source) if source.strip() else {}
        except yaml.YAMLError as err:
            mark = getattr(err, "problem_mark", None)
            index = min(mark.line, len(self.lines) - 1) if mark is not None else 0
            problem = getattr(err, "problem", None) or str(err).splitlines()[0]
            raise DataError(f"malformed header: {problem}", str(path),
                            self.lines[index][0]) from err
        if not isinstance(data, dict):
            raise self.error("the header must be a mapping of 'key: value' lines")
        for key in data:
            if key not in HEADER_KEYS:
                raise self.error(f"unknown header key {key!r} (known: {', '.join(HEADER_KEYS)})",
                                 str(key))
        self.data: dict[str, Any] = data

    def error(self, message: str, key: str | None = None) -> DataError:
        line = self.lines[0][0] if self.lines else None
        if key is not None:
            pattern = re.compile(r"\s*(-\s*)?" + re.escape(key) + r"\s*:")
            line = next((n for n, content in self.lines if pattern.match(content)), line)
        return DataError(message, str(self.path), line)

    def text(self, key: str) -> str:
        value = self.data.get(key)
        if value is None:
            return ""
        if not isinstance(value, str):
            raise self.error(f"{key} must be text", key)
        return value.strip()

    def tags(self) -> tuple[str, ...]:
        tags = self.data.get("tags") or []
        if not isinstance(tags, list) or not all(isinstance(t, str) for t in tags):
            raise self.error("tags must be a list of names ('#+   - name' lines)", "tags")
        return tuple(tags)

    def complete(self, parameters: dict[str, Parameter]) -> tuple[Parameter, ...]:
        """The parameters with the header's ``params`` details and ``defaults``."""
        details = self.data.get("params") or {}
        if not isinstance(details, dict):
            raise self.error("params must map parameter names to their details", "params")
        defaults = self._defaults()
        for name in [*details, *defaults]:
            if name not in parameters:
                raise self.error(f"{name!r} is not a parameter of the query (parameters: "
                                 f"{', '.join(parameters) or 'none'})", str(name))
        done: list[Parameter] = []
        for name, param in parameters.items():
            info = details.get(name) or {}
            if not isinstance(info, dict) or any(k not in PARAM_KEYS for k in info):
                raise self.error(f"params.{name} takes only {', '.join(PARAM_KEYS)}", name)
            cls = self._class(name, info.get("class"), param)
            described = info.get("description")
            example = info.get("example")
            default = defaults.get(name)
            full = Parameter(
                param.name, param.variable, param.required, param.type, param.language, cls,
                None if described is None else str(described).strip(),
                self._scalar(example, f"params.{name}.example", name),
                self._scalar(default, f"the default of {name}", name),
            )
            if full.default is not None and full.type != "iri":
                try:
                    full.term(full.default, TermResolver(Graph()))
                except ParameterError as err:
                    raise self.error(f"bad default: {err}", name) from None
            done.append(full)
        return tuple(done)

    def _scalar(self, value: Any, what: str, name: str) -> str | None:
        if value is None:
            return None
        if isinstance(value, bool):
            return "true" if value else "false"
        if isinstance(value, (dt.date, dt.datetime)):
            return value.isoformat()
        if isinstance(value, (dict, list)):
            raise self.error(f"{what} must be a single value", name)
        return str(value)

    def _defaults(self) -> dict[str, Any]:
        raw = self.data.get("defaults") or []
        items = raw if isinstance(raw, list) else [raw]
        defaults: dict[str, Any] = {}
        for item in items:
            if not isinstance(item, dict):
                raise self.error("defaults must be '- name: value' lines", "defaults")
            defaults.update(item)
        return defaults

    def _class(self, name: str, value: Any, param: Parameter) -> URIRef | None:
        if value is None:
            return None
        if param.type != "iri":
            raise self.error(f"params.{name}.class applies to IRI parameters only", name)
        text = str(value).strip()
        prefix, sep, local = text.partition(":")
        if text.startswith("<") and text.endswith(">"):
            return URIRef(text[1:-1])
        if not sep or prefix not in PREFIXES:
            raise self.error(f"params.{name}.class {text!r} is not a prefixed name with a "
                             "known prefix", name)
        return URIRef(PREFIXES[prefix] + local)

