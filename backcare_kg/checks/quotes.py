"""Check quotes, selectors and sentences against the source text, character for character.

Each claim's and editorial reading's quote, its Web Annotation selectors and its sentences
are compared with the text of the source document (offsets are 0-based Unicode code points,
end exclusive). Wrong offsets are reported with where the quote really is. The checks know
nothing of files and lines: :func:`check_quotes` yields a
:class:`~backcare_kg.checks.findings.Finding` about a node, and the caller places it in the
file that states that node.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

from rdflib import RDF, Graph, Literal, Namespace
from rdflib.term import Node

from backcare_kg.checks.findings import Finding, instances
from backcare_kg.vocab import BC, BCR, OA, SCHEMA

DCTERMS = Namespace("http://purl.org/dc/terms/")

#: The source document whose text ships as data/sources/article.txt.
SOURCE_ARTICLE = BCR["source-article"]
_DEFAULT_SOURCE_TEXT = Path("data") / "sources" / "article.txt"

_QUOTE_WIDTH = 50


def check_quotes(data: Graph, root: Path, name: Callable[[Node], str]) -> Iterator[Finding]:
    """What in ``data`` disagrees with the source texts under ``root``.

    Checks each source document's character count, each sentence's offsets and text, and
    each excerpt's quote, selectors and sentences. ``name`` gives a node's short name for
    the messages.
    """
    texts = dict(_source_texts(root, data))
    for document in instances(data, BC.SourceDocument):
        count = _int(data.value(document, BC.characterCount))
        if document in texts and count is not None and count != len(texts[document]):
            yield Finding(
                document,
                f"bc:characterCount is {count} but the source "
                f"text has {len(texts[document])} characters",
            )
    spans: dict[Node, tuple[int, int]] = {}
    for sentence in sorted(instances(data, BC.Sentence), key=str):
        span, finding = _check_sentence(data, sentence, texts)
        if span is not None:
            spans[sentence] = span
        if finding is not None:
            yield finding
    excerpts = instances(data, BC.SourceExcerpt) | set(data.subjects(BC.quote, None))
    for excerpt in sorted(excerpts, key=str):
        yield from _check_excerpt(data, excerpt, texts, spans, name)


def shorten(text: str, width: int = _QUOTE_WIDTH) -> str:
    """``text`` on one line (newlines as ``\\n``), cut to ``width`` characters with "…"."""
    flat = text.replace("\n", "\\n")
    return flat if len(flat) <= width else flat[: width - 1] + "…"


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


def _source_texts(root: Path, data: Graph) -> Iterator[tuple[Node, str]]:
    """Each source document with a readable text: its schema:contentUrl, under the root."""
    for document in instances(data, BC.SourceDocument):
        url = data.value(document, SCHEMA.contentUrl)
        relative = Path(str(url)) if url is not None else None
        if relative is None and document == SOURCE_ARTICLE:
            relative = _DEFAULT_SOURCE_TEXT
        if relative is None or relative.is_absolute() or "://" in str(relative):
            continue
        try:
            yield document, (root / relative).read_bytes().decode("utf-8")
        except (OSError, UnicodeDecodeError):
            continue


def _check_sentence(
    data: Graph, sentence: Node, texts: dict[Node, str]
) -> tuple[tuple[int, int] | None, Finding | None]:
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
        return None, Finding(
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
    return (start, end), Finding(
        sentence,
        f"bc:text does not match the source at {start}-{end}, which reads "
        f'"{shorten(source[start:end])}"; {where}',
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
    data: Graph,
    excerpt: Node,
    texts: dict[Node, str],
    sentence_spans: dict[Node, tuple[int, int]],
    name: Callable[[Node], str],
) -> Iterator[Finding]:
    ex = _read_excerpt(data, excerpt)
    if ex.quote is not None and ex.exact is not None and ex.quote != ex.exact:
        yield Finding(
            excerpt,
            f'bc:quote "{shorten(ex.quote)}" differs from its oa:exact "{shorten(ex.exact)}"',
        )
    if ex.exact is None:
        return
    if ex.document not in texts:
        if ex.document is not None:
            yield Finding(
                excerpt,
                f"no text to check the quote against: give {name(ex.document)} a schema:contentUrl",
            )
        return
    source = texts[ex.document]
    found = _find_all(source, ex.exact)
    if not found:
        yield Finding(
            excerpt,
            f'oa:exact "{shorten(ex.exact)}" is not in the source{_nearest(source, ex.exact)}',
        )
        return
    anchor = _anchor(source, ex, found)
    selected = _selected(source, ex.start, ex.end)
    if ex.start is not None and ex.end is not None and selected != ex.exact:
        what = (
            f'select "{shorten(selected)}", not the quote'
            if selected is not None
            else f"lie outside the source (0-{len(source)})"
        )
        yield Finding(
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
                yield Finding(
                    excerpt,
                    f"oa:prefix {ex.prefix!r} does not match the "
                    f"text before the quote at {anchor}: {before!r}",
                )
        if ex.suffix is not None:
            after_at = anchor + len(ex.exact)
            after = source[after_at : after_at + len(ex.suffix)]
            if ex.suffix != after:
                context_ok = False
                yield Finding(
                    excerpt,
                    f"oa:suffix {ex.suffix!r} does not match the "
                    f"text after the quote at {after_at}: {after!r}",
                )
    if len(found) > 1 and context_ok and len(_in_context(source, ex, found)) != 1:
        yield Finding(
            excerpt,
            f"the quote occurs {len(found)} times in the source (at "
            f"{_spans(found, len(ex.exact))}) and oa:prefix/oa:suffix do not single out one",
        )
    if anchor is not None:
        yield from _check_sentences_hold(
            data, excerpt, (anchor, anchor + len(ex.exact)), sentence_spans, name
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
    data: Graph,
    excerpt: Node,
    quote: tuple[int, int],
    sentence_spans: dict[Node, tuple[int, int]],
    name: Callable[[Node], str],
) -> Iterator[Finding]:
    """Each bc:sentence overlaps the quote, and together they cover it."""
    spans: list[tuple[int, int]] = []
    for sentence in sorted(data.objects(excerpt, BC.sentence), key=str):
        span = sentence_spans.get(sentence)
        if span is None:
            continue
        spans.append(span)
        if span[1] <= quote[0] or quote[1] <= span[0]:
            yield Finding(
                excerpt,
                f"bc:sentence {name(sentence)} ({span[0]}-{span[1]}) does "
                f"not hold the quote ({quote[0]}-{quote[1]})",
                BC.sentence,
                sentence,
            )
            return
    covered = (
        spans and min(s for s, _ in spans) <= quote[0] and quote[1] <= max(e for _, e in spans)
    )
    if spans and not covered:
        yield Finding(
            excerpt,
            f"the quote ({quote[0]}-{quote[1]}) runs outside its bc:sentence "
            f"spans ({', '.join(f'{s}-{e}' for s, e in sorted(spans))}): add the sentence",
        )


# -- helpers ----------------------------------------------------------------------------


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
        f'"{shorten(exact[max(0, low - 20) : low])}")'
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
