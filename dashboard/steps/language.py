"""Language of every paragraph and article, and the script an article is written in.

langdetect's n-gram profiles do the detection (through langdetect_rs, a bit-identical and much
faster drop-in, when it is installed). langdetect has no Serbian or Bosnian profile and labels
Serbian Cyrillic as Macedonian or Bulgarian, so a second step tells Serbian, Croatian and
Bosnian apart with the markers in dashboard/data/language_southslavic.json.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

import numpy as np
import polars as pl

from dashboard.lang import boilerplate, codepoints, datacache
from dashboard.schema import PROVENANCE, SCHEMAS
from dashboard.spans import span_texts

try:
    import langdetect_rs as _engine
except ImportError:  # the pure-Python original gives the same answers, only slower
    import langdetect as _engine  # type: ignore[no-redef]

DATA = Path(__file__).resolve().parents[1] / "data"
SEED = 0
MIN_LETTERS = 40
"""Paragraphs with fewer letters (captions, credits, datelines) inherit the article language."""

_TOKEN = re.compile(r"\w+")
_LETTER = re.compile(r"[^\W\d_]")
_Top = tuple[str, float] | None


def engine_name() -> str:
    """The detector in use: "langdetect_rs" or "langdetect"."""
    return _engine.__name__.split(".")[0]


def detect_text(text: str) -> tuple[str | None, float]:
    """ISO 639-1 code and probability of one text; (None, 0.0) when it has nothing to detect."""
    return detect_texts([text])[0]


def detect_texts(
    texts: Sequence[str], among: set[str] | None = None
) -> list[tuple[str | None, float]]:
    """detect_text for many texts in one batch (the fast path); with `among`, each text's most
    probable of those langdetect codes, all equally likely before its evidence."""
    out: list[tuple[str | None, float]] = []
    for text, top in zip(texts, _top(texts, among), strict=True):
        if top is None:
            out.append((None, 0.0))
        else:
            lang, prob = top
            out.append((south_slavic(text, lang), prob))
    return out


def detect(articles: pl.DataFrame, paragraphs: pl.DataFrame) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Fill language, language_score and script of articles and language(_score) of paragraphs.

    Paragraphs of at least MIN_LETTERS letters that are not boilerplate are detected one by one;
    the article takes the language with the most letters behind it (weighted by probability)
    and short or boilerplate paragraphs inherit it, with a null score. Articles without such
    paragraphs are detected on their whole text. A language set by metadata (provenance
    language not null and not "detected") wins over detection.
    """
    articles = _ensure(articles, "articles", ("language", "language_score", "script", "provenance"))
    paragraphs = _ensure(paragraphs, "paragraphs", ("language", "language_score", "boilerplate"))
    arts = articles.select("article_id", pl.col("text").fill_null("").alias("_text"))
    segments = _segments(arts, paragraphs)
    eligible = segments.filter(pl.col("_eligible"))
    bare = arts.join(eligible.select("article_id").unique(), on="article_id", how="anti")

    results = detect_texts(eligible["_segment"].to_list() + bare["_text"].to_list())
    eligible = pl.concat([eligible, _result_frame(results[: eligible.height])], how="horizontal")
    bare = pl.concat([bare, _result_frame(results[eligible.height :])], how="horizontal")
    found = pl.concat([_vote(eligible), bare.select("article_id", "_lang", "_score")]).unique(
        "article_id", keep="first", maintain_order=True
    )

    given = _given_language()
    out_articles = (
        articles.with_row_index("_row")
        .join(found, on="article_id", how="left")
        .sort("_row")
        .with_columns(
            language=pl.when(given).then(pl.col("language")).otherwise(pl.col("_lang")),
            language_score=pl.when(given)
            .then(pl.col("language_score"))
            .otherwise(pl.col("_score")),
            script=script_of(articles["text"]),
            provenance=_provenance(given),
        )
        .select(articles.columns)
    )
    return out_articles, _paragraph_languages(paragraphs, eligible, out_articles)


GUESS_CHARS = 200
"""Characters of a text a first guess reads: its title and first lines are in its language."""


def guess(texts: pl.Series) -> pl.Series:
    """A first guess of each text's language from its first GUESS_CHARS characters (langdetect's
    top answer, not refined): about a tenth of `detect`'s work, for grouping the articles of one
    language together (pipeline.enrich_batches) and for the corpus's languages (settle_short),
    never as an article's language. The last texts' guesses are kept: a run asks for the same
    texts twice (settle_short, then share.language_order)."""
    prefixes = tuple(texts.fill_null("").str.slice(0, GUESS_CHARS).to_list())
    if _LAST_GUESS and _LAST_GUESS[0][0] == prefixes:
        return _LAST_GUESS[0][1].clone()
    found = [None if top is None else top[0] for top in _top(prefixes)]
    guessed = pl.Series("guess", found, dtype=pl.String)
    _LAST_GUESS[:] = [(prefixes, guessed)]
    return guessed.clone()


_LAST_GUESS: list[tuple[tuple[str, ...], pl.Series]] = []
"""[(prefixes, their guesses)] of guess's last call (one entry: a corpus's texts, not a cache)."""


SHORT_LETTERS = 200
"""A text with fewer letters is short: its n-grams can name a language it is not in."""
MIN_LONG_TEXTS = 20
"""Long texts a corpus needs before a language none of them is in says anything of a short one."""
AMONG_CORPUS = "detected among corpus languages"
"""An article language's provenance when `settle_short` chose it: kept by `detect`."""


def settle_short(articles: pl.DataFrame, stored: pl.Series | None = None) -> pl.DataFrame:
    """Short articles (under SHORT_LETTERS letters) detected in a language that none of the
    corpus's long texts is written in are detected again among the languages those are in.

    langdetect reads two or three words with certainty: "Stávka Ryanair" as Hungarian, "Finnair"
    as Finnish, a Czech headline as Slovak. Once a corpus has MIN_LONG_TEXTS long texts (the new
    articles' and the `stored` articles' languages), a language none of them is in is not
    believed from a short text: it takes the most probable of the corpus's languages (each as
    likely before its evidence, so Slovenian stays Slovenian beside Croatian), with provenance
    AMONG_CORPUS, which `detect` keeps. A corpus decision, made once before the per-article
    steps (they stay pure): every batch and worker then sees the same languages."""
    articles = _ensure(articles, "articles", ("language", "language_score", "provenance"))
    text = articles["text"].fill_null("")
    letters = text.str.slice(0, SHORT_LETTERS * 4).str.count_matches(r"\p{L}")
    given = articles.select(_given_language()).to_series()
    short = (letters < SHORT_LETTERS) & ~given
    if not short.any():
        return articles
    guessed = guess(text)
    long = letters >= SHORT_LETTERS
    known = [] if stored is None else stored.drop_nulls().to_list()
    if int(long.sum()) + len(known) < MIN_LONG_TEXTS:
        return articles
    corpus = _corpus_languages(guessed.filter(long).to_list() + known)
    suspects = (short & guessed.is_not_null() & ~guessed.is_in(sorted(corpus))).arg_true()
    if suspects.is_empty() or not corpus:
        return articles
    found = detect_texts(text.gather(suspects).to_list(), among=corpus)
    settled = pl.DataFrame(
        {
            "_row": suspects,
            "_lang": [lang for lang, _ in found],
            "_score": [score for _, score in found],
        },
        schema={"_row": pl.UInt32, "_lang": pl.String, "_score": pl.Float64},
    ).drop_nulls("_lang")
    hit = pl.col("_lang").is_not_null()
    return (
        articles.with_row_index("_row")
        .join(settled, on="_row", how="left", maintain_order="left")
        .with_columns(
            language=pl.when(hit).then("_lang").otherwise("language"),
            language_score=pl.when(hit).then("_score").otherwise("language_score"),
            provenance=pl.when(hit)
            .then(_filled_provenance().struct.with_fields(language=pl.lit(AMONG_CORPUS)))
            .otherwise("provenance"),
        )
        .select(articles.columns)
    )


CORPUS_SHARE = 0.001
"""Share of a corpus's long texts a language must be detected in to be one of its languages (a
first guess names a wrong language in about one long text in 2,000)."""


def _corpus_languages(found: list[str | None]) -> set[str]:
    """The langdetect codes of the languages at least CORPUS_SHARE of `found` (first guesses of
    long texts, stored articles' languages) are in."""
    counts = Counter(code for lang in found if lang for code in _raw_codes(lang))
    least = CORPUS_SHARE * len(found)
    return {code for code, n in counts.items() if n >= least}


def _raw_codes(lang: str) -> set[str]:
    """The langdetect codes a stored (refined) language came from: Serbian, Croatian and
    Bosnian are refined from hr and, in Cyrillic, from the Cyrillic candidates."""
    markers = _markers()
    if lang in markers.family:
        return {"hr"} | (markers.cyrillic_candidates if lang == "sr" else set())
    return {lang}


def south_slavic(text: str, lang: str) -> str:
    """Refine langdetect's answer for Serbian, Croatian and Bosnian (Latin or Cyrillic) text."""
    markers = _markers()
    if lang in markers.family:
        return _latin_vote(text, lang, markers)
    if lang in markers.cyrillic_candidates:
        return _cyrillic_vote(text, lang, markers)
    return lang


def script_of(texts: pl.Series) -> pl.Series:
    """ISO 15924 code of the script of each text (null: none of the listed scripts).

    One of the first three scripts listed (they cover nearly all news text) when it has more than
    half the text's letters, or the text has no letter; else the listed script with most
    characters (a tie: the first listed). Counted in one pass over the texts' characters, each
    looked up in a table of what \\p{Name} and \\p{L} match in polars's regex engine
    (`_char_classes`), where a count of matches a script read every text again."""
    codes = list(_scripts())
    values = texts.fill_null("").to_list()
    # per text, characters of each class: a script (the last: none of them) and letter or not
    by_letter = _class_counts(values, 2 * (len(codes) + 1)).reshape(len(values), len(codes) + 1, 2)
    counts, letters = by_letter.sum(axis=2)[:, :-1], by_letter[:, :, 1].sum(axis=1)
    common = counts[:, :_COMMON_SCRIPTS]
    best = common.max(axis=1, initial=0)
    decided = (best * 2 > letters) | (letters == 0)
    found = np.where(
        decided,
        np.where(best > 0, common.argmax(axis=1), -1),
        np.where(counts.max(axis=1) > 0, counts.argmax(axis=1), -1),
    )
    return pl.Series("script", [codes[i] if i >= 0 else None for i in found], pl.String)


def _class_counts(values: list[str], width: int) -> np.ndarray:
    """(text, class): how many characters of each text are of each class (`_char_classes`),
    counted over chunks of at most _CHUNK_CHARS characters (a text longer than that, a slice at a
    time): the arrays of a count take ~20 bytes a character."""
    counts = np.zeros((len(values), width), np.int64)
    start = 0
    while start < len(values):
        end, size = start + 1, len(values[start])
        while end < len(values) and size + len(values[end]) <= _CHUNK_CHARS:
            size += len(values[end])
            end += 1
        if size > _CHUNK_CHARS:  # one long text
            text = values[start]
            for at in range(0, size, _CHUNK_CHARS):
                found = _char_classes(codepoints.of(text[at : at + _CHUNK_CHARS]))
                counts[start] += np.bincount(found, minlength=width)
        else:
            part = values[start:end]
            row = np.repeat(np.arange(len(part)), np.fromiter(map(len, part), np.int64, len(part)))
            found = _char_classes(codepoints.of("".join(part)))
            counts[start:end] = np.bincount(
                row * width + found, minlength=len(part) * width
            ).reshape(len(part), width)
        start = end
    return counts


_CHUNK_CHARS = 1 << 20
"""Characters whose classes are counted at once (script_of)."""


_COMMON_SCRIPTS = 3
"""The first scripts of language_scripts.json a text is one of when it has most its letters."""


def _char_classes(chars: np.ndarray) -> np.ndarray:
    """Each code point's class: 2 x its script's number in _scripts() (len(_scripts()): none),
    + 1 for a letter. Those of the Basic Multilingual Plane from a table, the others asked of the
    regex engine (each once)."""
    return codepoints.by_table(chars, _bmp_classes(), _classes)


@cache
def _bmp_classes() -> np.ndarray:
    """_classes of every code point of the Basic Multilingual Plane (a surrogate: none, no
    letter); built once (~0.1 s) and kept on disk, for this polars (its regex engine's tables)."""
    kept = datacache.cached(
        f"char_classes_{pl.__version__}",
        lambda: _classes([c if not 0xD800 <= c < 0xE000 else 0 for c in range(0x10000)]).tobytes(),
    )
    return np.frombuffer(kept, np.uint8)


def _classes(points: list[int]) -> np.ndarray:
    """The classes (`_char_classes`) of `points`, as polars's regex reads \\p{Name} and \\p{L}."""
    chars = pl.Series([chr(c) for c in points], dtype=pl.String)
    names = list(_scripts().values())
    script = np.full(len(points), len(names), np.uint8)
    for number, name in reversed(list(enumerate(names))):  # a character's first script listed
        script[chars.str.count_matches(rf"\p{{{name}}}").to_numpy() > 0] = number
    return script * 2 + (chars.str.count_matches(r"\p{L}").to_numpy() > 0)


# -- detection engine -------------------------------------------------------------------------


def _top(texts: Sequence[str], among: set[str] | None = None) -> list[_Top]:
    """langdetect's most probable (language, probability) per text, None for featureless text
    (the ranked rest is never read: not copied out, ~16,000 lists on the interleaved corpus);
    with `among`, of those languages only (langdetect's prior map, each equally likely)."""
    _engine.DetectorFactory.seed = SEED  # fixed seed: the same text always gets the same answer
    batch = getattr(_engine, "detect_langs_batch", None)
    if batch is not None and among is None:
        return [
            None if not found else (found[0].lang, found[0].prob) for found in batch(list(texts))
        ]
    out: list[_Top] = []
    for text in texts:
        try:
            found = _engine.detect_langs(text) if among is None else _within(text, among)
        except _engine.LangDetectException:
            out.append(None)
            continue
        out.append((found[0].lang, found[0].prob) if found else None)
    return out


def _within(text: str, langs: set[str]) -> list:
    """langdetect's ranked languages of `text`, of `langs` only."""
    factory = _engine.detector_factory
    factory.init_factory()
    detector = factory._factory.create()
    detector.set_prior_map(dict.fromkeys(langs, 1.0))
    detector.append(text)
    return list(detector.get_probabilities())


def _result_frame(results: list[tuple[str | None, float]]) -> pl.DataFrame:
    return pl.DataFrame(
        {"_lang": [r[0] for r in results], "_score": [r[1] if r[0] else None for r in results]},
        schema={"_lang": pl.String, "_score": pl.Float64},
    )


# -- frames ----------------------------------------------------------------------------------


def _ensure(frame: pl.DataFrame, table: str, names: Sequence[str]) -> pl.DataFrame:
    """Add the contract columns this step reads or fills when a caller's frame lacks them."""
    schema = SCHEMAS[table]
    missing = [pl.lit(None, dtype=schema[n]).alias(n) for n in names if n not in frame.columns]
    return frame.with_columns(missing) if missing else frame


def _segments(arts: pl.DataFrame, paragraphs: pl.DataFrame) -> pl.DataFrame:
    """Each paragraph's text, letter count and whether it is worth detecting on its own."""
    joined = (
        paragraphs.select("article_id", "start", "end", "boilerplate")
        .with_row_index("_prow")
        .join(arts.select("article_id"), on="article_id", how="inner")
        .sort("_prow")
    )
    segment = span_texts(joined, arts, "start", "end", text="_text")
    return (
        joined.with_columns(_segment=segment.fill_null(""))
        .with_columns(_letters=pl.col("_segment").str.count_matches(r"\p{L}"))
        .with_columns(_eligible=(pl.col("_letters") >= MIN_LETTERS) & boilerplate.is_body())
        .select("_prow", "article_id", "_segment", "_letters", "_eligible")
    )


def _vote(eligible: pl.DataFrame) -> pl.DataFrame:
    """Article language: most probability-weighted letters, refined on the article's own text."""
    totals = eligible.group_by("article_id", maintain_order=True).agg(
        _total=pl.col("_letters").sum(), _body=pl.col("_segment").str.join("\n\n")
    )
    best = (
        eligible.filter(pl.col("_lang").is_not_null())
        .group_by("article_id", "_lang")
        # summed in paragraph order (a running sum): the same bits whatever the batch holds
        .agg(_weight=(pl.col("_letters") * pl.col("_score")).cum_sum().last())
        .sort(["article_id", "_weight", "_lang"], descending=[False, True, False])
        .unique("article_id", keep="first", maintain_order=True)
    )
    voted = totals.join(best, on="article_id", how="inner").with_columns(
        _score=pl.col("_weight") / pl.col("_total")
    )
    refined = [
        south_slavic(body, lang)
        for body, lang in zip(voted["_body"].to_list(), voted["_lang"].to_list(), strict=True)
    ]
    return voted.select("article_id", pl.Series("_lang", refined, dtype=pl.String), "_score")


def _paragraph_languages(
    paragraphs: pl.DataFrame, eligible: pl.DataFrame, articles: pl.DataFrame
) -> pl.DataFrame:
    """Detected paragraphs keep their language unless it is a neighbour of the article's (see
    language_neighbours.json); the rest inherit the article language with a null score."""
    article_lang = pl.col("_article_lang")
    neighbours = pl.any_horizontal(
        [pl.col("_lang").is_in(group) & article_lang.is_in(group) for group in _neighbours()]
        or [pl.lit(False)]
    )
    keep = pl.col("_lang").is_not_null() & ~neighbours.fill_null(False)
    return (
        paragraphs.with_row_index("_prow")
        .join(eligible.select("_prow", "_lang", "_score"), on="_prow", how="left")
        .join(
            articles.select("article_id", pl.col("language").alias("_article_lang")),
            on="article_id",
            how="left",
        )
        .sort("_prow")
        .with_columns(
            language=pl.when(keep).then(pl.col("_lang")).otherwise(article_lang),
            language_score=pl.when(pl.col("_lang").is_not_null()).then(pl.col("_score")),
        )
        .select(paragraphs.columns)
    )


def _given_language() -> pl.Expr:
    """True where metadata set the article language (not an earlier detection)."""
    how = pl.col("provenance").struct.field("language")
    return (pl.col("language").is_not_null() & how.is_not_null() & (how != "detected")).fill_null(
        False
    )


def _provenance(given: pl.Expr) -> pl.Expr:
    """Mark detected languages as "detected"; metadata provenance stays as it was."""
    how = (
        pl.when(given)
        .then(pl.col("provenance").struct.field("language"))
        .when(pl.col("_lang").is_not_null())
        .then(pl.lit("detected"))
        .otherwise(None)
    )
    return _filled_provenance().struct.with_fields(language=how)


def _filled_provenance() -> pl.Expr:
    """The provenance column, a struct of nulls where it is null."""
    blank = pl.struct([pl.lit(None, dtype=f.dtype).alias(f.name) for f in PROVENANCE.fields])
    return pl.when(pl.col("provenance").is_null()).then(blank).otherwise(pl.col("provenance"))


# -- Serbian, Croatian, Bosnian ---------------------------------------------------------------


@dataclass(frozen=True)
class _Markers:
    family: frozenset[str]
    tie_order: tuple[str, ...]
    words: dict[str, frozenset[str]]
    stems: dict[str, frozenset[str]]
    stem_lengths: tuple[int, ...]
    phrases: dict[tuple[str, str], frozenset[str]]
    suffixes: tuple[tuple[str, frozenset[str]], ...]
    split_future: dict[str, frozenset[str]]
    cyrillic_candidates: frozenset[str]
    serbian_only: frozenset[str]
    serbian_shared: frozenset[str]
    serbian_letter: re.Pattern[str]
    macedonian_only: frozenset[str]
    min_serbian_share: float
    serbian_words: frozenset[str]
    macedonian_words: frozenset[str]
    pair_seconds: frozenset[str]  # second words of phrases and split futures
    # token -> the languages its word, stems and suffixes vote for (news repeats its words)
    token_langs: dict[str, frozenset[str]] = field(default_factory=dict, compare=False)


@cache
def _markers() -> _Markers:
    data = json.loads((DATA / "language_southslavic.json").read_text(encoding="utf-8"))
    words: dict[str, set[str]] = {}
    stems: dict[str, set[str]] = {}
    phrases: dict[tuple[str, str], set[str]] = {}
    suffixes: list[tuple[str, frozenset[str]]] = []
    split_future: dict[str, set[str]] = {}
    for group in data["latin_groups"]:
        langs = set(group["langs"])
        for word in group.get("words", []):
            words.setdefault(word, set()).update(langs)
        for stem in group.get("stems", []):
            stems.setdefault(stem, set()).update(langs)
        for phrase in group.get("phrases", []):
            first, second = phrase.split()
            phrases.setdefault((first, second), set()).update(langs)
        suffixes += [(s, frozenset(langs)) for s in group.get("token_suffixes", [])]
        for auxiliary in group.get("split_future", []):
            split_future.setdefault(auxiliary, set()).update(langs)
    cyr = data["cyrillic"]
    return _Markers(
        family=frozenset(data["family"]),
        tie_order=tuple(data["tie_order"]),
        words={k: frozenset(v) for k, v in words.items()},
        stems={k: frozenset(v) for k, v in stems.items()},
        stem_lengths=tuple(sorted({len(s) for s in stems})),
        phrases={k: frozenset(v) for k, v in phrases.items()},
        suffixes=tuple(suffixes),
        split_future={k: frozenset(v) for k, v in split_future.items()},
        cyrillic_candidates=frozenset(cyr["candidates"]),
        serbian_only=frozenset(cyr["serbian_only"]),
        serbian_shared=frozenset(cyr["serbian_shared_with_mk"]),
        serbian_letter=re.compile(
            f"[{cyr['serbian_only']}{cyr['serbian_shared_with_mk']}]", re.IGNORECASE
        ),
        macedonian_only=frozenset(cyr["macedonian_only"]),
        min_serbian_share=float(cyr["min_serbian_letter_share"]),
        serbian_words=frozenset(cyr["serbian_words"]),
        macedonian_words=frozenset(cyr["macedonian_words"]),
        pair_seconds=frozenset([second for _, second in phrases] + list(split_future)),
    )


def _latin_vote(text: str, lang: str, m: _Markers) -> str:
    """Count marker hits per language; no hits keep langdetect's answer."""
    tokens = _TOKEN.findall(text.lower())
    votes: Counter[str] = Counter()
    # a token's own markers (word, stems, suffixes) once per distinct token, times its count
    for token, n in Counter(tokens).items():
        for code in _token_langs(token, m):
            votes[code] += n
    # the markers of a pair of tokens add the languages the second token did not vote for
    seconds = m.pair_seconds
    for k in [k for k, token in enumerate(tokens) if token in seconds]:
        token, previous = tokens[k], tokens[k - 1] if k else ""
        pair = m.phrases.get((previous, token))
        if previous.endswith("t") and token in m.split_future:
            pair = (pair or frozenset()) | m.split_future[token]
        if pair:
            votes.update(pair - _token_langs(token, m))
    if not votes:
        return lang
    return max(m.tie_order, key=lambda code: (votes[code], -m.tie_order.index(code)))


TOKEN_MEMO = 200_000
"""Distinct tokens whose votes are remembered per process (then forgotten and counted again)."""


def _token_langs(token: str, m: _Markers) -> frozenset[str]:
    """The languages a token's word, stem and suffix markers vote for."""
    known = m.token_langs.get(token)
    if known is not None:
        return known
    langs = set(m.words.get(token, ()))
    for n in m.stem_lengths:
        if len(token) < n:
            break
        langs.update(m.stems.get(token[:n], ()))
    for suffix, suffix_langs in m.suffixes:
        if token.endswith(suffix) and len(token) > len(suffix) + 1:
            langs.update(suffix_langs)
    if len(m.token_langs) >= TOKEN_MEMO:
        m.token_langs.clear()
    found = m.token_langs[token] = frozenset(langs)
    return found


def _cyrillic_vote(text: str, lang: str, m: _Markers) -> str:
    """Serbian Cyrillic: letters Bulgarian and Russian lack, words Macedonian does not use."""
    if not m.serbian_letter.search(text):  # most Cyrillic text stops here, cheaply
        return lang
    lower = text.lower()
    serbian = sum(lower.count(ch) for ch in m.serbian_only)
    shared = sum(lower.count(ch) for ch in m.serbian_shared)
    macedonian = sum(lower.count(ch) for ch in m.macedonian_only)
    tokens = Counter(_TOKEN.findall(lower))
    sr_words = sum(n for word, n in tokens.items() if word in m.serbian_words)
    mk_words = sum(n for word, n in tokens.items() if word in m.macedonian_words)
    if sr_words <= mk_words:
        return lang
    if lang == "mk":
        return "sr" if serbian >= macedonian else lang
    share = (serbian + shared) / max(1, len(_LETTER.findall(lower)))
    return "sr" if share >= m.min_serbian_share else lang


@cache
def _scripts() -> dict[str, str]:
    data = json.loads((DATA / "language_scripts.json").read_text(encoding="utf-8"))
    return dict(data["scripts"])


@cache
def _neighbours() -> list[list[str]]:
    data = json.loads((DATA / "language_neighbours.json").read_text(encoding="utf-8"))
    return [list(group) for group in data["groups"]]
