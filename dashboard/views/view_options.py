"""The choices a view offers beside the shared filters (group by week, one story, rows by
language...): each declared once with its allowed values and default, and read by the pages
(widgets and URL), by `newsprism export` (its options) and by the registry (dashboard/views/views.py).

Kept apart from views.py and free of heavy imports so the command line can build its options
from these declarations without loading polars or plotly.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from dashboard.errors import NewsprismError

if TYPE_CHECKING:
    from dashboard.store.store import Analysis

Opts = Mapping[str, str | None]


@dataclass(frozen=True)
class Option:
    """One choice of a view. `values`: the allowed values; empty with `known` set: the values the
    analysis holds (story ids); empty without it: free text. A default of None lets the view pick
    (the biggest story, the most mentioned actor)."""

    name: str  # the frame function's keyword and the CLI option --name
    label: str
    default: str | None = None
    values: tuple[str, ...] = ()
    key: str = ""  # its key in the app's URL, when not its name
    known: Callable[[Analysis], Sequence[str]] | None = None
    frame: bool = True  # passed to the view's table function
    chart: bool = False  # passed to the view's chart function

    @property
    def url_key(self) -> str:
        return self.key or self.name

    def allowed(self, an: Analysis | None) -> Sequence[str] | None:
        """The values this option takes in this analysis; None: any text."""
        if self.values:
            return self.values
        if self.known is not None and an is not None:
            return self.known(an)
        return None

    def problem(self, value: str | None, an: Analysis | None) -> str | None:
        """Why `value` is not one this option takes, or None when it is."""
        allowed = self.allowed(an)
        if value is None or allowed is None or value in allowed:
            return None
        shown = ", ".join(list(allowed)[:12]) + (" ..." if len(allowed) > 12 else "")
        return f"{value!r} is not one of: {shown or 'none in this analysis'}"


def _stories(an: Analysis) -> list[str]:
    return an.scan("stories").select("story_id").collect()["story_id"].to_list()


def _actors(an: Analysis) -> list[str]:
    return an.scan("entities").select("entity_id").collect()["entity_id"].to_list()


# auto: the timeline picks day, week or month from the span it shows (timeline.pick_every)
EVERY = Option("every", "Group publication dates by", "auto", ("auto", "day", "week", "month"))
STORY = Option("story", "Story", None, key="cmp", known=_stories)
BY = Option("by", "Rows", "source", ("source", "language"), chart=True)
VALUE = Option(
    "value", "Count", "n_mentions", ("n_mentions", "per_1000_words"), frame=False, chart=True
)
SEARCH = Option("search", "Search names and aliases", "", key="q")
ACTOR = Option("actor", "Actor", None, key="entity", known=_actors)
OPTIONS = (EVERY, STORY, BY, VALUE, SEARCH, ACTOR)

SHARED_FLAGS = ("story",)  # given by the filter option of the same name (--story)


def resolve(options: Sequence[Option], given: Opts, an: Analysis | None, view: str) -> dict:
    """Every option of a view with its value: the given one checked, else the default. A value
    the view does not take, or an option it does not have, is the analyst's error."""
    names = {o.name for o in options}
    for name, value in given.items():
        if value is not None and name not in names:
            takes = ", ".join(f"--{n}" for n in sorted(names)) or "no options"
            raise NewsprismError(f"--{name}", f"{view} has no such option (it takes {takes})")
    out: dict[str, str | None] = {}
    for o in options:
        value = given.get(o.name)
        why = o.problem(value, an)
        if why:
            raise NewsprismError(f"--{o.name} {value}", why)
        out[o.name] = value if value is not None else o.default
    return out


def from_query(
    options: Sequence[Option], params: Mapping[str, str | None], an: Analysis | None
) -> tuple[dict[str, str | None], list[str]]:
    """A view's options from the URL: a value it does not take falls back to the default, with
    a notice saying so (a shared link never breaks a page)."""
    out: dict[str, str | None] = {}
    notices = []
    for o in options:
        value = params.get(o.url_key) or None
        if o.problem(value, an):
            notices.append(
                f"Unknown {o.url_key} value {value!r} in the address; showing "
                f"{o.default or 'the default'}."
            )
            value = None
        out[o.name] = value if value is not None else o.default
    return out, notices


def to_query(options: Sequence[Option], opts: Opts) -> dict[str, str | None]:
    """URL keys for a view's options; defaults are left out (None) so links stay short."""
    return {
        o.url_key: None if opts.get(o.name) in (None, "", o.default) else opts.get(o.name)
        for o in options
    }


# A chart's selected point in the URL: only the fields the evidence rules read
# (dashboard/evidence.py: x, y, the curve and customdata's first item), so a link lists the
# same passages under the chart and stays short.
POINT_FIELDS = ("x", "y", "customdata", "curve_number")
_SCALAR = (str, int, float, bool)


def point_key(chart: str) -> str:
    """The URL key of a chart's selected point (`?point-timeline=...`)."""
    return f"point-{chart}"


def point_query(point: Mapping[str, object]) -> str:
    """A selected point as a short JSON text for the URL (its evidence fields only)."""
    import json

    kept = {k: point[k] for k in POINT_FIELDS if point.get(k) is not None}
    data = kept.get("customdata")
    if isinstance(data, list | tuple):
        # the rules read its first item (evidence.value); the rest is hover text
        kept["customdata"] = data[0] if data else None
    return json.dumps(kept, ensure_ascii=False, separators=(",", ":"), sort_keys=True)


def point_from_query(text: str) -> tuple[dict[str, object] | None, str | None]:
    """A point from the URL, or None and a notice saying why it was ignored (a hand-edited or
    truncated link shows the chart without a selection, never an error)."""
    import json

    why = f"Unknown point {text[:80]!r} in the address; showing no selection."
    try:
        point = json.loads(text)
    except ValueError:
        return None, why
    if not isinstance(point, dict) or not point or set(point) - set(POINT_FIELDS):
        return None, why
    for k, v in point.items():
        items = v if isinstance(v, list) and k == "customdata" else [v]
        if len(items) > 16 or not all(isinstance(i, _SCALAR) for i in items):
            return None, why
    curve = point.get("curve_number", 0)
    if isinstance(curve, bool) or not isinstance(curve, int) or curve < 0:
        return None, why
    return point, None
