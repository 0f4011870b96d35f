"""Explanations on a real server (``/explain``): the page with its proof trees, rules, files,
lines and quotes, and the support level of the statement and of each step; the JSON and
PROV-O twins; errors; and the links to explanations from the inferred statements of resource
pages."""

from __future__ import annotations

from dataclasses import replace
from html.parser import HTMLParser
from typing import Any
from urllib.parse import parse_qsl, urlsplit

import httpx
import jsonschema
import pytest
from rdflib import RDF, Graph, Literal, URIRef
from rdflib.compare import isomorphic
from support.pages import SYNTAXES, check_page

from backcare_kg import KnowledgeGraph
from backcare_kg.explain import OWL_RL_SPEC, Excerpt, Explanation, Location, Proof, RuleRef, Span
from backcare_kg.explain.json_format import schema, to_json
from backcare_kg.explain.prov_format import to_graph
from backcare_kg.rdf.support_levels import SupportLevel
from backcare_kg.server.routes.explain import explanation_page
from backcare_kg.vocab import BC, BCR
from backcare_kg.web import pages as html_pages
from backcare_kg.web.explain_views import explanation_view, marked
from backcare_kg.web.labels import labels_of
from backcare_kg.web.links import Links
from backcare_kg.web.presentation import Presenter

pytestmark = [
    pytest.mark.server,
    # raised inside rdflib's JSON-LD parser; not ours to fix
    pytest.mark.filterwarnings("ignore:ConjunctiveGraph is deprecated:DeprecationWarning"),
]

FLAGSHIP = {"s": "yoga", "p": "allowedInPhase", "o": "chronic-phase"}
NOT_HELD = {"s": "yoga", "p": "recommendedInPhase", "o": "acute-phase"}
XSD_BOOLEAN = "http://www.w3.org/2001/XMLSchema#boolean"
BOOLEAN_TRUE = f'"true"^^<{XSD_BOOLEAN}>'

CRITERION = (
    "Sports that allow safe exercise to improve strength, flexibility, balance and "
    "body stability will be recommended"
)
LIMIT_ERROR = "parameter 'limit': the number of proofs to show is a whole number from 1 to 10, not "


def link(s: URIRef, p: URIRef, o: URIRef | str, extension: str = "") -> str:
    """The explanation link of a statement, as a page writes it (``o`` already N-Triples
    for a literal)."""
    return str(
        httpx.URL(
            "/explain" + (f".{extension}" if extension else ""),
            params={"s": str(s), "p": str(p), "o": str(o)},
        )
    )


class Tree(HTMLParser):
    """The proof trees of an explanation page: per proof, nested ``(statement, how,
    premises)`` with the text of the node's statement and of its rule or location; the
    support level of each node, in the same order, in ``levels`` (per proof)."""

    def __init__(self, text: str) -> None:
        super().__init__()
        self.proofs: list[list[Any]] = []
        self.levels: list[list[str]] = []
        self._stack: list[list[Any]] = []
        self._into: str | None = None
        self._level = False
        self._tags: list[str] = []
        self.feed(text)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        classes = (dict(attrs).get("class") or "").split()
        if tag == "a" and "badge-support" in classes and self._into == "statement":
            self._level = True
            self.levels[-1].append("")
            return
        if tag == "ul" and "tree" in classes:
            self.proofs.append([])
            self.levels.append([])
            self._stack = [self.proofs[-1]]
        elif tag == "li" and "node" in classes and self._stack:
            node: list[Any] = ["", "", []]
            self._stack[-1].append(node)
            self._stack.append(node[2])
            self._tags.append("node")
        elif tag == "li":
            self._tags.append("li")
        if tag == "p" and "node-statement" in classes:
            self._into = "statement"
        elif tag == "p" and "node-how" in classes:
            self._into = "how"

    def handle_endtag(self, tag: str) -> None:
        if tag == "a" and self._level:
            self._level = False
            return
        if tag == "p" and self._into and len(self._stack) > 1:
            parent = self._stack[-2][-1]
            index = 0 if self._into == "statement" else 1
            parent[index] = " ".join(parent[index].split())
        if tag == "p":
            self._into = None
        if tag == "li" and self._tags and self._tags.pop() == "node":
            self._stack.pop()

    def handle_data(self, data: str) -> None:
        if self._level:
            self.levels[-1][-1] += data.strip()
        elif self._into and len(self._stack) > 1:
            parent = self._stack[-2][-1]
            index = 0 if self._into == "statement" else 1
            parent[index] += data

    def shape(self, nodes: list[Any] | None = None) -> list[Any]:
        """The trees as ``(statement, premises)`` only."""
        return [(s, self.shape(p)) for s, _, p in (self.proofs[0] if nodes is None else nodes)]


# -- the page ---------------------------------------------------------------------------------


def test_flagship_page(client: httpx.Client) -> None:
    response = client.get("/explain", params=FLAGSHIP)
    assert response.status_code == 200
    assert response.headers["content-type"] == "text/html; charset=utf-8"
    assert response.headers["content-location"] == link(
        BCR.yoga, BC.allowedInPhase, BCR["chronic-phase"], "html"
    )
    assert response.headers["vary"] == "Accept, Accept-Language"
    page = check_page(response.text)
    text = response.text
    assert page.headings[0] == ("h1", "yoga allowed in phase chronic phase")
    assert "bcr:yoga bc:allowedInPhase bcr:chronic-phase" in page.text
    # its level: editorial, a generalization resting on our reading
    assert "Support: editorial" in " ".join(page.text.split())
    assert (
        '<p class="support-verdict"><strong>Support:</strong> <a class="badge badge-support '
        'badge-level-editorial" href="/ontology#Editorial" title="Support">editorial</a></p>'
    ) in text
    # one proof: a domain rule from three asserted statements
    tree = Tree(text)
    assert len(tree.proofs) == 1
    [(statement, how, premises)] = tree.proofs[0]
    assert statement == "yoga allowed in phase chronic phase"
    assert how == (
        "domain rule chronic-phase-allowed (kind generalization: the claim says it of exercise "
        "in general, and the rule applies it to each activity) Outside the acute phase the "
        "benefits of exercise exceed its risks, so each activity is allowed in the phase the "
        'claim is about. implements the claim If "this" is excluded (the acute phase, in our '
        'reading), the benefits of sport exceed its possible risks (sentence 7)'
    )
    assert [(s, h, p) for s, h, p in premises] == [
        ("chronic phase type pain phase", "asserted in data/entities.ttl, line 276", []),
        (
            'If "this" is excluded (the acute phase, in our reading), the benefits of sport '
            "exceed its possible risks about chronic phase",
            "asserted in data/claims.ttl, line 211",
            [],
        ),
        ("yoga type activity", "asserted in data/entities.ttl, line 131", []),
    ]
    # the phase and what the claim is about are our reading's (data/licenses.ttl)
    assert tree.levels == [["editorial", "editorial", "editorial", "stated"]]
    assert (
        text.count('<p class="node-editorial">only a reading of ours licenses it: editorial</p>')
        == 2
    )
    assert "Proof 1 editorial · 1 step · rules: chronic-phase-allowed" in " ".join(
        page.text.split()
    )
    assert (
        '<code class="rule-name" title="ontology/rules/chronic-phase-allowed.rq">'
        "chronic-phase-allowed</code>"
    ) in text
    assert (
        '<span class="rule-claim">implements the claim <a class="term" '
        'href="/resource/claim-benefits-exceed-risks"'
    ) in text
    # the quotes at the leaves, marked inside their whole sentences
    assert (
        '<a class="sentence-number" href="/resource/source-article-sentence-7">Sentence 7'
        "</a> But if we exclude this is not an absolute contraindication, <mark>the "
        "benefits of sports are higher than the possible risks</mark>.</p>"
    ) in text
    assert (
        "Sentence 16</a> To do this, note that <mark>the following actions may be "
        "interesting</mark>:</p>"
    ) in text
    assert 'href="/resource/source-article"' in text and 'href="/resource/expert-opinion"' in text
    # the editorial readings are marked as ours, with their notes; the one the editorial
    # premises rest on says it licenses them (both), as the two claims of sentences 16 and 24
    # say of yoga's typing (data/licenses.ttl)
    assert text.count('<span class="badge badge-editorial">editorial reading</span>') == 3
    assert text.count("the graph makers&#39; reading, not the source&#39;s word") == 3
    assert text.count('<span class="relation">licenses it</span>') == 4
    assert "<mark>But if we exclude this</mark> is not an absolute contraindication" in text
    assert "The source lost this paragraph&#39;s heading." in text
    assert 'href="/resource/backcare-kg-editors"' in text
    # its twins, linked in the head and in the page
    for extension, media_type in (("json", "application/json"), ("ttl", "text/turtle")):
        href = link(BCR.yoga, BC.allowedInPhase, BCR["chronic-phase"], extension)
        assert {"rel": "alternate", "type": media_type, "href": href} in [
            a for t, a in page.tags if t == "link"
        ]
        assert href in page.attrs("a", "href")
    # the graph has no other proof (nothing recommends an activity for a phase)
    assert "show more proofs" not in page.text


def test_owl_rule_links_to_the_w3c_tables(client: httpx.Client) -> None:
    params = {"s": "yoga", "p": "allowedInPhase", "o": "acute-phase"}
    response = client.get("/explain", params=params)
    tree = Tree(response.text)
    assert tree.shape() == [
        (
            "yoga allowed in phase acute phase",
            [
                ("pain-limited in phase rdfs:subPropertyOf allowed in phase", []),
                (
                    "yoga pain-limited in phase acute phase",
                    [
                        ("acute pain type relative contraindication", []),
                        ("yoga type activity", []),
                        ("acute pain applies in phase acute phase", []),
                    ],
                ),
            ],
        ),
    ]
    # an OWL 2 RL step is entailed; the pain limit in the acute phase is a generalization
    assert tree.levels == [["generalized", "stated", "generalized", "stated", "stated", "stated"]]
    assert (
        f'<a class="rule-name" href="{OWL_RL_SPEC}" rel="external"><code>prp-spo1</code></a>'
    ) in response.text
    assert "Proof 1 generalized · 2 steps · rules: prp-spo1, acute-phase-pain-limited" in " ".join(
        check_page(response.text).text.split()
    )
    assert "show more proofs" not in response.text  # no more


def test_more_proofs_strongest_first(client: httpx.Client) -> None:
    params = {"s": "yoga", "p": "a", "o": "bc:Activity", "limit": "2"}
    response = client.get("/explain", params=params)
    tree = Tree(response.text)
    assert [levels[0] for levels in tree.levels] == ["stated", "entailed"]
    assert [(s, [p for p, _ in premises]) for s, premises in tree.shape()] == [
        ("yoga type activity", [])
    ]
    assert "show more proofs" in response.text
    assert link(BCR.yoga, RDF.type, BC.Activity) + "&limit=10" in check_page(response.text).attrs(
        "a", "href"
    )


def test_page_in_spanish(client: httpx.Client) -> None:
    response = client.get("/explain", params={**FLAGSHIP, "lang": "es"})
    page = check_page(response.text, "es")
    assert response.headers["content-language"] == "es"
    assert page.headings[0] == ("h1", "yoga permitida en la fase fase crónica")
    assert "Prueba 1" in page.text and "regla del dominio" in page.text
    assert "afirmado en data/entities.ttl, línea 131" in page.text
    # the levels are named by the graph in Spanish
    assert Tree(response.text).levels == [["editorial", "editorial", "editorial", "afirmado"]]
    assert "tipo generalización: la afirmación lo dice del ejercicio en general" in page.text
    assert "solo una lectura nuestra la respalda: editorial" in page.text
    here = link(BCR.yoga, BC.allowedInPhase, BCR["chronic-phase"])
    assert f"{here}&lang=en" in page.attrs("a", "href")  # the switch keeps the statement


# -- the documents ----------------------------------------------------------------------------


def test_json(client: httpx.Client, kg: KnowledgeGraph) -> None:
    response = client.get("/explain", params=FLAGSHIP, headers={"Accept": "application/json"})
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/json"
    document = response.json()
    jsonschema.validate(document, schema())
    expected = kg.explain("yoga", "allowedInPhase", "chronic-phase")
    assert document == to_json(expected, kg.explainer.label)
    assert document["proofs"][0]["rule"]["name"] == "chronic-phase-allowed"
    assert (document["support"], document["proofs"][0]["rule"]["ruleKind"]) == (
        "editorial",
        "generalization",
    )
    by_extension = client.get(link(BCR.yoga, BC.allowedInPhase, BCR["chronic-phase"], "json"))
    assert by_extension.json() == document and "vary" not in by_extension.headers


@pytest.mark.parametrize("extension", list(SYNTAXES))
def test_prov_o(client: httpx.Client, kg: KnowledgeGraph, extension: str) -> None:
    media_type, parser = SYNTAXES[extension]
    response = client.get("/explain", params=FLAGSHIP, headers={"Accept": media_type})
    assert response.status_code == 200
    assert response.headers["content-type"].split(";")[0] == media_type
    assert response.headers["content-location"] == link(
        BCR.yoga, BC.allowedInPhase, BCR["chronic-phase"], extension
    )
    graph = Graph().parse(data=response.text, format=parser)
    expected = to_graph(kg.explain("yoga", "allowedInPhase", "chronic-phase"), kg.explainer.label)
    assert len(graph) == len(expected) > 50
    assert isomorphic(graph, expected)


# -- what the graph does not hold, and errors -------------------------------------------------


def test_not_held(client: httpx.Client) -> None:
    response = client.get("/explain", params=NOT_HELD)
    assert response.status_code == 404
    page = check_page(response.text)
    assert "The graph does not hold this statement." in page.text
    assert Tree(response.text).proofs == []
    near = [a["href"] or "" for t, a in page.tags if t == "a" and a.get("class") == "why"]
    assert near == [link(BCR.yoga, BC.allowedInPhase, BCR["acute-phase"])]
    assert "a broader property" in page.text
    assert (
        '<a class="badge badge-support badge-level-generalized" href="/ontology#Generalized"'
        in response.text
    )
    for href in near:
        assert client.get(href).status_code == 200
    document = client.get("/explain", params=NOT_HELD, headers={"Accept": "application/json"})
    assert document.status_code == 404
    jsonschema.validate(document.json(), schema())
    assert document.json()["entailed"] is False and document.json()["proofs"] == []
    assert [(n["relation"], n["support"]) for n in document.json()["near"]] == [
        ("superproperty", "generalized"),
    ]
    # yoga covers three of the four capacities the criterion names: not recommended
    recommended = {"s": "yoga", "p": "a", "o": "bc:RecommendedActivity"}
    response = client.get("/explain", params=recommended)
    assert response.status_code == 404
    page = check_page(response.text)
    assert "same subject and property, another value" in page.text
    turtle = client.get("/explain", params=NOT_HELD, headers={"Accept": "text/turtle"})
    assert turtle.status_code == 404
    assert (None, BC.entailed, Literal(False)) in Graph().parse(data=turtle.text)


@pytest.mark.parametrize(
    ("params", "message"),
    [
        (
            {"s": "yoga", "o": "chronic-phase"},
            "parameter 'p': missing: give the statement's predicate (an IRI or a prefixed name)",
        ),
        (
            {"s": " ", "p": "allowedInPhase", "o": "chronic-phase"},
            "parameter 's': missing: give the statement's subject (an IRI, a prefixed name or a "
            "name)",
        ),
        (
            {**FLAGSHIP, "limit": "11"},
            LIMIT_ERROR + "'11'",
        ),
        (
            {**FLAGSHIP, "limit": "0"},
            LIMIT_ERROR + "'0'",
        ),
        (
            {**FLAGSHIP, "limit": "two"},
            LIMIT_ERROR + "'two'",
        ),
        ({**FLAGSHIP, "limit": "²"}, LIMIT_ERROR + "'²'"),
        (
            {"s": "yoga", "p": "no-such-property", "o": "chronic-phase"},
            "parameter 'p': no property of the graph is named 'no-such-property' (the statement's "
            "predicate) (accepted: bc:about,",
        ),
    ],
)
def test_bad_request(client: httpx.Client, params: dict[str, str], message: str) -> None:
    response = client.get("/explain", params=params, headers={"Accept": "application/json"})
    assert response.status_code == 400
    assert response.headers["content-type"] == "text/plain; charset=utf-8"
    assert response.text.startswith(message)
    page = client.get("/explain", params=params)
    assert page.status_code == 400
    form = check_page(page.text)
    assert "Cannot explain this" in form.text and message[:40] in form.text
    assert form.attrs("input", "name") == ["s", "p", "o", "lang"]


def test_bad_request_page_escapes_what_it_was_given(client: httpx.Client) -> None:
    response = client.get("/explain", params={"s": "<script>alert(1)</script>", "p": "a"})
    assert response.status_code == 400
    page = check_page(response.text)
    assert 'value="&lt;script&gt;alert(1)&lt;/script&gt;"' in response.text
    assert page.attrs("input", "value")[:2] == ["<script>alert(1)</script>", "a"]


def test_a_term_given_twice(client: httpx.Client) -> None:
    response = client.get(
        "/explain?s=yoga&s=pilates&p=a&o=bc:Activity", headers={"Accept": "text/turtle"}
    )
    assert (response.status_code, response.text) == (
        400,
        "parameter 's': given more than once: give one value\n",
    )


def test_not_acceptable_and_unknown_extension(client: httpx.Client) -> None:
    response = client.get("/explain", params=FLAGSHIP, headers={"Accept": "image/png"})
    assert response.status_code == 406
    assert response.text == (
        "none of the accepted media types is offered here; an explanation "
        "is offered as: text/html, application/json, text/turtle, "
        "application/ld+json, application/n-triples, "
        "application/rdf+xml\n"
    )
    assert client.get("/explain.exe", params=FLAGSHIP).status_code == 404


def test_head(client: httpx.Client) -> None:
    get = client.get("/explain", params=FLAGSHIP, headers={"Accept": "application/json"})
    head = client.head("/explain", params=FLAGSHIP, headers={"Accept": "application/json"})
    assert head.status_code == 200 and head.content == b""
    assert head.headers["content-length"] == get.headers["content-length"]
    assert head.headers["content-location"] == get.headers["content-location"]
    assert client.head("/explain", params=NOT_HELD).status_code == 404
    assert client.head("/explain", params={"s": "yoga"}).status_code == 400


# -- literals ---------------------------------------------------------------------------------


@pytest.mark.parametrize("obj", [BOOLEAN_TRUE, "true"])
def test_literal_object(client: httpx.Client, kg: KnowledgeGraph, obj: str) -> None:
    assert (BCR.yoga, BC.requiresSupervision, Literal(True)) in kg.inferred
    response = client.get(
        "/explain",
        params={"s": str(BCR.yoga), "p": str(BC.requiresSupervision), "o": obj},
        headers={"Accept": "application/json"},
    )
    assert response.status_code == 200
    document = response.json()
    assert document["statement"]["object"] == {
        "type": "literal",
        "value": "true",
        "datatype": XSD_BOOLEAN,
    }
    assert document["entailed"] is True and document["asserted"] is False


def test_language_tagged_literal(client: httpx.Client) -> None:
    response = client.get("/explain", params={"s": "yoga", "p": "skos:prefLabel", "o": '"yoga"@en'})
    assert response.status_code == 200
    page = check_page(response.text)
    tree = Tree(response.text)
    assert "asserted" in page.text and tree.shape() == [("yoga preferred label yoga en", [])]
    assert tree.levels == [["editorial"]]  # the name yoga is our reading of a lost heading


# -- links from resource pages ----------------------------------------------------------------


def explanation_links(text: str) -> list[str]:
    page = check_page(text)
    return [
        a["href"] or ""
        for t, a in page.tags
        if t == "a" and "badge-why" in (a.get("class") or "").split()
    ]


def test_resource_page_links_every_inferred_statement(
    client: httpx.Client, kg: KnowledgeGraph
) -> None:
    text = client.get("/resource/yoga").text
    hrefs = explanation_links(text)
    found = {tuple(v for _, v in parse_qsl(urlsplit(h).query)) for h in hrefs}
    assert len(found) == len(hrefs) == 28
    outgoing = {
        (str(s), str(p), str(o) if isinstance(o, URIRef) else o.n3())
        for s, p, o in kg.inferred.triples((BCR.yoga, None, None))
    }
    incoming = {(str(s), str(p), str(o)) for s, p, o in kg.inferred.triples((None, None, BCR.yoga))}
    assert found == outgoing | incoming
    assert (str(BCR.yoga), str(BC.requiresSupervision), BOOLEAN_TRUE) in found
    assert (str(BCR.balance), str(BC.improvedBy), str(BCR.yoga)) in found  # incoming
    assert link(BCR.yoga, RDF.type, BC.SuggestedActivity) in hrefs
    assert link(BCR.yoga, RDF.type, BC.RecommendedActivity) not in hrefs
    for href in hrefs:
        response = client.get(href)
        assert response.status_code == 200, href
        assert "The graph holds this statement because rules derive it" in response.text, href
    # asserted values have no such link (only their support level)
    assert (
        '<li><a class="term" href="/resource/balance" title="https://w3id.org/backcare-kg/'
        'resource/balance">balance</a> <a class="badge badge-level level-stated" '
        'href="/ontology#Stated" title="support level: stated">stated</a></li>' in text
    )


def test_published_pages_do_not_link_to_explanations(kg: KnowledgeGraph) -> None:
    page = html_pages.resource_page(kg, BCR.yoga, Links.static("resource/yoga.html"))
    assert page is not None
    assert "explain?" not in page and "badge-why" not in page
    assert page.count('<span class="badge badge-inferred">inferred</span>') == 29  # + legend


# -- the page's pieces ------------------------------------------------------------------------


def test_marked_uses_the_offsets() -> None:
    sentence = Span(10, 31, "the pain, the pain ok")
    assert marked(sentence, Span(24, 28, "pain")) == ("the pain, the ", "pain", " ok")
    assert marked(sentence, Span(-1, -1, "pain")) == ("the ", "pain", ", the pain ok")
    assert marked(sentence, Span(25, 40, "ain ok. Next")) == ("the pain, the p", "ain ok", "")
    assert marked(sentence, None) == ("the pain, the pain ok", "", "")


def test_a_statement_is_shown_once_per_proof(kg: KnowledgeGraph) -> None:
    leaf = Proof(
        (BCR.yoga, RDF.type, BC.Activity),
        location=Location("data/entities.ttl", 134),
        excerpts=(
            Excerpt(
                BCR["claim-candidate-activities"],
                "claim",
                "about subject",
                None,
                (),
                None,
                None,
                (),
                None,
            ),
        ),
    )
    rule = RuleRef("domain", "twice", "uses one premise twice")
    middle = Proof((BCR.yoga, RDF.type, BC.RecommendedActivity), rule, (leaf,))
    root = Proof((BCR.yoga, BC.allowedInPhase, BCR["chronic-phase"]), rule, (leaf, middle))
    view = explanation_view(
        Explanation(root.statement, True, False, (root,)),
        Presenter(labels_of(kg), Links.server(), "en"),
    )
    top = view.proofs[0].root
    first, second = top.premises[0], top.premises[1].premises[0]
    assert (top.anchor, first.anchor, second.anchor) == ("proof-1-1", "proof-1-2", "proof-1-4")
    assert first.repeat_of is None and len(first.sources) == 1
    assert second.repeat_of == "proof-1-2" and second.sources == ()
    assert view.proofs[0].rules == ("twice",) and view.proofs[0].depth == 2


def test_the_page_says_when_the_recorded_level_is_not_the_proofs(kg: KnowledgeGraph) -> None:
    explanation = kg.explain("yoga", "allowedInPhase", "chronic-phase")
    links = Links.server()
    assert "support-mismatch" not in explanation_page(kg, explanation, links)
    wrong = replace(explanation, support=SupportLevel.of("entailed"))
    view = explanation_view(wrong, Presenter(labels_of(kg), links, "en"))
    assert (view.consistent, view.support and view.support.name) == (False, "entailed")
    page = check_page(explanation_page(kg, wrong, links))
    assert (
        "The level the graph records differs from its strongest proof's (editorial): its "
        "support graph does not match its proofs." in page.text
    )
