"""Legacy code pages decided by plausibility: every supported language, short and long, in each
of its legacy code pages; mixed-script and mixed-code-page traps; no plausible reading refused."""

from __future__ import annotations

import contextlib
import dataclasses
import json
import random
import unicodedata
from collections import Counter
from pathlib import Path

import numpy as np
import pytest

from dashboard.ingest import codepages

SAMPLES = json.loads((Path(__file__).parent / "data" / "legacy_texts.json").read_text("utf-8"))
PAGES = codepages._table()["languages"]
# Romanian in a page with only one of the s/t-comma and s/t-cedilla pairs is written with it
_ROMANIAN_PAIRS = str.maketrans("şţŞŢșțȘȚ", "șțȘȚşţŞŢ")


def _cases() -> list[tuple[str, str, str, str]]:
    cases = []
    for sample, texts in SAMPLES.items():
        lang = sample.split("-")[0]
        for length, text in texts.items():
            for page in PAGES[lang]:
                for variant in (text, text.translate(_ROMANIAN_PAIRS)):
                    try:
                        variant.encode(page)
                    except UnicodeEncodeError:
                        continue
                    cases.append((sample, length, page, variant))
                    break
    return cases


CASES = _cases()


def test_every_language_is_tested_in_at_least_two_of_its_pages():
    covered: dict[str, set[str]] = {}
    for sample, length, page, _ in CASES:
        covered.setdefault(f"{sample} {length}", set()).add(page)
    assert set(covered) == {f"{s} {n}" for s in SAMPLES for n in ("short", "long")}
    assert all(len(pages) >= 2 for pages in covered.values()), covered


@pytest.mark.parametrize(
    ("sample", "length", "page", "text"), CASES, ids=[f"{s}-{n}-{p}" for s, n, p, _ in CASES]
)
def test_each_language_in_each_legacy_page(sample, length, page, text):
    found = codepages.decode_legacy(text.encode(page))
    expected = sample.split("-")[0]
    if expected == "ro":
        # ISO 8859-16's s/t-comma are cp1250's s/t-cedilla bytes: the same letters to a reader
        assert found.text.translate(_ROMANIAN_PAIRS) in (text, text.translate(_ROMANIAN_PAIRS))
    else:
        assert found.text == text
    assert found.text.encode(found.codec) == text.encode(page)
    assert found.confidence > 0.5
    # langdetect has no Belarusian profile: Belarusian text reads closest to Ukrainian
    alike = {"sr": {"sr", "hr", "bs"}, "hr": {"sr", "hr", "bs"}, "bs": {"sr", "hr", "bs"}}
    alike["be"] = {"be", "uk", "ru"}
    assert found.language in alike.get(expected, {expected})


@pytest.mark.parametrize(
    ("text", "page", "language"),
    [
        ("Ο Πρόεδρος της Δημοκρατίας συναντήθηκε με τον πρωθυπουργό.", "cp1253", "el"),
        ("Cumhurbaşkanı Erdoğan, İstanbul'da gazetecilere açıklama yaptı.", "cp1254", "tr"),
    ],
)
def test_the_reported_cases_are_not_read_as_cp1251_or_cp1252(text, page, language):
    found = codepages.decode_legacy(text.encode(page))
    assert (found.text, found.codec, found.language) == (text, page, language)
    assert found.note().startswith(f"not UTF-8, read as {page} ({language}, ")
    assert found.note().endswith("% sure)")


@pytest.mark.parametrize(
    ("text", "page"),
    [
        # Latin names in Cyrillic and Greek text are not mojibake
        (
            "Компания Google и Microsoft подписали соглашение с «Газпромом» о поставках "
            "серверов для Apple и Samsung.",
            "cp1251",
        ),
        ("Το NATO και η EU συζήτησαν με τον CEO της Pfizer τα μέτρα στην Αθήνα.", "cp1253"),
        # an all-capital headline (langdetect's profiles skip capital words)
        (
            "ПРЕЗИДЕНТ РОССИИ ЗАЯВИЛ О НОВЫХ САНКЦИЯХ\nМосква. Президент России заявил "
            "журналистам, что санкции будут расширены.",
            "koi8_r",
        ),
        # Serbian Cyrillic quoting a Latin-script name with diacritics is still one page
        ("Председник је примио амбасадора Peter Smith у Београду.", "mac_cyrillic"),
    ],
)
def test_mixed_scripts_that_are_text(text, page):
    assert codepages.decode_legacy(text.encode(page)).text == text


def test_a_file_in_two_code_pages_is_refused():
    russian = SAMPLES["ru"]["long"].encode("cp1251")
    greek = SAMPLES["el"]["long"].encode("cp1253")
    with pytest.raises(codepages.Undecodable, match="different code pages"):
        codepages.decode_legacy(russian + b"\n\n" + greek)
    turkish = SAMPLES["tr"]["long"].encode("cp1254")
    polish = SAMPLES["pl"]["long"].encode("cp1250")
    with pytest.raises(codepages.Undecodable, match="different code pages"):
        codepages.decode_legacy(turkish + b"\n\n" + polish)


def test_bytes_that_read_as_no_language_are_refused():
    rng = random.Random(1)
    noise = bytes(rng.randrange(0xA0, 0x100) for _ in range(400))
    with pytest.raises(codepages.Undecodable, match="save it as UTF-8"):
        codepages.decode_legacy(noise)


def test_hebrew_reads_as_hebrew_not_as_cyrillic_mojibake():
    text = "ראש הממשלה הודיע היום על צעדים חדשים לתמיכה במשפחות עם ילדים ובגמלאים."
    found = codepages.decode_legacy(text.encode("cp1255"))
    assert (found.text, found.codec, found.language) == (text, "cp1255", "he")


def _profile_rows() -> dict[str, int]:
    """Each n-gram the profiles list and its row."""
    return {gram: row for row, gram in enumerate(codepages._profiles().grams)}


def _evidence_by_definition(word: str) -> list[str]:
    """A word's n-grams as first written: one to three characters of each letter piece padded
    with spaces, every one that is not spaces alone, characters normalised one by one."""
    from langdetect.utils.ngram import NGram

    letters = "".join(codepages._fold(NGram.normalize(ch)) for ch in word)
    grams = []
    for piece in codepages._NOT_LETTER.split(letters):
        padded = f" {piece} "
        grams.extend(
            padded[i : i + n]
            for n in (1, 2, 3)
            for i in range(len(padded) - n + 1)
            if padded[i : i + n].strip()
        )
    return grams


def _cost_by_definition(word: str) -> tuple[float, int]:
    """A word's cost as first written: each character outside ASCII that is not a letter stands
    for three n-grams, unseen between two letters (but an apostrophe), else a symbol's."""
    cost, extra = 0.0, 0
    for i, ch in enumerate(word):
        if ord(ch) < 0x80 or ch.isalpha():
            continue
        inside = 0 < i < len(word) - 1 and word[i - 1].isalpha() and word[i + 1].isalpha()
        apostrophe = ch in codepages._APOSTROPHES
        cost += 3 * (codepages._UNSEEN if inside and not apostrophe else codepages._SYMBOL)
        extra += 3
    return cost, extra


def _one_script_by_definition(text: str) -> bool:
    """One script as first written, word by word, with each letter's Unicode name."""
    if any(unicodedata.category(ch) in codepages._CONTROL for ch in set(text)):
        return False
    words = text.split(" ")
    mixed, other = 0, Counter[str]()
    for word in words:
        scripts = [unicodedata.name(ch, "UNKNOWN").split(" ")[0] for ch in word if ch.isalpha()]
        mixed += len(set(scripts)) > 1
        other.update(s for s in scripts if s != "LATIN")
    if mixed > (1 - codepages.MIN_ONE_SCRIPT) * len(words):
        return False
    return not other or max(other.values()) >= codepages.MIN_ONE_SCRIPT * sum(other.values())


def _reading_by_definition(text: str) -> tuple[float, np.ndarray, bool] | None:
    """A reading's numbers as first written, word by word: the log-likelihood of its words'
    n-grams under the profile that fits them best, each stretch's mean per n-gram."""
    profiles = codepages._profiles()
    words = text.split(" ")
    listed = _profile_rows()
    rows = [[listed.get(g, -1) for g in _evidence_by_definition(w)] for w in words]
    if not any(rows):
        return None
    index = np.array([r for word in rows for r in word])
    logp = np.where(index[:, None] >= 0, profiles.logp[index], codepages._UNSEEN)
    best = int(logp.sum(axis=0).argmax())
    owner = np.repeat(np.arange(len(words)), [len(word) for word in rows])
    costs = np.array([_cost_by_definition(w)[0] for w in words])
    extra = np.array([_cost_by_definition(w)[1] for w in words], np.float64)
    per_word = np.bincount(owner, weights=logp[:, best], minlength=len(words)) + costs
    evidence = np.bincount(owner, minlength=len(words)) + extra
    stretch = np.arange(len(words)) // codepages._CHUNK_WORDS
    means = np.bincount(stretch, weights=per_word) / np.maximum(
        np.bincount(stretch, weights=evidence), 1
    )
    return float(per_word.sum()), means, _one_script_by_definition(text)


_RAW_WORDS = [
    b"Pr\xe9sident",
    b"\xc8\xe5\xf0\xe3",
    b"a\x92b",
    b"\xb9\xe1x1y",
    b"\xdd",
    b"d\xe9j\xe0-vu",
]
"""Words with high bytes: letters, digits, apostrophes, symbols between and around letters,
one-letter pieces."""


def test_word_evidence_is_the_n_grams_of_its_definition() -> None:
    # every code page's reading of the words, and a Turkish dotted capital, empty words, digits,
    # apostrophes alone and between letters, a control character, a second script in a word,
    # characters beyond the Basic Multilingual Plane
    words = [
        w.decode(page, errors="replace")
        for w in _RAW_WORDS
        for page in codepages._table()["candidates"]
    ]
    words += ["İstanbul'da", "x", "", "12", "'", "a'b'c", "a\u2019b", "\u2019a", "x\x01y"]
    words += ["ΑθήναRoma", "²x", "a_b", "\ufffd\ufffd", "a\U0001f600b", "\U00010400x"]
    found = codepages._evidence(" ".join(words))
    assert found is not None and found.words == len(words)
    rows = _profile_rows()
    for i, word in enumerate(words):
        expected = [rows.get(g, -1) for g in _evidence_by_definition(word)]
        assert found.rows[found.owner == i].tolist() == expected, word
        assert (found.costs[i], found.extra[i]) == _cost_by_definition(word), word
    assert codepages._evidence("12 - ,,") is None  # no letter: no evidence


@pytest.mark.parametrize("sample", sorted(SAMPLES))
def test_a_reading_gives_the_numbers_of_its_definition(sample: str) -> None:
    # every code page's reading of each language's sample words in a page of the language (as a
    # file is sampled) and of the raw words: the same log-likelihood, stretch means and
    # one-script test as word by word, to the last bit
    for text in SAMPLES[sample].values():
        data = text.encode("utf-8")  # a language whose pages cannot write this text: UTF-8's
        for page in PAGES[sample.split("-")[0]]:
            with contextlib.suppress(UnicodeEncodeError):
                data = text.encode(page)
                break
        words = [w for w in codepages._WORD.findall(data) if max(w) >= 0x80]
        sample_bytes = b" ".join(words + _RAW_WORDS)
        for page in codepages._table()["candidates"]:
            reading_text = sample_bytes.decode(page, errors="replace")
            (reading,) = codepages._readings([(page, reading_text)])
            expected = _reading_by_definition(reading_text)
            assert (reading is None) == (expected is None), page
            if reading is not None and expected is not None:
                loglik, means, one_script = expected
                assert reading.loglik == loglik, page
                assert np.array_equal(reading.chunks, means), page
                assert reading.one_script == one_script, page


def test_the_ngram_table_finds_what_a_dictionary_finds() -> None:
    # crowded tables (up to half full) make long probe chains that wrap past the last slot; the
    # codes looked up are listed ones and others, near them and far, repeated
    rng = np.random.default_rng(14)
    for bits, count in ((4, 8), (6, 32), (10, 300), (12, 2048)):
        codes = rng.choice(np.int64(1) << 62, count, replace=False).astype(np.int64)
        slots, slot_rows = codepages._hash_table(codes, bits)
        assert (slots >= 0).sum() == count and sorted(slots[slots >= 0]) == sorted(codes)
        index = {int(code): row for row, code in enumerate(codes)}
        asked = np.concatenate(
            [codes, codes + 1, rng.integers(0, np.int64(1) << 62, 500), codes[:3].repeat(4)]
        )
        rng.shuffle(asked)
        found = codepages._hashed(asked, slots, slot_rows)
        assert found.tolist() == [index.get(int(code), -1) for code in asked], bits
        assert codepages._hashed(asked[:0], slots, slot_rows).size == 0
    with pytest.raises(ValueError, match="do not fit"):
        codepages._hash_table(np.arange(9, dtype=np.int64), 4)  # more than half full
    # every n-gram of the profiles at its own row
    profiles, listed = codepages._profiles(), _profile_rows()
    grams = [gram for gram in listed if len(gram) > 1]
    codes = np.fromiter(map(codepages._gram_code, grams), np.int64, len(grams))
    found = codepages._hashed(codes, profiles.slots, profiles.slot_rows)
    assert found.tolist() == [listed[gram] for gram in grams]


def test_the_best_profile_is_the_argmax_of_the_in_order_sums() -> None:
    # profiles two of which differ by a rounding error: summed in another order, their sums may
    # swap; the choice must still be the argmax of each reading's rows summed in order
    rng = np.random.default_rng(7)
    base = rng.normal(-8.0, 3.0, (300, 4))
    logp = np.column_stack([base, base[:, 0] + rng.normal(0.0, 1e-14, 300), base[:, 1]])
    profiles = dataclasses.replace(
        codepages._profiles(), logp=logp, largest=float(np.abs(logp).max())
    )
    for trial in range(40):
        sizes = rng.integers(0, 400, 12)
        rows = rng.integers(-1, 300, int(sizes.sum()))
        if trial % 2:
            rows = rng.choice(rows[:5], rows.size) if rows.size else rows  # few rows, repeated
        reading_of = np.repeat(np.arange(sizes.size), sizes)
        spans = np.concatenate(([0], np.cumsum(sizes)))
        best = codepages._best_profiles(rows, reading_of, spans, profiles)
        for r in range(sizes.size):
            mine = rows[spans[r] : spans[r + 1]]
            expected = int(logp.take(mine, axis=0).sum(axis=0).argmax()) if mine.size else 0
            assert best[r] == expected, (trial, r)


def test_a_reading_normalises_as_the_translate_table_does() -> None:
    every_byte = bytes(range(0x20, 0x100))
    texts = [every_byte.decode(page, errors="replace") for page in codepages._table()["candidates"]]
    texts += ["", "Ab \U0001f600 ǅ ẞ İ Σς", SAMPLES["ru"]["long"]]
    for text in texts:
        want = [ord(c) for c in text.translate(codepages._NORMALIZED)]
        assert codepages._normal_codes(codepages._code_points(text)).tolist() == want, text[:20]
    # a file's readings read alike with the codes given or made from the texts
    sample = SAMPLES["pl"]["long"].encode("cp1250")
    pages = [(page, sample.decode(page, errors="replace")) for page in ("cp1250", "cp1252")]
    given = codepages._readings(
        pages, [codepages._normal_codes(codepages._code_points(t)) for _, t in pages]
    )
    made = codepages._readings(pages)
    for a, b in zip(given, made, strict=True):
        assert a is not None and b is not None
        assert (a.codec, a.loglik, a.one_script) == (b.codec, b.loglik, b.one_script)
        assert a.chunks.tolist() == b.chunks.tolist()
