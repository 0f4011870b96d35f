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
