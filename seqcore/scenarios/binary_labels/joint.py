"""Training several independent keras models in one compiled step: the same updates, one trace for all.

The variants of this page share nothing but their input: each has its own weights and its own loss. Their
summed loss has, for each model's weights, exactly that model's own gradient (the other terms do not depend
on them), and Adam updates every weight from its own gradient history alone. So one step on the sum, with one
Adam, is the same arithmetic as one step of each model on its own with the same batch — but TensorFlow
traces one graph instead of three and runs the three recurrent loops side by side. Batches come in the order
of our own seeded NumPy generator; the step is traced once (any batch size, any window length).

Why a hand-written step rather than ``model.fit``: on this page's small windows, tracing and per-call overhead
of ``fit`` cost more than the training itself (it took 1.5–2× as long to the same weights on a 2-core CPU).
"""

from __future__ import annotations

from typing import Callable, Mapping

import keras
import numpy as np
import tensorflow as tf

from seqcore.training import CancelToken

EpochFn = Callable[[int, dict[str, dict[str, float]]], None]
EpochData = Callable[[int], tuple[np.ndarray, Mapping[str, np.ndarray]]]


class JointTrainer:
    """One Adam and one compiled train step over ``models`` (variant → keras.Model), each with its loss."""

    def __init__(self, models: Mapping[str, keras.Model], losses: Mapping[str, keras.losses.Loss], *,
                 learning_rate: float, total_steps: int, target_specs: Mapping[str, tf.TensorSpec]) -> None:
        if set(models) != set(losses) or set(models) != set(target_specs):
            raise ValueError(f"losses: must name the same variants as models {sorted(models)}; "
                             f"received {sorted(losses)} and targets {sorted(target_specs)}")
        self.models, self.losses = dict(models), dict(losses)
        self.variables = [w for model in self.models.values() for w in model.trainable_variables]
        schedule = keras.optimizers.schedules.CosineDecay(learning_rate, decay_steps=max(total_steps, 1),
                                                          alpha=0.05)
        self.optimizer = keras.optimizers.Adam(schedule)
        self.optimizer.build(self.variables)
        inputs = tf.TensorSpec([None, None, 1], tf.float32)
        self._step = tf.function(self._train_step, input_signature=[inputs, dict(target_specs)])
        self._predict = tf.function(self._outputs, input_signature=[inputs])

    def _outputs(self, x):
        return {v: model(x, training=False) for v, model in self.models.items()}

    def _train_step(self, x, targets):
        with tf.GradientTape() as tape:
            losses = {v: self.losses[v](targets[v], self.models[v](x, training=True)) for v in self.models}
            total = tf.add_n(list(losses.values()))
        gradients = tape.gradient(total, self.variables)
        self.optimizer.apply(gradients, self.variables)
        return losses

    def predict(self, x: np.ndarray) -> dict[str, np.ndarray]:
        """Every model's output on ``x`` (inference mode), as NumPy arrays."""
        return {v: np.asarray(value) for v, value in self._predict(np.asarray(x, np.float32)).items()}

    def score(self, x: np.ndarray, targets: Mapping[str, np.ndarray]) -> dict[str, float]:
        """Each model's loss on (x, targets), without training."""
        outputs = self.predict(x)
        return {v: float(self.losses[v](targets[v], outputs[v])) for v in self.models}

    def fit(self, epoch_data: EpochData, *, epochs: int, batch_size: int, seed: int,
            on_epoch: EpochFn | None = None, evaluate: Callable[[], dict[str, float]] | None = None,
            cancel: CancelToken | None = None) -> dict[str, list[dict[str, float]]]:
        """Train every model for ``epochs`` passes; returns per-variant per-epoch logs.

        ``epoch_data(epoch)`` gives that epoch's inputs (windows, steps, 1) and targets by variant (fresh noise
        can be drawn for every epoch); the windows are visited in an order drawn from ``seed``.

        Logs hold ``loss`` (the mean training loss over the epoch's batches) and, with ``evaluate`` (variant →
        held-out loss), ``held_out_loss``. ``on_epoch(epoch, logs_by_variant)`` runs after each epoch (1-based).
        """
        if epochs < 1:
            raise ValueError(f"epochs: must be at least 1; received {epochs}")
        if batch_size < 1:
            raise ValueError(f"batch_size: must be at least 1; received {batch_size}")
        order_rng = np.random.default_rng(seed)
        history: dict[str, list[dict[str, float]]] = {v: [] for v in self.models}
        for epoch in range(1, epochs + 1):
            if cancel is not None:
                cancel.raise_if_cancelled()
            x, targets = epoch_data(epoch)
            order = order_rng.permutation(len(x))
            sums = {v: 0.0 for v in self.models}
            batches = []
            for begin in range(0, len(x), batch_size):
                index = order[begin:begin + batch_size]
                batches.append(self._step(x[index], {v: t[index] for v, t in targets.items()}))
            for losses in batches:  # read back once per epoch: no device sync per step
                for v, value in losses.items():
                    sums[v] += float(value)
            held_out = evaluate() if evaluate is not None else {}
            logs = {}
            for v in self.models:
                logs[v] = {"loss": sums[v] / len(batches)}
                if v in held_out:
                    logs[v]["held_out_loss"] = held_out[v]
                history[v].append(logs[v])
            if on_epoch is not None:
                on_epoch(epoch, logs)
        return history
