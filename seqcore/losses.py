"""Differentiable training losses (TensorFlow), kept apart from evaluation metrics (``metrics.py``).

Each loss is a pair, as in keras itself: a function returning one value per sample, and a
``keras.losses.Loss`` subclass that stores its hyper-parameters, extends ``get_config`` and is registered
with ``keras.saving.register_keras_serializable`` so a compiled model saves and loads as ``.keras``.
"""

from __future__ import annotations

import keras
import tensorflow as tf
from keras import ops

from seqcore.soft_dtw import (  # noqa: F401  (time_penalty is part of this module's API)
    as_series,
    check_alpha,
    check_gamma,
    dilate_from_cost,
    pairwise_squared_distances,
    soft_alignment_from_cost,
    soft_dtw_from_cost,
    time_penalty,
)

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


# -- soft-DTW and DILATE on series (the engine is in soft_dtw.py) ----------------------------------------


def soft_dtw(y_true, y_pred, gamma: float = 1.0) -> tf.Tensor:
    """Soft-DTW between each pair of series with a squared-Euclidean cost, per sample (batch,).

    ``y_true`` (batch, n[, features]) and ``y_pred`` (batch, m[, features]); γ > 0 sets the smoothing (γ → 0
    gives DTW's summed squared cost along the best path). It is not zero for identical series and can be
    negative; :func:`soft_dtw_divergence` is zero for identical series and never negative.
    """
    return soft_dtw_from_cost(pairwise_squared_distances(y_true, y_pred), gamma)


def soft_alignment(y_true, y_pred, gamma: float = 1.0) -> tf.Tensor:
    """The soft alignment path E (batch, n, m): how strongly step i of ``y_true`` is matched with step j of
    ``y_pred``, averaged over all alignments weighted by exp(−cost/γ); E = ∂ soft-DTW / ∂C. Differentiable."""
    return soft_alignment_from_cost(pairwise_squared_distances(y_true, y_pred), gamma)


def soft_dtw_divergence(y_true, y_pred, gamma: float = 1.0) -> tf.Tensor:
    """Soft-DTW divergence (Blondel, Mensch & Vert, AISTATS 2021), per sample:
    sdtw(x, y) − ½ (sdtw(x, x) + sdtw(y, y)). Non-negative, and exactly 0 when the two series are equal."""
    x = as_series(y_true, "y_true")
    y = tf.cast(as_series(y_pred, "y_pred"), x.dtype)
    # Three calls on same-shaped batches rather than one stacked batch: for x == y they then run on identical
    # buffers and give bit-identical values (SIMD and scalar paths may round a stacked batch's rows apart).
    return soft_dtw(x, y, gamma) - 0.5 * (soft_dtw(x, x, gamma) + soft_dtw(y, y, gamma))


def dilate(y_true, y_pred, alpha: float = 0.5, gamma: float = 0.01):
    """DILATE (Le Guen & Thome, NeurIPS 2019), per sample: returns ``(total, shape, temporal)``.

    shape = soft-DTW(y_true, y_pred); temporal = ⟨E, Ω⟩, the soft alignment path E weighted by the squared
    time gap of each matched pair (:func:`time_penalty`), so a prediction with the right shape at the wrong
    time pays here; total = α · shape + (1 − α) · temporal.
    """
    return dilate_from_cost(pairwise_squared_distances(y_true, y_pred), alpha, gamma)


class _AlignmentLoss(keras.losses.Loss):
    """Shared plumbing: γ lives in the config, so a saved model reloads with the same loss."""

    def __init__(self, gamma=1.0, name=None, reduction="sum_over_batch_size", dtype=None):
        super().__init__(name=name, reduction=reduction, dtype=dtype)
        self.gamma = check_gamma(gamma)

    def get_config(self):
        return {**super().get_config(), "gamma": self.gamma}


@keras.saving.register_keras_serializable(package=PACKAGE)
class SoftDTW(_AlignmentLoss):
    """:func:`soft_dtw` as a keras loss (averaged over the batch)."""

    def __init__(self, gamma=1.0, name="soft_dtw", reduction="sum_over_batch_size", dtype=None):
        super().__init__(gamma=gamma, name=name, reduction=reduction, dtype=dtype)

    def call(self, y_true, y_pred):
        return soft_dtw(y_true, y_pred, self.gamma)


@keras.saving.register_keras_serializable(package=PACKAGE)
class SoftDTWDivergence(_AlignmentLoss):
    """:func:`soft_dtw_divergence` as a keras loss (averaged over the batch)."""

    def __init__(self, gamma=1.0, name="soft_dtw_divergence", reduction="sum_over_batch_size", dtype=None):
        super().__init__(gamma=gamma, name=name, reduction=reduction, dtype=dtype)

    def call(self, y_true, y_pred):
        return soft_dtw_divergence(y_true, y_pred, self.gamma)


@keras.saving.register_keras_serializable(package=PACKAGE)
class Dilate(_AlignmentLoss):
    """:func:`dilate`'s total as a keras loss (averaged over the batch, as in the paper's code)."""

    def __init__(self, alpha=0.5, gamma=0.01, name="dilate", reduction="sum_over_batch_size", dtype=None):
        super().__init__(gamma=gamma, name=name, reduction=reduction, dtype=dtype)
        self.alpha = check_alpha(alpha)

    def call(self, y_true, y_pred):
        return dilate(y_true, y_pred, self.alpha, self.gamma)[0]

    def get_config(self):
        return {**super().get_config(), "alpha": self.alpha}
