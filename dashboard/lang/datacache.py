"""Per-process data that takes seconds to build, built once and kept on disk.

The place gazetteer (CLDR territory and city names in 20 locales, keyed) and the fixed names'
keys take ~2 s to build, in every process that analyses text: each worker of `analyze` paid it
again. Here a build's value is kept under the user cache (marshal: plain strings, tuples, lists,
dicts and sets, no code), in a file named by a fingerprint of everything the value is built
from (the package's code and data files, babel's CLDR data, the time zones, Python's version):
any change to one of them builds it again; the few most recently used versions are kept (two
checkouts sharing the cache do not rebuild each other's on every run). Written atomically; an
unreadable or damaged file is built again, and a read-only cache folder only costs the build.
"""

from __future__ import annotations

import contextlib
import hashlib
import importlib
import marshal
import os
import re
import sys
from collections import Counter
from collections.abc import Callable
from functools import lru_cache
from importlib.metadata import version
from pathlib import Path
from typing import Any, TypeVar

from dashboard import atomic
from dashboard.lang import lemmas

T = TypeVar("T")
PACKAGE = Path(__file__).resolve().parents[1]  # the dashboard package: its code and data
KEEP = 4
"""Versions of each value kept on disk (the most recently used): older code's are dropped."""
BUILDS: Counter[str] = Counter()
"""How many times each value was built (not read from disk) in this process: for the tests."""


@lru_cache(maxsize=1)
def fingerprint() -> str:
    """A digest of what the cached values are built from."""
    from zoneinfo import available_timezones

    digest = hashlib.sha1()
    for part in (sys.version, version("babel"), *sorted(available_timezones())):
        digest.update(part.encode())
    for path in sorted(PACKAGE.rglob("*")):
        if path.is_file() and (path.suffix == ".py" or "data" in path.relative_to(PACKAGE).parts):
            digest.update(str(path.relative_to(PACKAGE)).encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def folder() -> Path:
    """Where the values are kept: beside the lemmatizer's dictionaries."""
    return lemmas.cache_folder().parent / "data"


def path_of(name: str) -> Path:
    """The file that keeps `name`'s value for this code (it may not exist yet)."""
    return folder() / f"{name}-{fingerprint()}.marshal"


LANGUAGE_CODE = re.compile(r"[a-z]{2,3}")
"""A language code a value may be kept under (a code read from data names no file)."""


def cached(name: str, build: Callable[[], T]) -> T:
    """build()'s value, read from disk when an earlier process of this code built it."""
    path = path_of(name)
    with contextlib.suppress(OSError, ValueError, EOFError, TypeError):
        stored: Any = marshal.loads(path.read_bytes())
        # a file damaged into another readable value is not this one: built again
        if isinstance(stored, tuple) and len(stored) == 2 and stored[0] == name:
            with contextlib.suppress(OSError):
                os.utime(path)  # used: the last file a prune would drop
            return stored[1]  # type: ignore[no-any-return]
    BUILDS[name] += 1
    value = build()
    # a read-only cache folder still analyses, only more slowly next time
    with contextlib.suppress(OSError, ValueError):
        atomic.write_bytes(path, marshal.dumps((name, value)))  # type: ignore[arg-type]
        _prune(path.parent, name)
    return value


def kept_pattern(pattern: re.Pattern[str]) -> tuple[Any, ...]:
    """A compiled pattern as a value to keep (`cached`), read back by `pattern_of`: its source and
    flags, and the program re's compiler made of them. Python's regex compiler parses a pattern
    in Python (a language's date grammar, thousands of words in tries: ~25 ms, every process);
    the program loads in a fraction of a millisecond. A Python whose compiler does not make the
    same pattern from its program keeps only the source and flags."""
    source, flags = pattern.pattern, pattern.flags
    return (source, flags, *(_program(source, flags) or ()))


def pattern_of(kept: tuple[Any, ...]) -> re.Pattern[str]:
    """The pattern `kept_pattern` kept: from its program, else compiled from its source."""
    if len(kept) > 2:
        with contextlib.suppress(TypeError, ValueError, RuntimeError):
            # _sre validates the program it is given (RuntimeError: invalid SRE code)
            return importlib.import_module("_sre").compile(kept[0], *kept[2:])  # type: ignore[no-any-return]
    return re.compile(kept[0], kept[1])


def _program(source: str, flags: int) -> tuple[Any, ...] | None:
    """The arguments after the source that re's compiler gives _sre.compile for
    re.compile(source, flags), made as re._compiler.compile makes them; None when they do not
    make the pattern re.compile makes."""
    try:
        parser, compiler = (importlib.import_module(f"re.{m}") for m in ("_parser", "_compiler"))
        parsed = parser.parse(source, flags)
        state = parsed.state
        names: list[str | None] = [None] * state.groups
        for group, number in state.groupdict.items():
            names[number] = group
        program = (
            int(flags | state.flags),
            [int(op) for op in compiler._code(parsed, flags)],  # named constants: plain ints
            state.groups - 1,
            dict(state.groupdict),
            tuple(names),
        )
        if importlib.import_module("_sre").compile(source, *program) != re.compile(source, flags):
            return None
    except (AttributeError, TypeError, ValueError, RuntimeError, re.error):
        return None
    return program


def _prune(where: Path, name: str) -> None:
    """Drop all but the KEEP most recently used files of `name`: two versions of the code
    sharing the cache (a second checkout, an upgrade not yet run everywhere) each keep theirs
    instead of deleting the other's and rebuilding it on every run."""
    files = []
    for path in where.glob(f"{name}-*.marshal"):
        with contextlib.suppress(OSError):
            files.append((path.stat().st_mtime, path.name, path))
    for _, _, path in sorted(files, reverse=True)[KEEP:]:
        path.unlink(missing_ok=True)
