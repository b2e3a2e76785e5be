"""Charts and tables out of the app and the CLI: interactive HTML, PNG/SVG, CSV/Parquet.

Static images go through kaleido and the system Chromium, kept open in one long-lived renderer
so only the first image of a process pays for starting the browser. Every export carries its
caption: the filters in force and the corpus. Bundles live in `dashboard/views/bundle.py`, the rows
behind a chart's point in `dashboard/views/evidence.py`.
"""

from __future__ import annotations

import argparse
import asyncio
import atexit
import contextlib
import html
import io
import os
import shutil
import sys
import threading
from collections.abc import Sequence
from concurrent.futures import TimeoutError as FutureTimeout
from datetime import date
from pathlib import Path
from typing import Any

import plotly.graph_objects as go
import polars as pl

from dashboard import atomic
from dashboard.errors import NewsprismError
from dashboard.store.store import Analysis, tool_version
from dashboard.views import view_options, views
from dashboard.views.filters import Filters
from dashboard.views.view_options import Opts

IMAGE_FORMATS = ("png", "svg")
CHART_FORMATS = ("png", "svg", "html")
TABLE_FORMATS = ("csv", "parquet")
FORMATS = CHART_FORMATS + TABLE_FORMATS
WIDTH, HEIGHT, PNG_SCALE = 1200, 700, 2
BROWSERS = ("chromium", "chromium-browser", "google-chrome", "chrome")
# the browser a user names wins; BROWSER_PATH is what choreographer itself reads
BROWSER_ENV = ("NEWSPRISM_CHROMIUM", "BROWSER_PATH")
RENDER_TIMEOUT = 90.0


def plotly_config(name: str) -> dict[str, Any]:
    """The toolbar of an on-screen or exported chart: camera button names and sizes the file."""
    return {
        "toImageButtonOptions": {
            "format": "png",
            "filename": f"newsprism-{name}",
            "width": WIDTH,
            "height": HEIGHT,
            "scale": PNG_SCALE,
        },
        "displaylogo": False,
        # plotly.js 4 offers to upload the chart to Plotly Cloud: never from an analyst's data
        "showSendToCloud": False,
    }


def figure_html(fig: go.Figure, *, name: str = "chart", title: str | None = None) -> bytes:
    """A self-contained interactive HTML file: plotly.js inlined, no CDN, so it opens offline."""
    page = fig.to_html(
        include_plotlyjs=True, include_mathjax=False, full_html=True, config=plotly_config(name)
    )
    heading = title or _figure_title(fig) or f"newsprism {name}"
    head = (
        f"<title>{html.escape(heading)}</title>\n"
        f'    <meta name="generator" content="newsprism {html.escape(tool_version())}" />\n'
    )
    return page.replace("<head>\n", "<head>\n    " + head, 1).encode("utf-8")


def _figure_title(fig: go.Figure) -> str:
    text = fig.layout.title.text or ""
    return html.unescape(text.split("<br>")[0])


def chromium_path() -> str | None:
    """The browser kaleido drives: $NEWSPRISM_CHROMIUM, $BROWSER_PATH, else one on PATH."""
    for var in BROWSER_ENV:
        if os.environ.get(var):
            return os.environ[var]
    return next((found for name in BROWSERS if (found := shutil.which(name))), None)


class Renderer:
    """One Chromium driven by kaleido on its own event-loop thread, opened on first use.

    Calls are serialised (Streamlit runs sessions in threads); a failed or timed-out render
    closes the browser so the next call starts a fresh one instead of hanging on a dead one.
    """

    def __init__(self, browser: str | None = None, timeout: float = RENDER_TIMEOUT) -> None:
        self._browser = browser
        self._timeout = timeout
        self._lock = threading.Lock()
        self._loop: asyncio.AbstractEventLoop | None = None
        self._kaleido: Any = None
        self._at_exit = False

    @property
    def running(self) -> bool:
        return self._kaleido is not None

    def render(self, fig: go.Figure, fmt: str, width: int, height: int, scale: float) -> bytes:
        """Image bytes of one figure (starts the browser when it is not running)."""
        opts = {"format": fmt, "width": width, "height": height, "scale": scale}
        with self._lock:
            if self._kaleido is None:
                self._start()
            try:
                return bytes(self._run(self._kaleido.calc_fig(fig.to_dict(), opts=opts)))
            except Exception:
                self._stop()
                raise

    def close(self) -> None:
        """Close the browser (a later render opens a new one)."""
        with self._lock:
            self._stop()

    def _run(self, coro: Any) -> Any:
        assert self._loop is not None
        future = asyncio.run_coroutine_threadsafe(coro, self._loop)
        try:
            return future.result(self._timeout)
        except FutureTimeout:
            future.cancel()
            raise

    def _start(self) -> None:
        import kaleido

        path = self._browser or chromium_path()
        if not path or not Path(path).is_file():
            raise NewsprismError(
                "chromium",
                f"no browser at {path!r}" if path else "no Chromium found on PATH",
            )
        self._loop = asyncio.new_event_loop()
        threading.Thread(target=self._loop.run_forever, daemon=True, name="kaleido").start()
        # mathjax=False: kaleido would otherwise fetch MathJax from a CDN on every page
        k = kaleido.Kaleido(n=1, path=path, mathjax=False, timeout=self._timeout)
        try:
            self._run(k.open())
        except Exception:
            self._stop()
            raise
        self._kaleido = k
        if not self._at_exit:
            # registered after the browser's temporary profile, so it runs before its cleanup
            atexit.register(self.close)
            self._at_exit = True

    def _stop(self) -> None:
        loop, k = self._loop, self._kaleido
        self._loop, self._kaleido = None, None
        if loop is None:
            return
        if k is not None:
            # the browser may already be gone: closing is best effort
            with contextlib.suppress(Exception):
                asyncio.run_coroutine_threadsafe(k.close(), loop).result(15)
        loop.call_soon_threadsafe(loop.stop)


RENDERER = Renderer()


def figure_image(
    fig: go.Figure,
    fmt: str,
    *,
    width: int = WIDTH,
    height: int = HEIGHT,
    renderer: Renderer | None = None,
) -> bytes:
    """PNG (at twice the layout size, for print) or SVG bytes through kaleido and Chromium."""
    if fmt not in IMAGE_FORMATS:
        raise ValueError(f"image format {fmt!r} is not one of {IMAGE_FORMATS}")
    try:
        return (renderer or RENDERER).render(
            fig, fmt, width, height, 1 if fmt == "svg" else PNG_SCALE
        )
    except NewsprismError as exc:
        raise NewsprismError(
            fmt,
            f"static export needs Chromium ({exc.message}): install it (apt-get install "
            "chromium) or set NEWSPRISM_CHROMIUM; HTML export works without it",
        ) from exc
    except Exception as exc:  # kaleido reports a broken browser with assorted exception types
        raise NewsprismError(fmt, f"static export failed in Chromium: {exc}") from exc


def close_renderer() -> None:
    """Close the shared browser (tests, or a long-lived app freeing memory)."""
    RENDERER.close()


# Cells a spreadsheet would run as formulas (CSV injection): quoted with a leading apostrophe.
FORMULA_START = r"^[=+\-@\t\r]"


def flat(frame: pl.DataFrame) -> pl.DataFrame:
    """Nested columns made text for CSV: lists joined with "; ", structs as JSON."""
    out = []
    for name, dtype in frame.schema.items():
        col = pl.col(name)
        if isinstance(dtype, pl.List):
            out.append(col.cast(pl.List(pl.String)).list.join("; ").alias(name))
        elif isinstance(dtype, pl.Struct):
            out.append(col.struct.json_encode().alias(name))
        elif isinstance(dtype, pl.Array | pl.Object):
            out.append(col.cast(pl.String).alias(name))
        else:
            out.append(col)
    return frame.select(out)


def table_csv(frame: pl.DataFrame, caption: str = "", bom: bool = False) -> bytes:
    """CSV bytes, UTF-8: one header line, then rows, read by any CSV reader with default options.
    A caption given is written as leading `# ` lines (opt-in: readers then need
    comment_prefix="#"); by default it goes beside the file (export writes FILE.txt).

    `bom=True` is the spreadsheet flavour: a byte-order mark so Excel reads accents right, and
    text cells that a spreadsheet would run as a formula prefixed with an apostrophe.
    """
    data = flat(frame)
    if bom:
        data = data.with_columns(
            pl.when(pl.col(c).str.contains(FORMULA_START))
            .then(pl.lit("'") + pl.col(c))
            .otherwise(pl.col(c))
            .alias(c)
            for c, t in data.schema.items()
            if t == pl.String
        )
    head = "".join(f"# {line}\n" for line in caption.splitlines() if line.strip())
    return (("\ufeff" if bom else "") + head + data.write_csv(None)).encode("utf-8")


def table_parquet(frame: pl.DataFrame, caption: str = "") -> bytes:
    """Parquet bytes (zstd); the caption travels in the file's key-value metadata."""
    buf = io.BytesIO()
    meta = {"newsprism.caption": caption, "newsprism.version": tool_version()}
    frame.write_parquet(buf, compression="zstd", metadata=meta)
    return buf.getvalue()


def corpus_line(an: Analysis) -> str:
    """The corpus a chart was drawn from, for its caption: size, inputs, when analysed."""
    m = an.manifest
    n = m.get("counts", {}).get("articles", 0)
    names = [Path(str(p)).name or str(p) for p in m.get("inputs", [])]
    source = ", ".join(names[:3]) + (f" +{len(names) - 3} more" if len(names) > 3 else "")
    when = str(m.get("created", ""))[:10]
    parts = [f"corpus: {n} article{'s' if n != 1 else ''}"]
    if source:
        parts.append(f"from {source}")
    if when:
        parts.append(f"analysed {when}")
    return " ".join(parts)


def labels(an: Analysis) -> tuple[dict[str, str], dict[str, str]]:
    """Entity and story labels by id, for captions."""
    ents = an.scan("entities").select("entity_id", "label").collect()
    stories = an.scan("stories").select("story_id", "label").collect()
    return (
        dict(zip(ents["entity_id"], ents["label"], strict=True)),
        dict(zip(stories["story_id"], stories["label"], strict=True)),
    )


def caption(an: Analysis, f: Filters) -> str:
    """Filters in force and the corpus, one line: written into every exported chart and table."""
    return f"{f.describe(*labels(an))} · {corpus_line(an)}"


def chart_names() -> list[str]:
    """Registered views that draw a chart (every view exports its table)."""
    return [name for name, v in views.VIEWS.items() if v.chart is not None]


def view_figure(
    an: Analysis, name: str, f: Filters, opts: Opts | None = None
) -> tuple[go.Figure | None, pl.DataFrame, str]:
    """A registered view's figure (None for a table view), its frame and its caption, for the
    filters and the view's options (checked against the registry; defaults for those not given)."""
    view = views.view(name)
    values = view.opts(opts, an)
    frame = view.table(an, f, values)
    cap = caption(an, f) + _options_line(view, values)
    return view.figure(an, f, frame, cap, values), frame, cap


def _options_line(view: views.View, values: Opts) -> str:
    """The options in force, for the caption (the default of a view that picks one is left out)."""
    said = [
        f"{o.label.lower()}: {values[o.name]}"
        for o in view.options
        # a story is named by the filters' sentence already
        if values.get(o.name) and o.name not in view_options.SHARED_FLAGS
    ]
    return f" · {', '.join(said)}" if said else ""


def export_view(
    an: Analysis,
    name: str,
    fmt: str,
    f: Filters,
    *,
    opts: Opts | None = None,
    bom: bool = False,
    caption_line: bool = False,
) -> bytes:
    """One registered view in one format, as bytes: what `newsprism export` writes. A CSV is
    plain unless `caption_line` puts the caption in `# ` lines at its top."""
    if fmt not in FORMATS:
        raise NewsprismError(fmt, f"unknown format; use one of {', '.join(FORMATS)}")
    fig, frame, cap = view_figure(an, name, f, opts)
    if fmt == "csv":
        return table_csv(frame, cap if caption_line else "", bom)
    if fmt == "parquet":
        return table_parquet(frame, cap)
    if fig is None:
        raise NewsprismError(name, "is a table, not a chart; use --format csv or parquet")
    if fmt == "html":
        return figure_html(fig, name=name)
    return figure_image(fig, fmt)


def filters_from_args(an: Analysis, args: argparse.Namespace) -> Filters:
    """The CLI's filter options checked against the analysis (an actor by id, label or alias)."""
    arts = an.scan("articles").select("language", "source", "story_id").collect()
    languages = _known("--lang", args.lang, set(arts["language"].drop_nulls()))
    outlets = _known("--outlet", args.outlet, set(arts["source"].drop_nulls()))
    story = None
    if args.story:
        stories = set(an.scan("stories").select("story_id").collect()["story_id"])
        story = _known("--story", [args.story], stories | set(arts["story_id"].drop_nulls()))[0]
    start, end = _day("--from", args.date_from), _day("--to", args.date_to)
    if start and end and start > end:
        raise NewsprismError("--from/--to", f"{start} is after {end}")
    return Filters(
        languages=languages,
        outlets=outlets,
        actors=tuple(dict.fromkeys(_actor(an, e) for e in args.entity)),
        story=story,
        date_from=start,
        date_to=end,
    )


def _known(option: str, values: Sequence[str], known: set[str]) -> tuple[str, ...]:
    bad = [v for v in values if v not in known]
    if bad:
        listed = ", ".join(sorted(known)[:12]) + (" ..." if len(known) > 12 else "")
        raise NewsprismError(
            f"{option} {bad[0]}", f"not in this analysis (it has: {listed or 'none'})"
        )
    return tuple(dict.fromkeys(values))


def _day(option: str, value: str | None) -> date | None:
    if not value:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise NewsprismError(f"{option} {value}", "not a date; use YYYY-MM-DD") from None


def _actor(an: Analysis, wanted: str) -> str:
    ents = an.scan("entities").select("entity_id", "label", "aliases").collect()
    if wanted in set(ents["entity_id"]):
        return wanted
    key = wanted.casefold()
    hits = ents.filter(
        (pl.col("label").str.to_lowercase() == key)
        | pl.col("aliases").list.eval(pl.element().str.to_lowercase()).list.contains(key)
    )["entity_id"].to_list()
    if len(hits) == 1:
        return str(hits[0])
    if hits:
        raise NewsprismError(f"--entity {wanted}", f"ambiguous; use an id: {', '.join(hits[:8])}")
    raise NewsprismError(f"--entity {wanted}", "no actor with that id, label or alias")


def list_views() -> str:
    """One line per registered view: name, chart or table, the page showing it, its title and
    formats; then its options with their allowed values and default."""
    rows = []
    for name, v in views.VIEWS.items():
        kind = "chart" if v.chart else "table"
        formats = FORMATS if v.chart else TABLE_FORMATS
        rows.append(f"{name:<18} {kind:<6} {v.page or '-':<9} {v.title}  [{' '.join(formats)}]")
        for o in v.options:
            allowed = "|".join(o.values) or ("an id of the analysis" if o.known else "text")
            default = f" (default {o.default})" if o.default else ""
            rows.append(f"{'':<18} --{o.name} {allowed}{default}")
    return "\n".join(rows)


def options_from_args(view: views.View, args: argparse.Namespace) -> dict[str, str | None]:
    """The view options given on the command line (--every week...); --story, a filter too,
    counts only for views that show one story."""
    given = {o.name: getattr(args, o.name, None) for o in view_options.OPTIONS}
    if not any(o.name == "story" for o in view.options):
        given.pop("story", None)
    return given


def cli_export(args: argparse.Namespace) -> int:
    """`newsprism export DIR --chart NAME --format F --out FILE [filters] [options]`, or
    `--list`."""
    if args.list:
        print(list_views())
        return 0
    if not args.dir:
        raise NewsprismError(
            "export", "give the analysis folder: newsprism export DIR --chart NAME"
        )
    if not args.chart:
        raise NewsprismError("export", "give --chart NAME (newsprism export --list shows them)")
    view = views.view(args.chart)
    given = options_from_args(view, args)
    view.opts(given)  # a value outside the declared ones fails before the analysis is read
    fmt = args.format or (Path(args.out).suffix.lstrip(".").lower() if args.out else "")
    if fmt not in FORMATS:
        raise NewsprismError("--format", f"give one of {', '.join(FORMATS)}")
    an = Analysis.open(Path(args.dir))
    filters = filters_from_args(an, args)
    with_line = bool(getattr(args, "caption", False))
    data = export_view(an, args.chart, fmt, filters, opts=given, caption_line=with_line)
    out = Path(args.out or f"newsprism-{args.chart}.{fmt}")
    atomic.write_bytes(out, data)
    print(f"{out}: {args.chart} as {fmt} ({len(data):,} bytes)", file=sys.stderr)
    if fmt == "csv" and not with_line:
        # the filters and corpus the table was made from go beside it, not into it
        sidecar = out.with_name(out.name + ".txt")
        cap = caption(an, filters) + _options_line(view, view.opts(given, an))
        atomic.write_bytes(sidecar, (cap + "\n").encode("utf-8"))
        print(f"{sidecar}: what the table shows (filters, corpus)", file=sys.stderr)
    return 0


def evidence(
    an: Analysis, view: str, point: dict[str, Any], filters: Filters, opts: Opts | None = None
) -> pl.DataFrame:
    """The rows behind a selected point of a registered chart (see dashboard/views/evidence.py)."""
    return views.evidence_rows(an, view, point, filters, opts)
