"""The sentence around a span of article text, for evidence lists, hovers and exports.

Pure: spans in, the same spans with their sentence, offsets inside it, article metadata and a
link opening the article at that paragraph out.
"""

from __future__ import annotations

from functools import cache
from urllib.parse import quote, urlencode

import polars as pl

from dashboard.lang import datewords
from dashboard.spans import span_texts
from dashboard.store.store import Analysis
from dashboard.views.filters import Filters, to_query

CONTEXT = 300  # characters kept either side of a span when a sentence runs on without an end
_END = r"[.!?…][\"'»”’)\]]*"
SENTENCE_BEFORE = rf"(?s)^(.*{_END}\s+)"
SENTENCE_AFTER = rf"(?s)^(.*?{_END})(?:\s|$)"
# A dot is no sentence's end when the next word starts in lowercase ("od 2013. godine",
# "Lukašenko 25. novembra", "npr. ovo", "z. B. der"), nor after an ordinal day before a month
# word or number, capitalised or not ("am 3. März", "25. 11."): such dots are swapped for a
# one-character stand-in before the boundaries are searched (one character for one, so offsets
# stay valid)
_NOT_AN_END = "\u2024"


@cache
def _ordinal_day(boundary: str = r"\b") -> str:
    months = datewords.trie_regex(set(datewords.lexicon(None).months))
    return rf"{boundary}(\d{{1,2}})\.(\s+(?:{months}))"


def _numeric_day(boundary: str = r"\b") -> str:
    """25. 11.: day and month, both dots kept."""
    return rf"{boundary}(\d{{1,2}})\.(\s+)(\d{{1,2}})[.\x{{2024}}]"


# polars' regex engine reads a Unicode \b ~60 times slower than an ASCII one (no fast automaton
# for it): 0.3 s a pattern for 11,000 paragraphs. The two differ before a day's digits only where
# a letter or digit outside ASCII touches a digit; only texts holding one are read with \b.
_ASCII_BOUNDARY = r"(?-u:\b)"
_BOUNDARIES_DIFFER = r"[\w&&[^\x00-\x7F]]\d|[\d&&[^0-9]]"


def protect_ordinals(text: pl.Expr) -> pl.Expr:
    """`text` with dots that end no sentence made inert: before a lowercase word, and after an
    ordinal day (month words of every language matched on folded text, datewords.fold)."""
    table = datewords.FOLD
    text = text.str.replace_all(r"\.(\s+\p{Ll})", _NOT_AN_END + "${1}")
    folded = text.str.replace_many(
        [chr(k) for k in table], [chr(v) for v in table.values()]
    ).str.to_lowercase()
    return folded.map_batches(_protect_days, return_dtype=pl.String)


def _protect_days(folded: pl.Series) -> pl.Series:
    """The dots after ordinal days made inert, each day found after a word boundary: ASCII's
    where it is Unicode's (_BOUNDARIES_DIFFER)."""

    def days(texts: pl.Series, boundary: str) -> pl.Series:
        return texts.str.replace_all(
            _numeric_day(boundary), "${1}" + _NOT_AN_END + "${2}${3}" + _NOT_AN_END
        ).str.replace_all(_ordinal_day(boundary), "${1}" + _NOT_AN_END + "${2}")

    out = days(folded, _ASCII_BOUNDARY)
    differ = folded.str.contains(_BOUNDARIES_DIFFER).fill_null(False)
    if differ.any():
        out = out.scatter(differ.arg_true(), days(folded.filter(differ), r"\b"))
    return out


COLUMNS = (
    "article_id",
    "title",
    "source",
    "published",
    "language",
    "para_no",
    "start",
    "end",
    "text",
    "sentence",
    "sentence_start",
    "sentence_end",
    "mark_start",
    "mark_end",
    "link",
)


def with_sentences(
    spans: pl.DataFrame, arts: pl.DataFrame, an: Analysis, f: Filters
) -> pl.DataFrame:
    """Spans (article_id, para_no, start, end, text) with the sentence around each, its article's
    title/outlet/date/language and a link opening the article at that paragraph."""
    # a filter, not a join: the scan keeps only these articles' rows as it reads
    paras = (
        an.scan("paragraphs")
        .select("article_id", "para_no", p_start="start", p_end="end")
        .filter(pl.col("article_id").is_in(spans["article_id"].unique().implode()))
        .collect()
    )
    meta = arts.select("article_id", "title", "source", "published", "language")
    texts = arts.select("article_id", "text")
    start, end = pl.col("start"), pl.col("end")
    located = (
        spans.join(paras, on=["article_id", "para_no"], how="left")
        .join(meta, on="article_id", how="inner")
        .with_columns(
            pl.col("p_start").fill_null(start),
            pl.col("p_end").fill_null(end),
        )
    )
    # the paragraph with ordinal days protected: the boundaries are searched there, the
    # sentence is cut from the text as written (pieces of long texts cut in Python: spans)
    para = protect_ordinals(pl.col("_para"))
    before = para.str.slice(0, start - pl.col("p_start"))
    after = para.str.slice(end - pl.col("p_start"))
    s_start = pl.col("p_start") + before.str.extract(SENTENCE_BEFORE, 1).str.len_chars().fill_null(
        0
    )
    s_end = end + after.str.extract(SENTENCE_AFTER, 1).str.len_chars().fill_null(
        after.str.len_chars()
    )
    prefix = urlencode(to_query(f), doseq=True)
    bounded = located.with_columns(
        _para=span_texts(located, texts, "p_start", "p_end")
    ).with_columns(
        sentence_start=pl.max_horizontal(s_start, start - CONTEXT).cast(pl.Int32),
        sentence_end=pl.min_horizontal(s_end, end + CONTEXT).cast(pl.Int32),
    )
    return (
        bounded.with_columns(
            sentence=span_texts(bounded, texts, "sentence_start", "sentence_end"),
            mark_start=start - pl.col("sentence_start"),
            mark_end=end - pl.col("sentence_start"),
            link=pl.lit("articles?" + (prefix + "&" if prefix else "") + "article=")
            + pl.col("article_id").map_elements(lambda s: quote(s, safe=""), pl.String)
            + pl.lit("&para=")
            + pl.col("para_no").cast(pl.String),
        )
        .sort("published", "article_id", "start", nulls_last=True)
        # extra span columns (an actor, a period) travel along after the evidence columns
        .select(*COLUMNS, *[c for c in spans.columns if c not in COLUMNS])
    )
