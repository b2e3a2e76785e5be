"""Source comparison of one story: frames the comparison pages and exports read."""

from __future__ import annotations

import polars as pl

from dashboard import align
from dashboard.filters import Filters
from dashboard.store import Analysis


def outlet_label() -> pl.Expr:
    """The outlet, or for an article without one its language and id (still one row each)."""
    return pl.col("source").fill_null(
        pl.concat_str(pl.col("language").fill_null("?"), pl.lit(" · "), pl.col("article_id"))
    )


def story_for(an: Analysis, f: Filters, wanted: str | None = None) -> str | None:
    """The story to compare: the one asked for, the filter's, else the one with most articles."""
    stories = an.frame("stories")
    ids = set(stories["story_id"].to_list())
    for choice in (wanted, f.story):
        if choice in ids:
            return choice
    if stories.height == 0:
        return None
    return stories.with_columns(n=pl.col("article_ids").list.len()).sort(
        "n", "story_id", descending=[True, False]
    )["story_id"][0]


def story_scan(an: Analysis, f: Filters, story: str) -> pl.LazyFrame:
    """Articles of the story that pass the other filters (the story filter itself is implied),
    lazily: a view that selects a few columns never reads the texts."""
    return an.scan("articles").filter(
        f.with_(story=None).articles_expr() & (pl.col("story_id") == story)
    )


def story_articles(an: Analysis, f: Filters, story: str) -> pl.DataFrame:
    """story_scan, every column."""
    return story_scan(an, f, story).collect()


def coverage(
    an: Analysis, f: Filters, story: str | None = None, by: str = "source"
) -> pl.DataFrame:
    """Outlet (or language) by actor: mentions, articles and mentions per 1,000 words."""
    story = story_for(an, f, story)
    if story is None:
        return pl.DataFrame(
            schema={
                by: pl.String,
                "entity_id": pl.String,
                "label": pl.String,
                "n_mentions": pl.Int64,
                "per_1000_words": pl.Float64,
            }
        )
    # no texts: the stored word counts are all coverage needs of them
    arts = (
        story_scan(an, f, story)
        .select("article_id", "story_id", "source", "language", "words")
        .collect()
        .with_columns(source=outlet_label())
    )
    mentions = an.scan("mentions").join(
        arts.select("article_id").lazy(), on="article_id", how="semi"
    )
    if f.actors:
        mentions = mentions.filter(pl.col("entity_id").is_in(list(f.actors)))
    visible = (
        an.scan("entities")
        .filter(~pl.col("hidden").fill_null(False))
        .select("entity_id", "label", "type")
    )
    table = align.coverage(mentions.collect(), arts, story, by=by)
    return table.join(visible.collect(), on="entity_id", how="inner")


def publication(an: Analysis, f: Filters, story: str | None = None) -> pl.DataFrame:
    """When each outlet published its articles of the story."""
    story = story_for(an, f, story)
    if story is None:
        return pl.DataFrame(
            schema={"article_id": pl.String, "source": pl.String, "published": pl.Date}
        )
    return (
        story_scan(an, f, story)
        .select(
            "article_id",
            "title",
            "language",
            "published",
            "published_inferred",
            source=outlet_label(),
        )
        .sort("published", "article_id", nulls_last=True)
        .collect()
    )


def aligned_rows(an: Analysis, story: str, anchor: str, others: list[str]) -> pl.DataFrame:
    """Paragraph rows for article-next-to-article: the anchor's paragraphs in order, each other
    article's aligned paragraph beside it, then the other articles' unaligned paragraphs.

    Columns: row, article_id, para_no, score (null when unique to that article).
    """
    links = an.scan("alignments").filter(pl.col("story_id") == story).collect()
    both = pl.concat(
        [
            links.select("article_a", "para_a", "article_b", "para_b", "score"),
            links.select(
                article_a="article_b",
                para_a="para_b",
                article_b="article_a",
                para_b="para_a",
                score="score",
            ),
        ]
    )
    paras = (
        an.scan("paragraphs")
        .filter(pl.col("article_id").is_in([anchor, *others]) & ~pl.col("boilerplate"))
        .select("article_id", "para_no")
        .sort("article_id", "para_no")
        .collect()
    )
    rows: list[dict[str, object]] = []
    used: set[tuple[str, int]] = set()
    for i, p in enumerate(paras.filter(pl.col("article_id") == anchor)["para_no"].to_list()):
        rows.append({"row": i, "article_id": anchor, "para_no": p, "score": None})
        used.add((anchor, p))
        for other in others:
            hit = both.filter(
                (pl.col("article_a") == anchor)
                & (pl.col("para_a") == p)
                & (pl.col("article_b") == other)
            ).sort("score", descending=True)
            if hit.height and (other, hit["para_b"][0]) not in used:
                rows.append(
                    {
                        "row": i,
                        "article_id": other,
                        "para_no": hit["para_b"][0],
                        "score": hit["score"][0],
                    }
                )
                used.add((other, hit["para_b"][0]))
    n = len({r["row"] for r in rows})
    for other in others:
        for p in paras.filter(pl.col("article_id") == other)["para_no"].to_list():
            if (other, p) not in used:
                rows.append({"row": n, "article_id": other, "para_no": p, "score": None})
                n += 1
    return pl.DataFrame(
        rows,
        schema={"row": pl.Int64, "article_id": pl.String, "para_no": pl.Int32, "score": pl.Float64},
    )
