"""The shared view filters: one frozen value, to and from the URL, as polars expressions and
as a sentence a person reads ("Serbian and Greek outlets, 1–15 Dec 2025, actor: Maduro")."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import date

import polars as pl
from babel import Locale

PARAMS = ("lang", "outlet", "actor", "story", "from", "to")


@dataclass(frozen=True)
class Filters:
    """What the analyst chose to look at; empty tuples mean everything."""

    languages: tuple[str, ...] = ()
    outlets: tuple[str, ...] = ()
    actors: tuple[str, ...] = ()
    story: str | None = None
    date_from: date | None = None
    date_to: date | None = None
    extra: tuple[tuple[str, str], ...] = field(default=(), compare=True)

    def with_(self, **changes: object) -> Filters:
        return replace(self, **changes)  # type: ignore[arg-type]

    @property
    def active(self) -> bool:
        return bool(
            self.languages
            or self.outlets
            or self.actors
            or self.story
            or self.date_from
            or self.date_to
        )

    def articles_expr(self) -> pl.Expr:
        """Filter on the articles table (actors are applied by joining mentions)."""
        expr = pl.lit(True)
        if self.languages:
            expr &= pl.col("language").is_in(list(self.languages))
        if self.outlets:
            expr &= pl.col("source").is_in(list(self.outlets))
        if self.story:
            expr &= pl.col("story_id") == self.story
        if self.date_from:
            expr &= pl.col("published") >= self.date_from
        if self.date_to:
            expr &= pl.col("published") <= self.date_to
        return expr

    def describe(
        self,
        entity_labels: Mapping[str, str] | None = None,
        story_labels: Mapping[str, str] | None = None,
    ) -> str:
        """One sentence for people: shown above every chart and written into every export."""
        parts: list[str] = []
        if self.languages:
            names = [language_name(code) for code in self.languages]
            parts.append(f"{_and(names)} articles")
        else:
            parts.append("all languages")
        if self.outlets:
            parts.append(f"outlets: {', '.join(self.outlets)}")
        if self.date_from or self.date_to:
            parts.append(_period(self.date_from, self.date_to))
        if self.actors:
            labels = [(entity_labels or {}).get(a, a) for a in self.actors]
            parts.append(f"actor{'s' if len(labels) > 1 else ''}: {', '.join(labels)}")
        if self.story:
            parts.append(f"story: {(story_labels or {}).get(self.story, self.story)}")
        return ", ".join(parts)


def language_name(code: str) -> str:
    """English name of an ISO 639-1 code (CLDR), or the code itself."""
    try:
        return str(Locale("en").languages.get(code, code))
    except (ValueError, TypeError):
        return code


def _and(names: list[str]) -> str:
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


def _fmt(d: date) -> str:
    return f"{d.day} {d.strftime('%b')} {d.year}"


def _period(start: date | None, end: date | None) -> str:
    if start and end:
        return f"{_fmt(start)} – {_fmt(end)}"
    return f"from {_fmt(start)}" if start else f"until {_fmt(end)}"  # type: ignore[arg-type]


def to_query(f: Filters) -> dict[str, list[str] | str]:
    """Query parameters for a view; defaults are left out so links stay short."""
    q: dict[str, list[str] | str] = {}
    if f.languages:
        q["lang"] = list(f.languages)
    if f.outlets:
        q["outlet"] = list(f.outlets)
    if f.actors:
        q["actor"] = list(f.actors)
    if f.story:
        q["story"] = f.story
    if f.date_from:
        q["from"] = f.date_from.isoformat()
    if f.date_to:
        q["to"] = f.date_to.isoformat()
    for key, value in f.extra:
        q[key] = value
    return q


def from_query(
    params: Mapping[str, list[str]],
    *,
    languages: set[str] | None = None,
    outlets: set[str] | None = None,
    actors: set[str] | None = None,
    stories: set[str] | None = None,
) -> tuple[Filters, list[str]]:
    """Filters from query parameters (each key -> all its values) and warnings for bad values.

    A bad value falls back to the default and says so; known values are checked when given.
    """
    warnings: list[str] = []

    def pick(key: str, allowed: set[str] | None) -> tuple[str, ...]:
        values = [v for v in params.get(key, []) if v]
        good = tuple(dict.fromkeys(v for v in values if allowed is None or v in allowed))
        bad = [v for v in values if allowed is not None and v not in allowed]
        if bad:
            warnings.append(f"ignored unknown {key} in the link: {', '.join(bad)}")
        return good

    def day(key: str) -> date | None:
        values = params.get(key, [])
        if not values or not values[-1]:
            return None
        try:
            return date.fromisoformat(values[-1])
        except ValueError:
            warnings.append(f"ignored bad date {key}={values[-1]!r} in the link (use YYYY-MM-DD)")
            return None

    story = pick("story", stories)
    start, end = day("from"), day("to")
    if start and end and start > end:
        warnings.append("the link's date range is reversed; swapped it")
        start, end = end, start
    extra = tuple((k, v[-1]) for k, v in sorted(params.items()) if k not in PARAMS and v and v[-1])
    return (
        Filters(
            languages=pick("lang", languages),
            outlets=pick("outlet", outlets),
            actors=pick("actor", actors),
            story=story[0] if story else None,
            date_from=start,
            date_to=end,
            extra=extra,
        ),
        warnings,
    )
