"""What the server's documents must be: the checks every HTML page passes (its language,
one h1, a main landmark, the disclaimer, nothing loaded from elsewhere), and the RDF
syntaxes a linked-data document is offered in (Accept header and rdflib parser)."""

from __future__ import annotations

from html.parser import HTMLParser

#: Accept header, rdflib parser and media type of each RDF syntax offered.
SYNTAXES = {
    "ttl": ("text/turtle", "turtle"),
    "jsonld": ("application/ld+json", "json-ld"),
    "nt": ("application/n-triples", "nt"),
    "rdf": ("application/rdf+xml", "xml"),
}


class Page(HTMLParser):
    """What the checks need of a page: its tags' attributes, its headings, its text."""

    def __init__(self, text: str) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.headings: list[tuple[str, str]] = []
        self._heading: str | None = None
        self.text = ""
        self.feed(text)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))
        if tag in ("h1", "h2", "h3"):
            self._heading = tag
            self.headings.append((tag, ""))

    def handle_endtag(self, tag: str) -> None:
        if tag == self._heading:
            self._heading = None

    def handle_data(self, data: str) -> None:
        self.text += data
        if self._heading:
            tag, text = self.headings[-1]
            self.headings[-1] = (tag, text + data)

    def attrs(self, tag: str, name: str) -> list[str]:
        return [a[name] or "" for t, a in self.tags if t == tag and name in a]


def check_page(text: str, lang: str = "en") -> Page:
    """What every page must be: its language declared, one h1, a main landmark, the
    disclaimer, and nothing loaded from elsewhere (no script, no remote style or image)."""
    page = Page(text)
    assert text.startswith("<!DOCTYPE html>")
    assert page.attrs("html", "lang") == [lang]
    assert [tag for tag, _ in page.headings].count("h1") == 1
    assert page.attrs("main", "id") == ["main"]
    assert "not medical advice" in page.text or "no consejo médico" in page.text
    assert "<script" not in text
    for tag, name in (("link", "href"), ("img", "src"), ("iframe", "src")):
        assert not [u for u in page.attrs(tag, name) if u.startswith(("http:", "https:", "//"))]
    return page


class StatementBadges(HTMLParser):
    """The support-level badge of each value in the statement tables of a resource page:
    ``levels[(property href, value)]`` is ``(level, href of the level)``, where the value is
    the href of an IRI or the text of a literal (blank nodes' own statements are left out).
    The first table is the resource's statements (``own``), the second the statements that
    point at it (``incoming``)."""

    def __init__(self, text: str) -> None:
        super().__init__()
        self.tables: list[dict[tuple[str, str], tuple[str, str]]] = []
        self._property: str | None = None
        self._in_th = False
        self._value: str | None = None
        self._in_li = False
        self._in_literal = False
        self._blank = 0  # depth inside a blank node's content
        self.feed(text)

    @property
    def own(self) -> dict[tuple[str, str], tuple[str, str]]:
        return self.tables[0]

    @property
    def incoming(self) -> dict[tuple[str, str], tuple[str, str]]:
        return self.tables[1]

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        classes = (a.get("class") or "").split()
        if self._blank:
            self._blank += tag == "div"
            return
        if tag == "table" and "statements" in classes:
            self.tables.append({})
        elif tag == "th" and a.get("scope") == "row":
            self._in_th, self._property = True, None
        elif tag == "a" and self._in_th and self._property is None:
            self._property = a.get("href")
        elif tag == "li" and self._property is not None:
            self._in_li, self._value = True, None
        elif tag == "div" and self._in_li and "blank" in classes:
            self._blank = 1
            self._value = "(blank node)"
        elif tag == "span" and self._in_li and "literal" in classes and self._value is None:
            self._in_literal, self._value = True, ""
        elif tag == "a" and self._in_li and "term" in classes and self._value is None:
            self._value = a.get("href") or ""
        elif tag == "a" and self._in_li and "badge-level" in classes:
            level = next(c[len("level-"):] for c in classes if c.startswith("level-"))
            assert self._property is not None and self._value is not None
            self.tables[-1][(self._property, self._value)] = (level, a.get("href") or "")

    def handle_endtag(self, tag: str) -> None:
        if self._blank:
            self._blank -= tag == "div"
            return
        if tag == "th":
            self._in_th = False
        elif tag == "li":
            self._in_li = False
        elif tag == "span":
            self._in_literal = False

    def handle_data(self, data: str) -> None:
        if self._in_literal and not self._blank and self._value is not None:
            self._value += data
