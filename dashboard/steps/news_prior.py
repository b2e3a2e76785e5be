"""How common an actor is in news in general, beside how common it is in the corpus at hand.

A corpus of one day, or of one story, says little about which names are everywhere: on a busy news
day Trump, the United States and Washington appear in reports that have nothing else in common.
`data/news_prior.json` holds the rough share of international news articles that name an actor:
a share per class (every CLDR country, every gazetteer city, every well-known institution the
lexicon knows) and larger shares for names that are in the news across unrelated stories
(the great powers, heads of state, platforms, running themes). Story clustering multiplies an
actor's corpus rarity by its news-wide `discount` (ln(1/share) on the scale of a reference corpus
of news), and two events become one story only when they share an actor that is specific in news
in general, not only celebrities (dashboard.steps.story_merge).
"""

from __future__ import annotations

import json
import math
from functools import lru_cache

import polars as pl
from babel import Locale

from dashboard.lang import lexicon
from dashboard.lang.translit import name_key, skeleton
from dashboard.steps.linking import slug

PRIOR_FILE = lexicon.DATA / "news_prior.json"
REFERENCE_ARTICLES = 10_000  # the size of the news-in-general corpus the shares stand for
FOCUS = 3.0  # a corpus naming an actor this many times more often than news does is about it
MIN_SKELETON = 3  # shorter consonant skeletons (May -> m) match too many names


@lru_cache(maxsize=1)
def _data() -> dict:
    return json.loads(PRIOR_FILE.read_text(encoding="utf-8"))


@lru_cache(maxsize=1)
def _named() -> tuple[dict[str, float], dict[str, float]]:
    """(linking key or lower-case name -> share, consonant skeleton of a key or of its last word
    -> share)."""
    whole: dict[str, float] = {}
    shapes: dict[str, float] = {}
    for name, share in _data()["names"].items():
        key = name_key(name.replace("-", " ").split(), "en")
        for form in (key, name.lower()):
            whole[form] = max(whole.get(form, 0.0), share)
        for part in {key, key.rsplit(" ", 1)[-1]}:
            shape = skeleton(part)
            if len(shape) >= MIN_SKELETON:
                shapes[shape] = max(shapes.get(shape, 0.0), share)
    return whole, shapes


@lru_cache(maxsize=1)
def _classes() -> dict[str, float]:
    """Slug of a known place or organisation's key -> its class share."""
    shares = _data()["classes"]
    countries = {name.lower() for name in Locale("en").territories.values()}
    fixed = lexicon.fixed_names()
    out = {
        slug(k): shares["institution"]
        for k in (*fixed, *(v[1] for v in fixed.values()), *lexicon.org_acronyms())
    }
    for key in lexicon.place_labels():
        out[slug(key)] = shares["country" if key in countries else "city"]
    return out


@lru_cache(maxsize=65536)
def share(entity_id: str) -> float:
    """News-wide share of articles naming this actor (`TYPE:slug`, as linking names it): its
    class share (country, city, institution) or the share of a listed name it is spelled like
    (its slug, or a person's surname, with the same consonants: Tramp, Trump); 0.0 when
    nothing is known."""
    typ, _, slug = entity_id.partition(":")
    whole, shapes = _named()
    key = slug.replace("-", " ")
    found = max(whole.get(key, 0.0), _classes().get(slug, 0.0))
    for part in (key, key.rsplit(" ", 1)[-1]) if typ == "PER" else (key,):
        shape = skeleton(part)
        if len(shape) >= MIN_SKELETON:
            found = max(found, shapes.get(shape, 0.0))
    return found


def discount_of(prior: pl.Expr) -> pl.Expr:
    """How much an actor says about which story an article tells, from its news-wide share:
    1.0 when nothing is known of it, down towards 0 for a name in every other article
    (ln(1/share) on the scale of a reference corpus of REFERENCE_ARTICLES)."""
    share_col = prior.fill_null(0.0)
    scaled = (1.0 / share_col).log() / math.log(REFERENCE_ARTICLES)
    return pl.when(share_col > 0).then(scaled.clip(upper_bound=1.0)).otherwise(1.0)


def in_corpus(prior: pl.Expr, df: pl.Expr, n: pl.Expr) -> pl.Expr:
    """The share that counts for this corpus: 0.0 (specific) when the corpus names the actor
    clearly more often than news in general does (more than FOCUS times the expected count plus
    three standard deviations of chance): a corpus collected around Germany and Russia is about
    them, and there they tell its stories apart like any specific name."""
    share_col = prior.fill_null(0.0)
    expected = share_col * n
    focused = df.cast(pl.Float64) > FOCUS * expected + 3.0 * expected.sqrt()
    return pl.when(focused & (share_col > 0)).then(0.0).otherwise(share_col)


def shares(entity_ids: pl.Series) -> pl.DataFrame:
    """(entity_id, prior): the news-wide share of each of these actors."""
    ids = entity_ids.drop_nulls().unique().sort()
    return pl.DataFrame(
        {"entity_id": ids, "prior": [share(e) for e in ids.to_list()]},
        schema={"entity_id": pl.String, "prior": pl.Float64},
    )
