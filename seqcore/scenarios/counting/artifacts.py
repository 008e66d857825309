"""Counting: the typed record of what the page draws (plain lists of numbers, so a cached run needs no NumPy)."""

from __future__ import annotations

from dataclasses import dataclass

from seqcore.records import Record


@dataclass(frozen=True)
class Samples(Record):
    """The held-out sequences shown step by step (at the training length)."""

    bits: list[list[int]]  # (sequence, step)
    counts: list[list[int]]  # the true running count, (sequence, step)
    predicted: dict[str, list[list[float]]]  # variant → (sequence, step): the count it answers at each step
    hidden: dict[str, list[list[list[float]]]]  # variant → (sequence, step, unit): the LSTM's hidden state


@dataclass(frozen=True)
class SeedStream(Record):
    """The seed's example fed in chunks: the count after each chunk, state carried or restarted."""

    chunks: list[list[int]]
    carried: list[float]
    restarted: list[float]


@dataclass(frozen=True)
class Artifacts(Record):
    lengths: list[int]  # 1 .. the longest length evaluated
    train_length: int
    mse_by_length: dict[str, list[float]]  # variant → MSE of the count at each length in ``lengths``
    samples: Samples
    seed_stream: SeedStream
    # variant → the trainer's thinned live snapshots: {"epoch", "bits", "counts", "predicted"} (sequence, step)
    replay: dict[str, list[dict]]
