"""The tokeniser reads a paragraph the same on its quick path (no apostrophe, no hyphen) as
token by token."""

from __future__ import annotations

import itertools
import re

from dashboard.steps.mention_words import _TOKEN, _TOKEN_PARTS, _words


def _read(text: str, lang: str = "en") -> list[tuple[str, bool, bool, bool, bool]]:
    return [
        (w.text, w.capital, w.sentence_start, w.gap_break, w.suffix)
        for w in _words(text, 0, len(text), lang)
    ]


def test_a_paragraph_reads_the_same_with_an_apostrophe_after_it() -> None:
    # the apostrophe at the end sends the paragraph token by token; what comes before it is
    # read as the quick path reads it alone
    text = "Yesterday the talks in Geneva. Then John Smith met the minister of Foreign Affairs"
    quick = _read(text)
    slow = _read(text + " and Maduro'yu")
    assert slow[: len(quick)] == quick
    assert slow[len(quick) :] == [
        ("and", False, False, False, False),
        ("Maduro", True, False, False, True),
    ]


def test_only_capitals_and_their_neighbours_are_kept() -> None:
    text = "the long and winding road to Paris was closed by the police on Monday"
    assert [w[0] for w in _read(text)] == ["to", "Paris", "was", "on", "Monday"]
    # the word after a left-out word starts after a break: nothing joins across
    assert _read(text)[3][3] is True


def test_an_acronym_loses_its_hyphenated_case_ending_on_the_quick_path() -> None:
    text = "Directorul FBI-ul a spus ceva"
    assert ("FBI", True, False, False, True) in _read(text, "ro")
    assert ("FBI", True, False, False, True) in _read(text + " d'acord", "ro")


def test_a_hyphenated_lower_case_word_counts_as_a_capital() -> None:
    text = "un jour de porte-parole au ministère"
    assert [w[0] for w in _read(text, "fr")] == ["de", "porte-parole", "au"]


# the token as plain alternatives: what _TOKEN, written to open with its first letter, must match
_ALTERNATIVES = re.compile(
    r"(?:[^\W\d_a-z]\.){2,}(?![^\W\d_])|[^\W\d_]+(?:-[^\W\d_]+|\.[a-z]{2,}(?![^\W\d_]))*"
)


def test_the_token_pattern_finds_what_its_plain_alternatives_find() -> None:
    texts = [
        "U.S. and U.K. officials, S.A.D. U.Sa. Ver.di and Booking.com said",
        "FBI-ul, UN-a, TV-u; Jean-Luc Mélenchon e.g. A.b. A.B.c. Ж.Д. Ω.ω.",
        "Maduro'yu, d'acord, 2019-01-03 x_y a1b",
    ]
    # every string of up to 4 characters of an alphabet that meets each branch of the pattern
    alphabet = "aZ.-'_1 Éßжω"
    texts += ["".join(p) for n in range(1, 5) for p in itertools.product(alphabet, repeat=n)]
    for text in texts:
        for pos in range(len(text) + 1):
            found = [m.span() for m in _TOKEN.finditer(text, pos)]
            assert found == [m.span() for m in _ALTERNATIVES.finditer(text, pos)], (text, pos)
        assert _TOKEN_PARTS.split(text) == re.split(f"({_ALTERNATIVES.pattern})", text)
