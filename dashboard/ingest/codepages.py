"""Which legacy code page a file that is not UTF-8 was written in, decided by plausibility.

Every candidate code page (Windows 1250-1258, ISO 8859, KOI8, Mac) decodes the file. A reading
is plausible when its words keep to one script, its letters outside Latin keep to one script,
and it reads as a language: the likelihood of its character n-grams under langdetect's own
language profiles (the detector language.py runs) is that of text, not of mojibake. langdetect's
posterior would call any Cyrillic mojibake Russian with 0.99999; the likelihood tells
"Президент" from "П Рсьедспт". The most likely reading wins, and how sure it is comes from
comparing it with the other readings. A file whose stretches read best in different code pages
is refused rather than half garbled.
"""

from __future__ import annotations

import dataclasses
import json
import math
import re
import unicodedata
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from importlib import resources
from importlib.metadata import version
from typing import Any, NamedTuple

import numpy as np
from langdetect.utils.ngram import NGram

from dashboard.ingest import ahead
from dashboard.lang import codepoints, datacache
from dashboard.steps import language

# words of ASCII letters and high bytes: only words with a high byte differ between code pages
_WORD = re.compile(rb"[A-Za-z\x80-\xff]+")
_SAMPLE_WORDS = 400
# an n-gram a profile does not list (a profile keeps n-grams seen about once in 10,000)
_UNSEEN = math.log(1e-7)
MIN_LIKELIHOOD = -9.0
"""Mean log-probability per n-gram below which a reading does not read as any language: text
scores -5 to -7 (-8 for Belarusian, which langdetect has no profile of), mojibake -9 to -15."""
MIN_ONE_SCRIPT = 0.95
"""Share of words (and of letters outside Latin) that must keep to one script."""
# a character that is not a letter costs about what a rare letter costs, between two letters
# (other than an apostrophe) what an unseen one costs
_SYMBOL = math.log(1e-5)
_APOSTROPHES = "\u2019\u02bc\u2018\u00b4"
# a code page the language is seldom written in is this much (log) less likely a priori
_UNUSUAL_PAGE = math.log(0.05)
_DETECT_CHARS = 20_000
# stretches of this many words are compared between readings: one that another code page
# reads much better (per n-gram) is in that code page, and a file with many is mixed
_CHUNK_WORDS = 25
_MIXED_MARGIN = 1.5
_MAX_MIXED = 0.2
_NOT_LETTER = re.compile(r"[\W\d_]+")
# control and format characters, unassigned code points: never in text a person wrote
_CONTROL = {"Cc", "Cf", "Cn", "Co", "Cs"}
# n-grams of one to three letters overlap, so a text's evidence is about a third of their count
_OVERLAP = 3.0


# BOM -> codec; UTF-32 first because its little-endian BOM starts with UTF-16's.
BOMS = (
    (b"\xff\xfe\x00\x00", "utf-32-le", "UTF-32"),
    (b"\x00\x00\xfe\xff", "utf-32-be", "UTF-32"),
    (b"\xef\xbb\xbf", "utf-8", "UTF-8"),
    (b"\xff\xfe", "utf-16-le", "UTF-16"),
    (b"\xfe\xff", "utf-16-be", "UTF-16"),
)


class Undecodable(ValueError):
    """No legacy code page gives text: the message says why, for an analyst."""


@dataclass(frozen=True)
class Decoding:
    """A legacy code page's reading of a file: the text, the code page, the language it reads
    as, and how sure the choice is (0-1, against the other code pages' readings)."""

    text: str
    codec: str
    language: str
    confidence: float

    def note(self) -> str:
        """The warning an article carries: which code page, which language, how sure."""
        return f"not UTF-8, read as {self.codec} ({self.language}, {self.confidence:.0%} sure)"


@dataclass(frozen=True)
class _Reading:
    codec: str
    loglik: float
    chunks: np.ndarray  # mean log-probability per n-gram of each stretch of words
    one_script: bool


@dataclass(frozen=True)
class _Profiles:
    """langdetect's profiles as one matrix: n-gram row -> log-probability per language. The last
    row is an n-gram no profile lists (_UNSEEN in every language): row -1. `slots` holds each
    listed n-gram as one integer (`_gram_code`) in a hash table (`_hash_table`), `slot_rows`
    its row."""

    languages: list[str]
    grams: list[str]  # the n-gram of each row
    logp: np.ndarray
    letter_rows: np.ndarray  # the row of each one-letter n-gram by code point (the BMP; -1: none)
    largest: float  # the largest |log-probability|
    slots: np.ndarray  # the code of the n-gram in each slot (-1: an empty slot)
    slot_rows: np.ndarray  # the row of the n-gram in each slot


@cache
def _table() -> dict[str, Any]:
    text = resources.files("dashboard").joinpath("data/codepages.json").read_text("utf-8")
    return dict(json.loads(text))


@cache
def _profiles() -> _Profiles:
    """The profiles, built once (0.25-0.45 s: every profile's JSON read and folded) and kept on disk
    for this langdetect (`datacache`): a process's first file not in UTF-8 does not wait."""
    languages, grams, logp, slots, slot_rows = datacache.cached(
        f"codepage_profiles_{version('langdetect')}", _built_profiles
    )
    logp_rows = np.frombuffer(logp, np.float64).reshape(-1, len(languages))
    letter_rows = np.full(0x10000, -1, np.int64)
    for row, gram in enumerate(grams):
        if len(gram) == 1 and ord(gram) < letter_rows.size:
            letter_rows[ord(gram)] = row
    return _Profiles(
        languages,
        grams,
        logp_rows,
        letter_rows,
        float(np.abs(logp_rows).max()),
        np.frombuffer(slots, np.int64),
        np.frombuffer(slot_rows, np.int64),
    )


def _built_profiles() -> tuple[list[str], list[str], bytes, bytes, bytes]:
    """The profiles' languages, n-grams (a row each), the log-probabilities (rows of a float64
    per language, and the row of unlisted n-grams last) and the n-grams' hash table, as the
    disk cache keeps them (plain values)."""
    root = resources.files("langdetect").joinpath("profiles")
    languages = list(_table()["profiles"])
    folded: list[Counter[str]] = []
    totals: list[list[int]] = []
    for lang in languages:
        profile = json.loads(root.joinpath(lang).read_text("utf-8"))
        counts: Counter[str] = Counter()
        # case-folded: langdetect's profiles skip all-capital words, a headline is not mojibake
        for gram, count in profile["freq"].items():
            counts["".join(_fold(ch) for ch in gram)] += count
        folded.append(counts)
        totals.append(profile["n_words"])
    grams = sorted(set().union(*folded))
    rows = {gram: i for i, gram in enumerate(grams)}
    logp = np.full((len(rows) + 1, len(languages)), _UNSEEN)  # + the row of unlisted n-grams
    for j, counts in enumerate(folded):
        for gram, count in counts.items():
            logp[rows[gram], j] = math.log(count / totals[j][len(gram) - 1])
    slots, slot_rows = _hash_table(np.fromiter(map(_gram_code, grams), np.int64, len(grams)))
    return languages, grams, logp.tobytes(), slots.tobytes(), slot_rows.tobytes()


_BITS = 21
"""Bits of a code point: an n-gram of up to three characters is one integer of 63 bits."""


def _gram_code(gram: str) -> int:
    """An n-gram as one integer, its characters' code points side by side: a bigram's first
    character is at least a space (0x20), so no two n-grams of any length share a code."""
    code = 0
    for ch in gram:
        code = (code << _BITS) | ord(ch)
    return code


class _Normalized(dict[int, str]):
    """str.translate table: a character as langdetect's n-grams see it (NGram.normalize),
    case-folded; filled a character at a time, the first time one is met (a call a character
    of every reading of every file was most of the decoding's time)."""

    def __missing__(self, code: int) -> str:
        self[code] = folded = _fold(NGram.normalize(chr(code)))
        return folded


_NORMALIZED = _Normalized()
_NORMAL_BMP = np.full(0x10000, -1, np.int64)
"""`_NORMALIZED` of the characters of the Basic Multilingual Plane met so far, as code points, by
code point (-1: not yet): a reading is normalised in one gather."""


def _code_points(text: str) -> np.ndarray:
    """The code points of `text`, as the evidence's arithmetic takes them."""
    return codepoints.of(text).astype(np.int64)


def _normal_codes(codes: np.ndarray) -> np.ndarray:
    """The code points of the text of `codes` translated by _NORMALIZED (a character normalises
    to one character)."""
    return codepoints.by_table(codes, _NORMAL_BMP, _each(lambda code: ord(_NORMALIZED[code])))


def _each(value: Callable[[int], int]) -> Callable[[list[int]], list[int]]:
    """`value` of each of a list of code points (codepoints.by_table asks for a list)."""
    return lambda codes: [value(code) for code in codes]


_IS_PIECE, _IS_ALPHA, _IS_APOSTROPHE, _IS_CONTROL = 1, 2, 4, 8
_LATIN = 0  # script number of LATIN (`_CharTable.scripts`)


class _CharTable(dict[int, int]):
    """What a reading's arrays ask of a character (by code point), looked up once a character:
    bit flags (_IS_PIECE: a letter of an n-gram piece, as langdetect's normalised character;
    _IS_ALPHA; _IS_APOSTROPHE; _IS_CONTROL: control, format, unassigned or private), and above
    them the number of its script (the first word of its Unicode name, numbered as met)."""

    def __init__(self) -> None:
        super().__init__()
        self.scripts: dict[str, int] = {"LATIN": _LATIN}

    def __missing__(self, code: int) -> int:
        ch = chr(code)
        script = unicodedata.name(ch, "UNKNOWN").split(" ", 1)[0]
        number = self.scripts.setdefault(script, len(self.scripts))
        flags = (
            (0 if _NOT_LETTER.match(ch) else _IS_PIECE)  # _NOT_LETTER does not split at it
            | (_IS_ALPHA if ch.isalpha() else 0)
            | (_IS_APOSTROPHE if ch in _APOSTROPHES else 0)
            | (_IS_CONTROL if unicodedata.category(ch) in _CONTROL else 0)
        )
        self[code] = value = (number << 4) | flags
        return value


_CHARS = _CharTable()
_BMP = np.full(0x10000, -1, np.int64)
"""`_CHARS` of the characters of the Basic Multilingual Plane met so far, by code point (-1: not
yet): a reading's characters are looked up in one gather."""


def _char_table(codes: np.ndarray) -> np.ndarray:
    """`_CHARS` of each code point."""
    return codepoints.by_table(codes, _BMP, _each(_CHARS.__getitem__))


def decode_legacy(data: bytes) -> Decoding:
    """The most plausible legacy reading of bytes that are not UTF-8; Undecodable when none
    reads as text, or when parts of the file read as text only in different code pages.

    While a helper works ahead on the inputs (ahead.py), its decision is taken if it made one."""
    made = ahead.result(AHEAD_KIND, data, decided)
    if "error" in made:
        raise Undecodable(made["error"])
    return Decoding(**made)


AHEAD_KIND = "page"
"""The name of a code-page decision among the results a helper hands over (ahead.py)."""


def needs_deciding(data: bytes) -> bool:
    """Whether `decode` would decide a code page for these bytes: not empty, no NUL byte (binary),
    no byte order mark, not UTF-8."""
    if not data or b"\x00" in data or any(data.startswith(bom) for bom, _, _ in BOMS):
        return False
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return True
    return False


def decided(data: bytes) -> dict[str, Any]:
    """`decode_legacy`'s decision made for a helper to hand over: the Decoding's fields, or
    {"error": why} for a refusal."""
    try:
        return dataclasses.asdict(_decide(data))
    except Undecodable as exc:
        return {"error": str(exc)}


def _decide(data: bytes) -> Decoding:
    """decode_legacy's decision, made here."""
    words = [w for w in _WORD.findall(data) if max(w) >= 0x80][:_SAMPLE_WORDS]
    sample = b" ".join(words)
    # normalised reading's code points -> (code page, reading, those code points)
    seen: dict[bytes, tuple[str, str, np.ndarray]] = {}
    for codec in _table()["candidates"]:
        # a page that cannot decode every byte still shows which stretches it reads well
        text = sample.decode(codec, errors="replace")
        # the same letters as a page tried before (as langdetect sees letters): not read again
        normal = _normal_codes(_code_points(text))
        seen.setdefault(normal.tobytes(), (codec, text, normal))
    pages = [(codec, text) for codec, text, _ in seen.values()]
    read = _readings(pages, [normal for _, _, normal in seen.values()])
    readings = [r for r in read if r is not None]
    plausible: list[tuple[float, _Reading, Decoding]] = []
    for reading in readings:
        if reading.chunks.mean() < MIN_LIKELIHOOD or not reading.one_script:
            continue
        found = _decoding(data, reading.codec)
        if found is not None:
            plausible.append((reading.loglik / _OVERLAP + found[1], reading, found[0]))
    if not plausible:
        raise Undecodable(
            "not UTF-8, and no legacy code page (Windows, ISO 8859, KOI8, Mac) reads as text "
            "in a language: save it as UTF-8"
        )
    score, best, decoding = max(plausible, key=lambda p: p[0])
    rivals = [r.chunks for r in readings if r is not best]
    if rivals and (np.max(rivals, axis=0) - best.chunks > _MIXED_MARGIN).mean() > _MAX_MIXED:
        raise Undecodable(
            f"not UTF-8, and parts of it read as text in different code pages ({best.codec} "
            "for some): save it as UTF-8"
        )
    confidence = 1.0 / sum(math.exp(other - score) for other, _, _ in plausible)
    return dataclasses.replace(decoding, codec=_name(data, decoding), confidence=confidence)


class _Evidence(NamedTuple):
    """What a reading's words say (`_evidence`): the profile row of each n-gram (-1: no profile
    lists it) and the word it belongs to, in the words' order; per word, the log-probability
    cost of its characters that are not letters and how many n-grams that cost stands for; and
    what `_one_script` reads (`_CHARS` and the word of each character, the word of each
    letter)."""

    rows: np.ndarray
    owner: np.ndarray
    costs: np.ndarray
    extra: np.ndarray
    words: int
    table: np.ndarray
    word_of: np.ndarray
    letter_words: np.ndarray


def _evidence(text: str, normalized: np.ndarray | None = None) -> _Evidence | None:
    """The evidence of the words of `text` (split at spaces; None when they hold no letter).

    A word's evidence is its n-grams (langdetect's normalisation, case-folded): each piece of
    letters between characters that are not (_NOT_LETTER), then the pairs and triples of it
    padded with a space at either end (n-grams of spaces alone are no evidence); and a cost
    for each character outside ASCII that is not a letter, which stands for three n-grams
    (_SYMBOL, or _UNSEEN between two letters unless an apostrophe). Found for the whole text at
    once, over arrays of its characters: per word in Python, this was most of the time a file
    not in UTF-8 took to load. `normalized`: the `_normal_codes` of its code points, when the caller
    has them.
    """
    chars = _code_points(text)
    # a character normalises to one character: the two arrays line up
    letters = _normal_codes(chars) if normalized is None else normalized
    n = chars.size
    table = _char_table(np.concatenate([chars, letters]))
    own = table[:n]
    space = chars == 0x20
    word_of = np.cumsum(space) - space
    words = int(space.sum()) + 1
    piece = (table[n:] & _IS_PIECE) > 0
    at = np.flatnonzero(piece)
    if at.size == 0:
        return None
    first = ~np.concatenate(([False], piece[:-1]))[at]  # a piece's first and last letters
    last = ~np.concatenate((piece[1:], [False]))[at]
    piece_no = np.cumsum(first) - 1
    ch = letters[at]
    before = np.where(first, 0x20, letters[at - 1])
    after = np.where(last, 0x20, letters[np.minimum(at + 1, n - 1)])
    pairs = (before << _BITS) | ch
    # in a word's order: piece by piece, its letters, its pairs (the closing one last), its
    # triples. A piece of L letters, the p-th, whose first letter is the a-th of all, makes
    # 3L + 1 n-grams from place 3a + p: each n-gram is put in its place (no sort)
    starts = np.flatnonzero(first)
    lengths = np.diff(np.append(starts, at.size))
    own_start, own_length = starts[piece_no], lengths[piece_no]
    place = 2 * own_start + piece_no + np.arange(at.size)
    profiles = _profiles()
    rows = np.empty(3 * at.size + starts.size, np.int64)
    rows[place] = _rows_of(ch, profiles)
    rows[place + own_length] = _rows_of(pairs, profiles)
    rows[3 * starts + np.arange(starts.size) + 2 * lengths] = _rows_of(
        (ch[last] << _BITS) | 0x20, profiles
    )
    rows[place + 2 * own_length + 1] = _rows_of((pairs << _BITS) | after, profiles)
    alpha = (own & _IS_ALPHA) > 0
    symbols = np.flatnonzero((chars >= 0x80) & ~alpha)
    # between two letters of its word (a space is no letter: the words' ends need no test)
    inside = np.concatenate(([False], alpha[:-1])) & np.concatenate((alpha[1:], [False]))
    inside &= (own & _IS_APOSTROPHE) == 0
    costs = np.bincount(
        word_of[symbols],
        weights=np.where(inside[symbols], 3 * _UNSEEN, 3 * _SYMBOL),
        minlength=words,
    )
    extra = np.bincount(word_of[symbols], minlength=words) * 3.0
    owner = np.repeat(word_of[at[starts]], 3 * lengths + 1)
    return _Evidence(rows, owner, costs, extra, words, own, word_of, word_of[alpha])


def _rows_of(grams: np.ndarray, profiles: _Profiles) -> np.ndarray:
    """The profile row of each n-gram code (-1: no profile lists it); a letter of the Basic
    Multilingual Plane by table, the others in the hash table (`_hashed`)."""
    rows = np.empty(grams.size, np.int64)
    small = grams < profiles.letter_rows.size
    rows[small] = profiles.letter_rows[grams[small]]
    rows[~small] = _hashed(grams[~small], profiles.slots, profiles.slot_rows)
    return rows


_HASH_BITS = 18
"""Slots of the n-gram hash table: 2^18, about eight for each of langdetect's ~31,000 n-grams
(a sparse table: most look-ups end at their first slot)."""
_HASH_MULTIPLIER = np.uint64(0x9E3779B97F4A7C15)  # Fibonacci hashing: 2^64 / the golden ratio


def _slot(codes: np.ndarray, bits: int) -> np.ndarray:
    """Each code's first slot in a table of 2^bits: the top bits of code x the multiplier
    (modulo 2^64)."""
    return ((codes.astype(np.uint64) * _HASH_MULTIPLIER) >> np.uint64(64 - bits)).astype(np.int64)


def _hash_table(codes: np.ndarray, bits: int = _HASH_BITS) -> tuple[np.ndarray, np.ndarray]:
    """`codes` (distinct, non-negative) in an open-addressing table of 2^bits slots, linear
    probing: (the code in each slot, -1 where empty; the index in `codes` of each slot's code).
    A binary search of the sorted codes, a look-up per n-gram of every reading of every file,
    took twice as long."""
    size = 1 << bits
    if codes.size * 2 > size:
        raise ValueError(f"{codes.size} codes do not fit a sparse table of {size} slots")
    slots = np.full(size, -1, np.int64)
    slot_rows = np.full(size, -1, np.int64)
    firsts = _slot(codes, bits).tolist()
    for row, (code, first) in enumerate(zip(codes.tolist(), firsts, strict=True)):
        at = first
        while slots[at] >= 0:
            at = (at + 1) & (size - 1)
        slots[at], slot_rows[at] = code, row
    return slots, slot_rows


def _hashed(grams: np.ndarray, slots: np.ndarray, slot_rows: np.ndarray) -> np.ndarray:
    """The row of each code of `grams` in the table `_hash_table` made (-1: not in it): every
    code probes its next slot at once, until each has met itself or an empty slot."""
    mask = slots.size - 1
    at = _slot(grams, mask.bit_length())
    held = slots[at]
    hit = held == grams
    found = np.where(hit, slot_rows[at], -1)
    pending = np.flatnonzero(~hit & (held >= 0))  # another code there: the next slot
    at = (at[pending] + 1) & mask
    while pending.size:
        held = slots[at]
        hit = held == grams[pending]
        found[pending[hit]] = slot_rows[at[hit]]
        going = ~hit & (held >= 0)
        pending, at = pending[going], (at[going] + 1) & mask
    return found


def _readings(
    pages: list[tuple[str, str]], normalized: list[np.ndarray] | None = None
) -> list[_Reading | None]:
    """Each (code page, reading of the sample words)'s log-likelihood under the profile that
    fits it best, and the mean log-probability per n-gram of each stretch of words (None: a
    reading with no letter). `_evidence` finds what each word says for all of them at once (the
    readings joined by a space: a word never spans two), a file's arrays in one pass rather
    than a pass a reading; each reading's numbers are then those of its own words.
    normalized: the readings' `_normal_codes`, when the caller has them."""
    texts = [text for _, text in pages]
    joined = " ".join(texts)
    if normalized is not None:  # joined as the texts are, by a space (normalised as itself)
        space = np.array([0x20], np.int64)
        parts = [part for codes in normalized for part in (space, codes)][1:]
        found = _evidence(joined, np.concatenate(parts) if parts else space[:0])
    else:
        found = _evidence(joined)
    if found is None:
        return [None] * len(pages)
    words = np.array([text.count(" ") + 1 for text in texts])
    first_word = np.concatenate(([0], np.cumsum(words)[:-1]))
    # each word's and each n-gram's reading, each reading's span of n-grams
    word_reading = np.repeat(np.arange(len(pages)), words)
    reading_of = word_reading[found.owner]
    spans = np.searchsorted(reading_of, np.arange(len(pages) + 1))
    profiles = _profiles()
    logp = profiles.logp
    best = _best_profiles(found.rows, reading_of, spans, profiles)
    chosen = logp[found.rows, best[reading_of]]  # row -1: an n-gram no profile lists
    per_word = np.bincount(found.owner, weights=chosen, minlength=found.words) + found.costs
    evidence = np.bincount(found.owner, minlength=found.words) + found.extra
    # stretches of _CHUNK_WORDS words of each reading, numbered on from reading to reading
    local = np.arange(found.words) - np.repeat(first_word, words)
    stretches = -(-words // _CHUNK_WORDS)
    stretch = np.repeat(np.cumsum(stretches) - stretches, words) + local // _CHUNK_WORDS
    means = np.bincount(stretch, weights=per_word) / np.maximum(
        np.bincount(stretch, weights=evidence), 1
    )
    one_script = _one_script(found, word_reading, words)
    out: list[_Reading | None] = []
    for r, (codec, _) in enumerate(pages):
        if spans[r] == spans[r + 1]:
            out.append(None)
            continue
        w0, w1 = int(first_word[r]), int(first_word[r] + words[r])
        s0 = int(stretch[w0])
        loglik = float(per_word[w0:w1].sum())
        out.append(_Reading(codec, loglik, means[s0 : s0 + stretches[r]], bool(one_script[r])))
    return out


def _best_profiles(
    rows: np.ndarray, reading_of: np.ndarray, spans: np.ndarray, profiles: _Profiles
) -> np.ndarray:
    """The profile (column of profiles.logp) under which each reading's n-grams (`rows`, of reading
    `reading_of`, reading r's from spans[r] to spans[r + 1]) are most likely: the argmax of the
    column sums of their rows as `sum(axis=0)` takes them (0 for a reading with none).

    The sums are taken first as each distinct row's count times its log-probabilities (~1/6 of
    the time: a file's n-grams repeat). Two sums of the same terms in different orders differ by
    at most (n + distinct) x 2^-53 x the sum of |log-probabilities| (n: the reading's n-grams),
    under n^2 x max|logp| x 2^-52; `bound` doubles that, for the terms of second order. A
    reading whose two best profiles are closer than twice the bound is summed again as
    `sum(axis=0)` sums it: the choice is always that sum's argmax."""
    readings = spans.size - 1
    logp = profiles.logp
    size = logp.shape[0]
    distinct, counts = np.unique(reading_of * size + rows % size, return_counts=True)
    sums = np.zeros((readings, logp.shape[1]))
    owners = distinct // size
    weighted = counts[:, None] * logp[distinct % size]
    starts = np.searchsorted(owners, np.arange(readings))
    held = np.flatnonzero(np.diff(np.append(starts, owners.size)) > 0)
    sums[held] = np.add.reduceat(weighted, starts[held], axis=0)
    best = sums.argmax(axis=1)
    top2 = -np.partition(-sums, 1, axis=1)[:, :2] if logp.shape[1] > 1 else None
    n = np.diff(spans).astype(np.float64)
    bound = 2 * n * n * profiles.largest * 2.0**-52
    for r in range(readings):
        near = top2 is not None and top2[r, 0] - top2[r, 1] <= 2 * bound[r]
        if near and spans[r] < spans[r + 1]:
            best[r] = int(logp.take(rows[spans[r] : spans[r + 1]], axis=0).sum(axis=0).argmax())
    return best


def _one_script(found: _Evidence, reading_of: np.ndarray, words: np.ndarray) -> np.ndarray:
    """For each reading: no control characters, and its words and its letters outside Latin
    keep to one script (reading_of: each word's reading; words: each reading's words)."""
    readings = words.size
    # a character's reading: that of its word (a joining space is no control character)
    control = np.bincount(
        reading_of[found.word_of[(found.table & _IS_CONTROL) > 0]], minlength=readings
    )
    scripts = found.table[(found.table & _IS_ALPHA) > 0] >> 4
    known = len(_CHARS.scripts)
    # words whose letters are of two scripts or more: a letter of another script than its
    # word's first letter (the letters come word by word)
    words_of = found.letter_words
    opens = np.flatnonzero(np.diff(words_of, prepend=-1))  # each word's first letter
    first = np.repeat(opens, np.diff(np.append(opens, words_of.size)))
    mixed_words = np.flatnonzero(
        np.bincount(words_of[scripts != scripts[first]], minlength=found.words)
    )
    mixed = np.bincount(reading_of[mixed_words], minlength=readings)
    other = scripts != _LATIN
    counts = np.bincount(
        reading_of[found.letter_words[other]] * known + scripts[other],
        minlength=readings * known,
    ).reshape(readings, known)
    total, most = counts.sum(axis=1), counts.max(axis=1)
    return (
        (control == 0)
        & ~(mixed > (1 - MIN_ONE_SCRIPT) * words)
        & ((total == 0) | (most >= MIN_ONE_SCRIPT * total))
    )


def _decoding(data: bytes, codec: str) -> tuple[Decoding, float] | None:
    """The whole file in a code page (None when a byte has no character there), the language
    the detector gives it, and the log prior of that page for that language."""
    try:
        text = data.decode(codec)
    except UnicodeDecodeError:
        return None
    lang, _ = language.detect_text(text[:_DETECT_CHARS])
    if lang is None:
        return None
    usual = _table()["languages"].get(lang, [codec])
    return Decoding(text, codec, lang, 0.0), 0.0 if codec in usual else _UNUSUAL_PAGE


def _name(data: bytes, decoding: Decoding) -> str:
    """The code page to name for a reading: the language's usual page when several give it."""
    for codec in _table()["languages"].get(decoding.language, []):
        try:
            if data.decode(codec) == decoding.text:
                return str(codec)
        except UnicodeDecodeError:
            continue
    return decoding.codec


def _fold(ch: str) -> str:
    """Lower case, one character for one (Turkish İ would become two)."""
    low = ch.lower()
    return low if len(low) == 1 else ch
