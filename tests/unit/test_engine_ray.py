"""The Ray engine gives the same tables as the single-process pipeline, written as shards."""

from __future__ import annotations

from pathlib import Path

import polars as pl
import pytest
import ray
from polars.testing import assert_frame_equal

from dashboard.bench import corpus_synth
from dashboard.pipeline import engine_ray, pipeline
from dashboard.schema import TABLES, empty
from dashboard.store import store

SEEDS = Path(__file__).resolve().parents[2] / "seeds"
KEYS = {
    "articles": ["article_id"],
    "paragraphs": ["article_id", "para_no"],
    "mentions": ["article_id", "start", "end", "text"],
    "entities": ["entity_id"],
    "dates": ["article_id", "start", "end", "value"],
    "stories": ["story_id"],
    "alignments": ["story_id", "article_a", "para_a", "article_b", "para_b"],
}


def _sorted(frame: pl.DataFrame, table: str) -> pl.DataFrame:
    return frame.sort(KEYS[table], nulls_last=True)


def _assert_same(a: Path, b: Path) -> None:
    left, right = store.Analysis.open(a), store.Analysis.open(b)
    for table in TABLES:
        assert_frame_equal(
            _sorted(left.frame(table), table), _sorted(right.frame(table), table), check_exact=True
        )


@pytest.fixture
def synthetic(tmp_path: Path) -> Path:
    # texts in the seeds' languages only: each worker builds its lexicons once per language
    texts = corpus_synth.seed_texts(SEEDS)
    corpus_synth.write_corpus(corpus_synth.corpus(40, seed=7, texts=texts), tmp_path / "synthetic")
    return tmp_path / "synthetic"


def test_ray_tables_equal_single_process(tmp_path: Path, synthetic: Path) -> None:
    local = pipeline.analyze([SEEDS, synthetic], tmp_path / "local", pipeline.RunOptions(workers=1))
    result = engine_ray.analyze(
        [SEEDS, synthetic], tmp_path / "ray", pipeline.RunOptions(workers=1), shard_articles=15
    )
    assert not ray.is_initialized()  # the local instance it started is shut down
    assert result.new_articles == local.new_articles == 45
    assert result.manifest["engine"]["name"] == "ray"
    assert result.manifest["engine"]["cpus"] == 2
    assert result.manifest["counts"] == local.manifest["counts"]
    shards = sorted(p.name for p in (tmp_path / "ray" / "articles").glob("*.parquet"))
    assert shards == ["part-00000.parquet", "part-00001.parquet", "part-00002.parquet"]
    assert not (tmp_path / "ray" / "articles.parquet").exists()
    assert not (tmp_path / "ray" / engine_ray.WORK).exists()
    _assert_same(tmp_path / "local", tmp_path / "ray")
    again = engine_ray.analyze([SEEDS, synthetic], tmp_path / "ray", shard_articles=15)
    assert again.new_articles == 0  # nothing new: no Ray, only the reduce
    _assert_same(tmp_path / "local", tmp_path / "ray")


def test_write_partitioned_splits_per_article_tables_by_article(tmp_path: Path) -> None:
    articles = pl.DataFrame({"article_id": ["a", "b", "c"], "text": ["x", "y", "z"]})
    paragraphs = pl.DataFrame(
        {"article_id": ["c", "a", "b", "c"], "para_no": [0, 0, 0, 1]},
        schema_overrides={"para_no": pl.Int32},
    )
    manifest = engine_ray.write_partitioned(
        tmp_path, {"articles": articles, "paragraphs": paragraphs}, {}, shard_articles=2
    )
    assert manifest["counts"]["paragraphs"] == 4
    assert manifest["counts"]["entities"] == 0
    first = pl.read_parquet(tmp_path / "paragraphs" / "part-00000.parquet")
    second = pl.read_parquet(tmp_path / "paragraphs" / "part-00001.parquet")
    assert sorted(first["article_id"]) == ["a", "b"]
    assert second["article_id"].to_list() == ["c", "c"]
    entities = store.Analysis.open(tmp_path).frame("entities")
    assert entities.schema == empty("entities").schema


def test_write_partitioned_replaces_single_files_and_old_shards(tmp_path: Path) -> None:
    store.write_analysis(tmp_path, {"articles": pl.DataFrame({"article_id": ["old"]})}, {})
    engine_ray.write_shard(tmp_path, "dates", 7, empty("dates"))
    engine_ray.write_partitioned(
        tmp_path, {"articles": pl.DataFrame({"article_id": ["new"]})}, {}, shard_articles=10
    )
    assert not store.table_path(tmp_path, "articles").exists()
    assert store.scan(tmp_path, "articles").collect()["article_id"].to_list() == ["new"]
    assert [p.name for p in (tmp_path / "dates").iterdir()] == ["part-00000.parquet"]
    assert not list(tmp_path.glob(".*"))
