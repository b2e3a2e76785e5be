"""The article-wide evidence of mention_trim._Seen answers a word's question by finding it in
the text the same as the sets of every word do."""

from __future__ import annotations

import re

import pytest

from dashboard.steps.mention_trim import _WORD, _after_determiner, _Seen

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
