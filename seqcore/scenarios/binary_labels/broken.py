"""What TensorFlow does with sparse softmax cross-entropy on one output unit — recorded, not crashed on.

The seed swapped its MSE loss for ``tf.nn.sparse_softmax_cross_entropy_with_logits`` on the same one-unit head
and labels 1/2. :func:`probe` replays that step by step on a small batch of real windows and returns what
each attempt gave — the exception's type and message, or the loss value — so the page can show it:

1. The seed's call as written (float labels shaped like the logits): refused before anything runs, because
   sparse labels are class *indices* with one dimension fewer than the logits.
2. Integer labels 1/2 of the right shape: one unit means one class, index 0, so valid labels are [0, 1); on
   a CPU the op raises for label 2 (and for 1), on a GPU it returns NaN instead (TensorFlow's documented
   behaviour for out-of-range labels).
3. Labels moved to 0/1 but still one unit: label 1 is still out of range.
4. The one case that runs, every label 0: a softmax over one unit is exp(z)/exp(z) = 1 whatever z is, so
   the loss is exactly 0 and so is its gradient: nothing could ever be learned.

The training attempt itself (the trainer's real steps with keras' ``SparseCategoricalCrossentropy``) is
recorded by :func:`attempt_training`. Inside a compiled step the same error arrives wrapped as "Graph execution
error" with a traceback of graph nodes; :func:`clean_message` keeps only the sentence that matters.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import numpy as np

from seqcore.scenarios.binary_labels.artifacts import Attempt, OneUnitSoftmax
from seqcore.training import Cancelled, TimeLimitExceeded

MAX_MESSAGE_CHARS = 420
MAX_LABEL_VALUES = 12  # TensorFlow lists every label of the batch; keep the first few
REASON = (
    "Sparse cross-entropy reads each label as the index of the output unit that should win, and a "
    "one-unit head has only index 0, so the labels 1 and 2 point at units that do not exist: TensorFlow "
    "refuses them on a CPU (on a GPU it documents NaN losses instead). Moving the labels to 0/1 does not "
    "help, since label 1 is still out of range and a softmax over one unit is always exactly 1, so label 0 "
    "costs nothing and teaches nothing — the fix is two softmax units with one-hot 0/1 targets, or one "
    "sigmoid unit with binary cross-entropy."
)


def clean_message(text: str) -> str:
    """The part of a TensorFlow error a reader needs: no traceback lines, node names or endless label lists."""
    lines = []
    for line in str(text).splitlines():
        stripped = line.strip()
        if (
            not stripped
            or stripped.startswith("File ")
            or stripped.startswith("Detected at node")
            or stripped.startswith("Graph execution error")
            or stripped.startswith("[[")
        ):
            continue
        lines.append(stripped)
    message = " ".join(lines)
    message = re.sub(r"\{\{[^}]*\}\}", "", message)  # {{function_node ...}} / {{node ...}}
    message = re.sub(r"\[Op:[^\]]*\]( name: ?)?", "", message)
    message = re.sub(r";?\s*NodeDef:.*", "", message)

    def shorten(match: re.Match) -> str:
        values = match.group(1).split()
        more = " …" if len(values) > MAX_LABEL_VALUES else ""
        return "Label values: " + " ".join(values[:MAX_LABEL_VALUES]) + more

    message = re.sub(r"Label values:((?:\s+-?\d+)+)", shorten, message)
    message = re.sub(r"\s+", " ", message).strip()
    if len(message) > MAX_MESSAGE_CHARS:
        message = message[: MAX_MESSAGE_CHARS - 1] + "…"
    return message


def _outcome(attempt: str, code: str, compute: Callable[[], Any]) -> Attempt:
    """Run one attempt; record the loss it returned or the error it raised (never re-raised)."""
    try:
        value = np.asarray(compute(), np.float64)
    except Exception as error:  # noqa: BLE001 — recording what TensorFlow raises is the point
        return Attempt(
            attempt=attempt, code=code, outcome="error", error_type=type(error).__name__, message=clean_message(error)
        )
    mean = float(np.mean(value))
    return Attempt(
        attempt=attempt,
        code=code,
        outcome="value",
        loss=round(mean, 6) if np.isfinite(mean) else None,
        loss_text=f"{mean:.6g}",
        message=f"returned a loss of {mean:.6g}",
    )


def device_name() -> str:
    import tensorflow as tf

    return "GPU" if tf.config.list_logical_devices("GPU") else "CPU"


def probe(labels_1_2: np.ndarray, logits: np.ndarray) -> tuple[list[Attempt], OneUnitSoftmax]:
    """Replay the seed's failing loss on ``logits`` (windows, steps, 1) and labels 1/2 (windows, steps).

    Returns the attempts in order and what a one-unit softmax does to these logits; never raises for what
    TensorFlow does.
    """
    import tensorflow as tf

    labels_1_2 = np.asarray(labels_1_2)
    logits = np.asarray(logits, np.float32)
    if logits.ndim != 3 or logits.shape[-1] != 1 or logits.shape[:2] != labels_1_2.shape:
        raise ValueError(
            f"logits: must be (windows, steps, 1) matching labels {labels_1_2.shape}; received {logits.shape}"
        )
    sparse = tf.nn.sparse_softmax_cross_entropy_with_logits
    attempts = [
        _outcome(
            "The seed's call: float labels 1/2 shaped like the logits (windows, steps, 1)",
            "tf.nn.sparse_softmax_cross_entropy_with_logits(labels=y, logits=outputs)",
            lambda: sparse(labels=labels_1_2.astype(np.float32)[..., None], logits=logits),
        ),
        _outcome(
            "Integer labels 1/2 shaped (windows, steps): the shape sparse labels need",
            "sparse_softmax_cross_entropy_with_logits(labels=tf.cast(y[..., 0], tf.int32), logits=outputs)",
            lambda: sparse(labels=labels_1_2.astype(np.int32), logits=logits),
        ),
        _outcome(
            "Labels moved to 0/1, still one output unit",
            "sparse_softmax_cross_entropy_with_logits(labels=y01, logits=outputs)",
            lambda: sparse(labels=(labels_1_2 - 1).astype(np.int32), logits=logits),
        ),
    ]
    zeros = tf.zeros(labels_1_2.shape, tf.int32)
    variable = tf.Variable(logits)
    with tf.GradientTape() as tape:
        loss = tf.reduce_mean(sparse(labels=zeros, logits=variable))
    gradient = np.asarray(tape.gradient(loss, variable))
    largest = float(np.max(np.abs(gradient)))
    attempts.append(
        Attempt(
            attempt="Every label 0, one output unit: the only labels a one-unit softmax accepts",
            code="sparse_softmax_cross_entropy_with_logits(labels=zeros, logits=outputs)",
            outcome="value",
            loss=round(float(loss), 6),
            loss_text=f"{float(loss):.6g}",
            message=f"returned a loss of {float(loss):.6g}; largest gradient {largest:.6g}",
        )
    )
    sample = logits.ravel()[:6].astype(np.float64)
    one_unit = OneUnitSoftmax(
        logits=np.round(sample, 4).tolist(),
        softmax=np.asarray(tf.nn.softmax(sample[:, None], axis=-1))[:, 0].round(6).tolist(),
        loss_with_label_0=round(float(loss), 6),
        largest_gradient=largest,
    )
    return attempts, one_unit


TRAINING_CODE = (
    "loss = keras.losses.SparseCategoricalCrossentropy(from_logits=True)(y12, model(x))  "
    "# y12: labels 1/2, shape (windows, steps, 1)"
)


def attempt_training(train: Callable[[], list[dict]]) -> tuple[list[dict], Attempt]:
    """Try to train the broken variant; return (its per-epoch logs, what happened).

    ``train`` trains it through the one trainer. On a CPU the first step raises ``InvalidArgumentError`` at
    the loss: that error is the result, summarised, and nothing is trained. Where it does not raise (a GPU
    returns NaN instead), the training runs to the end and the record says what its loss was. A cancel or a
    time limit is not a result: it propagates.
    """
    attempt = "Training: keras' sparse cross-entropy on the one-unit head, through the trainer"
    try:
        history = train()
    except (Cancelled, TimeLimitExceeded):
        raise
    except Exception as error:  # noqa: BLE001 — the error is the result this variant exists to show
        return [], Attempt(
            attempt=attempt,
            code=TRAINING_CODE,
            outcome="error",
            error_type=type(error).__name__,
            message=clean_message(error),
            epochs_completed=0,
        )
    first = history[0].get("loss", float("nan")) if history else float("nan")
    last = history[-1].get("loss", float("nan")) if history else float("nan")
    finite = bool(np.isfinite(last))
    message = f"no error on this device: first-epoch loss {first:.6g}, final loss {last:.6g}" + (
        "" if finite else " (not a number: the weights it touched are NaN now)"
    )
    return history, Attempt(
        attempt=attempt,
        code=TRAINING_CODE,
        outcome="value",
        loss=round(last, 6) if finite else None,
        loss_text=f"{last:.6g}",
        message=message,
        epochs_completed=len(history),
    )
