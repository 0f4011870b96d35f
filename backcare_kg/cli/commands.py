"""The ``backcare-kg`` command line: a thin shell over :class:`~backcare_kg.KnowledgeGraph`.

Exit codes: 0 success; 1 ``validate`` found problems, or the statement ``explain`` was
asked about does not hold; 2 bad input (usage, malformed SPARQL, unknown query, bad
parameter, unreadable or malformed file, unwritable output); 130 interrupted; 141 output
pipe closed; 70 an unexpected internal error.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from backcare_kg.cli.common import (
    EXIT_INTERNAL,
    EXIT_INTERRUPTED,
    EXIT_OK,
    EXIT_PIPE,
    EXIT_PROBLEMS,
    EXIT_USAGE,
    PROG,
    Handler,
    LazyChoices,
    check_readable,
    load_graph,
)
from backcare_kg.errors import BackcareError, DataError, ParameterError, QueryError
from backcare_kg.reasoning.reasoner_registry import REASONERS
from backcare_kg.sparql.engine_registry import ENGINES, STORE_ENGINE
from backcare_kg.version import __version__

if TYPE_CHECKING:
    from backcare_kg.graph import KnowledgeGraph
    from backcare_kg.sparql.named_queries import NamedQuery
    from backcare_kg.sparql.results import Result
    from backcare_kg.storage.fast_path import FastGraph

#: The RDF syntaxes ``--format`` offers for CONSTRUCT and DESCRIBE results, after the result
#: formats: those of one graph, ``jsonld`` being what the command line has always called
#: ``json-ld``.
GRAPH_OUTPUT_FORMATS = ("turtle", "nt", "jsonld")


def output_formats() -> list[str]:
    """``--format`` of query results: the SPARQL 1.1 result formats, then RDF for graphs."""
    from backcare_kg.sparql.results import RESULT_FORMATS

    return [*RESULT_FORMATS, *GRAPH_OUTPUT_FORMATS]


def export_formats() -> tuple[str, ...]:
    """``--format`` of ``export``: the RDF formats, by their canonical names."""
    from backcare_kg.storage.export import FORMAT_NAMES

    return FORMAT_NAMES


def export_graphs() -> tuple[str, ...]:
    """``--graph`` of ``export``: which graphs an export may hold."""
    from backcare_kg.storage.export import GRAPH_CHOICES

    return GRAPH_CHOICES


# -- the parser -------------------------------------------------------------------------


def _global_options(parser: argparse.ArgumentParser, suffix: str) -> None:
    """The options every subcommand accepts, before or after its name.

    After the name they land in ``*_sub`` attributes (merged by :func:`_merge_globals`), so
    that a subparser's defaults never overwrite what was given before the name.
    """
    sub = bool(suffix)
    default: Any = argparse.SUPPRESS if sub else None
    parser.add_argument("--no-inference", dest="no_inference" + suffix, action="store_true",
                        default=default if sub else False,
                        help="use the asserted graph only (no OWL RL closure, no rules)")
    parser.add_argument("--with", dest="extra" + suffix, action="append", metavar="FILE",
                        default=default if sub else [],
                        help="merge this RDF file before inference (repeatable)")
    parser.add_argument("--store", dest="store" + suffix, metavar="DIR", default=default,
                        help="use the store built by 'build --store DIR' (reasoned once)")
    parser.add_argument("--engine", dest="engine" + suffix, choices=ENGINES.names(),
                        default=default,
                        help="the SPARQL engine: oxigraph (default, fast) or rdflib (reference)")
    parser.add_argument("--reasoner", dest="reasoner" + suffix, choices=REASONERS.names(),
                        default=default,
                        help="the OWL 2 RL engine: compiled (default, fast) or owlrl (reference)")
    parser.add_argument("--debug", dest="debug" + suffix, action="store_true",
                        default=default if sub else False,
                        help="show the traceback of an error")
    from backcare_kg.cli.remote_options import remote_options

    remote_options(parser, suffix)


def _output_options(parser: argparse.ArgumentParser) -> None:
    formats = parser.add_argument(
        "--format",
        help="csv|tsv|json|xml for SELECT/ASK (SPARQL 1.1 result formats), "
             "turtle|nt|xml|jsonld for CONSTRUCT/DESCRIBE (default: a table, or turtle)")
    formats.choices = LazyChoices(output_formats)
    parser.add_argument("--lang", metavar="LANG",
                        help="show resources by their label in LANG (e.g. es) in tables")


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of ``backcare-kg`` and its subcommands."""
    parser = argparse.ArgumentParser(
        prog=PROG,
        description="Query and check the backcare knowledge graph: exercise for back pain, "
                    "from a news article (expert opinion, not medical advice).")
    parser.add_argument("--version", action="version", version=f"{PROG} {__version__}")
    _global_options(parser, "")
    common = argparse.ArgumentParser(add_help=False)
    _global_options(common, "_sub")
    subs = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)

    def add(name: str, handler: Handler, help: str) -> argparse.ArgumentParser:
        p = subs.add_parser(name, parents=[common], help=help, description=help)
        p.set_defaults(handler=handler)
        return p

    add("build", cmd_build,
        "reason once into a store on disk (--store DIR), which later commands open with "
        "--store DIR")

    p = add("query", cmd_query, "run a SPARQL query (argument, --file, or stdin)")
    p.add_argument("sparql", nargs="?", metavar="SPARQL",
                   help="the query text; '-' or nothing reads it from stdin")
    p.add_argument("-f", "--file", metavar="FILE", help="read the query from FILE")
    _output_options(p)

    p = add("queries", cmd_queries, "list the named queries, or describe one")
    p.add_argument("name", nargs="?", metavar="NAME", help="describe this query in full")
    p.add_argument("--format", choices=("json",), help="json: the queries' metadata as JSON")

    p = add("run", cmd_run, "run a named query")
    p.add_argument("name", metavar="NAME", help="the named query (see 'backcare-kg queries')")
    p.add_argument("-p", "--param", action="append", default=[], metavar="NAME=VALUE",
                   help="a parameter of the query (repeatable)")
    _output_options(p)

    p = add("activities", cmd_activities,
            "activities, by the capacity they improve, the pain phase, the goal")
    p.add_argument("--improves", metavar="CAPACITY", help="e.g. balance, flexibility")
    p.add_argument("--phase", metavar="PHASE", help="e.g. chronic, acute")
    p.add_argument("--goal", metavar="GOAL", help="e.g. analgesia")
    p.add_argument("--why", action="store_true",
                   help="under the table, why each row matches: the proof of each statement "
                        "the query tests for it (text only)")
    _output_options(p)

    add("validate", cmd_validate,
        "check every bundled file: syntax, rule headers, SHACL shapes, quotes and selectors, "
        "a license for every statement about a resource of ours, one support level for "
        "every statement")

    from backcare_kg.cli.explain import add_explain
    from backcare_kg.cli.push import add_push
    from backcare_kg.cli.web import add_commands

    add_commands(add)
    add_push(add)
    add_explain(add)

    p = add("export", cmd_export, "write the graph as RDF")
    graphs = p.add_argument("--graph", default="all", help="which graph to write (default: all)")
    graphs.choices = LazyChoices(export_graphs)
    formats = p.add_argument("--format", default="turtle", help="RDF format (default: turtle); "
                             "nq and trig keep the named graphs")
    formats.choices = LazyChoices(export_formats)
    p.add_argument("-o", "--output", metavar="FILE",
                   help="write to FILE (atomically) instead of stdout")
    return parser


def _merge_globals(args: argparse.Namespace) -> None:
    args.no_inference = args.no_inference or getattr(args, "no_inference_sub", False)
    args.debug = args.debug or getattr(args, "debug_sub", False)
    args.engine_given = getattr(args, "engine_sub", None) or args.engine
    args.engine = args.engine_given or ENGINES.default
    args.reasoner_given = getattr(args, "reasoner_sub", None) or args.reasoner
    args.reasoner = args.reasoner_given or REASONERS.default
    args.extra = list(args.extra) + list(getattr(args, "extra_sub", []))
    args.store = getattr(args, "store_sub", None) or args.store
    from backcare_kg.cli.remote_options import merge_remote

    merge_remote(args)


def _check_store_options(args: argparse.Namespace) -> None:
    """Refuse the options a store cannot honour, saying why (a usage error, exit 2)."""
    from backcare_kg.cli.remote_options import check_remote_options

    check_remote_options(args)
    if args.command == "build":
        if not args.store:
            raise ParameterError("build needs --store DIR, the directory to build the store in",
                                 "--store")
        if args.no_inference:
            raise ParameterError("a store holds the inferred graph: drop --no-inference",
                                 "--no-inference")
        return
    if not args.store:
        return
    refused = (
        (args.extra, "--with", "a store already holds its files: give them to "
                               f"'{PROG} build --store DIR --with FILE'"),
        (args.no_inference, "--no-inference", "a store holds the inferred graph; for the "
                                              "asserted graph alone, drop --store"),
        (args.engine_given not in (None, STORE_ENGINE), "--engine",
         f"a store is queried by the {STORE_ENGINE} engine only"),
        (args.reasoner_given, "--reasoner", "a store was reasoned when it was built: give "
                                            f"--reasoner to '{PROG} build'"),
        (args.command == "validate", "validate", "validate checks the RDF files, not a "
                                                 "store: drop --store"),
    )
    for given, option, why in refused:
        if given:
            raise ParameterError(f"cannot be combined with --store: {why}", option)


# -- the commands -----------------------------------------------------------------------


def _read_query(args: argparse.Namespace) -> tuple[str, str | None]:
    """The query text and the name of the file it came from (``None`` for an argument)."""
    if args.file is not None:
        if args.sparql is not None:
            raise ParameterError("give the query as an argument or with --file, not both",
                                 "sparql")
        if args.file == "-":
            return sys.stdin.read(), "<stdin>"
        try:
            return Path(args.file).read_text(encoding="utf-8"), args.file
        except (OSError, UnicodeDecodeError) as e:
            reason = e.strerror if isinstance(e, OSError) and e.strerror else str(e)
            raise DataError(f"cannot read the query: {reason}", path=args.file) from e
    if args.sparql is not None and args.sparql != "-":
        return args.sparql, None
    if args.sparql is None and sys.stdin.isatty():
        raise ParameterError("no query given: pass it as an argument, with --file FILE, "
                             "or on stdin", "sparql")
    return sys.stdin.read(), "<stdin>"


def cmd_build(args: argparse.Namespace) -> int:
    """``build --store DIR``: materialize once into an on-disk store; a one-line summary."""
    import time

    from backcare_kg.storage.store import build_store

    check_readable(args.extra)
    start = time.perf_counter()
    from backcare_kg.cli.display import build_progress

    with build_progress() as progress:
        info = build_store(args.store, args.extra, args.reasoner, progress)
    seconds = time.perf_counter() - start
    sys.stdout.write(f"built {args.store}: {info.asserted:,} asserted and {info.inferred:,} "
                     f"inferred triples in {seconds:.1f} s\n")
    return EXIT_OK


def cmd_query(args: argparse.Namespace) -> int:
    """``query``: run SPARQL given as an argument, in a file, or on stdin."""
    text, source = _read_query(args)
    if not text.strip():
        raise ParameterError("the query is empty", "sparql")
    kg = load_graph(args)
    try:
        result = kg.query(text)
    except QueryError as e:
        if source is None or e.source is not None:
            raise
        raise _from_source(e, source) from e
    return _emit(result, args, kg)


def _from_source(error: QueryError, source: str) -> QueryError:
    """``error`` located in the file the query was read from rather than in "query"."""
    where = "query"
    if error.line is not None:
        where += f":{error.line}" + (f":{error.column}" if error.column is not None else "")
    text = str(error)
    message = text[len(where) + 2:] if text.startswith(where + ": ") else text
    return QueryError(message, error.line, error.column, source)


def cmd_run(args: argparse.Namespace) -> int:
    """``run NAME -p k=v``: run a named query with its parameters."""
    params: dict[str, str] = {}
    for item in args.param:
        name, sep, value = item.partition("=")
        name = name.strip()
        if not sep or not name:
            raise ParameterError(f"expected NAME=VALUE, got {item!r}", "--param")
        if name in params:
            raise ParameterError("given more than once", name)
        params[name] = value
    result = _fast(args, lambda fast: fast.run(args.name, **params))
    if result is not None:
        return _emit(result, args, None)
    from backcare_kg.sparql.named_queries import find

    find(_bundled_queries(), args.name)  # an unknown name fails before the slow load
    kg = load_graph(args)
    return _emit(kg.run(args.name, **params), args, kg)


def cmd_activities(args: argparse.Namespace) -> int:
    """``activities``: the flagship question; with ``--why``, why each row matches."""
    import shlex

    from backcare_kg.cli.display import is_terminal, print_hint
    from backcare_kg.cli.explain import check_why, print_why

    check_why(args)
    kg: KnowledgeGraph | None = None
    result = None if args.why else _fast(  # --why needs the whole graph
        args, lambda fast: fast.activities(improves=args.improves, phase=args.phase,
                                           goal=args.goal))
    if result is None:
        kg = load_graph(args)
        result = kg.activities(improves=args.improves, phase=args.phase, goal=args.goal)
    code = _emit(result, args, kg)
    if args.why and kg is not None:
        print_why(kg, result, args, sys.stdout)
    elif args.format is None and is_terminal(sys.stdout) and result.rows:
        asked = [f"--{name} {shlex.quote(value)}" for name, value in
                 (("improves", args.improves), ("phase", args.phase), ("goal", args.goal))
                 if value is not None]
        print_hint(f"why? {PROG} activities {' '.join([*asked, '--why'])}", sys.stdout,
                   terminal=True)
    return code


def _fast(args: argparse.Namespace, ask: Callable[[FastGraph], Result]) -> Result | None:
    """The answer from the snapshot of the materialized graph
    (:mod:`backcare_kg.storage.fast_path`), when the options allow it and one is there; None
    when the normal path must answer."""
    if (args.store or args.endpoint or args.extra or args.no_inference
            or args.engine != STORE_ENGINE or getattr(args, "lang", None)):
        return None
    from backcare_kg.storage.fast_path import answer

    return answer(args.reasoner, ask)


def _bundled_queries() -> Mapping[str, NamedQuery]:
    """The named queries shipped with the package, without loading (or inferring) the data."""
    from backcare_kg.graph import KnowledgeGraph

    return KnowledgeGraph.bundled_queries()


def cmd_queries(args: argparse.Namespace) -> int:
    """``queries [NAME]``: list the named queries with their parameters, or describe one."""
    import json

    from backcare_kg.cli.display import describe_query, is_terminal, parameter_usage, print_table
    from backcare_kg.sparql.named_queries import find

    if args.store:  # the queries are the bundled ones; the store must still open
        from backcare_kg.storage.store import open_store

        open_store(args.store)
    available = _bundled_queries()
    chosen = [find(available, args.name)] if args.name else list(available.values())
    if args.format == "json":
        data = [q.to_dict() for q in chosen]
        sys.stdout.write(json.dumps(data[0] if args.name else data, indent=2,
                                    ensure_ascii=False, default=str) + "\n")
        return EXIT_OK
    terminal = is_terminal(sys.stdout)
    if args.name:
        describe_query(chosen[0], sys.stdout, terminal=terminal)
        return EXIT_OK
    rows = [[q.name, q.summary or "", ", ".join(parameter_usage(p) for p in q.parameters)]
            for q in chosen]
    print_table(["name", "summary", "parameters"], rows, sys.stdout, terminal=terminal,
                caption=f"{len(rows)} named queries; details: {PROG} queries NAME")
    return EXIT_OK


def cmd_validate(args: argparse.Namespace) -> int:
    """``validate``: every problem as ``file:line: message`` (exit 1), or a one-line OK."""
    from backcare_kg.graph import KnowledgeGraph
    from backcare_kg.storage import files

    problems = KnowledgeGraph.validate(args.extra)
    if problems:
        for problem in problems:
            sys.stdout.write(problem + "\n")
        sys.stderr.write(f"{PROG}: {len(problems)} problem{'s' if len(problems) != 1 else ''}"
                         " found\n")
        return EXIT_PROBLEMS
    count = (len(files.asserted_files()) + len(files.rule_files()) + len(files.query_files())
             + int(files.shapes_file().is_file()) + len(args.extra))
    sys.stdout.write(f"OK: {count} files valid (syntax, rule headers, SHACL shapes, quotes "
                     "and selectors against the source, licenses, support levels)\n")
    return EXIT_OK


def cmd_export(args: argparse.Namespace) -> int:
    """``export``: the chosen graph(s) as RDF, to stdout or atomically to ``--output``."""
    from backcare_kg.storage.atomic import write_atomically
    from backcare_kg.storage.export import serialize

    if args.graph == "inferred" and args.no_inference:
        raise ParameterError("the inferred graph needs inference: drop --no-inference",
                             "graph")
    kg = load_graph(args, inference=False if args.graph == "asserted" else None)
    text = serialize(kg, args.format, args.graph)
    if args.output is None:
        sys.stdout.write(text)
        return EXIT_OK
    try:
        write_atomically(args.output, text)
    except OSError as e:
        raise DataError(f"cannot write: {e.strerror or e}", path=args.output) from e
    return EXIT_OK


# -- output -----------------------------------------------------------------------------


def _emit(result: Result, args: argparse.Namespace, kg: KnowledgeGraph | None) -> int:
    """Print ``result``: as a table for people, or exactly in the ``--format`` asked for.

    A format that does not fit the query form (CSV for a CONSTRUCT, Turtle for a SELECT)
    raises :class:`~backcare_kg.errors.ParameterError` listing the ones that do.
    """
    from backcare_kg.cli.display import Labeller, is_terminal, show_result, write_text

    out = sys.stdout
    if args.format is None:
        labels = kg.labels() if args.lang and kg is not None else None
        show_result(result, Labeller(labels, args.lang), out, terminal=is_terminal(out))
    else:
        write_text(result.serialize(args.format), out)
    return EXIT_OK


# -- the entry point --------------------------------------------------------------------


def _report(message: str) -> None:
    sys.stderr.write(f"{PROG}: error: {message}\n")


def _silence_stdout() -> None:
    """After a closed pipe, point stdout at /dev/null so the final flush cannot fail."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError):
        pass


def main(argv: Sequence[str] | None = None) -> int:
    """Run ``backcare-kg`` with ``argv`` (default: the process's arguments); the exit code."""
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as e:  # --help, --version, or a usage error already printed
        return e.code if isinstance(e.code, int) else EXIT_OK if e.code is None else EXIT_USAGE
    _merge_globals(args)
    try:
        _check_store_options(args)
        code: int = args.handler(args)
        sys.stdout.flush()
        return code
    except KeyboardInterrupt:
        sys.stderr.write(f"{PROG}: interrupted\n")
        return EXIT_INTERRUPTED
    except BrokenPipeError:
        _silence_stdout()
        return EXIT_PIPE
    except BackcareError as e:
        if args.debug:
            import traceback

            traceback.print_exc()
        _report(str(e))
        return EXIT_USAGE
    except Exception as e:  # a bug: say so in one line unless asked for the traceback
        if args.debug:
            import traceback

            traceback.print_exc()
        _report(f"internal error: {type(e).__name__}: {e} (run with --debug for details)")
        return EXIT_INTERNAL
