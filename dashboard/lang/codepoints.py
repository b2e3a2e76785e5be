"""A text as the array of its code points, and a value for each code point looked up in a table:
the gathers that stand for character-by-character work over whole texts (str.translate, a count
of matches a class, a reading's characters looked up one by one), written once."""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np


def of(text: str) -> np.ndarray:
    """The code points of `text` (uint32; a lone surrogate is kept as its code point)."""
    return np.frombuffer(text.encode("utf-32-le", "surrogatepass"), np.uint32)


def text_of(codes: np.ndarray) -> str:
    """The text of `codes` (what `of` read)."""
    return codes.astype(np.uint32, copy=False).tobytes().decode("utf-32-le", "surrogatepass")


def by_table(
    codes: np.ndarray, table: np.ndarray, rest: Callable[[list[int]], Sequence[int] | np.ndarray]
) -> np.ndarray:
    """The value of each code point, of `table`'s dtype: those below table.size in one gather
    from `table`, the others asked of `rest` (a list of distinct code points in, their values
    out), once each. In a table of signed values, -1 is a value not known yet: `rest` is asked
    for it the first time it is met, and the table keeps it."""
    small = codes < table.size
    inside = codes if small.all() else codes[small]
    values = table[inside]
    if table.dtype.kind == "i" and (values < 0).any():
        missing = np.unique(inside[values < 0])
        table[missing] = rest(missing.tolist())
        values = table[inside]
    if inside is codes:
        return values
    found = np.empty(codes.size, table.dtype)
    found[small] = values
    rare, back = np.unique(codes[~small], return_inverse=True)
    found[~small] = np.asarray(rest(rare.tolist()), table.dtype)[back]
    return found
