"""Mentioned dates: find dates in article text and resolve them against the publication date.

Our own tagger (one cached regex per language, vocabulary in dashboard/datewords.py) rather than
dateparser's search, which misses inflected months (novembra, Νοεμβρίου) and reads weekdays into
German "die"/"mit". Values are ISO 8601 at the granularity the text gives: `2013`, `2025-11`,
`2025-W47`, `2025-11-21`. Phrases that need the publication date (weekdays, "yesterday",
"last week", a day and month without a year, a month without a year) are `anchored`; when the
article has no publication date they are still emitted, with value null and anchored False.
"""

from __future__ import annotations

import re
from datetime import date, timedelta

import polars as pl

from dashboard import schema
from dashboard.datewords import RELATIVE, Lexicon, fold, lexicon

GRACE = timedelta(days=7)
"""A day-month up to this far after publication is read as upcoming, not as last year's."""

_PREV_WORDS = re.compile(r"(\w+)\W+(?:(\w+)\W+)?$")
_NEXT_WORD = re.compile(r"\W+(\w+)")
_EXPLICIT_DAY = frozenset({"iso", "num", "dmy", "mdy"})

Span = tuple[int | None, int, int]
"""para_no (None: the whole text), start, end"""

Found = tuple[str | None, bool, str]
"""value, anchored, granularity"""


def _day(year: int, month: int, day: int) -> date | None:
    try:
        return date(year, month, day)
    except ValueError:
        return None


def _shift_month(year: int, month: int, delta: int) -> str:
    index = year * 12 + month - 1 + delta
    return f"{index // 12:04d}-{index % 12 + 1:02d}"


def _week(day: date) -> str:
    iso = day.isocalendar()
    return f"{iso.year:04d}-W{iso.week:02d}"


def _relative(key: str, published: date) -> str:
    unit, delta = RELATIVE[key]
    if unit == "day":
        return (published + timedelta(days=delta)).isoformat()
    if unit == "week":
        return _week(published + timedelta(weeks=delta))
    if unit == "month":
        return _shift_month(published.year, published.month, delta)
    return f"{published.year + delta:04d}"


def _day_month(month: int, day: int, published: date) -> str | None:
    """The most recent such day not after publication (plus a grace for upcoming dates)."""
    for year in (published.year + 1, published.year, published.year - 1):
        when = _day(year, month, day)
        if when is not None and when <= published + GRACE:
            return when.isoformat()
    return None


def _weekday(weekday: int, published: date, upcoming: bool) -> str:
    """The most recent such weekday on or before publication, or the next one after it."""
    back = (published.weekday() - weekday) % 7
    if upcoming:
        return (published + timedelta(days=(7 - back) if back else 7)).isoformat()
    return (published - timedelta(days=back)).isoformat()


def _month(month: int, published: date) -> str:
    year = published.year if month <= published.month else published.year - 1
    return f"{year:04d}-{month:02d}"


def _words_around(folded: str, start: int, end: int) -> tuple[list[str], str | None]:
    before = _PREV_WORDS.search(folded, max(0, start - 60), start)
    after = _NEXT_WORD.match(folded, end)
    previous = [w for w in (before.group(1), before.group(2)) if w] if before else []
    return previous, after.group(1) if after else None


def _confirmed(form: str, lex: Lexicon, context: frozenset[str], previous: list[str]) -> bool:
    """An ambiguous month/weekday name counts only after a word that makes it one."""
    return form not in lex.ambiguous or (bool(previous) and previous[-1] in context)


def _resolve(
    m: re.Match[str], lex: Lexicon, folded: str, text: str, published: date | None
) -> Found | None:
    kind = m.lastgroup
    g = m.groupdict()
    if kind == "iso" or kind == "num":
        if kind == "iso":
            y, mo, d = int(g["iso_y"]), int(g["iso_m"]), int(g["iso_d"])
        else:
            a, b = int(g["num_a"]), int(g["num_b"])
            y, (d, mo) = int(g["num_y"]), ((a, b) if lex.day_first else (b, a))
        when = _day(y, mo, d)
        return (when.isoformat(), False, "day") if when else None
    if kind in ("dmy", "mdy"):
        form, day = g[f"{kind}_m"], int(g[f"{kind}_d"])
        month = lex.months[form]
        if g[f"{kind}_y"]:
            when = _day(int(g[f"{kind}_y"]), month, day)
            return (when.isoformat(), False, "day") if when else None
        # "Nord Stream 2 pro Evropu": a bare abbreviation (cs "pro") is too often a word
        if _day(2000, month, day) is None or (form in lex.abbreviations and form[-1] != "."):
            return None
        if published is None:
            # no year to anchor to: ISO 8601's day-month (--11-21) still says which day it is
            return f"--{month:02d}-{day:02d}", False, "day"
        value = _day_month(month, day, published)
        return value, value is not None, "day"
    if kind == "my":
        return f"{int(g['my_y']):04d}-{lex.months[g['my_m']]:02d}", False, "month"
    if kind == "year":
        return m.group("year")[:4], False, "year"
    previous, following = _words_around(folded, m.start(), m.end())
    if kind == "rel":
        phrase = " ".join(m.group("rel").split())
        if phrase in lex.case_sensitive and text[m.start() : m.end()] != phrase:
            return None
        key = lex.relative[phrase]
        value = _relative(key, published) if published else None
        return value, value is not None, RELATIVE[key][0]
    if kind == "wd":
        form = g["wd_w"]
        if g["wd_after"] is None and not _confirmed(form, lex, lex.weekday_before, previous):
            return None
        if form in lex.need_capital and not text[m.start()].isupper():
            return None
        upcoming = following in lex.next_words or bool(set(previous) & lex.next_words)
        value = _weekday(lex.weekdays[form], published, upcoming) if published else None
        return value, value is not None, "day"
    form = g["mo_m"]
    if form in lex.abbreviations:
        return None
    if g["mo_after"] is None and not _confirmed(form, lex, lex.month_before, previous):
        return None
    if published is None:
        return f"--{lex.months[form]:02d}", False, "month"  # ISO 8601's month without a year
    value = _month(lex.months[form], published)
    return value, value is not None, "month"


def tag(
    text: str,
    language: str | None,
    published: date | None,
    spans: list[Span],
) -> list[tuple[int | None, int, int, str, Found]]:
    """Dates in `text` within each (para_no, start, end) span: (para_no, start, end, text, found)."""
    lex = lexicon(language)
    folded = fold(text)
    out: list[tuple[int | None, int, int, str, Found]] = []
    for para_no, start, end in spans:
        weekday_end = -1
        for m in lex.pattern.finditer(folded, start, end):
            found = _resolve(m, lex, folded, text, published)
            if found is None:
                continue
            begin = m.start()
            # "u sredu 3. decembra", "Thursday, November 20": the weekday belongs to the date
            if m.lastgroup in _EXPLICIT_DAY and weekday_end >= 0 and begin - weekday_end <= 2:
                begin = out.pop()[1]
            weekday_end = m.end() if m.lastgroup == "wd" else -1
            out.append((para_no, begin, m.end(), text[begin : m.end()], found))
    return out


def _spans(paragraphs: pl.DataFrame) -> dict[str, list[Span]]:
    """Non-boilerplate paragraph spans per article; an article with no rows at all is absent."""
    spans: dict[str, list[Span]] = {}
    rows = paragraphs.select(
        "article_id", "para_no", "start", "end", pl.col("boilerplate").fill_null(False)
    )
    for article_id, para_no, start, end, boilerplate in rows.iter_rows():
        spans.setdefault(article_id, [])
        if not boilerplate:
            spans[article_id].append((para_no, start, end))
    return spans


def extract_dates(articles: pl.DataFrame, paragraphs: pl.DataFrame) -> pl.DataFrame:
    """Dates mentioned in each article's non-boilerplate paragraphs, as a `dates` table.

    Uses articles.text, articles.language (null: every known language's names) and
    articles.published (null: anchored phrases get value null and anchored False). An article
    without any paragraph rows is scanned whole, with para_no null.
    """
    spans = _spans(paragraphs)
    found: list[tuple[object, ...]] = []
    rows = articles.select("article_id", "text", "language", "published").iter_rows()
    for article_id, text, language, published in rows:
        if text:
            whole: list[Span] = [(None, 0, len(text))]
            for para_no, start, end, surface, resolved in tag(
                text, language, published, spans.get(article_id, whole)
            ):
                found.append((article_id, para_no, start, end, surface, *resolved))
    # the tuple order above is the contract's column order
    return pl.DataFrame(found, schema=schema.SCHEMAS["dates"], orient="row")


def latest_mentioned(dates: pl.DataFrame) -> pl.DataFrame:
    """The latest full date (day granularity, resolved) each article mentions.

    For a later step that estimates a missing publication date; nothing here invents one.
    """
    return (
        dates.filter((pl.col("granularity") == "day") & pl.col("value").is_not_null())
        .group_by("article_id")
        .agg(latest_mentioned=pl.col("value").str.to_date().max())
        .sort("article_id")
    )
