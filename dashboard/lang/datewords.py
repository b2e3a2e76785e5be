"""Date vocabulary per language: CLDR month/weekday names with inflected forms, relative phrases,
and the one compiled regex per language that dates.py scans texts with.

Everything is matched on folded text (lowercase, accents stripped, one character for one, so
offsets stay valid); the data lives in data/dates_grammar.json and data/dates_relative.json.
"""

from __future__ import annotations

import json
import re
import unicodedata
from dataclasses import dataclass, fields
from functools import cache
from itertools import chain
from pathlib import Path
from typing import Any

import numpy as np
from babel import Locale, UnknownLocaleError
from babel.dates import get_date_format, get_day_names, get_month_names

from dashboard.lang import codepoints, datacache

DATA = Path(__file__).resolve().parents[1] / "data"

RELATIVE: dict[str, tuple[str, int]] = {
    "today": ("day", 0),
    "yesterday": ("day", -1),
    "tomorrow": ("day", 1),
    "day_before_yesterday": ("day", -2),
    "day_after_tomorrow": ("day", 2),
    "day_before": ("day", -1),
    "day_after": ("day", 1),
    "this_week": ("week", 0),
    "last_week": ("week", -1),
    "next_week": ("week", 1),
    "this_month": ("month", 0),
    "last_month": ("month", -1),
    "next_month": ("month", 1),
    "this_year": ("year", 0),
    "last_year": ("year", -1),
    "next_year": ("year", 1),
}
"""What each key of dates_relative.json means: granularity and offset from the publication date
(day_before and day_after: from the full date before them in the paragraph, else unresolved)."""

FROM_ANOTHER_DATE = frozenset({"day_before", "day_after"})

YEAR = r"(?:1[89]\d\d|20\d\d)"
DAY = r"(?:0?[1-9]|[12]\d|3[01])"


def _fold_table() -> dict[int, int]:
    table: dict[int, int] = {}
    ranges = (range(0x41, 0x5B), range(0xC0, 0x250), range(0x370, 0x530), range(0x1E00, 0x1F00))
    for cp in chain(*ranges):
        base = unicodedata.normalize("NFD", chr(cp))[0].lower()
        if len(base) == 1 and base != chr(cp):
            table[cp] = ord(base)
    # one character for one: Turkish dotted/dotless i, Greek final sigma, typographic apostrophes
    table.update({0x130: ord("i"), 0x131: ord("i"), 0x3C2: ord("σ")})
    table.update(dict.fromkeys(map(ord, "’‘ʼ´`"), ord("'")))
    return table


FOLD = _fold_table()
# the same table as a list (the identity up to the last character it maps): str.translate looks
# a character up by index, not by hash, which halves the time of folding whole articles
_FOLD_LIST = [FOLD.get(cp, cp) for cp in range(max(FOLD) + 1)]


# the table as an array over the Basic Multilingual Plane (a character it does not fold is its
# own), for folding a whole article in one gather: str.translate builds its result a character
# at a time (~30 ns each), a third of the time when the text is not ASCII
_FOLD_CODES = np.arange(0x10000, dtype=np.uint32)
_FOLD_CODES[: len(_FOLD_LIST)] = _FOLD_LIST
_GATHER_FROM = 1000
"""Characters from which a text is folded by a gather (a word is folded faster by translate)."""


_GATHER_CHARS = 1 << 20
"""Characters folded in one gather: a long text goes a slice at a time (~20 bytes a character
while a slice is folded, not the whole text's)."""


def fold(text: str) -> str:
    """Lowercase and strip accents character by character, so len(fold(t)) == len(t)."""
    if len(text) < _GATHER_FROM or text.isascii():
        return text.translate(_FOLD_LIST)
    if len(text) > _GATHER_CHARS:
        return "".join(
            map(fold, (text[at : at + _GATHER_CHARS] for at in range(0, len(text), _GATHER_CHARS)))
        )
    # a character past the plane (an emoji) is its own fold
    folded = codepoints.by_table(codepoints.of(text), _FOLD_CODES, lambda rest: rest)
    return codepoints.text_of(folded)


def trie_regex(words: set[str] | list[str], space: str = r"\s+") -> str:
    """A regex matching any of `words` (already folded), prefix-shared so scanning stays fast.

    A space in a word matches `space` (any run of whitespace unless told otherwise).
    """
    root: dict[str, Any] = {}
    for word in words:
        node = root
        for ch in word:
            node = node.setdefault(ch, {})
        node[""] = {}

    def emit(node: dict[str, Any]) -> str:
        branches = [
            (space if ch == " " else re.escape(ch)) + emit(child)
            for ch, child in sorted(node.items())
            if ch
        ]
        if not branches:
            return ""
        body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
        return f"(?:{body})?" if "" in node else body

    return emit(root) if root else r"(?!x)x"


def _words(items: list[str]) -> frozenset[str]:
    return frozenset(" ".join(fold(w).split()) for w in items)


def _inflect(name: str, rules: list[list[Any]]) -> set[str]:
    forms = {name}
    for ending, strip, adds in rules:
        if name.endswith(ending):
            stem = name[: len(name) - strip]
            forms.update(stem + add for add in adds)
    return forms


@cache
def _json(name: str) -> dict[str, Any]:
    with (DATA / name).open(encoding="utf-8") as handle:
        data: dict[str, Any] = json.load(handle)
    return data


def grammar_languages() -> list[str]:
    """Languages with their own grammar entry in dates_grammar.json."""
    return [k for k in _json("dates_grammar.json") if not k.startswith("_")]


def relative_table() -> dict[str, dict[str, list[str]]]:
    """dates_relative.json without its comment: language -> key -> phrases."""
    return {k: v for k, v in _json("dates_relative.json").items() if not k.startswith("_")}


def grammar(lang: str) -> dict[str, Any]:
    """The grammar entry of a language, falling back to the defaults key by key."""
    data = _json("dates_grammar.json")
    return {**data["_default"], **data.get(lang, {})}


@dataclass(frozen=True)
class Lexicon:
    """Everything needed to tag one language's dates; `pattern` runs on folded text."""

    months: dict[str, int]
    weekdays: dict[str, int]
    relative: dict[str, str]
    ambiguous: frozenset[str]
    abbreviations: frozenset[str]
    month_before: frozenset[str]
    weekday_before: frozenset[str]
    next_words: frozenset[str]
    need_capital: frozenset[str]
    case_sensitive: frozenset[str]
    day_first: bool
    pattern: re.Pattern[str]
    future: re.Pattern[str] | None = None
    clause_words: frozenset[str] = frozenset()
    amount_before: frozenset[str] = frozenset()
    amount_after: tuple[str, ...] = ()
    units: dict[str, str] | None = None
    numbers: dict[str, int] | None = None
    name_articles: frozenset[str] = frozenset()
    last_words: frozenset[str] = frozenset()
    capital_relative: frozenset[str] = frozenset()
    verb_final: bool = False
    range_before: re.Pattern[str] | None = None
    range_after: re.Pattern[str] | None = None
    lowercase_names: bool = False
    cyrillic: bool = False


@dataclass
class _Parts:
    months: dict[str, int]
    weekdays: dict[str, int]
    relative: dict[str, str]
    ambiguous: set[str]
    abbreviations: set[str]
    conflicts: set[str]
    g: dict[str, set[str]]
    flags: dict[str, bool]
    units: dict[str, str]
    numbers: dict[str, int]
    raw: dict[str, set[str]]


def _cldr(locale: str, kind: str) -> list[tuple[int, str, bool]]:
    """(index, name, is_abbreviation) for months (1-12) or weekdays (0 = Monday) of a locale."""
    getter = get_month_names if kind == "months" else get_day_names
    out = []
    for width in ("wide", "abbreviated"):
        for context in ("format", "stand-alone"):
            for idx, name in getter(width, context=context, locale=locale).items():
                out.append((idx, name, width == "abbreviated"))
    return out


def _collect(lang: str, locales: list[str], parts: _Parts) -> None:
    g = grammar(lang)
    for kind, target, rules, extras in (
        ("months", parts.months, g["month_rules"], g["extra_months"]),
        ("weekdays", parts.weekdays, g["weekday_rules"], g["extra_weekdays"]),
    ):
        wide: set[str] = set()
        abbrev: set[str] = set()
        entries: list[tuple[int, str]] = []
        for locale in locales:
            for idx, name, is_abbr in _cldr(locale, kind):
                if is_abbr:
                    bare = fold(name).rstrip(".")
                    # weekday abbreviations are common words ("die", "mit"): never used
                    if kind == "months" and len(bare) >= 3:
                        abbrev.update((bare, bare + "."))
                        entries += [(idx, bare), (idx, bare + ".")]
                else:
                    forms = {fold(f) for f in _inflect(name, rules) | _inflect(fold(name), rules)}
                    wide |= forms
                    entries += [(idx, f) for f in forms]
        entries += [(idx, fold(name)) for name, idx in extras.items()]
        # forms that read as another word first: sr "u nedelji" is "in a week", never Sunday
        excluded = _words(g["excluded_forms"])
        for idx, form in entries:
            if form in excluded:
                continue
            if target.get(form, idx) != idx:
                parts.conflicts.add(form)
            target[form] = idx
        parts.abbreviations |= abbrev - wide
    parts.ambiguous |= _words(g["ambiguous_months"] + g["ambiguous_weekdays"])
    if g["weekday_capitalised"]:
        parts.g["need_capital"] |= _words(g["ambiguous_weekdays"])
    for key in ("month_before", "month_after", "weekday_before", "weekday_after", "next_words"):
        parts.g[key] |= _words(g[key])
    parts.g["year_words"] |= _words(g["year_words"])
    parts.g["year_joiners"] |= _words(g["year_joiners"])
    parts.g["day_suffixes"] |= _words(g["day_suffixes"])
    parts.g["case_sensitive"] |= _words(g["case_sensitive"])
    for flag in ("month_first", "apostrophe_suffix", "verb_final"):
        parts.flags[flag] = parts.flags.get(flag, False) or bool(g[flag])
    for key in _LISTS:
        parts.g[key] |= _words(g[key])
    # future markers and fused endings are matched on the lowercased text, accents kept
    parts.raw["future_words"] |= {" ".join(w.lower().split()) for w in g["future_words"]}
    parts.raw["future_suffixes"] |= {w.lower() for w in g["future_suffixes"]}
    for unit, forms in g["ago_units"].items():
        parts.units.update(dict.fromkeys(_words(forms), unit))
    parts.numbers.update({" ".join(fold(k).split()): v for k, v in g["number_words"].items()})
    # a month written lower-case by CLDR (sr "јун", ro "iunie"): capitalised mid-sentence, a name
    lower = [n for _, n, a in _cldr(locales[0], "months") if not a] if locales else []
    parts.flags["lowercase_names"] = bool(lower) and all(n[:1].islower() for n in lower)
    names = [n for locale in locales for _, n, _ in _cldr(locale, "months")]
    parts.flags["cyrillic"] = parts.flags.get("cyrillic", False) or any(
        "CYRILLIC" in unicodedata.name(n[0], "") for n in names if n
    )
    suffixes = _words(g["relative_suffixes"])
    for key, phrases in relative_table().get(lang, {}).items():
        plain = _words(phrases)
        # written with a capital in the data (de "Anfang des Jahres"): a capital is no name
        parts.g["capital_relative"] |= {
            " ".join(fold(p).split()) for p in phrases if p[:1].isupper()
        }
        # case endings go on phrases of a word and a noun ("bu ayın"), not on "dün" (-> "dünya")
        grown = plain | {f + s for f in plain if " " in f for s in suffixes}
        parts.relative.update(dict.fromkeys(grown, key))


_LISTS: tuple[str, ...] = ("clause_words", "amount_before", "amount_after", "ago_before")
_LISTS += ("ago_after", "clitics", "name_articles", "last_words", "range_words")


def _locales(lang: str) -> list[str]:
    listed: list[str] = grammar(lang)["locales"]
    if listed:
        return listed
    try:
        Locale.parse(lang)
    except (UnknownLocaleError, ValueError):
        return []
    return [lang]


def _day_first(locale: str | None) -> bool:
    if locale is None:
        return True
    pattern = get_date_format("short", locale=locale).pattern
    return pattern.lower().find("d") < pattern.find("M")


def _pattern(parts: _Parts) -> re.Pattern[str]:
    g = parts.g
    month = trie_regex(set(parts.months) - parts.conflicts)
    weekday = trie_regex(set(parts.weekdays) - parts.conflicts)
    suffix = r"(?:'\w+)?" if parts.flags.get("apostrophe_suffix") else ""
    ordinal = r"(?:\.|" + trie_regex(g["day_suffixes"]) + ")?" if g["day_suffixes"] else r"\.?"
    year_word = rf"(?:\.?\s+{trie_regex(g['year_words'])})?" if g["year_words"] else ""
    # "τον Σεπτέμβριο του 2017": a genitive article between month and year
    joiner = rf"(?:\s+{trie_regex(g['year_joiners'])})?" if g["year_joiners"] else ""
    month_after = rf"(?:\s+(?P<mo_after>{trie_regex(g['month_after'])}))?"
    weekday_after = rf"(?:\s+(?P<wd_after>{trie_regex(g['weekday_after'])}))?"
    branches = [
        rf"(?P<iso>(?P<iso_y>{YEAR})[-/.](?P<iso_m>\d\d?)[-/.](?P<iso_d>\d\d?))",
        rf"(?P<num>(?P<num_a>\d\d?)(?P<sep>[./])\s?(?P<num_b>\d\d?)(?P=sep)\s?(?P<num_y>{YEAR}))",
        rf"(?P<dmy>(?P<dmy_d>{DAY}){ordinal}\s+(?:(?:de|of)\s+)?(?P<dmy_m>{month}){suffix}"
        rf"(?:{joiner},?\s+(?P<dmy_y>{YEAR})(?!\d){year_word})?)",
    ]
    if parts.flags.get("month_first"):
        branches.append(
            rf"(?P<mdy>(?P<mdy_m>{month})\s+(?P<mdy_d>{DAY})(?:{trie_regex(g['day_suffixes'])})?"
            rf"(?!\d)(?:,?\s+(?P<mdy_y>{YEAR}))?)"
        )
    # "prošle je godine": a clitic may stand between the words of a relative phrase
    space = rf"\s+(?:{trie_regex(g['clitics'])}\s+)?" if g["clitics"] else r"\s+"
    branches += [
        rf"(?P<my>(?P<my_m>{month}){suffix}{joiner},?\s+(?P<my_y>{YEAR})(?!\d){year_word})",
        rf"(?P<year>(?<![\d.,]){YEAR}(?!\d){year_word})",
        rf"(?P<rel>{trie_regex(set(parts.relative), space)})",
    ]
    # after the relative phrases: "bir gün öncesinde" is one, not "bir gün" + more
    if parts.units and (g["ago_before"] or g["ago_after"]):
        number = trie_regex({*parts.numbers, *map(str, range(1, 101))})
        before = rf"(?:(?P<ago_pre>{trie_regex(g['ago_before'])})\s+)?"
        # "δύο εβδομάδες πριν από το θάνατό της" is before an event, not before publication
        after = rf"(?:\s+(?P<ago_post>{trie_regex(g['ago_after'])})(?!\s+(?:απο|from)\b))?"
        unit = trie_regex(set(parts.units))
        branches.append(rf"(?P<ago>{before}(?P<ago_n>{number})\s+(?P<ago_u>{unit}){after})")
    branches += [
        rf"(?P<wd>(?P<wd_w>{weekday}){suffix}{weekday_after})",
        rf"(?P<mo>(?P<mo_m>{month}){suffix}{month_after})",
    ]
    return re.compile(r"(?<!\w)(?:" + "|".join(branches) + r")(?!\w)")


def _empty_parts() -> _Parts:
    keys = ("month_before", "month_after", "weekday_before", "weekday_after", "next_words")
    more: tuple[str, ...] = ("year_words", "year_joiners", "day_suffixes", "case_sensitive")
    more += ("need_capital", "capital_relative")
    raw: dict[str, set[str]] = {"future_words": set(), "future_suffixes": set()}
    g: dict[str, set[str]] = {k: set() for k in keys + more + _LISTS}
    return _Parts({}, {}, {}, set(), set(), set(), g, {}, {}, {}, raw)


def _range(parts: _Parts, before: bool) -> re.Pattern[str] | None:
    """The first day of a range before a date ("2. do" + "5. marta"), or its last day after
    one ("March 5" + "-7"), on folded text."""
    if not parts.g["range_words"]:
        return None
    joiner = trie_regex(parts.g["range_words"])
    suffix = trie_regex(parts.g["day_suffixes"]) if parts.g["day_suffixes"] else "(?!x)x"
    day = rf"(?P<day>{DAY})(?:\.|{suffix})?"
    if before:
        return re.compile(rf"(?<![\w.,]){day}\s*{joiner}\s*$")
    return re.compile(rf"\s*{joiner}\s*{day}(?![\w.,]\d)(?!\w)")


def _future(parts: _Parts) -> re.Pattern[str] | None:
    """Words that put a clause in the future (will, će, θα) or fused endings (igraće, oynayacak)."""
    words, ends = parts.raw["future_words"], parts.raw["future_suffixes"]
    if not words and not ends:
        return None
    branches = [rf"(?<!\w){trie_regex(words)}(?!\w)"] if words else []
    # an ending closes its word ("igraće"), unless marked "*": more may follow ("oynayacağını")
    closing, inner = {e for e in ends if e[-1] != "*"}, {e[:-1] for e in ends if e[-1] == "*"}
    if closing:
        branches.append(rf"\w\w{trie_regex(closing)}(?!\w)")
    if inner:
        branches.append(rf"\w\w{trie_regex(inner)}")
    return re.compile("|".join(branches))


def lexicon(lang: str | None) -> Lexicon:
    """The compiled vocabulary of a language (ISO 639-1; None: all languages with a grammar).

    A language without a grammar entry still gets its CLDR month and weekday names, if babel
    knows it; an unknown code falls back to all languages. Built once per language and cached.
    """
    return _lexicon((lang or "").replace("_", "-").split("-")[0].lower() or None)


@cache
def _lexicon(code: str | None) -> Lexicon:
    """The language's lexicon, kept on disk once built: building it reads CLDR's names of
    several locales and compiles its patterns (~25 ms a language in Python's regex compiler),
    in every process; the kept one loads in a millisecond, its patterns as compiled programs."""
    if code is not None and not datacache.LANGUAGE_CODE.fullmatch(code):
        return _built(code)
    kept = datacache.cached(f"date_lexicon_{code or 'all'}", lambda: _kept(_built(code)))
    patterns: dict[str, Any] = {name: datacache.pattern_of(v) for name, v in kept[1].items()}
    return Lexicon(**kept[0], **patterns)


def _kept(lexicon: Lexicon) -> tuple[dict[str, Any], dict[str, Any]]:
    """The lexicon's fields as values to keep (datacache): its plain fields (None included), and
    its patterns as datacache.kept_pattern."""
    plain: dict[str, Any] = {}
    patterns: dict[str, Any] = {}
    for f in fields(lexicon):
        value = getattr(lexicon, f.name)
        if isinstance(value, re.Pattern):
            patterns[f.name] = datacache.kept_pattern(value)
        else:
            plain[f.name] = value
    return plain, patterns


def _built(code: str | None) -> Lexicon:
    parts = _empty_parts()
    locales = _locales(code) if code else []
    if locales and code:
        _collect(code, locales, parts)
        day_first = _day_first(locales[0])
    else:
        for other in grammar_languages():
            _collect(other, _locales(other), parts)
        # with no language, a bare month may be another language's word (ro "unor" = cs "únor")
        parts.ambiguous |= set(parts.months)
        day_first = True
    return Lexicon(
        months={k: v for k, v in parts.months.items() if k not in parts.conflicts},
        weekdays={k: v for k, v in parts.weekdays.items() if k not in parts.conflicts},
        relative=parts.relative,
        ambiguous=frozenset(parts.ambiguous),
        abbreviations=frozenset(parts.abbreviations),
        month_before=frozenset(parts.g["month_before"]),
        weekday_before=frozenset(parts.g["weekday_before"]),
        next_words=frozenset(parts.g["next_words"]),
        need_capital=frozenset(parts.g["need_capital"]),
        case_sensitive=frozenset(parts.g["case_sensitive"]),
        day_first=day_first,
        pattern=_pattern(parts),
        future=_future(parts),
        clause_words=frozenset(parts.g["clause_words"]),
        amount_before=frozenset(parts.g["amount_before"]),
        amount_after=tuple(sorted(parts.g["amount_after"])),
        units=parts.units,
        numbers=parts.numbers,
        name_articles=frozenset(parts.g["name_articles"]),
        last_words=frozenset(parts.g["last_words"]),
        capital_relative=frozenset(parts.g["capital_relative"]),
        range_before=_range(parts, before=True),
        range_after=_range(parts, before=False),
        verb_final=parts.flags.get("verb_final", False),
        lowercase_names=bool(code) and parts.flags.get("lowercase_names", False),
        cyrillic=parts.flags.get("cyrillic", False),
    )
