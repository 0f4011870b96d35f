"""The wheel: what it ships, and that the library works from it, away from the checkout.

The wheel is built with ``python -m build --wheel`` (an isolated build environment, as pip
and users build it; ``--no-isolation`` only as a fallback when the isolated build cannot
fetch hatchling and this interpreter has it). It is installed into a clean virtualenv
(no ``--system-site-packages``) together with its dependencies, resolved by pip from the
indexes this machine is configured with: that checks the declared dependencies are enough,
not just that our code is importable next to the developer's packages. Everything then runs
with the working directory in a temporary folder, so nothing can come from the checkout.
"""

from __future__ import annotations

import csv
import io
import json
import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from backcare_kg.vocab import BCR

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[2]
BUNDLED = "backcare_kg/_bundled/"
YOGA = str(BCR.yoga)

#: Checkout files that must ship, by glob (relative to the project root).
SHIPPED_GLOBS = (
    "ontology/*.ttl",
    "ontology/rules/*.rq",
    "data/*.ttl",
    "data/sources/*.txt",
    "queries/*.rq",
)
#: Files every wheel must have, whatever the globs find.
REQUIRED = (
    "backcare_kg/py.typed",
    "backcare_kg/__init__.py",
    "backcare_kg/cli/__init__.py",
    "backcare_kg/web/templates/base.html",
    "backcare_kg/web/static/style.css",
    "backcare_kg/web/context.jsonld",
    "backcare_kg/web/queries/describe-asserted.rq",
    "backcare_kg/server/service_description.ttl",
    "backcare_kg/explain/explanation.schema.json",
    BUNDLED + "ontology/backcare.ttl",
    BUNDLED + "ontology/shapes.ttl",
    BUNDLED + "data/sources/article.txt",
)


def _run(
    cmd: list[str], cwd: Path, timeout: float, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(cmd, cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout)


def _describe(proc: subprocess.CompletedProcess[str]) -> str:
    return (
        f"{' '.join(map(str, proc.args))} exited {proc.returncode}\n"
        f"--- stdout ---\n{proc.stdout[-4000:]}\n--- stderr ---\n{proc.stderr[-4000:]}"
    )


def _clean_env(tmp: Path) -> dict[str, str]:
    """The environment without anything pointing into the checkout or at its caches."""
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in ("PYTHONPATH", "PYTHONHOME", "VIRTUAL_ENV", "PYTHONSTARTUP")
    }
    env["BACKCARE_KG_CACHE_DIR"] = str(tmp / "cache")  # infer afresh from the wheel's files
    env["PYTHONNOUSERSITE"] = "1"
    env.pop("FORCE_COLOR", None)
    return env


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("dist")
    build = [sys.executable, "-m", "build", "--wheel", "--outdir", str(out), str(ROOT)]
    proc = _run(build, ROOT, timeout=600)
    if proc.returncode != 0:
        try:
            import hatchling  # noqa: F401
        except ImportError:
            pytest.fail(_describe(proc))
        proc = _run([*build[:4], "--no-isolation", *build[4:]], ROOT, timeout=600)
    assert proc.returncode == 0, _describe(proc)
    (path,) = out.glob("backcare_kg-*.whl")
    return path


@pytest.fixture(scope="module")
def names(wheel: Path) -> set[str]:
    with zipfile.ZipFile(wheel) as z:
        return set(z.namelist())


@pytest.fixture(scope="module")
def venv(wheel: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A clean virtualenv with the wheel and its dependencies installed."""
    root = tmp_path_factory.mktemp("venv")
    env = _clean_env(root)
    proc = _run([sys.executable, "-m", "venv", str(root / "venv")], root, 300, env)
    assert proc.returncode == 0, _describe(proc)
    python = root / "venv" / "bin" / "python"
    proc = _run([str(python), "-m", "pip", "install", "--quiet", str(wheel)], root, 900, env)
    assert proc.returncode == 0, _describe(proc)
    return root / "venv"


# -- what the wheel holds ----------------------------------------------------------------


@pytest.mark.parametrize("name", REQUIRED)
def test_wheel_has(names: set[str], name: str) -> None:
    assert name in names


@pytest.mark.parametrize("pattern", SHIPPED_GLOBS)
def test_wheel_ships_the_checkout_files_unchanged(
    wheel: Path, names: set[str], pattern: str
) -> None:
    """Every ontology, rule, data, source and query file ships, byte for byte."""
    found = sorted(ROOT.glob(pattern))
    assert found, f"no checkout file matches {pattern}"
    with zipfile.ZipFile(wheel) as z:
        for path in found:
            name = BUNDLED + path.relative_to(ROOT).as_posix()
            assert name in names, f"{name} missing from the wheel"
            assert z.read(name) == path.read_bytes(), f"{name} differs from the checkout"


def test_wheel_ships_no_stray_files(names: set[str]) -> None:
    stray = sorted(n for n in names if not n.startswith(("backcare_kg/", "backcare_kg-")))
    assert stray == []
    assert [n for n in names if "__pycache__" in n or n.endswith(".pyc")] == []


def test_wheel_declares_the_console_script(wheel: Path, names: set[str]) -> None:
    (entry_points,) = [n for n in names if n.endswith(".dist-info/entry_points.txt")]
    with zipfile.ZipFile(wheel) as z:
        text = z.read(entry_points).decode()
    assert "backcare-kg = backcare_kg.cli:main" in text


# -- running from the wheel ------------------------------------------------------------


def outside(tmp_path: Path) -> Path:
    """A working directory that is neither the checkout nor under it."""
    assert tmp_path != ROOT and ROOT not in tmp_path.parents
    return tmp_path


def test_cli_from_the_wheel_answers_the_flagship_question(venv: Path, tmp_path: Path) -> None:
    # Each test has its own cache directory (under its own tmp_path), so each infers afresh.
    cmd = [
        str(venv / "bin" / "backcare-kg"),
        "activities",
        "--improves",
        "balance",
        "--phase",
        "chronic",
        "--format",
        "csv",
    ]
    proc = _run(cmd, outside(tmp_path), 600, _clean_env(tmp_path))
    assert proc.returncode == 0, _describe(proc)
    rows = list(csv.DictReader(io.StringIO(proc.stdout)))
    assert [row["activity"] for row in rows] == [YOGA], proc.stdout


LIBRARY_SCRIPT = """
import json, sysconfig
import backcare_kg
from backcare_kg import KnowledgeGraph
from backcare_kg.storage import files
kg = KnowledgeGraph.load()
result = kg.activities(improves="balance", phase="chronic")
print(json.dumps({
    "module": backcare_kg.__file__,
    "root": str(files.bundled_root()),
    "rules": [p.name for p in files.rule_files()],
    "site": sysconfig.get_paths()["purelib"],
    "answer": [str(row["activity"]) for row in result.rows],
    "inferred": len(kg.inferred),
}))
"""


def test_library_from_the_wheel_uses_its_bundled_files(venv: Path, tmp_path: Path) -> None:
    proc = _run(
        [str(venv / "bin" / "python"), "-c", LIBRARY_SCRIPT],
        outside(tmp_path),
        600,
        _clean_env(tmp_path),
    )
    assert proc.returncode == 0, _describe(proc)
    info = json.loads(proc.stdout.strip().splitlines()[-1])
    site = Path(info["site"]).resolve()
    assert Path(info["module"]).resolve().is_relative_to(site)
    assert Path(info["root"]).resolve() == site / "backcare_kg" / "_bundled"
    assert not Path(info["root"]).resolve().is_relative_to(ROOT)
    assert info["rules"] == sorted(p.name for p in (ROOT / "ontology" / "rules").glob("*.rq"))
    assert info["inferred"] > 0
    assert info["answer"] == [YOGA]
