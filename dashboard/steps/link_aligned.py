"""One actor across translations: paragraphs that translate each other name the same actors.

Linking by spelling cannot know that "Supreme Court", "Vrhovni sud" and "Ανώτατο Δικαστήριο"
are one institution, or that "Flake" typed as an organisation in one language is the senator
"Φλέικ" of another. The alignment step finds paragraphs of two articles in different languages
that report the same thing; when such a pair leaves exactly one actor of a kind unmatched on each
side (a person, or an organisation/place/product), the two are one actor told two ways. Joins
need that evidence from at least MIN_VOTES aligned pairs (wire copies of one paragraph: one
language and script, one place, the same actors, are one piece of evidence), and are refused
when the two clusters share an article or a language (one language names one actor one way),
when the analyst's alias file already speaks about either id, or when one is many times the
other and named one way in Latin letters by several languages that the other's Latin spelling
is nowhere near (Ryanair, Catalan: a stray alignment, not a translation).
"""

from __future__ import annotations

from collections import Counter, defaultdict

import polars as pl
from rapidfuzz import fuzz

from dashboard import schema
from dashboard.lang import lexicon
from dashboard.lang.translit import script_of
from dashboard.steps.aliases import Aliases
from dashboard.steps.linking import CUE_WEIGHT, cue_flags, entities_of, found_types
from dashboard.steps.mention_cues import cue_of

# aligned paragraph pairs that must leave the same two actors unmatched before they join
MIN_VOTES = 2


def _kind(type_: str) -> str:
    """Persons only meet persons; organisations, places and products meet one another (a club
    named after its city, a ministry read as a place)."""
    return "PER" if type_ == "PER" else "other"


def _known_places(mentions: pl.DataFrame) -> set[str]:
    """Entities the gazetteer names (their key is a place's canonical key): their spellings in
    every language already meet, so nothing else is the same place."""
    canonical = lexicon.place_labels()
    keys = mentions.select("entity_id", "key").unique()
    return {eid for eid, key in keys.iter_rows() if key in canonical}


def _compatible(x: str, y: str, types: dict[str, str], places: set[str]) -> bool:
    """Whether two actors may be one: a known place only with a place the gazetteer does not
    know, a group of people only with a group."""
    tx, ty = types.get(x), types.get(y)
    if x in places or y in places:
        return tx == ty == "LOC" and not (x in places and y in places)
    return (tx == "GROUP") == (ty == "GROUP")


def _bodies(mentions: pl.DataFrame) -> set[str]:
    """Organisations named by their kind in some mention (an institute, a police department,
    a committee, a court: a word of the language's organisation cues)."""
    out: set[str] = set()
    rows = mentions.filter(pl.col("type") == "ORG").select("entity_id", "text", "language")
    for eid, text, lang in rows.unique().iter_rows():
        words = text.split()
        if len(words) > 1 and any(cue_of(w.lower(), lang, "org") for w in words):
            out.add(eid)
    return out


def _latin_keys(mentions: pl.DataFrame) -> dict[str, dict[str, set[str]]]:
    """Each actor's keys as written in Latin letters, with the languages writing each."""
    out: dict[str, dict[str, set[str]]] = defaultdict(lambda: defaultdict(set))
    rows = mentions.select("entity_id", "text", "key", "language").unique()
    for eid, text, key, lang in rows.iter_rows():
        if key and script_of(text) == "Latn":
            out[eid][key].add(lang or "")
    return out


# two Latin spellings this far apart are two names (Catalan, Ryanair), not one translated
_LATIN_APART = 60
# an actor this many times another's size is known well enough to say what it is not
_DOMINANT = 20
_WIDE = 3  # languages that write an actor one way in Latin letters: its name, not translated


def _spelled_apart(
    x: str, y: str, latin: dict[str, dict[str, set[str]]], size: Counter[str]
) -> bool:
    """One actor is many times the other's size and its name is written one way in Latin
    letters by several languages, and the other's Latin spellings are nowhere near it
    (Ryanair in six languages, Catalan in two): not a translation of it. (Translated names
    are left to the votes: Committee, Odbor; AIDS, SIDA.)"""
    big, small = sorted((x, y), key=lambda e: -size[e])
    if size[big] < _DOMINANT * size[small] or not latin.get(small):
        return False
    wide = [k for k, langs in latin.get(big, {}).items() if len(langs) >= _WIDE]
    return bool(wide) and not any(
        a[:1] == b[:1] or fuzz.ratio(a, b) >= _LATIN_APART for a in wide for b in latin[small]
    )


def touched(aliases: Aliases) -> set[str]:
    """Ids the analyst's corrections name: left as the analyst made them."""
    out = set(aliases.merge) | set(aliases.merge.values()) | set(aliases.rename)
    out |= set(aliases.retype) | set(aliases.hide)
    for entry in aliases.split:
        out |= {entry["entity_id"], entry["new_id"]}
    return out


def languages_of(articles: pl.DataFrame) -> dict[str, str | None]:
    """article_id -> language: what `votes` reads of the articles."""
    return dict(zip(articles["article_id"], articles["language"], strict=True))


def scripts_of(articles: pl.DataFrame) -> dict[str, str | None]:
    """article_id -> script (null without the column): `votes` tells a text's copies by it."""
    if "script" not in articles.columns:
        return {}
    return dict(zip(articles["article_id"], articles["script"], strict=True))


def votes(
    mentions: pl.DataFrame,
    alignments: pl.DataFrame,
    languages: dict[str, str | None],
    scripts: dict[str, str | None] | None = None,
) -> Counter[tuple[str, str]]:
    """(id, id) -> aligned pairs of paragraphs in two languages where these two are the only
    actors (or the only ones of their kind) that the other article lacks. Paragraphs are told
    apart by language, script (`scripts`), place in their article and the actors they name: one
    paragraph aligned with three wire copies of another is one vote, not three."""
    in_para: dict[tuple[str, int], set[str]] = defaultdict(set)
    in_article: dict[str, set[str]] = defaultdict(set)
    types: dict[str, str] = {}
    for aid, para, eid, type_ in mentions.select(
        "article_id", "para_no", "entity_id", "type"
    ).iter_rows():
        in_para[(aid, para)].add(eid)
        in_article[aid].add(eid)
        types[eid] = type_
    kinds = {e: _kind(t) for e, t in types.items()}
    story = pl.col("story_id") if "story_id" in alignments.columns else pl.lit(None, pl.String)
    pairs = alignments.select("article_a", "para_a", "article_b", "para_b", story).iter_rows()
    nothing: set[str] = set()
    # each vote once per pair of paragraphs told apart by language, script, place in their
    # article and the actors they name: wire copies of one paragraph aligned with the same
    # paragraph are one piece of evidence, not one vote each (translations of it into two
    # languages, or two scripts, are two; so are two articles' leads naming other actors)
    written = scripts or {}
    At = tuple[str | None, str | None, int, frozenset[str]]
    seen: set[tuple[str, str, str | None, At, At]] = set()

    def vote(x: str, y: str, in_story: str | None, a: str, pa: int, b: str, pb: int) -> None:
        at_x = (languages.get(a), written.get(a), pa, frozenset(in_para[(a, pa)]))
        at_y = (languages.get(b), written.get(b), pb, frozenset(in_para[(b, pb)]))
        if y < x:
            x, y, at_x, at_y = y, x, at_y, at_x
        seen.add((x, y, in_story, at_x, at_y))

    for a, pa, b, pb, in_story in pairs:
        if languages.get(a) == languages.get(b):
            continue
        # an actor only one side has, on each side, or no vote (most pairs: cheap sets first)
        only_a = in_para.get((a, pa), nothing) - in_article[b]
        if not only_a:
            continue
        only_b = in_para.get((b, pb), nothing) - in_article[a]
        if not only_b:
            continue
        if len(only_a) == 1 and len(only_b) == 1:
            # the one actor left on each side, whatever the types say (a surname read as an
            # organisation in one language: Flake, Φλέικ)
            (x,), (y,) = only_a, only_b
            vote(x, y, in_story, a, pa, b, pb)
            continue
        for kind in ("PER", "other"):
            xs = [e for e in only_a if kinds[e] == kind]
            ys = [e for e in only_b if kinds[e] == kind]
            if len(xs) == 1 and len(ys) == 1:
                vote(xs[0], ys[0], in_story, a, pa, b, pb)
                continue
            # several organisations and places: one of each type on each side
            for type_ in {types[e] for e in xs} & {types[e] for e in ys}:
                xt = [e for e in xs if types[e] == type_]
                yt = [e for e in ys if types[e] == type_]
                if len(xt) == 1 and len(yt) == 1:
                    vote(xt[0], yt[0], in_story, a, pa, b, pb)
    # counted by story (a story lies in one share of the work: shares' votes add up to these)
    out: Counter[tuple[str, str]] = Counter((x, y) for x, y, *_ in seen)
    return out


def merges(
    mentions: pl.DataFrame,
    alignments: pl.DataFrame,
    articles: pl.DataFrame,
    aliases: Aliases | None = None,
    *,
    counted: Counter[tuple[str, str]] | None = None,
) -> dict[str, str]:
    """id -> the id it joins (the one with more mentions), by the evidence of aligned pairs.

    counted: the `votes` of the alignments when they are counted already (a share each by two
    processes: votes add up over stories)."""
    if mentions.is_empty() or alignments.is_empty():
        return {}
    languages = languages_of(articles)
    if counted is None:
        counted = votes(mentions, alignments, languages, scripts_of(articles))
    keep_out = touched(aliases) if aliases else set()
    # what is read below is each voted actor's own mentions: the rows of the others are skipped
    voted = {e for pair in counted for e in pair}
    mentions = mentions.filter(pl.col("entity_id").is_in(voted))
    size = Counter(mentions["entity_id"].to_list())
    where: dict[str, set[str]] = defaultdict(set)
    for aid, eid in mentions.select("article_id", "entity_id").unique().iter_rows():
        where[eid].add(aid)
    parent: dict[str, str] = {}

    def find(x: str) -> str:
        while parent.get(x, x) != x:
            x = parent[x]
        return x

    held: dict[str, set[str]] = {}
    spoken: dict[str, set[str | None]] = {}
    fixed = _known_places(mentions)
    types = dict(mentions.select("entity_id", "type").unique("entity_id").iter_rows())
    bodies = _bodies(mentions)
    latin = _latin_keys(mentions)
    for (x, y), n in sorted(counted.items(), key=lambda kv: (-kv[1], kv[0])):
        # one aligned pair is enough where both name a body by its kind (National Cancer
        # Institute, Εθνικό Ινστιτούτο Καρκίνου): institutions are translated, not spelled
        enough = n >= MIN_VOTES or (x in bodies and y in bodies)
        if not enough or x in keep_out or y in keep_out:
            continue
        if not _compatible(x, y, types, fixed):
            continue
        if _spelled_apart(x, y, latin, size):
            continue
        rx, ry = find(x), find(y)
        if rx == ry:
            continue
        ax = held.setdefault(rx, set(where[rx]))
        ay = held.setdefault(ry, set(where[ry]))
        lx = spoken.setdefault(rx, {languages.get(a) for a in ax})
        ly = spoken.setdefault(ry, {languages.get(a) for a in ay})
        if ax & ay or lx & ly:
            continue
        root, other = sorted((rx, ry), key=lambda r: (-size[r], r))
        parent[other] = root
        held[root] = ax | ay
        spoken[root] = lx | ly
        size[root] += size[other]
    return {eid: find(eid) for eid in parent}


def project(
    mentions: pl.DataFrame, entities: pl.DataFrame, joined: dict[str, str]
) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Mentions and entities with the joins made: a joined actor takes its mentions' majority
    type and a label chosen over all its forms; other entities keep their rows."""
    if not joined:
        return mentions, entities
    linked = mentions.with_columns(entity_id=pl.col("entity_id").replace(joined))
    roots = set(joined.values())
    types: dict[str, Counter[str]] = defaultdict(Counter)
    joined_rows = linked.filter(pl.col("entity_id").is_in(roots))
    rows = zip(joined_rows["entity_id"].to_list(), found_types(joined_rows), strict=True)
    for (eid, type_), cue in zip(rows, cue_flags(joined_rows), strict=True):
        # as in linking: a mention a cue typed ("in Palu", a title) outweighs bare ones
        types[eid][type_] += CUE_WEIGHT if cue else 1
    majority = {eid: c.most_common(1)[0][0] for eid, c in types.items()}
    linked = linked.with_columns(
        type=pl.col("entity_id").replace_strict(majority, default=pl.col("type"))
    )
    rebuilt = entities_of(linked.filter(pl.col("entity_id").is_in(roots)))
    kept = entities.filter(~pl.col("entity_id").is_in(roots | set(joined)))
    if "hidden" in entities.columns:
        was_hidden = set(entities.filter(pl.col("hidden").fill_null(False))["entity_id"])
        rebuilt = rebuilt.with_columns(
            hidden=pl.col("entity_id").is_in(was_hidden) | pl.col("hidden").fill_null(False)
        )
    table = pl.concat([schema.conform(kept, "entities"), schema.conform(rebuilt, "entities")])
    return schema.conform(linked, "mentions"), table.sort(
        ["n_mentions", "entity_id"], descending=[True, False]
    )
