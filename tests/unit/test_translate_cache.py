"""The SQLite translation cache: keys, stats, clear, default path, damaged files, concurrency."""

from __future__ import annotations

import sqlite3
import threading

from dashboard.translate import cache_clear, cache_stats
from dashboard.translate_cache import Origin, TranslationCache, default_cache_path, text_hash

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
