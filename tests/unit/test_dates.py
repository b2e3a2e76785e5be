"""Mentioned dates: seeds, every language's vocabulary, false positives, anchoring, the contract."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import polars as pl
import pytest
from babel.dates import get_month_names
from polars.testing import assert_frame_equal

from dashboard import schema
from dashboard.lang import datewords
from dashboard.lang.datewords import (
    FROM_ANOTHER_DATE,
    RELATIVE,
    grammar,
    grammar_languages,
    lexicon,
    relative_table,
)
from dashboard.steps.dates import _words_around, extract_dates, latest_mentioned, tag

SEEDS = Path(__file__).resolve().parents[2] / "seeds"
PUB = date(2025, 12, 12)  # a Friday

SEED_META = {
    "000": ("sr", date(2025, 12, 11)),
    "001": ("ro", date(2025, 12, 11)),
    "002": ("el", date(2025, 12, 11)),
    "003": ("de", date(2019, 1, 30)),
    "004": ("tr", date(2025, 12, 12)),
}

SEED_EXPECTED = {
    "000": [
        ("21. novembra", "2025-11-21", True, "day"),
        ("25. novembra", "2025-11-25", True, "day"),
        ("2013. godine", "2013", False, "year"),
        ("ove nedelje", "2025-W50", True, "week"),
        ("prošlog meseca", "2025-11", True, "month"),
        ("danas", "2025-12-11", True, "day"),
    ],
    "001": [
        ("21 noiembrie", "2025-11-21", True, "day"),
        ("25 noiembrie", "2025-11-25", True, "day"),
        ("2013", "2013", False, "year"),
        ("2024", "2024", False, "year"),
        ("joi", "2025-12-11", True, "day"),
    ],
    "002": [
        ("21 Νοεμβρίου", "2025-11-21", True, "day"),
        ("25 Νοεμβρίου", "2025-11-25", True, "day"),
        ("τον περασμένο μήνα", "2025-11", True, "month"),
    ],
    "003": [
        ("23. Januar", "2019-01-23", True, "day"),
        ("am Vortag", "2019-01-29", True, "day"),
    ],
    "004": [
        ("Perşembe günü", "2025-12-11", True, "day"),
        ("Kasım ayında", "2025-11", True, "month"),
        ("Mayıs ayında", "2025-05", True, "month"),
        ("2024", "2024", False, "year"),
    ],
}


def _frames(
    docs: list[tuple[str, str, str | None, date | None]], boilerplate: set[int] | None = None
) -> tuple[pl.DataFrame, pl.DataFrame]:
    """articles and paragraphs (split on blank lines, with offsets) from (id, text, lang, pub)."""
    paragraphs = []
    for article_id, text, _, _ in docs:
        for no, m in enumerate(re.finditer(r"\S[^\n]*(?:\n(?!\s*\n)[^\n]*)*", text)):
            paragraphs.append(
                {
                    "article_id": article_id,
                    "para_no": no,
                    "start": m.start(),
                    "end": m.end(),
                    "boilerplate": no in (boilerplate or set()),
                }
            )
    articles = pl.DataFrame(
        {
            "article_id": [d[0] for d in docs],
            "text": [d[1] for d in docs],
            "language": [d[2] for d in docs],
            "published": [d[3] for d in docs],
        },
        schema_overrides={"language": pl.String, "published": pl.Date},
    )
    paras = pl.DataFrame(paragraphs) if paragraphs else schema.empty("paragraphs")
    return schema.conform(articles, "articles"), schema.conform(paras, "paragraphs")


def _seed(prefix: str) -> tuple[str, str, str | None, date | None]:
    path = next(SEEDS.glob(f"{prefix}_*.txt"))
    text = path.read_text(encoding="utf-8").removeprefix(" date 2025-12-12 ")
    lang, published = SEED_META[prefix]
    return path.stem, text, lang, published


def _found(
    text: str, lang: str | None, published: date | None = PUB
) -> list[tuple[str, str | None]]:
    return [
        (surface, found[0])
        for _, _, _, surface, found in tag(text, lang, published, [(0, 0, len(text))])
    ]


@pytest.fixture(scope="module")
def seed_dates() -> pl.DataFrame:
    return extract_dates(*_frames([_seed(p) for p in SEED_META]))


@pytest.mark.parametrize("prefix", sorted(SEED_EXPECTED))
def test_seed_dates_found_and_resolved(prefix: str, seed_dates: pl.DataFrame) -> None:
    article_id = _seed(prefix)[0]
    rows = seed_dates.filter(pl.col("article_id") == article_id)
    got = set(rows.select("text", "value", "anchored", "granularity").iter_rows())
    assert set(SEED_EXPECTED[prefix]) <= got


def test_seed_offsets_point_at_the_text(seed_dates: pl.DataFrame) -> None:
    texts = {_seed(p)[0]: _seed(p)[1] for p in SEED_META}
    for article_id, start, end, surface in seed_dates.select(
        "article_id", "start", "end", "text"
    ).iter_rows():
        assert texts[article_id][start:end] == surface
    assert seed_dates.schema == pl.Schema(schema.SCHEMAS["dates"])
    assert seed_dates["para_no"].null_count() == 0


def test_seeds_have_no_stray_dates(seed_dates: pl.DataFrame) -> None:
    # every date in the seeds is one a reader would mark: nothing from names, "17 dana", photo ids
    expected = {
        "danas", "ove godine", "αυτή την εβδομάδα", "φέτος",
        "prošlogodišnjim",  # "na prošlogodišnjim izborima": last year's elections
    } | {t for rows in SEED_EXPECTED.values() for t, *_ in rows}  # fmt: skip
    assert set(seed_dates["text"]) == expected


@pytest.mark.parametrize(
    ("lang", "text", "surface", "value"),
    [
        ("sr", "u četvrtak je rekao", "četvrtak", "2025-12-11"),
        ("sr", "u sredu 3. decembra 2025. godine", "sredu 3. decembra 2025. godine", "2025-12-03"),
        ("en", "on Thursday, November 20", "Thursday, November 20", "2025-11-20"),
        ("sr", "sastanak 12. 12. 2025. u Beogradu", "12. 12. 2025", "2025-12-12"),
        ("sr", "u maju", "maju", "2025-05"),
        ("sr", "juče", "juče", "2025-12-11"),
        ("sr", "JUCE bez kvačica", "JUCE", "2025-12-11"),
        ("sr", "sledećeg petka", "petka", "2025-12-19"),
        ("sr", "у четвртак", "четвртак", "2025-12-11"),
        ("sr", "21. новембра", "21. новембра", "2025-11-21"),
        ("sr", "prošle nedelje", "prošle nedelje", "2025-W49"),
        ("hr", "21. studenoga 2025.", "21. studenoga 2025", "2025-11-21"),
        ("hr", "u studenom", "studenom", "2025-11"),
        ("hr", "prošlog tjedna", "prošlog tjedna", "2025-W49"),
        ("bs", "prošle sedmice", "prošle sedmice", "2025-W49"),
        ("bs", "u junu", "junu", "2025-06"),
        ("ro", "pe 2 mai", "2 mai", "2025-05-02"),
        ("ro", "luna mai", "mai", "2025-05"),
        ("ro", "în mai 2013", "mai 2013", "2013-05"),
        ("ro", "joia viitoare", "joia", "2025-12-18"),
        ("ro", "săptămâna trecută", "săptămâna trecută", "2025-W49"),
        ("ro", "Luni seara", "Luni seara", "2025-12-08"),
        ("ro", "la 12.12.2025", "12.12.2025", "2025-12-12"),
        ("el", "την Πέμπτη", "Πέμπτη", "2025-12-11"),
        ("el", "τον Νοέμβριο", "Νοέμβριο", "2025-11"),
        ("el", "ΝΟΕΜΒΡΙΟΥ 2024", "ΝΟΕΜΒΡΙΟΥ 2024", "2024-11"),
        ("el", "την περασμένη εβδομάδα", "την περασμένη εβδομάδα", "2025-W49"),
        ("el", "χθες", "χθες", "2025-12-11"),
        ("tr", "21 Kasım'da", "21 Kasım'da", "2025-11-21"),
        ("tr", "21 Kasım’da", "21 Kasım’da", "2025-11-21"),
        ("tr", "Aralık 2024", "Aralık 2024", "2024-12"),
        ("tr", "gelecek Perşembe", "Perşembe", "2025-12-18"),
        ("tr", "2020 yılında", "2020 yılında", "2020"),
        ("tr", "geçen hafta", "geçen hafta", "2025-W49"),
        ("tr", "dün", "dün", "2025-12-11"),
        ("de", "im Mai", "Mai", "2025-05"),
        ("de", "am nächsten Donnerstag", "Donnerstag", "2025-12-18"),
        ("de", "am 1. Mai 2019", "1. Mai 2019", "2019-05-01"),
        ("de", "letzte Woche", "letzte Woche", "2025-W49"),
        ("de", "gestern", "gestern", "2025-12-11"),
        ("en", "November 21, 2025", "November 21, 2025", "2025-11-21"),
        ("en", "on 11/21/2025", "11/21/2025", "2025-11-21"),
        ("en", "on 2025-11-21", "2025-11-21", "2025-11-21"),
        ("en", "on Nov. 21", "Nov. 21", "2025-11-21"),
        ("en", "21 Nov 2024", "21 Nov 2024", "2024-11-21"),
        ("en", "in March", "March", "2025-03"),
        ("en", "on Thursday", "Thursday", "2025-12-11"),
        ("ru", "в ноябре", "ноябре", "2025-11"),
        ("ru", "в 2013 году", "2013 году", "2013"),
        ("ru", "на прошлой неделе", "на прошлой неделе", "2025-W49"),
        ("bg", "в четвъртък", "четвъртък", "2025-12-11"),
        ("bg", "на 5-ти август", "5-ти август", "2025-08-05"),
        ("uk", "у листопаді", "листопаді", "2025-11"),
        ("uk", "у пʼятницю", "пʼятницю", "2025-12-12"),
        ("pl", "21 listopada 2025 r.", "21 listopada 2025 r", "2025-11-21"),
        ("pl", "w środę", "środę", "2025-12-10"),
        ("cs", "v listopadu", "listopadu", "2025-11"),
        ("cs", "ve středu", "středu", "2025-12-10"),
        ("sl", "v novembru", "novembru", "2025-11"),
        ("sl", "21. novembra", "21. novembra", "2025-11-21"),
        ("es", "el 21 de noviembre", "21 de noviembre", "2025-11-21"),
        (None, "21 Νοεμβρίου", "21 Νοεμβρίου", "2025-11-21"),
        (None, "21. novembra", "21. novembra", "2025-11-21"),
    ],
)
def test_phrase_resolves(lang: str | None, text: str, surface: str, value: str) -> None:
    assert _found(text, lang) == [(surface, value)]


@pytest.mark.parametrize(
    ("lang", "text"),
    [
        ("de", "Die Zusammenarbeit mit Moskau werde dagegen fortgesetzt, sagte er mit Nachdruck."),
        ("de", "Mai Thi Nguyen sprach heute Morgen"),  # "heute" only, no month, no tomorrow
        ("ro", "Sunt mai mult de 17 zile, în mai multe țări"),
        ("ro", "de luni de zile"),
        ("en", "It may rain; they march on and may win."),
        ("tr", "Kasım Bey ve Eylül Hanım, pazar payı"),
        ("sr", "Maja Petrović je ostala nedelju dana"),
        ("hr", "studeni vjetar"),
        ("el", "την τρίτη φορά"),
        ("ru", "окружающую среду"),
        (None, "unor oameni"),  # Romanian "some", Czech "únor" once accents fold
        ("de", "Maduro, Nikolas 171004 bild"),
        ("cs", "Nord Stream 2 pro Evropu, v rozhovoru pro časopis"),
        ("pl", "w pojawianiu się wpisanych komentarzy"),
        ("sl", "sredi mesta"),
    ],
)
def test_no_false_positive(lang: str | None, text: str) -> None:
    assert [s for s, _ in _found(text, lang)] in ([], ["heute"])


@pytest.mark.parametrize("lang", sorted(relative_table()))
def test_every_language_has_every_relative_key(lang: str) -> None:
    assert set(relative_table()[lang]) == set(RELATIVE)
    assert all(relative_table()[lang].values())


@pytest.mark.parametrize("lang", sorted(relative_table()))
def test_every_relative_phrase_resolves(lang: str) -> None:
    expected = {
        "day": "2025-12-11", "week": "2025-W49", "month": "2025-11", "year": "2024",
    }  # fmt: skip
    for key, phrases in relative_table()[lang].items():
        unit, delta = RELATIVE[key]
        for phrase in phrases:
            [(surface, found)] = [
                (s, f) for *_, s, f in tag(phrase, lang, PUB, [(0, 0, len(phrase))])
            ]
            assert surface == phrase
            if key in FROM_ANOTHER_DATE:
                # "the day before" counts from the paragraph's date before it, else is unresolved
                assert found == (None, False, "day", None), phrase
                text = f"12.12.2025, {phrase}"
                [*_, (*_, anchored)] = tag(text, lang, PUB, [(0, 0, len(text))])
                day = "2025-12-11" if delta == -1 else "2025-12-13"
                assert anchored == (day, False, "day", "another date"), phrase
            elif delta == -1:
                assert found == (expected[unit], True, unit, "publication"), phrase


@pytest.mark.parametrize("lang", grammar_languages())
def test_every_language_has_every_grammar_key(lang: str) -> None:
    assert set(grammar(lang)) == set(grammar("_default"))
    assert grammar(lang)["locales"]


@pytest.mark.parametrize("lang", grammar_languages())
@pytest.mark.parametrize("month", range(1, 13))
def test_cldr_month_with_day_and_year(lang: str, month: int) -> None:
    locale = grammar(lang)["locales"][0]
    name = get_month_names("wide", context="format", locale=locale)[month]
    text = f"21 {name} 2024"
    assert _found(text, lang) == [(text, f"2024-{month:02d}-21")]


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("14 decembrie", "2025-12-14"),
        ("28 decembrie", "2024-12-28"),
        ("11 decembrie", "2025-12-11"),
    ],
)
def test_day_month_is_the_latest_not_after_publication_with_a_grace(text: str, value: str) -> None:
    assert _found(text, "ro", date(2025, 12, 11)) == [(text, value)]


def test_weekday_on_publication_day_is_that_day() -> None:
    assert _found("joi", "ro", date(2025, 12, 11)) == [("joi", "2025-12-11")]
    assert _found("joi", "ro", date(2025, 12, 12)) == [("joi", "2025-12-11")]


def test_without_publication_date_relative_values_are_null_and_day_months_have_no_year() -> None:
    articles, paragraphs = _frames(
        [("a", "Danas, 21. novembra, ove nedelje. Bilo je 2013. godine, 12.12.2025.", "sr", None)]
    )
    got = extract_dates(articles, paragraphs).select("text", "value", "anchored", "resolution")
    expected = pl.DataFrame(
        {
            "text": ["Danas", "21. novembra", "ove nedelje", "2013. godine", "12.12.2025"],
            # ISO 8601's day-month without a year: which day it is, not which year
            "value": [None, "--11-21", None, "2013", "2025-12-12"],
            "anchored": [False, False, False, False, False],
            "resolution": [None, None, None, "explicit", "explicit"],
        },
        schema_overrides={"value": pl.String, "resolution": pl.String},
    )
    assert_frame_equal(got, expected)


def test_boilerplate_paragraphs_are_skipped() -> None:
    text = "Foto: 21. novembra 2025.\n\nDanas je sastanak."
    articles, paragraphs = _frames([("a", text, "sr", PUB)], boilerplate={0})
    got = extract_dates(articles, paragraphs)
    assert got.select("para_no", "text", "value").rows() == [(1, "Danas", "2025-12-12")]


def test_article_without_paragraph_rows_is_scanned_whole() -> None:
    articles, _ = _frames([("a", "Juče i danas.", "sr", PUB)])
    got = extract_dates(articles, schema.empty("paragraphs"))
    assert got.select("para_no", "text").rows() == [(None, "Juče"), (None, "danas")]


def test_no_articles_gives_an_empty_table() -> None:
    got = extract_dates(schema.empty("articles"), schema.empty("paragraphs"))
    assert_frame_equal(got, schema.empty("dates"))


def test_seed_files_copied_to_disk_tag_the_same(tmp_path: Path) -> None:
    source = next(SEEDS.glob("004_*.txt"))
    copy = tmp_path / source.name
    copy.write_bytes(source.read_bytes())
    text = copy.read_text(encoding="utf-8").removeprefix(" date 2025-12-12 ")
    got = extract_dates(*_frames([("tr", text, "tr", date(2025, 12, 12))]))
    assert ("Perşembe günü", "2025-12-11") in got.select("text", "value").rows()


def test_latest_mentioned_takes_resolved_days_only() -> None:
    dates = schema.conform(
        pl.DataFrame(
            {
                "article_id": ["a", "a", "a", "b", "b"],
                "value": ["2025-11-21", "2025-12-01", "2026", None, "2025-W49"],
                "granularity": ["day", "day", "year", "day", "week"],
            }
        ),
        "dates",
    )
    expected = pl.DataFrame({"article_id": ["a"], "latest_mentioned": [date(2025, 12, 1)]})
    assert_frame_equal(latest_mentioned(dates), expected)


def test_lexicon_is_built_once_per_language() -> None:
    assert lexicon("sr") is lexicon("sr")
    assert lexicon("sr-Latn") is lexicon("SR")
    assert lexicon("sr") is not lexicon(None)


@pytest.mark.parametrize("lang", [g for g in grammar_languages() if grammar(g)["year_joiners"]])
def test_month_joined_to_year_by_a_joiner_word(lang: str) -> None:
    month = get_month_names("wide", context="format", locale=grammar(lang)["locales"][0])[9]
    text = f"x {month} {grammar(lang)['year_joiners'][0]} 2017 x"
    found = tag(text, lang, date(2019, 1, 17), [(0, 0, len(text))])
    assert [f[4][0] for f in found] == ["2017-09"]


def test_a_long_text_folds_as_each_of_its_characters_does(monkeypatch: pytest.MonkeyPatch) -> None:
    # a whole article is folded by a gather, a word by str.translate: the same characters out,
    # with those past the table, outside the Basic Multilingual Plane and lone surrogates kept
    chars = "AÉéßİıς’`ΆΩжЖЁ\u1e9e\u2603\U0001d538\U0001f600\ud800\udfff \n.,1"
    text = "".join(chars[(i * 7919) % len(chars)] for i in range(3 * datewords._GATHER_FROM))
    each = "".join(datewords.fold(c) for c in text)
    assert len(each) == len(text)
    assert datewords.fold(text) == each
    assert datewords.fold(text) == text.translate(datewords._FOLD_LIST)
    # a long text is folded a slice at a time: the same
    monkeypatch.setattr(datewords, "_GATHER_CHARS", datewords._GATHER_FROM + 7)
    assert datewords.fold(text) == each
    assert datewords.fold("ΆΩ Ёж İı") == "αω \u0435ж ii"  # Ё: Cyrillic е


def test_the_words_before_a_date_are_the_last_two_of_the_sixty_characters_before_it() -> None:
    # read backwards in the reversed text, as a search for the pair ending at the date finds them
    pair = re.compile(r"(\w+)\W+(?:(\w+)\W+)?$")
    texts = [
        "la 5 martie",
        "rekao je u petak, 5. marta",
        "   5 march",
        "x" * 70 + " dd, 5 march",
        "w" * 80 + " 5 march",
        "one two three-four, 5 march",
        "before5 march",
        "it said: «on» 12 may",
    ]
    for text in texts:
        start = text.index("5") if "5" in text else text.index("12")
        found = pair.search(text, max(0, start - 60), start)
        expected = [w for w in found.groups() if w] if found else []
        assert _words_around(text, start, start + 1)[0] == expected, text
    assert _words_around("rekao je u petak, 5. marta", 18, 26) == (["u", "petak"], None)
