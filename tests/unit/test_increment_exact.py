"""An increment runs the step table's increment entry points and, where it is meant to be exact
(docs/SCALE.md), gives the stories and actors a full `--recluster` gives."""

from __future__ import annotations

import polars as pl
import pytest

from dashboard.bench import corpus_synth
from dashboard.pipeline import pipeline
from dashboard.store import store

Tables = dict[str, pl.DataFrame]


def _copies(base: pl.DataFrame, every: int) -> pl.DataFrame:
    """Other outlets' versions of some stored articles: a paragraph cut, a credit line added
    (no new actor, no new event: the batch the increment is exact on)."""
    paras = pl.col("text").str.split("\n\n")
    return base.gather_every(every).with_columns(
        id="copy-" + pl.col("id"),
        url=pl.col("url") + "/copy",
        source=pl.lit("copy.example"),
        text=pl.concat_list(
            paras.list.slice(0, 1), paras.list.slice(2), pl.lit(["Photo: agency"])
        ).list.join("\n\n"),
    )


def _partition(articles: pl.DataFrame) -> list[list[str]]:
    """The stories as sets of articles (a full run names stories by their members afresh)."""
    groups = articles.group_by("story_id").agg(pl.col("article_id").sort())["article_id"]
    return sorted(groups.to_list())


@pytest.fixture(scope="module")
def runs(tmp_path_factory: pytest.TempPathFactory) -> tuple[pipeline.Result, Tables, Tables]:
    tmp = tmp_path_factory.mktemp("exact")
    base = corpus_synth.corpus(60, seed=3, texts=corpus_synth.seed_texts())
    corpus_synth.write_corpus(base, tmp / "base")
    corpus_synth.write_corpus(_copies(base, 10), tmp / "batch")
    out = tmp / "analysis"
    pipeline.analyze([tmp / "base"], out, pipeline.RunOptions(workers=1))
    added = pipeline.analyze([tmp / "batch"], out, pipeline.RunOptions(workers=1))
    incremental = store.Analysis.open(out).tables()
    pipeline.analyze([], out, pipeline.RunOptions(workers=1, recluster=True))
    return added, incremental, store.Analysis.open(out).tables()


def test_the_increment_runs_every_step_of_the_table_in_its_order(
    runs: tuple[pipeline.Result, Tables, Tables],
) -> None:
    added, _, _ = runs
    assert added.new_articles == 6
    assert added.manifest["state"]["finish"] == "add"
    steps = added.manifest["steps"]
    assert [s["name"] for s in steps] == [s.name for s in pipeline.STEPS if s.run is not None]
    assert {s["mode"] for s in steps} == {"increment"}
    # the entities step added the new articles' mentions to the stored ones
    linked = next(s for s in steps if s["name"] == "entities")
    assert linked["rows"] > 0


def test_an_increment_of_copies_gives_the_stories_and_actors_of_a_recluster(
    runs: tuple[pipeline.Result, Tables, Tables],
) -> None:
    _, inc, full = runs
    assert inc["articles"].height == full["articles"].height == 66
    assert _partition(inc["articles"]) == _partition(full["articles"])
    keys = ["article_id", "start", "end"]
    both = inc["mentions"].join(full["mentions"], on=keys, suffix="_full")
    assert both.height == inc["mentions"].height == full["mentions"].height
    assert (both["entity_id"] == both["entity_id_full"]).all()
    # the same actors with the same counts (an increment keeps a stored actor's label)
    cols = ["entity_id", "type", "n_mentions", "n_articles", "hidden"]
    assert (
        inc["entities"]
        .select(cols)
        .sort("entity_id")
        .equals(full["entities"].select(cols).sort("entity_id"))
    )


def test_an_increment_entry_point_is_the_full_one_for_per_article_steps() -> None:
    for step in pipeline.STEPS:
        if step.run is None:
            continue
        if step.per_article:
            assert step.entry("increment") is step.run
        else:
            assert step.increment is not None and step.entry("increment") is step.increment
        assert step.entry("full") is step.run
