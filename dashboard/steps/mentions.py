"""Mentions of people, places and organisations found in article text without a model.

Candidates are runs of capitalised words (any script) split at sentence boundaries,
punctuation and title words; sentence-initial common words, months and weekdays are dropped
(simplemma's dictionaries tell a common word from a name); types come from CLDR place names,
organisation and title cue words, given names and surname shapes. Each mention carries a
linking key (see dashboard.lang.translit) that survives inflection, diacritics and script.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from functools import cached_property, lru_cache

import polars as pl

from dashboard import schema
from dashboard.lang import boilerplate, datewords, lemmas, lexicon
from dashboard.lang.translit import fold, name_key, token_key
from dashboard.steps import mention_types
from dashboard.steps.mention_types import cue_of

# a word: letters with inner hyphens; an apostrophe suffix is handled separately
_WORD = re.compile(r"[^\W\d_]+(?:-[^\W\d_]+)*")
# a word, or an acronym written with full stops (U.S., U.K., S.A.D.)
_ACRONYM_SUFFIX = re.compile(r"([^\W\d_a-z]{2,})-[^\W\d_A-Z]{1,4}$")
_TOKEN = re.compile(r"(?:[^\W\d_a-z]\.){2,}(?![^\W\d_])|[^\W\d_]+(?:-[^\W\d_]+)*")
_APOS = "'’ʼ"
_SENTENCE_END = re.compile(r"[.!?…:;\n•|]")
_BREAK = re.compile(r"[^\s]")  # any non-space between two words breaks a run
_INNER_APOS_LANGS = {"uk", "be"}
# a model number after a name (Nord Stream 2, Boeing 737), not a year
_NUMBER = re.compile(r"[ -](?!(?:19|20)\d\d\b)\d{1,4}\b(?![.,:]\d)")
_OPENERS = '"„“«»—–-('
_QUOTES = frozenset("\"„“«»‚‘'")
_QUOTE_OPENERS = frozenset('"„“«')
_MID_CAP = re.compile(r"(?<=[\w,] )[^\W\d_][\w-]*", re.UNICODE)
# two words in a row, overlapping (a given name and what follows it)
_NAME_PAIR = re.compile(r"\b([^\W\d_]+)\s+(?=([^\W\d_][\w-]*))")


@dataclass(slots=True)
class _Word:
    start: int
    end: int  # end of the name part (before an apostrophe suffix)
    text: str
    capital: bool
    sentence_start: bool
    gap_break: bool  # punctuation between this word and the previous one
    suffix: bool = False  # an apostrophe suffix followed (Maduro'yu): the name ends here
    quoted: bool = False  # only an opening quote stands between this word and the previous one


@dataclass
class _Cand:
    words: list[_Word]
    after_title: bool = False
    after_org: bool = False
    after_in: bool = False  # right after a locative preposition (w, v, в)
    after_misc: bool = False  # right after a press or pipeline word (gazeta „X", газопровод «X»)
    after_loc: bool = False  # right after a lower-case place word (letiště X, провинции X)
    org_tail: list[_Word] = field(default_factory=list)


def _parts(text: str, start: int, end: int, lang: str | None) -> list[tuple[int, int]]:
    """A hyphenated word as one word, or its parts when they are names of their own (ABD-Venezuela)."""
    word = text[start:end]
    if "-" not in word:
        return [(start, end)]
    pieces = word.split("-")
    if pieces[0][:1].isupper() and _word_suffixes(pieces[1:], lang):
        # a name and a word after it make a word (Taliban-like, Netherlands-based): the name;
        # a letter and a word are a word (U-turn, X-ray)
        return [(start, start + len(pieces[0]))] if len(pieces[0]) > 1 else []
    if not all(p[:1].isupper() for p in pieces):
        return [(start, end)]
    german = mention_types.lemma_lang(lang) == "de"
    if german and _german_noun_piece(pieces[-1]) and not any(map(_german_noun_piece, pieces[:-1])):
        # a name before a German noun is the compound's name (Ferrari-Pilot, BBC-Experte)
        return [(start, start + len("-".join(pieces[:-1])))]
    if not any(mention_types.known(p, lang) for p in pieces):
        return [(start, end)]
    out, pos = [], start
    for p in pieces:
        out.append((pos, pos + len(p)))
        pos += len(p) + 1
    return out


# a lower-case part after a hyphen this long or longer is a word, not a syllable (Jong-un)
_SUFFIX_WORD = 3


def _word_suffixes(pieces: list[str], lang: str | None) -> bool:
    """Lower-case dictionary words after a name's hyphen (-like, -based, -led, -era)."""
    return all(
        p.islower() and len(p) >= _SUFFIX_WORD and mention_types.ordinary(p, lang) for p in pieces
    )


_PLURAL_ACRONYM = re.compile(r"[A-Z]{2,}s")
_NUMBER_SIGN = re.compile(r"\.\s?\d")


def _not_a_name(w: _Word, text: str) -> bool:
    """A plural of an acronym (MPs, TVs: a kind of thing) or a number sign before its number
    (No.1, Nr. 5, Br. 3)."""
    if _PLURAL_ACRONYM.fullmatch(w.text):
        return True
    return len(w.text) <= 3 and bool(_NUMBER_SIGN.match(text, w.end))


def _german_noun_piece(piece: str) -> bool:
    """A German common noun (with a plural, or an inflected form) standing in a compound."""
    return mention_types.has_plural(piece) or mention_types.german_inflected(piece)


def _gap_is_stop(text: str, start: int, end: int) -> bool:
    """The characters between two words are a full stop and one space."""
    return end - start == 2 and text[start] == "." and text[start + 1] == " "


def _title_abbreviation(raw: tuple[int, int, int, bool], text: str, lang: str | None) -> bool:
    """A short capitalised title word (Sen, Rep, Gov, Dr) the full stop after it abbreviates."""
    word = text[raw[0] : raw[1]]
    return word[:1].isupper() and len(word) <= 5 and word.lower() in lexicon.cues(lang).titles


def _words(text: str, start: int, end: int, lang: str | None) -> list[_Word]:
    """Words of text[start:end] with their capitalisation and sentence position.

    Only capitalised words and their neighbours are kept: a lower-case word between two other
    lower-case words changes nothing in a run or its context (the next kept word then counts as
    after a break, so nothing joins across the words left out).
    """
    raw: list[tuple[int, int, int, bool]] = []  # (start, name end, end with suffix, suffix?)
    pos = start
    inner_apos = lang in _INNER_APOS_LANGS
    for m in _TOKEN.finditer(text, start, end):
        w_start, w_end = m.span()
        if w_start < pos:
            continue  # taken by an apostrophe suffix
        name_end = pos = w_end
        suffix = False
        # apostrophe: Turkish/English suffix (Maduro'yu) is cut; Ukrainian inner one is kept
        while pos < end and text[pos] in _APOS and pos + 1 < end and text[pos + 1].isalpha():
            nxt = _WORD.match(text, pos + 1, end)
            if not nxt:
                break
            if inner_apos or text[pos + 1].isupper():
                name_end = nxt.end()
            else:
                suffix = True
            pos = nxt.end()
        acronym = _ACRONYM_SUFFIX.match(text, w_start, name_end)
        if acronym:
            # an acronym with its case ending after a hyphen (FBI-ul, UN-a, TV-u)
            name_end, suffix = acronym.end(1), True
        raw.append((w_start, name_end, pos, suffix))
    n = len(raw)
    caps = [text[r[0]].isupper() or "-" in text[r[0] : r[1]] for r in raw]
    out: list[_Word] = []
    prev_end = start
    kept_prev = True
    for i, (w_start, name_end, after, suffix) in enumerate(raw):
        if not (caps[i] or (i and caps[i - 1]) or (i + 1 < n and caps[i + 1])):
            prev_end, kept_prev = after, False
            continue
        quoted = False
        if i and w_start - prev_end == 1 and text[prev_end] == " ":
            # the common case: one space after the previous word, no break
            sent = brk = False
        elif (
            i
            and _gap_is_stop(text, prev_end, w_start)
            and _title_abbreviation(raw[i - 1], text, lang)
        ):
            # a title written short (Sen. Warren, Det. Dennis McCarthy): the full stop is its own
            sent = False
            brk = not kept_prev
        else:
            gap = text[prev_end:w_start]
            first = i == 0
            opener = gap.strip()
            # quoted speech starts a sentence (He said, "Because ...")
            sent = (
                first
                or bool(_SENTENCE_END.search(gap))
                or (opener != "" and (opener in _OPENERS or opener[-1] in _QUOTE_OPENERS))
            )
            brk = first or bool(_BREAK.search(gap))
            quoted = not first and opener != "" and all(c in _QUOTES for c in opener)
        brk = brk or not kept_prev
        if "-" not in text[w_start:name_end]:
            token = text[w_start:name_end]
            out.append(
                _Word(w_start, name_end, token, token[:1].isupper(), sent, brk, suffix, quoted)
            )
        else:
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
                        quoted and k == 0,
                    )
                )
        prev_end, kept_prev = after, True
    return out


def _ends_a_name(words: list[_Word], i: int, lang: str | None) -> bool:
    """Whether words[i] is the surname a particle leads to (von der Leyen, da Vinci, bin
    Salman): one capitalised word that ends the run, not an acronym or a known place (Toyota
    UK der BBC, Mike Organ von Tennessee State, Manager von Sunderland stay apart)."""
    particles = lexicon.cues(lang).particles
    while i < len(words) and not words[i].capital and words[i].text.lower() in particles:
        i += 1  # von der Leyen
    if i >= len(words) or not words[i].capital:
        return False
    word = words[i]
    if word.text.isupper() or mention_types.known(word.text, lang):
        return False
    after = words[i + 1] if i + 1 < len(words) else None
    return after is None or not after.capital or after.gap_break


def _candidates(words: list[_Word], lang: str | None) -> list[_Cand]:
    """Capitalised runs split at punctuation and title words, with their left context."""
    cue = lexicon.cues(lang)
    out: list[_Cand] = []
    run: list[_Word] = []
    after_title = after_org = after_in = after_misc = after_loc = False
    prev_low: str = ""
    prev_cue = False

    def close() -> None:
        nonlocal run
        if run:
            while run and run[-1].text.lower() in cue.particles:
                run.pop()
            if run:
                out.append(_Cand(run, after_title, after_org, after_in, after_misc, after_loc))
        run = []

    for i, w in enumerate(words):
        low = w.text.lower()
        # a word both a title and an organisation (Ministerul next to ministrul) names the body
        is_title = cue_of(low, lang, "title") and (low in cue.titles or low not in cue.org_words)
        if is_title and w.capital and i + 1 < len(words):
            # a title word heading a body's name is part of it (General Assembly; Generalnom
            # skupštinom where names lower-case the body's word)
            nxt = words[i + 1]
            if nxt.capital or (cue.extend_lowercase and not nxt.gap_break):
                is_title = not cue_of(nxt.text.lower(), lang, "org")
        joins = run and not w.gap_break
        if (
            is_title
            and joins
            and w.capital
            and _known_whole((*(x.text for x in run), w.text), lang)
        ):
            is_title = False  # a title word inside a known name (Vereinigtes Königreich)
        if is_title and joins and w.capital:
            # ordinary words right before a title qualify it (Foreign Minister, Health Secretary)
            while run and _qualifies_title(run[-1].text, lang):
                run.pop()
        if w.capital and not is_title:
            if not joins:
                close()
                after_title = not w.gap_break and cue_of(prev_low, lang, "title")
                after_org = not w.gap_break and cue_of(prev_low, lang, "org")
                after_in = not w.gap_break and prev_low in cue.place_prepositions
                after_misc = (not w.gap_break or w.quoted) and cue_of(prev_low, lang, "misc")
                after_loc = not w.gap_break and (
                    (prev_cue and cue_of(prev_low, lang, "loc"))
                    or prev_low in cue.route_prepositions
                )
                if after_org and _titled(words, i - 1, lang) and _reads_as_person(words, i, lang):
                    after_title, after_org = True, False
            run.append(w)
            if w.suffix:
                close()
        elif joins and low in cue.particles and _ends_a_name(words, i + 1, lang):
            run.append(w)
        elif (
            joins
            and low in cue.name_links
            and i + 1 < len(words)
            and words[i + 1].capital
            and not words[i + 1].gap_break
            and (
                any(_names_a_body(x.text, lang) for x in run)
                or _known_whole((*(x.text for x in run), w.text, words[i + 1].text), lang)
            )
        ):
            run.append(w)  # Bank of England, Teatrul de Comedie, Coreea de Nord
        elif run and joins and _extends(run, w, cue, lang):
            run.append(w)
            close()
        else:
            close()
        if is_title:
            close()
        prev_low = low
        prev_cue = not w.capital  # a capitalised place word heads a name (Lake Michigan)
    close()
    return out


# how many words before an organisation word a title may stand and still head the name after
_TITLE_REACH = 3


def _titled(words: list[_Word], org: int, lang: str | None) -> bool:
    """Whether a title heads the organisation word at `org`, within one clause (Předseda
    Evropské komise Jean-Claude Juncker, ministra za energetiko Rick Perry)."""
    for j in range(org - 1, max(-1, org - 1 - _TITLE_REACH), -1):
        if words[j + 1].gap_break:
            return False
        if cue_of(words[j].text.lower(), lang, "title"):
            return True
    return False


def _reads_as_person(words: list[_Word], start: int, lang: str | None) -> bool:
    """Whether the capitalised words from `start` read as a person's name after a title and
    its body (председатель комитета Вольфганг Бюхеле): two or three words, none a word of
    the language's or English's dictionary, which a body's own name holds (kluba Alloa
    Athletic)."""
    run: list[str] = []
    for w in words[start:]:
        if not w.capital or (run and w.gap_break):
            break
        run.append(w.text)
    return 2 <= len(run) <= 3 and not any(
        mention_types.ordinary(t, code) for t in run for code in (lang, "en")
    )


def _qualifies_title(word: str, lang: str | None) -> bool:
    """An ordinary capitalised word (not a name, place or people) that can qualify a title."""
    return (
        mention_types.is_common(word, lang)
        and not _known_word(word, lang)[1]
        and lexicon.demonym(word, lang) is None
    )


def _names_a_body(word: str, lang: str | None) -> bool:
    """Whether a run's first word is an organisation or place word (Bank, Ministerul, Gulf)."""
    low = word.lower()
    return cue_of(low, lang, "org") or cue_of(low, lang, "loc")


def _extends(run: list[_Word], w: _Word, cue: lexicon.Cues, lang: str | None) -> bool:
    """A lower-case word that completes the run's name: an organisation word (Evropska komisija)
    or the end of a well-known name (Bela kuća, Casa Albă)."""
    low = w.text.lower()
    if not cue.extend_lowercase or low in cue.stop or len(run) > 2:
        return False
    if token_key(w.text, lang) in lexicon.name_tails() and _known_whole(
        (*(x.text for x in run), w.text), lang
    ):
        return True
    if len(run) != 1:
        return False
    return cue_of(low, lang, "org") or cue_of(low, lang, "loc")


@lru_cache(maxsize=100_000)
def _known_whole(texts: tuple[str, ...], lang: str | None) -> bool:
    """A run plus its lower-case word is a well-known name or a place (Bela kuća)."""
    whole = name_key(texts, lang)
    return whole in lexicon.fixed_names() or lexicon.place(whole, lang, strict=True) is not None


class _Seen:
    """Words of one article that tell a sentence-initial word's nature, made when first asked
    (most runs never need them)."""

    def __init__(self, text: str) -> None:
        self.text = text
        self._surnames: frozenset[str] | None = None

    @cached_property
    def lower(self) -> frozenset[str]:
        """Words written in lower case somewhere in the article (lower-cased)."""
        return frozenset(w.lower() for w in set(_WORD.findall(self.text)) if w[:1].islower())

    @cached_property
    def written(self) -> frozenset[str]:
        """Every word of the article as written."""
        return frozenset(_WORD.findall(self.text))

    @cached_property
    def mid_sentence(self) -> frozenset[str]:
        """Words seen after another word inside a sentence: a capital there marks a name."""
        return frozenset(_MID_CAP.findall(self.text))

    def surnames(self, lang: str | None) -> frozenset[str]:
        """Capitalised words the article writes right after a given name or, in German, after
        a word that reads as a name (Wolfgang Richter, Raheem Sterling, Chris Rock): a surname
        there, even where the dictionary knows it as a noun (Richter, Sterling: Sterlinge)."""
        if self._surnames is None:
            given = lexicon.given_name_keys()
            stop = lexicon.cues(lang).stop

            def reads_as_name(first: str) -> bool:
                # German only: not a stop word, a genitive (Palins Sohn owns a noun), a known
                # noun or a place
                return (
                    lang == "de"
                    and first.lower() not in stop
                    and not (first.endswith("s") and first[:-1] in self.written)
                    and not _known_word(first, lang)[1]
                    and not mention_types.has_plural(first)
                )

            self._surnames = frozenset(
                second
                for first, second in _NAME_PAIR.findall(self.text)
                if first[0].isupper()
                and second[0].isupper()
                and (
                    token_key(first, lang) in given
                    # after a word read as a name, an inflected word is no surname (Google
                    # Probleme: a plural)
                    or (reads_as_name(first) and not mention_types.german_inflected(second))
                )
            )
        return self._surnames


def _trim(cand: _Cand, lang: str | None, seen: _Seen) -> list[_Word]:
    """Drop leading stop words, months and sentence-initial common words from a run."""
    cue = lexicon.cues(lang)
    words = list(cand.words)
    if _shouted(words, lang):
        return []
    while words:
        if len(words) > 1 and _known_whole(tuple(x.text for x in words), lang):
            return words  # a well-known name of common words (Komisja Europejska)
        w = words[0]
        low = w.text.lower()
        fixed, known_name = _known_word(w.text, lang)
        extended = len(words) > 1 and not words[-1].capital
        # where names capitalise every word, an organisation word heads its name even at a
        # sentence start (Ministerul Agriculturii); Slavic news lower-cases the descriptor
        # mid-sentence (przewoźnik Ryanair), so a capital there is only the sentence's
        head = not cue.extend_lowercase and len(words) > 1 and cue_of(low, lang, "org")
        extended = extended or head
        if (
            low in cue.stop
            or low in lexicon.cues(None).stop
            or _calendar(w.text, lang)
            or (len(words) == 1 and low in lexicon.compass_words())
            # a direction before a place is part of the place's area (South London, Νότιο
            # Λονδίνο): the place
            or (
                low in lexicon.compass_words()
                and len(words) == 2
                and _known_whole((words[1].text,), lang)
            )
            or w.text in lexicon.time_zones()
            or _clitic(w.text, lang)
            or _not_a_name(w, seen.text)
        ):
            words.pop(0)
        elif (
            w.sentence_start
            and not extended
            and w.text not in seen.mid_sentence
            and (
                low in seen.lower
                or mention_types.is_common(w.text, lang)
                or mention_types.plain_known(w.text, lang)
                or (len(words) == 1 and mention_types.lower_known(w.text, lang))
            )
            # a given name's key can be a common word's (Your, Yuri), a place's a word's
            # (Νομίζω, "I think", for Νόμε): alone, it is the word
            and (
                not fixed
                or (
                    len(words) == 1 and (_given_only(w.text, lang) or _word_not_place(w.text, lang))
                )
            )
        ):
            words.pop(0)
            if words:
                words[0] = _Word(words[0].start, words[0].end, words[0].text, True, True, False)
        elif (
            lang == "de"
            and not known_name
            and w.text not in seen.surnames(lang)
            and mention_types.german_noun(w.text, lang, _determines(words, seen, lang))
        ):
            words.pop(0)
        else:
            break
    if lang == "de":
        _cut_genitive(words, seen, lang)
    while words and (
        (words[-1].text.lower() in cue.stop and not _surname_month(words, lang))
        or _not_a_name(words[-1], seen.text)
        or (
            lang == "de"
            and words[-1].text not in seen.surnames(lang)
            and _german_common(
                words[-1].text,
                lang,
                len(words) == 1 and _determines(words, seen, lang),
            )
        )
    ):
        words.pop()
    return words


_SHOUTED_WORDS = 3


def _shouted(words: list[_Word], lang: str | None) -> bool:
    """A sentence in capitals (a placard, a shouted headline: STANDING UP TO THE MOB, NISI
    USTUKNUO PRED ZLOSTAVLJAČIMA): words of the dictionary, not a name."""
    if len(words) < _SHOUTED_WORDS or not all(w.text.isupper() for w in words):
        return False
    known = sum(mention_types.ordinary(w.text, lang) for w in words)
    return known * 3 >= len(words) * 2


def _cut_genitive(words: list[_Word], seen: _Seen, lang: str | None) -> None:
    """A German name in the genitive owns what follows it (Trumps Wahlkampfteam, Theresa Mays
    Partei): the words it owns leave the run, up to a name of its own (Indonesiens Hauptstadt
    Jakarta: Jakarta stays, for the split to part), and the name loses its -s where the article
    also writes it so or a noun follows (Mays: May)."""
    i = 0
    while i < len(words) - 1:
        w = words[i]
        noun = w.text.endswith("s") and mention_types.has_plural(words[i + 1].text)
        if noun or _genitive(w.text, seen):
            j = i + 1
            while j < len(words) and not _known_word(words[j].text, lang)[1]:
                j += 1
            del words[i + 1 : j]
            words[i] = _without_s(w)
        i += 1
    if words and _genitive(words[-1].text, seen):
        words[-1] = _without_s(words[-1])


def _without_s(w: _Word) -> _Word:
    """The word without its genitive -s."""
    if len(w.text) <= 3 or not w.text.endswith("s"):
        return w
    return _Word(w.start, w.end - 1, w.text[:-1], w.capital, w.sentence_start, w.gap_break)


def _determines(words: list[_Word], seen: _Seen, lang: str | None) -> bool:
    """Whether an article before the run's first word makes that word a noun (das Haus): not
    where the article belongs to a compound the word heads (der Facebook-Seite) or to a name
    the next word goes on with (der Labour Party)."""
    w = words[0]
    if seen.text[w.end : w.end + 1] == "-":
        return False
    if len(words) > 1 and not _german_noun_piece(words[1].text):
        return False
    return _after_determiner(seen.text, w.start, lang)


def _genitive(word: str, seen: _Seen) -> bool:
    """A word ending in -s whose base the article writes as a word of its own."""
    return len(word) > 3 and word.endswith("s") and word[:-1] in seen.written


_PREVIOUS_WORDS = re.compile(r"(?:([^\W\d_]+)\s+)?([^\W\d_]+)[^\w]*$")
_ADJECTIVE_ENDINGS = ("e", "en", "er", "es", "em")


def _after_determiner(text: str, start: int, lang: str | None) -> bool:
    """Whether an article or possessive comes right before `start`, or before one declined
    adjective there (der, im, seine; das Weiße)."""
    m = _PREVIOUS_WORDS.search(text, max(0, start - 60), start)
    if m is None:
        return False
    determiners = lexicon.cues(lang).determiners
    before, last = (m.group(1) or "").lower(), m.group(2).lower()
    return last in determiners or (last.endswith(_ADJECTIVE_ENDINGS) and before in determiners)


def _surname_month(words: list[_Word], lang: str | None) -> bool:
    """A month that is also a name ends a longer name as a surname (Theresa May)."""
    if len(words) < 2 or not words[-2].capital:
        return False
    table = datewords.lexicon(lang)
    return datewords.fold(words[-1].text) in table.ambiguous


@lru_cache(maxsize=200_000)
def _calendar(word: str, lang: str | None) -> bool:
    """A month or weekday name in any inflected form the date tagger knows (Δεκέμβριο,
    Παρασκευής, novembra): never a name. A month that is also a name or a word (May, Mai,
    Ekim) is left to the stop list, which knows it by its plain form only."""
    table = datewords.lexicon(lang)
    folded = datewords.fold(word)
    if folded in table.weekdays:
        return True
    return folded in table.months and folded not in table.ambiguous


@lru_cache(maxsize=200_000)
def _given_only(word: str, lang: str | None) -> bool:
    """A word known only as a given name's key, not as a place or a well-known name."""
    key = token_key(word, lang)
    return (
        key in lexicon.given_name_keys()
        and key not in lexicon.fixed_names()
        and lexicon.place(key, lang, strict=True) is None
    )


# a clitic or article written onto a word with a hyphen (Într-un, Adresându-se, Dintr-o)
_CLITIC = 3


@lru_cache(maxsize=200_000)
def _clitic(word: str, lang: str | None) -> bool:
    """An ordinary word with a lower-case clitic after a hyphen (Într-un, Adresându-se): a
    word of the language, never a name (Jong-un's head is no word; SAD-a's is in capitals)."""
    head, _, tail = word.rpartition("-")
    return (
        bool(head)
        and tail.islower()
        and len(tail) <= _CLITIC
        and not head.isupper()
        and mention_types.ordinary(head, lang)
    )


@lru_cache(maxsize=200_000)
def _word_not_place(word: str, lang: str | None) -> bool:
    """An ordinary word of the language whose key only meets a place's or a well-known name's
    (Νομίζω and Νόμε, Είχε and Αιγαίο): their own spellings are other words."""
    if not mention_types.is_common(word, lang):
        return False
    key = token_key(word, lang)
    spellings = set(lexicon.fixed_spellings().get(key, ()))
    spellings.add(lexicon.place_spelling(key, lang) or "")
    return fold(word, lang) not in spellings and fold(word, None) not in spellings


@lru_cache(maxsize=200_000)
def _known_word(word: str, lang: str | None) -> tuple[bool, bool]:
    """(a given name, well-known name or place of the language; any place at all) for one word."""
    key = token_key(word, lang)
    fixed = key in lexicon.given_name_keys() or lexicon.fixed_name(key, word) is not None
    # a short key is a place's only where the word spells it on (Mali, not the German Mal)
    spelled = lexicon.spelled_like_place(word, key, lang)
    fixed = fixed or (spelled and lexicon.place(key, lang, strict=True) is not None)
    return fixed, fixed or (spelled and lexicon.place(key, lang) is not None)


def _german_common(word: str, lang: str | None, after_determiner: bool = False) -> bool:
    """A capitalised German word that is a noun of the language, not a place or a known name
    (German capitalises every noun; Moskau and Caracas are in the dictionary too)."""
    if not mention_types.german_noun(word, lang, after_determiner):
        return False
    key = token_key(word, lang)
    return (
        lexicon.place(key, lang) is None
        and key not in lexicon.fixed_names()
        and key not in lexicon.given_name_keys()
    )


def _named_apart(head: str, given: str, text: str) -> bool:
    """Whether the article writes `head` (or another case of it) somewhere other than before
    this given name (Naftogaz ... Naftogazu Andrij Kobolew): a name of its own, not a given
    name the lists lack (Асиф Али Зардари, Хосе Луис Сапатеро)."""
    stem = re.escape(head[: max(_NAME_STEM, len(head) - _NAME_ENDING)])
    after = [m.group(1) for m in re.finditer(rf"(?<!\w){stem}\w*(?:[ -](\w+))?", text)]
    return any(word != given for word in after)


# a head word shorter than this before a given name is a title or a particle (Sir, Ser, Don)
_OWNER_HEAD = 4


def _split(
    words: list[_Word], cand: _Cand, lang: str | None, seen: _Seen
) -> list[tuple[list[_Word], _Cand]]:
    """Split a run where a place or acronym precedes a given name or another place
    (Λευκορωσίας Αλεξάντερ Λουκασένκο, AP Ilya Pitalev)."""
    if len(words) < 2:
        return [(words, cand)] if words else []
    whole = name_key([w.text for w in words], lang)
    if lexicon.place(whole, lang) or whole in lexicon.fixed_names():
        return [(words, cand)]
    first, second = words[0], words[1]
    head_known = mention_types.known(first.text, lang) or (
        first.text.isupper() and len(first.text) > 1
    )
    second_key = token_key(second.text, lang)
    # an agency before a name (Beltu Lukašenko) or a place before a full name (Rusiji Ana Novak)
    head_org = token_key(first.text, lang) in lexicon.org_acronym_keys()
    head_key = token_key(first.text, lang)
    # a place or a well-known name (ΗΠΑ, USA) before a full name
    head_place = lexicon.place(head_key, lang) is not None or head_key in lexicon.fixed_names()
    given = lexicon.given_name_keys()
    # a name in the genitive before a full name (Ryanairu Kenny Jacobs, Gazproma Aleksej
    # Miller: Ryanair's Kenny Jacobs): two names, unless the head is a given name too
    owner = (
        len(words) >= 3
        and second_key in given
        and head_key not in given
        and len(first.text) >= _OWNER_HEAD
        and not any(cue_of(first.text.lower(), code, "title") for code in (lang, "en"))
        and not mention_types.ordinary(second.text, lang)
        and _named_apart(first.text, second.text, seen.text)
    )
    if owner and not head_known:
        # a title before the run names the person (Portparol Ryanaira Michael Jacobs)
        head = _Cand([first], after_org=cand.after_org, after_in=cand.after_in)
        rest = _Cand(words[1:], after_title=cand.after_title)
        return [([first], head), *_split(words[1:], rest, lang, seen)]
    if owner or (
        head_known
        and (
            second_key in given
            or mention_types.known(second.text, lang)
            or head_org
            or (head_place and len(words) >= 3)
        )
    ):
        rest = _Cand(words[1:], after_title=False, after_org=False)
        return [([first], cand), *_split(words[1:], rest, lang, seen)]
    # a body's name ending in a place, then a full name (Parlamenta Škotske Jeane Freeman)
    for i in range(2, len(words) - 1):
        before = words[i - 1].text
        if (
            token_key(words[i].text, lang) in given
            and token_key(before, lang) not in given
            and mention_types.known(before, lang)
        ):
            rest = _Cand(words[i:], after_title=False, after_org=False)
            return [*_split(words[:i], cand, lang, seen), *_split(words[i:], rest, lang, seen)]
    return [(words, cand)]


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
    # a headline is the article's first line (ingest takes the title from it)
    headlines = {
        no for no, start, end in spans[:1] if len(spans) > 1 and _title_cased(text[start:end], lang)
    }
    body = _body_capitals(text, paras, headlines) if headlines else frozenset()
    for para_no, words in paras:
        for cand in _candidates(words, lang):
            kept = _trim(cand, lang, seen)
            runs = _headline_runs(kept, lang, body) if para_no in headlines else [kept]
            for part, sub in (p for run in runs for p in _split(run, cand, lang, seen)):
                if len(part) == 1 and len(part[0].text) < 2:
                    continue
                typ, key, strong = mention_types.classify(
                    tuple(w.text for w in part),
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
    m = _WORD.match(text, pos + len(text[pos:]) - len(text[pos:].lstrip(". ")))
    return m is not None and datewords.fold(m.group(0)) in lexicon.month_words(lang)


def _resolve_in_article(
    found: list[tuple[int, list[_Word], str, str, bool]], text: str, lang: str | None
) -> list[tuple[int, int, int, str, str, str, bool]]:
    """Surname-only mentions take the full name's key; a key takes its best-cued type."""
    found = _listed_places(found, text, lang)
    full_by_last: dict[str, Counter[str]] = {}
    given_first: set[str] = set()
    votes: dict[str, Counter[str]] = {}
    cued: dict[str, Counter[str]] = {}
    for _, _words, typ, key, strong in found:
        votes.setdefault(key, Counter())[typ] += 3 if strong else 1
        if strong:
            cued.setdefault(key, Counter())[typ] += 1
        # a full name lends its key unless it starts with a common noun (Pilot Ryanair) or,
        # typed by no cue, with a place (Polsce Ryanair: in Poland, Ryanair)
        if (
            typ == "PER"
            and " " in key
            and (strong or not _common_head(_words[0].text, lang))
            and (strong or not _place_head(_words[0].text, lang))
        ):
            last = key.rsplit(" ", 1)[-1]
            full_by_last.setdefault(last, Counter())[key] += 1
            if key.split(" ", 1)[0] in lexicon.given_name_keys():
                given_first.add(last)
    owners = _possessives(votes, full_by_last, lang)
    out: list[tuple[int, int, int, str, str, str, bool]] = []
    for para_no, words, typ, key, strong in found:
        typ = votes[key].most_common(1)[0][0]
        if (
            " " not in key
            and key in full_by_last
            and _lends(votes[key], cued.get(key), key in given_first)
        ):
            key = full_by_last[key].most_common(1)[0][0]
            typ = "PER"
        elif key in owners:
            key, typ = owners[key]
        start, end = words[0].start, words[-1].end
        number = _NUMBER.match(text, end)
        if number and not words[-1].suffix and not _day_of_month(text, number.end(), lang):
            end = number.end()
            if typ in ("PER", "ORG") and not votes[key]["LOC"]:
                typ = "MISC"
                model = number.group(0).strip(" -")
                if len(model) >= 3:
                    # a model number (Boeing 737) names a product apart from its maker
                    key = f"{key} {model}"
            legal = lexicon.legal_form().match(text, end)
            if legal and not votes[key]["LOC"]:
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
        places = sum(out[k][2] == "LOC" and out[k][4] for k in chain)
        if (
            listed
            and {out[k][2] for k in chain if out[k][4]} == {"LOC"}
            and 2 * places >= len(chain)
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
                out[key] = (full_by_last[stem].most_common(1)[0][0], "PER")
            elif stem in votes:
                out[key] = (stem, votes[stem].most_common(1)[0][0])
            if key in out:
                break
    return out


_LONG_COMPOUND = 10


def _dictionary_word(surface: str, key: str, lang: str | None) -> bool:
    """A one-word German name that is also a word of the dictionary (Ford, Zeit): German
    capitalises every noun, so only the corpus can tell (see linking.confirmed)."""
    if " " in surface or " " in key or surface.isupper() or _known_word(surface, lang)[1]:
        return False
    # a word of the dictionary, or a long one ending in one (Sicherheitsplattform, Karrenbauer)
    return lemmas.is_known(surface, "de") or (
        len(surface) >= _LONG_COMPOUND and mention_types.compound(surface)
    )


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


# an inflected form of a name: its stem is this long at least, its ending this long at most
_NAME_STEM = 4
_NAME_ENDING = 3


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
    return schema.conform(pl.DataFrame(rows), "mentions")
