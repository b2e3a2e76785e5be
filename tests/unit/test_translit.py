"""The ending cutter and the Cyrillic letter table answer as their plain definitions do."""

from __future__ import annotations

import pytest

from dashboard.lang import translit

LANGS = ["", "ro", "el", "bg", "sr", "ru", "uk", "mk", "be", "pl"]


def _cut_plainly(word: str, lang: str) -> str:
    """cut_endings as first written: every ending tried in order, longest first, again and
    again while one is cut."""
    ends, min_stem, cons_min = translit._endings(lang)
    changed = True
    while changed:
        changed = False
        for end in ends:
            need = min_stem if end in "aeiou" else cons_min
            if word.endswith(end) and len(word) - len(end) >= need:
                word = word[: -len(end)]
                changed = True
                break
    return word


def _words(lang: str) -> list[str]:
    """Stems of every length with one or two of the language's endings on them."""
    ends = translit._endings(lang)[0]
    stems = ["", "a", "ab", "abc", "abcd", "lukasenk", "iv", "pet", "ogo", "ulu"]
    return [s + a + b for s in stems for a in ends for b in ("", *ends)]


@pytest.mark.parametrize("lang", LANGS)
def test_cut_endings_cuts_what_the_ordered_list_cuts(lang: str) -> None:
    words = _words(lang)
    assert [translit.cut_endings(w, lang or None) for w in words] == [
        _cut_plainly(w, lang) for w in words
    ]


def test_cut_endings_leaves_a_minimal_stem() -> None:
    assert translit.cut_endings("lukasenka") == "lukasenk"
    assert translit.cut_endings("ivana") == "ivan"
    assert translit.cut_endings("ana") == "ana"  # a two-letter stem is too short
    assert translit.cut_endings("bucurestiului", "ro") == "bucurest"


def _cyrillic_plainly(text: str, lang: str, for_key: bool) -> str:
    table = translit._cyrillic_map(lang, for_key)
    return "".join(translit._case_like(ch, table.get(ch.lower(), ch)) for ch in text)


TEXTS = ["Лукашенко", "ЛУКАШЕНКО", "Чејмберсову", "Щербина Юлія", "Ђоковић", "Їжак ґанок", "x1 ß"]


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("for_key", [True, False])
def test_cyrillic_letters_read_as_the_letter_table(lang: str, for_key: bool) -> None:
    for text in TEXTS:
        assert translit._cyrillic(text, lang, for_key) == _cyrillic_plainly(text, lang, for_key)


def test_each_language_keeps_its_own_letters() -> None:
    # Ukrainian и is y, Russian и is i: one language's remembered letters never serve another
    assert [translit.to_latin(w, lang) for w, lang in [("Київ", "uk"), ("Київ", "ru")]] == [
        "Kyyiv",
        "Kiyiv",
    ]
    assert translit.to_latin("и", "ru") == "i"
    assert translit.to_latin("и", "uk") == "y"
    assert translit.to_latin("И", "uk") == "Y"


def _fold_plainly(text: str, lang: str | None, spelling_rules: bool = True) -> str:
    """fold as first written: every rule a regex run on every word, every letter replaced in
    turn, doubled letters collapsed by a template."""
    import re
    import unicodedata

    data = translit._tables()["fold"]
    low = translit.to_latin(text.lower(), lang, for_key=True).lower()
    low = low.translate({ord(k): v for k, v in data["chars"].items()})
    for pattern, repl in data["rules"] if spelling_rules else ():
        low = re.sub(pattern, repl, low)
    low = "".join(c for c in unicodedata.normalize("NFD", low) if not unicodedata.combining(c))
    low = re.sub(r"[^a-z ]+", "", low)
    for a, b in data["letters"]:
        low = low.replace(a, b)
    return re.sub(r"(.)\1+", r"\1", low)


NAMES = [
    ("Lukašenko", "sr"),
    ("Лукашенко", "ru"),
    ("Λουκασένκο", "el"),
    ("Łukaszenka", "pl"),
    ("Schwarzenegger", "de"),
    ("Queiroz", "pt"),
    ("Ouattara", "fr"),
    ("Euro Europa", "ro"),
    ("Zelensky Zelenskyj", "cs"),
    ("Guiana Gueorgui", None),
    ("Cádiz Córdoba", "es"),
    ("Ferreira-Leite", "pt"),
    ("Ministerstvo Eijsk", "cs"),
    ("O'Neill 2024", "en"),
    ("Ştefan ÇAĞLAR", "tr"),
    ("Ђоковић Đoković", "sr"),
]


@pytest.mark.parametrize("spelling_rules", [True, False])
def test_fold_folds_as_every_rule_run_on_every_word(spelling_rules: bool) -> None:
    for text, lang in NAMES:
        got = translit.fold(text, lang, spelling_rules=spelling_rules)
        assert got == _fold_plainly(text, lang, spelling_rules), text


SOUNDED = [
    *NAMES,
    ("Kavanaugh", "en"),
    ("Leigh Wright", "en"),
    ("Hughes", "en"),
    ("Dzhokhar Džemal Dżoch", "en"),
    ("Tzipi Ouellet", "fr"),
    ("Uilson", "ro"),
    ("Christchurch", "en"),
    ("Cicero Cyrus Mackenzie", "en"),
    ("Ahmed Bahr", "tr"),
    ("Pedersen Sheehan Doolittle", "en"),
    ("Gzegorz", "pl"),
    ("Джоан Уэлш", "ru"),
    ("Τζέρεμι Ντιλ", "el"),
]


def test_sound_key_sounds_as_every_rule_run_on_every_word() -> None:
    import re

    data = translit._tables()["fold"]
    for text, lang in SOUNDED:
        for word in text.split():
            low = translit.to_latin(word.lower(), lang, for_key=True).lower()
            for pattern, repl in data["sound_first"]:
                low = re.sub(pattern, repl, low)
            if lang not in data["sound_ch_is_h"]:
                low = low.replace("ch", "č")
            for pattern, repl in data["sound_rules"]:
                low = re.sub(pattern, repl, low)
            plain = translit.cut_endings(translit.fold(low, lang).replace(" ", ""), lang)
            assert translit.sound_key(word, lang) == plain, word


def test_a_pattern_rule_runs_only_where_its_letters_are() -> None:
    assert translit._needed(r"\bou(?=[aeio])") == "ou"
    assert translit._needed(r"^eu|(?<= )eu") == "eu"
    assert translit._needed(r"e[ij]sk") == "e"
    # not sure of any letter: the rule runs on every word
    assert translit._needed("ou?x") == "o"
    assert translit._needed("a|b") == ""
    assert translit._needed("[a|b]x") == ""
    assert translit._needed("(?=a)b") == ""


def test_one_letter_replacements_in_order_make_one_table() -> None:
    # each replacement acts on what the ones before it wrote
    assert translit._letter_table([("x", "ks"), ("k", "c")]) == {ord("x"): "cs", ord("k"): "c"}
    assert translit._letter_table([("ab", "c")]) is None
