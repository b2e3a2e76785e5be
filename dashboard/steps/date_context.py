"""Dates in their sentence: what the words around a date say about it.

dates.py finds each date on its own; here the sentence decides what it means:
- a month or day-month next to a year ("May last year", "2018 yılının haziran ayında") is one
  date in that year; elsewhere in the sentence a year anchors it ("2004: ... on Dec. 26");
- a weekday, day-month or month in a clause that speaks of the future (will, će, θα, -acak)
  is the next such day, not the last one (the convention of the ntrex_dev gold, which is the
  usual reading of news);
- a date word inside a name is no date (The Sunday Times, BBC's Today programme, Marta);
- a year-like number that counts something is no date (about 2000 soldiers, 2000 dolara).
  A year in the name of an event or law (London 2012, the 2016 election, an act of 2010) is
  a date: it dates the event.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta

from dashboard.lang.datewords import Lexicon

GRACE = timedelta(days=7)
"""A day-month up to this far after publication is read as upcoming, not as last year's."""


@dataclass
class Hit:
    """One date found in a text: offsets, what it resolved to and how."""

    start: int
    end: int
    kind: str
    value: str | None
    anchored: bool
    granularity: str
    resolution: str | None
    month: int | None = None
    """a month or day-month written without a year: the month (else None)"""
    day: int | None = None
    weekday: int | None = None
    fixed: bool = False
    """its direction is settled (by "next", a year or a merge): the clause cannot change it"""
    shift: int = 0
    """"the day before" (-1), "the next day" (+1): days from the last full date before it"""


@dataclass(frozen=True)
class Context:
    """The text a span's dates are read in."""

    text: str
    folded: str
    lex: Lexicon
    published: date | None
    start: int
    end: int


def _day(year: int, month: int, day: int) -> date | None:
    try:
        return date(year, month, day)
    except ValueError:
        return None


def day_month(month: int, day: int, published: date, upcoming: bool = False) -> str | None:
    """The most recent such day not after publication (plus a grace for upcoming dates),
    or with `upcoming` the first one on or after publication."""
    if upcoming:
        years = (published.year, published.year + 1)
        days = [d for y in years if (d := _day(y, month, day)) is not None and d >= published]
        return days[0].isoformat() if days else None
    for year in (published.year + 1, published.year, published.year - 1):
        when = _day(year, month, day)
        if when is not None and when <= published + GRACE:
            return when.isoformat()
    return None


def weekday(index: int, published: date, upcoming: bool) -> str:
    """The most recent such weekday on or before publication, or the next one after it."""
    back = (published.weekday() - index) % 7
    if upcoming:
        return (published + timedelta(days=(7 - back) if back else 7)).isoformat()
    return (published - timedelta(days=back)).isoformat()


def month(index: int, published: date, upcoming: bool = False) -> str:
    """The most recent such month (this one included), or with `upcoming` the next such one."""
    if upcoming:
        year = published.year if index >= published.month else published.year + 1
    else:
        year = published.year if index <= published.month else published.year - 1
    return f"{year:04d}-{index:02d}"


_BOUNDARY = re.compile(r"[.!?…]+[\"'»”’)\]]*\s+|\n\s*")
_CLAUSE = re.compile(r"[;:()–—]|,\s")
_OPENERS = " \t\"'„“”«»‘’([-–—"
_WORD = re.compile(r"\w+")
_REACH = 400
"""How far from a date its sentence is looked for (characters)."""
_ORDINAL = re.compile(r"(?<!\d)\d\d?$")
_MERGE_GAP = re.compile(r"(?:'\w+)?[\s,]{0,3}")


def _sentences(ctx: Context) -> list[tuple[int, int]]:
    """Sentence bounds in the span: a stop, then a capital or digit (not "29. marta")."""
    bounds = [ctx.start]
    for m in _BOUNDARY.finditer(ctx.text, ctx.start, ctx.end):
        after = ctx.text[m.end() : m.end() + 3].lstrip(_OPENERS)
        if m.end() >= ctx.end or not after or not (after[0].isupper() or after[0].isdigit()):
            continue
        if m.group()[0] == "." and _ORDINAL.search(ctx.text, max(0, m.start() - 4), m.start()):
            continue  # an ordinal day with its dot: "am 1. Januar", "21. novembra"
        bounds.append(m.end())
    bounds.append(ctx.end)
    return list(zip(bounds, bounds[1:], strict=False))


def _initial(ctx: Context, pos: int) -> bool:
    """Whether `pos` starts a sentence (or the span), quotes and brackets aside."""
    window = max(ctx.start, pos - 40)  # a look back, not the whole span: texts may be long
    before = ctx.text[window:pos].rstrip(_OPENERS)
    return not before or before[-1] in ".!?:;…\n"


def _is_name(hit: Hit, ctx: Context) -> bool:
    """Today (a programme), Marta (a woman), The Sunday Times: a capital where none belongs."""
    surface = ctx.text[hit.start : hit.end]
    # a capital mid-sentence ("program Danas na radiju"); a headline in capitals says nothing
    capital = surface[0].isupper() and not surface.isupper() and not _initial(ctx, hit.start)
    if hit.kind == "rel" and capital:
        # relative words are lower-case mid-sentence, unless written so (de "Anfang des Jahres")
        return " ".join(ctx.folded[hit.start : hit.end].split()) not in ctx.lex.capital_relative
    # a month or weekday written lower-case, capitalised beside a name: "Martu Jakubovski"
    if hit.kind in ("wd", "mo") and ctx.lex.lowercase_names and capital:
        return _named_neighbour(ctx, hit)
    if hit.kind == "wd" and ctx.lex.name_articles:
        words = _WORD.findall(ctx.folded, max(ctx.start, hit.start - 12), hit.start)
        after = _WORD.search(ctx.text, hit.end, min(ctx.end, hit.end + 30))
        return (
            bool(words)
            and words[-1] in ctx.lex.name_articles
            and (after is not None and after.start() - hit.end <= 1 and after.group()[0].isupper())
        )
    return False


def _named_neighbour(ctx: Context, hit: Hit) -> bool:
    """The word before is capitalised or possessive, or the word after is capitalised."""
    before = re.search(r"(\S+)\s+$", ctx.text[max(ctx.start, hit.start - 40) : hit.start])
    after = re.match(r"\s+(\w)", ctx.text[hit.end : min(ctx.end, hit.end + 3)])
    word = before.group(1) if before else ""
    return (
        (word[:1].isupper() and word.isalpha())
        or word.endswith(("'s", "’s"))
        or (after is not None and after.group(1).isupper())
    )


def _is_amount(hit: Hit, ctx: Context) -> bool:
    """A year-like number that counts: after "about", before a currency ("2000 USD", "2000'e yakın")."""
    if hit.kind != "year":
        return False
    lex = ctx.lex
    if ctx.text[hit.start - 1 : hit.start] in ("$", "€", "£"):
        return True
    words = _WORD.findall(ctx.folded, max(ctx.start, hit.start - 30), hit.start)
    if words and (words[-1] in lex.amount_before or " ".join(words[-2:]) in lex.amount_before):
        return True
    following = ctx.folded[hit.end : hit.end + 20]
    if any(following.startswith(s) for s in lex.amount_after if not s[0].isalnum()):
        return True
    word = _WORD.match(following.lstrip())
    return word is not None and any(
        word.group().startswith(s) and len(word.group()) - len(s) <= 1 for s in lex.amount_after
    )


def _year_of(hit: Hit, relative: bool = True) -> int | None:
    """The year a hit can lend another date: an explicit date or (`relative`) "last year"."""
    if hit.value is None or hit.month is not None or hit.kind in ("wd", "ago"):
        return None
    if hit.resolution == "explicit":
        return int(hit.value[:4])
    if relative and hit.kind == "rel" and hit.granularity == "year":
        return int(hit.value[:4])
    return None


def _in_year(hit: Hit, year: int) -> str | None:
    assert hit.month is not None
    if hit.day is None:
        return f"{year:04d}-{hit.month:02d}"
    when = _day(year, hit.month, hit.day)
    return when.isoformat() if when else None


def _merge(hits: list[Hit], ctx: Context) -> list[Hit]:
    """A yearless month or day-month right beside a year is one date: "u maju prošle godine"."""
    out: list[Hit] = []
    for hit in hits:
        prev = out[-1] if out else None
        if prev is not None and _MERGE_GAP.fullmatch(ctx.folded, prev.end, hit.start):
            pair = (prev, hit) if prev.month is not None else (hit, prev)
            dated, year = pair[0], _year_of(pair[1])
            if dated.month is not None and year is not None and pair[1].granularity == "year":
                value = _in_year(dated, year)
                if value is not None:
                    relative = pair[1].resolution == "publication"
                    out[-1] = Hit(
                        prev.start, hit.end, dated.kind, value, relative, dated.granularity,
                        "publication" if relative else "explicit", fixed=True,
                    )  # fmt: skip
                    continue
        out.append(hit)
    return out


def _anchor(hits: list[Hit], ctx: Context, start: int, end: int) -> None:
    """A yearless month or day-month takes the year written in its clause (the nearest before
    it, else after it), or the year that opens its sentence: "2004: a quake on Dec. 26" is
    2004-12-26, "In 2005, ... in late March" 2005-03; but in "sentenced in 2010, acquitted on
    31 October" the year belongs to another clause and 31 October is read from publication."""
    # only a written year lends itself at a distance: "last December ... this year" stay apart
    years = [(h, y) for h in hits if (y := _year_of(h, relative=False)) is not None]
    if not years:
        return
    opening = [y for h, y in years if len(_WORD.findall(ctx.text, start, h.start)) <= 1]
    cuts = _cuts(ctx, start, end)
    for hit in hits:
        if hit.month is None or hit.fixed:
            continue
        left = max([c for c in cuts if c <= hit.start], default=start)
        right = min([c for c in cuts if c >= hit.end], default=end)
        near = [(h.start, y) for h, y in years if left <= h.start < right]
        before = [y for s, y in near if s < hit.start]
        year = before[-1] if before else near[0][1] if near else opening[0] if opening else None
        value = _in_year(hit, year) if year is not None else None
        if value is not None:
            hit.value, hit.anchored, hit.resolution, hit.fixed = value, False, "another date", True


def _cuts(ctx: Context, start: int, end: int) -> list[int]:
    """Where clauses of the sentence [start, end) begin: punctuation and words like "that"."""
    cuts = [m.start() for m in _CLAUSE.finditer(ctx.text, start, end)]
    if ctx.lex.clause_words:
        cuts += [
            m.start()
            for m in _WORD.finditer(ctx.folded, start, end)
            if m.group() in ctx.lex.clause_words
        ]
    return cuts


def _clause(ctx: Context, hit: Hit, start: int, end: int) -> str:
    """The clause of the sentence [start, end) holding the hit, lower-cased."""
    cuts = _cuts(ctx, start, end)
    left = max([c for c in cuts if c <= hit.start], default=start)
    right = min([c for c in cuts if c >= hit.end], default=end)
    return ctx.text[left:right].lower().replace("’", "'")


def _future(hits: list[Hit], ctx: Context, start: int, end: int) -> None:
    """A weekday, day-month or month in a clause about the future is the next one."""
    lex, published = ctx.lex, ctx.published
    if lex.future is None or published is None:
        return
    for hit in hits:
        if hit.fixed or hit.resolution != "publication":
            continue
        if hit.weekday is None and hit.month is None:
            continue
        clause = _clause(ctx, hit, start, end)
        if lex.verb_final:  # tr: the clause's own verb is its last word, not a participle
            words = _WORD.findall(clause)
            clause = words[-1] if words else ""
        if not lex.future.search(clause):
            continue
        if hit.weekday is not None:
            hit.value = weekday(hit.weekday, published, upcoming=True)
        elif hit.month is not None and hit.day is not None:
            hit.value = day_month(hit.month, hit.day, published, upcoming=True)
        elif hit.month is not None:
            hit.value = month(hit.month, published, upcoming=True)


def _ranges(hits: list[Hit], ctx: Context) -> list[Hit]:
    """The other end of a day range in one month is a date too: "2 to 5 March" gives 2 March
    beside 5 March, "March 5-7" gives 7 March; its year is the written date's."""
    out = []
    for hit in hits:
        out.append(hit)
        other = _range_end(hit, ctx)
        if other is not None:
            out.insert(len(out) - 1 if hit.kind == "dmy" else len(out), other)
    return out


def _range_end(hit: Hit, ctx: Context) -> Hit | None:
    """The day that opens (before a day-month) or closes (after a month-day) a range."""
    lex, value = ctx.lex, hit.value
    if value is None or hit.granularity != "day" or hit.kind not in ("dmy", "mdy"):
        return None
    if hit.kind == "dmy" and lex.range_before is not None:
        m = lex.range_before.search(ctx.folded, max(ctx.start, hit.start - 20), hit.start)
    elif hit.kind == "mdy" and lex.range_after is not None:
        m = lex.range_after.match(ctx.folded, hit.end, min(ctx.end, hit.end + 20))
    else:
        return None
    if m is None:
        return None
    day, last = int(m.group("day")), int(value[-2:])
    if (day >= last) if hit.kind == "dmy" else (day <= last):
        return None  # "30 - 2 April" crosses a month: left alone
    other = f"{value[:-2]}{day:02d}"
    if not value.startswith("--") and _day(int(value[:4]), int(value[5:7]), day) is None:
        return None
    return Hit(
        m.start("day"), m.end("day"), hit.kind, other, hit.anchored, "day", hit.resolution,
        fixed=True,
    )  # fmt: skip


def in_context(hits: list[Hit], ctx: Context) -> list[Hit]:
    """The span's hits read in their sentences: names and amounts dropped, years merged and
    lent, future clauses looking ahead."""
    kept = [h for h in hits if not _is_name(h, ctx) and not _is_amount(h, ctx)]
    out: list[Hit] = []
    if not kept:
        return out  # most paragraphs: no sentence splitting needed
    for start, end in _sentences_around(kept, ctx):
        group = [h for h in kept if start <= h.start < end]
        if not group:
            continue
        group = _merge(group, ctx)
        _anchor(group, ctx, start, end)
        _future(group, ctx, start, end)
        out += _ranges(group, ctx)
    _day_before_after(out)
    return out


def _day_before_after(hits: list[Hit]) -> None:
    """ "The day before", "sutradan": a day from the last full date before it in the paragraph
    ("on 5 March ... the next day" is 6 March); with none it counts from an event the paragraph
    does not date, and its value is null."""
    last: date | None = None
    for hit in hits:
        if hit.shift:
            when = (last + timedelta(days=hit.shift)).isoformat() if last else None
            hit.value, hit.anchored = when, False
            hit.resolution = "another date" if when else None
        if hit.value and hit.granularity == "day" and not hit.shift and len(hit.value) == 10:
            last = date.fromisoformat(hit.value)


def _sentences_around(hits: list[Hit], ctx: Context, reach: int = _REACH) -> list[tuple[int, int]]:
    """The sentences holding the hits: the text is split only within `reach` of a date (a
    longer sentence is read from there), so a long text with a few dates stays cheap."""
    windows: list[list[int]] = []
    for hit in hits:
        if windows and hit.start - windows[-1][1] <= 2 * reach:
            windows[-1][1] = hit.end
        else:
            windows.append([hit.start, hit.end])
    out: list[tuple[int, int]] = []
    for first, last in windows:
        start, end = max(ctx.start, first - reach), min(ctx.end, last + reach)
        out += _sentences(Context(ctx.text, ctx.folded, ctx.lex, ctx.published, start, end))
    return out
