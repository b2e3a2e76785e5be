"""Candidate runs: the capitalised words of a paragraph joined into runs that may be names.

`_candidates` breaks a paragraph's words at punctuation and title words, lets particles (von
der Leyen), name links (Bank of England) and lower-case name tails (Bela kuća) join a run, and
records each run's left context (after a title, an organisation word, a locative preposition,
a press word or a place word) that mention_types.classify reads. See mention_trim for what
happens to a run next.
"""

from __future__ import annotations

import re

from dashboard.lang import lexicon, name_words
from dashboard.lang.translit import script_of, token_key
from dashboard.steps import mention_types
from dashboard.steps.mention_cues import CUE_BITS, cue_masks
from dashboard.steps.mention_words import TITLE_REACH, _Cand, _known_whole, _known_word, _Word


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


_TITLE, _ORG, _LOC, _MISC = (CUE_BITS[k] for k in ("title", "org", "loc", "misc"))

# a Roman numeral closes a name in any script (Бенедикт XVI): no change of script
_ROMAN = re.compile(r"[IVXLC]{2,6}")


def _candidates(words: list[_Word], lang: str | None) -> list[_Cand]:
    """Capitalised runs split at punctuation and title words, with their left context."""
    cue = lexicon.cues(lang)
    masks = cue_masks(lang)  # the cue kinds of each lower-case word
    out: list[_Cand] = []
    run: list[_Word] = []
    after_title = after_org = after_in = after_misc = after_loc = False
    prev_low: str = ""
    prev_cue = False

    def close() -> None:  # callers skip it when the run is empty (most words)
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
        is_title = bool(masks[low] & _TITLE) and (low in cue.titles or low not in cue.org_words)
        if is_title and w.capital and i + 1 < len(words):
            # a title word heading a body's name is part of it (General Assembly; Generalnom
            # skupštinom where names lower-case the body's word)
            nxt = words[i + 1]
            if nxt.capital or (cue.extend_lowercase and not nxt.gap_break):
                is_title = not masks[nxt.text.lower()] & _ORG
        # a name is written in one script: a change of script starts another (Бортпровідники
        # Ryanair, Ryanair Кенни Джейкобс)
        joins = (
            run
            and not w.gap_break
            and (script_of(w.text) == script_of(run[-1].text) or _ROMAN.fullmatch(w.text))
        )
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
                if run:
                    close()
                prev_mask = masks[prev_low]
                after_title = not w.gap_break and bool(prev_mask & _TITLE)
                after_org = not w.gap_break and bool(prev_mask & _ORG)
                after_in = not w.gap_break and prev_low in cue.place_prepositions
                after_misc = (not w.gap_break or w.quoted) and bool(prev_mask & _MISC)
                after_loc = not w.gap_break and (
                    (prev_cue and bool(prev_mask & _LOC)) or prev_low in cue.route_prepositions
                )
                if after_org and _titled(words, i - 1, lang) and _reads_as_person(words, i, lang):
                    after_title, after_org = True, False
                if cue.extend_lowercase and _opens_known_name(words, i, cue, lang):
                    # a lower-case word opening a listed name (východní Evropa, vzhodni Evropi:
                    # Eastern Europe), as the language writes it
                    run.append(words[i - 1])
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
        elif joins and cue.extend_lowercase and _extends(run, w, cue, lang):
            run.append(w)
            close()
        elif run:
            close()
        if is_title and run:
            close()
        prev_low = low
        prev_cue = not w.capital  # a capitalised place word heads a name (Lake Michigan)
    close()
    return out


def _opens_known_name(words: list[_Word], i: int, cue: lexicon.Cues, lang: str | None) -> bool:
    """Whether the lower-case word before words[i] and words[i] are a listed name together."""
    if i == 0 or words[i].gap_break or not cue.extend_lowercase:
        return False
    before = words[i - 1]
    return not before.capital and _known_whole((before.text, words[i].text), lang)


def _titled(words: list[_Word], org: int, lang: str | None) -> bool:
    """Whether a title heads the organisation word at `org`, within one clause (Předseda
    Evropské komise Jean-Claude Juncker, ministra za energetiko Rick Perry)."""
    for j in range(org - 1, max(-1, org - 1 - TITLE_REACH), -1):
        if words[j + 1].gap_break:
            return False
        if cue_masks(lang)[words[j].text.lower()] & _TITLE:
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
    return bool(cue_masks(lang)[low] & (_ORG | _LOC))


def _extends(run: list[_Word], w: _Word, cue: lexicon.Cues, lang: str | None) -> bool:
    """A lower-case word that completes the run's name: an organisation word (Evropska komisija)
    or the end of a well-known name (Bela kuća, Casa Albă)."""
    low = w.text.lower()
    if not cue.extend_lowercase or low in cue.stop or len(run) > 2:
        return False
    # the end of a well-known name, which may follow a word the trimmer takes off (Ve Spojených
    # státech: in the United States)
    if token_key(w.text, lang) in lexicon.name_tails() and any(
        _known_whole((*(x.text for x in run[i:]), w.text), lang) for i in range(len(run))
    ):
        return True
    if len(run) != 1:
        return False
    if cue_masks(lang)[low] & (_ORG | _LOC):
        return True
    # a name built of words with a meaning, the second in lower case (Северный поток, Severní
    # proud, Голубой поток: north stream, blue stream)
    meaning = name_words.name_concepts()
    return token_key(run[0].text, lang) in meaning and token_key(w.text, lang) in meaning
