"""The synthetic corpus and analysis builders, and the bench's arithmetic and report."""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import polars as pl
import pytest

from dashboard import bench, bench_latency, bench_mixed, corpus_synth, ingest, pipeline, store

SEEDS = Path(__file__).resolve().parents[2] / "seeds"


@pytest.fixture(scope="module")
def seeds_analysis(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("seeds") / "analysis"
    pipeline.analyze([SEEDS], out, pipeline.RunOptions(workers=1))
    return out


def test_corpus_is_varied_and_loads_every_article(tmp_path: Path) -> None:
    texts = {
        "seed-a": ["Erster Absatz.\n\nZweiter Absatz.\n\nDritter.\n\nVierter."],
        "b-x": ["Un."],
    }
    frame = corpus_synth.corpus(300, seed=1, texts=texts)
    assert frame["id"].n_unique() == 300
    assert frame["text"].n_unique() == 300  # identical texts would be loaded once
    assert frame["source"].drop_nulls().n_unique() > 20
    days = frame["published"].drop_nulls()
    assert days.min() >= corpus_synth.YEAR_START
    assert (days.max() - days.min()).days > 300
    assert 0 < frame["published"].null_count() < 60
    assert 0 < frame["title"].null_count() < 150
    first_lines = frame.select(pl.col("text").str.split("\n").list.first(), "source")
    wire = (
        first_lines.group_by("text").agg(pl.col("source").n_unique()).filter(pl.col("source") > 1)
    )
    assert wire.height >= 1  # the same story in several outlets
    loaded = ingest.load(corpus_synth.write_corpus(frame, tmp_path / "c", shards=3))
    assert loaded.articles.height == 300
    assert loaded.articles["published"].null_count() == 0  # the URL gives the missing dates


def test_real_texts_without_bench_data_are_the_seeds(tmp_path: Path) -> None:
    groups = corpus_synth.real_texts(SEEDS, tmp_path / "absent")
    assert sorted(groups) == sorted(corpus_synth.seed_texts(SEEDS))
    assert len(groups) == len(list(SEEDS.glob("*.txt")))


def test_corpus_without_texts_is_refused() -> None:
    with pytest.raises(ValueError, match="no real texts"):
        corpus_synth.corpus(5, texts={})


@pytest.mark.parametrize("shards", [1, 3])
def test_replicate_analysis_keeps_every_row_with_its_article(
    seeds_analysis: Path, tmp_path: Path, shards: int
) -> None:
    source = store.Analysis.open(seeds_analysis)
    per_copy = source.frame("articles").height
    counts = corpus_synth.replicate_analysis(seeds_analysis, tmp_path, 12 * per_copy, shards=shards)
    big = store.Analysis.open(tmp_path)
    articles = big.frame("articles")
    assert articles.height == counts["articles"] == 12 * per_copy
    assert articles["article_id"].n_unique() == articles.height
    assert big.manifest["counts"] == counts
    for table in ("paragraphs", "mentions", "dates"):
        frame = big.frame(table)
        assert frame.height == 12 * source.frame(table).height
        assert frame.join(articles, on="article_id", how="anti").height == 0
    members = big.frame("stories").explode("article_ids")["article_ids"]
    assert sorted(members) == sorted(articles["article_id"])
    assert (tmp_path / "articles").is_dir() == (shards > 1)


def test_floors_compare_per_core_rate_with_the_reference() -> None:
    steps = {s: {"seconds": 1.0} for s in ("ingest", *bench.WARM)}
    report = {
        "articles": 1000,
        "steps": steps,
        "enrich_workers": {"1": {"seconds": 9.0}},
        "references": {
            "language": {"langdetect_articles_per_s": 50.0},
            "dates": {"dateparser_articles_per_s": 50.0},
        },
        "increment": {"into_analysis": {"seconds": 3.0}, "alone": {"seconds": 1.5}},
    }
    floors = bench.floors(report)
    assert floors["enrichment_articles_per_s_per_core"] == pytest.approx(200.0)
    assert floors["enrichment_with_warmup_articles_per_s"] == pytest.approx(100.0)
    assert floors["reference_articles_per_s"] == pytest.approx(25.0)
    assert floors["vs_reference"] == pytest.approx(8.0)
    assert floors["increment_ratio"] == pytest.approx(2.0)


def test_percentiles() -> None:
    samples = [float(x) for x in range(1, 101)]
    assert bench_latency._pct(samples, 0.5) == 51.0
    assert bench_latency._pct(samples, 0.95) == 95.0
    assert bench_latency._pct([7.0], 0.95) == 7.0


def test_bench_prints_every_step_and_writes_json(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(bench, "REFERENCE_DATEPARSER", 5)
    monkeypatch.setattr(bench, "REFERENCE_LANGDETECT", 10)
    monkeypatch.setattr(bench, "INCREMENT", 5)
    monkeypatch.setattr(corpus_synth, "real_texts", lambda *a, **k: corpus_synth.seed_texts(SEEDS))
    # the real interleaved corpus: the five seeds, in five languages
    monkeypatch.setattr(bench_mixed, "real_corpus", lambda: corpus_synth.seed_texts(SEEDS))
    monkeypatch.setattr(bench_mixed, "MIN_ARTICLES", 5)
    monkeypatch.setattr(bench_mixed, "REFERENCE_ARTICLES", 3)
    out = tmp_path / "bench.json"
    assert bench.main(argparse.Namespace(articles=30, json=str(out), latency=False)) == 0
    printed = capsys.readouterr().out
    for step in bench.STEPS:
        assert f"\n{step} " in printed
    assert "2 workers vs 1" in printed and "dateparser" in printed
    report = json.loads(out.read_text(encoding="utf-8"))
    assert report["steps"]["ingest"]["rows"]["articles"] == 30
    assert report["steps"]["write"]["bytes"] > 0
    assert report["increment"]["articles"] == 5
    assert report["references"]["dates"]["articles"] == 5
    # the views are timed on the analysis the pipeline made, not only on a replicated one
    assert "views on this analysis" in printed
    assert report["views"]["timeline"]["p95_ms"] >= report["views"]["timeline"]["p50_ms"] > 0
    assert "error" not in report["views"]["coverage"]
    mixed = report["mixed"]
    assert mixed["articles"] == 5 and mixed["reference"]["articles"] == 3
    for run in ("interleaved_1_worker", "interleaved_2_workers", "grouped_1_worker"):
        assert mixed[run]["analyze_seconds"] > 0 and mixed[run]["peak_mib"] > 0
    assert "interleaved: `analyze` end to end" in printed and "ours " in printed
    assert "local translation (tiny test model, 1 thread)" in printed
    assert report["translate_local"]["rerun_model_calls"] == 0
