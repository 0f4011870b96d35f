"""The exported surface: what ``backcare_kg`` (and the two public subpackages users import,
``backcare_kg.server`` and ``backcare_kg.explain``) export is exactly what the README
documents, and every exported name imports. A new public name is a decision: add it here
and to the README's Python section together."""

from __future__ import annotations

import importlib
import subprocess
import sys

import pytest

import backcare_kg

#: The public API of ``backcare_kg``, as the README's Python section lists it.
PUBLIC = [
    "__version__",
    "KnowledgeGraph",
    "Result",
    "BackcareError",
    "DataError",
    "QueryError",
    "UnknownQueryError",
    "ParameterError",
    "ValidationFailed",
    "EndpointError",
    "EndpointUnreachable",
    "LoginRefused",
]

SERVER = ["GraphSource", "ServerConfig", "PUBLIC_BASE", "create_app", "serve"]

EXPLAIN = [
    "DOMAIN", "OWL_RL", "OWL_RL_SPEC", "Excerpt", "FORMAT", "Explainer", "Explanation",
    "Location", "Near", "Proof", "RuleRef", "Span", "Statement", "render_text", "render_tree",
    "schema", "to_graph", "to_json", "to_turtle",
]


@pytest.mark.parametrize(("module", "expected"), [
    ("backcare_kg", PUBLIC),
    ("backcare_kg.server", SERVER),
    ("backcare_kg.explain", EXPLAIN),
])
def test_all_is_exactly_the_documented_api(module: str, expected: list[str]) -> None:
    assert sorted(importlib.import_module(module).__all__) == sorted(expected)


@pytest.mark.parametrize("name", PUBLIC)
def test_every_public_name_imports(name: str) -> None:
    exec(f"from backcare_kg import {name}", {})  # the form users write
    assert getattr(backcare_kg, name) is not None
    assert name in dir(backcare_kg)


@pytest.mark.parametrize(("module", "names"), [("backcare_kg.server", SERVER),
                                               ("backcare_kg.explain", EXPLAIN)])
def test_every_subpackage_name_imports(module: str, names: list[str]) -> None:
    loaded = importlib.import_module(module)
    for name in names:
        assert getattr(loaded, name) is not None, name


def test_errors_share_one_root() -> None:
    for name in PUBLIC:
        value = getattr(backcare_kg, name)
        if isinstance(value, type) and issubclass(value, Exception):
            assert issubclass(value, backcare_kg.BackcareError), name


def test_version_is_the_distributions() -> None:
    from importlib.metadata import version

    assert backcare_kg.__version__ == version("backcare-kg")


def test_the_readme_python_section_names_the_api() -> None:
    from pathlib import Path

    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text("utf-8")
    section = readme.split("## Python", 1)[1].split("\n## ", 1)[0]
    missing = [name for name in PUBLIC if f"`{name}`" not in section and name not in
               ("KnowledgeGraph",)]
    assert "from backcare_kg import KnowledgeGraph" in section
    assert missing == []


def test_importing_the_package_stays_light() -> None:
    """``import backcare_kg`` must not pull in rdflib or the engines: the command line's
    cold start and ``backcare_kg.__version__`` stay cheap (KnowledgeGraph loads lazily)."""
    code = ("import sys, backcare_kg; backcare_kg.__version__; backcare_kg.DataError; "
            "print(sorted(m for m in ('rdflib', 'pyoxigraph', 'owlrl', 'backcare_kg.graph') "
            "if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True).stdout
    assert out.strip() == "[]"
