"""Mentions of people, places and organisations found in article text without a model.

Candidates are runs of capitalised words (any script) split at sentence boundaries,
punctuation and title words; sentence-initial common words, months and weekdays are dropped
(simplemma's dictionaries tell a common word from a name); types come from CLDR place names,
organisation and title cue words, given names and surname shapes. Each mention carries a
linking key (see dashboard.lang.translit) that survives inflection, diacritics and script.

This module holds the entry points and what is decided over a whole article (headlines in
title case, a surname taking its full name's key, lists of places, possessives, model numbers,
doubtful words); the steps below it live in mention_words (the tokeniser and what one word
is), mention_runs (candidate runs) and mention_trim (trimming and splitting runs).
"""

from __future__ import annotations

import re
from collections import Counter

import polars as pl

from dashboard import collector, schema
from dashboard.lang import boilerplate, datewords, lemmas, lexicon
from dashboard.lang.translit import fold, token_key
from dashboard.steps import link_article, mention_types
from dashboard.steps.mention_runs import _candidates
from dashboard.steps.mention_trim import _NAME_ENDING, _NAME_STEM, _Seen, _split, _trim
from dashboard.steps.mention_words import _WORD, _dictionary_word, _known_word, _Word, _words

# a model number after a name (Nord Stream 2, Boeing 737), not a year
_NUMBER = re.compile(r"[ -](?!(?:19|20)\d\d\b)\d{1,4}\b(?![.,:]\d)")


def article_mentions(
    text: str, spans: list[tuple[int, int, int]], lang: str | None
) -> list[tuple[int, int, int, str, str, str]]:
    """Mentions of one article: (para_no, start, end, text, type, key) for given paragraphs."""
    return [m[:6] for m in _cued_mentions(text, spans, lang)]


def _cued_mentions(
    text: str, spans: list[tuple[int, int, int]], lang: str | None
) -> list[tuple[int, int, int, str, str, str, bool]]:
    """article_mentions plus whether a cue typed each mention ("in X", a title, an org word)."""
    found: list[tuple[int, list[_Word], str, str, bool]] = []
    seen = _Seen(text)
    paras = [(para_no, _words(text, start, end, lang)) for para_no, start, end in spans]
    # a headline is the article's first line (ingest takes the title from it), or a short
    # line between paragraphs written in title case (a subheading: It Didn't Go Well)
    headlines = {
        no
        for i, (no, start, end) in enumerate(spans)
        if len(spans) > 1
        and (i == 0 or end - start <= _SUBHEADING_CHARS)
        and _title_cased(text[start:end], lang)
    }
    body = _body_capitals(text, paras, headlines) if headlines else frozenset()
    for para_no, words in paras:
        for cand in _candidates(words, lang):
            kept = _trim(cand, lang, seen)
            if not kept:
                continue  # a run all trimmed away (The, In): nothing to split or type
            if para_no in headlines:
                runs = _headline_runs(kept, lang, body)
                parts = [p for run in runs for p in _split(run, cand, lang, seen)]
            else:
                parts = _split(kept, cand, lang, seen)
            for part, sub in parts:
                if len(part) == 1 and len(part[0].text) < 2:
                    continue
                typ, key, strong = mention_types.classify(
                    tuple([w.text for w in part]),
                    sub.after_title,
                    sub.after_org,
                    lang,
                    sub.after_in,
                    sub.after_misc,
                    sub.after_loc,
                )
                if key:
                    found.append((para_no, part, typ, key, strong))
    return _resolve_in_article(found, text, lang)


# a title-cased line has at least this many capitalised ordinary words and no lower-case
# word of four letters or more (title case leaves only short function words lower)
_HEADLINE_COMMON = 2
_HEADLINE_LOWER = 0
_SUBHEADING_CHARS = 80  # a subheading is one short line


def _title_cased(text: str, lang: str | None) -> bool:
    """A headline in title case (Trump Will Win the Midterms, Says Adviser): capitalised
    ordinary words past the first, mostly, and no lower-case word of four letters or more.
    Languages that capitalise nouns (German) are never read so."""
    if lang == "de":
        return False
    words = _WORD.findall(text)
    lower = sum(1 for w in words if w[:1].islower() and len(w) >= 4)
    if lower > _HEADLINE_LOWER or len(words) < 3:
        return False
    capitals = [w for w in words[1:] if w[:1].isupper() and not w.isupper()]
    common = sum(
        1 for w in capitals if not _known_word(w, lang)[1] and mention_types.ordinary(w, lang)
    )
    # most capitals are ordinary words: a sentence full of names is not a headline
    return common >= _HEADLINE_COMMON and 2 * common >= len(capitals)


def _body_capitals(
    text: str, paras: list[tuple[int, list[_Word]]], headlines: set[int]
) -> frozenset[str]:
    """Words capitalised inside a sentence outside the headlines: the article's own names."""
    return frozenset(
        w.text
        for no, words in paras
        if no not in headlines
        for w in words
        if w.capital and not w.sentence_start
    )


def _headline_runs(words: list[_Word], lang: str | None, body: frozenset[str]) -> list[list[_Word]]:
    """The parts of a headline run whose words the article names elsewhere or that are known
    names, places or acronyms (Trump Will Win -> Trump)."""
    runs: list[list[_Word]] = [[]]
    for w in words:
        if w.text in body or _known_word(w.text, lang)[1] or (w.text.isupper() and len(w.text) > 1):
            runs[-1].append(w)
        elif runs[-1]:
            runs.append([])
    return [r for r in runs if r]


def _common_head(word: str, lang: str | None) -> bool:
    """A run's first word that is an ordinary word of the language, not a place (Pilot, Szef)."""
    code = mention_types.lemma_lang(lang)
    if code is None or not lemmas.is_known(word.lower(), code):
        return False
    return not mention_types.known(word, lang)


_PLACE_HEAD = 5


def _place_head(word: str, lang: str | None) -> bool:
    """A run's first word that names a country or city of one word in this language, inflected
    (Polsce, Rosji), not a given name (Rose), a direction (West, Kuzey) or a piece of a longer
    place's name (Central)."""
    key = token_key(word, lang)
    if (
        len(word) < _PLACE_HEAD
        or key in lexicon.given_name_keys()
        or word.lower().startswith(lexicon.compass_stems())
    ):
        return False
    found = lexicon.place(key, lang, strict=True, surface=word)
    if found is None or " " in found[1]:
        return False
    # in another case than its name's (Polsce for Polska: in Poland); a city's name as it is
    # often names its club (Dundee Stars)
    return fold(word, lang) != lexicon.place_spelling(key, lang)


def _lends(votes: Counter[str], cued: Counter[str] | None, given: bool) -> bool:
    """Whether a one-word key may take a full name's key: it is not read as a place, and the
    full name starts with a given name or the word is not more often cued as an organisation
    or a product than as a person (Ryanair after "Irski Ryanair" stays the airline)."""
    if votes["LOC"]:
        return False
    return given or not cued or cued["PER"] >= cued["ORG"] + cued["MISC"]


def _day_of_month(text: str, pos: int, lang: str | None) -> bool:
    """Whether the number ending at `pos` is a day: a month name follows (25. novembra, 3 May)."""
    at = pos
    while text[at : at + 1] in (".", " "):  # past the dots and spaces (no copy of the text)
        at += 1
    m = _WORD.match(text, at)
    return m is not None and datewords.fold(m.group(0)) in lexicon.month_words(lang)


def _tally(counts: dict[str, Counter[str]], key: str, item: str, n: int) -> None:
    """Count `item` `n` times under `key` (a Counter made only for a new key)."""
    found = counts.get(key)
    if found is None:
        found = counts[key] = Counter()
    found[item] = found.get(item, 0) + n  # not += : no __missing__ call for a new item


def _top(counts: Counter[str]) -> str:
    """The most counted item, the first counted of equals: most_common(1)'s, without a heap."""
    return max(counts, key=counts.__getitem__)


def _resolve_in_article(
    found: list[tuple[int, list[_Word], str, str, bool]], text: str, lang: str | None
) -> list[tuple[int, int, int, str, str, str, bool]]:
    """Surname-only mentions take the full name's key; a key takes its best-cued type."""
    found = _listed_places(found, text, lang)
    full_by_last: dict[str, Counter[str]] = {}
    given_first: set[str] = set()
    votes: dict[str, Counter[str]] = {}
    cued: dict[str, Counter[str]] = {}
    for _, run_words, typ, key, strong in found:
        _tally(votes, key, typ, 3 if strong else 1)
        if strong:
            _tally(cued, key, typ, 1)
        # a full name lends its key unless it starts with a common noun (Pilot Ryanair) or,
        # typed by no cue, with a place (Polsce Ryanair: in Poland, Ryanair)
        if (
            typ == "PER"
            and " " in key
            and (strong or not _common_head(run_words[0].text, lang))
            and (strong or not _place_head(run_words[0].text, lang))
        ):
            last = key.rsplit(" ", 1)[-1]
            _tally(full_by_last, last, key, 1)
            if key.split(" ", 1)[0] in lexicon.given_name_keys():
                given_first.add(last)
    owners = _possessives(votes, full_by_last, lang)
    out: list[tuple[int, int, int, str, str, str, bool]] = []
    for para_no, words, typ, key, strong in found:
        typ = _top(votes[key])
        if (
            " " not in key
            and key in full_by_last
            and _lends(votes[key], cued.get(key), key in given_first)
        ):
            key = _top(full_by_last[key])
            typ = "PER"
        elif key in owners:
            key, typ = owners[key]
        start, end = words[0].start, words[-1].end
        number = _NUMBER.match(text, end)
        if number and not words[-1].suffix and not _day_of_month(text, number.end(), lang):
            end = number.end()
            placed = bool(votes[key]["LOC"])
            if typ in ("PER", "ORG", "MISC") and not placed:
                typ = "MISC"
                model = number.group(0).strip(" -")
                if len(model) >= 1:
                    # a model number (Boeing 737) names a product apart from its maker
                    key = f"{key} {model}"
            legal = lexicon.legal_form().match(text, end)
            if legal and not placed:
                # the company named after its product (Nord Stream 2 AG): its own organisation
                end = legal.end()
                typ = "ORG"
                key = f"{key} {token_key(legal.group(0).strip(), lang)}"
        if out and start < out[-1][2] and out[-1][0] == para_no:
            continue  # the legal form just taken into the previous name
        out.append((para_no, start, end, text[start:end], typ, key, strong))
    return out


def _joins_a_list(gap: str, conjunctions: frozenset[str]) -> str | None:
    """How the text between two names joins them in a list: "," (a comma), "and" (an "and",
    after a comma or not), or None."""
    words = gap.replace(",", " , ").split()
    if not words or not all(w == "," or w in conjunctions for w in words):
        return None
    said = [w for w in words if w != ","]
    if len(said) > 1:
        return None
    return "and" if said else ","


def _listed_places(
    found: list[tuple[int, list[_Word], str, str, bool]], text: str, lang: str | None
) -> list[tuple[int, list[_Word], str, str, bool]]:
    """Names listed with places, and typed an organisation for want of any cue, are places
    too (Londýn, Paříž, Berlín a Rávalpindí): a list names things of one kind. Only where at
    least half of the list are known places and no cue types a name of it otherwise; a
    person's name stays a person's; a list of clubs named after towns stays (Clyde, Falkirk,
    Arbroath)."""
    conjunctions = lexicon.conjunctions(lang)
    out = list(found)
    chain: list[int] = []
    said_and = False
    for i in range(len(out) + 1):
        joined = None
        if 0 < i < len(out) and out[i][0] == out[i - 1][0]:
            gap = text[out[i - 1][1][-1].end : out[i][1][0].start]
            joined = _joins_a_list(gap, conjunctions)
        if joined:
            chain.append(i)
            said_and = said_and or joined == "and"
            continue
        # two names and a comma are a name and its apposition, or a subject (Doyle, İskoçya'nın)
        listed = len(chain) > 2 or (len(chain) == 2 and said_and)
        if (
            listed
            and {out[k][2] for k in chain if out[k][4]} == {"LOC"}
            and 2 * sum(out[k][2] == "LOC" and out[k][4] for k in chain) >= len(chain)
        ):
            for k in chain:
                para_no, words, typ, key, strong = out[k]
                if not strong and typ == "ORG":
                    out[k] = (para_no, words, "LOC", key, False)
        chain, said_and = [i], False
    return out


def _possessives(
    votes: dict[str, Counter[str]], full_by_last: dict[str, Counter[str]], lang: str | None
) -> dict[str, tuple[str, str]]:
    """One-word keys that are a possessive adjective of a name in this article (Fordova,
    Чејмберсову: the key of Ford, Chambers plus -ov/-in) -> (that name's key, its type): a
    mention of the owner, not a name of its own (Petrov stays, unless Petr is named too)."""
    endings = lexicon.cues(lang).possessive_endings
    if not endings:
        return {}
    out: dict[str, tuple[str, str]] = {}
    for key in votes:
        if " " in key or key in full_by_last:
            continue
        for ending in endings:
            stem = key[: -len(ending)]
            if not key.endswith(ending) or len(stem) < 3:
                continue
            if stem in full_by_last:
                out[key] = (_top(full_by_last[stem]), "PER")
            elif stem in votes:
                out[key] = (stem, _top(votes[stem]))
            if key in out:
                break
    return out


# what may stand between a sentence's end (or a paragraph's start) and its first word
_SENTENCE_OPENERS = "\"'„“«(—–- \t\n\r\u00a0"
_SENTENCE_ENDS = (".", "!", "?", ":", "…")


def _opens_sentence(text: str, para_start: int, start: int) -> bool:
    """Whether the word at `start` opens a sentence: nothing but spaces, quotes and dashes
    before it in its paragraph, or a sentence's end (. ! ? : …) before those."""
    before = text[para_start:start].rstrip(_SENTENCE_OPENERS)
    return not before or before.endswith(_SENTENCE_ENDS)


def _initial_stranger(
    text: str, para_start: int, start: int, surface: str, lang: str | None
) -> bool:
    """A lone word opening a sentence that the language's dictionary does not know and no list
    names (Παρόλο, Desigur): only the corpus can tell a name from a word the dictionary lacks,
    so it is kept only where the corpus names it so too (see linking.confirmed)."""
    code = mention_types.lemma_lang(lang)
    if code is None or " " in surface or surface.isupper() or "-" in surface:
        return False
    if not _opens_sentence(text, para_start, start):
        return False
    if lemmas.is_known(surface, code) or lemmas.is_known(surface.lower(), code):
        return False
    return not any(_known_word(surface, lang))


def _named_words(found: list[tuple[int, int, int, str, str, str, bool]]) -> frozenset[str]:
    """The words of the article's names of two words or more (Ejli Dojl, Džin Friman), lower
    case: names the article writes where no sentence starts."""
    return frozenset(
        w.lower()
        for *_, surface, _typ, _key, _cue in found
        if " " in surface
        for w in surface.split()
        if w[:1].isupper()
    )


def _inflects(surface: str, named: frozenset[str]) -> bool:
    """Whether a lone word is one of the article's named words or one with a case or
    possessive ending (Ejli after Ejli Dojl; Frimanova after Džin Friman)."""
    low = surface.lower()
    return any(
        low[:n] in named for n in range(max(_NAME_STEM, len(low) - _NAME_ENDING), len(low) + 1)
    )


@collector.paused()
def extract_mentions(articles: pl.DataFrame, paragraphs: pl.DataFrame) -> pl.DataFrame:
    """Mentions of every article (skipping boilerplate paragraphs), as the `mentions` table.

    entity_id is left null (see dashboard.steps.linking.link); key is the linking key.
    """
    rows: list[dict] = []
    paras = boilerplate.body(paragraphs)
    by_article: dict[str, list[tuple[int, int, int]]] = {}
    for aid, no, start, end in paras.select("article_id", "para_no", "start", "end").iter_rows():
        by_article.setdefault(aid, []).append((no, start, end))
    for aid, text, lang in articles.select("article_id", "text", "language").iter_rows():
        if not text:
            continue
        spans = sorted(by_article.get(aid, []))
        starts = {no: start for no, start, _ in spans}
        found = _cued_mentions(text, spans, lang)
        named = _named_words(found)
        for para_no, start, end, surface, typ, key, cue in found:
            doubt = (lang == "de" and _dictionary_word(surface, key, lang)) or (
                not cue
                and _initial_stranger(text, starts[para_no], start, surface, lang)
                and not _inflects(surface, named)
            )
            rows.append(
                {
                    "article_id": aid,
                    "para_no": para_no,
                    "start": start,
                    "end": end,
                    "text": surface,
                    "type": typ,
                    "found_type": typ,
                    "key": key,
                    "language": lang,
                    # kept only once the mentions schema has a "cue" column (see linking.link)
                    "cue": cue,
                    "doubt": doubt,
                }
            )
    if not rows:
        return schema.empty("mentions")
    # the rows and keys an article's names settle (a body split from a person, a body with its
    # country, a given name alone): each worker settles its own articles
    return link_article.settled(
        schema.conform(pl.DataFrame(rows), "mentions"), articles.select("article_id", "text")
    )
