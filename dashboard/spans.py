"""Pieces of article texts by character offsets: paragraphs, the words between two names, and
the spans inside a piece (ByStart).

polars' str.slice counts characters from the start of the text on every row it slices, so the
10,000 paragraphs of one 4 MB text read it 10,000 times (0.6 s, growing with the length
squared), while Python slices a str in place. Texts of ordinary length, nearly every news
article, are sliced by polars (no Python string a row); texts over LONG_TEXT bytes are taken
into Python once each and sliced there.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Sequence
from typing import Any, Generic, TypeVar

import polars as pl

Span = TypeVar("Span", bound=tuple[Any, ...])

LONG_TEXT = 65_536
"""Bytes of a text past which its pieces are cut in Python."""


def span_texts(
    spans: pl.DataFrame,
    texts: pl.DataFrame,
    start: str | pl.Expr,
    end: str | pl.Expr,
    *,
    on: str = "article_id",
    text: str = "text",
) -> pl.Series:
    """texts[text][start:end] for each row of `spans`, the text found by `on` in `texts` (the
    first row of an id), in the order of `spans`: what pl.col(text).str.slice(start, end -
    start) gives over the two joined, null where the text or an offset is null. `start` and
    `end` are columns or expressions of `spans` (end never before start)."""
    starts = pl.col(start) if isinstance(start, str) else start
    ends = pl.col(end) if isinstance(end, str) else end
    frame = spans.select(pl.col(on), _s=starts, _e=ends)
    texts = texts.select(on, text).unique(on, keep="first", maintain_order=True)
    long = texts.filter(pl.col(text).str.len_bytes() > LONG_TEXT)
    short = texts if long.is_empty() else texts.join(long, on=on, how="anti")
    cut = (
        frame.join(short.select(on, _t=text), on=on, how="left", maintain_order="left")
        .select(pl.col("_t").str.slice(pl.col("_s"), pl.col("_e") - pl.col("_s")))
        .to_series()
        .alias(text)
    )
    if long.is_empty():
        return cut
    whole = dict(long.iter_rows())  # each long text once as a Python str
    rows = frame.with_row_index("_row").filter(pl.col(on).is_in(list(whole)))
    if rows.is_empty():
        return cut
    values = [
        None if piece is None or s is None or e is None else piece[s:e]
        for piece, s, e in ((whole[k], s, e) for _, k, s, e in rows.iter_rows())
    ]
    return cut.scatter(rows["_row"], pl.Series(values, dtype=pl.String))


class ByStart(Generic[Span]):
    """Spans (start, end, ...) of one text found by where they start: each piece of a long
    article (a paragraph, a quote's sentence) takes its own in O(log n), not by reading all."""

    def __init__(self, spans: Sequence[Span]) -> None:
        self.spans = spans
        self.order = sorted(range(len(spans)), key=lambda i: spans[i][0])
        self.starts = [spans[i][0] for i in self.order]

    def within(self, lo: int, hi: int) -> list[Span]:
        """The spans inside text[lo:hi] (from lo, to hi at most), in the order given."""
        first, last = bisect_left(self.starts, lo), bisect_right(self.starts, hi)
        return [self.spans[i] for i in sorted(self.order[first:last]) if self.spans[i][1] <= hi]
