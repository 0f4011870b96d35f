"""The code fingerprint behind the closure cache and the fast path's plans: it follows the
package's files themselves, so no change to the code that decides a cache can go unseen."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from backcare_kg.storage import fingerprint


@pytest.fixture()
def package(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    (tmp_path / "engine").mkdir()
    (tmp_path / "engine" / "__init__.py").write_text('"""engine"""\n')
    (tmp_path / "engine" / "rules.py").write_text("RULES = 1\n")
    (tmp_path / "loading.py").write_text("LOAD = 1\n")
    monkeypatch.setattr(fingerprint, "_PACKAGE_DIR", str(tmp_path))
    fingerprint.code_fingerprint.cache_clear()
    yield tmp_path
    fingerprint.code_fingerprint.cache_clear()


def _now() -> str:
    fingerprint.code_fingerprint.cache_clear()
    return fingerprint.code_fingerprint("engine", "loading.py")


def test_the_files_are_found_not_listed(package: Path) -> None:
    assert fingerprint._code_files(("engine", "loading.py")) == [
        "engine/__init__.py", "engine/rules.py", "loading.py"]


@pytest.mark.parametrize("change", ["edit", "add", "rename", "remove"])
def test_every_change_to_the_code_changes_it(package: Path, change: str) -> None:
    before = _now()
    rules = package / "engine" / "rules.py"
    if change == "edit":
        rules.write_text("RULES = 2\n")
    elif change == "add":
        (package / "engine" / "more.py").write_text("MORE = 1\n")
    elif change == "rename":
        rules.rename(package / "engine" / "rule_set.py")
    else:
        rules.unlink()
    assert _now() != before


def test_other_files_do_not_count(package: Path) -> None:
    before = _now()
    (package / "engine" / "notes.txt").write_text("not code\n")
    (package / "other.py").write_text("OUTSIDE = 1\n")
    assert _now() == before


def test_a_part_that_is_not_there_is_an_error(package: Path) -> None:
    with pytest.raises(FileNotFoundError, match="no code at"):
        fingerprint.code_fingerprint("engine", "no_such_module.py")


def test_the_real_parts_exist() -> None:
    """The parts the caches name are real: a rename of one fails here, not silently."""
    from backcare_kg.storage import cache, query_plans

    fingerprint.code_fingerprint.cache_clear()
    for parts in (cache._CLOSURE_CODE, query_plans._PLAN_CODE):
        assert len(fingerprint.code_fingerprint(*parts)) == 64
