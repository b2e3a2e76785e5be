"""The increment path of align (new_ids=, prior=): the same pairs as the plain computation."""

from __future__ import annotations

import random

import polars as pl
import pytest
from rapidfuzz import fuzz

from dashboard import schema
from dashboard.steps import align, features

KINDS = ["e", "d", "md", "m", "mo", "y", "n", "q", "t", "zz"]
WORDS = ["harbour", "minister", "strike", "budget", "flood", "court", "rally", "station"]
KEY = ["story_id", "article_a", "para_a", "article_b", "para_b"]


def corpus(seed: int) -> tuple[pl.DataFrame, pl.DataFrame, pl.DataFrame, pl.Series]:
    """Invented stories: articles, paragraphs (some translated, some without features), paragraph
    features overlapping within a story and across stories, and the ids of the 'new' articles."""
    rng = random.Random(seed)
    shared = [f"{k}:common-{j}" for k in ("y", "n", "mo") for j in range(3)]
    arts, paras, feats, new = [], [], [], []
    for s in range(3):
        vocab = [f"{rng.choice(KINDS)}:s{s}-{j}" for j in range(12)] + shared
        ids = [f"{rng.choice('abc')}{s}{a}" for a in range(rng.randint(3, 6))]
        new += rng.sample(ids, rng.randint(1, 2))
        arts += [(i, f"story-{s}") for i in ids]
        for aid in ids:
            for p in range(rng.randint(2, 5)):
                text = " ".join(rng.choices(WORDS, k=5)) if rng.random() < 0.4 else None
                paras.append((aid, p, text))
                if rng.random() < 0.15:  # a paragraph with no features: not a unit
                    continue
                feats += [(aid, p, f) for f in rng.sample(vocab, rng.randint(1, 5))]
        feats.append((ids[0], 0, None))  # a null feature matches nothing
    # an article without a story and one alone in its story never align
    arts += [("zz-loose", None), ("zz-alone", "story-alone")]
    for aid in ("zz-loose", "zz-alone"):
        paras.append((aid, 0, None))
        feats += [(aid, 0, "e:s0-1"), (aid, 0, "y:common-0")]
    # many paragraphs outside the stories: the few scored are looked up among them
    paras += [("zz-loose", p, "harbour") for p in range(1, 1000)]
    articles = pl.DataFrame(arts, schema=["article_id", "story_id"], orient="row")
    paragraphs = pl.DataFrame(
        paras,
        schema={"article_id": pl.String, "para_no": pl.Int32, "translation": pl.String},
        orient="row",
    )
    feature_rows = pl.DataFrame(
        feats,
        schema={"article_id": pl.String, "para_no": pl.Int32, "feature": pl.String},
        orient="row",
    ).unique(maintain_order=True)
    return articles, paragraphs, feature_rows, pl.Series("article_id", new)


def run(
    articles: pl.DataFrame,
    paragraphs: pl.DataFrame,
    feats: pl.DataFrame,
    new_ids: pl.Series | None = None,
    prior: pl.DataFrame | None = None,
) -> pl.DataFrame:
    none = schema.empty("mentions"), schema.empty("dates")
    return align.align(
        articles, paragraphs, *none, features=feats, new_ids=new_ids, prior=prior, fill=False
    ).sort(KEY)


def reference(
    articles: pl.DataFrame,
    paragraphs: pl.DataFrame,
    feats: pl.DataFrame,
    new_ids: pl.Series,
    prior: pl.DataFrame,
) -> pl.DataFrame:
    """The increment written plainly: whole-story weights, every pair of a new paragraph and a
    paragraph of another article of its story sharing a rare feature, greedy over prior."""
    story = articles.filter(pl.col("story_id").is_not_null())
    story = story.filter(pl.len().over("story_id") > 1)
    full = feats.join(story, on="article_id")
    vectors = features.weighted(
        full,
        ["article_id", "para_no"],
        ["story_id"],
        kinds=align.ALIGN_KINDS,
        power=align.ALIGN_IDF_POWER,
    )
    unit: dict[tuple[str, int], dict[str, tuple[float, int]]] = {}
    story_of: dict[str, str] = {}
    for sid, aid, para, feat, df, w in vectors.select(
        "story_id", "article_id", "para_no", "feature", "df", "w"
    ).iter_rows():
        unit.setdefault((aid, para), {})[feat] = (w, df)
        story_of[aid] = sid
    rel = {}
    for aid in story_of:
        own = sorted(p for a, p in unit if a == aid)
        rel.update({(aid, p): r / max(len(own) - 1, 1) for r, p in enumerate(own)})
    text = {(a, p): t for a, p, t in paragraphs.iter_rows()}
    new = set(new_ids.to_list())
    rows = []
    for x in unit:
        for y in unit:
            if x[0] == y[0] or story_of[x[0]] != story_of[y[0]]:
                continue
            if x[0] not in new and y[0] not in new:
                continue
            common = (unit[x].keys() & unit[y].keys()) - {None}
            if not any(2 <= unit[x][f][1] <= align.BLOCK_DF for f in common):
                continue
            a, b = min(x, y), max(x, y)
            cos = sum(unit[a][f][0] * unit[b][f][0] for f in common)
            ta, tb = text[a], text[b]
            fuzzy = fuzz.token_set_ratio(ta, tb) / 100.0 if ta and tb else None
            rows.append((story_of[a[0]], *a, *b, cos, fuzzy, rel[a], rel[b]))
    blended = (
        pl.when(pl.col("fuzzy").is_not_null())
        .then(
            (1 - align.TRANSLATION_WEIGHT) * pl.col("cos")
            + align.TRANSLATION_WEIGHT * pl.col("fuzzy")
        )
        .otherwise(pl.col("cos"))
    )
    near = 1.0 - (pl.col("rel") - pl.col("rel_b")).abs()
    scored = (
        pl.DataFrame(
            rows,
            schema=["story_id", "a", "pa", "b", "pb", "cos", "fuzzy", "rel", "rel_b"],
            orient="row",
        )
        .unique()
        .with_columns(
            score=(blended * (1 - align.POSITION_WEIGHT + align.POSITION_WEIGHT * near)).round(9)
        )
        .filter(pl.col("score") >= align.ALIGN_THRESHOLD)
        .sort(["score", "a", "pa", "b", "pb"], descending=[True, False, False, False, False])
    )
    used, degree, out = set(), {}, []
    for a, pa, b, pb in prior.unique().select(KEY[1:]).iter_rows():
        used |= {(a, pa, b), (b, pb, a)}
        degree[a, pa] = degree.get((a, pa), 0) + 1
        degree[b, pb] = degree.get((b, pb), 0) + 1
    for sid, a, pa, b, pb, score in scored.select(
        "story_id", "a", "pa", "b", "pb", "score"
    ).iter_rows():
        if (a, pa, b) in used or (b, pb, a) in used:
            continue
        if max(degree.get((a, pa), 0), degree.get((b, pb), 0)) >= align.TOP_K:
            continue
        used |= {(a, pa, b), (b, pb, a)}
        degree[a, pa] = degree.get((a, pa), 0) + 1
        degree[b, pb] = degree.get((b, pb), 0) + 1
        out.append((sid, a, pa, b, pb, round(score, 4)))
    frame = pl.DataFrame(out, schema=[*KEY, "score"], orient="row")
    return schema.conform(frame, "alignments").sort(KEY)


def touching(pairs: pl.DataFrame, ids: pl.Series) -> pl.Expr:
    return pl.col("article_a").is_in(ids.implode()) | pl.col("article_b").is_in(ids.implode())


@pytest.mark.parametrize("seed", range(6))
def test_increment_without_prior_is_the_full_run_restricted_to_new_articles(seed: int) -> None:
    articles, paragraphs, feats, new_ids = corpus(seed)
    full = run(articles, paragraphs, feats)
    increment = run(articles, paragraphs, feats, new_ids, schema.empty("alignments"))
    assert increment.height > 0
    assert increment.equals(full.filter(touching(full, new_ids)))


# cases where both the prior (through TOP_K) and BLOCK_DF change which pairs are made
@pytest.mark.parametrize(
    ("seed", "top_k", "block_df"),
    [(0, 1, 4), (2, 1, 4), (2, 2, 3), (3, 1, 3), (5, 2, 4), (7, 1, 3)],
)
def test_increment_with_binding_limits_matches_the_plain_reference(
    monkeypatch: pytest.MonkeyPatch, seed: int, top_k: int, block_df: int
) -> None:
    monkeypatch.setattr(align, "TOP_K", top_k)
    articles, paragraphs, feats, new_ids = corpus(seed)
    full = run(articles, paragraphs, feats)
    prior = full.filter(~touching(full, new_ids))
    unblocked = run(articles, paragraphs, feats, new_ids, schema.empty("alignments"))
    monkeypatch.setattr(align, "BLOCK_DF", block_df)
    unlimited = run(articles, paragraphs, feats, new_ids, schema.empty("alignments"))
    increment = run(articles, paragraphs, feats, new_ids, prior)
    assert not unlimited.equals(unblocked) and not increment.equals(unlimited)
    assert increment.equals(reference(articles, paragraphs, feats, new_ids, prior))


def test_a_new_paragraph_sharing_no_rare_feature_gets_no_pairs() -> None:
    articles, paragraphs, feats, _ = corpus(0)
    new = "new-1"
    articles = articles.vstack(pl.DataFrame({"article_id": [new], "story_id": ["story-0"]}))
    paragraphs = paragraphs.vstack(
        pl.DataFrame(
            {"article_id": [new] * 2, "para_no": [0, 1], "translation": ["flood court", None]},
            schema=paragraphs.schema,
        )
    )
    of_story = feats.join(articles, on="article_id")
    elsewhere = of_story.filter(pl.col("feature").str.contains("s1-"))["feature"][0]
    # its own feature twice (same article), a feature of another story only, one of nobody's
    mine = [(new, 0, "e:mine"), (new, 1, "e:mine"), (new, 0, elsewhere), (new, 1, "n:424242")]
    feats = feats.vstack(pl.DataFrame(mine, schema=feats.schema, orient="row"))
    new_ids = pl.Series("article_id", [new])
    increment = run(articles, paragraphs, feats, new_ids, schema.empty("alignments"))
    assert increment.height == 0
    assert increment.schema == pl.Schema(schema.SCHEMAS["alignments"])
    # given the features of a paragraph of another article of its story, it aligns with that one
    old = of_story.filter(pl.col("story_id") == "story-0").row(0, named=True)
    copied = feats.filter(
        (pl.col("article_id") == old["article_id"]) & (pl.col("para_no") == old["para_no"])
    ).with_columns(article_id=pl.lit(new), para_no=pl.lit(1, pl.Int32))
    feats = feats.filter((pl.col("article_id") != new) | (pl.col("para_no") != 1)).vstack(copied)
    again = run(articles, paragraphs, feats, new_ids, schema.empty("alignments"))
    assert set(again.select("article_a", "article_b").row(0)) == {new, old["article_id"]}


def test_articles_of_thousands_of_paragraphs_are_counted_alike() -> None:
    articles, paragraphs, feats, new_ids = corpus(3)
    # one paragraph numbered far out: the paragraphs of a story are counted another way then
    far = pl.col("para_no") + pl.when(pl.col("para_no") == 1).then(50_000).otherwise(0)
    paragraphs, feats = paragraphs.with_columns(para_no=far), feats.with_columns(para_no=far)
    full = run(articles, paragraphs, feats)
    increment = run(articles, paragraphs, feats, new_ids, schema.empty("alignments"))
    assert increment.filter(pl.col("para_a") > 50_000).height > 0
    assert increment.equals(full.filter(touching(full, new_ids)))


@pytest.mark.parametrize("seed", range(4))
def test_prior_pairs_of_new_paragraphs_are_taken_already(seed: int) -> None:
    articles, paragraphs, feats, new_ids = corpus(seed)
    full = run(articles, paragraphs, feats)
    # half of the pairs the new articles would get, as if made before
    prior = full.filter(touching(full, new_ids)).gather_every(2)
    increment = run(articles, paragraphs, feats, new_ids, prior)
    assert prior.height > 0
    assert increment.join(prior, on=KEY, how="semi").height == 0
    assert increment.equals(reference(articles, paragraphs, feats, new_ids, prior))
