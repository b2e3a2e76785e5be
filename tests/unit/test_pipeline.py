"""How the per-article steps are cut into batches for the workers."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import polars as pl
import pytest
from polars.testing import assert_frame_equal

from dashboard.ingest import ingest
from dashboard.pipeline import increment, pipeline, share, step_table
from dashboard.steps import quotes

SEEDS = Path(__file__).resolve().parents[2] / "seeds"


def test_batches_are_balanced_over_the_workers() -> None:
    assert pipeline.balanced_batch(500, 2, 1000) == 1000  # one batch: no pool at all
    assert pipeline.balanced_batch(2319, 2, 1000) == 580  # four even batches, not 1000/1000/319
    assert pipeline.balanced_batch(100_000, 2, 1000) == 1000
    assert pipeline.balanced_batch(2319, 1, 1000) == 1000


def test_the_step_table_is_what_runs_and_the_manifest_says_what_ran(tmp_path: Path) -> None:
    from dashboard.bench import bench
    from dashboard.store import store

    # one list of steps: the bench times exactly the steps analyze runs, in its order
    ran_by_table = [s.name for s in pipeline.STEPS if s.run is not None]
    assert list(bench.STEPS) == ["ingest", *ran_by_table, "write"]
    assert tuple(s.name for s in pipeline.PER_ARTICLE) == bench.WARM
    out = tmp_path / "analysis"
    pipeline.analyze([SEEDS], out, pipeline.RunOptions(workers=1))
    steps = store.read_manifest(out)["steps"]
    assert [s["name"] for s in steps] == ran_by_table
    assert {s["mode"] for s in steps} == {"full"}
    assert all(s["seconds"] >= 0 and s["rows"] > 0 for s in steps)


def test_analyze_does_not_translate_while_another_job_of_the_analysis_runs(tmp_path: Path) -> None:
    import fcntl

    from dashboard.translate import translate_job
    from dashboard.translate.translate import TranslatorConfig

    out = tmp_path / "analysis"
    out.mkdir()
    config = TranslatorConfig(
        provider="libretranslate", url="http://127.0.0.1:9", cache_path=tmp_path / "cache.sqlite"
    )
    with open(out / translate_job.JOB_LOCK, "a+") as held:  # another job holds the folder's lock
        fcntl.flock(held, fcntl.LOCK_EX)
        result = pipeline.analyze([SEEDS], out, pipeline.RunOptions(workers=1, translator=config))
    assert "another translation job" in result.translation_note
    assert result.tables["paragraphs"]["translation"].is_null().all()


def test_no_per_article_step_may_need_what_an_aside_step_adds() -> None:
    first = pipeline.Step("first", ("articles.text",), ("articles.x",), True, aside=True)
    second = pipeline.Step("second", ("articles.x",), ("articles.y",), True)
    with pytest.raises(RuntimeError, match="aside"):
        pipeline.check_order((first, second))
    pipeline.check_order((first, pipeline.Step("later", ("articles.x",), ("y.z",), False)))
    assert [s.name for s in pipeline.ASIDE] == ["dates"]


def test_a_helper_running_the_aside_steps_makes_the_same_tables(tmp_path: Path) -> None:
    articles = ingest.load([SEEDS]).articles
    alone = pipeline.enrich_batches(articles, workers=1)
    # batches of two: the helper shares the per-article steps, then runs the dates over all
    helpers = share.Helpers(1, pipeline.enrich_timed)
    try:
        early, aside = pipeline.enrich_shared(
            articles, workers=2, batch_size=2, helpers=helpers, aside=True
        )
        assert aside is not None and "dates" not in early
        made, seconds = aside.result()
    finally:
        helpers.close()
    assert set(made) == {"dates", *pipeline.QUOTES_FOUND} and set(seconds) == {"dates", "quotes"}
    for table in ("articles", "paragraphs", "mentions"):
        assert_frame_equal(early[table], alone[table])
    assert alone["dates"].height > 0
    assert_frame_equal(made["dates"], alone["dates"])
    # the quotes it found before linking get the speakers a linked run gives them
    alone["mentions"] = alone["mentions"].with_columns(entity_id=pl.lit(None, pl.String))
    linked = pipeline.finish(alone, tmp_path)["mentions"]
    found = quotes.Found(*(made[t] for t in pipeline.QUOTES_FOUND))
    expected = quotes.quotes(alone["articles"], alone["paragraphs"], linked)
    assert expected["speaker_entity_id"].drop_nulls().len() > 0
    assert_frame_equal(quotes.speakers(found, linked), expected)
    # one worker, or no helpers started ahead: every table at once
    assert pipeline.enrich_shared(articles, workers=1, aside=True)[1] is None
    assert pipeline.enrich_shared(articles, workers=2, batch_size=2, aside=True)[1] is None


def test_the_aside_done_in_batches_is_the_aside_done_whole() -> None:
    # the helper and this process each take batches of it: joined, the quotes numbered on
    early = step_table.enrich_early_timed(ingest.load([SEEDS]).articles)[0]
    frames = {t: early[t] for t in ("articles", "paragraphs")}
    frames["mentions"] = early["mentions"].select("article_id", "start", "end")
    whole, _ = step_table.aside_timed(frames)
    assert whole[pipeline.QUOTES_FOUND[0]].height > 2 and whole["dates"].height > 0
    parts = [step_table.aside_timed(share._batch(frames, i, 2)) for i in range(0, 5, 2)]
    joined, seconds = step_table.aside_joined(parts)
    assert set(joined) == set(whole) and set(seconds) == {"dates", "quotes"}
    for name, frame in whole.items():
        assert_frame_equal(joined[name], frame)


def test_a_table_made_aside_is_taken_when_a_step_first_needs_it(tmp_path: Path) -> None:
    tables = pipeline.enrich(ingest.load([SEEDS]).articles)
    tables["mentions"] = tables["mentions"].with_columns(entity_id=pl.lit(None, pl.String))
    expected = pipeline.finish_full(dict(tables), tmp_path / "a").tables
    ran: list[dict[str, object]] = []
    taken_after: list[list[object]] = []

    def dates() -> pl.DataFrame:
        taken_after.append([line["name"] for line in ran])
        return tables["dates"]

    without = {t: f for t, f in tables.items() if t != "dates"}
    done = pipeline.finish_full(without, tmp_path / "b", ran, later={"dates": dates}).tables
    assert taken_after == [["entities"]]  # linking ran first; the stories need the dates
    for table in expected:
        assert_frame_equal(done[table], expected[table])


def test_a_helper_aligning_a_share_of_the_stories_changes_nothing() -> None:
    from dashboard.steps import align, features, link_aligned
    from tests.unit.test_align import ACTORS, TEXTS
    from tests.unit.test_stories import hand_frames

    texts = {
        **TEXTS,
        **{f"y{k}": t.replace("Alpha", "Gamma") for k, t in enumerate(TEXTS.values())},
    }
    articles, paragraphs, mentions, dates = hand_frames(texts, {**ACTORS, "Gamma": "e-gamma"})
    articles = articles.with_columns(story_id="s-" + pl.col("article_id").str.slice(0, 1))
    feats = features.paragraph_features(articles, paragraphs, mentions, dates)
    tables = {"articles": articles, "paragraphs": paragraphs, "mentions": mentions, "dates": dates}
    assert all(s.height > 0 for s in align.story_shares(articles, feats, 2))  # a story each
    helpers = share.Helpers(1, pipeline.enrich_timed)
    try:
        shared, counted = step_table._align(
            tables, pipeline.Context(features=feats, helpers=helpers)
        )
    finally:
        helpers.close()
    alone, none = step_table._align(tables, pipeline.Context(features=feats))
    assert set(alone["story_id"]) == {"s-x", "s-y"}
    assert_frame_equal(shared, alone)
    # each process counted the votes of its own share: together, those of all alignments
    languages = dict(zip(articles["article_id"], articles["language"], strict=True))
    assert none is None and counted == link_aligned.votes(mentions, alone, languages)


def test_a_helper_making_the_entities_table_during_the_stories_changes_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    tables = pipeline.enrich(ingest.load([SEEDS]).articles)
    tables["mentions"] = tables["mentions"].with_columns(entity_id=pl.lit(None, pl.String))
    alone = pipeline.finish_full(dict(tables), tmp_path / "alone").tables
    jobs: list[str] = []
    start = share.Aside.__init__

    def watched(self: share.Aside, helpers: share.Helpers, work: Any, frames: Any) -> None:
        jobs.append(getattr(work, "func", work).__name__)  # a partial: its function's name
        start(self, helpers, work, frames)

    monkeypatch.setattr(share.Aside, "__init__", watched)
    helpers = share.Helpers(1, pipeline.enrich_timed)
    try:
        shared = pipeline.finish_full(dict(tables), tmp_path / "shared", helpers=helpers).tables
    finally:
        helpers.close()
    assert "entities_share" in jobs  # the helper made the entities table
    assert "state_share" in jobs  # and staged the story state
    assert alone["entities"].height > 0 and alone["stories"].height > 0
    for name in ("mentions", "entities", "stories", "articles", "alignments"):
        assert_frame_equal(shared[name], alone[name])


def test_a_helper_stages_the_story_state_this_process_would_stage(tmp_path: Path) -> None:
    tables = pipeline.enrich(ingest.load([SEEDS]).articles)
    tables["mentions"] = tables["mentions"].with_columns(entity_id=pl.lit(None, pl.String))
    alone = pipeline.finish_full(dict(tables), tmp_path / "alone")
    assert alone.state_ahead is None
    here = increment.state_entry(tmp_path / "alone", alone.tables, alone.features, "full")
    helpers = share.Helpers(1, pipeline.enrich_timed)
    try:
        shared = pipeline.finish_full(dict(tables), tmp_path / "shared", helpers=helpers)
        assert shared.state_ahead is not None
        there = increment.state_entry(
            tmp_path / "shared", shared.tables, shared.features, "full", ahead=shared.state_ahead
        )
    finally:
        helpers.close()
    staged_here, staged_there = here.pop("staged"), there.pop("staged")
    assert here == there  # units, rows, hashes
    assert (
        sorted(staged_here)
        == sorted(staged_there)
        == sorted([increment.FEATURES, increment.CENTROIDS, increment.DF, increment.KEYS])
    )
    for name, (file,) in staged_here.items():
        (other,) = staged_there[name]
        mine, theirs = (
            pl.read_parquet(tmp_path / "alone" / file),
            pl.read_parquet(tmp_path / "shared" / other),
        )
        assert mine.height > 0
        assert_frame_equal(mine.sort(mine.columns), theirs.sort(theirs.columns))
