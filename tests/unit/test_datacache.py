"""Slow-to-build per-process data is built once and then read from disk, unchanged."""

from __future__ import annotations

import os
import pickle
import re
import subprocess
import sys
from importlib import metadata
from pathlib import Path
from typing import Any

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


def test_other_code_or_data_builds_again_and_keeps_the_recent_versions(
    cache: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    datacache.cached("thing", _value)
    (first,) = datacache.folder().glob("thing-*.marshal")
    monkeypatch.setattr(datacache, "fingerprint", lambda: "changed")
    assert datacache.cached("thing", lambda: {"new": 1}) == {"new": 1}
    names = sorted(p.name for p in datacache.folder().glob("thing-*.marshal"))
    assert names == sorted([first.name, "thing-changed.marshal"])


def test_two_versions_sharing_the_cache_do_not_rebuild_each_other(
    cache: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    for _ in range(3):  # two checkouts of different code, run in turn
        for version in ("old", "new"):
            monkeypatch.setattr(datacache, "fingerprint", lambda v=version: v)
            assert datacache.cached("thing", _value) == _value()
    assert datacache.BUILDS["thing"] == 2


def test_only_the_most_recently_used_versions_stay(
    cache: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    versions = [f"v{k}" for k in range(datacache.KEEP + 2)]
    for k, version in enumerate(versions):
        monkeypatch.setattr(datacache, "fingerprint", lambda v=version: v)
        datacache.cached("thing", _value)
        # a clear order of use, whatever the file system's clock resolution
        os.utime(datacache.folder() / f"thing-{version}.marshal", (k, k))
    monkeypatch.setattr(datacache, "fingerprint", lambda: "latest")
    datacache.cached("thing", _value)
    kept = sorted(p.name for p in datacache.folder().glob("thing-*.marshal"))
    recent = versions[-(datacache.KEEP - 1) :]
    assert kept == sorted(["thing-latest.marshal", *(f"thing-{v}.marshal" for v in recent)])


def test_a_cache_that_cannot_be_written_still_builds(cache: Path) -> None:
    cache.write_text("a file where the folder would be", encoding="utf-8")
    assert datacache.cached("thing", _value) == _value()
    assert datacache.cached("thing", _value) == _value()
    assert datacache.BUILDS["thing"] == 2


def _twice(tmp_path: Path, code: str, name: str) -> tuple[list[str], list[Any]]:
    """What `code` prints and the value it pickles into the file named by its first argument, in
    two fresh processes one after the other sharing one new cache: the first builds, the second
    reads what the first kept."""
    env = {"NEWSPRISM_DATA_CACHE": str(tmp_path / "cache"), "PYTHONPATH": str(ROOT)}
    printed, values = [], []
    for k in range(2):
        dump = tmp_path / f"{name}-{k}.pickle"
        done = subprocess.run(
            [sys.executable, "-c", code, str(dump)], env=env, capture_output=True, text=True
        )
        assert done.returncode == 0, done.stderr
        printed.append(done.stdout.strip())
        values.append(pickle.loads(dump.read_bytes()))
    return printed, values


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
    builds, tables = _twice(tmp_path, _DUMP, "tables")
    assert builds == ["[('fixed_names', 1), ('gazetteer', 1)]", "[]"]  # then read from disk
    for built, read in zip(*tables, strict=True):
        assert built == read and list(built) == list(read)  # every key and value, in order


_PROFILES = """
import pickle, sys
from dashboard.ingest import codepages
from dashboard.lang import datacache
p = codepages._profiles()
arrays = [p.logp, p.letter_rows, p.slots, p.slot_rows]
with open(sys.argv[1], "wb") as out:
    pickle.dump((p.languages, list(enumerate(p.grams)), p.largest, [a.tolist() for a in arrays]), out)
print(sorted(datacache.BUILDS.items()))
"""


def test_the_code_page_profiles_read_from_disk_are_the_ones_built(tmp_path: Path) -> None:
    # langdetect's profiles as the code-page decision reads them (0.25-0.45 s to build from their
    # JSON): built by a process's first file not in UTF-8, then read by the next process
    builds, profiles = _twice(tmp_path, _PROFILES, "profiles")
    name = f"codepage_profiles_{metadata.version('langdetect')}"
    assert builds == [f"[('{name}', 1)]", "[]"]  # then read from disk
    assert profiles[0] == profiles[1]
    languages, rows, _, (logp, letter_rows, _, _) = profiles[0]
    assert len(logp) == len(rows) + 1 and all(len(r) == len(languages) for r in logp)
    assert letter_rows[ord("a")] == [gram for _, gram in rows].index("a")


def test_a_languages_calendar_words_are_built_once_then_read_from_disk(cache: Path) -> None:
    from dashboard.lang import lexicon

    built = lexicon._calendar_words_of("pl")
    assert {"stycznia", "styczeń", "poniedziałek"} <= built
    assert lexicon._calendar_words("pl") == built
    assert lexicon._calendar_words("pl") == built
    assert datacache.BUILDS["calendar_words_pl"] == 1
    # a code from a metadata file that is no language code names no file: built each time
    # (English names, as for any code CLDR does not know)
    assert lexicon._calendar_words("x/../y") == lexicon._calendar_words_of("en")
    assert [p.name for p in datacache.folder().iterdir()] == [
        p.name for p in datacache.folder().glob("calendar_words_pl-*.marshal")
    ]


def _not_compiled(*args: object) -> re.Pattern[str]:
    raise AssertionError("compiled from its source")


def test_a_kept_pattern_reads_back_as_the_pattern_compiled(cache: Path) -> None:
    patterns = [
        re.compile(r"(?<!\w)(?P<day>\d\d?)\.?\s+(?P<month>mart[aeu]?|april[au]?)(?!\w)"),
        re.compile(r"(?i)\bcafé\b|[^\W\d_]+(?:-[^\W\d_]+)*", re.MULTILINE),
        re.compile(rb"\x00+".decode("latin-1")),
    ]
    for pattern in patterns:
        kept = datacache.cached(
            f"pattern_{patterns.index(pattern)}", lambda p=pattern: datacache.kept_pattern(p)
        )
        assert len(kept) > 2  # the program, not only the source: this Python's compiler made it
        read = datacache.cached(f"pattern_{patterns.index(pattern)}", lambda: ("", 0))
        with pytest.MonkeyPatch.context() as patch:  # read from the program, not compiled
            patch.setattr(datacache.re, "compile", _not_compiled)
            back = datacache.pattern_of(read)
        assert back == pattern and back.groupindex == pattern.groupindex
        text = "Na 5. marta i 12 aprila, CAFÉ Jean-Luc\x00\x00"
        assert [m.groupdict() or m.span() for m in back.finditer(text)] == [
            m.groupdict() or m.span() for m in pattern.finditer(text)
        ]
    # a damaged program is not run: the pattern is compiled from its source
    source, flags, *program = datacache.kept_pattern(patterns[0])
    program[1] = [7] * len(program[1])
    assert datacache.pattern_of((source, flags, *program)) == patterns[0]
    assert datacache.pattern_of((source, flags)) == patterns[0]


def test_a_languages_date_lexicon_is_built_once_then_read_from_disk(tmp_path: Path) -> None:
    code = """
import pickle, re, sys
from dashboard.lang import datacache, datewords
lexicons = [datewords.lexicon(c) for c in ("sr", "el", None, "x/../y")]
print(sorted(datacache.BUILDS.items()))
# a pattern compares by its program: the one read back is the one the source compiles to
patterns = [p for x in lexicons for p in (x.pattern, x.future, x.range_before) if p]
print(all(p == re.compile(p.pattern, p.flags) for p in patterns), len(patterns))
with open(sys.argv[1], "wb") as out:
    pickle.dump(lexicons, out)
"""
    builds, lexicons = _twice(tmp_path, code, "lexicons")
    names = ["date_lexicon_all", "date_lexicon_el", "date_lexicon_sr"]
    built = str([(name, 1) for name in names])
    assert [b.splitlines()[0] for b in builds] == [built, "[]"]  # then read from disk
    assert [b.splitlines()[1] for b in builds] == ["True 12"] * 2
    # every field, the compiled patterns too (a pattern pickles as its source and flags)
    assert lexicons[0] == lexicons[1]
    first, again = lexicons[0][0], lexicons[1][0]
    assert again.pattern.groupindex == first.pattern.groupindex
    assert [m.lastgroup for m in again.pattern.finditer("5. marta 2019, u petak")] == ["dmy", "wd"]
    # a code from data that is no language code names no file
    kept = sorted(p.name.split("-")[0] for p in (tmp_path / "cache" / "data").glob("*.marshal"))
    assert kept == names
