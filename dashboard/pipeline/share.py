"""One list of articles worked from both ends: this process from the back, spawned helper
processes from the front, each claiming its next batch only when it is free.

Why claims and not batches cut beforehand: a batch handed out ahead sits queued in a helper
while this process may already be idle, and one cut too large keeps the other waiting at the
end. Here a batch is cut when it is claimed, a share of what is left (`claim_size`): large
while much is left (few per-batch costs), down to `smallest` articles at the end, so neither
side waits long for the other's last batch. The claims are two shared counters (the next
article from the front, the article after the last one from the back) under one lock.

After the shared map a helper may take more jobs: work this process does not need yet, done
while it runs what it does need (the cross-article steps). An `Aside` is one job on whole frames;
a `SharedAside` is batches of articles claimed as in the map, this process taking from the back
whatever is left when it first needs the result.
"""

from __future__ import annotations

import tempfile
import time
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor
from multiprocessing import get_context
from pathlib import Path
from typing import Any, Generic, TypeVar

import polars as pl

from dashboard.steps import language

R = TypeVar("R")

SHARE = 1
"""Each claim takes 1 / (SHARE x processes) of the articles left: the tail shrinks geometrically.
Every batch pays ~30-40 ms of its steps' polars calls whatever its size: with a quarter of what is
left a claim (SHARE 2), 2,586 articles went in 16 batches on two processes; with a half, in 8."""

# the shared claims, set in a helper process when it starts (`_start_helper`)
_bounds: Any = None  # shared [front, back]: articles [front, back) are not yet claimed
_lock: Any = None


def claim_size(left: int, processes: int, smallest: int, largest: int) -> int:
    """Articles the next claim takes when `left` are unclaimed: a 1 / (SHARE x processes) share
    of them, at least `smallest` (per-batch costs) and at most `largest` (memory), never more
    than are left."""
    share = -(-left // (SHARE * processes))
    return min(left, max(smallest, min(largest, share)))


def _claim(front: bool, processes: int, smallest: int, largest: int) -> tuple[int, int] | None:
    """(start, size) of the next batch from one end, or None when every article is claimed."""
    with _lock:
        first, end = _bounds[0], _bounds[1]
        size = claim_size(end - first, processes, smallest, largest)
        if size <= 0:
            return None
        if front:
            _bounds[0] = first + size
            return first, size
        _bounds[1] = end - size
        return end - size, size


def _start_helper(bounds: Any, lock: Any, started: Any) -> None:
    """A helper process's initializer: the shared claims (they travel only at a process's start;
    the articles go with the task, whose sending does not wait for the process to start); and
    one more helper counted as started (Helpers.close waits for every one)."""
    global _bounds, _lock
    _bounds, _lock = bounds, lock
    with lock:
        started.value += 1


def _work_front(
    source: str,
    work: Callable[[pl.DataFrame], R],
    processes: int,
    smallest: int,
    largest: int,
) -> list[tuple[int, R]]:
    """A helper's whole share: batches claimed from the front until none is left."""
    articles = pl.read_ipc(Path(source).read_bytes())  # read whole: the file goes at the end
    return _take(
        True, lambda start, size: work(articles.slice(start, size)), processes, smallest, largest
    )


def _take(
    front: bool,
    run: Callable[[int, int], R],
    processes: int,
    smallest: int,
    largest: int,
) -> list[tuple[int, R]]:
    """(start, run(start, size)) of every batch this process claims from one end until none is
    left: the one claim loop of the map and the shared aside, in helpers and here."""
    done = []
    while (claimed := _claim(front, processes, smallest, largest)) is not None:
        start, size = claimed
        done.append((start, run(start, size)))
    return done


def _in_order(done: list[tuple[int, R]]) -> list[R]:
    """The batches' results in article order (by where each batch starts)."""
    return [result for _, result in sorted(done, key=lambda d: d[0])]


def _ready(work: Callable[[pl.DataFrame], Any]) -> None:
    """Nothing: receiving `work` (by name) makes a fresh helper import its module now."""


class Helpers:
    """Spawned helper processes for one `map_shared`, which may be started ahead of it (while
    this process loads the inputs): a fresh interpreter importing the pipeline takes ~0.3-0.8 s,
    time this process would otherwise work alone."""

    def __init__(self, count: int, work: Callable[[pl.DataFrame], Any]) -> None:
        context = get_context("spawn")  # polars' thread pool does not survive fork
        self.count = count
        self.bounds = context.RawArray("q", [0, 0])
        self.lock = context.Lock()
        self.started = context.RawValue("q", 0)
        self.pool = ProcessPoolExecutor(
            count,
            mp_context=context,
            initializer=_start_helper,
            initargs=(self.bounds, self.lock, self.started),
        )
        for _ in range(count):
            self.pool.submit(_ready, work)

    def stop_claims(self) -> None:
        """Leave nothing to claim: a helper stops after the batch it is at."""
        with self.lock:
            self.bounds[0] = self.bounds[1]

    def close(self) -> None:
        """Stop the helpers once their work is done; their exit (an interpreter's teardown,
        ~0.2-0.5 s) is not waited for, their start is: a run that ends before a helper has
        started (inputs all refused) would otherwise free the shared lock, whose name the
        starting helper still needs (it would print a traceback, then fail)."""
        deadline = time.monotonic() + START_WAIT
        while self.started.value < self.count and time.monotonic() < deadline:
            time.sleep(0.01)
        self.stop_claims()  # on an error the helpers stop after the batch they are at
        self.pool.shutdown(wait=False, cancel_futures=True)


def map_shared(
    articles: pl.DataFrame,
    work: Callable[[pl.DataFrame], R],
    helpers: Helpers,
    *,
    smallest: int,
    largest: int,
    keep: bool = False,
) -> list[R]:
    """`work` over batches of `articles` shared with the `helpers` (closed at the end unless
    `keep`: they are to take an `Aside` job next), in article order (the batches cover every
    article once). `work` must be a module-level function (it is sent to the helpers by name);
    its results travel back pickled."""
    global _bounds, _lock
    processes = helpers.count + 1
    _bounds, _lock = helpers.bounds, helpers.lock
    with helpers.lock:
        helpers.bounds[0], helpers.bounds[1] = 0, articles.height
    folder = tempfile.TemporaryDirectory(prefix="newsprism-share-")
    try:
        # the articles reach the helpers as a file: pickled down a pipe, megabytes of them
        # would be written 64 KiB at a time, each write waiting for this busy process's GIL
        source = str(Path(folder.name) / "articles.arrow")
        articles.write_ipc(source)
        futures = [
            helpers.pool.submit(_work_front, source, work, processes, smallest, largest)
            for _ in range(helpers.count)
        ]
        done = _take(
            False,
            lambda start, size: work(articles.slice(start, size)),
            processes,
            smallest,
            largest,
        )
        for future in futures:
            done.extend(future.result())
    finally:
        if keep:
            helpers.stop_claims()
        else:
            helpers.close()
        _bounds, _lock = None, None
        folder.cleanup()
    return _in_order(done)


def _write_frames(frames: dict[str, pl.DataFrame], folder: str) -> None:
    """The frames as one .arrow file each in `folder`, for a helper to read (`_read_frames`)."""
    for name, frame in frames.items():
        frame.write_ipc(Path(folder) / f"{name}.arrow")


def _read_frames(folder: str) -> dict[str, pl.DataFrame]:
    """The frames `_write_frames` wrote in `folder`."""
    return {f.stem: pl.read_ipc(f.read_bytes()) for f in sorted(Path(folder).glob("*.arrow"))}


def _aside(work: Callable[[dict[str, pl.DataFrame]], R], folder: str) -> R:
    """A helper's aside job: `work` on the frames written in `folder`."""
    return work(_read_frames(folder))


class Aside(Generic[R]):
    """`work` over whole frames in one helper process, started now; `result()` waits for it.

    For work this process needs only later: the helper, idle once the shared map is done, does
    it while this process goes on. The frames travel as files (as in `map_shared`), the result
    back pickled; `work` must be a module-level function."""

    def __init__(
        self,
        helpers: Helpers,
        work: Callable[[dict[str, pl.DataFrame]], R],
        frames: dict[str, pl.DataFrame],
    ) -> None:
        self.helpers = helpers  # their owner closes them (a job may follow this one)
        self.folder = tempfile.TemporaryDirectory(prefix="newsprism-aside-")
        try:
            _write_frames(frames, self.folder.name)
            self.future = helpers.pool.submit(_aside, work, self.folder.name)
        except BaseException:
            self.folder.cleanup()
            raise

    def result(self) -> R:
        """What `work` returned (its error raised here), once the helper is done."""
        try:
            return self.future.result()
        finally:
            self.folder.cleanup()


def _batch(frames: dict[str, pl.DataFrame], start: int, size: int) -> dict[str, pl.DataFrame]:
    """The frames of the articles [start, start + size): the articles' rows and every other
    frame's rows of those articles."""
    part = frames["articles"].slice(start, size)
    ids = part.select("article_id")
    return {
        name: part if name == "articles" else frame.join(ids, on="article_id", how="semi")
        for name, frame in frames.items()
    }


def _aside_front(
    work: Callable[[dict[str, pl.DataFrame]], R],
    folder: str,
    processes: int,
    smallest: int,
    largest: int,
) -> list[tuple[int, R]]:
    """A helper's share of a `SharedAside`: batches claimed from the front until none is left."""
    frames = _read_frames(folder)
    return _take(
        True, lambda start, size: work(_batch(frames, start, size)), processes, smallest, largest
    )


class SharedAside(Generic[R]):
    """`work` over batches of the articles of `frames` ("articles" and frames of their rows),
    started now in the helpers, which claim batches from the front; `result()` claims the rest
    from the back here, as `map_shared` does, and returns `combine` of every batch's result in
    article order.

    For aside work this process may finish early enough to share: it takes what the helpers
    have not claimed when it first needs the result, instead of waiting for them."""

    def __init__(
        self,
        helpers: Helpers,
        work: Callable[[dict[str, pl.DataFrame]], Any],
        combine: Callable[[list[Any]], R],
        frames: dict[str, pl.DataFrame],
        *,
        smallest: int,
        largest: int,
    ) -> None:
        self.helpers, self.work, self.combine, self.frames = helpers, work, combine, frames
        self.sizes = (helpers.count + 1, smallest, largest)
        self.folder = tempfile.TemporaryDirectory(prefix="newsprism-aside-")
        try:
            _write_frames(frames, self.folder.name)
            with helpers.lock:  # the shared map is over: its claims are spent
                helpers.bounds[0], helpers.bounds[1] = 0, frames["articles"].height
            processes, smallest, largest = self.sizes
            self.futures = [
                helpers.pool.submit(
                    _aside_front, work, self.folder.name, processes, smallest, largest
                )
                for _ in range(helpers.count)
            ]
        except BaseException:
            self.folder.cleanup()
            raise

    def result(self) -> R:
        """`combine` of the batches' results, in article order; the batches not yet claimed
        are done here."""
        global _bounds, _lock
        _bounds, _lock = self.helpers.bounds, self.helpers.lock
        try:
            done = _take(
                False, lambda start, size: self.work(_batch(self.frames, start, size)), *self.sizes
            )
            for future in self.futures:
                done.extend(future.result())
        finally:
            self.helpers.stop_claims()  # on an error the helpers stop after their batch
            _bounds, _lock = None, None
            self.folder.cleanup()
        return self.combine(_in_order(done))


START_WAIT = 10.0
"""Seconds Helpers.close waits at most for its helpers to have started (~0.3-0.8 s each)."""
PRESTART_BYTES = 2_000_000
"""Inputs of at least this many bytes (about a batch of 1000 news articles) start the helper
processes before they are loaded; the helpers of smaller ones would seldom get any work."""


def early_helpers(
    paths: Sequence[str | Path],
    uploads: Sequence[tuple[str, bytes]],
    workers: int,
    work: Callable[[pl.DataFrame], Any],
) -> Helpers | None:
    """Helper processes for `work` started now, so that their start overlaps the loading, when
    there are to be helpers and the inputs are large (their bytes, counted up to PRESTART_BYTES)."""
    if workers <= 1:
        return None
    total = sum(len(data) for _, data in uploads)
    for path in map(Path, paths):
        for file in path.rglob("*") if path.is_dir() else [path]:
            if total >= PRESTART_BYTES:
                break
            try:
                total += file.stat().st_size if file.is_file() else 0
            except OSError:  # unreadable: ingest says so when it loads
                continue
    return Helpers(workers - 1, work) if total >= PRESTART_BYTES else None


def language_order(articles: pl.DataFrame) -> pl.Series | None:
    """The articles' row numbers grouped by a first guess of their language (language.guess),
    in input order within a language; None when article ids repeat (rows could not be put back
    by id). Each process then takes articles of fewer languages: fewer word lists to load and
    words to look up in both."""
    if articles["article_id"].n_unique() < articles.height:
        return None
    return (
        articles.select(_row=pl.int_range(pl.len()), _guess=language.guess(articles["text"]))
        .sort("_guess", "_row", nulls_last=True)
        .get_column("_row")
    )


def in_input_order(tables: dict[str, pl.DataFrame], ids: pl.Series) -> dict[str, pl.DataFrame]:
    """Tables made from reordered articles, their rows put back in the order of `ids` (an
    article's own rows keep their order): the tables of articles taken in input order."""
    position = pl.DataFrame({"article_id": ids}).with_row_index("_pos")
    return {
        name: table.join(position, on="article_id", how="left", maintain_order="left")
        .sort("_pos", maintain_order=True)
        .drop("_pos")
        for name, table in tables.items()
    }
