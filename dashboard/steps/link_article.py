"""What one article says about its own names, applied to mention keys before linking.

A body named by generic words right before a country, or joined to it by the language's word for
"of", is that country's body: one mention (`bodies_of_countries`). A person named right after a
body or place the article names otherwise is two mentions, the body and the person
(`bodies_before_persons`). A place word that is the given name of the article's person is that
person (`given_name_alone`: Азия beside Азия Биби), and the word for a body's kind alone is the
body the article names in full with it (`kind_word_alone`: Komisja beside Komisja Europejska).

A body's name followed by a listed place in the genitive (Нафтогаз України, Naftogaz Ukrainy:
Naftogaz of Ukraine), read as a person's two names for want of a cue, is the body when the article
also names the body alone. This is a fact of one article, so the full run and an increment (which
links new articles only) apply it alike, before any key is looked up.
"""

from __future__ import annotations

from collections import Counter
from functools import lru_cache
from typing import Any

import polars as pl

from dashboard.lang import lexicon, name_words
from dashboard.lang.translit import token_key
from dashboard.spans import span_texts


def _body_of_place(key: str, lang: str | None, given: frozenset[str]) -> str | None:
    """The body's key of a two-word key "Body Place" (Naftogaz Ukrainy), else None."""
    words = key.split(" ")
    if len(words) != 2 or words[0] in given or lexicon.place(words[0], lang) is not None:
        return None
    return words[0] if lexicon.place(words[1], lang, strict=True) is not None else None


def _found_type(mentions: pl.DataFrame) -> tuple[str, pl.Expr]:
    """The column holding the extractor's type (found_type, linking votes on it; else type) and
    the expression reading it."""
    typed = "found_type" if "found_type" in mentions.columns else "type"
    return typed, pl.coalesce(typed, "type")


def within_article(mentions: pl.DataFrame) -> pl.DataFrame:
    """Mentions with the keys their own article settles (module docstring); `found_type` (the
    extractor's type, which linking votes on) follows a changed key."""
    if mentions.is_empty() or "language" not in mentions.columns:
        return mentions
    mentions = kind_word_alone(given_name_alone(mentions))
    typed, found = _found_type(mentions)
    strong = pl.col("cue").fill_null(False) if "cue" in mentions.columns else pl.lit(False)
    two_words = pl.col("key").str.count_matches(" ") == 1
    doubtful = mentions.filter((found == "PER") & ~strong & two_words)
    if doubtful.is_empty():
        return mentions
    given = lexicon.given_name_keys()
    pairs = doubtful.select("key", "language").unique().rows()
    bodies = {(k, lang): _body_of_place(k, lang, given) for k, lang in pairs}
    named = pl.DataFrame(
        [(k, lang, b) for (k, lang), b in bodies.items() if b is not None],
        schema={"key": pl.String, "language": pl.String, "_body": pl.String},
        orient="row",
    )
    # the article names the body alone too, typed a body (Нафтогаз ... Нафтогаз України)
    alone = (
        mentions.filter(found.is_in(["ORG", "MISC"]) & ~pl.col("key").str.contains(" "))
        .select("article_id", _body="key")
        .unique()
        .with_columns(_alone=pl.lit(True))
    )
    out = (
        mentions.join(
            named, on=["key", "language"], how="left", nulls_equal=True, maintain_order="left"
        )
        .join(alone, on=["article_id", "_body"], how="left", maintain_order="left")
        .with_columns(_fix=pl.col("_alone").fill_null(False) & (found == "PER") & ~strong)
        .with_columns(
            key=pl.when("_fix").then("_body").otherwise("key"),
            **{typed: pl.when("_fix").then(pl.lit("ORG")).otherwise(typed)},
        )
        .drop("_body", "_alone", "_fix")
    )
    return out


def given_name_alone(mentions: pl.DataFrame) -> pl.DataFrame:
    """A one-word name read as a place that is the given name of a person the article names in
    full twice or more, written alike (Азия Биби ... Азия отрече: Asia Bibi, not the continent),
    is that person: news calls a person by the given name once it has named them. Of two persons
    of that given name, the one named most. A place spelled otherwise stays (Azji beside Asia
    Bibi: Polish writes the continent with a z), and so do a city of the world (a club is named
    after it: Belfast Giants, Manchester City) and a place named before a person whose second
    word is a given name (Niemiec Ruediger von Fritsch)."""
    if "text" not in mentions.columns:
        return mentions
    typed, found = _found_type(mentions)
    lead = pl.col("text").str.to_lowercase().str.slice(0, _LEAD)
    given = list(lexicon.given_name_keys())
    full = (
        mentions.filter((found == "PER") & (pl.col("key").str.count_matches(" ") >= 1))
        .group_by("article_id", "key", _lead=lead)
        .len()
        .with_columns(_first=pl.col("key").str.extract(r"^([^ ]+) ", 1))
        # twice or more: a place read before a word as one name once (Украины Обойдется)
        .filter(
            (pl.col("len") >= 2) & ~pl.col("key").str.extract(r"^[^ ]+ ([^ ]+)", 1).is_in(given)
        )
    )
    if full.is_empty():
        return mentions
    persons = (
        full.sort("len", "key", descending=[True, False])
        .group_by("article_id", "_first", "_lead", maintain_order=True)
        .agg(_person=pl.col("key").first())
    )
    alone = (found == "LOC") & ~pl.col("key").str.contains(" ") & ~pl.col("text").str.contains(" ")
    words = mentions.filter(alone).join(
        persons.select("article_id").unique(), on="article_id", how="semi"
    )
    if words.is_empty():
        return mentions
    firsts = set(persons["_first"].to_list())
    table = pl.DataFrame(
        [
            (t, lang, k)
            for t, lang in words.select("text", "language").unique().rows()
            if (k := token_key(t, lang)) in firsts
            and lexicon.world_city((t,)) is None  # a club takes its city's name (Belfast Giants)
        ],
        schema={"text": pl.String, "language": pl.String, "_first": pl.String},
        orient="row",
    )
    return (
        mentions.join(
            table, on=["text", "language"], how="left", nulls_equal=True, maintain_order="left"
        )
        .with_columns(_lead=lead)
        .join(persons, on=["article_id", "_first", "_lead"], how="left", maintain_order="left")
        .with_columns(_fix=pl.col("_person").is_not_null() & alone)
        .with_columns(
            key=pl.when("_fix").then("_person").otherwise("key"),
            **{typed: pl.when("_fix").then(pl.lit("PER")).otherwise(typed)},
        )
        .drop("_first", "_lead", "_person", "_fix")
    )


def kind_word_alone(mentions: pl.DataFrame) -> pl.DataFrame:
    """A body called by the word for its kind alone (Komisja, Unii, Комисията) in an article
    that names it in full with that word (Komisja Europejska, Unii Europejskiej, Европейската
    комисия) is that body, as news writes "the Commission" once it has named it. Only a word
    with a listed meaning (commission, union, court: lang.name_words), never a company's own
    name (Gazprom beside Gazprom Neft); of two bodies so named, the one named most."""
    if "text" not in mentions.columns:
        return mentions
    typed, found = _found_type(mentions)
    alone = (found == "ORG") & ~pl.col("key").str.contains(" ") & ~pl.col("text").str.contains(" ")
    # only articles that name a body in two words or more can settle one
    named = mentions.filter((found == "ORG") & pl.col("text").str.contains(" "))
    words = mentions.filter(alone).join(
        named.select("article_id").unique(), on="article_id", how="semi"
    )
    if words.is_empty():
        return mentions
    kinds = {
        (t, lang): k
        for t, lang in words.select("text", "language").unique().rows()
        if name_words.of_meanings(k := token_key(t, lang))
        and (not t.isupper() or k in name_words.acronym_meanings())  # МИД beside МИД Германии
    }
    if not kinds:
        return mentions
    named = named.join(words.select("article_id").unique(), on="article_id", how="semi")
    heads: dict[tuple[str, str], Counter[str]] = {}
    joiners = name_words.joiner_words()
    for aid, text, key, lang in named.select("article_id", "text", "key", "language").rows():
        parts = text.split()
        # the word for the kind opens the name, or closes it in English, German and Turkish
        # (Senate Judiciary Committee: a committee), never after "of" (Partid ... din Parlament)
        head = {parts[-1]} if lang in _HEAD_LAST else {parts[0]}
        if lang not in _HEAD_LAST and parts[-2].lower() not in joiners:
            head.add(parts[-1])  # an adjective first: Европейската комисия
        for word in head:
            heads.setdefault((aid, token_key(word, lang)), Counter())[key] += 1
    fixes = [
        (aid, t, lang, heads[(aid, kind)].most_common(1)[0][0])
        for aid, t, lang in words.select("article_id", "text", "language").unique().rows()
        if (kind := kinds.get((t, lang))) and (aid, kind) in heads
    ]
    if not fixes:
        return mentions
    table = pl.DataFrame(
        fixes,
        schema={
            "article_id": pl.String,
            "text": pl.String,
            "language": pl.String,
            "_body": pl.String,
        },
        orient="row",
    )
    return (
        mentions.join(
            table,
            on=["article_id", "text", "language"],
            how="left",
            nulls_equal=True,
            maintain_order="left",
        )
        .with_columns(
            key=pl.when(alone & pl.col("_body").is_not_null()).then("_body").otherwise("key")
        )
        .drop("_body")
    )


# languages whose names of bodies close with the word for the kind
_HEAD_LAST = frozenset({"en", "de", "tr"})

# letters a given name alone and in the full name open with alike (Азия, Азия Биби; Asii, Asia)
_LEAD = 3


@lru_cache(maxsize=1)
def countries() -> list[str]:
    """Keys of the listed places but the capitals: a capital after a body names its seat."""
    capitals = {c.lower() for c in lexicon.common()["capitals"].values()}
    return [k for k in lexicon.place_labels() if k not in capitals]


def bodies_of_countries(mentions: pl.DataFrame, texts: pl.DataFrame | None = None) -> pl.DataFrame:
    """A body named by generic words right before a listed country (Верховный суд Пакистана:
    the Supreme Court of Pakistan) is one name, as English (Supreme Court of Pakistan) and Polish
    (Sąd Najwyższy Pakistanu) write it in one: the two mentions become one keyed by both, whose
    meanings meet those names in every language (linking.meant), and the country no longer
    takes the body's mention. A capital after a body names its seat (Okresní soud Amsterdam)
    and stays a place of its own. Given the articles' texts (`texts`: article_id, text), a
    joining word between the two joins them too (Върховният съд на Пакистан); without, stored
    mentions, already joined when found, are joined across one space only."""
    need = {"start", "end", "para_no", "text"}
    if mentions.is_empty() or not need <= set(mentions.columns):
        return mentions
    typed, found = _found_type(mentions)
    bodies = [
        k
        for k in mentions.filter(found == "ORG")["key"].unique().to_list()
        if k and (" " in k or k in name_words.acronym_meanings()) and name_words.of_meanings(k)
    ]
    if not bodies:
        return mentions
    listed = countries()
    rows = mentions.with_row_index("_row")
    after = rows.sort("article_id", "start").select(
        "_row",
        *(
            pl.col(c).shift(-1).over("article_id").alias(f"_next_{c}")
            for c in ("_row", "key", "start", "end", "text", "para_no")
        ),
        _next_type=found.shift(-1).over("article_id"),
    )
    near = (
        rows.join(after, on="_row", maintain_order="left")
        .filter(
            (found == "ORG")
            & pl.col("key").is_in(bodies)
            & (pl.col("_next_type") == "LOC")
            & pl.col("_next_key").is_in(listed)
            & (pl.col("_next_para_no") == pl.col("para_no"))
            & (pl.col("_next_start") - pl.col("end") <= _GAP)
        )
        .with_columns(
            # without the texts, one letter between is the one space
            _gap=pl.when(pl.col("_next_start") - pl.col("end") == 1).then(pl.lit(" ")),
            _whole=pl.concat_str("text", pl.lit(" "), "_next_text"),
        )
    )
    if texts is not None and not near.is_empty():
        near = near.with_columns(
            _gap=span_texts(near, texts, "end", "_next_start"),
            _whole=span_texts(near, texts, "start", "_next_end"),
        )
    joiners = pl.DataFrame(
        [(lang, f" {w} ") for lang, ws in name_words.genitive_joiners().items() for w in ws],
        schema={"language": pl.String, "_joiner": pl.String},
        orient="row",
    ).with_columns(_joined=pl.lit(True))
    near = near.with_columns(_joiner=pl.col("_gap").str.to_lowercase()).join(
        joiners, on=["language", "_joiner"], how="left", maintain_order="left"
    )
    pairs = near.filter((pl.col("_gap") == " ") | pl.col("_joined").fill_null(False)).select(
        "_row",
        "_next__row",
        _end=pl.col("_next_end"),
        _text="_whole",
        _key=pl.concat_str("key", pl.lit(" "), "_next_key"),
    )
    if pairs.is_empty():
        return mentions
    return (
        rows.filter(~pl.col("_row").is_in(pairs["_next__row"].implode()))
        .join(pairs.drop("_next__row"), on="_row", how="left", maintain_order="left")
        .with_columns(
            end=pl.coalesce("_end", "end").cast(mentions.schema["end"]),
            text=pl.coalesce("_text", "text"),
            key=pl.coalesce("_key", "key"),
        )
        .drop("_row", "_end", "_text", "_key")
    )


# the most letters between a body and its country: spaces and joining words (" of the ")
_GAP = 8


def _split_at(
    key: str,
    article: str,
    typed: dict[tuple[str, str], set[str]],
    given: frozenset[str],
    surname_alone: bool = False,
) -> tuple[int, str, str]:
    """Where a person's key of three words or more starts after a body named first, the body's
    type and its key (gazprom aleksei miller: 1, ORG, gazprom; a listed name's key is its
    canonical one: usa heather nauert: 1, LOC, united states), else (0, "", ""): the head is
    named alone in the article, not as a person, or is a listed name; the rest opens with a
    given name or is a person the article names, or the article calls the person by the surname
    alone (`surname_alone`: Пенджаба Салман Тасир ... Тасир)."""
    words = key.split(" ")
    if len(words) < 3 or words[0] in given:
        return 0, "", ""
    listed = lexicon.place_labels()
    for j in range(1, len(words) - 1):
        head, tail = " ".join(words[:j]), " ".join(words[j:])
        named = sorted(typed.get((article, head), set()) - {"PER"})
        fixed = lexicon.fixed_names().get(head)
        kind = named[0] if named else "LOC" if head in listed else fixed[0] if fixed else ""
        person = (
            words[j] in given
            or (surname_alone and len(words) - j >= 2)
            or "PER" in typed.get((article, tail), set())
            or "PER" in typed.get((article, words[-1]), set())
        )
        if kind and kind != "PER" and person:
            return j, kind, fixed[1] if fixed and not named and head not in listed else head
    return 0, "", ""


# bodies named one after the other before a person (Departamentu Stanu USA Heather Nauert) are
# peeled off one per pass, at most this many
_PEELS = 4


def bodies_before_persons(mentions: pl.DataFrame) -> pl.DataFrame:
    """A person named right after a body, read as one name (Gazpromu Aleksiej Miller, UOKiK
    Marek Niechciał, Нафтогаза Юрий Витренко: the body's chief), is two mentions: the body and
    the person, when the article names the body otherwise (or it is a listed name) and the
    person's part opens with a given name or is a person the article names. Several bodies
    before one person (Departamentu Stanu USA Heather Nauert) are each a mention."""
    for _ in range(_PEELS):
        peeled = _body_before_person(mentions)
        if peeled.height == mentions.height:  # nothing split: every split adds a row
            return peeled
        mentions = peeled
    return mentions


def _body_before_person(mentions: pl.DataFrame) -> pl.DataFrame:
    """`bodies_before_persons`'s one pass: the first body before each person split off."""
    need = {"start", "end", "text", "article_id"}
    if mentions.is_empty() or not need <= set(mentions.columns):
        return mentions
    typed_col, found = _found_type(mentions)
    long_people = mentions.filter((found == "PER") & (pl.col("key").str.count_matches(" ") >= 2))
    if long_people.is_empty():
        return mentions
    articles = long_people["article_id"].unique().implode()
    typed: dict[tuple[str, str], set[str]] = {}
    for aid, key, typ in (
        mentions.filter(pl.col("article_id").is_in(articles))
        .select("article_id", "key", found.alias("_t"))
        .unique()
        .rows()
    ):
        typed.setdefault((aid, key), set()).add(typ)
    given = lexicon.given_name_keys()
    # a surname alone that took the long name's key in its article (Тасир)
    alone = set(
        long_people.filter(~pl.col("text").str.contains(" ")).select("article_id", "key").rows()
    )
    cuts: dict[tuple[str, str, str], tuple[int, str, str]] = {}
    for aid, key, text in long_people.select("article_id", "key", "text").unique().rows():
        if len(text.split()) == len(key.split(" ")):
            j, kind, head_key = _split_at(key, aid, typed, given, (aid, key) in alone)
            if j:
                cuts[(aid, key, text)] = (j, kind, head_key)
    if not cuts:
        return mentions
    # the surname alone follows the person's part
    tails = {(a, k): " ".join(k.split(" ")[j:]) for (a, k, _), (j, _, _) in cuts.items()}
    rows = mentions.with_row_index("_row")
    cut_keys = pl.DataFrame(
        [(a, k, t) for a, k, t in cuts],
        schema={"article_id": pl.String, "key": pl.String, "text": pl.String},
        orient="row",
    )
    hit = rows.join(cut_keys, on=["article_id", "key", "text"], how="semi").filter(found == "PER")
    out: list[dict[str, Any]] = []
    for row in hit.iter_rows(named=True):
        j, kind, head_key = cuts[(row["article_id"], row["key"], row["text"])]
        words, keys = row["text"].split(), row["key"].split(" ")
        head_text = " ".join(words[:j])
        tail_start = row["start"] + row["text"].index(words[j], len(head_text))
        head = {**row, "end": row["start"] + len(head_text), "text": head_text,
                "key": head_key, typed_col: kind}  # fmt: skip
        if "cue" in row:
            head["cue"] = False
        tail = {**row, "start": tail_start, "text": row["text"][tail_start - row["start"] :],
                "key": " ".join(keys[j:])}  # fmt: skip
        out.extend((head, tail))
    split = pl.DataFrame(out, schema=rows.schema)
    moved = pl.DataFrame(
        [(a, k, t) for (a, k), t in tails.items()],
        schema={"article_id": pl.String, "key": pl.String, "_tail": pl.String},
        orient="row",
    )
    return (
        pl.concat([rows.filter(~pl.col("_row").is_in(hit["_row"].implode())), split])
        .sort("_row", maintain_order=True)
        .join(moved, on=["article_id", "key"], how="left", maintain_order="left")
        .with_columns(
            key=pl.when(pl.col("_tail").is_not_null() & ~pl.col("text").str.contains(" "))
            .then("_tail")
            .otherwise("key")
        )
        .drop("_row", "_tail")
    )


def shaped(mentions: pl.DataFrame, texts: pl.DataFrame | None = None) -> pl.DataFrame:
    """The mention rows an article's own names settle (split a body from the person after it,
    join a generic body with its country): made when the mentions are found, so every later
    reader (quotes found before linking, an increment) sees the rows linking keeps."""
    return bodies_of_countries(bodies_before_persons(mentions), texts)


# a Roman numeral of two letters or more closing a name, in Latin or Cyrillic capitals (XVI, ХVІ)
_NUMERAL = r"\s([IVXLІХ]{2,6})$"


def settled(mentions: pl.DataFrame, texts: pl.DataFrame | None = None) -> pl.DataFrame:
    """The keys linking compares: what each article says of its names (this module), and no
    closing Roman numeral. Made when the mentions are found (`texts`: the articles' text, see
    `shaped`), so a worker process settles its own articles and linking compares the keys as
    found, in a full run and an increment alike. Settled keys stay as they are when settled
    again with their texts."""
    return _without_numeral(within_article(shaped(mentions, texts)))


def _without_numeral(mentions: pl.DataFrame) -> pl.DataFrame:
    """Keys without the word a closing Roman numeral made: a pope's or king's number and a
    product's generation are written in figures elsewhere (Benedykt XVI, Бенедикт; Nord Stream
    II, Nord Stream 2, whose key has no figures). Settled keys stay as they are."""
    numeral = pl.col("text").str.extract(_NUMERAL, 1)
    last = pl.col("key").str.extract(r" ([^ ]+)$", 1)
    numbered = mentions.filter(numeral.is_not_null() & last.is_not_null())
    if numbered.is_empty():
        return mentions
    # the numeral's own key under the mention's language (XVI: ksv, ХVІ: hvi)
    made = {
        (word, lang): token_key(word, lang)
        for word, lang in numbered.select(numeral.alias("n"), "language").unique().rows()
    }
    table = pl.DataFrame(
        [(w, lang, k) for (w, lang), k in made.items()],
        schema={"_numeral": pl.String, "language": pl.String, "_made": pl.String},
        orient="row",
    )
    return (
        mentions.with_columns(_numeral=numeral, _last=last)
        .join(
            table, on=["_numeral", "language"], how="left", nulls_equal=True, maintain_order="left"
        )
        .with_columns(
            key=pl.when(pl.col("_made").is_not_null() & (pl.col("_last") == pl.col("_made")))
            .then(pl.col("key").str.replace(r" [^ ]+$", ""))
            .otherwise(pl.col("key"))
        )
        .drop("_numeral", "_last", "_made")
    )
