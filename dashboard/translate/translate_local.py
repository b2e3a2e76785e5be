"""The `local` provider: neural translation on this machine's CPU with CTranslate2 + SentencePiece.

Models are the ones `newsprism models add` installed (dashboard/translate/models.py); nothing goes over the
network and nothing is downloaded. A pair with no direct model is pivoted through English
(sr -> en -> de) when both halves are installed. Texts are cut into sentences (long ones into
pieces under `_MAX_PIECE` characters) before translation and joined back with their original
spacing. One model is loaded per pair and kept in this process while it is used (the least
recently used one is dropped beyond `_KEEP`).
"""

from __future__ import annotations

import re
import threading
from collections import OrderedDict
from collections.abc import Sequence
from pathlib import Path

from dashboard.errors import NewsprismError
from dashboard.translate import models
from dashboard.translate.models import LoadedPair, ModelInfo, load_pair
from dashboard.translate.providers import RequestFailed

PIVOT = "en"
_KEEP = 4  # loaded pairs kept in memory at once
_MAX_PIECE = 400  # characters per piece sent to the model (its input is capped in tokens)
_BEAM = 2
_SENTENCE_GAP = re.compile(r"(?<=[.!?…;·])[\"'»”’)\]]*(\s+)")
_GAP = re.compile(r"\s+")


class _Loaded:
    """The models loaded in this process, shared by every run and thread, least recent first."""

    def __init__(self) -> None:
        self.pairs: OrderedDict[tuple[str, str], LoadedPair] = OrderedDict()
        self.lock = threading.Lock()
        self.calls = 0  # model calls (translate_batch) since the process started
        self.loads = 0

    def get(self, folder: Path, info: ModelInfo) -> LoadedPair:
        key = (str(folder), info.label)
        with self.lock:
            pair = self.pairs.get(key)
            if pair is None:
                pair = self.pairs[key] = load_pair(folder, info)
                self.loads += 1
                while len(self.pairs) > _KEEP:
                    self.pairs.popitem(last=False)
            self.pairs.move_to_end(key)
            return pair


LOADED = _Loaded()


def route(source: str, target: str, installed: Sequence[ModelInfo]) -> list[ModelInfo] | None:
    """The models that take `source` to `target`: a direct one, else two through English."""
    by_pair = {(m.source, m.target): m for m in installed}
    direct = by_pair.get((source, target))
    if direct is not None:
        return [direct]
    first, second = by_pair.get((source, PIVOT)), by_pair.get((PIVOT, target))
    if first is not None and second is not None:
        return [first, second]
    return None


def route_note(chain: Sequence[ModelInfo]) -> str:
    """How a pair is translated, for the page and the CLI: 'sr → en → de (pivot through ...)'."""
    steps = " → ".join([chain[0].source, *(m.target for m in chain)])
    return steps + (" (pivot through English: no direct model)" if len(chain) > 1 else "")


def model_id(source: str, target: str) -> str:
    """The models a pair is translated with, as recorded in the cache and the paragraphs
    ("sr-en@1.9+en-de@1.0"); "" when none is installed."""
    chain = route(source, target, models.list_models())
    return "+".join(m.label for m in chain) if chain else ""


def missing_route(source: str, target: str) -> str | None:
    """Why `source` cannot be translated to `target` with the installed models, or None."""
    installed = models.list_models()
    if route(source, target, installed) is not None:
        return None
    if not installed:
        return "no local model is installed (newsprism models add FILE)"
    return f"no local model translates {source!r} to {target!r}, directly or through English"


def setup_problem(target: str) -> str | None:
    """What stops the local provider from translating into `target` at all, or None."""
    try:
        import ctranslate2  # noqa: F401
        import sentencepiece  # noqa: F401
    except ImportError:
        return "the local provider needs the ctranslate2 and sentencepiece packages."
    installed = models.list_models()
    if not installed:
        return "no local model is installed: add one with `newsprism models add FILE`."
    if not any(m.target == target for m in installed):  # a pivot's second half ends there too
        return f"no installed local model translates into {target!r}."
    return None


class LocalClient:
    """Translates lists of texts with the installed models; raises RequestFailed like the others."""

    def __init__(self, target: str) -> None:
        self.target = target
        self.home = models.models_home()
        self.installed = models.list_models(self.home)

    def translate(self, texts: Sequence[str], source: str) -> list[str]:
        """Translations of `texts` from `source`, in order, through one or two installed models."""
        chain = route(source, self.target, self.installed)
        if chain is None:
            raise RequestFailed("rejected", missing_route(source, self.target) or "no model")
        out = list(texts)
        for info in chain:
            try:
                pair = LOADED.get(models.model_path(info, self.home), info)
            except NewsprismError as exc:
                raise RequestFailed("model", str(exc)) from None
            out = [self._text(pair, t) for t in out]
        return out

    def _text(self, pair: LoadedPair, text: str) -> str:
        pieces, seps = split_sentences(text)
        done = translate_pieces(pair, pieces)
        return "".join(p + s for p, s in zip(done, [*seps, ""], strict=True))

    def close(self) -> None:
        """Nothing to release: loaded models stay shared in this process (LOADED)."""


def translate_pieces(pair: LoadedPair, pieces: Sequence[str]) -> list[str]:
    """One model call for a list of sentences (or pieces); empty ones stay empty."""
    wanted = [i for i, p in enumerate(pieces) if p.strip()]
    out = ["" if not p.strip() else p for p in pieces]
    if not wanted:
        return out
    end = ["</s>"] if pair.info.source_eos else []
    tokens = [pair.source_sp.encode(pieces[i], out_type=str) + end for i in wanted]
    longest = max(len(t) for t in tokens)
    try:
        results = pair.translator.translate_batch(
            tokens,
            beam_size=_BEAM,
            max_batch_size=32,
            max_decoding_length=min(512, 2 * longest + 10),
        )
    except (RuntimeError, ValueError) as exc:
        raise RequestFailed("model", f"the local model {pair.info.name} failed: {exc}") from None
    with LOADED.lock:
        LOADED.calls += 1
    for i, result in zip(wanted, results, strict=True):
        out[i] = pair.target_sp.decode(result.hypotheses[0]).replace("⁇", "").strip()
    return out


def split_sentences(text: str) -> tuple[list[str], list[str]]:
    """Sentences (long ones cut at spaces under `_MAX_PIECE`) and the whitespace between them,
    so "".join interleaved restores the text."""
    pieces: list[str] = []
    seps: list[str] = []
    start = 0
    for match in _SENTENCE_GAP.finditer(text):
        _add(text[start : match.start(1)], pieces, seps)
        seps.append(match.group(1))
        start = match.end(1)
    _add(text[start:], pieces, seps)
    return pieces, seps


def _add(sentence: str, pieces: list[str], seps: list[str]) -> None:
    """Append one sentence, cut at spaces into pieces of at most `_MAX_PIECE` characters."""
    while len(sentence) > _MAX_PIECE:
        gaps = [m for m in _GAP.finditer(sentence, 0, _MAX_PIECE + 1) if m.start() > 0]
        cut = (gaps[-1].start(), gaps[-1].end()) if gaps else (_MAX_PIECE, _MAX_PIECE)
        pieces.append(sentence[: cut[0]])
        seps.append(sentence[cut[0] : cut[1]])
        sentence = sentence[cut[1] :]
    pieces.append(sentence)
