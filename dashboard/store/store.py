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
import os
import platform
import re
import secrets
import shutil
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
from dashboard.store import view_tables

MANIFEST = "manifest.json"
ADDED = "_added"  # the part files appended by increments
MAX_PARTS = 12  # more parts than this in one table: compacted into one file on the next append
LOCK = "_writing.lock"  # held by the one run writing the folder (store.writing)
VIEWS_FROM = "view_tables_from"  # manifest: the files the view tables were derived from
# a table's new generation, written beside the current one before the switch (articles.<gen>...)
_GENERATION = re.compile(r"^_?[a-z_]+\.\d{8}T\d{6}-[0-9a-f]{8}(?:\.parquet)?$")
# what a killed writer leaves: a temporary Parquet file, a link not yet moved into place
_LEFTOVER = re.compile(
    r"^\.(?:[^/]+\.parquet\.[^/]+\.(?:tmp|link)|[a-z_]+\.\d{8}T\d{6}-[0-9a-f]{8}\.(?:plain|old))$"
)
# the app makes missing view tables up to this many mentions (~150,000 articles; building them
# peaked at 1.3 GiB for 3.2 M); bigger analyses get them from the run that writes them
ENSURE_VIEWS_MENTIONS = 5_000_000


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


# The articles hold the texts, which views read a few hundred at a time (hover examples, evidence):
# lz4 decodes several times faster than zstd, and row groups of 2,000 let a reader decode only
# the groups its articles are in. 1.6-2.6x the bytes of zstd, for a quarter of the read time.
LAYOUT: dict[str, dict[str, Any]] = {"articles": {"compression": "lz4", "row_group_size": 2000}}


def write_frame(path: Path, frame: pl.DataFrame, table: str | None = None) -> None:
    """Write a frame as Parquet (zstd, or the table's LAYOUT), atomically."""
    options = LAYOUT.get(table or "", {"compression": "zstd"})
    atomic.write_with(path, lambda tmp: frame.write_parquet(tmp, **options))


def write_table(out: Path, table: str, frame: pl.DataFrame) -> None:
    """Write one contract table atomically (conformed to its schema)."""
    write_frame(table_path(out, table), conform(frame, table), table)


def new_manifest(counts: dict[str, int], extra: dict[str, Any]) -> dict[str, Any]:
    """The manifest of a whole new analysis: contract, tool, time, row counts, schema, extras."""
    return {
        "contract_version": CONTRACT_VERSION,
        "tool": "newsprism",
        "tool_version": tool_version(),
        "python": platform.python_version(),
        "created": datetime.now(UTC).isoformat(timespec="seconds"),
        "counts": counts,
        "schema": schema_description(),
        **extra,
    }


def new_generation() -> str:
    """A name for the files of one write: its time and a random token."""
    return f"{datetime.now(UTC):%Y%m%dT%H%M%S}-{secrets.token_hex(4)}"


def staged_file(name: str, generation: str) -> str:
    """Where a table's new generation is written before the switch (articles.<gen>.parquet)."""
    return f"{base_file(name).removesuffix('.parquet')}.{generation}.parquet"


def stage(out: Path, name: str, frame: pl.DataFrame, generation: str) -> str:
    """Write a table (contract, view or state) as a file of the new generation; its path
    relative to `out`. Nothing reads it until `switch` lists it in the manifest."""
    rel = staged_file(name, generation)
    write_frame(out / rel, conform(frame, name) if name in TABLES else frame, name)
    return rel


def stage_views(out: Path, sources: list[pl.LazyFrame], generation: str) -> dict[str, list[str]]:
    """Build the view tables from their sources (view_tables.SOURCES, in order) and stage each."""
    built = view_tables.build(*sources)
    return {name: [stage(out, name, frame, generation)] for name, frame in built.items()}


def taken_state(manifest_extra: dict[str, Any]) -> dict[str, list[str]]:
    """The state tables a full run staged (increment.state_entry), taken out of the manifest's
    "state" entry to be switched in with the tables."""
    state = manifest_extra.get("state")
    return dict(state.pop("staged", {})) if isinstance(state, dict) else {}


def check_unique(tables: dict[str, pl.DataFrame]) -> None:
    """Refuse to write tables whose keys repeat (an article or a paragraph twice)."""
    keys = {"articles": ["article_id"], "paragraphs": ["article_id", "para_no"]}
    for table, cols in keys.items():
        frame = tables.get(table)
        if frame is not None and frame.height and frame.select(cols).is_duplicated().any():
            raise NewsprismError(table, f"repeated {'/'.join(cols)}: the analysis was not written")


def switch(
    out: Path, manifest: dict[str, Any], staged: dict[str, list[str]], *, views: bool
) -> dict[str, Any]:
    """Make staged files current, so that a crash at any moment leaves the old or the new
    analysis, never a mix: (1) a manifest listing them replaces the old one in one atomic rename;
    (2) a table staged as one file also takes its plain name (articles.parquet: a hard link
    moved into place) and a second manifest lists the plain names; (3) the files no manifest
    lists any more are removed. views: the view tables are current (their sources recorded)."""
    manifest["parts"] = {**(manifest.get("parts") or {}), **staged}
    if views:
        manifest[VIEWS_FROM] = view_fingerprint(out, manifest)
    atomic.write_json(out / MANIFEST, manifest)
    settled = dict(manifest["parts"])
    for name, files in staged.items():
        if files and all("/" in f for f in files):
            shards = _settle_shards(out, name, files)
            if shards:
                settled[name] = shards
            continue
        if len(files) != 1:
            continue
        plain = base_file(name)
        link = out / f".{plain}.{files[0]}.link"
        try:
            link.unlink(missing_ok=True)
            os.link(out / files[0], link)
            os.replace(link, out / plain)
        except OSError:
            link.unlink(missing_ok=True)
            continue  # no hard links here: the generation's name stays current
        settled[name] = [plain]
    atomic.sync_dir(out)
    if settled != manifest["parts"]:
        manifest["parts"] = settled
        if views:
            manifest[VIEWS_FROM] = view_fingerprint(out, manifest)
        atomic.write_json(out / MANIFEST, manifest)
    sweep(out, manifest)
    return manifest


def _settle_shards(out: Path, name: str, files: list[str]) -> list[str] | None:
    """A table's staged shards also under its plain folder (articles/part-*.parquet): hard
    links in a fresh folder, which takes the old folder's place. None where links fail."""
    generation = files[0].split("/", 1)[0].split(".", 1)[-1]
    fresh, old = out / f".{name}.{generation}.plain", out / f".{name}.{generation}.old"
    try:
        shutil.rmtree(fresh, ignore_errors=True)
        fresh.mkdir()
        for rel in files:
            os.link(out / rel, fresh / Path(rel).name)
        if (out / name).exists():
            (out / name).rename(old)
        fresh.rename(out / name)
    except OSError:
        shutil.rmtree(fresh, ignore_errors=True)
        return None
    shutil.rmtree(old, ignore_errors=True)
    return [f"{name}/{Path(rel).name}" for rel in files]


def write_analysis(
    out: Path, tables: dict[str, pl.DataFrame], manifest_extra: dict[str, Any]
) -> dict[str, Any]:
    """Write every contract table (missing ones empty, with their schema) and the view tables as
    a new generation, then switch the manifest to it (see `switch`); part files of earlier
    increments are removed, and the state tables a full run staged are switched in too."""
    out.mkdir(parents=True, exist_ok=True)
    check_unique(tables)
    with writing(out):
        generation = new_generation()
        files = taken_state(manifest_extra)
        counts: dict[str, int] = {}
        for table in TABLES:
            frame = tables.get(table, empty(table))
            files[table] = [stage(out, table, frame, generation)]
            counts[table] = frame.height
        sources = [conform(tables.get(t, empty(t)), t).lazy() for t in view_tables.SOURCES]
        files |= stage_views(out, sources, generation)
        manifest = {**new_manifest(counts, manifest_extra), "parts": {}}
        return switch(out, manifest, files, views=True)


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


def view_fingerprint(out: Path, manifest: dict[str, Any] | None) -> list[list[Any]]:
    """The files the view tables derive from, each with its size and modification time: any
    rewrite, append or copy of them changes it (and the view tables are then not used)."""
    rows: list[list[Any]] = []
    for table in view_tables.SOURCES:
        for rel in current_parts(out, manifest, table):
            try:
                stat = (out / rel).stat()
            except OSError:
                return []
            rows.append([rel, stat.st_size, stat.st_mtime_ns])
    return rows


def views_current(out: Path, manifest: dict[str, Any] | None) -> bool:
    """True when the stored view tables were made from the tables as they are now."""
    made_from = (manifest or {}).get(VIEWS_FROM)
    if not made_from or made_from != view_fingerprint(out, manifest):
        return False
    return all(current_parts(out, manifest, name) for name in view_tables.NAMES)


def write_views(
    out: Path, articles: pl.LazyFrame, mentions: pl.LazyFrame, dates: pl.LazyFrame
) -> None:
    """Build the view tables from these tables (view_tables.SOURCES) and write each as one
    file; the caller lists them in the manifest with their VIEWS_FROM."""
    for name, frame in view_tables.build(articles, mentions, dates).items():
        write_frame(out / base_file(name), frame)


def _write_added(out: Path, name: str, frame: pl.DataFrame) -> str:
    """Write rows appended to a table as a new part file; its path relative to `out`."""
    rel = f"{ADDED}/{name}-{datetime.now(UTC):%Y%m%dT%H%M%S}-{secrets.token_hex(4)}.parquet"
    write_frame(out / rel, frame, name)
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
    folders = {p.split("/", 1)[0] for p in listed if "/" in p}
    for name in parts:
        shards = out / name
        if name in TABLES and shards.is_dir() and name not in folders:
            shutil.rmtree(shards, ignore_errors=True)  # an older write's shards
    for path in out.iterdir():
        if path.name in listed or path.name in folders:
            continue
        if _GENERATION.match(path.name) or _LEFTOVER.match(path.name):
            # a generation no manifest lists (a killed or superseded write), or its leftovers
            if path.is_dir():
                shutil.rmtree(path, ignore_errors=True)
            else:
                path.unlink(missing_ok=True)


def append_analysis(
    out: Path,
    appended: dict[str, pl.DataFrame],
    replaced: dict[str, pl.DataFrame],
    manifest_extra: dict[str, Any],
) -> dict[str, Any]:
    """Add rows to an analysis without rewriting its tables, then write its manifest (last).

    appended: rows to add to a table (contract or state) as a new part file; replaced: tables
    written whole. A table with more than MAX_PARTS parts is compacted into one new part. The
    view tables get the rows of the appended articles, or are made again when stored articles or
    mentions were replaced (or the view tables were not current).
    """
    with writing(out):
        manifest = read_manifest(out)
        names = [*TABLES, *view_tables.NAMES, *appended, *replaced]
        parts = {n: current_parts(out, manifest, n) for n in dict.fromkeys(names)}
        counts = dict(manifest.get("counts") or {})
        grow_views = views_current(out, manifest) and _only_new_articles(appended, replaced)
        _append_parts(out, parts, appended)
        generation = new_generation()
        staged: dict[str, list[str]] = {}
        for name, frame in replaced.items():
            staged[name] = [stage(out, name, frame, generation)]
        parts |= staged
        if grow_views:
            new = [appended.get(t, empty(t)).lazy() for t in view_tables.SOURCES]
            _append_parts(out, parts, view_tables.build(*new))
        else:
            sources = [_scan_listed(out, t, parts[t]) for t in view_tables.SOURCES]
            staged |= stage_views(out, sources, generation)
            parts |= staged
        for table in TABLES:
            counts[table] = _rows(out, parts[table])
        manifest = {
            **manifest,
            "counts": counts,
            "parts": parts,
            "updated": datetime.now(UTC).isoformat(timespec="seconds"),
            **manifest_extra,
        }
        return switch(out, manifest, staged, views=True)


def _only_new_articles(
    appended: dict[str, pl.DataFrame], replaced: dict[str, pl.DataFrame]
) -> bool:
    """True when the rows added to the view tables' sources are new articles and their mentions
    and dates only: the view tables then grow by those articles' rows."""
    if set(view_tables.SOURCES) & set(replaced):
        return False
    new_ids = appended.get("articles", empty("articles"))["article_id"].implode()
    return all(
        bool(appended.get(t, empty(t))["article_id"].is_in(new_ids).all())
        for t in view_tables.SOURCES
    )


def _scan_listed(out: Path, table: str, parts: list[str]) -> pl.LazyFrame:
    return pl.scan_parquet([out / p for p in parts]) if parts else empty(table).lazy()


def _append_parts(
    out: Path, parts: dict[str, list[str]], appended: dict[str, pl.DataFrame]
) -> None:
    """Write each frame's rows as a new part of its table (compacting one with too many)."""
    for name, frame in appended.items():
        rows = conform(frame, name) if name in TABLES else frame
        parts.setdefault(name, [])
        if rows.height:
            parts[name] = [*parts[name], _write_added(out, name, rows)]
        if len(parts[name]) > MAX_PARTS:
            whole = pl.scan_parquet([out / p for p in parts[name]]).collect()
            parts[name] = [_write_added(out, name, whole)]


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

    def view(self, name: str) -> pl.LazyFrame:
        """A view table (view_tables.NAMES): the stored one when it is current, else the same
        frame computed from the tables."""
        if views_current(self.path, self.manifest):
            found = scan_parts(self.path, name, self.manifest)
            if found is not None:
                return found
        return view_tables.define(name, *(self.scan(t) for t in view_tables.SOURCES))


def ensure_views(out: Path, max_mentions: int = ENSURE_VIEWS_MENTIONS) -> bool:
    """Make the view tables of an analysis whose ones are missing or stale (an older analysis, a
    copied folder); True when they are current afterwards. A folder this process cannot write,
    or one of more than `max_mentions` mentions (made in memory: the app server must not swell
    to gigabytes), keeps working with the views computed from the tables."""
    manifest = read_manifest(out)
    if views_current(out, manifest):
        return True
    if int((manifest.get("counts") or {}).get("mentions") or 0) > max_mentions:
        return False
    try:
        update_tables(out, {}, {})
    except OSError:
        return False
    return views_current(out, read_manifest(out))


def update_tables(
    out: Path, tables: dict[str, pl.DataFrame], manifest_changes: dict[str, Any]
) -> dict[str, Any]:
    """Replace some tables of an existing analysis: staged as a new generation, then switched in
    with the manifest (see `switch`)."""
    check_unique(tables)
    with writing(out):
        manifest = read_manifest(out)
        current = views_current(out, manifest)
        generation = new_generation()
        files: dict[str, list[str]] = {}
        for table, frame in tables.items():
            files[table] = [stage(out, table, frame, generation)]
            manifest.setdefault("counts", {})[table] = frame.height
        if not current or set(view_tables.SOURCES) & set(tables):
            sources = [
                conform(tables[t], t).lazy() if t in tables else scan(out, t, manifest)
                for t in view_tables.SOURCES
            ]
            files |= stage_views(out, sources, generation)
        manifest.update(manifest_changes)
        manifest["updated"] = datetime.now(UTC).isoformat(timespec="seconds")
        return switch(out, manifest, files, views=True)
