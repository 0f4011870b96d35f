"""The HTML pages on a real server: the home page, resource pages, the ontology's
documentation, the graph pages and the 404 page (content, links, escaping, no external
resources)."""

from __future__ import annotations

import html
import re

import httpx
import pytest
from markupsafe import escape
from rdflib import RDF, Graph, URIRef
from rdflib.term import Node
from support.pages import SYNTAXES, StatementBadges, check_page
from support.vocabulary import CORE_CLASSES, CORE_PROPERTIES

from backcare_kg import KnowledgeGraph
from backcare_kg.vocab import BC, BCR
from backcare_kg.web.describe import describe, resource_iris
from backcare_kg.web.ontology_doc import document
from backcare_kg.web.pages import query_body

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
    assert {f"/graph/{g}.{e}" for g in ("asserted", "inferred", "support")
            for e in ("ttl", "jsonld", "nt", "rdf")} <= hrefs
    total = len(kg.asserted) + len(kg.inferred) + len(kg.support_graph)
    assert (f"{total:,} = {len(kg.asserted):,} asserted graph + {len(kg.inferred):,} inferred "
            f"graph + {len(kg.support_graph):,} support levels") in page.text
    assert "CC BY 4.0" in page.text and "MIT" in page.text


def test_home_answers_the_flagship_with_its_support_levels(client: httpx.Client) -> None:
    page = check_page(client.get("/").text)
    answer = page.text[page.text.index("The flagship question"):]
    # yoga, editorial as a whole: it improves balance (stated), and is allowed in the
    # chronic phase by a generalization resting on our reading (editorial)
    badges = re.findall(r'<a class="badge badge-level level-(\w+)" href="([^"]+)"[^>]*>(\w+)</a>',
                        client.get("/").text)
    assert badges[:3] == [("editorial", "/ontology#Editorial", "editorial"),
                          ("stated", "/ontology#Stated", "stated"),
                          ("editorial", "/ontology#Editorial", "editorial")]
    assert "covers 3 of the 4 capacities of the experts' criterion" in answer
    assert "not a recommended activity" in answer
    assert 'the activities that "may be interesting"' in answer
    # the legend: the four levels, strongest first, each linking to its entry
    assert badges[3:] == [(n, f"/ontology#{n.capitalize()}", n)
                          for n in ("stated", "entailed", "generalized", "editorial")]
    spanish = client.get("/", headers={"Accept-Language": "es"}).text
    found = re.findall(r'class="badge badge-level level-\w+"[^>]*>(\w+)</a>', spanish)
    assert found == ["editorial", "afirmado", "editorial",
                     "afirmado", "derivado", "generalizado", "editorial"]
    assert "cubre 3 de las 4 capacidades" in spanish


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
    default = re.search(r'<textarea id="query-text" name="query"[^>]*>(.*?)</textarea>',
                        unknown, re.S)
    assert default is not None  # the flagship's query, without its header
    assert html.unescape(default.group(1)) == query_body(kg.named_queries["activities"].text)
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
    # statements grouped by property, each with its support level, inferred ones badged
    assert '<a class="term" href="/ontology#improves"' in text
    assert re.search(r'<li class="inferred"><a class="term" href="/ontology#SuggestedActivity"'
                     r'[^>]*>suggested activity</a> <a class="badge badge-level level-entailed" '
                     r'href="/ontology#Entailed"[^>]*>entailed</a> <a class="badge '
                     r'badge-inferred badge-why" href="/explain\?s=[^"]*"[^>]*>inferred — '
                     r'why\?</a></li>', text)
    assert re.search(r'<li><a class="term" href="/resource/balance"[^>]*>balance</a> <a class='
                     r'"badge badge-level level-stated" href="/ontology#Stated"[^>]*>stated</a>'
                     r'</li>', text)
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
    assert len(ids & {t.name for t in doc.all_terms()}) == 82  # with bc:ruleKind
    # the support levels, named individuals, each with its anchor (the badges link there)
    for name, label, rank in (("Stated", "stated", 1), ("Entailed", "entailed", 2),
                              ("Generalized", "generalized", 3),
                              ("Editorial", "editorial", 4)):
        assert name in ids and f'<h3 id="{name}-title">{label}</h3>' in text
        entry = text[text.index(f'<section class="term card" id="{name}"'):]
        entry = entry[:entry.index("</section>")]
        assert 'href="/ontology#SupportLevel"' in entry
        assert re.search(rf'>rank</a></dt><dd><span class="literal">{rank}</span>', entry)
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
    assert re.search(r'href="/ontology#SuggestedActivity"[^>]*>suggested activity</a></td>'
                     r'<td class="num">5</td>', inferred.text)
    assert "ontology#RecommendedActivity" not in inferred.text  # none meets the criterion
    support = client.get("/graph/support")
    page = check_page(support.text)
    assert page.headings[0] == ("h1", "support levels")
    assert f"{len(kg.support_graph):,}" in page.text
    assert 'href="/graph/asserted"' in support.text and 'href="/graph/inferred"' in support.text
    assert re.search(r'href="/ontology#supportLevel"[^>]*>support level</a> <code class="curie">'
                     r'bc:supportLevel</code></td><td class="num">(\d+)</td>', support.text)
    dump = client.get("/graph/support.nt").text
    assert "<https://w3id.org/backcare-kg/ontology#Editorial> ." in dump
    assert len([line for line in dump.splitlines() if line]) == len(kg.support_graph)


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


#: (resource, property, value, level): statements whose support level the pages must show
#: (DESIGN.md, "Support levels"; the sentence of the source each rests on).
KNOWN_LEVELS = [
    ("yoga", "improves", "/resource/balance", "stated"),  # sentence 24
    ("yoga", "allowedInPhase", "/resource/chronic-phase", "editorial"),  # S7, our reading
    ("yoga", "supportsGoal", "/resource/analgesia", "generalized"),  # S8, exercise in general
    ("yoga", "requiresSupervision", "true", "generalized"),  # S26, "even if possible"
    ("suspension-training", "improves", "/resource/strength", "entailed"),  # by definition
    ("body-foundation", "improves", "/resource/strength", "editorial"),  # our typing
]


@pytest.mark.parametrize(("slug", "prop", "value", "level"), KNOWN_LEVELS)
def test_resource_pages_badge_each_statement_with_its_level(
    client: httpx.Client, kg: KnowledgeGraph, slug: str, prop: str, value: str, level: str
) -> None:
    text = client.get(f"/resource/{slug}").text
    badges = StatementBadges(text)
    assert badges.own[(f"/ontology#{prop}", value)] == (level, f"/ontology#{level.capitalize()}")
    # every statement shown has a badge, and the badges agree with the library
    own = {(s.predicate, s.object) for s in describe(kg, kg.resolve(slug)).statements()}  # type: ignore[union-attr]
    assert len(badges.own) == len({(p, str(o) if not isinstance(o, URIRef) else o)
                                   for p, o in own})
    for (href, shown), (found, _) in badges.own.items():
        if href.startswith("/ontology#") and shown.startswith("/resource/"):
            expected = kg.support(kg.resolve(slug), BC[href.rpartition("#")[2]],
                                  kg.resolve(shown.rpartition("/")[2]))
            assert expected is not None and found == expected.name, (href, shown)


def test_resource_page_badges_what_points_at_it_and_explains_the_levels(
    client: httpx.Client,
) -> None:
    text = client.get("/resource/balance").text
    page = check_page(text)
    badges = StatementBadges(text)
    # yoga improves balance, as the source says; the inverse, by the ontology
    assert badges.incoming[("/ontology#improves", "/resource/yoga")][0] == "stated"
    assert badges.own[("/ontology#improvedBy", "/resource/yoga")][0] == "entailed"
    # the legend: the four levels, strongest first, what each means, each linking to its entry
    legend = re.findall(r'<dt><a class="badge badge-level level-(\w+)" href="([^"]+)"[^>]*>'
                        r'(\w+)</a></dt><dd>([^<]+)</dd>', text)
    assert [(n, href) for n, href, _, _ in legend] == [
        (n, f"/ontology#{n.capitalize()}") for n in ("stated", "entailed", "generalized",
                                                     "editorial")]
    assert "the source says it" in legend[0][3]
    assert "exercise in general" in legend[2][3]
    assert "a reading of ours" in legend[3][3]
    assert "How strongly the source supports each statement" in page.text


def test_resource_page_in_spanish_names_the_levels_in_spanish(client: httpx.Client) -> None:
    text = client.get("/resource/yoga", headers={"Accept-Language": "es"}).text
    check_page(text, "es")
    names = dict(re.findall(r'class="badge badge-level level-(\w+)"[^>]*>([^<]+)</a>', text))
    assert names == {"stated": "afirmado", "entailed": "derivado",
                     "generalized": "generalizado", "editorial": "editorial"}
    assert "Cuánto respalda la fuente cada afirmación" in text
    assert "lo dice la fuente" in text


# raised inside rdflib's JSON-LD parser; not ours to fix
@pytest.mark.filterwarnings("ignore:ConjunctiveGraph is deprecated:DeprecationWarning")
@pytest.mark.parametrize("extension", ["ttl", "jsonld"])
def test_resource_documents_carry_the_support_levels(
    client: httpx.Client, kg: KnowledgeGraph, extension: str
) -> None:
    response = client.get("/resource/yoga", headers={"Accept": SYNTAXES[extension][0]})
    assert response.status_code == 200
    graph = Graph().parse(data=response.text, format=SYNTAXES[extension][1])

    def level(p: URIRef, o: Node) -> Node | None:
        [node] = [n for n in graph.subjects(RDF.subject, BCR.yoga)
                  if (n, RDF.predicate, p) in graph and (n, RDF.object, o) in graph]
        assert (node, RDF.type, RDF.Statement) in graph
        return graph.value(node, BC.supportLevel)

    assert level(BC.improves, BCR.balance) == BC.Stated
    assert level(BC.allowedInPhase, BCR["chronic-phase"]) == BC.Editorial
    assert level(BC.supportsGoal, BCR.analgesia) == BC.Generalized
    assert level(BC.coversTargetCapacity, BCR.balance) == BC.Entailed
    # one level for every statement about yoga the graph holds, and no other
    about = {(p, o) for p, o in graph.predicate_objects(BCR.yoga)}
    assert {(graph.value(n, RDF.predicate), graph.value(n, RDF.object))
            for n in graph.subjects(RDF.subject, BCR.yoga)} == about
    assert about == {(p, o) for _, p, o in kg.graph.triples((BCR.yoga, None, None))}
