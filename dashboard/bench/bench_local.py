"""Local translation benchmark: the tiny test model (tests/tiny_model.py of the source checkout,
built on the spot; nothing is downloaded) translating the Serbian seed paragraphs, cycled.

Measures the time to load a model, paragraphs per second on one core (the model is given one
thread), and the model calls of a re-run (0 expected: the cache answers). The tiny model's
output is nonsense and its size is not a real model's: the numbers measure the plumbing around
CTranslate2 (splitting, batching, cache), not a real model's speed.
"""

from __future__ import annotations

import importlib.util
import os
import sys
import tempfile
import time
from pathlib import Path
from types import ModuleType
from typing import Any

import polars as pl

from dashboard.errors import NewsprismError
from dashboard.schema import conform
from dashboard.translate import models, translate_local
from dashboard.translate.translate import TranslatorConfig, translate_paragraphs

ROOT = Path(__file__).resolve().parents[2]
BUILDER = ROOT / "tests" / "tiny_model.py"
SERBIAN_SEED = ROOT / "seeds" / "000_cb469a2b28302093.txt"


def bench(n_paragraphs: int = 500) -> dict[str, Any]:
    """Build the tiny sr->en model, install it in a temporary store and translate with it."""
    builder = _builder()
    texts = [p.strip() for p in SERBIAN_SEED.read_text(encoding="utf-8").split("\n\n") if p.strip()]
    # every paragraph distinct (a number in front), so the cache does not answer the first run
    rows = [f"{i}. {texts[i % len(texts)]}" for i in range(n_paragraphs)]
    articles = pl.DataFrame({"article_id": ["a"], "text": ["\n\n".join(rows)], "language": ["sr"]})
    starts, pos = [], 0
    for row in rows:
        starts.append(pos)
        pos += len(row) + 2
    paragraphs = conform(
        pl.DataFrame(
            {
                "article_id": ["a"] * len(rows),
                "para_no": list(range(len(rows))),
                "start": starts,
                "end": [s + len(r) for s, r in zip(starts, rows, strict=True)],
                "language": ["sr"] * len(rows),
                "boilerplate": [False] * len(rows),
            }
        ),
        "paragraphs",
    )
    saved = {k: os.environ.get(k) for k in (models.ENV_MODELS, models.ENV_THREADS)}
    with tempfile.TemporaryDirectory(prefix="newsprism-bench-local-") as tmp:
        work = Path(tmp)
        os.environ[models.ENV_MODELS] = str(work / "models")
        os.environ[models.ENV_THREADS] = "1"
        try:
            package = builder.argos_package(work / "sr-en.argosmodel", "sr", "en", work / "build")
            info = models.add_model(package)
            loaded = models.load_pair(models.model_path(info), info)
            config = TranslatorConfig(provider="local", cache_path=work / "cache.sqlite")
            calls = translate_local.LOADED.calls
            started = time.perf_counter()
            first = translate_paragraphs(articles, paragraphs, config)
            seconds = time.perf_counter() - started
            first_calls = translate_local.LOADED.calls - calls
            calls = translate_local.LOADED.calls
            again = translate_paragraphs(articles, paragraphs, config)
            rerun_calls = translate_local.LOADED.calls - calls
        finally:
            for key, value in saved.items():
                if value is None:
                    os.environ.pop(key, None)
                else:
                    os.environ[key] = value
    translated = int(first.paragraphs["translation"].is_not_null().sum())
    return {
        "paragraphs": n_paragraphs,
        "translated": translated,
        "model_load_seconds": round(loaded.load_seconds, 3),
        "first_run_seconds": round(seconds, 2),
        "paragraphs_per_s_per_core": round(translated / seconds, 1) if seconds else None,
        "first_run_model_calls": first_calls,
        "rerun_model_calls": rerun_calls,
        "rerun_cache_hits": again.cache_hits,
    }


def measured() -> dict[str, Any]:
    """`bench` for `newsprism bench`: the report, or why it was skipped (no source checkout)."""
    try:
        return bench()
    except NewsprismError as exc:
        return {"skipped": str(exc)}


def render(report: dict[str, Any]) -> str:
    """One line for `newsprism bench`."""
    if "skipped" in report:
        return f"local translation: skipped ({report['skipped']})"
    return (
        f"local translation (tiny test model, 1 thread): {report['paragraphs_per_s_per_core']} "
        f"paragraphs/s per core, model load {report['model_load_seconds']} s; re-run "
        f"{report['rerun_model_calls']} model calls ({report['rerun_cache_hits']} from cache)"
    )


def _builder() -> ModuleType:
    """The tiny-model builder lives with the tests; load it by path from the source checkout."""
    if not BUILDER.exists():
        raise NewsprismError(str(BUILDER), "the local translation bench needs the source checkout")
    spec = importlib.util.spec_from_file_location("newsprism_tiny_model", BUILDER)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


if __name__ == "__main__":
    print(render(bench(int(sys.argv[1]) if len(sys.argv) > 1 else 500)))
