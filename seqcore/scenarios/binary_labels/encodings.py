"""The four ways to encode a binary label, and how to read each head's output back (NumPy only).

Every variant shares the recurrent body; what differs is the head, the loss and the targets that loss needs.
This module holds those differences as data (the page's "label encoding" table comes from :data:`ENCODINGS`)
and as two functions: :func:`encode_targets` (0/1 flags → the variant's training targets) and
:func:`read_outputs` (the head's raw output → predicted class and P(positive)).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

import numpy as np

VARIANTS = ("mse_raw", "sparse_softmax_1unit", "sigmoid_bce", "softmax_2class")
PROBABILISTIC = ("sigmoid_bce", "softmax_2class")  # heads whose output is a probability by construction
BROKEN = "sparse_softmax_1unit"
MSE_THRESHOLD = 1.5  # halfway between the seed's labels 1 and 2


@dataclass(frozen=True)
class Encoding:
    """One row of the page's label-encoding table."""

    variant: str
    units: int  # output units per step
    activation: str  # of the output layer
    loss: str  # the keras loss the variant compiles with
    negative_target: str  # what the loss is given for a negative next sample
    positive_target: str  # ... and for a positive one
    decision: str  # how a class is read from the output
    works: bool


ENCODINGS = (
    Encoding("mse_raw", 1, "linear", "MeanSquaredError", "1.0", "2.0", "output > 1.5", True),
    Encoding("sparse_softmax_1unit", 1, "linear (logit)", "SparseCategoricalCrossentropy(from_logits=True)",
             "1 (class index)", "2 (class index)", "argmax over 1 unit: always index 0", False),
    Encoding("sigmoid_bce", 1, "sigmoid", "BinaryCrossentropy", "0.0", "1.0", "P(positive) > 0.5", True),
    Encoding("softmax_2class", 2, "softmax", "CategoricalCrossentropy", "[1, 0]", "[0, 1]",
             "argmax over 2 units", True),
)


def encoding_table() -> list[dict]:
    """:data:`ENCODINGS` as JSON-able rows."""
    return [asdict(row) for row in ENCODINGS]


def _check_variant(variant: str) -> None:
    if variant not in VARIANTS:
        raise ValueError(f"variant: must be one of {', '.join(VARIANTS)}; received {variant!r}")


def encode_targets(variant: str, positive: np.ndarray) -> np.ndarray:
    """0/1 "next sample is positive" flags (windows, steps) → the training targets ``variant``'s loss needs.

    mse_raw: the seed's labels 1/2 as floats (windows, steps, 1); sparse_softmax_1unit: the seed's labels 1/2
    as integer class indices, shaped like the seed's (windows, steps, 1); sigmoid_bce: 0/1 floats
    (windows, steps, 1); softmax_2class: one-hot rows (windows, steps, 2).
    """
    _check_variant(variant)
    positive = np.asarray(positive)
    if variant == "mse_raw":
        return (positive + 1).astype(np.float32)[..., None]
    if variant == BROKEN:
        return (positive + 1).astype(np.int32)[..., None]
    if variant == "sigmoid_bce":
        return positive.astype(np.float32)[..., None]
    return np.eye(2, dtype=np.float32)[positive.astype(np.int64)]


def mse_probability(outputs: np.ndarray) -> np.ndarray:
    """Read the MSE head's output on labels 1/2 as P(positive): ``clip(y - 1, 0, 1)``.

    Why this mapping: the squared error on targets 1 and 2 is minimised by the conditional mean
    1 + P(positive), so y − 1 is the model's own estimate of P(positive), on the same footing as a sigmoid's
    output. A linear unit is unbounded, though (its outputs can land below 1 or above 2), so the estimate is clipped
    into [0, 1]. Clipping only ever moves a value towards both possible 0/1 labels, so it never raises
    the squared error: it is the most favourable reading of the MSE model, which makes its Brier score a fair
    (if anything flattering) comparison with the probabilistic heads. Its log loss is not reported: a clipped
    0 or 1 that is wrong costs an unbounded penalty, which says more about the clipping than about the model.
    """
    return np.clip(np.asarray(outputs, np.float64) - 1.0, 0.0, 1.0)


def read_outputs(variant: str, outputs: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Raw head outputs (windows, steps, units) → (predicted positive flag, P(positive)), each (windows, steps).

    For sparse_softmax_1unit the predicted class is always index 0 (an argmax over one unit), a class index
    that is neither of the seed's labels 1 and 2, so the predicted flag is -1 ("no valid class"). Its softmax
    puts all probability on that index, so the probability it gives the positive class (index 2) is 0.
    """
    _check_variant(variant)
    outputs = np.asarray(outputs, np.float64)
    if variant == "mse_raw":
        return (outputs[..., 0] > MSE_THRESHOLD).astype(np.int8), mse_probability(outputs[..., 0])
    if variant == BROKEN:
        shape = outputs.shape[:-1]
        return np.full(shape, -1, np.int8), np.zeros(shape)
    if variant == "sigmoid_bce":
        probability = outputs[..., 0]
    else:
        probability = outputs[..., 1] / np.maximum(outputs.sum(axis=-1), 1e-12)
    return (probability > 0.5).astype(np.int8), probability


def softmax(logits: np.ndarray, axis: int = -1) -> np.ndarray:
    """A numerically stable softmax: over one unit it is exactly 1 whatever the logit."""
    logits = np.asarray(logits, np.float64)
    shifted = np.exp(logits - logits.max(axis=axis, keepdims=True))
    return shifted / shifted.sum(axis=axis, keepdims=True)
