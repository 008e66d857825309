"""THE trainer: seeded batching, cancel and time limit — and nothing about models.

Every scenario trains through :func:`train`. It takes one of two kinds of step:

* :class:`KerasStep` — a compiled ``keras.Model``: keras' own compiled train step on each of our seeded batches
  (keras' shuffle is seeded per thread, so we draw the orders ourselves);
* any callable ``step(inputs, targets) -> {name: scalar tensor}`` — a custom step (a ``tf.function``) for
  training that ``fit`` cannot express: teacher forcing's feedback, several models updated in one step.

Both visit the same batches in the same order (:func:`epoch_order`), keep the last partial batch, and after
each epoch do the same things in the same order: add ``evaluate()``'s numbers to the logs, take a ``snapshot()``
of predictions for the live chart, report one progress event (its shape and the replay's snapshots live in
:mod:`seqcore.progress_events`), then check cancel and the time limit. Before the first epoch they report the
untrained models' snapshot (epoch 0, no logs): the first epoch includes tracing the step and may take seconds,
and the visitor should see the live chart at once.

Determinism is explicit. Keras' global seed is per thread and breaks when two runs share a process, so every
layer gets its own seeded initializer from :class:`LayerSeeds`, and the batch order comes from
``default_rng([seed, BATCH_ORDER_STREAM, *stream])``. Same config and seed → same weights → same metrics, also
with two runs at once in threads.
"""

from __future__ import annotations

import math
import threading
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from seqcore.progress_events import ProgressTracker

BATCH_ORDER_STREAM = 101  # the one seed convention for batch orders: default_rng([seed, 101, *stream])


class Cancelled(Exception):
    """Raised inside a run when its cancel token is set; nothing of the run is kept."""


class TimeLimitExceeded(Exception):
    """Raised inside a run that trained past its time limit."""


class CancelToken:
    """Set from any thread; checked by the trainer between steps. Optionally also a deadline."""

    def __init__(self, time_limit_s: float | None = None) -> None:
        self._event = threading.Event()
        self._deadline = time.monotonic() + time_limit_s if time_limit_s else None
        self._time_limit_s = time_limit_s

    def cancel(self) -> None:
        self._event.set()

    @property
    def cancelled(self) -> bool:
        return self._event.is_set()

    def raise_if_cancelled(self) -> None:
        if self._event.is_set():
            raise Cancelled("the run was cancelled")
        if self._deadline is not None and time.monotonic() > self._deadline:
            raise TimeLimitExceeded(f"the run took longer than {self._time_limit_s:.0f} s")


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

        return {
            "kernel_initializer": keras.initializers.GlorotUniform(seed=self._seed()),
            "recurrent_initializer": keras.initializers.Orthogonal(seed=self._seed()),
        }

    def dropout(self) -> dict[str, Any]:
        return {"seed": self._seed()}


def cosine_schedule(learning_rate: float, total_steps: int, floor: float = 0.05) -> Any:
    """The one learning-rate schedule: cosine decay from ``learning_rate`` to ``floor`` × it at the last step."""
    import keras

    return keras.optimizers.schedules.CosineDecay(learning_rate, decay_steps=max(int(total_steps), 1), alpha=floor)


def steps_per_epoch(count: int, batch_size: int) -> int:
    """Batches in one epoch; the last, partial batch counts (it is trained on)."""
    return math.ceil(count / batch_size)


def epoch_order(seed: int, epochs: int, count: int, stream: Sequence[int] = ()) -> np.ndarray:
    """Every epoch's permutation of ``count`` rows, shape (epochs, count), from the one seed convention."""
    rng = np.random.default_rng([int(seed), BATCH_ORDER_STREAM, *[int(s) for s in stream]])
    return np.stack([rng.permutation(count) for _ in range(epochs)])


def take(structure: Any, rows: np.ndarray) -> Any:
    """``structure`` (an array, or a list/tuple/dict of arrays) restricted to ``rows``."""
    if isinstance(structure, Mapping):
        return {key: take(value, rows) for key, value in structure.items()}
    if isinstance(structure, (list, tuple)):
        return type(structure)(take(value, rows) for value in structure)
    return structure[rows]


def _row_count(structure: Any) -> int:
    if isinstance(structure, Mapping):
        return _row_count(next(iter(structure.values())))
    if isinstance(structure, (list, tuple)):
        return _row_count(structure[0])
    return len(structure)


class KerasStep:
    """A compiled ``keras.Model`` as a training step: keras' own compiled train step, one batch per call (its
    loss and metrics on that batch, so the epoch's logs are their mean weighted by batch size, as ``fit``'s).

    Per batch rather than one ``fit``: measured on the 2-core box, ``fit``'s input pipeline made three variants
    trained side by side in threads (Event timing) about 1.5× slower, with the same weights either way."""

    def __init__(self, model: Any) -> None:
        if getattr(model, "optimizer", None) is None:
            raise ValueError(f"model: must be compiled before training; received an uncompiled {model.name!r}")
        self.model = model

    def __call__(self, inputs: Any, targets: Any) -> Mapping[str, Any]:
        return self.model.train_on_batch(inputs, targets, return_dict=True)


@dataclass
class _EpochEnd:
    """What happens after every epoch, the same for both kinds of step."""

    variants: tuple[str, ...]
    epochs: int
    tracker: ProgressTracker | None
    evaluate: Callable[[], Mapping[str, float]] | None
    snapshot: Callable[[], Any] | None
    cancel: Any
    history: dict[str, list[dict[str, float]]] = field(default_factory=dict)

    def __call__(self, epoch: int, logs: Mapping[str, float]) -> None:
        logs = {name: float(value) for name, value in logs.items()}
        if self.evaluate is not None:
            logs.update({name: float(value) for name, value in self.evaluate().items()})
        by_variant = _split_logs(logs, self.variants)
        snapshots = None
        if (
            self.snapshot is not None
            and self.tracker is not None
            and self.tracker.wants_snapshot(self.variants[0], epoch, self.epochs)
        ):
            snapshots = _split_snapshot(self.snapshot(), self.variants)
        for variant in self.variants:
            self.history.setdefault(variant, []).append(by_variant[variant])
            if self.tracker is not None:
                self.tracker.report(
                    variant, epoch, self.epochs, by_variant[variant], snapshots.get(variant) if snapshots else None
                )
        if self.cancel is not None:
            self.cancel.raise_if_cancelled()


def _split_logs(logs: Mapping[str, float], variants: tuple[str, ...]) -> dict[str, dict[str, float]]:
    """One variant: its logs as they are. Several (one step trains them together): keys "<variant>/<name>"."""
    if len(variants) == 1:
        return {variants[0]: dict(logs)}
    out: dict[str, dict[str, float]] = {variant: {} for variant in variants}
    for key, value in logs.items():
        variant, _, name = key.partition("/")
        if variant not in out or not name:
            raise ValueError(
                f"logs: a step that trains {', '.join(variants)} must name each value "
                f"'<variant>/<name>'; received {key!r}"
            )
        out[variant][name] = value
    return out


def _split_snapshot(snapshot: Any, variants: tuple[str, ...]) -> dict[str, dict]:
    """One variant: the snapshot is its own. Several: ``snapshot()`` returns one dict per variant."""
    return {variants[0]: snapshot} if len(variants) == 1 else {v: snapshot[v] for v in variants}


def train(
    step: KerasStep | Callable[[Any, Any], Mapping[str, Any]],
    inputs: Any,
    targets: Any,
    *,
    variants: str | Sequence[str],
    epochs: int,
    batch_size: int,
    seed: int,
    stream: Sequence[int] = (),
    tracker: ProgressTracker | None = None,
    cancel: Any = None,
    evaluate: Callable[[], Mapping[str, float]] | None = None,
    snapshot: Callable[[], Any] | None = None,
    epoch_data: Callable[[int], tuple[Any, Any]] | None = None,
) -> dict[str, list[dict[str, float]]]:
    """Train for ``epochs`` passes over ``(inputs, targets)`` in seeded batches; returns per-variant epoch logs.

    ``inputs``/``targets`` are arrays or lists/tuples/dicts of arrays with the same number of rows. A custom
    step may get fresh data every epoch from ``epoch_data(epoch)`` (then ``inputs``/``targets`` give the row
    count only). ``variants`` names what this step trains: one name, or several when one step trains several
    models (its logs are then keyed ``"<variant>/<name>"`` and ``snapshot()`` returns one dict per variant).
    ``evaluate()`` adds held-out numbers to each epoch's logs; ``snapshot()`` returns a small JSON-able dict of
    predictions on the shown samples for the live chart. ``stream`` separates batch orders of runs that share
    a seed but must not share an order. Raises :class:`Cancelled` (or :class:`TimeLimitExceeded`) from
    ``cancel`` between steps.
    """
    if epochs < 1:
        raise ValueError(f"epochs: must be at least 1; received {epochs}")
    if batch_size < 1:
        raise ValueError(f"batch_size: must be at least 1; received {batch_size}")
    variants = (variants,) if isinstance(variants, str) else tuple(variants)
    if cancel is not None:
        cancel.raise_if_cancelled()
    count = _row_count(inputs)
    orders = epoch_order(seed, epochs, count, stream)
    end = _EpochEnd(variants, epochs, tracker, evaluate, snapshot, cancel)
    if isinstance(step, KerasStep) and epoch_data is not None:
        raise ValueError("epoch_data: only a custom step can take fresh data every epoch; received a KerasStep")
    if snapshot is not None and tracker is not None and tracker.progress is not None:
        for variant, taken in _split_snapshot(snapshot(), variants).items():
            tracker.before_training(variant, epochs, taken)
    _fit(step, inputs, targets, orders, batch_size, end, cancel, epoch_data)
    return end.history


def _fit(
    step: Callable[[Any, Any], Mapping[str, Any]],
    inputs: Any,
    targets: Any,
    orders: np.ndarray,
    batch_size: int,
    end: _EpochEnd,
    cancel: Any,
    epoch_data: Callable[[int], tuple[Any, Any]] | None,
) -> None:
    for epoch, order in enumerate(orders, start=1):
        if epoch_data is not None:
            inputs, targets = epoch_data(epoch)
        results = []
        for begin in range(0, len(order), batch_size):
            if cancel is not None:
                cancel.raise_if_cancelled()
            rows = order[begin : begin + batch_size]
            results.append((len(rows), step(take(inputs, rows), take(targets, rows))))
        # Read values back once per epoch (no device sync per step); the mean is weighted by batch size.
        total = sum(size for size, _ in results)
        logs = {name: sum(size * float(values[name]) for size, values in results) / total for name in results[0][1]}
        end(epoch, logs)
