"""The HTML pages on a real server: the home page, resource pages, the ontology's
documentation, the graph pages and the 404 page (content, links, escaping, no external
resources)."""

from __future__ import annotations

import html
import re

import httpx
import pytest
from markupsafe import escape
from support.pages import check_page
from support.vocabulary import CORE_CLASSES, CORE_PROPERTIES

from backcare_kg import KnowledgeGraph
from backcare_kg.web.describe import resource_iris
from backcare_kg.web.ontology_doc import document

pytestmark = pytest.mark.server


def test_home(client: httpx.Client, kg: KnowledgeGraph) -> None:
    response = client.get("/")
    assert response.status_code == 200
    page = check_page(response.text)
    text = response.text
    assert "two Spanish experts" in page.text and "expert opinion" in page.text
    # the flagship question, its answer and why
    assert "The flagship question" in page.text
    assert '<a class="answer-name" href="/resource/yoga">yoga</a>' in text
    # why: the explanation page of "yoga is allowed in the chronic phase"
    assert ('<a class="why" href="/explain?s=https%3A%2F%2Fw3id.org%2Fbackcare-kg%2Fresource'
            '%2Fyoga&amp;p=https%3A%2F%2Fw3id.org%2Fbackcare-kg%2Fontology%23allowedInPhase&amp;'
            'o=https%3A%2F%2Fw3id.org%2Fbackcare-kg%2Fresource%2Fchronic-phase">') in text
    assert 'href="/queries/activities?capacity=balance&amp;phase=chronic-phase"' in text
    # a query form that works without JavaScript: GET /sparql with query and format
    assert '<form class="query-form" action="/sparql" method="get">' in text
    assert page.attrs("textarea", "name") == ["query"]
    assert page.attrs("select", "name") == ["format"]
    assert page.attrs("option", "value") == ["", "json", "xml", "csv", "tsv", "turtle",
                                             "jsonld", "nt"]
    # every named query as an example, with its summary, text and links
    for name, query in kg.named_queries.items():
        assert f'<code class="query-name">{name}</code>' in text
        assert str(escape(query.summary)) in text
        assert f'href="/?example={name}#query"' in text
        assert f'href="/queries/{name}"' in text
    # the dataset: VoID/DCAT summary, license, dumps, and links everywhere
    hrefs = set(page.attrs("a", "href"))
    assert {"/ontology", "/queries", "/sparql", "/graph/asserted", "/graph/inferred",
            "/.well-known/void.ttl", "/.well-known/void.jsonld",
            "https://creativecommons.org/licenses/by/4.0/"} <= hrefs
    assert {f"/graph/{g}.{e}" for g in ("asserted", "inferred")
            for e in ("ttl", "jsonld", "nt", "rdf")} <= hrefs
    assert f"{len(kg):,} = {len(kg.asserted):,}" in page.text
    assert "CC BY 4.0" in page.text and "MIT" in page.text


def test_home_form_holds_a_chosen_example(client: httpx.Client, kg: KnowledgeGraph) -> None:
    text = client.get("/", params={"example": "provenance"}).text
    body = re.search(r'<textarea id="query-text" name="query"[^>]*>(.*?)</textarea>', text,
                     re.S)
    assert body is not None
    query = html.unescape(body.group(1))
    assert query.startswith("PREFIX bc: <https://w3id.org/backcare-kg/ontology#>")
    assert "?_subject_iri bc:justifiedBy ?excerpt" in query
    assert "#+" not in query  # the header stays out of the form
    unknown = client.get("/", params={"example": "<script>"}).text
    assert "SELECT DISTINCT ?activity ?activityLabel ?recommended" in html.unescape(unknown)
    assert "<script>" not in unknown


def test_home_form_submits_to_the_endpoint(client: httpx.Client) -> None:
    text = client.get("/").text
    body = re.search(r'<textarea id="query-text" name="query"[^>]*>(.*?)</textarea>', text,
                     re.S)
    assert body is not None
    # what a browser sends for the form as it stands: GET /sparql?query=...&format=json
    response = client.get("/sparql", params={"query": html.unescape(body.group(1)),
                                             "format": "json"})
    assert response.status_code == 200, response.text
    activities = {b["activity"]["value"].rsplit("/", 1)[1]
                  for b in response.json()["results"]["bindings"]}
    assert activities == {"body-foundation", "healing-swimming", "pilates",
                          "suspension-training", "yoga"}
    # the form's default format is empty: a browser gets a page (by its Accept header)
    page = client.get("/sparql", params={"query": html.unescape(body.group(1)), "format": ""},
                      headers={"Accept": "text/html,*/*;q=0.8"})
    assert page.status_code == 200
    assert page.headers["content-type"].startswith("text/html")


def test_home_in_spanish(client: httpx.Client) -> None:
    response = client.get("/", headers={"Accept-Language": "es"})
    page = check_page(response.text, "es")
    assert "La pregunta principal" in page.text and "dos expertos españoles" in page.text
    assert "equilibrio" in page.text


def test_resource_page(client: httpx.Client) -> None:
    response = client.get("/resource/yoga")
    page = check_page(response.text)
    text = response.text
    assert page.headings[0] == ("h1", "yoga")
    assert [h for tag, h in page.headings if tag == "h2"] == [
        "Neighbourhood", "Statements", "Referenced by", "Why the graph says this"]
    assert "https://w3id.org/backcare-kg/resource/yoga" in page.text
    # statements grouped by property, inferred ones badged
    assert '<a class="term" href="/ontology#improves"' in text
    assert re.search(r'<li class="inferred"><a class="term" href="/ontology#RecommendedActivity"'
                     r'[^>]*>recommended activity</a> <a class="badge badge-inferred badge-why" '
                     r'href="/explain\?s=[^"]*"[^>]*>inferred — why\?</a></li>', text)
    assert re.search(r'<li><a class="term" href="/resource/balance"[^>]*>balance</a></li>', text)
    assert re.search(r'<li class="inferred"><a class="term" href="/resource/chronic-phase"', text)
    # external IRIs are plain external links
    assert re.search(r'<a class="term external" href="http://id.nlm.nih.gov/mesh/D015013"'
                     r'[^>]*rel="external">mesh:D015013</a>', text)
    # referenced by
    assert 'href="/resource/claim-yoga-description"' in text
    # the claims behind it: quote, who, evidence, selectors, the sentence highlighted
    assert "<mark>pain should limit exercise during the acute phase</mark>" in text
    assert "<p>pain should limit exercise during the acute phase</p>" in text
    assert 'href="/resource/sergio-fuertes"' in text and 'href="/resource/expert-opinion"' in text
    assert '<td class="num">716</td>' in text and '<td class="num">765</td>' in text
    assert "sh Society for Pain (SED), that " in text
    # the editorial reading is marked as ours, with its note
    assert '<span class="badge badge-editorial">editorial reading</span>' in text
    assert "the graph makers&#39; reading, not the source&#39;s word" in text
    assert "The source lost this paragraph&#39;s heading." in text
    # the diagram is inline SVG with links, and the RDF variants are linked
    assert '<svg xmlns="http://www.w3.org/2000/svg" class="diagram"' in text
    assert '<a href="/resource/analgesia"><g class="node">' in text
    assert {"/resource/yoga.ttl", "/resource/yoga.jsonld", "/resource/yoga.nt",
            "/resource/yoga.rdf"} <= set(page.attrs("a", "href"))


def test_every_resource_has_a_page(client: httpx.Client, kg: KnowledgeGraph) -> None:
    slugs = [str(iri).rsplit("/", 1)[1] for iri in resource_iris(kg)]
    assert len(slugs) == 114
    for slug in slugs:
        response = client.get(f"/resource/{slug}")
        assert response.status_code == 200, slug
        assert "<h1>" in response.text


def test_ontology_page_documents_every_term(client: httpx.Client) -> None:
    response = client.get("/ontology")
    page = check_page(response.text)
    text = response.text
    doc = document()
    ids = set(page.attrs("section", "id"))
    for name in (*CORE_CLASSES, *CORE_PROPERTIES):
        term = doc.term(name)
        assert term is not None, name
        assert name in ids, name
        assert f'href="#{name}"' in text
        assert str(escape(term.labels["en"])) in text
        assert str(escape(term.labels["es"])) in text
        assert str(escape(term.definitions["en"])) in text, name
    assert len(ids & {t.name for t in doc.all_terms()}) == 68
    assert "https://w3id.org/backcare-kg/ontology/0.1.0" in page.text
    assert "CC BY 4.0" in page.text and "backcare-kg developers" in page.text
    # restrictions and alignments
    assert re.search(r'href="/ontology#hasFeature"[^>]*>has feature</a><span class="op"> value '
                     r'</span><a class="term" href="/resource/mind-body-involvement"', text)
    assert 'href="http://id.nlm.nih.gov/mesh/D026441"' in text
    spanish = client.get("/ontology", headers={"Accept-Language": "es"}).text
    assert '<h3 id="Activity-title">actividad</h3>' in spanish


def test_graph_pages(client: httpx.Client, kg: KnowledgeGraph) -> None:
    asserted = client.get("/graph/asserted")
    page = check_page(asserted.text)
    assert page.headings[0] == ("h1", "asserted graph")
    assert f"{len(kg.asserted):,}" in page.text
    assert 'href="/graph/inferred"' in asserted.text
    assert 'href="/resource/yoga"' in asserted.text
    inferred = client.get("/graph/inferred")
    assert f"{len(kg.inferred):,}" in inferred.text
    assert re.search(r'href="/ontology#RecommendedActivity"[^>]*>recommended activity</a></td>'
                     r'<td class="num">3</td>', inferred.text)


def test_not_found_page_escapes_the_path(client: httpx.Client) -> None:
    response = client.get("/<script>alert(1)</script>")
    assert response.status_code == 404
    page = check_page(response.text)
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in response.text
    assert {"/", "/ontology", "/graph/asserted"} <= set(page.attrs("a", "href"))


def test_static_files(client: httpx.Client) -> None:
    css = client.get("/static/style.css")
    assert css.status_code == 200 and css.headers["content-type"].startswith("text/css")
    assert "@import" not in css.text and "url(http" not in css.text  # no remote fonts
    assert client.get("/static/missing.css").status_code == 404
