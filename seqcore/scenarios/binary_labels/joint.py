"""A custom train step for :func:`seqcore.training.train` that updates several independent models at once.

The variants of this page share nothing but their input: each has its own weights and its own loss. Their
summed loss has, for each model's weights, exactly that model's own gradient (the other terms do not depend
on them), and Adam updates every weight from its own gradient history alone. So one step on the sum, with one
Adam, is the same arithmetic as one step of each model on its own with the same batch — but TensorFlow
traces one graph instead of three and runs the three recurrent loops side by side. The step is traced once
(any batch size, any window length); the trainer feeds it its seeded batches.

Why a custom step rather than ``model.fit``: on this page's small windows, tracing and per-call overhead
of ``fit`` cost more than the training itself (it took 1.5–2× as long to the same weights on a 2-core CPU).
"""

from __future__ import annotations

from collections.abc import Mapping

import keras
import numpy as np
import tensorflow as tf

from seqcore.scenarios.binary_labels.encodings import head
from seqcore.training import cosine_schedule


class JointStep:
    """One Adam and one compiled train step over ``models`` (variant → keras.Model), each with its own loss.

    Called with a batch ``(inputs, targets by variant)``, it returns each model's loss on it, keyed
    ``"<variant>/loss"`` (just ``"loss"`` when it trains one model), as :func:`seqcore.training.train` expects.
    """

    def __init__(
        self, models: Mapping[str, keras.Model], *, learning_rate: float, total_steps: int, compiled: bool = True
    ) -> None:
        self.models = dict(models)
        self.losses = {variant: head(variant).make_loss() for variant in self.models}
        self.variables = [w for model in self.models.values() for w in model.trainable_variables]
        self.optimizer = keras.optimizers.Adam(cosine_schedule(learning_rate, total_steps))
        self.optimizer.build(self.variables)
        inputs = tf.TensorSpec([None, None, 1], tf.float32)
        targets = {variant: tf.TensorSpec(*head(variant).target_shape_and_dtype()) for variant in self.models}
        # compiled=False runs the same arithmetic eagerly: for a step expected to fail at once, and a model
        # only ever asked a few predictions, tracing costs more than the work.
        self._step = tf.function(self._train_step, input_signature=[inputs, targets]) if compiled else self._train_step
        self._predict = tf.function(self._outputs, input_signature=[inputs]) if compiled else self._outputs

    def name(self, variant: str, value: str) -> str:
        """The log key of ``value`` for ``variant``: prefixed only when this step trains several models."""
        return f"{variant}/{value}" if len(self.models) > 1 else value

    def _outputs(self, x):
        return {variant: model(x, training=False) for variant, model in self.models.items()}

    def _train_step(self, x, targets):
        with tf.GradientTape() as tape:
            losses = {
                variant: self.losses[variant](targets[variant], model(x, training=True))
                for variant, model in self.models.items()
            }
            total = tf.add_n(list(losses.values()))
        self.optimizer.apply(tape.gradient(total, self.variables), self.variables)
        return {self.name(variant, "loss"): value for variant, value in losses.items()}

    def __call__(self, inputs: np.ndarray, targets: Mapping[str, np.ndarray]) -> dict[str, tf.Tensor]:
        return self._step(inputs, dict(targets))

    def predict(self, x: np.ndarray) -> dict[str, np.ndarray]:
        """Every model's output on ``x`` (inference mode), as NumPy arrays."""
        return {variant: np.asarray(value) for variant, value in self._predict(np.asarray(x, np.float32)).items()}

    def score(self, x: np.ndarray, targets: Mapping[str, np.ndarray], value: str = "held_out_loss") -> dict:
        """Each model's loss on (x, targets), without training, keyed like the step's own logs."""
        outputs = self.predict(x)
        return {
            self.name(variant, value): float(self.losses[variant](targets[variant], outputs[variant]))
            for variant in self.models
        }
