"""Mentions of people, places and organisations found in article text without a model.

Candidates are runs of capitalised words (any script) split at sentence boundaries,
punctuation and title words; sentence-initial common words, months and weekdays are dropped
(simplemma's dictionaries tell a common word from a name); types come from CLDR place names,
organisation and title cue words, given names and surname shapes. Each mention carries a
linking key (see dashboard.translit) that survives inflection, diacritics and script.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from functools import lru_cache

import polars as pl
import simplemma

from dashboard import lexicon, schema
from dashboard.translit import name_key, token_key

# a word: letters with inner hyphens; an apostrophe suffix is handled separately
_WORD = re.compile(r"[^\W\d_]+(?:-[^\W\d_]+)*")
_APOS = "'’ʼ"
_SENTENCE_END = re.compile(r"[.!?…:;\n•|]")
_BREAK = re.compile(r"[^\s]")  # any non-space between two words breaks a run
# simplemma language codes for the article languages it knows under another name
_SIMPLEMMA_LANG = {"sr": "hbs", "hr": "hbs", "bs": "hbs", "me": "hbs"}
_SIMPLEMMA_KNOWN = frozenset(
    [
        "bg",
        "cs",
        "de",
        "el",
        "en",
        "es",
        "fr",
        "hbs",
        "it",
        "mk",
        "nl",
        "pl",
        "pt",
        "ro",
        "ru",
        "sk",
        "sl",
        "tr",
        "uk",
        "hu",
        "sv",
        "da",
        "fi",
        "lt",
        "lv",
        "et",
        "sq",
    ]
)
_INNER_APOS_LANGS = {"uk", "be"}
# a model number after a name (Nord Stream 2, Boeing 737), not a year
_NUMBER = re.compile(r"[ -](?!(?:19|20)\d\d\b)\d{1,4}\b(?![.,:]\d)")
_MID_CAP = re.compile(r"(?<=[\w,] )[^\W\d_][\w-]*", re.UNICODE)


@dataclass
class _Word:
    start: int
    end: int  # end of the name part (before an apostrophe suffix)
    text: str
    capital: bool
    sentence_start: bool
    gap_break: bool  # punctuation between this word and the previous one
    suffix: bool = False  # an apostrophe suffix followed (Maduro'yu): the name ends here


@dataclass
class _Cand:
    words: list[_Word]
    after_title: bool = False
    after_org: bool = False
    org_tail: list[_Word] = field(default_factory=list)


def _lemma_lang(lang: str | None) -> str | None:
    code = _SIMPLEMMA_LANG.get(lang or "", lang or "")
    return code if code in _SIMPLEMMA_KNOWN else None


def _is_common(word: str, lang: str | None) -> bool:
    """A capitalised word that is an ordinary word of the language (its lemma is lower case)."""
    code = _lemma_lang(lang)
    if code is None:
        return False
    try:
        lemma = simplemma.lemmatize(word, lang=code)
    except ValueError:
        return False
    if _caseless(code):
        # this dictionary lower-cases everything: only an inflected known form tells
        if simplemma.is_known(word, lang=code) and lemma != word.lower():
            return True
    elif lemma[:1].islower():
        return True
    if lexicon.cues(lang).common_suffixes and word.lower().endswith(
        lexicon.cues(lang).common_suffixes
    ):
        return True
    # German capitalises nouns: a noun simplemma knows is not a name
    return code == "de" and simplemma.is_known(word, lang=code)


@lru_cache(maxsize=64)
def _caseless(code: str) -> bool:
    """Whether simplemma's dictionary for `code` lower-cases unknown capitalised words."""
    return simplemma.lemmatize("Qwertyx", lang=code)[:1].islower()


def _plain_known(word: str, lang: str | None) -> bool:
    """In a lower-cased dictionary, a known word that is not a place of the language."""
    code = _lemma_lang(lang)
    if code is None or not _caseless(code):
        return False
    return (
        simplemma.is_known(word, lang=code)
        and lexicon.place(token_key(word, lang), lang, strict=True) is None
    )


def _has_cue(low: str, words: frozenset[str], prefixes: frozenset[str], compound: bool) -> bool:
    """Whether a lower-case word is a cue word or an inflected form of one."""
    if low in words:
        return True
    for n in (5, 6, 7, 8, 9, 10):
        if len(low) >= n and low[:n] in prefixes:
            return True
    if compound and len(low) > 8:
        return any(low.endswith(w) for w in words if len(w) >= 5)
    return False


def _parts(text: str, start: int, end: int, lang: str | None) -> list[tuple[int, int]]:
    """A hyphenated word as one word, or its parts when they are names of their own (ABD-Venezuela)."""
    word = text[start:end]
    if "-" not in word:
        return [(start, end)]
    pieces = word.split("-")
    if not all(p[:1].isupper() for p in pieces):
        return [(start, end)]
    if not any(_known(p, lang) for p in pieces):
        return [(start, end)]
    out, pos = [], start
    for p in pieces:
        out.append((pos, pos + len(p)))
        pos += len(p) + 1
    return out


def _known(word: str, lang: str | None) -> bool:
    """A place, a well-known organisation or short country name."""
    key = token_key(word, lang)
    return key in lexicon.fixed_names() or lexicon.place(key, lang) is not None


def _words(text: str, start: int, end: int, lang: str | None) -> list[_Word]:
    """Words of text[start:end] with their capitalisation and sentence position."""
    out: list[_Word] = []
    prev_end = start
    pos = start
    while True:
        m = _WORD.search(text, pos, end)
        if not m:
            break
        w_start, w_end = m.start(), m.end()
        name_end = w_end
        pos = w_end
        suffix = False
        # apostrophe: Turkish/English suffix (Maduro'yu) is cut; Ukrainian inner one is kept
        while pos < end and text[pos] in _APOS and pos + 1 < end and text[pos + 1].isalpha():
            nxt = _WORD.match(text, pos + 1, end)
            if not nxt:
                break
            if lang in _INNER_APOS_LANGS or text[pos + 1].isupper():
                name_end = nxt.end()
            else:
                suffix = True
            pos = nxt.end()
        gap = text[prev_end:w_start]
        first = not out
        opener = gap.strip()
        sent = first or bool(_SENTENCE_END.search(gap)) or (opener != "" and opener in '"„“«»—–-(')
        brk = first or bool(_BREAK.search(gap))
        for k, (p_start, p_end) in enumerate(_parts(text, w_start, name_end, lang)):
            token = text[p_start:p_end]
            last = p_end == name_end
            out.append(
                _Word(
                    p_start,
                    p_end,
                    token,
                    token[:1].isupper(),
                    sent and k == 0,
                    brk or k > 0,
                    suffix and last,
                )
            )
        prev_end = pos
    return out


def _candidates(words: list[_Word], lang: str | None) -> list[_Cand]:
    """Capitalised runs split at punctuation and title words, with their left context."""
    cue = lexicon.cues(lang)
    out: list[_Cand] = []
    run: list[_Word] = []
    after_title = after_org = False
    prev_low: str = ""

    def close() -> None:
        nonlocal run
        if run:
            while run and run[-1].text.lower() in cue.particles:
                run.pop()
            if run:
                out.append(_Cand(run, after_title, after_org))
        run = []

    for i, w in enumerate(words):
        low = w.text.lower()
        is_title = _has_cue(low, cue.titles, cue.title_prefixes, cue.compound)
        joins = run and not w.gap_break
        if w.capital and not is_title:
            if not joins:
                close()
                after_title = (
                    _has_cue(prev_low, cue.titles, cue.title_prefixes, cue.compound)
                    and not w.gap_break
                )
                after_org = (
                    _has_cue(prev_low, cue.org_words, cue.org_prefixes, cue.compound)
                    and not w.gap_break
                )
            run.append(w)
            if w.suffix:
                close()
        elif joins and low in cue.particles and i + 1 < len(words) and words[i + 1].capital:
            run.append(w)
        elif run and joins and _extends(run, w, cue, lang):
            run.append(w)
            close()
        else:
            close()
        if is_title:
            close()
        prev_low = low
    close()
    return out


def _extends(run: list[_Word], w: _Word, cue: lexicon.Cues, lang: str | None) -> bool:
    """A lower-case word that completes the run's name: an organisation word (Evropska komisija)
    or the end of a well-known name (Bela kuća, Casa Albă)."""
    low = w.text.lower()
    if not cue.extend_lowercase or low in cue.stop or len(run) > 2:
        return False
    if name_key([x.text for x in run] + [w.text], lang) in lexicon.fixed_names():
        return True
    if len(run) != 1:
        return False
    return _has_cue(low, cue.org_words, cue.org_prefixes, cue.compound) or _has_cue(
        low, cue.loc_words, cue.loc_prefixes, cue.compound
    )


def _trim(cand: _Cand, lang: str | None, lower_seen: set[str], cap_mid: set[str]) -> list[_Word]:
    """Drop leading stop words, months and sentence-initial common words from a run."""
    cue = lexicon.cues(lang)
    words = list(cand.words)
    while words:
        w = words[0]
        low = w.text.lower()
        key = token_key(w.text, lang)
        fixed = key in lexicon.given_name_keys() or key in lexicon.fixed_names()
        fixed = fixed or lexicon.place(key, lang, strict=True) is not None
        known_name = fixed or lexicon.place(key, lang) is not None
        extended = len(words) > 1 and not words[-1].capital
        if low in cue.stop or low in lexicon.cues(None).stop:
            words.pop(0)
        elif (
            w.sentence_start
            and not fixed
            and not extended
            and w.text not in cap_mid
            and (low in lower_seen or _is_common(w.text, lang) or _plain_known(w.text, lang))
        ):
            words.pop(0)
            if words:
                words[0] = _Word(words[0].start, words[0].end, words[0].text, True, True, False)
        elif lang == "de" and not known_name and _is_common(w.text, lang):
            words.pop(0)
        else:
            break
    while words and (
        words[-1].text.lower() in cue.stop or (lang == "de" and _is_common(words[-1].text, lang))
    ):
        words.pop()
    return words


def _split(words: list[_Word], cand: _Cand, lang: str | None) -> list[tuple[list[_Word], _Cand]]:
    """Split a run where a place or acronym precedes a given name or another place
    (Λευκορωσίας Αλεξάντερ Λουκασένκο, AP Ilya Pitalev)."""
    if len(words) < 2:
        return [(words, cand)] if words else []
    if lexicon.place(name_key([w.text for w in words], lang), lang):
        return [(words, cand)]
    first, second = words[0], words[1]
    head_known = _known(first.text, lang) or (first.text.isupper() and len(first.text) > 1)
    second_key = token_key(second.text, lang)
    if head_known and (second_key in lexicon.given_name_keys() or _known(second.text, lang)):
        rest = _Cand(words[1:], after_title=False, after_org=False)
        return [([first], cand), *_split(words[1:], rest, lang)]
    return [(words, cand)]


def _lemma_place(texts: list[str], lang: str | None) -> tuple[str, str] | None:
    """A place found through the dictionary's base form (Niemczech -> Niemcy)."""
    code = _lemma_lang(lang)
    if code is None or len(texts) > 3:
        return None
    try:
        lemmas = [simplemma.lemmatize(t, lang=code) for t in texts]
    except ValueError:
        return None
    if lemmas == texts:
        return None
    return lexicon.place(name_key(lemmas, lang), lang, strict=True)


def _classify(words: list[_Word], cand: _Cand, lang: str | None) -> tuple[str, str, bool]:
    """(type, key, strong cue?) of a trimmed run."""
    cue = lexicon.cues(lang)
    texts = [w.text for w in words]
    key = name_key(texts, lang)
    fixed = lexicon.fixed_names().get(key)
    if fixed:
        return fixed[0], fixed[1], True
    found = lexicon.place(key, lang) or _lemma_place(texts, lang)
    if found:
        return "LOC", found[0], True
    lows = [t.lower() for t in texts]
    if any(_has_cue(low, cue.org_words, cue.org_prefixes, cue.compound) for low in lows):
        return "ORG", key, True
    if len(texts) == 1 and lows[0] in lexicon.org_acronyms():
        return "ORG", key, True
    if any(_has_cue(low, cue.loc_words, cue.loc_prefixes, cue.compound) for low in lows):
        return "LOC", key, True
    if cand.after_title:
        return "PER", key, True
    first = token_key(texts[0], lang)
    if first in lexicon.given_name_keys() and (len(texts) > 1 or not texts[0].isupper()):
        return "PER", key, True
    if cand.after_org:
        return "ORG", key, True
    if all(t.isupper() and len(t) > 1 for t in texts):
        return "ORG", key, False
    last = key.rsplit(" ", 1)[-1]
    if len(last) >= 5 and last.endswith(lexicon.surname_endings()):
        return "PER", key, False
    if 2 <= len(texts) <= 3 and first in lexicon.given_name_keys():
        return "PER", key, False
    if 2 <= len(texts) <= 3 and all(t[:1].isupper() and not t.isupper() for t in texts):
        return "PER", key, False
    return "ORG", key, False


def article_mentions(
    text: str, spans: list[tuple[int, int, int]], lang: str | None
) -> list[tuple[int, int, int, str, str, str]]:
    """Mentions of one article: (para_no, start, end, text, type, key) for given paragraphs."""
    found: list[tuple[int, list[_Word], str, str, bool]] = []
    lower_seen = {m.group(0) for m in _WORD.finditer(text) if m.group(0)[:1].islower()}
    lower_seen = {w.lower() for w in lower_seen}
    # capitalised words seen inside a sentence are names even where a sentence starts with them
    cap_mid = {m.group(0) for m in _MID_CAP.finditer(text)}
    for para_no, start, end in spans:
        words = _words(text, start, end, lang)
        for cand in _candidates(words, lang):
            kept = _trim(cand, lang, lower_seen, cap_mid)
            for part, sub in _split(kept, cand, lang):
                if len(part) == 1 and len(part[0].text) < 2:
                    continue
                typ, key, strong = _classify(part, sub, lang)
                if key:
                    found.append((para_no, part, typ, key, strong))
    return _resolve_in_article(found, text)


def _resolve_in_article(
    found: list[tuple[int, list[_Word], str, str, bool]], text: str
) -> list[tuple[int, int, int, str, str, str]]:
    """Surname-only mentions take the full name's key; a key takes its best-cued type."""
    full_by_last: dict[str, Counter[str]] = {}
    votes: dict[str, Counter[str]] = {}
    for _, _words, typ, key, strong in found:
        votes.setdefault(key, Counter())[typ] += 3 if strong else 1
        if typ == "PER" and " " in key:
            full_by_last.setdefault(key.rsplit(" ", 1)[-1], Counter())[key] += 1
    out = []
    for para_no, words, typ, key, _ in found:
        typ = votes[key].most_common(1)[0][0]
        if " " not in key and key in full_by_last:
            key = full_by_last[key].most_common(1)[0][0]
            typ = "PER"
        start, end = words[0].start, words[-1].end
        number = _NUMBER.match(text, end)
        if number and not words[-1].suffix:
            end = number.end()
            typ = "MISC" if typ in ("PER", "ORG") and not votes[key]["LOC"] else typ
        out.append((para_no, start, end, text[start:end], typ, key))
    return out


def extract_mentions(articles: pl.DataFrame, paragraphs: pl.DataFrame) -> pl.DataFrame:
    """Mentions of every article (skipping boilerplate paragraphs), as the `mentions` table.

    entity_id is left null (see dashboard.linking.link); key is the linking key.
    """
    rows: list[dict] = []
    paras = paragraphs
    if "boilerplate" in paras.columns:
        paras = paras.filter(~pl.col("boilerplate").fill_null(False))
    by_article: dict[str, list[tuple[int, int, int]]] = {}
    for aid, no, start, end in paras.select("article_id", "para_no", "start", "end").iter_rows():
        by_article.setdefault(aid, []).append((no, start, end))
    for aid, text, lang in articles.select("article_id", "text", "language").iter_rows():
        if not text:
            continue
        spans = sorted(by_article.get(aid, []))
        for para_no, start, end, surface, typ, key in article_mentions(text, spans, lang):
            rows.append(
                {
                    "article_id": aid,
                    "para_no": para_no,
                    "start": start,
                    "end": end,
                    "text": surface,
                    "type": typ,
                    "key": key,
                    "language": lang,
                }
            )
    if not rows:
        return schema.empty("mentions")
    return schema.conform(pl.DataFrame(rows), "mentions")
