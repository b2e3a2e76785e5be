"""Mentioned dates: find dates in article text and resolve them against the publication date.

Our own tagger (one cached regex per language, vocabulary in dashboard/lang/datewords.py) rather than
dateparser's search, which misses inflected months (novembra, Νοεμβρίου) and reads weekdays into
German "die"/"mit". Values are ISO 8601 at the granularity the text gives: `2013`, `2025-11`,
`2025-W47`, `2025-11-21`. Phrases that need the publication date (weekdays, "yesterday",
"last week", a day and month without a year, a month without a year) are `anchored`; when the
article has no publication date they are still emitted, with value null and anchored False.
Each date also says how it was resolved (`resolution`: explicit, publication, another date),
and its sentence can change its reading (dashboard/steps/date_context.py: future clauses, a year
that dates a month, ranges, names and amounts that are no dates).
"""

from __future__ import annotations

import re
from datetime import date, timedelta

import polars as pl

from dashboard import schema
from dashboard.lang import boilerplate
from dashboard.lang.datewords import FROM_ANOTHER_DATE, RELATIVE, Lexicon, fold, lexicon
from dashboard.steps.date_context import Context, Hit, day_month, in_context, month, weekday

# the last two words before a date, read backwards from it in the reversed text: one anchored
# match, where a search for (\w+)\W+(?:(\w+)\W+)?$ ending at the date tried every start before it
_PREV_WORDS_BACKWARDS = re.compile(r"\W+(\w+)(?:\W+(\w+))?")
_NEXT_WORD = re.compile(r"\W+(\w+)")
_EXPLICIT_DAY = frozenset({"iso", "num", "dmy", "mdy"})

Span = tuple[int | None, int, int]
"""para_no (None: the whole text), start, end"""

Found = tuple[str | None, bool, str, str | None]
"""value, anchored, granularity, resolution (see RESOLUTIONS)"""

RESOLUTIONS = ("explicit", "publication", "another date")
"""How a value was resolved: the text gives the year; counted from the publication date;
taken from another date of the same sentence (a year that anchors a day or month)."""


_HOMOGLYPHS = str.maketrans("aeopcxyjkmthb", "аеорсхујкмтнв")
_CYR = "а-яёђјљњћџіїєґ"
_JOIN = re.compile(rf"[a-z][{_CYR}]|[{_CYR}][a-z]")  # where a word mixes the two scripts
_WORD_END = re.compile(r"\w*")
_WORD_START = re.compile(r"\w*$")


def unmix(folded: str) -> str:
    """Latin look-alikes inside Cyrillic words made Cyrillic ("пoнeдeљaк" typed with Latin o, e,
    a): one character for one, so offsets stay valid. Run on folded (lower-case) text."""
    joins = list(_JOIN.finditer(folded))
    if not joins:
        return folded  # the usual case, found with one quick scan
    pieces, done = [], 0
    for m in joins:
        if m.start() < done:
            continue
        begin = _WORD_START.search(folded, max(done, m.start() - 60), m.start())
        start = begin.start() if begin else m.start()
        word = _WORD_END.match(folded, m.start())
        end = word.end() if word else m.end()
        pieces += [folded[done:start], folded[start:end].translate(_HOMOGLYPHS)]
        done = end
    return "".join([*pieces, folded[done:]])


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
    return _shifted(unit, delta, published)


def _shifted(unit: str, delta: int, published: date) -> str:
    """The day, week, month or year `delta` units from the publication date."""
    if unit == "day":
        return (published + timedelta(days=delta)).isoformat()
    if unit == "week":
        return _week(published + timedelta(weeks=delta))
    if unit == "month":
        return _shift_month(published.year, published.month, delta)
    return f"{published.year + delta:04d}"


def _words_around(folded: str, start: int, end: int) -> tuple[list[str], str | None]:
    before = _PREV_WORDS_BACKWARDS.match(folded[max(0, start - 60) : start][::-1])
    after = _NEXT_WORD.match(folded, end)
    previous = [w[::-1] for w in (before.group(2), before.group(1)) if w] if before else []
    return previous, after.group(1) if after else None


def _confirmed(form: str, lex: Lexicon, context: frozenset[str], previous: list[str]) -> bool:
    """An ambiguous month/weekday name counts only after a word that makes it one."""
    return form not in lex.ambiguous or (bool(previous) and previous[-1] in context)


def _explicit(when: date | None, granularity: str = "day") -> Hit | None:
    if when is None:
        return None
    return Hit(0, 0, "", when.isoformat(), False, granularity, "explicit")


def _resolve(
    m: re.Match[str], lex: Lexicon, folded: str, text: str, published: date | None
) -> Hit | None:
    kind = m.lastgroup or ""
    g = m.groupdict()
    if kind == "iso" or kind == "num":
        if kind == "iso":
            y, mo, d = int(g["iso_y"]), int(g["iso_m"]), int(g["iso_d"])
        else:
            a, b = int(g["num_a"]), int(g["num_b"])
            y, (d, mo) = int(g["num_y"]), ((a, b) if lex.day_first else (b, a))
        return _explicit(_day(y, mo, d))
    if kind in ("dmy", "mdy"):
        form, day = g[f"{kind}_m"], int(g[f"{kind}_d"])
        index = lex.months[form]
        if g[f"{kind}_y"]:
            return _explicit(_day(int(g[f"{kind}_y"]), index, day))
        # "Nord Stream 2 pro Evropu": a bare abbreviation (cs "pro") is too often a word
        if _day(2000, index, day) is None or (form in lex.abbreviations and form[-1] != "."):
            return None
        if published is None:
            # no year to anchor to: ISO 8601's day-month (--11-21) still says which day it is
            return Hit(0, 0, kind, f"--{index:02d}-{day:02d}", False, "day", None, index, day)
        value = day_month(index, day, published)
        return Hit(0, 0, kind, value, value is not None, "day", "publication", index, day)
    if kind == "my":
        value = f"{int(g['my_y']):04d}-{lex.months[g['my_m']]:02d}"
        return Hit(0, 0, kind, value, False, "month", "explicit")
    if kind == "year":
        return Hit(0, 0, kind, m.group("year")[:4], False, "year", "explicit")
    if kind == "ago":
        return _ago(g, lex, published)
    previous, following = _words_around(folded, m.start(), m.end())
    if kind == "rel":
        phrase = " ".join(m.group("rel").split())
        if phrase in lex.case_sensitive and text[m.start() : m.end()] != phrase:
            return None
        key = lex.relative.get(phrase) or _with_clitic(phrase, lex)
        unit = RELATIVE[key][0]
        value = _relative(key, published) if published else None
        hit = Hit(0, 0, kind, value, value is not None, unit, "publication" if value else None)
        if key in FROM_ANOTHER_DATE:
            hit.shift = RELATIVE[key][1]  # the paragraph's last full date may anchor it instead
        return hit
    if kind == "wd":
        form = g["wd_w"]
        if g["wd_after"] is None and not _confirmed(form, lex, lex.weekday_before, previous):
            return None
        if form in lex.need_capital and not text[m.start()].isupper():
            return None
        upcoming = following in lex.next_words or bool(set(previous) & lex.next_words)
        index = lex.weekdays[form]
        value = weekday(index, published, upcoming) if published else None
        hit = Hit(0, 0, kind, value, value is not None, "day", "publication" if value else None)
        # "next Friday", "last Friday": the words settle the direction, not the clause
        hit.weekday, hit.fixed = index, upcoming or _last(previous, following, lex)
        return hit
    form = g["mo_m"]
    if form in lex.abbreviations:
        return None
    if g["mo_after"] is None and not _confirmed(form, lex, lex.month_before, previous):
        return None
    index = lex.months[form]
    if published is None:
        return Hit(0, 0, kind, f"--{index:02d}", False, "month", None, index)  # ISO's month alone
    hit = Hit(0, 0, kind, month(index, published), True, "month", "publication", index)
    hit.fixed = _last(previous, following, lex)
    return hit


def _last(previous: list[str], following: str | None, lex: Lexicon) -> bool:
    """A "last" word or a past verb next to the date: "last December", "duminica trecută",
    "said on Monday (it will)"."""
    return bool(set(previous) & lex.last_words) or following in lex.last_words


def _with_clitic(phrase: str, lex: Lexicon) -> str:
    """The relative key of a phrase matched with a clitic inside ("prošle je godine")."""
    words = phrase.split()
    for skip in range(1, len(words) - 1):
        key = lex.relative.get(" ".join(words[:skip] + words[skip + 1 :]))
        if key:
            return key
    raise KeyError(phrase)


def _ago(g: dict[str, str | None], lex: Lexicon, published: date | None) -> Hit | None:
    """ "seven years ago", "pre dve godine", "πριν από τρία χρόνια": counted back from publication."""
    if not (g["ago_pre"] or g["ago_post"]) or lex.units is None or lex.numbers is None:
        return None
    number = " ".join((g["ago_n"] or "").split())
    n = int(number) if number.isdigit() else lex.numbers.get(number)
    unit = lex.units.get(" ".join((g["ago_u"] or "").split()))
    if n is None or unit is None:
        return None
    value = _shifted(unit, -n, published) if published else None
    return Hit(0, 0, "ago", value, value is not None, unit, "publication" if value else None)


def tag(
    text: str,
    language: str | None,
    published: date | None,
    spans: list[Span],
) -> list[tuple[int | None, int, int, str, Found]]:
    """Dates in `text` within each (para_no, start, end) span: (para_no, start, end, text, found)."""
    lex = lexicon(language)
    folded = fold(text)
    if lex.cyrillic:
        folded = unmix(folded)
    out: list[tuple[int | None, int, int, str, Found]] = []
    for para_no, start, end in spans:
        hits: list[Hit] = []
        weekday_end = -1
        for m in lex.pattern.finditer(folded, start, end):
            hit = _resolve(m, lex, folded, text, published)
            if hit is None:
                continue
            hit.start, hit.end, hit.kind = m.start(), m.end(), m.lastgroup or ""
            # "u sredu 3. decembra", "Thursday, November 20": the weekday belongs to the date
            if m.lastgroup in _EXPLICIT_DAY and weekday_end >= 0 and m.start() - weekday_end <= 2:
                hit.start = hits.pop().start
            weekday_end = m.end() if m.lastgroup == "wd" else -1
            hits.append(hit)
        for hit in in_context(hits, Context(text, folded, lex, published, start, end)):
            found = (hit.value, hit.anchored, hit.granularity, hit.resolution)
            out.append((para_no, hit.start, hit.end, text[hit.start : hit.end], found))
    return out


def _spans(paragraphs: pl.DataFrame) -> dict[str, list[Span]]:
    """Non-boilerplate paragraph spans per article; an article with no rows at all is absent."""
    spans: dict[str, list[Span]] = {}
    rows = paragraphs.select("article_id", "para_no", "start", "end", boilerplate.flagged())
    for article_id, para_no, start, end, flagged in rows.iter_rows():
        spans.setdefault(article_id, [])
        if not flagged:
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
