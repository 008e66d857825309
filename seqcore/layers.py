"""Custom keras layers that saved models may name, registered so the store can load them with ``safe_mode=True``
(it imports this module, as it imports ``losses.py``, before loading any model)."""

from __future__ import annotations

import keras
from keras import ops

PACKAGE = "seqcore"
PAPER_FC_UNITS = 16  # the DILATE paper's decoder head: GRU state → 16 ReLU units → 1 value


@keras.saving.register_keras_serializable(package=PACKAGE)
class FeedbackDecoder(keras.layers.Layer):
    """The DILATE paper's decoder (event timing's paper preset): ``steps`` GRU steps, each fed the previous
    prediction (the first: the last history value). Called on ``[history, encoder_state]``; returns
    (batch, steps, 1). Seeded from ``seed``."""

    def __init__(self, units: int, steps: int, fc_units: int = PAPER_FC_UNITS, seed: int = 0, **kwargs) -> None:
        super().__init__(**kwargs)
        self.units, self.steps, self.fc_units, self.seed = int(units), int(steps), int(fc_units), int(seed)
        glorot, orthogonal = keras.initializers.GlorotUniform, keras.initializers.Orthogonal
        self.cell = keras.layers.GRUCell(
            self.units, kernel_initializer=glorot(seed=self.seed), recurrent_initializer=orthogonal(seed=self.seed + 1)
        )
        self.fc = keras.layers.Dense(self.fc_units, activation="relu", kernel_initializer=glorot(seed=self.seed + 2))
        self.out = keras.layers.Dense(1, kernel_initializer=glorot(seed=self.seed + 3))

    def build(self, input_shape) -> None:
        self.cell.build((None, 1))
        self.fc.build((None, self.units))
        self.out.build((None, self.fc_units))

    def call(self, inputs):
        history, state = inputs
        value = history[:, -1, :]
        predictions = []
        for _ in range(self.steps):  # unrolled: the horizon is fixed and short
            hidden, states = self.cell(value, [state])
            state = states[0] if isinstance(states, (list, tuple)) else states
            value = self.out(self.fc(hidden))
            predictions.append(value)
        return ops.stack(predictions, axis=1)

    def compute_output_shape(self, input_shape):
        return (input_shape[0][0], self.steps, 1)

    def get_config(self):
        return {
            **super().get_config(),
            "units": self.units,
            "steps": self.steps,
            "fc_units": self.fc_units,
            "seed": self.seed,
        }
