"""The knowledge graph pushed into real SPARQL stores (Oxigraph and Virtuoso on 127.0.0.1)
answers exactly as the local one.

Each store is cleared and the bundled graph pushed once for this module; then:

- every named query (with its documented example values, and with no values where every
  parameter is optional), the flagship question, ``query()`` with bound values, ``FROM``,
  ``query_dataset()``, ASK, CONSTRUCT and DESCRIBE (blank nodes included) give the same
  answer through :meth:`KnowledgeGraph.connect` as locally;
- the size and both graphs (downloaded) are the same;
- errors are the same: a malformed query (line and column), an update, an unknown graph,
  an unknown named query parameter;
- pushing works by both methods (Graph Store Protocol then a switch by update; SPARQL
  Update only; Graph Store Protocol only, without a switch), replaces the old graph
  whole, keeps the blank-node structure and leaves no staging graph behind;
- logins: a wrong password and no password are refused with a clear message (never the
  password), and a login from a netrc file or the environment variables is used.

Cases that once differed stay here as plain checks: DESCRIBE of a bound variable whose
pattern does not match, the ``labels`` query over the whole graph on Virtuoso (rewritten
without FILTER NOT EXISTS), and a SPARQL-Update-only push with the default batch size to
Virtuoso (which refuses large INSERT requests).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from rdflib import BNode, Literal, URIRef
from rdflib.compare import isomorphic
from rdflib.term import Node
from support.remote_stores import RunningStore

from backcare_kg import KnowledgeGraph, LoginRefused, ParameterError, QueryError, Result
from backcare_kg.errors import QueryRefused
from backcare_kg.remote.push import STAGING, PushReport
from backcare_kg.vocab import ASSERTED_GRAPH, BC, BCR, INFERRED_GRAPH, SUPPORT_GRAPH

pytestmark = pytest.mark.store

STORES = ["oxigraph", "virtuoso"]
OUR_GRAPHS = {str(ASSERTED_GRAPH), str(INFERRED_GRAPH), str(SUPPORT_GRAPH)}
STAGING_GRAPHS = {str(g) for g in STAGING.values()}
YOGA = BCR["yoga"]
BLANK = "_:blank"  # what every blank node in a row is compared as
EX = "https://example.org/backcare-kg-parity/"
SECRET = "not-the-password-7f3a9c"

# An ontology class whose description holds a blank node (an owl:Restriction)
CLASS_WITH_RESTRICTION = BC["MindBodyActivity"]

EXTRA_TURTLE = f"""@prefix ex: <{EX}> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix bc: <https://w3id.org/backcare-kg/ontology#> .
ex:thing rdfs:label "a parity test thing"@en ;
    ex:has [ ex:part [ ex:name "inner \\"quoted\\" part" ] ; ex:name "outer" ] ,
           [ ex:name "second" ] .
ex:other ex:links ex:thing ; ex:count 3 .
"""


# -- the stores -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Target:
    """A running store and how to push to it and read from it."""

    store: RunningStore

    @property
    def name(self) -> str:
        return self.store.name

    @property
    def auth(self) -> tuple[str, str] | None:
        if self.store.user is None or self.store.password is None:
            return None
        return self.store.user, self.store.password

    @property
    def store_endpoint(self) -> str:
        """The Graph Store Protocol URL as push takes it (Virtuoso's own parameter name)."""
        if self.store.graph_param == "graph":
            return self.store.store_url
        return f"{self.store.store_url}?{self.store.graph_param}="

    def push(self, kg: KnowledgeGraph, **options: Any) -> PushReport:
        """Push by the Graph Store Protocol, then switch by SPARQL Update."""
        return kg.push(self.store.query_url, self.store.update_url, self.store_endpoint,
                       self.auth, **options)

    def connect(self) -> KnowledgeGraph:
        return KnowledgeGraph.connect(self.store.query_url, retries=0)

    def our_graphs_only(self) -> None:
        """The store holds our three graphs and nothing else (no staging graph)."""
        assert self.store.graphs() - self.store.system_graphs == OUR_GRAPHS


@pytest.fixture(scope="module", params=STORES)
def target(request: pytest.FixtureRequest, kg: KnowledgeGraph) -> Iterator[Target]:
    """Each store in turn, cleared, with the bundled graph pushed into it."""
    store: RunningStore = request.getfixturevalue(f"{request.param}_store")
    store.clear()
    pushed = Target(store)
    pushed.push(kg)
    yield pushed
    store.clear()


@pytest.fixture(scope="module")
def remote(target: Target) -> KnowledgeGraph:
    """The graph in the store, through :meth:`KnowledgeGraph.connect`."""
    return target.connect()


@pytest.fixture(scope="module")
def extra_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("parity") / "extra.ttl"
    path.write_text(EXTRA_TURTLE, encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def kg_extra(extra_file: Path) -> KnowledgeGraph:
    """The bundled graph with a few more triples (blank nodes among them), reasoned."""
    return KnowledgeGraph.load(extra=[extra_file])


@pytest.fixture
def no_login(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    """No login anywhere: no environment variables, an empty netrc file (returned)."""
    monkeypatch.delenv("BACKCARE_KG_USER", raising=False)
    monkeypatch.delenv("BACKCARE_KG_PASSWORD", raising=False)
    netrc = tmp_path / "netrc"
    netrc.write_text("", encoding="utf-8")
    netrc.chmod(0o600)
    monkeypatch.setenv("NETRC", str(netrc))
    return netrc


# -- comparing answers ----------------------------------------------------------------------


def _cell(value: Node | None) -> object:
    return BLANK if isinstance(value, BNode) else value


def assert_same_answer(remote: Result, local: Result) -> None:
    """The same kind and answer: rows as a multiset (blank nodes alike), the boolean, or an
    isomorphic graph."""
    assert remote.kind == local.kind
    if local.kind == "SELECT":
        assert remote.vars == local.vars
        assert len(remote.rows) == len(local.rows)

        def rows(result: Result) -> Counter[tuple[object, ...]]:
            return Counter(tuple(_cell(row[v]) for v in result.vars) for row in result.rows)

        assert rows(remote) == rows(local)
    elif local.kind == "ASK":
        assert remote.boolean is local.boolean
    else:
        assert remote.graph is not None and local.graph is not None
        assert len(remote.graph) == len(local.graph)
        assert isomorphic(remote.graph, local.graph)


def _named_query_cases() -> list[Any]:
    cases = []
    for name, nq in sorted(KnowledgeGraph.bundled_queries().items()):
        examples = {p.name: p.example for p in nq.parameters if p.example}
        cases.append(pytest.param(name, examples, id=f"{name}-examples"))
        if nq.parameters and not any(p.required for p in nq.parameters):
            cases.append(pytest.param(name, {}, id=f"{name}-no-parameters"))
    return cases


# -- answers --------------------------------------------------------------------------------


@pytest.mark.parametrize(("name", "params"), _named_query_cases())
def test_named_query_answers_as_locally(remote: KnowledgeGraph, kg: KnowledgeGraph,
                                        name: str, params: dict[str, str]) -> None:
    local = kg.run(name, **params)
    if local.kind == "SELECT":
        assert local.rows, f"{name} with {params} finds nothing locally: a vacuous check"
    assert_same_answer(remote.run(name, **params), local)


def test_flagship_question_answers_yoga(remote: KnowledgeGraph, kg: KnowledgeGraph) -> None:
    answer = remote.activities(improves="balance", phase="chronic")
    assert_same_answer(answer, kg.activities(improves="balance", phase="chronic"))
    assert YOGA in {v for row in answer.rows for v in row.values()}


QUERIES = {
    "bound-literal": ("SELECT ?s ?label WHERE { ?s rdfs:label ?label "
                      "FILTER(STR(?label) = ?name) }", {"name": "yoga"}),
    "bound-iri": ("SELECT ?p ?o WHERE { ?s ?p ?o }", {"s": YOGA}),
    "bound-iri-optional": ("SELECT ?label WHERE { ?s a bc:Activity "
                           "OPTIONAL { ?s rdfs:label ?label FILTER(lang(?label) = ?lang) } }",
                           {"s": YOGA, "lang": "es"}),
    "from-asserted": (f"SELECT (COUNT(*) AS ?n) FROM <{ASSERTED_GRAPH}> WHERE {{ ?s ?p ?o }}",
                      {}),
    "from-named-graphs": (f"SELECT ?g (COUNT(*) AS ?n) FROM NAMED <{ASSERTED_GRAPH}> "
                          f"FROM NAMED <{INFERRED_GRAPH}> WHERE {{ GRAPH ?g {{ ?s ?p ?o }} }} "
                          "GROUP BY ?g", {}),
    "graph-pattern": ("SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g",
                      {}),
    "count-all": ("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }", {}),
    "ask-true": ("ASK { ?s a bc:Activity }", {"s": YOGA}),
    "ask-false": ("ASK { ?s a bc:Activity }", {"s": URIRef(EX + "nothing")}),
    "construct": ("CONSTRUCT { ?a bc:improves ?c } WHERE { ?a bc:improves ?c }", {}),
    "construct-blank-nodes": ("CONSTRUCT WHERE { ?class rdfs:subClassOf ?r . ?r ?p ?o }",
                              {"class": CLASS_WITH_RESTRICTION}),
    "describe-class-with-restriction": (f"DESCRIBE <{CLASS_WITH_RESTRICTION}>", {}),
    "describe-bound-where": ("DESCRIBE ?x WHERE { }", {"x": CLASS_WITH_RESTRICTION}),
    "describe-bound-pattern": ("DESCRIBE ?x WHERE { ?x a bc:Activity }", {"x": YOGA}),
    "describe-pattern": ("DESCRIBE ?x WHERE { ?x rdfs:subClassOf bc:Activity }", {}),
}

#: DESCRIBE queries whose answer is empty (locally and remotely alike).
EMPTY_DESCRIBES = {
    # locally nothing: no WHERE clause, so rdflib's reading describes no variable
    "describe-bound-no-where": ("DESCRIBE ?x", {"x": CLASS_WITH_RESTRICTION}),
    # nothing: yoga is no expert (the remote engine once described it all the same)
    "describe-bound-pattern-unmatched": ("DESCRIBE ?x WHERE { ?x a bc:Expert }", {"x": YOGA}),
}


@pytest.mark.parametrize(("sparql", "bindings"), QUERIES.values(), ids=QUERIES.keys())
def test_query_answers_as_locally(remote: KnowledgeGraph, kg: KnowledgeGraph, sparql: str,
                                  bindings: dict[str, Node]) -> None:
    local = kg.query(sparql, **bindings)
    if local.kind == "SELECT":
        assert local.rows
    elif local.kind in ("CONSTRUCT", "DESCRIBE"):
        assert local.graph
    assert_same_answer(remote.query(sparql, **bindings), local)


@pytest.mark.parametrize(("sparql", "bindings"), EMPTY_DESCRIBES.values(),
                         ids=EMPTY_DESCRIBES.keys())
def test_describe_of_a_bound_variable_answers_as_locally(
        remote: KnowledgeGraph, kg: KnowledgeGraph, sparql: str,
        bindings: dict[str, Node]) -> None:
    local = kg.query(sparql, **bindings)
    assert local.graph is not None and len(local.graph) == 0
    assert_same_answer(remote.query(sparql, **bindings), local)


def test_describe_keeps_the_restriction(remote: KnowledgeGraph) -> None:
    graph = remote.query(f"DESCRIBE <{CLASS_WITH_RESTRICTION}>").graph
    assert graph is not None
    owl = "http://www.w3.org/2002/07/owl#"
    restrictions = [o for o in graph.objects(CLASS_WITH_RESTRICTION, URIRef(
        "http://www.w3.org/2000/01/rdf-schema#subClassOf")) if isinstance(o, BNode)]
    assert len(restrictions) == 1
    assert (restrictions[0], URIRef(owl + "hasValue"),
            BCR["mind-body-involvement"]) in graph


def test_query_from_asserted_counts_the_asserted_graph(remote: KnowledgeGraph,
                                                       kg: KnowledgeGraph) -> None:
    sparql = f"SELECT (COUNT(*) AS ?n) FROM <{ASSERTED_GRAPH}> WHERE {{ ?s ?p ?o }}"
    assert remote.query(sparql).rows == [{"n": Literal(len(kg.asserted))}]


@pytest.mark.parametrize("sparql", [
    "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }",
    "ASK { ?s a bc:RecommendedActivity }",
    "SELECT ?s WHERE { ?s a bc:Activity ; rdfs:label ?label FILTER(STR(?label) = ?name) }",
])
def test_query_dataset_over_the_asserted_graph(remote: KnowledgeGraph, kg: KnowledgeGraph,
                                               sparql: str) -> None:
    bindings = {"name": "yoga"} if "?name" in sparql else {}
    local = kg.query_dataset(sparql, default_graphs=[ASSERTED_GRAPH], **bindings)
    assert_same_answer(
        remote.query_dataset(sparql, default_graphs=[ASSERTED_GRAPH], **bindings), local)


def test_size_is_the_local_size(remote: KnowledgeGraph, kg: KnowledgeGraph) -> None:
    assert len(remote) == len(kg) == len(kg.asserted) + len(kg.inferred)
    assert remote.has_inference


def test_both_graphs_are_isomorphic_to_the_local_ones(remote: KnowledgeGraph,
                                                      kg: KnowledgeGraph) -> None:
    assert len(remote.asserted) == len(kg.asserted)
    assert len(remote.inferred) == len(kg.inferred)
    assert isomorphic(remote.asserted, kg.asserted)
    assert isomorphic(remote.inferred, kg.inferred)


# -- errors ---------------------------------------------------------------------------------


def test_malformed_query_names_line_and_column_as_locally(remote: KnowledgeGraph,
                                                          kg: KnowledgeGraph) -> None:
    sparql = "SELECT ?s\nWHERE { ?s ?p }"
    with pytest.raises(QueryError) as local:
        kg.query(sparql)
    with pytest.raises(QueryError) as there:
        remote.query(sparql)
    assert there.value.line == local.value.line == 2
    assert there.value.column == local.value.column is not None
    assert str(there.value) == str(local.value)


def test_update_is_refused(remote: KnowledgeGraph, target: Target) -> None:
    update = f"INSERT DATA {{ GRAPH <{ASSERTED_GRAPH}> {{ <{EX}a> <{EX}b> <{EX}c> }} }}"
    with pytest.raises(QueryRefused):
        remote.query(update)
    assert not target.store.ask(f"ASK {{ <{EX}a> ?p ?o }}")


def test_from_an_unknown_graph_is_a_query_error(remote: KnowledgeGraph,
                                                kg: KnowledgeGraph) -> None:
    sparql = f"SELECT * FROM <{EX}no-such-graph> WHERE {{ ?s ?p ?o }}"
    with pytest.raises(QueryError, match="no-such-graph") as local:
        kg.query(sparql)
    with pytest.raises(QueryError, match="no-such-graph") as there:
        remote.query(sparql)
    assert str(there.value) == str(local.value)


def test_unknown_named_query_parameter(remote: KnowledgeGraph) -> None:
    with pytest.raises(ParameterError, match="colour") as there:
        remote.run("activities", colour="blue")
    assert "capacity" in str(there.value)  # lists the accepted ones


# -- pushing --------------------------------------------------------------------------------


def _sees_the_flagship_answer(target: Target, kg: KnowledgeGraph) -> None:
    fresh = target.connect()
    assert_same_answer(fresh.activities(improves="balance", phase="chronic"),
                       kg.activities(improves="balance", phase="chronic"))
    assert len(fresh) == len(kg)


def test_push_by_graph_store_protocol_then_switch(target: Target, kg: KnowledgeGraph) -> None:
    report = target.push(kg, batch_size=500)
    assert report.method == "graph-store"
    assert report.switched
    assert report.triples == {ASSERTED_GRAPH: len(kg.asserted), INFERRED_GRAPH: len(kg.inferred),
                              SUPPORT_GRAPH: len(kg.support_graph)}
    assert report.batches > 2  # the asserted graph took several batches
    _sees_the_flagship_answer(target, kg)
    target.our_graphs_only()


def test_push_by_sparql_update_only(target: Target, kg: KnowledgeGraph) -> None:
    # 500 per batch: see test_push_by_sparql_update_with_the_default_batch_size_on_virtuoso
    report = kg.push(target.store.query_url, target.store.update_url, None, target.auth,
                     batch_size=500)
    assert report.method == "update"
    assert report.switched
    assert report.total == len(kg) + len(kg.support_graph)  # len(kg): the support graph aside
    _sees_the_flagship_answer(target, kg)
    target.our_graphs_only()


def test_push_by_graph_store_protocol_only(target: Target, kg: KnowledgeGraph) -> None:
    report = kg.push(target.store.query_url, None, target.store_endpoint, target.auth)
    assert report.method == "graph-store"
    assert not report.switched
    assert report.batches == 3  # one PUT per graph
    _sees_the_flagship_answer(target, kg)
    target.our_graphs_only()


def test_push_replaces_the_old_graph(target: Target, kg: KnowledgeGraph,
                                     kg_extra: KnowledgeGraph) -> None:
    added = len(kg_extra.asserted) - len(kg.asserted)
    assert added == 9  # the triples of EXTRA_TURTLE
    new_triple = f'ASK {{ <{EX}other> <{EX}links> <{EX}thing> }}'
    assert not target.store.ask(new_triple)
    try:
        report = target.push(kg_extra, batch_size=100)
        assert report.triples[ASSERTED_GRAPH] == len(kg_extra.asserted)
        fresh = target.connect()
        assert fresh.query(new_triple).boolean
        assert len(fresh) == len(kg_extra)  # replaced, not added to
        counted = f"SELECT (COUNT(*) AS ?n) FROM <{ASSERTED_GRAPH}> WHERE {{ ?s ?p ?o }}"
        assert fresh.query(counted).rows == [{"n": Literal(len(kg_extra.asserted))}]
        target.our_graphs_only()
        assert isomorphic(fresh.asserted, kg_extra.asserted)  # blank nodes and all
        assert isomorphic(fresh.inferred, kg_extra.inferred)
        nested = (f"SELECT ?name WHERE {{ ?t <{EX}has> ?outer . ?outer <{EX}part> ?inner . "
                  f"?inner <{EX}name> ?name }}")
        assert fresh.query(nested).rows == [{"name": Literal('inner "quoted" part')}]
    finally:
        target.push(kg)
    back = target.connect()
    assert len(back) == len(kg)
    assert not back.query(new_triple).boolean
    target.our_graphs_only()


# -- logins (Virtuoso asks for one to write) ------------------------------------------------


@pytest.fixture
def virtuoso(virtuoso_store: RunningStore, kg: KnowledgeGraph) -> Target:
    """Virtuoso holding the bundled graph."""
    pushed = Target(virtuoso_store)
    pushed.push(kg)
    return pushed


def test_wrong_password_is_refused_without_showing_it(virtuoso: Target,
                                                      kg: KnowledgeGraph) -> None:
    with pytest.raises(LoginRefused) as refused:
        kg.push(virtuoso.store.query_url, virtuoso.store.update_url, virtuoso.store_endpoint,
                ("dba", SECRET))
    message = str(refused.value)
    assert "'dba'" in message
    assert SECRET not in message and SECRET not in repr(refused.value)
    assert virtuoso.store.update_url in message
    assert refused.value.status == 401
    _sees_the_flagship_answer(virtuoso, kg)
    virtuoso.our_graphs_only()


def test_no_login_is_refused_saying_one_is_needed(virtuoso: Target, kg: KnowledgeGraph,
                                                  no_login: Path) -> None:
    with pytest.raises(LoginRefused, match="asks for a login") as refused:
        kg.push(virtuoso.store.query_url, virtuoso.store.update_url, virtuoso.store_endpoint)
    assert virtuoso.store.update_url in str(refused.value)
    assert "BACKCARE_KG_USER" in str(refused.value)
    _sees_the_flagship_answer(virtuoso, kg)


def test_login_from_a_netrc_file(virtuoso: Target, kg: KnowledgeGraph, no_login: Path) -> None:
    no_login.write_text("machine 127.0.0.1 login dba password dba\n", encoding="utf-8")
    virtuoso.store.update(f"DROP SILENT GRAPH <{INFERRED_GRAPH}>")
    report = kg.push(virtuoso.store.query_url, virtuoso.store.update_url,
                     virtuoso.store_endpoint)
    assert report.switched
    _sees_the_flagship_answer(virtuoso, kg)
    virtuoso.our_graphs_only()


def test_login_from_environment_variables(virtuoso: Target, kg: KnowledgeGraph,
                                          no_login: Path, monkeypatch: pytest.MonkeyPatch,
                                          ) -> None:
    monkeypatch.setenv("BACKCARE_KG_USER", "dba")
    monkeypatch.setenv("BACKCARE_KG_PASSWORD", "dba")
    virtuoso.store.update(f"DROP SILENT GRAPH <{INFERRED_GRAPH}>")
    report = kg.push(virtuoso.store.query_url, virtuoso.store.update_url, None, batch_size=500)
    assert report.switched and report.method == "update"
    _sees_the_flagship_answer(virtuoso, kg)
    virtuoso.our_graphs_only()


def test_push_by_sparql_update_with_the_default_batch_size_on_virtuoso(
        virtuoso: Target, kg: KnowledgeGraph) -> None:
    try:
        report = kg.push(virtuoso.store.query_url, virtuoso.store.update_url, None,
                         virtuoso.auth)
    finally:
        virtuoso.store.update(" ;\n".join(f"DROP SILENT GRAPH <{g}>" for g in STAGING_GRAPHS))
    assert report.switched
    _sees_the_flagship_answer(virtuoso, kg)

