"""Source comparison inside one story: coverage per source, first and copies, what only one has."""

from __future__ import annotations

from datetime import date

import polars as pl
import pytest

from dashboard.steps import align, comparison
from tests.unit.test_align import ACTORS, TEXTS, hand_frames


@pytest.fixture()
def story() -> tuple[pl.DataFrame, ...]:
    published = {"x1": date(2025, 3, 1), "x2": date(2025, 3, 2), "x3": date(2025, 3, 3)}
    articles, paragraphs, mentions, dates = hand_frames(TEXTS, ACTORS, published)
    articles = articles.with_columns(story_id=pl.lit("s-1"))
    return articles, paragraphs, mentions, dates, align.align(articles, paragraphs, mentions, dates)


def test_coverage_counts_actors_per_source(story) -> None:
    articles, _, mentions, _, _ = story
    table = comparison.coverage(mentions, articles, "s-1", by="source")
    row = table.filter((pl.col("source") == "outlet-x3") & (pl.col("entity_id") == "e-alpha")).row(
        0, named=True
    )
    words = len(TEXTS["x3"].split())
    assert row["n_mentions"] == 2 and row["n_articles"] == 1
    assert row["per_1000_words"] == pytest.approx(round(2000 / words, 2))
    with pytest.raises(ValueError):
        comparison.coverage(mentions, articles, "s-1", by="colour")


def test_first_and_copies(story) -> None:
    articles, paragraphs, _, _, alignments = story
    table = comparison.first_and_copies(articles, alignments, "s-1", paragraphs)
    first = table.filter("first")["article_id"].to_list()
    assert first == ["x1"]
    x2 = table.filter(pl.col("article_id") == "x2").row(0, named=True)
    assert x2["aligned"] == 2 and x2["share"] == 1.0 and x2["near_duplicate"]
    x1 = table.filter(pl.col("article_id") == "x1").row(0, named=True)
    assert x1["share"] == pytest.approx(2 / 3, abs=0.001) and x1["near_duplicate"]


def test_uniques_lists_what_one_article_alone_has_or_omits(story) -> None:
    articles, paragraphs, mentions, _, alignments = story
    table = comparison.uniques(articles, paragraphs, mentions, alignments, "s-1")
    x1 = table.filter(pl.col("article_id") == "x1").row(0, named=True)
    assert x1["unaligned_paragraphs"] == [2]
    assert table.filter(pl.col("article_id") == "x2")["unaligned_paragraphs"].to_list() == [[]]
    assert x1["only_actors"] == [] and x1["omitted_actors"] == []


def test_coverage_uses_the_stored_word_counts_without_reading_texts() -> None:
    articles = pl.DataFrame(
        {
            "article_id": ["a", "b", "c"],
            "story_id": ["s", "s", "s"],
            "source": ["x", "x", "y"],
            "words": [100, 300, 50],
        }
    )
    mentions = pl.DataFrame(
        {
            "article_id": ["a", "a", "b", "c", "c", "c"],
            "entity_id": ["PER:m", "PER:m", "PER:m", "PER:m", "PER:m", "PER:t"],
            "text": ["Maduro", "Madura", "Maduro", "Maduru", "Madurom", "Tramp"],
        }
    )
    table = comparison.coverage(mentions, articles, "s")
    rows = {(r["source"], r["entity_id"]): r for r in table.iter_rows(named=True)}
    assert rows[("x", "PER:m")]["n_mentions"] == 3 and rows[("x", "PER:m")]["n_articles"] == 2
    assert rows[("x", "PER:m")]["per_1000_words"] == 7.5  # 3 mentions in 400 words
    assert rows[("x", "PER:m")]["name"] == "Maduro"
    assert rows[("y", "PER:t")]["per_1000_words"] == 20.0
    # a tie between forms goes to the first in sort order
    assert rows[("y", "PER:m")]["name"] == "Madurom"
