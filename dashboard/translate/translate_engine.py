"""The request engine behind translate.py: batches on a few threads, each request with a timeout,
retried with exponential backoff and jitter, under a per-provider rate limit, with a breaker that
marks the provider unavailable for the run after repeated failures. Answers are written to the
cache from the calling thread as they arrive.
"""

from __future__ import annotations

import logging
import random
import threading
import time
from collections.abc import Callable, Mapping
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from dataclasses import dataclass, field
from pathlib import Path

from dashboard.translate import providers, translate_local
from dashboard.translate.providers import ProviderSpec, RequestFailed
from dashboard.translate.translate_cache import Origin, TranslationCache

_MAX_FAILURE_LINES = 50
_OFFLINE = ("timeout", "connection", "offline")  # failures that mean the provider is out of reach
Key = tuple[str, str]  # (source language, text)


@dataclass(frozen=True)
class TranslatorConfig:
    """Which provider to use and how hard to push it; `keys` never shows in repr."""

    provider: str = "google"
    target: str = "en"
    url: str | None = None  # LibreTranslate server; for the others an alternative endpoint
    timeout: float = 10.0  # seconds per request
    retries: int = 4  # retries per request after the first attempt
    concurrency: int = 4  # requests in flight
    rate_per_second: float = 5.0  # request starts per second (0: unlimited)
    cache_path: Path | None = None  # default: $NEWSPRISM_CACHE or ~/.cache/newsprism/
    keys: Mapping[str, str] = field(default_factory=dict, repr=False, hash=False)
    backoff: float = 0.5  # first retry delay in seconds, doubled each attempt
    # the addresses the operator configured, the only ones a key goes to; None: `url` itself is
    # the operator's (command line, environment), not typed by a browser user
    operator_urls: tuple[str, ...] | None = None

    def key_for(self, spec: ProviderSpec) -> str | None:
        """The key sent with this configuration's requests, if any (`providers.endpoint_key`)."""
        configured = self.operator_urls
        if configured is None:
            configured = (self.url,) if self.url else ()
        return providers.endpoint_key(spec, self.url, self.keys, configured)

    def origin(self, spec: ProviderSpec, source: str = "") -> Origin:
        """What this configuration's translations are cached under: provider, server, model (for
        local models, the installed models of the pair, so a replaced model is not served stale)."""
        if spec.name == providers.LOCAL:
            return Origin(spec.name, "", translate_local.model_id(source, self.target.lower()))
        return Origin(spec.name, providers.endpoint(spec, self.url))


@dataclass(frozen=True)
class TranslationProgress:
    """Progress over the texts that need a request (unique paragraphs or pieces of long ones)."""

    done: int
    total: int
    failures: int
    eta_seconds: float | None


@dataclass(frozen=True)
class _Batch:
    source: str
    texts: tuple[str, ...]


@dataclass
class _Result:
    batch: _Batch
    translations: list[str] | None
    error: RequestFailed | str | None  # str: skipped ("cancelled", provider unavailable)
    sent: int
    notes: list[str]


class _Limiter:
    """Spaces request starts at 1/rate seconds across all threads."""

    def __init__(self, rate: float) -> None:
        self.interval = 1.0 / rate if rate > 0 else 0.0
        self.next = 0.0
        self.lock = threading.Lock()

    def wait(self, cancel: threading.Event) -> None:
        with self.lock:
            now = time.monotonic()
            slot = max(now, self.next)
            self.next = slot + self.interval
        if slot > now:
            cancel.wait(slot - now)


class _Health:
    """Marks the provider unavailable after `threshold` failed requests in a row (or a refusal)."""

    def __init__(self, spec: ProviderSpec, threshold: int) -> None:
        self.spec, self.threshold = spec, threshold
        self.streak = 0
        self.reason: str | None = None
        self.offline = False
        self.lock = threading.Lock()

    def success(self) -> None:
        with self.lock:
            self.streak = 0

    def failure(self, err: RequestFailed) -> None:
        with self.lock:
            self.streak += 1 if err.kind != "rejected" else 0
            too_long = (err.retry_after or 0) > providers.MAX_RETRY_AFTER
            at_once = err.kind in ("auth", "offline", "model") or too_long
            if self.reason is None and (at_once or self.streak >= self.threshold):
                self.offline = err.kind in _OFFLINE
                self.reason = (
                    f"{err.message}; translation stopped for this run."
                    if at_once
                    else f"{self.spec.label} failed {self.streak} times in a row "
                    f"(last: {err.message}); translation stopped for this run."
                )

    def status(self) -> str:
        return "offline" if self.offline else f"provider error: {self.reason}"


def _delay(attempt: int, retry_after: float | None, base: float) -> float:
    """Seconds before retry number attempt+1: Retry-After if given, else capped backoff, jittered."""
    if retry_after is not None:
        return min(retry_after, providers.MAX_RETRY_AFTER)
    return min(30.0, base * 2**attempt) * random.uniform(0.5, 1.0)


class Engine:
    """Sends batches on a few threads, writes each answer to the cache from the calling thread."""

    def __init__(
        self,
        spec: ProviderSpec,
        config: TranslatorConfig,
        target: str,
        cache: TranslationCache,
        secrets: list[str],
    ) -> None:
        self.spec, self.config, self.target, self.cache = spec, config, target, cache
        self.key = config.key_for(spec)
        self.secrets = secrets
        self.cancel = threading.Event()
        local = spec.name == providers.LOCAL
        # a local model is not a service to spare: no rate limit, one thread (it uses the cores)
        self.limiter = _Limiter(0.0 if local else config.rate_per_second)
        self.workers = 1 if local else max(1, config.concurrency)
        self.health = _Health(spec, max(2, config.retries + 1))
        self.local = threading.local()
        self.clients: list[providers.Client | translate_local.LocalClient] = []
        self.translations: dict[Key, str] = {}
        self.errors: dict[Key, str] = {}
        self.failures: list[str] = []
        self.retries: list[str] = []
        self.requests = 0

    def run(
        self, missing: list[Key], progress: Callable[[TranslationProgress], bool] | None
    ) -> None:
        """Translate `missing`; fills translations, errors, failures, retries and requests.

        At most `concurrency` batches are out at once and a new one starts only after a finished
        one is committed, so a kill loses at most the answers of the batches in flight.
        """
        log_filter = providers.RedactingFilter(self.secrets)
        logging.getLogger("urllib3.connectionpool").addFilter(log_filter)
        workers = self.workers
        pool = ThreadPoolExecutor(workers, thread_name_prefix="translate")
        queue = iter(self._batches(missing))
        running: set[Future[_Result]] = set()
        started, finished, failed = time.monotonic(), 0, 0
        try:
            self._report(progress, 0, len(missing), 0, started)
            while True:
                while len(running) < workers and not self.cancel.is_set():
                    batch = next(queue, None)
                    if batch is None:
                        break
                    running.add(pool.submit(self._send, batch))
                if not running:
                    break
                done, running = wait(running, return_when=FIRST_COMPLETED)
                for future in done:
                    result = future.result()
                    finished += len(result.batch.texts)
                    failed += self._take(result)
                    self._report(progress, finished, len(missing), failed, started)
        finally:
            self.cancel.set()  # stops retries and pending batches if we leave early (or a bug)
            pool.shutdown(wait=True, cancel_futures=True)
            logging.getLogger("urllib3.connectionpool").removeFilter(log_filter)
            for client in self.clients:
                client.close()
        for key in missing:
            if key not in self.translations and key not in self.errors:
                self.errors[key] = "cancelled"
        skipped = sum(1 for status in self.errors.values() if status == self.health.status())
        if self.health.reason and skipped:
            self.failures.append(f"{skipped} text(s) not sent: {self.health.reason}")
        self.failures, self.retries = _capped(self.failures), _capped(self.retries)

    def _report(
        self,
        progress: Callable[[TranslationProgress], bool] | None,
        done: int,
        total: int,
        failed: int,
        started: float,
    ) -> None:
        if progress is None or self.cancel.is_set():
            return
        elapsed = time.monotonic() - started
        eta = elapsed / done * (total - done) if done else None
        if progress(TranslationProgress(done, total, failed, eta)) is False:
            self.cancel.set()

    def _batches(self, missing: list[Key]) -> list[_Batch]:
        """Texts of one source language per request, within the provider's item and char limits."""
        by_source: dict[str, list[str]] = {}
        for source, text in missing:
            by_source.setdefault(source, []).append(text)
        batches: list[_Batch] = []
        for source, texts in by_source.items():
            current: list[str] = []
            for text in texts:
                size = sum(map(len, current)) + len(text)
                if current and (
                    len(current) >= self.spec.batch_items or size > self.spec.batch_chars
                ):
                    batches.append(_Batch(source, tuple(current)))
                    current = []
                current.append(text)
            batches.append(_Batch(source, tuple(current)))
        return batches

    def _client(self) -> providers.Client | translate_local.LocalClient:
        client = getattr(self.local, "client", None)
        if client is None:
            cfg = self.config
            client = (
                translate_local.LocalClient(self.target)
                if self.spec.name == providers.LOCAL
                else providers.Client(self.spec, self.target, cfg.url, self.key, cfg.timeout)
            )
            self.local.client = client
            self.clients.append(client)
        return client

    def _send(self, batch: _Batch) -> _Result:
        """One batch: attempts with backoff until success, a final failure, or a stop."""
        notes: list[str] = []
        for attempt in range(self.config.retries + 1):
            if self.cancel.is_set():
                return _Result(batch, None, "cancelled", attempt, notes)
            if self.health.reason:
                return _Result(batch, None, self.health.status(), attempt, notes)
            self.limiter.wait(self.cancel)
            try:
                out = self._client().translate(batch.texts, batch.source)
            except RequestFailed as err:
                self.health.failure(err)
                if not err.retryable or attempt == self.config.retries or self.health.reason:
                    return _Result(batch, None, err, attempt + 1, notes)
                notes.append(f"{err.message} (attempt {attempt + 1}); retried")
                self.cancel.wait(_delay(attempt, err.retry_after, self.config.backoff))
                continue
            self.health.success()
            return _Result(batch, out, None, attempt + 1, notes)
        raise AssertionError("unreachable: the last attempt always returns")

    def _take(self, result: _Result) -> int:
        """Record one finished batch (cache first); return how many texts failed."""
        batch, keys = result.batch, [(result.batch.source, t) for t in result.batch.texts]
        self.requests += result.sent
        self.retries += result.notes
        if result.translations is not None:
            self.cache.put_many(
                self.config.origin(self.spec, batch.source),
                batch.source,
                self.target,
                dict(zip(batch.texts, result.translations, strict=False)),
            )
            self.translations.update(zip(keys, result.translations, strict=True))
            return 0
        if isinstance(result.error, RequestFailed):
            offline = self.health.offline and result.error.kind in _OFFLINE
            status = "offline" if offline else f"provider error: {result.error.message}"
            self.failures.append(f"{len(keys)} text(s) in {batch.source!r}: {result.error.message}")
        else:
            status = result.error or "cancelled"
        self.errors.update(dict.fromkeys(keys, status))
        return 0 if status == "cancelled" else len(keys)


def _capped(lines: list[str]) -> list[str]:
    if len(lines) <= _MAX_FAILURE_LINES:
        return lines
    return [*lines[:_MAX_FAILURE_LINES], f"... and {len(lines) - _MAX_FAILURE_LINES} more"]
