"""Language per article and paragraph: seeds, Serbian/Croatian/Bosnian, inheritance, metadata."""

from __future__ import annotations

import json
from itertools import permutations
from pathlib import Path

import langdetect
import polars as pl
import pytest
from polars.testing import assert_frame_equal

from dashboard.evaluation import benchdata, eval_language
from dashboard.evaluation.eval_language import split_blank_lines
from dashboard.ingest import ingest
from dashboard.schema import SCHEMAS, conform, empty
from dashboard.steps import language, normalise

SEEDS = Path(__file__).resolve().parents[2] / "seeds"
SEED_LANGS = {"000": "sr", "001": "ro", "002": "el", "003": "de", "004": "tr"}
SEED_SCRIPTS = {"000": "Latn", "001": "Latn", "002": "Grek", "003": "Latn", "004": "Latn"}

SERBIAN = [
    "Predsednik Srbije je danas rekao da će vlada do kraja godine povećati plate i penzije.",
    "Voz za Beograd kasnio je dva sata, a putnici su u toku čekanja dobili vodu.",
    "Tramp je u razgovoru sa novinarima u Vašingtonu rekao da ne zna da li će se sastati sa Putinom.",
    "Na protestu u centru grada okupilo se nekoliko hiljada ljudi, saopštila je policija.",
    "Ministarka je najavila da će opština obezbediti novac za izgradnju novog vrtića do decembra.",
]
CROATIAN = [
    "Predsjednik Vlade danas je izjavio kako će plaće i mirovine biti povećane do kraja godine.",
    "Vlak za Split kasnio je dva sata, a putnici su tijekom čekanja dobili vodu.",
    "Trump je u razgovoru s novinarima u Washingtonu rekao kako ne zna hoće li se sastati s Putinom.",
    "Na prosvjedu u središtu grada okupilo se nekoliko tisuća ljudi, priopćila je policija.",
    "Ministrica je najavila da će općina osigurati novac za izgradnju novog vrtića do prosinca.",
]
BOSNIAN = [
    "Predsjedavajući Predsjedništva rekao je da hiljade građana već sedmicama čeka na pasoše.",
    "Na protestu u centru Sarajeva okupilo se nekoliko hiljada ljudi, saopćila je policija.",
    "Historija ovog grada duga je hiljadu godina, a stari sahat i danas pokazuje tačno vrijeme.",
]
SERBIAN_CYRILLIC = [
    "Председник Србије рекао је данас да ће влада до краја године подићи плате и пензије.",
    "Влада Републике Србије усвојила је нови закон о безбедности саобраћаја, који ступа на снагу у јануару.",
    "Ђоковић је победио у финалу после три сата игре.",
]
OTHER_CYRILLIC = {
    "mk": "Претседателот на Владата изјави дека Македонија ќе продолжи со реформите во следниот период.",
    "bg": "Президентът на България заяви, че правителството ще подкрепи реформите в съдебната система.",
    "ru": "Президент России заявил, что правительство поддержит реформы в судебной системе.",
}


def frames(texts: dict[str, str | None], **extra: list) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Articles and blank-line paragraphs following the schema, as ingest + normalise make them."""
    articles = conform(
        pl.DataFrame({"article_id": list(texts), "text": list(texts.values()), **extra}),
        "articles",
    )
    return articles, split_blank_lines(articles)


def seed_texts() -> dict[str, str]:
    return {path.stem: path.read_text(encoding="utf-8") for path in sorted(SEEDS.glob("*.txt"))}


def test_seeds_get_their_languages_and_scripts() -> None:
    articles, paragraphs = frames(seed_texts())
    out, paras = language.detect(articles, paragraphs)
    got = {row["article_id"][:3]: row for row in out.iter_rows(named=True)}
    assert {k: v["language"] for k, v in got.items()} == SEED_LANGS
    assert {k: v["script"] for k, v in got.items()} == SEED_SCRIPTS
    assert all(v["language_score"] > 0.9 for v in got.values())
    assert all(v["provenance"]["language"] == "detected" for v in got.values())
    # every paragraph of the Serbian seed, captions included, is Serbian
    serbian = paras.filter(pl.col("article_id").str.starts_with("000"))
    assert serbian["language"].unique().to_list() == ["sr"]


def test_seeds_through_ingest_and_normalise() -> None:
    loaded = ingest.load([SEEDS]).articles
    out, paras = language.detect(loaded, normalise.paragraphs(loaded))
    assert dict(zip(out["article_id"].str.slice(0, 3), out["language"], strict=True)) == SEED_LANGS
    assert paras["language"].null_count() == 0
    assert out.schema == loaded.schema


@pytest.mark.parametrize(
    ("text", "expected"),
    [(t, "sr") for t in SERBIAN] + [(t, "hr") for t in CROATIAN] + [(t, "bs") for t in BOSNIAN],
)
def test_serbian_croatian_bosnian_sentences(text: str, expected: str) -> None:
    assert language.detect_text(text)[0] == expected


def test_serbian_and_croatian_articles() -> None:
    articles, paragraphs = frames({"rs": "\n\n".join(SERBIAN), "hr": "\n\n".join(CROATIAN)})
    out, paras = language.detect(articles, paragraphs)
    assert out["language"].to_list() == ["sr", "hr"]
    assert out["script"].to_list() == ["Latn", "Latn"]
    by_article = paras.group_by("article_id").agg(pl.col("language").unique())
    assert dict(by_article.iter_rows()) == {"rs": ["sr"], "hr": ["hr"]}


@pytest.mark.parametrize("text", SERBIAN_CYRILLIC)
def test_serbian_cyrillic(text: str) -> None:
    assert language.detect_text(text)[0] == "sr"


@pytest.mark.parametrize(("lang", "text"), OTHER_CYRILLIC.items())
def test_other_cyrillic_languages_are_not_made_serbian(lang: str, text: str) -> None:
    assert language.detect_text(text)[0] == lang


def test_serbian_cyrillic_article_script() -> None:
    articles, paragraphs = frames({"a": "\n\n".join(SERBIAN_CYRILLIC)})
    out, paras = language.detect(articles, paragraphs)
    assert out.select("language", "script").row(0) == ("sr", "Cyrl")
    assert paras["language"].unique().to_list() == ["sr"]


def test_short_caption_and_boilerplate_inherit_article_language() -> None:
    text = "\n\n".join(
        [
            SERBIAN[0],
            "Foto: Ariana Cubillos/AP",
            SERBIAN[2],
            "Read more: subscribe to our newsletter for the latest world news every morning.",
        ]
    )
    articles, paragraphs = frames({"a": text})
    paragraphs = paragraphs.with_columns(boilerplate=pl.col("para_no") == 3)
    out, paras = language.detect(articles, paragraphs)
    assert out["language"][0] == "sr"
    assert paras["language"].to_list() == ["sr", "sr", "sr", "sr"]
    assert paras["language_score"].is_null().to_list() == [False, True, False, True]


def test_a_paragraph_in_another_language_keeps_it() -> None:
    quote = "The president said on Thursday that the talks would continue in Geneva next week."
    articles, paragraphs = frames({"a": "\n\n".join([*SERBIAN, quote])})
    out, paras = language.detect(articles, paragraphs)
    assert out["language"][0] == "sr"
    assert paras["language"].to_list() == ["sr"] * len(SERBIAN) + ["en"]


def test_same_result_twice() -> None:
    articles, paragraphs = frames(seed_texts())
    first = language.detect(articles, paragraphs)
    second = language.detect(articles, paragraphs)
    assert_frame_equal(first[0], second[0])
    assert_frame_equal(first[1], second[1])
    assert language.detect_text(SERBIAN[0]) == language.detect_text(SERBIAN[0])


def test_empty_text_gives_null_language() -> None:
    articles, paragraphs = frames({"empty": "", "none": None, "digits": "2025-12-12 17:00"})
    out, paras = language.detect(articles, paragraphs)
    assert out["language"].to_list() == [None, None, None]
    assert out["language_score"].to_list() == [None, None, None]
    assert out["script"].to_list() == [None, None, None]
    assert out["provenance"].struct.field("language").to_list() == [None, None, None]
    assert paras["language"].to_list() == [None]
    assert language.detect_text("") == (None, 0.0)


def test_empty_frames() -> None:
    out, paras = language.detect(empty("articles"), empty("paragraphs"))
    assert out.height == 0 and paras.height == 0
    assert out.schema == pl.Schema(SCHEMAS["articles"])
    assert paras.schema == pl.Schema(SCHEMAS["paragraphs"])


def test_articles_without_paragraph_rows_are_detected_on_their_text() -> None:
    articles, _ = frames({"a": CROATIAN[0], "b": OTHER_CYRILLIC["ru"]})
    out, paras = language.detect(articles, empty("paragraphs"))
    assert out["language"].to_list() == ["hr", "ru"]
    assert paras.height == 0


def test_metadata_language_wins() -> None:
    given = {"title": None, "published": None, "source": None, "url": None, "language": "sidecar"}
    earlier = {**given, "language": "detected"}
    articles, paragraphs = frames(
        {"meta": "\n\n".join(SERBIAN), "redo": "\n\n".join(SERBIAN)},
        language=["hr", "en"],
        language_score=[None, 0.5],
        provenance=[given, earlier],
    )
    out, paras = language.detect(articles, paragraphs)
    assert out["language"].to_list() == ["hr", "sr"]
    assert out["language_score"][0] is None
    assert out["provenance"].struct.field("language").to_list() == ["sidecar", "detected"]
    # the Serbo-Croatian paragraphs follow the language the metadata gave
    assert paras.filter(pl.col("article_id") == "meta")["language"].unique().to_list() == ["hr"]


def test_row_order_and_other_columns_are_kept() -> None:
    texts = {"z": CROATIAN[1], "a": SERBIAN[1], "m": OTHER_CYRILLIC["bg"]}
    articles, paragraphs = frames(texts, source=["x", "y", "z"])
    out, paras = language.detect(articles, paragraphs.reverse())
    assert out.columns == articles.columns
    assert out["article_id"].to_list() == ["z", "a", "m"]
    assert out["source"].to_list() == ["x", "y", "z"]
    assert paras["article_id"].to_list() == ["m", "a", "z"]
    assert paras["language"].to_list() == ["bg", "sr", "hr"]


def test_script_of() -> None:
    texts = pl.Series(
        ["Beograd", "Београд", "Αθήνα και Ρώμη", "東京", "서울", "", None, "Београд Ab"]
    )
    assert language.script_of(texts).to_list() == [
        "Latn",
        "Cyrl",
        "Grek",
        "Hani",
        "Hang",
        None,
        None,
        "Cyrl",
    ]


def _script_by_matches(text: str) -> str | None:
    """The script rule counted by the regex engine itself, a count of matches a script."""
    counts = {
        code: pl.Series([text]).str.count_matches(rf"\p{{{name}}}")[0]
        for code, name in language._scripts().items()
    }
    letters = pl.Series([text]).str.count_matches(r"\p{L}")[0]
    common = list(counts.items())[:3]
    best = max(common, key=lambda c: c[1])  # the first of equals, as the listed order
    if best[1] * 2 > letters or letters == 0:
        return best[0] if best[1] else None
    best = max(counts.items(), key=lambda c: c[1])
    return best[0] if best[1] else None


def test_script_of_counts_each_character_as_the_regex_engine_reads_it(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # ties, scripts past the first three, characters past the Basic Multilingual Plane (Han,
    # emoji), marks and digits that are no letter, letters of no listed script
    texts = [
        "ab αβ",
        "ab αβ абв",
        "abc αβγ δεζ",
        "مرحبا bonjour",
        "مرحبا بالعالم hello",
        "日本語のテキスト 𠀀𠀁𠀂",
        "𠀀 ab",
        "😀😀 ab",
        "e\u0301\u0301 ℵ ǅ ᾈ ʰ",
        "12345 ...",
        "한국어 텍스트 and",
        "ᚠᚢᚦ runes",
        # Arabic-Indic digits are of a script but no letters: the first scripts' letters decide
        "٣٣٣٣٣٣٣٣٣٣ ab",
        "٣٣٣٣٣٣٣٣٣٣ αβ",
        "٣٣٣",
        "Ⅻ Ⅳ",
        "ꙮ ab",
        "Ⰰ Ⰱ glagolitic",
        "\u00ad\u200b",
        "ß ẞ ﬁ",
    ]
    expected = [_script_by_matches(t) for t in texts]
    assert language.script_of(pl.Series(texts)).to_list() == expected
    # counted a chunk of characters at a time, a long text a slice at a time: the same
    monkeypatch.setattr(language, "_CHUNK_CHARS", 7)
    assert language.script_of(pl.Series(texts)).to_list() == expected


def test_langdetect_fallback_gives_the_same_answers(monkeypatch: pytest.MonkeyPatch) -> None:
    texts = SERBIAN + CROATIAN + SERBIAN_CYRILLIC + list(OTHER_CYRILLIC.values()) + [""]
    fast = language.detect_texts(texts)
    monkeypatch.setattr(language, "_engine", langdetect)
    assert language.engine_name() == "langdetect"
    assert language.detect_texts(texts) == fast


def test_marker_data_is_consistent() -> None:
    data = json.loads((language.DATA / "language_southslavic.json").read_text(encoding="utf-8"))
    known = set(data["tie_order"])
    seen: dict[str, str] = {}
    for group in data["latin_groups"]:
        assert set(group["langs"]) <= known, group["why"]
        for word in group.get("words", []):
            assert word == word.lower() and " " not in word, word
            assert seen.setdefault(word, group["why"]) == group["why"], f"{word} in two groups"
        assert all(len(phrase.split()) == 2 for phrase in group.get("phrases", []))


def test_split_blank_lines_offsets() -> None:
    articles, paragraphs = frames({"a": "Title\n\nFirst line\nsecond line\n\n\nLast"})
    text = articles["text"][0]
    spans = [text[s:e] for s, e in zip(paragraphs["start"], paragraphs["end"], strict=True)]
    assert spans == ["Title", "First line\nsecond line", "Last"]
    assert paragraphs["para_no"].to_list() == [0, 1, 2]


@pytest.mark.skipif(
    not (benchdata.default_root() / "slavicner_dev" / "raw").is_dir(),
    reason="SlavicNER evaluation data not present (set NEWSPRISM_BENCH)",
)
def test_slavicner_accuracy_floor() -> None:
    table = eval_language.evaluate(limit=300)
    overall = table.filter(pl.col("lang") == "all").row(0, named=True)
    assert overall["documents"] >= 300
    assert overall["accuracy"] >= eval_language.FLOOR
    assert set(table["lang"]) == {*benchdata.SLAVICNER_LANGS, "all"}


CZECH = [
    "Vláda dnes schválila návrh rozpočtu na příští rok, který počítá s vyššími výdaji na školství.",
    "Ministr zahraničí řekl novinářům, že jednání v Bruselu potrvají nejméně do konce měsíce.",
    "Policie uzavřela dálnici u Brna kvůli nehodě tří kamionů, řidiči čekali několik hodin.",
    "Podle meteorologů bude o víkendu na horách sněžit a teploty klesnou pod bod mrazu.",
]
# langdetect reads each as another language: Hungarian, Slovak
SHORT_CZECH = {"strike": "Stávka Ryanair", "headline": "Finsko schválilo výstavbu plynovodu"}


def _corpus(long_texts: int) -> dict[str, str]:
    """`long_texts` long Czech and Croatian articles, the short Czech items and a short Croatian
    one (a language the corpus has)."""
    orders = {lang: list(permutations(pool)) for lang, pool in (("cs", CZECH), ("hr", CROATIAN))}
    texts = {f"long{i}": "\n\n".join(orders["cs" if i % 2 else "hr"][i]) for i in range(long_texts)}
    return {**texts, **SHORT_CZECH, "hr_short": CROATIAN[1]}


def test_a_short_text_takes_a_language_of_the_corpus_when_none_of_its_long_texts_has_its_own():
    articles, _ = frames(_corpus(language.MIN_LONG_TEXTS))
    guessed = dict(zip(articles["article_id"], language.guess(articles["text"]), strict=True))
    assert guessed["strike"] not in ("cs", "hr") and guessed["headline"] not in ("cs", "hr")
    out = language.settle_short(articles)
    langs = dict(zip(out["article_id"], out["language"], strict=True))
    how = dict(zip(out["article_id"], out["provenance"].struct.field("language"), strict=True))
    assert langs["strike"] == langs["headline"] == "cs"
    assert how["strike"] == how["headline"] == language.AMONG_CORPUS
    # the rest is left to `detect`, which keeps what was settled and detects the others
    assert langs["hr_short"] is None and how["hr_short"] is None and langs["long0"] is None
    detected, paragraphs = language.detect(out, split_blank_lines(out))
    final = dict(zip(detected["article_id"], detected["language"], strict=True))
    assert final["strike"] == "cs" and final["hr_short"] == "hr" and final["long1"] == "cs"
    assert paragraphs.filter(pl.col("article_id") == "strike")["language"].to_list() == ["cs"]


def test_a_short_text_keeps_its_language_in_a_small_corpus_and_where_metadata_gave_one():
    few, _ = frames(_corpus(language.MIN_LONG_TEXTS - 4))
    assert language.settle_short(few)["language"].null_count() == few.height  # nothing settled
    # a language the stored articles have counts as the corpus's: the small increment settles
    stored = pl.Series(["cs"] * 4)
    grown = language.settle_short(few, stored)
    assert dict(zip(grown["article_id"], grown["language"], strict=True))["strike"] == "cs"
    given = {"title": None, "published": None, "source": None, "url": None, "language": "sidecar"}
    texts = _corpus(language.MIN_LONG_TEXTS)
    articles, _ = frames(
        texts,
        language=["hu" if k == "strike" else None for k in texts],
        provenance=[given if k == "strike" else None for k in texts],
    )
    kept = language.settle_short(articles)
    assert dict(zip(kept["article_id"], kept["language"], strict=True))["strike"] == "hu"


def test_settling_with_the_pure_python_langdetect_gives_the_same_languages(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    articles, _ = frames(_corpus(language.MIN_LONG_TEXTS))
    fast = language.settle_short(articles)
    monkeypatch.setattr(language, "_engine", langdetect)
    assert_frame_equal(language.settle_short(articles), fast)


def test_analyze_settles_short_items_and_the_article_page_says_how(tmp_path: Path) -> None:
    from dashboard.pipeline import pipeline
    from dashboard.views.reading import metadata_html

    folder = tmp_path / "in"
    folder.mkdir()
    for name, text in _corpus(language.MIN_LONG_TEXTS).items():
        (folder / f"{name}.txt").write_text(text, encoding="utf-8")
    out = tmp_path / "analysis"
    pipeline.analyze([folder], out, pipeline.RunOptions(workers=1))
    articles = pl.read_parquet(out / "articles.parquet")
    strike = articles.filter(pl.col("origin").str.contains("strike")).row(0, named=True)
    assert strike["language"] == "cs"
    assert strike["provenance"]["language"] == language.AMONG_CORPUS
    assert "Czech (cs" in metadata_html(strike) and language.AMONG_CORPUS in metadata_html(strike)
    # a second run adds nothing and changes no language
    pipeline.analyze([folder], out, pipeline.RunOptions(workers=1))
    again = pl.read_parquet(out / "articles.parquet")
    assert_frame_equal(
        again.select("article_id", "language"),
        articles.select("article_id", "language"),
        check_row_order=False,
    )


def test_a_run_guesses_its_texts_once(monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[int] = []
    top = language._top

    def counted(texts):
        calls.append(len(texts))
        return top(texts)

    monkeypatch.setattr(language, "_top", counted)
    monkeypatch.setattr(language, "_LAST_GUESS", [])  # whatever an earlier test guessed
    texts = pl.Series(list(_corpus(language.MIN_LONG_TEXTS).values()))
    first = language.guess(texts)
    again = language.guess(texts)  # settle_short, then share.language_order
    assert calls == [texts.len()] and first.equals(again)
    other = language.guess(texts.head(3))  # other texts are guessed
    assert len(calls) == 2 and other.to_list() == first.head(3).to_list()
