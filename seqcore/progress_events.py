"""The events a run streams — one shape — and the snapshots it keeps for the replay.

:func:`seqcore.training.train` reports through a :class:`ProgressTracker`: one event per variant before training
(epoch 0, the untrained models' predictions) and after every epoch. Kept apart from the trainer so this part stays
light (no TensorFlow) and the trainer stays one job.

The progress event (one shape for every scenario)::

    {"variant": str, "epoch": int (0 = before training, then 1-based), "epochs": int, "logs": {name: float}
     ({} at epoch 0), "fraction": float (whole run, 0..1), "elapsed": float (s), "snapshot": dict | None}
"""

from __future__ import annotations

import math
import threading
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

ProgressFn = Callable[[dict], None]
SNAPSHOT_INTERVAL_S = 0.5  # live predictions at most about twice a second (the last epoch always)
MAX_REPLAY_SNAPSHOTS = 30  # kept in a result for the epoch slider, thinned evenly


@dataclass
class ProgressTracker:
    """One run's progress: turns per-variant epochs into one overall fraction and one event shape, and keeps
    an evenly thinned set of live snapshots for the result's replay. Thread-safe (variants may train in
    threads)."""

    progress: ProgressFn | None
    variants: list[str]
    started: float = field(default_factory=time.perf_counter)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def __post_init__(self) -> None:
        self._done = {variant: 0.0 for variant in self.variants}
        self._last_snapshot = {variant: -math.inf for variant in self.variants}
        self.snapshots: dict[str, list[dict]] = {variant: [] for variant in self.variants}

    def before_training(self, variant: str, epochs: int, snapshot: dict) -> None:
        """The untrained model's predictions (epoch 0): streamed for the live chart, not kept for the replay."""
        with self._lock:
            self._send(variant, 0, epochs, {}, snapshot)

    def wants_snapshot(self, variant: str, epoch: int, epochs: int) -> bool:
        """Live predictions are taken at most every SNAPSHOT_INTERVAL_S, and always at the first and last epoch."""
        if epoch in (1, epochs):
            return True
        with self._lock:
            return time.perf_counter() - self._last_snapshot.get(variant, -math.inf) >= SNAPSHOT_INTERVAL_S

    def report(
        self, variant: str, epoch: int, epochs: int, logs: Mapping[str, float], snapshot: dict | None = None
    ) -> None:
        with self._lock:  # the fraction reads every variant's progress: compute it under the lock
            self._done[variant] = epoch / max(epochs, 1)  # whether variants run in turn or side by side
            if snapshot is not None:
                self._last_snapshot[variant] = time.perf_counter()
                self.snapshots.setdefault(variant, []).append({"epoch": int(epoch), **snapshot})
            self._send(variant, epoch, epochs, logs, snapshot)

    def _send(self, variant: str, epoch: int, epochs: int, logs: Mapping[str, float], snapshot: dict | None) -> None:
        """One progress event in the one shape (call with the lock held)."""
        if self.progress is None:
            return
        self.progress(
            {
                "variant": variant,
                "epoch": int(epoch),
                "epochs": int(epochs),
                "logs": {name: float(value) for name, value in logs.items()},
                "fraction": min(sum(self._done.values()) / max(len(self._done), 1), 1.0),
                "elapsed": time.perf_counter() - self.started,
                "snapshot": snapshot,
            }
        )

    def replay(self, limit: int = MAX_REPLAY_SNAPSHOTS) -> dict[str, list[dict]]:
        """The kept snapshots by variant, at most ``limit`` each, thinned evenly (first and last kept)."""
        with self._lock:
            return {variant: thin(kept, limit) for variant, kept in self.snapshots.items()}


def thin(items: Sequence[Any], limit: int) -> list[Any]:
    """At most ``limit`` items, evenly spread, always keeping the first and the last."""
    if limit < 1:
        raise ValueError(f"limit: must be at least 1; received {limit}")
    if len(items) <= limit:
        return list(items)
    if limit == 1:
        return [items[-1]]
    picks = np.unique(np.round(np.linspace(0, len(items) - 1, limit)).astype(int))
    return [items[i] for i in picks]
