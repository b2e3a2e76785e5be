"""Work counted, not timed: the machine instructions newsprism's steps take for a sample of real
articles, under valgrind's callgrind.

On a shared machine seconds cannot judge a change of a few percent: the same one-worker `analyze`
of the interleaved corpus took 19-27 s from one run to the next (session 26), and eight runs of a
change in turn with eight of the code before it can all come out faster, then ten more split six
to four the other way. Callgrind counts the instructions a process executes, whatever else the
machine is doing: the same program on the same input gives the same count to within ~0.5% (the
hash seed fixed, polars on one thread). Instructions are not seconds (a cache miss costs none, so
a change of memory layout shows here only as the work it adds or saves), so this judges a change
of the work the code does; the floors are seconds, and `bench_mixed` measures them.

Each count runs in a fresh process under callgrind, after one run outside it has filled the disk
caches (per-language data, bytecode), as a user's second run would find them:

- start: the imports and loading the sample's files (`ingest.load`);
- enrich: start, then the per-article steps over the sample (`step_table.enrich`: normalise,
  language, mentions, dates);
- analyze: the imports and `pipeline.analyze` of the sample on one worker, every step and the
  writing of the tables.

The steps' work is a count less the start's: the imports and the loading are left out, the
per-language data the steps read and their first look-ups of each word are in. Under callgrind a
process runs ~50 times slower: 200 articles take a few minutes.

    python -m dashboard.bench.bench_count --articles 200 [--analyze] [--json FILE]

Nothing here asserts on a count.
"""

from __future__ import annotations

import json
import os
import random
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

from dashboard.bench import bench_mixed
from dashboard.evaluation import benchdata

SEED = 26
"""The sample's seed: the same articles in every count, so that two counts compare."""

ENV = {"PYTHONHASHSEED": "0", "POLARS_MAX_THREADS": "1"}
"""A fixed hash seed (set and dict orders, and so the work they cause) and one polars thread."""

_CHILD = """\
import sys
from pathlib import Path
from dashboard.ingest import ingest
from dashboard.pipeline import pipeline, step_table
what, folder, out = sys.argv[1:4]
if what == "analyze":
    pipeline.analyze([Path(folder)], Path(out), pipeline.RunOptions(workers=1))
else:
    articles = ingest.load([Path(folder)]).articles
    if what == "enrich":
        step_table.enrich(articles)
"""
"""The counted program: what it runs after its imports (start, enrich or analyze)."""

_TOTAL = re.compile(r"^(?:summary|totals):\s*(\d+)", re.MULTILINE)


class CannotCount(RuntimeError):
    """Nothing can be counted: valgrind is not installed, or there are no real texts to count on."""


def sample(articles: int, seed: int = SEED) -> list[tuple[str, str]]:
    """(file name, text) of `articles` texts of the interleaved real corpus (bench_mixed's), drawn
    with `seed`: the texts of every language in no order of language."""
    named = bench_mixed._named(bench_mixed.real_corpus(), interleaved=True)
    return random.Random(seed).sample(named, min(articles, len(named)))


def instructions(command: list[str], env: dict[str, str] | None = None) -> int:
    """The instructions `command` executes (its own process, not its children), counted by
    callgrind."""
    valgrind = _valgrind()
    with tempfile.TemporaryDirectory(prefix="newsprism-count-") as folder:
        out = Path(folder) / "callgrind.out"
        subprocess.run(
            [valgrind, "--tool=callgrind", f"--callgrind-out-file={out}", *command],
            env={**os.environ, **(env or {})},
            capture_output=True,
            check=True,
        )
        return parse_total(out.read_text(encoding="utf-8", errors="replace"))


def _valgrind() -> str:
    """valgrind's path (CannotCount when it is not installed)."""
    found = shutil.which("valgrind")
    if found is None:
        raise CannotCount("valgrind is not installed (Debian: apt-get install valgrind)")
    return found


def parse_total(callgrind_out: str) -> int:
    """The instruction total of a callgrind output file (its summary or totals line)."""
    found = _TOTAL.search(callgrind_out)
    if found is None:
        raise ValueError("no summary or totals line in callgrind's output")
    return int(found.group(1))


def count(articles: int = 200, *, analyze: bool = False, seed: int = SEED) -> dict[str, Any]:
    """Instructions of the start, the per-article steps and (with `analyze`) the whole analysis
    of a sample of `articles` real texts; a report for `render`."""
    _valgrind()  # before any work
    texts = sample(articles, seed)
    if not texts:
        raise CannotCount(
            f"no real texts to count on: the shared bench data is not in {benchdata.default_root()}"
        )
    cases = ["start", "enrich", *(["analyze"] if analyze else [])]
    counts: dict[str, int] = {}
    with tempfile.TemporaryDirectory(prefix="newsprism-count-") as root:
        folder, out = Path(root) / "corpus", Path(root) / "out"
        folder.mkdir()
        for name, text in texts:
            (folder / f"{name}.txt").write_text(text, encoding="utf-8")

        def command(case: str) -> list[str]:
            return [sys.executable, "-c", _CHILD, case, str(folder), str(out)]

        # once outside callgrind, the widest case: the disk caches filled for every count, as a
        # user's second run finds them
        subprocess.run(
            command(cases[-1]), env={**os.environ, **ENV}, capture_output=True, check=True
        )
        for case in cases:
            shutil.rmtree(out, ignore_errors=True)
            counts[case] = instructions(command(case), ENV)
    steps = {case: counts[case] - counts["start"] for case in cases if case != "start"}
    return {
        "articles": len(texts),
        "seed": seed,
        "characters": sum(len(text) for _, text in texts),
        "instructions": counts,
        "steps": steps,
        "per_article": {case: n / max(1, len(texts)) for case, n in steps.items()},
    }


def render(report: dict[str, Any]) -> list[str]:
    """The report's lines: the counts, in millions of instructions."""
    n = report["articles"]
    lines = [
        f"instructions (callgrind) for {n} real articles of the interleaved corpus "
        f"(seed {report['seed']}, {report['characters']:,} characters):",
        f"  start (imports, loading the files): {report['instructions']['start'] / 1e6:,.0f} M",
    ]
    for case, steps in report["steps"].items():
        what = "per-article steps" if case == "enrich" else "analyze, every step and the writing"
        lines.append(
            f"  {what}: {steps / 1e6:,.0f} M ({report['per_article'][case] / 1e6:,.1f} M an "
            f"article, {steps / report['characters']:,.0f} a character)"
        )
    return lines


def main(argv: list[str] | None = None) -> int:
    """`python -m dashboard.bench.bench_count`: instructions of newsprism's steps on a sample."""
    import argparse

    parser = argparse.ArgumentParser(
        prog="python -m dashboard.bench.bench_count", description=main.__doc__
    )
    parser.add_argument("--articles", type=int, default=200, help="texts in the sample")
    parser.add_argument("--seed", type=int, default=SEED, help="the sample's seed")
    parser.add_argument("--analyze", action="store_true", help="count a whole analyze too")
    parser.add_argument("--json", help="write the counts as JSON here")
    args = parser.parse_args(argv)
    try:
        report = count(args.articles, analyze=args.analyze, seed=args.seed)
    except CannotCount as exc:
        print(f"bench_count: {exc}", file=sys.stderr)
        return 2
    except subprocess.CalledProcessError as exc:
        said = (exc.stderr or b"").decode("utf-8", "replace").strip().splitlines()[-5:]
        print(
            f"bench_count: a counted run failed ({exc.returncode}):",
            *said,
            sep="\n  ",
            file=sys.stderr,
        )
        return 1
    print("\n".join(render(report)), flush=True)
    if args.json:
        Path(args.json).write_text(json.dumps(report, indent=2), encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
