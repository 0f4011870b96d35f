"""Where the bundled ontology, data and queries live, in a wheel or in a checkout."""

from __future__ import annotations

from pathlib import Path

_PACKAGE_DIR = Path(__file__).resolve().parents[1]


def bundled_root() -> Path:
    """The directory holding ontology/, data/ and queries/.

    In an installed wheel they ship inside the package (``backcare_kg/_bundled``); in a
    checkout or an editable install they are the project's own top-level directories.
    """
    inside = _PACKAGE_DIR / "_bundled"
    if (inside / "ontology").is_dir():
        return inside
    return _PACKAGE_DIR.parent


def ontology_dir() -> Path:
    return bundled_root() / "ontology"


def data_dir() -> Path:
    return bundled_root() / "data"


def queries_dir() -> Path:
    return bundled_root() / "queries"


def rules_dir() -> Path:
    return ontology_dir() / "rules"


def shapes_file() -> Path:
    return ontology_dir() / "shapes.ttl"


def source_text_file() -> Path:
    return data_dir() / "sources" / "article.txt"


def asserted_files() -> list[Path]:
    """Every Turtle file of the asserted graph (the ontology and the instance data), sorted.

    The SHACL shapes are not part of the asserted graph: they describe it.
    """
    onto = sorted(p for p in ontology_dir().glob("*.ttl") if p.name != "shapes.ttl")
    data = sorted(data_dir().rglob("*.ttl"))
    return onto + data


def rule_files() -> list[Path]:
    return sorted(rules_dir().glob("*.rq"))


def query_files() -> list[Path]:
    return sorted(queries_dir().glob("*.rq"))
