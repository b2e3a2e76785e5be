"""Greek and Cyrillic to Latin, and the folded name keys that let one name meet across scripts.

`to_latin` gives a readable romanisation for labels; `token_key` gives the linking key of one
word: transliterated, diacritics dropped, spelling variants folded (š/sh/sz, w/v, j/y/i, ou/u),
doubled letters collapsed and case endings cut, so Лукашенко, Lukašenko, Lukaşenko, Λουκασένκο
and Łukaszenka all become `lukasenk`.
"""

from __future__ import annotations

import json
import operator
import re
import unicodedata
from functools import lru_cache
from pathlib import Path

DATA = Path(__file__).resolve().parents[1] / "data"

_GREEK = re.compile(r"[\u0370-\u03ff\u1f00-\u1fff]")
_CYRILLIC = re.compile(r"[\u0400-\u04ff]")
_VOWELS = set("aeiou")
_NON_LETTER = re.compile(r"[^a-z ]+")
_DOUBLED = re.compile(r"(.)\1+")
_VOWEL_RUN = re.compile(r"[aeiou ]+")


@lru_cache(maxsize=1)
def _tables() -> dict:
    """The three translit data files, loaded once per process."""
    return {
        "cyr": json.loads((DATA / "translit_cyrillic.json").read_text(encoding="utf-8")),
        "greek": json.loads((DATA / "translit_greek.json").read_text(encoding="utf-8")),
        "fold": json.loads((DATA / "translit_fold.json").read_text(encoding="utf-8")),
    }


@lru_cache(maxsize=32)
def _cyrillic_map(lang: str, for_key: bool) -> dict[str, str]:
    """Letter table for one language: base, the language's overrides, then key overrides."""
    display = _tables()["cyr"]["display"]
    table = dict(display["base"])
    table.update(display.get(lang, {}))
    if for_key:
        table.update(_tables()["cyr"]["key"])
    return table


def script_of(text: str) -> str:
    """'Grek', 'Cyrl' or 'Latn' by the first non-Latin letter found."""
    if text.isascii():
        return "Latn"
    if _GREEK.search(text):
        return "Grek"
    if _CYRILLIC.search(text):
        return "Cyrl"
    return "Latn"


def _case_like(src: str, out: str) -> str:
    """Give the romanisation of one letter the case of the source letter."""
    if src.isupper() and out:
        return out[0].upper() + out[1:]
    return out


class _Romanised(dict[int, str]):
    """Each character's romanisation in one letter table, in the source letter's case, made
    the first time str.translate asks for it (one C look-up a letter after that)."""

    def __init__(self, table: dict[str, str]) -> None:
        super().__init__()
        self.table = table

    def __missing__(self, code: int) -> str:
        ch = chr(code)
        self[code] = out = _case_like(ch, self.table.get(ch.lower(), ch))
        return out


@lru_cache(maxsize=32)
def _cyrillic_letters(lang: str, for_key: bool) -> _Romanised:
    return _Romanised(_cyrillic_map(lang, for_key))


def _cyrillic(text: str, lang: str, for_key: bool) -> str:
    return text.translate(_cyrillic_letters(lang or "", for_key))


def _greek(text: str, for_key: bool) -> str:
    g = _tables()["greek"]
    letters = dict(g["letters"])
    digraphs = dict(g["digraphs"])
    if for_key:
        letters.update(g["key"])
        digraphs.update(g["key_digraphs"])
    out: list[str] = []
    i = 0
    # decompose accents away from digraph checks but keep letters' own table for accented vowels
    while i < len(text):
        pair = text[i : i + 2].lower()
        pair_plain = "".join(
            c for c in unicodedata.normalize("NFD", pair) if not unicodedata.combining(c)
        )
        at_start = i == 0 or not text[i - 1].isalpha()
        context = _greek_context(text, i, pair_plain, at_start) if for_key else None
        if context is not None:
            out.append(_case_like(text[i], context))
            i += 2
            continue
        if len(pair_plain) == 2 and at_start and pair_plain in g["initial"]:
            out.append(_case_like(text[i], g["initial"][pair_plain]))
            i += 2
            continue
        if len(pair_plain) == 2 and pair_plain in digraphs and pair[1] not in "ϊϋΐΰ":
            out.append(_case_like(text[i], digraphs[pair_plain]))
            i += 2
            continue
        ch = text[i]
        out.append(_case_like(ch, letters.get(ch.lower(), ch)))
        i += 1
    return "".join(out)


_GREEK_VOWELS = frozenset("αεηιουωάέήίόύώϊϋΐΰ")


def _greek_context(text: str, i: int, pair: str, at_start: bool) -> str | None:
    """A key's reading of a Greek digraph by its neighbours, as foreign names are transcribed:
    μπ, ντ, γκ after a consonant (Ντέρμπι, Όργκαν: b, d, g), and inside a word γι, ου before
    a vowel (Πογιέτ, Ντουάιερ: y, w)."""
    g = _tables()["greek"]
    if len(pair) != 2 or at_start:
        return None
    before = text[i - 1].lower()
    if pair in g["key_after_consonant"] and before.isalpha() and before not in _GREEK_VOWELS:
        return str(g["key_after_consonant"][pair])
    after = unicodedata.normalize("NFD", text[i + 2 : i + 3].lower())[:1]
    if pair in g["key_before_vowel"] and after and after in _GREEK_VOWELS:
        return str(g["key_before_vowel"][pair])
    return None


def to_latin(text: str, lang: str | None = None, *, for_key: bool = False) -> str:
    """Romanise Greek and Cyrillic letters in `text` (Latin letters pass through)."""
    if _GREEK.search(text):
        text = _greek(text, for_key)
    if _CYRILLIC.search(text):
        text = _cyrillic(text, lang or "", for_key)
    return text


_RULE_PREFIX = re.compile(r"[a-z]*")
# what a pattern may start with before its first letter: anchors and look-behinds
_ZERO_WIDTH = re.compile(r"\^|\\b|\(\?<[=!][^()|]*\)")
_QUANTIFIERS = "?*+{"
# the doubled letter's first (re.sub with a callable in C, not a template read in Python)
_FIRST = operator.methodcaller("group", 1)


def _alternatives(pattern: str) -> list[str] | None:
    """The top-level alternatives of a pattern (a|b), or None where a bracket or an escape
    makes the split unsure."""
    if "[" in pattern and "|" in pattern or "\\|" in pattern:
        return None
    depth, out, part = 0, [], ""
    for ch in pattern:
        depth += (ch == "(") - (ch == ")")
        if ch == "|" and depth == 0:
            out.append(part)
            part = ""
        else:
            part += ch
    return [*out, part]


def _needed(pattern: str) -> str:
    """Letters every match of `pattern` holds (its literal start after any anchor: \\bou(?=..)
    needs "ou"), or "" where none is sure: the rule then runs on every word."""
    found: set[str] = set()
    for alternative in _alternatives(pattern) or [""]:
        rest = alternative
        while anchor := _ZERO_WIDTH.match(rest):
            rest = rest[anchor.end() :]
        letters = _RULE_PREFIX.match(rest)
        prefix = letters.group(0) if letters else ""
        if rest[len(prefix) : len(prefix) + 1] in tuple(_QUANTIFIERS):
            prefix = prefix[:-1]  # the last letter is optional (ou?)
        found.add(prefix)
    return found.pop() if len(found) == 1 else ""


def _letter_table(letters: list[tuple[str, str]]) -> dict[int, str] | None:
    """The one-letter replacements done in order as one table (what each letter becomes after
    all of them), or None when a rule replaces more than one letter."""
    if any(len(a) != 1 for a, _ in letters):
        return None
    table = {}
    for source, _ in letters:
        out = source
        for a, b in letters:
            out = out.replace(a, b)
        table[ord(source)] = out
    return table


@lru_cache(maxsize=1)
def _fold_rules() -> tuple[
    dict[int, str],
    bool,
    list[tuple[str, re.Pattern[str] | None, str]],
    list[tuple[str, str]],
    dict[int, str] | None,
]:
    fold = _tables()["fold"]
    # a literal rule is a plain replace; a pattern runs only when the letters it needs are
    # there (a regex call per rule per word was most of fold's time)
    rules: list[tuple[str, re.Pattern[str] | None, str]] = []
    for pattern, repl in fold["rules"]:
        if re.escape(pattern) == pattern:
            rules.append((pattern, None, repl))
        else:
            rules.append((_needed(pattern), re.compile(pattern), repl))
    chars = {ord(k): v for k, v in fold["chars"].items()}
    letters = [(a, b) for a, b in fold["letters"]]
    # whether the folded characters (ß, ł, æ...) hold an ASCII one: only then can an ASCII
    # word change by them (a translate a word, a tenth of fold's time, saved on most words)
    chars_ascii = any(code < 128 for code in chars)
    return chars, chars_ascii, rules, letters, _letter_table(letters)


def fold(text: str, lang: str | None = None, *, spelling_rules: bool = True) -> str:
    """Lower-case folded Latin spelling of `text` (no endings cut); without `spelling_rules`
    only letters are mapped (sch, ts, -ejsk- stay as written)."""
    chars, chars_ascii, rules, letters, letter_table = _fold_rules()
    low = text.lower()
    if not low.isascii():
        low = to_latin(low, lang, for_key=True).lower().translate(chars)
    elif chars_ascii:
        low = low.translate(chars)  # the table maps an ASCII letter: else it leaves ASCII be
    for literal, pattern, repl in rules if spelling_rules else ():
        if literal in low:
            low = low.replace(literal, repl) if pattern is None else pattern.sub(repl, low)
    if not low.isascii():
        # diacritics apart from their letters; they go with every other non-letter below
        low = unicodedata.normalize("NFD", low)
    if not (low.isascii() and low.isalpha() and low.islower()):
        low = _NON_LETTER.sub("", low)
    if letter_table is not None:
        low = low.translate(letter_table)
    else:
        for a, b in letters:
            low = low.replace(a, b)
    return _DOUBLED.sub(_FIRST, low)


@lru_cache(maxsize=64)
def _endings(lang: str) -> tuple[tuple[str, ...], int, int]:
    fold_data = _tables()["fold"]
    ends = list(fold_data["endings"]) + list(fold_data.get(f"endings_{lang}", []))
    ends.sort(key=len, reverse=True)
    return tuple(ends), int(fold_data["min_stem"]), int(fold_data["consonant_min_stem"])


@lru_cache(maxsize=64)
def _endings_by_length(lang: str) -> tuple[tuple[int, frozenset[str]], ...]:
    """The language's endings grouped by length, longest first: a word ends in at most one
    ending of each length, so one look-up a length finds what the ordered list finds first."""
    ends = _endings(lang)[0]
    lengths = sorted({len(e) for e in ends if e}, reverse=True)
    return tuple((n, frozenset(e for e in ends if len(e) == n)) for n in lengths)


def cut_endings(word: str, lang: str | None = None) -> str:
    """Cut case endings and final vowels from a folded word, down to a minimal stem (the
    longest ending that leaves one, again and again)."""
    _, min_stem, cons_min = _endings(lang or "")
    by_length = _endings_by_length(lang or "")
    shortest = min(min_stem, cons_min)
    while True:
        for n, ends in by_length:
            if len(word) - n < shortest:
                continue
            tail = word[-n:]
            if tail in ends and len(word) - n >= (min_stem if tail in _VOWELS else cons_min):
                word = word[:-n]
                break
        else:
            return word


@lru_cache(maxsize=200_000)
def token_key(word: str, lang: str | None = None) -> str:
    """The linking key of one word (see module docstring). A Latin word in a language written
    in another script (Sinovation Ventures in a Greek article) is a foreign name, keyed as in
    English: the language's case endings are not its own."""
    if lang and _LATIN_WORD.fullmatch(word) and not writes_latin(lang):
        lang = "en"
    return cut_endings(fold(word, lang).replace(" ", ""), lang)


_LATIN_WORD = re.compile(r"[A-Za-z\u00c0-\u024f'’.-]+")


@lru_cache(maxsize=64)
def writes_latin(lang: str) -> bool:
    """Whether the language is written in Latin letters (CLDR's likely script, or a second
    script it is written in: Serbian)."""
    from babel.core import get_global

    likely = get_global("likely_subtags").get(lang, "")
    if "_Latn" in likely or not likely:
        return True
    scripts = json.loads((DATA / "language_scripts.json").read_text("utf-8"))
    return lang in scripts.get("two_scripts", [])


def name_key(words: list[str] | tuple[str, ...], lang: str | None = None) -> str:
    """The linking key of a multi-word name: its words' keys joined by spaces."""
    if len(words) == 1:
        return token_key(words[0], lang)
    keys = [token_key(w, lang) for w in words]
    return " ".join([k for k in keys if k])


@lru_cache(maxsize=1)
def _sound_rules() -> tuple[
    list[tuple[str, re.Pattern[str], str]],
    frozenset[str],
    list[tuple[str, re.Pattern[str], str]],
]:
    """The sound rules (run first, then the ch rule, then the rest), each with the letters every
    match holds (_needed, as fold's rules): most rules find nothing in most words."""
    fold_data = _tables()["fold"]
    first = [(_needed(p), re.compile(p), r) for p, r in fold_data["sound_first"]]
    rules = [(_needed(p), re.compile(p), r) for p, r in fold_data["sound_rules"]]
    return first, frozenset(fold_data["sound_ch_is_h"]), rules


@lru_cache(maxsize=200_000)
def sound_key(word: str, lang: str | None = None) -> str:
    """The key of one word as it sounds: a name in its own spelling and the same name written
    as heard (Kavanaugh, Kavano, Кавано; Jeremy, Džeremi, Τζέρεμι; Diehl, Ντιλ) share it."""
    first, ch_is_h, rules = _sound_rules()
    low = to_latin(word.lower(), lang, for_key=True).lower()
    for needed, pattern, repl in first:
        if needed in low:
            low = pattern.sub(repl, low)
    if lang not in ch_is_h:
        low = low.replace("ch", "č")
    for needed, pattern, repl in rules:
        if needed in low:
            low = pattern.sub(repl, low)
    return cut_endings(fold(low, lang).replace(" ", ""), lang)


@lru_cache(maxsize=200_000)
def skeleton(key: str) -> str:
    """Consonants of a key: spellings that differ only in vowels (Tramp, Trump) share it."""
    return _VOWEL_RUN.sub("", key)
