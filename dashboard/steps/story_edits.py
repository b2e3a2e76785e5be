"""The analyst's story edits (move, merge, split), kept in stories.json and replayed on every analysis."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import polars as pl

from dashboard import atomic
from dashboard.atomic import write_json
from dashboard.errors import NewsprismError
from dashboard.steps.story_labels import story_id_for, story_tables

OVERRIDES_VERSION = 1


@dataclass(frozen=True)
class Overrides:
    """The analyst's story edits, replayed in order on every analysis (stories.json)."""

    ops: tuple[dict[str, Any], ...] = field(default_factory=tuple)


def move(article_id: str, story_id: str) -> dict[str, Any]:
    """Op: put one article into another story."""
    return {"op": "move", "article_id": article_id, "story_id": story_id}


def merge(story_ids: list[str]) -> dict[str, Any]:
    """Op: make one story of several."""
    return {"op": "merge", "story_ids": list(story_ids)}


def split(story_id: str, article_ids: list[str]) -> dict[str, Any]:
    """Op: take some articles out of a story into a story of their own."""
    return {"op": "split", "story_id": story_id, "article_ids": list(article_ids)}


def add_op(overrides: Overrides, op: dict[str, Any], stories: pl.DataFrame) -> Overrides:
    """Append an op, remembering the members of the stories it names.

    Story ids follow their earliest article, so a re-analysis that adds an earlier article renames
    a story; the remembered members let the op find it again.
    """
    members = dict(stories.select("story_id", "article_ids").iter_rows())
    named = [op["story_id"]] if "story_id" in op else list(op.get("story_ids", []))
    unknown = [s for s in named if s not in members]
    if unknown:
        raise NewsprismError("stories.json", f"no story {', '.join(unknown)} in this analysis")
    anchored = {**op, "anchors": {s: sorted(members[s]) for s in named}}
    return Overrides((*overrides.ops, anchored))


def read_overrides(path: Path) -> Overrides:
    """The story edits saved beside an analysis; none when the file does not exist."""
    data = atomic.read_json_object(path, "story edits file")
    if data is None:
        return Overrides()
    try:
        ops = tuple(dict(op) for op in data["ops"])
    except (KeyError, TypeError, ValueError) as exc:
        raise NewsprismError(
            str(path), f"story edits unreadable ({exc}); fix or delete the file"
        ) from exc
    bad = [op for op in ops if op.get("op") not in ("move", "merge", "split")]
    if bad:
        raise NewsprismError(str(path), f"unknown story edit {bad[0].get('op')!r}")
    return Overrides(ops)


def write_overrides(path: Path, o: Overrides) -> None:
    """Save the story edits atomically (temporary file, then os.replace)."""
    write_json(path, {"version": OVERRIDES_VERSION, "ops": list(o.ops)})


def _resolve(
    story_id: str, anchors: dict[str, list[str]], membership: dict[str, set[str]]
) -> str | None:
    """The current story an op meant: same id, else the one holding most of its remembered members."""
    if story_id in membership:
        return story_id
    remembered = set(anchors.get(story_id, []))
    best = max(membership, key=lambda s: (len(membership[s] & remembered), s), default=None)
    return best if best is not None and membership[best] & remembered else None


def _replay(membership: dict[str, set[str]], op: dict[str, Any]) -> dict[str, set[str]]:
    """Membership after one op; ops naming stories or articles that no longer exist do nothing."""
    anchors = op.get("anchors", {})
    groups = {s: set(m) for s, m in membership.items()}
    if op["op"] == "move":
        target = _resolve(op["story_id"], anchors, groups)
        if target is None or not any(op["article_id"] in m for m in groups.values()):
            return membership
        for m in groups.values():
            m.discard(op["article_id"])
        groups[target].add(op["article_id"])
    elif op["op"] == "merge":
        found = {s for s in (_resolve(s, anchors, groups) for s in op["story_ids"]) if s}
        if len(found) < 2:
            return membership
        merged = set().union(*(groups.pop(s) for s in found))
        groups["merged"] = merged
    else:
        source = _resolve(op["story_id"], anchors, groups)
        if source is None:
            return membership
        leaving = groups[source] & set(op["article_ids"])
        if not leaving or leaving == groups[source]:
            return membership
        groups[source] -= leaving
        groups["split"] = leaving
    return {story_id_for(m): m for m in groups.values() if m}


def apply_overrides(
    articles: pl.DataFrame,
    stories: pl.DataFrame,
    overrides: Overrides,
    *,
    mentions: pl.DataFrame | None = None,
    dates: pl.DataFrame | None = None,
    entities: pl.DataFrame | None = None,
) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Replay the analyst's edits on freshly clustered stories.

    Changed stories are relabelled from mentions/dates when given; otherwise they keep the label
    of the story most of their articles came from.
    """
    if not overrides.ops:
        return articles, stories
    before = {s: set(m) for s, m in stories.select("story_id", "article_ids").iter_rows()}
    labels = dict(stories.select("story_id", "label").iter_rows())
    membership = before
    for op in overrides.ops:
        membership = _replay(membership, op)
    origin = {a: s for s, m in before.items() for a in m}
    kept = {
        s: labels[s]
        if s in labels and before.get(s) == m
        else labels.get(Counter(origin[a] for a in m).most_common(1)[0][0], "")
        for s, m in membership.items()
    }
    return story_tables(
        articles, {s: sorted(m) for s, m in membership.items()}, mentions, dates, entities, kept
    )
