"""Source comparison of one story: frames the comparison pages and exports read."""

from __future__ import annotations

from typing import Any

import polars as pl

from dashboard.lang import boilerplate
from dashboard.steps import comparison, quotes
from dashboard.store.store import Analysis
from dashboard.store.view_tables import (
    ACTOR_ARTICLES,
    ACTOR_FORMS,
    most_frequent_form,
    outlet_label,
)
from dashboard.views.filters import Filters

__all__ = [
    "aligned_rows",
    "article_choices",
    "article_index",
    "coverage",
    "edit_stories",
    "firsts",
    "outlet_label",
    "publication",
    "reading_parts",
    "story_for",
    "story_quotes",
    "unique_content",
    "versus_links",
]


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


def file_name(article_id: pl.Expr) -> pl.Expr:
    """An article id that is a file path, without its folders (corpus/tur/reuters.1 -> reuters.1)."""
    return article_id.str.extract(r"([^/\\]+)$", 1).fill_null(article_id)


def shown_outlet() -> pl.Expr:
    """The outlet a person reads: the source, else the language and the file name (never the
    folders of a path)."""
    return pl.col("source").fill_null(
        pl.concat_str(
            pl.col("language").fill_null("?"), pl.lit(" · "), file_name(pl.col("article_id"))
        )
    )


def shown_title() -> pl.Expr:
    """The title a person reads: the title, else the file name."""
    return pl.col("title").fill_null(file_name(pl.col("article_id")))


def _readable_outlets(an: Analysis, story: str, frame: pl.DataFrame, column: str) -> pl.DataFrame:
    """Rows keyed by the stored outlet label (language and full id for an article without an
    outlet) shown with the file name instead of the path."""
    nameless = (
        an.scan("articles")
        .filter((pl.col("story_id") == story) & pl.col("source").is_null())
        .select(stored=outlet_label(), shown=shown_outlet())
        .collect()
    )
    if nameless.height == 0 or column not in frame.columns:
        return frame
    return frame.with_columns(
        pl.col(column).replace(dict(zip(nameless["stored"], nameless["shown"], strict=True)))
    )


def coverage(
    an: Analysis, f: Filters, story: str | None = None, by: str = "source"
) -> pl.DataFrame:
    """Outlet (or language) by actor in one story: mentions, articles, the most frequent form
    (name) and mentions per 1,000 words; read from the view tables (view_tables), not the
    mentions. With a date filter the counts are the period's and the name is the story's."""
    if by not in ("source", "language"):
        raise ValueError(f"coverage by {by!r}: use 'source' or 'language'")
    story = story_for(an, f, story)
    if story is None:
        return pl.DataFrame(
            schema={
                by: pl.String,
                "entity_id": pl.String,
                "name": pl.String,
                "n_mentions": pl.Int64,
                "n_articles": pl.Int64,
                "words": pl.UInt32,
                "per_1000_words": pl.Float64,
                "label": pl.String,
                "type": pl.String,
            }
        )
    key = "outlet" if by == "source" else "language"
    group = pl.col(key).fill_null("unknown").alias(by)
    in_story = pl.col("story_id") == story
    if f.actors:
        in_story &= pl.col("entity_id").is_in(list(f.actors))
    undated = f.with_(story=None, date_from=None, date_to=None).articles_expr()
    forms = (
        an.view(ACTOR_FORMS)
        .filter(in_story & undated)
        .group_by(group, "entity_id", "text")
        .agg(pl.col("mentions", "articles").sum())
        .collect()
    )
    names = forms.group_by(by, "entity_id")
    name = most_frequent_form()
    if f.date_from or f.date_to:
        counts = (
            an.view(ACTOR_ARTICLES)
            .filter(in_story & f.with_(story=None).articles_expr())
            .with_columns(outlet=outlet_label())
            .group_by(group, "entity_id")
            .agg(n_mentions=pl.col("mentions").sum(), n_articles=pl.len())
            .collect()
            .join(names.agg(name=name), on=[by, "entity_id"], how="left")
        )
    else:
        counts = names.agg(
            name=name,
            n_mentions=pl.col("mentions").sum(),
            n_articles=pl.col("articles").sum(),
        )
    # no texts: the stored word counts are all coverage needs of them
    words = (
        story_scan(an, f, story)
        .select(pl.col("words").cast(pl.UInt32), outlet=outlet_label(), language="language")
        .group_by(group)
        .agg(pl.col("words").sum())
        .collect()
    )
    visible = (
        an.scan("entities")
        .filter(~pl.col("hidden").fill_null(False))
        .select("entity_id", "label", "type")
        .collect()
    )
    out = (
        counts.lazy()
        .select(
            by,
            "entity_id",
            "name",
            pl.col("n_mentions").cast(pl.Int64),
            pl.col("n_articles").cast(pl.Int64),
        )
        .join(words.lazy(), on=by)
        .with_columns(
            per_1000_words=(
                1000 * pl.col("n_mentions") / pl.col("words").clip(lower_bound=1)
            ).round(2)
        )
        .join(visible.lazy(), on="entity_id", how="inner")
        .sort([by, "n_mentions", "entity_id"], descending=[False, True, False])
        .collect()
    )
    return _readable_outlets(an, story, out, "source") if by == "source" else out


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
            source=shown_outlet(),
        )
        .sort("published", "article_id", nulls_last=True)
        .collect()
    )


def _story_parts(
    an: Analysis, f: Filters, story: str, *, texts: bool = True
) -> tuple[pl.DataFrame, pl.DataFrame, pl.DataFrame, pl.DataFrame]:
    """The story's filtered articles (`texts=False`: without their texts) with their
    paragraphs, mentions and alignments."""
    scan = story_scan(an, f, story)
    arts = (scan if texts else scan.drop("text")).collect()
    ids = arts.select("article_id").lazy()
    paragraphs = an.scan("paragraphs").join(ids, on="article_id", how="semi").collect()
    mentions = an.scan("mentions").join(ids, on="article_id", how="semi").collect()
    alignments = an.scan("alignments").filter(pl.col("story_id") == story).collect()
    return arts, paragraphs, mentions, alignments


def _names(an: Analysis) -> dict[str, str]:
    ents = an.scan("entities").select("entity_id", "label").collect()
    return dict(zip(ents["entity_id"], ents["label"], strict=True))


def firsts(an: Analysis, f: Filters, story: str | None = None) -> pl.DataFrame:
    """Who came first in a story, and who copies whom (comparison.first_and_copies)."""
    story = story_for(an, f, story) or ""
    arts, paragraphs, _, alignments = _story_parts(an, f, story, texts=False)
    out = comparison.first_and_copies(arts, alignments, story, paragraphs)
    return _readable(an, out, ["closest_article"])


def _readable(an: Analysis, out: pl.DataFrame, others: list[str]) -> pl.DataFrame:
    """Rows a person reads: outlet and title beside the id, and other articles named by outlet
    and title instead of their ids (file paths, for a folder corpus)."""
    index = article_index(an).with_columns(
        outlet=pl.col("outlet").fill_null(file_name(pl.col("article_id")))
    )
    names = dict(
        zip(
            index["article_id"],
            index.select(pl.concat_str("outlet", pl.lit(": "), "title"))["outlet"],
            strict=True,
        )
    )
    out = out.join(index.select("article_id", "outlet", "title"), on="article_id", how="left")
    front = ["outlet", "title"]
    rest = [c for c in out.columns if c not in (*front, "source", "article_id")]
    return out.with_columns(pl.col(c).replace(names) for c in others if c in out.columns).select(
        *front, *rest, "article_id"
    )


# the last few stories' quotes: the Compare page shows a story's quotes and its unique content,
# and both need them (computed once per analysis version and set of articles)
_QUOTES: dict[tuple[str, int, tuple[str, ...]], pl.DataFrame] = {}
_QUOTES_KEPT = 4


def _story_quote_table(
    an: Analysis, arts: pl.DataFrame, paragraphs: pl.DataFrame, mentions: pl.DataFrame
) -> pl.DataFrame:
    manifest = an.path / "manifest.json"
    version = manifest.stat().st_mtime_ns if manifest.exists() else 0
    key = (str(an.path), version, tuple(arts["article_id"].to_list()))
    if key not in _QUOTES:
        while len(_QUOTES) >= _QUOTES_KEPT:
            _QUOTES.pop(next(iter(_QUOTES)))
        _QUOTES[key] = quotes.quotes(arts, paragraphs, mentions)
    return _QUOTES[key]


def unique_content(an: Analysis, f: Filters, story: str | None = None) -> pl.DataFrame:
    """What only one article of a story has and what it leaves out (comparison.uniques), actors
    by their names."""
    story = story_for(an, f, story)
    arts, paragraphs, mentions, alignments = _story_parts(an, f, story or "")
    found = _story_quote_table(an, arts, paragraphs, mentions)
    out = comparison.uniques(arts, paragraphs, mentions, alignments, story or "", found)
    names = _names(an)
    out = out.with_columns(
        pl.col(c).list.eval(pl.element().replace(names))
        for c in ("only_actors", "omitted_actors")
        if c in out.columns
    )
    return _readable(an, out, [])


def story_quotes(an: Analysis, f: Filters, story: str | None = None) -> pl.DataFrame:
    """Quoted speech in a story's articles with the speaker's name where the text says who."""
    story = story_for(an, f, story)
    arts, paragraphs, mentions, _ = _story_parts(an, f, story or "")
    found = _story_quote_table(an, arts, paragraphs, mentions)
    return found.with_columns(
        speaker=pl.col("speaker_entity_id").replace_strict(
            _names(an), default=pl.col("speaker_entity_id"), return_dtype=pl.String
        )
    ).drop("speaker_entity_id")


def article_choices(an: Analysis) -> dict[str, str]:
    """article_id -> "language · title (id)" for a select box: ids, languages and titles only,
    never the texts."""
    arts = (
        an.scan("articles").select("article_id", "language", "title").sort("article_id").collect()
    )
    return {
        r["article_id"]: f"{r['language'] or '?'} · {(r['title'] or '')[:60]} ({r['article_id']})"
        for r in arts.iter_rows(named=True)
    }


def reading_parts(
    an: Analysis, ids: list[str]
) -> tuple[pl.DataFrame, dict[str, str], pl.DataFrame]:
    """What article-next-to-article draws for these articles: their paragraphs, their texts by
    id and their mentions (only theirs are read)."""
    wanted = pl.col("article_id").is_in(ids)
    paras = an.scan("paragraphs").filter(wanted).collect()
    texts = an.scan("articles").filter(wanted).select("article_id", "text").collect()
    mentions = an.scan("mentions").filter(wanted).collect()
    return paras, dict(texts.iter_rows()), mentions


def edit_stories(an: Analysis, op: dict[str, Any]) -> None:
    """Record an analyst's story edit (stories.move, merge or split) in stories.json, anchored
    to the members the stories it names have now, and regroup the stories."""
    from dashboard.pipeline import pipeline
    from dashboard.steps import stories

    members = an.scan("stories").select("story_id", "article_ids").collect()
    pipeline.edit_stories(an.path, lambda now: stories.add_op(now, op, members))


def article_index(an: Analysis) -> pl.DataFrame:
    """Every article as a picker offers it: id, language, outlet (null when unknown), title (the
    file name when it has none) and story; never the texts (a picker over 10,000 articles reads
    a few short columns)."""
    return (
        an.scan("articles")
        .select("article_id", "language", "story_id", outlet="source", title=shown_title())
        .sort("article_id")
        .collect()
    )


def versus_links(an: Analysis, ids: list[str]) -> pl.DataFrame:
    """Paragraph alignments among these articles: the stored ones when they all belong to one
    story, else computed now for just these articles as if they were one story (same scores,
    same threshold), so any articles can be put side by side."""
    from dashboard.steps import align

    wanted = pl.col("article_id").is_in(ids)
    stories = an.scan("articles").filter(wanted).select("story_id").collect()["story_id"]
    if stories.n_unique() == 1 and stories[0] is not None:
        return an.scan("alignments").filter(pl.col("story_id") == stories[0]).collect()
    arts = an.scan("articles").filter(wanted).collect().with_columns(story_id=pl.lit("versus"))
    paras = an.scan("paragraphs").filter(wanted).collect()
    mentions = an.scan("mentions").filter(wanted).collect()
    dates = an.scan("dates").filter(wanted).collect()
    return align.align(arts, paras, mentions, dates)


def aligned_rows(an: Analysis, story: str | None, anchor: str, others: list[str]) -> pl.DataFrame:
    """Paragraph rows for article-next-to-article: the anchor's paragraphs in order, each other
    article's aligned paragraph beside it, then the other articles' unaligned paragraphs.
    `story`: the story whose stored alignments to use; None: any articles (`versus_links`).

    Columns: row, article_id, para_no, score (null when unique to that article).
    """
    if story is None:
        links = versus_links(an, [anchor, *others])
    else:
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
        .filter(pl.col("article_id").is_in([anchor, *others]) & boilerplate.is_body())
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
