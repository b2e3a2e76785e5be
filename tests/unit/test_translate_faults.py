"""Faults at the provider: the run finishes, keeps what it has, never re-asks for a translated text."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import textwrap
import time
from dataclasses import replace
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
from dashboard.translate.translate import PROVIDERS, TranslatorConfig, translate_paragraphs  # noqa: E402
from dashboard.translate.translate_cache import text_hash  # noqa: E402
from tests.libretranslate_server import fake_translation, make_frames, run_server  # noqa: E402

TEXTS = [f"Paragraf broj {i}: Lukašenko je razgovarao sa ambasadorom Venecuele." for i in range(12)]
BATCH = 3  # texts per request in these tests: 4 requests without faults


@pytest.fixture(autouse=True)
def small_batches(monkeypatch):
    monkeypatch.setitem(
        PROVIDERS, "libretranslate", replace(PROVIDERS["libretranslate"], batch_items=BATCH)
    )


@pytest.fixture
def server():
    with run_server() as s:
        s.slow_seconds = 2.0
        yield s


def _config(server, tmp_path: Path, **kw) -> TranslatorConfig:
    base = dict(provider="libretranslate", url=server.url, cache_path=tmp_path / "c.sqlite",
                timeout=0.5, backoff=0.01, concurrency=2, rate_per_second=0)  # fmt: skip
    return TranslatorConfig(**{**base, **kw})


def _frames():
    return make_frames({"a": ("sr", TEXTS[:6]), "b": ("sr", TEXTS[6:])})


@pytest.mark.parametrize("fault", ["slow", "reset", "429", "500", "503", "malformed", "truncated"])
def test_transient_fault_is_retried_and_nothing_is_asked_twice(server, tmp_path, fault):
    server.retry_after = 1
    server.inject(fault, after=1)  # the first request succeeds, the second meets the fault
    articles, paragraphs = _frames()
    run = translate_paragraphs(articles, paragraphs, _config(server, tmp_path))
    assert run.paragraphs["translation"].to_list() == [fake_translation(t) for t in TEXTS]
    assert run.paragraphs["translation_status"].to_list() == ["translated"] * 12
    assert server.served() == {t: 1 for t in TEXTS}  # every text translated exactly once
    faulted = [c for c in server.calls if c.fault == fault]
    assert len(faulted) == 1 and server.requests == run.requests_sent == 4 + 1
    assert run.failures == [] and run.unavailable_reason is None
    assert len(run.retries) == 1 and "retried" in run.retries[0]
    if fault == "429":  # Retry-After honoured: the same texts came back no sooner than asked
        again = next(c for c in server.calls if c.texts == faulted[0].texts and c.fault is None)
        assert again.at - faulted[0].at >= 0.9 * server.retry_after


@pytest.mark.parametrize("fault", ["500", "503", "reset", "slow", "truncated"])
def test_provider_down_is_marked_unavailable_without_hammering(server, tmp_path, fault):
    server.inject(fault, after=1, times=1000)
    articles, paragraphs = _frames()
    config = _config(server, tmp_path, retries=3)
    run = translate_paragraphs(articles, paragraphs, config)
    status = run.paragraphs["translation_status"].to_list()
    assert status.count("translated") == BATCH  # the first answer is kept
    assert all(
        s == "offline" or s.startswith("provider error:") for s in status if s != "translated"
    )
    assert run.unavailable_reason and "stopped for this run" in run.unavailable_reason
    assert run.failures and server.requests == run.requests_sent
    assert server.requests <= 1 + (config.retries + 1) + config.concurrency
    if fault in ("reset", "slow"):
        assert "offline" in status
    # the provider is back: the next run asks only for what is missing
    server.always(None)
    server._faults.clear()
    before = server.requests
    again = translate_paragraphs(articles, paragraphs, config)
    assert again.cache_hits == BATCH and again.paragraphs["translation"].null_count() == 0
    assert again.requests_sent == server.requests - before == 3
    assert set(server.served().values()) == {1}


def test_refused_key_stops_at_once(server, tmp_path):
    server.always("403")
    articles, paragraphs = _frames()
    run = translate_paragraphs(articles, paragraphs, _config(server, tmp_path, concurrency=1))
    assert server.requests == 1 and run.requests_sent == 1
    assert "key missing or rejected" in (run.unavailable_reason or "")
    assert run.paragraphs["translation"].null_count() == 12


def test_rejected_request_is_not_retried_and_others_go_on(server, tmp_path):
    server.inject("400", after=1)
    articles, paragraphs = _frames()
    run = translate_paragraphs(articles, paragraphs, _config(server, tmp_path, concurrency=1))
    status = run.paragraphs["translation_status"].to_list()
    assert status.count("translated") == 9
    assert status.count("provider error: LibreTranslate: HTTP 400: Invalid request") == 3
    assert server.requests == 4 and len(run.failures) == 1 and run.unavailable_reason is None


def test_wrong_language_answer_is_kept_and_flagged(server, tmp_path):
    server.inject("wrong-language", after=1)
    articles, paragraphs = _frames()
    run = translate_paragraphs(articles, paragraphs, _config(server, tmp_path, concurrency=1))
    flagged = [q for q in run.paragraphs["quality"].to_list() if q]
    assert flagged == [["wrong-language"]] * BATCH and run.counts["wrong-language"] == BATCH
    assert server.requests == 4


def test_no_network_stops_after_one_request_per_thread(tmp_path):
    articles, paragraphs = _frames()
    config = TranslatorConfig(
        provider="google", url="http://no-such-host.invalid/m", cache_path=tmp_path / "c.sqlite",
        concurrency=1,
    )  # fmt: skip
    run = translate_paragraphs(articles, paragraphs, config)
    assert run.requests_sent == 1 and set(run.paragraphs["translation_status"]) == {"offline"}
    assert "no network" in (run.unavailable_reason or "")


def test_connection_refused_means_offline(tmp_path):
    with run_server() as gone:
        url = gone.url
    articles, paragraphs = _frames()
    config = TranslatorConfig(provider="libretranslate", url=url, cache_path=tmp_path / "c.sqlite",
                              backoff=0.01, retries=2, rate_per_second=0)  # fmt: skip
    run = translate_paragraphs(articles, paragraphs, config)
    assert set(run.paragraphs["translation_status"]) == {"offline"}
    assert run.unavailable_reason and "connection" in run.unavailable_reason


_CHILD = """
import sys
from dataclasses import replace
import polars as pl
from dashboard.translate.translate import PROVIDERS, TranslatorConfig, translate_paragraphs
PROVIDERS["libretranslate"] = replace(PROVIDERS["libretranslate"], batch_items=5)
articles = pl.read_parquet(sys.argv[1]); paragraphs = pl.read_parquet(sys.argv[2])
config = TranslatorConfig(provider="libretranslate", url=sys.argv[3], cache_path=sys.argv[4],
                          concurrency=4, rate_per_second=0)
translate_paragraphs(articles, paragraphs, config)
"""


def _cached_hashes(path: Path) -> set[str]:
    with sqlite3.connect(path) as db:
        return {h for (h,) in db.execute("SELECT text_hash FROM translations")}


def test_killed_run_resumes_with_only_the_missing_texts(tmp_path):
    texts = [f"Članak {i // 5}, paragraf {i % 5}: Maduro, Putin i Lukašenko." for i in range(400)]
    articles, paragraphs = make_frames(
        {f"a{i}": ("sr", texts[i * 5 : i * 5 + 5]) for i in range(80)}
    )
    articles.write_parquet(tmp_path / "a.parquet")
    paragraphs.write_parquet(tmp_path / "p.parquet")
    cache = tmp_path / "cache.sqlite"
    with run_server(delay=0.1) as server:
        child = subprocess.Popen(
            [
                sys.executable,
                "-c",
                textwrap.dedent(_CHILD),
                str(tmp_path / "a.parquet"),
                str(tmp_path / "p.parquet"),
                server.url,
                str(cache),
            ],  # fmt: skip
        )
        deadline = time.monotonic() + 60
        while server.requests < 8 and time.monotonic() < deadline and child.poll() is None:
            time.sleep(0.01)
        os.kill(child.pid, signal.SIGKILL)
        child.wait()
        assert child.returncode == -signal.SIGKILL
        with sqlite3.connect(cache) as db:
            assert db.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        cached = _cached_hashes(cache)
        assert 0 < len(cached) < len(texts)
        before = server.requests
        run = translate_paragraphs(
            articles, paragraphs,
            TranslatorConfig(provider="libretranslate", url=server.url, cache_path=cache, rate_per_second=0),
        )  # fmt: skip
        resumed = [t for c in server.calls[before:] for t in c.texts]
    assert sorted(resumed) == sorted(t for t in texts if text_hash(t) not in cached)
    assert run.cache_hits == len(cached) and run.requests_sent == server.requests - before
    assert run.paragraphs["translation"].to_list() == [fake_translation(t) for t in texts]
    with sqlite3.connect(cache) as db:
        assert db.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    assert len(_cached_hashes(cache)) == len(texts)
