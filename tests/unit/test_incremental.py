"""Adding articles to an analysis: the increment keeps what is stored and agrees with a full run."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import polars as pl
import pytest

from dashboard import schema
from dashboard.bench import corpus_synth
from dashboard.pipeline import increment, pipeline
from dashboard.steps import link_incremental
from dashboard.steps.aliases import Aliases
from dashboard.store import store

SEEDS = Path(__file__).resolve().parents[2] / "seeds"
SR = "000_cb469a2b28302093"
UNRELATED = (
    "title: Harbour festival\n\n"
    "The harbour festival in Bergen opened on Friday with a regatta of wooden boats.\n\n"
    "Organisers of the Bergen Maritime Society expect forty thousand visitors this weekend, "
    "said chairwoman Ingrid Solberg.\n\n"
    "The fish market stays open late and a jazz band plays on the quay every evening.\n"
)


def _copy_of_seed(seed: str) -> str:
    """Another outlet's version of a seed: a paragraph cut, a credit line added."""
    paras = (SEEDS / f"{seed}.txt").read_text(encoding="utf-8").split("\n\n")
    return "\n\n".join(paras[:2] + paras[3:] + ["Drugi portal / 7"])


def _analyse(paths: list[Path], out: Path, **kw: bool) -> pipeline.Result:
    return pipeline.analyze(paths, out, pipeline.RunOptions(workers=1, **kw))


def _co_members(articles: pl.DataFrame, article_id: str) -> set[str]:
    story = articles.filter(pl.col("article_id") == article_id)["story_id"].item()
    return set(articles.filter(pl.col("story_id") == story)["article_id"].to_list()) - {article_id}


@pytest.fixture(scope="module")
def seeds_out(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("inc") / "seeds"
    _analyse([SEEDS], out)
    return out


@pytest.mark.parametrize(
    ("name", "text"),
    [("000_a_copy", _copy_of_seed(SR)), ("zz_harbour", UNRELATED)],
    ids=["copy-of-seed", "unrelated"],
)
def test_one_added_article_keeps_ids_and_lands_where_a_full_run_puts_it(
    seeds_out: Path, tmp_path: Path, name: str, text: str
) -> None:
    more = tmp_path / "more"
    more.mkdir()
    (more / f"{name}.txt").write_text(text, encoding="utf-8")
    out = tmp_path / "grown"
    shutil.copytree(seeds_out, out)
    before = store.Analysis.open(out).tables()

    result = _analyse([more], out)
    after = store.Analysis.open(out).tables()
    assert result.manifest["state"]["finish"] == "add"
    assert (out / increment.STATE_FILE).is_file()

    # stored story ids and entity ids do not move
    old_story = before["articles"].select("article_id", "story_id")
    now = after["articles"].join(old_story, on="article_id", suffix="_before")
    assert now.height == before["articles"].height
    assert (now["story_id"] == now["story_id_before"]).all()
    assert set(before["stories"]["story_id"]) <= set(after["stories"]["story_id"])
    keys = ["article_id", "start", "end"]
    ents = after["mentions"].join(before["mentions"], on=keys, suffix="_before")
    assert ents.height == before["mentions"].height
    assert (ents["entity_id"] == ents["entity_id_before"]).all()

    # the added article is where a full run over all six puts it
    full = tmp_path / "full"
    _analyse([SEEDS, more], full)
    full_articles = store.Analysis.open(full).frame("articles")
    assert _co_members(after["articles"], name) == _co_members(full_articles, name)

    # alignments: stories that did not grow are byte-equal, stored pairs are all kept
    grown = after["articles"].filter(pl.col("article_id") == name)["story_id"].item()
    same = before["alignments"].filter(pl.col("story_id") != grown)
    assert same.equals(
        after["alignments"].filter(pl.col("story_id").is_in(same["story_id"].implode()))
    )
    kept = before["alignments"].join(
        after["alignments"], on=list(before["alignments"].columns), how="anti"
    )
    assert kept.height == 0
    added = after["alignments"].join(
        before["alignments"], on=["article_a", "para_a", "article_b", "para_b"], how="anti"
    )
    assert ((added["article_a"] == name) | (added["article_b"] == name)).all()

    # every table is the contract's
    for table in schema.TABLES:
        frame = pl.read_parquet(store.table_path(out, table))
        assert frame.schema == pl.Schema(schema.SCHEMAS[table]), table
    assert after["entities"]["entity_id"].is_unique().all()
    linked = set(after["mentions"]["entity_id"].drop_nulls())
    assert linked == set(after["entities"]["entity_id"])
    members = after["stories"].explode("article_ids")["article_ids"]
    assert sorted(members) == sorted(after["articles"]["article_id"])


def test_copy_of_a_seed_gets_alignments_with_its_story(seeds_out: Path, tmp_path: Path) -> None:
    more = tmp_path / "more"
    more.mkdir()
    (more / "000_a_copy.txt").write_text(_copy_of_seed(SR), encoding="utf-8")
    out = tmp_path / "grown"
    shutil.copytree(seeds_out, out)
    _analyse([more], out)
    pairs = store.Analysis.open(out).frame("alignments")
    mine = pairs.filter(
        (pl.col("article_a") == "000_a_copy") | (pl.col("article_b") == "000_a_copy")
    )
    # its own original, paragraph for paragraph, at least
    assert mine.filter((pl.col("article_b") == SR) | (pl.col("article_a") == SR)).height >= 3


def _synthetic(tmp_path: Path) -> tuple[Path, Path]:
    texts = corpus_synth.seed_texts()
    base = corpus_synth.corpus(60, seed=3, texts=texts)
    extra = corpus_synth.corpus(8, seed=4, texts=texts, id_prefix="new")
    corpus_synth.write_corpus(base, tmp_path / "base")
    corpus_synth.write_corpus(extra, tmp_path / "extra")
    return tmp_path / "base", tmp_path / "extra"


def _pairs(articles: pl.DataFrame) -> set[tuple[str, str]]:
    rows = articles.select("article_id", "story_id").rows()
    return {(a, b) for a, s in rows for b, t in rows if a < b and s == t}


def test_incremental_and_full_finish_agree_on_a_synthetic_corpus(tmp_path: Path) -> None:
    base, extra = _synthetic(tmp_path)
    inc, full = tmp_path / "inc", tmp_path / "full"
    _analyse([base], inc)
    assert _analyse([extra], inc).manifest["state"]["finish"] == "add"
    _analyse([base, extra], full)
    a_inc = store.Analysis.open(inc).frame("articles")
    a_full = store.Analysis.open(full).frame("articles")
    old = pl.col("article_id").str.starts_with("synth")
    # the old articles are grouped the same way
    assert _pairs(a_inc.filter(old)) == _pairs(a_full.filter(old))
    # and every new article keeps company with the same old articles as in a full run
    for new_id in a_inc.filter(~old)["article_id"]:
        inc_old = {a for a in _co_members(a_inc, new_id) if a.startswith("synth")}
        full_old = {a for a in _co_members(a_full, new_id) if a.startswith("synth")}
        assert inc_old == full_old, new_id


def test_recluster_a_large_increment_or_an_edited_alias_file_run_in_full(tmp_path: Path) -> None:
    base, extra = _synthetic(tmp_path)
    out = tmp_path / "an"
    _analyse([base], out)
    assert json.loads((out / "manifest.json").read_text())["state"]["finish"] == "full"
    copy = tmp_path / "copy"
    shutil.copytree(out, copy)
    assert _analyse([extra], copy, recluster=True).manifest["state"]["finish"] == "full"
    (out / "aliases.json").write_text(json.dumps({"version": 1, "hide": ["PER:putin"]}))
    assert _analyse([extra], out).manifest["state"]["finish"] == "full"
    # more new articles than RECLUSTER_SHARE of the corpus
    small = tmp_path / "small"
    corpus_synth.write_corpus(
        corpus_synth.corpus(10, seed=5, texts=corpus_synth.seed_texts()), small
    )
    fresh = tmp_path / "fresh"
    _analyse([small], fresh)
    assert _analyse([extra], fresh).manifest["state"]["finish"] == "full"


def _mentions(rows: list[tuple[str, str, str, str | None, str]]) -> pl.DataFrame:
    frame = pl.DataFrame(
        rows, schema=["article_id", "text", "key", "entity_id", "type"], orient="row"
    ).with_columns(
        para_no=pl.lit(0),
        start=pl.int_range(pl.len()).cast(pl.Int32) * 10,
        end=pl.int_range(pl.len()).cast(pl.Int32) * 10 + 5,
        language=pl.lit("en"),
    )
    return schema.conform(frame, "mentions")


def test_link_new_reuses_stored_ids_and_links_only_new_keys() -> None:
    old = _mentions(
        [
            ("a", "Trump", "trump", "PER:trump", "PER"),
            ("a", "Donald Trump", "donald trump", "PER:trump", "PER"),
            ("b", "Putin", "putin", "PER:putin", "PER"),
            ("b", "Kremlin", "kremlin", "ORG:kremlin", "ORG"),
        ]
    )
    from dashboard.steps.linking import entities_of

    old_entities = entities_of(old)
    new = _mentions(
        [
            ("n", "Putin", "putin", None, "PER"),
            ("n", "Tramp", "tramp", None, "PER"),
            ("n", "Merkel", "merkel", None, "PER"),
        ]
    )
    linked, ents = link_incremental.link_new(old, old_entities, new, Aliases())
    ids = dict(zip(linked["text"], linked["entity_id"], strict=True))
    assert ids == {"Putin": "PER:putin", "Tramp": "PER:trump", "Merkel": "PER:merkel"}
    counts = dict(ents.select("entity_id", "n_mentions").iter_rows())
    assert counts == {"PER:trump": 3, "PER:putin": 2, "ORG:kremlin": 1, "PER:merkel": 1}
    trump = ents.filter(pl.col("entity_id") == "PER:trump")
    assert trump["n_articles"].item() == 2
    # stored forms keep their order, a new form follows them
    assert trump["aliases"].item().to_list() == ["Trump", "Donald Trump", "Tramp"]
    assert ents.filter(pl.col("entity_id") == "PER:putin")["aliases"].item().to_list() == ["Putin"]


def test_link_new_takes_keys_settled_as_a_full_run_does() -> None:
    # a new mention's key is settled when found (a closing Roman numeral's word dropped), as a
    # full run's; linking the increment joins it to the stored person
    old = _mentions([("a", "Benedict", "benedikt", "PER:benedikt", "PER")])
    from dashboard.steps.link_article import settled
    from dashboard.steps.linking import entities_of

    new = settled(_mentions([("n", "Benedict XVI", "benedikt ksv", None, "PER")]))
    assert new["key"].to_list() == ["benedikt"]
    linked, _ = link_incremental.link_new(old, entities_of(old), new, Aliases())
    assert linked["entity_id"].to_list() == ["PER:benedikt"]


def test_link_new_applies_the_alias_file_to_new_mentions() -> None:
    old = _mentions([("a", "Putin", "putin", "PER:putin", "PER")])
    from dashboard.steps.linking import entities_of

    new = _mentions([("n", "Putina", "putina", None, "PER"), ("n", "Putin", "putin", None, "PER")])
    aliases = Aliases(merge={"PER:putin": "PER:vladimir"})
    linked, _ = link_incremental.link_new(old, entities_of(old), new, aliases)
    assert set(linked["entity_id"]) == {"PER:vladimir"}


def test_an_increment_appends_parts_and_a_second_one_builds_on_it(tmp_path: Path) -> None:
    base, extra = _synthetic(tmp_path)
    more = tmp_path / "more"
    corpus_synth.write_corpus(
        corpus_synth.corpus(3, seed=9, texts=corpus_synth.seed_texts(), id_prefix="more"), more
    )
    out = tmp_path / "an"
    _analyse([base], out)
    stored = {t: (out / f"{t}.parquet").read_bytes() for t in ("articles", "mentions")}
    features = (out / increment.STATE_FILE).read_bytes()
    assert _analyse([extra], out).manifest["state"]["finish"] == "add"
    second = _analyse([more], out).manifest
    assert second["state"]["finish"] == "add"
    # the stored tables and the features sidecar were not rewritten: rows went to part files
    for table, data in stored.items():
        assert (out / f"{table}.parquet").read_bytes() == data
        assert len(second["parts"][table]) == 3
    assert (out / increment.STATE_FILE).read_bytes() == features
    an = store.Analysis.open(out)
    articles = an.frame("articles")
    assert articles.height == 71 == second["counts"]["articles"]
    assert articles["article_id"].n_unique() == 71
    assert articles["story_id"].null_count() == 0
    # the state counts every article, as a full run over the same corpus does
    full = tmp_path / "full"
    _analyse([base, extra, more], full)
    full_state = store.read_manifest(full)["state"]
    assert second["state"]["units"] == full_state["units"]
    assert second["state"]["feature_rows"] == full_state["feature_rows"]
    df_inc = store.scan_parts(out, increment.DF, second)
    df_full = pl.read_parquet(full / "_state_df.parquet")
    assert df_inc is not None
    summed = df_inc.group_by("feature").agg(pl.col("df").sum()).collect()
    assert summed.sort("feature").equals(df_full.sort("feature"))
    # mentions of every article are there once, with ids, and the key counts kept add up to them
    mentions = an.frame("mentions")
    keys = store.scan_parts(out, increment.KEYS, second)
    assert keys is not None
    kept = keys.group_by("key", "entity_id", "type").agg(pl.col("n").sum()).collect()
    counted = link_incremental.key_counts(mentions)
    order = ["key", "entity_id", "type"]
    assert kept.sort(order).equals(counted.sort(order))
    assert set(mentions["article_id"].unique()) <= set(articles["article_id"])
    assert (
        mentions.filter(pl.col("article_id").str.starts_with("more"))["entity_id"].null_count() == 0
    )


def test_an_old_article_dated_by_its_grown_story_keeps_its_text(tmp_path: Path) -> None:
    # two undated versions of a report form a story with no date; a dated one joins it later
    first = tmp_path / "first"
    shutil.copytree(SEEDS, first)
    for name, extra in (("harbour_a", "Tickets cost 12 euros."), ("harbour_b", "Entry is free.")):
        (first / f"{name}.txt").write_text(f"{UNRELATED}\n{extra}\n", encoding="utf-8")
    out = tmp_path / "an"
    _analyse([first], out)
    later = tmp_path / "later"
    later.mkdir()
    dated = UNRELATED.replace(
        "title: Harbour festival\n", "title: Harbour festival\npublished: 2025-06-13\n"
    )
    (later / "harbour_c.txt").write_text(f"{dated}\nParking is scarce.\n", encoding="utf-8")
    before = store.Analysis.open(out).frame("articles").sort("article_id")
    assert before.filter(pl.col("title") == "Harbour festival")["published"].null_count() == 2

    manifest = _analyse([later], out).manifest
    assert manifest["state"]["finish"] == "add"
    articles = store.Analysis.open(out).frame("articles").sort("article_id")
    harbour = articles.filter(pl.col("title") == "Harbour festival")
    assert harbour.height == 3 and harbour["story_id"].n_unique() == 1
    # the stored versions are dated by their story now: the articles table was written whole,
    # and no stored article lost its text on the way
    assert harbour["published"].null_count() == 0
    assert harbour["published_inferred"].sum() == 2
    assert manifest["parts"]["articles"] == ["articles.parquet"]
    old = articles.join(before.select("article_id"), on="article_id", how="semi")
    assert old["text"].to_list() == before["text"].to_list()
    assert articles["text"].null_count() == 0
    # and their relative dates ("on Friday") are anchored on that date
    dates = store.Analysis.open(out).frame("dates")
    anchored = dates.join(harbour.select("article_id"), on="article_id", how="semi")
    assert anchored.filter(pl.col("anchored"))["article_id"].n_unique() == 3


def test_related_keys_find_a_stored_name_of_the_same_meaning_only() -> None:
    old = ["sad naivis", "putin", "vladimir putin", "rianair"]
    # a supreme court in another language finds the stored one; nothing unrelated comes along
    assert link_incremental.related_keys(["verhovn sud"], old) == {"sad naivis"}


def test_related_keys_find_the_listed_name_a_key_writes_with_an_ending() -> None:
    old = ["white house", "belarus", "putin"]
    # Белого дома in a new article: the stored White House is what linking could join it to
    assert link_incremental.related_keys(["beloh dom"], old) == {"white house"}


def test_related_keys_find_a_company_without_the_word_for_its_kind() -> None:
    assert link_incremental.related_keys(["vuelinh airlines"], ["vuelinh", "putin"]) == {"vuelinh"}


def test_related_keys_find_a_products_bare_name_and_its_other_numbers() -> None:
    old = ["nord stream", "nord stream 1", "putin"]
    assert link_incremental.related_keys(["nord stream 2"], old) == {"nord stream", "nord stream 1"}
    assert "nord stream 1" in link_incremental.related_keys(["nord stream"], old)


def test_related_keys_find_a_body_without_its_country_or_its_opening_kind() -> None:
    old = ["tehrekelabaik", "kokpit", "putin"]
    assert link_incremental.related_keys(["tehrekelabaik pakistan"], old) >= {"tehrekelabaik"}
    assert link_incremental.related_keys(["verainihunh kokpit"], old) == {"kokpit"}
