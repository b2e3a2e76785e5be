"""Story tables and readable labels: stable story ids, main actors and the period they cover."""

from __future__ import annotations

import hashlib
from collections import Counter, defaultdict
from datetime import date, timedelta

import polars as pl
from babel.dates import get_month_names

from dashboard.schema import conform
from dashboard.story_merge import usable_published

LABEL_ACTORS = 3
CONTEXT_DAYS = 62  # mentioned dates this long before the first publication still label a story


def story_id_for(article_ids: list[str] | tuple[str, ...] | set[str]) -> str:
    """Stable id of a story: a hash of its earliest (smallest) article id."""
    return "s-" + hashlib.sha1(min(article_ids).encode("utf-8")).hexdigest()[:12]


def story_tables(
    articles: pl.DataFrame,
    membership: dict[str, list[str]],
    mentions: pl.DataFrame | None,
    dates: pl.DataFrame | None,
    entities: pl.DataFrame | None,
    old_labels: dict[str, str] | None = None,
) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Articles with story_id set and the stories table (sorted by size) for a membership map."""
    article_story = pl.DataFrame(
        [(a, s) for s, members in membership.items() for a in members],
        schema={"article_id": pl.String, "story_id": pl.String},
        orient="row",
    )
    articles = articles.drop("story_id", strict=False).join(
        article_story, on="article_id", how="left"
    )
    labels = old_labels or {}
    if mentions is not None:
        labels = {**labels, **label_stories(articles, mentions, dates, entities)}
    stories = pl.DataFrame(
        {
            "story_id": list(membership),
            "label": [labels.get(s, "") for s in membership],
            "article_ids": [sorted(m) for m in membership.values()],
        },
        schema={"story_id": pl.String, "label": pl.String, "article_ids": pl.List(pl.String)},
    ).sort(pl.col("article_ids").list.len(), "story_id", descending=[True, False])
    return articles, conform(stories, "stories")


def label_stories(
    articles: pl.DataFrame,
    mentions: pl.DataFrame,
    dates: pl.DataFrame | None = None,
    entities: pl.DataFrame | None = None,
) -> dict[str, str]:
    """story_id -> readable label: the main actors and the period ("Maduro, Putin · Nov–Dec 2025")."""
    story_of = articles.select("article_id", "story_id").filter(pl.col("story_id").is_not_null())
    names = _entity_names(mentions, entities)
    ranked = (
        mentions.filter(pl.col("entity_id").is_not_null())
        .join(story_of, on="article_id")
        .group_by("story_id", "entity_id")
        .agg(
            n_articles=pl.col("article_id").n_unique(),
            n=pl.len(),
            person=(pl.col("type") == "PER").any(),
        )
        .sort(["n_articles", "person", "n", "entity_id"], descending=[True, True, True, False])
        .group_by("story_id", maintain_order=True)
        .agg(pl.col("entity_id").head(LABEL_ACTORS))
    )
    actors = {s: [names.get(e, e) for e in es] for s, es in ranked.iter_rows()}
    periods = _periods(articles, dates)
    out = {}
    for story_id in story_of["story_id"].unique().to_list():
        parts = [
            ", ".join(dict.fromkeys(actors.get(story_id, []))) or "Untitled",
            periods.get(story_id, ""),
        ]
        out[story_id] = " · ".join(p for p in parts if p)
    return out


def _entity_names(mentions: pl.DataFrame, entities: pl.DataFrame | None) -> dict[str, str]:
    """entity_id -> display name: the entities label, else its most frequent Latin-script form."""
    if entities is not None and entities.height:
        return dict(entities.select("entity_id", "label").drop_nulls().iter_rows())
    forms = (
        mentions.filter(pl.col("entity_id").is_not_null())
        .with_columns(latin=pl.col("text").str.contains(r"^[\p{Latin}\s'’.-]+$"))
        .group_by("entity_id", "text", "latin")
        .agg(n=pl.len())
        .sort(
            ["latin", "n", pl.col("text").str.len_chars(), "text"],
            descending=[True, True, False, False],
        )
        .group_by("entity_id", maintain_order=True)
        .agg(pl.col("text").first())
    )
    return dict(forms.iter_rows())


def _periods(articles: pl.DataFrame, dates: pl.DataFrame | None) -> dict[str, str]:
    """story_id -> month range from publication dates and the dates the story mentions."""
    months: dict[str, list[date]] = defaultdict(list)
    published: dict[str, list[date]] = defaultdict(list)
    dated = articles.select("story_id", usable_published(pl.col("published")))
    for story_id, day in dated.drop_nulls().iter_rows():
        published[story_id].append(day)
    mentioned: dict[str, list[tuple[int | None, int]]] = defaultdict(list)
    if dates is not None and dates.height:
        parsed = (
            dates.join(articles.select("article_id", "story_id"), on="article_id")
            .select(
                "story_id",
                year=pl.col("value").str.extract(r"^(\d{4})").cast(pl.Int32),
                month=pl.col("value").str.extract(r"^(?:\d{4}|-)-(\d{2})(?:-|$)").cast(pl.Int32),
            )
            .filter(pl.col("month").is_not_null() & pl.col("story_id").is_not_null())
        )
        for story_id, year, month in parsed.iter_rows():
            mentioned[story_id].append((year, month))
    for story_id in set(published) | set(mentioned):
        pubs = sorted(published.get(story_id, []))
        ref = pubs[len(pubs) // 2] if pubs else None
        for year, month in mentioned.get(story_id, []):
            if year is None and ref is not None:
                # a day and month without a year: the latest such month not after the story
                year = ref.year if month <= ref.month else ref.year - 1
            if year is not None:
                day = date(year, month, 1)
                if not pubs or pubs[0] - timedelta(days=CONTEXT_DAYS) <= day <= pubs[-1]:
                    months[story_id].append(day)
        months[story_id] += [d.replace(day=1) for d in pubs]
        if not months[story_id] and mentioned.get(story_id):
            # only yearless months: name the most frequent one
            month = Counter(m for _, m in mentioned[story_id]).most_common(1)[0][0]
            months[story_id] = [date(1, month, 1)]
    return {s: _month_range(min(ms), max(ms)) for s, ms in months.items() if ms}


def _month_range(first: date, last: date) -> str:
    names = get_month_names("abbreviated", locale="en")
    if first.year == 1:
        # only day-months without a year were mentioned: say so, "Jan" alone reads like a name
        return f"{get_month_names('wide', locale='en')[first.month]}, year unknown"
    if first == last:
        return f"{names[first.month]} {first.year}"
    if first.year == last.year:
        return f"{names[first.month]}–{names[last.month]} {last.year}"
    return f"{names[first.month]} {first.year}–{names[last.month]} {last.year}"
