"""The exceptions backcare-kg raises: one base class and a few families.

Every message says what is wrong, where (file:line, parameter, query line:column) and,
where it can, what to do about it.
"""

from __future__ import annotations

from collections.abc import Sequence


class BackcareError(Exception):
    """Base class of every error this library raises on purpose."""


class DataError(BackcareError):
    """An input file (ontology, data, rules, shapes, user RDF) cannot be read or is malformed."""

    def __init__(self, message: str, path: str | None = None, line: int | None = None) -> None:
        self.path = path
        self.line = line
        where = path if path is not None else ""
        if path is not None and line is not None:
            where = f"{path}:{line}"
        super().__init__(f"{where}: {message}" if where else message)


class ValidationFailed(DataError):
    """The knowledge graph fails one of its checks (SHACL shapes, quotes against the source)."""

    def __init__(self, problems: Sequence[str]) -> None:
        self.problems = list(problems)
        super().__init__(f"{len(self.problems)} problem(s):\n" + "\n".join(self.problems))


class QueryError(BackcareError):
    """A SPARQL query is malformed or cannot be evaluated."""

    def __init__(
        self,
        message: str,
        line: int | None = None,
        column: int | None = None,
        source: str | None = None,
    ) -> None:
        self.line = line
        self.column = column
        self.source = source
        where = source or "query"
        if line is not None:
            where += f":{line}"
            if column is not None:
                where += f":{column}"
        super().__init__(f"{where}: {message}")


class QueryRefused(QueryError):
    """A well-formed request this library will not carry out: SPARQL Update, ``SERVICE``."""


class UnknownQueryError(QueryError):
    """A named query that does not exist was asked for."""

    def __init__(self, name: str, suggestions: Sequence[str], available: Sequence[str]) -> None:
        self.name = name
        self.suggestions = list(suggestions)
        self.available = list(available)
        hint = (
            f"did you mean {', '.join(self.suggestions)}?"
            if self.suggestions
            else f"available: {', '.join(self.available)}"
        )
        BackcareError.__init__(self, f"unknown named query {name!r}: {hint}")
        self.line = self.column = None
        self.source = None


class ParameterError(BackcareError):
    """A parameter of a named query or helper is unknown, missing or of the wrong type."""

    def __init__(self, message: str, parameter: str | None = None,
                 accepted: Sequence[str] = ()) -> None:
        self.parameter = parameter
        self.accepted = list(accepted)
        text = f"parameter {parameter!r}: {message}" if parameter else message
        if self.accepted:
            text += f" (accepted: {', '.join(self.accepted)})"
        super().__init__(text)


class EndpointError(BackcareError):
    """A remote SPARQL endpoint cannot be reached or answers wrongly."""

    def __init__(self, message: str, url: str | None = None, status: int | None = None) -> None:
        self.url = url
        self.status = status
        super().__init__(message)


class EndpointUnreachable(EndpointError):
    """No connection could be made to a remote endpoint (refused, unknown host, timed out)."""


class LoginRefused(EndpointError):
    """A remote endpoint asks for a login, or refuses the one given (HTTP 401 or 403)."""
