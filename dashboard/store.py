"""The analysis on disk: one Parquet file per contract table plus manifest.json.

Tables are written atomically and the manifest last, so a reader that sees a manifest sees the
tables it describes. A table may also be a folder of Parquet shards (`articles/part-*.parquet`,
written by the Ray engine); readers scan either the same way, lazily.

Articles added to an analysis append their rows as new part files (`_added/<table>-*.parquet`)
instead of rewriting every table: the manifest's "parts" lists each table's files, and a part
not listed there (a run that crashed before its manifest) is never read and is removed by the
next write. A table with more than MAX_PARTS parts is compacted back into one file. Writers of
one analysis folder take turns (`writing`), so two sessions never interleave their parts.
"""

from __future__ import annotations

import json
import platform
import secrets
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import Any

import polars as pl

from dashboard import atomic
from dashboard.errors import NewsprismError
from dashboard.schema import CONTRACT_VERSION, SCHEMAS, TABLES, conform, empty

MANIFEST = "manifest.json"
ADDED = "_added"  # the part files appended by increments
MAX_PARTS = 12  # more parts than this in one table: compacted into one file on the next append
LOCK = "_writing.lock"  # held by the one run writing the folder (store.writing)


def tool_version() -> str:
    """The installed newsprism version."""
    try:
        return version("newsprism")
    except PackageNotFoundError:
        return "0+unknown"


def table_path(out: Path, table: str) -> Path:
    """Where a table's single-file Parquet lives."""
    return out / f"{table}.parquet"


def schema_description() -> dict[str, dict[str, str]]:
    """Column types of every table, as written into the manifest."""
    return {t: {c: str(d) for c, d in cols.items()} for t, cols in SCHEMAS.items()}


def write_frame(path: Path, frame: pl.DataFrame) -> None:
    """Write a frame as zstd Parquet, atomically."""
    atomic.write_with(path, lambda tmp: frame.write_parquet(tmp, compression="zstd"))


def write_table(out: Path, table: str, frame: pl.DataFrame) -> None:
    """Write one contract table atomically (conformed to its schema)."""
    write_frame(table_path(out, table), conform(frame, table))


def write_analysis(
    out: Path, tables: dict[str, pl.DataFrame], manifest_extra: dict[str, Any]
) -> dict[str, Any]:
    """Write every contract table (missing ones empty, with their schema), then the manifest;
    part files of earlier increments are removed."""
    out.mkdir(parents=True, exist_ok=True)
    with writing(out):
        counts: dict[str, int] = {}
        for table in TABLES:
            frame = tables.get(table, empty(table))
            write_table(out, table, frame)
            counts[table] = frame.height
        manifest = {
            "contract_version": CONTRACT_VERSION,
            "tool": "newsprism",
            "tool_version": tool_version(),
            "python": platform.python_version(),
            "created": datetime.now(UTC).isoformat(timespec="seconds"),
            "counts": counts,
            "schema": schema_description(),
            **manifest_extra,
            "parts": {t: [base_file(t)] for t in TABLES},
        }
        atomic.write_json(out / MANIFEST, manifest)
        sweep(out, manifest)
        return manifest


def read_manifest(out: Path) -> dict[str, Any]:
    """The manifest of an analysis folder, or a NewsprismError saying what is wrong."""
    path = out / MANIFEST
    if not path.is_file():
        raise NewsprismError(str(out), "not an analysis folder (no manifest.json); run analyze")
    try:
        manifest: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise NewsprismError(str(path), f"unreadable manifest ({exc})") from exc
    major = str(manifest.get("contract_version", "0")).split(".")[0]
    if major != CONTRACT_VERSION.split(".")[0]:
        raise NewsprismError(
            str(path),
            f"contract version {manifest.get('contract_version')} is not readable by this "
            f"newsprism (reads {CONTRACT_VERSION}); re-run analyze",
        )
    return manifest


def is_analysis(path: Path) -> bool:
    """True when `path` is a folder holding an analysis."""
    return (path / MANIFEST).is_file()


def base_file(name: str) -> str:
    """The single file of a contract table ("articles.parquet") or of a state table
    ("state_features" -> "_state_features.parquet")."""
    return f"{name}.parquet" if name in TABLES else f"_{name}.parquet"


def current_parts(out: Path, manifest: dict[str, Any] | None, name: str) -> list[str]:
    """The files (relative to `out`) a table is made of: the manifest's list when it has one,
    else its single file or its folder of shards."""
    listed = ((manifest or {}).get("parts") or {}).get(name)
    if listed is not None:
        # only files inside the analysis folder, whatever a hand-edited manifest says
        return [str(p) for p in listed if _inside(str(p))]
    if (out / base_file(name)).is_file():
        return [base_file(name)]
    shards = out / name
    if shards.is_dir():
        return sorted(p.relative_to(out).as_posix() for p in shards.glob("*.parquet"))
    return []


def _inside(rel: str) -> bool:
    path = Path(rel)
    return bool(rel) and not path.is_absolute() and ".." not in path.parts


def scan_parts(out: Path, name: str, manifest: dict[str, Any] | None = None) -> pl.LazyFrame | None:
    """Lazily scan a table's files (None when it has none)."""
    if manifest is None and is_analysis(out):
        try:
            manifest = read_manifest(out)
        except NewsprismError:
            manifest = None
    parts = current_parts(out, manifest, name)
    return pl.scan_parquet([out / p for p in parts]) if parts else None


def scan(out: Path, table: str, manifest: dict[str, Any] | None = None) -> pl.LazyFrame:
    """Lazily scan a table, single file, folder of shards or listed parts; empty with its schema
    if absent."""
    found = scan_parts(out, table, manifest)
    return empty(table).lazy() if found is None else found


_local = threading.local()


@contextmanager
def writing(out: Path) -> Iterator[None]:
    """Hold the analysis folder's write lock: another process or browser session writing the same
    folder waits until this one is done. Re-entrant within a thread."""
    try:
        import fcntl
    except ImportError:  # Windows: no advisory locks; the manifest-last rule still holds
        yield
        return
    out.mkdir(parents=True, exist_ok=True)
    key = str(out.resolve())
    held: set[str] = _local.__dict__.setdefault("held", set())
    if key in held:
        yield
        return
    with open(out / LOCK, "a+", encoding="utf-8") as fh:
        fcntl.flock(fh, fcntl.LOCK_EX)
        held.add(key)
        try:
            yield
        finally:
            held.discard(key)
            fcntl.flock(fh, fcntl.LOCK_UN)


def _write_added(out: Path, name: str, frame: pl.DataFrame) -> str:
    """Write rows appended to a table as a new part file; its path relative to `out`."""
    rel = f"{ADDED}/{name}-{datetime.now(UTC):%Y%m%dT%H%M%S}-{secrets.token_hex(4)}.parquet"
    write_frame(out / rel, frame)
    return rel


def sweep(out: Path, manifest: dict[str, Any]) -> None:
    """Remove part files no table lists any more (compacted, rewritten, or a crashed run's)."""
    parts = manifest.get("parts") or {}
    listed = {p for files in parts.values() for p in files}
    added = out / ADDED
    if added.is_dir():
        for path in added.glob("*.parquet"):
            if path.relative_to(out).as_posix() not in listed:
                path.unlink(missing_ok=True)
    for name, files in parts.items():
        if not name.replace("_", "").isalpha():
            continue  # not a table name this tool writes
        single = base_file(name)
        if single not in files:
            (out / single).unlink(missing_ok=True)


def append_analysis(
    out: Path,
    appended: dict[str, pl.DataFrame],
    replaced: dict[str, pl.DataFrame],
    manifest_extra: dict[str, Any],
) -> dict[str, Any]:
    """Add rows to an analysis without rewriting its tables, then write its manifest (last).

    appended: rows to add to a table (contract or state) as a new part file; replaced: tables
    written whole. A table with more than MAX_PARTS parts is compacted into one new part.
    """
    with writing(out):
        manifest = read_manifest(out)
        names = [*TABLES, *appended, *replaced]
        parts = {n: current_parts(out, manifest, n) for n in dict.fromkeys(names)}
        counts = dict(manifest.get("counts") or {})
        for name, frame in appended.items():
            rows = conform(frame, name) if name in TABLES else frame
            if rows.height:
                parts[name] = [*parts[name], _write_added(out, name, rows)]
            if len(parts[name]) > MAX_PARTS:
                whole = pl.scan_parquet([out / p for p in parts[name]]).collect()
                parts[name] = [_write_added(out, name, whole)]
        for name, frame in replaced.items():
            single = conform(frame, name) if name in TABLES else frame
            write_frame(out / base_file(name), single)
            parts[name] = [base_file(name)]
        for table in TABLES:
            counts[table] = _rows(out, parts[table])
        manifest = {
            **manifest,
            "counts": counts,
            "parts": parts,
            "updated": datetime.now(UTC).isoformat(timespec="seconds"),
            **manifest_extra,
        }
        atomic.write_json(out / MANIFEST, manifest)
        sweep(out, manifest)
        return manifest


def _rows(out: Path, parts: list[str]) -> int:
    """Rows in a table's files, from their Parquet footers."""
    if not parts:
        return 0
    return int(pl.scan_parquet([out / p for p in parts]).select(pl.len()).collect().item())


@dataclass
class Analysis:
    """An analysis folder opened for reading: manifest plus lazy tables."""

    path: Path
    manifest: dict[str, Any] = field(default_factory=dict)

    @classmethod
    def open(cls, path: Path) -> Analysis:
        return cls(path=path, manifest=read_manifest(path))

    def scan(self, table: str) -> pl.LazyFrame:
        return scan(self.path, table, self.manifest)

    def frame(self, table: str) -> pl.DataFrame:
        return self.scan(table).collect()

    def tables(self) -> dict[str, pl.DataFrame]:
        return {t: self.frame(t) for t in TABLES}


def update_tables(
    out: Path, tables: dict[str, pl.DataFrame], manifest_changes: dict[str, Any]
) -> dict[str, Any]:
    """Replace some tables of an existing analysis, then rewrite its manifest (last)."""
    with writing(out):
        manifest = read_manifest(out)
        for table, frame in tables.items():
            write_table(out, table, frame)
            manifest.setdefault("counts", {})[table] = frame.height
            if manifest.get("parts") is not None:
                manifest["parts"][table] = [base_file(table)]
        manifest.update(manifest_changes)
        manifest["updated"] = datetime.now(UTC).isoformat(timespec="seconds")
        atomic.write_json(out / MANIFEST, manifest)
        sweep(out, manifest)
        return manifest
