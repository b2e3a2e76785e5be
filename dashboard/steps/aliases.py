"""The analyst's corrections to entities: merge, split, rename, retype, hide.

They live in `aliases.json` in the analysis folder, survive re-analysis (entity ids are derived
from type and key, see dashboard.steps.linking) and are applied to the linked tables without
re-extracting. Writes are atomic (temporary file + os.replace).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from pathlib import Path

import polars as pl

from dashboard import atomic, schema
from dashboard.errors import NewsprismError
from dashboard.schema import HIDDEN_TYPES
from dashboard.steps.linking import entities_of

TYPES = ("PER", "ORG", "LOC", "MISC", "GROUP")
VERSION = 1


@dataclass(frozen=True)
class Aliases:
    """Corrections: merge maps an id to the id it joins; split moves surface forms to a new id."""

    merge: dict[str, str] = field(default_factory=dict)
    split: tuple[dict, ...] = ()
    rename: dict[str, str] = field(default_factory=dict)
    retype: dict[str, str] = field(default_factory=dict)
    hide: frozenset[str] = frozenset()


def read_aliases(path: Path) -> Aliases:
    """The alias file at `path`; an absent file means no corrections."""
    data = atomic.read_json_object(path, "alias file")
    if data is None:
        return Aliases()
    return Aliases(
        merge=dict(data.get("merge", {})),
        split=tuple(dict(s) for s in data.get("split", [])),
        rename=dict(data.get("rename", {})),
        retype=dict(data.get("retype", {})),
        hide=frozenset(data.get("hide", [])),
    )


def write_aliases(path: Path, aliases: Aliases) -> None:
    """Write the alias file atomically."""
    atomic.write_json(
        path,
        {
            "version": VERSION,
            "merge": aliases.merge,
            "split": list(aliases.split),
            "rename": aliases.rename,
            "retype": aliases.retype,
            "hide": sorted(aliases.hide),
        },
    )


def merge(aliases: Aliases, ids: list[str]) -> Aliases:
    """Merge entities into the first id given."""
    if len(ids) < 2:
        return aliases
    target = _resolve(aliases.merge, ids[0])
    merged = dict(aliases.merge)
    for eid in ids[1:]:
        if _resolve(merged, eid) != target:
            merged[eid] = target
    return replace(aliases, merge=merged)


def split(
    aliases: Aliases, entity_id: str, forms: list[str], label: str | None = None
) -> tuple[Aliases, str]:
    """Move mentions with these surface forms out of an entity into a new one; returns its id."""
    typ = entity_id.split(":", 1)[0]
    base = re.sub(r"[^a-z0-9]+", "-", (label or forms[0]).lower()).strip("-") or "x"
    new_id = f"{typ}:{base}~split"
    taken = {s["new_id"] for s in aliases.split}
    n = 2
    while new_id in taken:
        new_id = f"{typ}:{base}~split{n}"
        n += 1
    entry = {"entity_id": entity_id, "forms": list(forms), "new_id": new_id}
    out = replace(aliases, split=(*aliases.split, entry))
    if label:
        out = rename(out, new_id, label)
    return out, new_id


def rename(aliases: Aliases, entity_id: str, label: str) -> Aliases:
    """Give an entity a display label."""
    return replace(aliases, rename={**aliases.rename, entity_id: label})


def retype(aliases: Aliases, entity_id: str, type_: str) -> Aliases:
    """Change an entity's type (PER, ORG, LOC, MISC)."""
    if type_ not in TYPES:
        raise NewsprismError(
            entity_id, f"unknown entity type {type_!r} (use one of {', '.join(TYPES)})"
        )
    return replace(aliases, retype={**aliases.retype, entity_id: type_})


def hide(aliases: Aliases, entity_id: str) -> Aliases:
    """Hide an entity from views (its mentions stay in the tables)."""
    return replace(aliases, hide=aliases.hide | {entity_id})


def _resolve(merged: dict[str, str], eid: str) -> str:
    """Follow merge links to the final id (cycles stop where they close)."""
    seen = {eid}
    while eid in merged and merged[eid] not in seen:
        eid = merged[eid]
        seen.add(eid)
    return eid


def apply_aliases(
    mentions: pl.DataFrame, entities: pl.DataFrame, aliases: Aliases
) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Apply the corrections to linked tables; ids no longer present are ignored."""
    m = mentions
    for s in aliases.split:
        m = m.with_columns(
            entity_id=pl.when(
                (pl.col("entity_id") == s["entity_id"]) & pl.col("text").is_in(s["forms"])
            )
            .then(pl.lit(s["new_id"]))
            .otherwise(pl.col("entity_id"))
        )
    ids = m["entity_id"].unique().drop_nulls().to_list()
    final = {eid: _resolve(aliases.merge, eid) for eid in ids}
    m = m.with_columns(entity_id=pl.col("entity_id").replace(final))
    retyped = {_resolve(aliases.merge, k): v for k, v in aliases.retype.items()}
    if retyped:
        m = m.with_columns(type=pl.col("entity_id").replace_strict(retyped, default=pl.col("type")))
    # a merged entity keeps its target's label unless renamed
    labels = dict(zip(entities["entity_id"].to_list(), entities["label"].to_list(), strict=True))
    labels.update({_resolve(aliases.merge, k): v for k, v in aliases.rename.items()})
    ents = entities_of(m, labels)
    if retyped:
        ents = ents.with_columns(
            type=pl.col("entity_id").replace_strict(retyped, default=pl.col("type"))
        )
    hidden = {_resolve(aliases.merge, h) for h in aliases.hide}
    ents = ents.with_columns(
        hidden=pl.col("entity_id").is_in(list(hidden)) | pl.col("type").is_in(HIDDEN_TYPES)
    )
    return schema.conform(m, "mentions"), schema.conform(ents, "entities")
