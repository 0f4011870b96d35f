"""The asserted graph says no more than the article: issue 14's findings about the data, pinned.

Each test here pins one finding of issue 14 that is about the data (hedges, outside facts,
Spanish words, the selection criterion's breathing, the licenses of every statement) as fixed.
The last part walks the article's sentences and names the claims and readings resting on each.
"""

from __future__ import annotations

import pytest
from rdflib import Graph
from rdflib.namespace import FOAF, SKOS

from backcare_kg import KnowledgeGraph
from backcare_kg.vocab import BCR

ORGANIZATIONS = ("college-of-physiotherapists-of-madrid", "spanish-society-of-pain")


@pytest.fixture(scope="module")
def graph() -> Graph:
    return KnowledgeGraph.load(inference=False).asserted


# -- outside facts ---------------------------------------------------------------------------


@pytest.mark.parametrize("slug", ORGANIZATIONS)
def test_no_homepage_the_article_does_not_give(slug: str, graph: Graph) -> None:
    assert list(graph.objects(BCR[slug], FOAF.homepage)) == []


def test_no_acronym_the_article_does_not_give(graph: Graph, source_text: str) -> None:
    """ "SED" is the article's; "CPFCM" is not, and neither is any other alternative label."""
    for slug in ORGANIZATIONS:
        for label in graph.objects(BCR[slug], SKOS.altLabel):
            assert str(label) in source_text, (slug, str(label))
    assert not any(str(o) == "CPFCM" for o in graph.objects(None, None))
    web_sites = ("cfisiomad", "sedolor")
    assert [str(o) for o in graph.objects() if any(w in str(o) for w in web_sites)] == []
