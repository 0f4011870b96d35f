"""The house stays readable: the README draws the package with one line per module, and
every module says its job in a docstring."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PACKAGE = ROOT / "backcare_kg"


def _modules() -> set[str]:
    """Every module of the package, as a path below the project root; a subpackage's
    ``__init__.py`` is its folder's line."""
    found = set()
    for path in PACKAGE.rglob("*.py"):
        relative = path.relative_to(ROOT).as_posix()
        if path.name == "__init__.py" and path.parent != PACKAGE:
            relative = path.parent.relative_to(ROOT).as_posix() + "/"
        found.add(relative)
    for folder in PACKAGE.rglob("*"):
        if folder.is_dir() and (folder / "__init__.py").exists() and folder != PACKAGE:
            found.add(folder.relative_to(ROOT).as_posix() + "/")
    return found


def _drawn() -> list[str]:
    """The paths the README's layout tree draws below ``backcare_kg/``."""
    readme = (ROOT / "README.md").read_text("utf-8")
    section = readme.split("## Layout and licence", 1)[1]
    block = section.split("```", 2)[1]
    paths: list[str] = []
    stack: list[str] = []
    for line in block.splitlines():
        if not line.strip():
            continue
        indent = (len(line) - len(line.lstrip(" "))) // 2
        name = line.split()[0]
        if indent == 0:
            stack = [name] if name == "backcare_kg/" else []
            continue
        if not stack:
            continue
        stack = stack[:indent]
        path = "".join(stack) + name
        paths.append(path)
        if name.endswith("/"):
            stack.append(name)
    return paths


def test_the_readme_draws_every_module_once() -> None:
    drawn = _drawn()
    assert len(drawn) == len(set(drawn)), "a module is drawn twice"
    modules = _modules()
    assert sorted(set(drawn) - modules) == [], "drawn but not in the package"
    assert sorted(modules - set(drawn)) == [], "in the package but not drawn"


def test_every_module_says_its_job() -> None:
    missing = [path.relative_to(ROOT).as_posix() for path in sorted(PACKAGE.rglob("*.py"))
               if not ast.get_docstring(ast.parse(path.read_text("utf-8")))]
    assert missing == []
