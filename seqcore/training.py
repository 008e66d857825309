"""A small trainer that knows nothing of models: seeding, per-epoch progress, cancellation.

Determinism is explicit. Keras' global seed is per thread and breaks when two runs share a process, so every
layer gets its own seeded initializer from :class:`LayerSeeds`, and the batch order comes from our own NumPy
generator. Same config and seed → same weights → same metrics, also with two runs at once in threads.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass, field
from typing import Any, Callable

import numpy as np

ProgressFn = Callable[[dict], None]


class Cancelled(Exception):
    """Raised inside a run when its cancel token is set; nothing of the run is kept."""


class CancelToken:
    """Set from any thread; checked by the trainer between epochs."""

    def __init__(self) -> None:
        self._event = threading.Event()

    def cancel(self) -> None:
        self._event.set()

    @property
    def cancelled(self) -> bool:
        return self._event.is_set()

    def raise_if_cancelled(self) -> None:
        if self._event.is_set():
            raise Cancelled("the run was cancelled")


class LayerSeeds:
    """Hands out distinct, reproducible initializers: one seed stream per model."""

    def __init__(self, seed: int) -> None:
        self._next = int(seed) * 1000

    def _seed(self) -> int:
        self._next += 1
        return self._next

    def dense(self) -> dict[str, Any]:
        import keras
        return {"kernel_initializer": keras.initializers.GlorotUniform(seed=self._seed())}

    def recurrent(self) -> dict[str, Any]:
        import keras
        return {"kernel_initializer": keras.initializers.GlorotUniform(seed=self._seed()),
                "recurrent_initializer": keras.initializers.Orthogonal(seed=self._seed())}

    def dropout(self) -> dict[str, Any]:
        return {"seed": self._seed()}


@dataclass
class ProgressTracker:
    """Turns per-variant epochs into one overall fraction for a run that trains several variants."""

    progress: ProgressFn | None
    variants: list[str]
    started: float = field(default_factory=time.perf_counter)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)  # variants may train in threads

    def __post_init__(self) -> None:
        self._done = {variant: 0.0 for variant in self.variants}

    def report(self, variant: str, epoch: int, epochs: int, logs: dict[str, float]) -> None:
        if self.progress is None:
            return
        self._done[variant] = epoch / max(epochs, 1)  # works whether variants run in turn or side by side
        fraction = sum(self._done.values()) / max(len(self._done), 1)
        event = {"variant": variant, "epoch": epoch, "epochs": epochs,
                       "logs": {k: float(v) for k, v in logs.items()},
                       "fraction": min(fraction, 1.0), "elapsed": time.perf_counter() - self.started}
        with self._lock:
            self.progress(event)


def fit(model: Any, x: Any, y: Any, *, epochs: int, batch_size: int, seed: int,
        on_epoch: Callable[[int, dict[str, float]], None] | None = None,
        evaluate: Callable[[], dict[str, float]] | None = None,
        validation_data: tuple[Any, Any] | None = None,
        cancel: CancelToken | None = None) -> list[dict[str, float]]:
    """Train ``model`` epoch by epoch with a seeded batch order.

    ``validation_data`` is scored by keras each epoch (``val_*`` logs); ``evaluate`` adds extra per-epoch numbers (validation scores) to the logs; ``on_epoch(epoch, logs)`` is
    called after each epoch (1-based). Returns the per-epoch logs. Raises :class:`Cancelled` when ``cancel``
    is set between epochs.
    """
    if epochs < 1:
        raise ValueError(f"epochs: must be at least 1; received {epochs}")
    if batch_size < 1:
        raise ValueError(f"batch_size: must be at least 1; received {batch_size}")
    order_rng = np.random.default_rng(seed)
    count = len(x[0]) if isinstance(x, (list, tuple)) else len(x)
    history: list[dict[str, float]] = []
    for epoch in range(1, epochs + 1):
        if cancel is not None:
            cancel.raise_if_cancelled()
        order = order_rng.permutation(count)
        inputs = [part[order] for part in x] if isinstance(x, (list, tuple)) else x[order]
        fitted = model.fit(inputs, y[order], batch_size=batch_size, epochs=1, shuffle=False, verbose=0,
                           validation_data=validation_data)
        logs = {name: float(values[-1]) for name, values in fitted.history.items()}
        if evaluate is not None:
            logs.update(evaluate())
        history.append(logs)
        if on_epoch is not None:
            on_epoch(epoch, logs)
    return history
