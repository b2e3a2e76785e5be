"""Two workers share the per-article batches and give exactly one worker's tables."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import polars as pl
import pytest

from dashboard.ingest import ingest
from dashboard.pipeline import pipeline, share, step_table

SEEDS = Path(__file__).resolve().parents[2] / "seeds"


def test_two_workers_give_one_workers_tables_in_input_order(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    articles = ingest.load([SEEDS]).articles
    assert articles.height >= 5
    monkeypatch.setattr(step_table, "MIN_SHARE", 1)  # one article a batch: both sides take some
    one = pipeline.enrich_batches(articles, workers=1, batch_size=2)
    two = pipeline.enrich_batches(articles, workers=2, batch_size=2)
    for table in ("articles", "paragraphs", "mentions", "dates"):
        assert two[table].equals(one[table]), table
    assert two["articles"]["article_id"].to_list() == articles["article_id"].to_list()
    assert set(two[pipeline.STEP_SECONDS]["name"]) == {s.name for s in pipeline.PER_ARTICLE}


def test_small_corpora_start_no_worker_process(monkeypatch: pytest.MonkeyPatch) -> None:
    articles = ingest.load([SEEDS]).articles

    def no_pool(*args: object, **kwargs: object) -> None:
        raise AssertionError("a worker process for a corpus one batch holds")

    monkeypatch.setattr(share, "map_shared", no_pool)
    tables = pipeline.enrich_batches(articles, workers=2, batch_size=1000)
    assert tables["articles"].height == articles.height


def test_a_worker_process_imports_no_input_parsers() -> None:
    """The helper imports the pipeline for `enrich_timed`: not the file formats' parsers nor the
    translation providers (ingest and translation are imported where a run needs them)."""
    code = (
        "import sys, dashboard.pipeline.pipeline as p; "
        "print(*(m in sys.modules for m in ('dashboard.ingest.ingest', "
        "'dashboard.translate.translate_cache')), callable(p.enrich_timed))"
    )
    root = Path(__file__).resolve().parents[2]
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=root
    )
    assert out.stdout.split() == ["False", "False", "True"]


ENGLISH = (
    "The government announced on Monday that the new bridge over the river will open next year."
)
GERMAN = "Die Regierung hat am Montag angekündigt, dass die neue Brücke über den Fluss nächstes Jahr eröffnet wird."


def test_shared_batches_take_one_language_after_another_and_rows_come_back_in_order() -> None:
    texts = [ENGLISH, GERMAN] * 4
    articles = pl.DataFrame({"article_id": [f"a{i}" for i in range(8)], "text": texts})
    order = share.language_order(articles)
    assert order is not None
    regrouped = articles[order]["text"].to_list()
    assert regrouped[:4] == [GERMAN] * 4 and regrouped[4:] == [ENGLISH] * 4  # de before en
    assert articles[order]["article_id"].to_list() == [
        "a1",
        "a3",
        "a5",
        "a7",
        "a0",
        "a2",
        "a4",
        "a6",
    ]
    # an article's rows (here two paragraphs each) keep their order; articles go back in input order
    made = (
        articles[order]
        .with_columns(para_no=pl.lit(0))
        .vstack(articles[order].with_columns(para_no=pl.lit(1)))
    )
    back = share.in_input_order({"paragraphs": made}, articles["article_id"])["paragraphs"]
    expected = [(f"a{i}", p) for i in range(8) for p in (0, 1)]
    assert list(back.select("article_id", "para_no").iter_rows()) == expected


def test_repeated_article_ids_keep_the_input_order() -> None:
    articles = pl.DataFrame({"article_id": ["a", "a", "b"], "text": [ENGLISH, GERMAN, ENGLISH]})
    assert share.language_order(articles) is None


def test_two_workers_read_legacy_code_pages_as_one_worker_does(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """With a helper, code pages may be decided ahead in it (codepages.decide_ahead): the same
    texts and notes as one worker, and the hand-over folder is gone after the run."""
    import json
    import tempfile

    samples = json.loads((Path(__file__).parent / "data" / "legacy_texts.json").read_text("utf-8"))
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    for lang, page in (("ru", "cp1251"), ("pl", "cp1250"), ("el", "cp1253"), ("tr", "cp1254")):
        (corpus / f"{lang}.txt").write_bytes(samples[lang]["long"].encode(page))
    (corpus / "en.txt").write_text(ENGLISH, "utf-8")
    monkeypatch.setattr(share, "PRESTART_BYTES", 1)  # helpers for this small corpus too
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path / "tmp"))
    (tmp_path / "tmp").mkdir()
    runs = {}
    for workers in (1, 2):
        options = pipeline.RunOptions(workers=workers)
        result = pipeline.analyze([corpus], tmp_path / f"out{workers}", options)
        assert not [p for p in result.problems if p.severity == "error"]
        runs[workers] = pl.read_parquet(tmp_path / f"out{workers}" / "articles.parquet")
    columns = ["article_id", "text", "language", "warnings"]
    assert (
        runs[2]
        .select(columns)
        .sort("article_id")
        .equals(runs[1].select(columns).sort("article_id"))
    )
    assert runs[2].filter(pl.col("warnings").list.len() > 0).height == 4  # "not UTF-8, read as ..."
    assert not list((tmp_path / "tmp").glob("newsprism-ahead-*"))
