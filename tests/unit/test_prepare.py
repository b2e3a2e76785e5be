"""`newsprism prepare` builds the per-language data ahead; a fresh process then only reads it."""

from __future__ import annotations

import os
import subprocess
import sys
from importlib.util import cache_from_source
from pathlib import Path

import pytest

from dashboard.steps import prepare

ROOT = Path(__file__).resolve().parents[2]


def _run(cache: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "NEWSPRISM_DATA_CACHE": str(cache)}
    return subprocess.run(
        [sys.executable, "-m", "dashboard.cli", *args],
        capture_output=True,
        text=True,
        env=env,
        cwd=ROOT,
        timeout=300,
    )


def test_prepare_builds_what_is_missing_and_a_new_process_reads_it(tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    first = _run(cache, "prepare", "--languages", "sl,hr")
    assert first.returncode == 0, first.stderr
    # Slovenian's dictionary, and Croatian's under simplemma's name for it (hbs)
    assert "sl: lemma dictionary (sl)" in first.stdout
    assert "hr: lemma dictionary (hbs)" in first.stdout
    dictionaries = sorted(p.name.split("-")[0] for p in cache.glob("simplemma-*/*.marshal"))
    assert dictionaries == ["hbs", "sl"]
    kept = {p.name.split("-")[0] for p in (cache / "data").glob("*.marshal")}
    assert {"gazetteer", "fixed_names", "name_concepts", "calendar_words_sl"} <= kept
    assert {"calendar_words_hr", "date_lexicon_sl", "date_lexicon_hr", "date_lexicon_all"} <= kept
    assert any(name.startswith("char_classes_") for name in kept)

    again = _run(cache, "prepare", "--languages", "sl,hr")
    assert again.returncode == 0, again.stderr
    assert "lemma dictionary" not in again.stdout  # nothing left to build

    # a new process analysing Slovenian builds nothing: every value comes from disk
    # (a file rewritten is a new file: atomic writes rename a new one into place)
    stamp = {p: p.stat().st_ino for p in cache.rglob("*.marshal")}
    code = (
        "from dashboard.lang import datacache, datewords, lemmas, lexicon, name_words\n"
        "lexicon.cues('sl'); lexicon.place_labels(); name_words.name_concepts()\n"
        "datewords.lexicon('sl'); datewords.lexicon(None)\n"
        "assert lemmas.lemmatize('Ljubljani', 'sl') == 'Ljubljana'\n"
        "print(sorted(datacache.BUILDS))\n"
    )
    env = {**os.environ, "NEWSPRISM_DATA_CACHE": str(cache)}
    read = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=env, timeout=300
    )
    assert read.returncode == 0, read.stderr
    assert read.stdout.strip() == "[]"
    assert {p: p.stat().st_ino for p in cache.rglob("*.marshal")} == stamp


def test_prepare_refuses_an_unknown_language_before_building(tmp_path: Path) -> None:
    done = _run(tmp_path / "cache", "prepare", "--languages", "sl,xx")
    assert done.returncode == 2
    assert "xx: no such language here" in done.stderr
    assert "Traceback" not in done.stderr
    assert not (tmp_path / "cache").exists()


def test_prepare_says_so_when_nothing_can_be_kept(tmp_path: Path) -> None:
    blocked = tmp_path / "a-file"
    blocked.write_text("not a folder")
    done = _run(blocked / "cache", "prepare", "--languages", "sl")
    assert done.returncode == 0, done.stderr
    assert "could not keep them" in done.stdout


def test_prepare_compiles_the_modules_a_process_would_compile_again(tmp_path: Path) -> None:
    package = tmp_path / "pkg"
    (package / "sub").mkdir(parents=True)
    modules = [package / "a.py", package / "sub" / "b.py"]
    for module in modules:
        module.write_text("VALUE = 1\n")
    assert prepare.bytecode(package)
    assert all(Path(cache_from_source(str(m))).is_file() for m in modules)
    # where the bytecode cannot be written, it says so and nothing is raised
    blocked = tmp_path / "blocked"
    blocked.mkdir()
    (blocked / "c.py").write_text("VALUE = 2\n")
    (blocked / "__pycache__").write_text("a file where the folder would go")
    assert not prepare.bytecode(blocked)


def test_prepare_leaves_newsprism_compiled(tmp_path: Path) -> None:
    done = _run(tmp_path / "cache", "prepare", "--languages", "sl")
    assert done.returncode == 0, done.stderr
    assert "newsprism's modules, compiled" in done.stdout
    for module in ("cli.py", "steps/mentions.py", "pipeline/pipeline.py"):
        assert Path(cache_from_source(str(ROOT / "dashboard" / module))).is_file()


def test_prepare_says_so_when_the_bytecode_cannot_be_written(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    package = tmp_path / "pkg"
    package.mkdir()
    (package / "m.py").write_text("VALUE = 1\n")
    (package / "__pycache__").write_text("a file where the folder would go")
    monkeypatch.setattr(prepare, "PACKAGE", package)
    said: list[str] = []
    prepare.prepare(["sl"], say=said.append)  # the data of make install's prepare: read, not built
    assert any("could not write newsprism's bytecode" in line for line in said)
    assert any("place names" in line for line in said)  # and the rest was prepared all the same
