"""The closure cache: keys, hits, invalidation, corruption and atomic writes."""

from __future__ import annotations

import logging
import os
from pathlib import Path

import pytest
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.compare import isomorphic

from backcare_kg import DataError
from backcare_kg.storage.cache import ClosureCache, default_directory

EX = "http://example.org/"


def sample() -> Graph:
    graph = Graph()
    graph.parse(
        data="""
        @prefix ex: <http://example.org/> .
        @prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
        ex:a ex:p "line one\\nline \\"two\\"", "tab\\there"@en, 3, 1.5, true,
                 "2024-01-01"^^xsd:date, "ünïcödé ✓"@es, "three"^^xsd:integer .
        ex:a ex:q [ ex:r [ ex:s ex:b ] ] .
        _:shared ex:t ex:a ; ex:u _:shared .
    """,
        format="turtle",
    )
    return graph


@pytest.fixture()
def store(tmp_path: Path) -> ClosureCache:
    return ClosureCache(tmp_path / "cache")


@pytest.fixture()
def inputs(tmp_path: Path) -> list[Path]:
    paths = [tmp_path / "onto.ttl", tmp_path / "data.ttl"]
    paths[0].write_text("@prefix ex: <http://example.org/> .\nex:a ex:b ex:c .\n")
    paths[1].write_text("@prefix ex: <http://example.org/> .\nex:c ex:b ex:d .\n")
    return paths


def test_put_then_get_gives_an_isomorphic_graph(store: ClosureCache) -> None:
    graph = sample()
    store.put("k1", graph)
    back = store.get("k1")
    assert back is not None
    assert len(back) == len(graph) == 13
    assert isomorphic(back, graph)


def test_blank_node_labels_survive_the_round_trip(store: ClosureCache) -> None:
    graph = Graph()
    node = BNode("b0123456789abcdefx7")
    graph.add((node, URIRef(EX + "p"), Literal("x")))
    graph.add((URIRef(EX + "a"), URIRef(EX + "q"), node))
    store.put("k", graph)
    assert set(store.get("k") or ()) == set(graph)


def test_absent_entry_is_none(store: ClosureCache) -> None:
    assert store.get("nothing-here") is None
    assert not store.directory.exists()  # created on first put only


def test_empty_graph_round_trips(store: ClosureCache) -> None:
    store.put("empty", Graph())
    back = store.get("empty")
    assert back is not None and len(back) == 0


# -- keys -------------------------------------------------------------------------------


def test_key_is_stable(store: ClosureCache, inputs: list[Path]) -> None:
    assert store.key(inputs, "1.0") == store.key(inputs, "1.0")
    assert len(store.key(inputs, "1.0")) == 64


def test_changing_one_byte_changes_the_key(store: ClosureCache, inputs: list[Path]) -> None:
    before = store.key(inputs, "1.0")
    data = bytearray(inputs[1].read_bytes())
    data[-3] ^= 1  # "d" -> "e"
    inputs[1].write_bytes(bytes(data))
    assert store.key(inputs, "1.0") != before


def test_changing_the_version_changes_the_key(store: ClosureCache, inputs: list[Path]) -> None:
    assert store.key(inputs, "1.0") != store.key(inputs, "1.1")


def test_order_and_names_of_inputs_matter(
    store: ClosureCache, inputs: list[Path], tmp_path: Path
) -> None:
    assert store.key(inputs, "1.0") != store.key(inputs[::-1], "1.0")
    renamed = tmp_path / "other.ttl"
    renamed.write_bytes(inputs[0].read_bytes())
    assert store.key(inputs, "1.0") != store.key([renamed, inputs[1]], "1.0")


def test_same_names_and_bytes_elsewhere_give_the_same_key(
    store: ClosureCache, inputs: list[Path], tmp_path: Path
) -> None:
    elsewhere = tmp_path / "copy"
    elsewhere.mkdir()
    copies = [elsewhere / p.name for p in inputs]
    for source, copy in zip(inputs, copies, strict=True):
        copy.write_bytes(source.read_bytes())
    assert store.key(inputs, "1.0") == store.key(copies, "1.0")


def test_missing_input_file_is_a_data_error(store: ClosureCache, tmp_path: Path) -> None:
    missing = tmp_path / "gone.ttl"
    with pytest.raises(DataError) as caught:
        store.key([missing], "1.0")
    assert str(caught.value) == f"{missing}: file not found"


# -- corruption -----------------------------------------------------------------------


def _truncate(path: Path) -> None:
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])


def _garble(path: Path) -> None:
    data = bytearray(path.read_bytes())
    data[-10] ^= 0x20
    path.write_bytes(bytes(data))


def _drop_last_line(path: Path) -> None:
    lines = path.read_bytes().splitlines(keepends=True)
    path.write_bytes(b"".join(lines[:-1]))


def _no_header(path: Path) -> None:
    path.write_bytes(path.read_bytes().split(b"\n", 1)[1])


def _not_ntriples(path: Path) -> None:
    import hashlib

    body = b"this is not N-Triples\n"
    path.write_bytes(
        b"# backcare-kg closure v1 sha256="
        + hashlib.sha256(body).hexdigest().encode()
        + b" triples=1\n"
        + body
    )


def _wrong_count(path: Path) -> None:
    header, body = path.read_bytes().split(b"\n", 1)
    path.write_bytes(header.replace(b"triples=13", b"triples=12") + b"\n" + body)


def _empty(path: Path) -> None:
    path.write_bytes(b"")


@pytest.mark.parametrize(
    "damage", [_truncate, _garble, _drop_last_line, _no_header, _not_ntriples, _wrong_count, _empty]
)
def test_corrupt_entry_is_removed_and_missed(
    store: ClosureCache, damage: object, caplog: pytest.LogCaptureFixture
) -> None:
    store.put("k", sample())
    path = store.path("k")
    damage(path)  # type: ignore[operator]
    with caplog.at_level(logging.WARNING, logger="backcare_kg"):
        assert store.get("k") is None
    assert not path.exists()
    ours = [r for r in caplog.records if r.name.startswith("backcare_kg")]
    assert [r.levelname for r in ours] == ["WARNING"]
    assert "is corrupt" in ours[0].getMessage()


# -- writing --------------------------------------------------------------------------


def test_put_leaves_no_temporary_files(store: ClosureCache) -> None:
    store.put("k1", sample())
    store.put("k1", sample())  # overwrite in place
    store.put("k2", Graph())
    assert sorted(p.name for p in store.directory.iterdir()) == ["k1.nt", "k2.nt"]


def test_failed_write_leaves_the_old_entry_and_no_temporary_file(
    store: ClosureCache, monkeypatch: pytest.MonkeyPatch
) -> None:
    store.put("k", sample())
    before = store.path("k").read_bytes()

    def fail(src: str, dst: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", fail)
    store.put("k", Graph())
    assert store.path("k").read_bytes() == before
    assert [p.name for p in store.directory.iterdir()] == ["k.nt"]


def test_unwritable_directory_is_skipped_with_a_warning(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    blocker = tmp_path / "not-a-directory"
    blocker.write_text("a file where the cache directory should be")
    store = ClosureCache(blocker / "cache")
    with caplog.at_level(logging.WARNING, logger="backcare_kg"):
        store.put("k", sample())
    assert store.get("k") is None
    ours = [r for r in caplog.records if r.name.startswith("backcare_kg")]
    assert [r.levelname for r in ours] == ["WARNING"]
    assert "continuing without it" in ours[0].getMessage()


def test_header_carries_checksum_and_count(store: ClosureCache) -> None:
    store.put("k", sample())
    header = store.path("k").read_bytes().split(b"\n", 1)[0].decode()
    assert header.startswith("# backcare-kg closure v1 sha256=")
    assert header.endswith(" triples=13")


def test_old_entries_are_pruned(tmp_path: Path) -> None:
    store = ClosureCache(tmp_path, max_entries=2)
    for number, key in enumerate(["a", "b", "c"]):
        store.put(key, Graph())
        os.utime(store.path(key), (1000 + number, 1000 + number))
    assert sorted(p.name for p in tmp_path.iterdir()) == ["b.nt", "c.nt"]


# -- where the cache lives --------------------------------------------------------------


def test_directory_from_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("BACKCARE_KG_CACHE_DIR", str(tmp_path / "explicit"))
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert ClosureCache().directory == tmp_path / "explicit"
    monkeypatch.delenv("BACKCARE_KG_CACHE_DIR")
    assert default_directory() == tmp_path / "xdg" / "backcare-kg"
    monkeypatch.delenv("XDG_CACHE_HOME")
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    assert default_directory() == tmp_path / "home" / ".cache" / "backcare-kg"
    assert not (tmp_path / "home").exists()


def test_relative_xdg_cache_home_is_ignored(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.delenv("BACKCARE_KG_CACHE_DIR", raising=False)
    monkeypatch.setenv("XDG_CACHE_HOME", "relative/dir")
    monkeypatch.setenv("HOME", str(tmp_path))
    assert default_directory() == tmp_path / ".cache" / "backcare-kg"
