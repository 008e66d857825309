"""Counting: seeded 0/1 sequences with total-count and running-count targets (NumPy only)."""

from __future__ import annotations

import numpy as np


def bit_sequences(*, count: int, length: int, rng: np.random.Generator) -> np.ndarray:
    """``count`` random 0/1 sequences, shape (count, length, 1), float32."""
    return rng.integers(0, 2, size=(count, length, 1)).astype(np.float32)


def running_counts(bits: np.ndarray) -> np.ndarray:
    """The count of ones so far at every step: the many-to-many target, same shape as ``bits``."""
    return np.cumsum(bits, axis=1, dtype=np.float32)


def total_counts(bits: np.ndarray) -> np.ndarray:
    """The count of ones in each whole sequence: the many-to-one target, shape (count, 1)."""
    return bits.sum(axis=1, dtype=np.float32)


def random_chunking(length: int, rng: np.random.Generator, max_chunks: int = 5) -> list[int]:
    """Cut points splitting ``length`` steps into 1..max_chunks non-empty chunks."""
    chunks = int(rng.integers(1, min(max_chunks, length) + 1))
    cuts = np.sort(rng.choice(np.arange(1, length), size=chunks - 1, replace=False)) if chunks > 1 else []
    return [int(c) for c in cuts]


MAX_STREAM_CHUNKS = 10
MAX_STREAM_BITS = 40
MAX_STREAM_TEXT = 100  # characters: 40 bits in 10 chunks with separators fit easily


def parse_chunks(text: str) -> tuple[list[list[int]], str]:
    """Visitor input like ``"111 101"`` → ([[1,1,1],[1,0,1]], '') or ([], a reason it was refused)."""
    text = str(text)
    if len(text) > MAX_STREAM_TEXT:  # checked first: nothing longer is parsed
        return [], f"Too long: at most {MAX_STREAM_TEXT} characters, please; received {len(text)}."
    words = text.replace(",", " ").split()
    if not words:
        return [], "Type at least one chunk of 0s and 1s, e.g. 111 101."
    if len(words) > MAX_STREAM_CHUNKS:
        return [], f"At most {MAX_STREAM_CHUNKS} chunks, please; received {len(words)}."
    if any(set(word) - {"0", "1"} for word in words):
        return [], "Chunks may contain only the digits 0 and 1, separated by spaces."
    if sum(len(word) for word in words) > MAX_STREAM_BITS:
        return [], f"At most {MAX_STREAM_BITS} bits in all, please: the model was not trained far beyond that."
    return [[int(ch) for ch in word] for word in words], ""
