"""A tiny translation model built in the test itself, packaged like an Argos Translate package.

A SentencePiece model trained on the seeds and a one-layer CTranslate2 Transformer whose weights
are set through CTranslate2's model specification API (random, seeded): its output is nonsense,
which is all the plumbing tests need, and nothing is downloaded.
"""

from __future__ import annotations

import json
import shutil
import zipfile
from pathlib import Path

import numpy as np

SEEDS = Path(__file__).resolve().parents[1] / "seeds"
DIM, FFN, HEADS = 16, 32, 2


def train_sentencepiece(folder: Path, vocab_size: int = 200) -> Path:
    """A SentencePiece model trained on the seeds' text, written to folder/sentencepiece.model."""
    import sentencepiece as spm

    folder.mkdir(parents=True, exist_ok=True)
    corpus = folder / "corpus.txt"
    lines = [
        line.strip()
        for path in sorted(SEEDS.glob("*.txt"))
        for line in path.read_text(encoding="utf-8").splitlines()
        if line.strip()
    ]
    corpus.write_text("\n".join(lines), encoding="utf-8")
    prefix = folder / "sentencepiece"
    spm.SentencePieceTrainer.train(
        input=str(corpus),
        model_prefix=str(prefix),
        vocab_size=vocab_size,
        character_coverage=1.0,
        minloglevel=2,
    )
    corpus.unlink()
    return prefix.with_suffix(".model")


def build_ct2_model(folder: Path, sp_model: Path, seed: int = 0) -> Path:
    """A one-layer Transformer over the SentencePiece vocabulary, saved as a CTranslate2 folder."""
    import ctranslate2
    import sentencepiece as spm

    processor = spm.SentencePieceProcessor(model_file=str(sp_model))
    pieces = [processor.id_to_piece(i) for i in range(processor.get_piece_size())]
    # CTranslate2's special tokens, as OPUS-MT and Argos vocabularies carry them
    vocab = ["<unk>", "<s>", "</s>", *[p for p in pieces if p not in ("<unk>", "<s>", "</s>")]]
    spec = ctranslate2.specs.TransformerSpec.from_config(1, HEADS)
    rng = np.random.default_rng(seed)

    def fill(_layer: object, name: str, value: object) -> None:
        if value is None:
            _set(spec, name, _weight(name, len(vocab), rng))

    spec._visit(fill)
    spec.register_source_vocabulary(vocab)
    spec.register_target_vocabulary(vocab)
    spec.validate()
    spec.optimize()
    folder.mkdir(parents=True, exist_ok=True)
    spec.save(str(folder))
    return folder


def _weight(name: str, vocab: int, rng: np.random.Generator) -> np.ndarray:
    """A float32 array of the shape the variable `name` needs."""
    if name.endswith("gamma"):
        return np.ones(DIM, dtype=np.float32)
    if name.endswith("beta"):
        return np.zeros(DIM, dtype=np.float32)
    if "embeddings" in name or "projection" in name:
        shape: tuple[int, ...] = (vocab, DIM)
    elif "ffn/linear_0" in name:
        shape = (FFN, DIM)
    elif "ffn/linear_1" in name:
        shape = (DIM, FFN)
    elif "self_attention/linear_0" in name:
        shape = (3 * DIM, DIM)  # queries, keys and values fused
    elif "/attention/linear_1" in name:
        shape = (2 * DIM, DIM)  # keys and values over the encoder's output
    else:
        shape = (DIM, DIM)
    return (rng.standard_normal(shape) * 0.3).astype(np.float32)


def _set(spec: object, name: str, value: np.ndarray) -> None:
    """Set the variable at scope path `name` ("decoder/layer_0/ffn/linear_0/weight")."""
    *scopes, attr = name.split("/")
    layer = spec
    for scope in scopes:
        head, _, index = scope.rpartition("_")
        if index.isdigit() and not hasattr(layer, scope):
            layer = getattr(layer, head)[int(index)]
        else:
            layer = getattr(layer, scope)
    setattr(layer, attr, value)


def argos_package(
    out: Path, source: str, target: str, work: Path, version: str = "0.1", seed: int = 0
) -> Path:
    """An `.argosmodel` zip for source -> target: metadata.json, model/, sentencepiece.model."""
    root = work / f"translate-{source}_{target}-{version.replace('.', '_')}"
    if root.exists():
        shutil.rmtree(root)
    sp_model = train_sentencepiece(root)
    build_ct2_model(root / "model", sp_model, seed)
    metadata = {
        "package_version": version,
        "argos_version": "1.9.0",
        "from_code": source,
        "from_name": source,
        "to_code": target,
        "to_name": target,
        "package_type": "translate",
    }
    (root / "metadata.json").write_text(json.dumps(metadata), encoding="utf-8")
    out.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(out, "w") as zf:
        for path in sorted(root.rglob("*")):
            zf.write(path, path.relative_to(work).as_posix())
    return out
