"""The HTML pages, as plain functions: a graph, a :class:`~.links.Links` and a language in,
the page out. The server's routes and the static-site publisher call the same functions::

    home_page(kg, Links.static("index.html"))
    resource_page(kg, BCR["yoga"], Links.static("resource/yoga.html"))   # None if unknown
    ontology_page(kg, Links.static("ontology.html"))
    graph_page(kg, "asserted", Links.static("graph/asserted.html"))   # or inferred, support
    void_page(kg, Links.static(".well-known/void.html"))
    not_found_page(Links.static("404.html"))
"""

from __future__ import annotations

from dataclasses import dataclass

from rdflib import Literal, URIRef
from rdflib.namespace import SKOS
from rdflib.term import Node

from backcare_kg.errors import BackcareError
from backcare_kg.graph import KnowledgeGraph
from backcare_kg.rdf.support_levels import LEVELS, SupportLevel
from backcare_kg.vocab import ASSERTED_GRAPH, BC, ONTOLOGY
from backcare_kg.web.dataset import (
    DESCRIPTION,
    EXAMPLES,
    GRAPH_DESCRIPTIONS,
    GRAPH_TITLES,
    NAMED_GRAPHS,
    TITLE,
    dataset_info,
    void_graph,
)
from backcare_kg.web.dataset import graph_iri as named_graph
from backcare_kg.web.describe import describe, level_of
from backcare_kg.web.diagram import neighbourhood_svg
from backcare_kg.web.documents import BY_EXTENSION, SYNTAXES, write
from backcare_kg.web.i18n import texts
from backcare_kg.web.labels import LANGUAGES, labels_of
from backcare_kg.web.links import Links
from backcare_kg.web.ontology_doc import document
from backcare_kg.web.presentation import Presenter, TermView, labels_by_language
from backcare_kg.web.query_files import query_text
from backcare_kg.web.templating import render

#: The flagship question: activities improving balance, allowed in the chronic phase.
FLAGSHIP = ("activities", {"capacity": "balance", "phase": "chronic-phase"})

#: The named query shown in the form when none is chosen.
DEFAULT_EXAMPLE = "activities"


def _common(links: Links, lang: str, path: str = "") -> dict[str, object]:
    t = texts(lang)
    languages = [(code, links.language(code)) for code in LANGUAGES]
    return {"links": links, "lang": lang, "t": t, "languages": languages,
            "nav": nav(links, lang), "path": path,
            "levels": [SupportLevel(rank) for rank in LEVELS]}


def nav(links: Links, lang: str) -> list[tuple[str, str]]:
    """The site's navigation: ``(href, text)``, without what a static site lacks."""
    t = texts(lang)
    items = [(links.home(), t["home"]), (links.href(str(ONTOLOGY)), t["ontology"]),
             (links.href(str(ASSERTED_GRAPH)), t["data"])]
    if links.queries:
        items.append((links.queries, t["queries"]))
    if links.sparql:
        items.append((links.sparql, t["sparql"]))
    return items


def resource_page(kg: KnowledgeGraph, iri: URIRef, links: Links, lang: str = "en") -> str | None:
    """The page of resource ``iri``; None if the graph does not mention it."""
    description = describe(kg, iri)
    if description is None:
        return None
    t = texts(lang)
    present = Presenter(description.labels, links, lang)
    definitions = [s.object for s in description.statements() if s.predicate == SKOS.definition]
    definitions.sort(key=lambda d: getattr(d, "language", None) != lang)
    return render(
        "resource.html", **_common(links, lang),
        subject=present.iri(iri),
        names=labels_by_language(description.labels, str(iri), lang),
        types=present.groups(description.types(), "object")[0].values
        if description.types() else (),
        definition=str(definitions[0]) if definitions else None,
        groups=present.groups(description.statements(), "object", description),
        incoming=present.groups(description.incoming, "subject"),
        excerpts=present.excerpts(description.excerpts),
        diagram=neighbourhood_svg(description, links, lang, t["neighbourhood"]),
        variants=[(s, links.variant(str(iri), s.extension)) for s in SYNTAXES],
    )


def ontology_page(kg: KnowledgeGraph, links: Links, lang: str = "en") -> str:
    """The documentation of the ontology (every class and property)."""
    doc = document()
    return render(
        "ontology.html", **_common(links, lang),
        doc=doc, present=Presenter(labels_of(kg), links, lang),
        variants=[(s, links.variant(str(ONTOLOGY), s.extension)) for s in SYNTAXES],
        sections=[("classes", "class"), ("object_properties", "object property"),
                  ("datatype_properties", "datatype property"),
                  ("individuals", "named individual")],
    )


def graph_page(kg: KnowledgeGraph, which: str, links: Links, lang: str = "en") -> str | None:
    """The summary of the named graph ``which`` (``asserted``, ``inferred`` or ``support``):
    its size, dumps, triples by property and resources; None for another name."""
    iri = named_graph(which)
    if iri is None:
        return None
    info = dataset_info(kg)
    present = Presenter(labels_of(kg), links, lang)
    properties = kg.query(query_text("property-partitions"), graph=iri).rows
    classes = kg.query(query_text("class-partitions"), graph=iri).rows
    resources = kg.query(query_text("graph-resources"), graph=iri).rows
    return render(
        "graph.html", **_common(links, lang),
        which=which, iri=str(iri), title=GRAPH_TITLES[iri].get(lang, GRAPH_TITLES[iri]["en"]),
        description=GRAPH_DESCRIPTIONS[iri].get(lang, GRAPH_DESCRIPTIONS[iri]["en"]),
        size=info.graph_size(iri), present=present,
        other=[(links.href(str(g)), GRAPH_TITLES[g].get(lang, GRAPH_TITLES[g]["en"]))
               for g in NAMED_GRAPHS.values() if g != iri],
        variants=[(s, links.variant(str(iri), s.extension)) for s in SYNTAXES],
        properties=_counts(present, properties, "property", "triples"),
        classes=_counts(present, classes, "class", "entities"),
        resources=_counts(present, resources, "resource", "triples"),
    )


def _counts(present: Presenter, rows: list[dict[str, Node | None]], key: str,
            count: str) -> list[tuple[TermView, int]]:
    found = [(row[key], row[count]) for row in rows]
    return [(present.iri(node), int(str(number))) for node, number in found
            if isinstance(node, URIRef)]


@dataclass(frozen=True)
class Answer:
    """An answer of the flagship question, with how strongly the source supports it (the
    weakest of its conditions, and each condition's level), what the source says of it
    against the experts' criterion, and where to read why it is an answer (its explanation
    page, else its provenance)."""

    activity: TermView
    support: SupportLevel | None
    improves: SupportLevel | None
    phase: SupportLevel | None
    suggested: bool
    covered: int
    targets: int
    recommended: bool
    why: str


def _flagship(kg: KnowledgeGraph, present: Presenter, links: Links) -> list[Answer]:
    """The answers of the flagship question (see :class:`Answer`)."""
    name, params = FLAGSHIP
    try:
        rows = kg.run(name, **params).rows
        phase = kg.resolve(params["phase"])
    except BackcareError:
        return []
    found = []
    for row in rows:
        activity = row["activity"]
        if isinstance(activity, URIRef):
            shown = present.iri(activity)
            why = links.explanation(activity, BC.allowedInPhase, phase)
            found.append(Answer(
                activity=shown, support=level_of(row["support"]),
                improves=level_of(row["improvesSupport"]), phase=level_of(row["phaseSupport"]),
                suggested=_true(row["suggested"]), covered=_count(row["coveredCapacities"]),
                targets=_count(row["targetCapacities"]), recommended=_true(row["recommended"]),
                why=why or f"{shown.href}#provenance"))
    return found


def _true(value: Node | None) -> bool:
    return isinstance(value, Literal) and value.toPython() is True


def _count(value: Node | None) -> int:
    return int(value.toPython()) if isinstance(value, Literal) else 0


def home_page(kg: KnowledgeGraph, links: Links, lang: str = "en",
              example: str | None = None) -> str:
    """The home page: what the dataset is, the flagship answer, a query form (holding the
    named query ``example``, or the flagship's), the named queries, the VoID/DCAT summary,
    the license and the dumps."""
    present = Presenter(labels_of(kg), links, lang)
    queries = kg.named_queries
    chosen = queries.get(example or "") or queries.get(DEFAULT_EXAMPLE)
    name, params = FLAGSHIP
    return render(
        "home.html", **_common(links, lang),
        title=TITLE.get(lang, TITLE["en"]), description=DESCRIPTION.get(lang, DESCRIPTION["en"]),
        answer=_flagship(kg, present, links), flagship_api=links.named_query(name, params),
        capacity=present.iri(kg.resolve(params["capacity"])),
        phase=present.iri(kg.resolve(params["phase"])),
        queries=sorted(queries.values(), key=lambda q: q.name),
        chosen=chosen, query_body=query_body,
        **_dataset_context(kg, links, lang, present),
    )


def query_body(text: str) -> str:
    """A named query's text without its header (the ``#+`` lines): what goes in the form."""
    lines = text.splitlines()
    while lines and (lines[0].startswith("#+") or not lines[0].strip()):
        lines.pop(0)
    return "\n".join(lines) + "\n"


def _dataset_context(kg: KnowledgeGraph, links: Links, lang: str,
                     present: Presenter) -> dict[str, object]:
    info = dataset_info(kg)
    dumps = [(links.href(str(size.iri)), _graph_title(size.iri, lang), size,
              [(s, links.variant(str(size.iri), s.extension)) for s in SYNTAXES])
             for size in info.graphs]
    return {
        "info": info, "dumps": dumps, "present": present,
        "void_links": [(s, links.void(s.extension)) for s in SYNTAXES],
        "void_page": links.void("html"),
        "classes": [(present.iri(cls), count) for cls, count in info.classes],
        "examples": [present.iri(e) for e in EXAMPLES],
        "vocabularies": info.vocabularies,
    }


def _graph_title(iri: URIRef, lang: str) -> str:
    titles = GRAPH_TITLES.get(iri, {})
    return titles.get(lang) or titles.get("en") or str(iri).rsplit("/", 1)[-1]


def void_page(kg: KnowledgeGraph, links: Links, lang: str = "en") -> str:
    """The VoID/DCAT description for people: the dataset summary and the Turtle."""
    present = Presenter(labels_of(kg), links, lang)
    turtle = write(void_graph(dataset_info(kg), endpoint=links.sparql is not None),
                   BY_EXTENSION["ttl"], links.context_url)
    return render("dataset.html", **_common(links, lang), turtle=turtle,
                  title=TITLE.get(lang, TITLE["en"]),
                  description=DESCRIPTION.get(lang, DESCRIPTION["en"]),
                  **_dataset_context(kg, links, lang, present))


def not_found_page(links: Links, lang: str = "en", path: str = "") -> str:
    """The page for an address with nothing behind it."""
    return render("not_found.html", **_common(links, lang, path))
