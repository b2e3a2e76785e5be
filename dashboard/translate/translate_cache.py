"""The persistent translation cache: one SQLite file (WAL) shared by the CLI and the app.

Rows are keyed by provider, endpoint (the server's address), model, source language, target
language and the SHA-256 of the text sent, so nothing is paid for twice, and answers from one
server (say, an address a browser user typed) are never served as if another had given them.
Each successful request is committed on its own: a crash or a kill loses at most the requests in
flight, and WAL keeps the file consistent for concurrent readers. The source text is not stored,
only its hash and length.

A cache another process is writing is busy, not damaged: every statement waits and retries. Only a
file that is not a database or fails `PRAGMA integrity_check` is moved aside (kept, renamed).
"""

from __future__ import annotations

import hashlib
import os
import sqlite3
import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

import polars as pl

from dashboard.errors import NewsprismError
from dashboard.translate.providers import PROVIDERS, endpoint

SCHEMA_VERSION = 2
_CHUNK = 500  # keys per IN query, under SQLite's parameter limit
_T = TypeVar("_T")

_SCHEMA = """
CREATE TABLE translations (
    provider TEXT NOT NULL,
    endpoint TEXT NOT NULL,
    model TEXT NOT NULL,
    source TEXT NOT NULL,
    target TEXT NOT NULL,
    text_hash TEXT NOT NULL,
    n_chars INTEGER NOT NULL,
    translation TEXT NOT NULL,
    created REAL NOT NULL,
    PRIMARY KEY (provider, endpoint, model, source, target, text_hash)
) WITHOUT ROWID
"""


@dataclass(frozen=True)
class Origin:
    """Where translations come from: provider, the server's address (`providers.endpoint`), and
    the model ("" while the provider offers no choice)."""

    provider: str
    endpoint: str
    model: str = ""


def default_cache_path() -> Path:
    """$NEWSPRISM_CACHE (a file, or a folder to hold translations.sqlite), else the user cache."""
    env = os.environ.get("NEWSPRISM_CACHE")
    if env:
        path = Path(env).expanduser()
        return path / "translations.sqlite" if path.is_dir() else path
    return Path.home() / ".cache" / "newsprism" / "translations.sqlite"


def text_hash(text: str) -> str:
    """The cache key of a text."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


class TranslationCache:
    """An open cache file; use from the thread that opened it, close when done.

    `busy_timeout` is how long one statement waits for another process's lock, `patience` how
    long a statement is retried in all before the cache is reported busy.
    """

    def __init__(
        self, path: Path | None = None, *, busy_timeout: float = 5.0, patience: float = 120.0
    ) -> None:
        self.path = Path(path) if path is not None else default_cache_path()
        self.busy_timeout, self.patience = busy_timeout, patience
        self.warning: str | None = None
        self.path.parent.mkdir(parents=True, exist_ok=True)
        try:
            self._db = self._patiently(lambda: _connect(self.path, busy_timeout))
        except sqlite3.DatabaseError as exc:
            damage = None if _busy(exc) else _damage(self.path, busy_timeout)
            if damage is None:
                raise self._error(exc) from None
            # a damaged file must not stop the analysis: keep it aside and start afresh
            aside = self.path.with_name(self.path.name + f".corrupt-{int(time.time())}")
            for part in _files(self.path):
                part.replace(aside.with_name(aside.name + part.name[len(self.path.name) :]))
            self.warning = (
                f"the translation cache {self.path.name} is damaged ({damage}); it was moved"
                f" to {aside.name} and a new one was started"
            )
            self._db = self._patiently(lambda: _connect(self.path, busy_timeout))

    def get_many(
        self, origin: Origin, source: str, target: str, hashes: Iterable[str]
    ) -> dict[str, str]:
        """Cached translations of the given text hashes from `origin` (missing ones are absent)."""
        wanted = list(dict.fromkeys(hashes))
        found: dict[str, str] = {}
        for i in range(0, len(wanted), _CHUNK):
            chunk = wanted[i : i + _CHUNK]
            marks = ",".join("?" * len(chunk))
            query = (
                "SELECT text_hash, translation FROM translations WHERE provider=? AND endpoint=?"
                f" AND model=? AND source=? AND target=? AND text_hash IN ({marks})"
            )
            args = (origin.provider, origin.endpoint, origin.model, source, target, *chunk)
            found.update(self._read(query, args))
        return found

    def put_many(self, origin: Origin, source: str, target: str, items: Mapping[str, str]) -> None:
        """Store text -> translation pairs from `origin` in one committed transaction."""
        now = time.time()
        keys = (origin.provider, origin.endpoint, origin.model, source, target)
        rows = [
            (*keys, text_hash(text), len(text), translation, now)
            for text, translation in items.items()
        ]

        def write() -> None:
            with self._db:
                self._db.executemany(
                    "INSERT OR REPLACE INTO translations VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)", rows
                )

        try:
            self._patiently(write)
        except sqlite3.OperationalError as exc:
            raise self._error(exc) from None

    def close(self) -> None:
        """Close the connection (committed rows are already on disk)."""
        self._db.close()

    def __enter__(self) -> TranslationCache:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _read(self, query: str, args: tuple[str, ...]) -> list[tuple[str, str]]:
        return self._patiently(lambda: self._db.execute(query, args).fetchall())

    def _patiently(self, action: Callable[[], _T]) -> _T:
        """Run `action`, again after a pause while another process holds the lock."""
        deadline = time.monotonic() + self.patience
        pause = 0.05
        while True:
            try:
                return action()
            except sqlite3.OperationalError as exc:
                if not _busy(exc) or time.monotonic() + pause > deadline:
                    raise
            time.sleep(pause)
            pause = min(pause * 2, 1.0)

    def _error(self, exc: sqlite3.DatabaseError) -> Exception:
        if _busy(exc):
            return NewsprismError(
                str(self.path),
                f"the translation cache stayed locked by another process for {self.patience:g}"
                " seconds; try again when it is done",
            )
        return exc


def _busy(exc: sqlite3.DatabaseError) -> bool:
    """Whether SQLite said another connection holds the lock (busy or locked), not damage."""
    code = getattr(exc, "sqlite_errorcode", None)
    if code is not None:
        return code & 0xFF in (sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED)
    text = str(exc).lower()
    return "locked" in text or "busy" in text


def _damage(path: Path, busy_timeout: float) -> str | None:
    """Why the file is not a usable database (not one, or its integrity check fails), else None."""
    try:
        db = sqlite3.connect(path, timeout=busy_timeout)
        try:
            found = [row[0] for row in db.execute("PRAGMA integrity_check(3)")]
        finally:
            db.close()
    except sqlite3.DatabaseError as exc:
        return None if _busy(exc) else str(exc)
    return None if found == ["ok"] else "; ".join(found)


def _connect(path: Path, busy_timeout: float) -> sqlite3.Connection:
    db = sqlite3.connect(path, timeout=busy_timeout, isolation_level=None)
    try:
        # reading the header and the schema is what fails on a file that is not a database
        version = db.execute("PRAGMA user_version").fetchone()[0]
        db.execute("SELECT name FROM sqlite_master").fetchall()
        if db.execute("PRAGMA journal_mode").fetchone()[0] != "wal":
            db.execute("PRAGMA journal_mode=WAL")
        # NORMAL in WAL survives a killed process; only a power cut can lose the last commits
        db.execute("PRAGMA synchronous=NORMAL")
        if version != SCHEMA_VERSION:
            _initialise(db, path)  # writes only when the schema is missing or old
    except BaseException:
        db.close()
        raise
    db.isolation_level = "DEFERRED"
    return db


def _initialise(db: sqlite3.Connection, path: Path) -> None:
    """Create the table, or bring a version 1 cache to version 2, in one write transaction."""
    db.execute("BEGIN IMMEDIATE")
    try:
        version = db.execute("PRAGMA user_version").fetchone()[0]  # another process may have won
        tables = {row[0] for row in db.execute("SELECT name FROM sqlite_master")}
        if version not in (0, 1, SCHEMA_VERSION):
            raise NewsprismError(
                str(path),
                f"the translation cache has schema version {version}, written by a newer"
                " newsprism; set NEWSPRISM_CACHE to another file",
            )
        if version != SCHEMA_VERSION and "translations" in tables:
            _migrate_v1(db)
        elif "translations" not in tables:
            db.execute(_SCHEMA)
        db.execute(f"PRAGMA user_version={SCHEMA_VERSION}")
        db.execute("COMMIT")
    except BaseException:
        db.execute("ROLLBACK")
        raise


def _migrate_v1(db: sqlite3.Connection) -> None:
    """Version 1 rows had no endpoint: a provider's rows are filed under its public address (the
    page offered no other address for them); LibreTranslate's under "" (the server is unknown,
    so they are kept but never served)."""
    db.execute("ALTER TABLE translations RENAME TO translations_v1")
    db.execute(_SCHEMA)
    addresses = [(name, endpoint(spec, None)) for name, spec in PROVIDERS.items() if spec.url]
    db.execute("CREATE TEMP TABLE _v1_endpoints (provider TEXT PRIMARY KEY, endpoint TEXT)")
    db.executemany("INSERT INTO _v1_endpoints VALUES (?, ?)", addresses)
    db.execute(
        "INSERT INTO translations SELECT t.provider, COALESCE(e.endpoint, ''), '', t.source,"
        " t.target, t.text_hash, t.n_chars, t.translation, t.created FROM translations_v1 t"
        " LEFT JOIN _v1_endpoints e ON e.provider = t.provider"
    )
    db.execute("DROP TABLE translations_v1")
    db.execute("DROP TABLE _v1_endpoints")


def cache_stats(path: Path | None = None) -> dict[str, object]:
    """What the cache holds: entries, characters and size, per provider and language pair."""
    path = Path(path) if path is not None else default_cache_path()
    stats: dict[str, object] = {"path": str(path), "entries": 0, "characters": 0, "bytes": 0}
    if not path.exists():
        return stats
    with TranslationCache(path) as cache:
        db = cache._db
        entries, chars, oldest, newest = db.execute(
            "SELECT COUNT(*), COALESCE(SUM(n_chars), 0), MIN(created), MAX(created) FROM translations"
        ).fetchone()
        providers = dict(db.execute("SELECT provider, COUNT(*) FROM translations GROUP BY 1"))
        endpoints = {
            f"{provider} {address or '(server unknown)'}": n
            for provider, address, n in db.execute(
                "SELECT provider, endpoint, COUNT(*) FROM translations GROUP BY 1, 2"
            )
        }
        pairs = {
            f"{provider}:{source}->{target}": n
            for provider, source, target, n in db.execute(
                "SELECT provider, source, target, COUNT(*) FROM translations GROUP BY 1, 2, 3"
            )
        }
    stats.update(
        entries=entries,
        characters=chars,
        bytes=sum(p.stat().st_size for p in _files(path)),
        providers=providers,
        endpoints=endpoints,
        language_pairs=pairs,
        oldest=_iso(oldest),
        newest=_iso(newest),
    )
    return stats


def cache_clear(path: Path | None = None, provider: str | None = None) -> int:
    """Delete cached translations (of one provider, or all); return how many were removed."""
    path = Path(path) if path is not None else default_cache_path()
    if not path.exists():
        return 0
    with TranslationCache(path) as cache:
        db = cache._db
        with db:
            if provider is None:
                removed = db.execute("DELETE FROM translations").rowcount
            else:
                removed = db.execute(
                    "DELETE FROM translations WHERE provider=?", (provider,)
                ).rowcount
        db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        db.execute("VACUUM")
    return removed


def _files(path: Path) -> list[Path]:
    candidates = [path, path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")]
    return [p for p in candidates if p.exists()]


def _iso(stamp: float | None) -> str | None:
    if stamp is None:
        return None
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(stamp))


TRANSLATION_COLUMNS = ("translation", "translator", "translation_status", "quality")


def carry_translations(
    paragraphs: pl.DataFrame, source: pl.DataFrame, *, source_wins: bool = False
) -> pl.DataFrame:
    """`paragraphs` with the translation columns of the same paragraphs (article, start, end) in
    `source` filled in where they have none (or, with source_wins, wherever source has them):
    translations already paid for are never lost when a table is made again."""
    cols = TRANSLATION_COLUMNS
    prior = source.select("article_id", "start", "end", *[pl.col(c).alias(f"_o_{c}") for c in cols])
    joined = paragraphs.join(
        prior, on=["article_id", "start", "end"], how="left", maintain_order="left"
    )
    first = (lambda c: (f"_o_{c}", c)) if source_wins else (lambda c: (c, f"_o_{c}"))
    return joined.with_columns([pl.coalesce(*first(c)).alias(c) for c in cols]).drop(
        [f"_o_{c}" for c in cols]
    )
