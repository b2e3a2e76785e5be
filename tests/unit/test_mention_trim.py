"""The article-wide evidence of mention_trim._Seen answers a word's question by finding it in
the text the same as the sets of every word do, and from the sets once a long article has asked
more than finds should read."""

from __future__ import annotations

import re

import pytest

from dashboard.steps.mention_trim import _WORD, _after_determiner, _Seen, _words_after

TEXTS = [
    "The talks in Geneva ended. Then the minister said the Talks go on, and talks Geneva",
    "Pro-Russian forces; pro-Russian Forces and a-b-c, x--Geneva -geneva iPhone, Iphone",
    "İstanbul'da istanbul and İzmir: izmir, İZMİR, kİm",  # İ lower-cases to two letters
    "ΟΔΟΣ.Α οδοΣ.Α, Η ΟΔΟΣ και η οδός Σοφίας",  # Σ lower-cases by its neighbours
    "U.S. officials, and U.S. and us. 3abc abc_def ½half Geneva",
    "a Geneva-based group; the geneva-based one, 1 Geneva",
]


@pytest.mark.parametrize("text", TEXTS)
def test_finding_a_word_agrees_with_the_sets(text: str) -> None:
    seen = _Seen(text)
    words = {"", "x", "geneva"} | set(_WORD.findall(text)) | set(re.findall(r"\S+", text))
    words |= set(re.findall(r"[^\W\d_]+", text))  # the parts of hyphenated words
    for word in sorted(words):
        assert seen.has_mid_sentence(word) == (word in seen.mid_sentence), word
        assert seen.has_lower(word.lower()) == (word.lower() in seen.lower), word


def test_the_finds_tell_words_apart() -> None:
    seen = _Seen("The talks in Geneva. Then Talks, and Pro-Russian pro-Russian")
    assert seen.has_lower("talks") and not seen.has_lower("geneva")
    assert seen.has_lower("pro-russian") and not seen.has_lower("russian")
    assert seen.has_mid_sentence("Geneva") and not seen.has_mid_sentence("Then")
    assert not seen.has_mid_sentence("Russian")  # the end of a hyphenated word


def test_a_determiner_or_a_declined_adjective_after_one_comes_before_a_word() -> None:
    text = "Gestern sah er das Haus, dann das Weiße Haus und Merkel, 2024 Haus"
    assert _after_determiner(text, text.index("Haus"), "de")
    assert _after_determiner(text, text.index("Weiße"), "de")
    assert _after_determiner(text, text.index("Haus", text.index("Weiße")), "de")
    assert not _after_determiner(text, text.index("Merkel"), "de")  # after "und"
    assert not _after_determiner(text, text.rindex("Haus"), "de")  # a number before it
    assert not _after_determiner(text, 0, "de")


@pytest.mark.parametrize(
    "text",
    [
        *TEXTS,
        "Naftogaz Naftogazu Andrij Kobolew, Naftogazem. Naftogaz-Naftogazu Andrij; xNaftogaz Ivan",
        "Kobolew Kobolew Kobolew Andrij Kobolewa",
        "Gazprom",
    ],
)
def test_the_words_after_a_stem_are_what_the_regex_reads(text: str) -> None:
    stems = {w[:n] for w in re.findall(r"\w+", text) for n in (1, 4, len(w))} | {"zzz", "-"}
    for stem in sorted(stems):
        pattern = rf"(?<!\w){re.escape(stem)}\w*(?:[ -](\w+))?"
        assert _words_after(text, stem) == [m.group(1) for m in re.finditer(pattern, text)], stem


def test_a_name_written_apart_from_the_given_name_after_it() -> None:
    seen = _Seen("Naftogazu Andrij Kobolew said. Naftogaz is state-owned. Asif Ali Zardari")
    assert seen.named_apart("Naftogazu", "Andrij")
    assert not seen.named_apart("Asif", "Ali")


def test_a_long_article_asks_its_sets_once_finds_have_read_it_enough() -> None:
    paragraph = "The talks in Geneva ended. Then the minister said the Talks go on. "
    text = paragraph * 50
    words = sorted(set(_WORD.findall(text)) | {"geneva", "x"})
    seen = _Seen(text)
    answers = [(seen.has_mid_sentence(w), seen.has_lower(w.lower())) for w in words * 40]
    # the sets were made: what finds would have read grows with the questions times the length
    assert "mid_sentence" in seen.__dict__ and "lower" in seen.__dict__
    fresh = _Seen(text)
    expected = [(w in fresh.mid_sentence, w.lower() in fresh.lower) for w in words * 40]
    assert answers == expected
    short = _Seen(paragraph)
    short.has_mid_sentence("Geneva")
    short.has_lower("talks")
    assert "mid_sentence" not in short.__dict__ and "lower" not in short.__dict__
