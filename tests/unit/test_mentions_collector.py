"""extract_mentions pauses Python's garbage collector and leaves it as it found it."""

from __future__ import annotations

import gc
from collections.abc import Iterator

import polars as pl
import pytest

from dashboard.steps import mentions


def _one_article(text: str) -> tuple[pl.DataFrame, pl.DataFrame]:
    articles = pl.DataFrame({"article_id": ["a0"], "text": [text], "language": ["en"]})
    spans = pl.DataFrame(
        {
            "article_id": ["a0"],
            "para_no": [0],
            "start": [0],
            "end": [len(text)],
            "boilerplate": [False],
        }
    )
    return articles, spans


@pytest.fixture()
def restore_gc() -> Iterator[None]:
    enabled = gc.isenabled()
    yield
    if enabled:
        gc.enable()
    else:
        gc.disable()


@pytest.mark.parametrize("enabled", [True, False])
def test_the_collector_is_off_while_mentions_are_found_and_as_before_after(
    restore_gc: None, monkeypatch: pytest.MonkeyPatch, enabled: bool
) -> None:
    seen: list[bool] = []
    real = mentions._cued_mentions

    def watched(*args):  # type: ignore[no-untyped-def]
        seen.append(gc.isenabled())
        return real(*args)

    monkeypatch.setattr(mentions, "_cued_mentions", watched)
    gc.enable() if enabled else gc.disable()
    found = mentions.extract_mentions(*_one_article("Angela Merkel met Emmanuel Macron in Paris."))
    assert seen == [False]
    assert gc.isenabled() is enabled
    assert found["text"].to_list() == ["Angela Merkel", "Emmanuel Macron", "Paris"]


def test_the_collector_is_back_on_after_a_failure(
    restore_gc: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(*args):  # type: ignore[no-untyped-def]
        raise RuntimeError("broken")

    monkeypatch.setattr(mentions, "_cued_mentions", broken)
    gc.enable()
    with pytest.raises(RuntimeError):
        mentions.extract_mentions(*_one_article("Angela Merkel met Emmanuel Macron in Paris."))
    assert gc.isenabled()


def test_what_the_step_leaves_alive_is_frozen_not_scanned(restore_gc: None) -> None:
    gc.unfreeze()
    gc.enable()
    try:
        found = mentions.extract_mentions(
            *_one_article("Angela Merkel met Emmanuel Macron in Paris.")
        )
        # the memo tables and dictionaries the step built are out of the collector's way
        assert gc.get_freeze_count() > 0
        assert gc.isenabled()
        assert found.height == 3
    finally:
        gc.unfreeze()


def test_a_paused_collector_is_left_paused_and_nothing_frozen(restore_gc: None) -> None:
    gc.unfreeze()
    gc.disable()
    try:
        mentions.extract_mentions(*_one_article("Angela Merkel met Emmanuel Macron in Paris."))
        assert gc.get_freeze_count() == 0
        assert not gc.isenabled()
    finally:
        gc.unfreeze()
