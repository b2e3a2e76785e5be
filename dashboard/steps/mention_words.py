"""Words of article text as the mention finder reads them, and what one word is.

The tokeniser (`_words`) turns a paragraph into `_Word`s that carry their capitalisation,
sentence position and the punctuation before them, cutting apostrophe suffixes and parting
hyphenated names; `_Cand` is a run of such words with its left context. The cached predicates
say what a word (or a run's words) is: a month or weekday, only a given name, a word with a
clitic, a known name or place, a German common noun. Used by mention_runs, mention_trim and
mentions, never the other way round.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass
from functools import lru_cache
from itertools import accumulate, compress
from typing import NamedTuple

from dashboard.lang import datewords, lemmas, lexicon
from dashboard.lang.translit import fold, name_key, token_key
from dashboard.steps import mention_cues, mention_types

# a word: letters with inner hyphens; an apostrophe suffix is handled separately
_WORD = re.compile(r"[^\W\d_]+(?:-[^\W\d_]+)*")
# a word, or an acronym written with full stops (U.S., U.K., S.A.D.)
_ACRONYM_SUFFIX = re.compile(r"([^\W\d_a-z]{2,})-[^\W\d_A-Z]{1,4}$")
# a word may hold a full stop before lower-case letters, as a name does (Ver.di, Booking.com).
# Written to open with its first letter, outside the alternatives, so that the regex engine skips
# the characters no token starts with in C (a pattern opening with a group tries each of them):
# the same tokens as (?:[^\W\d_a-z]\.){2,}(?![^\W\d_])|[^\W\d_]+(?:...)* in half the time
_TOKEN = re.compile(
    r"[^\W\d_](?:(?<=[^\W\d_a-z])\.(?:[^\W\d_a-z]\.)+(?![^\W\d_])"
    r"|[^\W\d_]*(?:-[^\W\d_]+|\.[a-z]{2,}(?![^\W\d_]))*)"
)
_TOKEN_PARTS = re.compile(f"({_TOKEN.pattern})")  # split: the gaps and the tokens between them
_APOS = "'’ʼ"
_SENTENCE_END = re.compile(r"[.!?…:;\n•|]")
_BREAK = re.compile(r"[^\s]")  # any non-space between two words breaks a run
_INNER_APOS_LANGS = {"uk", "be"}
_OPENERS = '"„“«»—–-('
_QUOTES = "\"„“«»‚‘'"  # quote marks: a gap of only these (strip leaves nothing) quotes
_QUOTE_OPENERS = frozenset('"„“«')


@dataclass(slots=True)
class _Word:
    start: int
    end: int  # end of the name part (before an apostrophe suffix)
    text: str
    capital: bool
    sentence_start: bool
    gap_break: bool  # punctuation between this word and the previous one
    suffix: bool = False  # an apostrophe suffix followed (Maduro'yu): the name ends here
    quoted: bool = False  # only an opening quote stands between this word and the previous one


@dataclass(slots=True)
class _Cand:
    words: list[_Word]
    after_title: bool = False
    after_org: bool = False
    after_in: bool = False  # right after a locative preposition (w, v, в)
    after_misc: bool = False  # right after a press or pipeline word (gazeta „X", газопровод «X»)
    after_loc: bool = False  # right after a lower-case place word (letiště X, провинции X)


def _parts(text: str, start: int, end: int, lang: str | None) -> list[tuple[int, int]]:
    """A hyphenated word as one word, or its parts when they are names of their own (ABD-Venezuela)."""
    word = text[start:end]
    if "-" not in word:
        return [(start, end)]
    pieces = word.split("-")
    if pieces[0][:1].isupper() and _word_suffixes(pieces[1:], lang):
        # a name and a word after it make a word (Taliban-like, Netherlands-based): the name;
        # a letter and a word are a word (U-turn, X-ray)
        return [(start, start + len(pieces[0]))] if len(pieces[0]) > 1 else []
    if not all(p[:1].isupper() for p in pieces) or mention_types.known(word, lang):
        return [(start, end)]  # a listed name of two (Interfax-Ukraine, an agency) is one
    german = mention_types.lemma_lang(lang) == "de"
    if german and _german_noun_piece(pieces[-1]) and not any(map(_german_noun_piece, pieces[:-1])):
        # a name before a German noun is the compound's name (Ferrari-Pilot, BBC-Experte)
        return [(start, start + len("-".join(pieces[:-1])))]
    if not any(mention_types.known(p, lang) for p in pieces):
        return [(start, end)]
    out, pos = [], start
    for p in pieces:
        out.append((pos, pos + len(p)))
        pos += len(p) + 1
    return out


# a lower-case part after a hyphen this long or longer is a word, not a syllable (Jong-un)
_SUFFIX_WORD = 3


def _word_suffixes(pieces: list[str], lang: str | None) -> bool:
    """Lower-case dictionary words after a name's hyphen (-like, -based, -led, -era)."""
    return all(
        p.islower() and len(p) >= _SUFFIX_WORD and mention_types.ordinary(p, lang) for p in pieces
    )


_PLURAL_ACRONYM = re.compile(r"[A-Z]{2,}s")
_NUMBER_SIGN = re.compile(r"\.\s?\d")


def _not_a_name(w: _Word, text: str) -> bool:
    """A plural of an acronym (MPs, TVs: a kind of thing) or a number sign before its number
    (No.1, Nr. 5, Br. 3)."""
    word = w.text
    if word.endswith("s") and _PLURAL_ACRONYM.fullmatch(word):
        return True
    return len(word) <= 3 and bool(_NUMBER_SIGN.match(text, w.end))


def _german_noun_piece(piece: str) -> bool:
    """A German common noun (with a plural, or an inflected form) standing in a compound."""
    return mention_types.has_plural(piece) or mention_types.german_inflected(piece)


def _gap_is_stop(text: str, start: int, end: int) -> bool:
    """The characters between two words are a full stop and one space."""
    return end - start == 2 and text[start] == "." and text[start + 1] == " "


def _title_abbreviation(word: str, lang: str | None) -> bool:
    """A short capitalised title word (Sen, Rep, Gov, Dr) the full stop after it abbreviates."""
    return word[:1].isupper() and len(word) <= 5 and word.lower() in lexicon.cues(lang).titles


class _Tokens(NamedTuple):
    """The tokens of a paragraph as columns: where each starts, where its name part ends
    (before an apostrophe suffix), where it ends with its suffix, and whether it has one
    (None: no token has)."""

    starts: list[int]
    name_ends: list[int]
    afters: list[int]
    suffixes: list[bool] | None


def _raw_tokens(text: str, start: int, end: int, lang: str | None) -> _Tokens:
    """Tokens of text[start:end] (see _Tokens).

    Most paragraphs have no apostrophe: their tokens are the regex's matches as they are,
    split out and measured in C (no Python step a token); the others go token by token."""
    segment = text[start:end]
    if not any(a in segment for a in _APOS):
        # [gap, token, gap, ..., token, gap]: a token starts where the text before it ends
        offsets = list(accumulate(map(len, _TOKEN_PARTS.split(segment)), initial=start))
        starts, ends = offsets[1:-1:2], offsets[2:-1:2]
        if "-" not in segment:
            return _Tokens(starts, ends, ends, None)
        name_ends, suffixes = list(ends), [False] * len(ends)
        for k in _holding(text, starts, ends, "-"):
            _, name_ends[k], _, suffixes[k] = _acronym_cut(text, starts[k], ends[k], ends[k], False)
        return _Tokens(starts, name_ends, ends, suffixes)
    raw: list[tuple[int, int, int, bool]] = []
    pos = start
    inner_apos = lang in _INNER_APOS_LANGS
    for m in _TOKEN.finditer(text, start, end):
        w_start, w_end = m.span()
        if w_start < pos:
            continue  # taken by an apostrophe suffix
        name_end = pos = w_end
        suffix = False
        # apostrophe: Turkish/English suffix (Maduro'yu) is cut; Ukrainian inner one is kept
        while pos < end and text[pos] in _APOS and pos + 1 < end and text[pos + 1].isalpha():
            nxt = _WORD.match(text, pos + 1, end)
            if not nxt:
                break
            if inner_apos or text[pos + 1].isupper():
                name_end = nxt.end()
            else:
                suffix = True
            pos = nxt.end()
        raw.append(_acronym_cut(text, w_start, name_end, pos, suffix))
    columns = [list(c) for c in zip(*raw, strict=True)] or [[], [], [], []]
    return _Tokens(*columns)


def _holding(text: str, starts: list[int], ends: list[int], char: str) -> list[int]:
    """The tokens (by index; sorted starts, their ends) that hold `char`, found by finding
    each `char` in the text (a few finds in C) rather than by looking into every token."""
    if not starts:
        return []
    out: list[int] = []
    at = text.find(char, starts[0], ends[-1])
    while at >= 0:
        k = bisect_right(starts, at) - 1
        if k >= 0 and at < ends[k] and (not out or out[-1] != k):
            out.append(k)
        at = text.find(char, at + 1, ends[-1])
    return out


def _acronym_cut(
    text: str, start: int, name_end: int, after: int, suffix: bool
) -> tuple[int, int, int, bool]:
    """An acronym with its case ending after a hyphen (FBI-ul, UN-a, TV-u) ends at the hyphen."""
    if text.find("-", start, name_end) < 0:
        return start, name_end, after, suffix
    acronym = _ACRONYM_SUFFIX.match(text, start, name_end)
    if acronym:
        return start, acronym.end(1), after, True
    return start, name_end, after, suffix


TITLE_REACH = 3
_ORG = mention_cues.CUE_BITS["org"]
"""Words between a title and the organisation word it heads (ministra za energetiko Rick Perry)."""


def _words(text: str, start: int, end: int, lang: str | None) -> list[_Word]:
    """Words of text[start:end] with their capitalisation and sentence position.

    Only capitalised words and their neighbours are kept: a lower-case word between two other
    lower-case words changes nothing in a run or its context (the next kept word then counts as
    after a break, so nothing joins across the words left out).
    """
    starts, name_ends, afters, suffixes = _raw_tokens(text, start, end, lang)
    n = len(starts)
    # a token's first letter in capitals, read in C
    upper = list(map(str.isupper, map(text.__getitem__, starts)))
    capitals = list(compress(range(n), upper))
    if text.find("-", start, end) >= 0:
        hyphenated = _holding(text, starts, name_ends, "-")
        capitals = sorted({*capitals, *hyphenated})
    # a capitalised word and the words either side of it; after an organisation word, the words
    # back to a title that may head it (ředitel společnosti Jan Novák: the run finder's _titled)
    near = {*capitals, *map((-1).__add__, capitals), *map((1).__add__, capitals)}
    masks = mention_cues.cue_masks(lang)
    near.discard(-1)
    near.discard(n)
    for i in capitals:
        j = i - 1
        if j > 0 and not upper[j]:
            word = text[starts[j] : name_ends[j]].lower()
            if masks[word] & _ORG:
                near.update(range(max(0, j - TITLE_REACH), j))
    out: list[_Word] = []
    append = out.append
    for i in sorted(near):
        w_start, name_end = starts[i], name_ends[i]
        suffix = suffixes[i] if suffixes is not None else False
        token = text[w_start:name_end]
        quoted = False
        if not i:
            sent = brk = True  # the paragraph's first word
        else:
            prev_end = afters[i - 1]
            kept_prev = (i - 1) in near
            if w_start - prev_end == 1 and text[prev_end] == " ":
                # the common case: one space after the previous word, no break
                sent, brk = False, not kept_prev
            elif _gap_is_stop(text, prev_end, w_start) and _title_abbreviation(
                text[starts[i - 1] : name_ends[i - 1]], lang
            ):
                # a title written short (Sen. Warren, Det. Dennis McCarthy): the full stop is
                # its own
                sent, brk = False, not kept_prev
            else:
                gap = text[prev_end:w_start]
                opener = gap.strip()
                # quoted speech starts a sentence (He said, "Because ...")
                sent = bool(_SENTENCE_END.search(gap)) or (
                    opener != "" and (opener in _OPENERS or opener[-1] in _QUOTE_OPENERS)
                )
                brk = bool(_BREAK.search(gap)) or not kept_prev
                quoted = opener != "" and not opener.strip(_QUOTES)
        if "-" not in token:
            append(_Word(w_start, name_end, token, upper[i], sent, brk, suffix, quoted))
        else:
            for k, (p_start, p_end) in enumerate(_parts(text, w_start, name_end, lang)):
                part = text[p_start:p_end]
                last = p_end == name_end
                append(
                    _Word(
                        p_start,
                        p_end,
                        part,
                        part[:1].isupper(),
                        sent and k == 0,
                        brk or k > 0,
                        suffix and last,
                        quoted and k == 0,
                    )
                )
    return out


@lru_cache(maxsize=100_000)
def _known_whole(texts: tuple[str, ...], lang: str | None) -> bool:
    """A run plus its lower-case word is a well-known name or a place (Bela kuća), or one with a
    short adjective's case ending (Črnega morja: the Black Sea)."""
    whole = name_key(texts, lang)
    return (
        whole in lexicon.fixed_names()
        or lexicon.place(whole, lang, strict=True) is not None
        or lexicon.listed_inflected(whole) is not None
    )


@lru_cache(maxsize=200_000)
def _calendar(word: str, lang: str | None) -> bool:
    """A month or weekday name in any inflected form the date tagger knows (Δεκέμβριο,
    Παρασκευής, novembra): never a name. A month that is also a name or a word (May, Mai,
    Ekim) is left to the stop list, which knows it by its plain form only."""
    table = datewords.lexicon(lang)
    folded = datewords.fold(word)
    if folded in table.weekdays:
        return True
    return folded in table.months and folded not in table.ambiguous


@lru_cache(maxsize=200_000)
def _given_only(word: str, lang: str | None) -> bool:
    """A word known only as a given name's key, not as a place or a well-known name."""
    key = token_key(word, lang)
    return (
        key in lexicon.given_name_keys()
        and key not in lexicon.fixed_names()
        and lexicon.place(key, lang, strict=True) is None
    )


# a clitic or article written onto a word with a hyphen (Într-un, Adresându-se, Dintr-o)
_CLITIC = 3


@lru_cache(maxsize=200_000)
def _clitic(word: str, lang: str | None) -> bool:
    """An ordinary word with a lower-case clitic after a hyphen (Într-un, Adresându-se): a
    word of the language, never a name (Jong-un's head is no word; SAD-a's is in capitals)."""
    head, _, tail = word.rpartition("-")
    return (
        bool(head)
        and tail.islower()
        and len(tail) <= _CLITIC
        and not head.isupper()
        and mention_types.ordinary(head, lang)
    )


@lru_cache(maxsize=200_000)
def _word_not_place(word: str, lang: str | None) -> bool:
    """An ordinary word of the language whose key only meets a place's or a well-known name's
    (Νομίζω and Νόμε, Είχε and Αιγαίο): their own spellings are other words."""
    if not mention_types.is_common(word, lang):
        return False
    key = token_key(word, lang)
    spellings = set(lexicon.fixed_spellings().get(key, ()))
    spellings.add(lexicon.place_spelling(key, lang) or "")
    return fold(word, lang) not in spellings and fold(word, None) not in spellings


@lru_cache(maxsize=200_000)
def _known_word(word: str, lang: str | None) -> tuple[bool, bool]:
    """(a given name, well-known name or place of the language; any place at all) for one word."""
    key = token_key(word, lang)
    fixed = key in lexicon.given_name_keys() or lexicon.fixed_name(key, word) is not None
    # a short key is a place's only where the word spells it on (Mali, not the German Mal)
    spelled = lexicon.spelled_like_place(word, key, lang)
    fixed = fixed or (spelled and lexicon.place(key, lang, strict=True) is not None)
    return fixed, fixed or (spelled and lexicon.place(key, lang) is not None)


def _german_common(word: str, lang: str | None, after_determiner: bool = False) -> bool:
    """A capitalised German word that is a noun of the language, not a place or a known name
    (German capitalises every noun; Moskau and Caracas are in the dictionary too)."""
    if not mention_types.german_noun(word, lang, after_determiner):
        return False
    key = token_key(word, lang)
    return (
        lexicon.place(key, lang) is None
        and key not in lexicon.fixed_names()
        and key not in lexicon.given_name_keys()
    )


_LONG_COMPOUND = 10


def _dictionary_word(surface: str, key: str, lang: str | None) -> bool:
    """A one-word German name that is also a word of the dictionary (Ford, Zeit): German
    capitalises every noun, so only the corpus can tell (see linking.confirmed)."""
    if " " in surface or " " in key or surface.isupper() or _known_word(surface, lang)[1]:
        return False
    # a word of the dictionary, or a long one ending in one (Sicherheitsplattform, Karrenbauer)
    return lemmas.is_known(surface, "de") or (
        len(surface) >= _LONG_COMPOUND and mention_types.compound(surface)
    )
