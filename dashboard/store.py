"""The analysis on disk: one Parquet file per contract table plus manifest.json.

Tables are written atomically and the manifest last, so a reader that sees a manifest sees the
tables it describes. A table may also be a folder of Parquet shards (`articles/part-*.parquet`,
written by the Ray engine); readers scan either the same way, lazily.
"""

from __future__ import annotations

import json
import platform
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


def write_table(out: Path, table: str, frame: pl.DataFrame) -> None:
    """Write one contract table atomically (conformed to its schema)."""
    conformed = conform(frame, table)
    atomic.write_with(
        table_path(out, table), lambda tmp: conformed.write_parquet(tmp, compression="zstd")
    )


def write_analysis(
    out: Path, tables: dict[str, pl.DataFrame], manifest_extra: dict[str, Any]
) -> dict[str, Any]:
    """Write every contract table (missing ones empty, with their schema), then the manifest."""
    out.mkdir(parents=True, exist_ok=True)
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
    }
    atomic.write_json(out / MANIFEST, manifest)
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


def scan(out: Path, table: str) -> pl.LazyFrame:
    """Lazily scan a table, single file or folder of shards; empty with its schema if absent."""
    single = table_path(out, table)
    if single.is_file():
        return pl.scan_parquet(single)
    shards = out / table
    if shards.is_dir() and any(shards.glob("*.parquet")):
        return pl.scan_parquet(shards / "*.parquet")
    return empty(table).lazy()


@dataclass
class Analysis:
    """An analysis folder opened for reading: manifest plus lazy tables."""

    path: Path
    manifest: dict[str, Any] = field(default_factory=dict)

    @classmethod
    def open(cls, path: Path) -> Analysis:
        return cls(path=path, manifest=read_manifest(path))

    def scan(self, table: str) -> pl.LazyFrame:
        return scan(self.path, table)

    def frame(self, table: str) -> pl.DataFrame:
        return self.scan(table).collect()

    def tables(self) -> dict[str, pl.DataFrame]:
        return {t: self.frame(t) for t in TABLES}


def update_tables(
    out: Path, tables: dict[str, pl.DataFrame], manifest_changes: dict[str, Any]
) -> dict[str, Any]:
    """Replace some tables of an existing analysis, then rewrite its manifest (last)."""
    manifest = read_manifest(out)
    for table, frame in tables.items():
        write_table(out, table, frame)
        manifest.setdefault("counts", {})[table] = frame.height
    manifest.update(manifest_changes)
    manifest["updated"] = datetime.now(UTC).isoformat(timespec="seconds")
    atomic.write_json(out / MANIFEST, manifest)
    return manifest
