"""Replacing files and directories at once (backcare_kg.storage.atomic)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from backcare_kg.storage import atomic
from backcare_kg.storage.atomic import (
    default_mode,
    directory_beside,
    found_at,
    swap_directory,
    write_atomically,
)


def test_a_file_keeps_its_permissions_a_new_one_gets_the_usual(tmp_path: Path) -> None:
    target = tmp_path / "out.txt"
    write_atomically(target, "één\n")
    assert target.stat().st_mode & 0o777 == default_mode(0o666)
    assert target.read_bytes() == "één\n".encode()
    target.chmod(0o640)
    write_atomically(target, b"\x00bytes\r\n")
    assert target.stat().st_mode & 0o777 == 0o640
    assert target.read_bytes() == b"\x00bytes\r\n"


def test_a_private_file_is_the_owners_only(tmp_path: Path) -> None:
    target = tmp_path / "entry.nt"
    write_atomically(target, b"x", private=True)
    assert target.stat().st_mode & 0o777 == 0o600


def test_a_failed_write_leaves_the_old_file(tmp_path: Path,
                                            monkeypatch: pytest.MonkeyPatch) -> None:
    target = tmp_path / "out.txt"
    target.write_text("old")

    def fail(source: object, destination: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", fail)
    with pytest.raises(OSError, match="No space left"):
        write_atomically(target, "new")
    assert target.read_text() == "old" and os.listdir(tmp_path) == ["out.txt"]


def test_what_is_found(tmp_path: Path) -> None:
    assert found_at(tmp_path / "nothing") == "nothing"
    (tmp_path / "file").write_text("x")
    assert found_at(tmp_path / "file") == "not a directory"
    (tmp_path / "broken").symlink_to(tmp_path / "nowhere")
    assert found_at(tmp_path / "broken") == "not a directory"
    (tmp_path / "empty").mkdir()
    assert found_at(tmp_path / "empty") == "empty directory"
    assert found_at(tmp_path) == "directory"


@pytest.mark.parametrize("exchange", [True, False])
@pytest.mark.parametrize("before", ["nothing", "empty directory", "directory"])
def test_a_directory_takes_the_place_of_another(tmp_path: Path, before: str, exchange: bool,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    if not exchange:
        monkeypatch.setattr(atomic, "_exchange", lambda first, second: False)
    target = tmp_path / "parent" / "target"
    if before != "nothing":
        target.mkdir(parents=True)
    if before == "directory":
        (target / "old.txt").write_text("old")
    new = directory_beside(target, "building")
    assert new.parent == target.parent and new.name.startswith(".target.building-")
    (new / "new.txt").write_text("new")
    swap_directory(new, target)
    assert os.listdir(target) == ["new.txt"] and os.listdir(target.parent) == ["target"]

