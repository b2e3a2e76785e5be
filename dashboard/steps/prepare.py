"""The per-language data built ahead (`newsprism prepare`, which `make install` runs), so that a
first analysis reads it from disk instead of building it.

A fresh machine's first `analyze` of the seeds took ~9 s, against ~1.5 s once the data was on
disk: it built each language's lemma dictionary (simplemma's, re-laid for fast look-ups; Polish
alone ~5 s), the place gazetteer, the fixed names, the name concepts, the world's cities, each
language's month and weekday names and date grammar (its patterns compiled), and the
characters' scripts. Preparing builds what is missing of them and leaves what is there; the
caches themselves (dashboard.lang.lemmas, dashboard.lang.datacache) keep their rules:
versioned, written atomically, rebuilt when the code or the data change.

It also compiles newsprism's own modules to bytecode beside them (`bytecode`). An editable
install (make install's) leaves none, and where PYTHONDONTWRITEBYTECODE is set (as on the
machine this was measured on) Python never writes it either: every process compiled every module
again, ~0.3 s of each `analyze` and of each helper process it starts (importing the pipeline took
~0.95 s, ~0.7 s with the bytecode there).
"""

from __future__ import annotations

import compileall
import time
from collections.abc import Callable, Sequence
from pathlib import Path

from dashboard.errors import NewsprismError
from dashboard.lang import datacache, datewords, lemmas, lexicon, name_words
from dashboard.steps import language
from dashboard.steps.mention_types import lemma_lang


def languages() -> list[str]:
    """The languages newsprism has cue words for: those it prepares by default."""
    return lexicon.available_languages()


def prepare(
    codes: Sequence[str] | None = None, *, say: Callable[[str], None] = print
) -> list[tuple[str, float]]:
    """Build the per-language data of `codes` (default: every language of `languages()`) and
    the tables every language shares, where they are not on disk yet; (what, seconds) of the
    shared tables (read or built) and of each dictionary built. Unknown codes are refused before
    anything is built."""
    wanted = list(codes) if codes else languages()
    unknown = [c for c in wanted if c not in languages()]
    if unknown:
        raise NewsprismError(
            ", ".join(unknown), f"no such language here (known: {', '.join(languages())})"
        )
    say(f"per-language data, kept in {lemmas.cache_folder().parent}:")
    built: list[tuple[str, float]] = []

    def timed(what: str, build: Callable[[], object]) -> object:
        started = time.perf_counter()
        made = build()
        built.append((what, time.perf_counter() - started))
        say(f"  {what}: {built[-1][1]:.1f} s")
        return made

    if not timed("newsprism's modules, compiled", bytecode):
        say(
            f"  could not write newsprism's bytecode in {PACKAGE} (not writable?): every process"
            " compiles the modules again"
        )
    # shared by every language: read from disk when there (~0.2 s), else built
    timed("place names, fixed names, name concepts, world cities, dates, scripts", _shared)
    done: set[str] = set()
    for code in wanted:
        dictionary = lemma_lang(code)
        if dictionary is not None and dictionary not in done:
            done.add(dictionary)
            if not lemmas.cache_file(dictionary).is_file():
                timed(f"{code}: lemma dictionary ({dictionary})", _lemmas(dictionary))
        lexicon.cues(code)  # with the month and weekday names, kept on disk
        datewords.lexicon(code)  # and the date grammar
    kept = all(lemmas.cache_file(d).is_file() for d in done) and all(
        datacache.path_of(f"{value}_{code}").is_file()
        for code in wanted
        for value in ("calendar_words", "date_lexicon")
    )
    if not kept:
        say(
            f"  could not keep them in {lemmas.cache_folder().parent} (not writable?): every "
            "analysis will build them again"
        )
    return built


PACKAGE = datacache.PACKAGE
"""newsprism's modules (the dashboard package)."""


def bytecode(package: Path | None = None) -> bool:
    """Compile the modules under `package` (default PACKAGE) to bytecode where it is missing or
    older than their source (Python's own __pycache__ files, each written atomically; a module
    changed later is compiled again when imported, as always); False where some could not be
    written (a read-only install still runs, only starting more slowly)."""
    return bool(compileall.compile_dir(package or PACKAGE, quiet=2))


def _shared() -> None:
    lexicon.place_labels()
    lexicon.fixed_names()
    lexicon.world_city(["Maribor"])
    name_words.name_concepts()
    datewords.lexicon(None)  # every language's dates: for text of no language
    language._bmp_classes()  # the characters' scripts


def _lemmas(code: str) -> Callable[[], object]:
    return lambda: lemmas.is_known("a", code)
