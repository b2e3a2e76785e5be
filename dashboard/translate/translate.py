"""Translate paragraphs to the pivot language: cached, deduplicated, batched, retried, bounded.

The unit of work is the paragraph; long ones are split at sentence boundaries under the provider's
size limit and joined back. Identical texts (wire copies) are sent once, paragraphs already in the
target language and boilerplate are not sent, and every answer is committed to the SQLite cache as
it arrives, so a re-run sends nothing and a killed run resumes where it stopped. Requests run on a
few threads under a per-provider rate limit, each with a timeout, retried with exponential backoff
and jitter on timeouts, connection errors, 429 (honouring Retry-After) and 5xx; after repeated
failures the provider is marked unavailable for the run and the rest stays untranslated, marked.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import polars as pl

from dashboard.errors import NewsprismError
from dashboard.schema import conform
from dashboard.spans import span_texts
from dashboard.translate import providers, quality, translate_local
from dashboard.translate.providers import PROVIDERS, ProviderSpec
from dashboard.translate.translate_cache import (
    TranslationCache,
    cache_clear,
    cache_stats,
    text_hash,
)
from dashboard.translate.translate_engine import Engine, Key, TranslationProgress, TranslatorConfig

__all__ = [
    "PROVIDERS",
    "TranslationProgress",
    "TranslationRun",
    "TranslatorConfig",
    "cache_clear",
    "cache_stats",
    "check_provider",
    "translate_paragraphs",
]

QUALITY_FLAGS = quality.QUALITY_FLAGS
quality_counts = quality.quality_counts


@dataclass
class TranslationRun:
    """What a run did: the updated paragraphs and its accounting (no keys anywhere)."""

    paragraphs: pl.DataFrame
    requests_sent: int = 0
    cache_hits: int = 0  # unique texts found in the cache
    failures: list[str] = field(default_factory=list)  # requests that finally failed
    unavailable_reason: str | None = None
    counts: dict[str, Any] = field(default_factory=dict)  # quality flags, and "status" counts
    retries: list[str] = field(default_factory=list)  # transient failures a retry overcame
    texts_sent: int = 0  # unique texts that needed a request


def check_provider(config: TranslatorConfig) -> tuple[bool, str]:
    """Whether translation can work now, and one plain sentence saying why not (or that it can)."""
    spec = PROVIDERS.get(config.provider)
    if spec is None:
        return False, _unknown(config.provider)
    problem = _setup_problem(spec, config)
    if problem is None and spec.name != providers.LOCAL:
        problem = providers.reachability(spec, config.url, min(config.timeout, 3.0))
    if problem is not None:
        return False, f"Translation is unavailable: {problem}"
    if spec.name == providers.LOCAL:
        return (
            True,
            f"Local models are installed; paragraphs will be translated to {config.target}.",
        )
    return True, f"{spec.label} is reachable; paragraphs will be translated to {config.target}."


def translate_paragraphs(
    articles: pl.DataFrame,
    paragraphs: pl.DataFrame,
    config: TranslatorConfig,
    *,
    progress: Callable[[TranslationProgress], bool] | None = None,
) -> TranslationRun:
    """Fill paragraphs.translation/translator/translation_status/quality for `config.target`.

    `progress` is called as texts finish; returning False cancels (what is done is kept).
    """
    spec = PROVIDERS.get(config.provider)
    if spec is None:
        raise NewsprismError("--translate", _unknown(config.provider))
    secrets = providers.secrets_of(config.keys)
    target = config.target.lower()
    frame = conform(paragraphs, "paragraphs")
    plan = _Plan(*_paragraph_texts(articles, frame), frame["boilerplate"].to_list(), spec, target)
    run = TranslationRun(paragraphs=frame)
    done: dict[Key, str] = {}
    errors: dict[Key, str] = {}
    with TranslationCache(config.cache_path) as cache:
        if cache.warning:
            run.retries.append(cache.warning)
        for source, texts in plan.texts_by_source().items():
            origin = config.origin(spec, source)
            hits = cache.get_many(origin, source, target, map(text_hash, texts))
            done.update({(source, t): hits[text_hash(t)] for t in texts if text_hash(t) in hits})
        run.cache_hits = len(done)
        missing = [key for key in plan.unique_keys() if key not in done]
        run.texts_sent = len(missing)
        setup = _setup_problem(spec, config) if missing else None
        if setup is not None:
            run.unavailable_reason = setup
            errors = dict.fromkeys(missing, f"provider error: {setup}")
        elif missing:
            engine = Engine(spec, config, target, cache, secrets)
            engine.run(missing, progress)
            done.update(engine.translations)
            errors = engine.errors
            run.requests_sent = engine.requests
            run.failures = engine.failures
            run.retries += engine.retries
            run.unavailable_reason = engine.health.reason
    fresh = {key for key in missing if key in done}
    run.paragraphs, run.counts = plan.assemble(frame, done, errors, fresh)
    if spec.name == providers.LOCAL:
        run.counts["routes"] = plan.routes()
    run.failures = [providers.redact(f, secrets) for f in run.failures]
    run.retries = [providers.redact(r, secrets) for r in run.retries]
    if run.unavailable_reason:
        run.unavailable_reason = providers.redact(run.unavailable_reason, secrets)
    return run


def _setup_problem(spec: ProviderSpec, config: TranslatorConfig) -> str | None:
    if spec.name == providers.LOCAL:
        return translate_local.setup_problem(config.target.lower())
    problem = providers.setup_problem(spec, config.url, config.keys, config.key_for(spec))
    if problem is None and providers.provider_code(spec, config.target) is None:
        problem = f"{spec.label} does not translate into {config.target!r}."
    return problem


def _paragraph_texts(
    articles: pl.DataFrame, paragraphs: pl.DataFrame
) -> tuple[list[str], list[str | None]]:
    """Each paragraph's text (articles.text[start:end]) and language (else its article's)."""
    joined = paragraphs.select("article_id", "start", "end", "language").join(
        articles.select("article_id", pl.col("language").alias("_l")),
        on="article_id",
        how="left",
        maintain_order="left",
    )
    texts = span_texts(joined, articles, "start", "end").fill_null("")
    languages = joined.select(pl.coalesce(pl.col("language"), pl.col("_l")).str.to_lowercase())
    return texts.to_list(), languages.to_series().to_list()


class _Plan:
    """What each paragraph needs: a reason not to send it, or its pieces under the size limit."""

    def __init__(
        self,
        texts: list[str],
        sources: list[str | None],
        boilerplate: list[bool | None],
        spec: ProviderSpec,
        target: str,
    ) -> None:
        self.spec, self.target, self.texts = spec, target, texts
        self._routes: dict[str, str | None] = {}
        self.skip: list[str | None] = []
        self.sources: list[str] = []
        self.pieces: list[tuple[list[str], list[str]]] = []
        for text, source, boiler in zip(texts, sources, boilerplate, strict=True):
            source = source or ("auto" if spec.auto_source else "")
            skip = self._skip(text, source, bool(boiler))
            self.skip.append(skip)
            self.sources.append(source)
            split = split_text(text.strip(), spec.max_chars) if skip is None else ([], [])
            self.pieces.append(split)

    def _skip(self, text: str, source: str, boilerplate: bool) -> str | None:
        if boilerplate:
            return "boilerplate"
        if not any(ch.isalpha() for ch in text):
            return "empty"
        if not source:
            return "provider error: the paragraph's language is unknown"
        if _primary(source) == _primary(self.target):
            return "same language"
        if self.spec.name == providers.LOCAL:
            missing = self._local_route(source)
            return f"provider error: {missing}" if missing else None
        if providers.provider_code(self.spec, source, text) is None:
            return f"provider error: {self.spec.label} does not translate {source!r}"
        return None

    def _local_route(self, source: str) -> str | None:
        """Why no installed model takes `source` to the target (asked once per language)."""
        if source not in self._routes:
            self._routes[source] = translate_local.missing_route(source, self.target)
        return self._routes[source]

    def routes(self) -> dict[str, str]:
        """How each source language sent was translated (local models): 'sr → en → de ...'."""
        installed = translate_local.models.list_models()
        notes = {}
        for source in sorted(
            {s for s, skip in zip(self.sources, self.skip, strict=True) if not skip}
        ):
            chain = translate_local.route(source, self.target, installed)
            if chain:
                notes[source] = translate_local.route_note(chain)
        return notes

    def _translator_names(self) -> dict[str, str]:
        """The translator recorded per source language: the provider, and for local models the
        models and their versions ("local sr-en@1.9+en-de@1.0")."""
        if self.spec.name != providers.LOCAL:
            return {}
        return {
            s: f"{self.spec.name} {translate_local.model_id(s, self.target)}".strip()
            for s in set(self.sources)
            if s
        }

    def _keys(self, i: int) -> list[Key]:
        return [(self.sources[i], piece) for piece in self.pieces[i][0]]

    def unique_keys(self) -> list[Key]:
        """Unique texts to translate, in corpus order (wire copies once)."""
        wanted = (key for i, skip in enumerate(self.skip) if skip is None for key in self._keys(i))
        return list(dict.fromkeys(wanted))

    def texts_by_source(self) -> dict[str, list[str]]:
        grouped: dict[str, list[str]] = {}
        for source, text in self.unique_keys():
            grouped.setdefault(source, []).append(text)
        return grouped

    def assemble(
        self,
        frame: pl.DataFrame,
        done: dict[Key, str],
        errors: dict[Key, str],
        fresh: set[Key],
    ) -> tuple[pl.DataFrame, dict[str, Any]]:
        """The paragraphs with translation columns filled, and the counts for the manifest."""
        translation: list[str | None] = []
        status: list[str] = []
        originals: list[str | None] = []
        for i, skip in enumerate(self.skip):
            keys = [] if skip else self._keys(i)
            if skip or not all(key in done for key in keys):
                lost = next((errors.get(k, "cancelled") for k in keys if k not in done), skip)
                translation.append(None)
                status.append(lost or "cancelled")
                originals.append(None)
                continue
            pieces, seps = self.pieces[i]
            parts = [done[key] for key in keys]
            text = "".join(p + s for p, s in zip(parts, [*seps, ""], strict=True))
            original = "".join(p + s for p, s in zip(pieces, [*seps, ""], strict=True))
            translation.append(text)
            status.append("translated" if any(k in fresh for k in keys) else "cached")
            originals.append(original)
        items = [
            (s, o, t) if o and t is not None else None
            for s, o, t in zip(self.sources, originals, translation, strict=True)
        ]
        judged = quality.judge(sorted({i for i in items if i is not None}), self.target)
        flagged = [judged[i] if i is not None else None for i in items]
        names = self._translator_names()
        translator = [
            names.get(s, self.spec.name) if t is not None else None
            for s, t in zip(self.sources, translation, strict=True)
        ]
        updated = frame.with_columns(
            pl.Series("translation", translation, dtype=pl.String),
            pl.Series("translator", translator, dtype=pl.String),
            pl.Series("translation_status", status, dtype=pl.String),
            pl.Series("quality", flagged, dtype=pl.List(pl.String)),
        )
        flags = Counter(flag for q in flagged if q for flag in q)
        counts: dict[str, Any] = {flag: flags.get(flag, 0) for flag in QUALITY_FLAGS}
        counts["status"] = dict(sorted(Counter(status).items()))
        return updated, counts


def _primary(code: str) -> str:
    return quality.primary(code)


def split_text(text: str, limit: int) -> tuple[list[str], list[str]]:
    """Pieces of at most `limit` characters, cut after a sentence end (else at a space, else
    anywhere), and the whitespace that separated them, so "".join interleaved restores the text."""
    pieces: list[str] = []
    seps: list[str] = []
    start = 0
    while len(text) - start > limit:
        window = text[start : start + limit + 1]
        cut = _last(_SENTENCE_GAP, window) or _last(_GAP, window) or (limit, limit)
        pieces.append(text[start : start + cut[0]])
        seps.append(text[start + cut[0] : start + cut[1]])
        start += cut[1]
    pieces.append(text[start:])
    return pieces, seps


_SENTENCE_GAP = re.compile(r"(?<=[.!?…;·])[\"'»”’)\]]*(\s+)")
_GAP = re.compile(r"(\s+)")


def _last(pattern: re.Pattern[str], window: str) -> tuple[int, int] | None:
    spans = [m.span(1) for m in pattern.finditer(window) if m.start(1) > 0]
    return spans[-1] if spans else None


def _unknown(name: str) -> str:
    return f"unknown translation provider {name!r}; choose one of {', '.join(PROVIDERS)}"
