"""The persistent translation cache: one SQLite file (WAL) shared by the CLI and the app.

Rows are keyed by provider, source language, target language and the SHA-256 of the text sent,
so nothing is paid for twice. Each successful request is committed on its own: a crash or a kill
loses at most the requests in flight, and WAL keeps the file consistent for concurrent readers.
The source text is not stored, only its hash and length.
"""

from __future__ import annotations

import hashlib
import os
import sqlite3
import time
from collections.abc import Iterable, Mapping
from pathlib import Path

import polars as pl

SCHEMA_VERSION = 1
_CHUNK = 500  # keys per IN query, under SQLite's parameter limit

_SCHEMA = """
CREATE TABLE IF NOT EXISTS translations (
    provider TEXT NOT NULL,
    source TEXT NOT NULL,
    target TEXT NOT NULL,
    text_hash TEXT NOT NULL,
    n_chars INTEGER NOT NULL,
    translation TEXT NOT NULL,
    created REAL NOT NULL,
    PRIMARY KEY (provider, source, target, text_hash)
) WITHOUT ROWID;
"""


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
    """An open cache file; use from the thread that opened it, close when done."""

    def __init__(self, path: Path | None = None) -> None:
        self.path = Path(path) if path is not None else default_cache_path()
        self.warning: str | None = None
        self.path.parent.mkdir(parents=True, exist_ok=True)
        try:
            self._db = _connect(self.path)
        except sqlite3.DatabaseError:
            # an unreadable file must not stop the analysis: keep it aside and start afresh
            aside = self.path.with_name(self.path.name + f".corrupt-{int(time.time())}")
            self.path.replace(aside)
            self.warning = f"the translation cache was unreadable and was moved to {aside.name}"
            self._db = _connect(self.path)

    def get_many(
        self, provider: str, source: str, target: str, hashes: Iterable[str]
    ) -> dict[str, str]:
        """Cached translations of the given text hashes (missing ones are absent)."""
        wanted = list(dict.fromkeys(hashes))
        found: dict[str, str] = {}
        for i in range(0, len(wanted), _CHUNK):
            chunk = wanted[i : i + _CHUNK]
            marks = ",".join("?" * len(chunk))
            rows = self._db.execute(
                "SELECT text_hash, translation FROM translations WHERE provider=? AND source=?"
                f" AND target=? AND text_hash IN ({marks})",
                (provider, source, target, *chunk),
            )
            found.update(rows)
        return found

    def put_many(self, provider: str, source: str, target: str, items: Mapping[str, str]) -> None:
        """Store text -> translation pairs in one committed transaction."""
        now = time.time()
        rows = [
            (provider, source, target, text_hash(text), len(text), translation, now)
            for text, translation in items.items()
        ]
        with self._db:
            self._db.executemany(
                "INSERT OR REPLACE INTO translations VALUES (?, ?, ?, ?, ?, ?, ?)", rows
            )

    def close(self) -> None:
        """Close the connection (committed rows are already on disk)."""
        self._db.close()

    def __enter__(self) -> TranslationCache:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _connect(path: Path) -> sqlite3.Connection:
    db = sqlite3.connect(path, timeout=10.0, isolation_level=None)
    try:
        db.execute("PRAGMA busy_timeout=10000")
        db.execute("PRAGMA journal_mode=WAL")
        # NORMAL in WAL survives a killed process; only a power cut can lose the last commits
        db.execute("PRAGMA synchronous=NORMAL")
        version = db.execute("PRAGMA user_version").fetchone()[0]
        if version not in (0, SCHEMA_VERSION):
            raise sqlite3.DatabaseError(f"unknown cache schema version {version}")
        db.executescript(_SCHEMA)
        db.execute(f"PRAGMA user_version={SCHEMA_VERSION}")
    except sqlite3.DatabaseError:
        db.close()
        raise
    db.isolation_level = "DEFERRED"
    return db


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
