"""Work shared from both ends of the articles: claims shrink towards the end, cover every article
once, and the results come back in article order."""

from __future__ import annotations

import multiprocessing
import os
from pathlib import Path

import polars as pl
import pytest

from dashboard.pipeline import share


def _ids(batch: pl.DataFrame) -> tuple[int, list[str]]:
    """A work function the spawned helper can import: who did the batch, and its ids."""
    return os.getpid(), batch["article_id"].to_list()


def _articles(n: int) -> pl.DataFrame:
    return pl.DataFrame({"article_id": [f"a{i:03d}" for i in range(n)]})


def test_claims_shrink_to_the_smallest_and_never_exceed_what_is_left() -> None:
    assert share.claim_size(1000, 2, 25, 1000) == 500  # half of what is left, two processes
    assert share.claim_size(1000, 3, 25, 1000) == 334  # a third, three
    assert share.claim_size(100_000, 2, 25, 1000) == 1000  # never more than the largest
    assert share.claim_size(40, 2, 25, 1000) == 25  # the tail: the smallest
    assert share.claim_size(10, 2, 25, 1000) == 10  # never more than are left
    assert share.claim_size(0, 2, 25, 1000) == 0


def test_a_helper_takes_the_front_up_to_what_the_back_claimed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    articles = _articles(100)
    source = tmp_path / "articles.arrow"
    articles.write_ipc(source)
    bounds = multiprocessing.get_context("spawn").RawArray("q", [0, 100])
    monkeypatch.setattr(share, "_bounds", bounds)
    monkeypatch.setattr(share, "_lock", multiprocessing.get_context("spawn").Lock())
    back = share._claim(False, 2, 5, 1000)  # this process took the last half first
    assert back == (50, 50)
    done = share._work_front(str(source), _ids, 2, 5, 1000)
    starts = [start for start, _ in done]
    assert starts == sorted(starts) and starts[0] == 0
    taken = [i for _, (_, ids) in done for i in ids]
    assert taken == articles["article_id"].to_list()[:50]
    sizes = [len(ids) for _, (_, ids) in done]
    assert sizes[0] > sizes[-1] >= 1  # the batches shrink towards the meeting point
    assert list(bounds) == [50, 50]


def test_shared_work_covers_every_article_once_in_order() -> None:
    articles = _articles(120)
    helpers = share.Helpers(1, _ids)
    results = share.map_shared(articles, _ids, helpers, smallest=3, largest=1000)
    taken = [i for _, ids in results for i in ids]
    assert taken == articles["article_id"].to_list()


def test_helpers_start_ahead_only_for_inputs_of_a_batch_or_more(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(share, "PRESTART_BYTES", 1000)
    (tmp_path / "small").mkdir()
    (tmp_path / "small" / "a.txt").write_text("x" * 400)
    assert share.early_helpers([tmp_path / "small"], [], 2, _ids) is None
    (tmp_path / "small" / "b.txt").write_text("x" * 700)  # 1100 bytes in all
    assert share.early_helpers([tmp_path / "small"], [], 1, _ids) is None  # one worker: no helper
    started = share.early_helpers([tmp_path / "small"], [], 2, _ids)
    assert started is not None and started.count == 1
    started.close()
    uploaded = share.early_helpers([], [("up.txt", b"x" * 1000)], 3, _ids)
    assert uploaded is not None and uploaded.count == 2
    uploaded.close()


def _fails_at_the_end(batch: pl.DataFrame) -> int:
    """A work function that fails on the batch holding the last article (this process's first)."""
    if "a119" in batch["article_id"].to_list():
        raise ValueError("the last article")
    return batch.height


def test_an_error_here_stops_the_claims_and_is_raised() -> None:
    helpers = share.Helpers(1, _fails_at_the_end)
    with pytest.raises(ValueError, match="the last article"):
        share.map_shared(_articles(120), _fails_at_the_end, helpers, smallest=3, largest=1000)
    front, back = helpers.bounds
    assert front == back  # nothing left to claim: the helper stops after its batch at work


def _sizes(frames: dict[str, pl.DataFrame]) -> tuple[int, dict[str, int]]:
    """An aside job the spawned helper can import: who ran it, and the frames' heights."""
    return os.getpid(), {name: f.height for name, f in frames.items()}


def test_an_aside_job_runs_in_a_helper_on_the_frames_sent() -> None:
    helpers = share.Helpers(1, _ids)
    try:
        share.map_shared(_articles(30), _ids, helpers, smallest=3, largest=1000, keep=True)
        job = share.Aside(helpers, _sizes, {"articles": _articles(7), "other": _articles(2)})
        pid, heights = job.result()
    finally:
        helpers.close()
    assert pid != os.getpid()  # the helper did it, not this process
    assert heights == {"articles": 7, "other": 2}
    assert not Path(job.folder.name).exists()  # the frames' files are gone once it is done


def _batch_rows(frames: dict[str, pl.DataFrame]) -> tuple[int, list[str], list[str]]:
    """A shared aside job: who ran the batch, its articles, and the rows of the other frame."""
    import time

    time.sleep(0.05)  # a batch takes a while: this process finds batches left to claim
    return os.getpid(), frames["articles"]["article_id"].to_list(), frames["other"]["x"].to_list()


def test_a_shared_aside_is_finished_here_and_comes_back_in_article_order() -> None:
    articles = _articles(60)
    # the other frame's rows: two per article, in another order; each batch sees its own
    other = pl.DataFrame(
        {"article_id": [f"a{i:03d}" for i in range(59, -1, -1) for _ in range(2)]}
    ).with_columns(x=pl.col("article_id") + "-x")
    helpers = share.Helpers(1, _ids)
    try:
        share.map_shared(_articles(30), _ids, helpers, smallest=3, largest=1000, keep=True)
        job = share.SharedAside(
            helpers, _batch_rows, list, {"articles": articles, "other": other}, smallest=3,
            largest=1000,
        )  # fmt: skip
        done = job.result()
    finally:
        helpers.close()
    assert [i for _, ids, _ in done for i in ids] == articles["article_id"].to_list()
    for _, ids, rows in done:
        assert sorted(rows) == sorted(f"{i}-x" for i in ids for _ in range(2))
    pids = {pid for pid, _, _ in done}
    assert os.getpid() in pids and len(pids) == 2  # the helper and this process took batches
    assert not Path(job.folder.name).exists()
    front, back = helpers.bounds
    assert front == back
