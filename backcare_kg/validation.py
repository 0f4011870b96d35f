"""Check the bundled files: syntax, SHACL shapes, and every quote against the source text.

:func:`validate_bundle` returns one line per problem, ``"<file>:<line>: <message>"``, the
file relative to the bundle root and the line where the offending resource first appears
in it, so an editor can jump there. Three families of checks:

1. syntax: every Turtle file of ``ontology/`` and ``data/`` (each parsed alone, so every
   broken file is reported) and every SPARQL file of ``ontology/rules/`` and ``queries/``;
2. SHACL: the asserted graph (ontology and data, no inference) against
   ``ontology/shapes.ttl``;
3. quotes: each claim's and editorial reading's quote, its Web Annotation selectors and its
   sentences against the source text, character for character (offsets are 0-based Unicode
   code points, end exclusive). Wrong offsets are reported with where the quote really is.
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
from rdflib import RDF, RDFS, BNode, Graph, Literal, Namespace, URIRef
from rdflib.namespace import NamespaceManager
from rdflib.plugins.sparql import prepareQuery
from rdflib.term import Node

from . import files
from .errors import DataError
from .loading import parse_file
from .vocab import BC, BCR, OA, PREFIXES, SCHEMA

SH = Namespace("http://www.w3.org/ns/shacl#")
DCTERMS = Namespace("http://purl.org/dc/terms/")

#: The source document whose text ships as data/sources/article.txt.
SOURCE_ARTICLE = BCR["source-article"]
_DEFAULT_SOURCE_TEXT = Path("data") / "sources" / "article.txt"

_PREFIX_DECL = re.compile(
    r"^\s*(?:@prefix|PREFIX)\s+([A-Za-z][\w.-]*)?:\s*<([^>]*)>", re.IGNORECASE | re.MULTILINE
)
_SIMPLE_LOCAL = re.compile(r"^[\w-]+(?:\.[\w-]+)*$")
_UNKNOWN_PREFIX = re.compile(r"Unknown namespace prefix : (\S+)")
_QUOTE_WIDTH = 50


class Problem(NamedTuple):
    """One problem found in a bundle file, at a line of that file."""

    path: str
    line: int
    message: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.message}"


def validate_bundle(extra: Sequence[Path] = (), *, root: Path | None = None) -> list[str]:
    """Problems with the bundle under ``root`` (default: the bundled files), one a line.

    Each problem reads ``"<file>:<line>: <message>"``, the file relative to ``root``. The
    RDF files in ``extra`` join the asserted graph and are checked with it. An empty list
    means every file parses, the asserted graph conforms to the shapes and every quote
    matches the source text.
    """
    base = (root if root is not None else files.bundled_root()).resolve()
    return [str(p) for p in _unique(check_bundle(base, [Path(p) for p in extra]))]


def check_bundle(root: Path, extra: Sequence[Path] = ()) -> list[Problem]:
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
    problems = _sorted(problems)
    if broken:  # a partial graph would only add noise: fix the syntax first
        return problems
    bundle.graphs = graphs
    data = Graph()
    for graph in graphs.values():
        data += graph
    if isinstance(shapes, Graph):
        problems.extend(_sorted(_check_shapes(bundle, data, shapes)))
    problems.extend(_sorted(_check_quotes(bundle, data)))
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
        near = _short(exc.line.strip())
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


def _sparql_files(root: Path) -> list[Path]:
    return sorted((root / "ontology" / "rules").glob("*.rq")) + sorted(
        (root / "queries").glob("*.rq")
    )


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
            return f'"{_short(str(node))}"'
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

    def problem(
        self,
        node: Node,
        message: str,
        predicate: Node | None = None,
        value: Node | None = None,
        *,
        show_predicate: bool = False,
    ) -> Problem:
        """A problem about ``node``, placed at its first line in the file that states it.

        The message starts with the node's name (a blank node's: its named ancestor and the
        property path down to it), then ``predicate``'s when ``show_predicate``.
        """
        path, anchor, via = self.locate(node, predicate, value)
        label = self.name(anchor)
        label += "".join("/" + self.name(p) for p in via)
        if show_predicate and predicate is not None:
            label += f" {self.name(predicate)}"
        if path is None:
            return Problem(self.rel(self.root / "data"), 1, f"{label}: {message}")
        line = self.line_of(path, anchor) if isinstance(anchor, URIRef) else 1
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


# -- quotes against the source ------------------------------------------------------------


@dataclass
class _Excerpt:
    """What a claim or editorial reading says about where its quote sits."""

    quote: str | None = None
    exact: str | None = None
    prefix: str | None = None
    suffix: str | None = None
    start: int | None = None
    end: int | None = None
    document: Node | None = None


def _check_quotes(bundle: _Bundle, data: Graph) -> Iterator[Problem]:
    texts = dict(_source_texts(bundle, data))
    for document in _instances(data, BC.SourceDocument):
        count = _int(data.value(document, BC.characterCount))
        if document in texts and count is not None and count != len(texts[document]):
            yield bundle.problem(
                document,
                f"bc:characterCount is {count} but the source "
                f"text has {len(texts[document])} characters",
            )
    spans: dict[Node, tuple[int, int]] = {}
    for sentence in sorted(_instances(data, BC.Sentence), key=str):
        span, problem = _check_sentence(bundle, data, sentence, texts)
        if span is not None:
            spans[sentence] = span
        if problem is not None:
            yield problem
    excerpts = _instances(data, BC.SourceExcerpt) | set(data.subjects(BC.quote, None))
    for excerpt in sorted(excerpts, key=str):
        yield from _check_excerpt(bundle, data, excerpt, texts, spans)


def _source_texts(bundle: _Bundle, data: Graph) -> Iterator[tuple[Node, str]]:
    """Each source document with a readable text: its schema:contentUrl, under the root."""
    for document in _instances(data, BC.SourceDocument):
        url = data.value(document, SCHEMA.contentUrl)
        relative = Path(str(url)) if url is not None else None
        if relative is None and document == SOURCE_ARTICLE:
            relative = _DEFAULT_SOURCE_TEXT
        if relative is None or relative.is_absolute() or "://" in str(relative):
            continue
        try:
            yield document, (bundle.root / relative).read_bytes().decode("utf-8")
        except (OSError, UnicodeDecodeError):
            continue


def _check_sentence(
    bundle: _Bundle, data: Graph, sentence: Node, texts: dict[Node, str]
) -> tuple[tuple[int, int] | None, Problem | None]:
    target = data.value(sentence, OA.hasTarget)
    document = (data.value(target, OA.hasSource) if target is not None else None) or data.value(
        sentence, DCTERMS.isPartOf
    )
    start = end = None
    for selector in data.objects(target, OA.hasSelector) if target is not None else ():
        if (selector, RDF.type, OA.TextPositionSelector) in data:
            start = _int(data.value(selector, OA.start))
            end = _int(data.value(selector, OA.end))
    own = data.value(sentence, BC.text)
    if start is None or end is None or document not in texts:
        return None, None
    source = texts[document]
    if not 0 <= start < end <= len(source):
        return None, bundle.problem(
            sentence, f"offsets {start}-{end} lie outside the source (0-{len(source)})"
        )
    if own is None or str(own) == source[start:end]:
        return (start, end), None
    found = _find_all(source, str(own))
    where = (
        f"the text is found at {_spans(found, len(str(own)))}"
        if found
        else "the text is not in the source"
    )
    return (start, end), bundle.problem(
        sentence,
        f"bc:text does not match the source at {start}-{end}, which reads "
        f'"{_short(source[start:end])}"; {where}',
        BC.text,
        own,
    )


def _read_excerpt(data: Graph, excerpt: Node) -> _Excerpt:
    found = _Excerpt()
    quote = data.value(excerpt, BC.quote)
    found.quote = str(quote) if quote is not None else None
    target = data.value(excerpt, OA.hasTarget)
    if target is None:
        return found
    found.document = data.value(target, OA.hasSource) or data.value(excerpt, BC.source)
    for selector in data.objects(target, OA.hasSelector):
        if (selector, RDF.type, OA.TextQuoteSelector) in data:
            found.exact = _str(data.value(selector, OA.exact))
            found.prefix = _str(data.value(selector, OA.prefix))
            found.suffix = _str(data.value(selector, OA.suffix))
        if (selector, RDF.type, OA.TextPositionSelector) in data:
            found.start = _int(data.value(selector, OA.start))
            found.end = _int(data.value(selector, OA.end))
    return found


def _check_excerpt(
    bundle: _Bundle,
    data: Graph,
    excerpt: Node,
    texts: dict[Node, str],
    sentence_spans: dict[Node, tuple[int, int]],
) -> Iterator[Problem]:
    ex = _read_excerpt(data, excerpt)
    if ex.quote is not None and ex.exact is not None and ex.quote != ex.exact:
        yield bundle.problem(
            excerpt, f'bc:quote "{_short(ex.quote)}" differs from its oa:exact "{_short(ex.exact)}"'
        )
    if ex.exact is None:
        return
    if ex.document not in texts:
        if ex.document is not None:
            yield bundle.problem(
                excerpt,
                f"no text to check the quote against: give "
                f"{bundle.name(ex.document)} a schema:contentUrl",
            )
        return
    source = texts[ex.document]
    found = _find_all(source, ex.exact)
    if not found:
        yield bundle.problem(
            excerpt,
            f'oa:exact "{_short(ex.exact)}" is not in the source{_nearest(source, ex.exact)}',
        )
        return
    anchor = _anchor(source, ex, found)
    selected = _selected(source, ex.start, ex.end)
    if ex.start is not None and ex.end is not None and selected != ex.exact:
        what = (
            f'select "{_short(selected)}", not the quote'
            if selected is not None
            else f"lie outside the source (0-{len(source)})"
        )
        yield bundle.problem(
            excerpt,
            f"oa:start/oa:end {ex.start}-{ex.end} {what}; "
            f"quote found at {_spans(found, len(ex.exact))}",
        )
    context_ok = True
    if anchor is not None:
        if ex.prefix is not None:
            before = source[max(0, anchor - len(ex.prefix)) : anchor]
            if ex.prefix != before:
                context_ok = False
                yield bundle.problem(
                    excerpt,
                    f"oa:prefix {ex.prefix!r} does not match the "
                    f"text before the quote at {anchor}: {before!r}",
                )
        if ex.suffix is not None:
            after_at = anchor + len(ex.exact)
            after = source[after_at : after_at + len(ex.suffix)]
            if ex.suffix != after:
                context_ok = False
                yield bundle.problem(
                    excerpt,
                    f"oa:suffix {ex.suffix!r} does not match the "
                    f"text after the quote at {after_at}: {after!r}",
                )
    if len(found) > 1 and context_ok and len(_in_context(source, ex, found)) != 1:
        yield bundle.problem(
            excerpt,
            f"the quote occurs {len(found)} times in the source (at "
            f"{_spans(found, len(ex.exact))}) and oa:prefix/oa:suffix do not single out one",
        )
    if anchor is not None:
        yield from _check_sentences_hold(
            bundle, data, excerpt, (anchor, anchor + len(ex.exact)), sentence_spans
        )


def _anchor(source: str, ex: _Excerpt, found: list[int]) -> int | None:
    """Where the quote is: its offsets if right, else the occurrence its context picks."""
    assert ex.exact is not None
    if ex.start is not None and _selected(source, ex.start, ex.end) == ex.exact:
        return ex.start
    in_context = _in_context(source, ex, found)
    if len(in_context) == 1:
        return in_context[0]
    return found[0] if len(found) == 1 else None


def _in_context(source: str, ex: _Excerpt, found: list[int]) -> list[int]:
    assert ex.exact is not None
    prefix, suffix, size = ex.prefix or "", ex.suffix or "", len(ex.exact)
    return [
        at
        for at in found
        if source[max(0, at - len(prefix)) : at] == prefix
        and source[at + size : at + size + len(suffix)] == suffix
    ]


def _check_sentences_hold(
    bundle: _Bundle,
    data: Graph,
    excerpt: Node,
    quote: tuple[int, int],
    sentence_spans: dict[Node, tuple[int, int]],
) -> Iterator[Problem]:
    """Each bc:sentence overlaps the quote, and together they cover it."""
    spans: list[tuple[int, int]] = []
    for sentence in sorted(data.objects(excerpt, BC.sentence), key=str):
        span = sentence_spans.get(sentence)
        if span is None:
            continue
        spans.append(span)
        if span[1] <= quote[0] or quote[1] <= span[0]:
            yield bundle.problem(
                excerpt,
                f"bc:sentence {bundle.name(sentence)} ({span[0]}-{span[1]}) does "
                f"not hold the quote ({quote[0]}-{quote[1]})",
                BC.sentence,
                sentence,
            )
            return
    covered = (
        spans and min(s for s, _ in spans) <= quote[0] and quote[1] <= max(e for _, e in spans)
    )
    if spans and not covered:
        yield bundle.problem(
            excerpt,
            f"the quote ({quote[0]}-{quote[1]}) runs outside its bc:sentence "
            f"spans ({', '.join(f'{s}-{e}' for s, e in sorted(spans))}): add the sentence",
        )


# -- helpers ----------------------------------------------------------------------------


def _instances(graph: Graph, cls: URIRef) -> set[Node]:
    """Instances of ``cls`` or of its subclasses (rdfs:subClassOf in ``graph``)."""
    classes = set(graph.transitive_subjects(RDFS.subClassOf, cls))
    return {s for c in classes for s in graph.subjects(RDF.type, c)}


def _find_all(text: str, part: str) -> list[int]:
    """Every start of ``part`` in ``text``, overlapping ones included."""
    found: list[int] = []
    at = text.find(part)
    while at >= 0 and part:
        found.append(at)
        at = text.find(part, at + 1)
    return found


def _nearest(source: str, exact: str) -> str:
    """A hint: how much of the quote's start the source does have, and where."""
    low, high = 0, len(exact)
    while low < high:  # the longest leading part of the quote found in the source
        middle = (low + high + 1) // 2
        if exact[:middle] in source:
            low = middle
        else:
            high = middle - 1
    if low < 10:
        return ""
    at = source.find(exact[:low])
    return (
        f" (its first {low} characters are at {at}; it differs after "
        f'"{_short(exact[max(0, low - 20) : low])}")'
    )


def _selected(source: str, start: int | None, end: int | None) -> str | None:
    """The text between the offsets, or None when they are missing or out of range."""
    if start is None or end is None or not 0 <= start < end <= len(source):
        return None
    return source[start:end]


def _spans(starts: list[int], size: int) -> str:
    return ", ".join(f"{at}-{at + size}" for at in starts)


def _int(node: Node | None) -> int | None:
    if isinstance(node, Literal):
        value = node.toPython()
        if isinstance(value, int) and not isinstance(value, bool):
            return value
    return None


def _str(node: Node | None) -> str | None:
    return str(node) if isinstance(node, Literal) else None


def _short(text: str, width: int = _QUOTE_WIDTH) -> str:
    flat = text.replace("\n", "\\n")
    return flat if len(flat) <= width else flat[: width - 1] + "…"


def _sorted(problems: Iterable[Problem | None]) -> list[Problem]:
    return sorted((p for p in problems if p is not None), key=lambda p: (p.path, p.line))


def _unique(problems: Iterable[Problem]) -> list[Problem]:
    return list(dict.fromkeys(problems))
