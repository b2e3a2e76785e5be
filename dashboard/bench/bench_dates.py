"""Speed of our date tagger against dateparser's search on the same texts (for `newsprism bench`).

dateparser is a dev dependency: it is imported only when compare() runs.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from datetime import date, datetime

import polars as pl

from dashboard import schema
from dashboard.lang.datewords import lexicon
from dashboard.steps.dates import extract_dates

Item = tuple[str, str | None, date | None]
"""text, language (ISO 639-1 or None), publication date (or None)"""

DATEPARSER_CODES = {"sr": ["sr-Latn", "sr"], "bs": ["bs-Latn", "bs"]}
"""dateparser names Serbian and Bosnian by script."""


def _articles(items: Sequence[Item]) -> pl.DataFrame:
    return schema.conform(
        pl.DataFrame(
            {
                "article_id": [str(i) for i in range(len(items))],
                "text": [text for text, _, _ in items],
                "language": [lang for _, lang, _ in items],
                "published": [published for _, _, published in items],
            },
            schema_overrides={"language": pl.String, "published": pl.Date},
        ),
        "articles",
    )


def _dateparser_count(items: Sequence[Item]) -> int:
    from dateparser.search import search_dates

    found = 0
    for text, lang, published in items:
        settings = (
            {"RELATIVE_BASE": datetime.combine(published, datetime.min.time())} if published else {}
        )
        languages = DATEPARSER_CODES.get(lang or "", [lang]) if lang else None
        try:
            hits = search_dates(text, languages=languages, settings=settings)
        except ValueError:  # a language dateparser does not know: let it detect one
            hits = search_dates(text, settings=settings)
        found += len(hits or [])
    return found


def compare(items: Sequence[Item] | pl.DataFrame) -> dict[str, float]:
    """Articles per second of extract_dates and of dateparser.search.search_dates, same texts.

    `items` is a sequence of (text, language, published) or a frame with those columns.
    Returns article count, seconds, articles/s and dates found for both, and the speed ratio.
    """
    if isinstance(items, pl.DataFrame):
        items = list(items.select("text", "language", "published").iter_rows())
    articles = _articles(items)
    for lang in {lang for _, lang, _ in items}:
        lexicon(lang)  # built once per language in real runs too: not part of the timing
    started = time.perf_counter()
    ours = extract_dates(articles, schema.empty("paragraphs"))
    ours_s = time.perf_counter() - started
    started = time.perf_counter()
    theirs = _dateparser_count(items)
    theirs_s = time.perf_counter() - started
    n = len(items)
    return {
        "articles": n,
        "ours_seconds": ours_s,
        "ours_articles_per_s": n / ours_s if ours_s else float("inf"),
        "ours_dates": ours.height,
        "dateparser_seconds": theirs_s,
        "dateparser_articles_per_s": n / theirs_s if theirs_s else float("inf"),
        "dateparser_dates": theirs,
        "speedup": theirs_s / ours_s if ours_s else float("inf"),
    }
