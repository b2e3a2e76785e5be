"""Slow-to-build per-process data is built once and then read from disk, unchanged."""

from __future__ import annotations

import pickle
import subprocess
import sys
from pathlib import Path

import pytest

from dashboard.lang import datacache

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture()
def cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("NEWSPRISM_DATA_CACHE", str(tmp_path / "cache"))
    datacache.BUILDS.clear()
    return tmp_path / "cache"


def _value() -> dict[str, object]:
    return {"kyiv": ("LOC", "kyiv", "Kyiv"), "sets": {"a", "b"}, "lists": [("x", ("y", "z"))]}


def test_a_value_is_built_once_then_read_from_disk(cache: Path) -> None:
    assert datacache.cached("thing", _value) == _value()
    assert datacache.cached("thing", _value) == _value()
    assert datacache.BUILDS["thing"] == 1
    assert len(list(datacache.folder().glob("thing-*.marshal"))) == 1


def test_a_damaged_or_foreign_file_is_built_again(cache: Path) -> None:
    datacache.cached("thing", _value)
    (path,) = datacache.folder().glob("thing-*.marshal")
    for damage in (b"not marshal at all", b"i\x05\x00\x00\x00"):  # garbage; a readable int
        path.write_bytes(damage)
        assert datacache.cached("thing", _value) == _value()
    assert datacache.BUILDS["thing"] == 3


def test_other_code_or_data_builds_again_and_drops_the_old_file(
    cache: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    datacache.cached("thing", _value)
    monkeypatch.setattr(datacache, "fingerprint", lambda: "changed")
    assert datacache.cached("thing", lambda: {"new": 1}) == {"new": 1}
    assert [p.name for p in datacache.folder().glob("thing-*.marshal")] == ["thing-changed.marshal"]


def test_a_cache_that_cannot_be_written_still_builds(cache: Path) -> None:
    cache.write_text("a file where the folder would be", encoding="utf-8")
    assert datacache.cached("thing", _value) == _value()
    assert datacache.cached("thing", _value) == _value()
    assert datacache.BUILDS["thing"] == 2


_DUMP = """
import pickle, sys
from dashboard.lang import datacache, lexicon
tables = (lexicon._gazetteer(), lexicon.fixed_names(), lexicon._COUNTRIES, lexicon._SHARED_KEYS,
          lexicon._SPELLINGS, lexicon._SHORT_SPELLINGS)
with open(sys.argv[1], "wb") as out:
    pickle.dump(tables, out)
print(sorted(datacache.BUILDS.items()))
"""


def test_the_gazetteer_read_from_disk_is_the_one_built(tmp_path: Path) -> None:
    env = {"NEWSPRISM_DATA_CACHE": str(tmp_path / "cache"), "PYTHONPATH": str(ROOT)}
    builds, tables = [], []
    for k in range(2):
        dump = tmp_path / f"tables-{k}.pickle"
        done = subprocess.run(
            [sys.executable, "-c", _DUMP, str(dump)],
            env=env,
            capture_output=True,
            text=True,
            check=True,
        )
        builds.append(done.stdout.strip())
        tables.append(pickle.loads(dump.read_bytes()))
    assert builds == ["[('fixed_names', 1), ('gazetteer', 1)]", "[]"]  # then read from disk
    for built, read in zip(*tables, strict=True):
        assert built == read and list(built) == list(read)  # every key and value, in order
