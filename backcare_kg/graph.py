"""The KnowledgeGraph facade: the one object the interfaces (CLI, server) talk to."""

from __future__ import annotations

import functools
from collections.abc import Mapping, Sequence
from os import PathLike
from pathlib import Path
from typing import TYPE_CHECKING, Any

from rdflib import RDFS, Dataset, Graph, URIRef
from rdflib.namespace import SKOS

from backcare_kg.errors import ParameterError
from backcare_kg.reasoning.materialize import materialize
from backcare_kg.reasoning.reasoner_registry import DEFAULT_REASONER
from backcare_kg.reasoning.reasoners import get as get_reasoner
from backcare_kg.reasoning.rules import load_rules
from backcare_kg.sparql.engines import DEFAULT_ENGINE, QueryEngine, create_engine, engine_names
from backcare_kg.sparql.named_queries import NamedQuery, load_named_queries
from backcare_kg.sparql.results import Result
from backcare_kg.sparql.term_resolver import TermResolver
from backcare_kg.storage import files
from backcare_kg.storage.cache import ClosureCache
from backcare_kg.storage.loading import load_files
from backcare_kg.version import __version__
from backcare_kg.vocab import ASSERTED_GRAPH, INFERRED_GRAPH, PREFIXES

if TYPE_CHECKING:
    import pyoxigraph
    from rdflib.term import Node

    from backcare_kg.explain import Explainer, Explanation
    from backcare_kg.remote import Credentials, Endpoints
    from backcare_kg.remote.engine import RemoteEngine
    from backcare_kg.remote.push import PushReport
    from backcare_kg.storage.store import StoreInfo

PathArg = str | PathLike[str]

#: The named query behind :meth:`KnowledgeGraph.activities`.
ACTIVITIES_QUERY = "activities"


class KnowledgeGraph:
    """The backcare knowledge graph: asserted triples, inferred triples, and ways to ask.

    Build one with :meth:`load` (in memory), or :meth:`open` a store that
    ``backcare-kg build --store DIR`` (:func:`~backcare_kg.storage.store.build_store`) made.
    ``graph`` is an rdflib :class:`~rdflib.Dataset` whose default graph is the union of the
    asserted and the inferred named graphs.
    """

    def __init__(
        self, asserted: Graph, inferred: Graph | None = None, *, engine: str = DEFAULT_ENGINE
    ) -> None:
        if engine not in engine_names():
            raise ParameterError(f"unknown query engine {engine!r}", "engine", engine_names())
        self._engine_name = engine
        self._engine: QueryEngine | None = None
        self._engine_size = -1
        self._store: pyoxigraph.Store | None = None
        self._store_info: StoreInfo | None = None
        self._remote: RemoteEngine | None = None
        self._endpoints: Endpoints | None = None
        self._dataset: Dataset | None = _empty_dataset()
        a = self._dataset.graph(ASSERTED_GRAPH)
        for t in asserted:
            a.add(t)
        self._inferred = inferred is not None
        if inferred is not None:
            i = self._dataset.graph(INFERRED_GRAPH)
            for t in inferred:
                i.add(t)
        self._resolver: TermResolver | None = None
        self._files: list[Path] = []
        self._explainer: Explainer | None = None
        self._explainer_size = -1

    # -- construction -------------------------------------------------------------------

    @classmethod
    def load(
        cls,
        *,
        inference: bool = True,
        extra: Sequence[PathArg] = (),
        cache: bool = True,
        cache_dir: PathArg | None = None,
        engine: str = DEFAULT_ENGINE,
        reasoner: str = DEFAULT_REASONER,
    ) -> KnowledgeGraph:
        """Load the bundled ontology and data, plus the RDF files in ``extra``.

        With ``inference`` (the default) the OWL 2 RL closure and the domain rules are
        materialized into the inferred graph, read from the on-disk cache when every input
        file and the library version are unchanged. ``inference=False`` gives the asserted
        graph alone. ``engine`` names the SPARQL engine that answers queries: ``oxigraph``
        (the default, fast) or ``rdflib`` (the reference); both give the same answers.
        ``reasoner`` names the OWL 2 RL engine: ``compiled`` (the default, fast) or
        ``owlrl`` (the reference); both give the same entailments.
        Raises :class:`~backcare_kg.errors.DataError` naming the file and line of a
        malformed input.
        """
        get_reasoner(reasoner)  # an unknown name fails before any work
        inputs = files.asserted_files() + [Path(p) for p in extra]
        asserted = load_files(inputs)
        if not inference:
            kg = cls(asserted, engine=engine)
            kg._files = inputs
            return kg
        rule_paths = files.rule_files()
        store = ClosureCache(Path(cache_dir) if cache_dir is not None else None)
        key = store.key([*inputs, *rule_paths], f"{__version__} reasoner={reasoner}")
        inferred = store.get(key) if cache else None
        if inferred is None:
            inferred = materialize(asserted, load_rules(rule_paths), reasoner=reasoner)
            if cache:
                store.put(key, inferred)
        kg = cls(asserted, inferred, engine=engine)
        kg._files = inputs
        if cache:  # for the command line's fast path (see backcare_kg.storage.snapshot)
            from backcare_kg.storage.snapshot import write_snapshot

            write_snapshot(store, key, kg)
        return kg

    @classmethod
    def open(cls, directory: PathArg, *, engine: str = DEFAULT_ENGINE) -> KnowledgeGraph:
        """The materialized graph in the on-disk store at ``directory``, opened read-only.

        Queries, named queries and :meth:`activities` go straight to the store (the
        ``oxigraph`` engine, the only one allowed), so opening costs the same at any size
        and nothing is reasoned again. :attr:`graph`, :attr:`asserted` and :attr:`inferred`
        still work, for interoperability with rdflib, but copy the whole store into memory
        on first use (seconds per million triples). Raises
        :class:`~backcare_kg.errors.DataError` naming the path when there is no store
        there, it is not a backcare-kg store, or one this version cannot read; a store whose
        input files changed since it was built opens with a warning (see
        :attr:`store_info`).
        """
        from backcare_kg.storage.store import open_store

        if engine != "oxigraph":
            raise ParameterError("a store is queried by the oxigraph engine only", "engine",
                                 ["oxigraph"])
        store, info = open_store(directory)
        kg = cls._elsewhere(engine, inferred=True)
        kg._store, kg._store_info = store, info
        if not info.stale:  # the files it was built from, for the file:line of explanations
            kg._files = files.asserted_files() + [Path(p) for p in info.extra]
        return kg

    @classmethod
    def _elsewhere(cls, engine: str, *, inferred: bool) -> KnowledgeGraph:
        """A graph held outside this process's rdflib objects (a store on disk, a remote
        store): no Dataset until :attr:`graph` copies one; the caller sets where it is."""
        kg = cls.__new__(cls)
        kg._engine_name = engine
        kg._engine = None
        kg._engine_size = -1
        kg._store, kg._store_info = None, None
        kg._remote = None
        kg._endpoints = None
        kg._dataset = None
        kg._inferred = inferred
        kg._resolver = None
        kg._files = []
        kg._explainer, kg._explainer_size = None, -1
        return kg

    @classmethod
    def connect(
        cls,
        endpoint: str,
        update_endpoint: str | None = None,
        store_endpoint: str | None = None,
        auth: Credentials | tuple[str, str] | None = None,
        *,
        connect_timeout: float = 10.0,
        read_timeout: float = 300.0,
        retries: int = 3,
    ) -> KnowledgeGraph:
        """The knowledge graph in a remote triple store, queried over SPARQL 1.1.

        ``endpoint`` is the store's query URL (e.g. Oxigraph's ``…/query``, Virtuoso's
        ``…/sparql``); ``update_endpoint`` and ``store_endpoint`` (the Graph Store Protocol)
        are needed only to :meth:`push` to it. Queries, named queries and
        :meth:`activities` are sent to the store, over our two named graphs only, and give
        the same answers as a local graph (see :mod:`backcare_kg.remote.engine`).
        :attr:`graph` downloads both graphs on first use.

        ``auth`` is ``(user, password)``; without it a login is taken from
        ``BACKCARE_KG_USER``/``BACKCARE_KG_PASSWORD`` or a netrc file, if the store asks.
        Reads wait ``connect_timeout`` seconds for a connection and ``read_timeout`` for an
        answer, and are tried ``retries`` more times (with back-off) on failures that may
        pass. Raises :class:`~backcare_kg.errors.EndpointUnreachable`,
        :class:`~backcare_kg.errors.LoginRefused` or
        :class:`~backcare_kg.errors.EndpointError` when the store cannot be asked, and
        :class:`~backcare_kg.errors.DataError` when it holds no backcare-kg graph (push one
        first: ``backcare-kg push --endpoint URL``).
        """
        from backcare_kg.errors import DataError
        from backcare_kg.remote import Endpoints, Timeouts, client_for
        from backcare_kg.remote.engine import RemoteEngine

        endpoints = Endpoints(endpoint, update_endpoint, store_endpoint)
        client = client_for(endpoints, auth, timeouts=Timeouts(connect_timeout, read_timeout),
                            retries=retries)
        remote = RemoteEngine(endpoint, client)
        if not remote.holds(ASSERTED_GRAPH):
            raise DataError(f"the store holds no graph <{ASSERTED_GRAPH}>: load one with "
                            f"'backcare-kg push --endpoint {endpoint}'", path=endpoint)
        kg = cls._elsewhere(remote.name, inferred=remote.holds(INFERRED_GRAPH))
        kg._engine = kg._remote = remote
        kg._endpoints = endpoints
        return kg

    @property
    def endpoints(self) -> Endpoints | None:
        """The store's URLs for a graph from :meth:`connect`; else None."""
        return self._endpoints

    def push(
        self,
        endpoint: str,
        update_endpoint: str | None = None,
        store_endpoint: str | None = None,
        auth: Credentials | tuple[str, str] | None = None,
        **options: Any,
    ) -> PushReport:
        """Load this graph's asserted and inferred graphs into a remote store, replacing
        the ones there at once (see :func:`backcare_kg.remote.push.push` for the
        ``options`` and the guarantees); returns what was sent."""
        from backcare_kg.remote import Endpoints
        from backcare_kg.remote.push import push

        return push(self, Endpoints(endpoint, update_endpoint, store_endpoint), auth,
                    **options)

    # -- graphs -------------------------------------------------------------------------

    @property
    def graph(self) -> Dataset:
        """The rdflib Dataset: named graphs ``graph/asserted`` and ``graph/inferred``.

        For a graph from :meth:`open`, a copy of the store made on first use (seconds per
        million triples); queries keep going to the store, so changes to the copy are not
        seen by them.
        """
        if self._dataset is None:
            if self._remote is not None:
                self._dataset = _dataset_from_engine(self._remote)
            else:
                assert self._store is not None
                self._dataset = _dataset_from_store(self._store)
        return self._dataset

    @property
    def asserted(self) -> Graph:
        """The asserted named graph (the ontology and the instance data)."""
        return self.graph.graph(ASSERTED_GRAPH)

    @property
    def inferred(self) -> Graph:
        """The inferred named graph (empty when loaded with ``inference=False``)."""
        return self.graph.graph(INFERRED_GRAPH)

    @property
    def store_info(self) -> StoreInfo | None:
        """What the store of a graph from :meth:`open` holds and how it was built; else None."""
        return self._store_info

    @property
    def engine(self) -> QueryEngine:
        """The query engine over :attr:`graph` (rebuilt if the graphs changed size since),
        or over the store of a graph from :meth:`open`."""
        if self._remote is not None:
            return self._remote
        if self._store is not None:
            if self._engine is None:
                from backcare_kg.sparql.engines import OxigraphEngine

                self._engine = OxigraphEngine(self._store)
            return self._engine
        size = len(self)
        if self._engine is None or size != self._engine_size:
            self._engine = create_engine(self._engine_name, self.graph)
            self._engine_size = size
        return self._engine

    def labels(self) -> Graph:
        """The ``rdfs:label`` and ``skos:prefLabel`` triples, e.g. for showing names.

        The whole :attr:`graph` for a graph in memory; for one from :meth:`open`, a small
        graph of just those triples read from the store (the store is not copied).
        """
        if self._store is None and self._remote is None:
            return self.graph
        found = self.engine.execute(_LABELS, {}).graph
        return found if found is not None else Graph()

    @property
    def has_inference(self) -> bool:
        """Whether the inferred graph was materialized."""
        return self._inferred

    def __len__(self) -> int:
        if self._remote is not None:
            return len(self._remote)
        if self._store is not None:
            return len(self._store)
        return len(self.asserted) + len(self.inferred)

    def serialize(self, format: str = "turtle", which: str = "all") -> str:
        """The graph as text: ``which`` is ``asserted``, ``inferred`` or ``all``.

        Quad formats (``nquads``, ``trig``) keep the two named graphs apart; triple formats
        merge the chosen graphs.
        """
        from backcare_kg.storage.export import serialize

        return serialize(self, format, which)

    # -- asking -------------------------------------------------------------------------

    def query(self, sparql: str, **bindings: Any) -> Result:
        """Run a SPARQL query over the union of the graphs.

        Each keyword binds the variable of that name to an RDF term before evaluation (a
        ``str`` becomes a literal, a ``URIRef`` stays an IRI): values never become query text.
        """
        return self.engine.execute(sparql, bindings)

    def query_dataset(self, sparql: str, *, default_graphs: Sequence[str] = (),
                      named_graphs: Sequence[str] = (), **bindings: Any) -> Result:
        """Run a SPARQL query over the graphs named, as the SPARQL 1.1 Protocol's
        ``default-graph-uri`` and ``named-graph-uri`` do.

        The default graph is the merge of ``default_graphs`` (empty if none is given), the
        named graphs are ``named_graphs`` (none if none is given); they replace the query's
        own ``FROM`` and ``FROM NAMED``. With neither, this is :meth:`query`. Each graph is an
        IRI (``str`` or ``URIRef``), e.g. :data:`~backcare_kg.vocab.ASSERTED_GRAPH`:

        >>> kg.query_dataset("ASK { ?s a bc:RecommendedActivity }",
        ...                  default_graphs=[ASSERTED_GRAPH]).boolean  # doctest: +SKIP
        False

        Raises :class:`~backcare_kg.errors.QueryError` for a graph this dataset does not hold
        (as for ``FROM``: nothing is fetched), besides the errors of :meth:`query`.
        """
        if not default_graphs and not named_graphs:
            return self.query(sparql, **bindings)
        from backcare_kg.sparql.preparation import DatasetDescription

        dataset = DatasetDescription.of(
            [default_graphs] if isinstance(default_graphs, str) else default_graphs,
            [named_graphs] if isinstance(named_graphs, str) else named_graphs)
        return self.engine.execute(sparql, bindings, dataset=dataset)

    @property
    def named_queries(self) -> Mapping[str, NamedQuery]:
        """The named queries shipped with the package, by name."""
        return self.bundled_queries()

    @staticmethod
    def bundled_queries() -> Mapping[str, NamedQuery]:
        """The named queries shipped with the package, without loading any data."""
        return _bundled_queries()

    def run(self, name: str, **params: Any) -> Result:
        """Run the named query ``name`` with its parameters.

        Raises :class:`~backcare_kg.errors.UnknownQueryError` (with the closest names) for an
        unknown query and :class:`~backcare_kg.errors.ParameterError` (listing the accepted
        parameters) for an unknown, missing or ill-typed parameter. IRI parameters accept
        slugs, prefixed names, IRIs, or labels in English or Spanish.
        """
        from backcare_kg.sparql.named_queries import find

        nq = find(self.named_queries, name)
        return self.engine.execute(nq.text, nq.bind(params, self.resolver), source=nq.name)

    def activities(
        self,
        improves: str | URIRef | None = None,
        phase: str | URIRef | None = None,
        goal: str | URIRef | None = None,
    ) -> Result:
        """Activities, optionally those improving a capacity, allowed in a phase, for a goal.

        ``kg.activities(improves="balance", phase="chronic")`` answers the flagship
        question. Each value may be a slug, a prefixed name, an IRI, or an English or
        Spanish label.
        """
        params = {k: v for k, v in
                  (("capacity", improves), ("phase", phase), ("goal", goal)) if v is not None}
        return self.run(ACTIVITIES_QUERY, **params)

    def explain(self, subject: str | Node, predicate: str | Node, object: str | Node,
                limit: int = 1) -> Explanation:
        """Why the statement ``subject predicate object`` holds, as proof trees.

        Each node of a proof is a statement: asserted (with its file and line, and the
        claims, quotes and sentences of the source behind it) or derived by an OWL 2 RL
        rule (named as in the W3C tables: ``cax-sco``, ``prp-spo1``...) or a domain rule
        (with the claim it implements) from its premises. Up to ``limit`` proofs, shortest
        first. A statement the graph does not hold gives ``entailed=False`` and the
        statements near it that do hold. Terms are slugs, prefixed names, IRIs or labels
        (the predicate may also be ``a`` or a name of our ontology such as
        ``allowedInPhase``; the object a literal such as ``true``). Raises
        :class:`~backcare_kg.errors.ParameterError` naming a term that names nothing.

        >>> kg.explain("yoga", "a", "bc:RecommendedActivity").proofs[0].rules()
        ... # doctest: +SKIP
        ['recommended-activity']
        """
        return self.explainer.explain(subject, predicate, object, limit)

    @property
    def explainer(self) -> Explainer:
        """The :class:`~backcare_kg.explain.Explainer` of this graph (built on first use,
        and again if the graphs changed size since; a store or remote graph is copied)."""
        # a store or a remote graph is read-only here: no need to ask its size each time
        held_elsewhere = self._store is not None or self._remote is not None
        size = self._explainer_size if held_elsewhere and self._explainer else len(self)
        if self._explainer is None or size != self._explainer_size:
            from backcare_kg.explain import Explainer

            self._explainer = Explainer(
                self.asserted, self.inferred, load_rules(files.rule_files()), self._files,
                root=files.bundled_root(), source_text=files.source_text_file(),
                resolver=self.resolver)
            self._explainer_size = size
        return self._explainer

    @property
    def resolver(self) -> TermResolver:
        """Turns slugs, prefixed names, IRIs and labels into the IRIs of this graph."""
        if self._resolver is None:
            self._resolver = (TermResolver.from_engine(self.engine)
                              if self._store is not None or self._remote is not None
                              else TermResolver(self.graph))
        return self._resolver

    def resolve(self, value: str | URIRef, kind: URIRef | None = None) -> URIRef:
        """The IRI named by ``value`` (slug, prefixed name, IRI or label), of class ``kind``."""
        return self.resolver.resolve(value, kind)

    @staticmethod
    def validate(extra: Sequence[PathArg] = ()) -> list[str]:
        """Problems with the bundled files and ``extra`` RDF files, one ``file:line: message``
        each (syntax, SHACL shapes, quotes and selectors against the source); empty if none.
        """
        from backcare_kg.checks.validation import validate_bundle

        return validate_bundle([Path(p) for p in extra])


@functools.cache
def _bundled_queries() -> Mapping[str, NamedQuery]:
    return load_named_queries(files.query_files())


# Internal, fixed text: the label triples :meth:`KnowledgeGraph.labels` reads from a store.
_LABELS = f"""CONSTRUCT {{ ?s ?p ?label }} WHERE {{
  VALUES ?p {{ <{RDFS.label}> <{SKOS.prefLabel}> }} ?s ?p ?label }}"""


def _empty_dataset() -> Dataset:
    dataset = Dataset(default_union=True)
    for prefix, ns in PREFIXES.items():
        dataset.bind(prefix, ns)
    return dataset


def _dataset_from_store(store: pyoxigraph.Store) -> Dataset:
    """The asserted and inferred graphs of ``store`` as an rdflib Dataset (a full copy)."""
    import pyoxigraph as ox

    from backcare_kg.sparql.oxigraph_results import from_oxigraph

    dataset = _empty_dataset()
    for name in (ASSERTED_GRAPH, INFERRED_GRAPH):
        graph = dataset.graph(name)
        graph.addN(
            (from_oxigraph(q.subject), from_oxigraph(q.predicate), from_oxigraph(q.object), graph)
            for q in store.quads_for_pattern(None, None, None, ox.NamedNode(str(name)))
        )
    return dataset


def _dataset_from_engine(engine: RemoteEngine) -> Dataset:
    """The asserted and inferred graphs of a remote store as an rdflib Dataset (a full
    copy, read in one answer so that blank nodes shared by the graphs stay shared)."""
    dataset = _empty_dataset()
    graphs = {name: dataset.graph(name) for name in (ASSERTED_GRAPH, INFERRED_GRAPH)}
    rows = engine.execute(_ALL_QUADS, {}, "download").rows
    for name, graph in graphs.items():
        graph.addN((row["s"], row["p"], row["o"], graph)  # type: ignore[misc]
                   for row in rows if row["g"] == name)
    return dataset


# Internal, fixed text: every triple of our two graphs, with its graph.
_ALL_QUADS = f"""SELECT ?g ?s ?p ?o WHERE {{
  VALUES ?g {{ <{ASSERTED_GRAPH}> <{INFERRED_GRAPH}> }} GRAPH ?g {{ ?s ?p ?o }} }}"""
