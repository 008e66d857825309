"""The four ways to encode a binary label: one :class:`Head` per variant, and how to read its output back.

Every variant shares the recurrent body; what differs is the head, the loss and the targets that loss needs.
Each variant declares all of that once, here, in :data:`HEADS` (keyed by the variant's key in ``__init__.py``):
the model's output layer, the keras loss, the training targets, how a class and P(positive) are read back, and
the row of the page's "label encoding" table. NumPy only: keras is imported when a loss is made.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np

MSE_THRESHOLD = 1.5  # halfway between the seed's labels 1 and 2
NO_CLASS = -1  # the predicted flag of a head that cannot name either class

Reading = tuple[np.ndarray, np.ndarray]  # (predicted positive flag, P(positive)), each (windows, steps)


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


def _read_threshold(outputs: np.ndarray) -> Reading:
    return (outputs[..., 0] > MSE_THRESHOLD).astype(np.int8), mse_probability(outputs[..., 0])


def _read_no_class(outputs: np.ndarray) -> Reading:
    # An argmax over one unit is always index 0, a class index that is neither of the seed's labels 1 and 2;
    # the softmax puts all probability on it, so the positive class (index 2) gets 0.
    shape = outputs.shape[:-1]
    return np.full(shape, NO_CLASS, np.int8), np.zeros(shape)


def _read_sigmoid(outputs: np.ndarray) -> Reading:
    probability = outputs[..., 0]
    return (probability > 0.5).astype(np.int8), probability


def _read_softmax(outputs: np.ndarray) -> Reading:
    probability = outputs[..., 1] / np.maximum(outputs.sum(axis=-1), 1e-12)
    return (probability > 0.5).astype(np.int8), probability


@dataclass(frozen=True)
class Head:
    """Everything one variant differs in: output layer, loss, training targets, read-back, table row."""

    units: int  # output units per step
    activation: str | None  # of the output layer (None: linear)
    loss: str  # the keras.losses class the variant trains with
    negative: tuple[float, ...]  # the target the loss is given for a negative next sample (one value per unit)
    positive: tuple[float, ...]  # ... and for a positive one
    target_dtype: str  # "float32", or "int32" for class indices
    read: Callable[[np.ndarray], Reading]  # raw outputs (windows, steps, units) → (flag, P(positive))
    decision: str  # how a class is read from the output, in words
    from_logits: bool = False
    probabilistic: bool = False  # the output is a probability by construction (log loss is reported)
    trains: bool = True  # False: the seed's failed attempt, which TensorFlow refuses

    def __post_init__(self) -> None:
        if not len(self.negative) == len(self.positive) == self.units:
            raise ValueError(
                f"negative, positive: need one target value per output unit ({self.units}); "
                f"received {self.negative} and {self.positive}"
            )

    def make_loss(self) -> Any:
        import keras

        loss_class = getattr(keras.losses, self.loss)
        return loss_class(from_logits=True) if self.from_logits else loss_class()

    def encode(self, positive: np.ndarray) -> np.ndarray:
        """0/1 "next sample is positive" flags (windows, steps) → this head's targets (windows, steps, units)."""
        table = np.array([self.negative, self.positive], dtype=self.target_dtype)
        return table[np.asarray(positive).astype(np.int64)]

    def target_shape_and_dtype(self) -> tuple[list, str]:
        """Shape and dtype of one batch of targets (for the train step's input signature)."""
        return [None, None, self.units], self.target_dtype

    def table_row(self) -> dict[str, Any]:
        """This head as a row of the page's label-encoding table (plain words, no identifiers)."""

        def shown(values: tuple[float, ...]) -> str:
            if self.target_dtype.startswith("int"):
                return f"{values[0]} (class index)"
            return f"{values[0]:.1f}" if len(values) == 1 else "[" + ", ".join(f"{v:g}" for v in values) + "]"

        loss = f"{self.loss}(from_logits=True)" if self.from_logits else self.loss
        return {
            "output units": self.units,
            "output activation": self.activation or "linear",
            "keras loss": loss,
            "target for negative": shown(self.negative),
            "target for positive": shown(self.positive),
            "class read as": self.decision,
            "trains": "yes" if self.trains else "no",
        }


HEADS: dict[str, Head] = {
    # The seed's first model: one linear unit regressing onto the class numbers 1 and 2.
    "mse_raw": Head(
        units=1,
        activation=None,
        loss="MeanSquaredError",
        negative=(1.0,),
        positive=(2.0,),
        target_dtype="float32",
        read=_read_threshold,
        decision=f"output > {MSE_THRESHOLD:g}",
    ),
    # The seed's attempt: sparse softmax cross-entropy on the same one-unit head, labels 1/2 as class indices.
    "sparse_softmax_1unit": Head(
        units=1,
        activation=None,
        loss="SparseCategoricalCrossentropy",
        from_logits=True,
        negative=(1,),
        positive=(2,),
        target_dtype="int32",
        read=_read_no_class,
        decision="argmax over 1 unit: always index 0",
        trains=False,
    ),
    # A fix: one sigmoid unit, 0/1 targets, binary cross-entropy.
    "sigmoid_bce": Head(
        units=1,
        activation="sigmoid",
        loss="BinaryCrossentropy",
        negative=(0.0,),
        positive=(1.0,),
        target_dtype="float32",
        read=_read_sigmoid,
        decision="P(positive) > 0.5",
        probabilistic=True,
    ),
    # The seed's answer: two softmax units, one-hot targets.
    "softmax_2class": Head(
        units=2,
        activation="softmax",
        loss="CategoricalCrossentropy",
        negative=(1.0, 0.0),
        positive=(0.0, 1.0),
        target_dtype="float32",
        read=_read_softmax,
        decision="argmax over 2 units",
        probabilistic=True,
    ),
}
BROKEN = next(key for key, head in HEADS.items() if not head.trains)
PROBABILISTIC = tuple(key for key, head in HEADS.items() if head.probabilistic)


def head(variant: str) -> Head:
    if variant not in HEADS:
        raise ValueError(f"variant: must be one of {', '.join(HEADS)}; received {variant!r}")
    return HEADS[variant]


def encode_targets(variant: str, positive: np.ndarray) -> np.ndarray:
    """0/1 "next sample is positive" flags (windows, steps) → the training targets ``variant``'s loss needs.

    mse_raw: the seed's labels 1/2 as floats (windows, steps, 1); sparse_softmax_1unit: the seed's labels 1/2
    as integer class indices, shaped like the seed's (windows, steps, 1); sigmoid_bce: 0/1 floats
    (windows, steps, 1); softmax_2class: one-hot rows (windows, steps, 2).
    """
    return head(variant).encode(positive)


def read_outputs(variant: str, outputs: np.ndarray) -> Reading:
    """Raw head outputs (windows, steps, units) → (predicted positive flag, P(positive)), each (windows, steps).

    For sparse_softmax_1unit the predicted class is always index 0 (an argmax over one unit), a class index
    that is neither of the seed's labels 1 and 2, so the predicted flag is -1 ("no valid class"). Its softmax
    puts all probability on that index, so the probability it gives the positive class (index 2) is 0.
    """
    return head(variant).read(np.asarray(outputs, np.float64))


def softmax(logits: np.ndarray, axis: int = -1) -> np.ndarray:
    """A numerically stable softmax: over one unit it is exactly 1 whatever the logit."""
    logits = np.asarray(logits, np.float64)
    shifted = np.exp(logits - logits.max(axis=axis, keepdims=True))
    return shifted / shifted.sum(axis=axis, keepdims=True)
