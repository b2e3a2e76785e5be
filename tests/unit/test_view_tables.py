"""The view tables: written with the tables they come from, grown by increments, never used once
those tables changed under them, and giving the views the same frames as the tables do."""

from __future__ import annotations

import shutil
from datetime import date
from pathlib import Path

import polars as pl
import pyarrow.parquet as pq
import pytest

from dashboard.bench import corpus_synth
from dashboard.pipeline import engine_ray, pipeline
from dashboard.steps import comparison
from dashboard.store import store
from dashboard.store.view_tables import ACTOR_ARTICLES, ACTOR_FORMS, DATES, NAMES, SOURCES, define
from dashboard.views import compare, timeline
from dashboard.views.filters import Filters

FORM_KEYS = ["story_id", "outlet", "source", "language", "entity_id", "text"]


def _analyse(paths: list[Path], out: Path) -> dict[str, object]:
    return pipeline.analyze(paths, out, pipeline.RunOptions(workers=1)).manifest


def _canonical(name: str, frame: pl.LazyFrame) -> pl.DataFrame:
    """Rows of one key summed (an increment may add rows to a stored key), in a fixed order."""
    if name == ACTOR_FORMS:
        frame = frame.group_by(FORM_KEYS).agg(pl.col("mentions", "articles").sum())
        return frame.collect().sort(FORM_KEYS, nulls_last=True)
    if name == DATES:
        rows = frame.collect()
        return rows.sort(rows.columns, nulls_last=True)
    return frame.collect().sort("entity_id", "article_id")


def _defined(an: store.Analysis, name: str) -> pl.DataFrame:
    return _canonical(name, define(name, *(an.scan(t) for t in SOURCES)))


def _assert_current_and_right(out: Path) -> store.Analysis:
    an = store.Analysis.open(out)
    assert store.views_current(out, an.manifest)
    for name in NAMES:
        stored = store.scan_parts(out, name, an.manifest)
        assert stored is not None
        assert _canonical(name, stored).equals(_defined(an, name)), name
    return an


def _computed(an: store.Analysis) -> store.Analysis:
    """The same analysis with its view tables disowned: readers compute them from the tables."""
    return store.Analysis(an.path, {**an.manifest, store.VIEWS_FROM: []})


@pytest.fixture
def synthetic(tmp_path: Path) -> tuple[Path, list[Path]]:
    texts = corpus_synth.seed_texts()
    folders = []
    for name, n, seed in (("base", 60, 3), ("extra", 8, 4), ("more", 3, 9)):
        prefix = "synth" if name == "base" else name
        corpus_synth.write_corpus(
            corpus_synth.corpus(n, seed=seed, texts=texts, id_prefix=prefix), tmp_path / name
        )
        folders.append(tmp_path / name)
    return tmp_path / "an", folders


def test_a_full_run_writes_view_tables_equal_to_their_definition(seed_analysis: Path) -> None:
    an = _assert_current_and_right(seed_analysis)
    per_article = an.view(ACTOR_ARTICLES).collect()
    assert per_article.height > 0
    # one row per actor and article, and its mentions are that article's mentions of the actor
    assert per_article.select("entity_id", "article_id").is_duplicated().sum() == 0
    counted = (
        an.frame("mentions")
        .filter(pl.col("entity_id").is_not_null())
        .group_by("entity_id", "article_id")
        .agg(n=pl.len(), start=pl.col("start").min())
    )
    joined = per_article.join(counted, on=["entity_id", "article_id"], how="full")
    assert joined["mentions"].cast(pl.Int64).equals(joined["n"].cast(pl.Int64), check_names=False)
    # the quoted span is the first mention: in the first paragraph that has one, at its start
    firsts = (
        an.frame("mentions").sort("para_no", "start").group_by("entity_id", "article_id").first()
    )
    check = per_article.join(firsts, on=["entity_id", "article_id"], suffix="_m")
    assert (check["para_no"] == check["para_no_m"]).all()
    assert (check["start"] == check["start_m"]).all()
    forms = an.view(ACTOR_FORMS).collect()
    assert forms["mentions"].sum() == joined["n"].sum()
    # the articles column sums, over an actor's forms, to the articles mentioning it
    per_actor = forms.group_by("entity_id").agg(pl.col("articles").sum())
    expect = per_article.group_by("entity_id").agg(articles=pl.len().cast(pl.UInt32))
    assert per_actor.sort("entity_id").equals(expect.sort("entity_id"))


def test_the_articles_table_is_written_for_reading_a_few_texts(tmp_path: Path) -> None:
    articles = pl.DataFrame(
        {"article_id": [f"a{i:05d}" for i in range(4500)], "text": ["Some text."] * 4500}
    )
    store.write_table(tmp_path, "articles", articles)
    meta = pq.ParquetFile(store.table_path(tmp_path, "articles")).metadata
    assert meta.num_row_groups == 3
    assert meta.row_group(0).column(0).compression == "LZ4"
    store.write_table(tmp_path, "mentions", pl.DataFrame({"article_id": ["a00001"]}))
    mentions = pq.ParquetFile(store.table_path(tmp_path, "mentions")).metadata
    assert mentions.row_group(0).column(0).compression == "ZSTD"


def test_increments_append_view_rows_that_add_up_to_the_definition(
    synthetic: tuple[Path, list[Path]],
) -> None:
    out, (base, extra, more) = synthetic
    _analyse([base], out)
    stored = {name: (out / store.base_file(name)).read_bytes() for name in NAMES}
    _analyse([extra], out)
    manifest = _analyse([more], out)
    assert manifest["state"]["finish"] == "add"  # type: ignore[index]
    for name in NAMES:
        assert len(manifest["parts"][name]) == 3  # type: ignore[index]
        assert (out / store.base_file(name)).read_bytes() == stored[name]
    an = _assert_current_and_right(out)
    computed = _computed(an)
    story = compare.story_for(an, Filters())
    assert story is not None
    for f in (Filters(), Filters(story=story), Filters(languages=("en",))):
        assert compare.coverage(an, f).equals(compare.coverage(computed, f))
        assert timeline.timeline(an, f).equals(timeline.timeline(computed, f))


def test_view_tables_of_other_tables_are_not_used(seed_analysis: Path, tmp_path: Path) -> None:
    out = tmp_path / "an"
    shutil.copytree(seed_analysis, out)
    # a hand edit (or a writer that knows nothing of view tables) renames every outlet
    articles = store.Analysis.open(out).frame("articles")
    store.write_table(out, "articles", articles.with_columns(source=pl.lit("renamed.example")))
    an = store.Analysis.open(out)
    assert not store.views_current(out, an.manifest)
    table = compare.coverage(an, Filters())
    assert table.height > 0 and set(table["source"]) == {"renamed.example"}
    # the next write through the store makes them again
    store.update_tables(out, {}, {})
    _assert_current_and_right(out)
    assert compare.coverage(store.Analysis.open(out), Filters()).equals(table)


def test_update_tables_remakes_view_tables_when_articles_change(
    seed_analysis: Path, tmp_path: Path
) -> None:
    out = tmp_path / "an"
    shutil.copytree(seed_analysis, out)
    articles = store.Analysis.open(out).frame("articles")
    store.update_tables(out, {"articles": articles.with_columns(language=pl.lit("xx"))}, {})
    an = _assert_current_and_right(out)
    assert set(compare.coverage(an, Filters(), by="language")["language"]) == {"xx"}


def test_mentions_added_to_stored_articles_remake_the_view_tables(
    seed_analysis: Path, tmp_path: Path
) -> None:
    out = tmp_path / "an"
    shutil.copytree(seed_analysis, out)
    an = store.Analysis.open(out)
    first = an.frame("mentions").head(1).with_columns(entity_id=pl.lit("PER:someone-new"))
    manifest = store.append_analysis(out, {"mentions": first}, {}, {})
    assert manifest["parts"][ACTOR_ARTICLES] == [store.base_file(ACTOR_ARTICLES)]
    an = _assert_current_and_right(out)
    assert "PER:someone-new" in an.view(ACTOR_ARTICLES).collect()["entity_id"].to_list()


def test_coverage_from_view_tables_equals_coverage_from_the_mentions(
    synthetic: tuple[Path, list[Path]],
) -> None:
    out, (base, extra, _) = synthetic
    _analyse([base, extra], out)
    an = store.Analysis.open(out)
    articles, mentions = an.frame("articles"), an.frame("mentions")
    story = compare.story_for(an, Filters())
    assert story is not None
    lang = articles.filter(pl.col("story_id") == story)["language"].mode().sort()[0]
    outlet = articles.filter(pl.col("story_id") == story)["source"].drop_nulls().sort()[0]
    actor = mentions.filter(pl.col("entity_id").is_not_null())["entity_id"].mode().sort()[0]
    columns = ["name", "n_mentions", "n_articles", "per_1000_words"]
    for f in (
        Filters(),
        Filters(languages=(lang,)),
        Filters(outlets=(outlet,)),
        Filters(actors=(actor,)),
        Filters(date_from=date(2025, 1, 1), date_to=date(2025, 6, 30)),
    ):
        for by in ("source", "language"):
            got = compare.coverage(an, f, story, by=by)
            chosen = articles.filter(
                f.with_(story=None).articles_expr() & (pl.col("story_id") == story)
            ).with_columns(source=compare.outlet_label())
            said = mentions.filter(pl.col("entity_id").is_in(list(f.actors)) if f.actors else True)
            want = comparison.coverage(said, chosen, story, by=by).join(
                got.select("entity_id").unique(), on="entity_id", how="semi"
            )
            assert got.height == want.height > 0, (f, by)
            keys = [by, "entity_id"]
            g, w = got.sort(keys), want.sort(keys)
            counts = [c for c in columns if c != "name"]
            assert g.select(keys + counts).equals(w.select(keys + counts)), (f, by)
            if not (f.date_from or f.date_to):
                assert g["name"].equals(w["name"]), (f, by)


def test_timeline_counts_every_mention_of_the_actors_it_draws(
    synthetic: tuple[Path, list[Path]],
) -> None:
    out, (base, _, _) = synthetic
    _analyse([base], out)
    an = store.Analysis.open(out)
    for f in (Filters(), Filters(languages=("de",)), Filters(date_from=date(2025, 3, 1))):
        frame = timeline.timeline(an, f, every="month")
        assert frame.height > 0
        dated = an.frame("articles").filter(f.articles_expr() & pl.col("published").is_not_null())
        want = (
            an.frame("mentions")
            .filter(pl.col("entity_id").is_in(frame["entity_id"].unique().implode()))
            .join(dated, on="article_id")
            .group_by(pl.col("published").dt.truncate("1mo").alias("period"), "entity_id")
            .agg(mentions=pl.len(), articles=pl.col("article_id").n_unique())
        )
        got = frame.select("period", "entity_id", "mentions", "articles")
        order = ["period", "entity_id"]
        assert (
            got.sort(order)
            .cast({"mentions": pl.UInt32, "articles": pl.UInt32})
            .equals(want.sort(order).cast({"mentions": pl.UInt32, "articles": pl.UInt32}))
        )
        assert frame["example"].null_count() == 0


def test_the_ray_writer_writes_view_tables_and_the_copy_of_a_folder_disowns_them(
    seed_analysis: Path, tmp_path: Path
) -> None:
    tables = store.Analysis.open(seed_analysis).tables()
    out = tmp_path / "ray"
    engine_ray.write_partitioned(out, tables, {}, shard_articles=2)
    _assert_current_and_right(out)
    # a copy has new modification times: its view tables are not trusted, the views still work
    copy = tmp_path / "copy"
    shutil.copytree(out, copy, copy_function=shutil.copy)
    an = store.Analysis.open(copy)
    assert not store.views_current(copy, an.manifest)
    assert compare.coverage(an, Filters()).equals(
        compare.coverage(store.Analysis.open(out), Filters())
    )
    # too big to make in the app's memory (a tiny limit here): left as they are
    assert not store.ensure_views(copy, max_mentions=1)
    assert not store.views_current(copy, store.read_manifest(copy))
    # the app makes them again when it opens the copy
    assert store.ensure_views(copy)
    _assert_current_and_right(copy)
    assert store.ensure_views(copy)  # current: nothing to do


def test_a_folder_that_cannot_be_written_keeps_computing_its_views(
    seed_analysis: Path, tmp_path: Path
) -> None:
    out = tmp_path / "an"
    shutil.copytree(seed_analysis, out, copy_function=shutil.copy)
    # the write lock cannot be taken (a directory in its place: fails for root too)
    (out / store.LOCK).unlink(missing_ok=True)
    (out / store.LOCK).mkdir()
    assert not store.ensure_views(out)
    an = store.Analysis.open(out)
    assert not store.views_current(out, an.manifest)
    assert compare.coverage(an, Filters()).equals(
        compare.coverage(store.Analysis.open(seed_analysis), Filters())
    )
