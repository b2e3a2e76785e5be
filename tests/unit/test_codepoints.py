"""A value for each code point from a table: the gathers of the fold, the script count and the
code-page readings, one function."""

from __future__ import annotations

import numpy as np

from dashboard.lang import codepoints


def test_a_texts_code_points_read_back_as_the_text() -> None:
    text = "Aé ж\U0001f600\ud800x"  # past the Basic Multilingual Plane, a lone surrogate
    codes = codepoints.of(text)
    assert codes.tolist() == [ord(c) for c in text]
    assert codepoints.text_of(codes) == text


def test_values_come_from_the_table_and_the_rest_is_asked_once_each() -> None:
    asked: list[list[int]] = []

    def rest(codes: list[int]) -> list[int]:
        asked.append(codes)
        return [code * 10 for code in codes]

    table = np.arange(100, dtype=np.uint32) + 1000
    codes = np.array([5, 300, 7, 300, 200, 5], np.uint32)
    found = codepoints.by_table(codes, table, rest)
    assert found.tolist() == [1005, 3000, 1007, 3000, 2000, 1005]
    assert found.dtype == np.uint32
    assert asked == [[200, 300]]  # the codes past the table, each once
    assert codepoints.by_table(np.array([1, 2], np.uint32), table, rest).tolist() == [1001, 1002]
    assert len(asked) == 1


def test_a_signed_table_learns_what_it_did_not_know() -> None:
    asked: list[list[int]] = []

    def rest(codes: list[int]) -> list[int]:
        asked.append(codes)
        return [code + 1 for code in codes]

    table = np.full(10, -1, np.int64)
    table[3] = 33
    codes = np.array([3, 4, 4, 9, 12], np.int64)
    assert codepoints.by_table(codes, table, rest).tolist() == [33, 5, 5, 10, 13]
    assert asked == [[4, 9], [12]]
    assert table[4] == 5 and table[9] == 10  # kept: not asked again
    assert codepoints.by_table(codes, table, rest).tolist() == [33, 5, 5, 10, 13]
    assert asked == [[4, 9], [12], [12]]
