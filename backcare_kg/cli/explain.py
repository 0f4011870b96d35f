"""The ``explain`` subcommand, and ``activities --why``: why a statement holds and how
strongly the source supports it, down to the rules, the claims and the sentences of the
source (see :mod:`backcare_kg.explain`).

``explain`` exits 0 when the graph holds the statement and 1 when it does not (the
explanation, saying so and listing near statements, is printed all the same).
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Mapping
from typing import TYPE_CHECKING, TextIO

from backcare_kg.cli.common import EXIT_OK, EXIT_PROBLEMS, PROG, AddCommand, load_graph
from backcare_kg.errors import ParameterError

if TYPE_CHECKING:
    from rdflib import URIRef

    from backcare_kg.explain import Explanation
    from backcare_kg.explain.json_format import Names
    from backcare_kg.graph import KnowledgeGraph
    from backcare_kg.sparql.results import Result


#: ``explain --format``: for people (``text``, ``tree``) and for machines.
FORMATS = ("text", "tree", "json", "turtle")

#: The options of ``activities``, the parameter of the named query each one sets, and the
#: property of ours (``bc:``) the query tests for it.
ACTIVITY_OPTIONS = (
    ("improves", "capacity", "improves"),
    ("phase", "phase", "allowedInPhase"),
    ("goal", "goal", "supportsGoal"),
)


def add_explain(add: AddCommand) -> None:
    """Add ``explain`` to the parser, through the CLI's ``add``."""
    p = add(
        "explain",
        cmd_explain,
        "why a statement holds and how strongly the source supports it: its proofs, with "
        "the support level of each step, down to the rules, the claims and the "
        "sentences of the source (exit 1 if the graph does not hold it)",
    )
    p.add_argument(
        "subject", metavar="SUBJECT", help="a slug, prefixed name, IRI or label, e.g. yoga"
    )
    p.add_argument(
        "predicate",
        metavar="PREDICATE",
        help="e.g. allowedInPhase, bc:improves, or rdf:type (also just: a)",
    )
    p.add_argument(
        "object",
        metavar="OBJECT",
        help="e.g. chronic-phase, bc:RecommendedActivity, or a literal such as true",
    )
    p.add_argument(
        "--limit",
        type=int,
        default=1,
        metavar="N",
        help="show up to N proofs, strongest first, then shortest (default: 1)",
    )
    p.add_argument(
        "--format",
        choices=FORMATS,
        default="text",
        help="text (default) or tree for people; json (a documented schema) or "
        "turtle (PROV-O) for machines",
    )


def cmd_explain(args: argparse.Namespace) -> int:
    """``explain S P O``: the explanation in ``--format``; exit 1 if not entailed."""

    if args.limit < 1:
        raise ParameterError(f"must be a whole number of at least 1, not {args.limit}", "--limit")
    kg = load_graph(args)
    explanation = kg.explain(args.subject, args.predicate, args.object, limit=args.limit)
    sys.stdout.write(render(explanation, args.format, kg.explainer.label))
    if not explanation.entailed and not kg.has_inference:
        print(
            f"{PROG}: note: the graph was loaded without inference (--no-inference): only "
            "asserted statements hold in it",
            file=sys.stderr,
        )
    return EXIT_OK if explanation.entailed else EXIT_PROBLEMS


def render(explanation: Explanation, format: str, names: Names) -> str:
    """The explanation in one of :data:`FORMATS`, ending with a newline."""
    from backcare_kg.explain import json_format, prov_format, text_format

    if format == "tree":
        return text_format.render_tree(explanation, names)
    if format == "json":
        return json_format.dumps(explanation, names) + "\n"
    if format == "turtle":
        return prov_format.to_turtle(explanation, names)
    return text_format.render_text(explanation, names)


# -- activities --why ---------------------------------------------------------------------


def check_why(args: argparse.Namespace) -> None:
    """Refuse ``--why`` with a machine ``--format`` (a usage error naming both)."""
    if args.why and args.format is not None:
        raise ParameterError(
            f"cannot be combined with --format {args.format}: the explanations are text "
            "for people; for one statement in a machine format, use "
            "'backcare-kg explain SUBJECT PREDICATE OBJECT --format json'",
            "--why",
        )


def row_statements(
    kg: KnowledgeGraph, args: argparse.Namespace, row: Mapping[str, object]
) -> list[tuple[URIRef, URIRef, URIRef]]:
    """The statements the ``activities`` query tests for ``row``: the activity has each
    property an option asks for, is a bc:Activity, and (when the row says so) is a
    bc:RecommendedActivity. Option values resolve as :meth:`KnowledgeGraph.activities`
    resolves them."""
    from rdflib import Literal, URIRef
    from rdflib.namespace import RDF

    from backcare_kg.graph import ACTIVITIES_QUERY
    from backcare_kg.vocab import BC

    activity = row["activity"]
    if not isinstance(activity, URIRef):
        return []
    query = kg.named_queries[ACTIVITIES_QUERY]
    found = []
    for option, parameter, predicate in ACTIVITY_OPTIONS:
        value = getattr(args, option)
        if value is not None:
            term = query.parameter(parameter).term(value, kg.resolver)
            if isinstance(term, URIRef):
                found.append((activity, URIRef(BC[predicate]), term))
    found.append((activity, URIRef(RDF.type), URIRef(BC.Activity)))
    recommended = row.get("recommended")
    if isinstance(recommended, Literal) and recommended.toPython() is True:
        found.append((activity, URIRef(RDF.type), URIRef(BC.RecommendedActivity)))
    return found


def print_why(kg: KnowledgeGraph, result: Result, args: argparse.Namespace, out: TextIO) -> None:
    """Under the table of ``activities``, why each row matches: first, one line for each
    statement the query tests, with its support level and what it rests on, and how much
    of the experts' selection criterion the activity covers; then the explanation (one
    proof) of each statement."""
    from backcare_kg.explain.json_format import short
    from backcare_kg.explain.text_format import closing_notes, helpful_label, render_text

    names = kg.explainer.label
    shown: list[Explanation] = []
    targets = criterion_capacities(kg)
    for row in result.rows:
        statements = row_statements(kg, args, row)
        if not statements:
            continue
        activity = statements[0][0]
        label = helpful_label(activity, names)
        explanations = [kg.explainer.explain_statement(s, 1) for s in statements]
        out.write(
            f"\nWhy {short(activity)}{f' ({label})' if label else ''} matches: "
            f"{len(statements)} statements the query tests, and how strongly the source "
            "supports each\n"
        )
        for line in summary_lines(kg, explanations, activity, row, targets):
            out.write(f"  {line}\n")
        for n, explanation in enumerate(explanations, 1):
            shown.append(explanation)
            text = render_text(explanation, names, notes=False)
            out.write(f"\n  ({n}/{len(statements)}) ")
            out.write(
                "\n".join(
                    ("  " + line if line else "") if i else line
                    for i, line in enumerate(text.splitlines())
                )
                + "\n"
            )
    notes = closing_notes(shown)
    if notes:
        out.write("\n" + "\n".join(notes) + "\n")


def summary_lines(
    kg: KnowledgeGraph,
    explanations: list[Explanation],
    activity: URIRef,
    row: Mapping[str, object],
    targets: list[URIRef],
) -> list[str]:
    """One line for each statement: ``yoga bc:improves balance — stated: …`` (see
    :func:`~backcare_kg.explain.text_format.support_text`); then which of the capacities the
    selection criterion names (``targets``) the activity covers, and so whether it is a
    recommended activity."""
    from rdflib import Literal, URIRef
    from rdflib.namespace import RDF

    from backcare_kg.explain.json_format import short
    from backcare_kg.explain.text_format import statement_text, support_text
    from backcare_kg.vocab import BC

    lines = [f"{statement_text(e.statement)} — {support_text(e)}" for e in explanations]
    suggested = row.get("suggested")
    if isinstance(suggested, Literal) and suggested.toPython() is True:
        statement = (activity, URIRef(RDF.type), URIRef(BC.SuggestedActivity))
        explanation = kg.explainer.explain_statement(statement, 1)
        if explanation.entailed:
            lines.append(f"{statement_text(statement)} — {support_text(explanation)}")
    if not targets:
        return lines
    covers = {
        c: kg.explainer.explain_statement((activity, BC.coversTargetCapacity, c), 1)
        for c in targets
    }
    covered = [c for c in targets if covers[c].entailed]
    missing = [c for c in targets if not covers[c].entailed]
    said = (
        f"{short(activity)} covers {len(covered)} of the {len(targets)} capacities the "
        "selection criterion names"
    )
    if covered:
        said += f": {', '.join(short(c) for c in covered)}"
        said += " — " + "; ".join(dict.fromkeys(support_text(covers[c]) for c in covered))
    if missing:
        said += f"; not {', '.join(short(c) for c in missing)}"
    recommended = row.get("recommended")
    if isinstance(recommended, Literal) and recommended.toPython() is True:
        said += ", so it is a recommended activity"
    elif missing:
        said += ", so it is not a recommended activity (the criterion asks for all of them)"
    lines.append(said)
    return lines


def criterion_capacities(kg: KnowledgeGraph) -> list[URIRef]:
    """The capacities the experts' selection criterion names (the named query
    ``capacities``, its ``targeted`` column), in its order."""
    from rdflib import Literal, URIRef

    found: dict[URIRef, None] = {}
    for row in kg.run("capacities").rows:
        capacity, targeted = row.get("capacity"), row.get("targeted")
        if isinstance(capacity, URIRef) and isinstance(targeted, Literal):
            if targeted.toPython() is True:
                found[capacity] = None
    return list(found)
