"""Translation benchmark: the seeds replicated to N articles with wire copies, through a loopback
LibreTranslate server (tests/libretranslate_server.py of the source checkout; no real provider).

Measures requests per 1,000 paragraphs against one request per paragraph, the requests of a
re-run (0 expected), the cache hit rate, and how long a run killed half-way takes to resume.
"""

from __future__ import annotations

import importlib.util
import json
import os
import signal
import sqlite3
import subprocess
import sys
import tempfile
import textwrap
import time
from pathlib import Path
from types import ModuleType
from typing import Any

import polars as pl

from dashboard.errors import NewsprismError
from dashboard.schema import conform
from dashboard.translate.translate import TranslatorConfig, translate_paragraphs

ROOT = Path(__file__).resolve().parents[2]
SEEDS = ROOT / "seeds"
SERVER = ROOT / "tests" / "libretranslate_server.py"
WIRE_SHARE = 0.3  # articles that are exact copies of an earlier one
KEPT_SHARE = 1 / 3  # paragraphs an outlet keeps verbatim from the wire story

_CHILD = """
import sys
import polars as pl
from dashboard.translate.translate import TranslatorConfig, translate_paragraphs
config = TranslatorConfig(provider="libretranslate", url=sys.argv[3], cache_path=sys.argv[4],
                          rate_per_second=0)
translate_paragraphs(pl.read_parquet(sys.argv[1]), pl.read_parquet(sys.argv[2]), config)
"""


def seed_corpus(n_articles: int, seeds: Path = SEEDS) -> tuple[pl.DataFrame, pl.DataFrame]:
    """articles and paragraphs: the seeds cycled to n articles; 30% are wire copies of an earlier
    article, the rest keep a third of their seed's paragraphs verbatim and reword the others."""
    import langdetect_rs

    langdetect_rs.DetectorFactory.seed = 0
    bases = []
    for path in sorted(seeds.glob("*.txt")):
        text = path.read_text(encoding="utf-8")
        paras = [p.strip() for p in text.split("\n\n") if p.strip()]
        bases.append((paras, langdetect_rs.detect(text)))
    if not bases:
        raise NewsprismError(str(seeds), "no seed .txt files to build the benchmark corpus from")
    article_rows, paragraph_rows = [], []
    texts: list[list[str]] = []
    for i in range(n_articles):
        paras, language = bases[i % len(bases)]
        if i >= 2 * len(bases) and (i * 7919) % 100 < WIRE_SHARE * 100:
            own = texts[i - len(bases)]  # same seed, an earlier article: a wire copy
        else:
            every = round(1 / KEPT_SHARE)
            own = [p if (i + k) % every == 0 else f"{p} ({i}/{k})" for k, p in enumerate(paras)]
        texts.append(own)
        offset = 0
        for k, para in enumerate(own):
            paragraph_rows.append(
                {
                    "article_id": f"a{i:06d}",
                    "para_no": k,
                    "start": offset,
                    "end": offset + len(para),
                }
            )
            offset += len(para) + 2
        article_rows.append(
            {"article_id": f"a{i:06d}", "language": language, "text": "\n\n".join(own)}
        )
    return (
        conform(pl.DataFrame(article_rows), "articles"),
        conform(pl.DataFrame(paragraph_rows).with_columns(boilerplate=False), "paragraphs"),
    )


def bench(n_articles: int = 10_000) -> dict[str, Any]:
    """Run the translation benchmark on n articles; returns the numbers (see module docstring)."""
    server_module = _server_module()
    articles, paragraphs = seed_corpus(n_articles)
    with tempfile.TemporaryDirectory(prefix="newsprism-bench-") as tmp:
        work = Path(tmp)
        with server_module.run_server() as server:
            config = TranslatorConfig(
                provider="libretranslate", url=server.url, cache_path=work / "cache.sqlite",
                rate_per_second=0,
            )  # fmt: skip
            started = time.perf_counter()
            first = translate_paragraphs(articles, paragraphs, config)
            first_seconds = time.perf_counter() - started
            started = time.perf_counter()
            again = translate_paragraphs(articles, paragraphs, config)
            rerun_seconds = time.perf_counter() - started
            served_twice = sum(1 for n in server.served().values() if n > 1)
        sent = first.paragraphs["translation_status"].is_in(["translated", "cached"]).sum()
        per_1000 = 1000 / max(1, paragraphs.height)
        result: dict[str, Any] = {
            "articles": n_articles,
            "paragraphs": paragraphs.height,
            "paragraphs_to_translate": int(sent),
            "unique_texts": first.texts_sent,
            "requests": first.requests_sent,
            "requests_per_1000_paragraphs": round(first.requests_sent * per_1000, 2),
            "naive_requests_per_1000_paragraphs": round(int(sent) * per_1000, 2),
            "dedupe_only_requests_per_1000_paragraphs": round(first.texts_sent * per_1000, 2),
            "first_run_seconds": round(first_seconds, 2),
            "texts_served_twice": served_twice,
            "rerun_requests": again.requests_sent,
            "rerun_seconds": round(rerun_seconds, 2),
            "rerun_cache_hit_rate": round(again.cache_hits / max(1, first.texts_sent), 4),
            "failures": len(first.failures) + len(again.failures),
        }
        result.update(_kill_and_resume(server_module, articles, paragraphs, work))
    return result


def _kill_and_resume(
    server_module: ModuleType, articles: pl.DataFrame, paragraphs: pl.DataFrame, work: Path
) -> dict[str, Any]:
    """SIGKILL a child translating through a slowed server half-way, then resume in-process."""
    articles.write_parquet(work / "a.parquet")
    paragraphs.write_parquet(work / "p.parquet")
    cache = work / "killed.sqlite"
    with server_module.run_server(delay=0.02) as server:
        child = subprocess.Popen(
            [
                sys.executable,
                "-c",
                textwrap.dedent(_CHILD),
                str(work / "a.parquet"),
                str(work / "p.parquet"),
                server.url,
                str(cache),
            ],  # fmt: skip
        )
        deadline = time.monotonic() + 600
        expected = max(2, paragraphs.height // 200)  # about half the batches
        while server.requests < expected and child.poll() is None and time.monotonic() < deadline:
            time.sleep(0.01)
        os.kill(child.pid, signal.SIGKILL)
        child.wait()
        killed_at = server.requests
        with sqlite3.connect(cache) as db:
            integrity = db.execute("PRAGMA integrity_check").fetchone()[0]
            cached = db.execute("SELECT COUNT(*) FROM translations").fetchone()[0]
        config = TranslatorConfig(
            provider="libretranslate", url=server.url, cache_path=cache, rate_per_second=0
        )
        started = time.perf_counter()
        resumed = translate_paragraphs(articles, paragraphs, config)
        seconds = time.perf_counter() - started
        before = {t for call in server.calls[:killed_at] for t in call.texts}
        resent = {t for call in server.calls[killed_at:] for t in call.texts} & before
    return {
        "kill_after_requests": killed_at,
        "cached_at_kill": cached,
        "cache_integrity_after_kill": integrity,
        "resume_requests": resumed.requests_sent,
        "resume_texts_lost_in_flight": len(resent),
        "resume_cache_hits": resumed.cache_hits,
        "resume_seconds": round(seconds, 2),
        "resume_untranslated": int(
            resumed.paragraphs["translation_status"].is_in(["translated", "cached"]).not_().sum()
        ),
    }


def _server_module() -> ModuleType:
    """The loopback server lives with the tests; load it by path from the source checkout."""
    if not SERVER.exists():
        raise NewsprismError(str(SERVER), "the translation bench needs the source checkout")
    spec = importlib.util.spec_from_file_location("newsprism_bench_server", SERVER)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up while being built
    spec.loader.exec_module(module)
    return module


if __name__ == "__main__":
    print(json.dumps(bench(int(sys.argv[1]) if len(sys.argv) > 1 else 10_000), indent=2))
