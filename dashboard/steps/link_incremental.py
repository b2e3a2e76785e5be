"""Incremental linking: the mentions of new articles joined to an analysis that is already linked.

A new mention whose key the stored mentions already carry gets that key's stored entity id (the
id most of its stored mentions have, not counting forms the alias file split off). Only keys never
seen before are linked, with `linking.link` over the new articles' mentions plus the stored
mentions of the keys they could join (same surname, same words, a similar single word, one
spelling a short ending away): a new key that lands in a cluster with stored keys takes the stored
entity id of that cluster, the others get the id linking gives them. The alias file is then applied
to the new mentions. Stored ids never change; a full run (`pipeline.refresh`) may re-cluster keys
differently (a new key can no longer bridge two stored entities, and the type votes of stored keys
are the stored entity types, not the extractor's).
"""

from __future__ import annotations

from collections import defaultdict

import polars as pl

from dashboard import schema
from dashboard.lang import lexicon
from dashboard.steps.aliases import Aliases, apply_aliases
from dashboard.steps.linking import (
    confirmed,
    entities_of,
    link,
    meant,
    numbered_base,
    similar_across,
    surname,
    without_kind,
)

RELATED_ROWS = 200  # stored mentions per related key passed to linking: enough for its votes
KEY_SCHEMA = {"key": pl.String, "entity_id": pl.String, "type": pl.String, "n": pl.Int64}


def key_counts(mentions: pl.DataFrame) -> pl.DataFrame:
    """(key, entity_id, type, n): how many linked mentions of each key carry each entity id (what
    key_map decides from; a run keeps it as a state table, an increment appends its own)."""
    return (
        mentions.filter(pl.col("entity_id").is_not_null() & pl.col("key").is_not_null())
        .group_by("key", "entity_id", "type")
        .agg(n=pl.len().cast(pl.Int64))
        .select(*KEY_SCHEMA)
    )


def key_map(counts: pl.DataFrame, aliases: Aliases) -> pl.DataFrame:
    """(key, entity_id, type, n): the stored entity of every key, with its stored mention count,
    from key_counts (rows of one key may come from several runs: they are summed).

    Forms split off by the alias file are re-split on the new mentions by apply_aliases, so a key
    maps to the entity its unsplit mentions carry (the split's source when all were split off).
    """
    split_source = {s["new_id"]: s["entity_id"] for s in aliases.split}
    merged = (
        counts.with_columns(
            entity_id=pl.col("entity_id").replace(split_source),
            _split=pl.col("entity_id").is_in(list(split_source)),
        )
        .group_by("key", "entity_id", "type")
        .agg(pl.col("n").sum(), _split=pl.col("_split").all())
    )
    return (
        merged.sort(["key", "_split", "n", "entity_id"], descending=[False, False, True, False])
        .group_by("key", maintain_order=True)
        .agg(pl.col("entity_id").first(), pl.col("type").first(), n=pl.col("n").sum())
    )


def related_keys(new_keys: list[str], old_keys: list[str]) -> set[str]:
    """Stored keys a new key could join in linking, by linking's own blocking and similarity
    (linking.similar_across, linking.meant): same surname, words or meanings, the listed name a
    key writes with a short ending (lexicon.listed_inflected), the name without the word for its
    kind (linking.without_kind), the body without its country or opening kind word, a product's
    bare name and its other numbers, the name spaced otherwise (Wizzair, Wizz Air), a similar
    single word or surname, a short ending apart."""
    surname_of: dict[str, list[str]] = defaultdict(list)
    words_of: dict[tuple[str, ...], list[str]] = defaultdict(list)
    cut: dict[str, list[str]] = defaultdict(list)
    numbered: dict[str, list[str]] = defaultdict(list)  # a base name -> its numbered keys
    spaced: dict[str, list[str]] = defaultdict(list)  # a key without its spaces -> the keys
    stored = set(old_keys)
    for k in old_keys:
        spaced[k.replace(" ", "")].append(k)
        base = numbered_base(k)
        if base:
            numbered[base].append(k)
        surname_of[surname(k)].append(k)
        words_of[tuple(sorted(k.split()))].append(k)
        if meant(k):
            words_of[meant(k)].append(k)
        if " " not in k:
            for c in (1, 2):
                cut[k[:-c]].append(k)
    found: set[str] = set()
    for k in new_keys:
        w = surname(k)
        found.update(surname_of.get(w, ()))
        found.update(surname_of.get(k, ()))
        found.update(words_of.get(tuple(sorted(k.split())), ()))
        found.update(words_of.get(meant(k), ()) if meant(k) else ())
        found.update(spaced.get(k.replace(" ", ""), ()))  # Wizzair, Wizz Air
        # keys spelled out in full: the listed name, the company without its kind word, the
        # body without its country or without the kind opening it
        whole = {lexicon.listed_inflected(k) or "", without_kind(k), k.rpartition(" ")[0]}
        found.update((whole | {k.partition(" ")[2]}) & stored)
        # a numbered product: its bare name and its other numbers (Nord Stream, Nord Stream 1)
        named = numbered_base(k) or k
        found.update(numbered.get(named, ()))
        found.update({named} & stored)
        if " " not in k:
            found.update(cut.get(k, ()))
            found.update(k[:-c] for c in (1, 2) if k[:-c] in surname_of)
    for _w, other in similar_across(sorted({surname(k) for k in new_keys}), list(surname_of)):
        found.update(surname_of.get(other, ()))
        found.add(other)
    return {k for k in found if k in surname_of.get(surname(k), ())}


def link_new(
    old_mentions: pl.DataFrame,
    old_entities: pl.DataFrame,
    new_mentions: pl.DataFrame,
    aliases: Aliases,
    counts: pl.LazyFrame | None = None,
) -> tuple[pl.DataFrame, pl.DataFrame]:
    """New mentions linked against the stored ones, and the entities table of all mentions.

    counts: the stored key_counts (None: counted from old_mentions)."""
    if new_mentions.is_empty():
        return schema.conform(new_mentions, "mentions"), old_entities
    if counts is None:
        counts = key_counts(old_mentions).lazy()
    old_keys = counts.select("key").unique().collect().get_column("key")
    # settled when found (link_article.settled), as the full run's
    new_mentions = confirmed(new_mentions, old_keys.to_list())
    if new_mentions.is_empty():
        return schema.conform(new_mentions, "mentions"), old_entities
    keys = new_mentions.get_column("key").drop_nulls().unique()
    new_keys = sorted(set(keys.to_list()) - set(old_keys.filter(old_keys.is_in(keys.implode()))))
    related = related_keys(new_keys, old_keys.to_list()) if new_keys else set()
    # only the stored keys the new mentions have, or could join, are looked up
    wanted = pl.Series([*keys.to_list(), *related], dtype=pl.String).implode()
    known = key_map(counts.filter(pl.col("key").is_in(wanted)).collect(), aliases)
    stored = {k: (e, t) for k, e, t in known.select("key", "entity_id", "type").iter_rows()}
    ids = dict(stored)
    if new_keys:
        ids.update(_link_new_keys(old_mentions, new_mentions, known, new_keys, related))
    mapping = {k: v[0] for k, v in ids.items()}
    types = {k: v[1] for k, v in ids.items()}
    linked = schema.conform(
        new_mentions.with_columns(
            entity_id=pl.col("key").replace_strict(mapping, default=None),
            type=pl.col("key").replace_strict(types, default=pl.col("type")),
        ),
        "mentions",
    )
    new_ents = entities_of(linked)
    if aliases != Aliases():
        linked, new_ents = apply_aliases(linked, new_ents, aliases)
    return linked, _entities(old_entities, linked, new_ents)


def _link_new_keys(
    old_mentions: pl.DataFrame,
    new_mentions: pl.DataFrame,
    known: pl.DataFrame,
    new_keys: list[str],
    related: set[str],
) -> dict[str, tuple[str, str]]:
    """key -> (entity id, type) for keys no stored mention has; related: the stored keys they
    could join (related_keys)."""
    context = (
        old_mentions.filter(pl.col("key").is_in(list(related)))
        .filter(pl.int_range(pl.len()).over("key") < RELATED_ROWS)
        .with_columns(entity_id=pl.lit(None, pl.String))
    )
    sample = pl.concat(
        [schema.conform(context, "mentions"), schema.conform(new_mentions, "mentions")]
    )
    linked, _ = link(sample)
    cluster = dict(linked.select("key", "entity_id").unique("key").iter_rows())
    typed = dict(linked.select("key", "type").unique("key").iter_rows())
    # a cluster holding stored keys is the stored entity of its most mentioned stored key
    stored_of: dict[str, tuple[int, str, str]] = {}
    for key, eid, typ, n in known.filter(pl.col("key").is_in(list(related))).iter_rows():
        c = cluster.get(key)
        if c is not None and (c not in stored_of or (n, eid) > stored_of[c][:2]):
            stored_of[c] = (n, eid, typ)
    out = {}
    for k in new_keys:
        c = cluster[k]
        out[k] = (stored_of[c][1], stored_of[c][2]) if c in stored_of else (c, typed[k])
    return out


def _entities(
    old_entities: pl.DataFrame, new_mentions: pl.DataFrame, new_entities: pl.DataFrame
) -> pl.DataFrame:
    """The stored entities table with the entities the new mentions touch brought up to date.

    A stored entity keeps its label, type and hidden flag; its mention and article counts grow by
    the new mentions' (new articles are not stored ones) and its languages by theirs; forms the
    new mentions bring are listed after the stored aliases, most frequent first (a full run
    orders every form by frequency again). A new entity is as linking made it.
    """
    touched = new_mentions.filter(
        pl.col("entity_id").is_in(old_entities["entity_id"].implode())
    ).with_row_index("_row")
    stored_forms = old_entities.select("entity_id", text="aliases").explode("text")
    forms = (
        touched.group_by("entity_id", "text")
        .agg(n=pl.len(), first=pl.col("_row").min())
        .join(stored_forms, on=["entity_id", "text"], how="anti")
        .sort(["entity_id", "n", "first"], descending=[False, True, False])
        .group_by("entity_id", maintain_order=True)
        .agg(new_forms=pl.col("text"))
    )
    counts = touched.group_by("entity_id").agg(
        new_articles=pl.col("article_id").n_unique(),
        new_mentions=pl.len(),
        new_languages=pl.col("language").drop_nulls().unique(),
    )
    updated = (
        old_entities.join(counts, on="entity_id")
        .join(forms, on="entity_id", how="left")
        .with_columns(
            aliases=pl.concat_list("aliases", pl.col("new_forms").fill_null([])),
            n_articles=pl.col("n_articles") + pl.col("new_articles"),
            n_mentions=pl.col("n_mentions") + pl.col("new_mentions"),
            languages=pl.concat_list("languages", "new_languages").list.unique().list.sort(),
        )
    )
    brand_new = new_entities.join(old_entities.select("entity_id"), on="entity_id", how="anti")
    kept = old_entities.join(updated.select("entity_id"), on="entity_id", how="anti")
    return pl.concat(
        [schema.conform(f, "entities") for f in (kept, updated, brand_new)], how="vertical"
    ).sort(["n_mentions", "entity_id"], descending=[True, False])
