"""The KnowledgeGraph facade: the one object the interfaces (CLI, server) talk to.

Where the triples are held (in memory, an on-disk store, a remote store) is a
:class:`~backcare_kg.backends.Backend` chosen once, when the graph is made; the facade adds
what is the same for all: named queries, explanations, term resolution, export and push.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping, Sequence
from os import PathLike
from pathlib import Path
from typing import TYPE_CHECKING, Any

from rdflib import Dataset, Graph, URIRef
from rdflib.term import Node

from backcare_kg.backends import Backend
from backcare_kg.backends.memory import MemoryBackend
from backcare_kg.rdf.support_levels import SupportLevel
from backcare_kg.reasoning.editorial import editorial_support
from backcare_kg.reasoning.materialize import infer
from backcare_kg.reasoning.reasoner_registry import DEFAULT_REASONER
from backcare_kg.reasoning.reasoners import get as get_reasoner
from backcare_kg.reasoning.rules import load_rules
from backcare_kg.sparql.asking import ACTIVITIES_QUERY, activities_parameters, run_named_query
from backcare_kg.sparql.engines import DEFAULT_ENGINE, QueryEngine
from backcare_kg.sparql.named_queries import NamedQuery, load_named_queries
from backcare_kg.sparql.results import Result
from backcare_kg.sparql.support_query import support_level
from backcare_kg.sparql.term_resolver import TermResolver
from backcare_kg.storage import files
from backcare_kg.storage.cache import ClosureCache
from backcare_kg.storage.loading import load_files
from backcare_kg.vocab import ASSERTED_GRAPH, INFERRED_GRAPH, SUPPORT_GRAPH

if TYPE_CHECKING:

    from backcare_kg.explain import Explainer, Explanation
    from backcare_kg.remote import Credentials, Endpoints
    from backcare_kg.remote.push import PushReport
    from backcare_kg.storage.store import StoreInfo

PathArg = str | PathLike[str]

__all__ = ["KnowledgeGraph", "ACTIVITIES_QUERY"]


class KnowledgeGraph:
    """The backcare knowledge graph: asserted triples, inferred triples, and ways to ask.

    Build one with :meth:`load` (in memory), or :meth:`open` a store that
    ``backcare-kg build --store DIR`` (:func:`~backcare_kg.storage.store.build_store`) made.
    ``graph`` is an rdflib :class:`~rdflib.Dataset` whose default graph is the union of the
    asserted and the inferred named graphs.
    """

    def __init__(
        self,
        asserted: Graph,
        inferred: Graph | None = None,
        *,
        support: Graph | None = None,
        engine: str = DEFAULT_ENGINE,
    ) -> None:
        self._attach(MemoryBackend(asserted, inferred, support=support, engine=engine))

    def _attach(self, backend: Backend) -> None:
        """Hold the graphs in ``backend``, with nothing built from them yet."""
        self._backend = backend
        self._resolver: TermResolver | None = None
        self._explainer: Explainer | None = None
        self._explainer_size = -1

    @classmethod
    def _over(cls, backend: Backend) -> KnowledgeGraph:
        """The graph whose triples ``backend`` holds."""
        kg = cls.__new__(cls)
        kg._attach(backend)
        return kg

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
        if not inference:  # the support graph then lists the editorial asserted statements
            return cls._over(MemoryBackend(asserted, support=editorial_support(asserted),
                                           engine=engine, files=inputs))
        rule_paths = files.rule_files()
        store = ClosureCache(Path(cache_dir) if cache_dir is not None else None)
        key = store.closure_key(inputs, rule_paths, reasoner)
        inferred = store.get(key) if cache else None
        support = store.get(key, support=True) if inferred is not None else None
        if inferred is None or support is None:
            inferred, support = infer(asserted, load_rules(rule_paths), reasoner=reasoner)
            if cache:
                store.put(key, support, support=True)
                store.put(key, inferred)
        kg = cls._over(MemoryBackend(asserted, inferred, support=support, engine=engine,
                                     files=inputs))
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
        from backcare_kg.backends.store import StoreBackend

        return cls._over(StoreBackend.open(directory, engine))

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
        from backcare_kg.backends.remote import RemoteBackend
        from backcare_kg.remote import Endpoints, Timeouts

        endpoints = Endpoints(endpoint, update_endpoint, store_endpoint)
        return cls._over(RemoteBackend.connect(endpoints, auth,
                                               Timeouts(connect_timeout, read_timeout), retries))

    @property
    def endpoints(self) -> Endpoints | None:
        """The store's URLs for a graph from :meth:`connect`; else None."""
        return self._backend.endpoints

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
        """The rdflib Dataset: named graphs ``graph/asserted``, ``graph/inferred`` and
        ``graph/support`` (see :attr:`support_graph`).

        For a graph from :meth:`open`, a copy of the store made on first use (seconds per
        million triples); queries keep going to the store, so changes to the copy are not
        seen by them.
        """
        return self._backend.dataset

    @property
    def asserted(self) -> Graph:
        """The asserted named graph (the ontology and the instance data)."""
        return self.graph.graph(ASSERTED_GRAPH)

    @property
    def inferred(self) -> Graph:
        """The inferred named graph (empty when loaded with ``inference=False``)."""
        return self.graph.graph(INFERRED_GRAPH)

    @property
    def support_graph(self) -> Graph:
        """The support named graph: an ``rdf:Statement`` with its ``bc:supportLevel`` for
        every statement whose level is not its graph's default (asserted: stated; inferred:
        entailed); loaded with ``inference=False``, the asserted statements only readings of
        ours license (editorial). See :meth:`support`."""
        return self.graph.graph(SUPPORT_GRAPH)

    @property
    def store_info(self) -> StoreInfo | None:
        """What the store of a graph from :meth:`open` holds and how it was built; else None."""
        return self._backend.store_info

    @property
    def engine(self) -> QueryEngine:
        """The query engine over :attr:`graph` (rebuilt if the graphs changed size since),
        or over the store of a graph from :meth:`open`."""
        return self._backend.engine

    def labels(self) -> Graph:
        """The ``rdfs:label`` and ``skos:prefLabel`` triples, e.g. for showing names.

        The whole :attr:`graph` for a graph in memory; for one from :meth:`open`, a small
        graph of just those triples read from the store (the store is not copied).
        """
        return self._backend.labels()

    @property
    def has_inference(self) -> bool:
        """Whether the inferred graph was materialized."""
        return self._backend.has_inference

    def __len__(self) -> int:
        return len(self._backend)

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

        return run_named_query(self.engine, find(self.named_queries, name), params,
                               self.resolver)

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
        return self.run(ACTIVITIES_QUERY, **activities_parameters(improves, phase, goal))

    def support(self, subject: str | Node, predicate: str | Node,
                object: str | Node) -> SupportLevel | None:
        """How strongly the source supports the statement ``subject predicate object``.

        One of ``stated``, ``entailed``, ``generalized``, ``editorial``, strongest first (a
        :class:`~backcare_kg.rdf.support_levels.SupportLevel`, with its ``rank``, ``iri``
        and ``name``); None if the graph does not hold the statement. Terms are named as
        for :meth:`explain`.

        >>> str(kg.support("yoga", "improves", "balance"))  # doctest: +SKIP
        'stated'
        """
        if all(isinstance(t, Node) for t in (subject, predicate, object)):
            statement = (subject, predicate, object)
        else:
            ex = self.explainer
            statement = (ex.subject(subject), ex.predicate(predicate), ex.object(object))
        return support_level(self._backend.engine, *statement)  # type: ignore[arg-type]

    def explain(self, subject: str | Node, predicate: str | Node, object: str | Node,
                limit: int = 1) -> Explanation:
        """Why the statement ``subject predicate object`` holds, as proof trees.

        Each node of a proof is a statement: asserted (with its file and line, and the
        claims, quotes and sentences of the source behind it) or derived by an OWL 2 RL
        rule (named as in the W3C tables: ``cax-sco``, ``prp-spo1``...) or a domain rule
        (with the claim it implements and its kind) from its premises, each with its
        support level. Up to ``limit`` proofs, strongest first, then shortest; the
        explanation's ``support`` is the level :meth:`support` gives, that of its first
        proof. A statement the graph does not hold gives ``entailed=False`` and the
        statements near it that do hold. Terms are slugs, prefixed names, IRIs or labels
        (the predicate may also be ``a`` or a name of our ontology such as
        ``allowedInPhase``; the object a literal such as ``true``). Raises
        :class:`~backcare_kg.errors.ParameterError` naming a term that names nothing.

        >>> kg.explain("yoga", "allowedInPhase", "chronic-phase").proofs[0].rules()
        ... # doctest: +SKIP
        ['chronic-phase-allowed']
        """
        return self.explainer.explain(subject, predicate, object, limit)

    @property
    def explainer(self) -> Explainer:
        """The :class:`~backcare_kg.explain.Explainer` of this graph (built on first use,
        and again if the graphs changed size since; a store or remote graph is copied)."""
        # graphs that cannot change here: no need to ask their size each time
        read_only = self._backend.read_only
        size = self._explainer_size if read_only and self._explainer else len(self)
        if self._explainer is None or size != self._explainer_size:
            from backcare_kg.explain import Explainer

            self._explainer = Explainer(
                self.asserted, self.inferred, load_rules(files.rule_files()),
                self._backend.files, support=self.support_graph, root=files.bundled_root(),
                source_text=files.source_text_file(), resolver=self.resolver)
            self._explainer_size = size
        return self._explainer

    @property
    def resolver(self) -> TermResolver:
        """Turns slugs, prefixed names, IRIs and labels into the IRIs of this graph."""
        if self._resolver is None:
            self._resolver = self._backend.term_resolver()
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
