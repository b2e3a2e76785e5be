"""`python -m dashboard.bench.bench_pages`: how long each page of the dashboard takes to draw, in
Chromium, against the real app server, on the seeds and on N synthetic articles.

A page's time runs from navigation (the browser's time origin) to the moment the page is idle
and drawn: Streamlit's script state is `notRunning`, no spinner is left, every plotly chart has
its SVG and every table its canvas. Each page is opened once cold (its first visit after the
server started: caches empty) and then `--repeats` times more, each a new session, as another
analyst opening the same link would. The report gives the cold time and the median and p95 of
the warm visits per page. A benchmark prints numbers; nothing here asserts on time, and on a
shared machine the numbers are noisy.

The analyses are built once and kept (default ~/.cache/newsprism/bench-pages): the seeds, and
N articles made by dashboard.bench.corpus_synth and analysed by the real pipeline.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
PAGES = (
    "",
    "overview",
    "articles",
    "load",
    "timeline",
    "entities",
    "compare",
    "versus",
    "side-by-side",
    "translation",
)
"""Every address of dashboard/app/app.py ("" is the default page, served at /)."""
CHROMIUM = "/usr/bin/chromium"
REPEATS = 5
TIMEOUT_S = 120.0

# true (the ms since navigation) once the page is idle and everything on it is drawn
DRAWN_JS = """() => {
  const app = document.querySelector('[data-testid="stApp"]');
  if (!app || app.getAttribute('data-test-script-state') !== 'notRunning') return false;
  if (document.querySelector('[data-testid="stSpinner"], [data-testid="stSkeleton"]')) return false;
  if (!document.querySelector('[data-testid="stMain"] h1')) return false;
  const shown = (e) => e.checkVisibility();  // a table in a closed expander is never drawn
  for (const c of document.querySelectorAll('[data-testid="stPlotlyChart"]'))
    if (shown(c) && !c.querySelector('.main-svg')) return false;
  for (const t of document.querySelectorAll('[data-testid="stDataFrame"]'))
    if (shown(t) && !t.querySelector('canvas')) return false;
  return performance.now();
}"""
# what the page shows now: the drawn time (false while not drawn) and how many elements it has
STATE_JS = (
    "() => [(" + DRAWN_JS + ")(), "
    "document.querySelectorAll('[data-testid=\"stElementContainer\"]').length]"
)
QUIET_MS = 600.0
"""A page counts as drawn once it stays drawn, with no element added, this long: a run that
ends and starts again (a rerun the page asks for) is waited out."""


def default_cache() -> Path:
    """Where built analyses are kept between runs ($XDG_CACHE_HOME or ~/.cache)."""
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "newsprism" / "bench-pages"


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="python -m dashboard.bench.bench_pages",
        description="Time every dashboard page in Chromium, navigation to last chart drawn.",
    )
    p.add_argument(
        "--articles", type=int, default=10_000, help="synthetic articles (0: the seeds only)"
    )
    p.add_argument("--repeats", type=int, default=REPEATS, help="warm visits per page")
    p.add_argument("--no-seeds", action="store_true", help="skip the seeds' analysis")
    p.add_argument("--pages", help="comma-separated addresses (default: every page)")
    p.add_argument("--json", help="also write the report to this file")
    p.add_argument("--cache", help=f"folder for built analyses (default {default_cache()})")
    p.add_argument("--rebuild", action="store_true", help="build the analyses again")
    p.add_argument("--chromium", default=CHROMIUM, help="the Chromium binary")
    p.add_argument(
        "--code",
        help="serve the app from this newsprism checkout (e.g. an older commit, to compare)",
    )
    return p


def check_args(args: argparse.Namespace) -> list[str]:
    """The pages to time, or SystemExit with one line saying what is wrong."""
    if args.articles < 0 or args.repeats < 1:
        raise SystemExit("bench_pages: --articles must be >= 0 and --repeats >= 1")
    if args.no_seeds and args.articles == 0:
        raise SystemExit("bench_pages: nothing to time (--no-seeds with --articles 0)")
    if args.code and not (Path(args.code) / "dashboard" / "app" / "app.py").is_file():
        raise SystemExit(
            f"bench_pages: {args.code} is not a newsprism checkout (no dashboard/app/app.py)"
        )
    asked = [p.strip().strip("/") for p in (args.pages or "").split(",") if p.strip()]
    # "home" (as the report names it) is the default page, served at /
    pages = [("" if p == "home" else p) for p in asked] or list(PAGES)
    unknown = [p for p in pages if p not in PAGES]
    if unknown:
        raise SystemExit(
            f"bench_pages: no such page {', '.join(unknown)}; pages: "
            + ", ".join(p or "(home)" for p in PAGES)
        )
    return pages


def _usable(path: Path) -> bool:
    from dashboard.store import store

    try:
        store.Analysis.open(path)
    except Exception:  # an older contract or a half-written folder: built again
        return False
    return True


def analysis_for(n: int, cache: Path, rebuild: bool = False) -> Path:
    """The analysis of the seeds (n=0) or of n synthetic articles, built once into `cache`."""
    from dashboard.bench import corpus_synth
    from dashboard.pipeline import pipeline
    from dashboard.schema import CONTRACT_VERSION

    name = "seeds" if n == 0 else f"synth-{n}"
    folder = cache / f"{name}-contract{CONTRACT_VERSION}"
    out = folder / "analysis"
    if not rebuild and _usable(out):
        return out
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    if n == 0:
        inputs = corpus_synth.SEEDS
    else:
        inputs = folder / "corpus"
        corpus_synth.write_corpus(corpus_synth.corpus(n), inputs)
    print(f"bench_pages: analysing {name} into {out} ...", file=sys.stderr, flush=True)
    started = time.perf_counter()
    pipeline.analyze([inputs], out, pipeline.RunOptions())
    print(f"bench_pages: analysed in {time.perf_counter() - started:.0f} s", file=sys.stderr)
    return out


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextlib.contextmanager
def serve(analysis: Path, log: Path, code: Path = ROOT) -> Iterator[str]:
    """`newsprism app ANALYSIS --headless` on a free port, run from the checkout `code`;
    yields its address, stops it after."""
    port = _free_port()
    env = dict(os.environ)
    # that checkout's code, whichever newsprism is installed
    env["PYTHONPATH"] = os.pathsep.join(p for p in (str(code), env.get("PYTHONPATH")) if p)
    cmd = [sys.executable, "-m", "dashboard.cli", "app", str(analysis)]
    with log.open("w") as out:
        proc = subprocess.Popen(
            [*cmd, "--port", str(port), "--headless"],
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    url = f"http://127.0.0.1:{port}"
    try:
        _wait_healthy(proc, url, log)
        yield url
    finally:
        proc.terminate()
        try:
            proc.wait(15)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def _wait_healthy(proc: subprocess.Popen[bytes], url: str, log: Path) -> None:
    deadline = time.monotonic() + TIMEOUT_S
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise SystemExit(f"bench_pages: the app exited: {log.read_text()[-1500:]}")
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2):
                return
        except OSError:
            time.sleep(0.3)
    raise SystemExit(f"bench_pages: the app did not answer at {url}")


def visit(page: Any, url: str, timeout_s: float = TIMEOUT_S) -> float | None:
    """Open `url` in a fresh session; ms from navigation until the page is idle and drawn,
    None when it is not drawn within `timeout_s`."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    page.goto(url, wait_until="commit")
    try:
        page.wait_for_function(DRAWN_JS, polling=50, timeout=timeout_s * 1000)
    except PlaywrightTimeout:
        return None
    deadline = time.monotonic() + timeout_s
    since: float | None = None  # browser ms when the page became drawn with `count` elements
    count = -1
    while time.monotonic() < deadline:
        drawn, elements = page.evaluate(STATE_JS)
        if drawn is False or elements != count:
            since, count = (None if drawn is False else float(drawn)), elements
        elif since is not None and float(drawn) - since >= QUIET_MS:
            return since
        time.sleep(0.05)
    return None


def time_pages(
    url: str, pages: list[str], repeats: int, chromium: str
) -> dict[str, list[float | None]]:
    """page -> [cold ms, warm ms...]: each page opened cold once, then `repeats` times (None:
    not drawn within the timeout)."""
    from playwright.sync_api import sync_playwright

    samples: dict[str, list[float | None]] = {}
    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=chromium,
            headless=True,
            args=["--no-sandbox", "--disable-background-networking", "--disable-gpu"],
        )
        context = browser.new_context(viewport={"width": 1440, "height": 1000})
        tab = context.new_page()
        # the server's first session imports the app's modules: not any page's time
        visit(tab, f"{url}/load")
        for name in pages:
            samples[name] = [visit(tab, f"{url}/{name}") for _ in range(repeats + 1)]
            print(
                f"bench_pages:   /{name:<13} "
                + " ".join("timeout" if ms is None else f"{ms:,.0f}" for ms in samples[name]),
                file=sys.stderr,
                flush=True,
            )
        browser.close()
    return samples


def percentile(values: list[float], q: float) -> float:
    """Nearest-rank percentile (q in 0..1) of a non-empty list."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(q * (len(ordered) - 1))))]


def summarise(samples: dict[str, list[float | None]]) -> dict[str, dict[str, Any]]:
    """page -> cold_ms (first visit), median_ms and p95_ms of the warm visits, worst_ms, and
    the visits not drawn within the timeout (left out of the numbers; None when all were)."""
    out: dict[str, dict[str, Any]] = {}
    for name, runs in samples.items():
        drawn = [ms for ms in runs if ms is not None]
        warm = [ms for ms in runs[1:] if ms is not None] or drawn
        out[name or "home"] = {
            "cold_ms": runs[0] if runs else None,
            "median_ms": percentile(warm, 0.5) if warm else None,
            "p95_ms": percentile(warm, 0.95) if warm else None,
            "worst_ms": max(drawn) if drawn else None,
            "visits": len(runs),
            "timeouts": len(runs) - len(drawn),
        }
    return out


def _ms(value: float | None, width: int) -> str:
    return f"{'timeout':>{width}}" if value is None else f"{value:>{width},.0f}"


def render(report: dict[str, Any]) -> list[str]:
    """The report as printed lines: one table per analysis."""
    lines = []
    for label, part in report["analyses"].items():
        lines += [
            "",
            f"pages on {label} ({part['articles']:,} articles), navigation to last chart drawn "
            f"(1 cold + {report['repeats']} warm visits, {report['cores']} cores, shared: noisy)",
            f"{'page':<14}{'cold ms':>9}{'median ms':>11}{'p95 ms':>9}",
        ]
        for name, s in part["pages"].items():
            late = f"  ({s['timeouts']} not drawn in {TIMEOUT_S:.0f} s)" if s["timeouts"] else ""
            lines.append(
                f"{'/' + name:<14}{_ms(s['cold_ms'], 9)}{_ms(s['median_ms'], 11)}"
                f"{_ms(s['p95_ms'], 9)}{late}"
            )
    return lines


def run(args: argparse.Namespace) -> dict[str, Any]:
    """Build (or reuse) the analyses, serve each, time every page; the report as a dict."""
    pages = check_args(args)
    cache = Path(args.cache) if args.cache else default_cache()
    cache.mkdir(parents=True, exist_ok=True)
    sizes = ([] if args.no_seeds else [0]) + ([args.articles] if args.articles else [])
    report: dict[str, Any] = {
        "code": str(Path(args.code).resolve() if args.code else ROOT),
        "repeats": args.repeats,
        "cores": os.cpu_count(),
        "measure": "ms from navigation until idle, no spinner, every chart and table drawn",
        "analyses": {},
    }
    for n in sizes:
        analysis = analysis_for(n, cache, args.rebuild)
        label = "seeds" if n == 0 else f"{n:,} synthetic articles"
        print(f"bench_pages: timing pages on {label}", file=sys.stderr, flush=True)
        code = Path(args.code).resolve() if args.code else ROOT
        with serve(analysis, cache / f"server-{n}.log", code) as url:
            samples = time_pages(url, pages, args.repeats, args.chromium)
        from dashboard.store import store

        total = store.Analysis.open(analysis).manifest.get("counts", {}).get("articles", n)
        report["analyses"]["seeds" if n == 0 else f"n{n}"] = {
            "articles": total,
            "analysis": str(analysis),
            "pages": summarise(samples),
            "samples_ms": {k or "home": v for k, v in samples.items()},
        }
    return report


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    report = run(args)
    print("\n".join(render(report)))
    if args.json:
        Path(args.json).write_text(json.dumps(report, indent=2), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
