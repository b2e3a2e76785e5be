"""Translation of an analysis as a background job the app can watch and cancel.

The job runs in a thread beside the Streamlit script, so the page stays responsive, shows
done / total, failures and time left, and a Cancel button stops it: what was translated is in
the cache already and is written into the analysis. One job translates an analysis at a time,
whatever process started it: a second one reports that the first is running and sends nothing.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import polars as pl

from dashboard.store import store
from dashboard.translate import translate
from dashboard.translate.translate_cache import carry_translations

JOB_LOCK = "_translating.lock"  # held by the one translation job of the folder


@dataclass
class TranslationJob:
    """One translation of one analysis folder."""

    out: Path
    config: translate.TranslatorConfig
    done: int = 0
    total: int = 0
    failures: int = 0
    eta_seconds: float | None = None
    state: str = "idle"  # running, cancelling, finished, failed, busy (another job is running)
    message: str = ""
    started: float = 0.0
    _cancel: threading.Event = field(default_factory=threading.Event, repr=False)
    _thread: threading.Thread | None = field(default=None, repr=False)

    @property
    def running(self) -> bool:
        return self._thread is not None and self._thread.is_alive()

    def start(self) -> None:
        if self.running:
            return
        self._cancel.clear()
        self.state, self.started = "running", time.monotonic()
        self._thread = threading.Thread(target=self._run, name="newsprism-translate", daemon=True)
        self._thread.start()

    def cancel(self) -> None:
        if self.running:
            self.state = "cancelling"
            self._cancel.set()

    def wait(self, timeout: float | None = None) -> None:
        if self._thread is not None:
            self._thread.join(timeout)

    def _progress(self, p: translate.TranslationProgress) -> bool:
        self.done, self.total, self.failures, self.eta_seconds = (
            p.done,
            p.total,
            p.failures,
            p.eta_seconds,
        )
        return not self._cancel.is_set()

    def _run(self) -> None:
        try:
            with only_job(self.out) as mine:
                if mine:
                    self._translate()
                else:
                    self.state = "busy"
                    self.message = "A translation of this analysis is already running; wait for it."
        except OSError as exc:  # the folder went away or cannot hold the lock file
            self.state, self.message = "failed", f"translation stopped: {exc}"

    def _translate(self) -> None:
        try:
            an = store.Analysis.open(self.out)
            run = translate.translate_paragraphs(
                an.frame("articles"), an.frame("paragraphs"), self.config, progress=self._progress
            )
            counts = {
                "provider": self.config.provider,
                "target": self.config.target,
                "requests_sent": run.requests_sent,
                "cache_hits": run.cache_hits,
                "failures": len(run.failures),
                "unavailable_reason": run.unavailable_reason,
                **run.counts,
            }
            store_translations(self.out, run.paragraphs, counts)
            cancelled = self._cancel.is_set()
            if run.unavailable_reason:
                self.state, self.message = "failed", run.unavailable_reason
            else:
                self.state = "finished"
                self.message = (
                    ("Cancelled; kept " if cancelled else "Done: ")
                    + f"{run.requests_sent} requests, {run.cache_hits} from cache, "
                    f"{len(run.failures)} failed."
                )
        except Exception as exc:  # the page shows it; the analysis on disk is untouched
            self.state, self.message = "failed", f"translation stopped: {exc}"


@contextmanager
def only_job(out: Path) -> Iterator[bool]:
    """Take the folder's translation lock if no other job (of any process) holds it; yields
    whether it was taken. The lock goes with the process, so a killed job leaves none behind."""
    try:
        import fcntl
    except ImportError:  # Windows: no advisory locks; the page still runs one job per folder
        yield True
        return
    with open(out / JOB_LOCK, "a+", encoding="utf-8") as fh:
        try:
            fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            yield False
            return
        try:
            yield True
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)


def store_translations(out: Path, translated: pl.DataFrame, counts: dict[str, Any]) -> None:
    """Write a translation job's paragraphs: its translations go into the paragraphs stored now,
    so the paragraphs of articles added while it ran are kept (one writer at a time)."""
    with store.writing(out):
        current = store.Analysis.open(out).frame("paragraphs")
        merged = carry_translations(current, translated, source_wins=True)
        store.update_tables(out, {"paragraphs": merged}, {"translation": counts})
