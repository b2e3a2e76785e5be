"""`newsprism bench --latency`: the dashboard's view functions on a 100,000-article analysis
(p50/p95 per view over a walk of filter changes), its cold open, and a 1,000,000-article sharded
analysis opened lazily. Each open runs in a fresh process so its peak memory is its own.
"""

from __future__ import annotations

import shutil
import tempfile
import time
from pathlib import Path
from typing import Any

import polars as pl

from dashboard.bench import corpus_synth
from dashboard.bench.bench_measure import in_child, peak_mib
from dashboard.pipeline import pipeline
from dashboard.store import store


def _filters(an: store.Analysis) -> list[Any]:
    """A walk through typical filter changes: languages, outlets, months, a story, an actor."""
    from datetime import date

    from dashboard.views.filters import Filters

    arts = an.scan("articles")
    langs = arts.group_by("language").len().sort("len", descending=True).collect()["language"]
    outlets = arts.group_by("source").len().sort("len", descending=True).head(3).collect()["source"]
    story = arts.select(pl.col("story_id").drop_nulls().first()).collect().item()
    actor = an.scan("entities").sort("n_mentions", descending=True).head(1).collect()["entity_id"]
    base = Filters()
    return [
        base,
        base.with_(languages=(langs[0],)),
        base.with_(languages=tuple(langs.head(2))),
        base.with_(outlets=(outlets[0],)),
        base.with_(outlets=tuple(outlets)),
        base.with_(date_from=date(2025, 3, 1), date_to=date(2025, 3, 31)),
        base.with_(languages=(langs[0],), date_from=date(2025, 6, 1), date_to=date(2025, 8, 31)),
        base.with_(story=story),
        base.with_(actors=tuple(actor)),
        base,
    ]


def _registered_views() -> dict[str, Any]:
    """Every view the pages can show (the one registry, dashboard.views.views)."""
    from dashboard.views import views

    return dict(views.VIEWS)


def _pct(samples: list[float], q: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def cold_open(path: str) -> dict[str, Any]:
    """Child process: open an analysis and compute the first page's views, unfiltered."""
    from dashboard.views import views
    from dashboard.views.filters import Filters

    started = time.perf_counter()
    an = store.Analysis.open(Path(path))
    for view in (views.by_language, views.by_outlet, views.by_date):
        view(an, Filters())
    return {"ms": (time.perf_counter() - started) * 1000, "peak_mib": peak_mib()}


def lazy_open(path: str) -> dict[str, Any]:
    """Child process: open an analysis lazily and count articles per language, outlet, day."""
    started = time.perf_counter()
    an = store.Analysis.open(Path(path))
    arts = an.scan("articles")
    total = arts.select(pl.len()).collect().item()
    for key in ("language", "source", "published"):
        arts.group_by(key).agg(pl.len()).collect()
    return {
        "articles": total,
        "ms": (time.perf_counter() - started) * 1000,
        "peak_mib": peak_mib(),
    }


def dashboard_latency(n: int = 100_000, repeats: int = 3) -> dict[str, Any]:
    """View functions on an n-article analysis made by replicating the seeds' analysis, then
    the lazy open of a 1,000,000-article one."""
    work = Path(tempfile.mkdtemp(prefix="newsprism-latency-"))
    try:
        return _latency(work, n, repeats)
    finally:
        shutil.rmtree(work, ignore_errors=True)


def _latency(work: Path, n: int, repeats: int) -> dict[str, Any]:
    seeds_an = work / "seeds-analysis"
    pipeline.analyze([corpus_synth.SEEDS], seeds_an, pipeline.RunOptions(workers=1))
    big = work / f"latency-{n}"
    counts = corpus_synth.replicate_analysis(seeds_an, big, n)
    report: dict[str, Any] = {"articles": counts["articles"], "rows": counts}
    report["cold_open"] = in_child(cold_open, str(big))
    report["views"] = view_latency(store.Analysis.open(big), repeats)
    report["million"] = million(work)
    return report


def view_latency(an: store.Analysis, repeats: int = 3) -> dict[str, Any]:
    """name -> p50_ms, p95_ms of every registered view over the walk of filter changes: what a
    page computes on a filter change, its frame and its chart (figure built, not drawn by the
    browser); frame_p95_ms: the frame alone."""
    filters = _filters(an)
    views: dict[str, Any] = {}
    for name, view in _registered_views().items():
        samples, frames = [], []
        try:
            for f in filters[1:]:
                for _ in range(repeats):
                    started = time.perf_counter()
                    frame = view.frame(an, f)
                    framed = time.perf_counter()
                    if view.chart is not None:
                        view.chart(an, f, frame, "")
                    samples.append((time.perf_counter() - started) * 1000)
                    frames.append((framed - started) * 1000)
        except Exception as exc:  # a view another module registers must not end the whole run
            views[name] = {"error": f"{type(exc).__name__}: {str(exc)[:160]}"}
            continue
        views[name] = {
            "p50_ms": _pct(samples, 0.5),
            "p95_ms": _pct(samples, 0.95),
            "frame_p95_ms": _pct(frames, 0.95),
        }
    return views


def render_views(views: dict[str, Any]) -> list[str]:
    """The view latencies as printed lines."""
    lines = [f"{'view (frame + chart)':<24}{'p50 ms':>9}{'p95 ms':>9}{'frame p95':>11}"]
    return lines + [
        f"{k:<24}{v['p50_ms']:>9.1f}{v['p95_ms']:>9.1f}{v['frame_p95_ms']:>11.1f}"
        if "error" not in v
        else f"{k:<24}  failed: {v['error']}"
        for k, v in views.items()
    ]


def million(work: Path, n: int = 1_000_000, shards: int = 10) -> dict[str, Any]:
    """A 1,000,000-article analysis (sharded, as the Ray engine writes it) opened lazily."""
    seeds_an = work / "seeds-analysis"
    if not store.is_analysis(seeds_an):
        pipeline.analyze([corpus_synth.SEEDS], seeds_an, pipeline.RunOptions(workers=1))
    big = work / "million"
    counts = corpus_synth.replicate_analysis(seeds_an, big, n, shards=shards)
    return {
        "rows": counts,
        "lazy_open": in_child(lazy_open, str(big)),
        "views_open": in_child(cold_open, str(big)),
    }


def render_latency(lat: dict[str, Any]) -> list[str]:
    """The latency report as printed lines."""
    lines = [
        "",
        f"dashboard latency at {lat['articles']:,} articles "
        f"(cold open {lat['cold_open']['ms']:,.0f} ms, peak {lat['cold_open']['peak_mib']:,.0f} MiB)",
    ]
    lines += render_views(lat["views"])
    if "million" in lat:
        m = lat["million"]
        lines.append(
            f"{m['rows']['articles']:,} articles ({m['rows']['mentions']:,} mentions, shards): "
            f"lazy open {m['lazy_open']['ms']:,.0f} ms, peak {m['lazy_open']['peak_mib']:,.0f} MiB; "
            f"first page through views {m['views_open']['ms']:,.0f} ms, "
            f"peak {m['views_open']['peak_mib']:,.0f} MiB"
        )
    return lines
