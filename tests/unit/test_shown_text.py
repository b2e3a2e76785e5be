"""Text shown right (issue 25): sentences not cut at an ordinal day, mentions named not keyed,
one note instead of a column of placeholders, no article ticked first on a shared date,
file names instead of paths."""

from __future__ import annotations

import re
from datetime import date

import polars as pl
import pytest

from dashboard.spans import ByStart
from dashboard.steps import comparison
from dashboard.views import reading
from dashboard.views.compare import file_name, shown_outlet, shown_title
from dashboard.views.sentences import SENTENCE_AFTER, SENTENCE_BEFORE, protect_ordinals


def sentence_around(text: str, word: str) -> str:
    """The sentence with_sentences cuts around `word` (same expressions, one paragraph)."""
    start = text.index(word)
    end = start + len(word)
    frame = pl.DataFrame({"t": [text]}).select(p=protect_ordinals(pl.col("t")))
    para = frame["p"][0]
    assert len(para) == len(text)  # one character for one: offsets stay valid
    before = pl.Series([para[:start]]).str.extract(SENTENCE_BEFORE, 1)[0] or ""
    after = pl.Series([para[end:]]).str.extract(SENTENCE_AFTER, 1)[0]
    return text[len(before) : end + (len(after) if after is not None else len(text) - end)]


@pytest.mark.parametrize(
    ("text", "word", "sentence"),
    [
        (
            "Uvod. Putin se sastao sa Lukašenkom 25. novembra u Minsku. Kraj.",
            "Lukašenkom",
            "Putin se sastao sa Lukašenkom 25. novembra u Minsku.",
        ),
        (
            "Davor. Am 3. März traf Putin Lukaschenko. Danach.",
            "Putin",
            "Am 3. März traf Putin Lukaschenko.",
        ),
        ("Eins. Am 25. 11. trafen sie sich. Zwei.", "sie", "Am 25. 11. trafen sie sich."),
        (
            "Uvod. Ne smatra Madura, koji je na vlasti od 2013. godine, legitimnim. Kraj.",
            "Madura",
            "Ne smatra Madura, koji je na vlasti od 2013. godine, legitimnim.",
        ),
        ("Prvo. To je npr. ovako rekao Putin. Drugo.", "Putin", "To je npr. ovako rekao Putin."),
        # a number that ends a sentence still ends it
        ("Es waren 25. Dann kam Putin an.", "Putin", "Dann kam Putin an."),
    ],
)
def test_sentence_runs_on_past_an_ordinal_day(text: str, word: str, sentence: str) -> None:
    assert sentence_around(text, word) == sentence


def test_mention_tooltips_name_the_actor_not_its_key() -> None:
    mentions = pl.DataFrame(
        {
            "start": [0, 10],
            "end": [5, 15],
            "entity_id": ["PER:kavanauh", "LOC:x"],
            "type": ["PER", "LOC"],
        }
    )
    titles = [t for *_, t in reading.mention_spans(mentions, {"PER:kavanauh": "Brett Kavanaugh"})]
    assert titles == ["person: Brett Kavanaugh", "place: x"]
    assert not any("PER:" in t or "LOC:" in t for t in titles)


def _paragraphs(translations: list[str | None]) -> pl.DataFrame:
    n = len(translations)
    return pl.DataFrame(
        {
            "para_no": list(range(n)),
            "start": [i * 6 for i in range(n)],
            "end": [i * 6 + 5 for i in range(n)],
            "boilerplate": [False] * n,
            "language": ["sr"] * n,
            "translation": translations,
            "translation_status": [None if t else "not translated" for t in translations],
        },
        schema_overrides={"translation": pl.String, "translation_status": pl.String},
    )


def test_side_by_side_without_translation_draws_the_original_alone() -> None:
    mentions = pl.DataFrame(
        schema={"start": pl.Int64, "end": pl.Int64, "entity_id": pl.String, "type": pl.String}
    )
    html = reading.side_by_side_html("Prvi.\nDrugi", _paragraphs([None, None]), mentions)
    assert "untranslated" not in html and "not translated" not in html
    assert "Translation</div>" not in html and html.count('class="np-para') == 2
    mixed = reading.side_by_side_html("Prvi.\nDrugi", _paragraphs(["First.", None]), mentions)
    assert "Translation</div>" in mixed and "First." in mixed
    assert "untranslated" not in mixed


def test_no_article_came_first_when_all_share_one_date() -> None:
    arts = pl.DataFrame(
        {
            "article_id": ["a", "b", "c"],
            "story_id": ["s"] * 3,
            "source": ["x", "y", "z"],
            "language": ["sr"] * 3,
            "published": [date(2025, 12, 12)] * 3,
            "text": ["P.", "P.", "P."],
        }
    )
    links = pl.DataFrame(
        schema={
            "story_id": pl.String,
            "article_a": pl.String,
            "para_a": pl.Int32,
            "article_b": pl.String,
            "para_b": pl.Int32,
            "score": pl.Float64,
        }
    )
    out = comparison.first_and_copies(arts, links, "s")
    assert not out["first"].any()
    earlier = arts.with_columns(
        published=pl.Series([date(2025, 12, 11), *[date(2025, 12, 12)] * 2])
    )
    assert comparison.first_and_copies(earlier, links, "s")["first"].to_list() == [
        True,
        False,
        False,
    ]


def test_paths_are_shown_as_file_names() -> None:
    arts = pl.DataFrame(
        {
            "article_id": ["corpus/tur/reuters.218861", "plain", "c\\d\\e.txt"],
            "source": [None, "Reuters", None],
            "language": ["tr", "en", None],
            "title": [None, "A title", "T"],
        }
    )
    out = arts.select(
        file=file_name(pl.col("article_id")), outlet=shown_outlet(), title=shown_title()
    )
    assert out["file"].to_list() == ["reuters.218861", "plain", "e.txt"]
    assert out["outlet"].to_list() == ["tr · reuters.218861", "Reuters", "? · e.txt"]
    assert out["title"].to_list() == ["reuters.218861", "A title", "T"]


def _spans_per_paragraph_by_reading_all(
    spans: list[tuple[int, int, str, str]], start: int, end: int
) -> list[tuple[int, int, str, str]]:
    """What the pages did before: every span of the article read for each paragraph."""
    return [(s - start, e - start, c, t) for s, e, c, t in spans if s >= start and e <= end]


def test_each_paragraph_highlights_its_own_spans_found_by_where_they_start() -> None:
    text = "Ana Novak je u Beogradu.\nMarko Horvat u Zagrebu.\nBez imena.\nAna i Marko."
    starts = [0, 25, 49, 60]
    ends = [24, 48, 59, len(text)]
    names = re.finditer(r"Ana|Novak|Beogradu|Marko|Horvat|Zagrebu", text)
    spans = [(m.start(), m.end(), "#123456", m.group()) for m in names]
    found = len(spans)
    spans.append((20, 30, "#abcdef", "across two paragraphs"))  # in neither
    shuffled = spans[3:] + spans[:3]
    by_start = ByStart(shuffled)
    for start, end in zip(starts, ends, strict=True):
        assert sorted(reading._spans_in(by_start, start, end)) == sorted(
            _spans_per_paragraph_by_reading_all(shuffled, start, end)
        )
    frame = pl.DataFrame(
        {"para_no": range(4), "start": starts, "end": ends, "boilerplate": [False] * 4}
    )
    html = reading.article_html(text, frame, shuffled)
    assert html.count("<mark") == found == 8 and "across two paragraphs" not in html


@pytest.mark.parametrize(
    "translation",
    [
        "Donald Trump met Trump Tower staff; trump, Trumpism. Al-Assad and al-Assad.",
        "(AP) U.S. officials: Łukaszenka met Lukashenko, Łukaszenka's aide; U.S.A.",
        "",
    ],
)
def test_labels_in_a_translation_are_found_where_the_regex_of_each_finds_them(
    translation: str,
) -> None:
    names = {
        "PER:trump": "Donald Trump",
        "LOC:tower": "Trump Tower",
        "PER:assad": "Bashar al-Assad",
        "PER:assad2": "Al-Assad",
        "ORG:ap": "(AP)",
        "LOC:us": "U.S.",
        "PER:luk": "Łukaszenka",
        "X:short": "Al",
    }
    expected = []
    for entity_id, label in names.items():
        words = [label, label.split()[-1]] if " " in label else [label]
        for word in words:
            if len(word) >= 3:
                expected += [
                    (m.start(), m.end(), reading.entity_colour(entity_id), label)
                    for m in re.finditer(rf"\b{re.escape(word)}\b", translation)
                ]
    assert reading.translated_spans(translation, names) == sorted(expected)


@pytest.mark.parametrize(
    "text",
    [
        "am 3. märz traf er ihn, dann 25. 11. wieder",
        "č25. novembra i ž3. 11. i 3. maja",  # a letter outside ASCII touching the day
        "od ٢٥. novembra, 12٣. 11. i 5. 6.",  # digits outside ASCII
        "1. 2.3. 4. 5. 6.7. 8.",  # days one after another
        "x_5. maja, ab5. maja, (7. listopada)",
        "",
    ],
)
def test_ordinal_days_are_found_after_the_same_boundaries_read_fast(text: str) -> None:
    from dashboard.views import sentences

    texts = pl.Series([text, text.upper(), "plain text 2019. and more"])
    unicode = texts.str.replace_all(
        sentences._numeric_day(),
        "${1}" + sentences._NOT_AN_END + "${2}${3}" + sentences._NOT_AN_END,
    ).str.replace_all(sentences._ordinal_day(), "${1}" + sentences._NOT_AN_END + "${2}")
    assert sentences._protect_days(texts).to_list() == unicode.to_list()
