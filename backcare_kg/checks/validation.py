"""Check the bundled files: syntax, shapes, quotes, licenses, rules and support levels.

:func:`validate_bundle` returns one line per problem, ``"<file>:<line>: <message>"``, the
file relative to the bundle root and the line where the offending resource first appears
in it, so an editor can jump there. The families of checks:

1. syntax: every Turtle file of ``ontology/`` and ``data/`` (each parsed alone, so every
   broken file is reported) and every SPARQL file of ``ontology/rules/`` and ``queries/``;
   each rule's header too (its claim and its ``#+ kind:``,
   :func:`~backcare_kg.reasoning.rules.load_rule`);
2. SHACL: the asserted graph (ontology and data, no inference) against
   ``ontology/shapes.ttl``;
3. quotes: each claim's and editorial reading's quote, its Web Annotation selectors and its
   sentences against the source text, character for character (:mod:`.quotes`);
4. licenses: each asserted statement about a resource of ours rests on a claim or an
   editorial reading (:mod:`.licenses`);
5. support levels: the reasoner runs on the asserted graph and the rules, and its support
   graph must give every statement one level (:mod:`.support`).

This module runs the checks and places each problem at its file and line.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import NamedTuple

from pyparsing import ParseBaseException
from pyshacl import validate as shacl_validate
from rdflib import BNode, Graph, Literal, Namespace, URIRef
from rdflib.namespace import NamespaceManager
from rdflib.plugins.sparql import prepareQuery
from rdflib.term import Node

from backcare_kg.checks.findings import Finding
from backcare_kg.checks.licenses import check_licenses
from backcare_kg.checks.quotes import check_quotes, shorten
from backcare_kg.checks.support import check_asserted_levels, check_support, editorial_of
from backcare_kg.errors import DataError
from backcare_kg.reasoning.materialize import infer
from backcare_kg.reasoning.reasoner_registry import DEFAULT_REASONER
from backcare_kg.reasoning.rules import Rule, load_rule
from backcare_kg.storage import files
from backcare_kg.storage.loading import parse_file
from backcare_kg.vocab import PREFIXES

SH = Namespace("http://www.w3.org/ns/shacl#")

_PREFIX_DECL = re.compile(
    r"^\s*(?:@prefix|PREFIX)\s+([A-Za-z][\w.-]*)?:\s*<([^>]*)>", re.IGNORECASE | re.MULTILINE
)
_SIMPLE_LOCAL = re.compile(r"^[\w-]+(?:\.[\w-]+)*$")
_UNKNOWN_PREFIX = re.compile(r"Unknown namespace prefix : (\S+)")


class Problem(NamedTuple):
    """One problem found in a bundle file, at a line of that file."""

    path: str
    line: int
    message: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.message}"


def validate_bundle(
    extra: Sequence[Path] = (), *, root: Path | None = None, reasoner: str = DEFAULT_REASONER
) -> list[str]:
    """Problems with the bundle under ``root`` (default: the bundled files), one a line.

    Each problem reads ``"<file>:<line>: <message>"``, the file relative to ``root``. The
    RDF files in ``extra`` join the asserted graph and are checked with it (a user's own
    statements need licenses only about resources of ours, under ``bcr:``). ``reasoner``
    names the OWL 2 RL engine whose support levels are checked. An empty list means every
    file parses, every rule has its header, the asserted graph conforms to the shapes,
    every quote matches the source text, every statement about a resource of ours is
    licensed, and the support graph gives every statement one level.
    """
    base = (root if root is not None else files.bundled_root()).resolve()
    found = check_bundle(base, [Path(p) for p in extra], reasoner=reasoner)
    return [str(p) for p in _unique(found)]


def check_bundle(
    root: Path, extra: Sequence[Path] = (), *, reasoner: str = DEFAULT_REASONER
) -> list[Problem]:
    """The problems of the bundle under ``root`` as :class:`Problem` records."""
    bundle = _Bundle(root)
    problems: list[Problem] = []
    graphs: dict[Path, Graph] = {}
    broken = False
    for path in [*_asserted_files(root), *extra]:
        parsed = bundle.parse(path)
        if isinstance(parsed, Problem):
            problems.append(parsed)
            broken = True
        else:
            graphs[path] = parsed
    shapes = bundle.parse(root / "ontology" / "shapes.ttl")
    if isinstance(shapes, Problem):
        problems.append(shapes)
    for path in _sparql_files(root):
        problem = check_sparql(path, bundle.rel(path))
        if problem is not None:
            problems.append(problem)
    rules = _rules(bundle, _rule_files(root), problems)
    problems = _sorted(problems)
    if broken:  # a partial graph would only add noise: fix the syntax first
        return problems
    bundle.graphs = graphs
    data = Graph()
    for graph in graphs.values():
        data += graph
    if isinstance(shapes, Graph):
        problems.extend(_sorted(_check_shapes(bundle, data, shapes)))
    problems.extend(bundle.place(check_quotes(data, bundle.root, bundle.name)))
    theirs = _theirs(graphs, extra)
    problems.extend(bundle.place(check_licenses(data, bundle.name, theirs)))
    problems.extend(bundle.place(check_asserted_levels(data)))
    if rules is not None:
        problems.extend(_check_inference(bundle, data, rules, reasoner))
    return problems


def check_sparql(path: Path, name: str) -> Problem | None:
    """A problem if the SPARQL file at ``path`` does not parse (line and column in it)."""
    try:
        text = path.read_bytes().decode("utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        return Problem(name, 1, f"cannot read SPARQL file: {exc}")
    error = _sparql_error(text)
    return Problem(name, *error) if error is not None else None


@lru_cache(maxsize=512)
def _sparql_error(text: str) -> tuple[int, str] | None:
    """The line and message of the first error in a SPARQL query, or None if it parses.

    Cached by text: parsing takes tens of milliseconds a query, and the files rarely change.
    """
    try:
        prepareQuery(text, initNs=PREFIXES)
    except ParseBaseException as exc:
        found = str(exc).split(" (at char", 1)[0].strip()
        near = shorten(exc.line.strip())
        return exc.lineno, f'SPARQL syntax error (column {exc.col}): {found}, in "{near}"'
    except Exception as exc:  # rdflib raises bare Exceptions for, e.g., unknown prefixes
        message = " ".join(str(exc).split()) or type(exc).__name__
        line = 1
        unknown = _UNKNOWN_PREFIX.search(message)
        if unknown:
            used = re.compile(r"(?<![\w.:-])" + re.escape(unknown.group(1)) + ":")
            line = next(
                (
                    n
                    for n, text_line in enumerate(text.splitlines(), start=1)
                    if used.search(text_line) and not text_line.lstrip().startswith("#")
                ),
                1,
            )
        return line, f"SPARQL error: {message}"
    return None


# -- files ------------------------------------------------------------------------------


def _asserted_files(root: Path) -> list[Path]:
    onto = sorted(p for p in (root / "ontology").glob("*.ttl") if p.name != "shapes.ttl")
    return onto + sorted((root / "data").rglob("*.ttl"))


def _rule_files(root: Path) -> list[Path]:
    return sorted((root / "ontology" / "rules").glob("*.rq"))


def _sparql_files(root: Path) -> list[Path]:
    return _rule_files(root) + sorted((root / "queries").glob("*.rq"))


def _theirs(graphs: dict[Path, Graph], extra: Sequence[Path]) -> set[tuple[Node, Node, Node]]:
    """The statements only the user's own files (``extra``) make."""
    mine = [g for path, g in graphs.items() if path not in extra]
    return {t for path in extra for t in graphs.get(path, ()) if not any(t in g for g in mine)}


# -- rules and inference ----------------------------------------------------------------


def _rules(bundle: _Bundle, paths: Sequence[Path], problems: list[Problem]) -> list[Rule] | None:
    """The rules at ``paths``, or None if one does not load (its problem added).

    A rule whose SPARQL does not parse is already reported by :func:`check_sparql`; the
    others are loaded as the reasoner loads them, which checks their headers (the claim,
    the kind) and their form (a CONSTRUCT minting no blank node).
    """
    rules: list[Rule] | None = []
    for path in paths:
        if check_sparql(path, bundle.rel(path)) is not None:
            rules = None
            continue
        try:
            rule = load_rule(path)
        except DataError as exc:
            problems.append(Problem(bundle.rel(path), exc.line or 1, _bare_message(exc)))
            rules = None
            continue
        if rules is not None:
            rules.append(rule)
    return rules


def _check_inference(
    bundle: _Bundle, data: Graph, rules: Sequence[Rule], reasoner: str
) -> list[Problem]:
    """Run the reasoner on ``data`` and ``rules``; what is wrong with its support levels."""
    try:
        inferred, support = infer(data, rules, reasoner=reasoner)
    except DataError as exc:  # e.g. rules that are not stratified
        message = _bare_message(exc)
        where = Path(exc.path) if exc.path else bundle.root / "ontology" / "rules"
        return [Problem(bundle.rel(where), exc.line or 1, f"inference failed: {message}")]
    findings = check_support(data, inferred, support, bundle.name, editorial_of(data))
    return bundle.place(findings)


@dataclass
class _Bundle:
    """The files of one bundle: their graphs, their text, and where resources sit in them."""

    root: Path
    graphs: dict[Path, Graph] = field(default_factory=dict)
    _texts: dict[Path, str] = field(default_factory=dict)
    _names: NamespaceManager = field(init=False)

    def __post_init__(self) -> None:
        self._names = NamespaceManager(Graph(bind_namespaces="core"), bind_namespaces="core")
        for prefix, namespace in PREFIXES.items():
            self._names.bind(prefix, namespace, override=True, replace=True)

    def rel(self, path: Path) -> str:
        """``path`` relative to the bundle root (as given when outside it)."""
        try:
            return path.resolve().relative_to(self.root).as_posix()
        except ValueError:
            return str(path)

    def parse(self, path: Path) -> Graph | Problem:
        graph = Graph()
        try:
            parse_file(path, graph)
        except DataError as exc:
            return Problem(self.rel(path), exc.line or 1, _bare_message(exc))
        return graph

    def text(self, path: Path) -> str:
        if path not in self._texts:
            try:
                self._texts[path] = path.read_bytes().decode("utf-8", "replace")
            except OSError:
                self._texts[path] = ""
        return self._texts[path]

    def name(self, node: Node) -> str:
        """A short name for ``node``: a prefixed name, an IRI, or a literal's text."""
        if isinstance(node, Literal):
            return f'"{shorten(str(node))}"'
        if isinstance(node, URIRef):
            return node.n3(self._names)
        return "[]"

    def locate(
        self, node: Node, predicate: Node | None = None, value: Node | None = None
    ) -> tuple[Path | None, Node, list[Node]]:
        """The file that states ``node``, its named ancestor there, and the path down to it.

        The file is the first that holds the triple (node, predicate, value) when given, else
        the first where ``node`` is a subject. A blank node is located by its named ancestor
        (the subject whose description encloses it) and the predicates leading to it.
        """
        chosen: Path | None = None
        if isinstance(predicate, URIRef) and value is not None:
            chosen = next(
                (p for p, g in self.graphs.items() if (node, predicate, value) in g), None
            )
        if chosen is None:
            chosen = next(
                (
                    p
                    for p, g in self.graphs.items()
                    if next(g.predicate_objects(node), None) is not None
                ),
                None,
            )
        if chosen is None:
            chosen = next(
                (
                    p
                    for p, g in self.graphs.items()
                    if next(g.subject_predicates(node), None) is not None
                ),
                None,
            )
        if chosen is None:
            return None, node, []
        graph, anchor, seen = self.graphs[chosen], node, {node}
        via: list[Node] = []
        while isinstance(anchor, BNode):
            parent = next(graph.subject_predicates(anchor), None)
            if parent is None or parent[0] in seen:
                break
            anchor, via = parent[0], [parent[1], *via]
            seen.add(anchor)
        return chosen, anchor, via

    def place(self, findings: Iterable[Finding]) -> list[Problem]:
        """Each finding as a problem at its file and line, sorted."""
        return _sorted(
            self.problem(
                f.node,
                f.message,
                f.predicate,
                f.value,
                show_predicate=f.statement,
                show_value=f.statement,
            )
            for f in findings
        )

    def problem(
        self,
        node: Node,
        message: str,
        predicate: Node | None = None,
        value: Node | None = None,
        *,
        show_predicate: bool = False,
        show_value: bool = False,
    ) -> Problem:
        """A problem about ``node``, placed at its first line in the file that states it.

        The message starts with the node's name (a blank node's: its named ancestor and the
        property path down to it), then ``predicate``'s when ``show_predicate``, then
        ``value``'s when ``show_value``.
        """
        path, anchor, via = self.locate(node, predicate, value)
        label = self.name(anchor)
        label += "".join("/" + self.name(p) for p in via)
        if show_predicate and predicate is not None:
            label += f" {self.name(predicate)}"
        if show_value and value is not None:
            label += f" {self.name(value)}"
        if path is None:
            return Problem(self.rel(self.root / "data"), 1, f"{label}: {message}")
        line = 1
        if isinstance(anchor, URIRef):
            line = self.line_of(path, anchor)
        elif not via and isinstance(value, URIRef):  # a blank node at the top of the file
            line = self.line_of(path, value)
        return Problem(self.rel(path), line, f"{label}: {message}")

    def line_of(self, path: Path, iri: URIRef) -> int:
        """The line where ``iri`` first appears in ``path`` (as a subject if it can tell)."""
        text = self.text(path)
        forms = [f"<{iri}>"]
        for prefix, namespace in _PREFIX_DECL.findall(text):
            local = str(iri)[len(namespace) :]
            if namespace and str(iri).startswith(namespace) and _SIMPLE_LOCAL.match(local):
                forms.append(f"{prefix}:{local}")
        return _line_of_token(text, forms) or 1


def _line_of_token(text: str, forms: Iterable[str]) -> int | None:
    """The first line starting with one of ``forms``, else the first line holding one."""
    patterns = [
        re.compile(r"(?<![\w.:-])" + re.escape(f) + r"(?![\w:%-]|\.[\w:%-])") for f in forms
    ]
    anywhere: int | None = None
    for number, line in enumerate(text.splitlines(), start=1):
        stripped = line.lstrip()
        if stripped.startswith("#"):
            continue
        for pattern in patterns:
            found = pattern.search(line)
            if found is None:
                continue
            if found.start() == len(line) - len(stripped):
                return number
            if anywhere is None:
                anywhere = number
    return anywhere


def _bare_message(exc: DataError) -> str:
    """The DataError's message without the "path:line: " it starts with."""
    text = str(exc)
    for where in (f"{exc.path}:{exc.line}: ", f"{exc.path}: "):
        if exc.path is not None and text.startswith(where):
            return text[len(where) :]
    return text


# -- SHACL ------------------------------------------------------------------------------


def _check_shapes(bundle: _Bundle, data: Graph, shapes: Graph) -> Iterator[Problem]:
    try:
        conforms, report, _ = shacl_validate(
            data,
            shacl_graph=shapes,
            inference="none",
            abort_on_first=False,
            allow_warnings=False,
            allow_infos=False,
        )
    except Exception as exc:  # pyshacl raises its own errors for malformed shapes
        where = bundle.rel(bundle.root / "ontology" / "shapes.ttl")
        yield Problem(where, 1, f"SHACL validation failed: {' '.join(str(exc).split())}")
        return
    if conforms or not isinstance(report, Graph):
        return
    for top in report.objects(None, SH.result):
        for result in _leaves(report, top):
            yield _shacl_problem(bundle, report, result)


def _leaves(report: Graph, result: Node) -> Iterator[Node]:
    """The most detailed results under ``result`` (sh:detail), or the result itself."""
    details = list(report.objects(result, SH.detail))
    if not details:
        yield result
    for detail in details:
        yield from _leaves(report, detail)


def _shacl_problem(bundle: _Bundle, report: Graph, result: Node) -> Problem:
    focus = report.value(result, SH.focusNode)
    path = report.value(result, SH.resultPath)
    value = report.value(result, SH.value)
    message = report.value(result, SH.resultMessage)
    text = str(message) if message is not None else "does not conform to its shape"
    if value is not None and value != focus and not isinstance(value, BNode):
        text += f" (value: {bundle.name(value)})"
    if focus is None:
        return Problem(bundle.rel(bundle.root / "ontology" / "shapes.ttl"), 1, text)
    return bundle.problem(focus, text, path, value, show_predicate=isinstance(path, URIRef))


# -- helpers ----------------------------------------------------------------------------


def _sorted(problems: Iterable[Problem]) -> list[Problem]:
    return sorted(problems, key=lambda p: (p.path, p.line))


def _unique(problems: Iterable[Problem]) -> list[Problem]:
    return list(dict.fromkeys(problems))
