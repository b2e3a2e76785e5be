"""newsprism's command line: the same pipeline the app runs.

Problems the user can cause print one line each on stderr (`origin: reason`) and exit with
status 2; the good inputs are still analysed. Anything else is a bug and shows as one.
"""

from __future__ import annotations

import argparse
import os
import socket
import subprocess
import sys
import time
from collections.abc import Sequence
from pathlib import Path

from dashboard.errors import NewsprismError

EXIT_BAD_INPUT = 2


def _analyze(args: argparse.Namespace) -> int:
    from dashboard.pipeline import pipeline

    translator = None
    if args.translate:
        from dashboard.translate import translate

        translator = translate.TranslatorConfig(
            provider=args.translate, target=args.target, url=args.translator_url
        )
    options = pipeline.RunOptions(translator=translator, recluster=args.recluster)
    if args.workers:
        options.workers = args.workers
    if args.engine == "ray":
        from dashboard.pipeline import engine_ray

        result = engine_ray.analyze(args.paths, Path(args.out), options, address=args.ray_address)
    else:
        result = pipeline.analyze(args.paths, Path(args.out), options)
    for problem in result.problems:
        print(str(problem), file=sys.stderr)
    counts = result.manifest["counts"]
    print(
        f"{args.out}: {counts['articles']} articles ({result.new_articles} new), "
        f"{counts['paragraphs']} paragraphs, {counts['entities']} actors, "
        f"{counts['dates']} dates, {counts['stories']} stories"
    )
    finish = (result.manifest.get("state") or {}).get("finish")
    if finish == "add":
        print("actors and stories: new articles added to the stored ones (--recluster redoes all)")
    elif finish == "full":
        print("actors and stories: made over every article")
    print(result.translation_note)
    rejected = [p for p in result.problems if p.severity == "error"]
    return EXIT_BAD_INPUT if rejected else 0


LOOPBACK = "127.0.0.1"
WILDCARDS = ("0.0.0.0", "::")  # what an operator passes to share on a network


def server_options(args: argparse.Namespace, env: dict[str, str]) -> list[str]:
    """Streamlit options for `newsprism app`: only what the user asked for or what Streamlit's
    own config and environment leave unsaid. Loopback unless an address is given; headless
    (no prompt, no browser) unless --browser, or a terminal with a display is there; no
    outside request at start (no usage statistics, no external-address lookup)."""
    options = ["--browser.gatherUsageStats", "false"]
    if args.port:
        options += ["--server.port", str(args.port)]
    address = args.address or ("" if "STREAMLIT_SERVER_ADDRESS" in env else LOOPBACK)
    if address:
        options += ["--server.address", address]
    if (address or env.get("STREAMLIT_SERVER_ADDRESS")) in WILDCARDS and (
        "STREAMLIT_BROWSER_SERVER_ADDRESS" not in env
    ):
        # a named address: Streamlit then prints it instead of asking the internet for ours
        options += ["--browser.serverAddress", socket.gethostname()]
    if args.browser:
        options += ["--server.headless", "false"]
    elif args.headless:
        options += ["--server.headless", "true"]
    elif "STREAMLIT_SERVER_HEADLESS" not in env:
        interactive = sys.stdin.isatty() and bool(env.get("DISPLAY") or env.get("WAYLAND_DISPLAY"))
        options += ["--server.headless", "false" if interactive else "true"]
    return options


def translation_env(env: dict[str, str], allow_user_endpoints: bool) -> dict[str, str]:
    """The app's environment with the translation opt-in set only by `--allow-user-endpoints`:
    without it browser users pick among the operator's servers, whatever the shell exported."""
    from dashboard.translate import providers

    out = {k: v for k, v in env.items() if k != providers.USER_ENDPOINTS_ENV}
    if allow_user_endpoints:
        out[providers.USER_ENDPOINTS_ENV] = "1"
    return out


def _app(args: argparse.Namespace) -> int:
    from dashboard.pipeline import pipeline
    from dashboard.store import store, workspace

    target = Path(args.dir) if args.dir else Path("seeds")
    data_dirs = [Path(d).resolve() for d in args.data_dir]
    if target.suffix == ".zip" and target.is_file():
        from dashboard.views import bundle

        analysis = bundle.open_bundle(target, workspace.home() / "bundles")
    elif store.is_analysis(target):
        analysis = target
    elif target.exists():
        analysis = workspace.analysis_dir_for(target)
        print(f"analysing {target} into {analysis} ...", file=sys.stderr)
        result = pipeline.analyze([target], analysis)
        for problem in result.problems:
            print(str(problem), file=sys.stderr)
        if target.is_dir():
            data_dirs.append(target.resolve())
    else:
        raise NewsprismError(str(target), "no such folder, file, analysis or bundle")
    env = dict(os.environ)
    env[workspace.ENV_ANALYSIS] = str(analysis.resolve())
    env[workspace.ENV_DATA_DIRS] = os.pathsep.join(str(d) for d in data_dirs)
    env = translation_env(env, args.allow_user_endpoints)
    app_py = Path(__file__).resolve().parent / "app" / "app.py"
    cmd = [sys.executable, "-m", "streamlit", "run", str(app_py), *server_options(args, env)]
    port = args.port or env.get("STREAMLIT_SERVER_PORT") or 8501
    address = args.address or env.get("STREAMLIT_SERVER_ADDRESS") or LOOPBACK
    if address in WILDCARDS:
        print(
            f"newsprism: listening on every network interface, port {port}: anyone who can reach "
            "this machine can use the dashboard, read the analysis and load files from the data "
            "folders (never other server paths); translation keys stay on this machine",
            file=sys.stderr,
            flush=True,
        )
    shown = "localhost" if address in (LOOPBACK, *WILDCARDS) else address
    print(f"newsprism: http://{shown}:{port}", file=sys.stderr, flush=True)
    # Streamlit reads ./.streamlit/config.toml: the one shipped in the package, installed or not
    root = Path(__file__).resolve().parent / "serve"
    if os.name == "posix":
        # the server takes this process's place: stopping `newsprism app` (a service manager's
        # SIGTERM, a test's terminate) stops the server instead of orphaning it
        sys.stdout.flush()
        os.chdir(root)
        os.execve(sys.executable, cmd, env)
    return subprocess.call(cmd, env=env, cwd=root)


def _eval(args: argparse.Namespace) -> int:
    from dashboard.evaluation import benchdata

    if args.bench:
        # every evaluation reads the bench folder through benchdata.default_root()
        os.environ["NEWSPRISM_BENCH"] = args.bench
    root = benchdata.default_root()
    if not root.is_dir() and not (args.what == "parallel" and args.dir):
        raise NewsprismError(str(root), "evaluation data not found (give --bench FOLDER)")
    status = 0
    if args.what in ("all", "language"):
        from dashboard.evaluation import eval_language

        status = max(status, eval_language.main(root))
    if args.what in ("all", "entities"):
        from dashboard.evaluation import eval_entities

        eval_entities.main()
    if args.what in ("all", "stories"):
        from dashboard.evaluation import benchdata, eval_stories, eval_story_gold

        eval_story_gold.main(root or benchdata.default_root())  # the ntrex_dev story gold first
        eval_stories.main(root)
    if args.what in ("all", "dates"):
        from dashboard.evaluation import eval_dates

        eval_dates.main(root)
    if args.what in ("all", "parallel"):
        from dashboard.evaluation import eval_parallel

        corpus = Path(args.dir) if args.dir else None
        if corpus is not None and not corpus.is_dir():
            raise NewsprismError(str(corpus), "not a folder (give one folder per language)")
        eval_parallel.main(root, corpus, args.pivot)
    return status


def _cache(args: argparse.Namespace) -> int:
    from dashboard.translate import translate

    path = Path(args.cache) if args.cache else None
    if args.action == "stats":
        stats = translate.cache_stats(path)
        for key, value in stats.items():
            print(f"{key}: {value}")
    else:
        removed = translate.cache_clear(path, provider=args.provider)
        print(f"removed {removed} cached translations")
    return 0


def _prepare(args: argparse.Namespace) -> int:
    from dashboard.steps import prepare

    codes = [c.strip() for c in (args.languages or "").split(",") if c.strip()]
    started = time.perf_counter()
    prepare.prepare(codes or None)
    print(f"ready in {time.perf_counter() - started:.1f} s")
    return 0


def _models(args: argparse.Namespace) -> int:
    from dashboard.translate import models

    if args.action == "add":
        if not args.what:
            raise NewsprismError("models add", "give the .argosmodel file or model folder")
        info = models.add_model(Path(args.what), args.source, args.target)
        print(f"added {info.name} ({info.source} -> {info.target}, version {info.version}, "
              f"{_size(info.size)}, from {info.origin})")  # fmt: skip
    elif args.action == "remove":
        if not args.what:
            raise NewsprismError("models remove", "give the model's name (see `models list`)")
        info = models.remove_model(args.what)
        print(f"removed {info.name}")
    else:
        installed = models.list_models()
        if not installed:
            print(f"no local models in {models.models_home()} (newsprism models add FILE)")
        for info in installed:
            print(f"{info.name}\t{info.source} -> {info.target}\tversion {info.version}\t"
                  f"{_size(info.size)}\t{info.kind}\tfrom {info.origin}")  # fmt: skip
    return 0


def _size(n: int) -> str:
    return f"{n / 1e6:.1f} MB" if n >= 1e5 else f"{n / 1e3:.0f} kB"


def _export(args: argparse.Namespace) -> int:
    from dashboard.views import export

    return export.cli_export(args)


def _bundle(args: argparse.Namespace) -> int:
    from dashboard.views import bundle

    return bundle.cli_bundle(args)


def _bench(args: argparse.Namespace) -> int:
    from dashboard.bench import bench

    return bench.main(args)


def add_filter_options(p: argparse.ArgumentParser) -> None:
    """The app's filters as options (export and bundle share them)."""
    p.add_argument("--lang", action="append", default=[], help="language code (repeatable)")
    p.add_argument("--outlet", action="append", default=[], help="outlet (repeatable)")
    p.add_argument("--entity", action="append", default=[], help="actor id or label (repeatable)")
    p.add_argument("--story", help="story id")
    p.add_argument("--from", dest="date_from", help="first publication date YYYY-MM-DD")
    p.add_argument("--to", dest="date_to", help="last publication date YYYY-MM-DD")


def add_view_options(p: argparse.ArgumentParser) -> None:
    """The views' own options as the pages offer them (--every week...), declared once in
    dashboard/views/view_options.py; values are checked against the view exported, not here."""
    from dashboard.views import view_options

    for o in view_options.OPTIONS:
        if o.name in view_options.SHARED_FLAGS:
            continue
        allowed = "|".join(o.values) or ("an id" if o.known else "text")
        p.add_argument(f"--{o.name}", metavar=allowed, help=f"{o.label.lower()} (views: --list)")


def parser() -> argparse.ArgumentParser:
    top = argparse.ArgumentParser(
        prog="newsprism", description="Follow one story across outlets and languages."
    )
    sub = top.add_subparsers(dest="command", required=True)

    p = sub.add_parser("analyze", help="analyse folders/files into a folder of Parquet tables")
    p.add_argument(
        "paths", nargs="+", help="folders, files (txt md html csv tsv jsonl parquet rss zip)"
    )
    p.add_argument(
        "--out", required=True, help="analysis folder to write (re-runs add only new files)"
    )
    p.add_argument("--target", default="en", help="pivot language for translation (default en)")
    p.add_argument(
        "--translate",
        metavar="PROVIDER",
        help="google, deepl, microsoft, libretranslate, mymemory, or local (models on this machine,"
        " see `newsprism models`)",
    )
    p.add_argument("--translator-url", help="LibreTranslate URL (self-hosted)")
    p.add_argument(
        "--workers", type=int, help="worker processes for enrichment (default: all cores)"
    )
    p.add_argument(
        "--recluster",
        action="store_true",
        help="redo linking, stories and alignments over every article instead of adding the new "
        "ones to the stored results (done anyway when new articles are over 20%% of the corpus)",
    )
    p.add_argument("--engine", choices=("local", "ray"), default="local")
    p.add_argument("--ray-address", help="Ray cluster address (default: a local Ray instance)")
    p.set_defaults(run=_analyze)

    p = sub.add_parser("app", help="open the dashboard on an analysis, a corpus folder or a bundle")
    p.add_argument(
        "dir", nargs="?", help="analysis folder, corpus folder/file or bundle .zip (default seeds)"
    )
    p.add_argument(
        "--port", type=int, help="port (default: Streamlit's setting, STREAMLIT_SERVER_PORT, 8501)"
    )
    p.add_argument(
        "--address",
        help="address to listen on (default 127.0.0.1, or STREAMLIT_SERVER_ADDRESS); "
        "0.0.0.0 shares the dashboard on the network",
    )
    p.add_argument(
        "--data-dir", action="append", default=[], help="folder browser users may load from"
    )
    p.add_argument("--headless", action="store_true", help="never open a browser")
    p.add_argument("--browser", action="store_true", help="open a browser")
    p.add_argument(
        "--allow-user-endpoints",
        action="store_true",
        help="let browser users type a LibreTranslate address of their own (no key is sent to it)",
    )
    p.set_defaults(run=_app)

    p = sub.add_parser("export", help="export one chart or table of an analysis")
    p.add_argument("dir", nargs="?")
    p.add_argument("--list", action="store_true", help="list charts and tables with their options")
    p.add_argument("--chart")
    p.add_argument("--format", choices=("png", "svg", "html", "csv", "parquet"))
    p.add_argument("--out")
    p.add_argument(
        "--caption",
        action="store_true",
        help="CSV: put the caption in '# ' lines at the top (default: beside it in FILE.txt)",
    )
    add_filter_options(p)
    add_view_options(p)
    p.set_defaults(run=_export)

    p = sub.add_parser(
        "bundle", help="one zip with tables, charts and a manifest to reopen the view"
    )
    p.add_argument("dir")
    p.add_argument("--out", required=True)
    add_filter_options(p)
    p.set_defaults(run=_bundle)

    p = sub.add_parser("bench", help="benchmark every step on a synthetic corpus")
    p.add_argument("--articles", type=int, default=10_000)
    p.add_argument("--json", help="write the numbers as JSON here")
    p.add_argument("--latency", action="store_true", help="also measure dashboard latency")
    p.set_defaults(run=_bench)

    p = sub.add_parser("eval", help="score extraction against ../shared/bench")
    p.add_argument(
        "what",
        nargs="?",
        choices=("all", "language", "entities", "stories", "dates", "parallel"),
        default="all",
    )
    p.add_argument(
        "dir",
        nargs="?",
        help="parallel: a corpus with one folder per language and the same file name for the"
        " same document (default the bench's ntrex_dev)",
    )
    p.add_argument("--pivot", help="parallel: the folder every other is compared with")
    p.add_argument("--bench", help="bench folder (default ../shared/bench or $NEWSPRISM_BENCH)")
    p.set_defaults(run=_eval)

    p = sub.add_parser(
        "prepare",
        help="build the per-language data a first analysis needs (make install runs it)",
    )
    p.add_argument(
        "--languages", help="comma-separated codes (default: every language newsprism reads)"
    )
    p.set_defaults(run=_prepare)

    p = sub.add_parser("cache", help="translation cache: stats or clear")
    p.add_argument("action", choices=("stats", "clear"))
    p.add_argument("--provider")
    p.add_argument("--cache", help="cache file (default $NEWSPRISM_CACHE or the user cache)")
    p.set_defaults(run=_cache)

    p = sub.add_parser(
        "models", help="local translation models (offline): add a file or folder, list, remove"
    )
    p.add_argument("action", choices=("add", "list", "remove"))
    p.add_argument("what", nargs="?", help="add: .argosmodel file or model folder; remove: name")
    p.add_argument("--source", help="add: the model's source language, if it does not say")
    p.add_argument("--target", help="add: the model's target language, if it does not say")
    p.set_defaults(run=_models)
    return top


def main(argv: Sequence[str] | None = None) -> int:
    args = parser().parse_args(argv)
    try:
        status = int(args.run(args))
        sys.stdout.flush()  # a closed pipe surfaces here, inside the handler, not at exit
        return status
    except BrokenPipeError:
        # the reader (`| head`) went away: stop quietly, as Unix tools do
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0
    except NewsprismError as exc:
        print(f"newsprism: {exc}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except KeyboardInterrupt:
        print("newsprism: interrupted; what was written is complete", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
