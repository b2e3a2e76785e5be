"""Work a helper process does ahead on the input files while this process loads them.

Loading runs in this process, file by file, and most files cost next to nothing. Some cost
~6-10 ms each: a file not in UTF-8 (its code page is decided by plausibility, codepages.py), a
web page (its main text is extracted, formats.html_main_text); and a feed ~1 ms an entry
(formats.feed_records). On two workers or more, the
helpers are idle while this process loads, so each walks the input files from the last back
(`files`, ingest.work_ahead) while this process loads from the first, and hands each result over
in a folder that lives as long as the run, named by the kind of work and the digest of the file's
bytes. This process takes a result from there (`take`), or does the work itself and marks the
file taken, so the helpers pass it by; a helper claims a file by that mark too (`claim`), so
that with more helpers each file is worked on by one. A result is used only for the very bytes
it was made from: a file the loader skips, or one changed in between, costs at most work done in
vain.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager, suppress
from contextvars import ContextVar
from pathlib import Path
from typing import Any

_FOLDER: ContextVar[Path | None] = ContextVar("ingest_ahead", default=None)
"""The folder a helper hands results over in while this process loads; None: every file is
worked on here. A context variable: two sessions of the app loading at once each see their own."""


@contextmanager
def folder(path: Path | None) -> Iterator[None]:
    """Results handed over in `path` are taken (`take`) while the block runs."""
    token = _FOLDER.set(path)
    try:
        yield
    finally:
        _FOLDER.reset(token)


def digest(data: bytes) -> str:
    """The name of a file's results: the digest of its bytes."""
    return hashlib.blake2b(data, digest_size=16).hexdigest()


def take(kind: str, data: bytes) -> dict[str, Any] | None:
    """The `kind` result a helper handed over for these bytes; None when there is none (then the
    caller does the work, and the file is marked taken so the helper passes it by), or when no
    helper works ahead."""
    out = _FOLDER.get()
    if out is None:
        return None
    name = f"{kind}-{digest(data)}"
    try:
        made: dict[str, Any] = json.loads((out / f"{name}.json").read_text("utf-8"))
        return made
    except (OSError, ValueError):
        pass
    # marked taken, so the helper passes it by (unmarked, it may do it too: the same result)
    with suppress(OSError):
        (out / f"{name}.taken").touch()
    return None


def result(kind: str, data: bytes, make: Callable[[bytes], dict[str, Any]]) -> dict[str, Any]:
    """The `kind` result for these bytes: a helper's (`take`), else `make(data)` here."""
    made = take(kind, data)
    return make(data) if made is None else made


def claim(out: Path, kind: str, name: str) -> bool:
    """Claim the `kind` work on the file whose digest is `name` for this helper: False when this
    process has taken the file, or another helper has claimed it (the claim is the taken mark,
    made only if it is not there: two helpers walking the same files never do one twice)."""
    try:
        os.close(os.open(out / f"{kind}-{name}.taken", os.O_CREAT | os.O_EXCL | os.O_WRONLY))
    except FileExistsError:
        return False
    return True


def hand_over(out: Path, kind: str, name: str, made: dict[str, Any]) -> None:
    """Write a result for this run's other process: whole or not at all (a temporary name, then a
    rename), not flushed to disk (the folder lives only as long as the run). OSError when the
    folder is gone (the run is over)."""
    path = out / f"{kind}-{name}.json"
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    tmp.write_text(json.dumps(made, ensure_ascii=False), "utf-8")
    os.replace(tmp, path)


def files(
    paths: Sequence[str | Path], max_bytes: int, part: int = 0, parts: int = 1
) -> Iterator[tuple[Path, bytes]]:
    """The input files and their bytes from the last back (this process loads from the first),
    every `parts`-th from the `part`-th (each helper of several reads its own files only):
    regular files within `max_bytes`, no dot names. The loader's other skips (housekeeping names,
    paperwork, sidecars: ingest._is_hidden, which needs the file formats' config) are not
    repeated: such a file is at worst worked on in vain. Links are left to the loader (it refuses
    those leading out of a folder, and works on the others itself)."""
    found: list[Path] = []
    for path in map(Path, paths):
        if path.is_dir():
            for root, dirs, names in os.walk(path):
                dirs[:] = sorted(d for d in dirs if not d.startswith("."))
                found.extend(Path(root) / n for n in sorted(names) if not n.startswith("."))
        else:
            found.append(path)
    for file in found[::-1][part::parts]:
        try:
            if file.is_symlink() or not file.is_file() or file.stat().st_size > max_bytes:
                continue
            yield file, file.read_bytes()
        except OSError:
            continue
