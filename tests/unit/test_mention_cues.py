"""The cue-word test answers as its plain definition does on real cue words of many languages,
and the cue masks as each kind asked alone."""

from __future__ import annotations

import pytest

from dashboard.lang import lexicon
from dashboard.steps import mention_cues

LANGS = ["en", "de", "sr", "pl", "cs", "ru", "el", "tr", "ro", "bg", "fr"]


def _has_cue_plainly(
    low: str, words: frozenset[str], prefixes: frozenset[str], compound: bool
) -> bool:
    """has_cue as first written: every short stem and vowel form tried, every word scanned (a
    two-letter ending only when it opens with a vowel)."""
    if low in words:
        return True
    for n in (5, 6, 7, 8, 9, 10):
        if len(low) >= n and low[:n] in prefixes:
            return True
    for cut in (1, 2):
        stem = low[:-cut]
        if cut == 2 and low[-2:-1] not in "aeiouyáéíóúýěůąęäöüőűăâîиаеоуыэюяіїєёαεηιουωάέήίόύώ":
            continue  # a two-letter case ending opens with a vowel
        if len(stem) >= 3 and any(
            w in words and len(w) < 5 for w in (stem, *(stem + v for v in "aeiou"))
        ):
            return True
    if compound and len(low) > 8:
        return any(low.endswith(w) for w in words if len(w) >= 5)
    return False


def _probes(words: frozenset[str]) -> list[str]:
    """The cue words, inflected (case endings), cut short, and inside compounds."""
    out = []
    for w in sorted(words):
        out += [w, w + "a", w + "om", w + "u", w + "es", w[:-1], w[:-2], "staats" + w, w + "x"]
        out += [w[:3] + "e", w[:4] + "i", "x" + w]
    return out


@pytest.mark.parametrize("lang", LANGS)
def test_has_cue_answers_as_its_plain_definition(lang: str) -> None:
    cue = lexicon.cues(lang)
    kinds = [
        (cue.titles, cue.title_prefixes),
        (cue.org_words, cue.org_prefixes),
        (cue.loc_words, cue.loc_prefixes),
        (cue.misc_words, cue.misc_prefixes),
    ]
    found = 0
    for words, prefixes in kinds:
        for low in _probes(words):
            for compound in (False, True):
                want = _has_cue_plainly(low, words, prefixes, compound)
                assert mention_cues.has_cue(low, words, prefixes, compound) == want, low
                found += want
    assert found > 0


def test_short_cue_words_match_their_case_forms() -> None:
    words = frozenset({"sud", "liga", "bank", "ministerstvo"})
    prefixes = lexicon._prefixes(sorted(words))
    for low in ("sudu", "sudom", "lige", "banks", "ministerstvu"):
        assert mention_cues.has_cue(low, words, prefixes, compound=False), low
    # stems of five letters or more are no short cue word's (bankers: banker, banke)
    assert not mention_cues.has_cue("bankers", words, prefixes, compound=False)
    # a compound ends in a cue word of five letters or more only (not in bank)
    assert not mention_cues.has_cue("generalbank", words, prefixes, compound=True)
    assert mention_cues.has_cue("zentralministerstvo", words, prefixes, compound=True)


def test_a_short_cue_takes_a_case_ending_not_a_verbs() -> None:
    from dashboard.steps.mention_cues import cue_of

    assert cue_of("řekou", "cs", "loc")  # řeka, a river: instrumental
    assert not cue_of("řekli", "cs", "loc")  # "they said"
    assert cue_of("sudom", "hr", "org")


@pytest.mark.parametrize("lang", [*LANGS, None])
def test_the_cue_masks_answer_as_each_kind_alone(lang: str | None) -> None:
    # every kind's cue words, inflected and cut, and deputies' titles, asked of every kind
    cue = lexicon.cues(lang)
    words = cue.titles | cue.org_words | cue.loc_words | cue.misc_words | cue.event_words
    probes = _probes(words) + [p + t for p in lexicon.deputy_prefixes() for t in sorted(cue.titles)]
    mention_cues.cue_masks.cache_clear()
    found = 0
    for low in probes:
        for kind in mention_cues.CUE_BITS:
            want = mention_cues.plain_cue_of(low, lang, kind)
            assert mention_cues.cue_of(low, lang, kind) == want, (low, kind)
            found += want
    assert found > 0


def test_the_cue_masks_start_again_when_full(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(mention_cues, "CUE_WORDS", 3)
    mention_cues.cue_masks.cache_clear()
    masks = mention_cues.cue_masks("en")
    for low in ("minister", "bank", "river", "nothing", "ministry"):
        assert bool(masks[low]) == (low != "nothing"), low
        assert len(masks) <= 3
    mention_cues.cue_masks.cache_clear()
