"""Cue words: whether a lower-case word is a title, organisation, place, press or event word of
a language (or an inflected form of one), as the run finder, trimmer and typer ask of every word.

`has_cue` is the test on one kind's word and prefix sets; `cue_masks` answers every kind of a
word at once and remembers it per language (`cue_of` reads it for one kind).
"""

from __future__ import annotations

from functools import lru_cache

from dashboard.lang import lexicon

# cue words shorter than this match their inflected forms by prefix (lexicon._prefixes)
_CUE_PREFIX = 5
_SHORT_CUE_STEM = 3


def has_cue(low: str, words: frozenset[str], prefixes: frozenset[str], compound: bool) -> bool:
    """Whether a lower-case word is a cue word or an inflected form of one."""
    if low in words:
        return True
    size = len(low)
    for n in range(5, min(size, 10) + 1):
        if low[:n] in prefixes:
            return True
    # a short cue word with a case ending (sud: sudu, sudom; liga: lige; bank: banks): only
    # a stem shorter than _CUE_PREFIX (or one letter shorter, with a vowel) can be one
    if _SHORT_CUE_STEM < size < _CUE_PREFIX + 2:
        for cut in (1, 2):
            if cut == 2 and low[-2] not in _VOWELS:
                continue  # a two-letter case ending opens with a vowel (řekou, not řekli)
            stem = low[:-cut]
            if _SHORT_CUE_STEM <= len(stem) < _CUE_PREFIX and (
                stem in words
                or (len(stem) + 1 < _CUE_PREFIX and any(stem + v in words for v in "aeiou"))
            ):
                return True
    if compound and size > 8:
        return low.endswith(_long_cues(words))
    return False


# vowels that open a case ending, in the Latin, Cyrillic and Greek alphabets
_VOWELS = frozenset("aeiouyáéíóúýěůąęäöüőűăâîиаеоуыэюяіїєёαεηιουωάέήίόύώ")


@lru_cache(maxsize=256)
def _long_cues(words: frozenset[str]) -> tuple[str, ...]:
    """The cue words a German compound may end in (five letters or more), for one endswith."""
    return tuple(w for w in words if len(w) >= 5)


# the cue-word sets of each kind, with the prefix set that catches their inflected forms
_CUE_KINDS = {
    "title": ("titles", "title_prefixes"),
    "org": ("org_words", "org_prefixes"),
    "loc": ("loc_words", "loc_prefixes"),
    "misc": ("misc_words", "misc_prefixes"),
    "event": ("event_words", "event_prefixes"),
}


def cue_of(low: str, lang: str | None, kind: str) -> bool:
    """Whether a lower-case word is a `kind` cue ("title", "org", "loc") of `lang` (memoised:
    see cue_masks)."""
    return bool(cue_masks(lang)[low] & CUE_BITS[kind])


def plain_cue_of(low: str, lang: str | None, kind: str) -> bool:
    """cue_of by has_cue on each kind's own sets, one kind at a time (what cue_masks answers
    for all kinds at once)."""
    cue = lexicon.cues(lang)
    words, prefixes = _CUE_KINDS[kind]
    found = has_cue(low, getattr(cue, words), getattr(cue, prefixes), cue.compound)
    if found or kind != "title":
        return found
    # a deputy's title is a title (podpredsednik, вице-президент, wiceprzewodniczący)
    deputy = lexicon.deputy_prefixes()
    return low.startswith(deputy) and any(
        low.startswith(p)
        and len(low) - len(p) >= _CUE_PREFIX
        and plain_cue_of(low[len(p) :], lang, kind)
        for p in deputy
    )


CUE_BITS = {kind: 1 << i for i, kind in enumerate(_CUE_KINDS)}
"""The bit of each kind of cue in a word's mask (cue_masks)."""
_TITLE = CUE_BITS["title"]
CUE_WORDS = 200_000
"""Words whose cue mask a language remembers: past this many it starts again (a news corpus
has some tens of thousands of lower-case words a language)."""


class _CueMasks(dict[str, int]):
    """Lower-case word -> the kinds of cue it is (CUE_BITS), in one language, found the first
    time a word is asked and by one pass for all kinds: a word's stems and prefixes are looked
    up once in tables that hold every kind's cue words, not once a kind (has_cue)."""

    def __init__(self, lang: str | None) -> None:
        super().__init__()
        self.lang = lang
        cue = lexicon.cues(lang)
        self.words: dict[str, int] = {}
        self.prefixes: dict[str, int] = {}
        self.long_cues: list[tuple[int, tuple[str, ...]]] = []
        self.compound = cue.compound
        for kind, (words_field, prefixes_field) in _CUE_KINDS.items():
            bit, words = CUE_BITS[kind], getattr(cue, words_field)
            for w in words:
                self.words[w] = self.words.get(w, 0) | bit
            for p in getattr(cue, prefixes_field):
                self.prefixes[p] = self.prefixes.get(p, 0) | bit
            self.long_cues.append((bit, _long_cues(words)))

    def __missing__(self, low: str) -> int:
        if len(self) >= CUE_WORDS:
            self.clear()
        self[low] = mask = self._mask(low)
        return mask

    def _mask(self, low: str) -> int:
        """has_cue's tests, each asked of every kind at once (see has_cue for what they are)."""
        words, prefixes = self.words, self.prefixes
        mask = words.get(low, 0)
        size = len(low)
        for n in range(5, min(size, 10) + 1):
            mask |= prefixes.get(low[:n], 0)
        if _SHORT_CUE_STEM < size < _CUE_PREFIX + 2:
            for cut in (1, 2):
                if cut == 2 and low[-2] not in _VOWELS:
                    continue
                stem = low[:-cut]
                if _SHORT_CUE_STEM <= len(stem) < _CUE_PREFIX:
                    mask |= words.get(stem, 0)
                    if len(stem) + 1 < _CUE_PREFIX:
                        for v in "aeiou":
                            mask |= words.get(stem + v, 0)
        if self.compound and size > 8:
            for bit, long in self.long_cues:
                if low.endswith(long):
                    mask |= bit
        if not mask & _TITLE:
            # a deputy's title is a title (podpredsednik, вице-президент, wiceprzewodniczący)
            deputy = lexicon.deputy_prefixes()
            if low.startswith(deputy) and any(
                low.startswith(p)
                and len(low) - len(p) >= _CUE_PREFIX
                and self[low[len(p) :]] & _TITLE
                for p in deputy
            ):
                mask |= _TITLE
        return mask


@lru_cache(maxsize=64)
def cue_masks(lang: str | None) -> _CueMasks:
    """The cue mask of every lower-case word of `lang` (masks[low] & CUE_BITS[kind]): callers
    over many words take the table once and read it a word (no call a word)."""
    return _CueMasks(lang)
