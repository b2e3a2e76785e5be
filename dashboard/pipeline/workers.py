"""The worker processes of one analysis, beside the process that runs it.

Two workers used to mean a second process for the per-article steps only: it sat idle while the
first linked, clustered and aligned alone. Here the helper processes started for the per-article
steps are kept for the run, and the cross-article steps hand them the parts that do not depend on
each other: the alignment of disjoint groups of stories, the quotes of disjoint ranges of
articles. Each part's result is what the whole call gives for its rows, put back in the same
order, so the tables are the same with one worker or two.
"""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from dataclasses import dataclass, field
from multiprocessing import get_context
from typing import Any, TypeVar

import polars as pl

from dashboard.steps import align, quotes

T = TypeVar("T")


@dataclass
class Helpers:
    """`count` helper processes, started on first use (a corpus one batch holds starts none) and
    stopped by `close`."""

    count: int
    _pool: ProcessPoolExecutor | None = field(default=None, repr=False)

    def pool(self) -> ProcessPoolExecutor:
        """The helper processes, started now if they are not running yet."""
        if self._pool is None:
            # spawn: polars' thread pool does not survive fork
            self._pool = ProcessPoolExecutor(self.count, mp_context=get_context("spawn"))
        return self._pool

    @property
    def running(self) -> bool:
        """Whether the helpers were started (the per-article steps shared their work)."""
        return self._pool is not None

    def close(self) -> None:
        """Stop the helper processes."""
        if self._pool is not None:
            self._pool.shutdown()
            self._pool = None

    def map(self, fn: Callable[..., T], parts: list[tuple[Any, ...]]) -> list[T]:
        """fn(*part) for every part, results in order. When the helpers are running they take
        parts from the front (one at work and one queued each, so they never wait) while this
        process works from the back; whoever is faster takes more. Otherwise all run here."""
        if not self.running or len(parts) < 2:
            return [fn(*part) for part in parts]
        pool = self.pool()
        done: list[tuple[T] | None] = [None] * len(parts)
        front, back = 0, len(parts)
        pending: dict[Future[T], int] = {}
        while front < back or pending:
            while front < back and len(pending) < 2 * self.count:
                pending[pool.submit(fn, *parts[front])] = front
                front += 1
            if front < back:
                back -= 1
                done[back] = (fn(*parts[back]),)
            else:
                wait(pending, return_when=FIRST_COMPLETED)
            for future in [f for f in pending if f.done()]:
                done[pending.pop(future)] = (future.result(),)
        return [d[0] for d in done if d is not None]


def _groups(weights: dict[str, int], n: int) -> list[list[str]]:
    """Keys split into n groups of about equal weight (heaviest first, each to the lightest
    group; ties by key): the same split for the same input."""
    groups: list[list[str]] = [[] for _ in range(n)]
    load = [0] * n
    for key, weight in sorted(weights.items(), key=lambda kv: (-kv[1], kv[0])):
        k = load.index(min(load))
        groups[k].append(key)
        load[k] += weight
    return [g for g in groups if g]


def quotes_of(
    helpers: Helpers | None,
    articles: pl.DataFrame,
    paragraphs: pl.DataFrame,
    mentions: pl.DataFrame,
) -> pl.DataFrame:
    """quotes.quotes, its ranges of articles shared with the helpers. The whole call lists the
    quotes by article id (one batch), so ranges of sorted ids put back in order are the same
    table."""
    parts = 1 + (helpers.count if helpers is not None and helpers.running else 0)
    if helpers is None or parts < 2 or articles.height > quotes.BATCH:
        return quotes.quotes(articles, paragraphs, mentions)
    size = pl.col("text").str.len_bytes().fill_null(0).cast(pl.Int64)
    ids = articles.select("article_id", size=size).sort("article_id")
    # contiguous ranges of sorted ids of about equal text
    cut = (ids["size"].cum_sum() * parts // (ids["size"].sum() + 1)).alias("part")
    ranges = ids.with_columns(cut).partition_by("part", maintain_order=True)
    args = []
    for frame in ranges:
        mine = frame.select("article_id")
        args.append(
            (
                articles.join(mine, on="article_id", how="semi"),
                paragraphs.join(mine, on="article_id", how="semi"),
                mentions.join(mine, on="article_id", how="semi"),
            )
        )
    found = helpers.map(quotes.quotes, args)
    return pl.concat(found) if found else quotes.quotes(articles, paragraphs, mentions)


def _align_group(
    articles: pl.DataFrame, paragraphs: pl.DataFrame, dates: pl.DataFrame, features: pl.DataFrame
) -> pl.DataFrame:
    # with the features given, align reads no mention
    return align.align(articles, paragraphs, pl.DataFrame(), dates, features=features)


def align_of(
    helpers: Helpers | None,
    articles: pl.DataFrame,
    paragraphs: pl.DataFrame,
    mentions: pl.DataFrame,
    dates: pl.DataFrame,
    features: pl.DataFrame,
) -> pl.DataFrame:
    """align.align (a full run, with the paragraph features), groups of stories shared with the
    helpers. Stories align apart (a pair, its limits and its filling are within one story) and
    the table is sorted by (story, article, paragraph, other article), one row each: the groups'
    rows sorted the same way are the same table."""
    parts = 1 + (helpers.count if helpers is not None and helpers.running else 0)
    if helpers is None or parts < 2:
        return align.align(articles, paragraphs, mentions, dates, features=features)
    sizes = (
        articles.filter(pl.col("story_id").is_not_null())
        .join(features.group_by("article_id").len(), on="article_id", how="left")
        .group_by("story_id")
        .agg(weight=pl.col("len").fill_null(0).sum(), n=pl.len())
        .filter(pl.col("n") > 1)
    )
    # a story's pairs grow with its paragraphs squared
    weights = {s: int(w) ** 2 for s, w in sizes.select("story_id", "weight").iter_rows()}
    groups = _groups(weights, parts)
    if len(groups) < 2:
        return align.align(articles, paragraphs, mentions, dates, features=features)
    args = []
    for group in groups:
        keep = pl.col("story_id").is_in(pl.Series(group, dtype=pl.String).implode())
        mine = articles.filter(keep).select("article_id", "story_id")
        args.append(
            (
                mine,
                paragraphs.join(mine, on="article_id", how="semi"),
                dates.join(mine, on="article_id", how="semi"),
                features.join(mine, on="article_id", how="semi"),
            )
        )
    made = helpers.map(_align_group, args)
    return pl.concat(made).sort("story_id", "article_a", "para_a", "article_b")
