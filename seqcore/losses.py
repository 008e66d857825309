"""Differentiable training losses (TensorFlow), kept apart from evaluation metrics (``metrics.py``).

Each loss is a pair, as in keras itself: a function returning one value per sample, and a
``keras.losses.Loss`` subclass that stores its hyper-parameters, extends ``get_config`` and is registered
with ``keras.saving.register_keras_serializable`` so a compiled model saves and loads as ``.keras``.
"""

from __future__ import annotations

import keras
from keras import ops

PACKAGE = "seqcore"


def masked_mse(y_true, y_pred):
    """Mean squared error over the steps that are present, per sample.

    ``y_true[..., 0]`` is the target and ``y_true[..., 1]`` a mask flag (1 = missing, as in the seed);
    ``y_pred[..., 0]`` is the prediction. Missing steps add nothing, and each sample is averaged over the
    steps it has, so a window with many gaps is not scored lower for having them.
    """
    target, missing = y_true[..., 0], y_true[..., 1]
    present = 1.0 - missing
    squared = ops.square(target - y_pred[..., 0]) * present
    return ops.sum(squared, axis=-1) / ops.maximum(ops.sum(present, axis=-1), 1.0)


@keras.saving.register_keras_serializable(package=PACKAGE)
class MaskedMSE(keras.losses.Loss):
    """:func:`masked_mse` as a keras loss."""

    def __init__(self, name="masked_mse", reduction="sum_over_batch_size", dtype=None):
        super().__init__(name=name, reduction=reduction, dtype=dtype)

    def call(self, y_true, y_pred):
        return masked_mse(y_true, y_pred)
