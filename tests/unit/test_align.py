"""Paragraph alignment inside stories and the source-comparison helpers."""

from __future__ import annotations

from datetime import date

import polars as pl
import pytest

from dashboard import schema
from dashboard.steps import align, comparison, features, stories
from tests.unit.test_stories import EL, RO, SEEDS, SR, hand_frames

TEXTS = {
    "x1": "Alpha met Beta, the 17th meeting in a row.\nDelta counted 250 people at the rally.\nSomething only this one says.",
    "x2": "The rally drew 250 people, said Delta.\nAlpha and Beta met for the 17th time.",
    "x3": "Alpha and Beta met again, 17 meetings now.\nDelta: 250 marched.\nAlpha was there too.",
}
ACTORS = {"Alpha": "e-alpha", "Beta": "e-beta", "Delta": "e-delta"}


@pytest.fixture()
def story() -> tuple[pl.DataFrame, ...]:
    published = {"x1": date(2025, 3, 1), "x2": date(2025, 3, 2), "x3": date(2025, 3, 3)}
    articles, paragraphs, mentions, dates = hand_frames(TEXTS, ACTORS, published)
    articles = articles.with_columns(story_id=pl.lit("s-1"))
    return articles, paragraphs, mentions, dates, align.align(articles, paragraphs, mentions, dates)


def pairs(alignments: pl.DataFrame) -> set[tuple[str, int, str, int]]:
    return set(alignments.select("article_a", "para_a", "article_b", "para_b").iter_rows())


def test_paragraphs_reporting_the_same_thing_align_one_to_one(story) -> None:
    *_, alignments = story
    assert alignments.schema == pl.Schema(schema.SCHEMAS["alignments"])
    found = pairs(alignments)
    assert {("x1", 0, "x2", 1), ("x1", 1, "x2", 0), ("x1", 0, "x3", 0), ("x2", 0, "x3", 1)} <= found
    assert not any(("x1", 2) in ((a, pa), (b, pb)) for a, pa, b, pb in found)
    per_side = alignments.group_by("article_a", "para_a", "article_b").len()
    assert per_side["len"].max() == 1
    assert (alignments["article_a"] < alignments["article_b"]).all()


def test_articles_of_different_stories_never_align(story) -> None:
    articles, paragraphs, mentions, dates, _ = story
    apart = articles.with_columns(story_id=pl.format("s-{}", pl.col("article_id")))
    assert align.align(apart, paragraphs, mentions, dates).height == 0


def test_boilerplate_paragraphs_are_skipped(story) -> None:
    articles, paragraphs, mentions, dates, _ = story
    flagged = paragraphs.with_columns(boilerplate=pl.col("para_no") == 0)
    found = pairs(align.align(articles, flagged, mentions, dates))
    assert found and all(pa != 0 and pb != 0 for _, pa, _, pb in found)


def test_comparison_helpers_are_still_importable_from_align() -> None:
    assert align.coverage is comparison.coverage
    assert align.first_and_copies is comparison.first_and_copies
    assert align.uniques is comparison.uniques
    assert align.paragraph_features is features.paragraph_features


@pytest.fixture(scope="module")
def seed_alignments() -> tuple[pl.DataFrame, pl.DataFrame]:
    from dashboard.ingest import ingest
    from dashboard.pipeline import pipeline
    from dashboard.steps import dates, entities

    tables = pipeline.enrich(ingest.load([SEEDS]).articles)
    mentions, _ = entities.link(tables["mentions"])
    articles, story_table = stories.cluster(
        tables["articles"], tables["paragraphs"], mentions, tables["dates"]
    )
    articles = stories.infer_published(articles, story_table)
    date_table = dates.extract_dates(articles, tables["paragraphs"])
    found = align.align(articles, tables["paragraphs"], mentions, date_table)
    text = dict(articles.select("article_id", "text").iter_rows())
    para = tables["paragraphs"].with_columns(
        body=pl.struct("article_id", "start", "end").map_elements(
            lambda r: text[r["article_id"]][r["start"] : r["end"]], return_dtype=pl.String
        )
    )
    return found, para


def _para(paragraphs: pl.DataFrame, article_id: str, needle: str) -> int:
    hit = paragraphs.filter(
        (pl.col("article_id") == article_id) & pl.col("body").str.contains(needle, literal=True)
    )
    assert hit.height == 1, (article_id, needle)
    return int(hit["para_no"][0])


@pytest.mark.parametrize(
    "needles",
    [
        {
            SR: "drugi sastanak za 17 dana",
            RO: "a doua oară în 17 zile",
            EL: "δεύτερη συνάντηση μέσα σε 17 ημέρες",
        },
        {SR: "amnestiju", RO: "amnistie", EL: "αμνηστία"},
    ],
    ids=["lukashenko-17-days", "amnesty-21-november"],
)
def test_seed_paragraphs_align_across_languages(seed_alignments, needles: dict[str, str]) -> None:
    found, paragraphs = seed_alignments
    wanted = {a: _para(paragraphs, a, n) for a, n in needles.items()}
    links = pairs(found)
    for a, b in ((SR, RO), (SR, EL), (RO, EL)):
        assert (a, wanted[a], b, wanted[b]) in links, (a, b)


def test_a_paragraph_in_a_story_of_many_copies_keeps_its_best_partners_only() -> None:
    n = 2 * align.TOP_K
    texts = {f"c{k:02d}": TEXTS["x1"] for k in range(n)}
    articles, paragraphs, mentions, dates = hand_frames(texts, ACTORS)
    articles = articles.with_columns(story_id=pl.lit("s-copies"))
    alignments = align.align(articles, paragraphs, mentions, dates)
    ends = pl.concat(
        [
            alignments.select(article="article_a", para="para_a"),
            alignments.select(article="article_b", para="para_b"),
        ]
    )
    partners = ends.group_by("article", "para").len()["len"]
    # without the cap every paragraph would align with all n - 1 copies
    assert partners.max() == align.TOP_K
    assert partners.min() >= 1
    # the third paragraph (no name or number) is paired in order between the copies' anchors
    assert ends.select("article", "para").unique().height == 3 * n


def test_stories_shared_between_processes_align_as_all_of_them() -> None:
    texts = {
        **TEXTS,
        **{f"y{k}": t.replace("Alpha", "Gamma") for k, t in enumerate(TEXTS.values())},
    }
    texts["z"] = "A lone article about Alpha."
    articles, paragraphs, mentions, dates = hand_frames(texts, {**ACTORS, "Gamma": "e-gamma"})
    articles = articles.with_columns(
        story_id=pl.col("article_id").str.slice(0, 1).replace({"x": "s-x", "y": "s-y", "z": "s-z"})
    )
    feats = features.paragraph_features(articles, paragraphs, mentions, dates)
    shares = align.story_shares(articles, feats, 2)
    # whole stories of several articles, each in one share: the lone article in none
    assert sorted(s["story_id"].unique().to_list() for s in shares) == [["s-x"], ["s-y"]]
    assert sorted(a for s in shares for a in s["article_id"]) == sorted(set(texts) - {"z"})
    whole = align.align(articles, paragraphs, mentions, dates, features=feats)
    parts = pl.concat(
        [align.align(s, paragraphs, mentions, dates, features=feats) for s in shares]
    ).sort("story_id", "article_a", "para_a", "article_b")
    assert whole.height > 0 and set(whole["story_id"]) == {"s-x", "s-y"}
    assert parts.equals(whole)


def test_shares_weigh_a_story_by_its_pair_join_not_its_rows_alone() -> None:
    # a huge story whose features are all too common to propose pairs, and two stories of ten
    # near copies, each paragraph's feature shared by all ten: fewer rows, a costly join each
    big = [(f"b{k}", 0, f) for k in range(align.BLOCK_DF + 10) for f in ("common", "usual")]
    copies = [(f"{s}{k}", p, f"{s}-f{p}") for s in ("c", "d") for k in range(10) for p in range(3)]
    feats = pl.DataFrame(big + copies, schema=["article_id", "para_no", "feature"], orient="row")
    articles = (
        feats.select("article_id")
        .unique()
        .with_columns(story_id=pl.lit("s-") + pl.col("article_id").str.slice(0, 1))
    )
    shares = [set(s["story_id"]) for s in align.story_shares(articles, feats, 2)]
    # by rows alone (140 against 30 and 30) the big story would be alone and both copies
    # together; by rows and join rows (140 against 330 and 330) the copies are apart
    assert sorted(shares, key=len) == [{"s-d"}, {"s-b", "s-c"}]


def test_stories_scored_a_few_at_a_time_align_as_all_at_once(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # four stories of three versions each: whatever the chunk, each story is scored whole
    texts = {
        f"{s}{k}": t.replace("Alpha", name)
        for s, name in zip("wxyz", ("Alpha", "Gamma", "Kappa", "Omega"), strict=True)
        for k, t in enumerate(TEXTS.values())
    }
    actors = {**ACTORS, "Gamma": "e-gamma", "Kappa": "e-kappa", "Omega": "e-omega"}
    articles, paragraphs, mentions, dates = hand_frames(texts, actors)
    articles = articles.with_columns(story_id=pl.lit("s-") + pl.col("article_id").str.slice(0, 1))
    whole = align.align(articles, paragraphs, mentions, dates)
    assert set(whole["story_id"]) == {"s-w", "s-x", "s-y", "s-z"}
    for rows in (1, 5):  # one story a chunk; two or so
        monkeypatch.setattr(align, "CHUNK_ROWS", rows)
        assert align.align(articles, paragraphs, mentions, dates).equals(whole)
