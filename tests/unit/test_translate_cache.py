"""The SQLite translation cache: keys, stats, clear, default path, damaged files, concurrency."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import replace

import pytest

from dashboard.errors import NewsprismError
from dashboard.translate.translate import (
    TranslatorConfig,
    cache_clear,
    cache_stats,
    translate_paragraphs,
)
from dashboard.translate.translate_cache import (
    Origin,
    TranslationCache,
    default_cache_path,
    text_hash,
)
from tests.libretranslate_server import make_frames, run_server

LIBRE = Origin("libretranslate", "http://127.0.0.1:5000")
GOOGLE = Origin("google", "https://translate.google.com/m")


def _fill(path):
    with TranslationCache(path) as cache:
        cache.put_many(LIBRE, "sr", "en", {"Dobar dan.": "Good day.", "Hvala.": "Thanks."})
        cache.put_many(GOOGLE, "sr", "en", {"Dobar dan.": "Good afternoon."})
        cache.put_many(GOOGLE, "ro", "en", {"Bună ziua.": "Good day."})


def test_entries_are_keyed_by_provider_endpoint_model_languages_and_text(tmp_path):
    path = tmp_path / "t.sqlite"
    _fill(path)
    with TranslationCache(path) as cache:
        key = text_hash("Dobar dan.")
        assert cache.get_many(LIBRE, "sr", "en", [key]) == {key: "Good day."}
        assert cache.get_many(GOOGLE, "sr", "en", [key]) == {key: "Good afternoon."}
        assert cache.get_many(GOOGLE, "sr", "fr", [key]) == {}
        assert cache.get_many(GOOGLE, "hr", "en", [key]) == {}
        other_server = Origin("libretranslate", "http://127.0.0.1:5001")
        assert cache.get_many(other_server, "sr", "en", [key]) == {}
        assert (
            cache.get_many(Origin(GOOGLE.provider, GOOGLE.endpoint, "v2"), "sr", "en", [key]) == {}
        )
        many = [text_hash(str(i)) for i in range(1200)] + [key]  # more than one IN chunk
        assert cache.get_many(GOOGLE, "sr", "en", many) == {key: "Good afternoon."}
    with sqlite3.connect(path) as db:
        assert db.execute("PRAGMA journal_mode").fetchone() == ("wal",)
        stored = " ".join(str(v) for row in db.execute("SELECT * FROM translations") for v in row)
    assert "Dobar dan" not in stored  # only hashes of the originals are kept


def test_stats_and_clear_by_provider(tmp_path):
    path = tmp_path / "t.sqlite"
    _fill(path)
    stats = cache_stats(path)
    assert stats["entries"] == 4 and stats["providers"] == {"google": 2, "libretranslate": 2}
    assert stats["language_pairs"]["google:ro->en"] == 1
    assert stats["endpoints"]["libretranslate http://127.0.0.1:5000"] == 2
    assert stats["characters"] == len("Dobar dan.") * 2 + len("Hvala.") + len("Bună ziua.")
    assert stats["bytes"] > 0 and stats["oldest"] <= stats["newest"]
    assert cache_clear(path, provider="google") == 2
    assert cache_stats(path)["providers"] == {"libretranslate": 2}
    assert cache_clear(path, provider="deepl") == 0
    assert cache_clear(path) == 2
    assert cache_stats(path)["entries"] == 0


def test_stats_of_a_missing_cache_creates_nothing(tmp_path):
    path = tmp_path / "none" / "t.sqlite"
    assert cache_stats(path)["entries"] == 0
    assert cache_clear(path) == 0
    assert not path.parent.exists()


def test_default_path_follows_the_environment(tmp_path, monkeypatch):
    monkeypatch.setenv("NEWSPRISM_CACHE", str(tmp_path / "x.sqlite"))
    assert default_cache_path() == tmp_path / "x.sqlite"
    monkeypatch.setenv("NEWSPRISM_CACHE", str(tmp_path))
    assert default_cache_path() == tmp_path / "translations.sqlite"
    monkeypatch.delenv("NEWSPRISM_CACHE")
    monkeypatch.setenv("HOME", str(tmp_path))
    assert default_cache_path() == tmp_path / ".cache" / "newsprism" / "translations.sqlite"
    _fill(None)
    assert cache_stats()["entries"] == 4


def test_a_damaged_file_is_kept_aside_and_replaced(tmp_path):
    path = tmp_path / "t.sqlite"
    path.write_bytes(b"this is not a database" * 100)
    with TranslationCache(path) as cache:
        assert cache.warning and "moved" in cache.warning
        cache.put_many(GOOGLE, "sr", "en", {"a": "b"})
    assert cache_stats(path)["entries"] == 1
    assert len(list(tmp_path.glob("t.sqlite.corrupt-*"))) == 1


def test_concurrent_writers_and_readers_share_the_file(tmp_path):
    path = tmp_path / "t.sqlite"
    errors: list[BaseException] = []

    def write(provider: str) -> None:
        try:
            with TranslationCache(path) as cache:
                for i in range(100):
                    origin = Origin(provider, "")
                    cache.put_many(origin, "sr", "en", {f"text {i}": f"translation {i}"})
                    cache.get_many(origin, "sr", "en", [text_hash(f"text {i}")])
        except BaseException as exc:  # collected for the assertion below
            errors.append(exc)

    TranslationCache(path).close()
    threads = [threading.Thread(target=write, args=(p,)) for p in ("google", "deepl", "mymemory")]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert cache_stats(path)["entries"] == 300
    with sqlite3.connect(path) as db:
        assert db.execute("PRAGMA integrity_check").fetchone() == ("ok",)


@contextmanager
def write_lock_held(path, seconds: float) -> Iterator[subprocess.Popen]:
    """Another process writing the cache: it holds the write lock for `seconds`, then commits."""
    code = (
        "import sqlite3, sys, time\n"
        "db = sqlite3.connect(sys.argv[1], isolation_level=None)\n"
        "db.execute('BEGIN IMMEDIATE')\n"
        "db.execute('CREATE TABLE IF NOT EXISTS other (x)')\n"
        "db.execute('INSERT INTO other VALUES (1)')\n"
        "print('locked', flush=True)\n"
        "time.sleep(float(sys.argv[2]))\n"
        "db.execute('COMMIT')\n"
    )
    proc = subprocess.Popen(
        [sys.executable, "-c", code, str(path), str(seconds)], stdout=subprocess.PIPE, text=True
    )
    assert proc.stdout is not None and proc.stdout.readline().strip() == "locked"
    try:
        yield proc
    finally:
        assert proc.wait(timeout=60) == 0


def test_a_busy_cache_is_waited_for_not_moved_aside(tmp_path):
    path = tmp_path / "t.sqlite"
    TranslationCache(path).close()
    # the lock outlasts SQLite's own wait several times over: the cache retries
    with write_lock_held(path, 1.5), TranslationCache(path, busy_timeout=0.1) as cache:
        cache.put_many(GOOGLE, "sr", "en", {"Dobar dan.": "Good day."})
        assert cache.warning is None
        # the write went through after the other process had committed
        with sqlite3.connect(path) as db:
            assert db.execute("SELECT COUNT(*) FROM other").fetchone() == (1,)
    assert list(tmp_path.glob("*corrupt*")) == []
    assert cache_stats(path)["entries"] == 1


def test_a_cache_busy_for_too_long_is_an_error_and_is_kept(tmp_path):
    path = tmp_path / "t.sqlite"
    _fill(path)
    cache = TranslationCache(path, busy_timeout=0.1, patience=0.5)
    with write_lock_held(path, 3.0), pytest.raises(NewsprismError, match="locked by another"):
        cache.put_many(GOOGLE, "sr", "en", {"x": "y"})
    cache.close()
    assert list(tmp_path.glob("*corrupt*")) == []
    assert cache_stats(path)["entries"] == 4


def test_translation_succeeds_while_another_process_writes_the_cache(tmp_path):
    path = tmp_path / "t.sqlite"
    TranslationCache(path).close()
    articles, paragraphs = make_frames({"a": ("ro", ["Casa Albă a amplificat prezența militară."])})
    config = TranslatorConfig(provider="libretranslate", cache_path=path, backoff=0.01)
    with run_server() as server, write_lock_held(path, 1.0):
        run = translate_paragraphs(articles, paragraphs, replace(config, url=server.url))
    assert run.paragraphs["translation_status"].to_list() == ["translated"]
    assert not any("cache" in note for note in run.retries)
    assert list(tmp_path.glob("*corrupt*")) == []
    assert cache_stats(path)["entries"] == 1


def test_opening_a_current_cache_writes_nothing(tmp_path):
    path = tmp_path / "t.sqlite"
    _fill(path)
    with sqlite3.connect(path) as watcher:
        before = watcher.execute("PRAGMA data_version").fetchone()
        TranslationCache(path).close()
        # data_version changes when another connection commits anything
        assert watcher.execute("PRAGMA data_version").fetchone() == before


def test_a_database_with_a_damaged_schema_page_is_kept_aside(tmp_path):
    path = tmp_path / "t.sqlite"
    _fill(path)
    with sqlite3.connect(path) as db:
        db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    data = bytearray(path.read_bytes())
    data[100:1024] = b"\xff" * 924  # page 1 after the header: the schema table
    path.write_bytes(bytes(data))
    with TranslationCache(path) as cache:
        assert cache.warning and "damaged" in cache.warning and "moved to" in cache.warning
        assert cache.get_many(GOOGLE, "sr", "en", [text_hash("Dobar dan.")]) == {}
    kept = list(tmp_path.glob("t.sqlite.corrupt-*"))
    assert len(kept) >= 1 and any(p.read_bytes() == bytes(data) for p in kept)


def test_a_version_1_cache_is_migrated_and_keeps_what_can_be_trusted(tmp_path):
    path = tmp_path / "t.sqlite"
    with sqlite3.connect(path) as db:
        db.execute(
            "CREATE TABLE translations (provider TEXT NOT NULL, source TEXT NOT NULL,"
            " target TEXT NOT NULL, text_hash TEXT NOT NULL, n_chars INTEGER NOT NULL,"
            " translation TEXT NOT NULL, created REAL NOT NULL,"
            " PRIMARY KEY (provider, source, target, text_hash)) WITHOUT ROWID"
        )
        db.executemany(
            "INSERT INTO translations VALUES (?, 'sr', 'en', ?, 3, ?, 0)",
            [("google", text_hash("Dan"), "Day"), ("libretranslate", text_hash("Dan"), "Dai")],
        )
        db.execute("PRAGMA user_version=1")
    key = text_hash("Dan")
    with TranslationCache(path) as cache:
        # Google's rows can only have come from its own address; a LibreTranslate server is unknown
        assert cache.get_many(GOOGLE, "sr", "en", [key]) == {key: "Day"}
        assert cache.get_many(LIBRE, "sr", "en", [key]) == {}
    assert cache_stats(path)["endpoints"] == {
        "google https://translate.google.com/m": 1,
        "libretranslate (server unknown)": 1,
    }
    with sqlite3.connect(path) as db:
        assert db.execute("PRAGMA user_version").fetchone() == (2,)
