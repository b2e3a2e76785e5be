"""Atomic writes: a temporary file in the target's folder, then os.replace; and the one reader
of the analyst's JSON files (aliases, story edits, corrections) that says plainly what is wrong.

A crash or two browser sessions writing at once never leave a half-written table, cache or
alias file: readers see the old file or the new one, never a mix.
"""

from __future__ import annotations

import json
import os
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any


def write_with(path: Path, writer: Callable[[Path], None]) -> None:
    """Call writer(tmp) on a temporary path beside `path`, then move it into place."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    os.close(fd)
    tmp = Path(name)
    try:
        writer(tmp)
        with open(tmp, "rb+") as fh:
            os.fsync(fh.fileno())
        os.replace(tmp, path)
        sync_dir(path.parent)
    finally:
        tmp.unlink(missing_ok=True)


def sync_dir(folder: Path) -> None:
    """Flush a folder's entries (a rename just made in it) to disk, where the system allows."""
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass  # some file systems cannot sync a folder; the rename itself stays atomic
    finally:
        os.close(fd)


def write_bytes(path: Path, data: bytes) -> None:
    """Write bytes atomically."""

    def write(tmp: Path) -> None:
        tmp.write_bytes(data)

    write_with(path, write)


def write_text(path: Path, text: str) -> None:
    """Write UTF-8 text atomically."""
    write_bytes(path, text.encode("utf-8"))


def write_json(path: Path, value: Any) -> None:
    """Write JSON (UTF-8, indented, keys in given order) atomically."""
    write_text(path, json.dumps(value, ensure_ascii=False, indent=2, default=str) + "\n")


def read_json_object(path: Path, what: str) -> dict[str, Any] | None:
    """The JSON object in `path`, None when the file does not exist; a NewsprismError naming
    `what` when it is unreadable or not an object."""
    from dashboard.errors import NewsprismError

    if not path.is_file():
        return None
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, ValueError) as exc:
        raise NewsprismError(str(path), f"{what} cannot be read ({exc})") from exc
    try:
        data = json.loads(text)
    except ValueError as exc:
        raise NewsprismError(
            str(path), f"{what} is not valid JSON ({exc}); fix or delete it"
        ) from exc
    if not isinstance(data, dict):
        raise NewsprismError(str(path), f"{what} must hold a JSON object")
    return data
