"""The cross-article steps' parts shared with a run's helper processes give the same tables."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import polars as pl
import pytest

from dashboard import align, corpus_synth, ingest, pipeline, quotes, workers


@pytest.fixture(scope="module")
def enriched(tmp_path_factory: pytest.TempPathFactory) -> pipeline.Tables:
    """A corpus of reworded copies (stories of several articles, quotes), per-article steps."""
    folder = tmp_path_factory.mktemp("corpus")
    corpus_synth.write_corpus(
        corpus_synth.corpus(60, seed=3, texts=corpus_synth.seed_texts()), folder
    )
    tables = pipeline.enrich_batches(ingest.load([folder]).articles, workers=1)
    tables.pop(pipeline.STEP_SECONDS)
    tables["mentions"] = tables["mentions"].with_columns(entity_id=pl.lit(None, pl.String))
    return tables


@pytest.fixture(scope="module")
def helpers() -> Iterator[workers.Helpers]:
    running = workers.Helpers(1)
    running.pool()  # started, as after per-article steps that shared their batches
    yield running
    running.close()


def test_cross_article_steps_with_running_helpers_give_the_same_tables(
    enriched: pipeline.Tables, helpers: workers.Helpers, tmp_path: Path
) -> None:
    alone, alone_features = pipeline.finish_full(enriched, tmp_path / "alone")
    shared, shared_features = pipeline.finish_full(enriched, tmp_path / "shared", helpers=helpers)
    assert alone["alignments"].height > 0 and alone["stories"].height > 0
    for table in ("articles", "paragraphs", "mentions", "dates", "entities", "stories"):
        assert shared[table].equals(alone[table]), table
    assert shared["alignments"].equals(alone["alignments"])
    key = ["article_id", "para_no", "feature"]
    assert shared_features.sort(key).equals(alone_features.sort(key))


def test_quotes_and_alignments_in_parts_are_the_whole_calls(
    enriched: pipeline.Tables, helpers: workers.Helpers, tmp_path: Path
) -> None:
    done, features = pipeline.finish_full(enriched, tmp_path)
    arts, paras, ments, dates = (done[t] for t in ("articles", "paragraphs", "mentions", "dates"))
    whole = quotes.quotes(arts, paras, ments)
    assert whole.height > 0
    assert workers.quotes_of(helpers, arts, paras, ments).equals(whole)
    aligned = align.align(arts, paras, ments, dates, features=features)
    assert workers.align_of(helpers, arts, paras, ments, dates, features).equals(aligned)


def test_without_running_helpers_everything_runs_here() -> None:
    idle = workers.Helpers(1)
    assert idle.map(divmod, [(7, 2), (9, 4)]) == [(3, 1), (2, 1)]
    assert not idle.running  # a map does not start them


def test_running_helpers_return_the_parts_in_order(helpers: workers.Helpers) -> None:
    assert helpers.map(divmod, [(7, 2), (9, 4), (20, 6)]) == [(3, 1), (2, 1), (3, 2)]


def test_story_groups_are_balanced_and_the_same_for_the_same_input() -> None:
    weights = {"s1": 100, "s2": 60, "s3": 50, "s4": 10}
    groups = workers._groups(weights, 2)
    assert groups == [["s1", "s4"], ["s2", "s3"]]
    assert workers._groups(dict(reversed(weights.items())), 2) == groups
    assert workers._groups({"only": 5}, 2) == [["only"]]


def test_stories_share_their_pair_blocks_only_with_helpers_at_work(
    enriched: pipeline.Tables,
    helpers: workers.Helpers,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    given: list[object] = []
    cluster = pipeline.stories.cluster

    def spy(*args: object, **kwargs: object) -> tuple[pl.DataFrame, pl.DataFrame]:
        given.append(kwargs.get("map_parts"))
        return cluster(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(pipeline.stories, "cluster", spy)
    linked = {**enriched, **pipeline._entities_step(enriched, pipeline.Context())}
    for running in (workers.Helpers(1), helpers):  # not started (one batch held all), started
        pipeline._stories_step(linked, pipeline.Context(out=tmp_path, helpers=running))
    assert given[0] is None  # alone: PAIR_BLOCK blocks, not smaller ones
    assert given[1] == helpers.map
